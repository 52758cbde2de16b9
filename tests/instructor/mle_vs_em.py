"""Hidden tests for book/mle_vs_em.md (MLE and EM, compared).

The mixture MLE comes from an EM written for this file; the observed
information from the analytic gradient of the mixture log-likelihood,
differentiated once more numerically. The standard error of a mean does not
depend on how the other parameters are written, so any parametrisation of
the weight and the spreads gives the same answer.
"""

import numpy as np
from scipy import optimize, special, stats

from mlecourse.coursework.hidden import expect_close, expect_equal, hidden_test
from mlecourse.datasets import load_faithful

from _reference import em_normal_mixture_1d  # tests/instructor/_reference.py

CHAPTER = "mle_vs_em"

X = load_faithful()["eruptions"].to_numpy(dtype=float)




_w, _mu, _sd = em_normal_mixture_1d(X, [0.5, 0.5], [2.0, 4.5], [0.5, 0.5])


def _score(t, x=X):
    """Gradient of the log-likelihood in (w2, mu1, mu2, sd1, sd2)."""
    w2, mu1, mu2, s1, s2 = t
    w = np.array([1 - w2, w2])
    mu, sd = np.array([mu1, mu2]), np.array([s1, s2])
    logp = np.log(w) + stats.norm.logpdf(x[:, None], mu, sd)
    r = np.exp(logp - special.logsumexp(logp, axis=1, keepdims=True))
    z = (x[:, None] - mu) / sd
    return np.array([
        np.sum(r[:, 1] / w2 - r[:, 0] / (1 - w2)),
        *np.sum(r * z / sd, axis=0),
        *np.sum(r * (z**2 - 1) / sd, axis=0),
    ])


_theta = np.r_[_w[1], _mu, _sd]
_hess = np.array([
    (_score(_theta + h) - _score(_theta - h)) / (2 * 1e-6)
    for h in np.eye(5) * 1e-6
])
_hess = (_hess + _hess.T) / 2
SE_MU1 = float(np.sqrt(np.linalg.inv(-_hess)[1, 1]))

# the waiting times: EM's rate as the largest eigenvalue of the Jacobian of the EM map at the
# MLE (central differences), and the standard error of mu1 from the observed information
W = load_faithful()["waiting"].to_numpy(dtype=float)


def _em_map(t, x):
    w, mu, sd = em_normal_mixture_1d(x, [1 - t[0], t[0]], t[1:3], t[3:5], max_iter=1)
    return np.r_[w[1], mu, sd]


_ww, _wmu, _wsd = em_normal_mixture_1d(W, [0.5, 0.5], [55.0, 80.0], [6.0, 6.0])
_wtheta = np.r_[_ww[1], _wmu, _wsd]
_wsteps = np.maximum(np.abs(_wtheta), 1.0) * 1e-6
_jac = np.column_stack([(_em_map(_wtheta + e, W) - _em_map(_wtheta - e, W)) / (2 * e.max())
                        for e in np.diag(_wsteps)])
RATE_W = float(np.max(np.linalg.eigvals(_jac).real))
_whess = np.array([(_score(_wtheta + e, W) - _score(_wtheta - e, W)) / (2 * e.max())
                   for e in np.diag(_wsteps)])
_whess = (_whess + _whess.T) / 2
SE_MU1_W = float(np.sqrt(np.linalg.inv(-_whess)[1, 1]))

# Fisher and Balmukand's linkage counts: direct maximisation and the observed information
Y_FB = (1997, 906, 904, 32)
THETA_FB = optimize.minimize_scalar(
    lambda t: -(Y_FB[0] * np.log(2 + t) + (Y_FB[1] + Y_FB[2]) * np.log(1 - t)
                + Y_FB[3] * np.log(t)),
    bounds=(1e-9, 1 - 1e-9), method="bounded", options={"xatol": 1e-13}).x
I_OBS_FB = (Y_FB[0] / (2 + THETA_FB) ** 2 + (Y_FB[1] + Y_FB[2]) / (1 - THETA_FB) ** 2
            + Y_FB[3] / THETA_FB**2)
SE_FB = 1 / np.sqrt(I_OBS_FB)
# missing information: the variance of the complete-data score z / theta, with the hidden
# count z ~ Binomial(x1, theta / (2 + theta)) given the data
I_MIS_FB = stats.binom(Y_FB[0], THETA_FB / (2 + THETA_FB)).var() / THETA_FB**2
# iterations for an error factor 1e-6 at rate 0.9
N_NEEDED = next(n for n in range(1, 10_000) if 0.9**n <= 1e-6)


@hidden_test("ex-mle_vs_em-se-mu1", points=1, variables=["se_mu1"])
def se_mu1(se_mu1):
    expect_close(se_mu1, SE_MU1, name="se_mu1")


@hidden_test("ex-mle_vs_em-louis", points=1, variables=["se_fb"])
def louis_se(se_fb):
    expect_close(se_fb, SE_FB, name="se_fb")


@hidden_test("ex-mle_vs_em-louis", points=1, variables=["i_mis_fb"])
def louis_missing(i_mis_fb):
    expect_close(i_mis_fb, I_MIS_FB, name="i_mis_fb")


@hidden_test("ex-mle_vs_em-iterations", points=1, variables=["n_needed"])
def iterations(n_needed):
    expect_equal(n_needed, N_NEEDED, name="n_needed")


@hidden_test("ex-mle_vs_em-rate-waiting", points=1, variables=["rate_w"])
def rate_waiting(rate_w):
    expect_close(rate_w, RATE_W, name="rate_w")


@hidden_test("ex-mle_vs_em-rate-waiting", points=1, variables=["se_mu1_w"])
def se_mu1_waiting(se_mu1_w):
    expect_close(se_mu1_w, SE_MU1_W, name="se_mu1_w")
