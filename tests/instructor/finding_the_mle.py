"""Hidden tests for book/finding_the_mle.md (Finding the MLE)."""

import numpy as np
from scipy import stats

from mlecourse.coursework.hidden import (
    array,
    expect_array_close,
    expect_close,
    hidden_test,
)
from mlecourse.datasets import load_biochemists

CHAPTER = "finding_the_mle"

ART = load_biochemists()["art"].to_numpy(dtype=float)
Y = np.array([4.1, 5.3, 3.8, 6.0, 4.9, 5.5, 4.4, 5.0])
TIMES = np.random.default_rng(9).exponential(4.0, size=30)
RAIN = np.random.default_rng(8).gamma(2.5, 1 / 0.5, size=200)

# Poisson: the MLE is the mean; J(lambda) = sum(x) / lambda^2
LAM_HAT = ART.mean()
SE_LAM = 1 / np.sqrt(ART.sum() / LAM_HAT**2)
# normal variance: SciPy's MLE of the scale, squared (divides by n)
SIGMA2_HAT = stats.norm.fit(Y)[1] ** 2


# Newton for the exponential rate, written with the score and the information
def _newton_step(lam, x):
    score = x.size / lam - x.sum()
    info = x.size / lam**2
    return lam + score / info


_lam = [0.1]
for _ in range(3):
    _lam.append(_newton_step(_lam[-1], TIMES))
ITERATES = np.array(_lam)
UPPER = 2 / TIMES.mean()          # 2 lam - lam^2 xbar > 0 exactly when lam < 2 / xbar
# gamma MLE from SciPy with the location fixed at 0
_shape, _loc, _scale = stats.gamma.fit(RAIN, floc=0)
SHAPE_HAT, RATE_HAT = _shape, 1 / _scale
# invariance: the MLE of P(X = 0) = exp(-lambda) is exp(-lambda_hat)
P0_HAT = stats.poisson.pmf(0, LAM_HAT)


@hidden_test("ex-finding_the_mle-poisson", points=1, variables=["lam_hat"])
def poisson_mle(lam_hat):
    expect_close(lam_hat, LAM_HAT, name="lam_hat")


@hidden_test("ex-finding_the_mle-poisson", points=1, variables=["se_lam"])
def poisson_se(se_lam):
    expect_close(se_lam, SE_LAM, name="se_lam")


@hidden_test("ex-finding_the_mle-variance", points=1, variables=["sigma2_hat"])
def variance(sigma2_hat):
    expect_close(sigma2_hat, SIGMA2_HAT, name="sigma2_hat")


@hidden_test("ex-finding_the_mle-newton", points=1, variables=["iterates"])
def newton_iterates(iterates):
    expect_array_close(array(iterates, "iterates"), ITERATES, name="iterates")


@hidden_test("ex-finding_the_mle-newton", points=1, variables=["upper"])
def newton_upper(upper):
    expect_close(upper, UPPER, name="upper")


@hidden_test("ex-finding_the_mle-gamma", points=1, variables=["shape_hat", "rate_hat"])
def gamma(shape_hat, rate_hat):
    expect_close(shape_hat, SHAPE_HAT, name="shape_hat")
    expect_close(rate_hat, RATE_HAT, name="rate_hat")


@hidden_test("ex-finding_the_mle-invariance", points=1, variables=["p0_hat"])
def invariance(p0_hat):
    expect_close(p0_hat, P0_HAT, name="p0_hat")
