"""Self-checks for the chapter *The log-likelihood* (``book/log_likelihood.md``).

The data sets are regenerated here from the chapter's seeds.
"""

from __future__ import annotations

import numpy as np

from ._core import approx, as_number, as_numbers, register


def _x_big() -> np.ndarray:
    return np.random.default_rng(1).normal(0.0, 1.0, size=3000)


def _waits() -> np.ndarray:
    return np.random.default_rng(4).exponential(2.0, size=25).round(2)


def _heights() -> np.ndarray:
    return np.random.default_rng(3).normal(170.0, 8.0, size=30)


def _lengths_m() -> np.ndarray:
    return np.random.default_rng(5).normal(0.25, 0.01, size=20)


@register("ex-log_likelihood-ratio",
          hint="subtract two calls of mlecourse.loglik (or two sums of log-densities); "
               "never divide products of densities.")
def _ratio(answer):
    from ..families import loglik

    x = _x_big()
    expected = (loglik("normal", x, mu=0.05, sigma=1.0)
                - loglik("normal", x, mu=0.0, sigma=1.0))
    if isinstance(answer, (float, np.floating)) and np.isnan(answer):
        return "NaN is what the products give (0/0); work on the log scale."
    answer = as_number(answer)
    if approx(answer, -expected) is None:
        return "the sign is reversed: log L(0.05) minus log L(0)."
    if expected > -700 and approx(answer, np.exp(expected)) is None:
        return "that is the ratio itself; the exercise asks for its logarithm."
    return approx(answer, expected)


@register("ex-log_likelihood-score",
          hint="the log-density is log(rate) - rate * x; differentiate with respect to the "
               "rate and sum over the observations.")
def _score(answer):
    score_at_1, rate_hat = as_numbers(answer, 2, names=("score_at_1", "rate_hat"))
    x = _waits()
    if approx(score_at_1, x.size - x.sum()) is not None:
        return "score_at_1 is not right."
    if approx(rate_hat, x.mean()) is None:
        return "rate_hat is the mean waiting time; the MLE of the rate is its reciprocal."
    if approx(rate_hat, x.size / x.sum()) is not None:
        return "rate_hat is not right."
    return None


@register("ex-log_likelihood-info",
          hint="differentiate the normal log-likelihood twice in sigma, then use "
               "sum((x - mu_hat)**2) = n * sigma_hat**2 at the MLE.")
def _info(answer):
    j_sigma, se_sigma = as_numbers(answer, 2, names=("J_sigma", "se_sigma"))
    x = _heights()
    n = x.size
    s2 = float(np.mean((x - x.mean()) ** 2))  # sigma_hat squared
    if approx(j_sigma, n / s2) is None:
        return "J_sigma is n / sigma_hat**2, the information for mu; recompute the second " \
               "derivative in sigma."
    if approx(j_sigma, 2 * n / s2) is not None:
        return "J_sigma is not right."
    if approx(se_sigma, 1 / (2 * n / s2)) is None:
        return "se_sigma is 1 / J_sigma; a standard error is 1 / sqrt(J_sigma)."
    if approx(se_sigma, np.sqrt(s2 / (2 * n))) is not None:
        return "se_sigma is not right."
    return None


@register("ex-log_likelihood-units",
          hint="fit the normal twice, once to the lengths and once to 1000 times the lengths, "
               "and read .loglik from each fit.")
def _units(answer):
    from ..fit import fit

    ll_m, ll_mm = as_numbers(answer, 2, names=("ll_m", "ll_mm"))
    x = _lengths_m()
    expected_m = fit("normal", x).loglik
    expected_mm = fit("normal", 1000 * x).loglik
    if approx((ll_m, ll_mm), (expected_mm, expected_m)) is None:
        return "the two values are swapped."
    if approx(ll_mm, fit("normal", 100 * x).loglik) is None:
        return "ll_mm is for centimetres (x 100); millimetres are x 1000."
    if approx(ll_m, expected_m) is not None:
        return "ll_m is not right."
    if approx(ll_mm, expected_mm) is not None:
        return "ll_mm is not right."
    return None
