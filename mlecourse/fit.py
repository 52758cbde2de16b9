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

from . import _numdiff
from ._criteria import InformationCriteria
from ._validate import check_choice, check_real
from .families import DegenerateSampleError, Family, get_family

__all__ = ["FitResult", "fit", "fit_numeric", "BoundaryWarning", "DegenerateSampleError"]

_LIMIT = 35.0  # |z| beyond which a transformed parameter has run to its boundary


class BoundaryWarning(UserWarning):
    """An estimate lies on the boundary of the parameter space."""


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


class _Problem:
    """A log-likelihood over named parameters with domains, and how to maximise it."""

    def __init__(self, names, domains, loglik, scales, closed=None, start=None, label="",
                 logpdf_obs=None):
        self.names = tuple(names)
        self.domains = dict(domains)
        self.loglik = loglik          # dict of all params -> float
        self.scales = dict(scales)    # typical size of each parameter on the z scale
        self.closed = closed          # fixed dict -> full params dict, or None
        self.start = start            # fixed dict -> starting values for all params
        self.label = label
        self.logpdf_obs = logpdf_obs  # dict of all params -> per-observation log-densities (n,)

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
        init = dict(self.start(fixed) if start is None else start)
        init.update(fixed)
        z0 = np.array([_to_z(init[n], self.domains[n]) for n in free])
        if not np.all(np.isfinite(z0)):
            raise ValueError(f"starting values must lie inside the parameter space; got {init}.")
        steps = np.array([1e-4 * max(abs(z), self.scales.get(n, 1.0)) for z, n in zip(z0, free)])

        def full(z):
            th = dict(fixed)
            th.update({n: _from_z(v, self.domains[n]) for n, v in zip(free, z)})
            return th

        def negll(z):
            if np.any(np.abs(z[[self.domains[n] != "real" for n in free]]) > 2 * _LIMIT):
                return np.inf
            with np.errstate(all="ignore"):
                v = -self.loglik(full(z))
            return v if np.isfinite(v) else np.inf

        z = _optimise(negll, z0, steps)
        for n, v in zip(free, z):
            if self.domains[n] != "real" and abs(v) > _LIMIT:
                raise DegenerateSampleError(
                    f"maximising {self.label} log-likelihood ran {n} to the edge of its range "
                    f"({n} -> "
                    f"{'0' if v < 0 else 'infinity' if self.domains[n] == 'positive' else '1'}): "
                    "the likelihood keeps increasing there, so the MLE does not exist for these "
                    "data; fix that parameter or use more varied data."
                )
        theta = full(z)
        return theta, self.loglik(theta), "numerical"


def _optimise(negll: Callable, z0: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Minimise ``negll`` by BFGS, then polish with Newton steps on finite differences."""
    from scipy import optimize

    f0 = negll(z0)
    if not np.isfinite(f0):
        raise ValueError("the log-likelihood is not finite at the starting values; "
                         "choose starting values where the model gives the data positive density.")
    scale = max(abs(f0), 1.0)
    res = optimize.minimize(lambda z: negll(z) / scale, z0, method="BFGS",
                            options={"gtol": 1e-9, "maxiter": 2000})
    z = np.asarray(res.x, dtype=float)
    fz = negll(z)
    if not np.isfinite(fz):  # BFGS can stop on an infinite value; fall back to a robust search
        res = optimize.minimize(negll, z0, method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
        z, fz = np.asarray(res.x, dtype=float), negll(res.x)
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
        done = np.all(np.abs(zn - z) <= 1e-12 * (1 + np.abs(z)))
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
    """

    def __init__(self, family, params, free, fixed, loglik, n, cov, method, problem,
                 info_note="observed information", known=None):
        self.family = family
        self.params = {k: float(v) for k, v in params.items()}
        self.free = tuple(free)
        self.fixed = {k: float(v) for k, v in fixed.items()}
        self.loglik = float(loglik)
        self.n = n
        self.cov = np.asarray(cov, dtype=float).reshape(len(self.free), len(self.free))
        self.se = {k: float(math.sqrt(max(self.cov[i, i], 0.0))) for i, k in enumerate(self.free)}
        self.method = method
        self.info_note = info_note
        self._problem = problem
        self._cov_robust = None
        self.known = dict(known or {})

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
        try:
            _, ll, _ = self._problem.maximise(fixed, start=start)
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
        return "\n".join(lines)

    def __repr__(self) -> str:
        ps = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return f"FitResult({self.family}: {ps}; loglik={self.loglik:.6g}, n={self.n})"

    def _repr_pretty_(self, p, cycle) -> None:  # IPython shows the summary table
        p.text(self.summary())


# ---------------------------------------------------------------------------

def _cov_from_info(info: np.ndarray, free: Sequence[str], label: str) -> np.ndarray:
    k = len(free)
    if k == 0:
        return np.zeros((0, 0))
    info = np.asarray(info, dtype=float)
    if not np.all(np.isfinite(info)):
        raise ValueError(f"the observed information of the {label} fit is not finite.")
    info = (info + info.T) / 2
    eig = np.linalg.eigvalsh(info)
    if eig[0] <= 1e-12 * max(abs(eig[-1]), 1e-300):
        warnings.warn(
            f"the observed information of the {label} fit is (nearly) singular: some parameter "
            "is not determined by the data (a flat likelihood), so its standard error is "
            "reported as infinite. Fix that parameter or use a simpler model.",
            RuntimeWarning, stacklevel=3,
        )
        cov = np.full((k, k), np.inf)
        pos = eig > 1e-12 * max(abs(eig[-1]), 1e-300)
        if np.any(pos):
            cov = np.linalg.pinv(info)
            vecs = np.linalg.eigh(info)[1]
            flat = np.abs(vecs[:, ~pos]).sum(axis=1) > 1e-8
            cov[flat, :] = np.inf
            cov[:, flat] = np.inf
            np.fill_diagonal(cov, np.where(flat, np.inf, np.diag(cov)))
        return cov
    return np.linalg.inv(info)


def _numeric_info(problem: _Problem, theta: dict, free: Sequence[str]) -> np.ndarray:
    z = np.array([theta[n] for n in free])
    steps = np.array([1e-4 * max(abs(v), problem.scales.get(n, 1.0)) for v, n in zip(z, free)])
    # for positive / unit parameters keep the step well inside the domain
    for i, n in enumerate(free):
        if problem.domains[n] == "positive":
            steps[i] = min(steps[i], 1e-4 * abs(z[i]))
        elif problem.domains[n] == "unit":
            steps[i] = min(steps[i], 1e-4 * min(z[i], 1 - z[i]))

    def ll(v):
        th = dict(theta)
        th.update(dict(zip(free, v)))
        return problem.loglik(th)

    return -_numdiff.hessian(ll, z, steps)


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
    z = np.array([theta[n] for n in free])
    steps = np.array([1e-4 * max(abs(v), problem.scales.get(n, 1.0)) for v, n in zip(z, free)])
    for i, n in enumerate(free):  # keep the steps inside the domain (as for the Hessian)
        if problem.domains[n] == "positive":
            steps[i] = min(steps[i], 1e-4 * abs(z[i])) or 1e-12
        elif problem.domains[n] == "unit":
            steps[i] = min(steps[i], 1e-4 * min(z[i], 1 - z[i])) or 1e-12

    def obs(v):
        th = dict(theta)
        th.update(dict(zip(free, v)))
        with np.errstate(all="ignore"):
            return np.asarray(problem.logpdf_obs(th), dtype=float).ravel()

    scores = np.empty((obs(z).size, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = steps[i]
        scores[:, i] = (obs(z + e) - obs(z - e)) / (2 * steps[i])
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
        parameter, or a degenerate sample for which the MLE does not exist
        (:class:`DegenerateSampleError`).
    TypeError
        Data that are not numbers, or a missing known constant.

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
    check_choice(method, "method", ("auto", "numeric"))
    fixed, known = _parse_fixed(fam, dict(fixed))
    x = fam.check_data(data, **known)
    if fam._degenerate is not None:
        problem_text = fam._degenerate(x, fixed, known)
        if problem_text:
            raise DegenerateSampleError(f"{fam.name} fit: {problem_text}.")

    def ll(theta):
        return float(np.sum(fam._logpdf(x, **theta, **known)))

    closed = None
    if fam._mle is not None and method == "auto":
        def closed(fx):
            return fam._mle(x, fx, known)

    spread = float(np.std(x)) or float(np.mean(np.abs(x))) or 1.0
    scales = {n: (spread if fam.domains[n] == "real" else 1.0) for n in fam.params}

    def start(fx):
        if fam._start is not None:
            return fam._start(x, fx, known)
        th = fam._mle(x, fx, known)
        # keep a numerical start strictly inside the domain
        for n, v in th.items():
            if fam.domains[n] == "unit":
                th[n] = min(max(v, 1e-3), 1 - 1e-3)
            elif fam.domains[n] == "positive" and v <= 0:
                th[n] = 1e-3
        return th

    def logpdf_obs(theta):
        return fam._logpdf(x, **theta, **known)

    problem = _Problem(fam.params, fam.domains, ll, scales, closed, start, label=f"the {fam.name}",
                       logpdf_obs=logpdf_obs)
    free = [n for n in fam.params if n not in fixed]
    theta, loglik, how = problem.maximise(fixed)
    on_edge = [n for n in free if (fam.domains[n] == "unit" and theta[n] in (0.0, 1.0))
               or (fam.domains[n] == "positive" and theta[n] == 0.0)]
    if on_edge:
        warnings.warn(
            f"{', '.join(f'{n} = {theta[n]:g}' for n in on_edge)}: "
            "the estimate lies on the boundary "
            "of the parameter space, where the log-likelihood has no curvature to measure; the "
            "standard error is reported as 0 and a Wald interval has zero width. Use "
            "conf_int(method='profile') for an interval that means something.",
            BoundaryWarning, stacklevel=2,
        )
        cov = np.zeros((len(free), len(free)))
    elif fam._info is not None and how == "closed form":
        d = fam._info(x, theta, known)
        info = np.array([[d.get((a, b), d.get((b, a), 0.0)) for b in free] for a in free])
        cov = _cov_from_info(info, free, fam.name)
    else:
        cov = _cov_from_info(_numeric_info(problem, theta, free), free, fam.name)
    note = fam.info_note if how == "closed form" else "observed information (numerical Hessian)"
    return FitResult(fam.name, {n: theta[n] for n in fam.params}, free, fixed, loglik, x.size,
                     cov, how, problem, note, known=known)


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
        Typical size of each unconstrained parameter (finite-difference steps
        are 1e-4 of it); default 1.
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
    if names is None:
        names = [f"theta{i}" for i in range(k)]
    names = [str(v) for v in names]
    if len(names) != k or len(set(names)) != k:
        raise ValueError(f"names must be {k} distinct names, one per entry of x0; got {names}.")
    for group, label in ((positive, "positive"), (unit, "unit")):
        for nm in group:
            if nm not in names:
                raise ValueError(
                    f"{label} names {nm!r}, which is not among the parameters {names}.")
    domains = {nm: ("positive" if nm in positive else "unit" if nm in unit else "real")
               for nm in names}
    if n is not None:
        n = check_int(n, "n", low=1)
    if not isinstance(per_observation, (bool, np.bool_)):
        raise TypeError(f"per_observation must be True or False; got {per_observation!r}.")
    fixed = dict(fixed or {})
    for nm in fixed:
        if nm not in names:
            raise ValueError(f"fixed names {nm!r}, which is not among the parameters {names}.")
    start0 = dict(zip(names, map(float, x0)))
    start0.update({k2: float(v) for k2, v in fixed.items()})
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
    problem = _Problem(names, domains, ll, scales or {}, None, lambda fx: start0, label="the user",
                       logpdf_obs=ll_obs if per_observation else None)
    theta, value, _ = problem.maximise(fixed)
    if per_observation and n is None:
        n = n_obs[0]
    free = [nm for nm in names if nm not in fixed]
    cov = _cov_from_info(_numeric_info(problem, theta, free), free, "user")
    return FitResult("user", theta, free, fixed, value, n, cov, "numerical", problem,
                     "observed information (numerical Hessian)")
