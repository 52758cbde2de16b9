"""Self-checks for the exercises of the chapter "MLE vs EM: when to use which"."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ._core import approx, as_number, as_numbers, as_whole_number, register

FISHER_BALMUKAND = (1997, 906, 904, 32)


@cache
def _mixture_se() -> dict:
    """Standard errors of the 1-D Old Faithful mixture from the observed information."""
    from ..datasets import load_faithful
    from ..em import gmm_em
    from ..fit import fit_numeric
    from ..mixture import mixture_loglik

    x = load_faithful()["eruptions"].to_numpy(dtype=float)
    em = gmm_em(x, 2, n_init=2, rng=0)
    o = np.argsort(em.means[:, 0])
    start = np.r_[em.weights[o][1], em.means[o, 0], np.sqrt(em.covariances[o, 0, 0])]

    def loglik(t):
        return mixture_loglik(x, [1 - t[0], t[0]], t[1:3], t[3:5])

    fit = fit_numeric(loglik, start, names=["w", "mu1", "mu2", "sd1", "sd2"], unit=["w"],
                      positive=["sd1", "sd2"], n=x.size)
    return fit.se


@register("ex-mle_vs_em-se-mu1",
          hint="the standard error is the square root of a diagonal entry of the inverse of "
               "minus the Hessian of the observed-data log-likelihood at the MLE.")
def _se_mu1(answer):
    value = as_number(answer, "se_mu1")
    se = _mixture_se()
    if value <= 0:
        return "a standard error is positive."
    if math.isclose(value, se["mu2"], rel_tol=2e-2):
        return "that is the standard error of the long-eruption mean mu2."
    if math.isclose(value, se["mu1"] ** 2, rel_tol=2e-2):
        return "that is a variance; take its square root."
    return approx(value, se["mu1"])


def _louis(counts) -> tuple[float, float, float]:
    """MLE, I_com and I_mis for the linkage model (closed form)."""
    x1, x2, x3, x4 = counts
    n = sum(counts)
    b = x1 - 2 * x2 - 2 * x3 - x4
    theta = (b + math.sqrt(b * b + 8 * n * x4)) / (2 * n)
    p = theta / (2 + theta)
    i_com = (x1 * p + x4) / theta ** 2 + (x2 + x3) / (1 - theta) ** 2
    i_mis = x1 * p * (1 - p) / theta ** 2
    return theta, i_com, i_mis


@register("ex-mle_vs_em-louis",
          hint="the hidden count is Binomial(x1, p) with p = theta/(2 + theta); the "
               "complete-data score depends on it through z / theta, so I_mis = Var(z | x) / "
               "theta^2, and I_obs = I_com - I_mis.")
def _louis_check(answer):
    se, i_mis = as_numbers(answer, 2, names=("se_fb", "i_mis_fb"))
    _, i_com, i_mis_exp = _louis(FISHER_BALMUKAND)
    se_exp = 1 / math.sqrt(i_com - i_mis_exp)
    if math.isclose(se, 1 / math.sqrt(i_com), rel_tol=1e-4):
        return "se_fb uses the complete-data information; subtract the missing information."
    if math.isclose(se, 1 / math.sqrt(i_com + i_mis_exp), rel_tol=1e-4):
        return "se_fb: I_obs is I_com MINUS I_mis."
    problem = approx(se, se_exp)
    if problem:
        return f"se_fb: {problem}"
    problem = approx(i_mis, i_mis_exp)
    return f"i_mis_fb: {problem}" if problem else None


@register("ex-mle_vs_em-iterations",
          hint="solve 0.9 ** n <= 1e-6 for n with logarithms, and round up.")
def _iterations(answer):
    n = as_whole_number(answer, "n_needed")
    expected = math.ceil(math.log(1e-6) / math.log(0.9))
    if n == expected - 1:
        return f"after {n} iterations the error is 0.9^{n} > 1e-6 of the start: round up."
    if n == 6:
        return "that is the number of digits; each EM step gains only -log10(0.9) of a digit."
    if n != expected:
        return f"{n} is not right."
    return None


# one tolerance for the self-check and the hidden test
RATE_RTOL, SE_RTOL = 5e-3, 1e-2


@cache
def _waiting_information():
    """Louis's information for the two-component mixture of the waiting times."""
    from ..datasets import load_faithful
    from ..em import gmm_em, mixture_information

    w = load_faithful()["waiting"].to_numpy(dtype=float)
    return mixture_information(w, gmm_em(w, 2, n_init=3, rng=0))


@register("ex-mle_vs_em-rate-waiting",
          hint="mixture_information(wait, fit) gives .rate, the largest eigenvalue of "
               "I_com^-1 I_mis, and .se, Louis's standard errors (mu1 is the component with "
               "the smaller mean).")
def _rate_waiting(answer):
    rate, se = as_numbers(answer, 2, names=("rate_w", "se_mu1_w"))
    info = _waiting_information()
    if not 0 <= rate < 1:
        return "rate_w: EM's rate is a fraction of missing information, between 0 and 1."
    if math.isclose(rate, info.missing_fractions[1], rel_tol=RATE_RTOL):
        return "rate_w: that is the second-largest eigenvalue; EM's rate is the largest."
    if math.isclose(rate, 1 - info.rate, rel_tol=RATE_RTOL):
        return "rate_w: that is 1 minus the rate, the share of information that is observed."
    problem = approx(rate, info.rate)
    if problem:
        return f"rate_w: {problem}"
    if math.isclose(se, info.se_complete["mu1"], rel_tol=SE_RTOL):
        return "se_mu1_w: that treats the responsibilities as labels (I_com alone); Louis's " \
               "method subtracts the missing information."
    if math.isclose(se, info.se["mu2"], rel_tol=SE_RTOL):
        return "se_mu1_w: that is the standard error of the long-wait mean mu2."
    problem = approx(se, info.se["mu1"])
    return f"se_mu1_w: {problem}" if problem else None
