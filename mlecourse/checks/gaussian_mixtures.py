"""Self-checks for the exercises of the chapter "Gaussian mixtures"."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ._core import approx, as_number, as_sequence, as_vector, as_whole_number, register

# BIC's choice for the 2-D Old Faithful data among K = 1..5 (the chapter's table; fitting five
# mixtures here would make the check slow, so tests/test_checks_gaussian_mixtures.py refits them)
_BIC_CHOICE = 2


def _faithful(column: str) -> np.ndarray:
    from ..datasets import load_faithful

    return load_faithful()[column].to_numpy(dtype=float)


@cache
def _fit_1d(column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means, sds of the two-component fit, sorted by mean (cached: fits are slow)."""
    from ..em import gmm_em

    fit = gmm_em(_faithful(column), 2, n_init=3, rng=0)
    order = np.argsort(fit.means[:, 0])
    return (fit.weights[order], fit.means[order, 0],
            np.sqrt(fit.covariances[order, 0, 0]))


@register("ex-gaussian_mixtures-resp",
          hint="the responsibility is w_long N(3 | mu_long, sd_long^2) divided by the sum of "
               "that and the same quantity for the short component.")
def _resp(answer):
    value = as_number(answer)
    if not 0 <= value <= 1:
        return "a responsibility is a probability, between 0 and 1."
    from scipy.stats import norm

    w, mu, sd = _fit_1d("eruptions")
    dens = w * norm.pdf(3.0, mu, sd)
    expected = dens[1] / dens.sum()
    if math.isclose(value, 1 - expected, rel_tol=1e-4):
        return "that is the probability of the short component."
    unweighted = norm.pdf(3.0, mu, sd)
    if math.isclose(value, unweighted[1] / unweighted.sum(), rel_tol=1e-4):
        return "the weights w_k are missing from the numerator and the denominator."
    return approx(value, expected)


@register("ex-gaussian_mixtures-waiting",
          hint="gmm_em(faithful['waiting'], 2) and sort the components by their means; "
               "use a few starts (n_init) to be safe.")
def _waiting(answer):
    means, weights = as_sequence(answer, 2, names=("means_w", "weights_w"))
    means, weights = as_vector(means, 2, "means_w"), as_vector(weights, 2, "weights_w")
    w, mu, _ = _fit_1d("waiting")
    if np.allclose(means, mu[::-1], rtol=1e-4):
        return "means_w must be in increasing order."
    problem = approx(means, mu)
    if problem:
        return f"means_w: {problem}"
    if np.allclose(weights, w[::-1], rtol=1e-3):
        return "weights_w must be in the same order as the means (the shorter wait first)."
    problem = approx(weights, w)
    return f"weights_w: {problem}" if problem else None


def _kmeans_1d(x: np.ndarray, start) -> np.ndarray:
    c = np.asarray(start, dtype=float)
    for _ in range(1000):
        lab = np.abs(x[:, None] - c).argmin(axis=1)
        new = np.array([x[lab == k].mean() for k in range(c.size)])
        if np.array_equal(new, c):
            break
        c = new
    return np.sort(c)


@register("ex-gaussian_mixtures-kmeans",
          hint="repeat: give each point to the nearest centre, then move each centre to the "
               "mean of its points; stop when nothing changes.")
def _kmeans(answer):
    centres = as_vector(answer, 2, "centres_1d")
    x = _faithful("eruptions")
    expected = _kmeans_1d(x, [2.0, 4.0])
    if np.allclose(centres, expected[::-1], rtol=1e-6):
        return "give the centres in increasing order."
    _, mu, _ = _fit_1d("eruptions")
    if np.allclose(centres, mu, rtol=1e-3):
        return "those are the mixture's means; k-means uses hard assignments."
    if np.allclose(centres, [2.0, 4.0]):
        return "those are the starting centres; iterate until the assignments stop changing."
    return approx(centres, expected)


@register("ex-gaussian_mixtures-bic",
          hint="count K - 1 weights, K D mean entries and K D (D + 1) / 2 covariance entries; "
               "BIC is smallest for the chosen K.")
def _bic(answer):
    names = ("n_params3", "k_bic")
    n_params, k = (as_whole_number(v, name)
                   for v, name in zip(as_sequence(answer, 2, names), names))
    k_comp, dim = 3, 2
    expected = (k_comp - 1) + k_comp * dim + k_comp * dim * (dim + 1) // 2
    if n_params == expected + 1:
        return "n_params3: the weights sum to 1, so only K - 1 of them are free."
    if n_params == expected + k_comp:
        return "n_params3: a symmetric 2 x 2 covariance matrix has 3 free entries, not 4."
    if n_params != expected:
        return f"n_params3: {n_params} is not right."
    if k == 5:
        return "k_bic: the largest K has the highest log-likelihood, but BIC penalises it."
    if k != _BIC_CHOICE:
        return f"k_bic: BIC is not smallest at K = {k}; look at the table again."
    return None
