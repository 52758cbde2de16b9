"""Testing hypotheses with the likelihood: the likelihood-ratio, Wald and score tests.

The three classical large-sample tests read the same log-likelihood in three
ways (Buse 1982):

- :func:`lr_test`: the *drop* in the maximised log-likelihood when the null
  hypothesis is imposed, ``2 (l(theta_hat) - l(theta_0))`` (Wilks 1938);
- :func:`wald_test`: the *distance* from the estimate to the null value,
  measured in standard errors from the curvature at the estimate (Wald 1943);
- :func:`score_test`: the *slope* of the log-likelihood at the null value,
  measured against the Fisher information there (Rao 1948); it needs only the
  fit under the null.

Each returns a :class:`TestResult` whose p-value is the upper tail of
chi-square(df), df being the number of parameters the null hypothesis fixes.
They work on fits of a named family from :func:`mlecourse.fit` and on
regressions from :mod:`mlecourse.regression`; :func:`criterion_weights`
turns AIC or BIC values into Akaike weights or approximate posterior model
probabilities. SciPy is imported when these functions run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, check_choice, check_real

__all__ = [
    "TestResult",
    "wald_test",
    "score_test",
    "score_test_regression",
    "lr_test",
    "criterion_weights",
    "SCORE_TEST_FAMILIES",
]


@dataclass(frozen=True)
class TestResult:
    """The outcome of a likelihood-based test.

    Attributes
    ----------
    statistic : float
        The test statistic, at least 0.
    df : int
        Degrees of freedom: the number of parameters the null hypothesis fixes.
    pvalue : float
        Probability under the null distribution of a statistic at least as
        large as the one observed.
    test : str
        ``"likelihood ratio"``, ``"Wald"`` or ``"score"``.
    null : str
        The null hypothesis and the null distribution, in words.
    """

    __test__ = False  # not a pytest test class, despite its name

    statistic: float
    df: int
    pvalue: float
    test: str
    null: str

    def __str__(self) -> str:
        return (f"{self.test} statistic = {self.statistic:.6g} on {self.df} df, "
                f"p-value = {self.pvalue:.4g} ({self.null})")


def _chi2_sf(stat: float, df: int) -> float:
    from scipy import stats

    return float(stats.chi2.sf(stat, df))


def _describe(null: dict) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in null.items())


def _check_null(null, allowed, what: str) -> dict:
    if not isinstance(null, dict) or not null:
        raise TypeError("null must be a non-empty dict of parameter name to hypothesised value, "
                        f"e.g. {{{allowed[0]!r}: 0.0}}; got {null!r}.")
    out = {}
    for name, value in null.items():
        if name not in allowed:
            raise ValueError(f"{name!r} is not {what}; allowed: {list(allowed)}.")
        out[name] = check_real(value, f"the null value of {name}")
    return out


def _kind(result, name: str = "result") -> str:
    from .fit import FitResult
    from .regression import RegressionResult

    if isinstance(result, FitResult):
        return "fit"
    if isinstance(result, RegressionResult):
        return "regression"
    raise TypeError(f"{name} must be a FitResult from mlecourse.fit() or fit_numeric(), or a "
                    "RegressionResult from mlecourse.regression; "
                    f"got {type(result).__name__}.")


# ---------------------------------------------------------------------------
# Wald test

def wald_test(result, null: dict, *, cov_type: str = "observed") -> TestResult:
    """Wald test of ``theta_j = null[j]`` for the named parameters of a fit.

    With ``d = theta_hat - theta_0`` for the tested parameters and ``V`` their
    block of the estimated covariance (the inverse information at the
    estimate), the statistic is ``d^T V^{-1} d``, approximately
    chi-square(df) under the null with df the number of tested parameters.
    For one parameter it is ``z^2`` with ``z = (theta_hat - theta_0) / se``,
    the ``z`` column of :meth:`RegressionResult.summary
    <mlecourse.regression.RegressionResult.summary>` when ``theta_0 = 0``.
    The other parameters stay at their estimates (they are not re-fitted).

    Parameters
    ----------
    result : FitResult or RegressionResult
        The fit of the bigger (unrestricted) model.
    null : dict
        Parameter (or coefficient) name to its value under the null
        hypothesis; only free parameters can be tested.
    cov_type : {"observed", "robust"}, default "observed"
        For a FitResult: the inverse observed information (``cov``) or the
        sandwich (``cov_robust``), the latter valid when the model is wrong.
        A RegressionResult allows only ``"observed"``.

    Returns
    -------
    TestResult

    Raises
    ------
    TypeError
        If ``result`` is not a fit, or ``null`` is not a non-empty dict.
    ValueError
        For an unknown or fixed parameter, a non-finite null value, or a
        covariance block that is not positive definite.

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.inference import wald_test
    >>> res = wald_test(fit("poisson", [1, 3, 2, 4, 0]), {"lam": 1.0})
    >>> round(res.statistic, 6)  # (2 - 1)^2 / (2 / 5)
    2.5
    """
    check_choice(cov_type, "cov_type", ("observed", "robust"))
    if _kind(result) == "fit":
        names = list(result.free)
        null = _check_null(null, names, "a free (estimated) parameter of this fit")
        cov = result.cov if cov_type == "observed" else result.cov_robust
        est = result.params
    else:
        if cov_type != "observed":
            raise ValueError("cov_type='robust' is available for FitResult only; a "
                             "RegressionResult carries the inverse information only.")
        names = list(result.names)
        null = _check_null(null, names, "a coefficient of this regression")
        cov = result.cov
        est = result.params
    idx = [names.index(k) for k in null]
    d = np.array([est[k] - v for k, v in null.items()])
    block = cov[np.ix_(idx, idx)]
    try:
        chol = np.linalg.cholesky(block)
    except np.linalg.LinAlgError:
        raise ValueError(f"the estimated covariance of {list(null)} is not positive definite; "
                         "the information at the estimate is singular, so a Wald test "
                         "cannot be formed.") from None
    u = np.linalg.solve(chol, d)
    stat = float(u @ u)
    df = len(null)
    return TestResult(stat, df, _chi2_sf(stat, df), "Wald",
                      f"null {_describe(null)}; chi-square({df})")


# ---------------------------------------------------------------------------
# score test for the named families: analytic score and expected information

def _score_info(family: str, x: np.ndarray, theta: dict, known: dict):
    """Score vector and expected (Fisher) information of n observations, in family order."""
    n = x.size
    s = float(np.sum(x))
    if family in ("bernoulli", "binomial"):
        m = known.get("trials", 1)
        p = theta["p"]
        return (np.array([(s - n * m * p) / (p * (1 - p))]),
                np.array([[n * m / (p * (1 - p))]]))
    if family == "geometric":
        p = theta["p"]
        return (np.array([n / p - (s - n) / (1 - p)]),
                np.array([[n / (p * p * (1 - p))]]))
    if family == "poisson":
        lam = theta["lam"]
        return np.array([s / lam - n]), np.array([[n / lam]])
    if family == "exponential":
        rate = theta["rate"]
        return np.array([n / rate - s]), np.array([[n / rate**2]])
    # normal
    mu, sigma = theta["mu"], theta["sigma"]
    r = x - mu
    score = np.array([np.sum(r) / sigma**2, -n / sigma + np.sum(r * r) / sigma**3])
    return score, np.diag([n / sigma**2, 2 * n / sigma**2])


#: Families for which :func:`score_test` knows the score and the Fisher information.
SCORE_TEST_FAMILIES = ("bernoulli", "binomial", "exponential", "geometric", "normal", "poisson")


def score_test(family: str, data, null: dict, **known) -> TestResult:
    """Rao's score test of ``theta_j = null[j]`` in a named family.

    The model is fitted under the null only (the remaining parameters, if
    any, are estimated with the tested ones held at their null values,
    giving ``theta_tilde``). With ``U`` the score and ``I`` the expected
    (Fisher) information of the whole sample, both at ``theta_tilde``, the
    statistic is ``U^T I^{-1} U``, approximately chi-square(df) under the
    null, df the number of tested parameters. The score of the estimated
    parameters is 0 at ``theta_tilde``, so only the slope in the tested
    directions counts, weighed by the information there, not at the MLE.

    Parameters
    ----------
    family : str
        One of :data:`SCORE_TEST_FAMILIES`.
    data : array_like, shape (n,)
        The observations, in the family's support.
    null : dict
        Parameter name to its value under the null hypothesis, inside the
        parameter space (a probability strictly between 0 and 1, a positive
        rate or standard deviation).
    **known
        Known constants of the family (``trials=`` for the binomial).

    Returns
    -------
    TestResult

    Raises
    ------
    ValueError
        For a family outside :data:`SCORE_TEST_FAMILIES`, a parameter the
        family does not have, a null value on or outside the boundary of
        the parameter space, or data outside the support.

    Examples
    --------
    >>> from mlecourse.inference import score_test
    >>> res = score_test("poisson", [1, 3, 2, 4, 0], {"lam": 1.0})
    >>> round(res.statistic, 6)  # n (xbar - lam0)^2 / lam0
    5.0
    """
    from .families import get_family
    from .fit import fit

    fam = get_family(family)
    if fam.name not in SCORE_TEST_FAMILIES:
        raise ValueError(f"score_test knows the Fisher information of the families "
                         f"{list(SCORE_TEST_FAMILIES)}; got {fam.name!r}.")
    null = _check_null(null, list(fam.params), f"a parameter of the {fam.name} family")
    for name, value in null.items():
        domain = fam.domains[name]
        if domain == "positive" and not value > 0:
            raise ValueError(f"the null value of {name} must be positive; got {value:g}.")
        if domain == "unit" and not 0 < value < 1:
            raise ValueError(f"the null value of {name} must be strictly between 0 and 1 (at "
                             f"0 or 1 the score and the information are infinite); "
                             f"got {value:g}.")
    x = fam.check_data(data, **known)
    if len(null) == len(fam.params):
        theta = dict(null)
    else:
        theta = fit(fam.name, x, **known, **null).params
    score, info = _score_info(fam.name, x, theta, known)
    stat = float(score @ np.linalg.solve(info, score))
    df = len(null)
    return TestResult(max(stat, 0.0), df, _chi2_sf(stat, df), "score",
                      f"null {_describe(null)}; chi-square({df})")


def score_test_regression(fit_small, X, y, *, names=None) -> TestResult:
    """Score test of a regression against a bigger one, fitting only the smaller.

    The bigger model has the columns ``X`` (with an intercept added if the
    smaller fit has one); the smaller fit's coefficients must be among them,
    by name, and the extra coefficients are 0 under the null. With
    ``beta_tilde`` the smaller fit padded with zeros, the statistic is
    ``U^T I^{-1} U`` with ``U`` the bigger model's score and ``I`` its Fisher
    information at ``beta_tilde``: ``U = X^T (y - p)`` and
    ``I = X^T W X`` for logistic regression; ``U = X^T r / s^2`` and
    ``I = X^T X / s^2`` for the linear model, with ``s^2 = RSS_0 / n`` the
    smaller model's MLE of the noise variance, which gives
    ``n (RSS_0 - RSS_1) / RSS_0``.

    Parameters
    ----------
    fit_small : RegressionResult
        The smaller (null) model, fitted to ``y``.
    X : array_like or DataFrame, shape (n, p_in)
        The bigger model's columns, without the intercept column.
    y : array_like, shape (n,)
        The outcome the smaller model was fitted to.
    names : list of str, optional
        Names of the columns of ``X`` (default: a DataFrame's column names,
        else ``x1, x2, ...``).

    Returns
    -------
    TestResult

    Raises
    ------
    ValueError
        If a coefficient of the smaller fit is not a column of the bigger
        model, the bigger model has no extra column, or ``y`` does not match.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.regression import linear_regression
    >>> from mlecourse.inference import score_test_regression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [3.0, 1.0], [4.0, 1.0], [5.0, 0.0]])
    >>> y = np.array([1.0, 0.0, 2.0, 1.0, 3.0, 4.0])
    >>> small = linear_regression(X[:, :1], y, names=["x1"])
    >>> big = linear_regression(X, y, names=["x1", "x2"])
    >>> res = score_test_regression(small, X, y, names=["x1", "x2"])
    >>> round(res.statistic, 9) == round(6 * (small.sigma2 - big.sigma2) / small.sigma2, 9)
    True
    """
    from scipy import special

    from .regression import RegressionResult, _design

    if not isinstance(fit_small, RegressionResult):
        raise TypeError("fit_small must be a RegressionResult from linear_regression or "
                        f"logistic_regression; got {type(fit_small).__name__}.")
    Xb, yb, big_names = _design(X, y, fit_small.add_intercept, names,
                                binary=fit_small.model == "logistic")
    if yb.size != fit_small.n:
        raise ValueError(f"y has {yb.size} values but the smaller model was fitted to "
                         f"{fit_small.n}; pass the same outcome.")
    missing = [nm for nm in fit_small.names if nm not in big_names]
    if missing:
        raise ValueError(f"the smaller model's coefficients {missing} are not columns of the "
                         f"bigger model {list(big_names)}: the models are not nested.")
    extra = [nm for nm in big_names if nm not in fit_small.names]
    if not extra:
        raise ValueError("the bigger model has no coefficient the smaller one lacks; "
                         "there is nothing to test.")
    beta = np.zeros(len(big_names))
    for nm, b in zip(fit_small.names, fit_small.coef):
        beta[big_names.index(nm)] = b
    eta = Xb @ beta
    if fit_small.model == "logistic":
        p = special.expit(eta)
        score = Xb.T @ (yb - p)
        info = Xb.T @ (Xb * (p * (1 - p))[:, None])
    else:
        r = yb - eta
        s2 = float(r @ r) / yb.size
        if not s2 > 0:
            raise ValueError("the smaller linear model fits y exactly (RSS = 0); the score "
                             "test needs a positive noise variance.")
        score = Xb.T @ r / s2
        info = Xb.T @ Xb / s2
    stat = float(score @ np.linalg.solve(info, score))
    df = len(extra)
    null = ", ".join(f"{nm} = 0" for nm in extra)
    return TestResult(max(stat, 0.0), df, _chi2_sf(stat, df), "score",
                      f"null {null}; chi-square({df})")


# ---------------------------------------------------------------------------
# likelihood-ratio test

def lr_test(fit_small, fit_big) -> TestResult:
    """Likelihood-ratio test of a model against a bigger model that contains it.

    The statistic is ``2 (l_big - l_small)``, approximately chi-square(df)
    under the smaller model (Wilks 1938), df the difference in the number of
    free parameters. For fits from :func:`mlecourse.fit` this calls
    :func:`mlecourse.diagnostics.lr_test`, which also handles a smaller model
    on the boundary of the bigger one (the 50:50 mixture of 0 and
    chi-square(1)). For two regressions, the smaller one's coefficients
    must be among the bigger one's, by name, and both of the same kind.

    Parameters
    ----------
    fit_small, fit_big : FitResult or RegressionResult
        The smaller (null) and the bigger model, fitted to the same data.

    Returns
    -------
    TestResult

    Raises
    ------
    TypeError
        If the two fits are not of the same kind.
    ValueError
        For fits that are not nested as far as can be checked, different
        numbers of observations, or a smaller model with the clearly higher
        log-likelihood.

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.inference import lr_test
    >>> x = [1, 3, 2, 4, 0]
    >>> round(lr_test(fit("poisson", x, lam=1.0), fit("poisson", x)).statistic, 6)
    3.862944
    """
    kinds = (_kind(fit_small, "fit_small"), _kind(fit_big, "fit_big"))
    if kinds[0] != kinds[1]:
        raise TypeError("fit_small and fit_big must both be FitResults or both "
                        "RegressionResults.")
    if kinds[0] == "fit":
        from .diagnostics import lr_test as _lr

        res = _lr(fit_small, fit_big)
        return TestResult(res.statistic, res.df, res.pvalue, "likelihood ratio", res.null)
    if fit_small.model != fit_big.model:
        raise ValueError(f"a {fit_small.model} regression is not nested in a "
                         f"{fit_big.model} regression.")
    if fit_small.n != fit_big.n:
        raise ValueError(f"the two fits use different numbers of observations ({fit_small.n} "
                         f"and {fit_big.n}); a likelihood-ratio test compares fits to the "
                         "same data.")
    missing = [nm for nm in fit_small.names if nm not in fit_big.names]
    if missing:
        raise ValueError(f"the smaller model's coefficients {missing} are not in the bigger "
                         f"model {list(fit_big.names)}: not nested. Pass the smaller model "
                         "first.")
    df = fit_big.k - fit_small.k
    if df <= 0:
        raise ValueError(f"the bigger model must have more parameters than the smaller one; "
                         f"got {fit_big.k} and {fit_small.k}. Pass the smaller model first.")
    stat = 2.0 * (fit_big.loglik - fit_small.loglik)
    if stat < -1e-6 * max(1.0, abs(fit_big.loglik)):
        raise ValueError(f"the smaller model has the higher log-likelihood "
                         f"({fit_small.loglik:.6g} > {fit_big.loglik:.6g}); the models are not "
                         "nested or were fitted to different data.")
    stat = max(stat, 0.0)
    extra = ", ".join(f"{nm} = 0" for nm in fit_big.names if nm not in fit_small.names)
    return TestResult(float(stat), int(df), _chi2_sf(stat, df), "likelihood ratio",
                      f"null {extra}; chi-square({df})")


# ---------------------------------------------------------------------------
# information criteria as weights

def criterion_weights(values) -> np.ndarray:
    """Turn AIC or BIC values of competing models into weights that add up to 1.

    ``w_m = exp(-D_m / 2) / sum_j exp(-D_j / 2)`` with ``D_m`` the difference
    from the smallest value. For AIC these are the Akaike weights; for BIC
    they approximate the posterior probabilities of the models when every
    model has the same prior probability (Kass and Raftery 1995). Computed in
    log space, so differences of thousands of points do not underflow to NaN.

    Parameters
    ----------
    values : array_like, shape (m,)
        The criterion of each model (smaller is better); at least one, all
        finite.

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> from mlecourse.inference import criterion_weights
    >>> criterion_weights([100.0, 100.0, 2000.0]).round(6).tolist()
    [0.5, 0.5, 0.0]
    """
    from scipy import special

    v = as_float_array(values, "values", ndim=1)
    logw = -0.5 * (v - v.min())
    return np.exp(logw - special.logsumexp(logw))

