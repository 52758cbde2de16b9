"""Probability families: log-density, support, parameter domains, closed-form MLEs.

A :class:`Family` knows everything :func:`mlecourse.fit` needs about one
distribution: the names of its parameters (the textbook symbols), the domain
of each (real line, positive half-line, unit interval), how to check that data
lie in its support, its log-density, and, where one exists, the closed-form
maximum-likelihood estimate and the analytic observed information.

Log-likelihoods are computed as sums of log-densities (never as a product of
densities) and broadcast over arrays of parameter values, so a likelihood curve
or contour is one call: ``loglik("normal", x, mu=grid[:, None], sigma=grid[None, :])``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._validate import as_float_array, check_int, check_real


class _LazySpecial:
    """``scipy.special``, imported on first use: it is a fifth of a second, and
    ``import mlecourse`` should cost little more than ``import numpy``."""

    def __getattr__(self, name):
        from scipy import special as module

        return getattr(module, name)


special = _LazySpecial()

__all__ = ["Family", "DegenerateSampleError", "FAMILIES", "get_family", "loglik", "names"]


class DegenerateSampleError(ValueError):
    """The sample is in the support, but the MLE does not exist for it."""


@dataclass(frozen=True)
class Family:
    """One parametric family of distributions.

    Attributes
    ----------
    name : str
        The name used by :func:`mlecourse.fit`, e.g. ``"normal"``.
    params : tuple of str
        Parameter names, in order (textbook symbols: ``p``, ``mu``, ``sigma``...).
    domains : dict
        Parameter name to ``"real"``, ``"positive"`` or ``"unit"`` (the closed
        interval [0, 1] for probabilities).
    support : str
        A description of the support, used in error messages.
    known : tuple of str
        Names of known constants that must be passed (``trials`` for the binomial).
    inf_ok : tuple of str
        Parameters that may also be ``+inf``, a limit the density still has
        (the Student-t ``nu``: infinity is the normal distribution).

    Notes
    -----
    ``_info(x, theta, known)`` returns ``(units, info)``: a unit ``c`` for each
    parameter (a scale in the parameter's own units, such as ``sigma`` for a
    location or the value itself for a positive parameter) and the observed
    information of the standardised parameters ``theta / c``, which is free of
    the data's units. :func:`mlecourse.fit` inverts that matrix and multiplies
    back by the units, so standard errors change with the units of the data
    exactly by the Jacobian, without overflow or underflow at any scale.
    ``_solve(x, fixed, known)`` returns the MLE found by a one-dimensional
    reduction (the gamma and negative binomial), or ``None`` to fall back on
    general numerical maximisation.
    """

    name: str
    params: tuple[str, ...]
    domains: dict[str, str]
    support: str
    _logpdf: Callable = field(repr=False)
    _check: Callable = field(repr=False)
    _mle: Callable | None = field(default=None, repr=False)
    _info: Callable | None = field(default=None, repr=False)
    _start: Callable | None = field(default=None, repr=False)
    _degenerate: Callable | None = field(default=None, repr=False)
    _solve: Callable | None = field(default=None, repr=False)
    known: tuple[str, ...] = ()
    inf_ok: tuple[str, ...] = ()
    info_note: str = "observed information"
    description: str = ""

    def check_data(self, data, **known) -> np.ndarray:
        """Validate ``data`` (1-D, finite, in the support) and return it as floats."""
        x = as_float_array(data, "data", ndim=1)
        self._check(x, **known)
        return x

    def check_known(self, known: dict) -> dict:
        """Validate the known constants (e.g. ``trials``) and return them."""
        missing = [k for k in self.known if k not in known]
        if missing:
            raise TypeError(
                f"the {self.name} family needs the known constant(s) {missing}, e.g. "
                f"fit('{self.name}', data, {missing[0]}=10)."
            )
        out = {}
        for k in self.known:
            out[k] = check_int(known[k], k, low=1)
        return out

    def check_params(self, params: dict, *, allow_arrays: bool = True) -> dict:
        """Validate parameter values against their domains."""
        out = {}
        for name, value in params.items():
            if name not in self.params:
                raise ValueError(
                    f"{name!r} is not a parameter of the {self.name} family; "
                    f"its parameters are {list(self.params)}."
                )
            dom = self.domains[name]
            inf_ok = name in self.inf_ok
            if allow_arrays and not np.isscalar(value):
                v = as_float_array(value, name, ndim=None, allow_posinf=inf_ok)
            else:
                v = np.float64(check_real(value, name, allow_posinf=inf_ok))
            if dom == "positive" and np.any(v <= 0):
                raise ValueError(
                    f"{name} must be positive for the {self.name} family; got {value}.")
            if dom == "unit" and np.any((v < 0) | (v > 1)):
                raise ValueError(
                    f"{name} must lie in [0, 1] for the {self.name} family; got {value}.")
            out[name] = v
        return out

    def logpdf(self, x, **params) -> np.ndarray:
        """Log-density (or log-mass) of each value in ``x``; broadcasts."""
        return self._logpdf(np.asarray(x, dtype=float), **params)

    def loglik(self, data, **params) -> np.ndarray | float:
        """Log-likelihood of ``data`` at the given parameter values.

        Parameter values may be arrays (they broadcast against each other); the
        result then has their broadcast shape, one log-likelihood per setting.
        Known constants (``trials``) are passed the same way.
        """
        known = {k: params.pop(k) for k in list(params) if k in self.known}
        known = self.check_known(known)
        x = self.check_data(data, **known)
        missing = [p for p in self.params if p not in params]
        if missing:
            raise TypeError(f"loglik for the {self.name} family needs values for {missing}.")
        vals = self.check_params(params)
        shape = np.broadcast_shapes(*(np.shape(v) for v in vals.values()))
        xs = x.reshape((x.size,) + (1,) * len(shape))
        total = np.sum(self._logpdf(xs, **vals, **known), axis=0)
        return float(total) if total.ndim == 0 else total


# --------------------------------------------------------------------------
# support checks

def _integers(x: np.ndarray, fam: str, low: int, high: float = np.inf, what: str = "") -> None:
    if x.min() >= low and x.max() <= high and (x == np.round(x)).all():
        return
    bad = (x != np.round(x)) | (x < low) | (x > high)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{fam} data must be {what}; got {x[i]:g} at index {i}."
        )


def _check_bernoulli(x):
    _integers(x, "bernoulli", 0, 1, "0 or 1 (failure or success)")


def _check_binomial(x, trials):
    _integers(x, "binomial", 0, trials, f"whole numbers of successes from 0 to trials={trials}")


def _check_geometric(x):
    _integers(x, "geometric", 1, np.inf,
              "whole numbers >= 1 (the number of trials up to and including the first success)")


def _check_poisson(x):
    _integers(x, "poisson", 0, np.inf, "non-negative whole numbers (counts)")


def _check_negbin(x):
    _integers(x, "negbin", 0, np.inf, "non-negative whole numbers (counts)")


def _check_nonneg(fam):
    def check(x):
        if x.min() < 0:
            i = int(np.flatnonzero(x < 0)[0])
            raise ValueError(f"{fam} data must be >= 0; got {x[i]:g} at index {i}.")
    return check


def _check_positive(fam):
    def check(x):
        if x.min() <= 0:
            i = int(np.flatnonzero(x <= 0)[0])
            raise ValueError(f"{fam} data must be > 0; got {x[i]:g} at index {i}.")
    return check


def _check_real(x):
    return None


# --------------------------------------------------------------------------
# log-densities (broadcasting over x and the parameters)

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def _lp_bernoulli(x, p):
    return special.xlogy(x, p) + special.xlog1py(1 - x, -p)


def _lp_binomial(x, p, trials):
    logc = special.gammaln(trials + 1) - special.gammaln(x + 1) - special.gammaln(trials - x + 1)
    return logc + special.xlogy(x, p) + special.xlog1py(trials - x, -p)


def _lp_geometric(x, p):
    return np.log(p) + special.xlog1py(x - 1, -p)


def _lp_normal(x, mu, sigma):
    z = (x - mu) / sigma
    return -0.5 * z * z - np.log(sigma) - _LOG_SQRT_2PI


def _lp_poisson(x, lam):
    return special.xlogy(x, lam) - lam - special.gammaln(x + 1)


def _lp_exponential(x, rate):
    return np.log(rate) - rate * x


def _lp_laplace(x, mu, b):
    return -np.abs(x - mu) / b - np.log(2 * b)


def _t_log_norm_const(nu):
    """log Gamma((nu + 1) / 2) - log Gamma(nu / 2) - log(nu pi) / 2, accurate for every nu.

    For nu > 200 the difference of log-gammas (each about (nu / 2) log(nu / 2)) would
    lose digits, so the asymptotic series of log Gamma(a + 1/2) - log Gamma(a) at
    a = nu / 2 is used: log(a) / 2 - 1 / (8 a) + 1 / (192 a^3) + 1 / (640 a^5)
    - 17 / (14336 a^7), whose first omitted term is below 1e-20 there. At nu = infinity
    it is -log(2 pi) / 2, the normal constant.
    """
    if np.ndim(nu) == 0:  # one value (the optimiser's case): plain floats are faster
        v = float(nu)
        if v > 200:
            ia = 2.0 / v
            ia2 = ia * ia
            return (-0.5 * math.log(2 * math.pi)
                    + ia * (-1 / 8 + ia2 * (1 / 192 + ia2 * (1 / 640 - ia2 * 17 / 14336))))
        return math.lgamma((v + 1) / 2) - math.lgamma(v / 2) - 0.5 * math.log(v * math.pi)
    nu = np.asarray(nu, dtype=float)
    big = nu > 200
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        small_nu = np.where(big, 1.0, nu)
        direct = (special.gammaln((small_nu + 1) / 2) - special.gammaln(small_nu / 2)
                  - 0.5 * np.log(small_nu * np.pi))
        ia = np.where(big, 2.0 / np.where(big, nu, 1.0), 0.0)  # 1 / a, a = nu / 2
        ia2 = ia * ia
        series = (-0.5 * np.log(np.pi) - 0.5 * np.log(2.0)
                  + ia * (-1 / 8 + ia2 * (1 / 192 + ia2 * (1 / 640 - ia2 * 17 / 14336))))
    return np.where(big, series, direct)


def _lp_student_t(x, mu, sigma, nu):
    z = (x - mu) / sigma
    z2 = z * z
    if np.ndim(nu) == 0 and float(nu) < 1e8:  # z^2 / nu cannot underflow: log1p directly
        v = float(nu)
        return _t_log_norm_const(v) - np.log(sigma) - (v + 1) / 2 * np.log1p(z2 / v)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inv_nu = 1.0 / nu  # 0 at nu = infinity, the normal limit
        q = z2 * inv_nu
        # (nu + 1) / 2 log1p(z^2 / nu) = z^2 / 2 (1 + 1 / nu) log1p(q) / q, with
        # log1p(q) / q -> 1 as q -> 0 (its series where q is tiny), so nu = 1e300 or
        # infinity gives the normal log-density to the last digit.
        ratio = np.where(q < 1e-8, 1.0 - q / 2 + q * q / 3, np.log1p(q) / np.where(q > 0, q, 1.0))
        tail = 0.5 * z2 * (1.0 + inv_nu) * ratio
    return _t_log_norm_const(nu) - np.log(sigma) - tail


def _lp_gamma(x, shape, rate):
    return shape * np.log(rate) - special.gammaln(shape) + (shape - 1) * np.log(x) - rate * x


def _lgamma_ratio(x, r):
    """log Gamma(x + r) - log Gamma(x + 1), accurate also for huge counts x.

    Written as -betaln(r, x + 1) - log(r + x) - log Gamma(r) + ... would difference
    log-gammas of about x log x; for x + 1 > 1e6 Stirling's series is differenced
    analytically instead: (r - 1) log(x + 1) + (x + r - 1/2) log1p((r - 1) / (x + 1))
    - (r - 1) + 1 / (12 (x + r)) - 1 / (12 (x + 1)), with an error below 1e-19.
    """
    x, r = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(r, dtype=float))
    big = (x + 1 > 1e6) & (x + r > 1e6)
    with np.errstate(all="ignore"):
        xb = np.where(big, x, 1e7)
        rb = np.where(big, r, 1.0)
        y = xb + 1
        stirling = ((rb - 1) * np.log(y) + (xb + rb - 0.5) * np.log1p((rb - 1) / y) - (rb - 1)
                    + 1 / (12 * (xb + rb)) - 1 / (12 * y))
        xs = np.where(big, 0.0, x)
        rs = np.where(big, 1.0, r)
        small = -special.betaln(rs, xs + 1) - np.log(rs + xs) + special.gammaln(rs)
    return np.where(big, stirling, small)


def _lp_negbin(x, mu, r):
    # NB2: P(x) = Gamma(x + r) / (Gamma(r) x!) (r / (r + mu))^r (mu / (r + mu))^x.
    # The coefficient is written as -betaln(r, x + 1) - log(r + x): differencing gammaln at
    # large r loses every digit (gammaln(1e12) is about 3e13), betaln does not, and log1p
    # keeps r log(r / (r + mu)) accurate, so the log-mass tends to the Poisson one as r grows.
    # x log(mu / (mu + r)) is written -x log1p(r / mu), which keeps its digits when x and mu
    # are huge (counts of 1e12); so is the coefficient then (see _lgamma_ratio).
    big = np.any(np.asarray(x) + 1 > 1e6)
    coef = (_lgamma_ratio(x, r) - special.gammaln(r)) if big else (
        -special.betaln(r, x + 1) - np.log(r + x))
    return coef - r * np.log1p(mu / r) - x * np.log1p(r / mu)


# --------------------------------------------------------------------------
# closed-form MLEs: each takes (x, fixed, known) and returns all parameters, or
# None when this combination of fixed parameters has no closed form.

def _mle_bernoulli(x, fixed, known):
    return {"p": float(x.sum()) / x.size}


def _mle_binomial(x, fixed, known):
    return {"p": float(x.sum()) / (x.size * known["trials"])}


def _mle_geometric(x, fixed, known):
    return {"p": x.size / float(x.sum())}


def _rms(r):
    """Root mean square of ``r`` without underflow or overflow (data times 1e-300 or 1e300)."""
    m = max(abs(float(r.max())), abs(float(r.min())))
    if 1e-135 < m < 1e135:  # the sum of squares can neither overflow nor underflow
        return math.sqrt(float(r @ r) / r.size)
    if m == 0.0 or not np.isfinite(m):
        return m
    q = r / m
    return m * float(np.sqrt(np.mean(q * q)))


def _mle_normal(x, fixed, known):
    mu = fixed["mu"] if "mu" in fixed else float(x.sum()) / x.size
    sigma = fixed.get("sigma", _rms(x - mu))
    return {"mu": float(mu), "sigma": float(sigma)}


def _mle_poisson(x, fixed, known):
    return {"lam": float(x.sum()) / x.size}


def _mle_exponential(x, fixed, known):
    return {"rate": x.size / float(x.sum())}


def _mle_laplace(x, fixed, known):
    mu = fixed.get("mu", float(np.median(x)))
    b = fixed.get("b", float(np.mean(np.abs(x - mu))))  # the median maximises for any b
    return {"mu": float(mu), "b": float(b)}


def _mle_negbin(x, fixed, known):
    # The score equation for mu gives mu = mean(x) whatever r is; r has no closed form.
    if "r" not in fixed:
        return None
    return {"mu": float(fixed.get("mu", np.mean(x))), "r": float(fixed["r"])}


# analytic observed information (negative Hessian of the log-likelihood) of the
# standardised parameters theta / c, with the units c: see Family's Notes

def _info_bernoulli(x, th, known):
    p = th["p"]
    return {"p": math.sqrt(p * (1 - p))}, {("p", "p"): float(x.size)}


def _info_binomial(x, th, known):
    p = th["p"]
    return {"p": math.sqrt(p * (1 - p))}, {("p", "p"): float(x.size * known["trials"])}


def _info_geometric(x, th, known):
    p = th["p"]
    return {"p": p * math.sqrt(1 - p)}, {("p", "p"): float(x.size)}


def _info_normal(x, th, known):
    n, mu, s = x.size, th["mu"], th["sigma"]
    z = (x - mu) / s
    # exact second derivatives of the normal log-likelihood at (mu, sigma), times sigma^2
    return {"mu": s, "sigma": s}, {
        ("mu", "mu"): float(n),
        ("mu", "sigma"): 2 * float(z.sum()),
        ("sigma", "sigma"): 3 * float(np.dot(z, z)) - n,
    }


def _info_poisson(x, th, known):
    lam = th["lam"]
    return {"lam": lam}, {("lam", "lam"): float(np.sum(x))}


def _info_exponential(x, th, known):
    return {"rate": th["rate"]}, {("rate", "rate"): float(x.size)}


def _info_laplace(x, th, known):
    # The Laplace log-likelihood is not twice differentiable in mu (it is
    # piecewise linear), so the observed information does not exist there; we
    # use the expected (Fisher) information n / b**2 for both parameters, which
    # gives the familiar asymptotic variance b**2 / n of the sample median.
    n, b = x.size, th["b"]
    return {"mu": b, "b": b}, {("mu", "mu"): float(n), ("mu", "b"): 0.0, ("b", "b"): float(n)}


def _info_gamma(x, th, known):
    a, n = th["shape"], x.size
    # -d2l/da2 = n trigamma(a), -d2l/da db = -n / b, -d2l/db2 = n a / b^2 (b the rate)
    return {"shape": a, "rate": th["rate"]}, {
        ("shape", "shape"): n * a * a * float(special.zeta(2.0, a)),  # trigamma
        ("shape", "rate"): -n * a,
        ("rate", "rate"): n * a,
    }


def _info_negbin(x, th, known):
    mu, r = th["mu"], th["r"]
    u, c = _counts(x)
    d = mu + r
    n = x.size
    sx = float(np.dot(c, u))
    # mu^2 sum[x / mu^2 - (x + r) / d^2] = r [(2 mu + r) sum(x) - n mu^2] / d^2, written so
    # that nothing cancels when the counts are huge
    i_mm = r * ((2 * mu + r) * sx - n * mu * mu) / (d * d)
    i_mr = (n * mu - sx) * mu * r / (d * d)
    pg = special.zeta(2.0, np.append(u + r, r))  # trigamma
    i_rr = -r * r * (float(np.dot(c, pg[:-1])) - n * float(pg[-1]) + n / r
                     - n / d - (n * mu - sx) / (d * d))
    return {"mu": mu, "r": r}, {("mu", "mu"): i_mm, ("mu", "r"): i_mr, ("r", "r"): i_rr}


def _counts(x):
    """Distinct values of ``x`` and how often each occurs (sums over counts are short)."""
    top = float(x.max()) if x.size else 0.0
    if top <= 4 * x.size + 64:  # small whole numbers: one pass of bincount, no sort
        c = np.bincount(x.astype(np.int64))
        u = np.flatnonzero(c)
        return u.astype(float), c[u].astype(float)
    u, c = np.unique(x, return_counts=True)
    return u, c.astype(float)


# one-dimensional reductions

def _root_increasing(g, t0, step=1.0):
    """Root of an increasing function ``g`` of a real ``t``, bracketed outwards from ``t0``."""
    from scipy import optimize

    g0 = g(t0)
    if g0 == 0:
        return t0
    sign = -1.0 if g0 > 0 else 1.0
    a = t0
    for _ in range(200):
        b = a + sign * step
        gb = g(b)
        if not np.isfinite(gb):
            return None
        if (gb > 0) != (g0 > 0) or gb == 0:
            lo, hi = (a, b) if a < b else (b, a)
            return optimize.brentq(g, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=200)
        a, step = b, step * 2
        if abs(a) > 700:
            return None
    return None


def _gamma_shape(s):
    """The root a of log(a) - digamma(a) = s > 0 (decreasing in a), by Newton on log(a).

    The start is the closed-form approximation of Minka (2002), already within a few
    per cent; Newton then converges in three or four steps.
    """
    a = (3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
    for _ in range(60):
        f = math.log(a) - float(special.digamma(a)) - s
        df = 1 / a - float(special.zeta(2.0, a))  # 1 / a - trigamma(a) < 0
        step = f / (df * a)  # Newton step on t = log(a)
        t = math.log(a) - step
        a_new = math.exp(t)
        if abs(a_new - a) <= 4e-16 * a:
            return a_new
        a = a_new
    return a


def _gamma_shape_rows(s):
    """:func:`_gamma_shape` for an array of ``s > 0`` at once (the same Newton steps)."""
    s = np.asarray(s, dtype=float)
    a = (3 - s + np.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
    for _ in range(60):
        f = np.log(a) - special.digamma(a) - s
        df = 1 / a - special.zeta(2.0, a)
        a_new = a * np.exp(-f / (df * a))
        done = np.all(np.abs(a_new - a) <= 4e-16 * a)
        a = a_new
        if done:
            break
    return a


def _solve_gamma(x, fixed, known):
    if "shape" in fixed and "rate" in fixed:
        return None
    mean = float(x.sum()) / x.size
    if "shape" in fixed:  # the rate in closed form given the shape
        return {"shape": fixed["shape"], "rate": fixed["shape"] / mean}
    mlog = float(np.log(x).sum()) / x.size
    if "rate" in fixed:
        # digamma(a) = log(rate) + mean(log x): increasing in a, solved on log(a)
        c = math.log(fixed["rate"]) + mlog
        t = _root_increasing(lambda t: float(special.digamma(math.exp(t))) - c,
                             math.log(max(fixed["rate"] * mean, 1e-300)))
        if t is None:
            return None
        return {"shape": math.exp(t), "rate": fixed["rate"]}
    # the rate is shape / mean for every shape; the profile score in the shape is
    # log(a) - digamma(a) - s with s = log(mean x) - mean(log x) > 0 (Jensen)
    s = math.log(mean) - mlog
    if not s > 0:
        return None
    a = _gamma_shape(s)
    return {"shape": a, "rate": a / mean}


def _solve_negbin(x, fixed, known):
    if "r" in fixed:
        return None  # mu = mean(x): the closed form
    u, c = _counts(x)
    n = x.size
    if "mu" in fixed:
        mu = fixed["mu"]
        sx = float(np.dot(c, u))

        def score(t):  # d loglik / d r, decreasing in r where the MLE is finite
            r = math.exp(t)
            return -(float(np.dot(c, special.digamma(u + r))) - n * float(special.digamma(r))
                     + n * math.log(r / (r + mu)) + n - (n * r + sx) / (r + mu))
    else:
        mu = float(np.dot(c, u)) / n

        def score(t):  # the profile score in r (mu = mean for every r), times -1
            r = math.exp(t)
            return -(float(np.dot(c, special.digamma(u + r))) - n * float(special.digamma(r))
                     - n * math.log1p(mu / r))
    start = _start_negbin(x, fixed, known)["r"]
    t = _root_increasing(score, math.log(start))
    if t is None:
        return None
    return {"mu": float(mu), "r": math.exp(t)}


# starting values for the numerical path (method of moments, roughly)

def _start_student_t(x, fixed, known):
    med = float(np.median(x))
    mad = float(np.median(np.abs(x - med))) * 1.4826 or float(np.std(x)) or 1.0
    return {"mu": med, "sigma": mad, "nu": 5.0}


def _start_gamma(x, fixed, known):
    with np.errstate(over="ignore"):  # data spanning 1e-300 to 1e300: a start all the same
        m, v = float(np.mean(x)), float(np.var(x))
    if not 0 < v < math.inf:
        v = m * m
    shape = m * m / v
    return {"shape": shape, "rate": shape / m}


def _start_negbin(x, fixed, known):
    mu = float(fixed.get("mu", np.mean(x)))
    excess = float(np.mean((x - mu) ** 2)) - float(np.mean(x))  # variance beyond Poisson
    r = mu * mu / excess if excess > 0 else 1.0
    return {"mu": mu, "r": float(min(max(r, 1e-3), 1e6))}


# degenerate samples: the data are in the support but the MLE does not exist

def _all_equal(x):
    return x.size == 1 or bool(x.min() == x.max())


def _deg_normal(x, fixed, known):
    if "sigma" not in fixed and _all_equal(x) and ("mu" not in fixed or x[0] == fixed["mu"]):
        return (f"all {x.size} value(s) equal {x[0]:g}, so the likelihood grows without bound as "
                "sigma -> 0 and the MLE of sigma does not exist; fix sigma, e.g. "
                "fit('normal', x, sigma=1.0), or use more varied data")
    return None


def _deg_exponential(x, fixed, known):
    if x.max() == 0:  # the data are >= 0 here
        return ("all values are 0, so the likelihood grows without bound as rate -> infinity and "
                "the MLE of rate does not exist; at least one positive value is needed")
    return None


def _deg_laplace(x, fixed, known):
    if "b" not in fixed:
        mu = fixed.get("mu", np.median(x))
        if np.all(x == mu):
            return (f"every value equals mu = {mu:g}, so the likelihood grows without bound as "
                    "b -> 0 and the MLE of b does not exist; fix b or use more varied data")
    return None


def _deg_student_t(x, fixed, known):
    if "sigma" not in fixed and _all_equal(x):
        return (f"all {x.size} value(s) equal {x[0]:g}, so the likelihood grows without bound as "
                "sigma -> 0 and the MLE does not exist; use more varied data")
    return None


def _deg_gamma(x, fixed, known):
    if "shape" not in fixed and _all_equal(x):
        return (f"all {x.size} value(s) equal {x[0]:g}, so the likelihood grows without bound as "
                "shape -> infinity and the MLE does not exist; use more varied data")
    return None


def _deg_negbin(x, fixed, known):
    if "mu" not in fixed and x.max() == 0:
        return ("all values are 0, so the likelihood grows without bound as mu -> 0 and the "
                "MLE of mu does not exist; at least one positive count is needed")
    if "r" not in fixed and x.max() == 0:  # mu is fixed here
        return ("all values are 0, so with mu fixed the likelihood grows as r -> 0 and the "
                "MLE of r does not exist; at least one positive count is needed")
    if "r" not in fixed and "mu" not in fixed:
        # The MLE of mu is mean(x) for every r, and the MLE of r is finite exactly when the
        # variance (divisor n) exceeds the mean (Aragon, Eberly and Eberly 1992). Otherwise
        # the profile likelihood keeps increasing as r -> infinity, towards the Poisson: near
        # r = infinity, log NB(x; mu, r) = log Poisson(x; mu) + ((x - mu)^2 - x) / (2 r) + ...
        var, mean = float(np.var(x)), float(np.mean(x))
        if var <= mean:
            return (f"the variance of the counts ({var:.6g}, divisor n) does not exceed their "
                    f"mean ({mean:.6g}): the data show no overdispersion, so the likelihood "
                    "keeps increasing as r -> infinity (the Poisson limit) and the MLE of r "
                    "does not exist; fit the 'poisson' family instead, or fix r")
    return None


FAMILIES: dict[str, Family] = {}


def _add(f: Family) -> None:
    FAMILIES[f.name] = f


_add(Family("bernoulli", ("p",), {"p": "unit"}, "{0, 1}", _lp_bernoulli, _check_bernoulli,
            _mle_bernoulli, _info_bernoulli,
            description="one trial with success probability p"))
_add(Family("binomial", ("p",), {"p": "unit"}, "{0, 1, ..., trials}", _lp_binomial,
            _check_binomial, _mle_binomial, _info_binomial, known=("trials",),
            description="successes in `trials` independent trials (trials known)"))
_add(Family("geometric", ("p",), {"p": "unit"}, "{1, 2, 3, ...}", _lp_geometric,
            _check_geometric, _mle_geometric, _info_geometric,
            description="number of trials up to and including the first success"))
_add(Family("normal", ("mu", "sigma"), {"mu": "real", "sigma": "positive"}, "the real line",
            _lp_normal, _check_real, _mle_normal, _info_normal, _degenerate=_deg_normal,
            description="mean mu, standard deviation sigma"))
_add(Family("poisson", ("lam",), {"lam": "positive"}, "{0, 1, 2, ...}", _lp_poisson,
            _check_poisson, _mle_poisson, _info_poisson, description="counts with mean lam"))
_add(Family("exponential", ("rate",), {"rate": "positive"}, "[0, infinity)", _lp_exponential,
            _check_nonneg("exponential"), _mle_exponential, _info_exponential,
            _degenerate=_deg_exponential, description="waiting times with rate `rate`"))
_add(Family("laplace", ("mu", "b"), {"mu": "real", "b": "positive"}, "the real line",
            _lp_laplace, _check_real, _mle_laplace, _info_laplace, _degenerate=_deg_laplace,
            info_note="expected (Fisher) information: the log-likelihood is not twice "
                      "differentiable in mu",
            description="location mu (the median), scale b"))
_add(Family("student_t", ("mu", "sigma", "nu"),
            {"mu": "real", "sigma": "positive", "nu": "positive"}, "the real line",
            _lp_student_t, _check_real, None, None, _start_student_t, _deg_student_t,
            inf_ok=("nu",), description="location mu, scale sigma, degrees of freedom nu"))
_add(Family("gamma", ("shape", "rate"), {"shape": "positive", "rate": "positive"},
            "(0, infinity)", _lp_gamma, _check_positive("gamma"), None, _info_gamma,
            _start_gamma, _deg_gamma, _solve_gamma,
            description="shape and rate (mean shape / rate)"))
_add(Family("negbin", ("mu", "r"), {"mu": "positive", "r": "positive"}, "{0, 1, 2, ...}",
            _lp_negbin, _check_negbin, _mle_negbin, _info_negbin, _start_negbin, _deg_negbin,
            _solve_negbin,
            description="overdispersed counts: mean mu, size r, variance mu + mu^2 / r (NB2)"))


def names() -> list[str]:
    """Names of the available families."""
    return sorted(FAMILIES)


def get_family(family) -> Family:
    """Return the :class:`~mlecourse.families.Family` called ``family`` (or ``family`` itself)."""
    if isinstance(family, Family):
        return family
    if not isinstance(family, str):
        raise TypeError(
            f"family must be a name such as 'normal' or a Family; got {type(family).__name__}."
        )
    key = family.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in FAMILIES:
        import difflib

        close = difflib.get_close_matches(key, names(), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown family {family!r}; {hint}choose one of {names()}.")
    return FAMILIES[key]


def loglik(family, data, **params) -> np.ndarray | float:
    """Log-likelihood of ``data`` under ``family`` at the given parameter values.

    Parameters
    ----------
    family : str or Family
        A family name, e.g. ``"bernoulli"`` or ``"normal"``.
    data : array_like, shape (n,)
        The observations.
    **params : float or array_like
        A value for every parameter (and known constants such as ``trials``).
        Arrays broadcast against each other, giving one log-likelihood per
        setting: a curve or a grid for plotting.

    Returns
    -------
    float or ndarray
        The sum of the log-densities; an array of the parameters' broadcast
        shape when they are arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse import loglik
    >>> round(loglik("bernoulli", [1, 0, 1], p=0.5), 6)
    -2.079442
    >>> loglik("bernoulli", [1, 0, 1], p=np.array([0.25, 0.5])).shape
    (2,)
    """
    return get_family(family).loglik(data, **params)
