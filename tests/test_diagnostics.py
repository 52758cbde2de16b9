"""Model checks: QQ points, PIT values, count tables, LR tests, KL divergence and projection."""

import warnings

import numpy as np
import pytest
from scipy import optimize, special, stats

from mlecourse import DegenerateSampleError, fit, fit_numeric
from mlecourse.datasets import load_biochemists
from mlecourse.diagnostics import (
    count_table,
    fitted_distribution,
    kl_divergence,
    kl_projection,
    lr_test,
    pit_values,
    qq_points,
)

RNG = np.random.default_rng(2718)
X_NORM = RNG.normal(10.0, 3.0, 80)
X_GAMMA = RNG.gamma(2.0, 1.0 / 0.5, 150)
X_HEAVY = 1.0 + RNG.standard_t(3, 80)
ART = load_biochemists()["art"].to_numpy().astype(float)


# --- the fitted distribution ------------------------------------------------------

@pytest.mark.parametrize("family,data,known,ref", [
    ("normal", X_NORM, {}, lambda p: stats.norm(p["mu"], p["sigma"])),
    ("gamma", X_GAMMA, {}, lambda p: stats.gamma(p["shape"], scale=1 / p["rate"])),
    ("exponential", X_GAMMA, {}, lambda p: stats.expon(scale=1 / p["rate"])),
    ("laplace", X_NORM, {}, lambda p: stats.laplace(p["mu"], p["b"])),
    # heavy-tailed data: on normal data the t fit now raises (nu increases without bound)
    ("student_t", X_HEAVY, {}, lambda p: stats.t(p["nu"], p["mu"], p["sigma"])),
    ("poisson", ART, {}, lambda p: stats.poisson(p["lam"])),
    ("negbin", ART, {}, lambda p: stats.nbinom(p["r"], p["r"] / (p["r"] + p["mu"]))),
    ("binomial", np.array([3, 5, 2, 7.0]), {"trials": 9}, lambda p: stats.binom(9, p["p"])),
    ("geometric", np.array([1, 4, 2, 2.0]), {}, lambda p: stats.geom(p["p"])),
    ("bernoulli", np.array([0, 1, 1.0]), {}, lambda p: stats.bernoulli(p["p"])),
])
def test_fitted_distribution_log_density_equals_the_family(family, data, known, ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit(family, data, **known)
    d = fitted_distribution(res)
    logd = d.logpmf(data) if hasattr(d, "logpmf") and hasattr(d.dist, "pmf") else d.logpdf(data)
    assert np.sum(logd) == pytest.approx(res.loglik, rel=1e-9)
    ref_d = ref(res.params)
    np.testing.assert_allclose(d.mean(), ref_d.mean(), rtol=1e-12)


def test_fitted_distribution_refuses_user_fits():
    res = fit_numeric(lambda t: -t[0] ** 2, [1.0])
    with pytest.raises(ValueError, match="fit_numeric"):
        fitted_distribution(res)
    with pytest.raises(TypeError, match="must be a FitResult"):
        fitted_distribution({"mu": 1.0})


# --- QQ points --------------------------------------------------------------------

@pytest.mark.parametrize("family,data", [("normal", X_NORM), ("gamma", X_GAMMA),
                                         ("exponential", X_GAMMA), ("laplace", X_NORM)])
def test_qq_points_equal_scipy_probplot(family, data):
    res = fit(family, data)
    theo, samp = qq_points(res, data)
    d = fitted_distribution(res)
    (osm, osr), _ = stats.probplot(data, dist=d)  # any object with a ppf method will do
    np.testing.assert_allclose(samp, osr, rtol=0, atol=0)
    np.testing.assert_allclose(theo, osm, rtol=1e-12)


def test_qq_points_normal_against_probplot_with_explicit_loc_scale():
    res = fit("normal", X_NORM)
    (osm, osr), _ = stats.probplot(X_NORM, dist="norm",
                                   sparams=(res.params["mu"], res.params["sigma"]))
    theo, samp = qq_points(res, X_NORM)
    np.testing.assert_allclose(theo, osm, rtol=1e-12)
    np.testing.assert_array_equal(samp, np.sort(X_NORM))


def test_qq_points_bad_input():
    res = fit("exponential", X_GAMMA)
    with pytest.raises(ValueError, match="exponential data must be >= 0"):
        qq_points(res, [-1.0, 2.0])
    with pytest.raises(ValueError, match="at least 2"):
        qq_points(res, [1.0])
    with pytest.raises(ValueError, match="NaN or infinite"):
        qq_points(res, [1.0, np.nan])


# --- PIT --------------------------------------------------------------------------

def test_pit_is_the_fitted_cdf_for_continuous_families():
    res = fit("gamma", X_GAMMA)
    np.testing.assert_allclose(pit_values(res, X_GAMMA), fitted_distribution(res).cdf(X_GAMMA),
                               rtol=1e-14)


@pytest.mark.parametrize("family,draw", [
    ("normal", lambda g: g.normal(2.0, 1.5, 2000)),
    ("gamma", lambda g: g.gamma(3.0, 2.0, 2000)),
    ("poisson", lambda g: g.poisson(1.3, 2000).astype(float)),
    ("negbin", lambda g: g.negative_binomial(2.0, 2.0 / 5.0, 2000).astype(float)),
])
def test_pit_is_uniform_under_the_true_model(family, draw):
    data = draw(np.random.default_rng(99))
    u = pit_values(fit(family, data), data, rng=np.random.default_rng(100))
    assert np.all((u >= 0) & (u <= 1))
    assert stats.kstest(u, "uniform").pvalue > 0.05


def test_pit_detects_a_wrong_model():
    y = np.random.default_rng(5).negative_binomial(1.0, 1.0 / 4.0, 1000).astype(float)
    u = pit_values(fit("poisson", y), y, rng=1)
    assert stats.kstest(u, "uniform").pvalue < 1e-6
    # overdispersion: too many PIT values in both tails (a U shape)
    tails = np.mean((u < 0.1) | (u > 0.9))
    assert tails > 0.3
    x = np.random.default_rng(6).exponential(1.0, 500)
    u = pit_values(fit("normal", x), x)
    assert stats.kstest(u, "uniform").pvalue < 1e-6


def test_randomised_pit_is_reproducible_and_within_its_step():
    res = fit("poisson", ART)
    a = pit_values(res, ART, rng=np.random.default_rng(3))
    b = pit_values(res, ART, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    d = fitted_distribution(res)
    assert np.all(a >= d.cdf(ART - 1) - 1e-15) and np.all(a <= d.cdf(ART) + 1e-15)


def test_pit_bad_rng():
    with pytest.raises(TypeError, match="rng must be None"):
        pit_values(fit("poisson", ART), ART, rng="seed")


# --- count table ------------------------------------------------------------------

def test_count_table_for_biochemists():
    res = fit("poisson", ART)
    t = count_table(res, ART, max_count=7)
    assert t["count"].tolist() == list(range(8))
    assert t["observed"].sum() == ART.size
    assert t["observed"][0] == np.sum(ART == 0) == 275
    assert t["observed"][-1] == np.sum(ART >= 7)
    assert t["expected"].sum() == pytest.approx(ART.size, rel=1e-12)
    lam = ART.mean()
    assert t["expected"][0] == pytest.approx(ART.size * np.exp(-lam), rel=1e-12)
    assert t["expected"][-1] == pytest.approx(ART.size * stats.poisson.sf(6, lam), rel=1e-10)
    # the negative binomial predicts the zeros far better than the Poisson
    tn = count_table(fit("negbin", ART), ART, max_count=7)
    assert abs(tn["expected"][0] - 275) < 10 < abs(t["expected"][0] - 275)


def test_count_table_refuses_continuous_fits_and_bad_max():
    with pytest.raises(ValueError, match="count family"):
        count_table(fit("normal", X_NORM), X_NORM)
    with pytest.raises(ValueError, match="max_count must be >= 0"):
        count_table(fit("poisson", ART), ART, max_count=-1)
    with pytest.raises(TypeError, match="max_count must be an integer"):
        count_table(fit("poisson", ART), ART, max_count=2.5)


# --- likelihood-ratio test --------------------------------------------------------

def test_lr_test_for_a_normal_mean_is_the_closed_form():
    small = fit("normal", X_NORM, mu=9.0)
    big = fit("normal", X_NORM)
    res = lr_test(small, big)
    n = X_NORM.size
    expected = n * np.log(np.mean((X_NORM - 9.0) ** 2) / np.var(X_NORM))
    assert res.statistic == pytest.approx(expected, rel=1e-10)
    assert res.df == 1
    assert res.pvalue == pytest.approx(stats.chi2.sf(expected, 1), rel=1e-9)
    assert res.null == "chi-square(1)"


def test_lr_test_with_known_sigma_is_the_z_test():
    small = fit("normal", X_NORM, mu=9.0, sigma=3.0)
    big = fit("normal", X_NORM, sigma=3.0)
    res = lr_test(small, big)
    z = (X_NORM.mean() - 9.0) / (3.0 / np.sqrt(X_NORM.size))
    assert res.statistic == pytest.approx(z**2, rel=1e-10)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)


def test_lr_test_two_parameters():
    res = lr_test(fit("normal", X_NORM, mu=9.0, sigma=2.0), fit("normal", X_NORM))
    assert res.df == 2
    assert res.pvalue == pytest.approx(stats.chi2.sf(res.statistic, 2))


def test_lr_test_poisson_in_negbin_uses_the_boundary_mixture():
    small, big = fit("poisson", ART), fit("negbin", ART)
    res = lr_test(small, big)
    stat = 2 * (big.loglik - small.loglik)
    assert res.statistic == pytest.approx(stat)
    assert res.df == 1
    assert res.pvalue == pytest.approx(0.5 * stats.chi2.sf(stat, 1), rel=1e-12)
    assert "50:50 mixture" in res.null and "r = infinity" in res.null
    naive = lr_test(small, big, null="chi2")
    assert naive.pvalue == pytest.approx(2 * res.pvalue)
    assert "on 1 df" in str(res)


def test_boundary_mixture_has_the_right_size_by_simulation():
    # Poisson data: the NB fit lands on the boundary about half the time (statistic 0),
    # and the mixture p-value rejects about 5% of the time at the 5% level
    g = np.random.default_rng(17)
    pvals = []
    for _ in range(300):
        y = g.poisson(2.0, 100).astype(float)
        small = fit("poisson", y)
        try:
            big = fit("negbin", y)
        except DegenerateSampleError:
            pvals.append(1.0)  # the NB MLE is the Poisson: statistic 0
            continue
        pvals.append(lr_test(small, big).pvalue)
    pvals = np.array(pvals)
    assert 0.35 < np.mean(pvals == 1.0) < 0.65
    assert 0.02 < np.mean(pvals < 0.05) < 0.09


def test_lr_test_exponential_in_gamma():
    res = lr_test(fit("exponential", X_GAMMA), fit("gamma", X_GAMMA))
    assert res.null == "chi-square(1)"
    assert res.pvalue < 1e-3  # the data have shape 2


@pytest.mark.parametrize("make,msg", [
    (lambda: (fit("normal", X_NORM), fit("normal", X_NORM[:50])), "different numbers"),
    (lambda: (fit("normal", X_NORM), fit("normal", X_NORM, mu=9.0)), "more free parameters"),
    (lambda: (fit("poisson", ART), fit("gamma", ART + 1)), "not nested"),
    (lambda: (fit("laplace", X_HEAVY), fit("student_t", X_HEAVY)), "not nested"),
    (lambda: (fit("normal", X_NORM, sigma=2.0), fit("normal", X_NORM, mu=9.0)),
     "more free parameters"),
    (lambda: (fit("normal", X_NORM, sigma=2.0, mu=9.0), fit("normal", X_NORM, sigma=3.0)),
     "does not hold it at the same value"),
    (lambda: (fit("poisson", ART), fit("negbin", ART, r=2.0)), "more free parameters"),
])
def test_lr_test_refuses_non_nested(make, msg):
    small, big = make()
    with pytest.raises(ValueError, match=msg):
        lr_test(small, big)


def test_lr_test_refuses_a_smaller_model_with_higher_loglik_and_bad_types():
    x = X_NORM
    a = fit_numeric(lambda t: float(np.sum(stats.norm.logpdf(x, t[0], 3.0))), [9.0], n=x.size)
    b = fit_numeric(lambda t: float(np.sum(stats.norm.logpdf(x, t[0], t[1]))) - 100.0,
                    [9.0, 3.0], names=["mu", "s"], positive=["s"], n=x.size)
    with pytest.raises(ValueError, match="higher log-likelihood"):
        lr_test(a, b)
    with pytest.raises(TypeError, match="fit_small must be a FitResult"):
        lr_test(1.0, b)
    with pytest.raises(ValueError, match="null must be one of"):
        lr_test(fit("normal", x, mu=9.0), fit("normal", x), null="bootstrap")
    with pytest.raises(ValueError, match="df = 2"):
        lr_test(fit("normal", x, mu=9.0, sigma=2.0), fit("normal", x), null="mixture")


# --- KL divergence and projection -------------------------------------------------

def test_kl_between_normals_is_the_closed_form():
    m1, s1, m2, s2 = 0.3, 1.2, -0.5, 2.1
    expected = np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    got = kl_divergence(stats.norm(m1, s1), "normal", mu=m2, sigma=s2)
    assert got == pytest.approx(expected, rel=1e-10)
    assert kl_divergence(stats.norm(m1, s1), "normal", mu=m1, sigma=s1) == pytest.approx(
        0.0, abs=1e-12)


def test_kl_gamma_to_exponential_closed_form():
    a, rate, lam = 3.0, 2.0, 0.9
    g = stats.gamma(a, scale=1 / rate)
    # KL = -H(g) - E[log lam - lam X] with E[X] = a / rate
    expected = -g.entropy() - (np.log(lam) - lam * a / rate)
    assert kl_divergence(g, "exponential", rate=lam) == pytest.approx(expected, rel=1e-9)


def test_kl_between_poissons_and_infinite_kl():
    assert kl_divergence(stats.poisson(3.0), "poisson", lam=4.0) == pytest.approx(
        3 * np.log(3 / 4) + 4 - 3, rel=1e-10)
    assert kl_divergence(stats.norm(0, 1), "exponential", rate=1.0) == np.inf


def test_kl_projection_exponential_of_gamma_is_one_over_the_mean():
    g = stats.gamma(3.0, scale=0.5)
    assert kl_projection(g, "exponential")["rate"] == pytest.approx(1 / 1.5, rel=1e-7)


def test_kl_projection_normal_of_anything_matches_mean_and_sd():
    for g in (stats.t(5, 1.0, 2.0), stats.gamma(2.0, scale=3.0), stats.lognorm(0.5)):
        proj = kl_projection(g, "normal")
        assert proj["mu"] == pytest.approx(g.mean(), rel=1e-7, abs=1e-9)
        assert proj["sigma"] == pytest.approx(g.std(), rel=1e-6)


def test_kl_projection_gamma_of_lognormal_solves_the_moment_equations():
    g = stats.lognorm(0.6, scale=2.0)
    mean, mean_log = g.mean(), np.log(2.0)
    shape = optimize.brentq(lambda a: np.log(a) - special.digamma(a)
                            - (np.log(mean) - mean_log), 1e-3, 1e3, xtol=1e-14)
    proj = kl_projection(g, "gamma")
    assert proj["shape"] == pytest.approx(shape, rel=1e-6)
    assert proj["rate"] == pytest.approx(shape / mean, rel=1e-6)


def test_kl_projection_laplace_and_poisson_and_fixed():
    g = stats.gamma(2.0)
    proj = kl_projection(g, "laplace")
    med = g.median()
    assert proj["mu"] == pytest.approx(med, rel=1e-6)
    assert proj["b"] == pytest.approx(g.expect(lambda v: abs(v - med)), rel=1e-6)
    nb = stats.nbinom(2, 0.4)
    assert kl_projection(nb, "poisson")["lam"] == pytest.approx(nb.mean(), rel=1e-7)
    fixed = kl_projection(stats.t(5, 1.0, 2.0), "normal", sigma=1.0)
    assert fixed["sigma"] == 1.0 and fixed["mu"] == pytest.approx(1.0, abs=1e-7)


def test_kl_projection_that_does_not_exist():
    with pytest.raises(DegenerateSampleError, match="Poisson limit"):
        kl_projection(stats.poisson(3.0), "negbin")
    # nu -> infinity: said by the projection itself or by the t fit that gives its start
    with pytest.raises(DegenerateSampleError,
                       match="edge of the parameter space|nu increases without bound"):
        kl_projection(stats.norm(2.0, 1.0), "student_t")
    with pytest.raises(ValueError, match="does not settle"):
        kl_projection(stats.cauchy(), "normal")


def test_kl_bad_input():
    with pytest.raises(TypeError, match="frozen scipy.stats distribution"):
        kl_divergence(np.ones(3), "normal", mu=0.0, sigma=1.0)
    with pytest.raises(ValueError, match="same kind"):
        kl_divergence(stats.poisson(2.0), "normal", mu=0.0, sigma=1.0)
    with pytest.raises(TypeError, match="needs values for"):
        kl_divergence(stats.norm(), "normal", mu=0.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        kl_divergence(stats.norm(), "normal", mu=0.0, sigma=-1.0)
    with pytest.raises(ValueError, match="unknown family"):
        kl_projection(stats.norm(), "weibull")


# --- TIC and the bootstrap ---------------------------------------------------------------

from mlecourse.diagnostics import bootstrap_fit, tic, tic_penalty  # noqa: E402


def test_tic_penalty_of_the_normal_model_is_one_plus_half_the_kurtosis_minus_one():
    for x in (X_GAMMA, X_HEAVY, X_NORM):
        res = fit("normal", x)
        kurt = np.mean((x - x.mean()) ** 4) / x.var() ** 2
        assert tic_penalty(res) == pytest.approx(1 + (kurt - 1) / 2, rel=1e-5)
        assert tic(res) == pytest.approx(-2 * res.loglik + 2 * tic_penalty(res), rel=1e-12)


def test_tic_penalty_of_the_poisson_model_is_variance_over_mean():
    res = fit("poisson", ART)
    assert tic_penalty(res) == pytest.approx(ART.var() / ART.mean(), rel=1e-5)


def test_tic_penalty_is_close_to_k_when_the_model_is_right():
    x = np.random.default_rng(8).gamma(3.0, 2.0, 20_000)
    assert tic_penalty(fit("gamma", x)) == pytest.approx(2.0, abs=0.1)


def test_tic_refuses_a_boundary_fit_and_a_non_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit("bernoulli", [0, 0, 0])
    with pytest.raises(ValueError, match="boundary"):
        tic_penalty(res)
    with pytest.raises(TypeError, match="FitResult"):
        tic({"loglik": 1.0})


def test_bootstrap_se_of_the_mean_agrees_with_scipy_and_the_plug_in_formula():
    boot = bootstrap_fit("normal", X_GAMMA, n_boot=2000, rng=1)
    plug_in = X_GAMMA.std() / np.sqrt(X_GAMMA.size)    # the exact bootstrap se of a mean
    assert boot.se["mu"] == pytest.approx(plug_in, rel=0.05)   # MC sd ~ 1.6%
    ref = stats.bootstrap((X_GAMMA,), np.mean, n_resamples=2000, method="percentile",
                          random_state=2)
    assert boot.se["mu"] == pytest.approx(ref.standard_error, rel=0.08)
    low, high = boot.conf_int(0.9)["mu"]
    assert low < X_GAMMA.mean() < high
    np.testing.assert_allclose([low, high], np.quantile(boot.replicates["mu"], [0.05, 0.95]))


def test_bootstrap_is_reproducible_and_keeps_fixed_parameters_fixed():
    a = bootstrap_fit("normal", X_NORM, n_boot=50, rng=3, sigma=3.0)
    b = bootstrap_fit("normal", X_NORM, n_boot=50, rng=3, sigma=3.0)
    assert list(a.replicates) == ["mu"]
    np.testing.assert_array_equal(a.replicates["mu"], b.replicates["mu"])


def test_bootstrap_refuses_when_many_resamples_have_no_mle():
    # a resample of 17 equal values and 3 others is constant with probability (17/20)^20 = 4%
    y = np.array([5.0] * 17 + [1.0, 2.0, 9.0])
    with pytest.warns(RuntimeWarning, match="had no MLE and were skipped"):
        boot = bootstrap_fit("normal", y, n_boot=300, rng=0)
    assert 0 < boot.n_failed <= 30 and boot.replicates["mu"].size == 300 - boot.n_failed
    # with 19 equal values, (19/20)^20 = 36% of the resamples are constant
    with pytest.raises(ValueError, match="no MLE"):
        bootstrap_fit("normal", np.array([5.0] * 19 + [1.0]), n_boot=200, rng=0)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_boot": 1}, "n_boot must be >= 2"),
    ({"n_boot": 10.5}, "n_boot must be an integer"),
    ({"rng": "seed"}, "rng must be"),
])
def test_bootstrap_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bootstrap_fit("normal", X_NORM, **kwargs)
