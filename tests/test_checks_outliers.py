"""Self-checks of the chapter "Outliers": right answers pass, typical wrong ones fail."""

import numpy as np
import pytest
from scipy import integrate, stats

from mlecourse import fit
from mlecourse.checks import evaluate
from mlecourse.datasets import load_chem

from checks_contract import chapter_contract

CHEM = load_chem()["copper"].to_numpy()
OTHERS = CHEM[CHEM != 28.95]

LABELS = [
    "ex-outliers-chem-shift",
    "ex-outliers-median-sc",
    "ex-outliers-t-weight",
    "ex-outliers-masking",
    "ex-outliers-huber-efficiency",
    "ex-outliers-claim",
]


def _t_answer():
    res = fit("student_t", CHEM, nu=4.0)
    mu, sigma = res.params["mu"], res.params["sigma"]
    return mu, 5.0 / (4.0 + ((28.95 - mu) / sigma) ** 2)


MU_T, W_WILD = _t_answer()

# Huber's estimator with k = 1 at the normal: A = P(|Z| <= 1), B = E[min(Z^2, 1)] (quadrature)
_A1 = stats.norm.cdf(1) - stats.norm.cdf(-1)
_B1 = integrate.quad(lambda z: z * z * stats.norm.pdf(z), -1, 1)[0] + 2 * stats.norm.sf(1)
EFF_HUBER = _A1**2 / _B1

SOLUTIONS = {
    # written independently of the checkers: plain NumPy where possible
    "ex-outliers-chem-shift": CHEM.mean() - OTHERS.mean(),
    "ex-outliers-median-sc": 25 * (np.median(np.append(CHEM, 100.0)) - np.median(CHEM)),
    "ex-outliers-t-weight": (MU_T, W_WILD),
    "ex-outliers-masking": (1, 1),
    "ex-outliers-huber-efficiency": EFF_HUBER,
    "ex-outliers-claim": "b",
}

WRONG = {
    "ex-outliers-huber-efficiency": [1 / EFF_HUBER,                    # the variance
                                     _A1 / _B1,                        # A not squared
                                     0.95,                             # k = 1.345
                                     _A1],
    "ex-outliers-chem-shift": [OTHERS.mean() - CHEM.mean(),            # sign
                               np.median(CHEM) - np.median(OTHERS),    # the median's shift
                               28.95 - OTHERS.mean(),                  # forgot / (n + 1)
                               CHEM.mean()],
    "ex-outliers-median-sc": [100.0 - CHEM.mean(),                     # the mean's SC
                              np.median(np.append(CHEM, 100.0)) - np.median(CHEM),  # no n + 1
                              24 * (np.median(np.append(CHEM, 100.0)) - np.median(CHEM)),
                              0.0],
    "ex-outliers-t-weight": [(CHEM.mean(), W_WILD),                    # mean, not t
                             (fit("student_t", CHEM).params["mu"], W_WILD),  # nu estimated
                             (MU_T, 5.0 / (4.0 + (28.95 - MU_T) ** 2)),     # unstandardised
                             (MU_T, 1.0)],
    "ex-outliers-masking": [(1, 0), (2, 0), (1, 2), (0, 0)],
    "ex-outliers-claim": ["a", "c", "d", "e"],
}


TestContract = chapter_contract("outliers", LABELS, SOLUTIONS, WRONG)


def test_specific_feedback():
    assert "sign" in evaluate("ex-outliers-chem-shift", OTHERS.mean() - CHEM.mean()).message
    assert "median" in evaluate("ex-outliers-chem-shift",
                                np.median(CHEM) - np.median(OTHERS)).message
    assert "mean" in evaluate("ex-outliers-median-sc", 100.0 - CHEM.mean()).message
    assert "nu=4.0" in evaluate("ex-outliers-t-weight",
                                (fit("student_t", CHEM).params["mu"], W_WILD)).message
    assert "standardise" in evaluate("ex-outliers-t-weight",
                                     (MU_T, 5.0 / (4.0 + (28.95 - MU_T) ** 2))).message
    assert "refit" in evaluate("ex-outliers-masking", (1, 0)).message
    assert "reciprocal" in evaluate("ex-outliers-huber-efficiency", 1 / EFF_HUBER).message
    assert "squared" in evaluate("ex-outliers-huber-efficiency", _A1 / _B1).message
    assert "maximum-likelihood" in evaluate("ex-outliers-claim", "a").message
    # a letter in brackets or upper case is accepted
    assert evaluate("ex-outliers-claim", "(B)").status == "pass"
    assert evaluate("ex-outliers-masking", np.array([1, 1])).status == "pass"


def test_solution_values_say_what_the_chapter_says():
    # the wild value moves the mean by (28.95 - mean of the others) / 24
    assert SOLUTIONS["ex-outliers-chem-shift"] == pytest.approx((28.95 - OTHERS.mean()) / 24)
    # the median's SC is bounded: far smaller than the mean's at the same point
    assert 0 < SOLUTIONS["ex-outliers-median-sc"] < (100.0 - CHEM.mean()) / 100
    # the t fit nearly ignores the wild value
    assert W_WILD < 0.01 and abs(MU_T - OTHERS.mean()) < 0.1


def test_huber_efficiency_agrees_with_the_package_and_a_simulation():
    from mlecourse.robust import asymptotic_variance, m_location

    assert EFF_HUBER == pytest.approx(1 / asymptotic_variance("huber", k=1.0), rel=1e-8)
    # less efficient than k = 1.345, more than the median
    assert 2 / np.pi < EFF_HUBER < 1 / asymptotic_variance("huber", k=1.345)
    z = np.random.default_rng(4).standard_normal((4000, 400))
    eff_sim = z.mean(axis=1).var() / m_location(z, "huber", k=1.0).var()
    assert eff_sim == pytest.approx(EFF_HUBER, abs=0.02)
