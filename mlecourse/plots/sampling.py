"""Figures for *How sure are we?*: sampling distributions, intervals, coverage.

Each function draws on the ``ax`` it is given (or on a new figure's axes) and
returns the axes. The numbers come from :mod:`mlecourse.simulate` and
:class:`mlecourse.FitResult`; nothing is estimated here.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_real

__all__ = ["plot_coverage", "plot_intervals_on_loglik", "plot_repeated_intervals",
           "plot_sampling_distribution"]


def _axes(ax, figsize=(6, 3.5)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _lattice_bins(x: np.ndarray, max_bins: int = 60):
    """Bin edges for values on an evenly spaced lattice, each bin holding whole lattice points.

    Estimates such as k / n take only evenly spaced values; bins of any other
    width would hold different numbers of lattice points and draw a false comb
    pattern. Each bin is centred on a group of ``m`` consecutive lattice
    values, with ``m`` the smallest whole number giving at most ``max_bins``
    bins. Returns None when the values are not on a lattice.
    """
    u = np.unique(x)
    if u.size < 2:
        return None
    gap = np.min(np.diff(u))
    steps = (u - u[0]) / gap
    if steps[-1] > 1e6 or not np.allclose(steps, np.round(steps), atol=1e-6):
        return None
    count = int(round(steps[-1])) + 1
    m = max(1, int(np.ceil(count / max_bins)))
    nbins = int(np.ceil(count / m))
    return u[0] + gap * (m * np.arange(nbins + 1) - 0.5)


def plot_sampling_distribution(estimates, *, true_value=None, normal_approx=None, bins=None,
                               ax=None, label="simulated estimates", xlabel="estimate",
                               color="C0"):
    """Histogram of simulated estimates, with the true value and a normal curve.

    Parameters
    ----------
    estimates : array_like, shape (reps,)
        The estimates, one per simulated experiment
        (e.g. from :func:`mlecourse.simulate.sampling_distribution`).
    true_value : float, optional
        Drawn as a vertical dashed line, labelled "true value".
    normal_approx : tuple of float (mean, sd), optional
        Draws the normal density with this mean and standard deviation, e.g.
        ``(p, sqrt(p (1 - p) / n))`` for a proportion.
    bins : int or sequence, optional
        Histogram bins. By default, estimates on an evenly spaced lattice
        (such as k / n) get bins that each hold the same number of lattice
        values (one per bin when there are at most 60 values), and others get
        ``"auto"`` bins.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    label : str, default "simulated estimates"
        Legend label of the histogram.
    xlabel : str, default "estimate"
        The x-axis label.
    color : str, default "C0"
        Colour of the histogram.

    Returns
    -------
    matplotlib.axes.Axes
        The histogram is drawn as a density (area 1), so it is on the scale of
        the normal curve.
    """
    est = as_float_array(estimates, "estimates", ndim=1)
    ax = _axes(ax)
    if bins is None:
        bins = _lattice_bins(est)
        if bins is None:
            bins = "auto"
    ax.hist(est, bins=bins, density=True, color=color, alpha=0.55, edgecolor="white",
            linewidth=0.5, label=label)
    if normal_approx is not None:
        if not isinstance(normal_approx, (tuple, list)) or len(normal_approx) != 2:
            raise TypeError("normal_approx must be a pair (mean, sd); "
                            f"got {normal_approx!r}.")
        mean = check_real(normal_approx[0], "normal_approx mean")
        sd = check_real(normal_approx[1], "normal_approx sd", positive=True)
        lo, hi = ax.get_xlim()
        lo, hi = min(lo, mean - 4 * sd), max(hi, mean + 4 * sd)
        grid = np.linspace(lo, hi, 400)
        dens = np.exp(-0.5 * ((grid - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
        ax.plot(grid, dens, color="black", lw=1.5,
                label=f"normal approximation N({mean:.3g}, {sd:.3g}²)")
        ax.set_xlim(lo, hi)
    if true_value is not None:
        tv = check_real(true_value, "true_value")
        ax.axvline(tv, color="C3", ls="--", lw=1.5, label=f"true value {tv:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def plot_coverage(ps, coverages, *, level=0.95, ax=None, label=None, color=None, ylim=None,
                  **line_kw):
    """Coverage probability of an interval against the true parameter value.

    Parameters
    ----------
    ps : array_like, shape (m,)
        True parameter values (x axis).
    coverages : array_like, shape (m,)
        Coverage at each, a probability (e.g. from
        :func:`mlecourse.simulate.exact_coverage`).
    level : float, default 0.95
        Nominal level, drawn as a dotted horizontal line; ``None`` for none.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure). Call again on the same axes to
        add another method.
    label : str, optional
        Legend label of the curve.
    color : str, optional
        Line colour.
    ylim : tuple of float, optional
        y-axis limits; by default from a little below the lowest coverage
        (but at least 0) to 1.
    **line_kw
        Passed to ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = as_float_array(ps, "ps", ndim=1)
    c = as_float_array(coverages, "coverages", ndim=1)
    if x.size != c.size:
        raise ValueError(f"ps and coverages must have the same length; got {x.size} and {c.size}.")
    if np.any((c < 0) | (c > 1)):
        raise ValueError("coverages must be probabilities in [0, 1].")
    ax = _axes(ax)
    line_kw.setdefault("lw", 1.0)
    (line,) = ax.plot(x, c, label=label, color=color, **line_kw)
    line._mlecourse_coverage = True
    if level is not None:
        level = check_real(level, "level", low=0, high=1, inclusive=False)
        if not any(getattr(ln, "_mlecourse_level", None) == level for ln in ax.get_lines()):
            ref = ax.axhline(level, color="0.3", ls=":", lw=1.2)
            ref._mlecourse_level = level
    if ylim is None:
        lowest = min(float(np.min(ln.get_ydata())) for ln in ax.get_lines()
                     if getattr(ln, "_mlecourse_coverage", False))
        if level is not None:
            lowest = min(lowest, level)
        ylim = (max(0.0, lowest - 0.03), 1.005)
    ax.set_ylim(*ylim)
    ax.set_xlabel("true p")
    ax.set_ylabel("coverage probability")
    if label is not None:
        ax.legend(frameon=False, fontsize="small", loc="lower center")
    return ax


def plot_repeated_intervals(lows, highs, *, true_value, estimates=None, ax=None,
                            xlabel="parameter"):
    """Intervals from repeated experiments, one per row; misses in red.

    Parameters
    ----------
    lows, highs : array_like, shape (m,)
        Interval limits, one interval per simulated experiment.
    true_value : float
        The true parameter value, drawn as a vertical line; intervals that
        miss it are drawn in red.
    estimates : array_like, shape (m,), optional
        Point estimates, drawn as dots.
    ax : matplotlib Axes, optional
        Where to draw.
    xlabel : str, default "parameter"
        The x-axis label.

    Returns
    -------
    matplotlib.axes.Axes
    """
    lo = as_float_array(lows, "lows", ndim=1)
    hi = as_float_array(highs, "highs", ndim=1)
    if lo.size != hi.size:
        raise ValueError(f"lows and highs must have the same length; got {lo.size} and {hi.size}.")
    if np.any(lo > hi):
        raise ValueError("every low must be <= its high.")
    tv = check_real(true_value, "true_value")
    ax = _axes(ax)
    rows = np.arange(lo.size)
    miss = (tv < lo) | (tv > hi)
    ax.hlines(rows[~miss], lo[~miss], hi[~miss], color="C0", lw=1.5,
              label=f"contains the true value ({int((~miss).sum())})")
    ax.hlines(rows[miss], lo[miss], hi[miss], color="C3", lw=2.0,
              label=f"misses it ({int(miss.sum())})")
    if estimates is not None:
        est = as_float_array(estimates, "estimates", ndim=1)
        if est.size != lo.size:
            raise ValueError("estimates must have one value per interval.")
        ax.plot(est, rows, "o", color="0.2", ms=2.5)
    ax.axvline(tv, color="black", lw=1.0, ls="--")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("experiment")
    ax.set_ylim(-1, lo.size)
    ax.legend(frameon=False, fontsize="small", loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=2)
    return ax


def plot_intervals_on_loglik(fit_result, param, *, level=0.95, methods=("wald", "profile"),
                             ax=None, num=300, span=None, legend=True):
    """The log-likelihood of one parameter with its Wald and likelihood-ratio intervals.

    Draws the (profile) log-likelihood relative to its maximum,
    :math:`\\ell(\\theta) - \\ell(\\hat\\theta)`, the quadratic approximation
    :math:`-(\\theta - \\hat\\theta)^2 / (2\\,\\mathrm{se}^2)` behind the Wald
    interval, and the cut-off :math:`-\\chi^2_{1,\\text{level}} / 2`. The
    likelihood-ratio interval is where the curve crosses the cut-off; the Wald
    interval is where the parabola does. The intervals are drawn as bars
    below the cut-off.

    Parameters
    ----------
    fit_result : FitResult
        A fit from :func:`mlecourse.fit` or :func:`mlecourse.fit_numeric`.
    param : str
        A free parameter of the fit, e.g. ``"p"``.
    level : float, default 0.95
        Confidence level.
    methods : sequence of {"wald", "profile"}
        The intervals to draw.
    ax : matplotlib Axes, optional
        Where to draw.
    num : int, default 300
        Number of grid points for the curve.
    span : tuple of float, optional
        The x range; by default both intervals with a margin, cut to the
        parameter's domain for the curve.
    legend : bool, default True
        Draw a legend below the axes (leave room for it, e.g. with
        ``fig.tight_layout()``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from scipy import stats

    from ..fit import FitResult

    if not isinstance(fit_result, FitResult):
        raise TypeError("fit_result must be a FitResult from mlecourse.fit or fit_numeric; "
                        f"got {type(fit_result).__name__}.")
    if param not in fit_result.free:
        raise ValueError(f"{param!r} is not a free parameter of this fit; free: "
                         f"{list(fit_result.free)}.")
    level = check_real(level, "level", low=0, high=1, inclusive=False)
    methods = tuple(methods)
    for m in methods:
        if m not in ("wald", "profile"):
            raise ValueError(f"methods must contain 'wald' and/or 'profile'; got {m!r}.")
    ax = _axes(ax)
    est = fit_result.params[param]
    se = fit_result.se[param]
    cut = stats.chi2.ppf(level, 1) / 2
    intervals = {m: fit_result.conf_int(level, method=m)[param] for m in methods}
    domain = fit_result._problem.domains.get(param, "real")
    if span is None:
        ends = [v for iv in intervals.values() for v in iv if np.isfinite(v)] + [est]
        lo, hi = min(ends), max(ends)
        width = max(hi - lo, se if se > 0 else abs(est) * 0.1 or 1.0)
        span = (lo - 0.25 * width, hi + 0.25 * width)
    x0, x1 = (check_real(span[0], "span[0]"), check_real(span[1], "span[1]"))
    if not x0 < x1:
        raise ValueError(f"span must be (low, high) with low < high; got {span}.")
    glo, ghi = x0, x1
    if domain == "unit":
        glo, ghi = max(glo, 0.0), min(ghi, 1.0)
    elif domain == "positive":
        glo = max(glo, 1e-12 * max(abs(x1), 1.0))
    grid = np.linspace(glo, ghi, num)
    prof = fit_result.profile_loglik(param, grid) - fit_result.loglik
    ax.plot(grid, prof, color="C0", lw=2, label="log-likelihood (relative to max)")
    if "wald" in methods and se > 0:
        xs = np.linspace(x0, x1, num)
        ax.plot(xs, -0.5 * ((xs - est) / se) ** 2, color="C1", lw=1.5, ls="--",
                label="quadratic approximation (Wald)")
    ax.axhline(-cut, color="0.3", lw=1, ls=":")
    ax.annotate(f"cut-off −χ²₁({level:g})/2 = {-cut:.2f}", (x0, -cut), xytext=(4, 4),
                textcoords="offset points", fontsize="small", color="0.3")
    colors = {"wald": "C1", "profile": "C0"}
    names = {"wald": "Wald", "profile": "likelihood-ratio"}
    for i, (m, (a, b)) in enumerate(intervals.items()):
        y = -cut - 0.3 * (i + 1)  # just below the cut-off line whose crossings define them
        ax.plot([a, b], [y, y], color=colors[m], lw=4, solid_capstyle="butt",
                label=f"{names[m]} interval [{a:.3f}, {b:.3f}]")
    ax.axvline(est, color="0.5", lw=0.8)
    ax.set_xlim(x0, x1)
    ax.set_ylim(-cut - 0.3 * (len(intervals) + 1) - 0.1, 0.3)
    ax.set_xlabel(param)
    ax.set_ylabel(r"$\ell(\theta) - \ell(\hat\theta)$")
    if legend:
        # below the axes, where it hides nothing
        ax.legend(frameon=False, fontsize="x-small", loc="upper center",
                  bbox_to_anchor=(0.5, -0.2), ncol=1)
    return ax
