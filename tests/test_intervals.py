"""Tests for mlecourse.intervals: binomial intervals, exact coverage, MAP estimates."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import mlecourse
from mlecourse.intervals import (
    METHODS,
    binomial_interval,
    exact_coverage,
    map_estimate,
    posterior_mean,
)

CASES = [(0, 1), (1, 1), (0, 3), (1, 3), (3, 3), (2, 10), (7, 20), (0, 50), (49, 50),
         (13, 97), (500, 1000)]


@pytest.mark.parametrize("k,n", CASES)
def test_clopper_pearson_matches_scipy(k, n):
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    low, high = binomial_interval(k, n, "exact")
    assert low == pytest.approx(ref.low, abs=1e-12)
    assert high == pytest.approx(ref.high, abs=1e-12)


@pytest.mark.parametrize("k,n", CASES)
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_scipy(k, n, level):
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = binomial_interval(k, n, "wilson", level)
    assert low == pytest.approx(ref.low, abs=1e-12)
    assert high == pytest.approx(ref.high, abs=1e-12)


@pytest.mark.parametrize("k,n", CASES)
def test_agresti_coull_and_wald_match_statsmodels(k, n):
    from statsmodels.stats.proportion import proportion_confint

    for ours, theirs in (("agresti_coull", "agresti_coull"), ("wald", "normal"),
                         ("exact", "beta"), ("wilson", "wilson")):
        low, high = binomial_interval(k, n, ours)
        ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method=theirs)
        # statsmodels clips the normal-approximation intervals to [0, 1] as we do
        assert low == pytest.approx(max(ref_low, 0.0), abs=1e-10), ours
        assert high == pytest.approx(min(ref_high, 1.0), abs=1e-10), ours


@pytest.mark.parametrize("k,n", CASES)
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_lr_interval_matches_profile_interval_of_fit(k, n, level):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mlecourse.BoundaryWarning)
        res = mlecourse.fit("binomial", [k], trials=n)
    ref = res.conf_int(level=level, method="profile")["p"]
    low, high = binomial_interval(k, n, "lr", level)
    assert low == pytest.approx(ref[0], abs=1e-9)
    assert high == pytest.approx(ref[1], abs=1e-9)


def test_lr_interval_endpoints_are_where_the_loglik_drops_by_half_chi2():
    k, n = 4, 17
    drop = stats.chi2.ppf(0.95, 1) / 2
    ll = stats.binom.logpmf(k, n, np.array(binomial_interval(k, n, "lr")))
    assert np.allclose(stats.binom.logpmf(k, n, k / n) - ll, drop, atol=1e-10)


def test_lr_interval_at_zero_successes_has_closed_form():
    # n log(1 - p) = -chi2 / 2  gives  p = 1 - exp(-chi2 / (2 n))
    for n in (1, 3, 10, 200):
        low, high = binomial_interval(0, n, "lr")
        assert low == 0.0
        assert high == pytest.approx(1 - math.exp(-stats.chi2.ppf(0.95, 1) / (2 * n)), rel=1e-12)
        low, high = binomial_interval(n, n, "lr")
        assert high == 1.0
        assert low == pytest.approx(math.exp(-stats.chi2.ppf(0.95, 1) / (2 * n)), rel=1e-12)


def test_wald_has_zero_width_on_the_boundary_and_textbook_form_inside():
    assert binomial_interval(0, 3, "wald") == (0.0, 0.0)
    assert binomial_interval(5, 5, "wald") == (1.0, 1.0)
    z = stats.norm.ppf(0.975)
    half = z * math.sqrt(0.3 * 0.7 / 10)
    assert binomial_interval(3, 10, "wald") == pytest.approx((0.3 - half, 0.3 + half), abs=1e-15)
    # clipped at 0: 1 of 10 gives a negative textbook lower limit
    assert binomial_interval(1, 10, "wald")[0] == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_intervals_are_ordered_and_in_unit_interval(method):
    for n in (1, 2, 5, 13):
        for k in range(n + 1):
            low, high = binomial_interval(k, n, method)
            assert 0.0 <= low <= k / n <= high <= 1.0


def _brute_coverage(n, p, method, level):
    total = 0.0
    for k in range(n + 1):
        low, high = binomial_interval(k, n, method, level)
        if low <= p <= high:
            total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
    return total


@pytest.mark.parametrize("method", METHODS)
def test_exact_coverage_matches_brute_force_sum(method):
    ps = np.array([0.0, 0.01, 0.1, 0.25, 0.5, 0.77, 0.99, 1.0])
    for n in (3, 10, 25):
        cov = exact_coverage(n, ps, method, 0.95)
        assert cov.shape == ps.shape
        brute = [_brute_coverage(n, float(p), method, 0.95) for p in ps]
        assert np.allclose(cov, brute, atol=1e-13)
        assert exact_coverage(n, 0.25, method) == pytest.approx(brute[3], abs=1e-13)


def test_exact_coverage_known_values():
    # Wald at n = 10, p = 0.1 covers only when k is 1 to 4: k = 0 gives [0, 0], and
    # k = 5 gives 0.5 - 1.96 * sqrt(0.025) = 0.190 > 0.1
    expected = sum(stats.binom.pmf(k, 10, 0.1) for k in (1, 2, 3, 4))
    assert exact_coverage(10, 0.1, "wald") == pytest.approx(expected, rel=1e-12)
    # Clopper-Pearson never covers less than the nominal level
    grid = np.linspace(0.001, 0.999, 499)
    for n in (5, 12, 30):
        assert exact_coverage(n, grid, "exact").min() >= 0.95 - 1e-12
    # ... and Wald falls far below it near the edges
    assert exact_coverage(30, 0.02, "wald") < 0.5


def test_exact_coverage_accepts_2d_p():
    p = np.array([[0.1, 0.2], [0.3, 0.4]])
    cov = exact_coverage(8, p, "wilson")
    assert cov.shape == (2, 2)
    assert cov[1, 0] == pytest.approx(exact_coverage(8, 0.3, "wilson"))


def test_map_and_posterior_mean_identities():
    for n in range(0, 12):
        for k in range(n + 1):
            add_one = (k + 1) / (n + 2)
            assert map_estimate(k, n, 2, 2) == pytest.approx(add_one, rel=1e-15)
            assert posterior_mean(k, n, 1, 1) == pytest.approx(add_one, rel=1e-15)
            if n > 0:
                assert map_estimate(k, n, 1, 1) == pytest.approx(k / n, rel=1e-15)  # flat = MLE
            assert map_estimate(k, n, 3.5, 1.5) == pytest.approx((k + 2.5) / (n + 3), rel=1e-15)
            assert posterior_mean(k, n, 3.5, 1.5) == pytest.approx((k + 3.5) / (n + 5))


def test_map_is_the_mode_of_the_beta_posterior():
    from scipy import optimize

    for k, n, a, b in [(0, 3, 2, 2), (4, 9, 1.5, 3), (9, 9, 2, 5), (1, 20, 0.5, 2)]:
        post = stats.beta(k + a, n - k + b)
        opt = optimize.minimize_scalar(lambda p, post=post: -post.logpdf(p),
                                       bounds=(1e-12, 1 - 1e-12), method="bounded",
                                       options={"xatol": 1e-12})
        assert map_estimate(k, n, a, b) == pytest.approx(opt.x, abs=1e-6)
        assert posterior_mean(k, n, a, b) == pytest.approx(post.mean(), rel=1e-12)


def test_map_on_the_boundary_and_without_a_unique_mode():
    assert map_estimate(0, 3, 1, 1) == 0.0          # Beta(1, 4): decreasing
    assert map_estimate(3, 3, 1, 1) == 1.0          # Beta(4, 1): increasing
    assert map_estimate(0, 3, 0.5, 1) == 0.0        # Beta(0.5, 4)
    assert map_estimate(0, 0, 0.5, 1) == 0.0        # Beta(0.5, 1): decreasing, n = 0
    assert map_estimate(0, 0, 1, 0.5) == 1.0
    with pytest.raises(ValueError, match=r"Beta\(1, 1\) has no unique mode \(it is flat\)"):
        map_estimate(0, 0, 1, 1)
    with pytest.raises(ValueError, match="U-shaped"):
        map_estimate(0, 0, 0.5, 0.5)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"k must be between 0 and n=3 .*got k=4"):
        binomial_interval(4, 3)
    with pytest.raises(ValueError, match="k must be >= 0; got -1"):
        binomial_interval(-1, 3)
    with pytest.raises(ValueError, match="n must be >= 1; got 0"):
        binomial_interval(0, 0)
    with pytest.raises(TypeError, match="k must be an integer; got float 1.5"):
        binomial_interval(1.5, 3)
    with pytest.raises(TypeError, match="n must be an integer"):
        binomial_interval(1, "3")
    with pytest.raises(ValueError, match="method must be one of"):
        binomial_interval(1, 3, "bayes")
    with pytest.raises(ValueError, match="level must be < 1"):
        binomial_interval(1, 3, "wald", 1.0)
    with pytest.raises(ValueError, match="level must be > 0"):
        exact_coverage(3, 0.5, "wald", 0.0)
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        exact_coverage(3, [0.2, 1.2])
    with pytest.raises(ValueError, match="p must be <= 1"):
        exact_coverage(3, 1.5)
    with pytest.raises(ValueError, match="p contains 1 NaN"):
        exact_coverage(3, [0.2, np.nan])
    with pytest.raises(ValueError, match="a must be positive; got 0.0"):
        map_estimate(1, 3, 0.0, 1.0)
    with pytest.raises(ValueError, match="b must be positive"):
        posterior_mean(1, 3, 1.0, -2.0)
    with pytest.raises(TypeError, match="a must be a real number"):
        posterior_mean(1, 3, "1", 1.0)


@pytest.mark.parametrize("method", METHODS)
def test_vectorised_limits_equal_binomial_interval_for_every_count(method):
    from mlecourse.intervals import _limits_all

    for n in (1, 2, 9, 40):
        low, high = _limits_all(n, method, 0.9)
        want = np.array([binomial_interval(k, n, method, 0.9) for k in range(n + 1)])
        assert low == pytest.approx(want[:, 0], abs=1e-13)
        assert high == pytest.approx(want[:, 1], abs=1e-13)


@pytest.mark.parametrize("method", METHODS)
def test_exact_coverage_at_large_n_equals_the_full_sum(method):
    # the windowed sum against the plain sum over all n + 1 counts
    from mlecourse.intervals import _limits_all

    n, ps = 3000, np.array([0.0004, 0.2, 0.5, 0.9995])
    low, high = _limits_all(n, method, 0.95)
    k = np.arange(n + 1)
    full = [float(np.sum(stats.binom.pmf(k, n, p) * ((low <= p) & (p <= high)))) for p in ps]
    assert exact_coverage(n, ps, method) == pytest.approx(full, abs=1e-14)


def test_exact_coverage_n_1e5_is_vectorised():
    # 1e5 trials: Wald coverage at p = 0.3 is close to nominal (Brown et al. 2001)
    c = exact_coverage(100_000, 0.3, "wald")
    assert 0.94 < c < 0.96
    assert exact_coverage(100_000, 0.3, "profile") == exact_coverage(100_000, 0.3, "lr")
