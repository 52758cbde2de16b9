"""Louis's method for the 1-D normal mixture: the observed information against a
numerical Hessian of the observed-data log-likelihood, the rate matrix against the
Jacobian of the EM map and the observed ratio of successive EM steps, units, bad input."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlecourse.datasets import load_faithful
from mlecourse.em import gmm_em, mixture_information
from mlecourse.families import DegenerateSampleError
from mlecourse.mixture import fit_mixture_direct, mixture_loglik

X = load_faithful()["eruptions"].to_numpy()
START = {"weights": np.array([0.5, 0.5]), "means": np.quantile(X, [0.25, 0.75]),
         "covariances": np.full(2, (X.std() / 2) ** 2)}


def unpack(theta, k):
    w = np.r_[1 - theta[:k - 1].sum(), theta[:k - 1]]
    return w, theta[k - 1:2 * k - 1], theta[2 * k - 1:]


def loglik(theta, x, k):
    w, mu, sd = unpack(theta, k)
    return mixture_loglik(x, w, mu, sd)


def numerical_hessian(f, theta, rel=1e-4):
    """Central differences with a step for each parameter relative to its own size."""
    theta = np.asarray(theta, float)
    h = rel * np.maximum(np.abs(theta), 1e-3)
    p = theta.size
    hess = np.empty((p, p))
    for i in range(p):
        for j in range(p):
            ei = np.eye(p)[i] * h[i]
            ej = np.eye(p)[j] * h[j]
            hess[i, j] = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej)
                          + f(theta - ei - ej)) / (4 * h[i] * h[j])
    return hess


def em_map(theta, x, k):
    """One EM iteration for the 1-D mixture, in the parametrisation of mixture_information."""
    w, mu, sd = unpack(theta, k)
    a = np.log(w) - 0.5 * ((x[:, None] - mu) / sd) ** 2 - np.log(sd)
    r = np.exp(a - a.max(axis=1, keepdims=True))
    r /= r.sum(axis=1, keepdims=True)
    nk = r.sum(axis=0)
    mu_new = r.T @ x / nk
    sd_new = np.sqrt((r * (x[:, None] - mu_new) ** 2).sum(axis=0) / nk)
    return np.r_[(nk / x.size)[1:], mu_new, sd_new]


@pytest.fixture(scope="module")
def faithful_info():
    fit = gmm_em(X, 2, init=START, reg_covar=0.0)
    return fit, mixture_information(X, fit)


def test_louis_equals_numerical_hessian_at_the_mle(faithful_info):
    _, info = faithful_info
    theta = np.array(list(info.params.values()))
    hess = numerical_hessian(lambda t: loglik(t, X, 2), theta)
    np.testing.assert_allclose(info.i_obs, -hess, rtol=1e-5, atol=1e-6 * np.abs(hess).max())
    se_num = np.sqrt(np.diag(np.linalg.inv(-hess)))
    np.testing.assert_allclose(list(info.se.values()), se_num, rtol=1e-5)
    # the Hessian standard errors the chapter mle_vs_em prints, to its five digits
    np.testing.assert_allclose(list(info.se.values()),
                               [0.02919, 0.02607, 0.03411, 0.02309, 0.02711], atol=6e-6)


def test_complete_data_standard_errors_are_too_small(faithful_info):
    _, info = faithful_info
    assert info.names == ["w2", "mu1", "mu2", "sd1", "sd2"]
    for nm in info.names:
        assert info.se_complete[nm] < info.se[nm]
    # the short component's sd is the most affected: about 26% too small
    assert info.se_complete["sd1"] / info.se["sd1"] - 1 == pytest.approx(-0.2588, abs=5e-4)
    np.testing.assert_allclose(info.i_obs, info.i_com - info.i_mis, rtol=0, atol=1e-9)


def test_identity_holds_away_from_the_maximum():
    # Louis's identity is exact at every theta: here a 3-component point moved off its MLE,
    # where the score is not zero (so I_mis is not E[s s^T | x])
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(0, 1, 80), rng.normal(4, 0.7, 60), rng.normal(9, 2, 60)]
    fit = gmm_em(x, 3, n_init=3, rng=0)
    o = np.argsort(fit.means[:, 0])
    theta = np.r_[fit.weights[o][1:], fit.means[o, 0], np.sqrt(fit.covariances[o, 0, 0])]
    theta = theta * np.r_[0.93, 1.06, 1.05, 0.97, 1.04, 1.06, 0.95, 1.05]
    w, mu, sd = unpack(theta, 3)
    info = mixture_information(x, weights=w, means=mu, sds=sd)
    hess = numerical_hessian(lambda t: loglik(t, x, 3), theta)
    np.testing.assert_allclose(info.i_obs, -hess, rtol=1e-5, atol=1e-6 * np.abs(hess).max())
    score = np.array([(loglik(theta + np.eye(8)[j] * 1e-6, x, 3)
                       - loglik(theta - np.eye(8)[j] * 1e-6, x, 3)) / 2e-6 for j in range(8)])
    assert np.abs(score).max() > 1.0


def test_rate_matrix_is_the_jacobian_of_the_em_map(faithful_info):
    _, info = faithful_info
    theta = np.array(list(info.params.values()))
    for _ in range(100):            # EM's stopping rule leaves ~1e-7; iterate to the fixed point
        theta = em_map(theta, X, 2)
    np.testing.assert_allclose(em_map(theta, X, 2), theta, rtol=1e-13)
    w, mu, sd = unpack(theta, 2)
    info = mixture_information(X, weights=w, means=mu, sds=sd)
    h = 1e-6 * np.maximum(np.abs(theta), 1e-3)
    jac = np.column_stack([(em_map(theta + np.eye(5)[j] * h[j], X, 2)
                            - em_map(theta - np.eye(5)[j] * h[j], X, 2)) / (2 * h[j])
                           for j in range(5)])
    np.testing.assert_allclose(info.rate_matrix, jac, atol=1e-6)


def test_rate_is_the_observed_ratio_of_successive_em_steps(faithful_info):
    _, info = faithful_info
    theta = np.r_[START["weights"][1], START["means"], np.sqrt(START["covariances"])]
    steps = []
    for _ in range(40):
        new = em_map(theta, X, 2)
        steps.append(np.linalg.norm(new - theta))
        theta = new
    ratio = steps[-1] / steps[-2]
    assert info.rate == pytest.approx(0.5888, abs=1e-4)
    assert ratio == pytest.approx(info.rate, abs=1e-4)


def test_direct_fit_gives_the_same_information(faithful_info):
    _, info = faithful_info
    direct = fit_mixture_direct(X, 2, n_starts=1, rng=0)
    info_d = mixture_information(X, direct)
    for nm in info.names:
        assert info_d.se[nm] == pytest.approx(info.se[nm], rel=1e-3)
    assert info_d.rate == pytest.approx(info.rate, abs=1e-3)


@settings(max_examples=25, deadline=None)
@given(st.floats(-8, 8), st.floats(-1e3, 1e3))
def test_units(log10_c, shift):
    c = 10.0 ** log10_c
    base = mixture_information(X, weights=[0.35, 0.65], means=[2.02, 4.27],
                               sds=[0.236, 0.437])
    scaled = mixture_information(c * (X + shift), weights=[0.35, 0.65],
                                 means=[c * (2.02 + shift), c * (4.27 + shift)],
                                 sds=[c * 0.236, c * 0.437])
    assert scaled.se["w2"] == pytest.approx(base.se["w2"], rel=1e-7)
    for nm in ["mu1", "mu2", "sd1", "sd2"]:
        assert scaled.se[nm] == pytest.approx(c * base.se[nm], rel=1e-6)
    assert scaled.rate == pytest.approx(base.rate, rel=1e-6)


def test_one_component_has_no_missing_information():
    info = mixture_information(X, weights=[1.0], means=[X.mean()], sds=[X.std()])
    assert info.names == ["mu1", "sd1"]
    np.testing.assert_allclose(info.i_mis, 0, atol=1e-9)
    assert info.se["mu1"] == pytest.approx(X.std() / np.sqrt(X.size), rel=1e-12)
    assert info.se["sd1"] == pytest.approx(X.std() / np.sqrt(2 * X.size), rel=1e-12)
    assert info.rate == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("kwargs, exc, msg", [
    (dict(weights=[0.5, 0.5], means=[1.0, 2.0]), TypeError, "all three of weights"),
    (dict(weights=[0.5, 0.5], means=[1.0, 2.0], sds=[1.0]), ValueError, "lengths 2, 2 and 1"),
    (dict(weights=[0.0, 1.0], means=[1.0, 2.0], sds=[1, 1]), ValueError, "weights must be > 0"),
    (dict(weights=[0.5, 0.6], means=[1.0, 2.0], sds=[1, 1]), ValueError, "sum to 1"),
    (dict(weights=[0.5, 0.5], means=[1.0, 2.0], sds=[1, 0]), ValueError, "sds"),
    (dict(weights=[0.5, 0.5], means=[2.0, 2.0], sds=[1, 2]), ValueError, "means must be distinct"),
])
def test_bad_parameters(kwargs, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        mixture_information(X, **kwargs)


def test_bad_data_and_fits():
    with pytest.raises(ValueError, match="x must be one-dimensional"):
        mixture_information(np.c_[X, X], weights=[1.0], means=[0.0], sds=[1.0])
    with pytest.raises(ValueError, match="x contains"):
        mixture_information(np.r_[X, np.nan], weights=[1.0], means=[0.0], sds=[1.0])
    with pytest.raises(TypeError, match="fit must be a GMMResult"):
        mixture_information(X, object())
    fit2d = gmm_em(np.c_[X, X + np.linspace(0, 1, X.size)], 2, rng=0)
    with pytest.raises(ValueError, match="one-dimensional mixtures only"):
        mixture_information(X, fit2d)


def test_not_a_maximum_is_reported():
    # two copies of the one-component fit side by side: a saddle of the likelihood
    with pytest.raises(DegenerateSampleError, match="not positive definite"):
        mixture_information(X, weights=[0.5, 0.5], means=[X.mean() - 1e-3, X.mean() + 1e-3],
                            sds=[X.std(), X.std()])
