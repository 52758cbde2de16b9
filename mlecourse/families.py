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
    known: tuple[str, ...] = ()
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
            if allow_arrays and not np.isscalar(value):
                v = as_float_array(value, name, ndim=None)
            else:
                v = np.float64(check_real(value, name))
            dom = self.domains[name]
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
        if np.any(x < 0):
            i = int(np.flatnonzero(x < 0)[0])
            raise ValueError(f"{fam} data must be >= 0; got {x[i]:g} at index {i}.")
    return check


def _check_positive(fam):
    def check(x):
        if np.any(x <= 0):
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


def _lp_student_t(x, mu, sigma, nu):
    z = (x - mu) / sigma
    return (special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2) - 0.5 * np.log(nu * np.pi)
            - np.log(sigma) - (nu + 1) / 2 * np.log1p(z * z / nu))


def _lp_gamma(x, shape, rate):
    return shape * np.log(rate) - special.gammaln(shape) + (shape - 1) * np.log(x) - rate * x


def _lp_negbin(x, mu, r):
    # NB2: P(x) = Gamma(x + r) / (Gamma(r) x!) (r / (r + mu))^r (mu / (r + mu))^x.
    # The coefficient is written as -betaln(r, x + 1) - log(r + x): differencing gammaln at
    # large r loses every digit (gammaln(1e12) is about 3e13), betaln does not, and log1p
    # keeps r log(r / (r + mu)) accurate, so the log-mass tends to the Poisson one as r grows.
    return (-special.betaln(r, x + 1) - np.log(r + x) - r * np.log1p(mu / r)
            + special.xlogy(x, mu) - x * np.log(mu + r))


# --------------------------------------------------------------------------
# closed-form MLEs: each takes (x, fixed, known) and returns all parameters, or
# None when this combination of fixed parameters has no closed form.

def _mle_bernoulli(x, fixed, known):
    return {"p": float(np.mean(x))}


def _mle_binomial(x, fixed, known):
    return {"p": float(np.sum(x) / (x.size * known["trials"]))}


def _mle_geometric(x, fixed, known):
    return {"p": float(1.0 / np.mean(x))}


def _mle_normal(x, fixed, known):
    mu = fixed.get("mu", float(np.mean(x)))
    sigma = fixed.get("sigma", float(np.sqrt(np.mean((x - mu) ** 2))))
    return {"mu": float(mu), "sigma": float(sigma)}


def _mle_poisson(x, fixed, known):
    return {"lam": float(np.mean(x))}


def _mle_exponential(x, fixed, known):
    return {"rate": float(1.0 / np.mean(x))}


def _mle_laplace(x, fixed, known):
    mu = fixed.get("mu", float(np.median(x)))
    b = fixed.get("b", float(np.mean(np.abs(x - mu))))  # the median maximises for any b
    return {"mu": float(mu), "b": float(b)}


def _mle_negbin(x, fixed, known):
    # The score equation for mu gives mu = mean(x) whatever r is; r has no closed form.
    if "r" not in fixed:
        return None
    return {"mu": float(fixed.get("mu", np.mean(x))), "r": float(fixed["r"])}


# analytic observed information (negative Hessian of the log-likelihood) at
# the MLE, for the free parameters, in the order of Family.params

def _info_bernoulli(x, th, known):
    p = th["p"]
    return {("p", "p"): x.size / (p * (1 - p))}


def _info_binomial(x, th, known):
    p = th["p"]
    return {("p", "p"): x.size * known["trials"] / (p * (1 - p))}


def _info_geometric(x, th, known):
    p = th["p"]
    return {("p", "p"): x.size / (p * p * (1 - p))}


def _info_normal(x, th, known):
    n, mu, s = x.size, th["mu"], th["sigma"]
    r = x - mu
    # exact second derivatives of the normal log-likelihood at (mu, sigma)
    return {
        ("mu", "mu"): n / s**2,
        ("mu", "sigma"): 2 * np.sum(r) / s**3,
        ("sigma", "sigma"): 3 * np.sum(r * r) / s**4 - n / s**2,
    }


def _info_poisson(x, th, known):
    return {("lam", "lam"): np.sum(x) / th["lam"] ** 2}


def _info_exponential(x, th, known):
    return {("rate", "rate"): x.size / th["rate"] ** 2}


def _info_laplace(x, th, known):
    # The Laplace log-likelihood is not twice differentiable in mu (it is
    # piecewise linear), so the observed information does not exist there; we
    # use the expected (Fisher) information n / b**2 for both parameters, which
    # gives the familiar asymptotic variance b**2 / n of the sample median.
    n, b = x.size, th["b"]
    return {("mu", "mu"): n / b**2, ("mu", "b"): 0.0, ("b", "b"): n / b**2}


def _info_negbin(x, th, known):
    # only used when r is fixed (the closed-form path): then mu is the only free parameter
    mu, r = th["mu"], th["r"]
    return {("mu", "mu"): np.sum(x / mu**2 - (x + r) / (mu + r) ** 2)}


# starting values for the numerical path (method of moments, roughly)

def _start_student_t(x, fixed, known):
    med = float(np.median(x))
    mad = float(np.median(np.abs(x - med))) * 1.4826 or float(np.std(x)) or 1.0
    return {"mu": med, "sigma": mad, "nu": 5.0}


def _start_gamma(x, fixed, known):
    m, v = float(np.mean(x)), float(np.var(x))
    if v <= 0:
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
    return x.size == 1 or bool(np.all(x == x[0]))


def _deg_normal(x, fixed, known):
    if "sigma" not in fixed and _all_equal(x) and ("mu" not in fixed or x[0] == fixed["mu"]):
        return (f"all {x.size} value(s) equal {x[0]:g}, so the likelihood grows without bound as "
                "sigma -> 0 and the MLE of sigma does not exist; fix sigma, e.g. "
                "fit('normal', x, sigma=1.0), or use more varied data")
    return None


def _deg_exponential(x, fixed, known):
    if np.all(x == 0):
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
    if "mu" not in fixed and np.all(x == 0):
        return ("all values are 0, so the likelihood grows without bound as mu -> 0 and the "
                "MLE of mu does not exist; at least one positive count is needed")
    if "r" not in fixed and np.all(x == 0):  # mu is fixed here
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
            description="location mu, scale sigma, degrees of freedom nu"))
_add(Family("gamma", ("shape", "rate"), {"shape": "positive", "rate": "positive"},
            "(0, infinity)", _lp_gamma, _check_positive("gamma"), None, None, _start_gamma,
            _deg_gamma, description="shape and rate (mean shape / rate)"))
_add(Family("negbin", ("mu", "r"), {"mu": "positive", "r": "positive"}, "{0, 1, 2, ...}",
            _lp_negbin, _check_negbin, _mle_negbin, _info_negbin, _start_negbin, _deg_negbin,
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
        raise ValueError(f"unknown family {family!r}; choose one of {names()}.")
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
