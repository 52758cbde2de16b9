"""SQUAREM and online EM: against closed forms and batch EM."""

import math
import re

import numpy as np
import pytest

from mlecourse.em import gmm_em, linkage_em, online_gmm_em, squarem
from mlecourse.em.linkage import linkage_e_step, linkage_loglik, linkage_m_step


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


def linkage(y):
    return (lambda t: linkage_m_step(linkage_e_step(t, y), y),
            lambda t: linkage_loglik(t, y))


def closed_form(y):
    # the root in (0, 1) of n t^2 - (y1 - 2 y2 - 2 y3 - y4) t - 2 y4 = 0
    n, b = sum(y), y[0] - 2 * y[1] - 2 * y[2] - y[3]
    return (b + math.sqrt(b * b + 8 * n * y[3])) / (2 * n)


@pytest.mark.parametrize("y", [(125, 18, 20, 34), (1997, 906, 904, 32), (40, 10, 12, 5)])
def test_squarem_reaches_the_closed_form_with_fewer_em_steps(y):
    step, ll = linkage(y)
    res = squarem(step, 0.5, ll)
    assert res.converged
    assert res.params[0] == pytest.approx(closed_form(y), rel=1e-8)
    assert np.all(np.diff(res.loglik_history) >= 0)
    plain = linkage_em(y)
    assert res.n_em_steps < plain.n_iter


def test_squarem_on_the_boundary_where_em_crawls():
    # y4 = 0: the MLE is theta = 0 with a zero score, EM's rate is 1 and its
    # iterates are 1 / (2 + 1.5 t); SQUAREM (kept inside [0, 1]) gets far closer
    y = (20, 5, 5, 0)
    step, ll = linkage(y)
    res = squarem(step, 0.5, ll, project=lambda t: np.clip(t, 1e-300, 1.0), max_iter=2000)
    theta_em_after = 1.0 / (2.0 + 1.5 * res.n_em_steps)
    assert res.params[0] < theta_em_after / 100


def test_squarem_bad_input():
    step, ll = linkage((125, 18, 20, 34))
    with pytest.raises(TypeError, match=exact(
            "em_map and loglik must be functions of the parameter vector.")):
        squarem(0.5, 0.5, ll)
    with pytest.raises(ValueError, match="the log-likelihood at theta0 = 1.5 is not finite"):
        squarem(step, 1.5, ll)
    with pytest.raises(ValueError, match=exact("max_iter must be >= 1; got 0.")):
        squarem(step, 0.5, ll, max_iter=0)


def test_online_em_agrees_with_batch_em_on_a_large_sample():
    rng = np.random.default_rng(4)
    z = rng.choice(3, 60_000, p=[0.5, 0.3, 0.2])
    x = np.array([[0.0, 0.0], [4.0, 1.0], [-1.0, 5.0]])[z] + rng.normal(size=(z.size, 2))
    batch = gmm_em(x, 3, rng=0)
    online = online_gmm_em(x, 3, batch_size=1000, n_passes=2, rng=0)
    o, p = np.argsort(batch.means[:, 0]), np.argsort(online.means[:, 0])
    np.testing.assert_allclose(online.weights[p], batch.weights[o], atol=0.01)
    np.testing.assert_allclose(online.means[p], batch.means[o], atol=0.05)
    # within a few thousandths of a nat per point of the batch maximum, and not above it
    gap = (batch.loglik - online.loglik) / x.shape[0]
    assert -1e-9 < gap < 5e-3
    assert online.n_batches == 120 and online.batch_loglik.shape == (120,)


def test_online_em_bad_input():
    x = np.random.default_rng(0).normal(size=(100, 2))
    with pytest.raises(ValueError, match=exact(
            "kappa must be > 0.5 (and <= 1); got 0.5: the steps' squares must have a finite "
            "sum.")):
        online_gmm_em(x, 2, kappa=0.5)
    with pytest.raises(ValueError, match=exact("batch_size must be >= 1; got 0.")):
        online_gmm_em(x, 2, batch_size=0)
