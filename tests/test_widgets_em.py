"""The EM stepper: single steps must be exactly the package's EM iterations."""

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlecourse.datasets import load_faithful  # noqa: E402
from mlecourse.em import ConvergenceWarning, gmm_em  # noqa: E402
from mlecourse.widgets_em import GMMStepper, em_stepper  # noqa: E402

FAITHFUL = load_faithful()
X1 = FAITHFUL["eruptions"].to_numpy()
X2 = FAITHFUL[["eruptions", "waiting"]].to_numpy()
START2 = {"weights": np.array([0.5, 0.5]), "means": np.array([[3.0, 70.0], [3.5, 72.0]]),
          "covariances": np.repeat(np.cov(X2.T, bias=True)[None], 2, axis=0)}


def test_twenty_single_steps_equal_a_twenty_iteration_run():
    stepper = GMMStepper(X2, 2, init=START2).step(5).step(15)
    assert stepper.iteration == 20 and len(stepper.path) == 21
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = gmm_em(X2, 2, init=START2, max_iter=20, tol=0.0)
    np.testing.assert_allclose(stepper.loglik_history, ref.loglik_history, rtol=1e-12)
    for key in ("weights", "means", "covariances"):
        np.testing.assert_allclose(stepper.params[key], getattr(ref, key), rtol=1e-10)


def test_loglik_never_decreases_and_run_reaches_the_packaged_fit():
    stepper = GMMStepper(X1, 2, init="random", rng=3).run()
    assert np.all(np.diff(stepper.loglik_history) >= -1e-9)
    ref = gmm_em(X1, 2, init=stepper.path[0])
    assert stepper.iteration == ref.n_iter
    assert stepper.loglik == pytest.approx(ref.loglik, rel=1e-12)
    # the published two-component fit of the eruption durations (e.g. mixtools' normalmixEM)
    order = np.argsort(stepper.params["means"][:, 0])
    np.testing.assert_allclose(stepper.params["means"][order, 0], [2.0186, 4.2733], atol=1e-3)
    np.testing.assert_allclose(np.sqrt(stepper.params["covariances"][order, 0, 0]),
                               [0.2356, 0.4371], atol=1e-3)
    assert stepper.params["weights"][order][0] == pytest.approx(0.3484, abs=1e-3)


def test_reset_and_reproducible_random_start():
    a = GMMStepper(X2, 3, rng=11)
    b = GMMStepper(X2, 3, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a.path[0]["means"], b.path[0]["means"])
    # random starting means are data points, the covariances the pooled one plus
    # gmm_em's default floor (1e-10 of each column's variance)
    assert all(any(np.array_equal(m, row) for row in X2) for m in a.path[0]["means"])
    np.testing.assert_allclose(a.path[0]["covariances"][0],
                               np.cov(X2.T, bias=True) + np.diag(1e-10 * X2.var(axis=0)))
    start_ll = a.loglik
    a.step(4)
    assert a.loglik > start_ll
    a.reset()
    assert a.iteration == 0 and a.loglik == start_ll and len(a.path) == 1
    np.testing.assert_array_equal(a.params["means"], b.path[0]["means"])


def test_params_are_copies():
    s = GMMStepper(X1, 2, init={"weights": [0.5, 0.5], "means": [2.0, 4.0],
                                "covariances": [1.0, 1.0]})
    p = s.params
    p["means"][0, 0] = 99.0
    assert s.params["means"][0, 0] == 2.0


@pytest.mark.parametrize("kwargs, exc, text", [
    ({"init": "kmeans"}, ValueError, "init must be 'random' or a dict"),
    ({"init": [1, 2]}, TypeError, "init must be 'random' or a dict"),
    ({"init": {"weights": [1.0]}}, ValueError, "missing"),
    ({"reg_covar": -1.0}, ValueError, "reg_covar must be >= 0"),
])
def test_stepper_rejects_bad_input(kwargs, exc, text):
    with pytest.raises(exc, match=text):
        GMMStepper(X1, 2, **kwargs)


def test_stepper_rejects_more_components_than_points_and_bad_steps():
    with pytest.raises(ValueError, match="n_components must be <= 3"):
        GMMStepper([1.0, 2.0, 3.0], 4)
    s = GMMStepper(X1, 2, rng=0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        s.step(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        s.step(1.5)


def test_em_stepper_buttons_have_descriptions_and_do_what_they_say():
    box = em_stepper(X2, 2, init=START2, labels=("eruptions", "waiting"))
    buttons = box.children[0].children
    assert [b.description for b in buttons] == ["Step", "Run 10", "Run to convergence", "Reset"]
    assert all(b.tooltip for b in buttons)
    status, image = box.children[1], box.children[2]
    first_png = image.value
    assert first_png.startswith('<img src="data:image/png;base64,iVBORw0KGgo')  # a PNG
    assert 'alt="The mixture fitted after EM iteration 0' in first_png
    assert status.value.startswith("iteration 0:")
    buttons[0].click()
    assert box.stepper.iteration == 1 and status.value.startswith("iteration 1:")
    assert image.value != first_png
    buttons[1].click()
    assert box.stepper.iteration == 11
    buttons[2].click()
    ref = gmm_em(X2, 2, init=START2)
    assert box.stepper.iteration == ref.n_iter
    assert f"{ref.loglik:.6f}" in status.value
    buttons[3].click()
    assert box.stepper.iteration == 0 and image.value == first_png


def test_em_stepper_refuses_three_columns():
    with pytest.raises(ValueError, match="1-D or 2-D data"):
        em_stepper(np.random.default_rng(0).normal(size=(30, 3)), 2, rng=0)
