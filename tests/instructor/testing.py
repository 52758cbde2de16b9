"""Hidden tests for book/testing.md (Testing and choosing models)."""

import numpy as np
from scipy import optimize, special, stats

from mlecourse.coursework.hidden import array, expect_array_close, expect_close, hidden_test
from mlecourse.datasets import load_biochemists, load_newcomb

CHAPTER = "testing"

_bio = load_biochemists()
_y = (_bio["art"] > 0).to_numpy(dtype=float)
_cols = {
    "women": (_bio["fem"] == "Women").to_numpy(dtype=float),
    "married": (_bio["mar"] == "Married").to_numpy(dtype=float),
    "kid5": _bio["kid5"].to_numpy(dtype=float),
    "phd": _bio["phd"].to_numpy(dtype=float),
    "ment": _bio["ment"].to_numpy(dtype=float),
}

# three statistics for p = p0 among the students whose mentor had no article,
# from binomial log-pmfs (the binomial coefficient cancels in the LR statistic)
_p0 = float(_y.mean())
_g = _y[_bio["ment"].to_numpy() == 0]
_n, _k = _g.size, int(_g.sum())
_ph = _k / _n
THREE = (2 * (stats.binom.logpmf(_k, _n, _ph) - stats.binom.logpmf(_k, _n, _p0)),
         (_ph - _p0) ** 2 / (_ph * (1 - _ph) / _n),
         (_ph - _p0) ** 2 / (_p0 * (1 - _p0) / _n))

# LR statistic for mu = 33.02 in the normal model of all 66 of Newcomb's values:
# both fits by maximising the normal log-likelihood numerically
_x = load_newcomb()["time"].to_numpy(dtype=float)


def _normal_max(mu=None):
    def nll(v):
        m = v[0] if mu is None else mu
        return -float(np.sum(stats.norm.logpdf(_x, m, np.exp(v[-1]))))

    start = [np.mean(_x), np.log(np.std(_x))] if mu is None else [np.log(np.std(_x))]
    res = optimize.minimize(nll, start, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000})
    return -res.fun


LR_ALL = 2 * (_normal_max() - _normal_max(33.02))


# logistic log-likelihoods by a quasi-Newton optimiser
def _logit_loglik(names):
    X = np.column_stack([np.ones(_y.size)] + [_cols[c] for c in names])

    def nll(b):
        eta = X @ b
        return float(np.sum(np.logaddexp(0, eta) - _y * eta))

    def grad(b):
        return X.T @ (special.expit(X @ b) - _y)

    res = optimize.minimize(nll, np.zeros(X.shape[1]), jac=grad, method="BFGS",
                            options={"gtol": 1e-9, "maxiter": 10_000})
    return -res.fun


_ll_big = _logit_loglik(["women", "married", "kid5", "phd", "ment"])
P_THREE = float(stats.chi2.sf(2 * (_ll_big - _logit_loglik(["kid5", "ment"])), 3))
_ll3 = _logit_loglik(["kid5", "phd", "ment"])
AIC_BIC = (-2 * _ll3 + 2 * 4, -2 * _ll3 + 4 * np.log(_y.size))
# 1% critical value of the 50:50 mixture of chi-square(0) and chi-square(1)
CRITICAL = float(stats.norm.ppf(0.99) ** 2)


@hidden_test("ex-testing-three", points=1, variables=["lr_wald_score"])
def three(lr_wald_score):
    arr = array(lr_wald_score, "lr_wald_score", shape=(3,))
    expect_array_close(arr, THREE, name="(likelihood ratio, Wald, score)")


@hidden_test("ex-testing-profile", points=1, variables=["lr_all"])
def profile(lr_all):
    expect_close(lr_all, LR_ALL, name="lr_all")


@hidden_test("ex-testing-df", points=1, variables=["p_three"])
def df(p_three):
    expect_close(p_three, P_THREE, name="p_three")


@hidden_test("ex-testing-aic", points=1, variables=["aic_bic"])
def aic_bic(aic_bic):
    arr = array(aic_bic, "aic_bic", shape=(2,))
    expect_array_close(arr, AIC_BIC, name="(aic, bic)")


@hidden_test("ex-testing-boundary", points=1, variables=["critical"])
def boundary(critical):
    expect_close(critical, CRITICAL, name="critical")
