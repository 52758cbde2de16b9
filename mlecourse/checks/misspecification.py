"""Self-checks for the exercises of the chapter "Misspecification: when the model is wrong"."""

from __future__ import annotations

import math

import numpy as np

from ._core import approx, as_number, as_numbers, register


def _articles(column: str, value) -> np.ndarray:
    from ..datasets import load_biochemists

    bio = load_biochemists()
    return bio.loc[bio[column] == value, "art"].to_numpy().astype(float)


@register("ex-misspecification-laplace-scale",
          hint="the Laplace MLE of b is the mean absolute deviation from the median; its limit "
               "is E|X - median| under the true distribution, the KL projection.")
def _laplace_scale(answer):
    value = as_number(answer)
    expected = math.sqrt(2.0 / math.pi)
    if math.isclose(value, 1.0, rel_tol=1e-6):
        return ("1 is the truth's standard deviation; the Laplace scale b is not a standard "
                "deviation, and the MLE converges to the KL projection.")
    if math.isclose(value, 1.0 / math.sqrt(2.0), rel_tol=1e-4):
        return ("that is the Laplace scale with variance 1 (moment matching); the KL "
                "projection matches E|X - median| instead.")
    if math.isclose(value, 0.6744897501960817, rel_tol=1e-4):
        return ("that is the median absolute deviation; the Laplace MLE of b averages the "
                "absolute deviations.")
    return approx(value, expected)


@register("ex-misspecification-gamma-projection",
          hint="maximise E[log f(X; shape, rate)] under the log-normal: it depends on the "
               "truth only through E[X] and E[log X] (or use diagnostics.kl_projection).")
def _gamma_projection(answer):
    from scipy import optimize, special, stats

    if not isinstance(answer, dict):
        return f"expected a dict with keys 'shape' and 'rate'; got {type(answer).__name__}."
    if set(answer) != {"shape", "rate"}:
        return f"expected exactly the keys 'shape' and 'rate'; got {sorted(map(str, answer))}."
    shape, rate = as_number(answer["shape"], "shape"), as_number(answer["rate"], "rate")
    g = stats.lognorm(0.6, scale=2.0)
    gap = math.log(g.mean()) - math.log(2.0)
    a = optimize.brentq(lambda v: math.log(v) - special.digamma(v) - gap, 1e-3, 1e3,
                        xtol=1e-14)
    mm = g.mean() ** 2 / g.var()
    if math.isclose(shape, mm, rel_tol=1e-3):
        return ("that is the moment-matching gamma (same mean and variance); the KL projection "
                "matches E[X] and E[log X] instead.")
    if math.isclose(rate, 1.0 / (a / g.mean()), rel_tol=1e-3):
        return "'rate' looks like a scale; the rate is shape / E[X]."
    return approx({"shape": shape, "rate": rate}, {"shape": a, "rate": a / g.mean()})


@register("ex-misspecification-lr-mentors",
          hint="fit 'poisson' and 'negbin' to the counts with ment == 3; the statistic is twice "
               "the log-likelihood difference, and r = infinity is a boundary value.")
def _lr_mentors(answer):
    from scipy import stats

    from ..fit import fit

    stat, p = as_numbers(answer, 2, names=("lr_stat", "p_value"))
    y = _articles("ment", 3)
    expected_stat = 2 * (fit("negbin", y).loglik - fit("poisson", y).loglik)
    problem = approx(stat, expected_stat)
    if problem:
        if math.isclose(stat, expected_stat / 2, rel_tol=1e-4):
            return "lr_stat is twice the difference of the maximised log-likelihoods."
        return f"lr_stat: {problem}"
    naive = float(stats.chi2.sf(expected_stat, 1))
    if math.isclose(p, naive, rel_tol=1e-3):
        return ("that is the naive chi-square(1) p-value; the null value r = infinity is on "
                "the boundary, so the null distribution is a 50:50 mixture.")
    problem = approx(p, 0.5 * naive)
    return f"p_value: {problem}" if problem else None


@register("ex-misspecification-robust-se",
          hint="A = sum(x) / lam**2 (observed information), B = sum((x / lam - 1)**2); "
               "the sandwich standard error is sqrt(B) / A.")
def _robust_se(answer):
    value = as_number(answer)
    y = _articles("fem", "Women")
    n = y.size
    if math.isclose(value, math.sqrt(y.mean() / n), rel_tol=1e-4):
        return "that is the naive standard error sqrt(lam / n), from the information alone."
    if math.isclose(value, math.sqrt(y.var(ddof=1) / n), rel_tol=1e-6):
        return "close, but the sandwich uses the sum of squared scores: divisor n, not n - 1."
    men = _articles("fem", "Men")
    if math.isclose(value, math.sqrt(men.var() / men.size), rel_tol=1e-4):
        return "that is the men's standard error; the exercise asks for the women."
    return approx(value, math.sqrt(y.var() / n))


@register("ex-misspecification-lr-size",
          hint="expand the log-likelihood around the MLE: the statistic is about "
               "n (lam_hat - lam0)^2 / lam0, while Var(lam_hat) = Var(X) / n; the size is "
               "P(c chi2_1 > chi2_1(0.95)).")
def _lr_size(answer):
    from scipy import stats

    c, size = as_numbers(answer, 2, names=("c", "size"))
    cut = float(stats.chi2.ppf(0.95, 1))
    if math.isclose(c, 0.5, rel_tol=1e-6):
        return "c: the statistic is inflated, not shrunk: c = Var(X) / mean = 2, not 1/2."
    if math.isclose(c, math.sqrt(2.0), rel_tol=1e-6):
        return "c: the statistic is a squared quantity, so the variance ratio enters unsquared."
    problem = approx(c, 2.0)
    if problem:
        return f"c: {problem}"
    if not 0 <= size <= 1:
        return "size is a probability, between 0 and 1."
    if math.isclose(size, 0.05, rel_tol=1e-6):
        return "size: 0.05 is the nominal level; with c = 2 the test rejects more often."
    if math.isclose(size, float(stats.chi2.sf(2 * cut, 1)), rel_tol=1e-3):
        return "size: the test rejects when c * chi2_1 > cut, i.e. chi2_1 > cut / c, not cut * c."
    problem = approx(size, float(stats.chi2.sf(cut / 2, 1)))
    return f"size: {problem}" if problem else None
