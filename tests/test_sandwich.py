"""Sandwich (robust, Huber-White) standard errors on FitResult."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from mlecourse import fit, fit_numeric

RNG = np.random.default_rng(314)
X_T = 5.0 + 2.0 * RNG.standard_t(3, size=60)           # heavy tails
Y_OVER = RNG.negative_binomial(1.5, 1.5 / (1.5 + 4.0), size=300).astype(float)  # var >> mean


def test_normal_mean_robust_se_is_the_closed_form():
    res = fit("normal", X_T)
    n = X_T.size
    expected = np.sqrt(np.sum((X_T - X_T.mean()) ** 2)) / n
    assert res.se_robust["mu"] == pytest.approx(expected, rel=1e-9)
    # under the normal model the naive se is sigma_hat / sqrt(n): the same number for mu
    assert res.se["mu"] == pytest.approx(expected, rel=1e-9)


def test_normal_mean_with_sigma_fixed_is_model_free():
    res = fit("normal", X_T, sigma=1.0)
    n = X_T.size
    assert res.se["mu"] == pytest.approx(1.0 / np.sqrt(n))
    assert res.se_robust["mu"] == pytest.approx(np.sqrt(np.sum((X_T - X_T.mean()) ** 2)) / n,
                                                rel=1e-9)


def test_matches_statsmodels_hc0_for_an_intercept_only_ols():
    ols = sm.OLS(X_T, np.ones_like(X_T)).fit(cov_type="HC0")
    res = fit("normal", X_T)
    assert res.se_robust["mu"] == pytest.approx(float(ols.bse[0]), rel=1e-9)


def test_matches_statsmodels_robust_poisson_glm():
    glm = sm.GLM(Y_OVER, np.ones_like(Y_OVER), family=sm.families.Poisson()).fit(cov_type="HC0")
    res = fit("poisson", Y_OVER)
    lam = res.params["lam"]
    # the GLM estimates log(lam): delta method se(lam) = lam * se(log lam)
    assert res.se_robust["lam"] == pytest.approx(lam * float(glm.bse[0]), rel=1e-6)
    assert res.se_robust["lam"] == pytest.approx(np.sqrt(np.var(Y_OVER) / Y_OVER.size), rel=1e-6)


def test_overdispersed_poisson_robust_se_exceeds_naive_se():
    res = fit("poisson", Y_OVER)
    ratio = res.se_robust["lam"] / res.se["lam"]
    assert ratio > 1.5
    assert ratio == pytest.approx(np.sqrt(np.var(Y_OVER) / np.mean(Y_OVER)), rel=1e-6)


def test_robust_equals_naive_for_a_correct_model_on_average():
    # Poisson data: the two standard errors agree to sampling error
    y = np.random.default_rng(8).poisson(3.0, 5000).astype(float)
    res = fit("poisson", y)
    assert res.se_robust["lam"] / res.se["lam"] == pytest.approx(1.0, abs=0.05)


def test_numerical_family_sandwich_matches_an_independent_computation():
    x = np.random.default_rng(12).gamma(2.0, 1.5, 200)
    res = fit("gamma", x)
    a, b = res.params["shape"], res.params["rate"]
    from scipy.special import digamma, polygamma

    # analytic per-observation scores and information of the gamma log-density
    s = np.column_stack([np.log(b) - digamma(a) + np.log(x), a / b - x])
    H = x.size * np.array([[polygamma(1, a), -1 / b], [-1 / b, a / b**2]])
    Hinv = np.linalg.inv(H)
    expected = Hinv @ (s.T @ s) @ Hinv
    np.testing.assert_allclose(res.cov_robust, expected, rtol=1e-4)
    assert set(res.se_robust) == {"shape", "rate"}


def test_fit_numeric_with_per_observation_loglik():
    x = X_T

    def ll(t):
        return -0.5 * ((x - t[0]) / t[1]) ** 2 - np.log(t[1]) - 0.5 * np.log(2 * np.pi)

    res = fit_numeric(ll, [0.0, 1.0], names=["mu", "sigma"], positive=["sigma"],
                      per_observation=True)
    ref = fit("normal", x)
    assert res.n == x.size
    assert res.loglik == pytest.approx(ref.loglik, rel=1e-10)
    assert res.se_robust["mu"] == pytest.approx(ref.se_robust["mu"], rel=1e-6)
    assert res.se_robust["sigma"] == pytest.approx(ref.se_robust["sigma"], rel=1e-5)
    assert res.bic == pytest.approx(ref.bic, rel=1e-10)


def test_fit_numeric_without_per_observation_refuses_robust_se():
    res = fit_numeric(lambda t: -np.sum((X_T - t[0]) ** 2) / 2, [0.0], names=["mu"])
    with pytest.raises(ValueError, match="per_observation=True"):
        _ = res.se_robust
    with pytest.raises(ValueError, match="per_observation=True"):
        res.conf_int(cov_type="robust")
    # the ordinary standard errors still work
    assert res.se["mu"] == pytest.approx(1 / np.sqrt(X_T.size), rel=1e-6)


def test_fit_numeric_per_observation_bad_returns():
    with pytest.raises(ValueError, match="1-D array"):
        fit_numeric(lambda t: np.float64(-t[0] ** 2), [1.0], per_observation=True)
    with pytest.raises(TypeError, match="per_observation must be True or False"):
        fit_numeric(lambda t: -t[0] ** 2, [1.0], per_observation="yes")


def test_robust_wald_interval_and_summary():
    res = fit("poisson", Y_OVER)
    lam, se = res.params["lam"], res.se_robust["lam"]
    low, high = res.conf_int(0.95, cov_type="robust")["lam"]
    assert low == pytest.approx(lam - 1.959963984540054 * se, rel=1e-12)
    assert high == pytest.approx(lam + 1.959963984540054 * se, rel=1e-12)
    # default unchanged: observed information
    assert res.conf_int()["lam"][1] - lam == pytest.approx(1.959963984540054 * res.se["lam"])
    text = res.summary(cov_type="robust")
    assert "robust (sandwich, HC0) standard errors" in text
    assert f"{se:.4g}" in text
    assert "observed information" in res.summary()


def test_cov_type_errors():
    res = fit("poisson", Y_OVER)
    with pytest.raises(ValueError, match="cov_type must be one of"):
        res.conf_int(cov_type="hc3")
    with pytest.raises(ValueError, match="Wald intervals only"):
        res.conf_int(method="profile", cov_type="robust")
    with pytest.raises(TypeError, match="cov_type must be a string"):
        res.summary(cov_type=1)


def test_boundary_estimate_gives_zero_robust_se():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit("bernoulli", [1, 1, 1, 1])
    assert res.se_robust == {"p": 0.0}


def test_all_fixed_gives_empty_robust_covariance():
    res = fit("normal", X_T, mu=0.0, sigma=1.0)
    assert res.cov_robust.shape == (0, 0) and res.se_robust == {}


def test_cov_robust_is_a_copy():
    res = fit("normal", X_T)
    c = res.cov_robust
    c[0, 0] = -1.0
    assert res.cov_robust[0, 0] > 0
