"""gmm_em on a Dask array: one Dask computation per EM iteration, the same fit as in
memory, and the same checks and messages on bad input."""

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

from mlecourse import DegenerateComponentWarning, DegenerateSampleError  # noqa: E402
from mlecourse.em import ConvergenceWarning, gmm_em  # noqa: E402


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def data(n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    return np.array([[0.0, 0.0], [3.0, 1.0], [-1.0, 4.0]])[z] + rng.normal(size=(n, 2))


START = {"weights": [0.4, 0.3, 0.3], "means": [[0.5, 0.0], [2.0, 2.0], [-2.0, 3.0]],
         "covariances": np.repeat(np.eye(2)[None], 3, axis=0)}


@pytest.mark.parametrize("covariance_type", ["full", "diag"])
@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_same_fit_as_in_memory(covariance_type, offset):
    x = data() + offset
    start = dict(START, means=np.array(START["means"]) + offset)
    mem = gmm_em(x, 3, init=start, covariance_type=covariance_type)
    lazy = gmm_em(da.from_array(x, chunks=(3_000, 2)), 3, init=start,
                  covariance_type=covariance_type)
    assert lazy.converged and lazy.n_iter == mem.n_iter
    assert lazy.loglik == pytest.approx(mem.loglik, rel=1e-9)
    np.testing.assert_allclose(lazy.loglik_history, mem.loglik_history, rtol=1e-9)
    np.testing.assert_allclose(lazy.weights, mem.weights, rtol=1e-8)
    np.testing.assert_allclose(lazy.means, mem.means, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(lazy.covariances, mem.covariances, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(lazy.reg_covar, mem.reg_covar, rtol=1e-10)
    assert lazy.n_samples == x.shape[0]
    # responsibilities stay lazy, chunked like the data
    assert isinstance(lazy.responsibilities, da.Array)
    assert lazy.responsibilities.chunks[0] == (3_000,) * 6 + (2_000,)
    np.testing.assert_allclose(lazy.responsibilities.compute(), mem.responsibilities,
                               atol=1e-9)


def test_narrow_component_far_from_the_origin():
    # cross-products are taken about the current means, so a component 1e5 times
    # narrower than its distance from the centre loses nothing to cancellation (the
    # one-pass sum r x^2 / N_k - mu^2 would lose about 1e-6 of its variance)
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(0, 1, 5000), rng.normal(1e4, 0.1, 3000)][:, None]
    start = {"weights": [0.5, 0.5], "means": [[1.0], [1e4 + 0.1]],
             "covariances": [[[2.0]], [[1e-2]]]}
    mem = gmm_em(x, 2, init=start)
    lazy = gmm_em(da.from_array(x, chunks=(1000, 1)), 2, init=start)
    assert lazy.loglik == pytest.approx(mem.loglik, rel=1e-9)
    np.testing.assert_allclose(lazy.covariances, mem.covariances, rtol=1e-8)


def test_one_dask_computation_per_iteration():
    from dask.callbacks import Callback

    computations = []

    class Count(Callback):
        def _start(self, dsk):
            computations.append(1)

    x = da.from_array(data(6000), chunks=(1000, 2))
    with Count():
        fit = gmm_em(x, 3, init=START, max_iter=5, tol=0.0)
    # one pass for the mean, variance and the NaN check, then one E-step at the start
    # and one per iteration
    assert len(computations) == 1 + 1 + fit.n_iter == 7


def test_random_starts_and_one_dimensional_input():
    x = data(8000)
    with dask.config.set(scheduler="threads"):
        fit = gmm_em(da.from_array(x, chunks=(2000, 2)), 3, n_init=2, rng=0)
    ref = gmm_em(x, 3, n_init=2, rng=0)
    assert fit.loglik == pytest.approx(ref.loglik, rel=1e-6)
    one = gmm_em(da.from_array(x[:, 0], chunks=2000), 2, init="kmeans", rng=1)
    assert one.means.shape == (2, 1) and one.converged


def test_import_does_not_import_dask():
    code = ("import sys, numpy as np, mlecourse; from mlecourse.em import gmm_em; "
            "gmm_em(np.r_[np.zeros(5), np.ones(5)] + np.arange(10) * 0.01, 2, rng=0); "
            "print('dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_any_chunk_has_the_in_memory_message(bad):
    x = data(5000)
    x[4321, 1] = bad
    with pytest.raises(ValueError) as mem:
        gmm_em(x, 2)
    with pytest.raises(ValueError) as lazy:
        gmm_em(da.from_array(x, chunks=(1000, 2)), 2)
    assert str(lazy.value) == str(mem.value) == (
        "x contains 1 NaN or infinite value(s) (first at flat index 8643); remove or impute "
        "them first.")


def test_chunks_split_along_columns_are_refused():
    x = da.from_array(data(2000), chunks=(500, 1))
    with pytest.raises(ValueError, match=exact(
            "x is chunked along its columns (column chunks (1, 1)); every chunk must hold "
            "whole rows, since each point's responsibilities need all its coordinates. "
            "Rechunk with x.rechunk({1: -1}).")):
        gmm_em(x, 2)


def test_other_bad_input_as_in_memory():
    x = data(2000)
    lazy = da.from_array(x, chunks=(500, 2))
    for kwargs in [dict(n_components=0), dict(n_components=2, covariance_type="tied"),
                   dict(n_components=2, init="kmeens"), dict(n_components=2, reg_covar=-1.0),
                   dict(n_components=2, init=START)]:
        with pytest.raises((ValueError, TypeError)) as mem:
            gmm_em(x, **kwargs)
        with pytest.raises(type(mem.value), match=exact(str(mem.value))):
            gmm_em(lazy, **kwargs)
    with pytest.raises(ValueError, match=exact(
            "n_components=5 is more than the number of data points (4); use at most 4 "
            "components.")):
        gmm_em(da.from_array(x[:4], chunks=(2, 2)), 5)
    with pytest.raises(ValueError, match=exact("x must be 1-D or 2-D; got an array of shape "
                                               "(2, 2, 2).")):
        gmm_em(da.zeros((2, 2, 2)), 1)
    with pytest.raises(TypeError, match=exact(
            "x must contain real numbers; got an array of dtype complex128.")):
        gmm_em(lazy.astype(complex), 2)
    const = np.c_[x[:, 0], np.full(2000, 7.0)]
    with pytest.raises(DegenerateSampleError, match=exact(
            "column 1 of x is constant (every value 7): a normal component has no variance to "
            "estimate there and the likelihood is unbounded. Drop the column, or give "
            "reg_covar= explicitly to fit with that fixed floor.")):
        gmm_em(da.from_array(const, chunks=(500, 2)), 2)


def test_degenerate_component_is_flagged_on_dask_too():
    rng = np.random.default_rng(2)
    x = np.vstack([np.repeat([[1.0, 2.0]], 10, 0), rng.normal(size=(30, 2))])
    start = {"weights": [0.3, 0.7], "means": [[1, 2], [0, 0]],
             "covariances": np.repeat(np.eye(2)[None], 2, 0)}
    with pytest.warns(DegenerateComponentWarning, match="^component 0 of the fitted mixture"):
        fit = gmm_em(da.from_array(x, chunks=(10, 2)), 2, init=start)
    assert fit.degenerate == (0,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateComponentWarning)
        with pytest.warns(ConvergenceWarning):
            gmm_em(da.from_array(x, chunks=(10, 2)), 2, init=start, max_iter=2, tol=0.0)
