"""The package core: closed forms, the numerical path, peers, uncertainty."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mlecourse
from mlecourse import fit, fit_numeric, loglik
from mlecourse.families import FAMILIES

RNG = np.random.default_rng(20261129)
SAMPLES = {
    "bernoulli": (RNG.binomial(1, 0.3, 80).astype(float), {}),
    "binomial": (RNG.binomial(12, 0.4, 40).astype(float), {"trials": 12}),
    "geometric": (RNG.geometric(0.25, 60).astype(float), {}),
    "normal": (RNG.normal(3.0, 2.0, 70), {}),
    "poisson": (RNG.poisson(4.2, 90).astype(float), {}),
    "exponential": (RNG.exponential(1 / 1.7, 50), {}),
    "laplace": (RNG.laplace(-1.0, 0.8, 61), {}),
    "student_t": (2.0 + 1.5 * RNG.standard_t(4, 300), {}),
    "gamma": (RNG.gamma(2.5, 1 / 1.5, 120), {}),
}


# --- closed forms equal the textbook formulas ----------------------------------

def test_closed_forms_match_textbook_formulas():
    x, _ = SAMPLES["bernoulli"]
    assert fit("bernoulli", x).params["p"] == pytest.approx(x.sum() / x.size, rel=1e-15)
    x, kn = SAMPLES["binomial"]
    assert fit("binomial", x, **kn).params["p"] == pytest.approx(x.sum() / (12 * x.size))
    x, _ = SAMPLES["geometric"]
    assert fit("geometric", x).params["p"] == pytest.approx(x.size / x.sum())
    x, _ = SAMPLES["normal"]
    r = fit("normal", x)
    assert r.params["mu"] == pytest.approx(x.mean())
    assert r.params["sigma"] == pytest.approx(x.std(ddof=0))  # 1/n, not 1/(n-1)
    assert r.params["sigma"] != pytest.approx(x.std(ddof=1))
    x, _ = SAMPLES["poisson"]
    assert fit("poisson", x).params["lam"] == pytest.approx(x.mean())
    x, _ = SAMPLES["exponential"]
    assert fit("exponential", x).params["rate"] == pytest.approx(1 / x.mean())
    x, _ = SAMPLES["laplace"]
    r = fit("laplace", x)
    assert r.params["mu"] == pytest.approx(np.median(x))
    assert r.params["b"] == pytest.approx(np.mean(np.abs(x - np.median(x))))


@pytest.mark.parametrize("name", ["bernoulli", "binomial", "geometric", "normal", "poisson",
                                  "exponential", "laplace"])
def test_numeric_path_equals_closed_form(name):
    x, kn = SAMPLES[name]
    closed = fit(name, x, **kn)
    numeric = fit(name, x, method="numeric", **kn)
    assert closed.method == "closed form" and numeric.method == "numerical"
    for k, v in closed.params.items():
        # the Laplace log-likelihood is flat in mu between the two middle order
        # statistics when n is even; n = 61 here, so the median is unique
        assert numeric.params[k] == pytest.approx(v, rel=1e-6, abs=1e-9), k
    assert numeric.loglik == pytest.approx(closed.loglik, rel=1e-10)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_loglik_is_sum_of_scipy_logpdfs(name):
    x, kn = SAMPLES[name]
    r = fit(name, x, **kn)
    p = r.params
    dist = {
        "bernoulli": lambda: stats.bernoulli(p["p"]).logpmf(x),
        "binomial": lambda: stats.binom(12, p["p"]).logpmf(x),
        "geometric": lambda: stats.geom(p["p"]).logpmf(x),
        "normal": lambda: stats.norm(p["mu"], p["sigma"]).logpdf(x),
        "poisson": lambda: stats.poisson(p["lam"]).logpmf(x),
        "exponential": lambda: stats.expon(scale=1 / p["rate"]).logpdf(x),
        "laplace": lambda: stats.laplace(p["mu"], p["b"]).logpdf(x),
        "student_t": lambda: stats.t(p["nu"], p["mu"], p["sigma"]).logpdf(x),
        "gamma": lambda: stats.gamma(p["shape"], scale=1 / p["rate"]).logpdf(x),
    }[name]()
    assert r.loglik == pytest.approx(dist.sum(), rel=1e-12)
    assert loglik(name, x, **p, **kn) == pytest.approx(dist.sum(), rel=1e-12)


@pytest.mark.parametrize("name,scipy_fit", [
    ("normal", lambda x: stats.norm.fit(x)),
    ("exponential", lambda x: stats.expon.fit(x, floc=0)),
    ("laplace", lambda x: stats.laplace.fit(x)),
    ("student_t", lambda x: stats.t.fit(x)),
    ("gamma", lambda x: stats.gamma.fit(x, floc=0)),
])
def test_agrees_with_scipy_fit(name, scipy_fit):
    """Our maximum is at least as high as SciPy's, and at the same place."""
    x, _ = SAMPLES[name]
    ours = fit(name, x)
    sp = scipy_fit(x)
    dist = {"normal": stats.norm, "exponential": stats.expon, "laplace": stats.laplace,
            "student_t": stats.t, "gamma": stats.gamma}[name]
    sp_ll = dist.logpdf(x, *sp).sum()
    assert ours.loglik >= sp_ll - 1e-7 * abs(sp_ll)
    mapped = {
        "normal": lambda: {"mu": sp[0], "sigma": sp[1]},
        "exponential": lambda: {"rate": 1 / sp[1]},
        "laplace": lambda: {"mu": sp[0], "b": sp[1]},
        "student_t": lambda: {"nu": sp[0], "mu": sp[1], "sigma": sp[2]},
        "gamma": lambda: {"shape": sp[0], "rate": 1 / sp[2]},
    }[name]()
    for k, v in mapped.items():
        assert ours.params[k] == pytest.approx(v, rel=2e-3), k


def test_agrees_with_scipy_stats_fit_for_discrete():
    x, _ = SAMPLES["poisson"]
    res = stats.fit(stats.poisson, x.astype(int), bounds={"mu": (0, 50)})
    assert fit("poisson", x).loglik >= -res.nllf() - 1e-9
    assert fit("poisson", x).params["lam"] == pytest.approx(res.params.mu, rel=1e-4)


def test_gamma_shape_solves_its_score_equation():
    x, _ = SAMPLES["gamma"]
    r = fit("gamma", x)
    target = math.log(x.mean()) - np.mean(np.log(x))
    shape = optimize.brentq(lambda a: math.log(a) - float(__import__("scipy").special.digamma(a))
                            - target, 1e-3, 1e3, xtol=1e-14)
    assert r.params["shape"] == pytest.approx(shape, rel=1e-7)
    assert r.params["rate"] == pytest.approx(shape / x.mean(), rel=1e-7)


# --- standard errors ----------------------------------------------------------

def _fd_hessian(f, theta, h):
    k = len(theta)
    H = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
            H[i, j] = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej)
                       + f(theta - ei - ej)) / (4 * h[i] * h[j])
    return H


@pytest.mark.parametrize("name", ["bernoulli", "binomial", "geometric", "normal", "poisson",
                                  "exponential", "student_t", "gamma"])
def test_standard_errors_match_an_independent_finite_difference_hessian(name):
    x, kn = SAMPLES[name]
    r = fit(name, x, **kn)
    names = r.free
    theta = np.array([r.params[k] for k in names])

    def f(v):
        return loglik(name, x, **dict(zip(names, v)), **kn)

    H = _fd_hessian(f, theta, 1e-3 * np.abs(theta))
    cov = np.linalg.inv(-H)
    assert np.sqrt(np.diag(cov)) == pytest.approx([r.se[k] for k in names], rel=1e-4)
    assert r.cov == pytest.approx(cov, rel=1e-3, abs=1e-6 * np.abs(cov).max())


def test_bernoulli_se_is_the_textbook_formula():
    x, _ = SAMPLES["bernoulli"]
    r = fit("bernoulli", x)
    p = x.mean()
    assert r.se["p"] == pytest.approx(math.sqrt(p * (1 - p) / x.size), rel=1e-12)


def test_laplace_se_uses_fisher_information():
    x, _ = SAMPLES["laplace"]
    r = fit("laplace", x)
    assert r.se["mu"] == pytest.approx(r.params["b"] / math.sqrt(x.size))
    assert "expected" in r.summary()


def test_fixed_parameter_has_no_standard_error():
    x, _ = SAMPLES["normal"]
    r = fit("normal", x, sigma=1.0)
    assert r.params == {"mu": pytest.approx(x.mean()), "sigma": 1.0}
    assert set(r.se) == {"mu"} and r.free == ("mu",)
    assert r.se["mu"] == pytest.approx(1 / math.sqrt(x.size))
    assert r.k == 1 and r.aic == pytest.approx(2 - 2 * r.loglik)
    r2 = fit("normal", x, mu=0.0)
    assert r2.params["sigma"] == pytest.approx(math.sqrt(np.mean(x**2)))
    t = fit("student_t", SAMPLES["student_t"][0], nu=4)
    assert t.params["nu"] == 4 and set(t.se) == {"mu", "sigma"}


def test_aic_bic():
    x, _ = SAMPLES["normal"]
    r = fit("normal", x)
    assert r.aic == pytest.approx(4 - 2 * r.loglik)
    assert r.bic == pytest.approx(2 * math.log(x.size) - 2 * r.loglik)


# --- intervals -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["bernoulli", "normal", "poisson", "exponential", "gamma"])
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_profile_interval_ends_where_loglik_drops_by_half_chi2(name, level):
    x, kn = SAMPLES[name]
    r = fit(name, x, **kn)
    drop = stats.chi2.ppf(level, 1) / 2
    for k, (lo, hi) in r.conf_int(level, method="profile").items():
        assert lo < r.params[k] < hi
        prof = r.profile_loglik(k, [lo, hi])
        assert prof == pytest.approx([r.loglik - drop] * 2, abs=1e-7)


def test_profile_interval_for_normal_mean_is_t_free_closed_form():
    # with sigma profiled out, l_p(mu) = -n/2 log(mean((x-mu)^2)) + const, so the
    # interval is mu_hat +- s_hat * sqrt(exp(q/n) - 1)
    x, _ = SAMPLES["normal"]
    r = fit("normal", x)
    q = stats.chi2.ppf(0.95, 1)
    half = r.params["sigma"] * math.sqrt(math.exp(q / x.size) - 1)
    lo, hi = r.conf_int(method="profile")["mu"]
    assert (lo, hi) == pytest.approx((x.mean() - half, x.mean() + half), rel=1e-9)


def test_wald_interval():
    x, _ = SAMPLES["poisson"]
    r = fit("poisson", x)
    lo, hi = r.conf_int(0.95)["lam"]
    z = stats.norm.ppf(0.975)
    assert (lo, hi) == pytest.approx((x.mean() - z * r.se["lam"], x.mean() + z * r.se["lam"]))


def test_boundary_estimate_warns_and_profile_interval_is_exact():
    with pytest.warns(mlecourse.BoundaryWarning, match="boundary"):
        r = fit("bernoulli", [0, 0, 0])
    assert r.params["p"] == 0.0 and r.se["p"] == 0.0
    assert r.conf_int()["p"] == (0.0, 0.0)
    lo, hi = r.conf_int(method="profile")["p"]
    # 3 log(1 - p) = -chi2(0.95)/2
    assert lo == 0.0
    assert hi == pytest.approx(1 - math.exp(-stats.chi2.ppf(0.95, 1) / 6), rel=1e-9)
    with pytest.warns(mlecourse.BoundaryWarning):
        r = fit("poisson", [0, 0, 0, 0])
    assert r.conf_int(method="profile")["lam"] == pytest.approx((0, stats.chi2.ppf(0.95, 1) / 8))


# --- properties ----------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=40).filter(
    lambda v: max(v) - min(v) > 1e-3), st.randoms(use_true_random=False))
def test_normal_fit_is_permutation_invariant_and_equivariant(values, rnd):
    x = np.array(values)
    r = fit("normal", x)
    perm = x.copy()
    rnd.shuffle(perm)
    assert fit("normal", perm).params == pytest.approx(r.params, rel=1e-9, abs=1e-9)
    a, b = 3.0, -7.5
    rs = fit("normal", a * x + b)
    assert rs.params["mu"] == pytest.approx(a * r.params["mu"] + b, rel=1e-9, abs=1e-6)
    assert rs.params["sigma"] == pytest.approx(a * r.params["sigma"], rel=1e-9)
    assert rs.loglik == pytest.approx(r.loglik - x.size * math.log(a), rel=1e-9, abs=1e-9)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_gamma_rate_is_scale_equivariant(seed):
    x = np.random.default_rng(seed).gamma(3.0, 1.0, 60)
    r1, r2 = fit("gamma", x), fit("gamma", 10 * x)
    assert r2.params["shape"] == pytest.approx(r1.params["shape"], rel=1e-6)
    assert r2.params["rate"] == pytest.approx(r1.params["rate"] / 10, rel=1e-6)


def test_loglik_broadcasts_over_a_grid():
    x, _ = SAMPLES["normal"]
    mu = np.linspace(2, 4, 5)[:, None]
    sigma = np.linspace(1, 3, 4)[None, :]
    grid = loglik("normal", x, mu=mu, sigma=sigma)
    assert grid.shape == (5, 4)
    assert grid[2, 1] == pytest.approx(stats.norm(mu[2, 0], sigma[0, 1]).logpdf(x).sum())


def test_log_space_avoids_underflow():
    x = np.random.default_rng(0).normal(size=5000)
    assert np.prod(stats.norm.pdf(x)) == 0.0
    assert np.isfinite(loglik("normal", x, mu=0.0, sigma=1.0))


# --- fit_numeric ---------------------------------------------------------------

def test_fit_numeric_matches_closed_form_normal():
    x, _ = SAMPLES["normal"]

    def ll(t):
        return stats.norm(t[0], t[1]).logpdf(x).sum()

    r = fit_numeric(ll, [0.0, 1.0], names=["mu", "sigma"], positive=["sigma"], n=x.size)
    c = fit("normal", x)
    assert r.params == pytest.approx(c.params, rel=1e-7)
    assert r.se["mu"] == pytest.approx(c.se["mu"], rel=1e-4)
    assert r.se["sigma"] == pytest.approx(c.se["sigma"], rel=1e-4)
    assert r.bic == pytest.approx(c.bic, rel=1e-9)
    lo, hi = r.conf_int(method="profile")["mu"]
    assert (lo, hi) == pytest.approx(c.conf_int(method="profile")["mu"], rel=1e-6)
    rf = fit_numeric(ll, [0.0, 1.0], names=["mu", "sigma"], positive=["sigma"],
                     fixed={"sigma": 1.0})
    assert rf.params["mu"] == pytest.approx(x.mean(), rel=1e-7) and set(rf.se) == {"mu"}


def test_fit_numeric_bad_input():
    with pytest.raises(TypeError, match="loglik must be a function"):
        fit_numeric(3.0, [1.0])
    with pytest.raises(ValueError, match="names must be 2 distinct names"):
        fit_numeric(lambda t: -t @ t, [1.0, 2.0], names=["a"])
    with pytest.raises(ValueError, match="outside its domain"):
        fit_numeric(lambda t: -t @ t, [-1.0], names=["s"], positive=["s"])
    with pytest.raises(ValueError, match="not finite at x0"):
        fit_numeric(lambda t: -np.inf, [1.0])
    with pytest.raises(ValueError, match="pass n= to fit_numeric"):
        _ = fit_numeric(lambda t: -float(t @ t), [1.0]).bic
    with pytest.raises(TypeError, match="must return a number"):
        fit_numeric(lambda t: "x", [1.0])


def test_repr_and_summary_are_readable():
    r = fit("normal", SAMPLES["normal"][0], sigma=2.0)
    assert repr(r).startswith("FitResult(normal: mu=")
    s = r.summary()
    assert "(fixed)" in s and "std. error" in s and "log-likelihood" in s


def test_every_family_is_covered_here():
    assert set(SAMPLES) <= set(FAMILIES)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, (x, kn) in SAMPLES.items():
            fit(name, x, **kn)
