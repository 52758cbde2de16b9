"""Hidden tests for book/uncertainty.md (How sure are we?)."""

import numpy as np
from scipy import optimize, special, stats

from mlecourse.coursework.hidden import (
    array,
    expect_array_close,
    expect_choice,
    expect_close,
    expect_equal,
    fail,
    hidden_test,
)

CHAPTER = "uncertainty"

# 40 clicks of 250: observed information n / (p(1-p)) at p_hat = 0.16
SE = np.sqrt(0.16 * 0.84 / 250)
# smallest n with sqrt(0.16 * 0.84 / n) <= 0.015, by search rather than a ceiling
N_NEEDED = next(n for n in range(1, 10_000) if np.sqrt(0.16 * 0.84 / n) <= 0.015)
# 3 of 25: Wald interval and likelihood-ratio interval (chi-square(1) cut-off)
_k, _n = 3, 25
_p = _k / _n
_z = stats.norm.ppf(0.975)
WALD = (_p - _z * np.sqrt(_p * (1 - _p) / _n), _p + _z * np.sqrt(_p * (1 - _p) / _n))
_cut = stats.chi2.ppf(0.95, 1) / 2


def _drop(p):
    return stats.binom.logpmf(_k, _n, _p) - stats.binom.logpmf(_k, _n, p) - _cut


LR = (optimize.brentq(_drop, 1e-12, _p, xtol=1e-14), optimize.brentq(_drop, _p, 1 - 1e-12,
                                                                       xtol=1e-14))
# exact coverage of the Wald interval, n = 30, p = 0.05
_ks = np.arange(31)
_ph = _ks / 30
_half = _z * np.sqrt(_ph * (1 - _ph) / 30)
COVERAGE = float(stats.binom.pmf(_ks, 30, 0.05)[(_ph - _half <= 0.05) & (0.05 <= _ph + _half)]
                 .sum())


# log-odds of 40 clicks in 250 by invariance; its se from the observed information of the
# model written with eta (the Bernoulli information in eta is n p (1 - p))
ETA_HAT = special.logit(40 / 250)
SE_ETA = 1 / np.sqrt(250 * special.expit(ETA_HAT) * (1 - special.expit(ETA_HAT)))
# the gamma fit to the chapter's rainfall data, from SciPy's fitter (location fixed at 0)
_rain = np.random.default_rng(8).gamma(2.5, 1 / 0.5, size=200)
_a, _, _scale = stats.gamma.fit(_rain, floc=0)
_b, _nr = 1 / _scale, _rain.size
_J = _nr * np.array([[special.polygamma(1, _a), -1 / _b], [-1 / _b, _a / _b**2]])
# se of the rate from the inverse (Schur complement), and with the shape known
SE_RATE = np.sqrt(1 / (_J[1, 1] - _J[0, 1] ** 2 / _J[0, 0]))
SE_RATE_KNOWN_SHAPE = 1 / np.sqrt(_J[1, 1])


def _interval(value, name):
    arr = array(value, name, shape=(2,))
    if not arr[0] < arr[1]:
        fail(f"{name} should be (low, high) with low < high.")
    return arr


@hidden_test("ex-uncertainty-se", points=1, variables=["se"])
def se(se):
    expect_close(se, SE, name="se")


@hidden_test("ex-uncertainty-n", points=1, variables=["n_needed"])
def n_needed(n_needed):
    expect_equal(n_needed, N_NEEDED, name="n_needed")


@hidden_test("ex-uncertainty-intervals", points=1, variables=["wald"])
def wald(wald):
    # absolute tolerance on probabilities: accepts z = 1.96 (limits move by 2e-6)
    expect_array_close(_interval(wald, "wald"), WALD, name="wald")


@hidden_test("ex-uncertainty-intervals", points=1, variables=["lr"])
def lr(lr):
    # accepts the rounded cut-off 3.84 / 2 (limits move by 4e-5)
    expect_array_close(_interval(lr, "lr"), LR, name="lr")


@hidden_test("ex-uncertainty-delta", points=1, variables=["eta_hat", "se_eta"])
def delta(eta_hat, se_eta):
    expect_close(eta_hat, ETA_HAT, name="eta_hat")
    expect_close(se_eta, SE_ETA, name="se_eta")


@hidden_test("ex-uncertainty-inverse", points=1, variables=["se_rate"])
def inverse_se(se_rate):
    expect_close(se_rate, SE_RATE, name="se_rate")


@hidden_test("ex-uncertainty-inverse", points=1, variables=["se_rate_known_shape"])
def known_shape_se(se_rate_known_shape):
    expect_close(se_rate_known_shape, SE_RATE_KNOWN_SHAPE,
                 name="se_rate_known_shape")


@hidden_test("ex-uncertainty-coverage", points=1, variables=["coverage"])
def coverage(coverage):
    expect_close(coverage, COVERAGE, name="coverage")


@hidden_test("ex-uncertainty-meaning", points=1, variables=["answer"])
def meaning(answer):
    expect_choice(answer, "c", ["a", "b", "c", "d"], name="answer")
