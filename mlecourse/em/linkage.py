r"""The genetic-linkage example of Dempster, Laird and Rubin (1977).

197 animals fall into four categories with counts
:math:`y = (y_1, y_2, y_3, y_4) = (125, 18, 20, 34)` and multinomial cell
probabilities

.. math:: \left(\tfrac12 + \tfrac\theta4,\ \tfrac{1-\theta}4,\ \tfrac{1-\theta}4,\
          \tfrac\theta4\right), \qquad 0 \le \theta \le 1.

EM pretends that the first cell is the sum of two cells with probabilities
:math:`\tfrac12` and :math:`\tfrac\theta4`, with unobserved counts
:math:`y_1 - x` and :math:`x`. With :math:`x` known the MLE would be a
binomial proportion, :math:`\theta = (x + y_4) / (x + y_2 + y_3 + y_4)`.

* **E-step**: :math:`x` given :math:`y_1` is binomial, so
  :math:`\mathbb E[x \mid y, \theta] = y_1 \dfrac{\theta/4}{1/2 + \theta/4}
  = y_1 \dfrac{\theta}{2 + \theta}`.
* **M-step**: :math:`\theta = (\hat x + y_4) / (\hat x + y_2 + y_3 + y_4)`.

Setting the score :math:`y_1/(2+\theta) - (y_2+y_3)/(1-\theta) + y_4/\theta`
to zero gives the quadratic :math:`n\theta^2 - (y_1 - 2y_2 - 2y_3 - y_4)\theta
- 2y_4 = 0` (with :math:`n = \sum y`), i.e. :math:`197\theta^2 - 15\theta - 68 = 0`
for the data above, whose root in :math:`(0, 1)` is
:math:`\hat\theta = (15 + \sqrt{53809})/394 = 0.62682149787`. EM approaches it
linearly, each error about 0.1328 times the one before: that factor is the fraction of the
information about :math:`\theta` that the missing split of the first cell
carries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_real
from ._driver import em, relative_change, warn_not_converged

__all__ = ["LinkageResult", "linkage_em"]

DLR_COUNTS = (125, 18, 20, 34)


def cell_probabilities(theta: float) -> np.ndarray:
    """The four cell probabilities ``(1/2 + theta/4, (1-theta)/4, (1-theta)/4, theta/4)``."""
    return np.array([0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4])


def linkage_loglik(theta: float, counts) -> float:
    """Observed-data log-likelihood: the multinomial log-probability of ``counts`` at ``theta``."""
    from scipy.special import gammaln, xlogy

    y = np.asarray(counts, dtype=float)
    return float(gammaln(y.sum() + 1) - gammaln(y + 1).sum()
                 + xlogy(y, cell_probabilities(theta)).sum())


def linkage_e_step(theta: float, counts) -> float:
    """Expected count of the ``theta/4`` part of the first cell: ``y1 * theta / (2 + theta)``."""
    return counts[0] * theta / (2.0 + theta)


def linkage_m_step(x: float, counts) -> float:
    """Binomial proportion with the first cell split: ``(x + y4) / (x + y2 + y3 + y4)``."""
    return (x + counts[3]) / (x + counts[1] + counts[2] + counts[3])


@dataclass(frozen=True, repr=False)
class LinkageResult:
    """What :func:`linkage_em` returns.

    Attributes
    ----------
    theta : float
        The maximum likelihood estimate (the last EM iterate).
    loglik : float
        Multinomial log-likelihood at ``theta`` (with its constant, so it is a
        log-probability).
    theta_history : ndarray, shape (n_iter + 1,)
        ``theta_0`` (the start), ``theta_1``, ... ``theta_n_iter``.
    loglik_history : ndarray, shape (n_iter + 1,)
        The log-likelihood at each iterate; never decreasing.
    n_iter : int
        Number of EM iterations.
    converged : bool
        Whether the tolerances were met before ``max_iter``.
    counts : tuple of int
        The four counts.
    """

    theta: float
    loglik: float
    theta_history: np.ndarray
    loglik_history: np.ndarray
    n_iter: int
    converged: bool
    counts: tuple

    def table(self):
        """The iterates as a pandas ``DataFrame`` with columns ``t``, ``theta``, ``loglik``."""
        import pandas as pd

        return pd.DataFrame({"t": np.arange(self.n_iter + 1), "theta": self.theta_history,
                             "loglik": self.loglik_history})

    def __repr__(self) -> str:
        state = "converged" if self.converged else "did NOT converge"
        return (f"LinkageResult(theta={self.theta:.10f}, loglik={self.loglik:.10f}, "
                f"n_iter={self.n_iter}, {state}, counts={self.counts})")


def _check_counts(counts) -> tuple:
    if isinstance(counts, (str, bytes, dict)):
        raise TypeError(f"counts must be four non-negative integers; got {type(counts).__name__}.")
    arr = np.asarray(counts)
    if arr.shape != (4,):
        raise ValueError(f"counts must be four non-negative integers (y1, y2, y3, y4); "
                         f"got shape {arr.shape}.")
    values = tuple(check_int(v.item() if isinstance(v, np.generic) else v, f"counts[{i}]",
                             low=0) for i, v in enumerate(counts))
    if sum(values) == 0:
        raise ValueError("counts are all 0; at least one animal is needed.")
    return values


def linkage_em(counts=DLR_COUNTS, theta0: float = 0.5, *, max_iter: int = 1000,
               tol: float = 1e-12, param_tol: float = 1e-12) -> LinkageResult:
    """EM for the genetic-linkage multinomial of Dempster, Laird and Rubin (1977).

    Parameters
    ----------
    counts : sequence of 4 int, default (125, 18, 20, 34)
        Counts in the four cells, whose probabilities are
        ``(1/2 + theta/4, (1-theta)/4, (1-theta)/4, theta/4)``.
    theta0 : float, default 0.5
        Starting value, strictly between 0 and 1.
    max_iter : int, default 1000
        Largest number of iterations.
    tol : float, default 1e-12
        Relative tolerance on the log-likelihood change (see :func:`mlecourse.em.em`).
    param_tol : float, default 1e-12
        Also require the last change of ``theta`` to be at most
        ``param_tol * (1 + theta)``, so that ``theta`` is accurate to about 12
        digits (the log-likelihood alone pins it down only to about
        ``sqrt(tol)``, because it is flat at its maximum).

    Returns
    -------
    LinkageResult
        ``theta``, ``loglik``, ``theta_history``, ``loglik_history``,
        ``n_iter``, ``converged``; ``table()`` gives the iterates as a DataFrame.

    Examples
    --------
    >>> fit = linkage_em()
    >>> print(f"{fit.theta:.11f}")
    0.62682149787
    >>> print(fit.table().head(3).to_string(index=False))
     t    theta     loglik
     0 0.500000 -10.303015
     1 0.608247  -7.612589
     2 0.624321  -7.549835
    """
    y = _check_counts(counts)
    theta0 = check_real(theta0, "theta0", low=0.0, high=1.0, inclusive=False)
    result = em(lambda theta: linkage_e_step(theta, y),
                lambda x: linkage_m_step(x, y),
                theta0, loglik=lambda theta: linkage_loglik(theta, y),
                max_iter=max_iter, tol=tol, param_tol=param_tol, record_params=True, warn=False)
    if not result.converged:
        warn_not_converged(result.n_iter, relative_change(result.loglik_history), stacklevel=2)
    return LinkageResult(theta=float(result.params), loglik=result.loglik,
                         theta_history=np.asarray(result.params_history, dtype=float),
                         loglik_history=result.loglik_history, n_iter=result.n_iter,
                         converged=result.converged, counts=y)
