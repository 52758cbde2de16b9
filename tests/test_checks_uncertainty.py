"""Self-checks of the uncertainty chapter: right answers pass, typical wrong ones fail."""

import math

import numpy as np
from scipy import stats

import mlecourse
from mlecourse.checks import evaluate

from checks_contract import chapter_contract

LABELS = ["ex-uncertainty-se", "ex-uncertainty-n", "ex-uncertainty-intervals",
          "ex-uncertainty-coverage", "ex-uncertainty-meaning"]


def _intervals():
    r = mlecourse.fit("bernoulli", np.r_[np.ones(3), np.zeros(22)])
    return r.conf_int(method="wald")["p"], r.conf_int(method="profile")["p"]


def _coverage_by_hand():
    ks = np.arange(31)
    ph = ks / 30
    half = stats.norm.ppf(0.975) * np.sqrt(ph * (1 - ph) / 30)
    covers = (ph - half <= 0.05) & (0.05 <= ph + half)
    return float(np.sum(stats.binom.pmf(ks, 30, 0.05)[covers]))


def _wald_by_hand(z):
    p, n = 3 / 25, 25
    half = z * math.sqrt(p * (1 - p) / n)
    return (p - half, p + half)


def _lr_by_hand(chi2):
    from scipy import optimize

    def drop(q):
        return stats.binom.logpmf(3, 25, 0.12) - stats.binom.logpmf(3, 25, q) - chi2 / 2

    return (optimize.brentq(drop, 1e-12, 0.12), optimize.brentq(drop, 0.12, 1 - 1e-12))


RIGHT = {
    "ex-uncertainty-se": math.sqrt(0.16 * 0.84 / 250),
    "ex-uncertainty-n": 598,
    "ex-uncertainty-intervals": _intervals(),
    "ex-uncertainty-coverage": _coverage_by_hand(),
    "ex-uncertainty-meaning": "c",
}

WRONG = {
    "ex-uncertainty-se": [0.16 * 0.84 / 250, math.sqrt(0.16 * 0.84 / 249), 0.16],
    "ex-uncertainty-n": [597, 1344, 597.3],
    "ex-uncertainty-intervals": [_intervals()[::-1], (_intervals()[0], _intervals()[0]),
                                 ((0.0, 0.25), _intervals()[1]),
                                 # a 90% Wald interval, and a Wald interval with n - 1
                                 (_wald_by_hand(1.645), _intervals()[1]),
                                 ((0.12 - 1.96 * math.sqrt(0.12 * 0.88 / 24),
                                   0.12 + 1.96 * math.sqrt(0.12 * 0.88 / 24)), _intervals()[1]),
                                 # a 90% likelihood-ratio interval
                                 (_intervals()[0], _lr_by_hand(stats.chi2.ppf(0.9, 1)))],
    "ex-uncertainty-coverage": [0.95, 0.5],
    "ex-uncertainty-meaning": ["a", "b", "d", "e"],
}


TestContract = chapter_contract("uncertainty", LABELS, RIGHT, WRONG)


def test_specific_feedback():
    assert "variance" in evaluate("ex-uncertainty-se", 0.16 * 0.84 / 250).message
    assert "n - 1" in evaluate("ex-uncertainty-se", math.sqrt(0.16 * 0.84 / 249)).message
    assert "swapped" in evaluate("ex-uncertainty-intervals", _intervals()[::-1]).message
    assert "nominal" in evaluate("ex-uncertainty-coverage", 0.95).message
    assert "just above 0.015" in evaluate("ex-uncertainty-n", 597).message
    assert evaluate("ex-uncertainty-meaning", "(C)").status == "pass"
    assert evaluate("ex-uncertainty-n", 598.0).status == "pass"
    assert evaluate("ex-uncertainty-n", np.int64(598)).status == "pass"


def test_intervals_with_the_chapters_rounded_constants_pass():
    # the chapter gives z = 1.96 and chi-square(1) 95% point 3.84: answers built from them pass
    assert evaluate("ex-uncertainty-intervals",
                    (_wald_by_hand(1.96), _lr_by_hand(3.84))).status == "pass"
    assert evaluate("ex-uncertainty-intervals",
                    (_wald_by_hand(1.96), _intervals()[1])).status == "pass"
