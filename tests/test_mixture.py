"""Tests for mlecourse.mixture: the observed-data log-likelihood and its direct maximisation."""

import math

import numpy as np
import pytest
from scipy import stats

from mlecourse import DegenerateSampleError
from mlecourse.datasets import load_faithful
from mlecourse.mixture import (
    MixtureFit,
    fit_mixture_direct,
    mixture_loglik,
    responsibilities,
)


@pytest.fixture(scope="module")
def eruptions():
    return load_faithful()["eruptions"].to_numpy()


@pytest.fixture(scope="module")
def faithful_fit(eruptions):
    return fit_mixture_direct(eruptions, 2, rng=0)


def test_loglik_equals_log_of_summed_normal_densities():
    x = np.array([-1.3, 0.2, 0.4, 2.5, 3.1])
    w, mu, sd = [0.2, 0.5, 0.3], [-1.0, 0.5, 3.0], [0.7, 1.1, 0.4]
    dens = sum(wk * stats.norm.pdf(x, m, s) for wk, m, s in zip(w, mu, sd))
    assert mixture_loglik(x, w, mu, sd) == pytest.approx(np.sum(np.log(dens)), rel=1e-13)


def test_loglik_one_component_is_the_normal_loglik():
    x = np.array([1.0, 2.0, 4.5])
    assert mixture_loglik(x, [1.0], [2.0], [1.5]) == pytest.approx(
        np.sum(stats.norm.logpdf(x, 2.0, 1.5)), rel=1e-14)


def test_loglik_is_stable_far_in_the_tails():
    # every density underflows to 0 in double precision; the log-sum-exp does not
    x = np.array([60.0])
    value = mixture_loglik(x, [0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    expected = math.log(0.5) + np.logaddexp(stats.norm.logpdf(60.0), stats.norm.logpdf(59.0))
    assert np.isfinite(value)
    assert value == pytest.approx(expected, rel=1e-13)


def test_a_zero_weight_drops_its_component():
    x = np.array([0.3, 1.7])
    assert mixture_loglik(x, [1.0, 0.0], [0.0, 5.0], [1.0, 2.0]) == pytest.approx(
        np.sum(stats.norm.logpdf(x)), rel=1e-14)


def test_label_switching_leaves_the_loglik_unchanged(eruptions):
    w, mu, sd = [0.35, 0.65], [2.0, 4.3], [0.24, 0.44]
    assert mixture_loglik(eruptions, w, mu, sd) == pytest.approx(
        mixture_loglik(eruptions, w[::-1], mu[::-1], sd[::-1]), rel=1e-14)


def test_collapsing_component_sends_the_loglik_to_infinity(eruptions):
    # Day (1969): mu_2 on a data point, sigma_2 -> 0; each tenfold shrink adds about
    # log 10 per observation equal to mu_2 (3.6 occurs 4 times in the eruptions data)
    x = eruptions
    for centre in (x[0], x[1]):
        ties = int(np.sum(x == centre))
        values = [mixture_loglik(x, [0.5, 0.5], [x.mean(), centre], [x.std(), s])
                  for s in (1e-4, 1e-6, 1e-8)]
        assert values[0] < values[1] < values[2]
        assert values[2] - values[1] == pytest.approx(ties * 2 * math.log(10), rel=1e-6)
    assert int(np.sum(x == x[0])) == 4


def test_responsibilities_rows_sum_to_one_and_follow_bayes():
    x = np.array([-2.0, 0.0, 0.3, 4.0])
    w, mu, sd = np.array([0.3, 0.7]), np.array([0.0, 1.0]), np.array([1.0, 2.0])
    r = responsibilities(x, w, mu, sd)
    assert r.shape == (4, 2)
    assert np.allclose(r.sum(axis=1), 1.0, atol=1e-15)
    joint = w * stats.norm.pdf(x[:, None], mu, sd)
    assert np.allclose(r, joint / joint.sum(axis=1, keepdims=True), rtol=1e-13)


def test_responsibilities_far_in_the_tail_are_finite():
    r = responsibilities([200.0], [0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    assert np.all(np.isfinite(r))
    assert r[0, 1] == pytest.approx(1.0)


def test_direct_fit_matches_scikit_learn_on_old_faithful(eruptions, faithful_fit):
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(2, tol=1e-12, max_iter=10000, reg_covar=0, n_init=5,
                         random_state=0).fit(eruptions[:, None])
    order = np.argsort(gm.means_.ravel())
    res = faithful_fit
    assert isinstance(res, MixtureFit)
    assert np.allclose(res.weights, gm.weights_[order], atol=1e-5)
    assert np.allclose(res.means, gm.means_.ravel()[order], atol=1e-5)
    assert np.allclose(res.sds, np.sqrt(gm.covariances_.ravel()[order]), atol=1e-5)
    assert res.loglik == pytest.approx(gm.score(eruptions[:, None]) * eruptions.size, abs=1e-5)
    # the maximised value is the model's log-likelihood at the returned parameters
    assert res.loglik == pytest.approx(
        mixture_loglik(eruptions, res.weights, res.means, res.sds), rel=1e-14)


def test_direct_fit_is_a_stationary_point_with_em_fixed_point_properties(eruptions, faithful_fit):
    # at an interior maximum the weighted-mean / weighted-variance equations hold
    res = faithful_fit
    r = res.responsibilities(eruptions)
    nk = r.sum(axis=0)
    assert np.allclose(res.weights, nk / eruptions.size, atol=1e-7)
    assert np.allclose(res.means, (r * eruptions[:, None]).sum(axis=0) / nk, atol=1e-7)
    var = (r * (eruptions[:, None] - res.means) ** 2).sum(axis=0) / nk
    assert np.allclose(res.sds, np.sqrt(var), atol=1e-7)


def test_direct_fit_reports_its_run(faithful_fit):
    res = faithful_fit
    assert res.converged
    assert res.n_components == 2 and res.k == 5 and res.n == 272
    assert np.all(np.diff(res.means) > 0)
    assert res.n_iter >= 1 and res.n_fev >= res.n_iter
    assert res.loglik_history.shape == (res.n_iter + 1,)
    assert res.loglik_history[-1] == pytest.approx(res.loglik, abs=1e-8)
    assert res.loglik_history[0] < res.loglik
    assert res.start_logliks.shape == (10,)
    assert res.start_logliks.max() == pytest.approx(res.loglik, abs=1e-8)
    assert res.total_fev >= res.n_fev
    assert res.aic == pytest.approx(10 - 2 * res.loglik)
    assert res.bic == pytest.approx(5 * math.log(272) - 2 * res.loglik)


def test_one_component_fit_is_the_normal_mle():
    x = np.array([1.0, 2.5, 2.9, 4.0, 7.2, 3.3])
    res = fit_mixture_direct(x, 1, n_starts=2, rng=0)
    assert res.weights == pytest.approx([1.0])
    assert res.means[0] == pytest.approx(x.mean(), abs=1e-7)
    assert res.sds[0] == pytest.approx(x.std(), abs=1e-7)


def test_simulated_mixture_is_recovered():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(-2, 0.5, 3000), rng.normal(3, 1.5, 7000)])
    res = fit_mixture_direct(x, 2, n_starts=3, rng=1)
    assert np.allclose(res.weights, [0.3, 0.7], atol=0.02)
    assert np.allclose(res.means, [-2, 3], atol=0.06)
    assert np.allclose(res.sds, [0.5, 1.5], atol=0.05)


def test_same_seed_same_fit(eruptions):
    a = fit_mixture_direct(eruptions, 2, n_starts=3, rng=np.random.default_rng(4))
    b = fit_mixture_direct(eruptions, 2, n_starts=3, rng=np.random.default_rng(4))
    assert np.array_equal(a.means, b.means) and a.total_fev == b.total_fev


def test_collapsed_starts_are_rejected_and_replaced():
    # three points, two components: the random starts collapse a component onto one point
    # and are rejected; the quantile start reaches an interior local maximum
    x = [0.0, 1.0, 2.0]
    res = fit_mixture_direct(x, 2, n_starts=3, rng=0, max_starts=40)
    assert res.n_rejected >= 1
    assert res.n_rejected + res.start_logliks.size == 40  # fewer than 3 accepted: all tried
    assert res.sds.min() > 2 * 1e-3 * np.std(x)
    assert res.loglik == pytest.approx(mixture_loglik(x, res.weights, res.means, res.sds))


def test_all_starts_collapsing_raises():
    x = [0.0, 0.0, 0.0, 0.0, 1.0, 5.0]
    with pytest.raises(DegenerateSampleError,
                       match="all 4 starts ended with a component collapsed"):
        fit_mixture_direct(x, 2, n_starts=2, max_starts=4, rng=0)


def test_bad_inputs():
    with pytest.raises(ValueError, match="weights must sum to 1"):
        mixture_loglik([1.0], [0.5, 0.6], [0, 1], [1, 1])
    with pytest.raises(ValueError, match="weights must be >= 0"):
        mixture_loglik([1.0], [1.5, -0.5], [0, 1], [1, 1])
    with pytest.raises(ValueError, match="sds .* must be positive"):
        mixture_loglik([1.0], [0.5, 0.5], [0, 1], [1, 0])
    with pytest.raises(ValueError, match="the same length"):
        mixture_loglik([1.0], [0.5, 0.5], [0, 1, 2], [1, 1])
    with pytest.raises(ValueError, match="x is empty"):
        mixture_loglik([], [1.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="x contains 1 NaN"):
        responsibilities([1.0, np.nan], [1.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="x must be 1-D"):
        fit_mixture_direct(np.ones((3, 2)))
    with pytest.raises(TypeError, match="x must be an array of numbers, not a string"):
        fit_mixture_direct("1 2 3")
    with pytest.raises(DegenerateSampleError, match="needs at least 3 distinct values"):
        fit_mixture_direct([1.0, 1.0, 2.0, 2.0], 2)
    with pytest.raises(DegenerateSampleError, match="needs at least 4 distinct values"):
        fit_mixture_direct([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        fit_mixture_direct([1.0, 2.0, 3.0], 0)
    with pytest.raises(TypeError, match="n_components must be an integer"):
        fit_mixture_direct([1.0, 2.0, 3.0], 2.0)
    with pytest.raises(TypeError, match="rng must be None"):
        fit_mixture_direct([1.0, 2.0, 3.0], 2, rng="seed")
    with pytest.raises(ValueError, match="min_sd must be below a quarter"):
        fit_mixture_direct([1.0, 2.0, 3.0], 2, min_sd=5.0)
    with pytest.raises(ValueError, match="max_starts must be >= 3"):
        fit_mixture_direct([1.0, 2.0, 3.0, 4.0], 2, n_starts=3, max_starts=2)
