"""Registry and runner behind :func:`mlecourse.check`."""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import math
import numbers
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._tolerances import TOLERANCES, Tol

_REGISTRY: dict[str, tuple[Callable[[Any], str | None], str]] = {}
_LOADED = False
#: the exercise whose answer is being checked (by a self-check or by the grader's hidden tests)
_EXERCISE: contextvars.ContextVar[str | None] = contextvars.ContextVar("mlecourse_exercise",
                                                                      default=None)
#: what a student hears when an answer is right only to the figures it was rounded to
ROUNDED = "close: this looks rounded; give the value you computed, unrounded."


@contextlib.contextmanager
def exercise(label: str):
    """Within this block, ``approx`` and the hidden tests use exercise ``label``'s tolerance.

    :func:`evaluate` (the self-check) and the grader (for each exercise's hidden tests) enter
    it, so both read the one specification in ``TOLERANCES``.
    """
    token = _EXERCISE.set(label)
    try:
        yield
    finally:
        _EXERCISE.reset(token)


def tolerance(label: str | None = None) -> Tol | None:
    """The tolerance of exercise ``label`` (default: the exercise being checked), or ``None``."""
    label = _EXERCISE.get() if label is None else label
    return TOLERANCES.get(label) if label is not None else None


def resolve_tolerance(rtol: float | None, atol: float | None) -> tuple[float, float, bool]:
    """``(rtol, atol, from_spec)``: the exercise's specification unless a caller gives its own.

    Outside an exercise, or for an exercise without a specification, the defaults are
    ``rtol=1e-6``, ``atol=0``.
    """
    if rtol is None and atol is None:
        spec = tolerance()
        if spec is not None:
            return spec.rtol, spec.atol, True
    return (1e-6 if rtol is None else rtol), (0.0 if atol is None else atol), False


def _rounded_to(expected: float, digits: int) -> float:
    return float(f"{expected:.{digits - 1}e}")


def looks_rounded(answer, expected, *, rtol: float, atol: float) -> bool:
    """Whether ``answer`` misses ``expected`` only by rounding to 2, 3 or 4 significant figures.

    Elementwise for arrays: every value is within the tolerance or equal to the expected
    value rounded to 2-4 significant figures, and at least one is rounded. Expected values
    within ``atol`` of 0 never count as rounded (there, the tolerance is absolute).
    """
    try:
        a = np.asarray(answer, dtype=float).ravel()
        e = np.asarray(expected, dtype=float).ravel()
    except (TypeError, ValueError):
        return False
    if a.shape != e.shape or not a.size or not np.all(np.isfinite(a)) \
            or not np.all(np.isfinite(e)):
        return False
    found = False
    for x, y in zip(a.tolist(), e.tolist()):
        if abs(x - y) <= atol + rtol * abs(y):
            continue
        if abs(y) <= atol or x == 0:
            return False
        if not any(abs(x - _rounded_to(y, k)) <= 1e-12 * abs(y) for k in (2, 3, 4)):
            return False
        found = True
    return found


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
    when it is right, or a short string saying what is wrong. It may raise
    :class:`AnswerError` (as the answer parsers :func:`as_number`,
    :func:`as_numbers`, :func:`as_vector` and :func:`as_choice` do): its
    message is then shown as the problem. Any other exception is reported
    as "could not check this answer".
    """

    if not isinstance(label, str):
        raise TypeError(f"label must be a string, an exercise label such as "
                        f"'ex-likelihood-coin'; got {type(label).__name__}.")
    if not label.startswith("ex-"):
        raise ValueError(f"label must be an exercise label starting with 'ex-', such as "
                         f"'ex-likelihood-coin'; got {label!r}.")

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
        with exercise(label):
            problem = func(answer)
    except AnswerError as exc:
        problem = str(exc)
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


def approx(answer: Any, expected: Any, *, rtol: float | None = None,
           atol: float | None = None) -> str | None:
    """Compare an answer with the expected value; ``None`` when close enough.

    Scalars, sequences, arrays and dicts (compared key by key) are accepted.
    Returns a short explanation of the first mismatch otherwise.

    Inside a self-check (:func:`evaluate`), the tolerance is the exercise's own
    specification (``mlecourse/checks/_tolerances.py``), which the grader's hidden tests
    read too; give ``rtol``/``atol`` only outside an exercise. There, an answer that
    misses only because it was rounded to 2-4 significant figures raises
    :class:`AnswerError` with the message "close: this looks rounded; give the value you
    computed, unrounded.", so the student hears it whatever the checker does with the result.
    """
    for name, value in (("rtol", rtol), ("atol", atol)):
        if value is None:
            continue
        if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
            raise TypeError(f"{name} must be a number >= 0 or None; got {type(value).__name__}.")
        if not value >= 0 or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number >= 0; got {value}.")
    rtol, atol, from_spec = resolve_tolerance(rtol, atol)
    problem = _approx(answer, expected, rtol=rtol, atol=atol)
    if problem is not None and from_spec and not isinstance(expected, (dict, str, bytes)) \
            and looks_rounded(answer, expected, rtol=rtol, atol=atol):
        raise AnswerError(ROUNDED)
    return problem


def _approx(answer: Any, expected: Any, *, rtol: float, atol: float) -> str | None:
    if isinstance(expected, dict):
        if not isinstance(answer, dict):
            return f"expected a dict with keys {sorted(expected)}; got {type(answer).__name__}."
        missing = sorted(set(expected) - set(answer))
        if missing:
            return f"the answer lacks the key(s) {missing}."
        for key, value in expected.items():
            problem = approx(answer[key], value, rtol=rtol, atol=atol)
            if problem is not None and tolerance() is not None \
                    and looks_rounded(answer[key], value, rtol=rtol, atol=atol):
                raise AnswerError(ROUNDED)
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


# --- parsing a student's answer ------------------------------------------------------------
#
# A checker first turns the answer into the numbers it compares. Each parser returns the parsed
# value or raises AnswerError, whose message (prefixed by ``name:`` when a name is given) is
# what :func:`evaluate` shows the student. So a checker reads
#
#     se, i_mis = as_numbers(answer, 2, names=("se_fb", "i_mis_fb"))
#
# and needs no code of its own for texts, booleans, wrong lengths, NaN or infinity.

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


class AnswerError(ValueError):
    """The student's answer is not of the form the exercise asks for.

    Raised by :func:`as_number`, :func:`as_whole_number`, :func:`as_numbers`,
    :func:`as_sequence`, :func:`as_vector` and :func:`as_choice`. Inside a
    checker it need not be caught: :func:`evaluate` turns it into a "fail"
    whose message is the exception's message.
    """


def _fail(name: str | None, message: str) -> AnswerError:
    return AnswerError(f"{name}: {message}" if name else message)


def _describe(answer: Any) -> str:
    """A short phrase for what the student gave, e.g. ``"a list of 3 values"``."""
    if isinstance(answer, (str, bytes)):
        return f"the text {answer!r}"
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape}"
    if isinstance(answer, (list, tuple)):
        return f"a {type(answer).__name__} of {len(answer)} values"
    if answer is None or isinstance(answer, (bool, np.bool_)):
        return repr(answer)
    if isinstance(answer, numbers.Real):
        return f"the number {float(answer):g}"
    return type(answer).__name__


def as_number(answer: Any, name: str | None = None) -> float:
    """The answer as one finite float, or :class:`AnswerError` saying why it is not one.

    Parameters
    ----------
    answer : object
        A real number: ``int``, ``float``, a NumPy integer or floating scalar,
        or a 0-d NumPy array of such.
    name : str, optional
        The name of the quantity, e.g. ``"se_fb"``; it prefixes the message.

    Returns
    -------
    float

    Raises
    ------
    AnswerError
        For a text (``"expected a number, got the text '0.5'."``), a boolean,
        ``None``, a sequence or array with dimensions, any other non-real
        object, and NaN or infinity.
    """
    if isinstance(answer, (str, bytes)):
        raise _fail(name, f"expected a number, got the text {answer!r}.")
    if isinstance(answer, np.ndarray):
        if answer.ndim:
            raise _fail(name, f"expected a single number; got an array of shape {answer.shape}.")
        answer = answer[()]
    if isinstance(answer, (bool, np.bool_)):
        raise _fail(name, f"expected a number, got {answer!r}.")
    if not isinstance(answer, numbers.Real):
        raise _fail(name, f"expected a single number; got {_describe(answer)}.")
    value = float(answer)
    if not math.isfinite(value):
        raise _fail(name, "the answer is NaN or infinite.")
    return value


def as_whole_number(answer: Any, name: str | None = None) -> int:
    """The answer as an ``int`` when it is a whole number (``6`` or ``6.0``).

    Parameters
    ----------
    answer : object
        As for :func:`as_number`, and with no fractional part.
    name : str, optional
        The name of the quantity; it prefixes the message.

    Returns
    -------
    int

    Raises
    ------
    AnswerError
        As :func:`as_number` does, and for a number with a fractional part
        (``"expected a whole number; got 6.5."``).
    """
    value = as_number(answer, name)
    if not value.is_integer():
        raise _fail(name, f"expected a whole number; got {value:g}.")
    return int(value)


def _items(answer: Any, k: int, names, noun: str) -> tuple:
    if isinstance(answer, np.ndarray) and answer.ndim == 1:
        answer = tuple(answer)
    if not isinstance(answer, (tuple, list)) or len(answer) != k:
        what = f" ({', '.join(names)})" if names else ""
        raise AnswerError(f"expected a tuple of {_WORDS.get(k, k)} {noun}{what}; "
                          f"got {_describe(answer)}.")
    return tuple(answer)


def as_sequence(answer: Any, k: int, names: tuple[str, ...] | list[str] | None = None) -> tuple:
    """The answer as a tuple of exactly ``k`` items, left unparsed.

    For answers whose items are not all numbers, e.g. a pair of intervals or
    ``(iterates, upper)``; parse each item afterwards.

    Parameters
    ----------
    answer : tuple, list or 1-D numpy.ndarray
        The student's answer, ``k`` items long.
    k : int
        The number of items the exercise asks for.
    names : sequence of str, optional
        The items' names, shown in the message, e.g. ``("low", "high")``.

    Returns
    -------
    tuple
        ``k`` items.

    Raises
    ------
    AnswerError
        When the answer is not a tuple, a list or a 1-D array of length ``k``.
    """
    return _items(answer, k, names, "values")


def as_numbers(answer: Any, k: int,
               names: tuple[str, ...] | list[str] | None = None) -> tuple[float, ...]:
    """The answer as a tuple of ``k`` finite floats.

    Parameters
    ----------
    answer : tuple, list or 1-D numpy.ndarray
        ``k`` numbers, each accepted by :func:`as_number`.
    k : int
        How many numbers the exercise asks for.
    names : sequence of str, optional
        The numbers' names, e.g. ``("p_hat", "ratio")``; they name the
        expected tuple and prefix the message about a bad item.

    Returns
    -------
    tuple of float
        ``k`` values.

    Raises
    ------
    AnswerError
        As :func:`as_sequence` does, and as :func:`as_number` does for any item.
    """
    items = _items(answer, k, names, "numbers")
    return tuple(as_number(v, names[i] if names else None) for i, v in enumerate(items))


def as_vector(answer: Any, size: int, name: str | None = None) -> np.ndarray:
    """The answer as a 1-D float array of ``size`` finite values.

    Parameters
    ----------
    answer : array_like
        ``size`` numbers: a list, tuple or array. Axes of length 1 are
        dropped, so a ``(1, size)`` row is accepted.
    size : int
        How many numbers the exercise asks for.
    name : str, optional
        The name of the quantity; it prefixes the message.

    Returns
    -------
    numpy.ndarray
        Shape ``(size,)``, dtype float64.

    Raises
    ------
    AnswerError
        For a text, a dict, anything that is not an array of real numbers,
        another number of values, and NaN or infinity.
    """
    if isinstance(answer, (str, bytes)):
        raise _fail(name, f"expected {size} numbers, got the text {answer!r}.")
    if isinstance(answer, dict):
        raise _fail(name, f"expected {size} numbers; got a dict.")
    try:
        arr = np.asarray(answer)
        if arr.dtype.kind not in "iuf":
            arr = arr.astype(float) if arr.dtype == object else None
    except (TypeError, ValueError):
        arr = None
    if arr is None:
        raise _fail(name, f"expected {size} numbers; got {_describe(answer)}.")
    arr = np.atleast_1d(np.squeeze(arr.astype(float)))
    if arr.shape != (size,):
        raise _fail(name, f"expected {size} numbers; got {_describe(answer)}.")
    if not np.all(np.isfinite(arr)):
        raise _fail(name, "the answer contains NaN or infinity.")
    return arr


def as_choice(answer: Any, choices: str) -> str:
    """The answer as one of the letters in ``choices``, in lower case.

    ``"b"``, ``" B "``, ``"(b)"`` and ``"(B)"`` all give ``"b"``.

    Parameters
    ----------
    answer : str
        The student's letter.
    choices : str
        The allowed letters, e.g. ``"abcd"`` (case is ignored).

    Returns
    -------
    str
        The chosen letter, lower case.

    Raises
    ------
    AnswerError
        When the answer is not a string, or not one of the letters.
    """
    letters = [c.lower() for c in choices]
    allowed = ", ".join(repr(c) for c in letters[:-1]) + f" or {letters[-1]!r}"
    if not isinstance(answer, str):
        raise AnswerError(f"expected one of the letters {allowed} as a string; "
                          f"got {_describe(answer)}.")
    letter = answer.strip().lower().strip("()").strip()
    if letter not in letters:
        raise AnswerError(f"expected one of the letters {allowed}; got {answer!r}.")
    return letter
