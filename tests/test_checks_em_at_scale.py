"""Self-checks of the chapter "EM at scale, and beyond": right passes, wrong fails."""

import math

import numpy as np
from scipy import stats
from sklearn.mixture import GaussianMixture

from mlecourse.checks import evaluate

from checks_contract import chapter_contract

LABELS = [
    "ex-em_at_scale-reduce",
    "ex-em_at_scale-merge",
    "ex-em_at_scale-boundary",
    "ex-em_at_scale-kappa",
]


def _one_step_weights():
    # scikit-learn, one EM iteration from the chapter's start, no floor
    rng = np.random.default_rng(1)
    z = rng.choice(3, size=20_000, p=[0.5, 0.3, 0.2])
    x = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])[z] + rng.normal(size=(20_000, 2)) * [
        1.0, 0.7]
    w0, m0 = np.array([0.4, 0.3, 0.3]), np.array([[0.5, 0.5], [3.0, 1.5], [1.5, 4.0]])
    logd = np.column_stack([np.log(w) + stats.multivariate_normal(m, np.eye(2)).logpdf(x)
                            for w, m in zip(w0, m0)])
    r = np.exp(logd - logd.max(axis=1, keepdims=True))
    r /= r.sum(axis=1, keepdims=True)
    # scikit-learn's M-step on these responsibilities gives the same weights
    sk = GaussianMixture(3, reg_covar=0.0)
    sk._initialize(x, r)
    np.testing.assert_allclose(sk.weights_, r.mean(axis=0), rtol=1e-12)
    return r.mean(axis=0)


W = _one_step_weights()
SOLUTIONS = {
    "ex-em_at_scale-reduce": 556,
    "ex-em_at_scale-merge": W,
    "ex-em_at_scale-boundary": 666_666,
    "ex-em_at_scale-kappa": "b",
}
WRONG = {
    "ex-em_at_scale-reduce": [555, 331, 111, 556.5],
    "ex-em_at_scale-merge": [np.array([0.4, 0.3, 0.3]), W[::-1], W * 1.01, W[:2]],
    "ex-em_at_scale-boundary": [666_665, 666_667, 1e6, 666_665.5],
    "ex-em_at_scale-kappa": ["a", "c", "d"],
}

TestContract = chapter_contract("em_at_scale", LABELS, SOLUTIONS, WRONG)


def test_boundary_count_from_the_em_map():
    # the EM map theta / (1 + 1.5 theta) gives 1/theta_t = 2 + 1.5 t exactly
    theta = 0.5
    for t in range(1, 50):
        theta = theta / (1 + 1.5 * theta)
        assert 1 / theta == np.float64(2 + 1.5 * t) or math.isclose(1 / theta, 2 + 1.5 * t)
    assert 1 / (2 + 1.5 * 666_666) < 1e-6 <= 1 / (2 + 1.5 * 666_665)


def test_specific_feedback_for_common_mistakes():
    assert "log-likelihood" in evaluate("ex-em_at_scale-reduce", 555).message
    assert "upper triangle" in evaluate("ex-em_at_scale-reduce", 331).message
    assert "starting weights" in evaluate("ex-em_at_scale-merge", [0.4, 0.3, 0.3]).message
    assert "round up" in evaluate("ex-em_at_scale-boundary", 666_665).message
    assert "averages out" in evaluate("ex-em_at_scale-kappa", "a").message
