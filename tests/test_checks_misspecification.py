"""Self-checks of the chapter "Misspecification": right answers pass, typical wrong ones fail."""

import math

import numpy as np
import pytest
from scipy import optimize, special, stats

from mlecourse import fit
from mlecourse.checks import evaluate
from mlecourse.datasets import load_biochemists
from mlecourse.diagnostics import kl_projection

from checks_contract import chapter_contract

LABELS = [
    "ex-misspecification-kl-rate",
    "ex-misspecification-gamma-projection",
    "ex-misspecification-lr-mentors",
    "ex-misspecification-robust-se",
    "ex-misspecification-naive-coverage",
]

BIO = load_biochemists()
Y3 = BIO.loc[BIO["ment"] == 3, "art"].to_numpy().astype(float)
YW = BIO.loc[BIO["fem"] == "Women", "art"].to_numpy().astype(float)
LOGNORM = stats.lognorm(0.6, scale=2.0)


def _projection():
    gap = np.log(LOGNORM.mean()) - np.log(2.0)
    a = optimize.brentq(lambda v: np.log(v) - special.digamma(v) - gap, 1e-3, 1e3)
    return {"shape": a, "rate": a / LOGNORM.mean()}


LR = 2 * (fit("negbin", Y3).loglik - fit("poisson", Y3).loglik)
Z = stats.norm.ppf(0.975)

SOLUTIONS = {
    "ex-misspecification-kl-rate": 2 / 3,
    "ex-misspecification-gamma-projection": _projection(),
    "ex-misspecification-lr-mentors": (LR, 0.5 * stats.chi2.sf(LR, 1)),
    "ex-misspecification-robust-se": np.sqrt(np.sum((YW - YW.mean()) ** 2)) / YW.size,
    "ex-misspecification-naive-coverage": 2 * stats.norm.cdf(Z / np.sqrt(2)) - 1,
}

MOMENTS = LOGNORM.mean() ** 2 / LOGNORM.var()
WRONG = {
    "ex-misspecification-kl-rate": [2.0, 1.5, 0.5],
    "ex-misspecification-gamma-projection": [
        {"shape": MOMENTS, "rate": MOMENTS / LOGNORM.mean()},        # moment matching
        {"shape": _projection()["shape"], "rate": LOGNORM.mean() / _projection()["shape"]},
        {"shape": 3.0, "rate": 1.2},
        {"shape": 2.93},                                               # a key missing
    ],
    "ex-misspecification-lr-mentors": [(LR, stats.chi2.sf(LR, 1)),      # naive p-value
                                       (LR / 2, 0.5 * stats.chi2.sf(LR, 1)),
                                       (LR, 0.05), (LR,)],
    "ex-misspecification-robust-se": [np.sqrt(YW.mean() / YW.size),     # naive
                                      np.sqrt(YW.var(ddof=1) / YW.size),  # divisor n - 1
                                      YW.std() / np.sqrt(YW.size) * 1.01],
    "ex-misspecification-naive-coverage": [0.95, 2 * stats.norm.cdf(Z / 2) - 1, 0.9, 1.5],
}


TestContract = chapter_contract("misspecification", LABELS, SOLUTIONS, WRONG)


def test_specific_feedback():
    assert "gamma's rate" in evaluate("ex-misspecification-kl-rate", 2.0).message
    assert "moment-matching" in evaluate(
        "ex-misspecification-gamma-projection",
        {"shape": MOMENTS, "rate": MOMENTS / LOGNORM.mean()}).message
    assert "boundary" in evaluate("ex-misspecification-lr-mentors",
                                  (LR, stats.chi2.sf(LR, 1))).message
    assert "naive" in evaluate("ex-misspecification-robust-se",
                               np.sqrt(YW.mean() / YW.size)).message
    assert "n - 1" in evaluate("ex-misspecification-robust-se",
                               np.sqrt(YW.var(ddof=1) / YW.size)).message
    assert "nominal" in evaluate("ex-misspecification-naive-coverage", 0.95).message


def test_solution_values_say_what_the_chapter_says():
    # the projection agrees with the package's numerical one
    proj = kl_projection(LOGNORM, "gamma")
    assert proj["shape"] == pytest.approx(SOLUTIONS["ex-misspecification-gamma-projection"]
                                          ["shape"], rel=1e-5)
    # at the 10% level the boundary-corrected test rejects and the naive one does not
    lr, p = SOLUTIONS["ex-misspecification-lr-mentors"]
    assert p < 0.10 < stats.chi2.sf(lr, 1)
    # the package's sandwich standard error is the hand-computed one
    assert fit("poisson", YW).se_robust["lam"] == pytest.approx(
        SOLUTIONS["ex-misspecification-robust-se"], rel=1e-6)
    assert SOLUTIONS["ex-misspecification-naive-coverage"] == pytest.approx(
        2 * stats.norm.cdf(Z / math.sqrt(2)) - 1)
