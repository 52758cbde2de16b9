"""Hidden tests for book/regression.md (Models you already use are MLE)."""

import numpy as np
from scipy import linalg, optimize, special, stats

from mlecourse.coursework.hidden import (
    array,
    expect_array_close,
    expect_choice,
    expect_close,
    fail,
    hidden_test,
)
from mlecourse.simulate import customers

CHAPTER = "regression"

_shop = customers(400, rng=2024)
_n = len(_shop["spend"])
X = np.column_stack([np.ones(_n), _shop["minutes"], _shop["purchases"]])
Y = np.asarray(_shop["spend"], dtype=float)
BUY = np.asarray(_shop["buy"], dtype=float)

# noise variance: the mean squared residual of least squares (divide by n, not n - p)
_beta = linalg.lstsq(X, Y)[0]
SIGMA2 = float(np.sum((Y - X @ _beta) ** 2) / _n)
# one Newton step from beta = 0: p = 1/2, W = I/4
BETA_ONE_STEP = linalg.solve(X.T @ X / 4, X.T @ (BUY - 0.5))
# Bernoulli log-likelihood of four outcomes
LOGLIK_FOUR = float(stats.bernoulli.logpmf([1, 0, 1, 0], [0.8, 0.3, 0.6, 0.1]).sum())


# the logistic MLE by a quasi-Newton optimiser, its standard errors from the information
def _nll(b):
    eta = X @ b
    return float(np.sum(np.logaddexp(0, eta) - BUY * eta))


def _grad(b):
    return X.T @ (special.expit(X @ b) - BUY)


_fit = optimize.minimize(_nll, np.zeros(3), jac=_grad, method="BFGS",
                         options={"gtol": 1e-10, "maxiter": 10_000})
_prob = special.expit(X @ _fit.x)
_cov = linalg.inv(X.T @ (X * (_prob * (1 - _prob))[:, None]))
_b, _se = _fit.x[2], np.sqrt(_cov[2, 2])
_z = stats.norm.ppf(0.975)
ODDS = (np.exp(_b), np.exp(_b - _z * _se), np.exp(_b + _z * _se))


@hidden_test("ex-regression-sigma2", points=1, variables=["sigma2_mle"])
def sigma2(sigma2_mle):
    expect_close(sigma2_mle, SIGMA2, name="sigma2_mle")


@hidden_test("ex-regression-newton", points=1, variables=["beta_one_step"])
def newton(beta_one_step):
    expect_array_close(beta_one_step, BETA_ONE_STEP, name="beta_one_step")


@hidden_test("ex-regression-loglik", points=1, variables=["loglik_four"])
def loglik(loglik_four):
    expect_close(loglik_four, LOGLIK_FOUR, name="loglik_four")


@hidden_test("ex-regression-odds", points=1, variables=["odds"])
def odds_ratio(odds):
    arr = array(odds, "odds", shape=(3,))
    expect_close(arr[0], ODDS[0], name="the odds ratio")


@hidden_test("ex-regression-odds", points=1, variables=["odds"])
def odds_interval(odds):
    arr = array(odds, "odds", shape=(3,))
    if not arr[1] < arr[2]:
        fail("the interval should be given as (odds_ratio, low, high) with low < high.")
    expect_array_close(arr[1:], ODDS[1:], name="the interval (low, high)")


@hidden_test("ex-regression-lad", points=1, variables=["answer"])
def lad(answer):
    expect_choice(answer, "b", ["a", "b", "c", "d"], name="answer")
