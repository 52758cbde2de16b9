"""Newton's method for maximising a log-likelihood, written out so every step can be seen.

Newton's method finds a root of the score :math:`U(\\theta) = \\ell'(\\theta)` by
replacing the log-likelihood with its quadratic approximation at the current
value and jumping to that quadratic's peak:

.. math::

   \\theta_{t+1} = \\theta_t + J(\\theta_t)^{-1} U(\\theta_t),

where :math:`J(\\theta) = -\\ell''(\\theta)` is the observed information. Near a
maximum it converges quadratically; far from one it can step out of the
parameter space, run away, or settle on a minimum (where :math:`J < 0`).
``newton()`` records every iterate so a chapter can tabulate and plot them;
it does not hide those failures, it reports them in
``NewtonResult.message``. For production fits use :func:`mlecourse.fit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_choice, check_int, check_real

__all__ = ["NewtonResult", "newton"]


@dataclass(frozen=True)
class NewtonResult:
    """Every iterate of a Newton run on a log-likelihood.

    For a scalar parameter the arrays are 1-D; for a parameter vector of
    length ``k`` the leading axis indexes the iterates.

    Attributes
    ----------
    theta : ndarray, shape (T + 1,) or (T + 1, k)
        The iterates :math:`\\theta_0, \\dots, \\theta_T` (``theta[0]`` is the start).
    score : ndarray, shape (T + 1,) or (T + 1, k)
        The score :math:`U(\\theta_t)` at each iterate.
    info : ndarray, shape (T + 1,) or (T + 1, k, k)
        The observed information :math:`J(\\theta_t)` at each iterate.
    step : ndarray, shape (T,) or (T, k)
        The steps taken, ``theta[t + 1] - theta[t]``.
    converged : bool
        True when the last step was smaller than the tolerance.
    is_maximum : bool
        True when the information at the last iterate is positive (definite):
        the root found is a local maximum of the log-likelihood, not a
        minimum or a saddle point.
    message : str
        Why the iteration stopped, in words.
    """

    theta: np.ndarray
    score: np.ndarray
    info: np.ndarray
    step: np.ndarray
    converged: bool
    is_maximum: bool
    message: str

    @property
    def n_iter(self) -> int:
        """Number of Newton steps taken."""
        return len(self.step)

    @property
    def root(self):
        """The last iterate (a float for a scalar parameter)."""
        last = self.theta[-1]
        return float(last) if np.ndim(last) == 0 else last.copy()

    def table(self):
        """The iterates as a pandas ``DataFrame`` (scalar parameter only).

        Columns ``theta``, ``score``, ``info`` and ``step`` (the step taken
        *from* that row; empty in the last row), indexed by ``t``.
        """
        if self.theta.ndim != 1:
            raise ValueError("table() is for a scalar parameter; for a vector, read .theta, "
                             ".score, .info and .step directly.")
        import pandas as pd

        step = np.append(self.step, np.nan)
        return pd.DataFrame({"theta": self.theta, "score": self.score, "info": self.info,
                             "step": step}, index=pd.RangeIndex(len(self.theta), name="t"))

    def __repr__(self) -> str:
        state = "converged" if self.converged else "did not converge"
        return (f"NewtonResult({state} after {self.n_iter} step(s), root={self.root!r}; "
                f"{self.message})")


def _as_theta(value, k: int | None, what: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if k is None:
        if arr.ndim != 0:
            raise ValueError(f"{what} must return a single number for a scalar parameter; got "
                             f"an array of shape {arr.shape}.")
    elif arr.shape != (k,):
        raise ValueError(f"{what} must return an array of shape ({k},); got shape {arr.shape}.")
    return arr


def newton(score: Callable, info: Callable, x0, *, tol: float = 1e-10, max_iter: int = 50,
           domain: str = "real") -> NewtonResult:
    """Maximise a log-likelihood by Newton's method, keeping every iterate.

    Parameters
    ----------
    score : callable
        ``score(theta)``: the first derivative of the log-likelihood, a number
        (scalar ``theta``) or an array of shape (k,).
    info : callable
        ``info(theta)``: the observed information, minus the second derivative
        of the log-likelihood; a number, or an array of shape (k, k).
    x0 : float or array_like, shape (k,)
        The starting value.
    tol : float, default 1e-10
        Stop when every component of the step is at most
        ``tol * (1 + |theta|)``.
    max_iter : int, default 50
        Largest number of steps.
    domain : {"real", "positive", "unit"}, default "real"
        Where the parameter lives (for a vector, every component). An iterate
        outside it ends the run with ``converged=False``: plain Newton has no
        way back.

    Returns
    -------
    NewtonResult
        The iterates, scores, informations and steps, and whether and why the
        run stopped.

    Raises
    ------
    ValueError
        A start outside ``domain``, a non-finite score or information at the
        start, or callables returning the wrong shape.
    TypeError
        ``score`` or ``info`` not callable, or ``x0`` not numeric.

    Notes
    -----
    The run also stops (without converging) when the score or the
    information stops being finite, or when the information is singular. A
    run that converges where the information is not positive (definite) has
    found a minimum or a saddle of the log-likelihood: ``is_maximum`` is then
    False and the message says so.

    Examples
    --------
    Poisson counts: the score is ``sum(x) / lam - n`` and the information
    ``sum(x) / lam**2``; the root is the sample mean.

    >>> import numpy as np
    >>> from mlecourse.newton import newton
    >>> x = np.array([2, 3, 0, 4, 1])
    >>> res = newton(lambda l: x.sum() / l - x.size, lambda l: x.sum() / l**2, 1.0,
    ...              domain="positive")
    >>> res.converged, round(res.root, 12)
    (True, 2.0)
    """
    for f, name in ((score, "score"), (info, "info")):
        if not callable(f):
            raise TypeError(f"{name} must be a function of the parameter; got {type(f).__name__}.")
    tol = check_real(tol, "tol", positive=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    check_choice(domain, "domain", ("real", "positive", "unit"))
    if np.ndim(x0) == 0:
        theta = np.float64(check_real(x0, "x0"))
        k = None
    else:
        theta = as_float_array(x0, "x0", ndim=1)
        k = theta.size

    def inside(t) -> bool:
        if domain == "positive":
            return bool(np.all(t > 0))
        if domain == "unit":
            return bool(np.all((t > 0) & (t < 1)))
        return True

    allowed = {"positive": "theta > 0", "unit": "0 < theta < 1"}.get(domain, "")
    if not inside(theta):
        raise ValueError(f"x0 = {x0} is outside the parameter space ({allowed}).")

    def evaluate(t):
        u = _as_theta(score(t), k, "score")
        j = np.asarray(info(t), dtype=float)
        if k is None and j.ndim != 0:
            raise ValueError(f"info must return a single number for a scalar parameter; got "
                             f"an array of shape {j.shape}.")
        if k is not None and j.shape != (k, k):
            raise ValueError(f"info must return an array of shape ({k}, {k}); got {j.shape}.")
        return u, j

    u, j = evaluate(theta)
    if not (np.all(np.isfinite(u)) and np.all(np.isfinite(j))):
        raise ValueError(f"the score or the information is not finite at x0 = {x0}; start "
                         "where the log-likelihood is finite and smooth.")
    thetas, scores, infos, steps = [theta], [u], [j], []
    converged, message = False, f"stopped after max_iter={max_iter} steps without converging"
    for _ in range(max_iter):
        if k is None and j == 0:
            message = "the information is 0 (the log-likelihood is flat here), no Newton step"
            break
        try:
            step = u / j if k is None else np.linalg.solve(j, u)
        except np.linalg.LinAlgError:
            message = "the information matrix is singular, so the Newton step is undefined"
            break
        new = theta + step
        if not np.all(np.isfinite(new)):
            message = "the step is not finite: the iteration ran away"
            break
        thetas.append(new)
        steps.append(step)
        if not inside(new):
            message = (f"step {len(steps)} left the parameter space ({allowed}): the quadratic "
                       "approximation's peak lies outside it")
            break
        theta = new
        with np.errstate(all="ignore"):
            u, j = evaluate(theta)
        scores.append(u)
        infos.append(j)
        if not (np.all(np.isfinite(u)) and np.all(np.isfinite(j))):
            message = f"the score or the information is not finite at step {len(steps)}"
            break
        if np.all(np.abs(step) <= tol * (1 + np.abs(theta))):
            converged = True
            message = f"converged: the last step was below tol={tol:g}"
            break
    # when the run stopped outside the space, the last iterate has no score or information
    if len(scores) < len(thetas):
        nan_u = np.full_like(scores[0], np.nan)
        nan_j = np.full_like(infos[0], np.nan)
        scores.append(nan_u)
        infos.append(nan_j)
    last_j = infos[-1]
    if k is None:
        is_max = bool(np.isfinite(last_j) and last_j > 0)
    else:
        is_max = bool(np.all(np.isfinite(last_j))
                      and np.linalg.eigvalsh((last_j + last_j.T) / 2)[0] > 0)
    if converged and not is_max:
        message += ("; but the information there is not positive, so this root of the score is "
                    "a minimum or a saddle of the log-likelihood, not the MLE")
    step_arr = np.array(steps, dtype=float) if steps else np.empty((0,) if k is None else (0, k))
    return NewtonResult(np.array(thetas, dtype=float), np.array(scores, dtype=float),
                        np.array(infos, dtype=float), step_arr, converged, is_max, message)
