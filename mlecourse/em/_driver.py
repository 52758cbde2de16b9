"""A generic EM driver: alternate E-steps and M-steps until the log-likelihood settles.

Every EM algorithm has the same outer loop. A model supplies three things:

* an **E-step** ``e_step(params) -> expectations``: the conditional expectations
  of the complete-data sufficient statistics given the data, at ``params``
  (for a mixture: the responsibilities);
* an **M-step** ``m_step(expectations) -> params``: the parameters that
  maximise the expected complete-data log-likelihood;
* the **observed-data log-likelihood** ``loglik(params) -> float``.

:func:`em` runs the loop, records the log-likelihood after every step and
checks the one property every EM algorithm has: the observed-data
log-likelihood never decreases. A decrease larger than rounding error means
the E-step or the M-step is wrong, so :func:`em` raises instead of carrying on.

The E-step usually computes the log-likelihood as a by-product (it is the sum
of the logs of the normalising constants of the posterior). A model can then
pass ``loglik=None`` and return ``(expectations, loglik)`` from its E-step,
which saves a second pass over the data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import check_int, check_real

__all__ = ["ConvergenceWarning", "EMResult", "em"]

#: Rounding allowance of the monotonicity check: ``ROUNDING_REL * |l| + ROUNDING_ABS``.
#: A log-likelihood is a sum of ``N`` terms, each computed with a relative error of
#: a few times ``D`` machine epsilons and added with an error of about ``log2(N)``
#: epsilons (pairwise summation): about 1e-13 relative for ``D <= 50`` and
#: ``N <= 1e8``. 1e-11 (45000 epsilons) leaves a margin of 100 for terms of mixed
#: sign, and is 1000 times tighter than the 1e-8 used before, which let a wrong
#: M-step lower the log-likelihood by 3.8e-3 at ``l = -377071`` unnoticed.
ROUNDING_REL = 1e-11
ROUNDING_ABS = 1e-10


class ConvergenceWarning(UserWarning):
    """Issued when an EM run stops at ``max_iter`` before meeting its tolerance."""


@dataclass(frozen=True, repr=False)
class EMResult:
    """What :func:`em` returns.

    Attributes
    ----------
    params : object
        The parameters after the last M-step (whatever the model's M-step returns).
    loglik : float
        Observed-data log-likelihood at ``params``.
    loglik_history : ndarray, shape (n_iter + 1,)
        ``loglik_history[0]`` is the log-likelihood at the starting values and
        ``loglik_history[t]`` the one after the ``t``-th M-step; it never decreases.
    n_iter : int
        Number of EM iterations (E-step then M-step) carried out.
    converged : bool
        Whether the stopping rule was met before ``max_iter`` iterations.
    expectations : object
        The E-step's output at the final ``params`` (for a mixture, the
        responsibilities of the fitted model).
    params_history : list or None
        ``[params_0, params_1, ..., params_n_iter]`` when ``em`` was called with
        ``record_params=True``, else ``None``.
    """

    params: Any
    loglik: float
    loglik_history: np.ndarray
    n_iter: int
    converged: bool
    expectations: Any = None
    params_history: list | None = None

    def __repr__(self) -> str:
        state = "converged" if self.converged else "did NOT converge"
        return (f"EMResult(loglik={self.loglik:.10g}, n_iter={self.n_iter}, {state}, "
                f"params={self.params!r})")


def warn_not_converged(n_iter: int, rel_change: float, stacklevel: int = 1) -> None:
    """Issue the :class:`ConvergenceWarning` for a run that stopped at ``max_iter``.

    ``stacklevel=1`` attributes the warning to the function calling this helper,
    ``2`` to that function's caller, and so on.
    """
    warnings.warn(
        f"EM did not converge in {n_iter} iterations (last relative change "
        f"{rel_change:.3g}); raise max_iter or loosen tol.",
        ConvergenceWarning, stacklevel=stacklevel + 1,
    )


def relative_change(history) -> float:
    """``|l_t - l_{t-1}| / |l_t|`` for the last two entries of a log-likelihood history."""
    if len(history) < 2:
        return math.inf
    last, prev = float(history[-1]), float(history[-2])
    change = abs(last - prev)
    if last == 0:
        return 0.0 if change == 0 else math.inf
    return change / abs(last)


def _flat(params) -> np.ndarray:
    """All the numbers in ``params`` (a number, an array, or a dict/tuple/list of them)."""
    if isinstance(params, Mapping):
        parts = [_flat(v) for v in params.values()]
    elif isinstance(params, (tuple, list)):
        parts = [_flat(v) for v in params]
    else:
        return np.ravel(np.asarray(params, dtype=float))
    return np.concatenate(parts) if parts else np.empty(0)


def _check_loglik(value, where: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"the log-likelihood {where} must be a real number; "
                        f"got {type(value).__name__} {value!r}.") from None
    if math.isnan(v) or v == math.inf:
        raise ValueError(f"the log-likelihood {where} is {v}; a model's log-likelihood must be "
                         "finite (check its E-step and log-likelihood functions).")
    if v == -math.inf:
        raise ValueError(f"the log-likelihood {where} is -inf: the parameters give the data "
                         "probability zero; start from parameters inside the parameter space.")
    return v


def em(e_step: Callable, m_step: Callable, init, *, loglik: Callable | None = None,
       max_iter: int = 1000, tol: float = 1e-12, param_tol: float | None = None,
       record_params: bool = False, warn: bool = True,
       allowed_decrease: Callable | None = None) -> EMResult:
    r"""Run the EM algorithm from ``init`` until the log-likelihood stops changing.

    One iteration is an E-step followed by an M-step,
    :math:`\theta_{t} = M(E(\theta_{t-1}))`. The run stops after the first
    iteration ``t`` with

    .. math:: |\ell_t - \ell_{t-1}| \le \mathrm{tol}\,|\ell_t|,

    where :math:`\ell_t` is the observed-data log-likelihood at
    :math:`\theta_t` (and, if ``param_tol`` is given, also
    :math:`\max_i |\theta_{t,i} - \theta_{t-1,i}| \le
    \mathrm{param\_tol}\,(1 + \max_i |\theta_{t,i}|)`).

    Parameters
    ----------
    e_step : callable
        ``e_step(params)`` returns the expectations the M-step needs. If
        ``loglik`` is ``None`` it must return a pair ``(expectations, ll)``
        where ``ll`` is the observed-data log-likelihood at ``params``.
    m_step : callable
        ``m_step(expectations)`` returns the new parameters.
    init : object
        Starting parameters, in whatever form ``e_step`` accepts (a float, an
        array, a dict of arrays, ...).
    loglik : callable or None, default None
        ``loglik(params)`` returns the observed-data log-likelihood (a float).
    max_iter : int, default 1000
        Largest number of iterations (at least 1).
    tol : float, default 1e-12
        Relative tolerance on the change of the log-likelihood (``>= 0``). The
        default is tight on purpose: the log-likelihood is flat at its maximum,
        so a parameter is only accurate to about the square root of the
        relative change at which the run stops, and less when EM converges
        slowly (scikit-learn's default, an absolute change of ``1e-3`` in the
        *mean* log-likelihood, stops far from the maximum).
    param_tol : float or None, default None
        If given, also require every parameter to change by at most
        ``param_tol * (1 + max|params|)`` in the last iteration.
    record_params : bool, default False
        Keep every iterate in ``EMResult.params_history`` (for tables and
        animations).
    warn : bool, default True
        Issue a :class:`ConvergenceWarning` if the run stops at ``max_iter``.
    allowed_decrease : callable or None, default None
        For an M-step that maximises the expected complete-data
        log-likelihood :math:`Q` only approximately (a floor on a variance, say):
        ``allowed_decrease(new_params)`` returns a bound, ``>= 0``, on how far
        :math:`Q` at ``new_params`` can fall short of its maximum. EM's
        inequality then guarantees :math:`\ell_t \ge \ell_{t-1} -` that
        bound, and only a larger decrease is an error. ``None``: an exact
        M-step, no decrease beyond rounding.

    Returns
    -------
    EMResult
        Final parameters, log-likelihood and its history, the number of
        iterations, whether the run converged, and the E-step's output at the
        final parameters.

    Raises
    ------
    ValueError
        If a log-likelihood is NaN or infinite.
    RuntimeError
        If the log-likelihood decreases by more than rounding error
        (``1e-11 * |l| + 1e-10``, see ``ROUNDING_REL``, plus ``allowed_decrease``),
        which EM never does: the model's E-step, M-step or log-likelihood is wrong.

    Warns
    -----
    ConvergenceWarning
        If ``max_iter`` iterations did not meet the tolerance.

    Examples
    --------
    EM for the mean of a normal sample with some values missing at random is
    the fixed-point iteration "fill in the missing values with the current
    mean, then average":

    >>> import numpy as np
    >>> y = np.array([1.0, 2.0, 4.0]); n_missing = 2
    >>> res = em(lambda mu: mu,                                  # E: E[missing] = mu
    ...          lambda mu_fill: (y.sum() + n_missing * mu_fill) / (y.size + n_missing),
    ...          init=0.0, loglik=lambda mu: -0.5 * np.sum((y - mu) ** 2),
    ...          param_tol=1e-13)
    >>> print(f"{res.params:.10f}", res.converged, res.n_iter > 10)
    2.3333333333 True True
    """
    if not callable(e_step):
        raise TypeError(f"e_step must be a function of the parameters; "
                        f"got {type(e_step).__name__}.")
    if not callable(m_step):
        raise TypeError(f"m_step must be a function of the expectations; "
                        f"got {type(m_step).__name__}.")
    if allowed_decrease is not None and not callable(allowed_decrease):
        raise TypeError(f"allowed_decrease must be a function of the parameters or None; "
                        f"got {type(allowed_decrease).__name__}.")
    if loglik is not None and not callable(loglik):
        raise TypeError(f"loglik must be a function of the parameters or None; "
                        f"got {type(loglik).__name__}.")
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    if param_tol is not None:
        param_tol = check_real(param_tol, "param_tol", low=0.0)

    if loglik is None:
        def e_step_and_loglik(params):
            out = e_step(params)
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("with loglik=None, e_step must return a pair "
                                "(expectations, loglik); pass loglik= otherwise.")
            return out
    else:
        def e_step_and_loglik(params):
            return e_step(params), loglik(params)

    params = init
    expectations, ll = e_step_and_loglik(params)
    ll = _check_loglik(ll, "at the starting values")
    history = [ll]
    kept = [params] if record_params else None
    converged = False
    rel_change = math.inf
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        new_params = m_step(expectations)
        expectations, new_ll = e_step_and_loglik(new_params)
        new_ll = _check_loglik(new_ll, f"after iteration {n_iter}")
        rounding = ROUNDING_REL * abs(new_ll) + ROUNDING_ABS
        if new_ll < ll - rounding and (
                allowed_decrease is None
                or new_ll < ll - rounding - allowed_decrease(new_params)):
            raise RuntimeError(
                f"the log-likelihood decreased at EM iteration {n_iter}, from {ll!r} to "
                f"{new_ll!r}; EM never decreases it, so the E-step, M-step or "
                "log-likelihood function is wrong."
            )
        rel_change = relative_change([ll, new_ll])
        done = abs(new_ll - ll) <= tol * abs(new_ll)
        if done and param_tol is not None:
            new_flat = _flat(new_params)
            step = np.max(np.abs(new_flat - _flat(params)), initial=0.0)
            done = step <= param_tol * (1.0 + np.max(np.abs(new_flat), initial=0.0))
        params, ll = new_params, new_ll
        history.append(ll)
        if record_params:
            kept.append(params)
        if done:
            converged = True
            break

    if not converged and warn:
        warn_not_converged(n_iter, rel_change, stacklevel=2)
    return EMResult(params=params, loglik=ll, loglik_history=np.asarray(history),
                    n_iter=n_iter, converged=converged, expectations=expectations,
                    params_history=kept)
