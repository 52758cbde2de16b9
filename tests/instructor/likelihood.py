"""Hidden tests for book/likelihood.md (The likelihood function)."""

import numpy as np
from scipy import special, stats

from mlecourse.coursework.hidden import expect_choice, expect_close, hidden_test

CHAPTER = "likelihood"

# 7 heads in 20 tosses: MLE 7/20; the likelihood ratio is free of the binomial coefficient.
P_HAT = 7 / 20
RATIO = np.exp(7 * np.log(P_HAT / 0.5) + 13 * np.log((1 - P_HAT) / 0.5))
# the sequence 1, 0, 1, 1, 0 at p = 0.6, and the count 3 of 5
L_SEQ = 0.6**3 * 0.4**2
L_COUNT = special.comb(5, 3) * L_SEQ
# integral of p^7 (1 - p)^13 over [0, 1] is the beta function B(8, 14)
AREA = special.beta(8, 14)
# relative-likelihood interval at 1/8 for the chapter's clicks (seed 20240601, p = 0.6, n = 100)
_clicks = np.random.default_rng(20240601).binomial(1, 0.6, size=100)
_k, _n = int(_clicks.sum()), _clicks.size


def _rel_minus_eighth(p):
    return (stats.binom.logpmf(_k, _n, p) - stats.binom.logpmf(_k, _n, _k / _n)) + np.log(8)


def _bisect(f, a, b):
    for _ in range(200):
        m = 0.5 * (a + b)
        if (f(a) > 0) == (f(m) > 0):
            a = m
        else:
            b = m
    return 0.5 * (a + b)


LOW = _bisect(_rel_minus_eighth, 1e-9, _k / _n)
HIGH = _bisect(_rel_minus_eighth, _k / _n, 1 - 1e-9)


@hidden_test("ex-likelihood-coin", points=1, variables=["p_hat"])
def coin_mle(p_hat):
    expect_close(p_hat, P_HAT, name="p_hat")


@hidden_test("ex-likelihood-coin", points=1, variables=["ratio"])
def coin_ratio(ratio):
    expect_close(ratio, RATIO, name="ratio")


@hidden_test("ex-likelihood-sequence", points=1, variables=["L_seq"])
def sequence(L_seq):  # noqa: N803 - the chapter's variable name
    expect_close(L_seq, L_SEQ, name="L_seq")


@hidden_test("ex-likelihood-sequence", points=1, variables=["L_count"])
def count(L_count):  # noqa: N803
    expect_close(L_count, L_COUNT, name="L_count")


@hidden_test("ex-likelihood-integral", points=1, variables=["area"])
def integral(area):
    expect_close(area, AREA, name="area")


@hidden_test("ex-likelihood-interval", points=1, variables=["low"])
def interval_low(low):
    expect_close(low, LOW, name="low")


@hidden_test("ex-likelihood-interval", points=1, variables=["high"])
def interval_high(high):
    expect_close(high, HIGH, name="high")


@hidden_test("ex-likelihood-meaning", points=1, variables=["answer"])
def meaning(answer):
    expect_choice(answer, "b", ["a", "b", "c"], name="answer")
