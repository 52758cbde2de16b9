"""Hidden tests for book/hidden_labels.md (Hidden labels: mixtures)."""

import math

import numpy as np
from scipy import special, stats

from mlecourse.coursework.hidden import array, expect_close, expect_equal, hidden_test
from mlecourse.datasets import load_faithful

from _reference import em_normal_mixture_1d  # tests/instructor/_reference.py

CHAPTER = "hidden_labels"

_faithful = load_faithful()
ERUPTIONS = _faithful["eruptions"].to_numpy(dtype=float)
WAITING = _faithful["waiting"].to_numpy(dtype=float)


def _loglik(x, w, mu, sd):
    return float(special.logsumexp(np.log(w) + stats.norm.logpdf(x[:, None], mu, sd),
                                   axis=1).sum())




LL_OBS = _loglik(ERUPTIONS, [0.4, 0.6], [2.0, 4.3], [0.3, 0.4])
_short = ERUPTIONS[ERUPTIONS < 3.0]
W_SHORT, MU_SHORT, SD_SHORT = _short.size / ERUPTIONS.size, _short.mean(), _short.std()
_w, _mu, _sd = em_normal_mixture_1d(ERUPTIONS, [0.5, 0.5], [2.0, 4.5], [0.5, 0.5])
_dens = _w * stats.norm.pdf(2.75, _mu, _sd)
P_LONG = float(_dens[np.argmax(_mu)] / _dens.sum())
N_EQUIVALENT = math.factorial(3)
_ww, _muw, _sdw = em_normal_mixture_1d(WAITING, [0.5, 0.5], [55.0, 80.0], [6.0, 6.0])
LL_WAITING = _loglik(WAITING, _ww, _muw, _sdw)
MU_LOW, MU_HIGH = np.sort(_muw)


@hidden_test("ex-hidden_labels-loglik", points=1, variables=["ll_obs"])
def observed_loglik(ll_obs):
    expect_close(ll_obs, LL_OBS, name="ll_obs")


@hidden_test("ex-hidden_labels-complete", points=1,
             variables=["w_short", "mu_short", "sd_short"])
def complete(w_short, mu_short, sd_short):
    expect_close(w_short, W_SHORT, name="w_short")
    expect_close(mu_short, MU_SHORT, name="mu_short")
    expect_close(sd_short, SD_SHORT, name="sd_short")


@hidden_test("ex-hidden_labels-resp", points=1, variables=["p_long"])
def responsibility(p_long):
    expect_close(p_long, P_LONG, name="p_long")


@hidden_test("ex-hidden_labels-switch", points=1, variables=["n_equivalent"])
def switch(n_equivalent):
    expect_equal(n_equivalent, N_EQUIVALENT, name="n_equivalent")


@hidden_test("ex-hidden_labels-waiting", points=1, variables=["ll_waiting"])
def waiting_loglik(ll_waiting):
    expect_close(ll_waiting, LL_WAITING, name="ll_waiting")


@hidden_test("ex-hidden_labels-waiting", points=1, variables=["mu_low", "mu_high"])
def waiting_means(mu_low, mu_high):
    means = array([mu_low, mu_high], "(mu_low, mu_high)")
    expect_close(means[0], MU_LOW, name="mu_low")
    expect_close(means[1], MU_HIGH, name="mu_high")
