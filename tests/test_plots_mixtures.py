"""Mixture plots and the EM animation: what is drawn must be the mixture's numbers."""

import gc

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402
from scipy import stats  # noqa: E402

from mlecourse.em import ConvergenceWarning, gmm_em  # noqa: E402
from mlecourse.plots import mixtures as pm  # noqa: E402

RNG = np.random.default_rng(7)
X1 = np.concatenate([RNG.normal(0.0, 1.0, 150), RNG.normal(5.0, 0.5, 100)])
X2 = np.vstack([RNG.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 120),
                RNG.multivariate_normal([6, 3], [[0.5, 0], [0, 2]], 80)])
P1 = {"weights": [0.6, 0.4], "means": [0.0, 5.0], "covariances": [1.0, 0.25]}
P2 = {"weights": np.array([0.6, 0.4]), "means": np.array([[0.0, 0.0], [6.0, 3.0]]),
      "covariances": np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.5, 0.0], [0.0, 2.0]]])}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_mixture_params_accepts_1d_shapes_and_fitted_results():
    w, m, c = pm.mixture_params(P1)
    assert w.shape == (2,) and m.shape == (2, 1) and c.shape == (2, 1, 1)
    assert c[1, 0, 0] == 0.25
    fit = gmm_em(X2, 2, rng=0)
    w2, m2, c2 = pm.mixture_params(fit)
    np.testing.assert_array_equal(m2, fit.means)
    np.testing.assert_array_equal(c2, fit.covariances)


@pytest.mark.parametrize("bad, exc, text", [
    ({"weights": [1.0], "means": [0.0]}, ValueError, "missing ['covariances']"),
    ([1, 2, 3], TypeError, "must be a fitted mixture"),
    ({"weights": [0.5, 0.6], "means": [0, 1], "covariances": [1, 1]}, ValueError, "sum to 1"),
    ({"weights": [0.5, 0.5], "means": [0, 1], "covariances": [1, -1]}, ValueError,
     "positive definite"),
    ({"weights": [0.5, 0.5], "means": [0, 1, 2], "covariances": [1, 1]}, ValueError,
     "one row per component"),
    ({"weights": [0.5, 0.5], "means": [[0, 1], [1, 1]], "covariances": [1, 1]}, ValueError,
     "(2, 2, 2)"),
])
def test_mixture_params_rejects_bad_parameters(bad, exc, text):
    with pytest.raises(exc) as info:
        pm.mixture_params(bad)
    assert text in str(info.value)


def test_plot_mixture_1d_draws_the_mixture_density_and_its_components():
    ax = pm.plot_mixture_1d(X1, P1)
    mix, *comps = ax.get_lines()
    grid, dens = mix.get_xdata(), mix.get_ydata()
    expected = 0.6 * stats.norm.pdf(grid, 0, 1) + 0.4 * stats.norm.pdf(grid, 5, 0.5)
    np.testing.assert_allclose(dens, expected, rtol=1e-10)
    assert len(comps) == 2
    np.testing.assert_allclose(comps[0].get_ydata() + comps[1].get_ydata(), dens, rtol=1e-10)
    # the grid covers the data and three standard deviations of each component: area ~ 1
    assert abs(np.trapezoid(dens, grid) - 1) < 0.01
    # the histogram is a density too
    heights = [p.get_height() * p.get_width() for p in ax.patches]
    assert abs(sum(heights) - 1) < 1e-10
    assert "weight 0.60" in comps[0].get_label()


def test_plot_mixture_1d_refuses_a_2d_mixture():
    with pytest.raises(ValueError, match="needs a 1-D mixture"):
        pm.plot_mixture_1d(X1, P2)


@pytest.mark.parametrize("n_std", [1.0, 2.0, 3.0])
def test_covariance_ellipse_is_the_mahalanobis_contour(n_std):
    mean = np.array([1.0, -2.0])
    cov = np.array([[3.0, 1.2], [1.2, 1.0]])
    fig, ax = plt.subplots()
    patch = pm.covariance_ellipse(mean, cov, n_std=n_std, ax=ax)
    assert isinstance(patch, Ellipse) and patch in ax.patches
    t = np.linspace(0, 2 * np.pi, 50)
    a = np.radians(patch.angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    pts = np.column_stack([patch.width / 2 * np.cos(t), patch.height / 2 * np.sin(t)]) @ rot.T
    np.testing.assert_allclose(patch.center, mean)
    diff = pts
    d2 = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
    np.testing.assert_allclose(d2, n_std ** 2, rtol=1e-6)


def test_covariance_ellipse_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        pm.covariance_ellipse([0, 0, 0], np.eye(3))
    with pytest.raises(ValueError, match="positive definite"):
        pm.covariance_ellipse([0, 0], [[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="positive"):
        pm.covariance_ellipse([0, 0], np.eye(2), n_std=0)


def test_plot_mixture_2d_colours_points_by_responsibility():
    ax = pm.plot_mixture_2d(X2, P2, n_std=(1.0, 2.0, 3.0))
    assert sum(isinstance(p, Ellipse) for p in ax.patches) == 2 * 3
    colors = ax.collections[0].get_facecolors()[:, :3]
    log_wd = np.column_stack([np.log(P2["weights"][k]) + stats.multivariate_normal(
        P2["means"][k], P2["covariances"][k]).logpdf(X2) for k in range(2)])
    resp = np.exp(log_wd - np.logaddexp(log_wd[:, 0], log_wd[:, 1])[:, None])
    palette = np.array([to_rgb(pm.COLORS[0]), to_rgb(pm.COLORS[1])])
    np.testing.assert_allclose(colors, resp @ palette, atol=1e-6)
    # a point at component 2's mean is coloured (almost exactly) component 2's colour
    ax2 = pm.plot_mixture_2d(np.array([[6.0, 3.0], [0.0, 0.0]]), P2)
    np.testing.assert_allclose(ax2.collections[0].get_facecolors()[0, :3], palette[1], atol=1e-3)


def test_plot_mixture_2d_checks_dimensions():
    with pytest.raises(ValueError, match="2-D data and a 2-D mixture"):
        pm.plot_mixture_2d(np.column_stack([X2, X2[:, 0]]), P2)


def test_plot_loglik_history_values_and_gap():
    h = np.array([-10.0, -6.0, -5.0, -4.75, -4.7])
    ax = pm.plot_loglik_history(h)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), h)
    ax = pm.plot_loglik_history({"a": h, "b": h - 1}, gap=True)
    line_a, line_b = ax.get_lines()
    np.testing.assert_allclose(line_a.get_ydata(), (h.max() - h)[:-1])  # the zero gap is dropped
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    ax = pm.plot_loglik_history(h, gap=True, final=-4.0)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), -4.0 - h)


def test_plot_loglik_history_of_a_run_just_started_has_whole_number_ticks():
    fig, ax = plt.subplots()
    pm.plot_loglik_history([-1320.4], ax=ax)
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    plt.close(fig)


def test_plot_loglik_history_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        pm.plot_loglik_history({})
    with pytest.raises(ValueError, match="no gap"):
        pm.plot_loglik_history([1.0, 1.0], gap=True)
    with pytest.raises(ValueError, match="NaN"):
        pm.plot_loglik_history([1.0, np.nan])


def _path_2d(n):
    with pytest.warns(ConvergenceWarning):  # one iteration only, on purpose
        fit = gmm_em(X2, 2, init=P2, max_iter=1, tol=0.0)
    return [P2, fit][: n]


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_em_animation_frames_and_titles():
    path = [P1, {"weights": [0.5, 0.5], "means": [1.0, 4.0], "covariances": [2.0, 1.0]}, P1]
    anim = pm.em_animation(X1, path, iterations=[0, 5, 9], logliks=[-3.0, -2.0, -1.0])
    assert isinstance(anim, FuncAnimation)
    fig = anim._fig
    assert fig.dpi == 72
    anim._func(1)
    ax = fig.axes[0]
    assert ax.get_title() == "iteration 5, log-likelihood -2.00"
    grid = ax.get_lines()[0].get_xdata()
    expected = 0.5 * stats.norm.pdf(grid, 1, np.sqrt(2)) + 0.5 * stats.norm.pdf(grid, 4, 1)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), expected, rtol=1e-10)
    plt.close(fig)
    del anim, fig
    gc.collect()  # delete the never-rendered animation here, where its warning is ignored


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_em_animation_2d_frame_draws_that_frames_mixture():
    fit = _path_2d(2)[1]
    anim = pm.em_animation(X2, [P2, fit], logliks=[-1.0, -0.5])
    fig = anim._fig
    anim._func(1)
    ax = fig.axes[0]
    assert ax.get_title() == "iteration 1, log-likelihood -0.50"
    ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
    assert len(ellipses) == 4
    # the first component's 2-sd ellipse is the Mahalanobis contour of fit's covariance
    e = ellipses[1]
    t = np.linspace(0, 2 * np.pi, 20)
    a = np.radians(e.angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    pts = np.column_stack([e.width / 2 * np.cos(t), e.height / 2 * np.sin(t)]) @ rot.T
    d2 = np.einsum("ni,ij,nj->n", pts, np.linalg.inv(fit.covariances[0]), pts)
    np.testing.assert_allclose(d2, 4.0, rtol=1e-6)
    np.testing.assert_allclose(e.center, fit.means[0])
    # point colours are the responsibilities under fit mixed with the component colours
    palette = np.array([to_rgb(pm.COLORS[0]), to_rgb(pm.COLORS[1])])
    np.testing.assert_allclose(ax.collections[0].get_facecolors()[:, :3],
                               fit.predict_proba(X2) @ palette, atol=1e-6)
    plt.close(fig)
    del anim, fig
    gc.collect()


def test_em_animation_as_html_embeds_every_frame():
    html = pm.em_animation(X2, _path_2d(2), as_html=True, figsize=(3, 2), dpi=40,
                           alt="Two ellipses separating <short> & long eruptions")
    assert isinstance(html, str)
    assert html.count("data:image/png;base64") == 2
    assert plt.get_fignums() == []  # the figure was closed
    # accessible and offline: alt text on the frame, a labelled slider, no CDN stylesheet
    assert 'alt="Two ellipses separating &lt;short&gt; &amp; long eruptions"' in html
    assert 'aria-label="Animation frame"' in html
    assert "maxcdn" not in html
    with pytest.raises(ValueError, match="as_html=True needs alt"):
        pm.em_animation(X2, _path_2d(2), as_html=True, figsize=(3, 2), dpi=40)


def test_em_animation_rejects_bad_input():
    with pytest.raises(ValueError, match="max_frames = 3"):
        pm.em_animation(X1, [P1] * 4, max_frames=3)
    with pytest.raises(TypeError, match="list of mixture parameters"):
        pm.em_animation(X1, P1)
    with pytest.raises(ValueError, match="2-D mixture but the data are 1-D"):
        pm.em_animation(X1, [P2])
    with pytest.raises(ValueError, match="one entry per frame"):
        pm.em_animation(X1, [P1, P1], iterations=[0])
    with pytest.raises(ValueError, match="1-D or 2-D"):
        pm.em_animation(np.ones((5, 3)), [P1])
    with pytest.raises(ValueError, match="dpi must be <= 100"):
        pm.em_animation(X1, [P1], dpi=300)
    three = {"weights": [0.2, 0.3, 0.5], "means": [0, 1, 2], "covariances": [1, 1, 1]}
    with pytest.raises(ValueError, match="same number of components"):
        pm.em_animation(X1, [P1, three])


def test_importing_mlecourse_plots_mixtures_is_listed_in_plots():
    import mlecourse.plots as plots

    assert plots.em_animation is pm.em_animation
    assert plots.plot_mixture_2d is pm.plot_mixture_2d
