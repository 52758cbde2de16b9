"""Self-checks of the chapter *The log-likelihood*: right answers pass, wrong ones fail."""

import numpy as np
from scipy import stats

from mlecourse.checks import evaluate

from checks_contract import chapter_contract

LABELS = ["ex-log_likelihood-ratio", "ex-log_likelihood-score", "ex-log_likelihood-info",
          "ex-log_likelihood-units"]

X_BIG = np.random.default_rng(1).normal(0.0, 1.0, size=3000)
WAITS = np.random.default_rng(4).exponential(2.0, size=25).round(2)
HEIGHTS = np.random.default_rng(3).normal(170.0, 8.0, size=30)
LENGTHS = np.random.default_rng(5).normal(0.25, 0.01, size=20)

# independent computations of the right answers, with SciPy
LOG_RATIO = float(np.sum(stats.norm.logpdf(X_BIG, 0.05, 1.0) - stats.norm.logpdf(X_BIG, 0, 1)))
RATE_HAT = 1 / WAITS.mean()
SCORE_1 = float(np.sum(1 / 1.0 - WAITS))
S2 = np.var(HEIGHTS)  # the MLE of sigma**2 (divisor n)
J_SIGMA = 2 * HEIGHTS.size / S2


def _ll_normal(x):
    return float(np.sum(stats.norm.logpdf(x, x.mean(), x.std())))


RIGHT = {
    "ex-log_likelihood-ratio": LOG_RATIO,
    "ex-log_likelihood-score": (SCORE_1, RATE_HAT),
    "ex-log_likelihood-info": (J_SIGMA, 1 / np.sqrt(J_SIGMA)),
    "ex-log_likelihood-units": (_ll_normal(LENGTHS), _ll_normal(1000 * LENGTHS)),
}

WRONG = {
    "ex-log_likelihood-ratio": [np.nan, -LOG_RATIO, np.exp(LOG_RATIO), 0.0],
    "ex-log_likelihood-score": [(SCORE_1, WAITS.mean()), (-SCORE_1, RATE_HAT),
                                (SCORE_1, 1 / np.median(WAITS))],
    "ex-log_likelihood-info": [(HEIGHTS.size / S2, np.sqrt(S2 / HEIGHTS.size)),
                               (J_SIGMA, 1 / J_SIGMA),
                               # the 1/(n-1) variance in place of the MLE
                               (2 * HEIGHTS.size / np.var(HEIGHTS, ddof=1),
                                np.sqrt(np.var(HEIGHTS, ddof=1) / (2 * HEIGHTS.size)))],
    "ex-log_likelihood-units": [(_ll_normal(1000 * LENGTHS), _ll_normal(LENGTHS)),
                                (_ll_normal(LENGTHS), _ll_normal(100 * LENGTHS)),
                                (_ll_normal(LENGTHS), _ll_normal(LENGTHS))],
}


TestContract = chapter_contract("log_likelihood", LABELS, RIGHT, WRONG)


def test_specific_feedback():
    assert "0/0" in evaluate("ex-log_likelihood-ratio", np.nan).message
    assert "sign" in evaluate("ex-log_likelihood-ratio", -LOG_RATIO).message
    assert "logarithm" in evaluate("ex-log_likelihood-ratio", np.exp(LOG_RATIO)).message
    assert "reciprocal" in evaluate("ex-log_likelihood-score",
                                    (SCORE_1, WAITS.mean())).message
    assert "sqrt" in evaluate("ex-log_likelihood-info", (J_SIGMA, 1 / J_SIGMA)).message
    assert "centimetres" in evaluate("ex-log_likelihood-units",
                                     (_ll_normal(LENGTHS), _ll_normal(100 * LENGTHS))).message
