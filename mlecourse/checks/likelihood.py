"""Self-checks for the chapter *The likelihood function* (``book/likelihood.md``)."""

from __future__ import annotations

import numpy as np

from ._core import approx, as_choice, as_number, as_numbers, register

# The chapter's ad-click data: 100 simulated visitors, true click probability 0.6.
_CLICKS_SEED, _CLICKS_P, _CLICKS_N = 20240601, 0.6, 100


def _binom_pmf(k: int, n: int, p: float) -> float:
    from scipy import stats

    return float(stats.binom.pmf(k, n, p))


@register("ex-likelihood-coin",
          hint="the MLE of a proportion is the observed proportion; in the ratio the "
               "binomial coefficient cancels.")
def _coin(answer):
    p_hat, ratio = as_numbers(answer, 2, names=("p_hat", "ratio"))
    if approx(p_hat, 7 / 20) is not None:
        return "p_hat is not right."
    expected = _binom_pmf(7, 20, 7 / 20) / _binom_pmf(7, 20, 0.5)
    if approx(ratio, 1 / expected) is None:
        return "the ratio is upside down: divide L(p_hat) by L(0.5)."
    if approx(ratio, expected) is not None:
        return "the ratio is not right."
    return None


@register("ex-likelihood-sequence",
          hint="a sequence has one probability per visitor, multiplied; a count adds up "
               "every order in which 3 clicks among 5 can happen.")
def _sequence(answer):
    l_seq, l_count = as_numbers(answer, 2, names=("L_seq", "L_count"))
    expected_seq = 0.6**3 * 0.4**2
    if approx(l_seq, expected_seq) is not None:
        return "L_seq is not right."
    if approx(l_count, expected_seq) is None:
        return "L_count equals L_seq: the count must include the number of orders."
    if approx(l_count, _binom_pmf(3, 5, 0.6)) is not None:
        return "L_count is not right."
    return None


@register("ex-likelihood-integral",
          hint="integrate q**7 * (1 - q)**13 over [0, 1] with scipy.integrate.quad; "
               "the result is a beta function.")
def _integral(answer):
    from scipy import special

    answer = as_number(answer)
    if approx(answer, 1 / 21) is None:
        return "that is the integral with the binomial coefficient; this likelihood has none."
    if approx(answer, 1.0) is None:
        return "a likelihood does not integrate to 1 over the parameter; compute the integral."
    return approx(answer, special.beta(8, 14))


def _interval(cut: float) -> tuple[float, float]:
    from scipy import optimize

    clicks = np.random.default_rng(_CLICKS_SEED).binomial(1, _CLICKS_P, size=_CLICKS_N)
    k, n = int(clicks.sum()), clicks.size
    p_hat = k / n
    ll_hat = k * np.log(p_hat) + (n - k) * np.log1p(-p_hat)

    def f(q):
        return k * np.log(q) + (n - k) * np.log1p(-q) - ll_hat - np.log(cut)

    return (optimize.brentq(f, 1e-12, p_hat, xtol=1e-14),
            optimize.brentq(f, p_hat, 1 - 1e-12, xtol=1e-14))


@register("ex-likelihood-interval",
          hint="solve L(p) / L(p_hat) = 1/8 once below and once above p_hat, e.g. with "
               "scipy.optimize.brentq.")
def _likelihood_interval(answer):
    from scipy import stats

    low, high = as_numbers(answer, 2, names=("low", "high"))
    expected = _interval(1 / 8)
    chi2_cut = _interval(float(np.exp(-stats.chi2.ppf(0.95, 1) / 2)))
    if approx((low, high), chi2_cut) is None:
        return "that is the interval for the cut-off 0.147; this exercise asks for 1/8."
    if approx((low, high), expected[::-1]) is None:
        return "low and high are swapped."
    if approx(low, expected[0]) is not None:
        return "low is not right."
    if approx(high, expected[1]) is not None:
        return "high is not right."
    return None


@register("ex-likelihood-meaning",
          hint="the likelihood is computed from P(data | parameter): which statement is "
               "about the data?")
def _meaning(answer):
    choice = as_choice(answer, "abc")
    if choice == "a":
        return "(a) reads the likelihood as a probability of the parameter."
    if choice == "c":
        return "(c) compares probabilities of the parameter, which the likelihood does not give."
    return None
