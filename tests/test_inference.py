"""The likelihood-ratio, Wald and score tests against closed forms, SciPy and statsmodels."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlecourse import fit
from mlecourse.inference import (
    SCORE_TEST_FAMILIES,
    TestResult,
    criterion_weights,
    lr_test,
    score_test,
    score_test_regression,
    wald_test,
)
from mlecourse.regression import linear_regression, logistic_regression

RNG = np.random.default_rng(20261202)
X_POIS = RNG.poisson(2.5, size=40)
X_NORM = RNG.normal(1.0, 2.0, size=30)
X_BERN = (RNG.uniform(size=25) < 0.3).astype(int)

# a logistic regression with three features, the third irrelevant
N_REG = 300
FEATS = RNG.normal(size=(N_REG, 3))
Y_BIN = (RNG.uniform(size=N_REG) < 1 / (1 + np.exp(-(0.3 + FEATS[:, 0] - 0.5 * FEATS[:, 1]))))
Y_BIN = Y_BIN.astype(float)
Y_LIN = 1.0 + 0.8 * FEATS[:, 0] + 0.1 * FEATS[:, 2] + RNG.normal(size=N_REG)
NAMES = ["a", "b", "c"]


# ---------------------------------------------------------------------------
# one-parameter families: the three statistics in closed form

def test_poisson_three_statistics_closed_form():
    n, xbar, lam0 = X_POIS.size, X_POIS.mean(), 3.2
    lr = 2 * (np.sum(X_POIS) * math.log(xbar / lam0) - n * (xbar - lam0))
    big = fit("poisson", X_POIS)
    assert lr_test(fit("poisson", X_POIS, lam=lam0), big).statistic == pytest.approx(lr, 1e-9)
    assert wald_test(big, {"lam": lam0}).statistic == pytest.approx(
        n * (xbar - lam0) ** 2 / xbar, rel=1e-9)
    res = score_test("poisson", X_POIS, {"lam": lam0})
    assert res.statistic == pytest.approx(n * (xbar - lam0) ** 2 / lam0, rel=1e-12)
    assert res.df == 1 and res.test == "score"
    assert res.pvalue == pytest.approx(stats.chi2.sf(res.statistic, 1), rel=1e-12)


def test_bernoulli_score_test_is_the_chi_square_test_of_a_proportion():
    n, k, p0 = X_BERN.size, int(X_BERN.sum()), 0.5
    res = score_test("bernoulli", X_BERN, {"p": p0})
    # Pearson's chi-square on the 2 cells, as scipy.stats.chisquare computes it
    pearson = stats.chisquare([k, n - k], [n * p0, n * (1 - p0)]).statistic
    assert res.statistic == pytest.approx(pearson, rel=1e-12)
    # and the z test of statsmodels without continuity correction, squared
    from statsmodels.stats.proportion import proportions_ztest

    z, _ = proportions_ztest(k, n, value=p0, prop_var=p0)
    assert res.statistic == pytest.approx(z**2, rel=1e-10)


def test_binomial_exponential_geometric_score_closed_forms():
    counts = np.array([3, 5, 2, 7, 4])
    res = score_test("binomial", counts, {"p": 0.6}, trials=10)
    phat = counts.mean() / 10
    assert res.statistic == pytest.approx(50 * (phat - 0.6) ** 2 / (0.6 * 0.4), rel=1e-12)
    waits = np.array([0.2, 1.5, 0.7, 3.1, 0.4, 0.9])
    res = score_test("exponential", waits, {"rate": 2.0})
    n, s = waits.size, waits.sum()
    assert res.statistic == pytest.approx((n / 2.0 - s) ** 2 / (n / 4.0), rel=1e-12)
    trials = np.array([1, 3, 2, 6, 1, 2])
    res = score_test("geometric", trials, {"p": 0.5})
    u = trials.size / 0.5 - (trials.sum() - trials.size) / 0.5
    assert res.statistic == pytest.approx(u**2 / (trials.size / 0.125), rel=1e-12)


@pytest.mark.parametrize("family, theta, support", [
    ("poisson", {"lam": 2.3}, np.arange(0, 60)),
    ("geometric", {"p": 0.35}, np.arange(1, 200)),
    ("binomial", {"p": 0.3}, np.arange(0, 8)),
])
def test_fisher_information_is_the_variance_of_the_score(family, theta, support):
    from mlecourse.inference import _score_info

    known = {"trials": 7} if family == "binomial" else {}
    pmf = {"poisson": lambda v: stats.poisson.pmf(v, theta.get("lam", 1)),
           "geometric": lambda v: stats.geom.pmf(v, theta.get("p", 0.5)),
           "binomial": lambda v: stats.binom.pmf(v, 7, theta.get("p", 0.5))}[family](support)
    scores = np.array([_score_info(family, np.array([v]), theta, known)[0][0] for v in support])
    info = _score_info(family, np.array([support[0]]), theta, known)[1][0, 0]
    assert np.sum(pmf * scores) == pytest.approx(0.0, abs=1e-10)
    assert np.sum(pmf * scores**2) == pytest.approx(info, rel=1e-10)


# ---------------------------------------------------------------------------
# a nuisance parameter: the normal mean with sigma unknown

def test_normal_mean_with_sigma_nuisance_closed_forms():
    n, mu0 = X_NORM.size, 0.0
    d = X_NORM.mean() - mu0
    s2 = X_NORM.var()                 # MLE of sigma^2
    t = d / math.sqrt(s2 / (n - 1))   # the one-sample t statistic
    assert t == pytest.approx(stats.ttest_1samp(X_NORM, mu0).statistic, rel=1e-12)
    big = fit("normal", X_NORM)
    lr = lr_test(fit("normal", X_NORM, mu=mu0), big)
    assert lr.statistic == pytest.approx(n * math.log(1 + t**2 / (n - 1)), rel=1e-7)
    assert wald_test(big, {"mu": mu0}).statistic == pytest.approx(n * d**2 / s2, rel=1e-6)
    assert score_test("normal", X_NORM, {"mu": mu0}).statistic == pytest.approx(
        n * d**2 / (s2 + d**2), rel=1e-9)


def test_two_parameters_at_once():
    mu0, sigma0 = 0.5, 1.5
    res = score_test("normal", X_NORM, {"mu": mu0, "sigma": sigma0})
    n, r = X_NORM.size, X_NORM - mu0
    u = np.array([r.sum() / sigma0**2, -n / sigma0 + np.sum(r**2) / sigma0**3])
    assert res.df == 2
    assert res.statistic == pytest.approx(u[0] ** 2 * sigma0**2 / n
                                          + u[1] ** 2 * sigma0**2 / (2 * n), rel=1e-12)
    big = fit("normal", X_NORM)
    w = wald_test(big, {"mu": mu0, "sigma": sigma0})
    dvec = np.array([big.params["mu"] - mu0, big.params["sigma"] - sigma0])
    assert w.statistic == pytest.approx(dvec @ np.linalg.solve(big.cov, dvec), rel=1e-9)
    assert w.pvalue == pytest.approx(stats.chi2.sf(w.statistic, 2), rel=1e-12)


def test_wald_with_the_sandwich():
    big = fit("poisson", X_POIS)
    w = wald_test(big, {"lam": 3.0}, cov_type="robust")
    # the sandwich variance of a Poisson mean is the sample variance / n (HC0)
    assert w.statistic == pytest.approx((X_POIS.mean() - 3.0) ** 2 / (X_POIS.var() / X_POIS.size),
                                        rel=1e-5)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e6))
def test_statistics_do_not_depend_on_the_units(c):
    base = (score_test("normal", X_NORM, {"mu": 0.3}).statistic,
            wald_test(fit("normal", X_NORM), {"mu": 0.3}).statistic)
    scaled = (score_test("normal", c * X_NORM, {"mu": 0.3 * c}).statistic,
              wald_test(fit("normal", c * X_NORM), {"mu": 0.3 * c}).statistic)
    assert scaled == pytest.approx(base, rel=1e-6)


# ---------------------------------------------------------------------------
# regressions against statsmodels

def test_logistic_wald_lr_and_score_against_statsmodels():
    big = logistic_regression(FEATS, Y_BIN, names=NAMES)
    small = logistic_regression(FEATS[:, :1], Y_BIN, names=NAMES[:1])
    Xb = sm.add_constant(FEATS)
    sm_big = sm.Logit(Y_BIN, Xb).fit(disp=0, tol=1e-12)
    sm_small = sm.GLM(Y_BIN, Xb[:, :2], family=sm.families.Binomial()).fit(tol=1e-12)
    # Wald, two coefficients jointly
    w = wald_test(big, {"b": 0.0, "c": 0.0})
    ref = sm_big.wald_test("x2 = 0, x3 = 0", scalar=True)
    assert w.statistic == pytest.approx(float(ref.statistic), rel=1e-6)
    assert w.df == 2
    # likelihood ratio
    lr = lr_test(small, big)
    assert lr.statistic == pytest.approx(2 * (sm_big.llf - sm_small.llf), rel=1e-8)
    assert lr.pvalue == pytest.approx(stats.chi2.sf(lr.statistic, 2), rel=1e-10)
    # score, fitting only the smaller model
    sc = score_test_regression(small, FEATS, Y_BIN, names=NAMES)
    stat, pval = (np.asarray(v).item() for v in sm_small.score_test(exog_extra=FEATS[:, 1:])[:2])
    assert sc.statistic == pytest.approx(float(stat), rel=1e-6)
    assert sc.df == 2
    assert sc.pvalue == pytest.approx(float(pval), rel=1e-5)


def test_z_column_squared_is_the_one_coefficient_wald_statistic():
    big = logistic_regression(FEATS, Y_BIN, names=NAMES)
    z = big.coef[2] / big.se[2]
    assert wald_test(big, {"b": 0.0}).statistic == pytest.approx(z**2, rel=1e-12)
    row = [line for line in big.summary().splitlines() if line.startswith("b ")][0]
    assert float(row.split()[3]) == pytest.approx(z, rel=1e-2)


def test_linear_model_statistics_closed_forms_and_ordering():
    big = linear_regression(FEATS, Y_LIN, names=NAMES)
    small = linear_regression(FEATS[:, :1], Y_LIN, names=NAMES[:1])
    rss0, rss1, n = small.sigma2 * N_REG, big.sigma2 * N_REG, N_REG
    lr = lr_test(small, big).statistic
    sc = score_test_regression(small, FEATS, Y_LIN, names=NAMES).statistic
    wd = wald_test(big, {"b": 0.0, "c": 0.0}).statistic
    assert lr == pytest.approx(n * math.log(rss0 / rss1), rel=1e-9)
    assert sc == pytest.approx(n * (rss0 - rss1) / rss0, rel=1e-9)
    assert wd == pytest.approx(n * (rss0 - rss1) / rss1, rel=1e-9)
    assert wd >= lr >= sc          # Berndt and Savin's inequality


def test_lr_test_delegates_the_boundary_case():
    counts = np.array([0, 0, 1, 5, 0, 2, 9, 0, 1, 3, 0, 7])
    res = lr_test(fit("poisson", counts), fit("negbin", counts))
    assert "mixture" in res.null
    assert res.pvalue == pytest.approx(0.5 * stats.chi2.sf(res.statistic, 1), rel=1e-12)


def test_criterion_weights():
    w = criterion_weights([10.0, 12.0, 30.0])
    e = np.exp(-0.5 * np.array([0.0, 2.0, 20.0]))
    np.testing.assert_allclose(w, e / e.sum(), rtol=1e-12)
    assert criterion_weights([1e6, 1e6 + 5000.0]).tolist() == [1.0, 0.0]


def test_result_prints_its_parts():
    res = score_test("poisson", X_POIS, {"lam": 3.0})
    assert isinstance(res, TestResult)
    assert str(res).startswith("score statistic = ") and "lam = 3" in str(res)


# ---------------------------------------------------------------------------
# bad input

def test_bad_input_messages():
    big = fit("poisson", X_POIS)
    with pytest.raises(TypeError, match="non-empty dict"):
        wald_test(big, 3.0)
    with pytest.raises(ValueError, match="not a free"):
        wald_test(big, {"mu": 1.0})
    with pytest.raises(ValueError, match="not a free"):
        wald_test(fit("normal", X_NORM, sigma=1.0), {"sigma": 1.0})
    with pytest.raises(ValueError, match="finite|real"):
        wald_test(big, {"lam": float("nan")})
    with pytest.raises(TypeError, match="FitResult"):
        wald_test([1.0, 2.0], {"lam": 1.0})
    logit = logistic_regression(FEATS, Y_BIN, names=NAMES)
    with pytest.raises(ValueError, match="robust"):
        wald_test(logit, {"a": 0.0}, cov_type="robust")
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        score_test("bernoulli", X_BERN, {"p": 0.0})
    with pytest.raises(ValueError, match="positive"):
        score_test("poisson", X_POIS, {"lam": -1.0})
    with pytest.raises(ValueError, match="Fisher information of the families"):
        score_test("laplace", X_NORM, {"mu": 0.0})
    with pytest.raises(ValueError, match="non-negative whole numbers"):
        score_test("poisson", [1.5, 2.0], {"lam": 1.0})
    small = logistic_regression(FEATS[:, :1], Y_BIN, names=["a"])
    with pytest.raises(ValueError, match="not nested"):
        score_test_regression(small, FEATS[:, 1:], Y_BIN, names=["b", "c"])
    with pytest.raises(ValueError, match="nothing to test"):
        score_test_regression(small, FEATS[:, :1], Y_BIN, names=["a"])
    with pytest.raises(ValueError, match="Pass the smaller model first"):
        lr_test(logit, small)
    with pytest.raises(TypeError, match="both"):
        lr_test(fit("poisson", X_POIS), logit)
    with pytest.raises(ValueError, match="values"):
        criterion_weights([1.0, float("inf")])
    assert set(SCORE_TEST_FAMILIES) <= {"bernoulli", "binomial", "exponential", "geometric",
                                        "normal", "poisson"}
