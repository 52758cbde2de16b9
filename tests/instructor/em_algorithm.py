"""Hidden tests for book/em_algorithm.md (The EM algorithm)."""

import numpy as np
from scipy import optimize, stats

from mlecourse.coursework.hidden import expect_choice, expect_close, hidden_test

CHAPTER = "em_algorithm"

# Rao's linkage data: cells (1/2 + t/4, (1-t)/4, (1-t)/4, t/4); the first cell hides a
# count z ~ Binomial(x1, t / (2 + t)) from the t/4 part.
Y_RAO = (125, 18, 20, 34)


def _estep(t, y):
    return y[0] * (t / 4) / (0.5 + t / 4)


def _em_map(t, y):
    x = _estep(t, y)
    return (x + y[3]) / (x + y[1] + y[2] + y[3])


Z_HAT0 = _estep(0.3, Y_RAO)
THETA1 = _em_map(0.3, Y_RAO)

# Fisher and Balmukand's counts: maximise the observed log-likelihood directly, and take
# EM's rate as the derivative of the EM map at the MLE (a central difference)
Y_FB = (1997, 906, 904, 32)


def _negloglik(t, y):
    return -(y[0] * np.log(2 + t) + (y[1] + y[2]) * np.log(1 - t) + y[3] * np.log(t))


THETA_HAT_FB = optimize.minimize_scalar(_negloglik, bounds=(1e-9, 1 - 1e-9), args=(Y_FB,),
                                        method="bounded", options={"xatol": 1e-13}).x
_h = 1e-6
RATE_FB = (_em_map(THETA_HAT_FB + _h, Y_FB) - _em_map(THETA_HAT_FB - _h, Y_FB)) / (2 * _h)

# gap at theta = 0.5 from theta_t = 0.2: KL between the two binomial laws of the hidden count
_k = np.arange(Y_RAO[0] + 1)
_a = stats.binom(Y_RAO[0], 0.2 / 2.2)
_b = stats.binom(Y_RAO[0], 0.5 / 2.5)
GAP_05 = float(np.sum(_a.pmf(_k) * (_a.logpmf(_k) - _b.logpmf(_k))))


@hidden_test("ex-em_algorithm-first-step", points=1, variables=["z_hat0"])
def first_estep(z_hat0):
    expect_close(z_hat0, Z_HAT0, name="z_hat0")


@hidden_test("ex-em_algorithm-first-step", points=1, variables=["theta1"])
def first_mstep(theta1):
    expect_close(theta1, THETA1, name="theta1")


@hidden_test("ex-em_algorithm-fisher", points=1, variables=["theta_hat_fb"])
def fisher_mle(theta_hat_fb):
    expect_close(theta_hat_fb, THETA_HAT_FB, name="theta_hat_fb")


@hidden_test("ex-em_algorithm-fisher", points=1, variables=["rate_fb"])
def fisher_rate(rate_fb):
    expect_close(rate_fb, RATE_FB, name="rate_fb")


@hidden_test("ex-em_algorithm-gap", points=1, variables=["gap_05"])
def gap(gap_05):
    expect_close(gap_05, GAP_05, name="gap_05")


@hidden_test("ex-em_algorithm-claim", points=1, variables=["answer"])
def claim(answer):
    expect_choice(answer, "c", ["a", "b", "c", "d"], name="answer")
