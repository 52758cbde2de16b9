"""Likelihood figures: curves, contours, Newton steps, and their animations.

Every function draws on the ``ax`` it is given (or on a new figure) and
returns the axes. The numbers come from the rest of the package:
:func:`mlecourse.loglik` for log-likelihood values, :func:`mlecourse.fit` for
the MLE and profile log-likelihoods, ``mlecourse.newton.newton()`` for
Newton iterates. Artists that tests and widgets look for carry a ``gid``:
``"curve"``, ``"mle"``, ``"mle-point"``, ``"true"``, ``"current"``,
``"iterates"``, ``"quadratic"``, ``"next"``, ``"data"``, ``"model"``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validate import as_float_array, check_int, check_real
from ..families import get_family
from ..fit import BoundaryWarning, fit

__all__ = [
    "plot_likelihood_curve",
    "plot_loglik_contour",
    "plot_newton_steps",
    "plot_data_model",
    "animate_likelihood",
    "animate_newton",
    "param_symbol",
    "find_artist",
    "ExplorerFigure",
    "animation_html",
]

_SYMBOLS = {"p": "p", "mu": r"\mu", "sigma": r"\sigma", "lam": r"\lambda", "rate": r"\lambda",
            "b": "b", "nu": r"\nu", "shape": r"\alpha"}
_DISCRETE = {"bernoulli", "binomial", "geometric", "poisson"}
_LOG_TINY = float(np.log(np.finfo(float).tiny))   # about -708.4
_LOG_HUGE = float(np.log(np.finfo(float).max))    # about 709.8


def param_symbol(family, param: str) -> str:
    """The TeX symbol used for ``param`` on axes, without dollar signs.

    Parameters
    ----------
    family : str or Family
        The family (the gamma rate is :math:`\\beta`, the exponential rate
        :math:`\\lambda`).
    param : str
        A parameter name of the family.

    Returns
    -------
    str
        For example ``"\\\\mu"`` for ``"mu"``.
    """
    fam = get_family(family)
    if param not in fam.params:
        raise ValueError(f"{param!r} is not a parameter of the {fam.name} family; "
                         f"its parameters are {list(fam.params)}.")
    if fam.name == "gamma" and param == "rate":
        return r"\beta"
    return _SYMBOLS.get(param, param)


def _unicode_symbol(fam, param: str) -> str:
    tex = param_symbol(fam, param)
    return {r"\mu": "\u03bc", r"\sigma": "\u03c3", r"\lambda": "\u03bb", r"\nu": "\u03bd",
            r"\alpha": "\u03b1", r"\beta": "\u03b2"}.get(tex, tex)


def _new_ax(ax, figsize=(6, 3.5)):
    if ax is None:
        from matplotlib import pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}.")
    return ax


def _fit_quiet(fam, x, fixed):
    with warnings.catch_warnings():
        # an MLE on the boundary (e.g. all successes) is drawn where it is; no warning needed
        warnings.simplefilter("ignore", BoundaryWarning)
        return fit(fam, x, **fixed)


def _split_fixed(fam, fixed: dict) -> tuple[dict, dict]:
    """Split keyword arguments into fixed parameters and known constants (validated)."""
    known = {k: fixed[k] for k in fixed if k in fam.known}
    params = {k: v for k, v in fixed.items() if k not in fam.known}
    known = fam.check_known(known)
    for name in params:
        if name not in fam.params:
            extra = f" and known constant(s) {list(fam.known)}" if fam.known else ""
            raise ValueError(f"{name!r} is not a parameter of the {fam.name} family; its "
                             f"parameters are {list(fam.params)}{extra}.")
    params = {k: float(v) for k, v in fam.check_params(params, allow_arrays=False).items()}
    return params, known


def _default_range(fam, param: str, res) -> tuple[float, float]:
    th = res.params[param]
    se = res.se.get(param, np.nan)
    if np.isfinite(se) and se > 0:
        lo, hi = th - 4 * se, th + 4 * se
    else:
        half = abs(th) if th != 0 else 1.0
        lo, hi = th - half, th + half
    dom = fam.domains[param]
    if dom == "unit":
        lo, hi = max(lo, 0.0), min(hi, 1.0)
        if th not in (0.0, 1.0):  # L = 0 at a boundary the data rule out: stay inside
            lo, hi = max(lo, 1e-6), min(hi, 1 - 1e-6)
    elif dom == "positive" and lo <= 0:
        lo = min(th, hi) / 50 if th > 0 else hi / 1000
    return lo, hi


def _check_grid(fam, param: str, grid, name: str = "grid") -> np.ndarray:
    g = as_float_array(grid, name, ndim=1, min_size=2)
    if np.any(np.diff(g) <= 0):
        raise ValueError(f"{name} must be strictly increasing; sort it (np.sort) and drop repeats.")
    fam.check_params({param: g})
    return g


def _curve_values(fam, x, param, grid, fixed, known):
    """Log-likelihood over ``grid``: other free parameters profiled out, fixed ones held."""
    res = _fit_quiet(fam, x, {**fixed, **known})
    others = [q for q in fam.params if q != param and q not in fixed]
    if others:
        ll = res.profile_loglik(param, grid)
    else:
        with np.errstate(divide="ignore"):
            ll = np.asarray(fam.loglik(x, **{param: grid}, **fixed, **known), dtype=float)
    return ll, res, bool(others)


def plot_likelihood_curve(family, data, param: str, grid=None, *, log: bool = False,
                          relative: bool = False, mark_mle: bool = True, true_value=None,
                          current=None, ax=None, **fixed):
    """Plot the likelihood (or log-likelihood) of one parameter.

    The other parameters of the family are either held at values you give
    (``**fixed``) or, when not given, *profiled out*: at each grid value of
    ``param`` they are set to their maximum-likelihood values, which gives
    the profile (log-)likelihood (the y-axis label then says "profile").

    Parameters
    ----------
    family : str or Family
        A family name such as ``"bernoulli"`` or ``"normal"``.
    data : array_like, shape (n,)
        The observations.
    param : str
        The parameter on the x-axis, e.g. ``"p"`` or ``"mu"``.
    grid : array_like, shape (m,), optional
        Strictly increasing values of ``param`` inside its domain. Default:
        201 points spanning the MLE plus or minus 4 standard errors, clipped
        to the parameter's domain.
    log : bool, default False
        Plot the log-likelihood :math:`\\ell` instead of the likelihood :math:`L`.
    relative : bool, default False
        Divide by the maximum, :math:`L(\\theta)/L(\\hat\\theta)` (or subtract it
        on the log scale, :math:`\\ell(\\theta) - \\ell(\\hat\\theta)`), so the
        peak is at 1 (or 0).
    mark_mle : bool, default True
        Draw a vertical line and a point at the MLE.
    true_value : float, optional
        Mark a known true value (for simulated data) with a dashed line.
    current : float, optional
        Mark one value of ``param`` with a point on the curve (the explorer's
        slider position).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new (6, 3.5) figure by default.
    **fixed : float
        Values for the other parameters (held fixed), and known constants
        such as ``trials`` for the binomial.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, with the curve (``gid="curve"``), the MLE line and point
        (``"mle"``, ``"mle-point"``), the true value (``"true"``) and the
        current value (``"current"``).

    Raises
    ------
    ValueError
        Bad data, a grid outside the parameter's domain or not increasing,
        ``param`` also given in ``fixed``, or a likelihood that underflows to
        0 (or overflows) in floating point when ``log=False, relative=False``:
        use ``relative=True`` or ``log=True`` then.
    TypeError
        Non-numeric data, grid or values.
    """
    fam = get_family(family)
    if not isinstance(param, str):
        raise TypeError(f"param must be a parameter name (a string); got {type(param).__name__}.")
    if param not in fam.params:
        raise ValueError(f"{param!r} is not a parameter of the {fam.name} family; "
                         f"its parameters are {list(fam.params)}.")
    if param in fixed:
        raise ValueError(f"{param!r} is the plotted parameter, so it cannot also be held fixed "
                         f"(drop {param}= from the call).")
    fixed, known = _split_fixed(fam, fixed)
    x = fam.check_data(data, **known)
    res = _fit_quiet(fam, x, {**fixed, **known})
    if grid is None:
        lo, hi = _default_range(fam, param, res)
        grid = np.linspace(lo, hi, 201)
    grid = _check_grid(fam, param, grid)
    for name, value in (("true_value", true_value), ("current", current)):
        if value is not None:
            fam.check_params({param: check_real(value, name)}, allow_arrays=False)
    ll, res, profiled = _curve_values(fam, x, param, grid, fixed, known)
    ll_hat = res.loglik
    if not log and not relative and not (_LOG_TINY < ll_hat < _LOG_HUGE):
        what = "underflows to 0" if ll_hat <= _LOG_TINY else "overflows to infinity"
        raise ValueError(
            f"the likelihood {what} in floating point for these data (its maximum is "
            f"exp({ll_hat:.1f})); plot the relative likelihood (relative=True) or the "
            "log-likelihood (log=True) instead.")

    def transform(values):
        values = np.asarray(values, dtype=float)
        if log:
            out = values - ll_hat if relative else values.copy()
            return np.where(np.isfinite(out), out, np.nan)  # log 0 = -inf: a gap in the line
        return np.exp(values - ll_hat) if relative else np.exp(values)

    ax = _new_ax(ax)
    s = param_symbol(fam, param)
    prefix = "profile " if profiled else ""
    if log:
        ylabel = (rf"$\ell({s}) - \ell(\hat{{{s}}})$" if relative
                  else rf"{prefix}log-likelihood $\ell({s})$")
        if relative and profiled:
            ylabel = "profile " + ylabel
    else:
        ylabel = (rf"{prefix}relative likelihood $L({s})/L(\hat{{{s}}})$" if relative
                  else rf"{prefix}likelihood $L({s})$")
    y = transform(ll)
    ax.plot(grid, y, color="C0", lw=2, gid="curve")
    theta_hat = res.params[param]
    if mark_mle:
        y_hat = float(transform(ll_hat))
        ax.axvline(theta_hat, color="C3", lw=1, gid="mle",
                   label=rf"MLE $\hat{{{s}}}$ = {theta_hat:.3g}")
        ax.plot([theta_hat], [y_hat], "o", color="C3", ms=6, gid="mle-point")
    if true_value is not None:
        ax.axvline(float(true_value), color="C2", lw=1.5, ls="--", gid="true",
                   label=f"true value ${s}$ = {float(true_value):.3g}")
    if current is not None:
        cur = float(current)
        if profiled:
            y_cur = float(transform(res.profile_loglik(param, [cur]))[0])
        else:
            with np.errstate(divide="ignore"):
                y_cur = float(transform(fam.loglik(x, **{param: cur}, **fixed, **known)))
        ax.plot([cur], [y_cur], "s", color="C1", ms=7, gid="current", label=f"current ${s}$")
    ax.set_xlabel(f"${s}$")
    ax.set_ylabel(ylabel)
    if mark_mle or true_value is not None or current is not None:
        ax.legend(frameon=False, fontsize="small")
    return ax


def plot_loglik_contour(family, data, params=("mu", "sigma"), *, grid=None,
                        levels=(0.5, 1, 2, 3, 5, 10), ax=None, **fixed):
    """Contours of a two-parameter log-likelihood, with the MLE marked.

    The contours are drawn for the log-likelihood relative to its maximum,
    :math:`\\ell(\\theta) - \\ell(\\hat\\theta)`, at minus each value of
    ``levels``. A drop of 3.0 (the 0.95 quantile of :math:`\\chi^2_2` divided
    by 2 is 2.996) outlines an approximate 95% likelihood-ratio confidence
    region for the two parameters together.

    Parameters
    ----------
    family : str or Family
        A family with at least two parameters, e.g. ``"normal"``.
    data : array_like, shape (n,)
        The observations.
    params : tuple of two str, default ("mu", "sigma")
        The parameters on the x- and y-axis. Any other parameter of the
        family must be given in ``**fixed``.
    grid : dict, optional
        Parameter name to a strictly increasing 1-D array of values. Default:
        101 values spanning the MLE plus or minus 4 standard errors, inside
        the parameter's domain.
    levels : sequence of float, default (0.5, 1, 2, 3, 5, 10)
        Positive drops below the maximum at which to draw contours.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new (6, 4) figure by default.
    **fixed : float
        Values for the family's other parameters (e.g. ``nu`` for the
        Student-t).

    Returns
    -------
    matplotlib.axes.Axes
        The axes; the contour set is in ``ax.collections`` and the MLE is the
        line with ``gid="mle"``.

    Raises
    ------
    ValueError
        Unknown or repeated parameter names, a free parameter not in
        ``params`` and not fixed, non-positive levels, or a bad grid.
    """
    fam = get_family(family)
    if isinstance(params, str) or len(tuple(params)) != 2:
        raise ValueError("params must be two parameter names, e.g. ('mu', 'sigma'); "
                         f"got {params!r}.")
    p1, p2 = (str(p) for p in params)
    for p in (p1, p2):
        if p not in fam.params:
            raise ValueError(f"{p!r} is not a parameter of the {fam.name} family; "
                             f"its parameters are {list(fam.params)}.")
        if p in fixed:
            raise ValueError(f"{p!r} is on an axis, so it cannot also be held fixed.")
    if p1 == p2:
        raise ValueError(f"params must be two different parameters; got {p1!r} twice.")
    fixed, known = _split_fixed(fam, fixed)
    missing = [q for q in fam.params if q not in (p1, p2) and q not in fixed]
    if missing:
        raise ValueError(f"the {fam.name} family also has the parameter(s) {missing}; hold "
                         f"them fixed, e.g. {missing[0]}=4.0.")
    lv = as_float_array(levels, "levels", ndim=1)
    if np.any(lv <= 0):
        raise ValueError("levels are drops below the maximum log-likelihood and must be "
                         f"positive; got {lv.tolist()}.")
    lv = np.unique(lv)
    x = fam.check_data(data, **known)
    res = _fit_quiet(fam, x, {**fixed, **known})
    if grid is None:
        grid = {}
    if not isinstance(grid, dict):
        raise TypeError("grid must be a dict of parameter name to values; "
                        f"got {type(grid).__name__}.")
    extra = sorted(set(grid) - {p1, p2})
    if extra:
        raise ValueError(f"grid has values for {extra}, which are not on the axes ({p1}, {p2}).")
    axes_vals = []
    for p in (p1, p2):
        if p in grid:
            axes_vals.append(_check_grid(fam, p, grid[p], f"grid[{p!r}]"))
        else:
            axes_vals.append(np.linspace(*_default_range(fam, p, res), 101))
    g1, g2 = axes_vals
    ll = fam.loglik(x, **{p1: g1[:, None], p2: g2[None, :]}, **fixed, **known)
    rel = np.asarray(ll, dtype=float) - res.loglik
    ax = _new_ax(ax, figsize=(6, 4))
    cs = ax.contour(g1, g2, rel.T, levels=-lv[::-1], cmap="viridis")
    ax.clabel(cs, fmt=lambda v: f"{v:g}", fontsize="small")
    s1, s2 = param_symbol(fam, p1), param_symbol(fam, p2)
    ax.plot([res.params[p1]], [res.params[p2]], "x", color="C3", ms=9, mew=2, gid="mle",
            label=rf"MLE $(\hat{{{s1}}}, \hat{{{s2}}})$ = ({res.params[p1]:.4g}, "
                  f"{res.params[p2]:.4g})")
    ax.set_xlabel(f"${s1}$")
    ax.set_ylabel(f"${s2}$")
    ax.legend(frameon=False, fontsize="small", loc="upper right")
    ax.set_title(r"$\ell - \ell_{\max}$ contours", fontsize="medium")
    return ax


def _eval_callable(f, values: np.ndarray) -> np.ndarray:
    out = np.array([float(f(v)) for v in values], dtype=float)
    return np.where(np.isfinite(out), out, np.nan)


def plot_newton_steps(loglik, path, *, steps=None, grid=None, quadratic: bool = True, ax=None,
                      xlabel: str = r"$\theta$",
                      ylabel: str = r"log-likelihood $\ell(\theta)$"):
    """Draw Newton iterates on a one-parameter log-likelihood.

    Shows the curve, the iterates :math:`\\theta_0, \\dots, \\theta_s` as
    numbered points on it, and (with ``quadratic=True``) the quadratic
    approximation at the current iterate :math:`\\theta_s`,
    :math:`\\ell(\\theta_s) + U(\\theta_s)(\\theta-\\theta_s) -
    J(\\theta_s)(\\theta-\\theta_s)^2/2`, whose stationary point is the next
    iterate. An iterate outside the parameter space is marked with a cross
    on the x-axis.

    Parameters
    ----------
    loglik : callable
        ``loglik(theta) -> float`` for a scalar ``theta``; evaluated at each
        grid value and at each iterate inside the grid's range.
    path : NewtonResult
        The output of ``mlecourse.newton.newton()`` for a scalar parameter.
    steps : int, optional
        How many steps to show (0 shows only the start); default all.
    grid : array_like, shape (m,), optional
        Increasing values at which to draw the curve; default 400 points over
        the range of the iterates that lie in the parameter space, padded by
        15%. Pass a grid when ``loglik`` is not defined near the iterates.
    quadratic : bool, default True
        Draw the quadratic approximation at the current iterate.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new (6, 3.5) figure by default.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        With the curve (``gid="curve"``), the iterates (``"iterates"``), the
        quadratic (``"quadratic"``) and its stationary point (``"next"``).
    """
    from ..newton import NewtonResult

    if not callable(loglik):
        raise TypeError(f"loglik must be a function of the parameter; got {type(loglik).__name__}.")
    if not isinstance(path, NewtonResult):
        raise TypeError(f"path must be a NewtonResult from mlecourse.newton.newton; got "
                        f"{type(path).__name__}.")
    if path.theta.ndim != 1:
        raise ValueError("plot_newton_steps draws a scalar parameter; this path has "
                         f"{path.theta.shape[1]} parameters.")
    s = path.n_iter if steps is None else check_int(steps, "steps", low=0, high=path.n_iter)
    shown = path.theta[: s + 1]
    inside = np.isfinite(path.score)  # iterates where score and information exist
    if grid is None:
        pts = path.theta[inside]
        lo, hi = float(pts.min()), float(pts.max())
        pad = 0.15 * (hi - lo) if hi > lo else 0.5 * (abs(lo) or 1.0)
        lo_g = lo - pad
        if np.all(pts > 0) and lo_g <= 0:
            lo_g = lo / 2
        grid = np.linspace(lo_g, hi + pad, 400)
    g = as_float_array(grid, "grid", ndim=1, min_size=2)
    if np.any(np.diff(g) <= 0):
        raise ValueError("grid must be strictly increasing; sort it (np.sort) and drop repeats.")
    ax = _new_ax(ax)
    curve = _eval_callable(loglik, g)
    if not np.any(np.isfinite(curve)):
        raise ValueError("loglik is not finite anywhere on the grid; pass a grid inside the "
                         "parameter space.")
    ax.plot(g, curve, color="C0", lw=2, gid="curve", label="log-likelihood")
    ymin, ymax = np.nanmin(curve), np.nanmax(curve)
    span = ymax - ymin if ymax > ymin else 1.0
    ax.set_ylim(ymin - 0.08 * span, ymax + 0.12 * span)
    ins = inside[: s + 1]
    xs = shown[ins]
    ys = _eval_callable(loglik, xs)
    ax.plot(xs, ys, "o", color="C3", ms=6, zorder=3, gid="iterates",
            label=r"iterates $\theta_t$")
    for t, (xt, yt) in zip(np.flatnonzero(ins), zip(xs, ys)):
        ax.annotate(str(t), (xt, yt), textcoords="offset points", xytext=(0, 7),
                    ha="center", fontsize="small", color="C3")
    if not np.all(ins):
        out_x = shown[~ins]
        ax.plot(out_x, np.zeros_like(out_x), "x", color="C3", ms=10, mew=2,
                transform=ax.get_xaxis_transform(), clip_on=False, gid="outside",
                label="iterate outside the parameter space")
    if quadratic and s < path.n_iter and inside[s]:
        t0, u, j = path.theta[s], path.score[s], path.info[s]
        q = _eval_callable(loglik, [t0])[0] + u * (g - t0) - 0.5 * j * (g - t0) ** 2
        ax.plot(g, q, "--", color="C1", lw=1.2, gid="quadratic",
                label=f"quadratic approximation at $\\theta_{{{s}}}$")
        nxt = path.theta[s + 1]
        q_next = _eval_callable(loglik, [t0])[0] + 0.5 * u * u / j if j != 0 else np.nan
        ax.plot([nxt], [q_next], "o", mfc="none", color="C1", ms=7, gid="next",
                label=f"its stationary point $\\theta_{{{s + 1}}}$")
    ax.set_xlim(g[0], g[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # below the axes, so it never covers the curve
    ax.legend(frameon=False, fontsize="small", loc="upper center",
              bbox_to_anchor=(0.5, -0.18), ncol=2)
    return ax


def plot_data_model(family, data, *, ax=None, **params):
    """The data with the model's probability mass or density at given parameters.

    Discrete families (Bernoulli, binomial, geometric, Poisson) show the
    observed proportion of each value as bars and the model's probabilities
    as points; continuous ones a density-scaled histogram and the density.

    Parameters
    ----------
    family : str or Family
        The family.
    data : array_like, shape (n,)
        The observations.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new (6, 3.5) figure by default.
    **params : float
        A value for every parameter (and known constants such as ``trials``).

    Returns
    -------
    matplotlib.axes.Axes
        With the data (``gid="data"``) and the model (``gid="model"``).
    """
    fam = get_family(family)
    vals, known = _split_fixed(fam, params)
    missing = [q for q in fam.params if q not in vals]
    if missing:
        raise TypeError(f"plot_data_model needs values for {missing} of the {fam.name} family.")
    x = fam.check_data(data, **known)
    ax = _new_ax(ax)
    if fam.name in _DISCRETE:
        hi = int(x.max())
        if fam.name == "binomial":
            hi = known["trials"]
        elif fam.name == "bernoulli":
            hi = 1
        elif fam.name == "poisson":  # show where the model puts its mass, too
            lam = float(vals["lam"])
            hi = max(hi, int(np.ceil(lam + 3 * np.sqrt(lam))))
        lo = 1 if fam.name == "geometric" else 0
        ks = np.arange(lo, hi + 1)
        counts = np.array([(x == k).sum() for k in ks]) / x.size
        ax.bar(ks, counts, width=0.6, color="C0", alpha=0.5, gid="data", label="data")
        pmf = np.exp(fam.logpdf(ks, **vals, **known))
        ax.plot(ks, pmf, "o", color="C3", gid="model", label="model")
        ax.set_ylabel("proportion / probability")
        if fam.name == "bernoulli":
            ax.set_xticks([0, 1])
    else:
        ax.hist(x, bins="auto", density=True, color="C0", alpha=0.5, gid="data", label="data")
        lo, hi = float(x.min()), float(x.max())
        pad = 0.1 * (hi - lo) if hi > lo else 1.0
        lo = max(lo - pad, 0.0) if fam.name in {"exponential", "gamma"} else lo - pad
        xs = np.linspace(lo, hi + pad, 300)
        ax.plot(xs, np.exp(fam.logpdf(xs, **vals)), color="C3", lw=2, gid="model",
                label="model")
        ax.set_ylabel("density")
    ax.set_xlabel("$x$")
    ax.legend(frameon=False, fontsize="small")
    return ax


def find_artist(ax, gid: str):
    """The first line or collection on ``ax`` whose ``gid`` is ``gid`` (or None)."""
    if not all(hasattr(ax, attr) for attr in ("lines", "collections", "patches")):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}.")
    for artist in list(ax.lines) + list(ax.collections) + list(ax.patches):
        if artist.get_gid() == gid:
            return artist
    return None


class ExplorerFigure:
    """Two panels, the data with the model and the relative likelihood, for one parameter.

    ``draw()`` draws everything for a sample; ``update()`` moves the
    parameter, changing only the model and the marker on the likelihood
    curve (fast enough for a slider, and for animation frames). Used by
    ``animate_likelihood()`` and by ``mlecourse.widgets.likelihood_explorer()``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    ax_data, ax_lik : matplotlib.axes.Axes
        The data panel and the likelihood panel.
    """

    def __init__(self, fig, ax_data, ax_lik):
        self.fig, self.ax_data, self.ax_lik = fig, ax_data, ax_lik
        self.value = None

    def draw(self, family, data, param: str, value: float, *, grid=None, true_value=None,
             **fixed) -> None:
        """Draw both panels for ``data`` with ``param`` at ``value`` (others in ``fixed``).

        Parameters
        ----------
        family : str or Family
            The family.
        data : array_like, shape (n,)
            The observations.
        param : str
            The parameter that moves; every other parameter must be in ``fixed``.
        value : float
            Its current value.
        grid : array_like, optional
            Values of ``param`` for the likelihood curve (default as in
            ``plot_likelihood_curve()``).
        true_value : float, optional
            A true value to mark.
        **fixed : float
            The other parameters and known constants.
        """
        fam = get_family(family)
        others = [q for q in fam.params if q != param and q not in fixed]
        if others:
            raise ValueError(f"the explorer moves one parameter; give fixed values for {others}.")
        self.fam, self.param = fam, param
        self.fixed, self.known = _split_fixed(fam, fixed)
        self.x = fam.check_data(data, **self.known)
        self.ll_hat = _fit_quiet(fam, self.x, {**self.fixed, **self.known}).loglik
        self.ax_data.clear()
        self.ax_lik.clear()
        plot_data_model(fam, self.x, ax=self.ax_data, **{param: value}, **fixed)
        plot_likelihood_curve(fam, self.x, param, grid, relative=True, true_value=true_value,
                              current=value, ax=self.ax_lik, **fixed)
        model = find_artist(self.ax_data, "model")
        self._model_x = np.asarray(model.get_xdata(), dtype=float)
        self._ymax = self.ax_data.get_ylim()[1]
        # one legend for both panels, below them, so it never hides the curves
        handles, labels = [], []
        for ax in (self.ax_data, self.ax_lik):
            h, lab = ax.get_legend_handles_labels()
            handles += h
            labels += lab
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        for old in list(self.fig.legends):
            old.remove()
        self.fig.legend(handles, labels, loc="lower center", ncol=len(labels),
                        frameon=False, fontsize="small", handlelength=1.5, columnspacing=1.0)
        self.update(value)
        self.fig.tight_layout(rect=(0, 0.09, 1, 1))

    def update(self, value: float) -> None:
        """Move the parameter to ``value``: redraw the model and the marker, retitle."""
        fam, param = self.fam, self.param
        v = float(fam.check_params({param: check_real(value, param)}, allow_arrays=False)[param])
        self.value = v
        dens = np.exp(fam.logpdf(self._model_x, **{param: v}, **self.fixed, **self.known))
        find_artist(self.ax_data, "model").set_ydata(dens)
        self._ymax = max(self._ymax, 1.08 * float(np.max(dens)))
        self.ax_data.set_ylim(0, self._ymax)
        with np.errstate(divide="ignore"):
            ll = float(fam.loglik(self.x, **{param: v}, **self.fixed, **self.known))
        rel = float(np.exp(ll - self.ll_hat))
        find_artist(self.ax_lik, "current").set_data([v], [rel])
        # plain-text titles (no mathtext): they change every frame, and parsing is slow
        sym = _unicode_symbol(fam, param)
        self.ax_data.set_title(f"data and model at {sym} = {v:.3g}", fontsize="medium")
        self.ax_lik.set_title(f"L({sym}) / max L = {rel:.3g}", fontsize="medium")


def animate_likelihood(family, data, param: str, values, *, grid=None, true_value=None,
                       figsize=(6, 3.2), dpi: int = 72, **fixed):
    """An animation of the likelihood explorer: the parameter sweeps over ``values``.

    Each frame has two panels: the data with the model at the current value
    (left), and the relative likelihood with the current value marked
    (right). For the static page, embed it with
    ``IPython.display.HTML(anim.to_jshtml())``.

    Parameters
    ----------
    family : str or Family
        A one-parameter family, or any family with the other parameters in
        ``**fixed``.
    data : array_like, shape (n,)
        The observations.
    param : str
        The parameter that moves.
    values : array_like, shape (frames,)
        The parameter value in each frame (keep to a few dozen frames).
    grid : array_like, optional
        Grid for the likelihood curve (see ``plot_likelihood_curve()``);
        by default it covers ``values`` too.
    true_value : float, optional
        A true value to mark.
    figsize : tuple of float, default (6, 3.2)
        Figure size in inches.
    dpi : int, default 72
        Resolution of the frames.
    **fixed : float
        Values of the family's other parameters.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        The animation; its figure is closed so it is not shown a second time.
    """
    from matplotlib import pyplot as plt
    from matplotlib.animation import FuncAnimation

    fam = get_family(family)
    vals = as_float_array(values, "values", ndim=1)
    dpi = check_int(dpi, "dpi", low=10, high=300)
    if param not in fam.params:
        raise ValueError(f"{param!r} is not a parameter of the {fam.name} family; "
                         f"its parameters are {list(fam.params)}.")
    fam.check_params({param: vals})
    if grid is None:
        fixed_params, known = _split_fixed(fam, fixed)
        x = fam.check_data(data, **known)
        res = _fit_quiet(fam, x, {**fixed_params, **known})
        lo, hi = _default_range(fam, param, res)
        grid = np.linspace(min(lo, float(vals.min())), max(hi, float(vals.max())), 201)
    fig, (ax_data, ax_lik) = plt.subplots(1, 2, figsize=figsize, dpi=dpi)
    panel = ExplorerFigure(fig, ax_data, ax_lik)
    panel.draw(fam, data, param, float(vals[0]), grid=grid, true_value=true_value, **fixed)
    for v in vals:  # fix the y-range over all frames so the axes do not jump
        panel.update(v)

    def frame(i):
        panel.update(vals[i])
        return []

    anim = FuncAnimation(fig, frame, frames=len(vals), interval=250, blit=False)
    plt.close(fig)
    return anim


def animate_newton(loglik, path, *, grid=None, xlabel: str = r"$\theta$",
                   ylabel: str = r"log-likelihood $\ell(\theta)$", figsize=(6, 3.5),
                   dpi: int = 72):
    """An animation of Newton's method: one frame per step.

    Frame ``s`` is ``plot_newton_steps()`` with ``steps=s``. Embed it with
    ``IPython.display.HTML(anim.to_jshtml())``.

    Parameters
    ----------
    loglik : callable
        ``loglik(theta) -> float``.
    path : NewtonResult
        A scalar Newton run from ``mlecourse.newton.newton()``.
    grid : array_like, optional
        Values at which to draw the curve (see ``plot_newton_steps()``).
    xlabel, ylabel : str
        Axis labels.
    figsize : tuple of float, default (6, 3.5)
        Figure size in inches.
    dpi : int, default 72
        Resolution of the frames.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        One frame per step (``path.n_iter + 1`` frames); its figure is closed.
    """
    from matplotlib import pyplot as plt
    from matplotlib.animation import FuncAnimation

    dpi = check_int(dpi, "dpi", low=10, high=300)
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    # Draw everything once (the whole path), then show or hide per frame: much
    # faster than redrawing, and the axes and layout stay fixed.
    plot_newton_steps(loglik, path, grid=grid, quadratic=False, ax=ax, xlabel=xlabel,
                      ylabel=ylabel)
    g = np.asarray(find_artist(ax, "curve").get_xdata(), dtype=float)
    inside = np.isfinite(path.score)
    it = find_artist(ax, "iterates")
    xs_all, ys_all = np.asarray(it.get_xdata()), np.asarray(it.get_ydata())
    labels = list(ax.texts)  # one number per iterate inside the space, in order
    outside = find_artist(ax, "outside")
    quads, nexts = [], []
    for s in range(path.n_iter):
        if not inside[s]:
            quads.append(None)
            nexts.append(None)
            continue
        t0, u, j = path.theta[s], path.score[s], path.info[s]
        l0 = _eval_callable(loglik, [t0])[0]
        (q,) = ax.plot(g, l0 + u * (g - t0) - 0.5 * j * (g - t0) ** 2, "--", color="C1",
                       lw=1.2, gid="quadratic", visible=False)
        (nx,) = ax.plot([path.theta[s + 1]], [l0 + 0.5 * u * u / j if j != 0 else np.nan],
                        "o", mfc="none", color="C1", ms=7, gid="next", visible=False)
        quads.append(q)
        nexts.append(nx)
    # legend entries drawn from visible stand-ins, since the real ones are hidden in turn
    from matplotlib.lines import Line2D

    handles = [find_artist(ax, "curve"), it,
               Line2D([], [], ls="--", color="C1", lw=1.2),
               Line2D([], [], ls="none", marker="o", mfc="none", color="C1", ms=7)]
    ax.legend(handles, ["log-likelihood", r"iterates $\theta_t$",
                        "quadratic approximation at the current iterate",
                        "its stationary point: the next iterate"],
              frameon=False, fontsize="small", loc="upper center",
              bbox_to_anchor=(0.5, -0.18), ncol=2)
    title = ax.set_title("step 0", fontsize="medium")
    fig.tight_layout()

    def frame(s):
        k = int(np.sum(inside[: s + 1]))
        it.set_data(xs_all[:k], ys_all[:k])
        for t, label in enumerate(labels):
            label.set_visible(t < k)
        if outside is not None:
            outside.set_visible(s == path.n_iter and not inside[s])
        for t, (q, nx) in enumerate(zip(quads, nexts)):
            if q is not None:
                q.set_visible(t == s)
                nx.set_visible(t == s)
        title.set_text(f"step {s}: \u03b8{s} = {path.theta[s]:.6g}")
        return []

    frame(0)
    anim = FuncAnimation(fig, frame, frames=path.n_iter + 1, interval=800, blit=False)
    plt.close(fig)
    return anim


def animation_html(anim, alt: str) -> str:
    """The animation as self-contained HTML (JavaScript player), with alt text.

    Matplotlib's ``Animation.to_jshtml()`` with two additions for
    screen readers: ``alt`` on the frame image and a label on the frame
    slider. Display it with ``IPython.display.HTML(animation_html(anim, alt))``.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        For example from ``animate_likelihood()`` or ``animate_newton()``.
    alt : str
        What the animation shows, in words (the finding, not "an animation").

    Returns
    -------
    str
        The HTML.
    """
    from matplotlib.animation import Animation

    from ._html import accessible_jshtml

    if not isinstance(anim, Animation):
        raise TypeError(f"anim must be a matplotlib Animation; got {type(anim).__name__}.")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of what the animation shows.")
    return accessible_jshtml(anim.to_jshtml(), alt)
