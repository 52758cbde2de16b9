"""Sampling distributions and the coverage of proportion intervals."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import mlecourse
from mlecourse.simulate import (
    bernoulli_conf_int,
    coverage,
    exact_coverage,
    sampling_distribution,
)

# --- sampling_distribution ----------------------------------------------------


def test_bernoulli_sampling_distribution_mean_and_sd():
    # 40 000 replicates: the Monte Carlo standard error of the mean of p_hat is
    # sd / sqrt(reps) = 0.049 / 200 = 2.4e-4, and that of the sd is about
    # sd / sqrt(2 reps) = 1.7e-4; 5 standard errors are allowed.
    p, n, reps = 0.6, 100, 40_000
    est = sampling_distribution("bernoulli", {"p": p}, n, reps, rng=20260101)
    sd = math.sqrt(p * (1 - p) / n)
    assert est.shape == (reps,)
    assert abs(est.mean() - p) < 5 * sd / math.sqrt(reps)
    assert abs(est.std() - sd) < 5 * sd / math.sqrt(2 * reps)
    # every estimate is k / n for a whole k
    assert np.allclose(est * n, np.round(est * n))


def test_sampling_distribution_is_seeded():
    a = sampling_distribution("poisson", {"lam": 3.0}, 20, 50, rng=7)
    b = sampling_distribution("poisson", {"lam": 3.0}, 20, 50, rng=7)
    assert np.array_equal(a, b)
    c = sampling_distribution("poisson", {"lam": 3.0}, 20, 50, rng=8)
    assert not np.array_equal(a, c)


def test_closed_form_rows_equal_fit_on_each_replicate():
    # the vectorised estimates are those fit() gives on the same simulated samples
    cases = [("normal", {"mu": 1.0, "sigma": 2.0}, {}),
             ("normal", {"mu": 1.0, "sigma": 2.0}, {"sigma": 2.0}),
             ("normal", {"mu": 1.0, "sigma": 2.0}, {"mu": 1.0}),
             ("exponential", {"rate": 0.5}, {}),
             ("geometric", {"p": 0.3}, {}),
             ("binomial", {"p": 0.3}, {"trials": 8}),
             ("laplace", {"mu": 0.0, "b": 1.5}, {})]
    from mlecourse.simulate import _sample

    for name, truth, fixed in cases:
        est = sampling_distribution(name, truth, 15, 6, rng=3, **fixed)
        rng = np.random.default_rng(3)
        known = {k: v for k, v in fixed.items() if k == "trials"}
        x = _sample(name, rng, (6, 15), truth, known)
        for i in range(6):
            res = mlecourse.fit(name, x[i], **fixed)
            want = [res.params[q] for q in res.free]
            got = np.atleast_1d(est[i])
            assert got == pytest.approx(want, rel=1e-12), (name, fixed)


def test_multi_parameter_shape_and_normal_sigma_bias():
    # E[sigma_hat^2] = (n - 1) / n * sigma^2 for the normal MLE
    est = sampling_distribution("normal", {"mu": 0.0, "sigma": 1.0}, 5, 40_000, rng=11)
    assert est.shape == (40_000, 2)
    var_hat = est[:, 1] ** 2
    se = np.std(var_hat) / math.sqrt(var_hat.size)
    assert abs(var_hat.mean() - 4 / 5) < 5 * se


def test_numerical_family_loops_over_fit():
    est = sampling_distribution("gamma", {"shape": 2.0, "rate": 1.0}, 40, 4, rng=5)
    assert est.shape == (4, 2)
    x = np.random.default_rng(5).gamma(2.0, 1.0, (4, 40))
    first = mlecourse.fit("gamma", x[0])
    assert est[0] == pytest.approx([first.params["shape"], first.params["rate"]], rel=1e-10)


def test_sampling_distribution_bad_input():
    with pytest.raises(ValueError, match=r"true_params lacks a value for \['sigma'\]"):
        sampling_distribution("normal", {"mu": 0.0}, 10, 5)
    with pytest.raises(TypeError, match="true_params must be a dict"):
        sampling_distribution("bernoulli", 0.6, 10, 5)
    with pytest.raises(ValueError, match="n must be >= 1"):
        sampling_distribution("bernoulli", {"p": 0.6}, 0, 5)
    with pytest.raises(ValueError, match="reps must be >= 1"):
        sampling_distribution("bernoulli", {"p": 0.6}, 10, 0)
    with pytest.raises(TypeError, match="n must be an integer"):
        sampling_distribution("bernoulli", {"p": 0.6}, 10.0, 5)
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        sampling_distribution("bernoulli", {"p": 1.5}, 10, 5)
    with pytest.raises(ValueError, match="does not exist for samples of size 1"):
        sampling_distribution("normal", {"mu": 0.0, "sigma": 1.0}, 1, 5)
    with pytest.raises(ValueError, match="every parameter is fixed"):
        sampling_distribution("bernoulli", {"p": 0.5}, 10, 5, p=0.5)
    with pytest.raises(TypeError, match="needs the known constant"):
        sampling_distribution("binomial", {"p": 0.5}, 10, 5)
    with pytest.raises(TypeError, match="rng must be"):
        sampling_distribution("bernoulli", {"p": 0.5}, 10, 5, rng="seed")
    with pytest.raises(ValueError, match="unknown family"):
        sampling_distribution("cauchy", {"p": 0.5}, 10, 5)


# --- intervals -------------------------------------------------------------------


def test_wald_interval_closed_form():
    low, high = bernoulli_conf_int(60, 100)
    half = stats.norm.ppf(0.975) * math.sqrt(0.6 * 0.4 / 100)
    assert (low, high) == pytest.approx((0.6 - half, 0.6 + half), rel=1e-14)
    # array input, 90% level
    lo, hi = bernoulli_conf_int(np.array([0, 3, 10]), 10, level=0.9)
    z = stats.norm.ppf(0.95)
    p = np.array([0.0, 0.3, 1.0])
    assert lo == pytest.approx(p - z * np.sqrt(p * (1 - p) / 10))
    assert hi == pytest.approx(p + z * np.sqrt(p * (1 - p) / 10))


@pytest.mark.parametrize("n", [1, 7, 30, 250])
def test_lr_interval_equals_profile_interval_of_fit(n):
    ks = np.unique(np.linspace(0, n, min(n + 1, 9)).round().astype(int))
    lo, hi = bernoulli_conf_int(ks, n, method="profile")
    for k, a, b in zip(ks, lo, hi):
        x = np.r_[np.ones(k), np.zeros(n - k)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mlecourse.BoundaryWarning)
            want = mlecourse.fit("bernoulli", x).conf_int(method="profile")["p"]
        assert (a, b) == pytest.approx(want, rel=1e-9, abs=1e-12), (k, n)


def test_lr_interval_at_the_edges_has_a_closed_form():
    c = stats.chi2.ppf(0.95, 1)
    lo, hi = bernoulli_conf_int(np.array([0, 12]), 12, method="profile")
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert hi[0] == pytest.approx(1 - math.exp(-c / 24), rel=1e-13)
    assert lo[1] == pytest.approx(math.exp(-c / 24), rel=1e-13)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 400), frac=st.floats(0, 1), level=st.floats(0.5, 0.999))
def test_lr_limits_solve_the_likelihood_ratio_equation(n, frac, level):
    k = int(round(frac * n))
    lo, hi = bernoulli_conf_int(k, n, level=level, method="profile")
    p_hat = k / n
    assert 0 <= lo <= p_hat <= hi <= 1

    def ll(p):
        from scipy import special
        return special.xlogy(k, p) + special.xlog1py(n - k, -p)

    target = ll(p_hat) - stats.chi2.ppf(level, 1) / 2
    for limit, edge in ((lo, 0.0), (hi, 1.0)):
        if limit != edge:
            assert ll(limit) == pytest.approx(target, abs=1e-8 * max(1.0, abs(target)))


def test_interval_bad_input():
    with pytest.raises(ValueError, match="from 0 to n=10; got 11"):
        bernoulli_conf_int(11, 10)
    with pytest.raises(ValueError, match="from 0 to n=10; got 2.5"):
        bernoulli_conf_int([1, 2.5], 10)
    with pytest.raises(ValueError, match="method must be one of"):
        bernoulli_conf_int(3, 10, method="score")
    with pytest.raises(ValueError, match="level must be <"):
        bernoulli_conf_int(3, 10, level=1.0)
    with pytest.raises(TypeError, match="whole number"):
        bernoulli_conf_int("3", 10)
    with pytest.raises(ValueError, match="NaN or infinite"):
        bernoulli_conf_int([np.nan], 10)


# --- coverage ------------------------------------------------------------------


def _brute_force_coverage(n, p, method, level=0.95):
    total = 0.0
    for k in range(n + 1):
        x = np.r_[np.ones(k), np.zeros(n - k)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mlecourse.BoundaryWarning)
            a, b = mlecourse.fit("bernoulli", x).conf_int(level, method=method)["p"]
        if a <= p <= b:
            total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
    return total


@pytest.mark.parametrize("method", ["wald", "profile"])
@pytest.mark.parametrize("n,p", [(10, 0.1), (10, 0.5), (25, 0.03), (30, 0.77)])
def test_exact_coverage_equals_brute_force_sum(method, n, p):
    assert exact_coverage(n, p, method) == pytest.approx(_brute_force_coverage(n, p, method),
                                                         abs=1e-12)


def test_exact_wald_coverage_at_n10_p01_by_hand():
    # intervals from k = 1..4 contain 0.1 (k = 0 gives [0, 0], k = 5 starts above 0.19)
    want = sum(stats.binom.pmf(k, 10, 0.1) for k in range(1, 5))
    assert exact_coverage(10, 0.1, "wald") == pytest.approx(want, rel=1e-13)
    assert want < 0.66  # far below the nominal 0.95


def test_exact_coverage_array_shape_and_symmetry():
    ps = np.linspace(0.01, 0.99, 99)
    for method in ("wald", "profile"):
        c = exact_coverage(30, ps, method)
        assert c.shape == ps.shape
        assert np.all((c >= 0) & (c <= 1))
        assert c == pytest.approx(c[::-1], abs=1e-12)  # both intervals are symmetric in k <-> n-k
    # the LR interval is much closer to nominal near the edges than Wald (Brown et al. 2001)
    edge = (ps < 0.1) | (ps > 0.9)
    assert np.mean(exact_coverage(30, ps[edge], "profile")) > np.mean(
        exact_coverage(30, ps[edge], "wald")) + 0.1


@pytest.mark.parametrize("method", ["wald", "profile"])
def test_simulated_coverage_agrees_with_exact(method):
    # 20 000 replicates: Monte Carlo sd <= sqrt(0.25 / 20000) = 0.0035; allow 4.5 sd
    ps = np.array([0.1, 0.35, 0.6, 0.97])
    reps = 20_000
    sim = coverage(10, ps, method, reps=reps, rng=99)
    exact = exact_coverage(10, ps, method)
    mc_sd = np.sqrt(exact * (1 - exact) / reps)
    assert np.all(np.abs(sim - exact) <= 4.5 * np.maximum(mc_sd, 1e-4))
    assert coverage(10, 0.1, "wald", reps=reps, rng=1) < 0.7  # clearly below 0.95


def test_coverage_bad_input():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]; got 1.2"):
        exact_coverage(10, [0.5, 1.2])
    with pytest.raises(ValueError, match="reps must be >= 1"):
        coverage(10, 0.5, reps=0)
    with pytest.raises(ValueError, match="method must be one of"):
        exact_coverage(10, 0.5, "exakt")
    with pytest.raises(TypeError, match="n must be an integer"):
        coverage(10.5, 0.5)


def test_one_exact_coverage_serves_both_modules():
    from mlecourse import intervals, simulate

    assert simulate.exact_coverage is intervals.exact_coverage


def test_lr_is_another_name_for_profile_and_agrees_with_mlecourse_intervals():
    from mlecourse import intervals

    ps = np.array([0.02, 0.1, 0.37, 0.5, 0.93])
    assert np.array_equal(exact_coverage(17, ps, "lr"), exact_coverage(17, ps, "profile"))
    for method, theirs in (("wald", "wald"), ("profile", "lr")):
        ours = exact_coverage(17, ps, method)
        assert ours == pytest.approx(
            [intervals.exact_coverage(17, float(p), theirs) for p in ps], abs=1e-12)
    assert bernoulli_conf_int(4, 17, method="lr") == pytest.approx(
        intervals.binomial_interval(4, 17, "lr"), rel=1e-9)


def test_customers_recover_their_true_coefficients_in_a_large_sample():
    from mlecourse.regression import linear_regression, logistic_regression
    from mlecourse.simulate import CUSTOMER_COEF, customers

    d = customers(20_000, rng=31)
    assert set(d) == {"minutes", "purchases", "spend", "buy"}
    assert d["minutes"].mean() == pytest.approx(8.0, rel=0.03)
    assert d["purchases"].mean() == pytest.approx(1.5, rel=0.03)
    X = np.column_stack([d["minutes"], d["purchases"]])
    lin = linear_regression(X, d["spend"])
    c = CUSTOMER_COEF["spend"]
    want = np.array([c["intercept"], c["minutes"], c["purchases"]])
    assert np.all(np.abs(lin.coef - want) < 4 * lin.se)
    assert math.sqrt(lin.sigma2) == pytest.approx(c["sigma"], rel=0.03)
    log = logistic_regression(X, d["buy"])
    b = CUSTOMER_COEF["buy"]
    want = np.array([b["intercept"], b["minutes"], b["purchases"]])
    assert np.all(np.abs(log.coef - want) < 4 * log.se)
    # seeded
    assert np.array_equal(customers(10, rng=2)["spend"], customers(10, rng=2)["spend"])
    with pytest.raises(ValueError, match="n must be >= 1"):
        customers(0)


def test_gamma_sampling_distribution_is_vectorised_and_equals_fit():
    # all replicates by the one-dimensional reduction at once; each row equals fit()
    est = sampling_distribution("gamma", {"shape": 2.5, "rate": 0.7}, n=50, reps=1000, rng=8)
    x = np.random.default_rng(8).gamma(2.5, 1 / 0.7, (1000, 50))
    for i in (0, 17, 999):
        res = mlecourse.fit("gamma", x[i])
        assert est[i] == pytest.approx([res.params["shape"], res.params["rate"]], rel=1e-12)
    # the estimates are consistent: their mean is near the truth (shape biased up, O(1/n))
    assert est.mean(axis=0) == pytest.approx([2.5, 0.7], rel=0.08)


def test_negbin_sampling_distribution_has_a_sampler():
    est = sampling_distribution("negbin", {"mu": 3.0, "r": 2.0}, n=400, reps=40, rng=2)
    assert est.shape == (40, 2)
    assert est[:, 0].mean() == pytest.approx(3.0, rel=0.05)
    fixed_r = sampling_distribution("negbin", {"mu": 3.0, "r": 2.0}, n=400, reps=40, rng=2,
                                    r=2.0)
    assert fixed_r == pytest.approx(est[:, 0])  # mu-hat is the mean whatever r is
