"""Self-checks for the chapter *Models you already use are MLE* (``book/regression.md``)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ._core import approx, as_choice, as_number, as_numbers, as_vector, register


@lru_cache(maxsize=1)
def _shop():
    from ..simulate import customers

    d = customers(400, rng=2024)
    X = np.column_stack([np.ones(400), d["minutes"], d["purchases"]])
    return X, d["spend"], d["buy"]


@register("ex-regression-sigma2",
          hint="compute the residuals y - X beta_hat and their sum of squares; the MLE divides "
               "it by the number of observations.")
def _sigma2(answer):
    a = as_number(answer)
    X, y, _ = _shop()
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    rss = float(np.sum((y - X @ beta) ** 2))
    n, p = X.shape
    if math.isclose(a, rss / (n - p), rel_tol=1e-6):
        return "that is RSS / (n - p), the unbiased estimate, not the MLE."
    if math.isclose(a, math.sqrt(rss / n), rel_tol=1e-6):
        return "that is the standard deviation; the question asks for the variance."
    return approx(a, rss / n)


@register("ex-regression-newton",
          hint="at beta = 0 every fitted probability is 1/2 and every weight p (1 - p) is 1/4; "
               "solve (X^T W X) step = X^T (y - p).")
def _newton(answer):
    X, _, buy = _shop()
    p0 = np.full(X.shape[0], 0.5)
    want = np.linalg.solve(X.T @ (X * (p0 * (1 - p0))[:, None]), X.T @ (buy - p0))
    a = as_vector(answer, 3, "beta_one_step")
    if np.allclose(a, want / 4, rtol=1e-6):
        return "the weights p (1 - p) are 1/4, not 1: the step is four times larger."
    if np.allclose(a, X.T @ (buy - p0), rtol=1e-6):
        return "that is the score X^T (y - p); multiply it by the inverse information."
    return approx(a, want)


@register("ex-regression-loglik",
          hint="a buyer contributes log(p) and a non-buyer log(1 - p); add the four terms "
               "(natural logarithms).")
def _loglik(answer):
    a = as_number(answer)
    probs, y = np.array([0.8, 0.3, 0.6, 0.1]), np.array([1, 0, 1, 0])
    terms = y * np.log(probs) + (1 - y) * np.log(1 - probs)
    want = float(np.sum(terms))
    if math.isclose(a, -want, rel_tol=1e-6):
        return "that is minus the log-likelihood (the total cross-entropy); flip the sign."
    if math.isclose(a, want / 4, rel_tol=1e-6) or math.isclose(a, -want / 4, rel_tol=1e-6):
        return "that is per customer (the cross-entropy scale); the log-likelihood is the sum."
    if math.isclose(a, want / math.log(10), rel_tol=1e-6):
        return "that uses base-10 logarithms; use the natural logarithm."
    return approx(a, want)


@register("ex-regression-odds",
          hint="exp of the purchases coefficient, and exp of each end of its 95% Wald interval "
               "(coefficient plus or minus 1.96 standard errors).")
def _odds(answer):
    from ..regression import logistic_regression

    X, _, buy = _shop()
    fit = logistic_regression(X[:, 1:], buy)
    b, se = float(fit.coef[2]), float(fit.se[2])
    z = 1.959963984540054
    want = (math.exp(b), math.exp(b - z * se), math.exp(b + z * se))
    a = np.array(as_numbers(answer, 3, names=("odds_ratio", "low", "high")))
    if np.allclose(a, [b, b - z * se, b + z * se], rtol=1e-4):
        return "those are on the log-odds scale; exponentiate them."
    if math.isclose(a[0], want[0], rel_tol=1e-4) and np.allclose(
            a[1:], [want[0] - z * se * want[0], want[0] + z * se * want[0]], rtol=1e-4):
        return ("that interval is symmetric around the odds ratio (the delta method); "
                "exponentiate the limits of the interval for the coefficient instead.")
    return approx(a, want)


@register("ex-regression-lad",
          hint="write down the log-density of each candidate noise distribution and look for "
               "the one whose log-likelihood contains the sum of |residuals|.")
def _lad(answer):
    a = as_choice(answer, "abcd")
    reasons = {
        "a": "the normal log-likelihood contains the sum of squared residuals, not absolute ones.",
        "c": "the Student t log-likelihood contains log(1 + r^2 / nu), not |r|.",
        "d": "the uniform likelihood depends only on the largest residual (minimax fitting).",
    }
    return reasons.get(a)
