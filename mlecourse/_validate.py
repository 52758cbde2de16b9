"""Input checks shared by every public function.

Each helper raises a :class:`TypeError` (wrong kind of object) or a
:class:`ValueError` (right kind, wrong value) whose message names the
argument, says what was wrong, and says what is allowed.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str = "data", *, ndim: int | tuple[int, ...] | None = 1,
                   min_size: int = 1, allow_posinf: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float64 array, or raise a clear error.

    Parameters
    ----------
    x : array_like
        Numbers (a list, tuple, NumPy array or pandas Series).
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int or None
        Allowed number(s) of dimensions; ``None`` allows any.
    min_size : int
        Smallest allowed number of elements (rows, for 2-D input).
    allow_posinf : bool
        Accept ``+inf`` (a parameter such as the Student-t ``nu`` at its limit).

    A masked array is refused rather than silently used with its mask ignored:
    the message says how many values are masked and how to drop or fill them.
    """
    if (type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == ndim
            and x.shape[0] >= max(min_size, 1) and np.isfinite(x).all()):
        return x  # the common case, checked in one pass
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, not a string ({x!r}).")
    if isinstance(x, dict):
        raise TypeError(f"{name} must be an array of numbers, not a dict.")
    if isinstance(x, np.ma.MaskedArray):
        masked = int(np.ma.count_masked(x))
        if masked:
            raise ValueError(
                f"{name} is a masked array with {masked} masked value(s); masks are not "
                f"honoured here, so pass {name}.compressed() to drop the masked values or "
                f"{name}.filled(value) to fill them.")
        x = np.ma.getdata(x)
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(
            f"{name} must be an array of numbers; could not convert it: {exc}"
        ) from None
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must contain only numbers; got values of type "
                f"{sorted({type(v).__name__ for v in arr.ravel()})}."
            ) from None
    if arr.dtype.kind == "b":
        arr = arr.astype(float)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must contain real numbers; got an array of dtype {arr.dtype}.")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got an array of shape {arr.shape}.")
    n = arr.shape[0] if arr.ndim else 1
    if arr.size == 0 or n == 0:
        raise ValueError(f"{name} is empty; at least {min_size} value(s) are needed.")
    if n < min_size:
        raise ValueError(f"{name} has {n} value(s); at least {min_size} are needed.")
    ok = np.isfinite(arr) | (arr == np.inf) if allow_posinf else np.isfinite(arr)
    if not np.all(ok):
        bad = np.flatnonzero(~ok.ravel())
        raise ValueError(
            f"{name} contains {bad.size} NaN or infinite value(s) (first at flat index "
            f"{bad[0]}); remove or impute them first."
        )
    return arr


def check_real(value, name: str, *, positive: bool = False, low: float | None = None,
               high: float | None = None, inclusive: bool = True,
               allow_posinf: bool = False) -> float:
    """Return ``value`` as a finite float, checking its type and range."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}.")
    v = float(value)
    if not np.isfinite(v) and not (allow_posinf and v == np.inf):
        raise ValueError(f"{name} must be finite{' or +inf' if allow_posinf else ''}; got {v}.")
    if positive and v <= 0:
        raise ValueError(f"{name} must be positive; got {v}.")
    if low is not None and (v < low or (not inclusive and v == low)):
        raise ValueError(f"{name} must be {'>=' if inclusive else '>'} {low}; got {v}.")
    if high is not None and (v > high or (not inclusive and v == high)):
        raise ValueError(f"{name} must be {'<=' if inclusive else '<'} {high}; got {v}.")
    return v


def check_int(value, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int (a float with an integer value is refused)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}.")
    v = int(value)
    if low is not None and v < low:
        raise ValueError(f"{name} must be >= {low}; got {v}.")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}; got {v}.")
    return v


def check_rng(rng) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``None``, a seed or a Generator."""
    if rng is None or isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, bool):
        if rng is not None and rng < 0:
            raise ValueError(f"rng must be a non-negative integer seed (or None, or a "
                             f"numpy.random.Generator); got {rng}.")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        "rng must be None, an integer seed or a numpy.random.Generator "
        f"(np.random.default_rng(seed)); got {type(rng).__name__}."
    )


def check_choice(value, name: str, allowed) -> str:
    """Check that ``value`` is one of the strings in ``allowed``."""
    allowed = tuple(allowed)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {allowed}; got {type(value).__name__}.")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}.")
    return value
