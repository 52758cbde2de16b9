"""Hidden tests for book/gaussian_mixtures.md (Gaussian mixtures).

The 1-D mixtures are fitted here by a plain EM written for this file, the 2-D
BIC choice by scikit-learn, k-means by SciPy: none of them by mlecourse.
"""

import numpy as np
from scipy import stats
from scipy.cluster.vq import kmeans2

from mlecourse.coursework.hidden import (
    array,
    expect_array_close,
    expect_close,
    expect_equal,
    fail,
    hidden_test,
)
from mlecourse.datasets import load_faithful

from _reference import em_normal_mixture_1d  # tests/instructor/_reference.py

CHAPTER = "gaussian_mixtures"

_faithful = load_faithful()
X1 = _faithful["eruptions"].to_numpy(dtype=float)
WAITING = _faithful["waiting"].to_numpy(dtype=float)
X2 = _faithful[["eruptions", "waiting"]].to_numpy(dtype=float)




_w1, _mu1, _sd1 = em_normal_mixture_1d(X1, [0.5, 0.5], [2.0, 4.5], [0.5, 0.5])
_dens = _w1 * stats.norm.pdf(3.0, _mu1, _sd1)
R_LONG = float(_dens[1] / _dens.sum())
WEIGHTS_W, MEANS_W, _ = em_normal_mixture_1d(WAITING, [0.5, 0.5], [55.0, 80.0], [6.0, 6.0])
_centres, _ = kmeans2(X1[:, None], np.array([[2.0], [4.0]]), iter=200, minit="matrix")
CENTRES_1D = np.sort(_centres[:, 0])
# free parameters of K = 3 full-covariance components in D = 2: weights, means, covariances
N_PARAMS3 = (3 - 1) + 3 * 2 + 3 * (2 * 3 // 2)


def _bic_choice():
    from sklearn.mixture import GaussianMixture

    # two starts and a loose tolerance keep loading fast; the BIC of K = 2 is lower than
    # that of K = 3 by about 12, far more than these settings can move it
    bics = [GaussianMixture(k, covariance_type="full", n_init=2, tol=1e-4, max_iter=500,
                            random_state=0).fit(X2).bic(X2) for k in range(1, 6)]
    return int(np.argmin(bics)) + 1


K_BIC = _bic_choice()


@hidden_test("ex-gaussian_mixtures-resp", points=1, variables=["r_long"])
def responsibility(r_long):
    expect_close(r_long, R_LONG, name="r_long")


@hidden_test("ex-gaussian_mixtures-waiting", points=1, variables=["means_w"])
def waiting_means(means_w):
    means = array(means_w, "means_w", shape=(2,))
    if means[0] > means[1]:
        fail("means_w should be in increasing order.")
    expect_array_close(means, MEANS_W, name="means_w")


@hidden_test("ex-gaussian_mixtures-waiting", points=1, variables=["means_w", "weights_w"])
def waiting_weights(means_w, weights_w):
    means = array(means_w, "means_w", shape=(2,))
    weights = array(weights_w, "weights_w", shape=(2,))
    if means[0] > means[1]:
        fail("give the weights in the order of the means, increasing.")
    expect_array_close(weights, WEIGHTS_W, name="weights_w")


@hidden_test("ex-gaussian_mixtures-kmeans", points=1, variables=["centres_1d"])
def kmeans(centres_1d):
    expect_array_close(centres_1d, CENTRES_1D, name="centres_1d")


@hidden_test("ex-gaussian_mixtures-bic", points=1, variables=["n_params3"])
def parameters(n_params3):
    expect_equal(n_params3, N_PARAMS3, name="n_params3")


@hidden_test("ex-gaussian_mixtures-bic", points=1, variables=["k_bic"])
def bic_choice(k_bic):
    expect_equal(k_bic, K_BIC, name="k_bic")
