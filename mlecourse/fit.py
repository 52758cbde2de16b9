"""Maximum-likelihood fitting: closed forms where they exist, numerical otherwise.

:func:`fit` fits one of the named families in :mod:`mlecourse.families`;
:func:`fit_numeric` maximises a log-likelihood you write yourself. Both return a
:class:`FitResult` with the estimates, the maximised log-likelihood, standard
errors from the observed information, Wald and profile-likelihood intervals,
and AIC / BIC. Sandwich (robust, Huber--White) standard errors, which stay
valid when the model is wrong, are available as ``FitResult.se_robust``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from . import _fastfit, _numdiff
from ._criteria import InformationCriteria
from ._validate import as_float_array, check_choice, check_real
from .families import FAMILIES, DegenerateSampleError, Family, get_family

__all__ = ["FitResult", "fit", "fit_numeric", "BoundaryWarning", "DegenerateSampleError",
           "UnboundedLikelihoodWarning"]

_LIMIT = 35.0  # |z - z_start| beyond which a log- or logit-scale parameter has run away
_EPS = 1e-4     # finite-difference step, in standardised (unit-free) coordinates


class BoundaryWarning(UserWarning):
    """An estimate lies on the boundary of the parameter space."""


class UnboundedLikelihoodWarning(UserWarning):
    """The likelihood has no global maximum; the fit reports a local one.

    Issued by :func:`fit` for the Student t with ``nu`` estimated when values
    are tied: the likelihood then grows without bound as ``sigma -> 0`` at a
    tied value with ``nu`` small, yet there is an interior local maximum, which
    is what is returned. ``FitResult.unbounded`` says the same in words (it is
    set for every Student-t fit with ``nu`` free, tied values or not, because
    that likelihood is unbounded for every sample) and ``summary()`` prints it.
    """


# ---------------------------------------------------------------------------
# parameter transforms: optimisation runs on an unconstrained scale z

def _to_z(value: float, domain: str) -> float:
    if domain == "positive":
        return math.log(value) if value > 0 else -math.inf
    if domain == "unit":
        if value <= 0:
            return -math.inf
        if value >= 1:
            return math.inf
        return math.log(value) - math.log1p(-value)
    return float(value)


def _from_z(z: float, domain: str) -> float:
    if domain == "positive":
        return math.exp(z)
    if domain == "unit":
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return float(z)


def _edge_word(domain: str, direction: float) -> str:
    if domain == "positive":
        return "infinity" if direction > 0 else "0"
    if domain == "unit":
        return "1" if direction > 0 else "0"
    return "+infinity" if direction > 0 else "-infinity"


class _Coords:
    """Standardised coordinates u around a point theta_hat: unit-free, 0 at theta_hat.

    A real parameter is u = (theta - theta_hat) / c with c its unit (a scale in the
    parameter's own units); a positive one u = log(theta / theta_hat), a probability
    u = logit(theta) - logit(theta_hat). A change of the data's units changes
    theta_hat and c together, so u, the steps taken in it and everything computed
    from it are the same in every unit system.
    """

    def __init__(self, theta: dict, free, domains: dict, units: dict):
        self.theta = dict(theta)
        self.free = list(free)
        self.domains = domains
        self.c = np.empty(len(self.free))
        for i, n in enumerate(self.free):
            v, d = float(theta[n]), domains[n]
            if d == "positive":
                self.c[i] = v
            elif d == "unit":
                self.c[i] = v * (1 - v)
            else:
                self.c[i] = float(units[n])
        self.z0 = np.array([_to_z(float(theta[n]), domains[n]) for n in self.free])

    def point(self, u) -> dict:
        th = dict(self.theta)
        for i, n in enumerate(self.free):
            d = self.domains[n]
            if d == "real":
                th[n] = self.theta[n] + self.c[i] * u[i]
            else:
                th[n] = _from_z(self.z0[i] + u[i], d)
        return th

    def curvature_shift(self, g: np.ndarray) -> np.ndarray:
        """``g * u'' / u'^2`` per coordinate: turns the u-Hessian into the theta one."""
        out = np.zeros(len(self.free))
        for i, n in enumerate(self.free):
            d = self.domains[n]
            if d == "positive":
                out[i] = -g[i]
            elif d == "unit":
                p = float(self.theta[n])
                out[i] = -(1 - 2 * p) * g[i]
        return out


def _real_steps(coords: _Coords, h: float) -> np.ndarray:
    """Steps in u for which theta_hat + c u is exactly representable (shifted data)."""
    steps = np.full(len(coords.free), h)
    for i, n in enumerate(coords.free):
        if coords.domains[n] == "real" and coords.c[i] > 0:
            t = float(coords.theta[n])
            delta = (t + coords.c[i] * h) - t
            if delta > 0:
                steps[i] = delta / coords.c[i]
    return steps


def _std_information(ll: Callable, coords: _Coords) -> tuple[np.ndarray, np.ndarray]:
    """Observed information of the standardised parameters theta / c, and the u-gradient.

    Central differences in u. A first pass with steps of 1e-4 (in units of each
    parameter's own scale) measures the curvature along each coordinate; the final
    steps are 1e-3 standard errors (clipped to [1e-6, 1e-2] in u), which balances
    rounding against truncation error whatever the units of the data or the size of
    the sample.
    """
    k = len(coords.free)

    def f(u):
        with np.errstate(all="ignore"):
            return ll(coords.point(u))

    zero = np.zeros(k)
    steps = _real_steps(coords, _EPS)
    f0 = f(zero)
    for i in range(k):
        e = np.zeros(k)
        e[i] = steps[i]
        curv = -(f(e) - 2 * f0 + f(-e)) / steps[i] ** 2
        h = 1e-3 / math.sqrt(curv) if np.isfinite(curv) and curv > 0 else _EPS
        steps[i] = _real_steps(coords, min(max(h, 1e-6), 1e-2))[i] if coords.domains[
            coords.free[i]] == "real" else min(max(h, 1e-6), 1e-2)
    g = _numdiff.gradient(f, zero, steps)
    h = _numdiff.hessian(f, zero, steps)
    info = -h
    info[np.diag_indices(k)] -= coords.curvature_shift(g)
    return info, g


class _Problem:
    """A log-likelihood over named parameters with domains, and how to maximise it."""

    def __init__(self, names, domains, loglik, scales, closed=None, start=None, label="",
                 logpdf_obs=None, solve=None, user=False, newton=None):
        self.names = tuple(names)
        self.domains = dict(domains)
        self.loglik = loglik          # dict of all params -> float
        self.scales = scales          # unit of each real parameter (a scale in its units)
        self.closed = closed          # fixed dict -> full params dict, or None
        self.solve = solve            # fixed dict -> params by a 1-D reduction, or None
        self.start = start            # fixed dict -> starting values for all params
        self.label = label
        self.logpdf_obs = logpdf_obs  # dict of all params -> per-observation log-densities (n,)
        self.user = user              # fit_numeric: the user chose the starting values
        self.newton = newton          # (fixed, start) -> (params, loglik) by Newton, or None

    def unit(self, name: str, theta: dict) -> float:
        """The unit of a real parameter: its scale, given or found from the curvature."""
        return float(self.scales.get(name, 1.0))

    def maximise(self, fixed: dict, start: dict | None = None) -> tuple[dict, float, str]:
        """Maximise over the parameters not in ``fixed``: (params, loglik, method)."""
        free = [n for n in self.names if n not in fixed]
        if not free:
            theta = dict(fixed)
            return theta, self.loglik(theta), "closed form"
        if self.closed is not None:
            theta = self.closed(fixed)
            if theta is not None:
                return theta, self.loglik(theta), "closed form"
        if self.solve is not None:
            theta = self.solve(fixed)
            if theta is not None:
                theta = {**theta, **fixed}
                ll = self.loglik(theta)
                if np.isfinite(ll):
                    return theta, ll, "numerical"
        init = dict(self.start(fixed) if start is None else start)
        init.update(fixed)
        for n in free:
            if not np.isfinite(_to_z(init[n], self.domains[n])):
                raise ValueError(
                    f"the starting value {n} = {init[n]:g} lies outside its domain "
                    f"({self.domains[n]}).")
        coords = _Coords(init, free, self.domains, {n: self.unit(n, init) for n in free})
        bounded = np.array([self.domains[n] != "real" for n in free])

        def negll(u):
            if np.any(np.abs(u[bounded]) > 2 * _LIMIT):
                return np.inf
            with np.errstate(all="ignore"):
                v = -self.loglik(coords.point(u))
            return v if np.isfinite(v) else np.inf

        u = _optimise(negll, np.zeros(len(free)), self.user)
        for i, n in enumerate(free):
            if bounded[i] and abs(u[i]) > _LIMIT:
                raise DegenerateSampleError(
                    f"maximising {self.label} log-likelihood ran {n} to the edge of its range "
                    f"({n} -> {_edge_word(self.domains[n], u[i])}): the likelihood keeps "
                    "increasing there, so the MLE does not exist for these data; fix that "
                    "parameter or use more varied data."
                )
        theta = coords.point(u)
        return theta, self.loglik(theta), "numerical"


def _optimise(negll: Callable, z0: np.ndarray, user: bool = False) -> np.ndarray:
    """Minimise ``negll`` over standardised coordinates by BFGS, then polish with Newton."""
    from scipy import optimize

    f0 = negll(z0)
    if not np.isfinite(f0):
        raise ValueError(
            "the log-likelihood is not finite at the starting values; choose x0 where the "
            "model gives the data positive density." if user else
            "the log-likelihood is not finite at the starting point of the numerical search "
            "(computed from the data); the data may be too extreme for this family.")
    scale = max(abs(f0), 1.0)
    with np.errstate(invalid="ignore", over="ignore"):  # BFGS differences infinite values
        res = optimize.minimize(lambda z: negll(z) / scale, z0, method="BFGS",
                                options={"gtol": 1e-9, "maxiter": 2000})
    z = np.asarray(res.x, dtype=float)
    fz = negll(z)
    if not np.isfinite(fz) or fz > f0:  # BFGS can stop on an infinite value
        res = optimize.minimize(negll, z0, method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
        z, fz = np.asarray(res.x, dtype=float), negll(res.x)
    steps = np.full(z.size, _EPS)
    for _ in range(50):  # Newton polish: finite-difference gradient and Hessian
        g = _numdiff.gradient(negll, z, steps)
        h = _numdiff.hessian(negll, z, steps)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            break
        try:
            eig = np.linalg.eigvalsh(h)
            if eig[0] <= 0:
                break
            step = np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            break
        t, improved = 1.0, False
        while t > 1e-6:
            zn = z - t * step
            fn = negll(zn)
            if fn <= fz:
                improved = True
                break
            t /= 2
        if not improved:
            break
        done = (np.all(np.abs(zn - z) <= 1e-12 * (1 + np.abs(z)))
                or fz - fn <= 1e-14 * max(1.0, abs(fz)))  # no further gain in the value
        z, fz = zn, fn
        if done:
            break
    return z


# ---------------------------------------------------------------------------

class FitResult(InformationCriteria):
    """The result of a maximum-likelihood fit.

    Attributes
    ----------
    family : str
        The family's name (``"user"`` for :func:`fit_numeric`).
    params : dict
        Every parameter's value: the MLEs and any fixed values.
    free : tuple of str
        The estimated parameters, in order (rows and columns of ``cov``).
    fixed : dict
        The parameters held fixed, with their values.
    known : dict
        Known constants of the family, e.g. ``{"trials": 10}`` for the
        binomial; empty for most families.
    loglik : float
        The maximised log-likelihood.
    n : int or None
        The number of observations.
    se : dict
        Standard errors of the free parameters (fixed ones have none).
    cov : ndarray, shape (k, k)
        Inverse observed information for the free parameters.
    se_robust : dict
        Sandwich (robust, Huber--White) standard errors of the free parameters:
        the square roots of the diagonal of ``cov_robust``. Computed on first use.
    cov_robust : ndarray, shape (k, k)
        The sandwich covariance ``H^-1 B H^-1``, where ``H^-1`` is ``cov`` and
        ``B`` is the sum over observations of the outer products of the
        per-observation scores at the estimate (central finite differences of
        the per-observation log-densities). This is the "HC0" form, without a
        small-sample factor such as ``n / (n - k)``. It estimates the sampling
        covariance of the MLE whether or not the model is true (White 1982),
        whereas ``cov`` is right only when the model is true. Available for
        :func:`mlecourse.fit` and for :func:`mlecourse.fit_numeric` with
        ``per_observation=True``;
        otherwise reading it raises a ``ValueError``. For the Laplace family
        ``H`` is the expected information (the log-likelihood has no second
        derivative in ``mu``), so there the sandwich is not model-free.
    method : str
        ``"closed form"`` or ``"numerical"``.
    info_note : str
        How the standard errors were computed (analytic or numerical
        information, and for a numerical Hessian its step); printed by
        :meth:`summary`.
    unbounded : str or None
        ``None`` when the reported maximum is the maximum of the likelihood.
        Otherwise a sentence saying that the likelihood has no global maximum
        (it grows without bound somewhere on the edge of the parameter space)
        and that the reported estimate is an interior local maximum; printed by
        :meth:`summary`. Set for the Student t with ``nu`` estimated.
    """

    def __init__(self, family, params, free, fixed, loglik, n, cov, method, problem,
                 info_note="observed information", known=None, se=None, unbounded=None):
        self.family = family
        self.params = {k: float(v) for k, v in params.items()}
        self.free = tuple(free)
        self.fixed = {k: float(v) for k, v in fixed.items()}
        self.loglik = float(loglik)
        self.n = n
        self.cov = np.asarray(cov, dtype=float).reshape(len(self.free), len(self.free))
        if se is None:
            se = [math.sqrt(max(self.cov[i, i], 0.0)) for i in range(len(self.free))]
        self.se = {k: float(v) for k, v in zip(self.free, se)}
        self.unbounded = unbounded
        self.method = method
        self.info_note = info_note
        self._problem_src = problem  # a _Problem, or a function building it on first use
        self._cov_robust = None
        self.known = dict(known or {})

    @classmethod
    def _fast(cls, fam: Family, x: np.ndarray, known: dict, params: dict, loglik: float,
              se: tuple, cross: float, method: str) -> FitResult:
        """The result of :mod:`mlecourse._fastfit`: every parameter free, no checks left."""
        self = cls.__new__(cls)
        self.family = fam.name
        self.params = params
        self.free = free = fam.params
        self.fixed = {}
        self.loglik = loglik
        self.n = x.size
        if len(se) == 1:
            self.cov = np.array([[se[0] * se[0]]])
        else:
            self.cov = np.array([[se[0] * se[0], cross], [cross, se[1] * se[1]]])
        self.se = dict(zip(free, se))
        self.unbounded = None
        self.method = method
        self.info_note = _analytic_note(fam)
        self._problem_src = lambda: _family_problem(fam, x, known)[2]()
        self._cov_robust = None
        self.known = dict(known)
        return self

    @property
    def _problem(self):
        if self._problem_src is not None and not isinstance(self._problem_src, _Problem):
            self._problem_src = self._problem_src()
        return self._problem_src

    @property
    def cov_robust(self) -> np.ndarray:
        """Sandwich covariance ``H^-1 B H^-1`` of the free parameters, shape (k, k)."""
        if self._cov_robust is None:
            self._cov_robust = _sandwich(self)
        return self._cov_robust.copy()

    @property
    def se_robust(self) -> dict:
        """Sandwich (robust) standard errors of the free parameters (name to float)."""
        cov = self.cov_robust
        return {k: float(math.sqrt(max(cov[i, i], 0.0))) for i, k in enumerate(self.free)}

    def _se(self, cov_type: str) -> dict:
        check_choice(cov_type, "cov_type", ("observed", "robust"))
        return self.se if cov_type == "observed" else self.se_robust

    @property
    def k(self) -> int:
        """Number of estimated parameters."""
        return len(self.free)

    def conf_int(self, level: float = 0.95, method: str = "wald",
                 cov_type: str = "observed") -> dict:
        """Confidence intervals for the free parameters.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level, strictly between 0 and 1.
        method : {"wald", "profile"}
            ``"wald"``: estimate plus or minus z times the standard error.
            ``"profile"``: the set of values where the profile log-likelihood
            lies within half the chi-square(1) quantile of its maximum
            (the likelihood-ratio interval).
        cov_type : {"observed", "robust"}, default "observed"
            Which standard errors a Wald interval uses: ``se`` (inverse
            observed information) or ``se_robust`` (sandwich). The profile
            interval uses the likelihood itself, so only ``"observed"`` is
            allowed with it.

        Returns
        -------
        dict
            Parameter name to ``(low, high)``.
        """
        level = check_real(level, "level", low=0, high=1, inclusive=False)
        check_choice(method, "method", ("wald", "profile"))
        check_choice(cov_type, "cov_type", ("observed", "robust"))
        from scipy import stats

        if method == "wald":
            se = self._se(cov_type)
            zq = stats.norm.ppf(0.5 + level / 2)
            return {k: (float(self.params[k] - zq * se[k]),
                        float(self.params[k] + zq * se[k])) for k in self.free}
        if cov_type != "observed":
            raise ValueError("cov_type='robust' applies to Wald intervals only; a profile "
                             "interval comes from the likelihood itself. Use method='wald'.")
        drop = stats.chi2.ppf(level, 1) / 2
        return {k: self._profile_interval(k, drop) for k in self.free}

    def profile_loglik(self, name: str, values) -> np.ndarray:
        """Profile log-likelihood of parameter ``name`` at each of ``values``.

        The other free parameters are re-estimated at each value.
        """
        if name not in self.free:
            raise ValueError(
                f"{name!r} is not a free parameter of this fit; free: {list(self.free)}.")
        vals = np.atleast_1d(np.asarray(values, dtype=float))
        return np.array([self._profile(name, float(v)) for v in vals])

    def _profile(self, name: str, value: float) -> float:
        fixed = dict(self.fixed)
        fixed[name] = value
        others = {k: v for k, v in self.params.items() if k != name}
        start = dict(others)
        start[name] = value
        problem = self._problem
        if problem.newton is not None:  # the t: Newton on the analytic score, from start
            out = problem.newton(fixed, start)
            if out is not None:
                return out[1]
        try:
            _, ll, _ = problem.maximise(fixed, start=start)
        except (DegenerateSampleError, ValueError):
            return -np.inf
        return ll if np.isfinite(ll) else -np.inf

    def _profile_interval(self, name: str, drop: float) -> tuple[float, float]:
        from scipy import optimize

        domain = self._problem.domains[name]
        target = self.loglik - drop
        zhat = _to_z(self.params[name], domain)
        i = self.free.index(name)
        # a first step of about one standard error on the z scale
        se = self.se[name]
        th = self.params[name]
        dz = {"positive": se / th if th > 0 else 1.0,
              "unit": se / (th * (1 - th)) if 0 < th < 1 else 1.0}.get(domain, se)
        dz = dz if np.isfinite(dz) and dz > 0 else 1.0
        del i

        def g(z):
            return self._profile(name, _from_z(z, domain)) - target

        limits = []
        for sign in (-1.0, 1.0):
            if not np.isfinite(zhat):
                if np.sign(zhat) == sign:  # the estimate is on this boundary
                    limits.append(_from_z(zhat, domain) if domain != "unit" else max(sign, 0.0))
                    continue
                z_in = sign * -_LIMIT  # just inside the boundary, on the other side
            else:
                z_in = zhat
            step, z_out, found = dz, z_in, False
            for _ in range(200):
                z_out = z_in + sign * step if np.isfinite(zhat) else z_in + sign * step
                if domain != "real" and abs(z_out) > _LIMIT:
                    break
                if g(z_out) < 0:
                    found = True
                    break
                step *= 2
            if not found:
                edge = {"real": sign * np.inf, "positive": 0.0 if sign < 0 else np.inf,
                        "unit": 0.0 if sign < 0 else 1.0}[domain]
                limits.append(edge)
                continue
            a, b = (z_out, z_in) if sign < 0 else (z_in, z_out)
            if g(z_in) < 0:  # only when starting inside a boundary with a flat profile
                limits.append(_from_z(z_in, domain))
                continue
            root = optimize.brentq(g, a, b, xtol=1e-12, rtol=1e-12)
            limits.append(_from_z(root, domain))
        return (float(limits[0]), float(limits[1]))

    def summary(self, cov_type: str = "observed") -> str:
        """A plain-text table of estimates, standard errors and 95% Wald intervals.

        Parameters
        ----------
        cov_type : {"observed", "robust"}, default "observed"
            Standard errors from the observed information (``se``) or the
            sandwich (``se_robust``).
        """
        from scipy import stats

        ses = self._se(cov_type)
        zq = stats.norm.ppf(0.975)
        lines = [f"Maximum-likelihood fit: {self.family} ({self.method})"]
        n = "?" if self.n is None else self.n
        lines.append(f"n = {n}   log-likelihood = {self.loglik:.6g}   AIC = {self.aic:.6g}"
                     + ("" if self.n is None else f"   BIC = {self.bic:.6g}"))
        lines.append(
            f"{'parameter':<12}{'estimate':>14}{'std. error':>14}{'95% Wald interval':>32}")
        for name, v in self.params.items():
            if name in ses:
                se = ses[name]
                ci = f"[{v - zq * se:.6g}, {v + zq * se:.6g}]"
                lines.append(f"{name:<12}{v:>14.6g}{se:>14.4g}{ci:>32}")
            else:
                lines.append(f"{name:<12}{v:>14.6g}{'(fixed)':>14}")
        if cov_type == "observed":
            lines.append(f"standard errors from the {self.info_note}")
        else:
            lines.append("robust (sandwich, HC0) standard errors")
        if self.unbounded:
            lines.append(f"note: {self.unbounded}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        ps = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return f"FitResult({self.family}: {ps}; loglik={self.loglik:.6g}, n={self.n})"

    def _repr_pretty_(self, p, cycle) -> None:  # IPython shows the summary table
        p.text(self.summary())


# ---------------------------------------------------------------------------

def _analytic_note(fam: Family) -> str:
    """How a family's analytic information is described in ``summary()``."""
    if fam.info_note == "observed information":
        return "analytic observed information"
    return fam.info_note


def _cov_from_std_info(info: np.ndarray, c: np.ndarray, free: Sequence[str], label: str,
                       stacklevel: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Covariance and standard errors from the information of the standardised parameters.

    ``info`` is the observed information of ``theta / c``. The singularity test is on
    its correlation form (unit diagonal), so it does not depend on the units of the
    data or of any parameter; standard errors are ``c`` times the square roots of the
    diagonal of the inverse, which neither overflows nor underflows at any scale.
    """
    k = len(free)
    if k == 0:
        return np.zeros((0, 0)), np.zeros(0)
    if k <= 2 and isinstance(info, list):  # plain floats: most fits, and the fastest way
        fast = _cov_small(info, c)
        if fast is not None:
            return fast
    info = np.asarray(info, dtype=float)
    c = np.asarray(c, dtype=float)
    if not np.all(np.isfinite(info)):
        raise ValueError(f"the observed information of the {label} fit is not finite.")
    info = (info + info.T) / 2
    d = np.diag(info).copy()
    flat = ~(d > 0)
    if k == 1 and not flat[0]:
        return np.array([[c[0] * c[0] / d[0]]]), np.array([c[0] / math.sqrt(d[0])])
    if k == 2 and not np.any(flat):  # the 2 x 2 case by hand: most fits, and fast
        rho = info[0, 1] / math.sqrt(d[0] * d[1])
        if 1 - abs(rho) > 1e-10:
            s0, s1 = 1 / math.sqrt(d[0]), 1 / math.sqrt(d[1])
            f = 1 / (1 - rho * rho)
            corr_inv = np.array([[f, -rho * f], [-rho * f, f]])
            se = np.array([c[0] * s0 * math.sqrt(f), c[1] * s1 * math.sqrt(f)])
            sc = c * np.array([s0, s1])
            with np.errstate(over="ignore", under="ignore"):  # cov of data in 1e300 units
                return sc[:, None] * corr_inv * sc[None, :], se
    if not np.any(flat):
        s = 1.0 / np.sqrt(d)
        corr = info * s[:, None] * s[None, :]
        eig, vecs = np.linalg.eigh(corr)
        weak = eig <= 1e-10
        if not np.any(weak):
            inv = s[:, None] * np.linalg.inv(corr) * s[None, :]
            se = c * np.sqrt(np.maximum(np.diag(inv), 0.0))
            return c[:, None] * inv * c[None, :], se
        flat = np.abs(vecs[:, weak]).max(axis=1) > 1e-4
    names = [n for n, f in zip(free, flat) if f]
    warnings.warn(
        f"the observed information of the {label} fit is (nearly) singular: "
        f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} not determined by the data "
        "(the likelihood is flat in that direction), so the standard error is reported as "
        "infinite. Fix that parameter or use a simpler model.",
        RuntimeWarning, stacklevel=stacklevel,
    )
    cov = np.full((k, k), np.inf)
    keep = ~flat
    if np.any(keep):
        sub = info[np.ix_(keep, keep)]
        try:
            inv = np.linalg.inv(sub)
            ck = c[keep]
            cov[np.ix_(keep, keep)] = ck[:, None] * inv * ck[None, :]
        except np.linalg.LinAlgError:
            pass
    se = np.where(flat, np.inf, np.sqrt(np.maximum(np.diag(np.where(np.isfinite(cov), cov, 0)),
                                                    0.0)))
    se = np.where(np.isfinite(np.diag(cov)), se, np.inf)
    return cov, se


def _cov_small(info: list, c) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_cov_from_std_info` for one or two parameters in plain floats, or ``None``
    when the information is not clearly positive definite (then the general path warns)."""
    if len(info) == 1:
        d = float(info[0][0])
        if not (d > 0 and math.isfinite(d)):
            return None
        se = float(c[0]) / math.sqrt(d)
        return np.array([[se * se]]), np.array([se])  # Python floats: no overflow warning
    (a, b), (b2, e) = info
    a, e, b = float(a), float(e), 0.5 * (float(b) + float(b2))
    if not (a > 0 and e > 0 and math.isfinite(a + b + e)):
        return None
    rho = b / math.sqrt(a * e)
    if not 1 - abs(rho) > 1e-10:
        return None
    f = 1 / (1 - rho * rho)
    s0, s1 = float(c[0]) / math.sqrt(a), float(c[1]) / math.sqrt(e)
    se0, se1 = s0 * math.sqrt(f), s1 * math.sqrt(f)
    cross = -rho * f * s0 * s1
    return np.array([[se0 * se0, cross], [cross, se1 * se1]]), np.array([se0, se1])


def _runaway_check(problem: _Problem, theta: dict, free: Sequence[str], start: dict,
                   info: np.ndarray, g: np.ndarray, coords: _Coords):
    """Is ``theta`` a maximum, or does the log-likelihood keep increasing away from it?

    Returns ``None`` when ``theta`` is a local maximum, a better point when the search
    stopped early, or raises :class:`DegenerateSampleError` naming the parameters that
    run away (to infinity, to 0 or to the edge of their range).
    """
    f0 = problem.loglik(theta)

    def f(u):
        with np.errstate(all="ignore"):
            v = problem.loglik(coords.point(u))
        return v if np.isfinite(v) else (np.inf if v == np.inf else -np.inf)

    def raise_runaway(d, how):
        big = np.abs(d) >= 0.1 * np.max(np.abs(d))
        names = [f"{n} -> {_edge_word(problem.domains[n], d[i])}"
                 for i, n in enumerate(free) if big[i]]
        raise DegenerateSampleError(
            f"maximising {problem.label} log-likelihood: the log-likelihood {how} as "
            f"{' and '.join(names)}, so the MLE does not exist for these data (the "
            "estimate would be whatever the optimiser stopped at). Typical causes: "
            "separation in a logistic model, a sample on the edge of the support, a "
            "parameter the data cannot bound. Fix or bound that parameter, change the "
            "model, or use more data."
        )

    bounded = np.array([problem.domains[n] != "real" for n in free])
    pd = False
    try:
        dg = np.diag(info)
        if np.all(dg > 0):
            s = 1.0 / np.sqrt(dg)
            pd = np.linalg.eigvalsh(info * s[:, None] * s[None, :])[0] > 1e-10
    except np.linalg.LinAlgError:
        pd = False
    if pd:
        step = np.linalg.solve(info, g)
        if float(g @ step) < 1e-6:  # a stationary point: test the ray from the start
            u_start = np.array([
                (start[n] - theta[n]) / coords.c[i] if problem.domains[n] == "real"
                else _to_z(start[n], problem.domains[n]) - coords.z0[i]
                for i, n in enumerate(free)])
            d = -u_start
            curv = float(d @ info @ d)
            if np.any(d != 0) and curv > 0:
                t = math.sqrt(20.0 / curv)  # a step the quadratic model says costs 10
                if np.all(np.abs(t * d[bounded]) <= 2 * _LIMIT) and f(t * d) > f0 - 0.5:
                    raise_runaway(d, "keeps increasing (or levels off) instead of falling")
            return None
        d = step
    else:
        # a gradient above rounding noise (about eps |loglik| / step) in loglik units
        if not np.any(np.abs(g) > 1e-3 + 1e-13 * abs(f0) / _EPS):
            return None  # flat, not increasing: the singular-information warning follows
        d = g
    d = d / np.max(np.abs(d))
    prev, t_prev = f0, 0.0
    t = 1.0
    for _ in range(60):
        if np.any(np.abs(t * d[bounded] + coords.z0[bounded]
                         - np.array([_to_z(start[n], problem.domains[n])
                                     for n, b in zip(free, bounded) if b])) > _LIMIT):
            raise_runaway(d, "keeps increasing")
        v = f(t * d)
        if v == np.inf:
            raise_runaway(d, "grows to infinity")
        if not v > prev:
            break
        prev, t_prev = v, t
        t *= 2
    else:
        raise_runaway(d, "keeps increasing")
    if t_prev > 0 and prev > f0 + 1e-9 * max(1.0, abs(f0)):
        return coords.point(t_prev * d)
    return None


def _sandwich(res: FitResult) -> np.ndarray:
    """``cov @ B @ cov`` with ``B`` the sum of outer products of per-observation scores."""
    problem, free = res._problem, res.free
    k = len(free)
    if problem is None or problem.logpdf_obs is None:
        raise ValueError(
            "robust (sandwich) standard errors need the log-likelihood of each observation: "
            "call fit_numeric(..., per_observation=True) with a loglik that returns an array "
            "of shape (n,), one log-density per observation."
        )
    if k == 0:
        return np.zeros((0, 0))
    cov = res.cov
    finite = np.isfinite(np.diag(cov))
    out = np.full((k, k), np.inf)
    if not np.any(finite):
        return out
    if np.all(cov[np.ix_(finite, finite)] == 0):  # an estimate on the boundary: see fit()
        out[np.ix_(finite, finite)] = 0.0
        return out
    theta = dict(res.params)
    # scores of the standardised parameters (steps of 1e-4 of each parameter's own
    # scale, as for the Hessian), then divided by the units
    coords = _Coords(theta, free, problem.domains,
                     {n: problem.unit(n, theta) for n in free})
    steps = _real_steps(coords, _EPS)

    def obs(u):
        with np.errstate(all="ignore"):
            return np.asarray(problem.logpdf_obs(coords.point(u)), dtype=float).ravel()

    zero = np.zeros(k)
    scores = np.empty((obs(zero).size, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = steps[i]
        scores[:, i] = (obs(e) - obs(-e)) / (2 * steps[i]) / coords.c[i]
    if not np.all(np.isfinite(scores)):
        raise ValueError("a per-observation score is not finite at the estimate, so the "
                         "sandwich covariance cannot be computed (an estimate on the edge of "
                         "the support?).")
    meat = scores.T @ scores
    idx = np.flatnonzero(finite)
    bread = cov[np.ix_(idx, idx)]
    block = bread @ meat[np.ix_(idx, idx)] @ bread
    out[np.ix_(idx, idx)] = (block + block.T) / 2
    return out


def _parse_fixed(fam: Family, kwargs: dict) -> tuple[dict, dict]:
    known = {k: kwargs.pop(k) for k in list(kwargs) if k in fam.known}
    known = fam.check_known(known)
    for name in kwargs:
        if name not in fam.params:
            extra = f" and known constant(s) {list(fam.known)}" if fam.known else ""
            raise ValueError(
                f"{name!r} is not a parameter of the {fam.name} family; its parameters are "
                f"{list(fam.params)}{extra}."
            )
    fixed = {k: float(v) for k, v in fam.check_params(kwargs, allow_arrays=False).items()}
    return fixed, known


def fit(family, data, *, method: str = "auto", **fixed) -> FitResult:
    """Fit a family by maximum likelihood.

    Parameters
    ----------
    family : str or Family
        One of ``"bernoulli"``, ``"binomial"``, ``"geometric"``, ``"normal"``,
        ``"poisson"``, ``"exponential"``, ``"laplace"``, ``"student_t"``,
        ``"gamma"``, ``"negbin"`` (negative binomial with mean ``mu`` and
        size ``r``, variance ``mu + mu**2 / r``).
    data : array_like, shape (n,)
        The observations: finite numbers in the family's support.
    method : {"auto", "numeric"}, default "auto"
        ``"auto"`` uses the closed-form MLE where one exists and numerical
        maximisation otherwise; ``"numeric"`` always maximises numerically
        (useful to check one against the other).
    **fixed : float
        Parameters held fixed at a value, e.g. ``fit("normal", x, sigma=1)``,
        and known constants (``trials`` for the binomial).

    Returns
    -------
    FitResult
        Estimates, log-likelihood, standard errors, intervals, AIC and BIC.

    Raises
    ------
    ValueError
        Empty data, NaN or infinity, values outside the support, an unknown
        parameter or family name (the message suggests the closest name), a
        masked array with masked values, or a degenerate sample for which the
        MLE does not exist (:class:`DegenerateSampleError`, a ``ValueError``).
        For the Student t that includes data no heavier-tailed than a normal
        (``nu`` increases without bound: fit ``"normal"``), and tied values
        that make the likelihood unbounded as ``sigma -> 0`` with no interior
        maximum (more than ``nu / (nu + 1)`` of the sample tied when ``nu`` is
        fixed).
    TypeError
        Data that are not numbers, or a missing known constant.

    Warns
    -----
    UnboundedLikelihoodWarning
        Student t with ``nu`` estimated and tied values: the likelihood has no
        global maximum (it grows as ``sigma -> 0`` at a tied value with ``nu``
        small), and the warning names a point where it already exceeds the
        reported value. The fit returned is the interior local maximum;
        ``FitResult.unbounded`` and ``summary()`` say so (for every t fit with
        ``nu`` estimated, since that likelihood is unbounded for every sample).
    BoundaryWarning
        An estimate on the boundary of the parameter space (``p = 0``).

    Notes
    -----
    Standard errors come from the analytic observed information (for the
    Laplace, the expected information; for ``method="numeric"`` and a Student t
    with ``nu`` fixed beyond 1e7, a numerical Hessian in unit-free coordinates:
    log scale for positive parameters, locations in units of the scale); either
    way they change with the units of the data exactly by the Jacobian, and not
    at all when a location family's data are shifted. The gamma and negative
    binomial are maximised by one-dimensional reductions (the rate,
    respectively the mean, in closed form given the other parameter), the
    Student t numerically and then by Newton steps on its analytic score.

    With every parameter free, the families with a closed form (and the gamma)
    take a short path: the input checks are folded into the passes over the
    data that the estimate needs, and the log-likelihood and information are
    evaluated at the MLE in closed form, so a fit costs tens of microseconds
    for 2,000 points. Anything unusual (a value outside the support, a
    boundary or degenerate sample, data in extreme units such as 1e-300 or
    1e200) goes the general way, with the same result and messages.

    Examples
    --------
    >>> from mlecourse import fit
    >>> res = fit("bernoulli", [1, 1, 0, 1])
    >>> res.params
    {'p': 0.75}
    >>> round(res.se["p"], 6)
    0.216506
    """
    fam = get_family(family)
    if method != "auto":
        check_choice(method, "method", ("auto", "numeric"))
    elif _fastfit.FAST.get(fam.name) is not None and FAMILIES.get(fam.name) is fam and (
            not fixed or fixed.keys() <= set(fam.known)):
        # every parameter free: the fast path, which returns None whenever anything is
        # unusual, and then the general path below reports it
        if not fam.known:
            known = {}
        elif fixed.get("trials").__class__ is int and fixed["trials"] >= 1:  # the usual case
            known = fixed
        else:
            known = fam.check_known(fixed)
        x = data
        if not (type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 1):
            x = as_float_array(data, "data", ndim=1)
        if x.size:
            out = _fastfit.FAST[fam.name](x, known)
            if out is not None:
                return FitResult._fast(fam, x, known, *out)
    if fixed:
        fixed, known = _parse_fixed(fam, dict(fixed))
    else:
        fixed, known = {}, (fam.check_known({}) if fam.known else {})
    x = fam.check_data(data, **known)
    if fam._degenerate is not None:
        problem_text = fam._degenerate(x, fixed, known)
        if problem_text:
            raise DegenerateSampleError(f"{fam.name} fit: {problem_text}.")
    free = [n for n in fam.params if n not in fixed]
    is_t = fam.name == "student_t"
    if is_t:
        _t_before(x, fixed)

    ll, scales, make_problem = _family_problem(fam, x, known, method)
    if is_t and "sigma" in fixed:
        scales["mu"] = fixed["sigma"]
    closed = fam._mle if method == "auto" else None

    theta = closed(x, fixed, known) if closed is not None and free else None
    if theta is not None:  # the closed form: the problem is built only if asked for
        problem, loglik, how = make_problem, ll(theta), "closed form"
    else:
        problem = make_problem()
        if is_t:
            theta, loglik, how = _t_maximise(problem, x, fixed)
        else:
            theta, loglik, how = problem.maximise(fixed)
    if not np.isfinite(loglik):
        raise DegenerateSampleError(
            f"{fam.name} fit: the log-likelihood at the estimate is not finite ({loglik}); "
            "the data are too extreme for this family in floating point.")
    on_edge = [n for n in free if (fam.domains[n] == "unit" and theta[n] in (0.0, 1.0))
               or (fam.domains[n] == "positive" and theta[n] == 0.0)]
    unbounded = None
    se = None
    if not free:
        cov = np.zeros((0, 0))
        note = "observed information"
    elif on_edge:
        warnings.warn(
            f"{', '.join(f'{n} = {theta[n]:g}' for n in on_edge)}: "
            "the estimate lies on the boundary "
            "of the parameter space, where the log-likelihood has no curvature to measure; the "
            "standard error is reported as 0 and a Wald interval has zero width. Use "
            "conf_int(method='profile') for an interval that means something.",
            BoundaryWarning, stacklevel=2,
        )
        cov = np.zeros((len(free), len(free)))
        note = "observed information"
    elif fam._info is not None:
        units, d = fam._info(x, theta, known)
        info = [[d.get((a, b), d.get((b, a), 0.0)) for b in free] for a in free]
        c = [units[n] for n in free]
        cov, se = _cov_from_std_info(info, c, free, fam.name)
        note = _analytic_note(fam)
    elif is_t and (t_info := _t_information(x, theta, free)) is not None:
        cov, se = _cov_from_std_info(t_info[0], t_info[1], free, fam.name)
        note = "analytic observed information"
    else:
        units = scales.copy()
        if is_t:  # the t location in units of the estimated (or fixed) scale
            units["mu"] = theta["sigma"]
        coords = _Coords(theta, free, fam.domains, units)
        info, _ = _std_information(ll, coords)
        cov, se = _cov_from_std_info(info, coords.c, free, fam.name)
        note = _numeric_note(free, fam.domains, scales,
                             "the scale sigma" if is_t and "mu" in free else "the data's spread")
    if is_t and "nu" in free:
        unbounded = _t_after(x, fixed, theta, loglik, ll)
    return FitResult(fam.name, {n: theta[n] for n in fam.params}, free, fixed, loglik, x.size,
                     cov, how, problem, note, known=known, se=se, unbounded=unbounded)


def _family_problem(fam: Family, x: np.ndarray, known: dict, method: str = "auto"):
    """The log-likelihood of a family on checked data, the units of its real parameters,
    and a function building the :class:`_Problem` (for profiles and refits)."""
    if fam.name in _COUNT_FAMILIES:  # counts repeat: sum over distinct values, weighted
        from .families import _counts

        xu, xc = _counts(x)

        def ll(theta):
            return float(np.dot(xc, fam._logpdf(xu, **theta, **known)))
    elif fam.name == "normal":  # one pass: a dot product instead of n log-densities
        half_log_2pi = 0.5 * math.log(2 * math.pi)

        def ll(theta):
            z = (x - theta["mu"]) / theta["sigma"]
            return float(-0.5 * (z @ z) - x.size * (math.log(theta["sigma"]) + half_log_2pi))
    elif fam.name in ("gamma", "exponential"):  # sufficient statistics: sums, computed once
        n_x, sum_x = x.size, float(x.sum())
        sum_log = float(np.log(x).sum()) if fam.name == "gamma" else 0.0

        def ll(theta):
            if fam.name == "exponential":
                r = theta["rate"]
                return n_x * math.log(r) - r * sum_x if 0 < r < math.inf else -math.inf
            a, b = theta["shape"], theta["rate"]
            if not (0 < a < math.inf and 0 < b < math.inf):
                return -math.inf
            return (n_x * (a * math.log(b) - math.lgamma(a)) + (a - 1) * sum_log - b * sum_x)
    else:
        def ll(theta):
            return float(np.sum(fam._logpdf(x, **theta, **known)))

    closed = solve = None
    if method == "auto":
        if fam._mle is not None:
            def closed(fx):
                return fam._mle(x, fx, known)
        if fam._solve is not None:
            def solve(fx):
                return fam._solve(x, fx, known)

    # the unit of a real (location) parameter: the scale parameter where it is known,
    # else the spread of the data; either changes with the data's units and not with
    # a shift, so the numerical search and Hessian steps are equivariant
    scales = _LazyScales(x, [n for n in fam.params if fam.domains[n] == "real"])

    def start(fx):
        if fam._start is not None:
            return fam._start(x, fx, known)
        th = fam._mle(x, fx, known)
        # keep a numerical start strictly inside the domain
        for n, v in th.items():
            if fam.domains[n] == "unit":
                th[n] = min(max(v, 1e-3), 1 - 1e-3)
            elif fam.domains[n] == "positive" and v <= 0:
                th[n] = 1e-3 * _spread(x)
        return th

    def logpdf_obs(theta):
        return fam._logpdf(x, **theta, **known)

    newton = None
    if fam.name == "student_t":
        def newton(fx, start):
            return _t_newton(x, ll, {**start, **fx}, fx)

    def make_problem():
        return _Problem(fam.params, fam.domains, ll, scales, closed, start,
                        label=f"the {fam.name}", logpdf_obs=logpdf_obs, solve=solve,
                        newton=newton)

    return ll, scales, make_problem


class _LazyScales(dict):
    """The unit of each real parameter (the data's spread), computed on first use only:
    closed-form fits never need it."""

    def __init__(self, x, names):
        super().__init__()
        self._x, self._names = x, names

    def _fill(self):
        if self._names:
            spread = _spread(self._x)
            for n in self._names:
                self.setdefault(n, spread)
            self._names = []

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def items(self):
        self._fill()
        return super().items()

    def copy(self):
        self._fill()
        return dict(self)


_COUNT_FAMILIES = frozenset({"bernoulli", "binomial", "geometric", "poisson", "negbin"})


def _spread(x: np.ndarray) -> float:
    """A scale of the data in their own units (standard deviation, else mean |x|)."""
    from .families import _rms

    m = float(np.mean(x))
    return _rms(x - m) or _rms(x) or 1.0


def _numeric_note(free, domains, scales, real_unit: str) -> str:
    parts = []
    if any(domains[n] == "real" for n in free):
        reals = ", ".join(n for n in free if domains[n] == "real")
        parts.append(f"{reals} in units of {real_unit}")
    if any(domains[n] != "real" for n in free):
        parts.append(f"{', '.join(n for n in free if domains[n] != 'real')} on the log "
                     "(logit) scale")
    return ("observed information (numerical Hessian: central differences with steps of "
            "1e-3 standard errors, " + "; ".join(parts) + ")")


def _tie(x: np.ndarray, at: float | None = None) -> tuple[float, int]:
    """The most repeated value of ``x`` (or ``at``) and how many times it occurs."""
    if at is not None:
        return at, int(np.count_nonzero(x == at))
    u, c = np.unique(x, return_counts=True)
    i = int(np.argmax(c))
    return float(u[i]), int(c[i])


def _t_before(x: np.ndarray, fixed: dict) -> None:
    """Student t with nu fixed: unbounded when too many values are tied (see _t_after)."""
    if "sigma" in fixed or "nu" not in fixed:
        return
    nu = fixed["nu"]
    v, k = _tie(x, fixed.get("mu"))
    n = x.size
    # at mu = v, sigma -> 0: k log-densities grow like -log(sigma), the other n - k fall
    # like nu log(sigma), so the likelihood is unbounded exactly when k > (n - k) nu
    if k >= 2 and k > (n - k) * nu:
        raise DegenerateSampleError(
            f"student_t fit: {k} of the {n} values equal {v:g}, more than nu / (nu + 1) = "
            f"{nu / (nu + 1):.3g} of the sample, so with nu = {nu:g} the likelihood grows "
            f"without bound as sigma -> 0 at mu = {v:g} and the MLE of sigma does not exist; "
            "use a larger nu, fix sigma, or use data with fewer ties.")


def _t_maximise(problem: _Problem, x: np.ndarray, fixed: dict):
    """Maximise the Student-t likelihood, reporting nu -> infinity and sigma -> 0."""
    from .families import _rms

    n = x.size
    nu_free = "nu" not in fixed
    try:
        theta, loglik, how = problem.maximise(fixed)
    except DegenerateSampleError as exc:
        if nu_free and "nu -> infinity" in str(exc):
            theta = None
        else:
            raise
    if theta is not None:
        # the search stops where a step no longer changes the value measurably; with nu
        # large and n small the likelihood is so flat in nu that this leaves nu uncertain
        # in its fifth digit (and a change of units would move it). Newton on the
        # analytic score still points to the maximum there and fixes it to rounding.
        polished = _t_newton(x, problem.loglik, theta, fixed)
        if polished is not None:
            theta, loglik = polished
    if nu_free:
        # the normal limit (nu = infinity) with mu and sigma at their normal MLEs
        mu_n = fixed.get("mu", float(np.mean(x)))
        sig_n = fixed.get("sigma", _rms(x - mu_n))
        lim = {"mu": mu_n, "sigma": sig_n, "nu": np.inf}
        ll_lim = problem.loglik(lim) if sig_n > 0 else -np.inf
        tol = 1e-10 * max(1.0, abs(ll_lim))
        if theta is None or theta["nu"] > 1e7 or loglik <= ll_lim + tol:
            z = (x - mu_n) / sig_n
            b2 = float(np.mean(z ** 4) / np.mean(z * z) ** 2)
            raise DegenerateSampleError(
                "student_t fit: nu increases without bound: the data are no heavier-tailed "
                f"than a normal (sample kurtosis {b2:.3g}; a normal has 3), so the likelihood "
                "keeps increasing towards the normal limit nu = infinity (log-likelihood "
                f"{ll_lim:.6g}) and the MLE of nu does not exist. Fit 'normal' instead, or "
                "fix nu (e.g. fit('student_t', x, nu=4.0)).")
    if "sigma" not in fixed:
        spread = _spread(x)
        if theta["sigma"] < 1e-6 * spread:
            v, k = _tie(x, fixed.get("mu"))
            raise DegenerateSampleError(
                f"student_t fit: sigma -> 0: {k} of the {n} values equal {v:g}, and the "
                f"likelihood grows without bound as sigma -> 0 at mu = {v:g} (the search "
                f"reached sigma = {theta['sigma']:.3g}, log-likelihood {loglik:.4g}). The MLE "
                "does not exist and there is no interior maximum to report; fix nu (a "
                "value above k / (n - k) keeps the likelihood bounded) or use data with "
                "fewer ties.")
    return theta, loglik, how


def _t_derivatives(x: np.ndarray, theta: dict) -> tuple[np.ndarray, np.ndarray]:
    """The analytic score and Hessian of the Student-t log-likelihood in (mu, sigma, nu).

    With z = (x - mu) / sigma, q = nu + z^2 and w = (nu + 1) / q, each point contributes
    C(nu) - log(sigma) - (nu + 1) / 2 log(1 + z^2 / nu), C the log normalising constant;
    the derivatives below are those of that expression, summed over the points.
    """
    from scipy import special

    n = x.size
    mu, s, nu = float(theta["mu"]), float(theta["sigma"]), float(theta["nu"])
    z = (x - mu) / s
    z2 = z * z
    q = nu + z2
    w = (nu + 1) / q
    q2 = q * q
    wz2 = float(w @ z2)
    a, b = (nu + 1) / 2, nu / 2
    c1 = 0.5 * float(special.digamma(a) - special.digamma(b)) - 0.5 / nu
    c2 = 0.25 * float(special.polygamma(1, a) - special.polygamma(1, b)) + 0.5 / (nu * nu)
    grad = np.array([
        float(w @ z) / s,
        (wz2 - n) / s,
        n * c1 - 0.5 * float(np.log1p(z2 / nu).sum()) + 0.5 * wz2 / nu,
    ])
    r = (z2 - 1) / q2
    h = np.empty((3, 3))
    h[0, 0] = -(nu + 1) * float(np.sum((nu - z2) / q2)) / (s * s)
    h[0, 1] = h[1, 0] = -2 * (nu + 1) * nu * float(np.sum(z / q2)) / (s * s)
    h[1, 1] = (n - wz2 - 2 * nu * (nu + 1) * float(np.sum(z2 / q2))) / (s * s)
    h[0, 2] = h[2, 0] = float(z @ r) / s
    h[1, 2] = h[2, 1] = float(z2 @ r) / s
    h[2, 2] = n * c2 + float(np.sum(z2 * (z2 * (nu - 1) - 2 * nu) / q2)) / (2 * nu * nu)
    return grad, h


def _t_information(x: np.ndarray, theta: dict, free: Sequence[str]):
    """The observed information of the free t parameters divided by their units (sigma
    for mu and sigma, nu for nu), and those units; ``None`` where the formulas do not
    apply (nu infinite or beyond 1e7, where the t is the normal to rounding)."""
    if not float(theta["nu"]) < 1e7:
        return None
    _, h = _t_derivatives(x, theta)
    idx = [("mu", "sigma", "nu").index(n) for n in free]
    c = np.array([theta["sigma"] if n != "nu" else theta["nu"] for n in free], dtype=float)
    info = -h[np.ix_(idx, idx)] * c[:, None] * c[None, :]
    if not np.all(np.isfinite(info)):
        return None
    return info, c


def _t_newton(x: np.ndarray, ll: Callable, theta: dict, fixed: dict):
    """Maximise the t log-likelihood over the parameters not in ``fixed`` by Newton's
    method on the analytic score, from ``theta`` (for profiles, the MLE of the others).

    Each step is halved until the log-likelihood rises; a Hessian that is not negative
    definite, a step that does not converge in 50 iterations or a point outside the
    parameter space returns ``None``, and the caller uses the general search instead.
    """
    free = [n for n in ("mu", "sigma", "nu") if n not in fixed]
    if not free or not (theta["sigma"] > 0 and 0 < theta["nu"] < 1e7):
        return None
    idx = [("mu", "sigma", "nu").index(n) for n in free]
    f = ll(theta)
    if not np.isfinite(f):
        return None
    # the value is evaluated with errors of about n eps |log Gamma(nu / 2)| (the
    # normalising constant, once per point), which near the maximum exceed what a step
    # gains: steps are guarded by the value only up to that rounding
    slack = 1e-10 * max(1.0, abs(f))
    for _ in range(50):
        g, h = _t_derivatives(x, theta)
        g, h = g[idx], h[np.ix_(idx, idx)]
        try:
            if not (np.all(np.isfinite(h)) and np.linalg.eigvalsh(h)[-1] < 0):
                return None
            step = -np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            return None
        unit = np.array([theta["sigma"] if n != "nu" else theta["nu"] for n in free])
        rel = np.abs(step) / unit
        t = min(1.0, 0.5 / float(np.max(rel))) if np.max(rel) > 0 else 1.0
        while t > 1e-8:  # positive sigma and nu, and no fall in the log-likelihood
            cand = dict(theta)
            for i, name in enumerate(free):
                cand[name] = theta[name] + t * step[i]
            if cand["sigma"] > 0 and cand["nu"] > 0:
                fc = ll(cand)
                if fc >= f - slack:
                    break
            t /= 2
        else:
            return None
        theta, f = cand, fc
        # a full step of 1e-8 of each parameter's scale: beyond that the score's own
        # rounding moves the steps (about 1e-9 of nu when the likelihood is flat in nu)
        if t == 1.0 and np.max(rel) <= 1e-8:
            return theta, ll(theta)
    return None


def _t_after(x: np.ndarray, fixed: dict, theta: dict, loglik: float, ll) -> str:
    """The note (and, with tied values, the warning) that the t likelihood is unbounded."""
    n = x.size
    v, k = _tie(x, fixed.get("mu"))
    text = ("the Student-t likelihood with nu estimated has no global maximum: it grows "
            "without bound as sigma -> 0 with mu at a data value and nu -> 0 (below k / "
            "(n - k) for a value occurring k times); the estimate reported is an interior "
            "local maximum")
    if k >= 2 and k < n:
        nu_s = 0.5 * k / (n - k)
        pt = {"mu": v, "nu": nu_s, "sigma": theta["sigma"]}
        for j in (4, 8, 16, 32, 64, 128, 256):
            pt["sigma"] = theta["sigma"] * 10.0 ** -j
            if not pt["sigma"] > 1e-300:
                break
            with np.errstate(all="ignore"):
                val = ll(pt)
            if np.isfinite(val) and val > loglik:
                text += (f"; with {k} of the {n} values tied at {v:g}, at for example mu = {v:g}, "
                         f"sigma = {pt['sigma']:.3g}, nu = {nu_s:.3g} the log-likelihood is "
                         f"{val:.6g}, above the reported {loglik:.6g}")
                warnings.warn("student_t fit: " + text + ". Report it as a local maximum.",
                              UnboundedLikelihoodWarning, stacklevel=3)
                break
    return text


def fit_numeric(loglik: Callable, x0, *, names: Sequence[str] | None = None,
                positive: Sequence[str] = (), unit: Sequence[str] = (),
                n: int | None = None, fixed: dict | None = None,
                scales: dict | None = None, per_observation: bool = False) -> FitResult:
    """Maximise a log-likelihood you wrote yourself.

    Parameters
    ----------
    loglik : callable
        ``loglik(theta) -> float`` where ``theta`` is a 1-D array of the
        parameters in the order of ``names``. Must return a finite number (or
        ``-inf`` where the parameters are impossible).
    x0 : array_like, shape (k,)
        Starting values, inside the parameter space.
    names : sequence of str, optional
        Parameter names (default ``theta0``, ``theta1``, ...).
    positive, unit : sequence of str
        Names of parameters that must be positive (optimised on the log
        scale) or lie in (0, 1) (optimised on the logit scale).
    n : int, optional
        Number of observations, for BIC.
    fixed : dict, optional
        Parameters held at a value (name to value); they get no standard error.
    scales : dict, optional
        A positive scale (typical size of a change, such as a standard error)
        for real parameters, in their own units; the numerical search and the
        finite-difference Hessian use steps of 1e-4 of it. By default it is
        measured from the curvature of the log-likelihood, so the results do
        not depend on the units. Positive and unit parameters need none (they
        are handled on the log and logit scales).
    per_observation : bool, default False
        If True, ``loglik(theta)`` returns an array of shape (n,): the
        log-density of each observation. The fit maximises their sum, ``n``
        defaults to the array's length, and sandwich standard errors
        (``se_robust``, ``cov_robust``) become available.

    Returns
    -------
    FitResult
        With ``family == "user"`` and standard errors from the observed
        information (a finite-difference Hessian at the maximum).

    Raises
    ------
    DegenerateSampleError
        When the maximum does not exist: the log-likelihood keeps increasing
        (or levels off) as some parameters run to infinity, to 0 or to the
        edge of their range (separation in a logistic model, an exponential
        rate on all-zero data, a linear log-likelihood). The message names
        the parameters and the direction.
    TypeError, ValueError
        Bad arguments: ``names``, ``positive`` or ``unit`` given as a single
        string, names not among the parameters, non-positive ``scales``, a
        ``loglik`` that is not finite at ``x0``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse import fit_numeric
    >>> x = np.array([2.0, 3.0, 7.0])
    >>> def ll(t):
    ...     return -np.sum((x - t[0]) ** 2) / 2
    >>> round(fit_numeric(ll, [0.0], names=["mu"], n=3).params["mu"], 6)
    4.0
    """
    if not callable(loglik):
        raise TypeError(
            f"loglik must be a function of a parameter vector; got {type(loglik).__name__}.")
    from ._validate import as_float_array, check_int

    x0 = as_float_array(x0, "x0", ndim=1)
    k = x0.size

    def name_list(value, label):
        if isinstance(value, (str, bytes)):
            raise TypeError(
                f"{label} must be a list of parameter names such as [{value!r}], not a single "
                f"string (a string would be read letter by letter).")
        try:
            return [str(v) for v in value]
        except TypeError:
            raise TypeError(f"{label} must be a list of parameter names; got "
                            f"{type(value).__name__}.") from None

    names = [f"theta{i}" for i in range(k)] if names is None else name_list(names, "names")
    if len(names) != k or len(set(names)) != k:
        raise ValueError(f"names must be {k} distinct names, one per entry of x0; got {names}.")
    positive = name_list(positive, "positive")
    unit = name_list(unit, "unit")
    for group, label in ((positive, "positive"), (unit, "unit")):
        for nm in group:
            if nm not in names:
                raise ValueError(
                    f"{label} names {nm!r}, which is not among the parameters {names}.")
    both = set(positive) & set(unit)
    if both:
        raise ValueError(f"{sorted(both)} cannot be both positive and in (0, 1); name each "
                         "parameter in at most one of positive= and unit=.")
    domains = {nm: ("positive" if nm in positive else "unit" if nm in unit else "real")
               for nm in names}
    if n is not None:
        n = check_int(n, "n", low=1)
    if not isinstance(per_observation, (bool, np.bool_)):
        raise TypeError(f"per_observation must be True or False; got {per_observation!r}.")
    if fixed is not None and not isinstance(fixed, dict):
        raise TypeError(f"fixed must be a dict of parameter name to value; got "
                        f"{type(fixed).__name__}.")
    fixed = dict(fixed or {})
    for nm in fixed:
        if nm not in names:
            raise ValueError(f"fixed names {nm!r}, which is not among the parameters {names}.")
        fixed[nm] = check_real(fixed[nm], f"fixed[{nm!r}]")
    if scales is not None and not isinstance(scales, dict):
        raise TypeError(f"scales must be a dict of parameter name to a positive number; got "
                        f"{type(scales).__name__}.")
    scales = dict(scales or {})
    for nm, v in scales.items():
        if nm not in names:
            raise ValueError(f"scales names {nm!r}, which is not among the parameters {names}.")
        scales[nm] = check_real(v, f"scales[{nm!r}]", positive=True)
        if domains[nm] != "real":
            raise ValueError(
                f"scales[{nm!r}] is given, but {nm} is a {domains[nm]} parameter, which is "
                "searched on the log (logit) scale and needs no scale; give scales only "
                "for real parameters.")
    start0 = dict(zip(names, map(float, x0)))
    start0.update(fixed)
    for nm, v in start0.items():
        if not np.isfinite(_to_z(v, domains[nm])):
            raise ValueError(f"starting value {nm}={v:g} is outside its domain ({domains[nm]}).")

    n_obs = []

    def ll_obs(theta):
        out = loglik(np.array([theta[nm] for nm in names]))
        try:
            arr = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            raise TypeError("with per_observation=True, loglik must return an array of numbers; "
                            f"it returned {type(out).__name__}.") from None
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError("with per_observation=True, loglik must return a 1-D array (one "
                             f"log-density per observation); got shape {arr.shape}.")
        if n_obs and arr.size != n_obs[0]:
            raise ValueError(f"loglik returned {arr.size} values here but {n_obs[0]} before; "
                             "it must return one value per observation every time.")
        n_obs.append(arr.size)
        return np.where(np.isnan(arr), -np.inf, arr)

    def ll(theta):
        if per_observation:
            return float(np.sum(ll_obs(theta)))
        out = loglik(np.array([theta[nm] for nm in names]))
        try:
            out = float(out)
        except (TypeError, ValueError):
            raise TypeError(
                f"loglik must return a number; it returned {type(out).__name__}.") from None
        return out if not math.isnan(out) else -math.inf

    if not np.isfinite(ll(start0)):
        raise ValueError("loglik is not finite at x0; start where the model gives the data "
                         "positive probability.")
    free = [nm for nm in names if nm not in fixed]
    # units of the real parameters: given by scales=, else found from the curvature at
    # the start (one standard error's worth), so steps follow the problem's own scale
    units = {nm: scales.get(nm) or _curvature_unit(ll, start0, nm) for nm in free
             if domains[nm] == "real"}
    problem = _Problem(names, domains, ll, units, None, lambda fx: start0, label="the user",
                       logpdf_obs=ll_obs if per_observation else None, user=True)
    theta, value, _ = problem.maximise(fixed)
    for _ in range(3):
        if not free:
            break
        for nm in free:  # re-measure the units at the estimate
            if domains[nm] == "real" and nm not in scales:
                units[nm] = _curvature_unit(ll, theta, nm, units[nm])
        coords = _Coords(theta, free, domains, units)
        info, g = _std_information(ll, coords)
        better = _runaway_check(problem, theta, free, start0, info, g, coords)
        if better is None:
            break
        theta, value, _ = problem.maximise(fixed, start=better)
    if per_observation and n is None:
        n = n_obs[0]
    if free:
        cov, se = _cov_from_std_info(info, coords.c, free, "user", stacklevel=2)
    else:
        cov, se = np.zeros((0, 0)), np.zeros(0)
    note = _numeric_note(free, domains, units, "each parameter's curvature scale"
                         if len(scales) < sum(domains[nm] == "real" for nm in free)
                         else "the given scales")
    return FitResult("user", theta, free, fixed, value, n, cov, "numerical", problem,
                     note, se=se)


def _curvature_unit(ll: Callable, theta: dict, name: str, guess: float | None = None) -> float:
    """A scale for a real parameter from the curvature of the log-likelihood along it.

    Two rounds of a central second difference, each with a step of 1e-2 of the current
    scale, give ``1 / sqrt(-d2 loglik / d theta^2)``: about one standard error, in the
    parameter's own units. Where the curvature is not negative the guess is kept.
    """
    t0 = float(theta[name])
    c = guess if guess else max(abs(t0), 1.0)
    c = max(c, 1e-8 * abs(t0))  # a step of 1e-4 of it must still move t0
    f0 = ll(theta)
    for _ in range(2):
        h = 1e-2 * c
        up, down = dict(theta), dict(theta)
        up[name], down[name] = t0 + h, t0 - h
        hh = up[name] - t0
        if hh <= 0:
            break
        down[name] = t0 - hh
        with np.errstate(all="ignore"):
            curv = -(ll(up) - 2 * f0 + ll(down)) / (hh * hh)
        if not (np.isfinite(curv) and curv > 0):
            break
        c = 1.0 / math.sqrt(curv)
    return c
