r"""Gaussian-mixture EM on a Dask array: one map-reduce per iteration.

EM for a mixture needs the data only through sums over the points. Given the
current parameters, each chunk of rows contributes

* :math:`N_k = \sum_n r_{nk}` (responsibility sums, shape (K,)),
* :math:`S_k = \sum_n r_{nk} x_n` (weighted sums, (K, D)),
* :math:`C_k = \sum_n r_{nk} (x_n - m_k)(x_n - m_k)^\top` (weighted cross-products about
  the current means :math:`m_k`, (K, D, D)),
* :math:`\sum_n \log \sum_k w_k N(x_n \mid \mu_k, \Sigma_k)` (its part of the log-likelihood),

and the M-step needs only their totals: :math:`w_k = N_k / N`,
:math:`\mu_k = S_k / N_k` and
:math:`\Sigma_k = C_k / N_k - (\mu_k - m_k)(\mu_k - m_k)^\top` plus the floor. So one
iteration is a *map* (the statistics of every chunk, in parallel, where the chunk
lives) and a *reduce* (adding a few numbers per chunk), which is one Dask
computation. Only the statistics travel, never the rows.

The cross-products are taken about the current means rather than about 0: the
textbook one-pass formula :math:`\sum r x x^\top / N_k - \mu\mu^\top` cancels
catastrophically when a component is narrow compared with its distance from the
origin; about :math:`m_k`, which is within one EM step of :math:`\mu_k`, the
correction term is tiny. With this the fit equals the in-memory one to rounding.

This module imports Dask, so :mod:`mlecourse.em.gmm` imports it only when a Dask
array is passed (``import mlecourse`` does not import Dask).
"""

from __future__ import annotations

import math

import numpy as np

from ..families import DegenerateSampleError
from ._driver import em, relative_change, warn_not_converged
from .gmm import (
    DEFAULT_FLOOR,
    GMMResult,
    _check_init_dict,
    _cholesky_factors,
    _degenerate_components,
    _floor_cost,
    _kmeans_start,
    _log_normalize,
    _log_weighted_densities,
    _random_start,
    _select_run,
)

#: rows drawn (uniformly, without replacement) to choose random starting values
START_SAMPLE = 20_000


# ---------------------------------------------------------------------------
# The map: statistics of one chunk (plain NumPy, run on the workers)


def _moments(block: np.ndarray, offset: int) -> tuple:
    """Count, mean, centred sum of squares, min, max and non-finite entries of a chunk."""
    block = np.asarray(block, dtype=np.float64)
    bad = ~np.isfinite(block)
    n_bad = int(bad.sum())
    first = int(np.flatnonzero(bad.ravel())[0]) + offset * block.shape[1] if n_bad else -1
    if n_bad or block.shape[0] == 0:
        d = block.shape[1]
        return (block.shape[0], np.zeros(d), np.zeros(d), np.full(d, np.inf),
                np.full(d, -np.inf), n_bad, first)
    mean = block.mean(axis=0)
    diff = block - mean
    return (block.shape[0], mean, np.einsum("nd,nd->d", diff, diff), block.min(axis=0),
            block.max(axis=0), 0, -1)


def _merge_moments(parts: list) -> tuple:
    """Chan et al.'s pairwise update: the moments of the union of chunks."""
    n, mean, m2, lo, hi, n_bad, first = parts[0]
    for nb, mb, m2b, lob, hib, badb, firstb in parts[1:]:
        if nb:
            total = n + nb
            delta = mb - mean
            mean = mean + delta * (nb / total) if total else mean
            m2 = m2 + m2b + delta * delta * (n * nb / total)
            n = total
        lo, hi = np.minimum(lo, lob), np.maximum(hi, hib)
        if badb and first < 0:
            first = firstb
        n_bad += badb
    return n, mean, m2, lo, hi, n_bad, first


def _chunk_stats(block: np.ndarray, centre: np.ndarray, weights: np.ndarray,
                 means: np.ndarray, chol: np.ndarray, diag: bool) -> tuple:
    """E-step on one chunk and its sufficient statistics (see the module docstring)."""
    xt = np.ascontiguousarray((np.asarray(block, dtype=np.float64) - centre).T)   # (D, n)
    log_norm, resp = _log_normalize(_log_weighted_densities(xt, weights, means, chol))
    k, d = means.shape
    nk = resp.sum(axis=1)
    sx = resp @ xt.T
    sxx = np.zeros((k, d, d))
    for j in range(k):
        diff = xt - means[j][:, None]
        if diag:
            np.fill_diagonal(sxx[j], (diff * diff) @ resp[j])
        else:
            sxx[j] = (diff * resp[j]) @ diff.T
    return nk, sx, sxx, float(log_norm.sum())


def _add(*parts: tuple) -> tuple:
    """The reduce: add the statistics of several chunks."""
    nk, sx, sxx, ll = (np.array(p, copy=True) if i < 3 else p for i, p in enumerate(parts[0]))
    for p in parts[1:]:
        nk += p[0]
        sx += p[1]
        sxx += p[2]
        ll += p[3]
    return nk, sx, sxx, ll


def _tree(items: list, combine, fan_in: int = 8):
    """Combine delayed items in a tree (fan-in 8), so the reduce is parallel too."""
    import dask

    while len(items) > 1:
        items = [dask.delayed(combine)(*items[i:i + fan_in])
                 for i in range(0, len(items), fan_in)]
    return items[0]


# ---------------------------------------------------------------------------
# Validation and the first pass


def _validate(x):
    import dask.array as da

    if x.ndim not in (1, 2):
        raise ValueError(f"x must be 1-D or 2-D; got an array of shape {x.shape}.")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must contain real numbers; got an array of dtype {x.dtype}.")
    if any(math.isnan(s) for s in x.shape):
        raise ValueError("x has chunks of unknown size (NaN in x.chunks); call "
                         "x.compute_chunk_sizes() first.")
    if x.ndim == 1:
        x = x[:, None]
    if x.shape[0] == 0 or x.size == 0:
        raise ValueError("x is empty; at least 1 value(s) are needed.")
    if len(x.chunks[1]) > 1:
        raise ValueError(
            f"x is chunked along its columns (column chunks {x.chunks[1]}); every chunk must "
            "hold whole rows, since each point's responsibilities need all its coordinates. "
            "Rechunk with x.rechunk({1: -1})."
        )
    return da.asarray(x).astype(np.float64)


def _first_pass(x) -> tuple:
    """One Dask computation: count, mean, variance, range, and the NaN/inf check."""
    import dask

    offsets = np.concatenate([[0], np.cumsum(x.chunks[0])[:-1]])
    blocks = x.to_delayed().ravel()
    parts = [dask.delayed(_moments)(b, int(o)) for b, o in zip(blocks, offsets)]
    (merged,) = dask.compute(_tree(parts, lambda *p: _merge_moments(list(p))))
    n, mean, m2, lo, hi, n_bad, first = merged
    if n_bad:
        raise ValueError(f"x contains {n_bad} NaN or infinite value(s) (first at flat index "
                         f"{first}); remove or impute them first.")
    return n, mean, m2 / n, lo, hi


def _start_sample(x, n: int, rng: np.random.Generator) -> np.ndarray:
    """A uniform sample of up to ``START_SAMPLE`` rows, in memory, for random starts."""
    if n <= START_SAMPLE:
        return np.asarray(x.compute())
    idx = np.sort(rng.choice(n, size=START_SAMPLE, replace=False))
    return np.asarray(x[idx].compute())


# ---------------------------------------------------------------------------
# The fit


def fit_dask(x, k, covariance_type, init, n_init, max_iter, tol, reg_covar, rng) -> GMMResult:
    """:func:`~mlecourse.em.gmm_em` for a ``dask.array.Array`` (arguments already checked,
    except ``x``)."""
    import dask

    x = _validate(x)
    n, centre, data_var, lo, hi = _first_pass(x)
    d = x.shape[1]
    if k > n:
        raise ValueError(f"n_components={k} is more than the number of data points ({n}); "
                         f"use at most {n} components.")
    if reg_covar is None:
        const = np.flatnonzero(data_var <= 0)
        if const.size:
            j = int(const[0])
            raise DegenerateSampleError(
                f"column {j} of x is constant (every value {float(lo[j]):.6g}): a normal "
                "component has no variance to estimate there and the likelihood is unbounded. "
                "Drop the column, or give reg_covar= explicitly to fit with that fixed floor."
            )
        floor = DEFAULT_FLOOR * data_var
    else:
        floor = np.full(d, reg_covar)
    scale2 = float(np.sum(np.maximum(hi - centre, centre - lo) ** 2))
    diag = covariance_type == "diag"
    blocks = list(x.to_delayed().ravel())

    def e_step(params):
        chol = _cholesky_factors(params["covariances"], reg_covar)
        parts = [dask.delayed(_chunk_stats)(b, centre, params["weights"], params["means"],
                                            chol, diag) for b in blocks]
        (total,) = dask.compute(_tree(parts, _add))
        nk, sx, sxx, ll = total
        return (nk, sx, sxx, params["means"]), ll

    def m_step(stats):
        nk, sx, sxx, shift = stats
        nk = nk + 10 * np.finfo(float).eps
        means = sx / nk[:, None]
        covs = sxx / nk[:, None, None]
        delta = means - shift
        if diag:
            covs = covs - np.einsum("kd,de->kde", delta * delta, np.eye(d))
        else:
            covs = covs - np.einsum("kd,ke->kde", delta, delta)
            covs = 0.5 * (covs + covs.transpose(0, 2, 1))
        covs[:, np.arange(d), np.arange(d)] += floor
        return {"weights": nk / nk.sum(), "means": means, "covariances": covs}

    if isinstance(init, dict):
        given = _check_init_dict(init, k, d, covariance_type)
        given = dict(given, means=given["means"] - centre)
    else:
        sample = _start_sample(x, n, rng) - centre
    runs = []
    for _ in range(n_init):
        if isinstance(init, dict):
            start = given
        elif init == "kmeans":
            start = _kmeans_start(sample, k, covariance_type, floor, rng)
        else:
            start = _random_start(sample, k, init, covariance_type, floor, rng)
        result = em(e_step, m_step, start, max_iter=max_iter, tol=tol, warn=False,
                    allowed_decrease=lambda p: _floor_cost(p, n, floor, scale2))
        flags = _degenerate_components(result.params, n, floor, covariance_type,
                                       np.where(data_var > 0, data_var, 1.0))
        runs.append((not flags, result.loglik, len(runs), result, flags))
    best, flags = _select_run(runs, reg_covar, stacklevel=4)
    if not best.converged:
        warn_not_converged(best.n_iter, relative_change(best.loglik_history), stacklevel=4)
    params = {"weights": best.params["weights"], "means": best.params["means"] + centre,
              "covariances": best.params["covariances"]}
    return GMMResult(
        weights=params["weights"], means=params["means"], covariances=params["covariances"],
        loglik=best.loglik, loglik_history=best.loglik_history, n_iter=best.n_iter,
        converged=best.converged, responsibilities=_lazy_responsibilities(x, params),
        covariance_type=covariance_type, n_samples=int(n), reg_covar=floor,
        degenerate=tuple(j for j, _ in flags),
    )


def _block_responsibilities(block, weights, means, chol):
    xt = np.ascontiguousarray(np.asarray(block, dtype=np.float64).T)
    return np.ascontiguousarray(
        _log_normalize(_log_weighted_densities(xt, weights, means, chol))[1].T)


def _lazy_responsibilities(x, params):
    """The (N, K) responsibilities as a Dask array, computed only when asked for."""
    k = params["weights"].size
    chol = _cholesky_factors(params["covariances"])
    return x.map_blocks(_block_responsibilities, params["weights"], params["means"], chol,
                        chunks=(x.chunks[0], (k,)), dtype=np.float64)
