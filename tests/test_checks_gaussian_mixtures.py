"""Self-checks of the chapter "Gaussian mixtures": right passes, wrong fails."""

import numpy as np
from scipy.stats import norm

from mlecourse.checks import evaluate
from mlecourse.checks.gaussian_mixtures import _BIC_CHOICE
from mlecourse.datasets import load_faithful
from mlecourse.em import gmm_em

from checks_contract import chapter_contract

FAITHFUL = load_faithful()
X1 = FAITHFUL["eruptions"].to_numpy()

LABELS = [
    "ex-gaussian_mixtures-resp",
    "ex-gaussian_mixtures-waiting",
    "ex-gaussian_mixtures-kmeans",
    "ex-gaussian_mixtures-bic",
]


def _sorted_fit(x, seed):
    fit = gmm_em(x, 2, n_init=2, rng=seed)
    o = np.argsort(fit.means[:, 0])
    return fit, fit.weights[o], fit.means[o, 0], np.sqrt(fit.covariances[o, 0, 0])


def _solution_resp():
    fit, w, mu, sd = _sorted_fit(X1, 5)          # a different seed from the checker's
    return float(fit.predict_proba([3.0])[0, np.argmax(fit.means[:, 0])])


def _solution_waiting():
    _, w, mu, _ = _sorted_fit(FAITHFUL["waiting"].to_numpy(), 9)
    return (mu, w)


def _solution_kmeans():
    c = np.array([2.0, 4.0])
    while True:
        lab = np.abs(X1[:, None] - c).argmin(axis=1)
        new = np.array([X1[lab == k].mean() for k in range(2)])
        if np.array_equal(new, c):
            return np.sort(c)
        c = new


SOLUTIONS = {
    "ex-gaussian_mixtures-resp": _solution_resp(),
    "ex-gaussian_mixtures-waiting": _solution_waiting(),
    "ex-gaussian_mixtures-kmeans": _solution_kmeans(),
    "ex-gaussian_mixtures-bic": (17, 2),
}


def _wrong_resp():
    _, w, mu, sd = _sorted_fit(X1, 5)
    d = w * norm.pdf(3.0, mu, sd)
    u = norm.pdf(3.0, mu, sd)
    return [d[0] / d.sum(), u[1] / u.sum(), 0.5, 1.5]


WRONG = {
    "ex-gaussian_mixtures-resp": _wrong_resp(),
    "ex-gaussian_mixtures-waiting": [
        (SOLUTIONS["ex-gaussian_mixtures-waiting"][0][::-1],
         SOLUTIONS["ex-gaussian_mixtures-waiting"][1][::-1]),
        (SOLUTIONS["ex-gaussian_mixtures-waiting"][0],
         SOLUTIONS["ex-gaussian_mixtures-waiting"][1][::-1]),
        (np.array([54.0, 80.0]), np.array([0.36, 0.64])),
    ],
    "ex-gaussian_mixtures-kmeans": [np.array([2.0, 4.0]), _solution_kmeans()[::-1],
                                    _sorted_fit(X1, 5)[2], np.array([1.0, 2.0, 3.0])],
    "ex-gaussian_mixtures-bic": [(18, 2), (20, 2), (17, 5), (17, 3), (17.5, 2), ("17", 2)],
}


TestContract = chapter_contract("gaussian_mixtures", LABELS, SOLUTIONS, WRONG)


def test_the_1d_fit_is_the_published_one():
    # Old Faithful eruptions, two normals: e.g. mixtools::normalmixEM gives
    # lambda = (0.348, 0.652), mu = (2.019, 4.273), sigma = (0.236, 0.437)
    _, w, mu, sd = _sorted_fit(X1, 0)
    np.testing.assert_allclose(w, [0.348, 0.652], atol=1e-3)
    np.testing.assert_allclose(mu, [2.019, 4.273], atol=1e-3)
    np.testing.assert_allclose(sd, [0.236, 0.437], atol=1e-3)


def test_the_waiting_fit_agrees_with_scikit_learn():
    from sklearn.mixture import GaussianMixture

    means, weights = SOLUTIONS["ex-gaussian_mixtures-waiting"]
    gm = GaussianMixture(2, tol=1e-10, max_iter=2000, n_init=3, random_state=0)
    gm.fit(FAITHFUL[["waiting"]].to_numpy(dtype=float))
    o = np.argsort(gm.means_[:, 0])
    np.testing.assert_allclose(gm.means_[o, 0], means, rtol=1e-5)
    np.testing.assert_allclose(gm.weights_[o], weights, rtol=1e-4)


def test_the_kmeans_solution_agrees_with_scikit_learn():
    from sklearn.cluster import KMeans

    km = KMeans(2, init=np.array([[2.0], [4.0]]), n_init=1, tol=0).fit(X1[:, None])
    np.testing.assert_allclose(np.sort(km.cluster_centers_[:, 0]),
                               SOLUTIONS["ex-gaussian_mixtures-kmeans"], rtol=1e-10)


def test_bic_choice_used_by_the_checker():
    bics = [gmm_em(FAITHFUL[["eruptions", "waiting"]].to_numpy(), k, n_init=4, rng=2).bic()
            for k in range(1, 6)]
    assert int(np.argmin(bics)) + 1 == _BIC_CHOICE
    assert gmm_em(FAITHFUL[["eruptions", "waiting"]].to_numpy(), 3, rng=0).n_parameters == 17


def test_specific_feedback_for_common_mistakes():
    assert "short component" in evaluate("ex-gaussian_mixtures-resp",
                                         WRONG["ex-gaussian_mixtures-resp"][0]).message
    assert "weights w_k are missing" in evaluate("ex-gaussian_mixtures-resp",
                                                 WRONG["ex-gaussian_mixtures-resp"][1]).message
    assert "K - 1" in evaluate("ex-gaussian_mixtures-bic", (18, 2)).message
    assert "mixture's means" in evaluate("ex-gaussian_mixtures-kmeans",
                                         _sorted_fit(X1, 5)[2]).message
