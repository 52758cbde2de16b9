"""Step through EM on a Gaussian mixture, one iteration at a time.

* :class:`GMMStepper` -- the state of an EM run that advances one iteration
  per call (plain NumPy; no widgets). Chapters use it to record the iterates
  for an animation or a table.
* :func:`em_stepper` -- an ipywidgets explorer around a :class:`GMMStepper`:
  buttons *Step*, *Run 10*, *Run to convergence* and *Reset*, and a picture
  of the current fit next to the log-likelihood so far. The buttons need a
  running Python kernel; on a static page the widget shows its saved state.

Each iteration is one call of ``mlecourse.em.gmm_em`` with
``max_iter=1`` from the current parameters, so the stepper runs exactly the
package's E-step and M-step: twenty single steps give the parameters of a
twenty-iteration run.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validate import as_float_array, check_int, check_real, check_rng

__all__ = ["GMMStepper", "em_stepper"]


def _copy_params(params: dict) -> dict:
    return {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}


class GMMStepper:
    """An EM run on a Gaussian mixture that advances one iteration at a time.

    Parameters
    ----------
    x : array_like, shape (N,) or (N, D)
        The data (no NaN or infinity).
    n_components : int
        Number of components ``K`` (from 1 to ``N``).
    init : dict or "random", default "random"
        Starting parameters as a dict with keys ``weights`` (K,), ``means``
        (K, D) and ``covariances`` (K, D, D) (for 1-D data ``means`` may be
        (K,) and ``covariances`` (K,) variances), or ``"random"``: the means at
        ``K`` distinct data points drawn with ``rng``, every covariance the
        covariance of all the data, equal weights.
    rng : None, int or numpy.random.Generator, default None
        Randomness for ``init="random"``.
    reg_covar : float or None, default None
        Passed to ``mlecourse.em.gmm_em`` (``None``: its default floor, ``1e-10``
        times each column's variance).

    Attributes
    ----------
    path : list of dict
        The parameters after 0, 1, 2, ... iterations (``path[0]`` is the start).
    loglik_history : ndarray, shape (iteration + 1,)
        The observed-data log-likelihood at each entry of ``path``.
    iteration : int
        Number of iterations carried out since the start (or the last reset).
    """

    def __init__(self, x, n_components, *, init="random", rng=None,
                 reg_covar: float | None = None):
        from .em import gmm_em

        arr = as_float_array(x, "x", ndim=(1, 2))
        self.x = arr[:, None] if arr.ndim == 1 else arr
        self.n_components = check_int(n_components, "n_components", low=1,
                                      high=self.x.shape[0])
        self.reg_covar = (None if reg_covar is None
                          else check_real(reg_covar, "reg_covar", low=0.0))
        if isinstance(init, str):
            if init != "random":
                raise ValueError(f"init must be 'random' or a dict of starting parameters; "
                                 f"got {init!r}.")
            start = self._random_start(check_rng(rng))
        elif isinstance(init, dict):
            from .plots.mixtures import mixture_params

            w, means, covs = mixture_params(init)
            start = {"weights": w, "means": means, "covariances": covs}
        else:
            raise TypeError(f"init must be 'random' or a dict with keys 'weights', 'means', "
                            f"'covariances'; got {type(init).__name__}.")
        # one zero-iteration check of the start through gmm_em's own validation
        probe = self._one_step(gmm_em, start)
        self._start = _copy_params(start)
        self._start_loglik = float(probe.loglik_history[0])
        self.reset()

    def _random_start(self, rng) -> dict:
        n, d = self.x.shape
        k = self.n_components
        idx = rng.choice(n, size=k, replace=False)
        from .em.gmm import DEFAULT_FLOOR

        diff = self.x - self.x.mean(axis=0)
        cov = diff.T @ diff / n
        floor = (DEFAULT_FLOOR * np.mean(diff * diff, axis=0) if self.reg_covar is None
                 else np.full(d, self.reg_covar))
        cov = cov + np.diag(floor)
        return {"weights": np.full(k, 1.0 / k), "means": self.x[idx].copy(),
                "covariances": np.repeat(cov[None], k, axis=0)}

    def _one_step(self, gmm_em, params: dict):
        from .em import ConvergenceWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return gmm_em(self.x, self.n_components, init=params, max_iter=1, tol=0.0,
                          reg_covar=self.reg_covar)

    @property
    def params(self) -> dict:
        """The current parameters: ``weights`` (K,), ``means`` (K, D), ``covariances`` (K, D, D)."""
        return _copy_params(self.path[-1])

    @property
    def loglik(self) -> float:
        """The observed-data log-likelihood at the current parameters."""
        return float(self.loglik_history[-1])

    def reset(self) -> GMMStepper:
        """Go back to the starting parameters; returns the stepper."""
        self.path = [_copy_params(self._start)]
        self.loglik_history = np.array([self._start_loglik])
        self.iteration = 0
        return self

    def step(self, n: int = 1) -> GMMStepper:
        """Carry out ``n`` EM iterations (E-step, then M-step); returns the stepper.

        Parameters
        ----------
        n : int, default 1
            Number of iterations, at least 1.
        """
        from .em import gmm_em

        n = check_int(n, "n", low=1)
        lls = list(self.loglik_history)
        for _ in range(n):
            res = self._one_step(gmm_em, self.path[-1])
            self.path.append({"weights": res.weights, "means": res.means,
                              "covariances": res.covariances})
            lls.append(res.loglik)
            self.iteration += 1
        self.loglik_history = np.asarray(lls)
        return self

    def run(self, tol: float | None = None, max_steps: int = 1000) -> GMMStepper:
        """Iterate until ``|l_t - l_{t-1}| <= tol * |l_t|`` or ``max_steps`` more iterations.

        Parameters
        ----------
        tol : float or None, default None
            Relative tolerance on the change of the log-likelihood; ``None``
            uses the default of ``mlecourse.em.gmm_em``, so that a run
            stops where ``gmm_em`` from the same start stops.
        max_steps : int, default 1000
            Largest number of iterations to add.
        """
        if tol is None:
            import inspect

            from .em import gmm_em

            tol = inspect.signature(gmm_em).parameters["tol"].default
        tol = check_real(tol, "tol", low=0.0)
        max_steps = check_int(max_steps, "max_steps", low=1)
        for _ in range(max_steps):
            self.step()
            last, prev = self.loglik_history[-1], self.loglik_history[-2]
            if abs(last - prev) <= tol * abs(last):
                break
        return self


def _render(stepper: GMMStepper, labels, figsize, dpi) -> bytes:
    """PNG of the current fit (left) and the log-likelihood so far (right)."""
    import io

    from matplotlib.figure import Figure

    from .plots.mixtures import plot_loglik_history, plot_mixture_1d, plot_mixture_2d

    fig = Figure(figsize=figsize, dpi=dpi)
    ax_fit, ax_ll = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    if stepper.x.shape[1] == 1:
        plot_mixture_1d(stepper.x[:, 0], stepper.path[-1], ax=ax_fit, legend=False,
                        xlabel=labels[0] if labels else None)
    elif stepper.x.shape[1] == 2:
        plot_mixture_2d(stepper.x, stepper.path[-1], ax=ax_fit, labels=labels, legend=False,
                        point_size=8)
    ax_fit.set_title(f"iteration {stepper.iteration}", fontsize="medium")
    plot_loglik_history(stepper.loglik_history, ax=ax_ll, marker="o" if
                        stepper.iteration < 60 else "")
    ax_ll.set_title(f"log-likelihood {stepper.loglik:.3f}", fontsize="medium")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def em_stepper(x, n_components: int, *, init="random", rng=None, labels=None,
               figsize=(8, 3.2), dpi: int = 72):
    """An ipywidgets explorer that runs EM on a Gaussian mixture step by step.

    Buttons: *Step* (one iteration), *Run 10* (ten iterations), *Run to
    convergence* and *Reset* (back to the start). The picture shows the data
    with the current mixture (a histogram and density for 1-D data; points
    coloured by responsibility and component ellipses for 2-D data) and the
    log-likelihood after each iteration so far, which never goes down. The
    buttons need a running Python kernel; a static page shows the saved state.

    Parameters
    ----------
    x : array_like, shape (N,) or (N, 2)
        The data.
    n_components : int
        Number of components.
    init : dict or "random", default "random"
        Starting parameters (see :class:`GMMStepper`).
    rng : None, int or numpy.random.Generator, default None
        Randomness for ``init="random"``.
    labels : sequence of str, optional
        Axis labels (the horizontal one for 1-D data).
    figsize : tuple, default (8, 3.2)
        Size of the picture in inches.
    dpi : int, default 72
        Resolution of the picture (at most 100).

    Returns
    -------
    ipywidgets.VBox
        The widget; its ``stepper`` attribute is the :class:`GMMStepper`.
    """
    import ipywidgets as widgets

    dpi = check_int(dpi, "dpi", low=20, high=100)
    stepper = GMMStepper(x, n_components, init=init, rng=rng)
    if stepper.x.shape[1] > 2:
        raise ValueError(f"em_stepper draws 1-D or 2-D data; got {stepper.x.shape[1]} columns.")
    # an HTML <img> rather than an ipywidgets Image, which cannot carry alt text
    image = widgets.HTML(layout=widgets.Layout(max_width="100%"))
    status = widgets.HTML()
    buttons = {
        "step": widgets.Button(description="Step", tooltip="one EM iteration: E-step, M-step",
                               icon="step-forward"),
        "run10": widgets.Button(description="Run 10", tooltip="ten EM iterations",
                                icon="forward"),
        "run": widgets.Button(description="Run to convergence",
                              tooltip="iterate until the log-likelihood stops changing",
                              icon="fast-forward", layout=widgets.Layout(width="auto")),
        "reset": widgets.Button(description="Reset", tooltip="back to the starting values",
                                icon="undo"),
    }

    def refresh():
        from .widgets import _img_html

        w = ", ".join(f"{v:.3f}" for v in stepper.path[-1]["weights"])
        alt = (f"The mixture fitted after EM iteration {stepper.iteration} (left, weights {w}) "
               f"and the log-likelihood so far (right, now {stepper.loglik:.3f}).")
        image.value = _img_html(_render(stepper, labels, figsize, dpi), alt,
                                int(figsize[0] * dpi))
        status.value = (f"iteration {stepper.iteration}: log-likelihood "
                        f"{stepper.loglik:.6f}; weights {w}")

    actions = {
        "step": lambda: stepper.step(1),
        "run10": lambda: stepper.step(10),
        "run": lambda: stepper.run(),
        "reset": stepper.reset,
    }
    for name, button in buttons.items():
        def on_click(_button, action=actions[name]):
            action()
            refresh()
        button.on_click(on_click)

    refresh()
    box = widgets.VBox([widgets.HBox(list(buttons.values())), status, image])
    box.stepper = stepper
    return box
