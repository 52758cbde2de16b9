"""Newton's method (mlecourse.newton) against SciPy, closed forms and its own formulas."""

import numpy as np
import pytest
from scipy import optimize, special

from mlecourse import fit
from mlecourse.newton import NewtonResult, newton

# A Cauchy sample with two clusters: the location log-likelihood has two local
# maxima with a local minimum between them.
CAUCHY = np.array([-1.9, 0.3, 1.1, 8.0, 9.5, 2.2, 0.9])


def cauchy_score(m):
    r = CAUCHY - m
    return np.sum(2 * r / (1 + r * r))


def cauchy_info(m):
    r = CAUCHY - m
    return np.sum(2 * (1 - r * r) / (1 + r * r) ** 2)


def test_poisson_root_is_the_sample_mean():
    x = np.array([2, 3, 0, 4, 1, 7, 2])
    res = newton(lambda lam: x.sum() / lam - x.size, lambda lam: x.sum() / lam**2, 1.0,
                 domain="positive")
    assert res.converged and res.is_maximum
    assert res.root == pytest.approx(x.mean(), rel=1e-12)
    assert res.theta[0] == 1.0
    assert res.n_iter == len(res.step) == len(res.theta) - 1


def test_iterates_follow_the_newton_formula_exactly():
    # exponential rate: theta_{t+1} = theta_t + U/J = 2 theta_t - theta_t**2 * mean(x)
    x = np.array([0.5, 1.5, 2.0, 0.25])
    res = newton(lambda r: x.size / r - x.sum(), lambda r: x.size / r**2, 0.3, domain="positive")
    expected = [0.3]
    for _ in range(res.n_iter):
        r = expected[-1]
        expected.append(2 * r - r * r * x.mean())
    np.testing.assert_allclose(res.theta, expected, rtol=1e-13)
    np.testing.assert_allclose(res.step, np.diff(res.theta), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res.score, x.size / res.theta - x.sum(), rtol=1e-10, atol=1e-12)
    assert res.root == pytest.approx(1 / x.mean(), rel=1e-12)


def test_quadratic_convergence():
    x = np.array([0.5, 1.5, 2.0, 0.25])
    res = newton(lambda r: x.size / r - x.sum(), lambda r: x.size / r**2, 0.3, domain="positive")
    err = np.abs(res.theta - 1 / x.mean())
    # for this score, e_{t+1} = mean(x) * e_t**2 exactly
    for e0, e1 in zip(err[:3], err[1:4]):
        assert e1 == pytest.approx(x.mean() * e0**2, rel=1e-8)


@pytest.mark.parametrize("x0", [0.5, 1.5, -2.0, 2.5, 8.0, 5.0])
def test_agrees_with_scipy_newton_on_the_cauchy_score(x0):
    ours = newton(cauchy_score, cauchy_info, x0)
    theirs = optimize.newton(cauchy_score, x0, fprime=lambda m: -cauchy_info(m), tol=1e-12,
                             maxiter=50)
    assert ours.converged
    assert ours.root == pytest.approx(theirs, abs=1e-9)


def test_gamma_shape_profile_matches_fit():
    rng = np.random.default_rng(4)
    x = rng.gamma(2.5, 1 / 1.7, size=200)
    c = np.log(x.mean()) - np.mean(np.log(x))

    def score(a):
        return x.size * (np.log(a) - special.digamma(a) - c)

    def info(a):
        return x.size * (special.polygamma(1, a) - 1 / a)

    res = newton(score, info, 1.0, domain="positive")
    ref = fit("gamma", x)
    assert res.converged and res.is_maximum
    assert res.root == pytest.approx(ref.params["shape"], rel=1e-6)
    # and the classic failure: from far to the right the first step goes negative
    bad = newton(score, info, 3 / c, domain="positive")
    assert not bad.converged
    assert bad.theta[-1] < 0
    assert "left the parameter space" in bad.message
    assert np.isnan(bad.score[-1]) and np.isnan(bad.info[-1])


def test_vector_parameter_normal():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=80)
    n = x.size

    def score(t):
        mu, s = t
        r = x - mu
        return np.array([r.sum() / s**2, -n / s + (r * r).sum() / s**3])

    def info(t):
        mu, s = t
        r = x - mu
        return np.array([[n / s**2, 2 * r.sum() / s**3],
                         [2 * r.sum() / s**3, 3 * (r * r).sum() / s**4 - n / s**2]])

    res = newton(score, info, [2.5, 1.8], domain="positive")
    ref = fit("normal", x)
    assert res.converged and res.is_maximum
    assert res.theta.shape == (res.n_iter + 1, 2)
    assert res.info.shape == (res.n_iter + 1, 2, 2)
    np.testing.assert_allclose(res.root, [ref.params["mu"], ref.params["sigma"]], rtol=1e-10)


def test_converging_to_a_minimum_is_reported():
    # between the two clusters the score has a root where the log-likelihood is lowest
    res = newton(cauchy_score, cauchy_info, 5.0)
    assert res.converged
    assert not res.is_maximum
    assert res.info[-1] < 0
    assert "minimum" in res.message
    assert abs(cauchy_score(res.root)) < 1e-9


def test_divergence_from_a_bad_start_is_not_called_convergence():
    res = newton(cauchy_score, cauchy_info, -1.0)
    assert not res.converged
    assert abs(res.theta[-1]) > 1e6  # Newton ran away along the flat tail
    with pytest.raises(RuntimeError):
        optimize.newton(cauchy_score, -1.0, fprime=lambda m: -cauchy_info(m), maxiter=50)


def test_max_iter_and_table():
    res = newton(cauchy_score, cauchy_info, 0.5, max_iter=2)
    assert not res.converged and res.n_iter == 2
    assert "max_iter=2" in res.message
    table = res.table()
    assert list(table.columns) == ["theta", "score", "info", "step"]
    assert len(table) == 3 and np.isnan(table["step"].iloc[-1])
    np.testing.assert_allclose(table["theta"], res.theta)
    assert "did not converge after 2 step(s)" in repr(res)
    assert isinstance(res, NewtonResult)


def test_zero_information_stops():
    res = newton(lambda t: 1.0, lambda t: 0.0, 0.0)
    assert not res.converged and res.n_iter == 0
    assert "information is 0" in res.message


def test_bad_input():
    with pytest.raises(TypeError, match="score must be a function"):
        newton(3.0, cauchy_info, 0.0)
    with pytest.raises(TypeError, match="info must be a function"):
        newton(cauchy_score, None, 0.0)
    with pytest.raises(ValueError, match=r"outside the parameter space \(theta > 0\)"):
        newton(lambda t: 1.0, lambda t: 1.0, -1.0, domain="positive")
    with pytest.raises(ValueError, match=r"outside the parameter space \(0 < theta < 1\)"):
        newton(lambda t: 1.0, lambda t: 1.0, 1.0, domain="unit")
    with pytest.raises(ValueError, match="domain must be one of"):
        newton(cauchy_score, cauchy_info, 0.0, domain="negative")
    with pytest.raises(ValueError, match="tol must be positive"):
        newton(cauchy_score, cauchy_info, 0.0, tol=0)
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        newton(cauchy_score, cauchy_info, 0.0, max_iter=0)
    with pytest.raises(TypeError, match="x0 must be a real number"):
        newton(cauchy_score, cauchy_info, "1.0")
    with pytest.raises(ValueError, match="x0 contains 1 NaN"):
        newton(cauchy_score, cauchy_info, [0.0, np.nan])
    with pytest.raises(ValueError, match="score must return a single number"):
        newton(lambda t: np.array([1.0, 2.0]), cauchy_info, 0.0)
    with pytest.raises(ValueError, match=r"info must return an array of shape \(2, 2\)"):
        newton(lambda t: np.ones(2), lambda t: np.ones(2), [0.0, 0.0])
    with pytest.raises(ValueError, match="not finite at x0"):
        newton(lambda t: np.inf, lambda t: 1.0, 0.5)
