"""Self-checks of the chapter *Finding the MLE*: right answers pass, wrong ones fail."""

import numpy as np
from scipy import stats

from mlecourse import datasets
from mlecourse.checks import evaluate

from checks_contract import chapter_contract

LABELS = ["ex-finding_the_mle-poisson", "ex-finding_the_mle-variance",
          "ex-finding_the_mle-newton", "ex-finding_the_mle-gamma",
          "ex-finding_the_mle-invariance"]

ART = datasets.load_biochemists()["art"].to_numpy(dtype=float)
Y = np.array([4.1, 5.3, 3.8, 6.0, 4.9, 5.5, 4.4, 5.0])
TIMES = np.random.default_rng(9).exponential(4.0, size=30)
RAIN = np.random.default_rng(8).gamma(2.5, 1 / 0.5, size=200)

# the gamma MLE from SciPy's own fitter (location held at 0), as an independent reference
_A, _, _SCALE = stats.gamma.fit(RAIN, floc=0)
GAMMA = (_A, 1 / _SCALE)


def _newton_iterates(start, steps=3):
    out = [start]
    for _ in range(steps):
        r = out[-1]
        # the Newton step written from the score and information, not the simplified form
        u, j = TIMES.size / r - TIMES.sum(), TIMES.size / r**2
        out.append(r + u / j)
    return np.array(out)


RIGHT = {
    "ex-finding_the_mle-poisson": (ART.mean(), np.sqrt(ART.mean() / ART.size)),
    "ex-finding_the_mle-variance": float(np.var(Y)),
    "ex-finding_the_mle-newton": (_newton_iterates(0.1), 2 / TIMES.mean()),
    "ex-finding_the_mle-gamma": GAMMA,
    "ex-finding_the_mle-invariance": float(stats.poisson.pmf(0, ART.mean())),
}

M, V, V1 = RAIN.mean(), RAIN.var(), RAIN.var(ddof=1)
WRONG = {
    "ex-finding_the_mle-poisson": [(ART.mean(), ART.mean() / ART.size),
                                   (ART.mean(), np.sqrt(ART.var(ddof=1) / ART.size)),
                                   (np.median(ART), np.sqrt(ART.mean() / ART.size))],
    "ex-finding_the_mle-variance": [float(np.var(Y, ddof=1)), float(np.std(Y)), 0.0],
    "ex-finding_the_mle-newton": [(_newton_iterates(0.1, 2), 2 / TIMES.mean()),
                                  (_newton_iterates(0.1), 1 / TIMES.mean()),
                                  (_newton_iterates(0.2), 2 / TIMES.mean()),
                                  (_newton_iterates(0.1), TIMES.mean())],
    "ex-finding_the_mle-gamma": [(M * M / V, M / V), (M * M / V1, M / V1), GAMMA[::-1],
                                 (GAMMA[0], 1 / GAMMA[1])],
    "ex-finding_the_mle-invariance": [float(np.mean(ART == 0)), float(np.exp(-np.median(ART))),
                                      1 - float(np.exp(-ART.mean()))],
}


TestContract = chapter_contract("finding_the_mle", LABELS, RIGHT, WRONG)


def test_specific_feedback():
    assert "divides by n - 1" in evaluate("ex-finding_the_mle-variance",
                                          float(np.var(Y, ddof=1))).message
    assert "method-of-moments" in evaluate("ex-finding_the_mle-gamma", (M * M / V, M / V)).message
    # the moment start with s^2 (divisor n - 1) is recognised too
    assert "method-of-moments" in evaluate("ex-finding_the_mle-gamma",
                                           (M * M / V1, M / V1)).message
    # reading the question as "where does the first step stop going up" gives the MLE 1 / xbar
    assert "MLE itself" in evaluate("ex-finding_the_mle-newton",
                                    (_newton_iterates(0.1), 1 / TIMES.mean())).message
    assert "swapped" in evaluate("ex-finding_the_mle-gamma", GAMMA[::-1]).message
    assert "observed proportion of zeros" in evaluate("ex-finding_the_mle-invariance",
                                                     float(np.mean(ART == 0))).message
    assert "four values" in evaluate("ex-finding_the_mle-newton",
                                     (_newton_iterates(0.1, 2), 2 / TIMES.mean())).message
    assert "square root" in evaluate("ex-finding_the_mle-poisson",
                                     (ART.mean(), ART.mean() / ART.size)).message
