"""Likelihood plots: what is drawn must be the package's numbers, with the right labels."""

import gc

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

from mlecourse import fit, loglik  # noqa: E402
from mlecourse.newton import newton  # noqa: E402
from mlecourse.plots import (  # noqa: E402
    ExplorerFigure,
    animate_likelihood,
    animate_newton,
    find_artist,
    param_symbol,
    plot_data_model,
    plot_likelihood_curve,
    plot_loglik_contour,
    plot_newton_steps,
)

RNG = np.random.default_rng(20)
CLICKS = (RNG.random(100) < 0.6).astype(float)
HEIGHTS = RNG.normal(170.0, 8.0, size=40)
CAUCHY = np.array([-1.9, 0.3, 1.1, 8.0, 9.5, 2.2, 0.9])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cauchy_ll(m):
    return loglik("student_t", CAUCHY, mu=m, sigma=1.0, nu=1.0)


def _cauchy_path(x0=0.5, **kw):
    def score(m):
        r = CAUCHY - m
        return np.sum(2 * r / (1 + r * r))

    def info(m):
        r = CAUCHY - m
        return np.sum(2 * (1 - r * r) / (1 + r * r) ** 2)

    return newton(score, info, x0, **kw)


# --------------------------------------------------------------------------- curves

def test_likelihood_curve_values_labels_and_marks():
    grid = np.linspace(0.3, 0.9, 61)
    ax = plot_likelihood_curve("bernoulli", CLICKS, "p", grid, true_value=0.6)
    curve = find_artist(ax, "curve")
    np.testing.assert_allclose(curve.get_xdata(), grid)
    np.testing.assert_allclose(curve.get_ydata(), np.exp(loglik("bernoulli", CLICKS, p=grid)),
                               rtol=1e-12)
    assert ax.get_xlabel() == "$p$"
    assert ax.get_ylabel() == "likelihood $L(p)$"
    p_hat = CLICKS.mean()
    assert find_artist(ax, "mle").get_xdata()[0] == pytest.approx(p_hat)
    point = find_artist(ax, "mle-point")
    assert point.get_xdata()[0] == pytest.approx(p_hat)
    assert point.get_ydata()[0] == pytest.approx(np.exp(loglik("bernoulli", CLICKS, p=p_hat)))
    assert find_artist(ax, "true").get_xdata()[0] == 0.6
    # the MLE is the highest point of the curve
    assert np.max(curve.get_ydata()) <= point.get_ydata()[0] * (1 + 1e-12)


def test_binomial_curve_with_known_trials_peaks_at_k_over_n():
    grid = np.linspace(0.01, 0.99, 99)
    ax = plot_likelihood_curve("binomial", [60], "p", grid, trials=100)
    y = find_artist(ax, "curve").get_ydata()
    np.testing.assert_allclose(y, stats.binom.pmf(60, 100, grid), rtol=1e-10)
    assert find_artist(ax, "mle").get_xdata()[0] == pytest.approx(0.6)


def test_relative_and_log_scales():
    grid = np.linspace(0.4, 0.8, 41)
    ll = loglik("bernoulli", CLICKS, p=grid)
    ll_hat = fit("bernoulli", CLICKS).loglik
    cases = {
        (False, True): (np.exp(ll - ll_hat), "relative likelihood $L(p)/L(\\hat{p})$"),
        (True, False): (ll, "log-likelihood $\\ell(p)$"),
        (True, True): (ll - ll_hat, "$\\ell(p) - \\ell(\\hat{p})$"),
    }
    for (log, relative), (expected, label) in cases.items():
        ax = plot_likelihood_curve("bernoulli", CLICKS, "p", grid, log=log, relative=relative)
        np.testing.assert_allclose(find_artist(ax, "curve").get_ydata(), expected, rtol=1e-10)
        assert ax.get_ylabel() == label
        plt.close(ax.figure)


def test_other_parameters_fixed_or_profiled():
    grid = np.linspace(165, 175, 21)
    ax = plot_likelihood_curve("normal", HEIGHTS, "mu", grid, log=True, sigma=8.0)
    np.testing.assert_allclose(find_artist(ax, "curve").get_ydata(),
                               loglik("normal", HEIGHTS, mu=grid, sigma=8.0), rtol=1e-12)
    assert ax.get_ylabel() == "log-likelihood $\\ell(\\mu)$"
    # profiled: sigma is re-estimated at each mu, in closed form sqrt(mean((x - mu)^2))
    ax2 = plot_likelihood_curve("normal", HEIGHTS, "mu", grid, log=True)
    sig = np.sqrt(np.mean((HEIGHTS[:, None] - grid[None, :]) ** 2, axis=0))
    expected = np.array([loglik("normal", HEIGHTS, mu=m, sigma=s) for m, s in zip(grid, sig)])
    np.testing.assert_allclose(find_artist(ax2, "curve").get_ydata(), expected, rtol=1e-8)
    assert ax2.get_ylabel().startswith("profile log-likelihood")
    assert find_artist(ax2, "mle").get_xdata()[0] == pytest.approx(HEIGHTS.mean())


def test_current_marker_and_default_grid():
    ax = plot_likelihood_curve("poisson", [2, 4, 3, 0, 5], "lam", relative=True, current=2.0)
    cur = find_artist(ax, "current")
    ll_hat = fit("poisson", [2, 4, 3, 0, 5]).loglik
    assert cur.get_xdata()[0] == 2.0
    assert cur.get_ydata()[0] == pytest.approx(np.exp(loglik("poisson", [2, 4, 3, 0, 5],
                                                             lam=2.0) - ll_hat))
    x = find_artist(ax, "curve").get_xdata()
    assert len(x) == 201 and x[0] > 0 and x[0] < 2.8 < x[-1]  # inside the domain, around 2.8
    assert param_symbol("poisson", "lam") == r"\lambda"
    assert param_symbol("gamma", "rate") == r"\beta"


def test_boundary_mle_is_drawn_without_warning(recwarn):
    ax = plot_likelihood_curve("bernoulli", [1, 1, 1], "p")
    assert find_artist(ax, "mle").get_xdata()[0] == 1.0
    x = find_artist(ax, "curve").get_xdata()
    assert x[-1] == 1.0 and x[0] >= 0.0
    assert not [w for w in recwarn if "boundary" in str(w.message)]


def test_curve_bad_input():
    with pytest.raises(ValueError, match="'q' is not a parameter of the bernoulli family"):
        plot_likelihood_curve("bernoulli", CLICKS, "q")
    with pytest.raises(ValueError, match="cannot also be held fixed"):
        plot_likelihood_curve("normal", HEIGHTS, "mu", mu=3.0)
    with pytest.raises(ValueError, match="grid must be strictly increasing"):
        plot_likelihood_curve("bernoulli", CLICKS, "p", [0.5, 0.4, 0.6])
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        plot_likelihood_curve("bernoulli", CLICKS, "p", [0.5, 1.5])
    with pytest.raises(ValueError, match="bernoulli data must be 0 or 1"):
        plot_likelihood_curve("bernoulli", [0, 2], "p")
    with pytest.raises(ValueError, match="data is empty"):
        plot_likelihood_curve("poisson", [], "lam")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_likelihood_curve("bernoulli", CLICKS, "p", ax="left")
    with pytest.raises(TypeError, match="true_value must be a real number"):
        plot_likelihood_curve("bernoulli", CLICKS, "p", true_value="0.6")
    with pytest.raises(TypeError, match="param must be a parameter name"):
        plot_likelihood_curve("bernoulli", CLICKS, 0)
    with pytest.raises(TypeError, match="needs the known constant"):
        plot_likelihood_curve("binomial", [3], "p")
    big = np.random.default_rng(1).normal(size=3000)
    with pytest.raises(ValueError, match=r"underflows to 0.*\(relative=True\)"):
        plot_likelihood_curve("normal", big, "mu", sigma=1.0)
    # the relative likelihood of the same data is fine
    ax = plot_likelihood_curve("normal", big, "mu", relative=True, sigma=1.0)
    assert np.nanmax(find_artist(ax, "curve").get_ydata()) <= 1.0


# --------------------------------------------------------------------------- contour

def test_contour_levels_lie_on_the_loglik():
    levels = (1.0, 3.0)
    ax = plot_loglik_contour("normal", HEIGHTS, levels=levels)
    res = fit("normal", HEIGHTS)
    assert ax.get_xlabel() == r"$\mu$" and ax.get_ylabel() == r"$\sigma$"
    mle = find_artist(ax, "mle")
    assert mle.get_xdata()[0] == pytest.approx(res.params["mu"])
    assert mle.get_ydata()[0] == pytest.approx(res.params["sigma"])
    cs = ax.collections[0]
    np.testing.assert_allclose(cs.levels, [-3.0, -1.0])
    for level, path in zip(cs.levels, cs.get_paths()):
        v = path.vertices
        assert len(v) > 20
        rel = loglik("normal", HEIGHTS, mu=v[:, 0], sigma=v[:, 1]) - res.loglik
        # linear interpolation on a 101 x 101 grid: small error
        np.testing.assert_allclose(rel, level, atol=0.02)


def test_contour_with_fixed_parameter_and_grid():
    x = np.random.default_rng(3).standard_t(4, size=60) * 2 + 1
    grid = {"mu": np.linspace(0, 2, 41), "sigma": np.linspace(1, 3.5, 41)}
    ax = plot_loglik_contour("student_t", x, ("mu", "sigma"), grid=grid, nu=4.0, levels=[2.0])
    res = fit("student_t", x, nu=4.0)
    cs = ax.collections[0]
    v = cs.get_paths()[0].vertices
    rel = loglik("student_t", x, mu=v[:, 0], sigma=v[:, 1], nu=4.0) - res.loglik
    np.testing.assert_allclose(rel, -2.0, atol=0.05)
    assert find_artist(ax, "mle").get_xdata()[0] == pytest.approx(res.params["mu"], rel=1e-6)


def test_contour_bad_input():
    with pytest.raises(ValueError, match="also has the parameter"):
        plot_loglik_contour("student_t", HEIGHTS, ("mu", "sigma"))
    with pytest.raises(ValueError, match="two different parameters"):
        plot_loglik_contour("normal", HEIGHTS, ("mu", "mu"))
    with pytest.raises(ValueError, match="params must be two parameter names"):
        plot_loglik_contour("normal", HEIGHTS, "mu")
    with pytest.raises(ValueError, match="must be positive"):
        plot_loglik_contour("normal", HEIGHTS, levels=[-1, 2])
    with pytest.raises(ValueError, match="not on the axes"):
        plot_loglik_contour("normal", HEIGHTS, grid={"nu": [1, 2]})
    with pytest.raises(ValueError, match="sigma must be positive"):
        plot_loglik_contour("normal", HEIGHTS, grid={"sigma": [-1.0, 2.0]})
    with pytest.raises(TypeError, match="grid must be a dict"):
        plot_loglik_contour("normal", HEIGHTS, grid=[1, 2])


# --------------------------------------------------------------------------- Newton

def test_newton_steps_draw_the_path_and_the_quadratic():
    path = _cauchy_path(0.5)
    grid = np.linspace(-4, 12, 161)
    ax = plot_newton_steps(_cauchy_ll, path, steps=1, grid=grid)
    curve = find_artist(ax, "curve")
    np.testing.assert_allclose(curve.get_ydata(), loglik("student_t", CAUCHY, mu=grid,
                                                         sigma=1.0, nu=1.0), rtol=1e-12)
    it = find_artist(ax, "iterates")
    np.testing.assert_allclose(it.get_xdata(), path.theta[:2])
    np.testing.assert_allclose(it.get_ydata(), [_cauchy_ll(t) for t in path.theta[:2]])
    # the quadratic at theta_1 touches the curve there and peaks at theta_2
    q = find_artist(ax, "quadratic")
    t1 = path.theta[1]
    qy = np.asarray(q.get_ydata())
    i = int(np.argmax(qy))
    assert abs(grid[i] - path.theta[2]) <= grid[1] - grid[0]
    assert find_artist(ax, "next").get_xdata()[0] == pytest.approx(path.theta[2])
    q_at_t1 = _cauchy_ll(t1)  # value of the quadratic at its own centre
    expected_q = q_at_t1 + path.score[1] * (grid - t1) - 0.5 * path.info[1] * (grid - t1) ** 2
    np.testing.assert_allclose(qy, expected_q, rtol=1e-12)
    assert ax.get_xlabel() == r"$\theta$"
    # all steps: no quadratic left to draw once converged
    ax2 = plot_newton_steps(_cauchy_ll, path, grid=grid)
    assert find_artist(ax2, "quadratic") is None
    assert len(find_artist(ax2, "iterates").get_xdata()) == path.n_iter + 1


def test_newton_steps_mark_an_iterate_outside_the_space():
    x = np.array([0.5, 1.5, 2.0, 0.25])
    path = newton(lambda r: x.size / r - x.sum(), lambda r: x.size / r**2, 3.0,
                  domain="positive")
    assert not path.converged
    ax = plot_newton_steps(lambda r: loglik("exponential", x, rate=r), path,
                           grid=np.linspace(0.05, 3.5, 50))
    out = find_artist(ax, "outside")
    assert out is not None and out.get_xdata()[0] == pytest.approx(path.theta[-1])
    assert len(find_artist(ax, "iterates").get_xdata()) == 1


def test_newton_steps_default_grid_and_bad_input():
    path = _cauchy_path(1.5)
    ax = plot_newton_steps(_cauchy_ll, path)
    g = find_artist(ax, "curve").get_xdata()
    assert g[0] < path.theta.min() and g[-1] > path.theta.max()
    with pytest.raises(TypeError, match="path must be a NewtonResult"):
        plot_newton_steps(_cauchy_ll, [0.5, 1.0])
    with pytest.raises(TypeError, match="loglik must be a function"):
        plot_newton_steps(3, path)
    with pytest.raises(ValueError, match="steps must be <="):
        plot_newton_steps(_cauchy_ll, path, steps=path.n_iter + 1)
    with pytest.raises(ValueError, match="not finite anywhere"):
        plot_newton_steps(lambda t: np.nan, path)


# --------------------------------------------------------------------------- data panel

def test_data_model_panels():
    ax = plot_data_model("bernoulli", CLICKS, p=0.3)
    heights = [b.get_height() for b in ax.patches]
    np.testing.assert_allclose(heights, [1 - CLICKS.mean(), CLICKS.mean()])
    np.testing.assert_allclose(find_artist(ax, "model").get_ydata(), [0.7, 0.3])
    ax2 = plot_data_model("normal", HEIGHTS, mu=170.0, sigma=8.0)
    m = find_artist(ax2, "model")
    np.testing.assert_allclose(m.get_ydata(), stats.norm.pdf(m.get_xdata(), 170, 8), rtol=1e-12)
    assert ax2.get_ylabel() == "density"
    with pytest.raises(TypeError, match="needs values for"):
        plot_data_model("normal", HEIGHTS, mu=170.0)


def test_explorer_figure_update_moves_model_and_marker():
    fig, (a, b) = plt.subplots(1, 2)
    panel = ExplorerFigure(fig, a, b)
    counts = np.array([2, 4, 3, 0, 5, 1])
    panel.draw("poisson", counts, "lam", 1.0, grid=np.linspace(0.2, 6, 50))
    panel.update(4.0)
    ks = find_artist(a, "model").get_xdata()
    np.testing.assert_allclose(find_artist(a, "model").get_ydata(), stats.poisson.pmf(ks, 4.0),
                               rtol=1e-12)
    cur = find_artist(b, "current")
    rel = np.exp(loglik("poisson", counts, lam=4.0) - fit("poisson", counts).loglik)
    assert cur.get_xdata()[0] == 4.0 and cur.get_ydata()[0] == pytest.approx(rel)
    with pytest.raises(ValueError, match="lam must be positive"):
        panel.update(-1.0)
    with pytest.raises(ValueError, match="give fixed values for"):
        panel.draw("normal", HEIGHTS, "mu", 170.0)


def test_animations_have_one_frame_per_value_and_step():
    anim = animate_likelihood("bernoulli", CLICKS[:30], "p", [0.3, 0.5, 0.7], true_value=0.6)
    html = anim.to_jshtml()
    assert "frames[2]" in html and "frames[3]" not in html
    path = _cauchy_path(0.5, max_iter=2)
    anim2 = animate_newton(_cauchy_ll, path, grid=np.linspace(-4, 12, 81))
    html2 = anim2.to_jshtml()
    assert f"frames[{path.n_iter}]" in html2 and f"frames[{path.n_iter + 1}]" not in html2
    with pytest.raises(ValueError, match="p must lie in"):
        animate_likelihood("bernoulli", CLICKS, "p", [0.5, 1.2])


def test_animation_html_has_alt_text_and_a_labelled_slider():
    from mlecourse.plots import animation_html

    anim = animate_likelihood("bernoulli", CLICKS[:20], "p", [0.4, 0.6])
    html = animation_html(anim, 'The marker climbs to the peak at "0.55".')
    assert '<img alt="The marker climbs to the peak at &quot;0.55&quot;." id=' in html
    assert 'aria-label="Animation frame"' in html
    assert "maxcdn" not in html  # the theme has the icons; no request to a CDN
    with pytest.raises(ValueError, match="alt must be a non-empty description"):
        animation_html(anim, " ")
    with pytest.raises(TypeError, match="anim must be a matplotlib Animation"):
        animation_html("<html>", "alt")


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_newton_animation_frames_show_the_path_up_to_each_step():
    path = _cauchy_path(3.0)
    anim = animate_newton(_cauchy_ll, path, grid=np.linspace(-4, 12, 81))
    ax = anim._fig.axes[0]
    quads = [a for a in ax.lines if a.get_gid() == "quadratic"]
    assert len(quads) == path.n_iter
    for s in (0, 2, path.n_iter):
        anim._func(s)  # draw frame s
        np.testing.assert_allclose(find_artist(ax, "iterates").get_xdata(), path.theta[:s + 1])
        assert [q.get_visible() for q in quads] == [t == s for t in range(path.n_iter)]
        assert sum(t.get_visible() for t in ax.texts) == s + 1
        assert ax.get_title().startswith(f"step {s}:")
    # at step 0 the visible quadratic is the expansion at theta_0, whose stationary point
    # is theta_1 (here a minimum of an upward parabola: the information is negative)
    anim._func(0)
    nxt = [a for a in ax.lines if a.get_gid() == "next" and a.get_visible()]
    assert nxt[0].get_xdata()[0] == pytest.approx(path.theta[1])
    assert path.info[0] < 0
    del anim  # never rendered to a file: let it go (and warn) inside this test
    gc.collect()
