"""Intervals and point estimates for a binomial proportion, for small samples.

With ``k`` successes in ``n`` trials the MLE is ``k / n``. When ``n`` is small,
or ``k`` is 0 or ``n``, the usual Wald interval (estimate plus or minus ``z``
standard errors) breaks down: at ``k = 0`` it has zero width. This module
collects the alternatives the course compares:

- :func:`binomial_interval`: Wald, likelihood-ratio, Clopper--Pearson
  ("exact"), Wilson score and Agresti--Coull intervals;
- :func:`exact_coverage`: the exact coverage probability of any of them, a
  finite sum of binomial probabilities (no simulation);
- :func:`map_estimate` and :func:`posterior_mean`: estimates under a
  Beta(a, b) prior. Add-one (Laplace) smoothing ``(k + 1) / (n + 2)`` is the
  posterior mode under Beta(2, 2) and the posterior mean under Beta(1, 1).

Every interval is closed, ``[low, high]``, and lies in ``[0, 1]`` (the Wald
and Agresti--Coull limits are clipped to it; clipping never changes whether a
``p`` in ``[0, 1]`` is covered).
"""

from __future__ import annotations

import math

import numpy as np

from ._validate import as_float_array, check_choice, check_int, check_real

__all__ = ["METHODS", "binomial_interval", "exact_coverage", "map_estimate", "posterior_mean"]

METHODS = ("wald", "lr", "exact", "wilson", "agresti_coull")
"""Names accepted by ``method=`` in :func:`binomial_interval` and :func:`exact_coverage`."""


def _check_kn(k, n, *, min_n: int = 1) -> tuple[int, int]:
    n = check_int(n, "n", low=min_n)
    k = check_int(k, "k", low=0)
    if k > n:
        raise ValueError(f"k must be between 0 and n={n} (successes out of n trials); got k={k}.")
    return k, n


def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + level / 2))


def _clip(low: float, high: float) -> tuple[float, float]:
    return (float(min(max(low, 0.0), 1.0)), float(min(max(high, 0.0), 1.0)))


def _binom_loglik(p: float, k: int, n: int) -> float:
    from scipy import special

    return float(special.xlogy(k, p) + special.xlog1py(n - k, -p))


def _lr_interval(k: int, n: int, level: float) -> tuple[float, float]:
    """Likelihood-ratio interval: {p : 2 [l(p_hat) - l(p)] <= chi2_1(level)}."""
    from scipy import optimize, stats

    drop = float(stats.chi2.ppf(level, 1)) / 2
    p_hat = k / n
    target = _binom_loglik(p_hat, k, n) - drop

    def expit(z):
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def g(z):  # on the logit scale, so roots near 0 or 1 keep their relative precision
        return _binom_loglik(expit(z), k, n) - target

    limits = []
    for sign, edge in ((-1.0, 0.0), (1.0, 1.0)):
        if (sign < 0 and k == 0) or (sign > 0 and k == n):
            limits.append(edge)  # the estimate is on this boundary, which the interval includes
            continue
        # start at the estimate, or just inside the boundary it sits on (g > 0 there)
        if 0 < k < n:
            z_in = math.log(p_hat) - math.log1p(-p_hat)
        else:
            z_in = -40.0 if k == 0 else 40.0
        step, z_out = 1.0, z_in + sign
        while g(z_out) >= 0:
            step *= 2
            z_out = z_in + sign * step
        a, b = (z_out, z_in) if sign < 0 else (z_in, z_out)
        root = optimize.brentq(g, a, b, xtol=1e-14, rtol=1e-14, maxiter=500)
        limits.append(expit(root))
    return float(limits[0]), float(limits[1])


def binomial_interval(k, n, method: str = "wald", level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for a binomial proportion from ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k : int
        Number of successes, ``0 <= k <= n``.
    n : int
        Number of trials, ``n >= 1``.
    method : {"wald", "lr", "exact", "wilson", "agresti_coull"}, default "wald"
        ``"wald"``: ``p_hat +/- z sqrt(p_hat (1 - p_hat) / n)`` with
        ``p_hat = k / n`` (zero width when ``k`` is 0 or ``n``).
        ``"lr"``: the likelihood-ratio interval, the values of ``p`` whose
        log-likelihood is within ``chi2_1(level) / 2`` of the maximum.
        ``"exact"``: Clopper--Pearson, from Beta quantiles; its coverage is at
        least ``level`` for every ``p``.
        ``"wilson"``: the Wilson score interval, which inverts the score test.
        ``"agresti_coull"``: Wald's formula after adding ``z**2 / 2`` successes
        and ``z**2 / 2`` failures.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    tuple of float
        ``(low, high)``, with ``0 <= low <= high <= 1``.

    Raises
    ------
    TypeError
        ``k`` or ``n`` not an integer, ``level`` not a number, ``method`` not a string.
    ValueError
        ``n < 1``, ``k`` outside ``0..n``, ``level`` outside (0, 1), an unknown method.

    Examples
    --------
    >>> from mlecourse.intervals import binomial_interval
    >>> binomial_interval(0, 3, "wald")
    (0.0, 0.0)
    >>> [round(v, 4) for v in binomial_interval(0, 3, "exact")]
    [0.0, 0.7076]
    """
    k, n = _check_kn(k, n)
    check_choice(method, "method", METHODS)
    level = check_real(level, "level", low=0, high=1, inclusive=False)
    return _interval(k, n, method, level)


def _interval(k: int, n: int, method: str, level: float) -> tuple[float, float]:
    alpha = 1 - level
    p_hat = k / n
    if method == "wald":
        half = _z(level) * math.sqrt(p_hat * (1 - p_hat) / n)
        return _clip(p_hat - half, p_hat + half)
    if method == "lr":
        return _lr_interval(k, n, level)
    if method == "exact":
        from scipy import stats

        low = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
        high = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
        return low, high
    z = _z(level)
    z2 = z * z
    if method == "wilson":
        centre = (k + z2 / 2) / (n + z2)
        half = z * math.sqrt(n) / (n + z2) * math.sqrt(p_hat * (1 - p_hat) + z2 / (4 * n))
        return _clip(centre - half, centre + half)
    # agresti_coull
    n_t = n + z2
    p_t = (k + z2 / 2) / n_t
    half = z * math.sqrt(p_t * (1 - p_t) / n_t)
    return _clip(p_t - half, p_t + half)


def _lr_limits_all(n: int, level: float, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Likelihood-ratio limits for the counts ``k`` (sorted, in 0..n) at once.

    On the logit scale z the binomial log-likelihood
    ``k log expit(z) + (n - k) log expit(-z)`` is concave, so Newton's method
    started outside a root (where it lies below the target) moves monotonically
    onto it; all n + 1 pairs of roots are iterated together. At ``k = 0`` the
    upper limit is ``1 - exp(-drop / n)`` in closed form (mirrored at ``k = n``).
    """
    from scipy import special, stats

    drop = float(stats.chi2.ppf(level, 1)) / 2
    low = np.zeros(k.size)
    high = np.ones(k.size)
    edge = -math.expm1(-drop / n)
    high[k == 0] = edge
    low[k == n] = 1.0 - edge
    mid = (k > 0) & (k < n)
    if not np.any(mid):
        return low, high
    ki = k[mid]
    p_hat = ki / n
    z_hat = np.log(p_hat) - np.log1p(-p_hat)
    target = special.xlogy(ki, p_hat) + special.xlog1py(n - ki, -p_hat) - drop

    def g(z):
        return ki * special.log_expit(z) + (n - ki) * special.log_expit(-z) - target

    width = np.sqrt(2 * drop / (n * p_hat * (1 - p_hat)))  # the Wald half-width in z
    for sign, out in ((-1.0, low), (1.0, high)):
        step = 1.5 * width
        z = z_hat + sign * step
        for _ in range(60):  # move outside the root: g < 0 there
            inside = g(z) >= 0
            if not np.any(inside):
                break
            step = np.where(inside, 2 * step, step)
            z = z_hat + sign * step
        for _ in range(100):
            gz = g(z)
            slope = ki - n * special.expit(z)
            z_new = z - gz / slope
            done = np.abs(z_new - z) <= 1e-13 * np.maximum(1.0, np.abs(z))
            z = z_new
            if np.all(done):
                break
        out[mid] = special.expit(z)
    return low, high


def _limits_all(n: int, method: str, level: float,
                k: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits of the interval for the counts ``k`` (default 0..n), vectorised."""
    from scipy import stats

    k = np.arange(n + 1, dtype=float) if k is None else np.asarray(k, dtype=float)
    if method == "lr":
        return _lr_limits_all(n, level, k)
    p_hat = k / n
    alpha = 1 - level
    if method == "wald":
        half = _z(level) * np.sqrt(p_hat * (1 - p_hat) / n)
        return np.clip(p_hat - half, 0, 1), np.clip(p_hat + half, 0, 1)
    if method == "exact":
        with np.errstate(all="ignore"):
            low = np.where(k == 0, 0.0, stats.beta.ppf(alpha / 2, np.maximum(k, 1), n - k + 1))
            high = np.where(k == n, 1.0, stats.beta.ppf(1 - alpha / 2, k + 1,
                                                         np.maximum(n - k, 1)))
        return low, high
    z = _z(level)
    z2 = z * z
    if method == "wilson":
        centre = (k + z2 / 2) / (n + z2)
        half = z * math.sqrt(n) / (n + z2) * np.sqrt(p_hat * (1 - p_hat) + z2 / (4 * n))
        return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    n_t = n + z2
    p_t = (k + z2 / 2) / n_t
    half = z * np.sqrt(p_t * (1 - p_t) / n_t)
    return np.clip(p_t - half, 0, 1), np.clip(p_t + half, 0, 1)


def exact_coverage(n, p, method: str = "wald", level: float = 0.95):
    r"""Exact coverage probability of a binomial interval.

    The coverage at ``p`` is the probability that the interval computed from
    ``K ~ Binomial(n, p)`` contains ``p``:

    .. math:: C(p) = \sum_{k=0}^{n} \binom{n}{k} p^k (1-p)^{n-k}
              \, \mathbf{1}\{\text{low}(k) \le p \le \text{high}(k)\},

    a finite sum, so no simulation is involved (Brown, Cai and DasGupta 2001).
    The limits of all ``n + 1`` intervals are computed at once, and for each
    ``p`` only the counts within 40 standard deviations (plus 40) of ``n p``
    are summed: the binomial probability outside that window is below 1e-30,
    far under double precision. ``n = 100000`` takes a fraction of a second.
    This is the one implementation; :func:`mlecourse.simulate.exact_coverage`
    is the same function.

    Parameters
    ----------
    n : int
        Number of trials, ``n >= 1``.
    p : float or array_like
        True success probability (or probabilities), each in ``[0, 1]``.
    method : str, default "wald"
        An interval method, as in :func:`mlecourse.intervals.binomial_interval`; ``"profile"`` is
        accepted as another name for ``"lr"`` (as in :mod:`mlecourse.simulate`).
    level : float, default 0.95
        Nominal confidence level, strictly between 0 and 1.

    Returns
    -------
    float or ndarray
        The coverage probability; an array of the shape of ``p`` when ``p``
        is an array.

    Examples
    --------
    >>> from mlecourse.intervals import exact_coverage
    >>> round(exact_coverage(10, 0.1, "wald"), 4)
    0.6497
    """
    from scipy import stats

    n = check_int(n, "n", low=1)
    check_choice(method, "method", METHODS + ("profile",))
    method = "lr" if method == "profile" else method
    level = check_real(level, "level", low=0, high=1, inclusive=False)
    scalar = np.ndim(p) == 0
    if scalar:
        p_arr = np.array([check_real(p, "p", low=0, high=1)])
    else:
        p_arr = as_float_array(p, "p", ndim=None)
        if np.any((p_arr < 0) | (p_arr > 1)):
            bad = p_arr.ravel()[(p_arr.ravel() < 0) | (p_arr.ravel() > 1)][0]
            raise ValueError(f"p must lie in [0, 1]; got {bad:g}.")
    ps = p_arr.ravel()
    sd = np.sqrt(n * ps * (1 - ps))
    first = np.clip(np.floor(n * ps - 40 * sd - 40), 0, n).astype(np.int64)
    last = np.clip(np.ceil(n * ps + 40 * sd + 40), 0, n).astype(np.int64)
    # limits only for the counts some window needs (all of them for a grid over [0, 1])
    marks = np.zeros(n + 2, dtype=np.int64)
    np.add.at(marks, first, 1)
    np.add.at(marks, last + 1, -1)
    needed = np.flatnonzero(np.cumsum(marks)[:n + 1] > 0)
    low = np.full(n + 1, np.nan)
    high = np.full(n + 1, np.nan)
    low[needed], high[needed] = _limits_all(n, method, level, needed)
    width = int(np.max(last - first)) + 1
    out = np.empty(ps.size)
    chunk = max(1, 2_000_000 // width)
    offsets = np.arange(width)
    for s0 in range(0, ps.size, chunk):
        sl = slice(s0, s0 + chunk)
        kk = first[sl, None] + offsets[None, :]
        valid = kk <= last[sl, None]
        kk = np.minimum(kk, n)
        pc = ps[sl, None]
        covered = (low[kk] <= pc) & (pc <= high[kk]) & valid
        out[sl] = np.sum(np.where(covered, stats.binom.pmf(kk, n, pc), 0.0), axis=1)
    cov = out.reshape(p_arr.shape)
    return float(cov[0]) if scalar else cov


def _check_prior(k, n, a, b) -> tuple[int, int, float, float]:
    k, n = _check_kn(k, n, min_n=0)
    a = check_real(a, "a", positive=True)
    b = check_real(b, "b", positive=True)
    return k, n, a, b


def map_estimate(k, n, a: float = 2.0, b: float = 2.0) -> float:
    """Posterior mode (MAP estimate) of ``p`` under a Beta(a, b) prior.

    The posterior after ``k`` successes in ``n`` trials is
    Beta(k + a, n - k + b). Its mode is ``(k + a - 1) / (n + a + b - 2)``
    when both posterior parameters exceed 1; it is 0 when the density
    decreases on (0, 1) (first parameter <= 1, second > 1, or first < 1 and
    second = 1) and 1 in the mirror-image case. With ``a = b = 2`` this is
    add-one (Laplace) smoothing ``(k + 1) / (n + 2)``; with ``a = b = 1`` (a
    flat prior) it is the MLE ``k / n``.

    Parameters
    ----------
    k : int
        Number of successes, ``0 <= k <= n``.
    n : int
        Number of trials, ``n >= 0`` (``n = 0`` gives the prior's mode).
    a, b : float, default 2.0
        Positive prior parameters (prior "successes" and "failures" plus one).

    Returns
    -------
    float
        The MAP estimate, in ``[0, 1]``.

    Raises
    ------
    ValueError
        Bad ``k``, ``n``, ``a`` or ``b``, or a posterior without a unique mode
        (both posterior parameters equal to 1, a flat posterior, or both below 1,
        a U-shaped posterior with modes at 0 and 1).

    Examples
    --------
    >>> from mlecourse.intervals import map_estimate
    >>> map_estimate(0, 3, 2, 2)  # add-one smoothing: (0 + 1) / (3 + 2)
    0.2
    """
    k, n, a, b = _check_prior(k, n, a, b)
    alpha, beta = k + a, n - k + b
    if alpha > 1 and beta > 1:
        return float((alpha - 1) / (alpha + beta - 2))
    if (alpha <= 1 < beta) or (alpha < 1 and beta == 1):
        return 0.0
    if (beta <= 1 < alpha) or (beta < 1 and alpha == 1):
        return 1.0
    raise ValueError(
        f"the posterior Beta({alpha:g}, {beta:g}) has no unique mode ("
        + ("it is flat" if alpha == beta == 1 else "it is U-shaped, with modes at 0 and 1")
        + "); use a prior with a > 1 or b > 1, or use posterior_mean()."
    )


def posterior_mean(k, n, a: float = 1.0, b: float = 1.0) -> float:
    """Posterior mean of ``p`` under a Beta(a, b) prior: ``(k + a) / (n + a + b)``.

    With ``a = b = 1`` (a flat prior) this is add-one smoothing
    ``(k + 1) / (n + 2)``, Laplace's rule of succession.

    Parameters
    ----------
    k : int
        Number of successes, ``0 <= k <= n``.
    n : int
        Number of trials, ``n >= 0``.
    a, b : float, default 1.0
        Positive prior parameters.

    Returns
    -------
    float
        The posterior mean, strictly between 0 and 1.

    Examples
    --------
    >>> from mlecourse.intervals import posterior_mean
    >>> posterior_mean(0, 3)
    0.2
    """
    k, n, a, b = _check_prior(k, n, a, b)
    return float((k + a) / (n + a + b))
