"""Self-checks of the chapter *The likelihood function*: right answers pass, wrong ones fail."""

import math

import numpy as np
from scipy import integrate, optimize, stats

from mlecourse.checks import evaluate

from checks_contract import chapter_contract

LABELS = ["ex-likelihood-coin", "ex-likelihood-sequence", "ex-likelihood-integral",
          "ex-likelihood-interval", "ex-likelihood-meaning"]


def _interval(cut):
    """Where the binomial relative likelihood of the chapter's clicks equals ``cut``."""
    clicks = np.random.default_rng(20240601).binomial(1, 0.6, size=100)
    k, n = int(clicks.sum()), 100

    def f(q):
        return stats.binom.logpmf(k, n, q) - stats.binom.logpmf(k, n, k / n) - math.log(cut)

    return (optimize.brentq(f, 1e-6, k / n, xtol=1e-14),
            optimize.brentq(f, k / n, 1 - 1e-6, xtol=1e-14))


RATIO = stats.binom.pmf(7, 20, 0.35) / stats.binom.pmf(7, 20, 0.5)
AREA = integrate.quad(lambda q: q**7 * (1 - q) ** 13, 0, 1, epsabs=0)[0]
EIGHTH = _interval(1 / 8)
CHI2 = _interval(math.exp(-stats.chi2.ppf(0.95, 1) / 2))

RIGHT = {
    "ex-likelihood-coin": (0.35, RATIO),
    "ex-likelihood-sequence": (0.6**3 * 0.4**2, 10 * 0.6**3 * 0.4**2),
    "ex-likelihood-integral": AREA,
    "ex-likelihood-interval": EIGHTH,
    "ex-likelihood-meaning": "b",
}

WRONG = {
    # the fair value, an inverted ratio, a ratio on the log scale
    "ex-likelihood-coin": [(0.5, RATIO), (0.35, 1 / RATIO), (0.35, math.log(RATIO)), 0.35],
    # the count without the number of orders; the sequence given twice; p and 1-p swapped
    "ex-likelihood-sequence": [(0.6**3 * 0.4**2, 0.6**3 * 0.4**2),
                               (0.4**3 * 0.6**2, 10 * 0.4**3 * 0.6**2), (0.03456,)],
    # with the binomial coefficient (1/21); "1"; a crude absolute-accuracy value
    "ex-likelihood-integral": [1 / 21, 1.0, 0.0, AREA * 1.01],
    # the 0.147 cut-off of the chapter; swapped ends; the Wald interval
    "ex-likelihood-interval": [CHI2, EIGHTH[::-1], (0.54 - 1.96 * 0.0498, 0.54 + 1.96 * 0.0498)],
    "ex-likelihood-meaning": ["a", "c", "d", "B."],
}


TestContract = chapter_contract("likelihood", LABELS, RIGHT, WRONG)


def test_specific_feedback():
    assert "upside down" in evaluate("ex-likelihood-coin", (0.35, 1 / RATIO)).message
    assert "number of orders" in evaluate("ex-likelihood-sequence",
                                          (0.03456, 0.03456)).message
    assert "binomial coefficient" in evaluate("ex-likelihood-integral", 1 / 21).message
    assert "0.147" in evaluate("ex-likelihood-interval", CHI2).message
    assert "swapped" in evaluate("ex-likelihood-interval", EIGHTH[::-1]).message
    # equivalent spellings of the right choice pass
    assert evaluate("ex-likelihood-meaning", " (B) ").status == "pass"
