"""The negative binomial family (NB2: mean mu, size r, variance mu + mu^2 / r)."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from mlecourse import DegenerateSampleError, fit, loglik
from mlecourse.datasets import load_biochemists
from mlecourse.families import FAMILIES

RNG = np.random.default_rng(4242)


def _nb_sample(mu, r, n, rng):
    # numpy's negative_binomial(n=r, p) has mean r (1 - p) / p, so p = r / (r + mu)
    return rng.negative_binomial(r, r / (r + mu), size=n).astype(float)


def _statsmodels_fit(y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.NegativeBinomial(y, np.ones(len(y))).fit(disp=0, maxiter=500, method="bfgs",
                                                         gtol=1e-10)
    const, alpha = res.params
    return res, float(np.exp(const)), float(1.0 / alpha)


def test_registered_with_textbook_parameters():
    fam = FAMILIES["negbin"]
    assert fam.params == ("mu", "r")
    assert fam.domains == {"mu": "positive", "r": "positive"}


@pytest.mark.parametrize("mu,r", [(0.3, 0.5), (2.0, 1.0), (7.5, 3.0), (40.0, 150.0),
                                  (1.0, 1e4), (0.05, 0.01)])
def test_logpmf_matches_scipy_nbinom(mu, r):
    x = np.arange(0, 60, dtype=float)
    ref = stats.nbinom.logpmf(x, r, r / (r + mu))
    got = FAMILIES["negbin"].logpdf(x, mu=mu, r=r)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-9)
    y = _nb_sample(mu, min(r, 50.0), 40, RNG)
    assert loglik("negbin", y, mu=mu, r=r) == pytest.approx(
        float(np.sum(stats.nbinom.logpmf(y, r, r / (r + mu)))), rel=1e-10)


@pytest.mark.parametrize("r", [1e6, 1e9, 1e12, 1e15])
def test_poisson_limit_as_r_grows(r):
    # log NB(x; mu, r) = log Poisson(x; mu) + ((x - mu)^2 - x) / (2 r) + O(1 / r^2): the
    # log-mass must stay accurate where differencing gammaln(x + r) - gammaln(r) would not
    x = np.arange(0, 30, dtype=float)
    got = FAMILIES["negbin"].logpdf(x, mu=3.0, r=r)
    first_order = stats.poisson.logpmf(x, 3.0) + ((x - 3.0) ** 2 - x) / (2 * r)
    np.testing.assert_allclose(got, first_order, rtol=0, atol=1e-8 + 1e3 / r**2)


def test_loglik_broadcasts_over_a_grid():
    y = _nb_sample(2.0, 1.5, 30, RNG)
    mus, rs = np.linspace(1, 3, 4), np.linspace(0.5, 4, 5)
    grid = loglik("negbin", y, mu=mus[:, None], r=rs[None, :])
    assert grid.shape == (4, 5)
    assert grid[2, 3] == pytest.approx(loglik("negbin", y, mu=mus[2], r=rs[3]))


def test_biochemists_articles_match_statsmodels():
    y = load_biochemists()["art"].to_numpy().astype(float)
    res_sm, mu_sm, r_sm = _statsmodels_fit(y)
    res = fit("negbin", y)
    assert res.method == "numerical"
    assert res.params["mu"] == pytest.approx(mu_sm, rel=1e-5)
    assert res.params["r"] == pytest.approx(r_sm, rel=1e-5)
    assert res.loglik == pytest.approx(res_sm.llf, rel=1e-8)
    # standard errors by the delta method: mu = exp(const), r = 1 / alpha
    se_const, se_alpha = res_sm.bse
    assert res.se["mu"] == pytest.approx(mu_sm * se_const, rel=1e-3)
    assert res.se["r"] == pytest.approx(se_alpha * r_sm**2, rel=1e-3)


@pytest.mark.parametrize("seed,mu,r,n", [(1, 0.8, 0.6, 200), (2, 5.0, 2.0, 150),
                                         (3, 12.0, 8.0, 400)])
def test_simulated_samples_match_statsmodels(seed, mu, r, n):
    y = _nb_sample(mu, r, n, np.random.default_rng(seed))
    if np.var(y) <= np.mean(y):
        pytest.skip("this draw happens to be underdispersed")
    _, mu_sm, r_sm = _statsmodels_fit(y)
    res = fit("negbin", y)
    assert res.params["mu"] == pytest.approx(mu_sm, rel=1e-5)
    assert res.params["r"] == pytest.approx(r_sm, rel=1e-5)


def test_mle_of_mu_is_the_sample_mean_and_r_solves_its_score_equation():
    y = _nb_sample(3.0, 1.2, 300, np.random.default_rng(7))
    res = fit("negbin", y)
    assert res.params["mu"] == pytest.approx(y.mean(), rel=1e-8)
    r, mu = res.params["r"], res.params["mu"]
    from scipy.special import digamma

    score_r = np.sum(digamma(y + r) - digamma(r) + np.log(r / (r + mu)) + (mu - y) / (r + mu))
    assert abs(score_r) < 1e-6 * y.size


def test_numeric_and_closed_form_agree_when_r_is_fixed():
    y = _nb_sample(4.0, 2.0, 80, np.random.default_rng(11))
    closed = fit("negbin", y, r=2.0)
    numeric = fit("negbin", y, r=2.0, method="numeric")
    assert closed.method == "closed form" and numeric.method == "numerical"
    assert closed.params["mu"] == pytest.approx(y.mean(), rel=1e-12)
    assert numeric.params["mu"] == pytest.approx(y.mean(), rel=1e-7)
    assert closed.se["mu"] == pytest.approx(numeric.se["mu"], rel=1e-4)
    assert "r" not in closed.se
    # the analytic information: sum(x / mu^2 - (x + r) / (mu + r)^2) = n r / (mu (mu + r))
    mu = y.mean()
    assert closed.se["mu"] == pytest.approx(np.sqrt(mu * (mu + 2.0) / (2.0 * y.size)), rel=1e-10)


def test_nb_has_higher_likelihood_than_poisson_on_overdispersed_counts():
    y = _nb_sample(2.0, 0.8, 500, np.random.default_rng(5))
    assert fit("negbin", y).loglik > fit("poisson", y).loglik + 10


def test_all_zero_sample_is_degenerate():
    with pytest.raises(DegenerateSampleError, match="all values are 0.*mu -> 0"):
        fit("negbin", [0, 0, 0, 0])
    with pytest.raises(DegenerateSampleError, match="r -> 0"):
        fit("negbin", [0, 0, 0], mu=1.0)


@pytest.mark.parametrize("data", [[1, 2, 3, 2, 1, 2, 3, 2], [4, 4, 4, 4], [0, 1, 0, 1],
                                  [2, 3, 1, 2, 2, 3, 1]])
def test_underdispersed_sample_says_poisson_limit(data):
    y = np.asarray(data, dtype=float)
    assert np.var(y) <= np.mean(y)
    with pytest.raises(DegenerateSampleError, match=r"r -> infinity \(the Poisson limit\)"):
        fit("negbin", y)
    # fixing r makes the fit well defined again, and the Poisson fit is fine
    assert fit("negbin", y, r=5.0).params["mu"] == pytest.approx(y.mean())
    assert fit("poisson", y).params["lam"] == pytest.approx(y.mean())


def test_variance_equal_to_mean_is_still_degenerate():
    y = np.array([0.0, 2.0])  # mean 1, variance (divisor n) 1
    assert np.var(y) == np.mean(y)
    with pytest.raises(DegenerateSampleError, match="does not exceed their mean"):
        fit("negbin", y)


def test_slightly_overdispersed_sample_has_a_finite_large_r():
    y = np.array([0, 1, 1, 2, 2, 2, 3, 3, 4, 6], dtype=float)
    assert np.var(y) > np.mean(y)
    res = fit("negbin", y)
    _, mu_sm, r_sm = _statsmodels_fit(y)
    assert res.params["r"] == pytest.approx(r_sm, rel=1e-4)
    assert res.params["r"] > 5


@pytest.mark.parametrize("data,msg", [([1, -1], "negbin data must be non-negative whole"),
                                      ([0.5, 2], "negbin data must be non-negative whole"),
                                      ([], "empty")])
def test_bad_data(data, msg):
    with pytest.raises(ValueError, match=msg):
        fit("negbin", data)


def test_bad_parameter_values():
    with pytest.raises(ValueError, match="r must be positive for the negbin family"):
        loglik("negbin", [1, 2], mu=1.0, r=0.0)
    with pytest.raises(ValueError, match="mu must be positive for the negbin family"):
        fit("negbin", [1, 2, 5], mu=-1.0)
