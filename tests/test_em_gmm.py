"""Gaussian mixtures by EM: agreement with scikit-learn step for step, a published
reference fit, monotonicity on random problems, the result's methods, and bad input."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats
from scipy.special import logsumexp

from mlecourse import DegenerateSampleError
from mlecourse.em import (
    ConvergenceWarning,
    DegenerateComponentWarning,
    GMMResult,
    em,
    gmm_em,
    semisupervised_gmm_em,
)
from mlecourse.em.gmm import _e_step, _floor_cost, _log_normalize, _m_step, _random_start


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


def mixture_data(n=400, d=2, seed=0):
    rng = np.random.default_rng(seed)
    means = np.array([[0.0] * d, [3.0] + [1.0] * (d - 1), [-1.0] + [4.0] * (d - 1)])
    z = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    a = rng.normal(size=(3, d, d)) * 0.5 + np.eye(d)
    x = means[z] + np.einsum("nij,nj->ni", a[z], rng.normal(size=(n, d)))
    return x


def start_params(x, k, covariance_type, seed=1):
    rng = np.random.default_rng(seed)
    d = x.shape[1]
    means = x[rng.choice(x.shape[0], k, replace=False)]
    if covariance_type == "full":
        b = rng.normal(size=(k, d, d)) * 0.3
        covs = np.eye(d) + b @ b.transpose(0, 2, 1)
    else:
        covs = np.stack([np.diag(rng.uniform(0.5, 2.0, d)) for _ in range(k)])
    w = rng.uniform(1, 2, k)
    return {"weights": w / w.sum(), "means": means, "covariances": covs}


def independent_loglik(x, weights, means, covs):
    dens = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(x)
                            for w, m, c in zip(weights, means, covs)])
    return logsumexp(dens, axis=1).sum(), dens


# ---------------------------------------------------------------------------
# scikit-learn, step for step


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
@pytest.mark.parametrize("d,seed", [(1, 0), (2, 1), (3, 2)])
def test_equals_sklearn_after_same_iterations(covariance_type, d, seed):
    from sklearn.mixture import GaussianMixture

    x = mixture_data(n=300, d=d, seed=seed)
    start = start_params(x, 3, covariance_type, seed=seed + 10)
    n_iter, reg = 15, 1e-4
    with pytest.warns(ConvergenceWarning):
        ours = gmm_em(x, 3, covariance_type=covariance_type, init=start, max_iter=n_iter,
                      tol=0.0, reg_covar=reg)
    if covariance_type == "full":
        precisions = np.linalg.inv(start["covariances"])
    else:
        precisions = 1.0 / np.diagonal(start["covariances"], axis1=1, axis2=2)
    sk = GaussianMixture(3, covariance_type=covariance_type, weights_init=start["weights"],
                         means_init=start["means"], precisions_init=precisions,
                         init_params="random_from_data", max_iter=n_iter, tol=0.0,
                         reg_covar=reg, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(x)
    assert ours.n_iter == sk.n_iter_ == n_iter
    np.testing.assert_allclose(ours.weights, sk.weights_, rtol=1e-8)
    np.testing.assert_allclose(ours.means, sk.means_, rtol=1e-8)
    sk_covs = sk.covariances_ if covariance_type == "full" else np.stack(
        [np.diag(v) for v in sk.covariances_])
    np.testing.assert_allclose(ours.covariances, sk_covs, rtol=1e-8, atol=1e-12)
    # sklearn's lower bound at iteration t is the mean log-likelihood before its M-step
    np.testing.assert_allclose(ours.loglik_history[:-1], np.array(sk.lower_bounds_) * len(x),
                               rtol=1e-10)
    # the methods agree on new data
    x_new = mixture_data(n=50, d=d, seed=seed + 100)
    np.testing.assert_allclose(ours.score(x_new), sk.score(x_new) * len(x_new), rtol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(x_new), sk.predict_proba(x_new), atol=1e-8)
    np.testing.assert_array_equal(ours.predict(x_new), sk.predict(x_new))
    np.testing.assert_allclose(ours.bic(x), sk.bic(x), rtol=1e-9)
    np.testing.assert_allclose(ours.aic(x), sk.aic(x), rtol=1e-9)
    assert ours.bic() == pytest.approx(sk.bic(x), rel=1e-9)
    assert ours.n_parameters == sk._n_parameters()


# ---------------------------------------------------------------------------
# Published reference fit: Old Faithful eruption durations, K = 2


def faithful_eruptions():
    from mlecourse.datasets import load_faithful

    return load_faithful()["eruptions"].to_numpy()


def test_old_faithful_reference_fit():
    # R mixtools::normalmixEM(faithful$eruptions) and mclust report, for K = 2:
    # weights 0.348 / 0.652, means 2.019 / 4.273, sds 0.236 / 0.437, loglik -276.36.
    # scikit-learn run to convergence (tol=0, 3000 iterations, reg_covar=0) gives
    # 0.3484046 / 0.6515954, 2.0186078 / 4.2733434, 0.2356218 / 0.4370631, -276.3600405.
    x = faithful_eruptions()
    fit = gmm_em(x, 2, reg_covar=0.0, n_init=3, rng=0)
    assert fit.converged
    o = np.argsort(fit.means[:, 0])
    np.testing.assert_allclose(fit.weights[o], [0.3484046, 0.6515954], atol=5e-6)
    np.testing.assert_allclose(fit.means[o, 0], [2.0186078, 4.2733434], atol=5e-6)
    np.testing.assert_allclose(np.sqrt(fit.covariances[o, 0, 0]), [0.2356218, 0.4370631],
                               atol=5e-6)
    assert fit.loglik == pytest.approx(-276.3600405, abs=1e-6)
    assert fit.means.shape == (2, 1) and fit.covariances.shape == (2, 1, 1)
    # the published rounded values
    np.testing.assert_allclose(fit.weights[o], [0.348, 0.652], atol=5e-4)
    np.testing.assert_allclose(fit.means[o, 0], [2.019, 4.273], atol=5e-4)
    np.testing.assert_allclose(np.sqrt(fit.covariances[o, 0, 0]), [0.236, 0.437], atol=5e-4)
    assert round(fit.loglik, 2) == -276.36


def test_old_faithful_matches_sklearn_run_to_convergence():
    from sklearn.mixture import GaussianMixture

    x = faithful_eruptions()
    fit = gmm_em(x, 2, reg_covar=0.0, rng=0)
    sk = GaussianMixture(2, tol=0.0, max_iter=3000, reg_covar=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(x[:, None])
    o, so = np.argsort(fit.means[:, 0]), np.argsort(sk.means_[:, 0])
    # our default tol=1e-10 stops when the parameters are good to about 6 digits
    np.testing.assert_allclose(fit.weights[o], sk.weights_[so], rtol=1e-5)
    np.testing.assert_allclose(fit.means[o], sk.means_[so], rtol=1e-5)
    np.testing.assert_allclose(fit.covariances[o], sk.covariances_[so], rtol=1e-4)
    assert fit.loglik == pytest.approx(sk.score(x[:, None]) * len(x), rel=1e-9)


# ---------------------------------------------------------------------------
# Properties


def floor_cost(params, n, reg_covar):
    """Independent form of the floor's cost: N_k/2 [log|S+lam I| - log|S| + tr((S+lam I)^-1 S) - D]
    with S = Sigma - lam I the unfloored weighted covariance (inf if S is singular)."""
    total = 0.0
    for w, cov in zip(params["weights"], params["covariances"]):
        s = cov - reg_covar * np.eye(cov.shape[0])
        sign, logdet_s = np.linalg.slogdet(s)
        if sign <= 0 or np.linalg.eigvalsh(s)[0] <= 1e-12 * reg_covar:
            return np.inf
        d = cov.shape[0]
        total += 0.5 * n * w * (np.linalg.slogdet(cov)[1] - logdet_s
                                + np.trace(np.linalg.solve(cov, s)) - d)
    return total


def run_em_recording(x, k, covariance_type, reg_covar, seed, max_iter=60):
    """The same EM as gmm_em, through the driver, keeping every iterate."""

    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    xt = np.ascontiguousarray(x.T)
    start = _random_start(x, k, "kmeans++", covariance_type, reg_covar,
                          np.random.default_rng(seed))
    return em(lambda p: _e_step(xt, p, None, reg_covar),
              lambda r: _m_step(xt, r, covariance_type, reg_covar), start,
              max_iter=max_iter, record_params=True, warn=False,
              allowed_decrease=lambda p: np.inf)     # check the bound here, not in the driver


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(6, 40), d=st.integers(1, 3), k=st.integers(1, 4),
       covariance_type=st.sampled_from(["full", "diag"]), seed=st.integers(0, 2**32 - 1))
def test_exact_em_loglik_never_decreases(data, n, d, k, covariance_type, seed):
    # reg_covar=0: plain EM, whose log-likelihood must never fall (beyond rounding)
    k = min(k, n // (d + 1))
    assume(k >= 1)
    x = data.draw(arrays(np.float64, (n, d), unique=True,
                         elements=st.floats(-10, 10, allow_subnormal=False)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit = gmm_em(x, k, covariance_type=covariance_type, max_iter=60, rng=seed,
                         reg_covar=0.0)
    except ValueError as exc:       # a component collapsed: the likelihood is unbounded
        assume("is not positive definite" not in str(exc)
               and "collapsed (one of its variances has shrunk" not in str(exc))
        raise
    # or is collapsing: a variance below rounding resolution, the likelihood heading to
    # infinity through rounding noise (gmm_em allows for that; this test wants plain EM)
    xc = x - x.mean(axis=0)
    ev = np.linalg.eigvalsh(fit.covariances)
    limit = 1e6 * np.finfo(float).eps
    assume(np.all(ev[:, 0] > limit * np.maximum(ev[:, -1], np.max(np.sum(xc**2, axis=1)))))
    h = fit.loglik_history
    assert np.all(np.isfinite(h))
    assert np.all(np.diff(h) >= -1e-10 * np.abs(h[1:]) - 1e-10)
    assert fit.weights.sum() == pytest.approx(1.0)
    assert np.all(np.isfinite(fit.responsibilities))
    np.testing.assert_allclose(fit.responsibilities.sum(axis=1), 1.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(4, 30), d=st.integers(1, 3), k=st.integers(1, 4),
       covariance_type=st.sampled_from(["full", "diag"]), seed=st.integers(0, 2**32 - 1))
def test_floored_em_decreases_at_most_the_floor_cost(data, n, d, k, covariance_type, seed):
    # heavily duplicated data, where components collapse and the floor binds
    k = min(k, n)
    values = data.draw(st.lists(st.sampled_from([0.0, 1e-3, 0.9375, 1.0, -4.0]), min_size=1,
                                max_size=4, unique=True))
    x = data.draw(arrays(np.float64, (n, d), elements=st.sampled_from(values)))
    res = run_em_recording(x, k, covariance_type, 1e-6, seed)
    h = res.loglik_history
    assert np.all(np.isfinite(h))
    for t in range(1, len(h)):
        cost = floor_cost(res.params_history[t], n, 1e-6)
        assert h[t] >= h[t - 1] - cost - 1e-9 * abs(h[t]) - 1e-10
    # and gmm_em itself (whose driver checks the same bound) runs without error or NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", DegenerateComponentWarning)
        fit = gmm_em(x, k, covariance_type=covariance_type, max_iter=60, rng=seed,
                     reg_covar=1e-6)
    assert np.all(np.isfinite(fit.covariances)) and np.isfinite(fit.loglik)
    assert np.all(np.linalg.eigvalsh(fit.covariances) >= 1e-6 * (1 - 1e-9))


def test_floor_can_lower_the_loglik_and_the_driver_allows_it():
    # measurements recorded to 0.001: half are 0.000, half 0.001. A component that sits
    # on the zeros has weighted covariance 0; the floor keeps it at 1e-6, and the
    # log-likelihood dips, by less than the floor's cost.
    x = np.r_[np.zeros(12), np.full(12, 0.001)]
    init = {"weights": [0.4, 0.2, 0.4], "means": [0.0, 0.0005, 0.001],
            "covariances": [1e-6, 1e-6, 1e-6]}
    with pytest.warns(DegenerateComponentWarning, match="^component 0 of the fitted mixture"):
        fit = gmm_em(x, 3, init=init, reg_covar=1e-6)
    dips = np.diff(fit.loglik_history)
    assert dips.min() < -0.1
    assert fit.converged and np.all(np.isfinite(fit.covariances))
    params = {"weights": np.array([0.5, 0.5]), "means": np.zeros((2, 1)),
              "covariances": np.array([[[2e-6]], [[5.0]]])}
    assert _floor_cost(params, 24, 1e-6) == pytest.approx(floor_cost(params, 24, 1e-6),
                                                            rel=1e-10)
    # without the allowance the driver would call the dip a bug
    xt = x[None, :]
    start = {"weights": np.array(init["weights"]), "means": np.array(init["means"])[:, None],
             "covariances": np.array(init["covariances"]).reshape(3, 1, 1)}
    with pytest.raises(RuntimeError, match="the log-likelihood decreased at EM iteration"):
        em(lambda p: _e_step(xt, p), lambda r: _m_step(xt, r, "full", 1e-6), start)


def test_fit_is_a_fixed_point_of_em():
    x = mixture_data(seed=3)
    fit = gmm_em(x, 3, rng=0, tol=1e-15, max_iter=5000)
    xt = np.ascontiguousarray(x.T)
    params = {"weights": fit.weights, "means": fit.means, "covariances": fit.covariances}
    resp, ll = _e_step(xt, params)
    again = _m_step(xt, resp, "full", fit.reg_covar)
    # one more EM step moves nothing by more than 1e-6 (at rate ~0.92 per step, the
    # distance to the fixed point is about 13 times the last step)
    np.testing.assert_allclose(again["weights"], fit.weights, atol=1e-6)
    np.testing.assert_allclose(again["means"], fit.means, atol=1e-6)
    np.testing.assert_allclose(again["covariances"], fit.covariances, atol=1e-6)
    assert ll == fit.loglik
    # the default tolerance stops close to that fixed point, even though EM is slow here
    # (each log-likelihood gain is 0.85 times the one before)
    default = gmm_em(x, 3, rng=0)
    assert default.converged
    np.testing.assert_allclose(default.means, fit.means, atol=5e-5)
    np.testing.assert_allclose(default.covariances, fit.covariances, atol=5e-5)


def test_responsibilities_and_loglik_independent_check():
    x = mixture_data(seed=4)
    fit = gmm_em(x, 3, rng=2)
    ll, dens = independent_loglik(x, fit.weights, fit.means, fit.covariances)
    assert fit.loglik == pytest.approx(ll, rel=1e-12)
    assert fit.score(x) == pytest.approx(ll, rel=1e-12)
    post = np.exp(dens - logsumexp(dens, axis=1, keepdims=True))
    np.testing.assert_allclose(fit.responsibilities, post, atol=1e-12)
    np.testing.assert_allclose(fit.predict_proba(x), post, atol=1e-12)
    np.testing.assert_array_equal(fit.predict(x), post.argmax(axis=1))
    assert fit.responsibilities.shape == (len(x), 3)


def test_log_normalize_matches_scipy_and_survives_extremes():
    a = np.array([[-1000.0, 0.0, 700.0], [-1001.0, -2.0, 699.0], [-5000.0, 1.0, -800.0]])
    log_norm, resp = _log_normalize(a)
    np.testing.assert_allclose(log_norm, logsumexp(a, axis=0), rtol=1e-15)
    np.testing.assert_allclose(resp, np.exp(a - logsumexp(a, axis=0)), rtol=1e-12, atol=1e-300)
    # column 0 is a logistic function of the gap of 1 between the two top entries
    assert resp[0, 0] == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-15)
    np.testing.assert_allclose(resp.sum(axis=0), 1.0, rtol=1e-15)
    assert np.all(np.isfinite(resp))


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
def test_one_component_is_the_normal_mle(covariance_type):
    x = mixture_data(d=3, seed=14)
    fit = gmm_em(x, 1, covariance_type=covariance_type)
    cov = np.cov(x.T, bias=True)
    if covariance_type == "diag":
        cov = np.diag(np.diag(cov))
    np.testing.assert_allclose(fit.means[0], x.mean(axis=0), atol=1e-12)
    # the default floor: 1e-10 of each column's variance
    np.testing.assert_allclose(fit.reg_covar, 1e-10 * x.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(fit.covariances[0], cov + np.diag(fit.reg_covar), rtol=1e-12,
                               atol=1e-15)
    assert fit.weights[0] == 1.0 and fit.converged and fit.n_iter == 2   # MLE, then confirm
    assert fit.loglik == pytest.approx(
        stats.multivariate_normal(x.mean(axis=0), cov + 1e-6 * np.eye(3)).logpdf(x).sum(),
        rel=1e-12)


def test_one_dimensional_input_equals_column_input():
    x = faithful_eruptions()
    a = gmm_em(x, 2, rng=5)
    b = gmm_em(x[:, None], 2, rng=5)
    np.testing.assert_array_equal(a.means, b.means)
    np.testing.assert_array_equal(a.covariances, b.covariances)
    assert a.means.shape == (2, 1)
    assert a.predict(x[:5]).shape == (5,)
    assert a.score(x) == pytest.approx(a.loglik, rel=1e-12)


def test_diag_returns_full_matrices_with_zero_off_diagonals():
    x = mixture_data(d=3, seed=5)
    fit = gmm_em(x, 3, covariance_type="diag", rng=0)
    assert fit.covariances.shape == (3, 3, 3)
    off = ~np.eye(3, dtype=bool)
    assert np.all(fit.covariances[:, off] == 0)
    assert fit.n_parameters == 2 + 9 + 9


def test_n_init_keeps_the_best_start():
    x = mixture_data(seed=7)          # K = 4 on 3 clusters: several local maxima
    # the same starts gmm_em draws: each from the one generator, in turn
    rng = np.random.default_rng(7)
    xc = x - x.mean(axis=0)
    floor = 1e-10 * np.mean(xc * xc, axis=0)          # the default floor, computed as gmm_em does
    singles = [gmm_em(x, 4, init=_random_start(x, 4, "random", "full", floor, rng))
               for _ in range(6)]
    many = gmm_em(x, 4, init="random", n_init=6, rng=7)
    best = max(singles, key=lambda f: f.loglik)
    assert best.loglik > singles[0].loglik + 1.0               # the first start is not the best
    # the same starts, up to rounding (gmm_em draws them from the centred data)
    assert many.loglik == pytest.approx(best.loglik, rel=1e-13)
    np.testing.assert_allclose(many.means, best.means, rtol=1e-12, atol=1e-14)
    assert gmm_em(x, 4, init="random", rng=7).loglik == singles[0].loglik


def test_seeded_fits_are_reproducible():
    x = mixture_data(seed=8)
    a, b = gmm_em(x, 3, rng=11), gmm_em(x, 3, rng=11)
    np.testing.assert_array_equal(a.means, b.means)
    assert a.loglik == b.loglik


def test_all_points_identical_has_no_default_floor():
    # no spread, so no scale to take a floor from: the MLE does not exist
    with pytest.raises(DegenerateSampleError, match=exact(
            "column 0 of x is constant (every value 3.5): a normal component has no variance "
            "to estimate there and the likelihood is unbounded. Drop the column, or give "
            "reg_covar= explicitly to fit with that fixed floor.")):
        gmm_em(np.full((20, 2), 3.5), 3, rng=0)


def test_all_points_identical_with_explicit_floor_is_nan_free_and_flagged():
    x = np.full((20, 2), 3.5)
    with pytest.warns(DegenerateComponentWarning, match="the variance floor makes up 100%"):
        fit = gmm_em(x, 3, rng=0, reg_covar=1e-6)
    assert fit.converged and fit.n_iter == 1 and fit.degenerate == (0, 1, 2)
    np.testing.assert_allclose(fit.means, 3.5)
    np.testing.assert_allclose(fit.covariances, np.repeat(1e-6 * np.eye(2)[None], 3, axis=0),
                               rtol=1e-9, atol=1e-20)
    expected = 20 * stats.multivariate_normal([3.5, 3.5], 1e-6 * np.eye(2)).logpdf([3.5, 3.5])
    assert fit.loglik == pytest.approx(expected, rel=1e-12)
    assert np.all(np.isfinite(fit.responsibilities))


def test_all_points_identical_without_floor_is_an_error():
    with pytest.raises(ValueError, match=exact(
            "the covariance matrix of component 0 is not positive definite: the component "
            "collapsed onto fewer than D + 1 distinct points, or the data have a constant "
            "column. Increase reg_covar (now 0.0), use fewer components or rescale the data.")):
        gmm_em(np.ones(10), 2, reg_covar=0.0, rng=0)


def test_duplicated_points_and_collapsing_component_stay_finite():
    rng = np.random.default_rng(0)
    x = np.vstack([np.repeat([[5.0, 5.0]], 6, axis=0), rng.normal(size=(40, 2))])
    start = {"weights": [0.2, 0.4, 0.4], "means": [[5.0, 5.0], [0.5, 0.0], [-0.5, 0.0]],
             "covariances": np.repeat(np.eye(2)[None], 3, axis=0)}
    with pytest.warns(DegenerateComponentWarning, match="^component 0 of the fitted mixture"):
        fit = gmm_em(x, 3, init=start, reg_covar=1e-6)
    assert fit.degenerate == (0,)
    np.testing.assert_allclose(fit.covariances[0], 1e-6 * np.eye(2), atol=1e-12)
    assert np.isfinite(fit.loglik) and fit.converged
    assert fit.weights[0] == pytest.approx(6 / 46, rel=1e-9)


def test_empty_component_gives_no_nan():
    x = np.r_[np.zeros(10), np.ones(10)] + np.linspace(0, 0.1, 20)
    start = {"weights": [0.4, 0.4, 0.2], "means": [0.0, 1.0, 1e6],
             "covariances": [0.1, 0.1, 1e-4]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = gmm_em(x, 3, init=start, max_iter=50)
    assert np.all(np.isfinite(fit.means)) and np.all(np.isfinite(fit.covariances))
    assert fit.weights[2] < 1e-12


def test_sample_shapes_and_moments():
    fit = gmm_em(mixture_data(seed=9), 3, rng=0)
    x, z = fit.sample(20000, rng=1)
    assert x.shape == (20000, 2) and z.shape == (20000,)
    counts = np.bincount(z, minlength=3) / 20000
    np.testing.assert_allclose(counts, fit.weights, atol=0.015)
    for k in range(3):
        np.testing.assert_allclose(x[z == k].mean(axis=0), fit.means[k], atol=0.1)
        np.testing.assert_allclose(np.cov(x[z == k].T), fit.covariances[k], atol=0.15)
    x2, z2 = fit.sample(20000, rng=1)
    np.testing.assert_array_equal(x, x2)


def test_information_criteria_formulas():
    x = mixture_data(seed=10)
    fit = gmm_em(x, 2, rng=0)
    p = 1 + 4 + 6
    assert fit.n_parameters == p
    assert fit.bic() == pytest.approx(-2 * fit.loglik + p * np.log(len(x)))
    assert fit.aic() == pytest.approx(-2 * fit.loglik + 2 * p)
    assert fit.aic(x[:50]) == pytest.approx(-2 * fit.score(x[:50]) + 2 * p)


def test_result_repr_and_type():
    fit = gmm_em(faithful_eruptions(), 2, rng=0)
    assert isinstance(fit, GMMResult)
    assert repr(fit).startswith("GMMResult(K=2, D=1, covariance_type='full', loglik=-276.36")


def test_does_not_converge_warns():
    with pytest.warns(ConvergenceWarning, match=r"^EM did not converge in 2 iterations \(last "
                      r"relative change [0-9.e+-]+\); raise max_iter or loosen tol\.$") as rec:
        fit = gmm_em(faithful_eruptions(), 2, max_iter=2, rng=0)
    assert not fit.converged and fit.n_iter == 2
    assert rec[0].filename == __file__


def test_explicit_one_dimensional_init_shapes():
    x = faithful_eruptions()
    a = gmm_em(x, 2, init={"weights": [0.5, 0.5], "means": [2.0, 4.0], "covariances": [0.1, 0.2]})
    b = gmm_em(x, 2, init={"weights": [0.5, 0.5], "means": [[2.0], [4.0]],
                           "covariances": [[[0.1]], [[0.2]]]})
    np.testing.assert_array_equal(a.means, b.means)


# ---------------------------------------------------------------------------
# Semi-supervised


def test_fully_labelled_gives_class_wise_mle_in_one_step():
    x = mixture_data(seed=11)
    labels = np.array([0] * 150 + [1] * 150 + [2] * 100)
    fit = semisupervised_gmm_em(x, labels)
    for k in range(3):
        xk = x[labels == k]
        np.testing.assert_allclose(fit.means[k], xk.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(fit.covariances[k],
                                   np.cov(xk.T, bias=True) + np.diag(fit.reg_covar), rtol=1e-10)
    np.testing.assert_allclose(fit.weights, [150 / 400, 150 / 400, 100 / 400], rtol=1e-12)
    assert fit.converged and fit.n_iter == 2   # one step to the MLE, one to confirm
    np.testing.assert_array_equal(fit.responsibilities, np.eye(3)[labels])


def test_partially_labelled_objective_and_one_hot_rows():
    x = mixture_data(seed=12)
    rng = np.random.default_rng(0)
    truth = gmm_em(x, 3, rng=0).predict(x)
    labels = np.where(rng.uniform(size=len(x)) < 0.1, truth, -1)
    fit = semisupervised_gmm_em(x, labels, 3)
    h = fit.loglik_history
    assert np.all(np.diff(h) >= -1e-10 * np.abs(h[1:]))
    known = labels >= 0
    np.testing.assert_array_equal(fit.responsibilities[known], np.eye(3)[labels[known]])
    _, dens = independent_loglik(x, fit.weights, fit.means, fit.covariances)
    expected = (dens[known, labels[known]].sum() + logsumexp(dens[~known], axis=1).sum())
    assert fit.loglik == pytest.approx(expected, rel=1e-12)
    post = np.exp(dens[~known] - logsumexp(dens[~known], axis=1, keepdims=True))
    np.testing.assert_allclose(fit.responsibilities[~known], post, atol=1e-12)


def test_no_labels_equals_gmm_em():
    x = mixture_data(seed=13)
    start = start_params(x, 3, "full")
    a = semisupervised_gmm_em(x, np.full(len(x), -1), 3, init=start)
    b = gmm_em(x, 3, init=start)
    np.testing.assert_array_equal(a.means, b.means)
    np.testing.assert_array_equal(a.loglik_history, b.loglik_history)


def test_labels_pull_components_to_their_class():
    # two overlapping clusters; a few labels decide which component is which
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(0, 1, 200), rng.normal(2.5, 1, 200)]
    labels = np.full(400, -1)
    labels[:10], labels[200:210] = 1, 0
    fit = semisupervised_gmm_em(x, labels)
    assert fit.means[0, 0] > fit.means[1, 0]


# ---------------------------------------------------------------------------
# Bad input

X2 = mixture_data(n=20, seed=0)
GOOD_INIT = {"weights": [0.5, 0.5], "means": [[0.0, 0.0], [1.0, 1.0]],
             "covariances": np.repeat(np.eye(2)[None], 2, axis=0)}


def init_with(**changes):
    out = dict(GOOD_INIT)
    out.update(changes)
    return out


BAD = [
    (dict(x=[]), ValueError, "x is empty; at least 1 value(s) are needed."),
    (dict(x=[[1.0, np.nan], [2.0, 3.0]]), ValueError,
     "x contains 1 NaN or infinite value(s) (first at flat index 1); remove or impute them "
     "first."),
    (dict(x=[1.0, np.inf, 2.0]), ValueError,
     "x contains 1 NaN or infinite value(s) (first at flat index 1); remove or impute them "
     "first."),
    (dict(x=np.zeros((2, 2, 2))), ValueError,
     "x must be 1-D or 2-D; got an array of shape (2, 2, 2)."),
    (dict(x="abc"), TypeError, "x must be an array of numbers, not a string ('abc')."),
    (dict(x=[1.0, 2.0, 3.0], n_components=4), ValueError,
     "n_components=4 is more than the number of data points (3); use at most 3 components."),
    (dict(n_components=0), ValueError, "n_components must be >= 1; got 0."),
    (dict(n_components=2.5), TypeError, "n_components must be an integer; got float 2.5."),
    (dict(covariance_type="tied"), ValueError,
     "covariance_type must be one of ('full', 'diag'); got 'tied'."),
    (dict(init="kmeens"), ValueError,
     "init must be one of ('kmeans++', 'kmeans', 'random') or a dict with keys 'weights', "
     "'means', 'covariances'; got 'kmeens'."),
    (dict(init={"weights": [0.5, 0.5], "means": [[0, 0], [1, 1]]}), ValueError,
     "init dict must have exactly the keys ['covariances', 'means', 'weights']; got "
     "['means', 'weights']."),
    (dict(init=init_with(weights=[0.2, 0.3, 0.5])), ValueError,
     "init['weights'] must have shape (n_components,) = (2,); got shape (3,)."),
    (dict(init=init_with(weights=[0.5, 0.6])), ValueError,
     "init['weights'] must sum to 1; they sum to 1.1."),
    (dict(init=init_with(weights=[1.0, 0.0])), ValueError,
     "init['weights'] must all be positive; got 0.0."),
    (dict(init=init_with(weights=[0.5, np.nan])), ValueError,
     "init['weights'] contains 1 NaN or infinite value(s) (first at flat index 1); remove or "
     "impute them first."),
    (dict(init=init_with(means=[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])), ValueError,
     "init['means'] must have shape (n_components, D) = (2, 2); got shape (2, 3)."),
    (dict(init=init_with(covariances=np.eye(2))), ValueError,
     "init['covariances'] must have shape (n_components, D, D) = (2, 2, 2); got shape (2, 2)."),
    (dict(init=init_with(covariances=[np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])), ValueError,
     "init['covariances'][1] is not positive definite (smallest eigenvalue -1.0)."),
    (dict(init=init_with(covariances=[np.eye(2), [[1.0, 0.5], [0.2, 1.0]]])), ValueError,
     "init['covariances'][1] is not symmetric."),
    (dict(init=init_with(covariances=[np.eye(2), [[1.0, 0.5], [0.5, 1.0]]]),
          covariance_type="diag"), ValueError,
     "covariance_type='diag' needs diagonal matrices; init['covariances'][1] has non-zero "
     "off-diagonal entries."),
    (dict(init=GOOD_INIT, n_init=3), ValueError,
     "n_init=3 needs a random init; starting values given as a dict give the same fit every "
     "time, so use n_init=1."),
    (dict(n_init=0), ValueError, "n_init must be >= 1; got 0."),
    (dict(max_iter=0), ValueError, "max_iter must be >= 1; got 0."),
    (dict(tol=-1.0), ValueError, "tol must be >= 0.0; got -1.0."),
    (dict(reg_covar=-1e-6), ValueError, "reg_covar must be >= 0.0; got -1e-06."),
    (dict(rng="seed"), TypeError,
     "rng must be None, an integer seed or a numpy.random.Generator "
     "(np.random.default_rng(seed)); got str."),
]


@pytest.mark.parametrize("kwargs,exc,msg", BAD)
def test_gmm_bad_input(kwargs, exc, msg):
    args = dict(x=X2, n_components=2)
    args.update(kwargs)
    with pytest.raises(exc, match=exact(msg)):
        gmm_em(**args)


@pytest.mark.parametrize("call,exc,msg", [
    (lambda f: f.predict(np.zeros((3, 3))), ValueError,
     "x must have 2 column(s), like the data the mixture was fitted to; got shape (3, 3)."),
    (lambda f: f.score([[np.nan, 1.0]]), ValueError,
     "x contains 1 NaN or infinite value(s) (first at flat index 0); remove or impute them "
     "first."),
    (lambda f: f.predict_proba(np.zeros(4)), ValueError,
     "x must have 2 column(s), like the data the mixture was fitted to; got shape (4, 1)."),
    (lambda f: f.sample(0), ValueError, "n must be >= 1; got 0."),
    (lambda f: f.sample(5, rng=1.5), TypeError,
     "rng must be None, an integer seed or a numpy.random.Generator "
     "(np.random.default_rng(seed)); got float."),
])
def test_result_methods_bad_input(call, exc, msg):
    fit = gmm_em(X2, 2, rng=0)
    with pytest.raises(exc, match=exact(msg)):
        call(fit)


LABELS = np.array([0, 1] + [-1] * 18)

BAD_LABELS = [
    (dict(labels=LABELS[:5]), ValueError,
     "labels must have shape (N,) = (20,), one per data point; got shape (5,)."),
    (dict(labels=np.r_[LABELS[:-1], 2], n_components=2), ValueError,
     "labels must be -1 (unlabelled) or a component index from 0 to 1; got 2 at index 19."),
    (dict(labels=np.r_[-2, LABELS[1:]]), ValueError,
     "labels must be -1 (unlabelled) or a component index from 0 to 1; got -2 at index 0."),
    (dict(labels=np.r_[0.5, LABELS[1:]]), TypeError,
     "labels must be integers (-1 for unlabelled); got dtype float64."),
    (dict(labels="abc"), TypeError, "labels must be an array of integers; got str."),
    (dict(labels=np.full(20, -1)), ValueError,
     "labels has no labelled point, so n_components cannot be inferred; give n_components "
     "(or use gmm_em)."),
    (dict(labels=LABELS, n_components=3), ValueError,
     "init='labels' needs at least one labelled point in every component; component 2 has "
     "none. Use init='kmeans++' or give starting values as a dict."),
    (dict(labels=LABELS, n_init=2), ValueError,
     "n_init=2 needs a random init; init='labels' gives the same fit every time, so use "
     "n_init=1."),
    (dict(labels=LABELS, init="lables"), ValueError,
     "init must be one of ('kmeans++', 'kmeans', 'random', 'labels') or a dict with keys "
     "'weights', 'means', 'covariances'; got 'lables'."),
    (dict(labels=LABELS, n_components=0), ValueError, "n_components must be >= 1; got 0."),
]


@pytest.mark.parametrize("kwargs,exc,msg", BAD_LABELS)
def test_semisupervised_bad_input(kwargs, exc, msg):
    with pytest.raises(exc, match=exact(msg)):
        semisupervised_gmm_em(X2, **kwargs)


def test_semisupervised_accepts_integer_valued_floats():
    a = semisupervised_gmm_em(X2, LABELS.astype(float))
    b = semisupervised_gmm_em(X2, LABELS)
    np.testing.assert_array_equal(a.means, b.means)
