"""Self-checks for the chapter *Finding the MLE* (``book/finding_the_mle.md``).

The data are rebuilt here exactly as in the chapter (same seeds, same data set).
"""

from __future__ import annotations

import numpy as np

from ._core import approx, as_number, as_numbers, as_sequence, as_vector, register

_Y = np.array([4.1, 5.3, 3.8, 6.0, 4.9, 5.5, 4.4, 5.0])


def _art() -> np.ndarray:
    from ..datasets import load_biochemists

    return load_biochemists()["art"].to_numpy(dtype=float)


def _times() -> np.ndarray:
    return np.random.default_rng(9).exponential(4.0, size=30)


def _rain() -> np.ndarray:
    return np.random.default_rng(8).gamma(2.5, 1 / 0.5, size=200)


@register("ex-finding_the_mle-poisson",
          hint="the Poisson MLE is the sample mean; J(lam_hat) simplifies to n / mean.")
def _poisson(answer):
    lam_hat, se_lam = as_numbers(answer, 2, names=("lam_hat", "se_lam"))
    x = _art()
    if approx(lam_hat, x.mean()) is not None:
        return "lam_hat is not right."
    if approx(se_lam, x.mean() / x.size) is None:
        return "se_lam is a variance (mean / n); the standard error is its square root."
    if approx(se_lam, np.sqrt(x.var(ddof=1) / x.size)) is None:
        return ("se_lam uses the sample variance; the question asks for 1 / sqrt(J) "
                "from the Poisson log-likelihood.")
    if approx(se_lam, np.sqrt(x.mean() / x.size)) is not None:
        return "se_lam is not right."
    return None


@register("ex-finding_the_mle-variance",
          hint="square the deviations from the mean, add them up, and divide by the "
               "number of measurements.")
def _variance(answer):
    answer = as_number(answer)
    if approx(answer, _Y.var(ddof=1)) is None:
        return "that divides by n - 1: it is the unbiased estimator s^2, not the MLE."
    if approx(answer, _Y.std()) is None:
        return "that is sigma_hat; the exercise asks for the variance sigma^2."
    return approx(answer, _Y.var())


@register("ex-finding_the_mle-newton",
          hint="iterate lam <- 2 lam - lam**2 * mean(times) three times from 0.1; the first "
               "iterate lam_1 = lam_0 (2 - lam_0 * mean(times)) is positive while "
               "2 - lam_0 * mean(times) > 0.")
def _newton(answer):
    iterates, upper = as_sequence(answer, 2, names=("iterates", "upper"))
    upper = as_number(upper, "upper")
    xbar = _times().mean()
    lam = [0.1]
    for _ in range(3):
        lam.append(2 * lam[-1] - lam[-1] ** 2 * xbar)
    if isinstance(iterates, (list, tuple, np.ndarray)) and len(iterates) == 3:
        return "iterates needs four values: the start lambda_0 and three steps."
    got = as_vector(iterates, 4, "iterates")
    problem = approx(got, np.array(lam))
    if problem:
        return "iterates: " + problem
    if approx(upper, 1 / xbar) is None:
        return ("upper is the MLE itself: above it the first step moves down, but the "
                "first iterate is still positive for starts somewhat above the MLE.")
    return approx(upper, 2 / xbar)


@register("ex-finding_the_mle-gamma",
          hint="minimise the negative log-likelihood over the logs of shape and rate, "
               "then exponentiate the optimum.")
def _gamma(answer):
    from ..fit import fit

    answer = as_numbers(answer, 2, names=("shape_hat", "rate_hat"))
    x = _rain()
    ref = fit("gamma", x).params
    m = x.mean()
    for v in (x.var(), x.var(ddof=1)):
        if approx(answer, (m * m / v, m / v)) is None:
            return ("those are the method-of-moments estimates, the starting values; "
                    "now maximise.")
    if approx(answer, (ref["rate"], ref["shape"])) is None:
        return "shape and rate are swapped."
    if approx(answer[0], ref["shape"]) is not None:
        return "shape_hat is not right."
    if approx(answer[1], ref["rate"]) is not None:
        return "rate_hat is not right (is it a rate, not a scale?)."
    return None


@register("ex-finding_the_mle-invariance",
          hint="by invariance, plug the MLE of lam into exp(-lam).")
def _invariance(answer):
    answer = as_number(answer)
    x = _art()
    if approx(answer, np.mean(x == 0)) is None:
        return ("that is the observed proportion of zeros, not the Poisson model's "
                "estimate of P(X = 0).")
    return approx(answer, np.exp(-x.mean()))
