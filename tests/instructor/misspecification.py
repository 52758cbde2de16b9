"""Hidden tests for book/misspecification.md (When the model is wrong)."""

import numpy as np
from scipy import integrate, optimize, special, stats

from mlecourse.coursework.hidden import expect_close, expect_keys, hidden_test
from mlecourse.datasets import load_biochemists

CHAPTER = "misspecification"

# Laplace fitted to standard normal data: b converges to E|Z| (by quadrature)
B_LIMIT = 2 * integrate.quad(lambda z: z * stats.norm.pdf(z), 0, np.inf, epsabs=0,
                             epsrel=1e-13)[0]

# gamma KL projection of lognorm(0.6, scale 2): maximise E[log f(X; a, b)], which needs
# only E[X] and E[log X]
_truth = stats.lognorm(0.6, scale=2.0)
_ex, _elog = _truth.mean(), np.log(2.0)


def _neg_expected_loglik(v):
    a, b = np.exp(v)
    return -(a * np.log(b) - special.gammaln(a) + (a - 1) * _elog - b * _ex)


_proj = optimize.minimize(_neg_expected_loglik, np.zeros(2), method="Nelder-Mead",
                          options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20_000}).x
SHAPE, RATE = np.exp(_proj)

# Poisson against negative binomial for the students whose mentor had 3 articles
_bio = load_biochemists()
_y3 = _bio.loc[_bio["ment"] == 3, "art"].to_numpy(dtype=float)
_ll_pois = stats.poisson.logpmf(_y3, _y3.mean()).sum()


def _nb_negloglik(v):
    mean, size = np.exp(v)
    return -stats.nbinom.logpmf(_y3, size, size / (size + mean)).sum()


_nb = optimize.minimize(_nb_negloglik, [np.log(_y3.mean()), 0.0], method="Nelder-Mead",
                        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000})
_nb = optimize.minimize(_nb_negloglik, _nb.x, method="BFGS", options={"gtol": 1e-9})
LR_STAT = max(0.0, 2 * (-_nb.fun - _ll_pois))
P_VALUE = 0.5 * stats.chi2.sf(LR_STAT, 1)          # boundary: a 50:50 mixture of 0 and chi2_1

# sandwich standard error of the Poisson mean for the women: sqrt(sum (y - ybar)^2) / n
_yw = _bio.loc[_bio["fem"] == "Women", "art"].to_numpy(dtype=float)
SE_SANDWICH = np.std(_yw) / np.sqrt(_yw.size)

# variance twice the mean: the LR statistic for the true mean is about 2 chi2_1
LR_C = 2.0
LR_SIZE = stats.chi2.sf(stats.chi2.ppf(0.95, 1) / LR_C, 1)


@hidden_test("ex-misspecification-laplace-scale", points=1, variables=["b_limit"])
def laplace_scale(b_limit):
    expect_close(b_limit, B_LIMIT, name="b_limit")


@hidden_test("ex-misspecification-gamma-projection", points=1, variables=["proj"])
def projection_shape(proj):
    proj = expect_keys(proj, ["shape", "rate"], name="proj")
    expect_close(proj["shape"], SHAPE, name="proj['shape']")


@hidden_test("ex-misspecification-gamma-projection", points=1, variables=["proj"])
def projection_rate(proj):
    proj = expect_keys(proj, ["shape", "rate"], name="proj")
    expect_close(proj["rate"], RATE, name="proj['rate']")


@hidden_test("ex-misspecification-lr-mentors", points=1, variables=["lr_stat"])
def lr_statistic(lr_stat):
    expect_close(lr_stat, LR_STAT, name="lr_stat")


@hidden_test("ex-misspecification-lr-mentors", points=1, variables=["p_value"])
def lr_p_value(p_value):
    expect_close(p_value, P_VALUE, name="p_value")


@hidden_test("ex-misspecification-robust-se", points=1, variables=["se_sandwich"])
def robust_se(se_sandwich):
    expect_close(se_sandwich, SE_SANDWICH, name="se_sandwich")


@hidden_test("ex-misspecification-lr-size", points=1, variables=["c"])
def lr_inflation(c):
    expect_close(c, LR_C, name="c")


@hidden_test("ex-misspecification-lr-size", points=1, variables=["size"])
def lr_size(size):
    expect_close(size, LR_SIZE, name="size")
