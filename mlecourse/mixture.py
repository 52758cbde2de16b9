"""One-dimensional normal mixtures by direct maximisation of the likelihood.

When each observation's group is hidden, the likelihood of the data is the
*observed-data* (marginal) likelihood: the group is summed out inside the
logarithm,

    l(theta) = sum_i log sum_k w_k N(x_i; mu_k, sigma_k),

computed here with ``scipy.special.logsumexp``. Maximising it is still
maximum likelihood. :func:`fit_mixture_direct` does so with a general-purpose
quasi-Newton optimiser (no EM): the parameters are moved to an unconstrained
scale (softmax logits for the weights, logs of the standard deviations' excess
over a small floor), the
analytic gradient is supplied, and several starting points are tried.

The likelihood of a normal mixture is unbounded: a component whose mean sits
on one observation and whose standard deviation shrinks to 0 sends it to
+infinity (Day, 1969). The "MLE" of a mixture is therefore the largest
*interior* local maximum. :func:`fit_mixture_direct` keeps every standard
deviation above a floor ``min_sd``, stops and rejects any run in which a
component collapses towards that floor, and restarts from a fresh starting
point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._criteria import InformationCriteria
from ._validate import as_float_array, check_int, check_real, check_rng
from .families import DegenerateSampleError

__all__ = ["MixtureFit", "mixture_loglik", "responsibilities", "fit_mixture_direct"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _check_params(weights, means, sds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = as_float_array(weights, "weights", ndim=1)
    mu = as_float_array(means, "means", ndim=1)
    sd = as_float_array(sds, "sds", ndim=1)
    if not (w.size == mu.size == sd.size):
        raise ValueError(
            "weights, means and sds must have one entry per component (the same length); "
            f"got lengths {w.size}, {mu.size} and {sd.size}."
        )
    if np.any(w < 0):
        raise ValueError(f"weights must be >= 0; got {w.tolist()}.")
    if abs(float(np.sum(w)) - 1.0) > 1e-8:
        raise ValueError(f"weights must sum to 1; got {w.tolist()} (sum {float(np.sum(w)):.10g}).")
    if np.any(sd <= 0):
        raise ValueError(f"sds (standard deviations) must be positive; got {sd.tolist()}.")
    return w, mu, sd


def _log_joint(x: np.ndarray, w: np.ndarray, mu: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """log w_k + log N(x_i; mu_k, sd_k), shape (n, K)."""
    # a zero weight gives log 0 = -inf, and a tiny sd can overflow z * z to inf: both are the
    # correct limits (a density of 0), which logsumexp handles
    with np.errstate(divide="ignore", over="ignore"):
        z = (x[:, None] - mu[None, :]) / sd[None, :]
        logw = np.log(w)
        return logw[None, :] - 0.5 * z * z - np.log(sd)[None, :] - _LOG_SQRT_2PI


def mixture_loglik(x, weights, means, sds) -> float:
    """Observed-data log-likelihood of a one-dimensional normal mixture.

    Parameters
    ----------
    x : array_like, shape (n,)
        The observations (finite numbers).
    weights : array_like, shape (K,)
        Mixing weights, each >= 0, summing to 1 (to within 1e-8).
    means : array_like, shape (K,)
        Component means.
    sds : array_like, shape (K,)
        Component standard deviations, each > 0.

    Returns
    -------
    float
        ``sum_i log sum_k w_k N(x_i; mu_k, sd_k)``, computed in log space with
        ``scipy.special.logsumexp`` (no product of densities).

    Raises
    ------
    ValueError
        Empty data, NaN or infinity, parameters of different lengths, negative
        weights, weights not summing to 1, or a standard deviation <= 0.

    Examples
    --------
    >>> from mlecourse.mixture import mixture_loglik
    >>> round(mixture_loglik([0.0, 1.0], [1.0], [0.0], [1.0]), 6)  # a single N(0, 1)
    -2.337877
    """
    from scipy.special import logsumexp

    x = as_float_array(x, "x", ndim=1)
    w, mu, sd = _check_params(weights, means, sds)
    return float(np.sum(logsumexp(_log_joint(x, w, mu, sd), axis=1)))


def responsibilities(x, weights, means, sds) -> np.ndarray:
    """Posterior probabilities of membership in each component.

    ``r[i, k] = w_k N(x_i; mu_k, sd_k) / sum_j w_j N(x_i; mu_j, sd_j)``: the
    probability, under the given mixture, that observation ``i`` came from
    component ``k`` (Bayes' theorem with the weights as prior).

    Parameters
    ----------
    x : array_like, shape (n,)
        The observations.
    weights, means, sds : array_like, shape (K,)
        The mixture's parameters, as in :func:`mixture_loglik`.

    Returns
    -------
    ndarray, shape (n, K)
        Each row is non-negative and sums to 1.

    Examples
    --------
    >>> from mlecourse.mixture import responsibilities
    >>> responsibilities([0.0], [0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    array([[0.5, 0.5]])
    """
    from scipy.special import logsumexp

    x = as_float_array(x, "x", ndim=1)
    w, mu, sd = _check_params(weights, means, sds)
    lj = _log_joint(x, w, mu, sd)
    return np.exp(lj - logsumexp(lj, axis=1, keepdims=True))


@dataclass
class MixtureFit(InformationCriteria):
    """A one-dimensional normal mixture fitted by direct maximisation.

    Components are sorted by mean (label switching makes the order
    arbitrary otherwise).

    Attributes
    ----------
    weights : ndarray, shape (K,)
        Mixing weights, summing to 1.
    means : ndarray, shape (K,)
        Component means, increasing.
    sds : ndarray, shape (K,)
        Component standard deviations.
    loglik : float
        The maximised observed-data log-likelihood.
    n : int
        Number of observations.
    n_iter : int
        Optimiser iterations of the winning start.
    n_fev : int
        Log-likelihood (and gradient) evaluations of the winning start.
    loglik_history : ndarray, shape (n_iter + 1,)
        Log-likelihood at the start and after each iteration of the winning run.
    converged : bool
        Whether the winning run converged: the optimiser reported success, or
        every entry of the gradient of the average log-likelihood is below
        1e-6 in absolute value at the returned point.
    start_logliks : ndarray, shape (n_accepted,)
        The maximum reached from each accepted start, in the order tried
        (several values show several local maxima).
    n_rejected : int
        Starts stopped because a component collapsed (an sd below ``2 * min_sd``).
    total_fev : int
        Evaluations summed over every start, accepted or rejected.
    message : str
        The optimiser's message for the winning start.
    """

    weights: np.ndarray
    means: np.ndarray
    sds: np.ndarray
    loglik: float
    n: int
    n_iter: int
    n_fev: int
    loglik_history: np.ndarray = field(repr=False)
    converged: bool
    start_logliks: np.ndarray = field(repr=False)
    n_rejected: int
    total_fev: int
    message: str = field(repr=False, default="")

    @property
    def n_components(self) -> int:
        """Number of components ``K``."""
        return int(self.weights.size)

    @property
    def k(self) -> int:
        """Number of free parameters, ``3 K - 1``."""
        return 3 * self.n_components - 1

    def responsibilities(self, x) -> np.ndarray:
        """Membership probabilities of ``x`` under this fit, shape (n, K)."""
        return responsibilities(x, self.weights, self.means, self.sds)


def _unpack(theta: np.ndarray, K: int, min_sd: float):
    """Unconstrained vector -> (weights, means, sds, exp(t)); sd = min_sd + exp(t)."""
    eta = np.concatenate(([0.0], theta[: K - 1]))  # softmax logits, the first fixed at 0
    eta = eta - eta.max()
    w = np.exp(eta)
    w /= w.sum()
    mu = theta[K - 1: 2 * K - 1]
    et = np.exp(np.clip(theta[2 * K - 1:], -700.0, 700.0))
    return w, mu, min_sd + et, et


def _pack(w: np.ndarray, mu: np.ndarray, sd: np.ndarray, min_sd: float) -> np.ndarray:
    logw = np.log(w)
    return np.concatenate((logw[1:] - logw[0], mu, np.log(sd - min_sd)))


def _negll_and_grad(theta: np.ndarray, x: np.ndarray, K: int, min_sd: float, scale: float):
    """Negative log-likelihood / scale and its gradient on the unconstrained scale."""
    from scipy.special import logsumexp

    w, mu, sd, et = _unpack(theta, K, min_sd)
    lj = _log_joint(x, w, mu, sd)
    lse = logsumexp(lj, axis=1, keepdims=True)
    r = np.exp(lj - lse)                       # responsibilities, (n, K)
    z = (x[:, None] - mu[None, :]) / sd[None, :]
    nk = r.sum(axis=0)
    g_eta = nk - x.size * w                    # d l / d eta_k
    g_mu = np.sum(r * z, axis=0) / sd          # d l / d mu_k
    g_t = np.sum(r * (z * z - 1.0), axis=0) / sd * et  # d l / d t_k, sd_k = min_sd + e^t_k
    grad = np.concatenate((g_eta[1:], g_mu, g_t))
    return -float(np.sum(lse)) / scale, -grad / scale


def _start(x: np.ndarray, K: int, rng: np.random.Generator, first: bool):
    """Starting values: quantiles for the first start, random data points afterwards."""
    s = float(np.std(x))
    if first:
        mu = np.quantile(x, (np.arange(K) + 0.5) / K)
        sd = np.full(K, s / K)
        w = np.full(K, 1.0 / K)
    else:
        mu = rng.choice(x, size=K, replace=False)
        sd = s * rng.uniform(0.25, 1.0, size=K)
        w = rng.dirichlet(np.full(K, 5.0))
    return w, mu, sd


class _Collapsed(Exception):
    """Raised from the optimiser's callback when a component collapses."""


def _run(theta0: np.ndarray, args: tuple, gtol: float):
    """One BFGS run: (result or None if a component collapsed, loglik history, evaluations)."""
    from scipy import optimize

    x, K, min_sd, n = args
    history = [-n * _negll_and_grad(theta0, *args)[0]]
    fev = 0
    last = {"theta": None, "value": None}

    def objective(th):
        nonlocal fev
        fev += 1
        out = _negll_and_grad(th, *args)
        last["theta"], last["value"] = np.array(th), out[0]
        return out

    def record(th):  # after each iteration: log-likelihood history, collapse check
        same = last["theta"] is not None and np.array_equal(th, last["theta"])
        value = -n * (last["value"] if same else _negll_and_grad(th, *args)[0])
        if np.any(_unpack(th, K, min_sd)[2] < 2 * min_sd) or not np.isfinite(value):
            raise _Collapsed
        history.append(value)

    try:
        with np.errstate(over="ignore", under="ignore"):
            res = optimize.minimize(objective, theta0, jac=True, method="BFGS", callback=record,
                                    options={"maxiter": 5000, "gtol": gtol})
    except _Collapsed:
        res = None
    return res, np.array(history), fev


def fit_mixture_direct(x, n_components: int = 2, *, n_starts: int = 10, rng=None,
                       min_sd: float | None = None, max_starts: int | None = None,
                       gtol: float = 1e-9) -> MixtureFit:
    """Maximum-likelihood fit of a 1-D normal mixture by direct numerical maximisation.

    The observed-data log-likelihood (:func:`mixture_loglik`) is maximised with
    SciPy's BFGS, with the analytic gradient, over unconstrained parameters:
    ``K - 1`` softmax logits for the weights (the first fixed at 0; for
    ``K = 2`` this is the logit of the second weight), the ``K`` means, and
    ``t_k = log(sd_k - min_sd)``, the log of each standard deviation's excess
    over a small floor. No EM is involved.

    Several starts are tried. The first uses the data's quantiles as means;
    the others draw the means from the data at random (``rng``). The mixture
    likelihood is unbounded (a component whose sd shrinks to 0 on one
    observation sends it to infinity), so the maximum sought is the best
    *interior* one: a run in which any sd falls below ``2 * min_sd`` has found
    a collapsed component; it is stopped, *rejected* and replaced by a fresh
    start, up to ``max_starts`` starts in all. The best accepted optimum is
    returned.

    Parameters
    ----------
    x : array_like, shape (n,)
        The observations; at least ``n_components + 1`` distinct values.
    n_components : int, default 2
        Number of components ``K >= 1``.
    n_starts : int, default 10
        Number of accepted starts to run.
    rng : None, int or numpy.random.Generator, optional
        Source of the random starts; pass a seed for reproducible fits.
    min_sd : float, optional
        Floor on every standard deviation; default ``1e-3 * std(x)``.
    max_starts : int, optional
        Most starts tried in all, counting rejected ones; default
        ``5 * n_starts``.
    gtol : float, default 1e-9
        Convergence tolerance on the largest gradient entry of the average
        log-likelihood (per observation).

    Returns
    -------
    MixtureFit
        Weights, means and sds (components sorted by mean), the maximised
        log-likelihood, and the optimiser's iteration and evaluation counts.

    Raises
    ------
    ValueError
        Bad data (empty, NaN, not 1-D) or bad settings.
    mlecourse.DegenerateSampleError
        Fewer than ``n_components + 1`` distinct values, or every start ended
        with a collapsed component.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.mixture import fit_mixture_direct
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(0, 1, 200), rng.normal(5, 1, 100)])
    >>> res = fit_mixture_direct(x, 2, rng=1)
    >>> np.round(res.means, 1)
    array([0. , 4.9])
    """

    x = as_float_array(x, "x", ndim=1)
    K = check_int(n_components, "n_components", low=1)
    n_starts = check_int(n_starts, "n_starts", low=1)
    rng = check_rng(rng)
    spread = float(np.std(x))
    min_sd = 1e-3 * spread if min_sd is None else check_real(min_sd, "min_sd", positive=True)
    max_starts = 5 * n_starts if max_starts is None else check_int(max_starts, "max_starts",
                                                                    low=n_starts)
    gtol = check_real(gtol, "gtol", positive=True)
    distinct = np.unique(x).size
    if distinct <= K:
        raise DegenerateSampleError(
            f"a {K}-component mixture needs at least {K + 1} distinct values in x; got "
            f"{distinct} ({x.size} observations). With so few, components can collapse onto "
            "the values and the likelihood has no maximum; use fewer components."
        )
    if 4 * min_sd >= spread:
        raise ValueError(f"min_sd must be below a quarter of the standard deviation of x "
                         f"({spread:g}); got {min_sd:g}.")

    n = x.size
    args = (x, K, min_sd, n)
    runs = []
    tried = rejected = total_fev = 0
    while len(runs) < n_starts and tried < max_starts:
        w0, mu0, sd0 = _start(x, K, rng, first=(tried == 0))
        tried += 1
        theta0 = _pack(w0, mu0, sd0, min_sd)
        res, history, fev = _run(theta0, args, gtol)
        total_fev += fev
        if res is None or not np.isfinite(res.fun):
            rejected += 1
            continue
        w, mu, sd, _ = _unpack(res.x, K, min_sd)
        if np.any(sd < 2 * min_sd):
            rejected += 1
            continue
        runs.append((-n * float(res.fun), w, mu, sd, res, history, fev))
    if not runs:
        raise DegenerateSampleError(
            f"all {tried} starts ended with a component collapsed onto the data (an sd below "
            f"2 * min_sd = {2 * min_sd:g}): these starts found no interior maximum of the "
            "likelihood; try fewer components or more starts (max_starts)."
        )
    best = max(runs, key=lambda r: r[0])
    _, w, mu, sd, res, history, fev = best
    # BFGS may stop on "precision loss" when it is already at the maximum to within
    # rounding; judge convergence by the gradient itself as well
    grad = _negll_and_grad(res.x, *args)[1]
    converged = bool(res.success) or bool(np.max(np.abs(grad)) <= 1e-6)
    order = np.argsort(mu)
    w, mu, sd = w[order], mu[order], sd[order]
    return MixtureFit(
        weights=w, means=mu, sds=sd, loglik=mixture_loglik(x, w, mu, sd), n=n,
        n_iter=int(res.nit), n_fev=int(fev), loglik_history=history,
        converged=converged, start_logliks=np.array([r[0] for r in runs]),
        n_rejected=rejected, total_fev=total_fev, message=str(res.message),
    )
