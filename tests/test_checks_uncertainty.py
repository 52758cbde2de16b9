"""Self-checks of the uncertainty chapter: right answers pass, typical wrong ones fail."""

import math

import numpy as np
from scipy import stats

import mlecourse
from mlecourse.checks import evaluate

from checks_contract import chapter_contract

LABELS = ["ex-uncertainty-se", "ex-uncertainty-n", "ex-uncertainty-intervals",
          "ex-uncertainty-delta", "ex-uncertainty-inverse",
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


P2, SE_P2 = 0.16, math.sqrt(0.16 * 0.84 / 250)
ETA = math.log(0.16 / 0.84)


def _gamma_info():
    # the chapter's rainfall data, the MLE from SciPy (an independent fitter), the information
    # from the second derivatives of the log-likelihood, computed here by finite differences
    rain = np.random.default_rng(8).gamma(2.5, 1 / 0.5, size=200)
    a, _, scale = stats.gamma.fit(rain, floc=0)
    theta = np.array([a, 1 / scale])

    def ll(t):
        return np.sum(stats.gamma.logpdf(rain, t[0], scale=1 / t[1]))

    h = 1e-4 * theta
    J = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            J[i, j] = -(ll(theta + ei + ej) - ll(theta + ei - ej) - ll(theta - ei + ej)
                        + ll(theta - ei - ej)) / (4 * h[i] * h[j])
    return J


J_GAMMA = _gamma_info()
SE_RATE = float(np.sqrt(np.linalg.inv(J_GAMMA)[1, 1]))
SE_RATE_KNOWN = float(1 / np.sqrt(J_GAMMA[1, 1]))

RIGHT = {
    "ex-uncertainty-se": math.sqrt(0.16 * 0.84 / 250),
    "ex-uncertainty-n": 598,
    "ex-uncertainty-intervals": _intervals(),
    "ex-uncertainty-delta": (ETA, SE_P2 / (P2 * (1 - P2))),
    "ex-uncertainty-inverse": (SE_RATE, SE_RATE_KNOWN),
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
    "ex-uncertainty-delta": [(math.log(P2), SE_P2 / (P2 * (1 - P2))), (ETA, SE_P2),
                             (ETA, SE_P2 * P2 * (1 - P2)), (-ETA, SE_P2 / (P2 * (1 - P2)))],
    "ex-uncertainty-inverse": [(SE_RATE_KNOWN, SE_RATE),
                               (float(np.sqrt(np.linalg.inv(J_GAMMA)[0, 0])), SE_RATE_KNOWN),
                               (float(np.linalg.inv(J_GAMMA)[1, 1]), SE_RATE_KNOWN),
                               (SE_RATE, float(1 / J_GAMMA[1, 1]))],
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


def test_delta_and_inverse_feedback():
    assert "log(p_hat / (1 - p_hat))" in evaluate("ex-uncertainty-delta",
                                                  (math.log(P2), 1.0)).message
    assert "inverse function" in evaluate("ex-uncertainty-delta",
                                          (ETA, SE_P2 * P2 * (1 - P2))).message
    assert "swapped" in evaluate("ex-uncertainty-inverse", (SE_RATE_KNOWN, SE_RATE)).message
    assert "shape" in evaluate("ex-uncertainty-inverse",
                               (float(np.sqrt(np.linalg.inv(J_GAMMA)[0, 0])),
                                SE_RATE_KNOWN)).message
    # the inverse really matters here: the two answers differ by more than a factor of 2
    assert SE_RATE > 2 * SE_RATE_KNOWN


def test_intervals_with_the_chapters_rounded_constants_pass():
    # the chapter gives z = 1.96 and chi-square(1) 95% point 3.84: answers built from them pass
    assert evaluate("ex-uncertainty-intervals",
                    (_wald_by_hand(1.96), _lr_by_hand(3.84))).status == "pass"
    assert evaluate("ex-uncertainty-intervals",
                    (_wald_by_hand(1.96), _intervals()[1])).status == "pass"
