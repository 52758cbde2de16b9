"""Self-checks of the chapter "Misspecification": right answers pass, typical wrong ones fail."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from mlecourse import fit
from mlecourse.checks import evaluate
from mlecourse.datasets import load_biochemists
from mlecourse.diagnostics import kl_projection

from checks_contract import chapter_contract

LABELS = [
    "ex-misspecification-laplace-scale",
    "ex-misspecification-gamma-projection",
    "ex-misspecification-lr-mentors",
    "ex-misspecification-robust-se",
    "ex-misspecification-lr-size",
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
    # E|Z| for Z standard normal, by quadrature
    "ex-misspecification-laplace-scale": 2 * integrate.quad(
        lambda z: z * stats.norm.pdf(z), 0, np.inf)[0],
    "ex-misspecification-gamma-projection": _projection(),
    "ex-misspecification-lr-mentors": (LR, 0.5 * stats.chi2.sf(LR, 1)),
    "ex-misspecification-robust-se": np.sqrt(np.sum((YW - YW.mean()) ** 2)) / YW.size,
    "ex-misspecification-lr-size": (2.0, stats.chi2.sf(stats.chi2.ppf(0.95, 1) / 2, 1)),
}

MOMENTS = LOGNORM.mean() ** 2 / LOGNORM.var()
WRONG = {
    "ex-misspecification-laplace-scale": [1.0, 1 / np.sqrt(2), stats.norm.ppf(0.75), 0.8],
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
    "ex-misspecification-lr-size": [
        (2.0, 0.05),                                                   # nominal size
        (0.5, stats.chi2.sf(stats.chi2.ppf(0.95, 1) * 2, 1)),          # c inverted
        (2.0, stats.chi2.sf(stats.chi2.ppf(0.95, 1) * 2, 1)),          # cut times c
        (np.sqrt(2), 0.1),
        (2.0, 1.5),
    ],
}


TestContract = chapter_contract("misspecification", LABELS, SOLUTIONS, WRONG)


def test_specific_feedback():
    assert "standard deviation" in evaluate("ex-misspecification-laplace-scale", 1.0).message
    assert "moment matching" in evaluate("ex-misspecification-laplace-scale",
                                         1 / np.sqrt(2)).message
    assert "moment-matching" in evaluate(
        "ex-misspecification-gamma-projection",
        {"shape": MOMENTS, "rate": MOMENTS / LOGNORM.mean()}).message
    assert "boundary" in evaluate("ex-misspecification-lr-mentors",
                                  (LR, stats.chi2.sf(LR, 1))).message
    assert "naive" in evaluate("ex-misspecification-robust-se",
                               np.sqrt(YW.mean() / YW.size)).message
    assert "n - 1" in evaluate("ex-misspecification-robust-se",
                               np.sqrt(YW.var(ddof=1) / YW.size)).message
    assert "nominal" in evaluate("ex-misspecification-lr-size", (2.0, 0.05)).message
    assert "not cut * c" in evaluate(
        "ex-misspecification-lr-size",
        (2.0, stats.chi2.sf(stats.chi2.ppf(0.95, 1) * 2, 1))).message


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
    # the Laplace scale's limit is the KL projection, and a big sample's MLE is near it
    b = SOLUTIONS["ex-misspecification-laplace-scale"]
    assert kl_projection(stats.norm(), "laplace")["b"] == pytest.approx(b, rel=1e-6)
    z = np.random.default_rng(2).standard_normal(100_000)
    assert fit("laplace", z).params["b"] == pytest.approx(b, rel=0.01)
    # the LR statistic for a Poisson mean with variance = 2 mean is about 2 chi2_1
    c, size = SOLUTIONS["ex-misspecification-lr-size"]
    y = np.random.default_rng(3).negative_binomial(3.0, 0.5, size=(20_000, 300))  # mean 3, var 6
    lam = y.mean(axis=1)
    lr = 2 * 300 * (lam * np.log(lam / 3.0) - (lam - 3.0))
    assert np.mean(lr) == pytest.approx(c, rel=0.05)
    assert np.mean(lr > stats.chi2.ppf(0.95, 1)) == pytest.approx(size, abs=0.01)
    assert math.isclose(size, 2 * stats.norm.sf(Z / math.sqrt(2)), rel_tol=1e-9)
