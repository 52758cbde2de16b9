"""Interactive explorers for readers with a running kernel (ipywidgets).

``likelihood_explorer()`` traces a likelihood curve with a parameter
slider; ``newton_stepper()`` steps through Newton's method on a
log-likelihood. Both draw with matplotlib into an HTML widget holding an
``<img>`` with alt text, so the last picture is saved with the notebook's
widget state and shows on a static page (the controls need a kernel to
respond). ipywidgets and matplotlib are imported only when an explorer is
built.

Every control has a ``description`` (its accessible label), and the figure's
alt text and a text line under it say in words what the figure shows.
"""

from __future__ import annotations

import base64
import html
import io
import warnings

import numpy as np

from ._validate import as_float_array, check_choice, check_int, check_real, check_rng

__all__ = ["LikelihoodExplorer", "NewtonStepper", "likelihood_explorer",
           "newton_stepper"]

# The explorer's families: what is estimated, the default true value, the
# slider's range, the values held fixed, and the simulator (rng, size, truth).
_FAMILIES = {
    "bernoulli": dict(label="Bernoulli: success probability p", param="p", true=0.6,
                      low=0.01, high=0.99, fixed={},
                      draw=lambda rng, n, t: (rng.random(n) < t).astype(float)),
    "normal": dict(label="normal: mean mu (sigma = 1 known)", param="mu", true=0.0,
                   low=-2.0, high=2.0, fixed={"sigma": 1.0},
                   draw=lambda rng, n, t: rng.normal(t, 1.0, n)),
    "poisson": dict(label="Poisson: mean lam", param="lam", true=3.0, low=0.2, high=8.0,
                    fixed={}, draw=lambda rng, n, t: rng.poisson(t, n).astype(float)),
    "exponential": dict(label="exponential: rate", param="rate", true=1.5, low=0.1, high=5.0,
                        fixed={}, draw=lambda rng, n, t: rng.exponential(1.0 / t, n)),
}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def _img_html(png: bytes, alt: str, max_width: int) -> str:
    """The PNG as an ``<img>`` with alt text (an ipywidgets Image cannot carry alt text)."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'style="width: 100%; max-width: {max_width}px">')


class LikelihoodExplorer:
    """A parameter slider that traces the likelihood curve of a sample.

    Build it with ``likelihood_explorer()``. The widget tree is the
    attribute ``widget`` (an ipywidgets ``VBox``); displaying the explorer
    displays it. The controls are ipywidgets.

    Attributes
    ----------
    family_select : Dropdown
        The family (Bernoulli, normal mean, Poisson, exponential).
    theta_slider : FloatSlider
        The parameter value; moving it moves the model and the marker.
    n_slider : IntSlider
        The sample size: the first ``n`` values of the current pool of draws.
    new_sample_button : Button
        Draws a new pool from the seeded generator.
    image : HTML
        The figure, as an ``<img>`` with alt text saying what it shows.
    png : bytes
        The figure's PNG.
    status : HTML
        The figure in words: sample size, MLE, current value, relative likelihood.
    fig : Figure
        The matplotlib figure (left: data and model; right: relative likelihood).
    panel : ExplorerFigure
        The drawing helper (``mlecourse.plots.ExplorerFigure``);
        ``panel.ax_data`` and ``panel.ax_lik`` are the axes.
    data : ndarray, shape (n,)
        The sample currently shown.
    """

    def __init__(self, family: str = "bernoulli", *, n: int = 20, true_value=None,
                 max_n: int = 500, rng=0):
        import ipywidgets as w
        from matplotlib.figure import Figure

        from .plots.likelihood import ExplorerFigure

        check_choice(family, "family", tuple(_FAMILIES))
        self.max_n = check_int(max_n, "max_n", low=2, high=100_000)
        n = check_int(n, "n", low=1, high=self.max_n)
        spec = _FAMILIES[family]
        if true_value is not None:
            true_value = check_real(true_value, "true_value", low=spec["low"], high=spec["high"])
        self.rng = check_rng(rng)
        self.family = family
        self.true_value = spec["true"] if true_value is None else true_value
        self.fig = Figure(figsize=(6.5, 3.3), dpi=72)
        ax_data, ax_lik = self.fig.subplots(1, 2)
        self.panel = ExplorerFigure(self.fig, ax_data, ax_lik)
        self._busy = False

        self.family_select = w.Dropdown(
            options=[(s["label"], k) for k, s in _FAMILIES.items()], value=family,
            description="Family", style={"description_width": "initial"},
            layout=w.Layout(width="360px"))
        self.theta_slider = w.FloatSlider(
            value=self.true_value, min=spec["low"], max=spec["high"], step=0.01,
            description=f"Parameter {spec['param']}", continuous_update=True,
            readout_format=".2f", style={"description_width": "initial"})
        self.n_slider = w.IntSlider(value=n, min=1, max=self.max_n, step=1,
                                    description="Sample size n", continuous_update=False,
                                    style={"description_width": "initial"})
        self.new_sample_button = w.Button(description="New sample",
                                          tooltip="Draw a new sample from the true model")
        self.image = w.HTML()
        self.png = b""
        self.status = w.HTML()
        self.widget = w.VBox([w.HBox([self.family_select, self.new_sample_button]),
                              w.HBox([self.theta_slider, self.n_slider]),
                              self.image, self.status])

        self._pool = self._draw_pool()
        self._redraw()
        self.family_select.observe(self._on_family, names="value")
        self.theta_slider.observe(self._on_theta, names="value")
        self.n_slider.observe(self._on_n, names="value")
        self.new_sample_button.on_click(self._on_new_sample)

    # -- state --------------------------------------------------------------
    @property
    def spec(self) -> dict:
        """The settings of the current family ."""
        return _FAMILIES[self.family]

    @property
    def data(self) -> np.ndarray:
        """The sample currently shown: the first ``n`` values of the pool."""
        return self._pool[: self.n_slider.value]

    @property
    def mle(self) -> float:
        """The maximum-likelihood estimate for the sample shown."""
        from .fit import BoundaryWarning, fit

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BoundaryWarning)
            res = fit(self.family, self.data, **self.spec["fixed"])
        return res.params[self.spec["param"]]

    def _draw_pool(self) -> np.ndarray:
        return self.spec["draw"](self.rng, self.max_n, self.true_value)

    # -- drawing ------------------------------------------------------------
    def _redraw(self) -> None:
        spec = self.spec
        grid = np.linspace(spec["low"], spec["high"], 241)
        self.panel.draw(self.family, self.data, spec["param"], self.theta_slider.value,
                        grid=grid, true_value=self.true_value, **spec["fixed"])
        self._render()

    def _render(self) -> None:
        p = self.spec["param"]
        v = self.panel.value
        ll_v = float(self.panel.fam.loglik(self.data, **{p: v}, **self.spec["fixed"]))
        rel = float(np.exp(ll_v - self.panel.ll_hat))
        mle = self.mle
        self.png = _png(self.fig)
        alt = (f"Left: the {self.data.size} observations and the {self.family} model at "
               f"{p} = {v:.3g}. Right: the relative likelihood of {p}, peaking at the MLE "
               f"{mle:.3g}, with the true value {self.true_value:g} marked and the current "
               f"value {v:.3g} at relative likelihood {rel:.3g}.")
        self.image.value = _img_html(self.png, alt, 650)
        self.status.value = (
            f"n = {self.data.size} draws from the {self.family} model with true {p} = "
            f"{self.true_value:g}. The MLE of {p} is {mle:.3f}. At {p} = {v:.3f} the "
            f"log-likelihood is {ll_v:.2f} and the relative likelihood is {rel:.3f}.")

    # -- callbacks ----------------------------------------------------------
    def _on_theta(self, change) -> None:
        if self._busy:
            return
        self.panel.update(change["new"])
        self._render()

    def _on_n(self, change) -> None:
        if not self._busy:
            self._redraw()

    def _on_new_sample(self, _button=None) -> None:
        self._pool = self._draw_pool()
        self._redraw()

    def _on_family(self, change) -> None:
        self.family = change["new"]
        spec = self.spec
        self.true_value = spec["true"]
        self._busy = True
        try:
            s = self.theta_slider
            # widen first so the value is never clamped to the old range
            s.min, s.max = min(s.min, spec["low"]), max(s.max, spec["high"])
            s.value = spec["true"]
            s.min, s.max = spec["low"], spec["high"]
            s.description = f"Parameter {spec['param']}"
        finally:
            self._busy = False
        self._pool = self._draw_pool()
        self._redraw()

    # -- display ------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def likelihood_explorer(family: str = "bernoulli", *, n: int = 20, true_value=None,
                        max_n: int = 500, rng=0) -> LikelihoodExplorer:
    """Explore a likelihood: a parameter slider, a sample-size slider, a new-sample button.

    The left panel shows the data and the model at the slider's value; the
    right panel the relative likelihood :math:`L(\\theta)/L(\\hat\\theta)` with
    the MLE, the true value and the slider's value marked. The sample is the
    first ``n`` values of a pool of ``max_n`` draws from the true model, so
    moving the sample-size slider adds or removes observations; "New sample"
    draws a new pool from the seeded generator.

    Parameters
    ----------
    family : {"bernoulli", "normal", "poisson", "exponential"}, default "bernoulli"
        The starting family ("normal" estimates the mean with sigma = 1 known).
    n : int, default 20
        The starting sample size, from 1 to ``max_n``.
    true_value : float, optional
        The true parameter of the simulated data (default: 0.6, 0, 3, 1.5 for
        the four families), inside the slider's range.
    max_n : int, default 500
        The largest sample size.
    rng : None, int or numpy.random.Generator, default 0
        The seed or generator for the simulated data.

    Returns
    -------
    LikelihoodExplorer
        Display it (make it the last expression of a cell).

    Examples
    --------
    >>> from mlecourse.widgets import likelihood_explorer
    >>> ex = likelihood_explorer("poisson", n=30, rng=1)
    >>> ex.theta_slider.value = 2.5      # what a reader does with the mouse
    >>> ex.panel.value
    2.5
    """
    return LikelihoodExplorer(family, n=n, true_value=true_value, max_n=max_n, rng=rng)


class NewtonStepper:
    """Step through Newton's method on a one-parameter log-likelihood.

    Build it with ``newton_stepper()``. The controls are ipywidgets; the
    widget tree is the attribute ``widget``.

    Attributes
    ----------
    start_slider : FloatSlider
        The starting value :math:`\\theta_0`; changing it restarts the run.
    step_button : Button
        Takes one Newton step.
    reset_button : Button
        Goes back to the start.
    image : HTML
        The figure, as an ``<img>`` with alt text saying what it shows.
    png : bytes
        The figure's PNG.
    table : HTML
        The iterates so far: theta, score, information, step.
    path : NewtonResult
        The whole run from the current start.
    steps : int
        The number of steps shown.
    fig, ax : matplotlib Figure and Axes
        The figure drawn by ``mlecourse.plots.plot_newton_steps()``.
    """

    def __init__(self, loglik, score, info, *, start: float, start_range, grid,
                 domain: str = "real", max_steps: int = 20, xlabel: str = r"$\theta$",
                 ylabel: str = r"log-likelihood $\ell(\theta)$"):
        import ipywidgets as w
        from matplotlib.figure import Figure

        for f, name in ((loglik, "loglik"), (score, "score"), (info, "info")):
            if not callable(f):
                raise TypeError(f"{name} must be a function of the parameter; got "
                                f"{type(f).__name__}.")
        self.loglik, self.score, self.info = loglik, score, info
        check_choice(domain, "domain", ("real", "positive", "unit"))
        self.domain = domain
        self.max_steps = check_int(max_steps, "max_steps", low=1, high=200)
        rng_ = as_float_array(start_range, "start_range", ndim=1, min_size=2)
        if rng_.size != 2 or not rng_[0] < rng_[1]:
            raise ValueError(f"start_range must be (low, high) with low < high; got {start_range}.")
        start = check_real(start, "start", low=float(rng_[0]), high=float(rng_[1]))
        self.grid = as_float_array(grid, "grid", ndim=1, min_size=2)
        if np.any(np.diff(self.grid) <= 0):
            raise ValueError("grid must be strictly increasing; sort it (np.sort) and drop "
                             "repeats.")
        self.xlabel, self.ylabel = xlabel, ylabel
        self.fig = Figure(figsize=(6.0, 3.6), dpi=72)
        self.ax = self.fig.subplots()
        self.start_slider = w.FloatSlider(
            value=start, min=float(rng_[0]), max=float(rng_[1]),
            step=float(rng_[1] - rng_[0]) / 200, description="Start \u03b80",
            continuous_update=False, readout_format=".3g",
            style={"description_width": "initial"})
        self.step_button = w.Button(description="Newton step", tooltip="Take one Newton step")
        self.reset_button = w.Button(description="Reset", tooltip="Back to the start value")
        self.image = w.HTML()
        self.png = b""
        self.table = w.HTML()
        self.widget = w.VBox([w.HBox([self.start_slider, self.step_button, self.reset_button]),
                              self.image, self.table])
        self._restart(start)
        self.start_slider.observe(lambda ch: self._restart(ch["new"]), names="value")
        self.step_button.on_click(self._on_step)
        self.reset_button.on_click(self._on_reset)

    def _restart(self, start: float) -> None:
        from .newton import newton

        self.path = newton(self.score, self.info, float(start), max_iter=self.max_steps,
                           domain=self.domain)
        self.steps = 0
        self._render()

    def _on_step(self, _button=None) -> None:
        self.steps = min(self.steps + 1, self.path.n_iter)
        self._render()

    def _on_reset(self, _button=None) -> None:
        self.steps = 0
        self._render()

    def _render(self) -> None:
        from .plots.likelihood import plot_newton_steps

        self.ax.clear()
        plot_newton_steps(self.loglik, self.path, steps=self.steps, grid=self.grid, ax=self.ax,
                          xlabel=self.xlabel, ylabel=self.ylabel)
        self.ax.set_title(f"step {self.steps}: \u03b8{self.steps} = "
                          f"{self.path.theta[self.steps]:.6g}", fontsize="medium")
        self.fig.tight_layout()
        self.png = _png(self.fig)
        t_now = self.path.theta[self.steps]
        alt = (f"The log-likelihood with Newton iterates 0 to {self.steps} marked on it; the "
               f"current iterate is {t_now:.6g}.")
        if self.steps < self.path.n_iter and np.isfinite(self.path.score[self.steps]):
            alt += (f" The dashed quadratic approximation there has its stationary point at "
                    f"{self.path.theta[self.steps + 1]:.6g}, the next iterate.")
        self.image.value = _img_html(self.png, alt, 600)
        rows = []
        for t in range(self.steps + 1):
            step = f"{self.path.step[t]:.4g}" if t < self.path.n_iter else ""
            rows.append(f"<tr><td>{t}</td><td>{self.path.theta[t]:.8g}</td>"
                        f"<td>{self.path.score[t]:.4g}</td><td>{self.path.info[t]:.4g}</td>"
                        f"<td>{step}</td></tr>")
        end = (f"<p>{self.path.message}.</p>" if self.steps == self.path.n_iter else "")
        self.table.value = (
            "<table><caption>Newton iterates</caption><tr><th>t</th><th>&theta;<sub>t</sub></th>"
            "<th>score U</th><th>information J</th><th>step U/J</th></tr>"
            + "".join(rows) + "</table>" + end)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def newton_stepper(loglik, score, info, *, start: float, start_range, grid,
                   domain: str = "real", max_steps: int = 20,
                   xlabel: str = r"$\theta$",
                   ylabel: str = r"log-likelihood $\ell(\theta)$") -> NewtonStepper:
    """Step through Newton's method on a log-likelihood, one click per step.

    Parameters
    ----------
    loglik : callable
        ``loglik(theta) -> float``, drawn over ``grid``.
    score : callable
        ``score(theta)``, the derivative of ``loglik``.
    info : callable
        ``info(theta)``, minus the second derivative of ``loglik``.
    start : float
        The first starting value, inside ``start_range``.
    start_range : tuple of float
        ``(low, high)`` for the start slider.
    grid : array_like, shape (m,)
        Increasing values of theta at which to draw the log-likelihood.
    domain : {"real", "positive", "unit"}, default "real"
        The parameter space; an iterate outside it ends the run.
    max_steps : int, default 20
        Largest number of steps computed.
    xlabel, ylabel : str
        The axis labels.

    Returns
    -------
    NewtonStepper
        Display it (make it the last expression of a cell).
    """
    return NewtonStepper(loglik, score, info, start=start, start_range=start_range, grid=grid,
                         domain=domain, max_steps=max_steps, xlabel=xlabel,
                         ylabel=ylabel)
