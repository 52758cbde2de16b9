"""Figures for mixtures and the EM algorithm.

* :func:`plot_mixture_1d` -- a histogram with a fitted 1-D mixture density and
  its weighted components.
* :func:`plot_mixture_2d` -- 2-D points coloured by their responsibilities, with
  an ellipse of constant density for each component.
* :func:`covariance_ellipse` -- the ellipse of one normal component.
* :func:`plot_loglik_history` -- the log-likelihood against the iteration, or
  its distance from the final value on a log scale (where linear convergence
  is a straight line).
* :func:`em_animation` -- EM's progress as a matplotlib animation, for the
  static page (``to_jshtml``) or a live notebook.

Mixture parameters are accepted in any of the forms the package uses: a
``mlecourse.em.GMMResult`` (or anything with ``weights``, ``means`` and
``covariances`` attributes) or a dict with those keys. For 1-D mixtures the
means may have shape ``(K,)`` and the covariances ``(K,)`` (variances). Plotting
never fits anything: the numbers come from the rest of the package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .._validate import as_float_array, check_int, check_real

__all__ = [
    "covariance_ellipse",
    "em_animation",
    "mixture_params",
    "plot_loglik_history",
    "plot_mixture_1d",
    "plot_mixture_2d",
]

# Component colours (Okabe-Ito, distinguishable with the common colour-vision deficiencies).
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
          "#000000")


def _new_axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def mixture_params(params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and covariances of a Gaussian mixture, in standard shapes.

    Parameters
    ----------
    params : GMMResult or dict
        An object with attributes ``weights``, ``means`` and ``covariances``
        (such as ``mlecourse.em.GMMResult``) or a dict with those keys.
        Shapes ``(K,)``, ``(K, D)`` and ``(K, D, D)``; for one dimension the
        means may be ``(K,)`` and the covariances ``(K,)`` or ``(K, 1)``
        (variances).

    Returns
    -------
    weights : ndarray, shape (K,)
    means : ndarray, shape (K, D)
    covariances : ndarray, shape (K, D, D)

    Raises
    ------
    TypeError
        If ``params`` has neither the attributes nor the keys.
    ValueError
        If the shapes do not agree, the weights are not positive and summing
        to 1, or a covariance is not symmetric positive definite.
    """
    keys = ("weights", "means", "covariances")
    if isinstance(params, Mapping):
        missing = [k for k in keys if k not in params]
        if missing:
            raise ValueError(f"mixture parameters need the keys {list(keys)}; missing {missing}.")
        values = [params[k] for k in keys]
    elif all(hasattr(params, k) for k in keys):
        values = [getattr(params, k) for k in keys]
    else:
        raise TypeError("params must be a fitted mixture (with weights, means and covariances "
                        "attributes, e.g. a GMMResult) or a dict with those keys; got "
                        f"{type(params).__name__}.")
    w = as_float_array(values[0], "weights", ndim=1)
    k = w.size
    means = as_float_array(values[1], "means", ndim=(1, 2))
    if means.ndim == 1:
        if means.size != k:
            raise ValueError(f"means must have one row per component ({k}); got shape "
                             f"{means.shape}.")
        means = means[:, None]
    if means.shape[0] != k:
        raise ValueError(f"means must have shape (K, D) with K = {k}; got shape {means.shape}.")
    d = means.shape[1]
    covs = as_float_array(values[2], "covariances", ndim=(1, 2, 3))
    if d == 1 and covs.shape in ((k,), (k, 1)):
        covs = covs.reshape(k, 1, 1)
    if covs.shape != (k, d, d):
        raise ValueError(f"covariances must have shape (K, D, D) = ({k}, {d}, {d}); got shape "
                         f"{covs.shape}.")
    if np.any(w <= 0) or abs(w.sum() - 1) > 1e-6:
        raise ValueError(f"weights must be positive and sum to 1; got {np.round(w, 6)}.")
    for j, c in enumerate(covs):
        if not np.allclose(c, c.T, rtol=1e-8, atol=1e-12) or np.linalg.eigvalsh(c)[0] <= 0:
            raise ValueError(f"covariances[{j}] must be symmetric positive definite.")
    return w, means, covs


def _log_weighted_densities(x: np.ndarray, w, means, covs) -> np.ndarray:
    """``log w_k + log N(x_n | mu_k, Sigma_k)``, shape (N, K), for drawing only.

    Through one Cholesky factor per component (SciPy's frozen
    ``multivariate_normal`` is far slower to create, which matters per frame).
    """
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    d = x.shape[1]
    out = np.empty((x.shape[0], w.size))
    for k in range(w.size):
        chol = np.linalg.cholesky(covs[k])
        z = np.linalg.solve(chol, (x - means[k]).T)
        out[:, k] = (math.log(w[k]) - 0.5 * d * math.log(2 * math.pi)
                     - np.log(np.diagonal(chol)).sum() - 0.5 * np.einsum("dn,dn->n", z, z))
    return out


def _responsibilities(x: np.ndarray, w, means, covs) -> np.ndarray:
    from scipy.special import logsumexp

    a = _log_weighted_densities(x, w, means, covs)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def _colors(k: int) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array([to_rgb(COLORS[j % len(COLORS)]) for j in range(k)])


# ---------------------------------------------------------------------------


def plot_mixture_1d(x, params, *, ax=None, bins=30, components: bool = True,
                    grid_size: int = 400, xlabel: str | None = None, legend: bool = True):
    """Histogram of 1-D data with a fitted normal mixture's density on top.

    Parameters
    ----------
    x : array_like, shape (N,)
        The data.
    params : GMMResult or dict
        A 1-D mixture (see :func:`mixture_params`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure of size (6, 3.5) by default.
    bins : int or sequence, default 30
        Histogram bins (passed to ``matplotlib.axes.Axes.hist``).
    components : bool, default True
        Also draw each weighted component ``w_k N(x | mu_k, sigma_k^2)`` dashed.
    grid_size : int, default 400
        Number of points at which the densities are drawn.
    xlabel : str, optional
        Label of the horizontal axis.
    legend : bool, default True
        Draw a legend.

    Returns
    -------
    matplotlib.axes.Axes
        The axes; its first line is the mixture density.
    """
    x = as_float_array(x, "x", ndim=1)
    w, means, covs = mixture_params(params)
    if means.shape[1] != 1:
        raise ValueError(f"plot_mixture_1d needs a 1-D mixture; this one has D = "
                         f"{means.shape[1]} (use plot_mixture_2d).")
    grid_size = check_int(grid_size, "grid_size", low=2)
    ax = _new_axes(ax, (6, 3.5))
    sds = np.sqrt(covs[:, 0, 0])
    lo = min(x.min(), (means[:, 0] - 3 * sds).min())
    hi = max(x.max(), (means[:, 0] + 3 * sds).max())
    grid = np.linspace(lo, hi, grid_size)
    comp = np.exp(_log_weighted_densities(grid[:, None], w, means, covs))
    ax.hist(x, bins=bins, density=True, color="0.85", edgecolor="0.6", label="data")
    ax.plot(grid, comp.sum(axis=1), color="black", lw=2, label="mixture density")
    if components:
        cols = _colors(w.size)
        for k in range(w.size):
            ax.plot(grid, comp[:, k], ls="--", color=cols[k], lw=1.5,
                    label=f"component {k + 1} (weight {w[k]:.2f})")
    ax.set_ylabel("density")
    if xlabel:
        ax.set_xlabel(xlabel)
    if legend:
        ax.legend(frameon=False, fontsize="small")
    return ax


def covariance_ellipse(mean, cov, *, n_std: float = 2.0, ax=None, **kwargs):
    r"""Draw the ellipse :math:`(x - \mu)^\top \Sigma^{-1} (x - \mu) = c^2` of a 2-D normal.

    Parameters
    ----------
    mean : array_like, shape (2,)
    cov : array_like, shape (2, 2)
        Symmetric positive definite.
    n_std : float, default 2.0
        The Mahalanobis radius ``c``: the ellipse passes ``c`` standard
        deviations from the mean along each principal axis. It holds a
        probability ``1 - exp(-c**2 / 2)`` of the normal (0.865 for ``c = 2``).
    ax : matplotlib.axes.Axes, optional
        Where to draw (the current axes by default).
    **kwargs
        Passed to ``matplotlib.patches.Ellipse`` (``edgecolor``, ``lw``...).

    Returns
    -------
    matplotlib.patches.Ellipse
        The patch, already added to the axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse

    mean = as_float_array(mean, "mean", ndim=1)
    cov = as_float_array(cov, "cov", ndim=2)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(f"covariance_ellipse needs a mean of shape (2,) and a covariance of "
                         f"shape (2, 2); got {mean.shape} and {cov.shape}.")
    n_std = check_real(n_std, "n_std", positive=True)
    vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
    if vals[0] <= 0:
        raise ValueError("cov must be positive definite.")
    angle = math.degrees(math.atan2(vecs[1, 1], vecs[0, 1]))
    kwargs.setdefault("facecolor", "none")
    patch = Ellipse(xy=tuple(mean), width=2 * n_std * math.sqrt(vals[1]),
                    height=2 * n_std * math.sqrt(vals[0]), angle=angle, **kwargs)
    (ax if ax is not None else plt.gca()).add_patch(patch)
    return patch


def plot_mixture_2d(x, params, *, ax=None, n_std: Sequence[float] = (1.0, 2.0),
                    color_by_responsibility: bool = True, labels: Sequence[str] | None = None,
                    point_size: float = 12.0, legend: bool = True):
    """2-D points with the ellipses of a fitted normal mixture.

    Each point is coloured by its responsibilities: the colours of the
    components mixed in proportion to ``P(z = k | x)``, so a point the model
    cannot place sits half-way between two colours.

    Parameters
    ----------
    x : array_like, shape (N, 2)
        The data.
    params : GMMResult or dict
        A 2-D mixture (see :func:`mixture_params`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure of size (5.5, 4) by default.
    n_std : sequence of float, default (1.0, 2.0)
        Mahalanobis radii of the ellipses drawn for each component.
    color_by_responsibility : bool, default True
        Colour points by responsibility; ``False`` draws them all grey.
    labels : sequence of str, optional
        Axis labels ``(xlabel, ylabel)``.
    point_size : float, default 12.0
        Marker area.
    legend : bool, default True
        Label each component's mean in a legend.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = as_float_array(x, "x", ndim=2)
    w, means, covs = mixture_params(params)
    if x.shape[1] != 2 or means.shape[1] != 2:
        raise ValueError(f"plot_mixture_2d needs 2-D data and a 2-D mixture; got data of shape "
                         f"{x.shape} and D = {means.shape[1]}.")
    ax = _new_axes(ax, (5.5, 4))
    cols = _colors(w.size)
    if color_by_responsibility:
        point_colors = np.clip(_responsibilities(x, w, means, covs) @ cols, 0, 1)
    else:
        point_colors = np.tile([0.6, 0.6, 0.6], (x.shape[0], 1))
    ax.scatter(x[:, 0], x[:, 1], s=point_size, c=point_colors, alpha=0.7, linewidths=0)
    for k in range(w.size):
        for r in n_std:
            covariance_ellipse(means[k], covs[k], n_std=r, ax=ax, edgecolor=cols[k], lw=1.5)
        ax.plot(*means[k], marker="X", ms=9, color=cols[k], mec="black", ls="none",
                label=f"component {k + 1} (weight {w[k]:.2f})")
    if labels is not None:
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
    if legend:
        ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def plot_loglik_history(histories, *, ax=None, gap: bool = False, final: float | None = None,
                        xlabel: str = "iteration", marker: str = "o"):
    r"""Plot EM log-likelihood histories against the iteration.

    Parameters
    ----------
    histories : array_like or dict
        One history (a sequence of log-likelihoods, ``history[t]`` after
        ``t`` iterations), or a dict of label to history to compare several.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure of size (6, 3.5) by default.
    gap : bool, default False
        Plot :math:`\ell^\ast - \ell_t` on a log scale instead, where
        :math:`\ell^\ast` is ``final`` (default: each history's own last,
        largest value, whose zero gap is then left out). Linear convergence,
        :math:`\ell^\ast - \ell_t \approx c\,r^{2t}`, is a straight line.
    final : float, optional
        The maximum to measure the gap from (with ``gap=True``).
    xlabel : str, default "iteration"
        Label of the horizontal axis.
    marker : str, default "o"
        Marker of the points (``""`` for none).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(histories, Mapping):
        items = list(histories.items())
    else:
        items = [(None, histories)]
    if not items:
        raise ValueError("histories is empty; give at least one log-likelihood history.")
    if final is not None:
        final = check_real(final, "final")
    ax = _new_axes(ax, (6, 3.5))
    cols = _colors(len(items))
    for j, (label, hist) in enumerate(items):
        h = as_float_array(hist, f"history {label!r}" if label else "history", ndim=1)
        t = np.arange(h.size)
        if gap:
            top = h.max() if final is None else final
            g = top - h
            keep = g > 0
            if not np.any(keep):
                raise ValueError("every log-likelihood equals the final value, so there is no "
                                 "gap to plot on a log scale.")
            ax.semilogy(t[keep], g[keep], marker=marker, ms=3, color=cols[j], label=label)
        else:
            ax.plot(t, h, marker=marker, ms=3, color=cols[j], label=label)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    longest = max(np.size(hist) for _, hist in items)
    if longest < 3:  # a run that has barely started: keep whole-number iteration ticks
        ax.set_xlim(-0.5, 2.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$\ell^\ast - \ell(\theta_t)$" if gap else r"log-likelihood $\ell(\theta_t)$")
    if any(label for label, _ in items):
        ax.legend(frameon=False, fontsize="small")
    return ax


class _FrameDrawer:
    """Draws one EM frame by updating persistent artists (much faster than redrawing)."""

    def __init__(self, ax, x, frames, iterations, logliks, bins, labels, n_std=(1.0, 2.0)):
        from matplotlib.patches import Ellipse

        self.ax, self.x, self.frames = ax, x, frames
        self.iterations, self.logliks = iterations, logliks
        k = frames[0][0].size
        self.cols = _colors(k)
        self.n_std = tuple(n_std)
        if x.ndim == 1:
            lo = min(x.min(), min((f[1][:, 0] - 3 * np.sqrt(f[2][:, 0, 0])).min()
                                  for f in frames))
            hi = max(x.max(), max((f[1][:, 0] + 3 * np.sqrt(f[2][:, 0, 0])).max()
                                  for f in frames))
            self.grid = np.linspace(lo, hi, 400)
            heights = ax.hist(x, bins=bins, density=True, color="0.85", edgecolor="0.6")[0]
            (self.total,) = ax.plot([], [], color="black", lw=2)
            self.parts = [ax.plot([], [], ls="--", color=self.cols[j], lw=1.5)[0]
                          for j in range(k)]
            ax.set_xlim(lo, hi)
            ax.set_ylim(0, 1.6 * max(heights.max(), 1e-12))
            ax.set_ylabel("density")
            if labels:
                ax.set_xlabel(labels[0])
        else:
            self.points = ax.scatter(x[:, 0], x[:, 1], s=8, alpha=0.7, linewidths=0)
            self.ellipses = []
            for j in range(k):
                for _ in self.n_std:
                    e = Ellipse((0, 0), 1, 1, facecolor="none", edgecolor=self.cols[j], lw=1.5)
                    ax.add_patch(e)
                    self.ellipses.append(e)
            self.centres = [ax.plot([], [], marker="X", ms=9, color=self.cols[j], mec="black",
                                    ls="none")[0] for j in range(k)]
            pad = 0.08 * np.ptp(x, axis=0)
            ax.set_xlim(x[:, 0].min() - pad[0], x[:, 0].max() + pad[0])
            ax.set_ylim(x[:, 1].min() - pad[1], x[:, 1].max() + pad[1])
            if labels:
                ax.set_xlabel(labels[0])
                ax.set_ylabel(labels[1])
        self.title = ax.set_title("", fontsize="medium")

    def __call__(self, i):
        w, means, covs = self.frames[i]
        if self.x.ndim == 1:
            comp = np.exp(_log_weighted_densities(self.grid[:, None], w, means, covs))
            self.total.set_data(self.grid, comp.sum(axis=1))
            for j, line in enumerate(self.parts):
                line.set_data(self.grid, comp[:, j])
        else:
            resp = _responsibilities(self.x, w, means, covs)
            self.points.set_facecolors(np.clip(resp @ self.cols, 0, 1))
            e = iter(self.ellipses)
            for j in range(w.size):
                vals, vecs = np.linalg.eigh(covs[j])
                angle = math.degrees(math.atan2(vecs[1, 1], vecs[0, 1]))
                for r in self.n_std:
                    patch = next(e)
                    patch.set_center(tuple(means[j]))
                    patch.set_width(2 * r * math.sqrt(vals[1]))
                    patch.set_height(2 * r * math.sqrt(vals[0]))
                    patch.set_angle(angle)
                self.centres[j].set_data([means[j, 0]], [means[j, 1]])
        text = f"iteration {self.iterations[i]}"
        if self.logliks is not None:
            text += f", log-likelihood {self.logliks[i]:.2f}"
        self.title.set_text(text)
        return []


def em_animation(x, path: Sequence, *, iterations: Sequence[int] | None = None,
                 logliks: Sequence[float] | None = None, figsize=(5.5, 3.2), dpi: int = 72,
                 interval: int = 500, bins=30, labels: Sequence[str] | None = None,
                 max_frames: int = 40, as_html: bool = False, alt: str | None = None):
    """An animation of EM's progress: one frame per set of parameters in ``path``.

    For 1-D data each frame shows the histogram with the current mixture
    density (solid) and its weighted components (dashed); for 2-D data the
    points coloured by their current responsibilities and the components'
    1- and 2-standard-deviation ellipses.

    Parameters
    ----------
    x : array_like, shape (N,) or (N, 2)
        The data.
    path : sequence of GMMResult or dict
        The parameters to show, in order (e.g. the starting values and the
        parameters after selected iterations). At most ``max_frames``.
    iterations : sequence of int, optional
        The iteration number of each frame, shown in its title (default
        ``0, 1, 2, ...``).
    logliks : sequence of float, optional
        The log-likelihood of each frame, shown in its title.
    figsize : tuple, default (5.5, 3.2)
        Figure size in inches; keep it small so an embedded animation stays light.
    dpi : int, default 72
        Resolution of each frame (20 to 100).
    interval : int, default 500
        Milliseconds between frames.
    bins : int or sequence, default 30
        Histogram bins for 1-D data.
    labels : sequence of str, optional
        Axis labels ``(xlabel, ylabel)`` for 2-D data; for 1-D data the first
        is the horizontal axis label.
    max_frames : int, default 40
        Largest allowed number of frames; thin ``path`` if it is longer.
    as_html : bool, default False
        Return the animation as an HTML string with every frame embedded as a
        PNG image (what ``anim.to_jshtml()`` gives, rendered with one draw per
        frame) and close the figure. Display it with
        ``IPython.display.HTML(...)``; it plays on a static page.
    alt : str, optional
        Required with ``as_html=True``: what the animation shows, in words,
        put on the frame image for screen readers.

    Returns
    -------
    matplotlib.animation.FuncAnimation or str
        The animation or, with ``as_html=True``, the HTML string.
    """
    import matplotlib.pyplot as plt

    x = as_float_array(x, "x", ndim=(1, 2))
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim == 2 and x.shape[1] != 2:
        raise ValueError(f"em_animation draws 1-D or 2-D data; got shape {x.shape}.")
    if isinstance(path, (str, bytes, Mapping)) or not isinstance(path, Sequence):
        raise TypeError("path must be a list of mixture parameters (dicts or GMMResults), one "
                        f"per frame; got {type(path).__name__}.")
    max_frames = check_int(max_frames, "max_frames", low=1)
    if not 1 <= len(path) <= max_frames:
        raise ValueError(f"path must have between 1 and max_frames = {max_frames} frames; got "
                         f"{len(path)}. Show fewer iterations (e.g. every other one).")
    frames = [mixture_params(p) for p in path]
    d = 1 if x.ndim == 1 else 2
    for j, (w, means, _) in enumerate(frames):
        if means.shape[1] != d:
            raise ValueError(f"path[{j}] is a {means.shape[1]}-D mixture but the data are {d}-D.")
        if w.size != frames[0][0].size:
            raise ValueError(f"every frame must have the same number of components; path[{j}] "
                             f"has {w.size}, path[0] has {frames[0][0].size}.")
    n = len(frames)
    iterations = list(range(n)) if iterations is None else [int(i) for i in iterations]
    if len(iterations) != n:
        raise ValueError(f"iterations must have one entry per frame ({n}); got {len(iterations)}.")
    if logliks is not None:
        logliks = as_float_array(logliks, "logliks", ndim=1)
        if logliks.size != n:
            raise ValueError(f"logliks must have one entry per frame ({n}); got {logliks.size}.")
    dpi = check_int(dpi, "dpi", low=20, high=100)
    interval = check_int(interval, "interval", low=1)
    if as_html and (not isinstance(alt, str) or not alt.strip()):
        raise ValueError("as_html=True needs alt: a description of what the animation shows, "
                         "for readers who cannot see it.")

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    draw = _FrameDrawer(ax, x, frames, iterations, logliks, bins, labels)
    draw(0)
    fig.tight_layout()
    if as_html:
        from ._html import accessible_jshtml

        return accessible_jshtml(_to_jshtml(fig, draw, n, interval), alt)
    from matplotlib.animation import FuncAnimation

    return FuncAnimation(fig, draw, frames=n, interval=interval, blit=False)


def _to_jshtml(fig, draw, n: int, interval: int) -> str:
    """The frames as matplotlib's JavaScript HTML player; one draw per frame."""
    import tempfile
    from pathlib import Path

    import matplotlib.pyplot as plt
    from matplotlib.animation import HTMLWriter

    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp, "animation.html")
            writer = HTMLWriter(fps=1000 / interval, embed_frames=True, default_mode="once")
            with writer.saving(fig, str(out), dpi=fig.dpi):
                for i in range(n):
                    draw(i)
                    writer.grab_frame()
            return out.read_text()
    finally:
        plt.close(fig)
