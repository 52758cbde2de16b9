"""EM for the multivariate normal with values missing at random."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from mlecourse.em import ConvergenceWarning, MissingEMResult, mvn_missing_em


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


MU = np.array([1.0, -2.0, 0.5])
SIGMA = np.array([[2.0, 0.8, -0.5], [0.8, 1.5, 0.3], [-0.5, 0.3, 1.0]])


def sample(n, seed, frac_missing=0.25):
    rng = np.random.default_rng(seed)
    x = rng.multivariate_normal(MU, SIGMA, size=n)
    mask = rng.uniform(size=x.shape) < frac_missing
    mask[mask.all(axis=1), 0] = False           # keep at least one value per row
    out = x.copy()
    out[mask] = np.nan
    return out, x


def observed_loglik(x, mu, sigma):
    """Independent observed-data log-likelihood: scipy's marginal normal of each row's
    observed entries (rows grouped by their pattern of observed entries)."""
    observed = ~np.isnan(x)
    total = 0.0
    for o in {tuple(row) for row in observed}:
        o = np.array(o)
        if o.any():
            rows = x[np.all(observed == o, axis=1)][:, o]
            dist = stats.multivariate_normal(mu[o], sigma[np.ix_(o, o)])
            total += np.sum(dist.logpdf(rows))
    return total


def test_nothing_missing_gives_complete_data_mle():
    _, x = sample(50, seed=0)
    fit = mvn_missing_em(x)
    assert isinstance(fit, MissingEMResult)
    np.testing.assert_allclose(fit.mean, x.mean(axis=0), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(fit.covariance, np.cov(x.T, bias=True), rtol=1e-12)
    assert fit.loglik == pytest.approx(
        stats.multivariate_normal(x.mean(axis=0), np.cov(x.T, bias=True)).logpdf(x).sum(),
        rel=1e-12)
    assert fit.converged and fit.n_iter == 2     # one step to the MLE, one to confirm it
    np.testing.assert_array_equal(fit.imputed, x)
    assert fit.n_used == 50


def test_monotone_pattern_matches_closed_form():
    # x1 always observed, x2 missing for some rows, depending on x1 (missing at random):
    # the MLE is the factored-likelihood closed form (Anderson 1957; Little & Rubin, ch. 7)
    rng = np.random.default_rng(1)
    x = rng.multivariate_normal([0.0, 1.0], [[1.0, 0.6], [0.6, 2.0]], size=200)
    missing = rng.uniform(size=200) < 1 / (1 + np.exp(-2 * x[:, 0]))
    data = x.copy()
    data[missing, 1] = np.nan
    cc = x[~missing]
    s = np.cov(cc.T, bias=True)
    beta = s[0, 1] / s[0, 0]
    alpha = cc[:, 1].mean() - beta * cc[:, 0].mean()
    resid = s[1, 1] - s[0, 1] ** 2 / s[0, 0]
    mu1, s11 = x[:, 0].mean(), x[:, 0].var()
    mean = np.array([mu1, alpha + beta * mu1])
    cov = np.array([[s11, beta * s11], [beta * s11, resid + beta**2 * s11]])
    # with its default tolerance mvn_missing_em is good to 5 digits (half of x2 is missing,
    # so EM is slow here) ...
    fit = mvn_missing_em(data)
    np.testing.assert_allclose(fit.mean, mean, rtol=1e-5)
    np.testing.assert_allclose(fit.covariance, cov, rtol=1e-5)
    # ... and its steps, iterated until the parameters stop moving, to 10
    from mlecourse.em import em
    from mlecourse.em.missing import _e_step, _m_step, _patterns

    patterns = _patterns(~np.isnan(data))
    tight = em(lambda p: _e_step(data, patterns, p), _m_step,
               {"mean": np.nanmean(data, axis=0), "covariance": np.diag(np.nanvar(data, axis=0))},
               param_tol=1e-14)
    np.testing.assert_allclose(tight.params["mean"], mean, rtol=1e-10)
    np.testing.assert_allclose(tight.params["covariance"], cov, rtol=1e-10)
    # missing at random but not completely: the complete-case mean of x2 is pulled away
    # (x2 is seen mostly when x1 is small), the MLE is closer to the true mean 1
    assert abs(cc[:, 1].mean() - fit.mean[1]) > 0.2
    assert abs(fit.mean[1] - 1.0) < abs(cc[:, 1].mean() - 1.0)


def test_agrees_with_direct_maximisation_of_observed_likelihood():
    x, _ = sample(80, seed=2)
    fit = mvn_missing_em(x, tol=1e-15)
    d = 3
    tril = np.tril_indices(d)

    def unpack(theta):
        mu = theta[:d]
        chol = np.zeros((d, d))
        chol[tril] = theta[d:]
        chol[np.diag_indices(d)] = np.exp(np.diag(chol))
        return mu, chol @ chol.T

    def negll(theta):
        mu, sigma = unpack(theta)
        return -observed_loglik(x, mu, sigma)

    start_chol = np.linalg.cholesky(np.diag(np.nanvar(x, axis=0)))
    start_chol[np.diag_indices(d)] = np.log(np.diag(start_chol))
    theta0 = np.r_[np.nanmean(x, axis=0), start_chol[tril]]
    opt = optimize.minimize(negll, theta0, method="BFGS", options={"gtol": 1e-9})
    mu, sigma = unpack(opt.x)
    assert fit.loglik >= -opt.fun - 1e-7
    assert fit.loglik == pytest.approx(-opt.fun, abs=1e-6)
    np.testing.assert_allclose(fit.mean, mu, atol=2e-5)
    np.testing.assert_allclose(fit.covariance, sigma, atol=2e-5)
    # the reported log-likelihood is the observed-data one, computed independently
    assert fit.loglik == pytest.approx(observed_loglik(x, fit.mean, fit.covariance), rel=1e-12)
    assert np.all(np.diff(fit.loglik_history) >= -1e-12 * abs(fit.loglik))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(8, 40), d=st.integers(1, 3), frac=st.floats(0.0, 0.5),
       seed=st.integers(0, 2**32 - 1))
def test_random_patterns_monotone_and_consistent(n, d, frac, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(d, d))
    x = rng.normal(size=(n, d)) @ (a + d * np.eye(d))
    x[rng.uniform(size=x.shape) < frac] = np.nan
    observed = ~np.isnan(x)
    used = observed.any(axis=1)
    assume(used.sum() > d + 1)
    assume(np.all((observed[used].T.astype(int) @ observed[used].astype(int)) >= 2))
    try:
        fit = mvn_missing_em(x)
    except ValueError as exc:      # too little overlap: the likelihood is unbounded
        assume("singular" not in str(exc))
        raise
    h = fit.loglik_history
    assert np.all(np.diff(h) >= -1e-10 * np.abs(h[1:]) - 1e-12)
    assert fit.loglik == pytest.approx(observed_loglik(x, fit.mean, fit.covariance), rel=1e-10)
    assert np.all(np.linalg.eigvalsh(fit.covariance) > 0)
    np.testing.assert_array_equal(fit.imputed[observed], x[observed])


def test_unbounded_likelihood_is_an_error():
    # only three rows have all three columns, and three points in 3-D lie on a plane: the
    # covariance can collapse onto it, the likelihood has no maximum
    rng = np.random.default_rng(723543370)
    a = rng.normal(size=(3, 3))
    x = rng.normal(size=(15, 3)) @ (a + 3 * np.eye(3))
    x[rng.uniform(size=x.shape) < 0.40625] = np.nan
    assert np.sum(~np.isnan(x).any(axis=1)) == 3
    with pytest.raises(ValueError, match=r"^the likelihood appears to be unbounded: after 1000 "
                                         r"iterations the covariance estimate is still heading "
                                         r"towards a singular matrix \(smallest to largest "
                                         r"eigenvalue [0-9.]+e-[0-9]+\)\. Too few rows have "
                                         r"the columns observed together to pin down a "
                                         r"non-singular covariance\.$"):
        mvn_missing_em(x)
    # given more iterations the estimate does reach a singular matrix
    with pytest.raises(ValueError, match=r"^the covariance estimate became singular"):
        mvn_missing_em(x, max_iter=5000)


def test_imputed_values_are_conditional_means():
    x, _ = sample(60, seed=3)
    fit = mvn_missing_em(x)
    mu, s = fit.mean, fit.covariance
    for i in np.flatnonzero(np.isnan(x).any(axis=1))[:5]:
        o = ~np.isnan(x[i])
        m = ~o
        expected = mu[m] + s[np.ix_(m, o)] @ np.linalg.solve(s[np.ix_(o, o)], x[i, o] - mu[o])
        np.testing.assert_allclose(fit.imputed[i, m], expected, rtol=1e-10)
        np.testing.assert_array_equal(fit.imputed[i, o], x[i, o])
    assert not np.isnan(fit.imputed).any()


def test_rows_with_nothing_observed_are_left_out():
    x, _ = sample(40, seed=4)
    padded = np.vstack([x[:10], np.full((3, 3), np.nan), x[10:]])
    a, b = mvn_missing_em(x), mvn_missing_em(padded)
    np.testing.assert_allclose(b.mean, a.mean, rtol=1e-14)
    np.testing.assert_allclose(b.covariance, a.covariance, rtol=1e-14)
    assert b.loglik == pytest.approx(a.loglik, rel=1e-14)
    assert b.n_used == 40 and b.imputed.shape == (43, 3)
    np.testing.assert_array_equal(b.imputed[10:13], np.tile(b.mean, (3, 1)))


def test_accepts_none_and_pandas():
    pd = pytest.importorskip("pandas")
    x, _ = sample(30, seed=5)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    assert mvn_missing_em(frame).loglik == mvn_missing_em(x).loglik
    as_lists = [[None if np.isnan(v) else v for v in row] for row in x]
    assert mvn_missing_em(as_lists).loglik == mvn_missing_em(x).loglik


def test_warns_when_not_converged():
    x, _ = sample(40, seed=6, frac_missing=0.5)
    with pytest.warns(ConvergenceWarning, match="^EM did not converge in 2 iterations") as rec:
        fit = mvn_missing_em(x, max_iter=2)
    assert not fit.converged and rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mvn_missing_em(x).converged


def test_repr():
    x, _ = sample(20, seed=7)
    assert repr(mvn_missing_em(x)).startswith("MissingEMResult(loglik=")


@pytest.mark.parametrize("x,exc,msg", [
    ([1.0, 2.0, np.nan], ValueError,
     "X must be 2-D, shape (N, D); got an array of shape (3,)."),
    (np.empty((0, 2)), ValueError,
     "X is empty (shape (0, 2)); at least one row and one column are needed."),
    ([[1.0, np.inf], [2.0, 3.0]], ValueError,
     "X contains infinite values; only NaN may mark a missing value."),
    ([["a", "b"]], TypeError,
     "X must be a 2-D array of numbers (NaN for missing values); could not convert it: "
     "could not convert string to float: 'a'"),
    ("abc", TypeError,
     "X must be a 2-D array of numbers (NaN for missing values); got str."),
    (np.full((3, 2), np.nan), ValueError, "X has no observed value; every entry is NaN."),
    ([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan]], ValueError,
     "column 1 of X has no observed value, so its mean is not identified."),
    ([[1.0, np.nan], [2.0, np.nan], [np.nan, 3.0], [np.nan, 1.0]], ValueError,
     "columns 0 and 1 of X are never observed in the same row, so their covariance is not "
     "identified."),
    ([[1.0, 2.0], [1.0, 3.0], [np.nan, 4.0]], ValueError,
     "column 0 of X has a single distinct observed value, so its variance estimate is 0 and "
     "the covariance MLE is singular."),
    ([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], ValueError,
     "the covariance estimate became singular (not positive definite): among the observed "
     "values some column is constant or an exact linear combination of others, or there "
     "are too few rows for a D-dimensional covariance."),
])
def test_bad_input(x, exc, msg):
    with pytest.raises(exc, match=exact(msg)):
        mvn_missing_em(x)


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(max_iter=0), ValueError, "max_iter must be >= 1; got 0."),
    (dict(tol=-1.0), ValueError, "tol must be >= 0.0; got -1.0."),
])
def test_bad_options(kwargs, exc, msg):
    with pytest.raises(exc, match=exact(msg)):
        mvn_missing_em(sample(10, seed=0)[0], **kwargs)


def test_non_finite_loglik_message_gives_advice_this_function_can_take(monkeypatch):
    # mvn_missing_em chooses its own start, so the driver's "start from parameters
    # inside the parameter space" must not reach the user; the advice is about the data
    import mlecourse.em.missing as missing

    real = missing._e_step

    def broken(x, patterns, params):
        expectations, _ = real(x, patterns, params)
        return expectations, float("-inf")

    monkeypatch.setattr(missing, "_e_step", broken)
    x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [np.nan, 1.0], [0.5, 0.2]])
    with pytest.raises(ValueError) as err:
        missing.mvn_missing_em(x)
    msg = str(err.value)
    assert msg.startswith("the log-likelihood at the starting values is -inf: in floating "
                          "point the covariance estimate is singular")
    assert "starting values given" not in msg and "start from parameters" not in msg
    assert msg.endswith("Rescale the columns (divide each by its standard deviation) and fit "
                        "again.")
