"""The fast path of ``fit`` (mlecourse._fastfit) against the general path.

The fast path only skips work: on every sample where it answers, the answer must
be the general path's to rounding, and on every sample it declines (bad values,
boundaries, degenerate or extreme data) the general path's error or warning must
still reach the user, with no stray floating-point warning from the fast path.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlecourse import BoundaryWarning, DegenerateSampleError, _fastfit, fit

FAST_FAMILIES = sorted(_fastfit.FAST)


def _general(family, x, **known):
    """``fit`` with the fast path switched off."""
    saved = dict(_fastfit.FAST)
    _fastfit.FAST.clear()
    try:
        return fit(family, x, **known)
    finally:
        _fastfit.FAST.update(saved)


def _sample(family, rng, n, scale, shift):
    if family == "normal":
        return shift + scale * rng.normal(size=n)
    if family == "laplace":
        return shift + scale * rng.laplace(size=n)
    if family == "exponential":
        return scale * rng.exponential(size=n)
    if family == "gamma":
        return scale * rng.gamma(rng.uniform(0.3, 20.0), size=n)
    if family == "bernoulli":
        return rng.binomial(1, rng.uniform(0.05, 0.95), n).astype(float)
    if family == "binomial":
        return rng.binomial(12, rng.uniform(0.05, 0.95), n).astype(float)
    if family == "geometric":
        return rng.geometric(rng.uniform(0.05, 0.95), n).astype(float)
    if family == "poisson":
        return rng.poisson(rng.uniform(0.2, 50.0), n).astype(float)
    raise AssertionError(family)


def _known(family):
    return {"trials": 12} if family == "binomial" else {}


def _assert_same(a, b):
    assert a.family == b.family and a.free == b.free and a.fixed == b.fixed == {}
    assert a.n == b.n and a.known == b.known
    assert a.method == b.method and a.info_note == b.info_note and a.unbounded is None
    for k in a.params:
        assert a.params[k] == pytest.approx(b.params[k], rel=1e-13, abs=0), k
        assert type(a.params[k]) is float
    # the log-likelihood is a sum of n terms: rounding is relative to their size
    assert abs(a.loglik - b.loglik) <= 1e-12 * (abs(b.loglik) + a.n)
    for k in a.se:
        assert a.se[k] == pytest.approx(b.se[k], rel=1e-9), k
    assert a.cov.shape == b.cov.shape and a.cov.dtype == np.float64
    scale = np.sqrt(np.outer(np.diag(b.cov), np.diag(b.cov)))
    assert np.all(np.abs(a.cov - b.cov) <= 1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(family=st.sampled_from(FAST_FAMILIES), seed=st.integers(0, 2**32 - 1),
       n=st.integers(2, 400), log_scale=st.floats(-8, 8), shift=st.floats(-1e6, 1e6))
def test_fast_path_equals_general_path(family, seed, n, log_scale, shift):
    rng = np.random.default_rng(seed)
    x = _sample(family, rng, n, 10.0 ** log_scale, shift * 10.0 ** log_scale)
    known = _known(family)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a boundary sample warns in the general path
        slow = _general(family, x, **known)
    answer = _fastfit.FAST[family](x, known)
    if answer is None:  # declined: only where the general path has something to say
        assert slow.method != "closed form" or any(v == 0 for v in slow.se.values()) or (
            family in ("binomial", "poisson") and x.max() > 4 * n + 64)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quick = fit(family, x, **known)
    _assert_same(quick, slow)


@pytest.mark.parametrize("family", FAST_FAMILIES)
def test_fast_path_answers_the_common_case(family):
    # the benchmark's case: the fast path must not silently decline
    x = _sample(family, np.random.default_rng(3), 2000, 2.0, 1.0)
    assert _fastfit.FAST[family](x, _known(family)) is not None


@pytest.mark.parametrize("family", FAST_FAMILIES)
def test_lists_and_arrays_give_the_same_fit(family):
    x = _sample(family, np.random.default_rng(4), 50, 3.0, -1.0)
    a, b = fit(family, x, **_known(family)), fit(family, list(x), **_known(family))
    assert a.params == b.params and a.loglik == b.loglik and a.se == b.se


@pytest.mark.parametrize("family", FAST_FAMILIES)
def test_profile_and_robust_errors_work_after_the_fast_path(family):
    x = _sample(family, np.random.default_rng(5), 300, 1.5, 2.0)
    quick, slow = fit(family, x, **_known(family)), _general(family, x, **_known(family))
    name = quick.free[0]
    assert quick.conf_int(method="profile")[name] == pytest.approx(
        slow.conf_int(method="profile")[name], rel=1e-9)
    assert quick.se_robust == pytest.approx(slow.se_robust, rel=1e-7)


def test_fast_path_against_scipy():
    rng = np.random.default_rng(6)
    x = rng.gamma(2.5, 1 / 0.7, 2000)
    res = fit("gamma", x)
    a, _, scale = stats.gamma.fit(x, floc=0)
    assert res.params["shape"] == pytest.approx(a, rel=1e-6)
    assert res.params["rate"] == pytest.approx(1 / scale, rel=1e-6)
    assert res.loglik == pytest.approx(stats.gamma.logpdf(x, res.params["shape"], 0,
                                                          1 / res.params["rate"]).sum(),
                                       rel=1e-13)
    # the closed forms of the standard errors, written differently
    y = rng.normal(3, 2, 2000)
    r = fit("normal", y)
    s = np.std(y)
    assert r.se["mu"] == pytest.approx(s / math.sqrt(2000), rel=1e-13)
    assert r.se["sigma"] == pytest.approx(s / math.sqrt(4000), rel=1e-13)
    assert r.loglik == pytest.approx(stats.norm.logpdf(y, y.mean(), s).sum(), rel=1e-13)
    z = rng.laplace(1, 2, 2001)
    r = fit("laplace", z)
    assert r.params["mu"] == np.median(z)
    assert r.loglik == pytest.approx(stats.laplace.logpdf(z, *stats.laplace.fit(z)).sum(),
                                     rel=1e-13)
    k = rng.poisson(4.0, 2000).astype(float)
    assert fit("poisson", k).loglik == pytest.approx(stats.poisson.logpmf(k, k.mean()).sum(),
                                                     rel=1e-13)
    b = rng.binomial(10, 0.3, 2000).astype(float)
    assert fit("binomial", b, trials=10).loglik == pytest.approx(
        stats.binom.logpmf(b, 10, b.mean() / 10).sum(), rel=1e-13)
    g = rng.geometric(0.3, 2000).astype(float)
    assert fit("geometric", g).loglik == pytest.approx(
        stats.geom.logpmf(g, 1 / g.mean()).sum(), rel=1e-13)


# samples the fast path must decline, and what the user must still be told
DECLINED = [
    ("normal", [1.0, np.nan, 2.0], ValueError, "NaN"),
    ("normal", [1.0, np.inf, 2.0], ValueError, "infinite"),
    ("normal", [2.5, 2.5, 2.5], DegenerateSampleError, "sigma"),
    ("normal", [1e300, -1e300, 3e300], None, None),   # extreme units: the general path
    ("normal", [1e-300, 2e-300, 4e-300], None, None),
    ("exponential", [0.0, 0.0], DegenerateSampleError, "rate"),
    ("exponential", [1.0, -1.0], ValueError, ">= 0"),
    ("exponential", [1e300, 3e300], None, None),
    ("laplace", [3.0, 3.0, 3.0], DegenerateSampleError, "b"),
    ("laplace", [1.0, -np.inf], ValueError, "infinite"),
    ("gamma", [2.0, 2.0, 2.0], DegenerateSampleError, "shape"),
    ("gamma", [1.0, 0.0, 2.0], ValueError, "> 0"),
    ("gamma", [1e-320, 1.0, 1e300], None, None),
    ("bernoulli", [1.0, 1.0, 1.0], BoundaryWarning, "boundary"),
    ("bernoulli", [0.0, 0.5, 1.0], ValueError, "0 or 1"),
    ("bernoulli", [0.0, np.nan], ValueError, "NaN"),
    ("binomial", [0.0, 11.0, 2.0], ValueError, "trials=10"),
    ("binomial", [0.0, 0.0], BoundaryWarning, "boundary"),
    ("binomial", [1.5, 2.0], ValueError, "whole numbers"),
    ("geometric", [1.0, 1.0], BoundaryWarning, "boundary"),
    ("geometric", [0.0, 2.0], ValueError, ">= 1"),
    ("geometric", [2.5, 2.0], ValueError, "whole numbers"),
    ("poisson", [0.0, 0.0, 0.0], BoundaryWarning, "boundary"),
    ("poisson", [1.0, -1.0], ValueError, "non-negative"),
    ("poisson", [1.0, 2.0000000000000004], ValueError, "whole numbers"),
    ("poisson", [-0.0, 3.0], None, None),            # -0.0 is a zero: the general path
    ("poisson", [1.0, 1e12], None, None),            # too large for a table
]


@pytest.mark.parametrize("family, data, expect, words", DECLINED)
def test_fast_path_declines_and_the_general_path_speaks(family, data, expect, words):
    x = np.array(data, dtype=float)
    known = {"trials": 10} if family == "binomial" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fast path itself never warns
        assert _fastfit.FAST[family](x, known) is None
    if expect is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res, ref = fit(family, x, **known), _general(family, x, **known)
        assert res.params == ref.params and res.loglik == ref.loglik
    elif issubclass(expect, Warning):
        with pytest.warns(expect, match=words):
            fit(family, x, **known)
    else:
        with pytest.raises(expect, match=words):
            fit(family, x, **known)


def test_fast_path_respects_known_constants_checks():
    with pytest.raises(ValueError, match="trials"):
        fit("binomial", np.array([1.0, 2.0]), trials=0)
    with pytest.raises(TypeError, match="trials"):
        fit("binomial", np.array([1.0, 2.0]), trials=2.5)
    with pytest.raises(TypeError, match="trials"):
        fit("binomial", np.array([1.0, 2.0]))
    # numpy integers are checked and accepted like ints
    a = fit("binomial", np.array([1.0, 2.0]), trials=np.int64(5))
    assert a.known == {"trials": 5} and type(a.known["trials"]) is int


def test_tables_kept_between_calls_follow_the_trials():
    rng = np.random.default_rng(7)
    for trials in (10, 3, 10, 250, 3):
        x = rng.binomial(trials, 0.4, 500).astype(float)
        res = fit("binomial", x, trials=trials)
        assert res.loglik == pytest.approx(
            stats.binom.logpmf(x, trials, res.params["p"]).sum(), rel=1e-13)
    for lam in (3.0, 1500.0, 3.0):  # the log-factorial table grows past its first size
        k = rng.poisson(lam, 500).astype(float)
        assert fit("poisson", k).loglik == pytest.approx(
            stats.poisson.logpmf(k, k.mean()).sum(), rel=1e-13)
