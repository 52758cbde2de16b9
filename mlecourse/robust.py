"""How much one observation can move an estimate: Tukey's sensitivity curve.

The sensitivity curve of an estimator :math:`T` at a sample
:math:`x_1, \\dots, x_n` is the effect of one added observation at
:math:`x_0`, scaled by the sample size (Tukey 1977; Hampel 1974):

.. math::

    SC(x_0) = (n + 1)\\,\\bigl(T(x_1, \\dots, x_n, x_0) - T(x_1, \\dots, x_n)\\bigr).

It is the finite-sample version of Hampel's influence function. For the
mean it is exactly :math:`x_0 - \\bar x`: a straight line, unbounded. For
the median it is bounded (a step). For the location MLE of a Student-t model
it rises, peaks and falls back towards zero (it *redescends*): a far-away
point is treated as coming from the tail of the model, not as information
about the centre.

The three location estimators here are all maximum-likelihood estimates,
under three different models: normal (the mean), Laplace (the median) and
Student-t. Robustness is a property of the model, not of maximum likelihood.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import as_float_array, check_real

__all__ = ["sensitivity_curve", "location_mle", "LOCATION_MODELS"]

#: Names accepted by :func:`sensitivity_curve` and :func:`location_mle`.
LOCATION_MODELS = ("normal", "laplace", "student_t")


def _check_nu(nu) -> float | None:
    if nu is None:
        return None
    return check_real(nu, "nu", positive=True)


def location_mle(model: str, data, *, nu: float | None = 4.0) -> float:
    """Maximum-likelihood estimate of location under ``model``.

    Parameters
    ----------
    model : {"normal", "laplace", "student_t"}
        ``"normal"``: the sample mean. ``"laplace"``: the sample median.
        ``"student_t"``: the MLE of ``mu`` in the Student-t location-scale
        model, with the scale ``sigma`` estimated jointly and the degrees of
        freedom fixed at ``nu`` (or estimated too if ``nu`` is None).
    data : array_like, shape (n,)
        The sample: finite real numbers (at least two distinct values for
        ``"student_t"``).
    nu : float or None, default 4.0
        Degrees of freedom of the Student-t model; ignored by the others.

    Returns
    -------
    float
        The estimate of location.

    Examples
    --------
    >>> from mlecourse.robust import location_mle
    >>> location_mle("normal", [1.0, 2.0, 9.0]), location_mle("laplace", [1.0, 2.0, 9.0])
    (4.0, 2.0)
    """
    if not isinstance(model, str) or model not in LOCATION_MODELS:
        raise ValueError(f"model must be one of {LOCATION_MODELS}; got {model!r}.")
    x = as_float_array(data, "data", ndim=1)
    nu = _check_nu(nu)
    if model == "normal":
        return float(np.mean(x))
    if model == "laplace":
        return float(np.median(x))
    from .fit import fit

    fixed = {} if nu is None else {"nu": nu}
    return float(fit("student_t", x, **fixed).params["mu"])


def sensitivity_curve(estimator: str | Callable, data, xs, *, nu: float | None = 4.0
                      ) -> np.ndarray:
    """Tukey's empirical sensitivity curve of an estimator at a sample.

    For each ``x0`` in ``xs`` the estimator is recomputed on the sample with
    ``x0`` added, and the change is scaled by ``n + 1``:
    ``SC(x0) = (n + 1) * (T(data + [x0]) - T(data))``.

    Parameters
    ----------
    estimator : {"normal", "laplace", "student_t"} or callable
        A location model whose MLE is ``T`` (see :func:`location_mle`:
        the mean, the median, or the Student-t location with ``sigma``
        estimated and ``nu`` held fixed), or any function ``T(sample) ->
        float`` of a 1-D array.
    data : array_like, shape (n,)
        The sample: finite real numbers.
    xs : array_like, shape (m,) or scalar
        Positions of the added observation.
    nu : float or None, default 4.0
        Degrees of freedom for ``"student_t"``. Held fixed by default, so
        that the curve describes one estimator (a redescending
        M-estimator); with ``None`` it is re-estimated on every augmented
        sample, and the curve then also shows how the fitted tails react to
        the new point (slower: a three-parameter fit per ``x0``).

    Returns
    -------
    ndarray, shape like ``xs``
        The sensitivity curve at each ``x0``.

    Raises
    ------
    ValueError
        An unknown estimator name, bad data or ``xs``, or a callable that
        does not return a finite number.

    Examples
    --------
    >>> from mlecourse.robust import sensitivity_curve
    >>> sensitivity_curve("normal", [1.0, 2.0, 3.0], [2.0, 10.0]).round(12)
    array([0., 8.])
    """
    x = as_float_array(data, "data", ndim=1)
    grid = as_float_array(xs, "xs", ndim=None)
    nu = _check_nu(nu)
    if callable(estimator):
        def T(sample):
            value = estimator(sample)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise TypeError("the estimator must return a single number; it returned "
                                f"{type(value).__name__}.") from None
            if not np.isfinite(value):
                raise ValueError(f"the estimator returned {value} (not a finite number).")
            return value
    elif isinstance(estimator, str) and estimator in LOCATION_MODELS:
        def T(sample):
            return location_mle(estimator, sample, nu=nu)
    else:
        raise ValueError(f"estimator must be one of {LOCATION_MODELS} or a function of the "
                         f"sample; got {estimator!r}.")
    n = x.size
    base = T(x.copy())
    out = np.empty(grid.size)
    for i, x0 in enumerate(grid.ravel()):
        out[i] = (n + 1) * (T(np.append(x, x0)) - base)
    return out.reshape(grid.shape)
