"""Hidden tests for book/missing_data.md (Missing data).

The data are regenerated from the chapter's seeds with the chapter's recipe;
the estimates are computed here by other routes (SciPy's regression, a
semi-supervised EM written for this file), not by mlecourse.
"""

import numpy as np
from scipy import special, stats

from mlecourse.coursework.hidden import (
    expect_choice,
    expect_close,
    fail,
    hidden_test,
)

CHAPTER = "missing_data"

# --- the MAR sample (seed 2024) -----------------------------------------------------------
_MU = np.array([50.0, 60.0])
_COV = np.array([[100.0, 0.6 * 10.0 * 12.0], [0.6 * 10.0 * 12.0, 144.0]])
_rng = np.random.default_rng(2024)
XY = _rng.multivariate_normal(_MU, _COV, size=200)
XY[_rng.random(200) < special.expit((XY[:, 0] - 55) / 4), 1] = np.nan
_obs = ~np.isnan(XY[:, 1])
# factored likelihood: the complete-case regression of y on x, moved to the mean of all x
_reg = stats.linregress(XY[_obs, 0], XY[_obs, 1])
MU_Y_MLE = _reg.intercept + _reg.slope * XY[:, 0].mean()
# mean imputation: the completed column's variance (divisor n) over the observed one's
# (divisor n_obs) is n_obs / n
SHRINK = _obs.sum() / _obs.size

# --- the shop (seed 11): three segments, five labelled customers each ----------------------
_SEG_MEANS = np.array([[8.0, 6.0], [10.2, 6.0], [8.0, 10.5]])
_SEG_COVS = np.array([[[4.0, 0.0], [0.0, 2.25]], [[0.2, 0.0], [0.0, 0.45]],
                      [[1.0, 0.0], [0.0, 0.675]]])
_rng = np.random.default_rng(11)
_z = _rng.choice(3, size=400, p=[0.6, 0.2, 0.2])
FEATS = np.empty((400, 2))
for _k in range(3):
    FEATS[_z == _k] = _rng.multivariate_normal(_SEG_MEANS[_k], _SEG_COVS[_k],
                                               size=(_z == _k).sum())
LABELS = np.full(400, -1)
for _k in range(3):
    LABELS[_rng.choice(np.flatnonzero(_z == _k), size=5, replace=False)] = _k


def _semisupervised_em(x, labels, k, iterations=5000):
    """EM with the labelled points' responsibilities fixed at their labels."""
    known = labels >= 0
    onehot = np.eye(k)[labels[known]]
    w = np.bincount(labels[known], minlength=k) / known.sum()
    mu = np.array([x[labels == j].mean(axis=0) for j in range(k)])
    cov = np.array([np.cov(x.T, bias=True)] * k)
    previous = -np.inf
    for _ in range(iterations):
        logp = np.column_stack([np.log(w[j]) + stats.multivariate_normal.logpdf(x, mu[j], cov[j])
                                for j in range(k)])
        r = np.exp(logp - special.logsumexp(logp, axis=1, keepdims=True))
        r[known] = onehot
        total = (special.logsumexp(logp[~known], axis=1).sum()
                 + logp[known][np.arange(known.sum()), labels[known]].sum())
        nk = r.sum(axis=0)
        w = nk / x.shape[0]
        mu = (r.T @ x) / nk[:, None]
        cov = np.array([(r[:, j, None] * (x - mu[j])).T @ (x - mu[j]) / nk[j]
                        for j in range(k)])
        if total - previous < 1e-12:
            break
        previous = total
    return w, mu, cov


_w, _mu, _ = _semisupervised_em(FEATS, LABELS, 3)
W_FREQUENT, SPEND_BIG = _w[2], _mu[1, 0]


@hidden_test("ex-missing_data-factored", points=1, variables=["mu_y_mle"])
def factored(mu_y_mle):
    expect_close(mu_y_mle, MU_Y_MLE, name="mu_y_mle")  # EM stops near it


@hidden_test("ex-missing_data-shrink", points=1, variables=["shrink"])
def shrink(shrink):
    expect_close(shrink, SHRINK, name="shrink")


@hidden_test("ex-missing_data-mechanism", points=1, variables=["mechanisms"])
def mechanisms(mechanisms):
    if not isinstance(mechanisms, (tuple, list)) or len(mechanisms) != 3:
        fail("mechanisms should be a tuple of three strings.")
    for i, (given, right) in enumerate(zip(mechanisms, ("MCAR", "MAR", "MNAR"))):
        expect_choice(given, right, ["MCAR", "MAR", "MNAR"], name=f"mechanism {i + 1}")


@hidden_test("ex-missing_data-semisup", points=1, variables=["w_frequent"])
def semisup_weight(w_frequent):
    expect_close(w_frequent, W_FREQUENT, name="w_frequent")


@hidden_test("ex-missing_data-semisup", points=1, variables=["spend_big"])
def semisup_mean(spend_big):
    expect_close(spend_big, SPEND_BIG, name="spend_big")
