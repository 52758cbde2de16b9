"""Hidden tests for book/log_likelihood.md (The log-likelihood)."""

import numpy as np
from scipy import stats

from mlecourse.coursework.hidden import expect_close, hidden_test

CHAPTER = "log_likelihood"

# the chapter's data, from its seeds
X_BIG = np.random.default_rng(1).normal(0.0, 1.0, size=3000)
HEIGHTS = np.random.default_rng(3).normal(170.0, 8.0, size=30)
LENGTHS_M = np.random.default_rng(5).normal(0.25, 0.01, size=20)
WAITS = np.random.default_rng(4).exponential(2.0, size=25).round(2)

LOG_RATIO = float(np.sum(stats.norm.logpdf(X_BIG, 0.05, 1.0) - stats.norm.logpdf(X_BIG, 0.0, 1.0)))
# exponential: score n / rate - sum(x); the MLE from SciPy's fit with the location fixed at 0
SCORE_AT_1 = WAITS.size / 1.0 - WAITS.sum()
RATE_HAT = 1 / stats.expon.fit(WAITS, floc=0)[1]
# normal: at the MLE, -d2 l / d sigma2 = 2 n / sigma_hat^2
_mu, _sigma = stats.norm.fit(HEIGHTS)
J_SIGMA = 2 * HEIGHTS.size / _sigma**2
SE_SIGMA = _sigma / np.sqrt(2 * HEIGHTS.size)
LL_M = float(stats.norm.logpdf(LENGTHS_M, *stats.norm.fit(LENGTHS_M)).sum())
LL_MM = float(stats.norm.logpdf(1000 * LENGTHS_M, *stats.norm.fit(1000 * LENGTHS_M)).sum())


@hidden_test("ex-log_likelihood-ratio", points=1, variables=["log_ratio"])
def log_ratio(log_ratio):
    expect_close(log_ratio, LOG_RATIO, name="log_ratio")


@hidden_test("ex-log_likelihood-score", points=1, variables=["score_at_1"])
def score(score_at_1):
    expect_close(score_at_1, SCORE_AT_1, name="score_at_1")


@hidden_test("ex-log_likelihood-score", points=1, variables=["rate_hat"])
def rate(rate_hat):
    expect_close(rate_hat, RATE_HAT, name="rate_hat")


@hidden_test("ex-log_likelihood-info", points=1, variables=["J_sigma"])
def information(J_sigma):  # noqa: N803 - the chapter's variable name
    expect_close(J_sigma, J_SIGMA, name="J_sigma")


@hidden_test("ex-log_likelihood-info", points=1, variables=["se_sigma"])
def standard_error(se_sigma):
    expect_close(se_sigma, SE_SIGMA, name="se_sigma")


@hidden_test("ex-log_likelihood-units", points=1, variables=["ll_m", "ll_mm"])
def units(ll_m, ll_mm):
    expect_close(ll_m, LL_M, name="ll_m")
    expect_close(ll_mm, LL_MM, name="ll_mm")
