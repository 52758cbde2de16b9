"""Diagnostic figures: what is drawn, where, and with which labels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlecourse import fit  # noqa: E402
from mlecourse.datasets import load_biochemists  # noqa: E402
from mlecourse.diagnostics import count_table, pit_values, qq_points  # noqa: E402
from mlecourse.plots import plot_pit, plot_qq, plot_rootogram, plot_sensitivity  # noqa: E402

X = np.random.default_rng(3).gamma(2.0, 1.5, 60)
ART = load_biochemists()["art"].to_numpy()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_qq_draws_the_qq_points_and_the_identity_line():
    res = fit("normal", X)
    fig, ax = plt.subplots()
    out = plot_qq(res, X, ax=ax, label="copper")
    assert out is ax
    theo, samp = qq_points(res, X)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([theo, samp]))
    line = ax.lines[0]
    xd, yd = line.get_data()
    np.testing.assert_allclose(xd, yd)
    assert xd[0] <= min(theo.min(), samp.min()) and xd[-1] >= max(theo.max(), samp.max())
    assert ax.get_xlabel() == "quantiles of the fitted normal distribution"
    assert ax.get_ylabel() == "sorted data"
    assert ax.collections[0].get_label() == "copper"


def test_plot_qq_makes_its_own_axes():
    ax = plot_qq(fit("exponential", X), X)
    assert ax.figure is not None and "exponential" in ax.get_xlabel()


def test_plot_pit_bars_are_densities_with_a_reference_at_one():
    res = fit("poisson", ART)
    u = pit_values(res, ART, rng=0)
    ax = plot_pit(u, bins=5)
    heights = np.array([p.get_height() for p in ax.patches])
    assert heights.size == 5
    expected, _ = np.histogram(u, bins=np.linspace(0, 1, 6), density=True)
    np.testing.assert_allclose(heights, expected)
    assert np.sum(heights * 0.2) == pytest.approx(1.0)
    assert ax.lines[0].get_ydata()[0] == 1.0
    assert ax.get_xlim() == (0.0, 1.0)
    assert ax.get_xlabel() == "PIT value F(x)" and ax.get_ylabel() == "density"


def test_plot_pit_bad_input():
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        plot_pit([0.2, 1.5])
    with pytest.raises(ValueError, match="bins must be >= 1"):
        plot_pit([0.2, 0.5], bins=0)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_pit([0.2], ax="left")


def test_plot_rootogram_hangs_bars_from_the_expected_curve():
    t = count_table(fit("poisson", ART), ART, max_count=8)
    ax = plot_rootogram(t)
    bars = ax.patches
    assert len(bars) == 9
    for bar, obs, exp in zip(bars, t["observed"], t["expected"]):
        assert bar.get_y() + bar.get_height() == pytest.approx(np.sqrt(exp))
        assert bar.get_height() == pytest.approx(np.sqrt(obs))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.sqrt(t["expected"]))
    assert ax.lines[1].get_ydata()[0] == 0.0
    assert ax.get_xlabel() == "count" and ax.get_ylabel() == "sqrt(frequency)"
    # the Poisson expects too few zeros: the bar for 0 hangs below zero
    assert bars[0].get_y() < 0


def test_plot_rootogram_bad_input():
    with pytest.raises(TypeError, match="count_table"):
        plot_rootogram({"count": [0, 1]})
    with pytest.raises(ValueError, match="same length"):
        plot_rootogram({"count": [0, 1], "observed": [1.0], "expected": [1.0, 2.0]})


def test_plot_sensitivity_draws_one_line_per_curve_and_a_rug():
    xs = np.linspace(-3, 3, 7)
    curves = {"mean": xs - 0.1, "median": np.clip(xs, -1, 1)}
    data = np.array([-0.5, 0.2, 0.4])
    ax = plot_sensitivity(xs, curves, data=data)
    assert [ln.get_label() for ln in ax.lines[:2]] == ["mean", "median"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), np.clip(xs, -1, 1))
    np.testing.assert_allclose(ax.lines[0].get_xdata(), xs)
    assert ax.lines[2].get_ydata()[0] == 0.0          # the zero line
    np.testing.assert_allclose(ax.lines[3].get_xdata(), data)  # the rug ...
    np.testing.assert_array_equal(ax.lines[3].get_ydata(), 0.0)  # ... on the zero line
    assert "x_0" in ax.get_xlabel() and "SC" in ax.get_ylabel()


def test_plot_sensitivity_bad_input():
    with pytest.raises(ValueError, match="has 2 values but xs has 3"):
        plot_sensitivity([1.0, 2.0, 3.0], {"a": [1.0, 2.0]})
    with pytest.raises(TypeError, match="non-empty dict"):
        plot_sensitivity([1.0, 2.0], {})
