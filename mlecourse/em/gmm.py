r"""Gaussian mixture models fitted by EM.

The model: each point :math:`x_n \in \mathbb{R}^D` comes from one of :math:`K`
components, component :math:`k` with probability :math:`w_k`, and given its
component it is normal, :math:`x_n \mid z_n = k \sim N(\mu_k, \Sigma_k)`. The
observed-data log-likelihood is

.. math:: \ell(\theta) = \sum_{n=1}^N \log \sum_{k=1}^K w_k\, N(x_n \mid \mu_k, \Sigma_k).

EM alternates two small steps, each a pure function below:

* **E-step** (``_e_step()``): the responsibilities
  :math:`r_{nk} = P(z_n = k \mid x_n, \theta)`, computed in log space
  (``_log_weighted_densities()``, then ``_log_normalize()``); the log of
  the normalising constants summed over the points is :math:`\ell(\theta)`
  itself, so the E-step returns it for free.
* **M-step** (``_m_step()``): weighted proportions, means and covariances,
  :math:`N_k = \sum_n r_{nk}`, :math:`w_k = N_k / N`,
  :math:`\mu_k = \sum_n r_{nk} x_n / N_k`,
  :math:`\Sigma_k = \sum_n r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top / N_k + \lambda I`
  with a small floor :math:`\lambda` (``reg_covar``).

The generic loop, stopping rule and monotonicity check live in
:func:`mlecourse.em.em`. The floor :math:`\lambda` makes the M-step slightly
inexact, so the check allows the (computable) amount by which it can lower
the log-likelihood: see ``_floor_cost()`` and the Notes of :func:`mlecourse.em.gmm_em`.

Storage. The data are centred once (the likelihood does not change under a
shift, and rounding then scales with the spread of the data, not with their
distance from 0). Inside the fit the data are kept as a ``(D, N)`` array and the
responsibilities as a ``(K, N)`` array, one row per component: every
operation then runs along a contiguous row of length ``N``, which is several
times faster than the ``(N, D)`` / ``(N, K)`` layout for the small ``D`` and
``K`` of a mixture. The public results use the usual ``(N, D)`` and ``(N, K)``
shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_choice, check_int, check_real, check_rng
from ..families import DegenerateSampleError
from ._driver import em, relative_change, warn_not_converged

__all__ = ["DegenerateComponentWarning", "GMMResult", "gmm_em", "semisupervised_gmm_em"]

#: Default variance floor, relative to each column's variance (see :func:`gmm_em`).
#: Small enough to leave alone any component the data resolve (one whose standard
#: deviation is 1e-5 of the column's changes by under 1%), large enough (about 5e5
#: machine epsilons) to keep every covariance safely positive definite in floating
#: point. 1e-6 would already floor a component 1e-3 times narrower than the spread of
#: the data, as with two tight clusters far apart.
DEFAULT_FLOOR = 1e-10


class DegenerateComponentWarning(UserWarning):
    """A fitted mixture component sits on too few points to be estimated.

    Issued by :func:`gmm_em` and :func:`semisupervised_gmm_em` when the fit they
    return has a component with fewer than ``D + 1`` effective points
    (``N_k = N w_k``; fewer than 2 for ``covariance_type="diag"``) or with a
    variance at the floor (the floor makes up at least half of a variance). Such
    a component is a *spurious maximum*: the likelihood grows without bound as
    a component shrinks onto a few points, and only the floor keeps it finite.
    The message names the component and the remedies.
    """

_LOG_2PI = math.log(2.0 * math.pi)
_COVARIANCE_TYPES = ("full", "diag")
_INIT_KEYS = ("weights", "means", "covariances")


# ---------------------------------------------------------------------------
# The EM steps: small pure functions on (D, N) data and (K, N) responsibilities


def _cholesky_factors(covariances: np.ndarray, reg_covar: float | None = None) -> np.ndarray:
    """Lower Cholesky factors ``L_k`` with ``L_k L_k^T = Sigma_k``, shape (K, D, D).

    One factorisation per component; it gives both the Mahalanobis distances
    (through ``L_k^{-1}``) and the log-determinant (``2 * sum(log(diag(L_k)))``).
    """
    factors = np.empty_like(covariances)
    for k, cov in enumerate(covariances):
        try:
            factors[k] = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            floor = "" if reg_covar is None else f" (now {reg_covar!r})"
            raise ValueError(
                f"the covariance matrix of component {k} is not positive definite: the "
                "component collapsed onto fewer than D + 1 distinct points, or the data "
                f"have a constant column. Increase reg_covar{floor}, use fewer components "
                "or rescale the data."
            ) from None
    return factors


def _triangular_inverse(lower: np.ndarray) -> np.ndarray:
    """Inverse of a lower-triangular matrix with a positive diagonal (LAPACK ``trtri``).

    The same as ``scipy.linalg.solve_triangular(lower, I, lower=True)``, which
    has a large fixed cost per call for the tiny (D, D) matrices of a mixture.
    """
    from scipy.linalg.lapack import dtrtri

    inv, info = dtrtri(lower, lower=1)
    if info != 0:
        raise ValueError(f"LAPACK trtri failed (info={info}); the Cholesky factor is singular.")
    return inv


def _log_weighted_densities(xt: np.ndarray, weights: np.ndarray, means: np.ndarray,
                            chol: np.ndarray) -> np.ndarray:
    r"""``log w_k + log N(x_n | mu_k, Sigma_k)`` for every component and point, shape (K, N).

    With :math:`\Sigma_k = L_k L_k^\top` and :math:`z = L_k^{-1}(x - \mu_k)`,
    :math:`\log N(x \mid \mu_k, \Sigma_k) = -\tfrac12 (D \log 2\pi + z^\top z)
    - \sum_d \log (L_k)_{dd}`.

    Parameters
    ----------
    xt : ndarray, shape (D, N)
        The data, one column per point.
    weights : ndarray, shape (K,)
    means : ndarray, shape (K, D)
    chol : ndarray, shape (K, D, D)
        Lower Cholesky factors of the covariances (``_cholesky_factors()``).
    """
    d, n = xt.shape
    out = np.empty((weights.size, n))
    for k in range(weights.size):
        l_inv = _triangular_inverse(chol[k])
        z = l_inv @ xt
        z -= (l_inv @ means[k])[:, None]                    # z = L^{-1} (x - mu), (D, N)
        np.einsum("dn,dn->n", z, z, out=out[k])             # squared Mahalanobis distance
        out[k] *= -0.5
        out[k] += (math.log(weights[k]) - 0.5 * d * _LOG_2PI
                   - np.log(np.diagonal(chol[k])).sum())
    return out


def _log_normalize(log_wd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Log normalising constants and responsibilities from (K, N) log weighted densities.

    Returns ``log_norm`` of shape (N,), :math:`\log \sum_k e^{a_{kn}}`, and
    ``resp`` of shape (K, N), :math:`e^{a_{kn}} / \sum_j e^{a_{jn}}`. This is
    the log-sum-exp trick of :func:`scipy.special.logsumexp` (subtract each
    column's maximum before exponentiating, so nothing overflows and the
    largest term is exactly 1), written out so that the exponentials computed
    for the normaliser are reused as the responsibilities.
    """
    top = log_wd.max(axis=0)
    resp = log_wd - top
    np.exp(resp, out=resp)
    total = resp.sum(axis=0)          # in [1, K]: no underflow, no division by zero
    resp /= total
    return np.log(total) + top, resp


def _e_step(xt: np.ndarray, params: dict, labels: np.ndarray | None = None,
            reg_covar: float | None = None) -> tuple[np.ndarray, float]:
    """E-step: responsibilities (K, N) and the observed-data log-likelihood at ``params``.

    ``labels`` (shape (N,), -1 for unlabelled) fixes the responsibilities of
    labelled points to one-hot rows; their contribution to the log-likelihood
    is then ``log w_y + log N(x | mu_y, Sigma_y)`` for their known component ``y``.
    """
    chol = _cholesky_factors(params["covariances"], reg_covar)
    log_wd = _log_weighted_densities(xt, params["weights"], params["means"], chol)
    if labels is None:
        log_norm, resp = _log_normalize(log_wd)
        return resp, float(log_norm.sum())
    unlabelled = labels < 0
    known = np.flatnonzero(~unlabelled)
    resp = np.zeros_like(log_wd)
    log_norm, resp[:, unlabelled] = _log_normalize(log_wd[:, unlabelled])
    resp[labels[known], known] = 1.0
    return resp, float(log_norm.sum() + log_wd[labels[known], known].sum())


def _m_step(xt: np.ndarray, resp: np.ndarray, covariance_type: str,
            reg_covar: float) -> dict:
    """M-step: weights (K,), means (K, D) and covariances (K, D, D) from responsibilities.

    ``N_k`` gets ``10 * eps`` added (as in scikit-learn) so that a component
    with no responsibility left gives no 0/0. ``reg_covar`` is added to the
    diagonal of every covariance matrix. For ``"diag"`` only the diagonal is
    estimated and the off-diagonal entries are 0.
    """
    d = xt.shape[0]
    nk = resp.sum(axis=1) + 10 * np.finfo(float).eps
    weights = nk / nk.sum()
    means = (resp @ xt.T) / nk[:, None]
    covariances = np.zeros((nk.size, d, d))
    for k in range(nk.size):
        diff = xt - means[k][:, None]                        # (D, N)
        if covariance_type == "full":
            cov = (diff * resp[k]) @ diff.T / nk[k]
            covariances[k] = 0.5 * (cov + cov.T)
        else:
            np.fill_diagonal(covariances[k], (diff * diff) @ resp[k] / nk[k])
        covariances[k].flat[:: d + 1] += reg_covar
    return {"weights": weights, "means": means, "covariances": covariances}


def _floor_ratios(cov: np.ndarray, floor: np.ndarray) -> np.ndarray:
    r"""Eigenvalues of :math:`\Sigma^{-1}\Lambda` for a covariance and the diagonal floor
    :math:`\Lambda = \mathrm{diag}(\lambda_d)`: the shares of the variance, along each
    principal direction of :math:`\Lambda^{-1/2}\Sigma\Lambda^{-1/2}`, that the floor makes
    up (1 means all of it). All 0 when there is no floor."""
    if not np.any(floor > 0):
        return np.zeros(cov.shape[0])
    s = np.sqrt(floor)
    whitened = cov / np.outer(s, s) if np.all(floor > 0) else None
    if whitened is None:                     # a floor on some columns only
        from scipy.linalg import eigvalsh
        return np.clip(eigvalsh(np.diag(floor), cov), 0.0, None)
    return 1.0 / np.linalg.eigvalsh(whitened)


def _floor_cost(params: dict, n: int, reg_covar, scale2: float = 0.0) -> float:
    r"""Bound on how much the covariance floor can lower the log-likelihood in one EM step.

    The exact M-step would set :math:`\Sigma_k = S_k`, the weighted covariance;
    the floored one sets :math:`\Sigma_k = S_k + \Lambda` with the diagonal floor
    :math:`\Lambda` (``reg_covar`` times the identity, or the default floor
    :math:`10^{-6}` times each column's variance), which lowers the expected
    complete-data log-likelihood :math:`Q` by

    .. math:: \delta_k = \frac{N_k}{2} \sum_i \big[-\log(1 - r_i) - r_i\big]
              \;\approx\; \frac{N_k}{4} \sum_i r_i^2 \quad (r_i \ll 1),

    where :math:`r_i` are the eigenvalues of :math:`\Sigma_k^{-1}\Lambda` (for a
    scalar floor, :math:`\lambda/\sigma_i` with :math:`\sigma_i` the eigenvalues of
    :math:`\Sigma_k`) and :math:`N_k = N w_k`. EM's inequality then gives
    :math:`\ell_t \ge \ell_{t-1} - \sum_k \delta_k`: negligible for a healthy
    component, large (infinite) for one that collapsed onto fewer than
    :math:`D + 1` distinct points, where the floor is what keeps it finite.

    The bound is also infinite for a component that is collapsing (only
    possible with a negligible floor): one whose smallest variance is below
    ``1e6 * eps`` times its largest or times ``scale2`` (the largest squared
    distance of a point from the centre of the data). Its log-likelihood is
    then dominated by rounding on its way to infinity and cannot be checked.
    """
    limit = 1e6 * np.finfo(float).eps
    floor = np.broadcast_to(np.asarray(reg_covar, dtype=float),
                            (params["covariances"].shape[1],))
    total = 0.0
    for weight, cov in zip(params["weights"], params["covariances"]):
        sigma = np.linalg.eigvalsh(cov)
        ratio = _floor_ratios(cov, floor)
        if sigma[0] <= limit * max(sigma[-1], scale2) or ratio.max() >= 1.0:
            return math.inf
        total += 0.5 * n * weight * float(np.sum(-np.log1p(-ratio) - ratio))
    return total


def _default_floor(xc: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The default floor: ``DEFAULT_FLOOR`` times each column's variance, shape (D,).

    Raises :class:`~mlecourse.DegenerateSampleError` for a constant column, which
    has no scale to take a floor from (and no variance a normal could fit)."""
    var = np.mean(xc * xc, axis=0)
    const = np.flatnonzero(var <= 0)
    if const.size:
        j = int(const[0])
        raise DegenerateSampleError(
            f"column {j} of x is constant (every value {float(x[0, j]):.6g}): a normal "
            "component has no variance to estimate there and the likelihood is unbounded. "
            "Drop the column, or give reg_covar= explicitly to fit with that fixed floor."
        )
    return DEFAULT_FLOOR * var


def _degenerate_components(params: dict, n: int, floor: np.ndarray, covariance_type: str,
                           data_var: np.ndarray) -> list[tuple[int, str]]:
    """Components of a fit that are not estimated by the data: ``[(k, reason), ...]``.

    A component is flagged when it has fewer effective points ``N_k = N w_k``
    than a covariance of its type needs (``D + 1`` for ``"full"``, 2 for
    ``"diag"``), when the floor makes up at least half of one of its variances,
    or (no floor) when a variance has shrunk below ``1e6 * eps`` times the
    data's variance in that column: it is collapsing onto a point.
    """
    d = params["means"].shape[1]
    need = d + 1 if covariance_type == "full" else 2
    out = []
    for k, (w, cov) in enumerate(zip(params["weights"], params["covariances"])):
        nk = n * float(w)
        share = float(_floor_ratios(cov, floor).max())
        s = np.sqrt(data_var)
        smallest = float(np.linalg.eigvalsh(cov / np.outer(s, s))[0])
        if nk < need:
            out.append((k, f"it has {nk:.4g} effective points (N w_k), fewer than the {need} "
                           f"a {covariance_type} covariance in D = {d} needs"))
        elif share >= 0.5:
            out.append((k, f"the variance floor makes up {share:.0%} of one of its variances: "
                           "it sits on fewer than D + 1 distinct points"))
        elif smallest < 1e6 * np.finfo(float).eps:
            out.append((k, f"one of its variances has shrunk to {smallest:.1e} of the data's: "
                           "it is collapsing onto a point"))
    return out


def _warn_degenerate(flags: list[tuple[int, str]], stacklevel: int) -> None:
    import warnings

    k, reason = flags[0]
    more = "" if len(flags) == 1 else f" (also component(s) {[j for j, _ in flags[1:]]})"
    warnings.warn(
        f"component {k} of the fitted mixture is degenerate{more}: {reason}. The data do not "
        "estimate such a component (the likelihood grows without bound as a component "
        "shrinks onto fewer than D + 1 points), so this is a spurious maximum. Try more "
        "starts (n_init), fewer components, covariance_type='diag', or remove duplicated "
        "points.",
        DegenerateComponentWarning, stacklevel=stacklevel + 1,
    )


# ---------------------------------------------------------------------------
# Starting values


def _kmeans_plusplus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``k`` seeds chosen by k-means++ (each new seed drawn with probability
    proportional to its squared distance from the nearest seed so far)."""
    n = x.shape[0]
    seeds = [int(rng.integers(n))]
    d2 = ((x - x[seeds[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        nxt = int(rng.choice(n, p=d2 / total)) if total > 0 else int(rng.integers(n))
        seeds.append(nxt)
        d2 = np.minimum(d2, ((x - x[nxt]) ** 2).sum(axis=1))
    return np.asarray(seeds)


def _pooled_covariance(x: np.ndarray, covariance_type: str, reg_covar: float) -> np.ndarray:
    """Covariance of all the data (divisor N) plus ``reg_covar`` on the diagonal, (D, D)."""
    diff = x - x.mean(axis=0)
    cov = diff.T @ diff / x.shape[0]
    if covariance_type == "diag":
        cov = np.diag(np.diag(cov))
    return cov + np.diag(np.broadcast_to(reg_covar, (x.shape[1],)))


def _random_start(x, k, init, covariance_type, reg_covar, rng) -> dict:
    """Means at ``k`` data points (k-means++ seeds or uniform without replacement),
    every covariance equal to the pooled covariance, equal weights."""
    if init == "kmeans++":
        idx = _kmeans_plusplus(x, k, rng)
    else:
        idx = rng.choice(x.shape[0], size=k, replace=False)
    cov = _pooled_covariance(x, covariance_type, reg_covar)
    return {"weights": np.full(k, 1.0 / k), "means": x[idx].copy(),
            "covariances": np.repeat(cov[None], k, axis=0)}


def _kmeans_start(x, k, covariance_type, reg_covar, rng, max_iter: int = 300) -> dict:
    """Lloyd's k-means from k-means++ seeds, then one M-step on its hard labels:
    the cluster proportions, means and covariances (plus the floor), as
    scikit-learn's default ``init_params="kmeans"``. An empty cluster is moved to
    the point farthest from its centre."""
    centres = x[_kmeans_plusplus(x, k, rng)].copy()
    sq = np.einsum("nd,nd->n", x, x)
    labels = None
    for _ in range(max_iter):
        d2 = sq[:, None] - 2.0 * (x @ centres.T) + np.einsum("kd,kd->k", centres, centres)
        new = np.argmin(d2, axis=1)
        counts = np.bincount(new, minlength=k)
        for j in np.flatnonzero(counts == 0):
            far = int(np.argmax(d2[np.arange(x.shape[0]), new]))
            new[far] = j
            counts = np.bincount(new, minlength=k)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        centres = np.stack([x[labels == j].mean(axis=0) for j in range(k)])
    resp = np.zeros((k, x.shape[0]))
    resp[labels, np.arange(x.shape[0])] = 1.0
    return _m_step(np.ascontiguousarray(x.T), resp, covariance_type, reg_covar)


def _labels_start(x, k, labels, covariance_type, reg_covar) -> dict:
    """Weights and means of the labelled points per component, pooled covariance."""
    counts = np.bincount(labels[labels >= 0], minlength=k)
    if np.any(counts == 0):
        raise ValueError(
            f"init='labels' needs at least one labelled point in every component; component "
            f"{int(np.flatnonzero(counts == 0)[0])} has none. Use init='kmeans++' or give "
            "starting values as a dict."
        )
    means = np.stack([x[labels == j].mean(axis=0) for j in range(k)])
    cov = _pooled_covariance(x, covariance_type, reg_covar)
    return {"weights": counts / counts.sum(), "means": means,
            "covariances": np.repeat(cov[None], k, axis=0)}


def _check_init_dict(init: dict, k: int, d: int, covariance_type: str) -> dict:
    keys = sorted(init)
    if keys != sorted(_INIT_KEYS):
        raise ValueError(f"init dict must have exactly the keys {sorted(_INIT_KEYS)}; got {keys}.")
    w = as_float_array(init["weights"], "init['weights']", ndim=None)
    if w.shape != (k,):
        raise ValueError(f"init['weights'] must have shape (n_components,) = ({k},); "
                         f"got shape {w.shape}.")
    if np.any(w <= 0):
        raise ValueError(f"init['weights'] must all be positive; got {float(w.min())!r}.")
    if abs(w.sum() - 1.0) > 1e-8:
        raise ValueError(f"init['weights'] must sum to 1; they sum to {float(w.sum()):.12g}.")

    means = as_float_array(init["means"], "init['means']", ndim=None)
    if d == 1 and means.shape == (k,):
        means = means[:, None]
    if means.shape != (k, d):
        raise ValueError(f"init['means'] must have shape (n_components, D) = ({k}, {d}); "
                         f"got shape {means.shape}.")

    covs = as_float_array(init["covariances"], "init['covariances']", ndim=None)
    if d == 1 and covs.shape in ((k,), (k, 1)):
        covs = covs.reshape(k, 1, 1)
    if covs.shape != (k, d, d):
        raise ValueError(f"init['covariances'] must have shape (n_components, D, D) = "
                         f"({k}, {d}, {d}); got shape {covs.shape}.")
    for j, cov in enumerate(covs):
        if not np.allclose(cov, cov.T, rtol=1e-10, atol=0.0):
            raise ValueError(f"init['covariances'][{j}] is not symmetric.")
        if covariance_type == "diag" and np.any(cov[~np.eye(d, dtype=bool)] != 0):
            raise ValueError(f"covariance_type='diag' needs diagonal matrices; "
                             f"init['covariances'][{j}] has non-zero off-diagonal entries.")
        smallest = float(np.linalg.eigvalsh(cov)[0])
        if smallest <= 0:
            raise ValueError(f"init['covariances'][{j}] is not positive definite "
                             f"(smallest eigenvalue {smallest!r}).")
    return {"weights": w / w.sum(), "means": means.copy(),
            "covariances": 0.5 * (covs + covs.transpose(0, 2, 1))}


# ---------------------------------------------------------------------------
# Result


def _as_points(x, d: int | None = None, name: str = "x") -> np.ndarray:
    """Data as a finite (N, D) float array; 1-D input is N points in one dimension."""
    arr = as_float_array(x, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None]
    if d is not None and arr.shape[1] != d:
        raise ValueError(f"{name} must have {d} column(s), like the data the mixture was "
                         f"fitted to; got shape {arr.shape}.")
    return arr


@dataclass(frozen=True, repr=False)
class GMMResult:
    """A Gaussian mixture fitted by EM (what :func:`gmm_em` returns).

    Attributes
    ----------
    weights : ndarray, shape (K,)
        Mixing proportions; positive, summing to 1.
    means : ndarray, shape (K, D)
        Component means (``(K, 1)`` for 1-D data).
    covariances : ndarray, shape (K, D, D)
        Component covariance matrices, ``reg_covar`` included. For
        ``covariance_type="diag"`` these are full matrices whose off-diagonal
        entries are exactly 0.
    loglik : float
        Observed-data log-likelihood of the training data at the fitted
        parameters: a *total* over the points, not a per-point mean (so it is
        ``N`` times scikit-learn's ``score``). For :func:`semisupervised_gmm_em`
        labelled points contribute ``log w_y + log N(x | mu_y, Sigma_y)``.
    loglik_history : ndarray, shape (n_iter + 1,)
        Log-likelihood at the starting values and after each iteration
        (of the best restart); never decreasing, except for the small dips
        the covariance floor can cause (see :func:`gmm_em`, Notes).
    n_iter : int
        Number of EM iterations of the best restart.
    converged : bool
        Whether the best restart met the tolerance before ``max_iter``.
    responsibilities : ndarray, shape (N, K)
        ``P(z_n = k | x_n)`` at the fitted parameters (one-hot rows for
        labelled points in the semi-supervised fit).
    covariance_type : str
        ``"full"`` or ``"diag"``.
    n_samples : int
        Number of training points ``N``.
    reg_covar : ndarray, shape (D,)
        The variance floor added to each diagonal entry in every M-step: the
        ``reg_covar`` given, or the default, ``1e-10`` times each column's variance.
    degenerate : tuple of int
        Components not estimated by the data (fewer than ``D + 1`` effective
        points, or a variance at the floor); a :class:`DegenerateComponentWarning`
        was issued for them. Empty for a healthy fit.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    loglik: float
    loglik_history: np.ndarray
    n_iter: int
    converged: bool
    responsibilities: np.ndarray
    covariance_type: str
    n_samples: int
    reg_covar: np.ndarray | None = None
    degenerate: tuple = ()

    @property
    def n_components(self) -> int:
        """Number of components ``K``."""
        return self.weights.size

    @property
    def n_parameters(self) -> int:
        """Number of free parameters: ``K - 1`` weights, ``K D`` means and ``K D (D + 1) / 2``
        (full) or ``K D`` (diag) covariance entries."""
        k, d = self.means.shape
        cov = k * d * (d + 1) // 2 if self.covariance_type == "full" else k * d
        return (k - 1) + k * d + cov

    def _log_weighted(self, x) -> np.ndarray:
        xt = np.ascontiguousarray(_as_points(x, self.means.shape[1]).T)
        chol = _cholesky_factors(self.covariances)
        return _log_weighted_densities(xt, self.weights, self.means, chol)

    def predict_proba(self, x) -> np.ndarray:
        """Posterior component probabilities of new points, shape (M, K).

        Parameters
        ----------
        x : array_like, shape (M, D) or (M,) when D = 1
        """
        return np.ascontiguousarray(_log_normalize(self._log_weighted(x))[1].T)

    def predict(self, x) -> np.ndarray:
        """Most probable component of each new point, shape (M,) of int.

        Parameters
        ----------
        x : array_like, shape (M, D) or (M,) when D = 1
        """
        return np.argmax(self._log_weighted(x), axis=0)

    def score_samples(self, x) -> np.ndarray:
        """Log density of the fitted mixture at each point, shape (M,).

        ``log sum_k w_k N(x_m | mu_k, Sigma_k)``, computed in log space (the same
        as scikit-learn's ``GaussianMixture.score_samples``).

        Parameters
        ----------
        x : array_like, shape (M, D) or (M,) when D = 1
        """
        return _log_normalize(self._log_weighted(x))[0]

    def score(self, x) -> float:
        """Total log-likelihood of new data under the fitted mixture (a sum over points).

        Parameters
        ----------
        x : array_like, shape (M, D) or (M,) when D = 1
        """
        return float(self.score_samples(x).sum())

    def _loglik_and_n(self, x) -> tuple[float, int]:
        if x is None:
            return self.loglik, self.n_samples
        return self.score(x), _as_points(x, self.means.shape[1]).shape[0]

    def bic(self, x=None) -> float:
        """Bayesian information criterion ``-2 loglik + n_parameters * log(N)`` (lower is better).

        Parameters
        ----------
        x : array_like or None, default None
            Data to evaluate; ``None`` uses the training data (and :attr:`loglik`).
        """
        ll, n = self._loglik_and_n(x)
        return -2.0 * ll + self.n_parameters * math.log(n)

    def aic(self, x=None) -> float:
        """Akaike information criterion ``-2 loglik + 2 n_parameters`` (lower is better).

        Parameters
        ----------
        x : array_like or None, default None
            Data to evaluate; ``None`` uses the training data (and :attr:`loglik`).
        """
        ll, _ = self._loglik_and_n(x)
        return -2.0 * ll + 2.0 * self.n_parameters

    def sample(self, n: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` points from the fitted mixture: a component, then a normal draw.

        Parameters
        ----------
        n : int
            Number of points (at least 1).
        rng : None, int or numpy.random.Generator, default None
            Source of randomness.

        Returns
        -------
        x : ndarray, shape (n, D)
            The points (``(n, 1)`` for a 1-D mixture).
        z : ndarray, shape (n,) of int
            The component each point was drawn from.
        """
        n = check_int(n, "n", low=1)
        rng = check_rng(rng)
        z = rng.choice(self.n_components, size=n, p=self.weights)
        chol = _cholesky_factors(self.covariances)
        x = np.empty((n, self.means.shape[1]))
        for k in range(self.n_components):
            rows = z == k
            x[rows] = self.means[k] + rng.standard_normal((rows.sum(), x.shape[1])) @ chol[k].T
        return x, z

    def __repr__(self) -> str:
        state = "converged" if self.converged else "did NOT converge"
        with np.printoptions(precision=4, suppress=True):
            return (f"GMMResult(K={self.n_components}, D={self.means.shape[1]}, "
                    f"covariance_type={self.covariance_type!r}, loglik={self.loglik:.6f}, "
                    f"n_iter={self.n_iter}, {state})\n"
                    f"  weights={self.weights}\n  means={self.means.tolist()}")


# ---------------------------------------------------------------------------
# Public functions


def _select_run(runs: list, reg_covar, stacklevel: int):
    """The fit to keep among ``(healthy, loglik, index, EMResult, flags)`` runs: healthy
    fits first, then the highest log-likelihood, then the earliest start. Raises for a
    collapse without a floor; warns for a degenerate component."""
    _, _, _, best, flags = max(runs, key=lambda run: (run[0], run[1], -run[2]))
    collapsing = [(j, why) for j, why in flags if "collapsing" in why]
    if collapsing and reg_covar == 0.0:
        k0, reason = collapsing[0]
        raise DegenerateSampleError(
            f"component {k0} of the mixture collapsed ({reason}) and reg_covar=0 gives it "
            "nothing to stop at: the likelihood is unbounded there, so no maximum likelihood "
            "estimate exists. Use the default reg_covar (a floor relative to the data's "
            "variance), fewer components or more starts (n_init)."
        )
    if flags:
        _warn_degenerate(flags, stacklevel=stacklevel + 1)
    return best, flags


def _is_dask_array(x) -> bool:
    """Whether ``x`` is a ``dask.array.Array`` (checked without importing Dask)."""
    return type(x).__module__.split(".")[:2] == ["dask", "array"] and hasattr(x, "chunks")


def _fit(x, n_components, labels, covariance_type, init, n_init, max_iter, tol,
         reg_covar, rng) -> GMMResult:
    """Validate, start, run :func:`~mlecourse.em.em` ``n_init`` times and keep the best."""
    k = check_int(n_components, "n_components", low=1)
    covariance_type = check_choice(covariance_type, "covariance_type", _COVARIANCE_TYPES)
    n_init = check_int(n_init, "n_init", low=1)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0)
    if reg_covar is not None:
        reg_covar = check_real(reg_covar, "reg_covar", low=0.0)
    rng = check_rng(rng)
    n, d = x.shape
    if k > n:
        raise ValueError(f"n_components={k} is more than the number of data points ({n}); "
                         f"use at most {n} components.")
    allowed = ("kmeans++", "kmeans", "random")
    if labels is not None:
        allowed = (*allowed, "labels")
    if isinstance(init, dict):
        start = _check_init_dict(init, k, d, covariance_type)
        if n_init > 1:
            raise ValueError(f"n_init={n_init} needs a random init; starting values given as a "
                             "dict give the same fit every time, so use n_init=1.")
    elif isinstance(init, str) and init in allowed:
        if init == "labels" and n_init > 1:
            raise ValueError(f"n_init={n_init} needs a random init; init='labels' gives the same "
                             "fit every time, so use n_init=1.")
    else:
        raise ValueError(f"init must be one of {allowed} or a dict with keys 'weights', "
                         f"'means', 'covariances'; got {init!r}.")
    if _is_dask_array(x):
        from ._dask import fit_dask

        return fit_dask(x, k, covariance_type, init, n_init, max_iter, tol, reg_covar, rng)

    # Centre the data once. The likelihood is unchanged by a shift, and rounding then
    # scales with the spread of the data rather than with its distance from 0.
    centre = x.mean(axis=0)
    xc = x - centre
    xt = np.ascontiguousarray(xc.T)
    scale2 = float(np.max(np.sum(xc * xc, axis=1)))
    data_var = np.mean(xc * xc, axis=0)
    floor = _default_floor(xc, x) if reg_covar is None else np.full(d, reg_covar)
    runs = []
    for _ in range(n_init):
        if init == "labels":
            start = _labels_start(xc, k, labels, covariance_type, floor)
        elif init == "kmeans":
            start = _kmeans_start(xc, k, covariance_type, floor, rng)
        elif isinstance(init, str):
            start = _random_start(xc, k, init, covariance_type, floor, rng)
        else:
            start = dict(start, means=start["means"] - centre)
        result = em(lambda params: _e_step(xt, params, labels, reg_covar),
                    lambda resp: _m_step(xt, resp, covariance_type, floor),
                    start, max_iter=max_iter, tol=tol, warn=False,
                    allowed_decrease=lambda params: _floor_cost(params, n, floor, scale2))
        flags = _degenerate_components(result.params, n, floor, covariance_type,
                                       np.where(data_var > 0, data_var, 1.0))
        runs.append((not flags, result.loglik, len(runs), result, flags))
    best, flags = _select_run(runs, reg_covar, stacklevel=3)
    if not best.converged:
        warn_not_converged(best.n_iter, relative_change(best.loglik_history), stacklevel=3)
    return GMMResult(
        weights=best.params["weights"], means=best.params["means"] + centre,
        covariances=best.params["covariances"], loglik=best.loglik,
        loglik_history=best.loglik_history, n_iter=best.n_iter, converged=best.converged,
        responsibilities=np.ascontiguousarray(best.expectations.T),
        covariance_type=covariance_type, n_samples=n, reg_covar=floor,
        degenerate=tuple(j for j, _ in flags),
    )


def gmm_em(x, n_components: int, *, covariance_type: str = "full", init="kmeans++",
           n_init: int = 1, max_iter: int = 1000, tol: float = 1e-12,
           reg_covar: float | None = None, rng=None) -> GMMResult:
    r"""Fit a Gaussian mixture by maximum likelihood with the EM algorithm.

    Parameters
    ----------
    x : array_like, shape (N, D) or (N,)
        Data, one row per point; a 1-D array is ``N`` points in one dimension
        (the means then come back with shape ``(K, 1)``). No NaN or infinity.
    n_components : int
        Number of components ``K``, from 1 to ``N``.
    covariance_type : {"full", "diag"}, default "full"
        ``"full"``: each component has its own unrestricted covariance matrix;
        ``"diag"``: each has a diagonal one (returned as a full matrix whose
        off-diagonal entries are 0).
    init : {"kmeans++", "kmeans", "random"} or dict, default "kmeans++"
        Starting values. ``"kmeans++"`` puts the means at ``K`` data points
        chosen by k-means++ seeding, ``"random"`` at ``K`` distinct rows
        chosen uniformly; both start every covariance at the covariance of all
        the data (plus ``reg_covar``) and the weights at ``1/K``. ``"kmeans"``
        runs Lloyd's k-means from k-means++ seeds and starts from its clusters'
        proportions, means and covariances (scikit-learn's default): slower to
        start, and in many dimensions much less prone to poor local maxima. A dict gives
        the starting parameters: ``weights`` (K,), positive, summing to 1;
        ``means`` (K, D); ``covariances`` (K, D, D), symmetric positive
        definite (diagonal for ``"diag"``). For 1-D data ``means`` may be
        (K,) and ``covariances`` (K,) variances.
    n_init : int, default 1
        Number of random starts; the fit with the highest log-likelihood is
        kept. Must be 1 when ``init`` is a dict.
    max_iter : int, default 1000
        Largest number of EM iterations per start.
    tol : float, default 1e-12
        Stop when ``|l_t - l_{t-1}| <= tol * |l_t|`` for the total
        log-likelihood ``l``. (scikit-learn's ``tol`` is an absolute change of
        the *mean* log-likelihood, default 1e-3: far looser.)
    reg_covar : float or None, default None
        A floor added to the diagonal of every covariance in every M-step, so
        that duplicated points or a component collapsing onto one point never
        give a singular matrix. ``None``: ``1e-10`` times each column's variance
        (with divisor N), a floor in the data's own units, so that the fit does
        not depend on them; a constant column then raises
        :class:`~mlecourse.DegenerateSampleError`. A number: that floor on every
        diagonal entry, in the data's units (scikit-learn's ``reg_covar``; give
        both the same value to get the same iterates). ``reg_covar=0`` gives the
        unregularised MLE; a component that collapses then raises
        :class:`~mlecourse.DegenerateSampleError` (or a ``ValueError`` once its
        covariance is exactly singular).
    rng : None, int or numpy.random.Generator, default None
        Source of randomness for the random starts.

    Returns
    -------
    GMMResult
        ``weights``, ``means``, ``covariances``, ``loglik`` (a total, not a
        mean), ``loglik_history``, ``n_iter``, ``converged``,
        ``responsibilities``, ``reg_covar`` (the floor used), ``degenerate``, and
        the methods ``predict``, ``predict_proba``, ``score``, ``score_samples``,
        ``bic``, ``aic`` and ``sample``.

    Raises
    ------
    ValueError
        For empty data, NaN or infinity, more components than points, invalid
        starting values, or a covariance that becomes singular (only possible
        with ``reg_covar=0``).
    mlecourse.DegenerateSampleError
        (a ``ValueError``) for a constant column with the default floor, or a
        component that collapses with ``reg_covar=0``.
    TypeError
        For arguments of the wrong type.

    Warns
    -----
    mlecourse.em.ConvergenceWarning
        If the best start did not meet ``tol`` within ``max_iter`` iterations.
    mlecourse.DegenerateComponentWarning
        If the fit returned has a component with fewer than ``D + 1`` effective
        points (2 for ``"diag"``) or a variance at the floor: a spurious maximum.

    Notes
    -----
    The maximum likelihood estimate of a mixture is only a *local* maximum,
    and the likelihood is unbounded: it goes to infinity as a component shrinks
    onto fewer than ``D + 1`` points. The floor keeps such a component finite,
    but its log-likelihood can still beat the real fit's (a *spurious*
    maximum). ``n_init > 1`` guards against poor starts: among the starts,
    fits without a degenerate component are preferred, and only then the
    highest log-likelihood, so a spike never wins against a healthy fit.

    With ``reg_covar > 0`` the M-step is not exactly EM's (it maximises the
    expected complete-data log-likelihood and then adds the floor), so the
    log-likelihood is no longer guaranteed to increase: when a component
    collapses onto fewer than ``D + 1`` distinct points it can dip, by at most
    the floor's cost :math:`\sum_k \delta_k` computed in ``_floor_cost``
    (negligible for healthy components). :func:`~mlecourse.em.em` allows
    exactly that much and raises on anything larger. With ``reg_covar=0`` it
    is plain EM and never decreases, until a component shrinks onto a single
    point: the likelihood is unbounded there, the variance heads to 0 and the
    log-likelihood to infinity (a ``ValueError`` once a covariance is exactly
    singular). Keep ``reg_covar > 0`` unless that is the lesson.

    If all the points are identical there is no scale: the default floor
    raises :class:`~mlecourse.DegenerateSampleError`; an explicit
    ``reg_covar > 0`` puts every component on that point with covariance
    ``reg_covar * I`` (flagged as degenerate), with no NaN.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(1, 1, 300), rng.normal(6, 1, 700)])
    >>> fit = gmm_em(x, 2, rng=1)
    >>> order = np.argsort(fit.means[:, 0])
    >>> print(fit.weights[order].round(2), fit.means[order, 0].round(1), fit.converged)
    [0.3 0.7] [1. 6.] True
    """
    if _is_dask_array(x):
        from ._dask import _validate

        x = _validate(x)
    else:
        x = _as_points(x)
    return _fit(x, n_components, None, covariance_type, init, n_init, max_iter,
                tol, reg_covar, rng)


def _check_labels(labels, n: int, k: int | None) -> tuple[np.ndarray, int]:
    if isinstance(labels, (str, bytes, dict)):
        raise TypeError(f"labels must be an array of integers; got {type(labels).__name__}.")
    arr = np.asarray(labels)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers (-1 for unlabelled); got dtype {arr.dtype}.")
    if arr.shape != (n,):
        raise ValueError(f"labels must have shape (N,) = ({n},), one per data point; "
                         f"got shape {arr.shape}.")
    arr = arr.astype(np.int64)
    if k is None:
        if not np.any(arr >= 0):
            raise ValueError("labels has no labelled point, so n_components cannot be inferred; "
                             "give n_components (or use gmm_em).")
        k = int(arr.max()) + 1
    bad = np.flatnonzero((arr < -1) | (arr >= k))
    if bad.size:
        raise ValueError(f"labels must be -1 (unlabelled) or a component index from 0 to "
                         f"{k - 1}; got {int(arr[bad[0]])} at index {int(bad[0])}.")
    return arr, k


def semisupervised_gmm_em(x, labels, n_components: int | None = None, *,
                          covariance_type: str = "full", init="labels", n_init: int = 1,
                          max_iter: int = 1000, tol: float = 1e-12, reg_covar: float | None = None,
                          rng=None) -> GMMResult:
    r"""Fit a Gaussian mixture by EM when some points' components are known.

    A labelled point's responsibilities are fixed at the one-hot vector of its
    label; only the unlabelled points' responsibilities are computed in the
    E-step. EM then maximises the joint log-likelihood

    .. math:: \sum_{n \text{ labelled}} \log\big(w_{y_n} N(x_n \mid \mu_{y_n}, \Sigma_{y_n})\big)
              + \sum_{n \text{ unlabelled}} \log \sum_k w_k N(x_n \mid \mu_k, \Sigma_k),

    which is what ``loglik`` reports. Component ``k`` is the class of the
    points labelled ``k``.

    Parameters
    ----------
    x : array_like, shape (N, D) or (N,)
        Data, as for :func:`gmm_em`.
    labels : array_like of int, shape (N,)
        ``-1`` for an unlabelled point, else its component, ``0`` to ``K - 1``.
    n_components : int or None, default None
        ``K``; ``None`` means ``max(labels) + 1``.
    covariance_type : {"full", "diag"}, default "full"
    init : {"labels", "kmeans++", "kmeans", "random"} or dict, default "labels"
        ``"labels"`` starts each component at the proportion and mean of its
        labelled points, with the covariance of all the data; it needs at
        least one labelled point per component. The others are as in
        :func:`gmm_em`.
    n_init, max_iter, tol, reg_covar, rng
        As in :func:`gmm_em` (``n_init`` must be 1 for ``init="labels"``).

    Returns
    -------
    GMMResult
        As for :func:`gmm_em`; ``responsibilities`` has one-hot rows for the
        labelled points.
    """
    x = _as_points(x)
    if n_components is not None:
        n_components = check_int(n_components, "n_components", low=1)
    labels, k = _check_labels(labels, x.shape[0], n_components)
    return _fit(x, k, labels, covariance_type, init, n_init, max_iter, tol, reg_covar, rng)
