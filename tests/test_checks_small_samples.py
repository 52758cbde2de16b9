"""Self-checks of the chapter "Small samples and boundaries": right passes, wrong fails."""

import math

import pytest
from scipy import stats

from mlecourse.checks import evaluate
from mlecourse.datasets import load_faithful
from mlecourse.mixture import mixture_loglik

from checks_contract import chapter_contract

LABELS = [
    "ex-small_samples-map",
    "ex-small_samples-lr-upper",
    "ex-small_samples-coverage",
    "ex-small_samples-separation",
    "ex-small_samples-day",
]


def _solution_coverage():
    # Clopper-Pearson at n = 20, p = 0.05, summed over k from Beta quantiles
    total = 0.0
    for k in range(21):
        low = 0.0 if k == 0 else stats.beta.ppf(0.025, k, 20 - k + 1)
        high = 1.0 if k == 20 else stats.beta.ppf(0.975, k + 1, 20 - k)
        if low <= 0.05 <= high:
            total += stats.binom.pmf(k, 20, 0.05)
    return total


def _wald_coverage():
    z = stats.norm.ppf(0.975)
    total = 0.0
    for k in range(21):
        p_hat = k / 20
        half = z * math.sqrt(p_hat * (1 - p_hat) / 20)
        if p_hat - half <= 0.05 <= p_hat + half:
            total += stats.binom.pmf(k, 20, 0.05)
    return total


def _solution_day():
    x = load_faithful()["eruptions"].to_numpy()
    n = x.size

    def ll(s2):
        return mixture_loglik(x, [1 - 1 / n, 1 / n], [x.mean(), 3.6], [x.std(), s2])

    return ll(1e-9) - ll(1e-8)


SOLUTIONS = {
    "ex-small_samples-map": (2 + 3 - 1) / (8 + 3 + 3 - 2),
    "ex-small_samples-lr-upper": 1 - math.exp(-stats.chi2.ppf(0.95, 1) / 20),
    "ex-small_samples-coverage": _solution_coverage(),
    "ex-small_samples-separation": "C",
    "ex-small_samples-day": _solution_day(),
}

WRONG = {
    "ex-small_samples-map": [0.25, 5 / 14, 0.5],
    "ex-small_samples-lr-upper": [0.0, 0.3, stats.beta.ppf(0.975, 1, 10),
                                  1 - math.exp(-stats.chi2.ppf(0.95, 1) / 10)],
    "ex-small_samples-coverage": [0.95, 1.2, 0.6, _wald_coverage(),
                                  _solution_coverage() - 0.95**20],
    "ex-small_samples-separation": ["A", "B", "D", 3],
    "ex-small_samples-day": [math.log(10), 10.0, 2 * math.log(10)],
}


TestContract = chapter_contract("small_samples", LABELS, SOLUTIONS, WRONG)


def test_specific_feedback():
    assert "posterior mean" in evaluate("ex-small_samples-map", 5 / 14).message
    assert "MLE" in evaluate("ex-small_samples-map", 0.25).message
    assert "Wald" in evaluate("ex-small_samples-lr-upper", 0.0).message
    assert "Clopper-Pearson" in evaluate("ex-small_samples-lr-upper",
                                         stats.beta.ppf(0.975, 1, 10)).message
    assert "nominal" in evaluate("ex-small_samples-coverage", 0.95).message
    assert "quasi-completely" in evaluate("ex-small_samples-separation", "B").message
    assert "more than once" in evaluate("ex-small_samples-day", math.log(10)).message
    # a lower-case letter with spaces is accepted
    assert evaluate("ex-small_samples-separation", " c ").status == "pass"


def test_solution_values_are_what_the_chapter_says():
    # Clopper-Pearson is conservative: at least 95%, and it covers the zero-success samples
    # that the Wald interval misses
    assert SOLUTIONS["ex-small_samples-coverage"] >= 0.95
    assert _wald_coverage() < 1 - 0.95**20 < SOLUTIONS["ex-small_samples-coverage"]
    assert "Wald" in evaluate("ex-small_samples-coverage", _wald_coverage()).message
    assert SOLUTIONS["ex-small_samples-day"] == pytest.approx(4 * math.log(10), rel=1e-5)
