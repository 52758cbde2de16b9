"""Linear and logistic regression by maximum likelihood, against statsmodels and scikit-learn."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

import mlecourse
from mlecourse.regression import (
    RegressionResult,
    SeparationError,
    detect_separation,
    linear_regression,
    logistic_regression,
)

RNG = np.random.default_rng(424242)
N = 250
X3 = np.column_stack([RNG.exponential(4.0, N), RNG.poisson(2.0, N), RNG.binomial(1, 0.4, N)])
Y_LIN = 2.0 + X3 @ np.array([0.5, -1.0, 3.0]) + RNG.normal(0, 1.5, N)
ETA = -2.5 + X3 @ np.array([0.25, 0.6, -0.8])
Y_BIN = RNG.binomial(1, 1 / (1 + np.exp(-ETA))).astype(float)


# --- linear -----------------------------------------------------------------------


def test_linear_matches_statsmodels_ols():
    res = linear_regression(X3, Y_LIN)
    ols = sm.OLS(Y_LIN, sm.add_constant(X3)).fit()
    p = 4
    assert res.coef == pytest.approx(ols.params, rel=1e-10)
    assert res.loglik == pytest.approx(ols.llf, rel=1e-12)
    # statsmodels scales by RSS / (n - p); the MLE uses RSS / n
    assert res.sigma2 == pytest.approx(ols.ssr / N, rel=1e-12)
    assert res.sigma2_unbiased == pytest.approx(ols.scale, rel=1e-12)
    assert res.se_unbiased == pytest.approx(ols.bse, rel=1e-10)
    assert res.se == pytest.approx(ols.bse * math.sqrt((N - p) / N), rel=1e-10)
    assert res.cov == pytest.approx(ols.cov_params() * (N - p) / N, rel=1e-9)
    # AIC and BIC count sigma^2 as a parameter (statsmodels does not)
    assert res.k == p + 1
    assert res.aic == pytest.approx(ols.aic + 2, rel=1e-12)
    assert res.bic == pytest.approx(ols.bic + math.log(N), rel=1e-12)
    assert res.n_iter == 0 and res.converged
    ci = res.conf_int()
    assert ci["x1"] == pytest.approx((res.coef[1] - 1.959963984540054 * res.se[1],
                                      res.coef[1] + 1.959963984540054 * res.se[1]))


def test_linear_equals_lstsq_and_the_gaussian_loglik_maximised_numerically():
    Xd = np.column_stack([np.ones(N), X3])
    beta, *_ = np.linalg.lstsq(Xd, Y_LIN, rcond=None)
    res = linear_regression(X3, Y_LIN)
    assert res.coef == pytest.approx(beta, rel=1e-12)

    def ll(theta):
        b, s = theta[:-1], theta[-1]
        r = Y_LIN - Xd @ b
        return -0.5 * N * math.log(2 * math.pi * s**2) - r @ r / (2 * s**2)

    num = mlecourse.fit_numeric(ll, [0, 0, 0, 0, 1.0], names=["b0", "b1", "b2", "b3", "sigma"],
                                positive=["sigma"], n=N)
    got = [num.params[k] for k in ("b0", "b1", "b2", "b3")]
    assert got == pytest.approx(res.coef, rel=1e-6, abs=1e-7)
    assert num.params["sigma"] ** 2 == pytest.approx(res.sigma2, rel=1e-6)
    assert num.loglik == pytest.approx(res.loglik, rel=1e-10)
    # the observed-information standard errors of the coefficients are the MLE-scaled ones
    assert [num.se[k] for k in ("b0", "b1", "b2", "b3")] == pytest.approx(res.se, rel=1e-4)


def test_linear_without_intercept_and_with_names():
    res = linear_regression(X3, Y_LIN, add_intercept=False, names=["time", "visits", "mobile"])
    ols = sm.OLS(Y_LIN, X3).fit()
    assert res.names == ("time", "visits", "mobile")
    assert res.coef == pytest.approx(ols.params, rel=1e-10)
    assert res.predict(X3[:5]) == pytest.approx(ols.fittedvalues[:5], rel=1e-10)


def test_dataframe_column_names_are_kept():
    df = pd.DataFrame(X3, columns=["minutes", "purchases", "mobile"])
    res = linear_regression(df, Y_LIN)
    assert res.names == ("intercept", "minutes", "purchases", "mobile")
    assert set(res.params) == set(res.names)
    assert "minutes" in res.summary() and "RSS/n" in res.summary()
    assert repr(res).startswith("RegressionResult(linear: intercept=")


def test_one_dimensional_x():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    res = linear_regression(x, [1.0, 3.2, 4.8, 7.1])
    assert res.coef == pytest.approx([1.04, 1.99])  # by hand: Sxy / Sxx = 9.95 / 5
    assert res.sigma2 == pytest.approx(0.087 / 4)  # residuals -.04, .17, -.22, .09
    assert res.predict([10.0]) == pytest.approx([1.04 + 19.9])


def test_linear_perfect_fit_is_degenerate():
    x = np.arange(6.0)
    with pytest.raises(mlecourse.DegenerateSampleError, match="fits the data exactly"):
        linear_regression(x, 2 + 3 * x)


# --- logistic ----------------------------------------------------------------------


def test_logistic_matches_statsmodels_logit():
    res = logistic_regression(X3, Y_BIN)
    logit = sm.Logit(Y_BIN, sm.add_constant(X3)).fit(disp=0, method="newton", tol=1e-12,
                                                     maxiter=100)
    assert res.converged
    assert res.coef == pytest.approx(logit.params, rel=1e-6)
    assert res.se == pytest.approx(logit.bse, rel=1e-6)
    assert res.loglik == pytest.approx(logit.llf, rel=1e-6)
    assert res.cov == pytest.approx(logit.cov_params(), rel=1e-6)
    assert res.aic == pytest.approx(logit.aic, rel=1e-9)
    assert res.bic == pytest.approx(logit.bic, rel=1e-9)


def test_logistic_matches_sklearn_without_penalty():
    res = logistic_regression(X3, Y_BIN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X3, Y_BIN)
    assert res.coef[1:] == pytest.approx(sk.coef_[0], rel=1e-4)
    assert res.coef[0] == pytest.approx(sk.intercept_[0], rel=1e-4)
    assert res.predict_proba(X3) == pytest.approx(sk.predict_proba(X3)[:, 1], rel=1e-4)


def test_newton_history_increases_and_converges_quadratically():
    res = logistic_regression(X3, Y_BIN)
    h = res.loglik_history
    assert h.shape == (res.n_iter + 1,)
    assert res.coef_history.shape == (res.n_iter + 1, 4)
    assert h[0] == pytest.approx(N * math.log(0.5))  # the start, beta = 0
    assert np.all(np.diff(h) >= -1e-9)
    assert res.n_iter <= 10
    gap = res.loglik - h[:-1]
    # quadratic convergence: once close, the error is squared (up to a constant) each step
    close = gap[(gap > 1e-12) & (gap < 1e-2)]
    assert close.size >= 2 and np.all(close[1:] <= 10 * close[:-1] ** 2 + 1e-13)
    assert res.coef_history[-1] == pytest.approx(res.coef)


def test_cross_entropy_times_n_is_minus_loglik():
    from sklearn.metrics import log_loss

    res = logistic_regression(X3, Y_BIN)
    prob = res.predict_proba(X3)
    assert log_loss(Y_BIN, prob) * N == pytest.approx(-res.loglik, rel=1e-10)


def test_boolean_outcome_and_predict_proba_bounds():
    res = logistic_regression(X3, Y_BIN.astype(bool))
    prob = res.predict_proba(X3)
    assert np.all((prob > 0) & (prob < 1))
    with pytest.raises(ValueError, match="predict_proba is for logistic"):
        linear_regression(X3, Y_LIN).predict_proba(X3)
    with pytest.raises(ValueError, match="X must have 3 column"):
        res.predict_proba(X3[:, :2])


# --- separation ----------------------------------------------------------------------


def test_complete_separation_raises_with_a_separating_direction():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(SeparationError, match="complete separation.*MLE does not exist") as e:
        logistic_regression(x, y)
    assert isinstance(e.value, ValueError)
    sep = e.value.separation
    assert sep.kind == "complete" and sep.n_on_boundary == 0
    margins = (2 * y - 1) * (sep.direction[0] + sep.direction[1] * x)
    assert np.all(margins > 0)


def test_quasi_complete_separation():
    # x = 3 has both outcomes; below it all 0, above all 1
    x = np.array([1.0, 2.0, 3.0, 3.0, 4.0, 5.0])
    y = np.array([0, 0, 0, 1, 1, 1])
    sep = detect_separation(x, y)
    assert sep.kind == "quasi-complete" and sep.n_on_boundary == 2
    with pytest.raises(SeparationError, match="quasi-complete separation"):
        logistic_regression(x, y)


def test_separation_warn_mode_shows_coefficients_running_away():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.warns(RuntimeWarning, match="MLE does not exist"):
        res = logistic_regression(x, y, on_separation="warn")
    assert not res.converged
    slope = np.abs(res.coef_history[:, 1])
    assert slope[-1] > 10 * slope[1]
    assert res.loglik > -1e-6  # the supremum, 0, is approached but never reached
    assert np.all(np.diff(res.loglik_history) > 0)


def test_all_one_outcome_is_separation():
    with pytest.raises(SeparationError, match="every y is 1"):
        logistic_regression(X3, np.ones(N))


def test_no_false_separation_on_overlapping_classes():
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(30, 200))
        X = rng.normal(size=(n, 3)) * [1.0, 100.0, 0.01]
        y = rng.binomial(1, 1 / (1 + np.exp(-(X @ [1.0, 0.01, 50.0]))))
        if detect_separation(X, y) is None:
            res = logistic_regression(X, y)
            assert res.converged
        else:  # only small samples with a strong effect can separate
            assert n < 60


def test_detect_separation_examples():
    assert detect_separation([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1]).kind == "complete"
    assert detect_separation([1.0, 2.0, 3.0, 4.0], [0, 1, 0, 1]) is None
    # separation by a combination of two features that neither shows alone
    X = np.array([[0, 0], [1, 1], [2, 2], [0, 2], [1, 3], [2, 4]], dtype=float)
    y = np.array([0, 0, 0, 1, 1, 1])
    sep = detect_separation(X, y)
    assert sep is not None and sep.kind == "complete"
    assert "x1" in sep.describe() and "x2" in sep.describe()


def test_non_convergence_warns():
    with pytest.warns(RuntimeWarning, match="did not converge in 2 iterations"):
        res = logistic_regression(X3, Y_BIN, max_iter=2)
    assert not res.converged and res.n_iter == 2


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("fit", [linear_regression, logistic_regression])
def test_bad_input_messages(fit):
    y = Y_BIN
    with pytest.raises(ValueError, match="X has 250 rows but y has 249 values"):
        fit(X3, y[:-1])
    Xn = X3.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains 1 NaN or infinite"):
        fit(Xn, y)
    with pytest.raises(ValueError, match="y contains 1 NaN"):
        fit(X3, np.r_[np.nan, y[1:]])
    with pytest.raises(ValueError, match="X must be 1-D or 2-D"):
        fit(X3[None], y)
    with pytest.raises(ValueError, match="3 observations for 4 coefficients"):
        fit(X3[:3], y[:3])
    with pytest.raises(ValueError, match=r"rank-deficient \(rank 4 < 5 columns\).*\['x4'\]"):
        fit(np.column_stack([X3, X3[:, 0] + 2 * X3[:, 1]]), y)
    with pytest.raises(ValueError, match=r"column 'x4' of X is constant, so it duplicates the "
                       r"intercept"):
        fit(np.column_stack([X3, np.full(N, 3.0)]), y)
    with pytest.raises(ValueError, match="column 'x2' of X is all zeros"):
        fit(np.column_stack([X3[:, 0], np.zeros(N)]), y)
    with pytest.raises(TypeError, match="X must be an array of numbers, not a string"):
        fit("X", y)
    with pytest.raises(TypeError, match="add_intercept must be True or False"):
        fit(X3, y, add_intercept="yes")
    with pytest.raises(ValueError, match="names has 2 entries but X has 3"):
        fit(X3, y, names=["a", "b"])


def test_logistic_y_must_be_binary():
    with pytest.raises(ValueError, match="y must contain only 0 and 1.*got 2 at index 7"):
        logistic_regression(X3, np.r_[Y_BIN[:7], 2.0, Y_BIN[8:]])
    with pytest.raises(ValueError, match="on_separation must be one of"):
        logistic_regression(X3, Y_BIN, on_separation="ignore")
    with pytest.raises(ValueError, match="tol must be positive"):
        logistic_regression(X3, Y_BIN, tol=0.0)


def test_result_type():
    assert isinstance(logistic_regression(X3, Y_BIN), RegressionResult)


# --- units and offsets --------------------------------------------------------------
# A feature measured from a far-away origin (a year in seconds, an income in cents)
# or in other units is the same model reparametrised: the slopes and their standard
# errors change exactly by the Jacobian, the log-likelihood not at all.

XO = RNG.normal(size=120)
YO_LIN = 1.0 + 2.0 * XO + RNG.normal(size=120)
YO_BIN = RNG.binomial(1, 1 / (1 + np.exp(-(0.3 + 1.2 * XO)))).astype(float)


@pytest.mark.parametrize("offset", [1e7, 1e8])
def test_linear_at_a_large_offset_agrees_with_statsmodels_on_the_centred_feature(offset):
    shifted = XO + offset
    # the feature as it is stored: the offset rounds it to about offset * 1e-16
    centred = shifted - offset
    ref = sm.OLS(YO_LIN, sm.add_constant(centred)).fit()
    res = linear_regression(shifted, YO_LIN)
    assert res.loglik == pytest.approx(ref.llf, rel=1e-12)
    assert res.coef[1] == pytest.approx(ref.params[1], rel=1e-9)
    assert res.coef[0] == pytest.approx(ref.params[0] - ref.params[1] * offset, rel=1e-9)
    n, p = 120, 2
    assert res.se[1] == pytest.approx(ref.bse[1] * math.sqrt((n - p) / n), rel=1e-9)


@pytest.mark.parametrize("offset", [1e7, 1e8])
def test_logistic_at_a_large_offset_agrees_with_statsmodels_on_the_centred_feature(offset):
    shifted = XO + offset
    centred = shifted - offset
    ref = sm.Logit(YO_BIN, sm.add_constant(centred)).fit(disp=0, tol=1e-12)
    res = logistic_regression(shifted, YO_BIN)
    assert res.converged
    assert res.loglik == pytest.approx(ref.llf, rel=1e-12)
    assert res.coef[1] == pytest.approx(ref.params[1], rel=1e-8)
    assert res.se[1] == pytest.approx(ref.bse[1], rel=1e-8)
    assert res.coef[0] == pytest.approx(ref.params[0] - ref.params[1] * offset, rel=1e-8)
    assert res.predict_proba(shifted[:5]) == pytest.approx(ref.predict()[:5], rel=1e-7)


def test_separation_is_found_at_a_large_offset_too():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) + 1e8
    sep = detect_separation(x, [0, 0, 0, 1, 1, 1])
    assert sep is not None and sep.kind == "complete"
    # the direction, in the units of x: positive on x, with the cut between 3 and 4
    assert sep.direction[1] > 0
    cut = -sep.direction[0] / sep.direction[1]
    assert 1e8 + 3 <= cut <= 1e8 + 4
    with pytest.raises(SeparationError):
        logistic_regression(x, [0, 0, 0, 1, 1, 1])


@settings(max_examples=40, deadline=None)
@given(c=st.floats(1e-8, 1e8), shift=st.floats(-1e6, 1e6))
def test_changing_a_features_units_changes_its_coefficient_by_the_jacobian(c, shift):
    x = c * (XO + shift)
    base_lin, base_log = linear_regression(XO, YO_LIN), logistic_regression(XO, YO_BIN)
    lin, log = linear_regression(x, YO_LIN), logistic_regression(x, YO_BIN)
    for new, base in ((lin, base_lin), (log, base_log)):
        assert new.loglik == pytest.approx(base.loglik, rel=1e-9)
        assert new.coef[1] * c == pytest.approx(base.coef[1], rel=1e-7)
        assert new.se[1] * c == pytest.approx(base.se[1], rel=1e-7)
        # the fitted values do not depend on the units
        assert new.linear_predictor(x) == pytest.approx(base.linear_predictor(XO),
                                                        rel=1e-6, abs=1e-6)
