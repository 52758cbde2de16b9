"""Figures for checking a model: QQ plot, PIT histogram, rootogram, sensitivity curves.

The numbers come from :mod:`mlecourse.diagnostics` and
:mod:`mlecourse.robust`; these functions only draw them. Each draws on the
``ax`` it is given (or a new one) and returns the axes.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_int

__all__ = ["plot_qq", "plot_pit", "plot_rootogram", "plot_sensitivity"]


def _axes(ax):
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}.")
    return ax


def plot_qq(fit_result, data, *, ax=None, label: str | None = None, color=None):
    """QQ plot of the data against the fitted distribution.

    Points are :func:`mlecourse.diagnostics.qq_points`; the dashed line is
    ``y = x``, where the points lie if the model fits. Points that bend away
    at the ends show tails the model does not have (above the line on the
    right and below it on the left: heavier tails than the model's).

    Parameters
    ----------
    fit_result : FitResult
        A fit of a named family from :func:`mlecourse.fit`.
    data : array_like, shape (n,)
        The observations.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    label : str, optional
        Legend label for the points.
    color : matplotlib colour, optional
        Colour of the points.

    Returns
    -------
    matplotlib Axes
        The axes, with the points as its first collection and the line
        ``y = x`` as its first line.
    """
    from ..diagnostics import qq_points

    theo, samp = qq_points(fit_result, data)
    ax = _axes(ax)
    ax.scatter(theo, samp, s=14, color=color, label=label, zorder=3)
    lo = float(min(theo.min(), samp.min()))
    hi = float(max(theo.max(), samp.max()))
    ax.plot([lo, hi], [lo, hi], "--", color="0.4", lw=1, label="y = x (perfect fit)")
    ax.set_xlabel(f"quantiles of the fitted {fit_result.family} distribution")
    ax.set_ylabel("sorted data")
    return ax


def plot_pit(pit, *, bins: int = 10, ax=None, label: str | None = None, color=None):
    """Histogram of PIT values with the uniform density a correct model gives.

    Parameters
    ----------
    pit : array_like, shape (n,)
        PIT values in [0, 1], from :func:`mlecourse.diagnostics.pit_values`.
    bins : int, default 10
        Number of equal-width bins on [0, 1].
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    label : str, optional
        Legend label for the bars.
    color : matplotlib colour, optional
        Colour of the bars.

    Returns
    -------
    matplotlib Axes
        The axes: the bars are its patches (heights are densities, so a
        uniform sample gives bars near 1) and the reference line at height 1
        is its first line.
    """
    u = as_float_array(pit, "pit", ndim=1)
    if np.any((u < 0) | (u > 1)):
        raise ValueError("PIT values must lie in [0, 1]; got values from "
                         f"{u.min():g} to {u.max():g}.")
    bins = check_int(bins, "bins", low=1)
    ax = _axes(ax)
    ax.hist(u, bins=np.linspace(0, 1, bins + 1), density=True, color=color, alpha=0.75,
            edgecolor="white", label=label)
    ax.axhline(1.0, color="0.2", ls="--", lw=1, label="uniform (correct model)")
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT value F(x)")
    ax.set_ylabel("density")
    return ax


def plot_rootogram(table: dict, *, ax=None, color=None):
    """Hanging rootogram of a count model: observed counts hung from the expected ones.

    Each bar has height ``sqrt(observed)`` and hangs from the curve
    ``sqrt(expected)``, so its bottom sits at
    ``sqrt(expected) - sqrt(observed)``. A bar ending below zero means the
    model expects too few of that count; one ending above zero, too many.
    The square root makes deviations at small and large frequencies
    comparable (Tukey's rootogram).

    Parameters
    ----------
    table : dict
        The output of :func:`mlecourse.diagnostics.count_table`, with keys
        ``"count"``, ``"observed"`` and ``"expected"``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    color : matplotlib colour, optional
        Colour of the bars.

    Returns
    -------
    matplotlib Axes
        The axes: the bars are its patches, the expected curve its first
        line and the zero line its second.
    """
    if not isinstance(table, dict) or not {"count", "observed", "expected"} <= set(table):
        raise TypeError("table must be the dict returned by count_table(), with keys 'count', "
                        "'observed' and 'expected'.")
    counts = as_float_array(table["count"], "table['count']", ndim=1)
    obs = as_float_array(table["observed"], "table['observed']", ndim=1)
    exp = as_float_array(table["expected"], "table['expected']", ndim=1)
    if not counts.size == obs.size == exp.size:
        raise ValueError("table['count'], table['observed'] and table['expected'] must have the "
                         f"same length; got {counts.size}, {obs.size} and {exp.size}.")
    if np.any(obs < 0) or np.any(exp < 0):
        raise ValueError("observed and expected frequencies must be >= 0.")
    ax = _axes(ax)
    top = np.sqrt(exp)
    ax.bar(counts, np.sqrt(obs), bottom=top - np.sqrt(obs), width=0.8, color=color, alpha=0.7,
           edgecolor="white", label="sqrt(observed), hanging")
    ax.plot(counts, top, "o-", color="C3", lw=1.5, ms=4, label="sqrt(expected)")
    ax.axhline(0.0, color="0.2", lw=1)
    ax.set_xlabel("count")
    ax.set_ylabel("sqrt(frequency)")
    return ax


def plot_sensitivity(xs, curves: dict, *, data=None, ax=None):
    """Sensitivity curves of several estimators on one set of axes.

    Parameters
    ----------
    xs : array_like, shape (m,)
        Positions of the added observation.
    curves : dict
        Label to sensitivity-curve values, each of shape (m,), e.g. from
        :func:`mlecourse.robust.sensitivity_curve`.
    data : array_like, shape (n,), optional
        The sample; drawn as a rug of ticks on the zero line ``SC = 0``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
        The axes, with one line per curve, in the order of ``curves``,
        then the zero line, then (if ``data`` is given) the rug.
    """
    x = as_float_array(xs, "xs", ndim=1)
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of label -> array of values.")
    values = {}
    for name, ys in curves.items():
        y = as_float_array(ys, f"curves[{name!r}]", ndim=1)
        if y.size != x.size:
            raise ValueError(f"curves[{name!r}] has {y.size} values but xs has {x.size}.")
        values[str(name)] = y
    ax = _axes(ax)
    for name, y in values.items():
        ax.plot(x, y, lw=2, label=name)
    ax.axhline(0.0, color="0.5", lw=0.8)
    if data is not None:
        d = as_float_array(data, "data", ndim=1)
        ax.plot(d, np.zeros_like(d), "|", color="k", ms=10, alpha=0.5, label="data")
    ax.set_xlabel("position $x_0$ of the added observation")
    ax.set_ylabel("sensitivity curve $SC(x_0)$")
    return ax
