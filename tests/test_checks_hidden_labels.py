"""Self-checks of the chapter "Hidden labels": right answers pass, wrong ones fail."""

import numpy as np
import pytest
from scipy import optimize, special, stats

from mlecourse.checks import evaluate
from mlecourse.datasets import load_faithful

from checks_contract import chapter_contract

LABELS = [
    "ex-hidden_labels-loglik",
    "ex-hidden_labels-complete",
    "ex-hidden_labels-resp",
    "ex-hidden_labels-switch",
    "ex-hidden_labels-waiting",
]

X = load_faithful()["eruptions"].to_numpy()
WAITING = load_faithful()["waiting"].to_numpy().astype(float)
W, MU, SD = np.array([0.4, 0.6]), np.array([2.0, 4.3]), np.array([0.3, 0.4])
LOGPHI = stats.norm.logpdf(X[:, None], MU, SD)
SHORT = X[X < 3.0]


def _fit_by_hand(x):
    """An independent fit: scipy BFGS on (logit w2, mu1, mu2, log sd1, log sd2).

    Returns the log-likelihood and the weights, means and sds sorted by mean.
    """
    def unpack(t):
        w2 = special.expit(t[0])
        return np.array([1 - w2, w2]), t[1:3], np.exp(t[3:5])

    def negll(t):
        w, mu, sd = unpack(t)
        terms = np.log(w) + stats.norm.logpdf(x[:, None], mu, sd)
        return -np.sum(special.logsumexp(terms, axis=1))

    best = None
    for q in [(0.2, 0.8), (0.3, 0.7), (0.25, 0.75)]:
        t0 = np.r_[0.0, np.quantile(x, q), np.log(x.std() / 2), np.log(x.std() / 2)]
        res = optimize.minimize(negll, t0, method="BFGS", options={"gtol": 1e-8})
        if best is None or res.fun < best.fun:
            best = res
    w, mu, sd = unpack(best.x)
    order = np.argsort(mu)
    return -best.fun, w[order], mu[order], sd[order]


def _resp_by_hand(x0):
    _, w, mu, sd = _fit_by_hand(X)
    dens = w * stats.norm.pdf(x0, mu, sd)
    return dens[1] / dens.sum()


LL_W, _, MU_W, _ = _fit_by_hand(WAITING)
R_LONG = _resp_by_hand(2.75)

SOLUTIONS = {
    "ex-hidden_labels-loglik": float(np.sum(special.logsumexp(np.log(W) + LOGPHI, axis=1))),
    "ex-hidden_labels-complete": (SHORT.size / X.size, SHORT.mean(), SHORT.std()),
    "ex-hidden_labels-resp": R_LONG,
    "ex-hidden_labels-switch": 6,
    "ex-hidden_labels-waiting": (LL_W, MU_W[0], MU_W[1]),
}

WRONG = {
    "ex-hidden_labels-loglik": [
        float(np.sum(special.logsumexp(LOGPHI, axis=1))),        # weights left out
        float(np.sum(np.log(W) + LOGPHI)),                       # sum outside the log
        float(np.sum(np.max(np.log(W) + LOGPHI, axis=1))),      # hard assignment
        -276.36,
    ],
    "ex-hidden_labels-complete": [
        (SHORT.size / X.size, SHORT.mean(), SHORT.std(ddof=1)),  # n - 1 divisor
        (SHORT.size, SHORT.mean(), SHORT.std()),                 # a count, not a weight
        (SHORT.size / X.size, SHORT.mean()),                     # too short
        (0.348, 2.019, 0.236),                                   # the mixture fit instead
    ],
    "ex-hidden_labels-resp": [1.0, 0.0, 0.652, 1 - R_LONG, 1.5],
    "ex-hidden_labels-switch": [3, 1, 2, 6.5, 9],
    "ex-hidden_labels-waiting": [
        (LL_W, MU_W[1], MU_W[0]),                                # means in the wrong order
        (LL_W - 5.0, MU_W[0], MU_W[1]),                          # a lower local maximum
        (float(np.sum(stats.norm.logpdf(WAITING, WAITING.mean(), WAITING.std()))),
         WAITING.mean(), WAITING.mean()),                         # one normal
        (LL_W, MU_W[0] + 1.0, MU_W[1]),                          # wrong mean
    ],
}


TestContract = chapter_contract("hidden_labels", LABELS, SOLUTIONS, WRONG)


def test_specific_feedback():
    w = WRONG["ex-hidden_labels-loglik"]
    assert "weights" in evaluate("ex-hidden_labels-loglik", w[0]).message
    assert "inside the log" in evaluate("ex-hidden_labels-loglik", w[1]).message
    assert "larger component" in evaluate("ex-hidden_labels-loglik", w[2]).message
    c = WRONG["ex-hidden_labels-complete"]
    assert "n - 1" in evaluate("ex-hidden_labels-complete", c[0]).message
    assert "fraction" in evaluate("ex-hidden_labels-complete", c[1]).message
    r = WRONG["ex-hidden_labels-resp"]
    assert "short component" in evaluate("ex-hidden_labels-resp", r[3]).message
    assert "weight of the long component" in evaluate("ex-hidden_labels-resp", 0.65159).message
    assert "orderings" in evaluate("ex-hidden_labels-switch", 3).message
    v = WRONG["ex-hidden_labels-waiting"]
    assert "smaller mean first" in evaluate("ex-hidden_labels-waiting", v[0]).message
    assert "local maximum" in evaluate("ex-hidden_labels-waiting", v[1]).message
    # the answer may be a list or an array as well as a tuple
    assert evaluate("ex-hidden_labels-waiting", list(SOLUTIONS["ex-hidden_labels-waiting"])).passed
    assert evaluate("ex-hidden_labels-switch", np.int64(6)).passed


def test_independent_references_agree_with_the_package():
    # the by-hand fits in this file are independent of mlecourse.mixture; they must agree
    from mlecourse.mixture import fit_mixture_direct

    fit = fit_mixture_direct(WAITING, 2, rng=0)
    ll, lo, hi = SOLUTIONS["ex-hidden_labels-waiting"]
    assert ll == pytest.approx(fit.loglik, abs=1e-6)
    assert (lo, hi) == pytest.approx(tuple(fit.means), abs=1e-4)
