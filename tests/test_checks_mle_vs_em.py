"""Self-checks of the chapter "MLE vs EM": right passes, wrong fails."""

import math

import numpy as np
from scipy import optimize

from mlecourse.checks import evaluate
from mlecourse.datasets import load_faithful
from mlecourse.em.linkage import linkage_loglik
from mlecourse.mixture import fit_mixture_direct, mixture_loglik

from checks_contract import chapter_contract

LABELS = [
    "ex-mle_vs_em-se-mu1",
    "ex-mle_vs_em-louis",
    "ex-mle_vs_em-iterations",
    "ex-mle_vs_em-rate-waiting",
]
X = load_faithful()["eruptions"].to_numpy()
FB = (1997, 906, 904, 32)


def _hessian_se(x=X, t0=None):
    # independent of the checker: direct fit, then a hand central-difference Hessian
    if t0 is None:
        d = fit_mixture_direct(x, 2, rng=0)
        t0 = np.r_[d.weights[1], d.means, d.sds]

    def ll(t):
        return mixture_loglik(x, [1 - t[0], t[0]], t[1:3], t[3:5])

    h = 1e-4
    k = t0.size
    hess = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            hess[i, j] = (ll(t0 + ei + ej) - ll(t0 + ei - ej) - ll(t0 - ei + ej)
                          + ll(t0 - ei - ej)) / (4 * h * h)
    return np.sqrt(np.diag(np.linalg.inv(-hess)))


def _louis_solution():
    # I_obs by a numerical second derivative of the log-likelihood at the root of the score,
    # I_com from its formula; I_mis = I_com - I_obs
    root = optimize.brentq(lambda t: FB[0] / (2 + t) - (FB[1] + FB[2]) / (1 - t) + FB[3] / t,
                           1e-6, 0.5, xtol=1e-15)
    h = 1e-5
    i_obs = -(linkage_loglik(root + h, FB) - 2 * linkage_loglik(root, FB)
              + linkage_loglik(root - h, FB)) / h**2
    p = root / (2 + root)
    i_com = (FB[0] * p + FB[3]) / root**2 + (FB[1] + FB[2]) / (1 - root) ** 2
    return 1 / math.sqrt(i_obs), i_com - i_obs


def _em_map(t, x):
    """One EM step for the 1-D two-component mixture in (w2, mu1, mu2, sd1, sd2)."""
    w, mu, sd = np.r_[1 - t[0], t[0]], t[1:3], t[3:5]
    a = np.log(w) - 0.5 * ((x[:, None] - mu) / sd) ** 2 - np.log(sd)
    r = np.exp(a - a.max(axis=1, keepdims=True))
    r /= r.sum(axis=1, keepdims=True)
    nk = r.sum(axis=0)
    mu_new = r.T @ x / nk
    return np.r_[nk[1] / x.size, mu_new, np.sqrt((r * (x[:, None] - mu_new) ** 2).sum(0) / nk)]


def _waiting_solution():
    # the MLE by direct maximisation, polished by EM steps to the fixed point; the rate as the
    # largest eigenvalue of the EM map's Jacobian (central differences), the se from a Hessian
    d = fit_mixture_direct(W, 2, rng=0)
    t = np.r_[d.weights[1], d.means, d.sds]
    for _ in range(300):
        t = _em_map(t, W)
    h = 1e-6 * np.maximum(np.abs(t), 1.0)
    jac = np.column_stack([(_em_map(t + e, W) - _em_map(t - e, W)) / (2 * e.max())
                           for e in np.diag(h)])
    return float(np.max(np.linalg.eigvals(jac).real)), float(_hessian_se(W, t)[1])


W = load_faithful()["waiting"].to_numpy(dtype=float)
SE = _hessian_se()
RATE_W, SE_MU1_W = _waiting_solution()
SOLUTIONS = {
    "ex-mle_vs_em-se-mu1": float(SE[1]),
    "ex-mle_vs_em-louis": _louis_solution(),
    "ex-mle_vs_em-iterations": 132,
    "ex-mle_vs_em-rate-waiting": (RATE_W, SE_MU1_W),
}
WRONG = {
    "ex-mle_vs_em-se-mu1": [float(SE[2]), float(SE[1] ** 2), float(SE[1] * 1.1), -float(SE[1])],
    "ex-mle_vs_em-louis": [(SOLUTIONS["ex-mle_vs_em-louis"][0] / math.sqrt(2) * 1.0001,
                            SOLUTIONS["ex-mle_vs_em-louis"][1]),
                           (SOLUTIONS["ex-mle_vs_em-louis"][0],
                            SOLUTIONS["ex-mle_vs_em-louis"][1] * 2)],
    "ex-mle_vs_em-iterations": [131, 6, 130.5, 1000],
    "ex-mle_vs_em-rate-waiting": [(1 - RATE_W, SE_MU1_W), (RATE_W, SE_MU1_W * 0.85),
                                  (RATE_W * 1.02, SE_MU1_W), (RATE_W, SE_MU1_W ** 2),
                                  (1.5, SE_MU1_W)],
}


TestContract = chapter_contract("mle_vs_em", LABELS, SOLUTIONS, WRONG)


def test_louis_missing_fraction_is_about_one_half():
    se, i_mis = SOLUTIONS["ex-mle_vs_em-louis"]
    i_obs = 1 / se**2
    assert 0.45 < i_mis / (i_obs + i_mis) < 0.55


def test_iterations_formula():
    assert 0.9 ** 132 <= 1e-6 < 0.9 ** 131


def test_specific_feedback_for_common_mistakes():
    se, i_mis = SOLUTIONS["ex-mle_vs_em-louis"]
    i_com = 1 / se**2 + i_mis
    msg = evaluate("ex-mle_vs_em-louis", (1 / math.sqrt(i_com), i_mis)).message
    assert "complete-data information" in msg
    assert "round up" in evaluate("ex-mle_vs_em-iterations", 131).message
    assert "long-eruption" in evaluate("ex-mle_vs_em-se-mu1", float(SE[2])).message


def test_waiting_feedback_names_the_mistake():
    from mlecourse.em import gmm_em, mixture_information

    info = mixture_information(W, gmm_em(W, 2, n_init=3, rng=0))
    label = "ex-mle_vs_em-rate-waiting"
    second = evaluate(label, (info.missing_fractions[1], SE_MU1_W))
    assert not second.passed and "second-largest eigenvalue" in second.message
    labels = evaluate(label, (RATE_W, info.se_complete["mu1"]))
    assert not labels.passed and "responsibilities as labels" in labels.message
    mu2 = evaluate(label, (RATE_W, info.se["mu2"]))
    assert not mu2.passed and "long-wait mean" in mu2.message
