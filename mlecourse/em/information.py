"""Standard errors and rates after EM: Louis's method for a 1-D normal mixture.

EM ends with an estimate but no standard errors. Louis (1982) wrote the
observed information as the complete-data information minus the missing
information,

    I_obs(theta) = I_com(theta) - I_mis(theta),
    I_com = E[-Hessian of l_c | x],    I_mis = Var[score of l_c | x],

both conditional on the observed data ``x`` (the missing information
principle). For a mixture the hidden data are the labels ``z_ik``. ``I_com``
is linear in them, so it needs only the responsibilities ``r_ik`` (the first
conditional moments); ``I_mis`` is a variance, so it needs their second
moments as well, ``E[z_ik z_il | x_i] = r_ik`` if ``k == l`` and 0 otherwise.
The points are independent given theta, so ``I_mis`` is a sum over points
of per-point conditional covariance matrices of the complete-data score.
The identity holds at every theta, not only at the maximum.

At an EM fixed point the Jacobian of the EM map is the rate matrix
``I_com^{-1} I_mis`` (Dempster, Laird and Rubin, 1977): near the maximum each
EM step multiplies the error by it, so its largest eigenvalue is the rate of
linear convergence of a vector parameter. Its eigenvalues do not depend on how
the parameter is written (weights or logits, standard deviations or
variances): a change of parametrisation is a similarity transformation.

:func:`mixture_information` computes all of it for a one-dimensional normal
mixture with ``K`` components, with parameters

    theta = (w_2, ..., w_K, mu_1, ..., mu_K, sd_1, ..., sd_K),

``w_1 = 1 - w_2 - ... - w_K`` and ``sd_k`` a standard deviation; components
are ordered by increasing mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from .._validate import as_float_array
from ..families import DegenerateSampleError

__all__ = ["MixtureInformation", "mixture_information"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


@dataclass(frozen=True, repr=False)
class MixtureInformation:
    """What :func:`mixture_information` returns.

    Attributes
    ----------
    names : list of str
        Parameter names in order: ``w2, ..., wK, mu1, ..., muK, sd1, ..., sdK``
        (components ordered by increasing mean).
    params : dict
        Name to value at which the information was computed.
    i_com, i_mis, i_obs : ndarray, shape (p, p)
        Complete-data, missing and observed information (``i_obs = i_com - i_mis``).
    se : dict
        Standard errors from the observed information, ``sqrt(diag(i_obs^-1))``.
    se_complete : dict
        The too-small "standard errors" that treat the responsibilities as
        observed labels, ``sqrt(diag(i_com^-1))``.
    rate_matrix : ndarray, shape (p, p)
        ``i_com^-1 i_mis``, the Jacobian of the EM map at a fixed point.
    rate : float
        Largest eigenvalue of ``rate_matrix``: the rate of EM's linear
        convergence (the fraction of missing information in the worst direction).
    missing_fractions : ndarray, shape (p,)
        All eigenvalues of ``rate_matrix``, in decreasing order.
    """

    names: list
    params: dict
    i_com: np.ndarray
    i_mis: np.ndarray
    i_obs: np.ndarray
    se: dict
    se_complete: dict
    rate_matrix: np.ndarray
    rate: float
    missing_fractions: np.ndarray

    @property
    def cov(self) -> np.ndarray:
        """Covariance matrix of the estimates, ``i_obs^-1``."""
        return np.linalg.inv(self.i_obs)

    def summary(self) -> str:
        """A table of estimates, Louis standard errors and complete-data ones."""
        lines = [f"{'parameter':>10} {'estimate':>12} {'se (Louis)':>12} "
                 f"{'se (labels known)':>18}"]
        for nm in self.names:
            lines.append(f"{nm:>10} {self.params[nm]:12.6g} {self.se[nm]:12.6g} "
                         f"{self.se_complete[nm]:18.6g}")
        lines.append(f"largest eigenvalue of I_com^-1 I_mis (EM's rate): {self.rate:.6g}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        ses = ", ".join(f"{nm}={self.se[nm]:.4g}" for nm in self.names)
        return f"MixtureInformation(se: {ses}; rate={self.rate:.4g})"


def _components(fit, weights, means, sds):
    """(w, mu, sd) as 1-D arrays from a fit object or from explicit arrays."""
    if fit is not None:
        if weights is not None or means is not None or sds is not None:
            raise TypeError("pass either a fit or weights, means and sds, not both.")
        if hasattr(fit, "covariances"):          # a GMMResult
            cov = np.asarray(fit.covariances, dtype=float)
            means_arr = np.asarray(fit.means, dtype=float)
            if means_arr.ndim != 2 or means_arr.shape[1] != 1:
                raise ValueError(
                    "mixture_information handles one-dimensional mixtures only; the fit "
                    f"has means of shape {means_arr.shape} (D = {means_arr.shape[-1]}).")
            weights, means, sds = fit.weights, means_arr[:, 0], np.sqrt(cov.reshape(-1))
        elif hasattr(fit, "sds"):                # a MixtureFit
            weights, means, sds = fit.weights, fit.means, fit.sds
        else:
            raise TypeError(
                "fit must be a GMMResult (from gmm_em, 1-D data) or a MixtureFit (from "
                f"fit_mixture_direct); got {type(fit).__name__}.")
    elif weights is None or means is None or sds is None:
        raise TypeError("give a fit, or all three of weights, means and sds.")
    w = as_float_array(weights, "weights", ndim=1)
    mu = as_float_array(means, "means", ndim=1)
    sd = as_float_array(sds, "sds", ndim=1)
    if not (w.size == mu.size == sd.size):
        raise ValueError("weights, means and sds must have one entry per component; got "
                         f"lengths {w.size}, {mu.size} and {sd.size}.")
    if np.any(w <= 0):
        raise ValueError(f"weights must be > 0 (a component of weight 0 has no information "
                         f"about its mean or sd); got {w.tolist()}.")
    if abs(float(w.sum()) - 1.0) > 1e-8:
        raise ValueError(f"weights must sum to 1; got sum {float(w.sum()):.10g}.")
    if np.any(sd <= 0):
        raise ValueError(f"sds (standard deviations) must be positive; got {sd.tolist()}.")
    if np.unique(mu).size < mu.size:
        raise ValueError("means must be distinct (components with equal means are ordered "
                         f"by their mean); got {mu.tolist()}.")
    order = np.argsort(mu)
    return w[order], mu[order], sd[order]


def mixture_information(x, fit=None, *, weights=None, means=None,
                        sds=None) -> MixtureInformation:
    """Louis's observed information, standard errors and EM rate for a 1-D normal mixture.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        The data the mixture was fitted to. Finite numbers.
    fit : GMMResult or MixtureFit, optional
        A fitted one-dimensional mixture (from :func:`mlecourse.em.gmm_em` or
        :func:`mlecourse.mixture.fit_mixture_direct`).
    weights, means, sds : array_like, shape (K,), optional
        The parameters instead of a fit: positive weights summing to 1,
        distinct means, positive standard deviations.

    Returns
    -------
    MixtureInformation
        Complete, missing and observed information, standard errors from each,
        and the rate matrix ``I_com^-1 I_mis`` with its largest eigenvalue.

    Raises
    ------
    DegenerateSampleError
        If the observed information is not positive definite at the given
        parameters: they are not a (strict) local maximum of the likelihood,
        and no standard error exists there.

    Notes
    -----
    The identity ``I_obs = I_com - I_mis`` (Louis, 1982) holds at any
    parameter value; standard errors and the rate mean something at a maximum.
    The information is computed analytically, so every standard error of a
    mean or standard deviation scales exactly with the units of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.em import gmm_em
    >>> x = np.r_[np.linspace(-3, 3, 60), np.linspace(7, 11, 40)]
    >>> info = mixture_information(x, gmm_em(x, 2, rng=0))
    >>> info.names
    ['w2', 'mu1', 'mu2', 'sd1', 'sd2']
    >>> bool(np.allclose(info.i_obs, info.i_com - info.i_mis))
    True
    """
    data = as_float_array(x, "x", ndim=(1, 2))
    if data.ndim == 2:
        if data.shape[1] != 1:
            raise ValueError("x must be one-dimensional data, shape (n,) or (n, 1); got "
                             f"shape {data.shape}.")
        data = data[:, 0]
    w, mu, sd = _components(fit, weights, means, sds)
    k = w.size
    n = data.size
    nw = k - 1
    p = nw + 2 * k

    u = (data[:, None] - mu[None, :]) / sd[None, :]              # standardised, (n, K)
    log_joint = np.log(w)[None, :] - 0.5 * u * u - np.log(sd)[None, :] - _LOG_SQRT_2PI
    r = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))   # (n, K)

    # gradient of log w_k + log N(x_i; mu_k, sd_k) for each point and component: (n, K, p)
    g = np.zeros((n, k, p))
    for c in range(k):
        for j in range(1, k):                                    # d log w_c / d w_j
            g[:, c, j - 1] = (1.0 / w[c] if c == j else 0.0) - (1.0 / w[0] if c == 0 else 0.0)
        g[:, c, nw + c] = u[:, c] / sd[c]
        g[:, c, nw + k + c] = (u[:, c] ** 2 - 1.0) / sd[c]

    # complete-data information: E[-Hessian | x], linear in the labels
    i_com = np.zeros((p, p))
    nk = r.sum(axis=0)
    for c in range(k):
        # weights: -d2 log w_c / dw_j dw_l
        for j in range(1, k):
            for m in range(1, k):
                val = (1.0 / w[c] ** 2 if c == j == m else 0.0) + (1.0 / w[0] ** 2 if c == 0
                                                                   else 0.0)
                i_com[j - 1, m - 1] += nk[c] * val
        im, isd = nw + c, nw + k + c
        i_com[im, im] += nk[c] / sd[c] ** 2
        cross = 2.0 * np.sum(r[:, c] * u[:, c]) / sd[c] ** 2
        i_com[im, isd] += cross
        i_com[isd, im] += cross
        i_com[isd, isd] += np.sum(r[:, c] * (3.0 * u[:, c] ** 2 - 1.0)) / sd[c] ** 2

    # missing information: sum over points of Var(complete-data score | x_i), which needs
    # E[z_ik z_il | x_i] = r_ik 1{k = l}: a second moment, not only the responsibilities
    mean_score = np.einsum("ik,ikp->ip", r, g)                   # E[score_i | x_i]
    second = np.einsum("ik,ikp,ikq->pq", r, g, g)                # sum_i E[s_i s_i^T | x_i]
    i_mis = second - mean_score.T @ mean_score
    i_obs = i_com - i_mis

    names = ([f"w{j + 1}" for j in range(1, k)] + [f"mu{c + 1}" for c in range(k)]
             + [f"sd{c + 1}" for c in range(k)])
    values = np.r_[w[1:], mu, sd]
    params = dict(zip(names, (float(v) for v in values)))

    # a scale-free test of positive definiteness: the correlation form of i_obs
    d = np.sqrt(np.clip(np.diag(i_obs), 0.0, None))
    if np.any(d <= 0) or not np.all(np.isfinite(i_obs)):
        bad = names[int(np.argmin(np.diag(i_obs)))]
        raise DegenerateSampleError(
            f"the observed information is not positive definite (diagonal entry for {bad} "
            "is <= 0): these parameters are not a local maximum of the mixture likelihood, "
            "so there are no standard errors; fit the mixture to convergence first.")
    eig = np.linalg.eigvalsh(i_obs / np.outer(d, d))
    if eig.min() <= 1e-10 * eig.max():
        raise DegenerateSampleError(
            "the observed information is not positive definite (smallest eigenvalue of its "
            f"correlation form {eig.min():.3g}): these parameters are not a strict local "
            "maximum of the mixture likelihood, or a parameter is not identified; there are "
            "no standard errors here.")
    cov_obs = np.linalg.inv(i_obs)
    cov_com = np.linalg.inv(i_com)
    rate_matrix = cov_com @ i_mis
    fractions = np.sort(np.linalg.eigvals(rate_matrix).real)[::-1]
    return MixtureInformation(
        names=names, params=params, i_com=i_com, i_mis=i_mis, i_obs=i_obs,
        se=dict(zip(names, np.sqrt(np.diag(cov_obs)).tolist())),
        se_complete=dict(zip(names, np.sqrt(np.diag(cov_com)).tolist())),
        rate_matrix=rate_matrix, rate=float(fractions[0]), missing_fractions=fractions)
