r"""EM for the multivariate normal with values missing at random.

Each row :math:`x_n \in \mathbb{R}^D` is drawn from :math:`N(\mu, \Sigma)`, and
some of its entries are missing (``NaN``). When the missingness is *at random*
(it may depend on the observed values, not on the missing ones), the
likelihood of the observed values alone is the right one to maximise:

.. math:: \ell(\mu, \Sigma) = \sum_n \log N(x_{n,o} \mid \mu_o, \Sigma_{oo}),

where :math:`o = o(n)` are the entries observed in row :math:`n`. EM fills in
the complete-data sufficient statistics :math:`\sum_n x_n` and
:math:`\sum_n x_n x_n^\top` with their conditional expectations:

* **E-step** (``_e_step()``): for the missing entries :math:`m` of a row,
  :math:`\hat x_m = \mu_m + \Sigma_{mo}\Sigma_{oo}^{-1}(x_o - \mu_o)` and
  :math:`\operatorname{Cov}(x_m \mid x_o) = \Sigma_{mm} - \Sigma_{mo}\Sigma_{oo}^{-1}\Sigma_{om}`;
* **M-step** (``_m_step()``): the complete-data MLE from the filled-in data,
  :math:`\mu = \frac1N\sum_n \hat x_n` and
  :math:`\Sigma = \frac1N \sum_n \big[(\hat x_n - \mu)(\hat x_n - \mu)^\top + C_n\big]`
  where :math:`C_n` is the conditional covariance (zero on observed entries).

Rows are grouped by their pattern of missing entries, so each E-step does
one Cholesky factorisation per pattern, not per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_real
from ._driver import em, relative_change, warn_not_converged

__all__ = ["MissingEMResult", "mvn_missing_em"]

_LOG_2PI = math.log(2.0 * math.pi)


def _patterns(observed: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Group rows by their observed-entry pattern: a list of (row indices, observed mask)."""
    masks, which = np.unique(observed, axis=0, return_inverse=True)
    which = np.ravel(which)
    return [(np.flatnonzero(which == j), mask) for j, mask in enumerate(masks)]


_SINGULAR = ("the covariance estimate became singular (not positive definite): among the "
             "observed values some column is constant or an exact linear combination of "
             "others, or there are too few rows for a D-dimensional covariance.")


def _cholesky(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        raise ValueError(_SINGULAR) from None


def _e_step(x: np.ndarray, patterns, params: dict) -> tuple[dict, float]:
    """E-step: filled-in data, summed conditional covariance, and the observed-data
    log-likelihood at ``params``.

    Parameters
    ----------
    x : ndarray, shape (N, D)
        Data with NaN for missing entries.
    patterns : list
        Output of ``_patterns()``.
    params : dict
        ``mean`` (D,) and ``covariance`` (D, D).

    Returns
    -------
    expectations : dict
        ``filled`` (N, D): the data with every missing entry replaced by its
        conditional mean; ``cond_cov`` (D, D): the conditional covariances of
        the missing entries summed over rows.
    loglik : float
    """
    from .gmm import _triangular_inverse

    mu, sigma = params["mean"], params["covariance"]
    filled = x.copy()
    cond_cov = np.zeros_like(sigma)
    loglik = 0.0
    for rows, o in patterns:
        m = ~o
        chol = _cholesky(sigma[np.ix_(o, o)])                         # Sigma_oo = L L^T
        l_inv = _triangular_inverse(chol)
        diff = x[np.ix_(rows, o)] - mu[o]                             # (n_p, |o|)
        z = diff @ l_inv.T                                            # rows L^{-1}(x_o - mu_o)
        loglik += (-0.5 * (rows.size * o.sum() * _LOG_2PI + np.sum(z * z))
                   - rows.size * np.log(np.diagonal(chol)).sum())
        if m.any():
            s_mo = sigma[np.ix_(m, o)]
            coef = (s_mo @ l_inv.T) @ l_inv                           # Sigma_mo Sigma_oo^{-1}
            filled[np.ix_(rows, m)] = mu[m] + diff @ coef.T
            cond_cov[np.ix_(m, m)] += rows.size * (sigma[np.ix_(m, m)] - coef @ s_mo.T)
    return {"filled": filled, "cond_cov": cond_cov}, float(loglik)


def _m_step(expectations: dict) -> dict:
    """M-step: mean and covariance (divisor N) of the filled-in data, plus the
    conditional covariance of what was filled in."""
    filled = expectations["filled"]
    n = filled.shape[0]
    mean = filled.mean(axis=0)
    diff = filled - mean
    cov = (diff.T @ diff + expectations["cond_cov"]) / n
    cov = 0.5 * (cov + cov.T)
    eigenvalues = np.linalg.eigvalsh(cov)
    if eigenvalues[0] <= 1e3 * cov.shape[0] * np.finfo(float).eps * eigenvalues[-1]:
        raise ValueError(_SINGULAR)     # singular up to rounding: the likelihood is unbounded
    return {"mean": mean, "covariance": cov}


@dataclass(frozen=True, repr=False)
class MissingEMResult:
    """What :func:`mvn_missing_em` returns.

    Attributes
    ----------
    mean : ndarray, shape (D,)
        Maximum likelihood estimate of the mean.
    covariance : ndarray, shape (D, D)
        Maximum likelihood estimate of the covariance (divisor ``N``, not ``N - 1``).
    loglik : float
        Observed-data log-likelihood at the estimate (a sum over the rows used).
    loglik_history : ndarray, shape (n_iter + 1,)
        Log-likelihood at the starting values and after each iteration.
    n_iter : int
        Number of EM iterations.
    converged : bool
        Whether the tolerance was met before ``max_iter``.
    imputed : ndarray, shape (N, D)
        The data with each missing entry replaced by its conditional mean
        given the row's observed entries, at the estimate (rows with nothing
        observed get the estimated mean).
    n_used : int
        Number of rows with at least one observed value (the others carry no
        information and are left out of the fit).
    """

    mean: np.ndarray
    covariance: np.ndarray
    loglik: float
    loglik_history: np.ndarray
    n_iter: int
    converged: bool
    imputed: np.ndarray
    n_used: int

    def __repr__(self) -> str:
        state = "converged" if self.converged else "did NOT converge"
        with np.printoptions(precision=4, suppress=True):
            return (f"MissingEMResult(loglik={self.loglik:.6f}, n_iter={self.n_iter}, {state}, "
                    f"n_used={self.n_used})\n  mean={self.mean}\n"
                    f"  covariance={self.covariance.tolist()}")


def _as_data_with_missing(x) -> np.ndarray:
    if isinstance(x, (str, bytes, dict)):
        raise TypeError(f"X must be a 2-D array of numbers (NaN for missing values); "
                        f"got {type(x).__name__}.")
    try:
        arr = np.array(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError("X must be a 2-D array of numbers (NaN for missing values); could not "
                        f"convert it: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-D, shape (N, D); got an array of shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"X is empty (shape {arr.shape}); at least one row and one column "
                         "are needed.")
    if np.any(np.isinf(arr)):
        raise ValueError("X contains infinite values; only NaN may mark a missing value.")
    return arr


def mvn_missing_em(x, *, max_iter: int = 1000, tol: float = 1e-12) -> MissingEMResult:
    r"""Maximum likelihood mean and covariance of a multivariate normal with missing values.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Data, one row per observation, ``NaN`` marking a missing value (the
        one place in the package where NaN is allowed). The values are
        assumed missing at random. Rows with no observed value carry no
        information about the parameters and are left out of the fit.
    max_iter : int, default 1000
        Largest number of EM iterations.
    tol : float, default 1e-12
        Stop when the relative change of the log-likelihood is at most ``tol``
        (see :func:`mlecourse.em.em`).

    Returns
    -------
    MissingEMResult
        ``mean``, ``covariance`` (divisor ``N``), ``loglik`` (observed-data),
        ``loglik_history``, ``n_iter``, ``converged``, ``imputed`` and ``n_used``.
        When nothing is missing the result is the complete-data MLE: the
        sample mean and the sample covariance with divisor ``N``.

    Raises
    ------
    ValueError
        If ``x`` is not 2-D, contains infinity, has a column with no observed
        value or with a single distinct observed value, has two columns never
        observed in the same row (their covariance is not identified), or the
        covariance estimate becomes singular, or is still heading towards a
        singular matrix after ``max_iter`` iterations (the likelihood is then
        unbounded and there is no MLE).

    Notes
    -----
    EM starts from the observed means and variances of each column, with zero
    covariances.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 7.0], [np.nan, 1.0]])
    >>> fit = mvn_missing_em(x)
    >>> fit.converged, fit.mean.shape, fit.covariance.shape
    (True, (2,), (2, 2))
    """
    arr = _as_data_with_missing(x)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    observed = ~np.isnan(arr)
    used = observed.any(axis=1)
    if not used.any():
        raise ValueError("X has no observed value; every entry is NaN.")
    data, obs = arr[used], observed[used]
    counts = obs.sum(axis=0)
    if np.any(counts == 0):
        raise ValueError(f"column {int(np.flatnonzero(counts == 0)[0])} of X has no observed "
                         "value, so its mean is not identified.")
    together = obs.T.astype(int) @ obs.astype(int)
    never = np.argwhere(together == 0)
    if never.size:
        i, j = sorted(int(v) for v in never[0])
        raise ValueError(f"columns {i} and {j} of X are never observed in the same row, so "
                         "their covariance is not identified.")
    mean0 = np.nanmean(data, axis=0)
    var0 = np.nanmean((data - mean0) ** 2, axis=0)
    if np.any(var0 <= 0):
        raise ValueError(f"column {int(np.flatnonzero(var0 <= 0)[0])} of X has a single distinct "
                         "observed value, so its variance estimate is 0 and the covariance "
                         "MLE is singular.")
    patterns = _patterns(obs)
    try:
        result = em(lambda params: _e_step(data, patterns, params), _m_step,
                    {"mean": mean0, "covariance": np.diag(var0)},
                    max_iter=max_iter, tol=tol, warn=False)
    except ValueError as exc:
        # the driver's advice on non-finite log-likelihoods ("start from parameters
        # inside the parameter space") is for callers who choose the start; this
        # function chooses it itself, so say what in the data causes it
        if not str(exc).startswith("the log-likelihood"):
            raise
        raise ValueError(
            f"{str(exc).split(';')[0].split(':')[0]}: in floating point the covariance "
            "estimate is singular or the densities overflow, which happens when columns of X "
            "have extreme or very different scales. Rescale the columns (divide each by its "
            "standard deviation) and fit again."
        ) from None
    if not result.converged:
        eigenvalues = np.linalg.eigvalsh(result.params["covariance"])
        if eigenvalues[0] < 1e-8 * eigenvalues[-1]:
            raise ValueError(
                f"the likelihood appears to be unbounded: after {result.n_iter} iterations the "
                "covariance estimate is still heading towards a singular matrix (smallest to "
                f"largest eigenvalue {eigenvalues[0] / eigenvalues[-1]:.1e}). Too few rows "
                "have the columns observed together to pin down a non-singular covariance."
            )
        warn_not_converged(result.n_iter, relative_change(result.loglik_history), stacklevel=2)
    imputed = np.tile(result.params["mean"], (arr.shape[0], 1))
    imputed[used] = result.expectations["filled"]
    return MissingEMResult(mean=result.params["mean"], covariance=result.params["covariance"],
                           loglik=result.loglik, loglik_history=result.loglik_history,
                           n_iter=result.n_iter, converged=result.converged, imputed=imputed,
                           n_used=int(used.sum()))
