r"""Online (stepwise) EM for Gaussian mixtures (Cappé and Moulines, 2009).

Batch EM reads all the data for every iteration. Online EM reads them once, in
mini-batches, and keeps a running estimate :math:`s` of the *average*
sufficient statistics per point,

.. math:: s_t = (1 - \gamma_t)\, s_{t-1} + \gamma_t\, \bar s(B_t; \theta_{t-1}),
          \qquad \theta_t = \bar\theta(s_t),

where :math:`\bar s(B; \theta)` is the E-step's average of
:math:`(r_{nk},\ r_{nk} x_n,\ r_{nk} x_n x_n^\top)` over the mini-batch :math:`B`
and :math:`\bar\theta(s)` is the ordinary M-step applied to :math:`s`. With step
sizes :math:`\gamma_t = (t + t_0)^{-\kappa}`, :math:`\tfrac12 < \kappa \le 1`
(so that :math:`\sum \gamma_t = \infty` and :math:`\sum \gamma_t^2 < \infty`), it
is a stochastic approximation that converges to a stationary point of the
likelihood as the number of points grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_real, check_rng
from .gmm import (
    DEFAULT_FLOOR,
    _as_points,
    _cholesky_factors,
    _log_normalize,
    _log_weighted_densities,
    _random_start,
)

__all__ = ["OnlineEMResult", "online_gmm_em"]


@dataclass(frozen=True)
class OnlineEMResult:
    """What :func:`online_gmm_em` returns.

    Attributes
    ----------
    weights : ndarray, shape (K,)
    means : ndarray, shape (K, D)
    covariances : ndarray, shape (K, D, D)
    loglik : float
        Log-likelihood of all the data at the final parameters (one extra pass).
    n_batches : int
        Mini-batches processed (parameter updates made).
    batch_loglik : ndarray, shape (n_batches,)
        Mean log-likelihood per point of each mini-batch *before* it updated the
        parameters: an honest, noisy running measure of fit on unseen points.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    loglik: float
    n_batches: int
    batch_loglik: np.ndarray


def online_gmm_em(x, n_components: int, *, batch_size: int = 500, n_passes: int = 1,
                  kappa: float = 0.6, t0: float = 2.0, init=None,
                  reg_covar: float | None = None, rng=None) -> OnlineEMResult:
    r"""Fit a Gaussian mixture (full covariances) by online EM over mini-batches.

    Parameters
    ----------
    x : array_like, shape (N, D) or (N,)
        Data; visited in a random order, ``batch_size`` rows at a time.
    n_components : int
        Number of components ``K``.
    batch_size : int, default 500
        Rows per mini-batch (at least 1; more than N means N).
    n_passes : int, default 1
        Passes over the data.
    kappa : float, default 0.6
        Step-size exponent, ``0.5 < kappa <= 1``: ``gamma_t = (t + t0) ** -kappa``.
    t0 : float, default 2.0
        Step-size offset (``> 0``): the first step is ``(1 + t0) ** -kappa``.
    init : dict or None, default None
        Starting ``weights``, ``means``, ``covariances``; ``None``: means at
        k-means++ seeds from the first mini-batch, the pooled covariance, equal weights.
    reg_covar : float or None, default None
        Variance floor, as in :func:`~mlecourse.em.gmm_em` (``None``: 1e-10 times
        each column's variance, estimated from the first mini-batch).
    rng : None, int or numpy.random.Generator
        Randomness for the order of the points and the start.

    Returns
    -------
    OnlineEMResult

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = np.r_[rng.normal(0, 1, 30_000), rng.normal(5, 1, 70_000)]
    >>> fit = online_gmm_em(x, 2, batch_size=1000, rng=1)
    >>> np.round(np.sort(fit.means[:, 0]), 1), np.round(np.sort(fit.weights), 2)
    (array([0., 5.]), array([0.3, 0.7]))
    """
    x = _as_points(x)
    n, d = x.shape
    k = check_int(n_components, "n_components", low=1, high=n)
    batch_size = min(check_int(batch_size, "batch_size", low=1), n)
    n_passes = check_int(n_passes, "n_passes", low=1)
    kappa = check_real(kappa, "kappa", low=0.5, high=1.0)
    if kappa == 0.5:
        raise ValueError("kappa must be > 0.5 (and <= 1); got 0.5: the steps' squares must "
                         "have a finite sum.")
    t0 = check_real(t0, "t0", positive=True)
    rng = check_rng(rng)
    centre = x.mean(axis=0)
    xc = x - centre
    var = np.mean(xc * xc, axis=0)
    if reg_covar is None:
        floor = DEFAULT_FLOOR * np.where(var > 0, var, 1.0)
    else:
        floor = np.full(d, check_real(reg_covar, "reg_covar", low=0.0))
    order = rng.permutation(n)
    if init is None:
        first = xc[order[:max(batch_size, k)]]
        params = _random_start(first, k, "kmeans++", "full", floor, rng)
    else:
        from .gmm import _check_init_dict

        params = _check_init_dict(init, k, d, "full")
        params = dict(params, means=params["means"] - centre)
    # running averages of (r, r x, r x x^T), started at the starting parameters
    s0 = params["weights"].copy()
    s1 = params["weights"][:, None] * params["means"]
    s2 = params["weights"][:, None, None] * (
        params["covariances"] + np.einsum("kd,ke->kde", params["means"], params["means"]))
    batch_ll = []
    t = 0
    for _ in range(n_passes):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            xb = xc[order[start:start + batch_size]]
            xt = np.ascontiguousarray(xb.T)
            chol = _cholesky_factors(params["covariances"], reg_covar)
            log_norm, resp = _log_normalize(
                _log_weighted_densities(xt, params["weights"], params["means"], chol))
            batch_ll.append(float(log_norm.mean()))
            m = xb.shape[0]
            t += 1
            gamma = (t + t0) ** -kappa
            s0 = (1 - gamma) * s0 + gamma * resp.sum(axis=1) / m
            s1 = (1 - gamma) * s1 + gamma * (resp @ xb) / m
            s2 = (1 - gamma) * s2 + gamma * np.einsum("kn,nd,ne->kde", resp, xb, xb) / m
            nk = s0 + 10 * np.finfo(float).eps
            means = s1 / nk[:, None]
            covs = s2 / nk[:, None, None] - np.einsum("kd,ke->kde", means, means)
            covs = 0.5 * (covs + covs.transpose(0, 2, 1))
            covs[:, np.arange(d), np.arange(d)] += floor
            params = {"weights": nk / nk.sum(), "means": means, "covariances": covs}
    chol = _cholesky_factors(params["covariances"], reg_covar)
    ll = float(_log_normalize(_log_weighted_densities(
        np.ascontiguousarray(xc.T), params["weights"], params["means"], chol))[0].sum())
    return OnlineEMResult(weights=params["weights"], means=params["means"] + centre,
                          covariances=params["covariances"], loglik=ll, n_batches=t,
                          batch_loglik=np.asarray(batch_ll))
