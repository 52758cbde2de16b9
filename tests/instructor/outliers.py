"""Hidden tests for book/outliers.md (Outliers and the shape of the likelihood)."""

import numpy as np
from scipy import integrate, stats

from mlecourse.coursework.hidden import (
    expect_choice,
    expect_close,
    expect_equal,
    hidden_test,
)
from mlecourse.datasets import load_chem

CHAPTER = "outliers"

CHEM = load_chem()["copper"].to_numpy(dtype=float)
_others = CHEM[CHEM != 28.95]
# the normal MLE of the mean is the sample mean
SHIFT = CHEM.mean() - _others.mean()
# sensitivity curve of the median at x0 = 100
SC_MEDIAN = (CHEM.size + 1) * (np.median(np.r_[CHEM, 100.0]) - np.median(CHEM))
# Student t with nu = 4 fixed: SciPy's MLE of location and scale, then the IRLS weight
_nu = 4.0
_df, MU_T, _scale = stats.t.fit(CHEM, f0=_nu, method="MLE")
W_WILD = (_nu + 1) / (_nu + ((28.95 - MU_T) / _scale) ** 2)


def _count(x):
    z = (x - x.mean()) / x.std()          # the normal MLE: divide by n
    return int(np.sum(np.abs(z) > 3)), x[np.abs(z) <= 3]


FLAGGED_FIRST, _rest = _count(CHEM)
FLAGGED_SECOND, _ = _count(_rest)


@hidden_test("ex-outliers-chem-shift", points=1, variables=["shift"])
def shift(shift):
    expect_close(shift, SHIFT, name="shift")


@hidden_test("ex-outliers-median-sc", points=1, variables=["sc_median"])
def median_sc(sc_median):
    expect_close(sc_median, SC_MEDIAN, name="sc_median")


@hidden_test("ex-outliers-t-weight", points=1, variables=["mu_t"])
def t_location(mu_t):
    expect_close(mu_t, MU_T, name="mu_t")


@hidden_test("ex-outliers-t-weight", points=1, variables=["w_wild"])
def t_weight(w_wild):
    expect_close(w_wild, W_WILD, name="w_wild")


@hidden_test("ex-outliers-masking", points=1, variables=["flagged_first", "flagged_second"])
def masking(flagged_first, flagged_second):
    expect_equal(flagged_first, FLAGGED_FIRST, name="flagged_first")
    expect_equal(flagged_second, FLAGGED_SECOND, name="flagged_second")


@hidden_test("ex-outliers-claim", points=1, variables=["answer"])
def claim(answer):
    expect_choice(answer, "b", ["a", "b", "c", "d"], name="answer")


# Huber, k = 1, at the standard normal: A = 2 Phi(1) - 1, B = E[min(Z^2, 1)], by quadrature
_A = stats.norm.cdf(1.0) - stats.norm.cdf(-1.0)
_B = (integrate.quad(lambda z: z * z * stats.norm.pdf(z), -1.0, 1.0, epsabs=0, epsrel=1e-13)[0]
      + 2 * stats.norm.sf(1.0))
EFF_HUBER = _A**2 / _B


@hidden_test("ex-outliers-huber-efficiency", points=1, variables=["eff_huber"])
def huber_efficiency(eff_huber):
    expect_close(eff_huber, EFF_HUBER, name="eff_huber")
