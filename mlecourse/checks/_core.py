"""Registry and runner behind :func:`mlecourse.check`."""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

_REGISTRY: dict[str, tuple[Callable[[Any], str | None], str]] = {}
_LOADED = False


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one self-check.

    Attributes
    ----------
    label : str
        The exercise label, e.g. ``"ex-likelihood-coin"``.
    status : str
        ``"pass"``, ``"fail"``, ``"unanswered"`` or ``"error"``.
    message : str
        The line shown to the student.
    """

    label: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message


def register(label: str, hint: str = "") -> Callable:
    """Register a checker for exercise ``label``.

    The decorated function takes the student's answer and returns ``None``
    when it is right, or a short string saying what is wrong. It may raise;
    the runner turns any exception into a message.
    """

    def decorator(func: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        if label in _REGISTRY and _REGISTRY[label][0].__qualname__ != func.__qualname__:
            raise ValueError(f"a self-check for {label!r} is already registered")
        _REGISTRY[label] = (func, hint)
        return func

    return decorator


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__package__}.{info.name}")
    _LOADED = True


def registered_labels() -> list[str]:
    """Labels of every exercise that has a self-check, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def _contains_ellipsis(answer: Any) -> bool:
    if answer is Ellipsis:
        return True
    if isinstance(answer, dict):
        return any(_contains_ellipsis(v) for v in answer.values())
    if isinstance(answer, (list, tuple)):
        return any(_contains_ellipsis(v) for v in answer)
    if isinstance(answer, np.ndarray) and answer.dtype == object:
        return any(_contains_ellipsis(v) for v in answer.ravel())
    return False


def evaluate(label: str, answer: Any) -> CheckResult:
    """Check ``answer`` for exercise ``label`` and return a :class:`CheckResult`."""
    _load_all()
    if not isinstance(label, str) or label not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)[:5])
        return CheckResult(str(label), "error",
                           f"? {label!r} is not an exercise label I know (for example: {known}).")
    func, hint = _REGISTRY[label]
    if _contains_ellipsis(answer):
        return CheckResult(label, "unanswered",
                           f"… {label}: not answered yet; replace the ... with your answer.")
    try:
        problem = func(answer)
    except Exception as exc:  # a student's answer must never crash the notebook
        problem = f"could not check this answer ({type(exc).__name__}: {exc})"
    if problem is None:
        return CheckResult(label, "pass", f"✓ {label}: correct.")
    text = f"✗ {label}: {problem}"
    if hint:
        text += f" Hint: {hint}"
    return CheckResult(label, "fail", text)


def check(label: str, answer: Any) -> None:
    """Print whether ``answer`` is right for exercise ``label``; never raises.

    Parameters
    ----------
    label : str
        The exercise label shown in the chapter, e.g. ``"ex-likelihood-coin"``.
    answer : object
        The student's answer: a number, an array, a tuple or a dict, as the
        exercise asks. ``...`` means "not answered yet".
    """
    try:
        result = evaluate(label, answer)
    except Exception as exc:  # pragma: no cover - evaluate already guards
        result = CheckResult(str(label), "error", f"? could not run the check: {exc}")
    print(result.message)


def approx(answer: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 0.0) -> str | None:
    """Compare an answer with the expected value; ``None`` when close enough.

    Scalars, sequences, arrays and dicts (compared key by key) are accepted.
    Returns a short explanation of the first mismatch otherwise.
    """
    if isinstance(expected, dict):
        if not isinstance(answer, dict):
            return f"expected a dict with keys {sorted(expected)}; got {type(answer).__name__}."
        missing = sorted(set(expected) - set(answer))
        if missing:
            return f"the answer lacks the key(s) {missing}."
        for key, value in expected.items():
            problem = approx(answer[key], value, rtol=rtol, atol=atol)
            if problem:
                return f"[{key!r}] {problem}"
        return None
    if isinstance(answer, (str, bytes)) and not isinstance(expected, (str, bytes)):
        return f"expected a number, got the text {answer!r}."
    if isinstance(expected, (str, bytes)):
        return None if answer == expected else f"expected {expected!r}, got {answer!r}."
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number or an array of numbers; got {type(answer).__name__}."
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        if e.ndim == 0:
            return f"expected a single number; got something of shape {a.shape}."
        return f"expected shape {e.shape}; got shape {a.shape}."
    if not np.all(np.isfinite(a)) and not np.array_equal(np.isfinite(a), np.isfinite(e)):
        return "the answer contains NaN or infinity."
    if np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        return None
    if e.ndim == 0:
        digits = max(3, int(-math.log10(rtol)) if rtol > 0 else 6)
        return f"{float(a):.{digits}g} is not right."
    wrong = ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    return f"{int(wrong.sum())} of {e.size} values are not right (the first at index {first})."
