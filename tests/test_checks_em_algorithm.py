"""Self-checks of the chapter "The EM algorithm": right passes, wrong fails."""

import numpy as np
import pytest
from scipy import optimize, stats

from mlecourse.checks import evaluate
from mlecourse.em import linkage_em
from mlecourse.em.linkage import linkage_loglik

from checks_contract import chapter_contract

LABELS = [
    "ex-em_algorithm-first-step",
    "ex-em_algorithm-fisher",
    "ex-em_algorithm-gap",
    "ex-em_algorithm-claim",
]


def _solution_fisher():
    # independent of the checker: EM for the estimate, numerical derivatives for I_obs and
    # the slope of the EM map (= fraction of missing information) at the estimate
    y = (1997, 906, 904, 32)
    theta = linkage_em(y).theta

    def em_map(t):
        x = y[0] * t / (2 + t)
        return (x + y[3]) / (x + y[1] + y[2] + y[3])

    h = 1e-6
    slope = (em_map(theta + h) - em_map(theta - h)) / (2 * h)
    return theta, slope


def _solution_gap():
    # the gap l(0.5) - B(0.5) computed from the bound itself, not from the KL formula
    y = (125, 18, 20, 34)

    def q(theta, theta_t):
        x = y[0] * theta_t / (2 + theta_t)
        return (x + y[3]) * np.log(theta) + (y[1] + y[2]) * np.log(1 - theta)

    return linkage_loglik(0.5, y) - (linkage_loglik(0.2, y) + q(0.5, 0.2) - q(0.2, 0.2))


SOLUTIONS = {
    "ex-em_algorithm-first-step": (125 * 0.3 / 2.3,
                                   (125 * 0.3 / 2.3 + 34) / (125 * 0.3 / 2.3 + 72)),
    "ex-em_algorithm-fisher": _solution_fisher(),
    "ex-em_algorithm-gap": _solution_gap(),
    "ex-em_algorithm-claim": "c",
}

WRONG = {
    "ex-em_algorithm-first-step": [(125 * 0.3 / 4, 0.5), (16.30434783, (16.30434783 + 34) / 197),
                                   (16.30434783, 0.3)],
    "ex-em_algorithm-fisher": [(0.6268214979, 0.1327787), (0.0357123, 0.1327787),
                               (0.0357123, 1 - 0.4951194), (0.05, 0.4951194)],
    "ex-em_algorithm-gap": [-_solution_gap(), 0.0, 1.0],
    "ex-em_algorithm-claim": ["a", "b", "d", "e"],
}


TestContract = chapter_contract("em_algorithm", LABELS, SOLUTIONS, WRONG)


def test_the_fisher_solution_agrees_with_a_root_finder_and_the_known_rate():
    y = (1997, 906, 904, 32)
    theta, rate = SOLUTIONS["ex-em_algorithm-fisher"]
    root = optimize.brentq(lambda t: y[0] / (2 + t) - (y[1] + y[2]) / (1 - t) + y[3] / t,
                           1e-6, 0.5, xtol=1e-14)
    assert theta == pytest.approx(root, rel=1e-9)
    assert 0.45 < rate < 0.55   # about half the information is missing


def test_the_gap_is_the_binomial_kl_divergence():
    pt, p = 0.2 / 2.2, 0.5 / 2.5
    k = np.arange(126)
    kl = np.sum(stats.binom.pmf(k, 125, pt) * (stats.binom.logpmf(k, 125, pt)
                                                - stats.binom.logpmf(k, 125, p)))
    assert SOLUTIONS["ex-em_algorithm-gap"] == pytest.approx(kl, rel=1e-9)


def test_specific_feedback_for_common_mistakes():
    msg = evaluate("ex-em_algorithm-first-step", (125 * 0.3 / 4, 0.5)).message
    assert "1/2 + theta/4" in msg
    msg = evaluate("ex-em_algorithm-fisher", (0.0357123022, 1 - 0.4951193911)).message
    assert "fraction observed" in msg
    msg = evaluate("ex-em_algorithm-claim", "b").message
    assert "stationary points" in msg
