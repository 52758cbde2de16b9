"""The explorers, driven the way a reader drives them: sliders, buttons, a dropdown."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlecourse import fit, loglik  # noqa: E402
from mlecourse.plots import find_artist  # noqa: E402
from mlecourse.widgets import likelihood_explorer, newton_stepper  # noqa: E402

CAUCHY = np.array([-1.9, 0.3, 1.1, 8.0, 9.5, 2.2, 0.9])


def cauchy_ll(m):
    return loglik("student_t", CAUCHY, mu=m, sigma=1.0, nu=1.0)


def cauchy_score(m):
    r = CAUCHY - m
    return np.sum(2 * r / (1 + r * r))


def cauchy_info(m):
    r = CAUCHY - m
    return np.sum(2 * (1 - r * r) / (1 + r * r) ** 2)


def _controls(widget):
    """Every widget in the tree."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(_controls(child))
    return out


def test_import_mlecourse_loads_neither_ipywidgets_nor_matplotlib():
    code = ("import sys, mlecourse; "
            "bad = [m for m in ('ipywidgets', 'matplotlib') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_control_has_a_description():
    import ipywidgets as w

    for ex in (likelihood_explorer(n=10),
               newton_stepper(cauchy_ll, cauchy_score, cauchy_info, start=0.5,
                              start_range=(-3, 10), grid=np.linspace(-4, 12, 81))):
        controls = [c for c in _controls(ex.widget)
                    if isinstance(c, (w.Button, w.FloatSlider, w.IntSlider, w.Dropdown))]
        assert len(controls) >= 3
        for c in controls:
            assert c.description.strip(), f"{type(c).__name__} has no description"
        bundle = ex._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle


def test_slider_moves_the_marker_and_the_model():
    ex = likelihood_explorer("bernoulli", n=40, rng=5)
    before = ex.image.value
    ex.theta_slider.value = 0.3
    cur = find_artist(ex.panel.ax_lik, "current")
    ll_hat = fit("bernoulli", ex.data).loglik
    assert cur.get_xdata()[0] == pytest.approx(0.3)
    assert cur.get_ydata()[0] == pytest.approx(np.exp(loglik("bernoulli", ex.data, p=0.3)
                                                      - ll_hat))
    np.testing.assert_allclose(find_artist(ex.panel.ax_data, "model").get_ydata(), [0.7, 0.3])
    assert ex.image.value != before and ex.png[:4] == b"\x89PNG"
    assert ex.image.value.startswith('<img src="data:image/png;base64,')
    # the picture says in words what it shows
    alt = ex.image.value.split('alt="')[1].split('"')[0]
    assert f"MLE {ex.data.mean():.3g}" in alt and "p = 0.3" in alt
    assert "At p = 0.300" in ex.status.value


def test_sample_size_and_new_sample_follow_the_seed():
    ex = likelihood_explorer("bernoulli", n=25, rng=11, max_n=200)
    rng = np.random.default_rng(11)
    first = (rng.random(200) < 0.6).astype(float)
    second = (rng.random(200) < 0.6).astype(float)
    np.testing.assert_array_equal(ex.data, first[:25])
    assert find_artist(ex.panel.ax_lik, "mle").get_xdata()[0] == pytest.approx(first[:25].mean())
    ex.n_slider.value = 120
    np.testing.assert_array_equal(ex.data, first[:120])
    curve = find_artist(ex.panel.ax_lik, "curve")
    ll = loglik("bernoulli", first[:120], p=curve.get_xdata())
    np.testing.assert_allclose(curve.get_ydata(), np.exp(ll - ll.max()), rtol=1e-2)
    assert find_artist(ex.panel.ax_lik, "mle").get_xdata()[0] == pytest.approx(first[:120].mean())
    ex.new_sample_button.click()
    np.testing.assert_array_equal(ex.data, second[:120])
    assert ex.mle == pytest.approx(second[:120].mean())
    assert f"{second[:120].mean():.3f}" in ex.status.value


def test_two_explorers_with_the_same_seed_agree():
    a = likelihood_explorer("exponential", n=30, rng=2)
    b = likelihood_explorer("exponential", n=30, rng=2)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.png == b.png and a.image.value == b.image.value


def test_family_change_resets_the_slider_and_the_data():
    ex = likelihood_explorer("bernoulli", n=50, rng=3)
    ex.theta_slider.value = 0.9
    ex.family_select.value = "poisson"
    assert ex.theta_slider.description == "Parameter lam"
    assert (ex.theta_slider.min, ex.theta_slider.max) == (0.2, 8.0)
    assert ex.theta_slider.value == 3.0
    assert np.all(ex.data == np.round(ex.data)) and ex.data.max() > 1
    assert find_artist(ex.panel.ax_lik, "mle").get_xdata()[0] == pytest.approx(ex.data.mean())
    ex.family_select.value = "normal"
    assert ex.theta_slider.value == 0.0 and ex.theta_slider.min == -2.0
    assert ex.mle == pytest.approx(ex.data.mean())
    ex.family_select.value = "exponential"
    assert ex.mle == pytest.approx(1 / ex.data.mean())
    ex.theta_slider.value = 2.0
    cur = find_artist(ex.panel.ax_lik, "current")
    rel = np.exp(loglik("exponential", ex.data, rate=2.0) - fit("exponential", ex.data).loglik)
    assert cur.get_ydata()[0] == pytest.approx(rel)


def test_explorer_bad_input():
    with pytest.raises(ValueError, match="family must be one of"):
        likelihood_explorer("cauchy")
    with pytest.raises(ValueError, match="n must be >= 1"):
        likelihood_explorer(n=0)
    with pytest.raises(ValueError, match="n must be <= 50"):
        likelihood_explorer(n=60, max_n=50)
    with pytest.raises(ValueError, match="true_value must be <= 0.99"):
        likelihood_explorer("bernoulli", true_value=1.0)
    with pytest.raises(TypeError, match="rng must be None, an integer seed"):
        likelihood_explorer(rng="seed")


def test_newton_stepper_steps_resets_and_restarts():
    grid = np.linspace(-4, 12, 81)
    st = newton_stepper(cauchy_ll, cauchy_score, cauchy_info, start=0.5, start_range=(-3, 10),
                        grid=grid)
    assert st.steps == 0 and st.path.theta[0] == 0.5
    assert len(find_artist(st.ax, "iterates").get_xdata()) == 1
    first = st.image.value
    st.step_button.click()
    st.step_button.click()
    assert st.steps == 2
    np.testing.assert_allclose(find_artist(st.ax, "iterates").get_xdata(), st.path.theta[:3])
    assert st.table.value.count("<tr>") == 1 + 3  # header and three iterates
    assert st.image.value != first
    assert f"current iterate is {st.path.theta[2]:.6g}" in st.image.value
    assert f"stationary point at {st.path.theta[3]:.6g}" in st.image.value
    for _ in range(st.path.n_iter + 3):  # stepping past the end stays at the end
        st.step_button.click()
    assert st.steps == st.path.n_iter
    assert "converged" in st.table.value
    st.reset_button.click()
    assert st.steps == 0 and st.table.value.count("<tr>") == 2
    st.start_slider.value = 5.0  # a start that converges to the minimum between the clusters
    assert st.path.theta[0] == pytest.approx(5.0) and st.steps == 0
    assert not st.path.is_maximum


def test_newton_stepper_bad_input():
    grid = np.linspace(-4, 12, 81)
    with pytest.raises(TypeError, match="score must be a function"):
        newton_stepper(cauchy_ll, 1.0, cauchy_info, start=0.5, start_range=(-3, 10), grid=grid)
    with pytest.raises(ValueError, match="start must be <= 10"):
        newton_stepper(cauchy_ll, cauchy_score, cauchy_info, start=11.0, start_range=(-3, 10),
                       grid=grid)
    with pytest.raises(ValueError, match=r"start_range must be \(low, high\)"):
        newton_stepper(cauchy_ll, cauchy_score, cauchy_info, start=0.5, start_range=(10, -3),
                       grid=grid)
    with pytest.raises(ValueError, match="grid must be strictly increasing"):
        newton_stepper(cauchy_ll, cauchy_score, cauchy_info, start=0.5, start_range=(-3, 10),
                       grid=grid[::-1])
