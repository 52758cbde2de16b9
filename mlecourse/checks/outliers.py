"""Self-checks for the exercises of the chapter "Outliers: when one point moves the estimate"."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ._core import (
    approx,
    as_choice,
    as_number,
    as_numbers,
    as_sequence,
    as_whole_number,
    register,
)


def _chem() -> np.ndarray:
    from ..datasets import load_chem

    return load_chem()["copper"].to_numpy()


@register("ex-outliers-chem-shift",
          hint="fit the normal model twice, with and without 28.95, and subtract the two "
               "estimates of mu (all 24 values minus the 23 others).")
def _chem_shift(answer):
    value = as_number(answer)
    x = _chem()
    others = x[x != 28.95]
    expected = float(x.mean() - others.mean())
    if math.isclose(value, -expected, rel_tol=1e-6):
        return "the sign is reversed: the wild value pulls the mean up."
    if math.isclose(value, float(np.median(x) - np.median(others)), rel_tol=1e-6, abs_tol=1e-12):
        return "that is the shift of the median; the normal MLE of mu is the mean."
    if math.isclose(value, 28.95 - float(others.mean()), rel_tol=1e-6):
        return "that is x0 minus the mean of the others; the shift divides it by n + 1 = 24."
    return approx(value, expected)


@register("ex-outliers-median-sc",
          hint="SC(x0) = (n + 1) * (median(data with x0 appended) - median(data)), with n = 24.")
def _median_sc(answer):
    value = as_number(answer)
    x = _chem()
    n = x.size
    change = float(np.median(np.append(x, 100.0)) - np.median(x))
    if math.isclose(value, 100.0 - float(x.mean()), rel_tol=1e-6):
        return "that is the sensitivity curve of the mean, x0 - mean; the median's is bounded."
    if math.isclose(value, change, rel_tol=1e-6):
        return "multiply the change in the median by n + 1 = 25."
    if math.isclose(value, n * change, rel_tol=1e-6):
        return "the factor is n + 1 = 25, the size of the sample with x0 added."
    return approx(value, (n + 1) * change)


@register("ex-outliers-t-weight",
          hint="after fitting with nu=4.0, compute z = (28.95 - mu) / sigma from the fitted "
               "params, then the weight (nu + 1) / (nu + z**2).")
def _t_weight(answer):
    from ..fit import UnboundedLikelihoodWarning, fit

    mu_t, w = as_numbers(answer, 2, names=("mu_t", "w_wild"))
    res = fit("student_t", _chem(), nu=4.0)
    mu, sigma = res.params["mu"], res.params["sigma"]
    expected_w = 5.0 / (4.0 + ((28.95 - mu) / sigma) ** 2)
    with warnings.catch_warnings():
        # the nu-free t likelihood is unbounded on these tied data; the chapter
        # says so, and the local maximum is only used to recognise an answer here
        warnings.simplefilter("ignore", UnboundedLikelihoodWarning)
        free = fit("student_t", _chem()).params["mu"]
    if math.isclose(mu_t, free, rel_tol=1e-4) and not math.isclose(mu, free, rel_tol=1e-4):
        return "mu_t is from a fit with nu estimated; hold it fixed with nu=4.0."
    if math.isclose(mu_t, float(np.mean(_chem())), rel_tol=1e-4):
        return "mu_t is the mean (the normal MLE), not the Student-t MLE."
    problem = approx(mu_t, mu)
    if problem:
        return f"mu_t: {problem}"
    if math.isclose(w, 5.0 / (4.0 + (28.95 - mu) ** 2), rel_tol=1e-4):
        return "w_wild: standardise the residual by sigma before squaring it."
    problem = approx(w, expected_w)
    return f"w_wild: {problem}" if problem else None


@register("ex-outliers-masking",
          hint="count |x - mu_hat| / sigma_hat > 3 under the normal fit; keep the rest, refit "
               "the normal model to them, and count again.")
def _masking(answer):
    names = ("flagged_first", "flagged_second")
    values = [as_whole_number(v, name)
              for v, name in zip(as_sequence(answer, 2, names), names)]
    from ..fit import fit

    x = _chem()
    counts = []
    for _ in range(2):
        res = fit("normal", x)
        z = np.abs(x - res.params["mu"]) / res.params["sigma"]
        counts.append(int(np.sum(z > 3)))
        x = x[z <= 3]
    if values[0] == counts[0] and values[1] == 0 and counts[1] != 0:
        return ("the second count is wrong: did you refit the normal model after removing the "
                "flagged value? The first fit's mu and sigma no longer apply.")
    if tuple(values) != tuple(counts):
        return f"{tuple(values)} is not right."
    return None


@register("ex-outliers-claim",
          hint="compare the sensitivity curves of the mean, the median and the Student-t "
               "location: all three are MLEs.")
def _claim(answer):
    letter = as_choice(answer, "abcd")
    reasons = {
        "a": "the median and the Student-t location are maximum-likelihood estimates too.",
        "c": "deleting by |z| > 3 suffers from masking, and it is a rule, not a model.",
        "d": "on Newcomb's data every estimate misses the modern value by many standard errors.",
    }
    return reasons.get(letter)


@register("ex-outliers-huber-efficiency",
          hint="A = P(|Z| <= k) = 2 Phi(k) - 1; B = E[min(Z^2, k^2)] = 2 Phi(k) - 1 - "
               "2 k phi(k) + 2 k^2 Phi(-k); the efficiency is A^2 / B.")
def _huber_efficiency(answer):
    from scipy import stats

    value = as_number(answer)
    k = 1.0
    a = 2 * stats.norm.cdf(k) - 1
    b = a - 2 * k * stats.norm.pdf(k) + 2 * k**2 * stats.norm.cdf(-k)
    expected = float(a**2 / b)
    if math.isclose(value, 1 / expected, rel_tol=1e-3):
        return "that is the asymptotic variance B / A^2; the efficiency is its reciprocal."
    if math.isclose(value, float(a / b), rel_tol=1e-3) or math.isclose(value, float(b / a),
                                                                          rel_tol=1e-3):
        return "the slope A enters squared: the variance is B / A^2, the efficiency A^2 / B."
    k0 = 1.345
    a0 = 2 * stats.norm.cdf(k0) - 1
    b0 = a0 - 2 * k0 * stats.norm.pdf(k0) + 2 * k0**2 * stats.norm.cdf(-k0)
    if math.isclose(value, float(a0**2 / b0), rel_tol=1e-3):
        return "that is the efficiency for k = 1.345; the exercise asks for k = 1."
    return approx(value, expected)
