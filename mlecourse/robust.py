"""How much one observation can move an estimate: Tukey's sensitivity curve.

The sensitivity curve of an estimator :math:`T` at a sample
:math:`x_1, \\dots, x_n` is the effect of one added observation at
:math:`x_0`, scaled by the sample size (Tukey 1977; Hampel 1974):

.. math::

    SC(x_0) = (n + 1)\\,\\bigl(T(x_1, \\dots, x_n, x_0) - T(x_1, \\dots, x_n)\\bigr).

It is the finite-sample version of Hampel's influence function. For the
mean it is exactly :math:`x_0 - \\bar x`: a straight line, unbounded. For
the median it is bounded (a step). For the location MLE of a Student-t model
it rises, peaks and falls back towards zero (it *redescends*): a far-away
point is treated as coming from the tail of the model, not as information
about the centre.

The three location estimators here are all maximum-likelihood estimates,
under three different models: normal (the mean), Laplace (the median) and
Student-t. Robustness is a property of the model, not of maximum likelihood.

All of them are *M-estimators*: the location :math:`\\hat\\mu` solves
:math:`\\sum_i \\psi((x_i - \\hat\\mu)/s) = 0` for a function :math:`\\psi` (the
score of one standardised observation, in Huber's notation). Their influence
function is :math:`A^{-1}\\psi` with :math:`A = E[\\psi']`, and their asymptotic
variance is the sandwich :math:`E[\\psi^2]/A^2` (Huber 1964; Hampel 1974). This
module also has Huber's estimator (:func:`huber_location`), the MLE under his
least-favourable density (:func:`least_favourable_logpdf`), a vectorised solver
for simulations (:func:`m_location`), and the influence function and
asymptotic variance at the standard normal (:func:`influence_function`,
:func:`asymptotic_variance`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_int, check_real

__all__ = [
    "sensitivity_curve",
    "location_mle",
    "LOCATION_MODELS",
    "M_ESTIMATORS",
    "psi",
    "MEstimate",
    "huber_location",
    "least_favourable_logpdf",
    "least_favourable_epsilon",
    "m_location",
    "influence_function",
    "asymptotic_variance",
]

#: Names accepted by :func:`sensitivity_curve` and :func:`location_mle`.
LOCATION_MODELS = ("normal", "laplace", "student_t")

#: Names accepted by :func:`psi`, :func:`m_location`, :func:`influence_function`
#: and :func:`asymptotic_variance`.
M_ESTIMATORS = ("normal", "laplace", "huber", "student_t")

#: MAD / Phi^-1(3/4): the median absolute deviation, scaled to estimate a normal sd.
_MAD_TO_SD = 1.0 / 0.6744897501960817


def _check_nu(nu) -> float | None:
    if nu is None:
        return None
    return check_real(nu, "nu", positive=True)


def location_mle(model: str, data, *, nu: float | None = 4.0) -> float:
    """Maximum-likelihood estimate of location under ``model``.

    Parameters
    ----------
    model : {"normal", "laplace", "student_t"}
        ``"normal"``: the sample mean. ``"laplace"``: the sample median.
        ``"student_t"``: the MLE of ``mu`` in the Student-t location-scale
        model, with the scale ``sigma`` estimated jointly and the degrees of
        freedom fixed at ``nu`` (or estimated too if ``nu`` is None).
    data : array_like, shape (n,)
        The sample: finite real numbers (at least two distinct values for
        ``"student_t"``).
    nu : float or None, default 4.0
        Degrees of freedom of the Student-t model; ignored by the others.

    Returns
    -------
    float
        The estimate of location.

    Examples
    --------
    >>> from mlecourse.robust import location_mle
    >>> location_mle("normal", [1.0, 2.0, 9.0]), location_mle("laplace", [1.0, 2.0, 9.0])
    (4.0, 2.0)
    """
    if not isinstance(model, str) or model not in LOCATION_MODELS:
        raise ValueError(f"model must be one of {LOCATION_MODELS}; got {model!r}.")
    x = as_float_array(data, "data", ndim=1)
    nu = _check_nu(nu)
    if model == "normal":
        return float(np.mean(x))
    if model == "laplace":
        return float(np.median(x))
    from .fit import fit

    fixed = {} if nu is None else {"nu": nu}
    return float(fit("student_t", x, **fixed).params["mu"])


def sensitivity_curve(estimator: str | Callable, data, xs, *, nu: float | None = 4.0
                      ) -> np.ndarray:
    """Tukey's empirical sensitivity curve of an estimator at a sample.

    For each ``x0`` in ``xs`` the estimator is recomputed on the sample with
    ``x0`` added, and the change is scaled by ``n + 1``:
    ``SC(x0) = (n + 1) * (T(data + [x0]) - T(data))``.

    Parameters
    ----------
    estimator : {"normal", "laplace", "student_t"} or callable
        A location model whose MLE is ``T`` (see :func:`location_mle`:
        the mean, the median, or the Student-t location with ``sigma``
        estimated and ``nu`` held fixed), or any function ``T(sample) ->
        float`` of a 1-D array.
    data : array_like, shape (n,)
        The sample: finite real numbers.
    xs : array_like, shape (m,) or scalar
        Positions of the added observation.
    nu : float or None, default 4.0
        Degrees of freedom for ``"student_t"``. Held fixed by default, so
        that the curve describes one estimator (a redescending
        M-estimator); with ``None`` it is re-estimated on every augmented
        sample, and the curve then also shows how the fitted tails react to
        the new point (slower: a three-parameter fit per ``x0``).

    Returns
    -------
    ndarray, shape like ``xs``
        The sensitivity curve at each ``x0``.

    Raises
    ------
    ValueError
        An unknown estimator name, bad data or ``xs``, or a callable that
        does not return a finite number.

    Examples
    --------
    >>> from mlecourse.robust import sensitivity_curve
    >>> sensitivity_curve("normal", [1.0, 2.0, 3.0], [2.0, 10.0]).round(12)
    array([0., 8.])
    """
    x = as_float_array(data, "data", ndim=1)
    grid = as_float_array(xs, "xs", ndim=None)
    nu = _check_nu(nu)
    if callable(estimator):
        def T(sample):
            value = estimator(sample)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise TypeError("the estimator must return a single number; it returned "
                                f"{type(value).__name__}.") from None
            if not np.isfinite(value):
                raise ValueError(f"the estimator returned {value} (not a finite number).")
            return value
    elif isinstance(estimator, str) and estimator in LOCATION_MODELS:
        def T(sample):
            return location_mle(estimator, sample, nu=nu)
    else:
        raise ValueError(f"estimator must be one of {LOCATION_MODELS} or a function of the "
                         f"sample; got {estimator!r}.")
    n = x.size
    base = T(x.copy())
    out = np.empty(grid.size)
    for i, x0 in enumerate(grid.ravel()):
        out[i] = (n + 1) * (T(np.append(x, x0)) - base)
    return out.reshape(grid.shape)


def _check_model(model) -> str:
    if not isinstance(model, str) or model not in M_ESTIMATORS:
        raise ValueError(f"model must be one of {M_ESTIMATORS}; got {model!r}.")
    return model


def psi(model: str, z, *, k: float = 1.345, nu: float = 4.0) -> np.ndarray:
    """The score function :math:`\\psi` of a location model at standardised residuals ``z``.

    ``"normal"``: :math:`z` (the mean). ``"laplace"``: :math:`\\operatorname{sign} z`
    (the median). ``"huber"``: :math:`\\max(-k, \\min(k, z))`, linear in the middle
    and constant beyond ``k``. ``"student_t"``: :math:`(\\nu + 1) z / (\\nu + z^2)`,
    which redescends to 0.

    Parameters
    ----------
    model : {"normal", "laplace", "huber", "student_t"}
        Which :math:`\\psi`.
    z : array_like
        Standardised residuals :math:`(x - \\mu)/\\sigma`.
    k : float, default 1.345
        Huber's tuning constant (95% efficiency at the normal).
    nu : float, default 4.0
        Degrees of freedom of the Student-t model.

    Returns
    -------
    ndarray, shape like ``z``

    Examples
    --------
    >>> from mlecourse.robust import psi
    >>> psi("huber", [-3.0, 0.5, 3.0], k=1.0)
    array([-1. ,  0.5,  1. ])
    """
    _check_model(model)
    z = as_float_array(z, "z", ndim=None)
    k = check_real(k, "k", positive=True)
    nu = check_real(nu, "nu", positive=True)
    return _psi(model, z, k, nu)


def _psi(model, z, k, nu):
    if model == "normal":
        return np.asarray(z, dtype=float)
    if model == "laplace":
        return np.sign(z)
    if model == "huber":
        return np.clip(z, -k, k)
    return (nu + 1.0) * z / (nu + z * z)


def _dpsi(model, z, k, nu):
    if model == "normal":
        return np.ones_like(z)
    if model == "huber":
        return (np.abs(z) <= k).astype(float)
    if model == "student_t":
        return (nu + 1.0) * (nu - z * z) / (nu + z * z) ** 2
    raise ValueError("the Laplace psi, sign(z), has no derivative at 0; "
                     "its A = E[psi'] is 2 f(0), handled separately.")


@dataclass(frozen=True)
class MEstimate:
    """Result of :func:`huber_location`.

    Attributes
    ----------
    location : float
        The M-estimate of location.
    scale : float
        The scale :math:`s` the residuals were divided by (held fixed).
    se : float
        Sandwich standard error :math:`s \\sqrt{\\sum_i \\psi(z_i)^2} / \\sum_i \\psi'(z_i)`.
    weights : ndarray, shape (n,)
        The final weights :math:`\\psi(z_i)/z_i` (1 in the middle, smaller beyond ``k``).
    n_iter : int
        Iterations of reweighted averaging used.
    k : float
        The tuning constant.
    """

    location: float
    scale: float
    se: float
    weights: np.ndarray
    n_iter: int
    k: float


def huber_location(data, *, k: float = 1.345, scale: float | None = None,
                   tol: float = 1e-12, max_iter: int = 500) -> MEstimate:
    """Huber's M-estimate of location, with a fixed scale.

    Solves :math:`\\sum_i \\psi_k((x_i - \\mu)/s) = 0` with
    :math:`\\psi_k(z) = \\max(-k, \\min(k, z))` by iteratively reweighted
    averaging (weights :math:`\\min(1, k/|z_i|)`), starting from the median. It
    is the MLE of location under Huber's least-favourable density
    (:func:`least_favourable_logpdf`), normal in the middle and Laplace in the
    tails (Huber 1964).

    Parameters
    ----------
    data : array_like, shape (n,)
        The sample: finite real numbers, not all equal.
    k : float, default 1.345
        The tuning constant: 1.345 gives 95% efficiency at the normal;
        ``k -> infinity`` gives the mean, ``k -> 0`` the median.
    scale : float, optional
        The scale :math:`s`. By default the median absolute deviation divided
        by :math:`\\Phi^{-1}(3/4)`, a robust estimate of a normal standard
        deviation (as in statsmodels' ``RLM`` with ``update_scale=False``).
    tol : float, default 1e-12
        Stop when the location moves by less than ``tol * scale``.
    max_iter : int, default 500
        Iteration limit; a ``RuntimeError`` if it is reached.

    Returns
    -------
    MEstimate

    Raises
    ------
    ValueError
        Bad data, a non-positive ``k`` or ``scale``, or a sample whose median
        absolute deviation is 0 (more than half the values equal: give
        ``scale`` explicitly).

    Examples
    --------
    >>> from mlecourse.robust import huber_location
    >>> est = huber_location([1.0, 2.0, 3.0, 4.0, 5.0, 30.0], k=1.345)
    >>> round(est.location, 4)
    3.5982
    """
    x = as_float_array(data, "data", ndim=1, min_size=2)
    k = check_real(k, "k", positive=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", positive=True)
    med = float(np.median(x))
    if scale is None:
        s = float(np.median(np.abs(x - med))) * _MAD_TO_SD
        if s <= 0.0:
            raise ValueError("the median absolute deviation of data is 0 (more than half the "
                             "values are equal), so it cannot set the scale; pass scale= "
                             "explicitly.")
    else:
        s = check_real(scale, "scale", positive=True)
    mu, n_iter = med, 0
    for _ in range(max_iter):
        n_iter += 1
        z = (x - mu) / s
        w = np.minimum(1.0, k / np.maximum(np.abs(z), 1e-300))
        new = float(np.sum(w * x) / np.sum(w))
        if abs(new - mu) <= tol * s:
            mu = new
            break
        mu = new
    else:
        raise RuntimeError(f"huber_location did not converge in {max_iter} iterations; "
                           "raise max_iter.")
    z = (x - mu) / s
    a = float(np.sum(np.abs(z) <= k))
    if a == 0:
        raise ValueError(f"no residual lies within k = {k} scales of the estimate, so the "
                         "sandwich standard error is undefined; use a larger k.")
    se = s * math.sqrt(float(np.sum(np.clip(z, -k, k) ** 2))) / a
    w = np.minimum(1.0, k / np.maximum(np.abs(z), 1e-300))
    return MEstimate(location=mu, scale=s, se=se, weights=w, n_iter=n_iter, k=k)


def least_favourable_epsilon(k: float) -> float:
    """The contamination fraction for which Huber's ``k`` is minimax.

    Huber (1964): among the densities :math:`(1 - \\varepsilon)\\phi + \\varepsilon h`
    the one with the least Fisher information for location is
    :func:`least_favourable_logpdf` with ``k`` solving
    :math:`2\\phi(k)/k - 2\\Phi(-k) = \\varepsilon/(1 - \\varepsilon)`.

    Examples
    --------
    >>> from mlecourse.robust import least_favourable_epsilon
    >>> round(least_favourable_epsilon(1.345), 4)
    0.0579
    """
    from scipy import stats

    k = check_real(k, "k", positive=True)
    r = 2 * stats.norm.pdf(k) / k - 2 * stats.norm.sf(k)
    return float(r / (1 + r))


def least_favourable_logpdf(z, k: float = 1.345) -> np.ndarray:
    """Log-density of Huber's least-favourable distribution (location 0, scale 1).

    :math:`f_k(z) = e^{-\\rho_k(z)} / C_k`, with :math:`\\rho_k(z) = z^2/2` for
    :math:`|z| \\le k` and :math:`k|z| - k^2/2` beyond: a normal centre with
    exponential (Laplace) tails. :math:`-\\frac{d}{dz}\\log f_k = \\psi_k`, so the
    MLE of location under :math:`f_k((x - \\mu)/s)/s` is :func:`huber_location`.
    :math:`C_k = \\sqrt{2\\pi}\\,(2\\Phi(k) - 1) + 2 e^{-k^2/2}/k`.

    Parameters
    ----------
    z : array_like
        Points at which to evaluate.
    k : float, default 1.345
        The tuning constant.

    Returns
    -------
    ndarray, shape like ``z``
    """
    from scipy import stats

    z = as_float_array(z, "z", ndim=None)
    k = check_real(k, "k", positive=True)
    a = np.abs(z)
    rho = np.where(a <= k, 0.5 * z * z, k * a - 0.5 * k * k)
    log_c = math.log(math.sqrt(2 * math.pi) * (2 * stats.norm.cdf(k) - 1)
                     + 2 * math.exp(-0.5 * k * k) / k)
    return -rho - log_c


def m_location(data, model: str, *, k: float = 1.345, nu: float = 4.0, tol: float = 1e-10,
               max_iter: int = 1000) -> np.ndarray:
    """Location M-estimates of many samples at once (one per row), for simulations.

    ``"normal"``: the mean. ``"laplace"``: the median. ``"huber"``: Huber's
    estimate with the MAD scale held fixed (as :func:`huber_location`).
    ``"student_t"``: the Student-t MLE of :math:`\\mu` with :math:`\\sigma`
    estimated jointly and :math:`\\nu` fixed, by the EM iteration
    :math:`w_i = (\\nu + 1)/(\\nu + z_i^2)`, :math:`\\mu = \\sum w_i x_i/\\sum w_i`,
    :math:`\\sigma^2 = \\sum w_i (x_i - \\mu)^2 / n` started from the median and
    the MAD (the local maximum :func:`mlecourse.fit` also finds).

    Parameters
    ----------
    data : array_like, shape (n,) or (reps, n)
        One sample, or one sample per row.
    model : {"normal", "laplace", "huber", "student_t"}
    k : float, default 1.345
        Huber's tuning constant.
    nu : float, default 4.0
        Student-t degrees of freedom (held fixed).
    tol : float, default 1e-10
        Stop when every location moves by less than ``tol`` times its scale.
    max_iter : int, default 1000
        Iteration limit; a ``RuntimeError`` if it is reached.

    Returns
    -------
    float or ndarray, shape (reps,)

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.robust import m_location
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 30.0], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]])
    >>> m_location(x, "huber").round(4)
    array([3.5982, 2.5   ])
    """
    _check_model(model)
    x = as_float_array(data, "data", ndim=(1, 2))
    one = x.ndim == 1
    x = np.atleast_2d(x)
    if x.shape[1] < 2:
        raise ValueError(f"each sample needs at least 2 values; got {x.shape[1]}.")
    k = check_real(k, "k", positive=True)
    nu = check_real(nu, "nu", positive=True)
    tol = check_real(tol, "tol", positive=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    if model == "normal":
        out = x.mean(axis=1)
    elif model == "laplace":
        out = np.median(x, axis=1)
    else:
        med = np.median(x, axis=1, keepdims=True)
        s = np.median(np.abs(x - med), axis=1, keepdims=True) * _MAD_TO_SD
        if np.any(s <= 0):
            raise ValueError("a sample has median absolute deviation 0 (more than half its "
                             "values equal), so its scale cannot be estimated.")
        mu = med.copy()
        for _ in range(max_iter):
            z = (x - mu) / s
            if model == "huber":
                w = np.minimum(1.0, k / np.maximum(np.abs(z), 1e-300))
            else:
                w = (nu + 1.0) / (nu + z * z)
            new = np.sum(w * x, axis=1, keepdims=True) / np.sum(w, axis=1, keepdims=True)
            if model == "student_t":
                s = np.sqrt(np.mean(w * (x - new) ** 2, axis=1, keepdims=True))
            done = np.all(np.abs(new - mu) <= tol * s)
            mu = new
            if done:
                break
        else:
            raise RuntimeError(f"m_location({model!r}) did not converge in {max_iter} "
                               "iterations; raise max_iter.")
        out = mu[:, 0]
    return float(out[0]) if one else out


def _normal_expect(fun) -> float:
    """E[fun(Z)] for Z standard normal, by adaptive quadrature."""
    from scipy import integrate, stats

    parts = [(-np.inf, -5.0), (-5.0, 0.0), (0.0, 5.0), (5.0, np.inf)]
    return float(sum(integrate.quad(lambda t: fun(t) * stats.norm.pdf(t), a, b,
                                    epsabs=0, epsrel=1e-12, limit=200)[0] for a, b in parts))


def _t_scale_at_normal(nu: float) -> float:
    """The scale the Student-t MLE (nu fixed) converges to on standard normal data."""
    from scipy import optimize

    def gap(log_s):
        s = math.exp(log_s)
        return _normal_expect(lambda t: (nu + 1) * (t / s) ** 2 / (nu + (t / s) ** 2)) - 1.0

    return math.exp(optimize.brentq(gap, -3.0, 3.0, xtol=1e-14))


def influence_function(model: str, x, *, k: float = 1.345, nu: float = 4.0) -> np.ndarray:
    """Influence function of a location M-estimator at the standard normal.

    :math:`IF(x) = A^{-1} s\\,\\psi(x/s)` with :math:`A = E[\\psi'(Z/s)]`, where
    :math:`s` is the scale the estimator's scale converges to: 1 for the
    median, the mean and Huber's estimate with the MAD scale; for the Student-t
    MLE with :math:`\\sigma` estimated jointly, the solution of
    :math:`E[w(Z/s)(Z/s)^2] = 1`. (At a symmetric distribution the scale does
    not affect the location's influence function beyond this value.) For the
    median :math:`A = 2\\phi(0)`. The asymptotic variance is
    :math:`E[IF(Z)^2]` (:func:`asymptotic_variance`): the sandwich
    :math:`E[\\psi^2]/A^2`.

    Parameters
    ----------
    model : {"normal", "laplace", "huber", "student_t"}
    x : array_like
        Points at which to evaluate.
    k, nu : float
        Tuning constants, as in :func:`psi`.

    Returns
    -------
    ndarray, shape like ``x``

    Examples
    --------
    >>> from mlecourse.robust import influence_function
    >>> influence_function("huber", [0.5, 10.0], k=1.0).round(4)
    array([0.7324, 1.4648])
    """
    _check_model(model)
    x = as_float_array(x, "x", ndim=None)
    k = check_real(k, "k", positive=True)
    nu = check_real(nu, "nu", positive=True)
    s, a = _scale_and_slope(model, k, nu)
    return s * _psi(model, x / s, k, nu) / a


def _scale_and_slope(model, k, nu):
    from scipy import stats

    if model == "laplace":
        return 1.0, 2.0 * stats.norm.pdf(0.0)
    if model == "normal":
        return 1.0, 1.0
    if model == "huber":
        return 1.0, 2.0 * stats.norm.cdf(k) - 1.0
    s = _t_scale_at_normal(nu)
    return s, _normal_expect(lambda t: _dpsi("student_t", t / s, k, nu))


def asymptotic_variance(model: str, *, k: float = 1.345, nu: float = 4.0) -> float:
    """Asymptotic variance of :math:`\\sqrt n(\\hat\\mu - \\mu)` at the standard normal.

    :math:`E[IF(Z)^2] = s^2 E[\\psi(Z/s)^2] / A^2`: the sandwich. Its inverse is
    the efficiency relative to the mean (whose value is 1). Closed forms:
    :math:`\\pi/2` for the median; for Huber,
    :math:`[2\\Phi(k) - 1 - 2k\\phi(k) + 2k^2\\Phi(-k)]/(2\\Phi(k) - 1)^2`.

    Examples
    --------
    >>> from mlecourse.robust import asymptotic_variance
    >>> round(1 / asymptotic_variance("huber", k=1.345), 3)
    0.95
    """
    _check_model(model)
    k = check_real(k, "k", positive=True)
    nu = check_real(nu, "nu", positive=True)
    s, a = _scale_and_slope(model, k, nu)
    if model == "laplace":
        return float(1.0 / a**2)
    b = _normal_expect(lambda t: (s * _psi(model, t / s, k, nu)) ** 2)
    return float(b / a**2)
