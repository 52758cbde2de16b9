"""The genetic-linkage example of Dempster, Laird and Rubin (1977)."""

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from scipy import optimize, stats

from mlecourse.em import linkage_em

Y = (125, 18, 20, 34)


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


def score(theta, y=Y):
    """Derivative of the observed-data log-likelihood."""
    return y[0] / (2 + theta) - (y[1] + y[2]) / (1 - theta) + y[3] / theta


def root(y=Y):
    return optimize.brentq(score, 1e-9, 1 - 1e-9, args=(y,), xtol=1e-15, rtol=1e-15)


def em_map(theta, y=Y):
    x = y[0] * theta / (2 + theta)
    return (x + y[3]) / (x + y[1] + y[2] + y[3])


def test_converges_to_root_of_score_equation():
    fit = linkage_em()
    assert fit.converged
    theta_hat = root()
    assert fit.theta == pytest.approx(theta_hat, abs=1e-12)
    # the score equation is the quadratic 197 t^2 - 15 t - 68 = 0
    assert theta_hat == pytest.approx((15 + math.sqrt(53809)) / 394, abs=1e-15)
    # DLR (1977) print 0.6268214980; the root is 0.62682149787..., the same to 9 decimals
    assert round(fit.theta, 9) == 0.626821498
    assert fit.loglik == pytest.approx(
        stats.multinomial.logpmf(Y, sum(Y), [0.5 + theta_hat / 4, (1 - theta_hat) / 4,
                                             (1 - theta_hat) / 4, theta_hat / 4]), abs=1e-12)


def test_iterates_equal_exact_rational_iteration():
    # the EM map is rational, so with theta_0 = 1/2 every iterate is an exact fraction
    fit = linkage_em()
    theta = Fraction(1, 2)
    for t in range(12):
        assert fit.theta_history[t] == pytest.approx(float(theta), abs=2e-16)
        x = Y[0] * theta / (2 + theta)
        theta = (x + Y[3]) / (x + Y[1] + Y[2] + Y[3])
    assert fit.theta_history[1] == pytest.approx(59 / 97, abs=1e-16)   # 0.608247423


def test_linear_rate_is_fraction_of_missing_information():
    fit = linkage_em()
    theta_hat = root()
    err = fit.theta_history - theta_hat
    ratios = err[1:8] / err[:7]
    # the ratio of successive errors settles at 0.1328
    np.testing.assert_allclose(ratios[3:], 0.1328, atol=5e-5)
    # ... which is the derivative of the EM map at the fixed point
    h = 1e-6
    slope = (em_map(theta_hat + h) - em_map(theta_hat - h)) / (2 * h)
    assert ratios[-1] == pytest.approx(slope, abs=1e-6)
    # ... and the fraction of missing information, 1 - I_observed / I_complete (DLR sec. 3)
    y1, y2, y3, y4 = Y
    i_obs = y1 / (2 + theta_hat) ** 2 + (y2 + y3) / (1 - theta_hat) ** 2 + y4 / theta_hat ** 2
    x_hat = y1 * theta_hat / (2 + theta_hat)
    i_complete = (x_hat + y4) / theta_hat ** 2 + (y2 + y3) / (1 - theta_hat) ** 2
    assert slope == pytest.approx(1 - i_obs / i_complete, abs=1e-9)
    assert 1 - i_obs / i_complete == pytest.approx(0.1328, abs=5e-5)


def test_loglik_history_is_multinomial_log_probability_and_increases():
    fit = linkage_em()
    for theta, ll in zip(fit.theta_history, fit.loglik_history):
        p = [0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4]
        assert ll == pytest.approx(stats.multinomial.logpmf(Y, sum(Y), p), abs=1e-11)
    # never decreases (at the optimum it moves by a rounding unit, 3e-14, either way)
    assert np.all(np.diff(fit.loglik_history) >= -1e-13)
    assert fit.theta_history.shape == fit.loglik_history.shape == (fit.n_iter + 1,)
    assert fit.theta_history[0] == 0.5 and fit.theta_history[-1] == fit.theta


def test_table():
    fit = linkage_em()
    table = fit.table()
    assert list(table.columns) == ["t", "theta", "loglik"]
    assert len(table) == fit.n_iter + 1
    np.testing.assert_array_equal(table["theta"], fit.theta_history)
    np.testing.assert_array_equal(table["t"], np.arange(fit.n_iter + 1))


def test_other_counts_and_start():
    # Rao's (1973) linkage counts under the same model: a small theta, slow EM
    y = (1997, 906, 904, 32)
    fit = linkage_em(y, theta0=0.2)
    assert fit.converged
    n = sum(y)
    b = y[0] - 2 * y[1] - 2 * y[2] - y[3]
    closed = (b + math.sqrt(b * b + 8 * n * y[3])) / (2 * n)
    assert fit.theta == pytest.approx(closed, abs=1e-12)
    assert fit.theta == pytest.approx(root(y), abs=1e-12)
    assert round(fit.theta, 4) == 0.0357


def test_zero_count_cell_at_boundary():
    # no animal in the last cell: xlogy keeps the log-likelihood finite, theta -> root of
    # y1/(2+t) = (y2+y3)/(1-t)
    fit = linkage_em((125, 18, 20, 0))
    assert np.isfinite(fit.loglik)
    assert fit.theta == pytest.approx((125 - 2 * 38) / (125 + 38), abs=1e-10)


def test_not_converging_warns():
    from mlecourse.em import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="^EM did not converge in 3 iterations"):
        fit = linkage_em(max_iter=3)
    assert not fit.converged and fit.n_iter == 3


def test_repr():
    assert repr(linkage_em()).startswith("LinkageResult(theta=0.6268214979, loglik=")


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(counts=(1, 2, 3)), ValueError,
     "counts must be four non-negative integers (y1, y2, y3, y4); got shape (3,)."),
    (dict(counts=(1, 2, -3, 4)), ValueError, "counts[2] must be >= 0; got -3."),
    (dict(counts=(1, 2, 3.5, 4)), TypeError, "counts[2] must be an integer; got float 3.5."),
    (dict(counts=(0, 0, 0, 0)), ValueError, "counts are all 0; at least one animal is needed."),
    (dict(counts="1234"), TypeError, "counts must be four non-negative integers; got str."),
    (dict(theta0=0.0), ValueError, "theta0 must be > 0.0; got 0.0."),
    (dict(theta0=1.0), ValueError, "theta0 must be < 1.0; got 1.0."),
    (dict(theta0="a"), TypeError, "theta0 must be a real number; got str 'a'."),
    (dict(max_iter=0), ValueError, "max_iter must be >= 1; got 0."),
    (dict(param_tol=-1.0), ValueError, "param_tol must be >= 0.0; got -1.0."),
])
def test_bad_input(kwargs, exc, msg):
    with pytest.raises(exc, match=exact(msg)):
        linkage_em(**kwargs)


def test_numpy_integer_counts_accepted():
    assert linkage_em(np.array(Y)).theta == linkage_em(Y).theta
