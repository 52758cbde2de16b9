"""Self-checks for the exercises of the chapter "Missing data and partial labels".

The chapter's simulated data are regenerated here from the same seeds with the
same code (``tests/test_checks_missing_data.py`` checks that the two copies
agree, by running the chapter's own cells).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ._core import approx, as_number, as_numbers, register

MU = np.array([50.0, 60.0])
SD_X, SD_Y, RHO = 10.0, 12.0, 0.6
COV = np.array([[SD_X**2, RHO * SD_X * SD_Y], [RHO * SD_X * SD_Y, SD_Y**2]])

SEG_MEANS = np.array([[8.0, 6.0], [10.2, 6.0], [8.0, 10.5]])
SEG_COVS = np.array([[[4.0, 0.0], [0.0, 2.25]],
                     [[0.2, 0.0], [0.0, 0.45]],
                     [[1.0, 0.0], [0.0, 0.675]]])
SEG_WEIGHTS = np.array([0.6, 0.2, 0.2])


def mar_sample(rng, n=200):
    """The chapter's sampler: n pairs (x, y), y NaN with probability 1/(1 + exp(-(x - 55)/4))."""
    xy = rng.multivariate_normal(MU, COV, size=n)
    p_missing = 1 / (1 + np.exp(-(xy[:, 0] - 55) / 4))
    xy[rng.random(n) < p_missing, 1] = np.nan
    return xy


def customers(rng, n=400, n_labelled=5):
    """The chapter's shop: features (n, 2), true segments (n,), labels (-1 = unlabelled)."""
    z = rng.choice(3, size=n, p=SEG_WEIGHTS)
    feats = np.empty((n, 2))
    for k in range(3):
        feats[z == k] = rng.multivariate_normal(SEG_MEANS[k], SEG_COVS[k], size=(z == k).sum())
    labels = np.full(n, -1)
    for k in range(3):
        labels[rng.choice(np.flatnonzero(z == k), size=n_labelled, replace=False)] = k
    return feats, z, labels


@cache
def _chapter_sample() -> np.ndarray:
    return mar_sample(np.random.default_rng(2024))


@register("ex-missing_data-factored",
          hint="regress y on x using the complete rows only; then evaluate that line at the "
               "mean of ALL the x values (not just the complete rows' x).")
def _factored(answer):
    value = as_number(answer, "mu_y_mle")
    xy = _chapter_sample()
    obs = ~np.isnan(xy[:, 1])
    xc, yc = xy[obs, 0], xy[obs, 1]
    slope = np.cov(xc, yc, bias=True)[0, 1] / xc.var()
    expected = yc.mean() + slope * (xy[:, 0].mean() - xc.mean())
    if math.isclose(value, yc.mean(), rel_tol=1e-6):
        return "that is the complete-case mean, which is biased under MAR."
    if math.isclose(value, np.nanmean(xy[:, 1]) + slope * (xy[:, 0].mean() - xc.mean()),
                    rel_tol=1e-6) and not math.isclose(value, expected, rel_tol=1e-6):
        return "evaluate the regression at the mean of all the x values."
    return approx(value, expected)


@register("ex-missing_data-shrink",
          hint="the filled-in values add nothing to the sum of squares about the mean, "
               "but they do add to the count.")
def _shrink(answer):
    value = as_number(answer, "shrink")
    xy = _chapter_sample()
    obs = ~np.isnan(xy[:, 1])
    expected = obs.sum() / obs.size
    if math.isclose(value, 1 / expected, rel_tol=1e-6):
        return "the ratio is the completed column's variance over the observed one's; " \
               "invert it."
    if math.isclose(value, 1.0, rel_tol=1e-6):
        return "the completed column's variance is smaller: compute it with divisor n."
    return approx(value, expected)


@register("ex-missing_data-mechanism",
          hint="ask of each: does missingness depend on nothing, on values that are "
               "recorded, or on the missing value itself?")
def _mechanism(answer):
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (tuple, list)):
        return "expected a tuple of three strings, such as ('MAR', 'MAR', 'MAR')."
    if len(answer) != 3:
        return f"expected three answers, one per mechanism; got {len(answer)}."
    allowed = {"MCAR", "MAR", "MNAR"}
    given = []
    for a in answer:
        if not isinstance(a, str) or a.strip().upper() not in allowed:
            return f"each answer must be 'MCAR', 'MAR' or 'MNAR'; got {a!r}."
        given.append(a.strip().upper())
    wrong = [i + 1 for i, (g, e) in enumerate(zip(given, ("MCAR", "MAR", "MNAR"))) if g != e]
    if not wrong:
        return None
    return f"mechanism(s) {wrong} not right."


@cache
def _semisup_fit():
    from ..em import semisupervised_gmm_em

    feats, _, labels = customers(np.random.default_rng(11))
    fit = semisupervised_gmm_em(feats, labels)
    return float(fit.weights[2]), float(fit.means[1, 0])


@register("ex-missing_data-semisup",
          hint="semisupervised_gmm_em(feats, labels); component k is segment k, so read "
               "weights[2] and means[1, 0].")
def _semisup(answer):
    w, s = as_numbers(answer, 2, names=("w_frequent", "spend_big"))
    w_exp, s_exp = _semisup_fit()
    if math.isclose(w, 1 / 3, rel_tol=1e-9):
        return "w_frequent: 1/3 is the share among the labelled customers, fixed by design."
    if math.isclose(w, SEG_WEIGHTS[2]) or math.isclose(s, SEG_MEANS[1, 0]):
        return "those are the simulation's true values; report the fitted ones."
    problem = approx(w, w_exp)
    if problem:
        return f"w_frequent: {problem}"
    problem = approx(s, s_exp)
    return f"spend_big: {problem}" if problem else None
