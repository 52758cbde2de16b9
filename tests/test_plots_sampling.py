"""Figures of the uncertainty chapter: what is drawn, with which data and labels."""

import math
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

import mlecourse  # noqa: E402
from mlecourse.plots import (  # noqa: E402
    plot_coverage,
    plot_intervals_on_loglik,
    plot_repeated_intervals,
    plot_sampling_distribution,
)
from mlecourse.simulate import bernoulli_conf_int, exact_coverage  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_import_mlecourse_does_not_import_matplotlib():
    code = ("import sys, mlecourse, mlecourse.simulate, mlecourse.regression; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_sampling_distribution_histogram_on_the_lattice_with_normal_curve():
    n, p = 100, 0.6
    est = np.random.default_rng(0).binomial(n, p, 3000) / n
    sd = math.sqrt(p * (1 - p) / n)
    ax = plot_sampling_distribution(est, true_value=p, normal_approx=(p, sd))
    bars = ax.patches
    widths = np.array([b.get_width() for b in bars])
    assert widths == pytest.approx(np.full(widths.size, 1 / n))  # one bin per value k / n
    centres = np.array([b.get_x() + b.get_width() / 2 for b in bars])
    assert np.allclose(centres * n, np.round(centres * n))
    # density: the bar areas add up to 1, and each equals the frequency of its value
    heights = np.array([b.get_height() for b in bars])
    assert np.sum(heights * widths) == pytest.approx(1.0)
    k = np.round(centres * n).astype(int)
    freq = np.array([np.mean(np.round(est * n) == kk) for kk in k])
    assert heights * widths == pytest.approx(freq)
    # the normal curve is the N(p, sd^2) density
    curve = [ln for ln in ax.get_lines() if "normal" in ln.get_label()][0]
    xs, ys = curve.get_xdata(), curve.get_ydata()
    assert ys == pytest.approx(stats.norm.pdf(xs, p, sd))
    vline = [ln for ln in ax.get_lines() if "true value" in ln.get_label()][0]
    assert vline.get_xdata()[0] == p
    assert ax.get_xlabel() == "estimate" and ax.get_ylabel() == "density"
    assert ax.get_legend() is not None


def test_sampling_distribution_continuous_values_use_auto_bins():
    est = np.random.default_rng(1).normal(size=500)
    ax = plot_sampling_distribution(est, xlabel="mu hat")
    widths = {round(b.get_width(), 12) for b in ax.patches}
    assert len(widths) == 1 and 10 < len(ax.patches) < 60
    assert ax.get_xlabel() == "mu hat"


def test_sampling_distribution_bad_input():
    with pytest.raises(ValueError, match="estimates is empty"):
        plot_sampling_distribution([])
    with pytest.raises(TypeError, match="normal_approx must be a pair"):
        plot_sampling_distribution([0.1, 0.2], normal_approx=0.5)
    with pytest.raises(ValueError, match="normal_approx sd must be positive"):
        plot_sampling_distribution([0.1, 0.2], normal_approx=(0.5, 0.0))


def test_coverage_plot_data_level_line_and_labels():
    ps = np.linspace(0.01, 0.99, 50)
    fig, ax = plt.subplots()
    cw = exact_coverage(10, ps, "wald")
    cl = exact_coverage(10, ps, "profile")
    assert plot_coverage(ps, cw, ax=ax, label="Wald") is ax
    plot_coverage(ps, cl, ax=ax, label="likelihood ratio")
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert lines["Wald"].get_ydata() == pytest.approx(cw)
    assert lines["likelihood ratio"].get_xdata() == pytest.approx(ps)
    levels = [ln for ln in ax.get_lines() if getattr(ln, "_mlecourse_level", None) == 0.95]
    assert len(levels) == 1  # drawn once even with two curves
    assert list(levels[0].get_ydata()) == [0.95, 0.95]
    assert ax.get_ylim()[0] == pytest.approx(max(0.0, min(cw.min(), cl.min()) - 0.03))
    assert ax.get_xlabel() == "true p" and ax.get_ylabel() == "coverage probability"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Wald", "likelihood ratio"]


def test_coverage_plot_bad_input():
    with pytest.raises(ValueError, match="same length; got 3 and 2"):
        plot_coverage([0.1, 0.2, 0.3], [0.9, 0.9])
    with pytest.raises(ValueError, match="coverages must be probabilities"):
        plot_coverage([0.1, 0.2], [0.9, 1.2])


def test_repeated_intervals_colours_misses():
    lows = np.array([0.1, 0.5, 0.3, 0.0])
    highs = np.array([0.4, 0.7, 0.6, 0.2])
    ax = plot_repeated_intervals(lows, highs, true_value=0.35, estimates=(lows + highs) / 2)
    hit, miss = ax.collections[0], ax.collections[1]
    assert len(hit.get_segments()) == 2 and len(miss.get_segments()) == 2
    miss_rows = sorted(seg[0][1] for seg in miss.get_segments())
    assert miss_rows == [1.0, 3.0]
    assert "(2)" in hit.get_label() and "(2)" in miss.get_label()
    with pytest.raises(ValueError, match="every low must be <= its high"):
        plot_repeated_intervals([0.5], [0.4], true_value=0.3)


def test_intervals_on_loglik_bernoulli():
    x = np.r_[np.ones(2), np.zeros(13)]
    res = mlecourse.fit("bernoulli", x)
    ax = plot_intervals_on_loglik(res, "p")
    lines = ax.get_lines()
    curve = [ln for ln in lines if ln.get_label().startswith("log-likelihood")][0]
    px, py = curve.get_xdata(), curve.get_ydata()
    assert np.all((px >= 0) & (px <= 1))
    with np.errstate(divide="ignore"):
        want = 2 * np.log(px) + 13 * np.log1p(-px) - res.loglik
    finite = np.isfinite(want)
    assert py[finite] == pytest.approx(want[finite], rel=1e-9, abs=1e-9)
    quad = [ln for ln in lines if "quadratic" in ln.get_label()][0]
    qx, qy = quad.get_xdata(), quad.get_ydata()
    assert qy == pytest.approx(-0.5 * ((qx - 2 / 15) / res.se["p"]) ** 2)
    wald = [ln for ln in lines if ln.get_label().startswith("Wald interval")][0]
    lr = [ln for ln in lines if ln.get_label().startswith("likelihood-ratio interval")][0]
    assert list(wald.get_xdata()) == pytest.approx(res.conf_int(method="wald")["p"])
    assert list(lr.get_xdata()) == pytest.approx(bernoulli_conf_int(2, 15, method="profile"))
    # the Wald interval runs below 0 here and the plot shows it
    assert wald.get_xdata()[0] < 0 and ax.get_xlim()[0] < wald.get_xdata()[0]
    c = stats.chi2.ppf(0.95, 1) / 2
    cut = [ln for ln in lines if list(ln.get_ydata()) == [-c] * 2]
    assert len(cut) == 1
    # the bars sit just below the cut-off line, inside the axes
    for bar in (wald, lr):
        assert ax.get_ylim()[0] < bar.get_ydata()[0] < -c
    assert ax.get_xlabel() == "p"
    assert ax.get_legend() is not None
    ax2 = plot_intervals_on_loglik(res, "p", legend=False)
    assert ax2.get_legend() is None


def test_intervals_on_loglik_bad_input():
    res = mlecourse.fit("normal", [1.0, 2.0, 4.0], sigma=1.0)
    with pytest.raises(ValueError, match="'sigma' is not a free parameter"):
        plot_intervals_on_loglik(res, "sigma")
    with pytest.raises(TypeError, match="fit_result must be a FitResult"):
        plot_intervals_on_loglik({"mu": 1.0}, "mu")
    with pytest.raises(ValueError, match="methods must contain"):
        plot_intervals_on_loglik(res, "mu", methods=("score",))
    ax = plot_intervals_on_loglik(res, "mu", methods=("profile",))
    assert not any("quadratic" in ln.get_label() for ln in ax.get_lines())


def test_many_lattice_values_are_grouped_evenly():
    n = 3000
    est = np.random.default_rng(2).binomial(n, 0.6, 4000) / n
    ax = plot_sampling_distribution(est)
    widths = np.array([b.get_width() for b in ax.patches])
    assert len(ax.patches) <= 60
    m = widths[0] * n  # lattice values per bin: a whole number, the same for every bin
    assert m == pytest.approx(round(m)) and round(m) > 1
    assert widths == pytest.approx(np.full(widths.size, widths[0]))
    edges = np.r_[[b.get_x() for b in ax.patches]]
    # edges fall half-way between lattice values, never on one
    shifted = edges * n + 0.5
    assert np.allclose(shifted, np.round(shifted), atol=1e-6)
