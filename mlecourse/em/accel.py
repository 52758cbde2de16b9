r"""Accelerating EM: SQUAREM (Varadhan and Roland, 2008).

EM is a fixed-point iteration :math:`\theta_{t+1} = F(\theta_t)`. Near the maximum
its error shrinks by a constant factor per step (the rate, the largest fraction of
missing information), so when much information is missing EM crawls. SQUAREM
("squared iterative methods") takes two EM steps,

.. math:: r = F(\theta) - \theta, \qquad v = F(F(\theta)) - 2F(\theta) + \theta,

and jumps along the path they trace, to
:math:`\theta' = \theta - 2\alpha r + \alpha^2 v` with the steplength
:math:`\alpha = -\lVert r\rVert / \lVert v\rVert` (their scheme S3), then takes one
EM step from :math:`\theta'` to stabilise. With :math:`\alpha = -1` this is exactly
two EM steps, so the method falls back to plain EM whenever the jump would lower the
log-likelihood: it keeps EM's monotonicity and needs nothing but the EM map and the
log-likelihood.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_int, check_real

__all__ = ["AccelResult", "squarem"]


@dataclass(frozen=True)
class AccelResult:
    """What :func:`squarem` returns.

    Attributes
    ----------
    params : ndarray
        The final parameter vector.
    loglik : float
        Log-likelihood at ``params``.
    n_iter : int
        SQUAREM cycles carried out (each uses 3 EM steps, more when it backtracks).
    n_em_steps : int
        Evaluations of the EM map in all: the cost to compare with plain EM's iterations.
    loglik_history : ndarray
        Log-likelihood at the start and after each cycle; never decreasing.
    converged : bool
        Whether the stopping rule was met.
    """

    params: np.ndarray
    loglik: float
    n_iter: int
    n_em_steps: int
    loglik_history: np.ndarray
    converged: bool


def squarem(em_map: Callable, theta0, loglik: Callable, *, project: Callable | None = None,
            max_iter: int = 500, tol: float = 1e-12) -> AccelResult:
    r"""Maximise a likelihood by SQUAREM-accelerated EM (scheme S3, monotone).

    Parameters
    ----------
    em_map : callable
        One EM iteration, ``em_map(theta) -> theta`` (E-step then M-step) on a
        parameter vector (a float or a 1-D array).
    theta0 : float or array_like
        Starting values.
    loglik : callable
        Observed-data log-likelihood ``loglik(theta) -> float``.
    project : callable or None, default None
        Maps an extrapolated point back into the parameter space (for instance
        ``lambda t: np.clip(t, 0, 1)``); ``None`` when every vector is allowed.
    max_iter : int, default 500
        Largest number of cycles.
    tol : float, default 1e-12
        Stop when a cycle changes the log-likelihood by at most ``tol * |l|``.

    Returns
    -------
    AccelResult

    Examples
    --------
    The linkage example of Dempster, Laird and Rubin, where plain EM
    (:func:`~mlecourse.em.linkage_em`) takes 14 iterations to meet the same tolerance:

    >>> from mlecourse.em.linkage import DLR_COUNTS, linkage_e_step, linkage_loglik
    >>> from mlecourse.em.linkage import linkage_m_step
    >>> step = lambda t: linkage_m_step(linkage_e_step(t, DLR_COUNTS), DLR_COUNTS)
    >>> res = squarem(step, 0.5, lambda t: linkage_loglik(t, DLR_COUNTS))
    >>> print(f"{res.params[0]:.10f}", res.n_em_steps, res.converged)
    0.6268214979 9 True
    """
    if not callable(em_map) or not callable(loglik):
        raise TypeError("em_map and loglik must be functions of the parameter vector.")
    if project is not None and not callable(project):
        raise TypeError(f"project must be a function or None; got {type(project).__name__}.")
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    as_float_array(theta0, "theta0", ndim=(0, 1))

    def as_vec(t):
        return np.atleast_1d(np.asarray(t, dtype=float)).copy()

    def step(t):
        return as_vec(em_map(t[0] if t.size == 1 else t))

    def ll_of(t):
        value = float(loglik(t[0] if t.size == 1 else t))
        return value if math.isfinite(value) else -math.inf

    theta = as_vec(theta0)
    ll = ll_of(theta)
    if not math.isfinite(ll):
        raise ValueError(f"the log-likelihood at theta0 = {theta0!r} is not finite; start "
                         "inside the parameter space.")
    history = [ll]
    n_steps = 0
    converged = False
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        t1 = step(theta)
        t2 = step(t1)
        n_steps += 2
        r, v = t1 - theta, t2 - 2 * t1 + theta
        nr, nv = float(np.linalg.norm(r)), float(np.linalg.norm(v))
        alpha = -nr / nv if nv > 0 else -1.0
        alpha = min(alpha, -1.0)
        while True:
            jump = theta - 2 * alpha * r + alpha**2 * v
            if project is not None:
                jump = as_vec(project(jump))
            new = step(jump)
            n_steps += 1
            new_ll = ll_of(new)
            if new_ll >= ll or alpha == -1.0:
                break
            alpha = min((alpha - 1.0) / 2.0, -1.0)      # halfway back towards plain EM
        if new_ll < ll:                                  # even the plain steps: rounding
            new, new_ll = t2, ll_of(t2)
        done = abs(new_ll - ll) <= tol * abs(new_ll)
        theta, ll = new, max(new_ll, ll)
        history.append(ll)
        if done:
            converged = True
            break
    return AccelResult(params=theta, loglik=ll, n_iter=n_iter, n_em_steps=n_steps,
                       loglik_history=np.asarray(history), converged=converged)
