"""Gaussian mixtures that do not collapse silently (issue 10, item 4): a floor in the
data's units, degenerate components flagged and outranked, reg_covar=0 collapse
reported, and the per-point log density."""

import re
import warnings

import numpy as np
import pytest

from mlecourse import DegenerateComponentWarning, DegenerateSampleError
from mlecourse.em import gmm_em
from mlecourse.em.gmm import _random_start


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


def two_clusters():
    rng = np.random.default_rng(0)
    z = rng.random(1000) < 0.4
    return np.where(z[:, None], rng.normal([0, 0], 1, (1000, 2)),
                    rng.normal([4, 4], 1, (1000, 2)))


@pytest.mark.parametrize("c", [1e-8, 1e-4, 1e4, 1e8])
def test_fit_does_not_depend_on_the_units(c):
    # with the old absolute floor 1e-6, x * 1e-4 and x * 1e-8 merged the clusters
    # into two equal components (weights 0.494/0.506 and 0.5/0.5)
    x = two_clusters()
    # tol is relative to |loglik|, which changes with the units, so run both to
    # the fixed point rather than to the default stopping rule
    ref = gmm_em(x, 2, rng=0, tol=1e-15, max_iter=5000)
    fit = gmm_em(x * c, 2, rng=0, tol=1e-15, max_iter=5000)
    o, p = np.argsort(ref.means[:, 0]), np.argsort(fit.means[:, 0])
    np.testing.assert_allclose(ref.weights[o], [0.3727, 0.6273], atol=5e-5)
    np.testing.assert_allclose(fit.weights[p], ref.weights[o], rtol=1e-7)
    np.testing.assert_allclose(fit.means[p], c * ref.means[o], rtol=1e-7, atol=1e-7 * c)
    np.testing.assert_allclose(fit.covariances[p], c**2 * ref.covariances[o], rtol=1e-7,
                               atol=1e-7 * c**2)
    # log densities change by the Jacobian: -N D log c
    assert fit.loglik == pytest.approx(ref.loglik - x.size * np.log(c), rel=1e-9)
    np.testing.assert_allclose(fit.reg_covar, c**2 * ref.reg_covar, rtol=1e-12)
    assert fit.degenerate == () and fit.converged


def test_explicit_floor_keeps_its_meaning():
    x = two_clusters() * 1e-4
    # a floor as large as the clusters' variances (1e-8) merges them, as it did before,
    # and now says that the floor, not the data, sets the variances
    with pytest.warns(DegenerateComponentWarning, match="the variance floor makes up"):
        fit = gmm_em(x, 2, rng=0, reg_covar=1e-6)
    np.testing.assert_array_equal(fit.reg_covar, [1e-6, 1e-6])
    assert np.ptp(fit.weights) < 0.05


def test_score_samples_equals_scikit_learns():
    from sklearn.mixture import GaussianMixture
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

    x = two_clusters()
    fit = gmm_em(x, 2, rng=0)
    sk = GaussianMixture(2, covariance_type="full")
    sk.weights_, sk.means_, sk.covariances_ = fit.weights, fit.means, fit.covariances
    sk.precisions_cholesky_ = _compute_precision_cholesky(fit.covariances, "full")
    new = np.random.default_rng(5).normal(2, 3, (50, 2))
    np.testing.assert_allclose(fit.score_samples(new), sk.score_samples(new), rtol=1e-12)
    assert fit.score_samples(new).shape == (50,)
    assert fit.score(new) == pytest.approx(fit.score_samples(new).sum(), rel=1e-14)
    assert fit.score_samples(x).sum() == pytest.approx(fit.loglik, rel=1e-12)
    one_d = gmm_em(x[:, 0], 2, rng=0)
    assert one_d.score_samples(np.array([0.0, 4.0])).shape == (2,)
    with pytest.raises(ValueError, match=exact(
            "x must have 2 column(s), like the data the mixture was fitted to; got shape "
            "(3, 1).")):
        fit.score_samples(np.zeros((3, 1)))


def duplicated():
    # 190 points from two clusters and 60 copies of one of them
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal([0, 0], 1, (95, 2)), rng.normal([4, 2], 1, (95, 2))])
    return np.vstack([pts, np.repeat(pts[rng.integers(190)][None], 60, 0)])


def test_n_init_prefers_healthy_fits_to_a_spike():
    x = duplicated()
    xc = x - x.mean(axis=0)
    floor = 1e-10 * np.mean(xc * xc, axis=0)
    rng = np.random.default_rng(4)                       # the starts gmm_em(..., rng=4) draws
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateComponentWarning)
        singles = [gmm_em(x, 2, init=_random_start(x, 2, "kmeans++", "full", floor, rng))
                   for _ in range(5)]
    spikes = [f for f in singles if f.degenerate]
    healthy = [f for f in singles if not f.degenerate]
    assert len(spikes) == 3 and len(healthy) == 2
    # the spike (a component of weight 61/250 on the point and its 60 copies, variance at
    # the floor)
    # has by far the higher log-likelihood: the old n_init kept it
    spike = max(spikes, key=lambda f: f.loglik)
    assert spike.weights.min() == pytest.approx(61 / 250, rel=1e-3)
    assert spike.loglik > max(f.loglik for f in healthy) + 500
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateComponentWarning)
        fit = gmm_em(x, 2, n_init=5, rng=4)
    assert fit.degenerate == ()
    assert fit.loglik == pytest.approx(max(f.loglik for f in healthy), rel=1e-12)


def test_a_single_spike_is_flagged_with_the_component_and_the_remedy():
    x = duplicated()
    j = int(np.argmax(np.all(x == x[-1], axis=1)))
    start = {"weights": [0.25, 0.375, 0.375], "means": [x[j], [0.0, 0.0], [4.0, 2.0]],
             "covariances": np.repeat(np.eye(2)[None], 3, axis=0)}
    with pytest.warns(DegenerateComponentWarning, match=exact(
            "component 0 of the fitted mixture is degenerate: the variance floor makes up "
            "100% of one of its variances: it sits on fewer than D + 1 distinct points. The "
            "data do not estimate such a component (the likelihood grows without bound as a "
            "component shrinks onto fewer than D + 1 points), so this is a spurious maximum. "
            "Try more starts (n_init), fewer components, covariance_type='diag', or remove "
            "duplicated points.")):
        fit = gmm_em(x, 3, init=start)
    assert fit.degenerate == (0,)


def test_too_few_points_for_the_dimension_is_flagged():
    # D = 10: a component on 6 points (fewer than D + 1 = 11) is held up only by
    # the floor; its log-likelihood beats the real two-cluster fit's
    rng = np.random.default_rng(1)
    d = 10
    x = np.vstack([rng.normal(0, 1, (200, d)), rng.normal(3, 1, (200, d))])
    real = gmm_em(x, 2, rng=0)
    assert real.degenerate == ()
    few = x[:6]
    s = few - few.mean(axis=0)
    start = {"weights": [6 / 400, 0.5 - 6 / 400, 0.5], "means": [few.mean(axis=0),
             np.zeros(d), np.full(d, 3.0)],
             "covariances": np.stack([s.T @ s / 6 + 1e-3 * np.eye(d), np.eye(d), np.eye(d)])}
    with pytest.warns(DegenerateComponentWarning,
                      match="^component 0 of the fitted mixture is degenerate: it has "):
        spike = gmm_em(x, 3, init=start)
    assert spike.degenerate[0] == 0
    assert spike.weights[0] * 400 < d + 1
    assert spike.loglik > real.loglik


def test_diag_collapse_without_floor_raises():
    # scikit-learn raises here too; before, variances of 1e-32 came back as converged
    rng = np.random.default_rng(2)
    x = np.vstack([np.repeat([[1.0, 2.0]], 10, 0), rng.normal(size=(30, 2))])
    start = {"weights": [0.3, 0.7], "means": [[1, 2], [0, 0]],
             "covariances": np.repeat(np.eye(2)[None], 2, 0)}
    with pytest.raises(DegenerateSampleError, match=(
            r"^component 0 of the mixture collapsed \(one of its variances has shrunk to "
            r".* of the data's: it is collapsing onto a point\) and reg_covar=0 gives it "
            r"nothing to stop at: the likelihood is unbounded there")):
        gmm_em(x, 2, covariance_type="diag", reg_covar=0, init=start)
    with pytest.raises(ValueError, match="^the covariance matrix of component 0 is not "
                                         "positive definite"):
        gmm_em(x, 2, covariance_type="full", reg_covar=0, init=start)
    # the default floor stops the collapse, and says so
    with pytest.warns(DegenerateComponentWarning, match="^component 0 of the fitted mixture"):
        fit = gmm_em(x, 2, covariance_type="diag", init=start)
    assert np.all(np.isfinite(fit.covariances)) and fit.degenerate == (0,)


def test_kmeans_init_starts_from_clusters():
    x = two_clusters()
    fit = gmm_em(x, 2, init="kmeans", rng=0)
    ref = gmm_em(x, 2, rng=0)
    assert fit.loglik == pytest.approx(ref.loglik, rel=1e-10)
    assert fit.n_iter < ref.n_iter
