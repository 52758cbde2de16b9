"""Regression models as maximum likelihood: linear (Gaussian) and logistic.

* :func:`linear_regression` -- the Gaussian linear model. Its MLE of the
  coefficients is the least-squares solution and its MLE of the noise
  variance is ``RSS / n``.
* :func:`logistic_regression` -- the logistic model for a 0/1 outcome, fitted
  by Newton's method (iteratively reweighted least squares), with the
  log-likelihood recorded at every iteration.
* :func:`detect_separation` -- does the logistic MLE exist? It does not when
  a linear combination of the features separates the 0s from the 1s
  (Albert and Anderson, 1984); :func:`logistic_regression` raises
  :class:`SeparationError` then.

Both fits return a :class:`RegressionResult` with coefficients, standard
errors from the inverse information, the maximised log-likelihood, AIC and BIC.
Both work internally on centred and scaled features and map the estimates
back exactly, so a feature in other units or measured from a far-away origin
(a year in seconds, an income in cents) gives the same fit, reparametrised.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ._criteria import InformationCriteria
from ._validate import as_float_array, check_choice, check_int, check_real
from .families import DegenerateSampleError

__all__ = ["RegressionResult", "Separation", "SeparationError", "detect_separation",
           "linear_regression", "logistic_regression"]

_LOG_2PI = math.log(2 * math.pi)


class SeparationError(DegenerateSampleError):
    """The logistic-regression MLE does not exist: the classes are separated.

    Attributes
    ----------
    separation : Separation
        What separates them: the kind and the direction in coefficient space.
    """

    def __init__(self, message: str, separation: Separation | None = None):
        super().__init__(message)
        self.separation = separation


@dataclass(frozen=True)
class Separation:
    """A direction along which the logistic log-likelihood increases forever.

    Attributes
    ----------
    kind : str
        ``"complete"`` (every observation is on its own side of the
        hyperplane) or ``"quasi-complete"`` (some lie on it).
    direction : ndarray, shape (p,)
        Coefficients ``d`` (intercept first when one was added), scaled to
        largest absolute value 1, with ``(2 y_i - 1) x_i^T d >= 0`` for every
        observation: moving the coefficients along ``d`` never lowers the
        log-likelihood.
    n_on_boundary : int
        Observations with ``x_i^T d = 0`` (0 for complete separation).
    names : tuple of str
        The coefficient names, matching ``direction``.
    """

    kind: str
    direction: np.ndarray
    n_on_boundary: int
    names: tuple

    def describe(self) -> str:
        """The direction as a readable linear combination of the features."""
        terms = [f"{v:+.3g}" if nm == "intercept" else f"{v:+.3g}*{nm}"
                 for v, nm in zip(self.direction, self.names) if abs(v) > 1e-9]
        return " ".join(terms).lstrip("+")


# ---------------------------------------------------------------------------
# input handling

def _design(X, y, add_intercept, names, *, binary):
    if not isinstance(add_intercept, (bool, np.bool_)):
        raise TypeError(f"add_intercept must be True or False; got {type(add_intercept).__name__}.")
    col_names = None
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):  # a pandas DataFrame
        col_names = [str(c) for c in X.columns]
    Xa = as_float_array(X, "X", ndim=(1, 2))
    if Xa.ndim == 1:
        Xa = Xa[:, None]
    ya = as_float_array(y, "y", ndim=1)
    n, p_in = Xa.shape
    if ya.size != n:
        raise ValueError(f"X has {n} rows but y has {ya.size} values; they must match "
                         "(one row of X per observation).")
    if names is not None:
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise TypeError("names must be a list of strings, one per column of X; got "
                            + ("a string." if isinstance(names, str)
                               else f"{type(names).__name__}."))
        col_names = [str(v) for v in names]
        if len(col_names) != p_in:
            raise ValueError(f"names has {len(col_names)} entries but X has {p_in} column(s).")
    if col_names is None:
        col_names = [f"x{j + 1}" for j in range(p_in)]
    if add_intercept:
        Xa = np.column_stack([np.ones(n), Xa])
        col_names = ["intercept", *col_names]
    if len(set(col_names)) != len(col_names):
        raise ValueError(f"the coefficient names must be distinct; got {col_names}.")
    p = Xa.shape[1]
    if n <= p:
        raise ValueError(
            f"there are {n} observations for {p} coefficients; the MLE needs more observations "
            f"than coefficients (n > p). Use fewer features or more data."
        )
    if binary:
        bad = (ya != 0) & (ya != 1)
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"y must contain only 0 and 1 (or False/True) for logistic "
                             f"regression; got {ya[i]:g} at index {i}.")
    return Xa, ya, tuple(col_names)


class _Standardised:
    """The design in centred and scaled coordinates, and the map back.

    With an intercept, every other column is centred at its mean and divided
    by its standard deviation; without one, columns are only divided by their
    root mean square (centring would change the model). The fit is done in
    these coordinates, ``Z``, where the columns are of order one whatever the
    units or offsets of the features (a year in seconds, an income in cents),
    and ``coef = T @ coef_z``, ``cov = T @ cov_z @ T.T`` are exact maps back:
    ``Z @ coef_z == X @ (T @ coef_z)`` for every coefficient vector.
    """

    def __init__(self, X, names, add_intercept):
        n, p = X.shape
        free = slice(1, None) if add_intercept else slice(None)
        cols = X[:, free]
        if add_intercept:
            centre = cols.mean(axis=0)
            dev = cols - centre
            # the deviations again, corrected for the rounding of the mean
            dev -= dev.mean(axis=0)
            scale = np.sqrt(np.mean(dev**2, axis=0))
        else:
            centre = np.zeros(cols.shape[1])
            dev = cols
            scale = np.sqrt(np.mean(dev**2, axis=0))
        for j in np.flatnonzero(scale == 0):
            name = names[j + int(add_intercept)]
            if add_intercept and np.any(cols[:, j] != 0):
                raise ValueError(
                    f"column {name!r} of X is constant, so it duplicates the intercept and its "
                    "coefficient is not determined by the data; drop it.")
            raise ValueError(f"column {name!r} of X is all zeros, so its coefficient is not "
                             "determined by the data; drop it.")
        Z = np.empty_like(X)
        if add_intercept:
            Z[:, 0] = 1.0
        Z[:, free] = dev / scale
        T = np.eye(p)
        if add_intercept:
            T[1:, 1:] = np.diag(1.0 / scale)
            T[0, 1:] = -centre / scale
        else:
            T = np.diag(1.0 / scale)
        self.Z, self.T = Z, T
        _check_rank(Z, names)

    def coef(self, coef_z):
        return coef_z @ self.T.T

    def cov(self, cov_z):
        return self.T @ cov_z @ self.T.T


def _check_rank(X, names):
    from scipy import linalg

    scale = np.max(np.abs(X), axis=0)
    if np.any(scale == 0):
        j = int(np.flatnonzero(scale == 0)[0])
        raise ValueError(f"column {names[j]!r} of X is all zeros, so its coefficient is not "
                         "determined by the data; drop it.")
    Xs = X / scale
    _, r, piv = linalg.qr(Xs, mode="economic", pivoting=True)
    d = np.abs(np.diag(r))
    tol = d[0] * max(X.shape) * np.finfo(float).eps * 10
    rank = int(np.sum(d > tol))
    if rank < X.shape[1]:
        dropped = sorted(piv[rank:])
        which = [names[j] for j in dropped]
        raise ValueError(
            f"X is rank-deficient (rank {rank} < {X.shape[1]} columns): the column(s) {which} "
            "are exact linear combinations of the others (perfectly collinear; a constant column "
            "duplicates the intercept), so their coefficients are not determined; drop them."
        )


# ---------------------------------------------------------------------------

class RegressionResult(InformationCriteria):
    """The result of a maximum-likelihood regression fit.

    Attributes
    ----------
    model : str
        ``"linear"`` or ``"logistic"``.
    names : tuple of str
        Coefficient names: ``"intercept"`` first when one was added, then the
        columns of X (DataFrame column names, ``names=``, or ``x1, x2, ...``).
    coef : ndarray, shape (p,)
        The maximum-likelihood estimates of the coefficients.
    cov : ndarray, shape (p, p)
        Inverse of the Fisher information for the coefficients at the MLE
        (linear: :math:`\\hat\\sigma^2 (X^T X)^{-1}` with the MLE
        :math:`\\hat\\sigma^2`; logistic: :math:`(X^T W X)^{-1}`).
    se : ndarray, shape (p,)
        Standard errors, the square roots of the diagonal of ``cov``.
    loglik : float
        The maximised log-likelihood.
    n : int
        Number of observations.
    k : int
        Number of estimated parameters, for AIC and BIC: ``p`` for the
        logistic model, ``p + 1`` for the linear model (the noise variance is
        a parameter too).
    n_iter : int
        Newton iterations taken (0 for the closed-form linear fit).
    converged : bool
        Whether the iterations met the tolerance (always True for linear).
    loglik_history : ndarray, shape (n_iter + 1,)
        The log-likelihood at the start and after each iteration.
    coef_history : ndarray, shape (n_iter + 1, p)
        The coefficients at the start and after each iteration.
    sigma2 : float or None
        Linear model only: the MLE of the noise variance, ``RSS / n``.
    sigma2_unbiased : float or None
        Linear model only: ``RSS / (n - p)``, the unbiased estimate (not the MLE).
    se_unbiased : ndarray or None
        Linear model only: the standard errors with ``sigma2_unbiased`` in
        place of ``sigma2``, as most regression software reports them.
    """

    def __init__(self, model, names, coef, cov, loglik, n, k, add_intercept, *, n_iter=0,
                 converged=True, loglik_history=None, coef_history=None, sigma2=None,
                 sigma2_unbiased=None):
        self.model = model
        self.names = tuple(names)
        self.coef = np.asarray(coef, dtype=float)
        self.cov = np.asarray(cov, dtype=float)
        self.se = np.sqrt(np.maximum(np.diag(self.cov), 0.0))
        self.loglik = float(loglik)
        self.n = int(n)
        self.k = int(k)
        self.add_intercept = bool(add_intercept)
        self.n_iter = int(n_iter)
        self.converged = bool(converged)
        self.loglik_history = np.asarray(
            [self.loglik] if loglik_history is None else loglik_history, dtype=float)
        self.coef_history = np.asarray(
            self.coef[None, :] if coef_history is None else coef_history, dtype=float)
        self.sigma2 = None if sigma2 is None else float(sigma2)
        self.sigma2_unbiased = None if sigma2_unbiased is None else float(sigma2_unbiased)
        self.se_unbiased = (None if sigma2 is None
                            else self.se * math.sqrt(self.sigma2_unbiased / self.sigma2))

    @property
    def params(self) -> dict:
        """Coefficient name to estimate."""
        return {nm: float(v) for nm, v in zip(self.names, self.coef)}

    def conf_int(self, level: float = 0.95) -> dict:
        """Wald intervals, coefficient plus or minus z times its standard error.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level, strictly between 0 and 1.

        Returns
        -------
        dict
            Coefficient name to ``(low, high)``.
        """
        from scipy import stats

        level = check_real(level, "level", low=0, high=1, inclusive=False)
        z = stats.norm.ppf(0.5 + level / 2)
        return {nm: (float(b - z * s), float(b + z * s))
                for nm, b, s in zip(self.names, self.coef, self.se)}

    def _design(self, X) -> np.ndarray:
        Xa = as_float_array(X, "X", ndim=(1, 2))
        if Xa.ndim == 1:
            Xa = Xa[:, None]
        p_in = self.coef.size - int(self.add_intercept)
        if Xa.shape[1] != p_in:
            raise ValueError(f"X must have {p_in} column(s), as in the fit; got {Xa.shape[1]}.")
        if self.add_intercept:
            Xa = np.column_stack([np.ones(Xa.shape[0]), Xa])
        return Xa

    def linear_predictor(self, X) -> np.ndarray:
        """``X @ coef`` for new rows ``X`` of shape (m, p_in) (no intercept column)."""
        return self._design(X) @ self.coef

    def predict(self, X) -> np.ndarray:
        """Fitted mean for new rows ``X``: ``X @ coef`` (linear) or P(y = 1) (logistic).

        Parameters
        ----------
        X : array_like, shape (m, p_in) or (m,)
            New rows, with the columns used in the fit (without the intercept
            column, which is added as in the fit).

        Returns
        -------
        ndarray, shape (m,)
        """
        eta = self.linear_predictor(X)
        if self.model == "logistic":
            from scipy import special

            return special.expit(eta)
        return eta

    def predict_proba(self, X) -> np.ndarray:
        """Logistic model: P(y = 1 | x) for new rows ``X``, shape (m,).

        Unlike scikit-learn's method of the same name, which returns both
        columns, this returns the probability of a 1 only.
        """
        if self.model != "logistic":
            raise ValueError("predict_proba is for logistic regression; use predict for the "
                             "linear model's fitted mean.")
        return self.predict(X)

    def summary(self) -> str:
        """A plain-text table: estimates, standard errors, z values, 95% Wald intervals."""
        from scipy import stats

        z = stats.norm.ppf(0.975)
        how = "least squares (closed form)" if self.model == "linear" else (
            f"Newton / IRLS, {self.n_iter} iterations, "
            + ("converged" if self.converged else "NOT converged"))
        lines = [f"Maximum-likelihood {self.model} regression: {how}",
                 f"n = {self.n}   log-likelihood = {self.loglik:.6g}   AIC = {self.aic:.6g}"
                 f"   BIC = {self.bic:.6g}",
                 f"{'coefficient':<16}{'estimate':>12}{'std. error':>12}{'z':>9}"
                 f"{'95% Wald interval':>28}"]
        for nm, b, s in zip(self.names, self.coef, self.se):
            zval = b / s if s > 0 else math.inf
            ci = f"[{b - z * s:.4g}, {b + z * s:.4g}]"
            lines.append(f"{nm:<16}{b:>12.5g}{s:>12.4g}{zval:>9.3g}{ci:>28}")
        if self.model == "linear":
            lines.append(f"sigma^2 (MLE, RSS/n) = {self.sigma2:.6g}   RSS/(n-p) = "
                         f"{self.sigma2_unbiased:.6g}")
            lines.append("standard errors from the inverse information with the MLE sigma^2")
        else:
            lines.append("standard errors from the inverse information (X^T W X)^-1")
        return "\n".join(lines)

    def __repr__(self) -> str:
        cs = ", ".join(f"{nm}={v:.5g}" for nm, v in zip(self.names, self.coef))
        return f"RegressionResult({self.model}: {cs}; loglik={self.loglik:.6g}, n={self.n})"

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.summary())


# ---------------------------------------------------------------------------

def linear_regression(X, y, *, add_intercept: bool = True, names=None) -> RegressionResult:
    """Fit the Gaussian linear model :math:`y = X\\beta + \\varepsilon` by maximum likelihood.

    With independent errors :math:`\\varepsilon_i \\sim N(0, \\sigma^2)` the
    log-likelihood is

    .. math:: \\ell(\\beta, \\sigma^2) = -\\frac{n}{2}\\log(2\\pi\\sigma^2)
              - \\frac{\\lVert y - X\\beta\\rVert^2}{2\\sigma^2},

    so the MLE of :math:`\\beta` is the least-squares solution and the MLE
    of the noise variance is :math:`\\hat\\sigma^2 = \\text{RSS}/n`.

    Parameters
    ----------
    X : array_like, shape (n, p_in) or (n,)
        The features, one row per observation (a pandas DataFrame keeps its
        column names).
    y : array_like, shape (n,)
        The outcome.
    add_intercept : bool, default True
        Add a column of ones as the first column (coefficient ``"intercept"``).
    names : sequence of str, optional
        Names of the columns of ``X`` (default: DataFrame column names, or
        ``x1, x2, ...``).

    Returns
    -------
    RegressionResult
        ``coef`` (the least-squares :math:`\\hat\\beta`), ``sigma2`` (the MLE
        RSS/n), ``loglik`` :math:`= -\\frac{n}{2}(\\log(2\\pi\\hat\\sigma^2) + 1)`,
        ``cov`` :math:`= \\hat\\sigma^2 (X^T X)^{-1}` and ``se``. These standard
        errors use the **MLE** :math:`\\hat\\sigma^2 = \\text{RSS}/n`: they
        are the inverse Fisher information at the MLE, and a little smaller
        than the ones most regression software prints, which use the unbiased
        :math:`\\text{RSS}/(n-p)`. Those are given too, as
        ``sigma2_unbiased`` and ``se_unbiased``, for comparison. ``k = p + 1``
        parameters count towards AIC and BIC (the variance is estimated too).

    Raises
    ------
    ValueError
        Shapes that do not match, NaN or infinity, ``n <= p``, a
        rank-deficient X (perfectly collinear columns), or a perfect fit
        (RSS = 0), where the likelihood is unbounded and the MLE of
        :math:`\\sigma^2` does not exist (:class:`mlecourse.DegenerateSampleError`).

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.regression import linear_regression
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> res = linear_regression(x, [1.0, 3.2, 4.8, 7.1])
    >>> np.round(res.coef, 4)
    array([1.04, 1.99])
    >>> round(res.sigma2, 6)  # RSS / n
    0.02175
    """
    Xa, ya, names = _design(X, y, add_intercept, names, binary=False)
    n, p = Xa.shape
    std = _Standardised(Xa, names, add_intercept)
    # the outcome centred too (with an intercept), so that a large offset in y
    # costs no digits either; the intercept takes the mean back
    y_shift = float(np.mean(ya)) if add_intercept else 0.0
    yc = ya - y_shift
    beta_z, *_ = np.linalg.lstsq(std.Z, yc, rcond=None)
    resid = yc - std.Z @ beta_z
    beta_z[0] += y_shift if add_intercept else 0.0
    beta = std.coef(beta_z)
    rss = float(resid @ resid)
    if rss <= (64 * np.finfo(float).eps) ** 2 * float(yc @ yc) or rss == 0.0:
        raise DegenerateSampleError(
            "the model fits the data exactly (residual sum of squares 0), so the likelihood grows "
            "without bound as sigma^2 -> 0 and the MLE of the noise variance does not exist; "
            "use fewer features or check that y is not a linear function of X."
        )
    sigma2 = rss / n
    loglik = -0.5 * n * (_LOG_2PI + math.log(sigma2) + 1.0)
    # (X^T X)^-1 from the QR decomposition, which is better conditioned than inverting X^T X
    r = np.linalg.qr(std.Z, mode="r")
    rinv = np.linalg.solve(r, np.eye(p))
    cov = std.cov(sigma2 * (rinv @ rinv.T))
    return RegressionResult("linear", names, beta, cov, loglik, n, p + 1, add_intercept,
                            sigma2=sigma2, sigma2_unbiased=rss / (n - p))


# ---------------------------------------------------------------------------
# logistic regression

def _logistic_loglik(X, y, beta):
    eta = X @ beta
    # y * eta - log(1 + e^eta), computed without overflow
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def detect_separation(X, y, *, add_intercept: bool = True, names=None) -> Separation | None:
    """Check whether the logistic-regression MLE exists, by linear programming.

    The MLE exists (and is unique) exactly when no coefficient vector
    :math:`d \\ne 0` has :math:`(2y_i - 1)\\, x_i^T d \\ge 0` for every
    observation (Albert and Anderson, 1984): otherwise moving the coefficients
    along :math:`d` never lowers the log-likelihood and increases it towards
    a supremum that is never attained. This solves the linear program
    maximise :math:`\\sum_i (2y_i - 1) x_i^T d` subject to those constraints
    and :math:`|d_j| \\le 1` (on columns scaled to largest absolute value 1),
    whose optimum is 0 exactly when there is no such direction.

    Parameters
    ----------
    X : array_like, shape (n, p_in) or (n,)
        The features.
    y : array_like, shape (n,)
        The 0/1 outcome.
    add_intercept : bool, default True
        Include an intercept column, as :func:`logistic_regression` does.
    names : sequence of str, optional
        Column names, as in :func:`logistic_regression`.

    Returns
    -------
    Separation or None
        ``None`` when the MLE exists; otherwise the kind of separation and a
        separating direction.

    Examples
    --------
    >>> from mlecourse.regression import detect_separation
    >>> detect_separation([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1]).kind
    'complete'
    >>> detect_separation([1.0, 2.0, 3.0, 4.0], [0, 1, 0, 1]) is None
    True
    """
    Xa, ya, nm = _design(X, y, add_intercept, names, binary=True)
    std = _Standardised(Xa, nm, add_intercept)
    return _separation(std.Z, ya, nm, std)


def _separation(X, y, names, std):
    """Separation on the standardised design ``X = std.Z``; the direction is
    reported in the coordinates of the original features."""
    from scipy import optimize

    scale = np.max(np.abs(X), axis=0)
    A = (2 * y - 1)[:, None] * (X / scale)   # rows s_i x_i, on scaled columns
    res = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(X.shape[0]),
                           bounds=[(-1, 1)] * X.shape[1], method="highs")
    if res.status != 0 or res.x is None:  # pragma: no cover - the LP is always feasible
        return None
    d = np.asarray(res.x, dtype=float)
    if np.max(np.abs(d)) < 0.5:  # the optimum is d = 0: no separating direction
        return None
    m = A @ d
    size = np.abs(A) @ np.abs(d)  # the scale of each margin
    if np.any(m < -1e-9 * np.maximum(size, 1e-300)) or not np.any(m > 1e-7 * size):
        return None  # the LP's tolerance, not a real direction
    kind, on = "quasi-complete", int(np.sum(m <= 1e-7 * size))
    # complete separation? maximise the smallest margin t: s_i x_i^T d >= t for all i
    p = X.shape[1]
    res2 = optimize.linprog(np.r_[np.zeros(p), -1.0], A_ub=np.column_stack([-A, np.ones(len(A))]),
                            b_ub=np.zeros(X.shape[0]), bounds=[(-1, 1)] * p + [(None, 1)],
                            method="highs")
    if res2.status == 0 and res2.x is not None:
        d2 = np.asarray(res2.x[:p], dtype=float)
        m2 = A @ d2
        if np.all(m2 > 1e-7 * (np.abs(A) @ np.abs(d2))):
            kind, on, d = "complete", 0, d2
    direction = std.coef(d / scale)
    direction = direction / np.max(np.abs(direction))
    return Separation(kind, direction, on, tuple(names))


def logistic_regression(X, y, *, add_intercept: bool = True, max_iter: int = 100,
                        tol: float = 1e-10, names=None,
                        on_separation: str = "raise") -> RegressionResult:
    """Fit the logistic model :math:`P(y_i = 1) = 1 / (1 + e^{-x_i^T\\beta})` by maximum likelihood.

    Newton's method on the log-likelihood

    .. math:: \\ell(\\beta) = \\sum_i \\bigl[y_i \\log p_i + (1 - y_i) \\log(1 - p_i)\\bigr],
              \\qquad p_i = \\sigma(x_i^T \\beta),

    with score :math:`X^T (y - p)` and information :math:`X^T W X`,
    :math:`W = \\operatorname{diag}(p_i (1 - p_i))`: from :math:`\\beta = 0`,
    repeat :math:`\\beta \\leftarrow \\beta + (X^T W X)^{-1} X^T (y - p)`
    (each step is a weighted least-squares fit, hence the name iteratively
    reweighted least squares). A step that would lower the log-likelihood is
    halved until it does not.

    Parameters
    ----------
    X : array_like, shape (n, p_in) or (n,)
        The features (a pandas DataFrame keeps its column names).
    y : array_like, shape (n,)
        The outcome, 0 or 1 (booleans allowed).
    add_intercept : bool, default True
        Add a column of ones as the first column (coefficient ``"intercept"``).
    max_iter : int, default 100
        Largest number of Newton iterations.
    tol : float, default 1e-10
        Stop when the Newton decrement :math:`U^T J^{-1} U / 2`, the increase
        of the log-likelihood the step predicts, is below ``tol``; the step is
        taken first, so the final error is far smaller (Newton converges
        quadratically).
    names : sequence of str, optional
        Names of the columns of ``X``.
    on_separation : {"raise", "warn"}, default "raise"
        What to do when the classes are separated and the MLE does not exist:
        raise :class:`SeparationError`, or warn (``RuntimeWarning``) and run the
        iterations anyway, returning a result with ``converged=False`` whose
        ``coef_history`` shows the coefficients running off to infinity.

    Returns
    -------
    RegressionResult
        ``coef``, ``cov`` :math:`= (X^T W X)^{-1}` at the MLE, ``se``,
        ``loglik``, ``n_iter``, ``converged``, ``loglik_history`` and
        ``coef_history`` (one row per iteration, the start included),
        ``predict_proba``, ``aic``, ``bic``.

    Raises
    ------
    ValueError
        Shapes that do not match, NaN or infinity, a y that is not 0/1,
        ``n <= p``, a rank-deficient X.
    SeparationError
        (A :class:`ValueError`.) Complete or quasi-complete separation: some
        linear combination of the features puts all the 1s on one side and
        all the 0s on the other (an outcome that is all 0s or all 1s is the
        simplest case), so the log-likelihood increases towards 0 (or towards
        a bound) as the coefficients grow without limit, and the MLE does not
        exist. Detected when the iterations drive fitted probabilities to 0
        or 1 or fail to converge, and confirmed by :func:`detect_separation`.

    Warns
    -----
    RuntimeWarning
        When ``max_iter`` is reached before convergence (the result has
        ``converged=False``), or on separation with ``on_separation="warn"``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.regression import logistic_regression
    >>> x = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0])
    >>> y = np.array([0, 0, 1, 0, 1, 0, 1, 1])
    >>> res = logistic_regression(x, y)
    >>> res.converged, res.n_iter < 10
    (True, True)
    >>> np.round(res.coef, 4)  # statsmodels.api.Logit gives the same
    array([-2.6734,  1.1882])
    """
    from scipy import special

    Xa, ya, names = _design(X, y, add_intercept, names, binary=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", positive=True)
    check_choice(on_separation, "on_separation", ("raise", "warn"))
    n, p = Xa.shape
    # Newton runs on the centred and scaled design; the Newton decrement, the
    # step halving and the log-likelihood do not depend on the coordinates, and
    # the coefficients and their covariance are mapped back at the end
    std = _Standardised(Xa, names, add_intercept)
    Xa = std.Z

    if np.all(ya == ya[0]):
        sep = _separation(Xa, ya, names, std)
        if on_separation == "raise":
            raise SeparationError(
                f"every y is {int(ya[0])}, so the log-likelihood keeps increasing as the fitted "
                f"probabilities go to {int(ya[0])} and the MLE does not exist (the coefficients "
                "would run to infinity); logistic regression needs both outcomes.", sep)
    separated = None
    beta = np.zeros(p)
    ll = _logistic_loglik(Xa, ya, beta)
    lls, betas = [ll], [beta.copy()]
    converged = False
    n_iter = 0
    for _ in range(max_iter):
        prob = special.expit(Xa @ beta)
        w = prob * (1 - prob)
        score = Xa.T @ (ya - prob)
        info = (Xa * w[:, None]).T @ Xa
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, score, rcond=None)[0]
        decrement = float(score @ step) / 2
        t = 1.0
        while True:
            new = beta + t * step
            ll_new = _logistic_loglik(Xa, ya, new)
            if ll_new >= ll - 1e-12 * abs(ll) or t < 1e-10:
                break
            t /= 2
        beta, ll = new, ll_new
        lls.append(ll)
        betas.append(beta.copy())
        n_iter += 1
        if not np.isfinite(decrement) or decrement < tol:
            converged = bool(np.isfinite(decrement))
            break

    eta = Xa @ beta
    if not converged or np.max(np.abs(eta)) > 15:
        # fitted probabilities within about 3e-7 of 0 or 1, or no convergence:
        # the signature of separation; the linear program decides
        separated = _separation(Xa, ya, names, std)
    if separated is not None:
        msg = (f"{separated.kind} separation: the direction {separated.describe()} puts every "
               f"y = 1 on one side and every y = 0 on the other"
               + ("" if separated.kind == "complete" else
                  f" ({separated.n_on_boundary} observation(s) on the boundary)")
               + ", so the log-likelihood keeps increasing as the coefficients grow along it "
               "and the MLE does not exist (coefficients run to infinity, standard errors "
               "explode). Drop or merge the feature(s) involved, or use a penalised fit "
               "(e.g. Firth's).")
        if on_separation == "raise":
            raise SeparationError(msg, separated)
        warnings.warn(msg, RuntimeWarning, stacklevel=2)
        converged = False
    elif not converged:
        warnings.warn(
            f"logistic_regression did not converge in {max_iter} iterations (Newton decrement "
            f"{decrement:.3g} > tol={tol:g}); raise max_iter or check the features' scales.",
            RuntimeWarning, stacklevel=2,
        )
    prob = special.expit(eta)
    w = prob * (1 - prob)
    info = (Xa * w[:, None]).T @ Xa
    with np.errstate(all="ignore"):
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            cov = np.full((p, p), np.inf)
    cov = std.cov(cov) if np.all(np.isfinite(cov)) else np.full((p, p), np.inf)
    return RegressionResult("logistic", names, std.coef(beta), cov, ll, n, p,
                            add_intercept, n_iter=n_iter, converged=converged,
                            loglik_history=np.array(lls),
                            coef_history=std.coef(np.array(betas)))
