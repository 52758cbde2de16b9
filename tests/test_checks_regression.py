"""Self-checks of the regression chapter: right answers pass, typical wrong ones fail."""

import math

import numpy as np
import statsmodels.api as sm

from mlecourse.checks import evaluate
from mlecourse.simulate import customers

from checks_contract import chapter_contract

LABELS = ["ex-regression-sigma2", "ex-regression-newton", "ex-regression-loglik",
          "ex-regression-odds", "ex-regression-lad"]

D = customers(400, rng=2024)
X = sm.add_constant(np.column_stack([D["minutes"], D["purchases"]]))
OLS = sm.OLS(D["spend"], X).fit()
LOGIT = sm.Logit(D["buy"], X).fit(disp=0, tol=1e-12)
B, SE = LOGIT.params[2], LOGIT.bse[2]
Z = 1.959963984540054
# one Newton step from 0 with statsmodels' own score and Hessian
STEP = -np.linalg.solve(sm.Logit(D["buy"], X).hessian(np.zeros(3)),
                        sm.Logit(D["buy"], X).score(np.zeros(3)))
LL4 = math.log(0.8) + math.log(0.7) + math.log(0.6) + math.log(0.9)

RIGHT = {
    "ex-regression-sigma2": OLS.ssr / 400,
    "ex-regression-newton": STEP,
    "ex-regression-loglik": LL4,
    "ex-regression-odds": (math.exp(B), math.exp(B - Z * SE), math.exp(B + Z * SE)),
    "ex-regression-lad": "b",
}

WRONG = {
    "ex-regression-sigma2": [OLS.scale, math.sqrt(OLS.ssr / 400), OLS.ssr],
    "ex-regression-newton": [STEP / 4, LOGIT.params, np.zeros(3)],
    "ex-regression-loglik": [-LL4, LL4 / 4, LL4 / math.log(10), -1.0],
    "ex-regression-odds": [(B, B - Z * SE, B + Z * SE),
                           (math.exp(B), math.exp(B) * (1 - Z * SE), math.exp(B) * (1 + Z * SE)),
                           (math.exp(B), 0.0, 1.0)],
    "ex-regression-lad": ["a", "c", "d", "laplace"],
}


TestContract = chapter_contract("regression", LABELS, RIGHT, WRONG)


def test_specific_feedback():
    assert "unbiased" in evaluate("ex-regression-sigma2", OLS.scale).message
    assert "standard deviation" in evaluate("ex-regression-sigma2",
                                            math.sqrt(OLS.ssr / 400)).message
    assert "four times" in evaluate("ex-regression-newton", STEP / 4).message
    assert "flip the sign" in evaluate("ex-regression-loglik", -LL4).message
    assert "base-10" in evaluate("ex-regression-loglik", LL4 / math.log(10)).message
    assert "log-odds" in evaluate("ex-regression-odds", WRONG["ex-regression-odds"][0]).message
    assert "delta method" in evaluate("ex-regression-odds",
                                      WRONG["ex-regression-odds"][1]).message
    assert evaluate("ex-regression-lad", " (B) ").status == "pass"
    assert evaluate("ex-regression-newton", list(STEP)).status == "pass"
