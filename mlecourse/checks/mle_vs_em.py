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
    y1, y2, y3, y4 = counts
    n = sum(counts)
    b = y1 - 2 * y2 - 2 * y3 - y4
    theta = (b + math.sqrt(b * b + 8 * n * y4)) / (2 * n)
    p = theta / (2 + theta)
    i_com = (y1 * p + y4) / theta ** 2 + (y2 + y3) / (1 - theta) ** 2
    i_mis = y1 * p * (1 - p) / theta ** 2
    return theta, i_com, i_mis


@register("ex-mle_vs_em-louis",
          hint="the hidden count is Binomial(y1, p) with p = theta/(2 + theta); the "
               "complete-data score depends on it through x / theta, so I_mis = Var(x | y) / "
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
