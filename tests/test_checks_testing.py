"""Self-checks of the testing chapter: right answers pass, typical wrong ones fail."""

import math

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from mlecourse.checks import evaluate
from mlecourse.datasets import load_biochemists, load_newcomb

from checks_contract import chapter_contract

LABELS = ["ex-testing-three", "ex-testing-profile", "ex-testing-df", "ex-testing-aic",
          "ex-testing-boundary"]

BIO = load_biochemists()
Y = (BIO["art"] > 0).to_numpy(dtype=float)
COLS = {
    "women": (BIO["fem"] == "Women").to_numpy(dtype=float),
    "married": (BIO["mar"] == "Married").to_numpy(dtype=float),
    "kid5": BIO["kid5"].to_numpy(dtype=float),
    "phd": BIO["phd"].to_numpy(dtype=float),
    "ment": BIO["ment"].to_numpy(dtype=float),
}


def logit(names):
    X = sm.add_constant(np.column_stack([COLS[c] for c in names]))
    return sm.Logit(Y, X).fit(disp=0, tol=1e-12)


# ex-testing-three: statsmodels' z tests of a proportion give the Wald (variance at p_hat)
# and score (variance at p0) statistics; the LR statistic from binomial log-pmfs
P0 = Y.mean()
G = Y[BIO["ment"].to_numpy() == 0]
K, N = int(G.sum()), G.size
PH = K / N
Z_WALD = proportions_ztest(K, N, value=P0)[0]
Z_SCORE = proportions_ztest(K, N, value=P0, prop_var=P0)[0]
LR3 = 2 * (stats.binom.logpmf(K, N, PH) - stats.binom.logpmf(K, N, P0))
THREE = (LR3, Z_WALD**2, Z_SCORE**2)
OBS_SCORE = ((K - N * P0) / (P0 * (1 - P0))) ** 2 / (K / P0**2 + (N - K) / (1 - P0) ** 2)

# ex-testing-profile: from the one-sample t statistic of SciPy
X66 = load_newcomb()["time"].to_numpy(dtype=float)
T = stats.ttest_1samp(X66, 33.02).statistic
LR_ALL = X66.size * math.log1p(T**2 / (X66.size - 1))
WALD_ALL = X66.size * (X66.mean() - 33.02) ** 2 / X66.var()

# ex-testing-df: statsmodels' maximised log-likelihoods and model degrees of freedom
BIG = logit(["women", "married", "kid5", "phd", "ment"])
TWO = logit(["kid5", "ment"])
STAT3, DF3 = 2 * (BIG.llf - TWO.llf), BIG.df_model - TWO.df_model
P3 = stats.chi2.sf(STAT3, DF3)

# ex-testing-aic: statsmodels' aic and bic of the kid5 + phd + ment model
M3 = logit(["kid5", "phd", "ment"])
LL3 = M3.llf
CRIT = stats.chi2.ppf(0.98, 1)

RIGHT = {
    "ex-testing-three": THREE,
    "ex-testing-profile": LR_ALL,
    "ex-testing-df": P3,
    "ex-testing-aic": (M3.aic, M3.bic),
    "ex-testing-boundary": CRIT,
}

WRONG = {
    "ex-testing-three": [(THREE[1], THREE[0], THREE[2]), (LR3 / 2, THREE[1], THREE[2]),
                         (LR3, THREE[1], OBS_SCORE), (LR3, THREE[2], THREE[2]),
                         (1.0, 1.0, 1.0)],
    "ex-testing-profile": [WALD_ALL, T**2, LR_ALL / 2, 47.2, 1.0],
    "ex-testing-df": [STAT3, stats.chi2.sf(STAT3, 1), stats.chi2.sf(STAT3, 5),
                      stats.chi2.sf(STAT3 / 2, 3), 1 - P3, 0.05],
    "ex-testing-aic": [(M3.bic, M3.aic), (-2 * LL3 + 6, -2 * LL3 + 3 * math.log(915)),
                       (M3.aic, -2 * LL3 + 4 * math.log10(915)),
                       (2 * LL3 + 8, 2 * LL3 + 4 * math.log(915)),
                       (-2 * LL3 + 4, M3.bic), (1.0, 2.0)],
    "ex-testing-boundary": [stats.chi2.ppf(0.99, 1), stats.chi2.ppf(0.995, 1),
                            stats.norm.ppf(0.99), stats.chi2.ppf(0.90, 1),
                            stats.chi2.ppf(0.95, 1), 1.0],
}


TestContract = chapter_contract("testing", LABELS, RIGHT, WRONG)


def test_statsmodels_agrees_with_the_chapters_formulas():
    assert DF3 == 3
    assert THREE[1] == np.float64(Z_WALD) ** 2
    assert math.isclose(THREE[1], N * (PH - P0) ** 2 / (PH * (1 - PH)), rel_tol=1e-12)
    assert math.isclose(M3.aic, -2 * LL3 + 8, rel_tol=1e-12)
    assert math.isclose(CRIT, stats.norm.ppf(0.99) ** 2, rel_tol=1e-10)


def test_specific_feedback():
    three = WRONG["ex-testing-three"]
    assert "wrong order" in evaluate("ex-testing-three", three[0]).message
    assert "twice the drop" in evaluate("ex-testing-three", three[1]).message
    assert "expected information" in evaluate("ex-testing-three", three[2]).message
    assert "information at the estimate" in evaluate("ex-testing-three", three[3]).message
    assert "Wald" in evaluate("ex-testing-profile", WALD_ALL).message
    assert "t squared" in evaluate("ex-testing-profile", T**2).message
    clean = X66[X66 > 0]
    lr64 = clean.size * math.log(np.mean((clean - 33.02) ** 2) / clean.var())
    assert "all 66" in evaluate("ex-testing-profile", lr64).message
    assert "p-value" in evaluate("ex-testing-df", STAT3).message
    assert "1 degree" in evaluate("ex-testing-df", stats.chi2.sf(STAT3, 1)).message
    assert "upper tail" in evaluate("ex-testing-df", 1 - P3).message
    aic = WRONG["ex-testing-aic"]
    assert "swapped" in evaluate("ex-testing-aic", aic[0]).message
    assert "intercept" in evaluate("ex-testing-aic", aic[1]).message
    assert "log10" in evaluate("ex-testing-aic", aic[2]).message
    assert "sign" in evaluate("ex-testing-aic", aic[3]).message
    assert "point mass" in evaluate("ex-testing-boundary", stats.chi2.ppf(0.99, 1)).message
    assert "square it" in evaluate("ex-testing-boundary", stats.norm.ppf(0.99)).message
    assert "5% level" in evaluate("ex-testing-boundary", stats.chi2.ppf(0.90, 1)).message
    assert evaluate("ex-testing-three", list(THREE)).status == "pass"
    assert evaluate("ex-testing-aic", np.array([M3.aic, M3.bic])).status == "pass"
