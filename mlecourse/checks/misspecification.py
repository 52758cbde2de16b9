"""Self-checks for the exercises of the chapter "Misspecification: when the model is wrong"."""

from __future__ import annotations

import math

import numpy as np

from ._core import approx, as_number, as_numbers, register


def _articles(column: str, value) -> np.ndarray:
    from ..datasets import load_biochemists

    bio = load_biochemists()
    return bio.loc[bio[column] == value, "art"].to_numpy().astype(float)


@register("ex-misspecification-kl-rate",
          hint="the MLE maximises the average log-likelihood, which tends to "
               "E[log f(X; rate)] = log(rate) - rate * E[X] under the true distribution.")
def _kl_rate(answer):
    value = as_number(answer)
    mean = 3.0 / 2.0  # gamma with shape 3 and rate 2
    if math.isclose(value, 2.0, rel_tol=1e-6):
        return ("2 is the gamma's rate parameter; the exponential's rate means something "
                "else, and the MLE converges to the KL projection.")
    if math.isclose(value, mean, rel_tol=1e-6):
        return "that is E[X]; the exponential's rate is the reciprocal of a mean."
    return approx(value, 1.0 / mean)


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


@register("ex-misspecification-naive-coverage",
          hint="the naive half-width is 1.96 sqrt(lam / n) but the true standard deviation of "
               "the estimate is sqrt(2 lam / n); how many true standard deviations is that?")
def _naive_coverage(answer):
    from scipy import stats

    value = as_number(answer)
    if not 0 <= value <= 1:
        return "a coverage is a probability, between 0 and 1."
    if math.isclose(value, 0.95, rel_tol=1e-6):
        return "0.95 is the nominal level; the naive standard error is too small here."
    z = float(stats.norm.ppf(0.975))
    if math.isclose(value, 2 * stats.norm.cdf(z / 2) - 1, rel_tol=1e-4):
        return "the half-width shrinks by the square root of the variance ratio, not the ratio."
    return approx(value, 2 * stats.norm.cdf(z / math.sqrt(2)) - 1)
