"""Hidden tests for book/small_samples.md (Small samples and boundaries)."""

import numpy as np
from scipy import optimize, stats

from mlecourse.coursework.hidden import expect_choice, expect_close, hidden_test
from mlecourse.datasets import load_faithful

CHAPTER = "small_samples"

# MAP under a Beta(3, 3) prior after 2 successes in 8: the mode of Beta(5, 9)
P_MAP = optimize.minimize_scalar(lambda p: -stats.beta.logpdf(p, 2 + 3, 6 + 3),
                                 bounds=(1e-9, 1 - 1e-9), method="bounded",
                                 options={"xatol": 1e-12}).x
# 0 of 10: upper end of the 95% likelihood-ratio interval, by root finding
_q = stats.chi2.ppf(0.95, 1)
P_UPPER = optimize.brentq(lambda p: -2 * stats.binom.logpmf(0, 10, p) - _q, 1e-12, 1 - 1e-12,
                          xtol=1e-15)
# exact coverage of the Clopper-Pearson interval at n = 20, p = 0.05: the interval misses
# p exactly when one of the two one-sided exact tests rejects it at level 2.5%
_ks = np.arange(21)
_miss = (stats.binom.sf(_ks - 1, 20, 0.05) <= 0.025) | (stats.binom.cdf(_ks, 20, 0.05) <= 0.025)
COVERAGE = float(stats.binom.pmf(_ks, 20, 0.05)[~_miss].sum())
# Day's degenerate mixture: each tenfold shrink of the spike at 3.6 multiplies the density
# of each of the m tied observations at 3.6 by 10
_eruptions = load_faithful()["eruptions"].to_numpy()
INCREASE = int(np.sum(_eruptions == 3.6)) * np.log(10)


@hidden_test("ex-small_samples-map", points=1, variables=["p_map"])
def p_map(p_map):
    expect_close(p_map, P_MAP, name="p_map")


@hidden_test("ex-small_samples-lr-upper", points=1, variables=["p_upper"])
def lr_upper(p_upper):
    expect_close(p_upper, P_UPPER, name="p_upper")


@hidden_test("ex-small_samples-coverage", points=1, variables=["coverage_cp"])
def coverage(coverage_cp):
    expect_close(coverage_cp, COVERAGE, name="coverage_cp")


@hidden_test("ex-small_samples-separation", points=1, variables=["answer"])
def separation(answer):
    expect_choice(answer, "C", ["A", "B", "C"], name="answer")


@hidden_test("ex-small_samples-day", points=1, variables=["increase"])
def day(increase):
    expect_close(increase, INCREASE, name="increase")
