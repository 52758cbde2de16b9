"""Self-checks for the chapter *Testing and choosing models* (``book/testing.md``)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ._core import approx, as_number, as_numbers, register

_TRUE_TIME = 33.02


@lru_cache(maxsize=1)
def _students():
    from ..datasets import load_biochemists

    bio = load_biochemists()
    published = (bio["art"] > 0).to_numpy(dtype=float)
    features = {
        "women": (bio["fem"] == "Women").to_numpy(dtype=float),
        "married": (bio["mar"] == "Married").to_numpy(dtype=float),
        "kid5": bio["kid5"].to_numpy(dtype=float),
        "phd": bio["phd"].to_numpy(dtype=float),
        "ment": bio["ment"].to_numpy(dtype=float),
    }
    return published, features


def _logit_loglik(columns):
    from ..regression import logistic_regression

    published, features = _students()
    X = np.column_stack([features[c] for c in columns])
    return logistic_regression(X, published).loglik


def _close(a, b, rtol=1e-6) -> bool:
    return bool(np.allclose(a, b, rtol=rtol, atol=0.0))


@register("ex-testing-three",
          hint="with k of n published, p_hat = k / n: LR = 2 [l(p_hat) - l(p0)], "
               "Wald = (p_hat - p0)^2 n / (p_hat (1 - p_hat)), "
               "score = (p_hat - p0)^2 n / (p0 (1 - p0)).")
def _three(answer):
    published, features = _students()
    p0 = float(published.mean())
    y = published[features["ment"] == 0]
    n, k = y.size, float(y.sum())
    ph = k / n

    def ll(p):
        return k * math.log(p) + (n - k) * math.log1p(-p)

    lr = 2 * (ll(ph) - ll(p0))
    wald = (ph - p0) ** 2 * n / (ph * (1 - ph))
    score = (ph - p0) ** 2 * n / (p0 * (1 - p0))
    a = np.array(as_numbers(answer, 3, names=("lr", "wald", "score")))
    if _close(np.sort(a), np.sort([lr, wald, score])) and not _close(a, [lr, wald, score]):
        return ("the three numbers are right but in the wrong order: "
                "(likelihood ratio, Wald, score).")
    if _close(a[0], lr / 2):
        return "the likelihood-ratio statistic is twice the drop in log-likelihood, not the drop."
    observed_at_p0 = k / p0**2 + (n - k) / (1 - p0) ** 2
    u0 = (k - n * p0) / (p0 * (1 - p0))
    if _close(a[2], u0**2 / observed_at_p0):
        return ("the score statistic uses the expected information at p0, n / (p0 (1 - p0)), "
                "not the observed information there.")
    if _close(a[1], score):
        return ("the Wald statistic uses the information at the estimate p_hat; with the "
                "information at p0 it becomes the score statistic.")
    return approx(a, [lr, wald, score])


@register("ex-testing-profile",
          hint="fit the normal twice, with mu free and with mu = 33.02 (sigma re-estimated in "
               "both); the statistic is twice the difference of the maximised log-likelihoods, "
               "n log(sigma2(mu0) / sigma2_hat).")
def _profile(answer):
    from ..datasets import load_newcomb

    x = load_newcomb()["time"].to_numpy(dtype=float)
    n = x.size
    s2, s2_0 = float(x.var()), float(np.mean((x - _TRUE_TIME) ** 2))
    want = n * math.log(s2_0 / s2)
    a = as_number(answer, "lr_all")
    t2 = (x.mean() - _TRUE_TIME) ** 2 / (x.var(ddof=1) / n)
    if math.isclose(a, n * (x.mean() - _TRUE_TIME) ** 2 / s2, rel_tol=1e-6):
        return ("that holds sigma at its overall estimate (the Wald statistic); under the null "
                "sigma is re-estimated with mu = 33.02.")
    if math.isclose(a, t2, rel_tol=1e-6):
        return "that is t squared; the likelihood-ratio statistic is n log(1 + t^2 / (n - 1))."
    if math.isclose(a, want / 2, rel_tol=1e-6):
        return "that is the drop in log-likelihood; the statistic is twice the drop."
    clean = x[x > 0]
    if math.isclose(a, clean.size * math.log(np.mean((clean - _TRUE_TIME) ** 2) / clean.var()),
                    rel_tol=1e-6):
        return "that uses the 64 positive values; the exercise asks for all 66."
    return approx(a, want)


@register("ex-testing-df",
          hint="the statistic is 2 (loglik of big - loglik of the kid5 + ment model); the null "
               "fixes three coefficients, so compare it with chi-square(3).")
def _df(answer):
    from scipy import stats

    stat = 2 * (_logit_loglik(("women", "married", "kid5", "phd", "ment"))
                - _logit_loglik(("kid5", "ment")))
    want = float(stats.chi2.sf(stat, 3))
    a = as_number(answer, "p_three")
    if math.isclose(a, stat, rel_tol=1e-6):
        return "that is the statistic; the question asks for its p-value."
    for df in (1, 2, 4, 5):
        if math.isclose(a, float(stats.chi2.sf(stat, df)), rel_tol=1e-5):
            return (f"that uses {df} degree(s) of freedom; count the coefficients the null "
                    "hypothesis sets to 0.")
    if math.isclose(a, float(stats.chi2.sf(stat / 2, 3)), rel_tol=1e-5):
        return "that uses the drop in log-likelihood; the statistic is twice the drop."
    if math.isclose(a, 1 - want, rel_tol=1e-5):
        return "that is P(chi-square(3) <= statistic); the p-value is the upper tail."
    return approx(a, want)


@register("ex-testing-aic",
          hint="k counts every estimated coefficient, the intercept too; AIC = -2 loglik + 2k, "
               "BIC = -2 loglik + k log(n) with the natural logarithm and n = 915.")
def _aic(answer):
    ll = _logit_loglik(("kid5", "phd", "ment"))
    n, k = 915, 4
    want = (-2 * ll + 2 * k, -2 * ll + k * math.log(n))
    a = np.array(as_numbers(answer, 2, names=("aic", "bic")))
    if _close(a, want[::-1]):
        return "AIC and BIC are swapped: AIC's penalty is 2k, BIC's k log(n)."
    if _close(a, (-2 * ll + 2 * (k - 1), -2 * ll + (k - 1) * math.log(n))):
        return "k leaves out the intercept, which is a free parameter too."
    if _close(a[1], -2 * ll + k * math.log10(n)):
        return "BIC uses the natural logarithm of n, not log10."
    if _close(a, (2 * ll + 2 * k, 2 * ll + k * math.log(n))) or _close(
            a, (2 * ll - 2 * k, 2 * ll - k * math.log(n))):
        return "the sign is off: AIC = -2 loglik + 2k, and the log-likelihood here is negative."
    if _close(a[0], -ll + k) or _close(a[0], -2 * ll + k):
        return "AIC is -2 loglik + 2k: both terms are doubled."
    return approx(a, want)


@register("ex-testing-boundary",
          hint="under the mixture, P(statistic >= c) = P(chi-square(1) >= c) / 2; set that to "
               "0.01 and solve for c with scipy.stats.chi2.ppf.")
def _boundary(answer):
    from scipy import stats

    a = as_number(answer, "critical")
    want = float(stats.chi2.ppf(0.98, 1))
    wrong = {
        float(stats.chi2.ppf(0.99, 1)): "that is the chi-square(1) value, which ignores the "
                                        "point mass at 0; that test has size 0.5%.",
        float(stats.chi2.ppf(0.995, 1)): "that halves the level instead of doubling it: the "
                                         "mixture's tail is half the chi-square(1) tail.",
        float(stats.norm.ppf(0.99)): "that is the normal quantile z; the likelihood-ratio "
                                     "statistic is on the chi-square scale (square it).",
        float(stats.chi2.ppf(0.90, 1)): "that is the critical value at the 5% level; the "
                                        "question asks for 1%.",
        float(stats.chi2.ppf(0.95, 1)): "that is the chi-square(1) value at 5%, for a null in "
                                        "the interior; the question asks for 1% on the "
                                        "boundary.",
    }
    for value, message in wrong.items():
        if math.isclose(a, value, rel_tol=1e-4):
            return message
    return approx(a, want)
