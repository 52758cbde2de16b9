"""Writing and loading the instructor's hidden tests.

Hidden tests live outside the package, one Python file per chapter, in the
instructor's tests folder (``tests/instructor/<slug>.py`` in the course
repository). A file names its chapter and declares one or more tests per
exercise::

    from mlecourse.coursework.hidden import expect_close, hidden_test

    CHAPTER = "likelihood"

    # Expected values are computed when the file is loaded, before any
    # submission runs.
    P_HAT = 7 / 20

    @hidden_test("ex-likelihood-coin", points=2, variables=["p_hat"])
    def coin(p_hat):
        expect_close(p_hat, P_HAT, rtol=1e-6, name="p_hat")

A test receives the answer variables as plain values read from data (see
:mod:`mlecourse.coursework.answers`) and either returns (the points are
awarded) or raises :class:`Failure` with a message for the student (the
``expect_*`` helpers do that). Several tests for one exercise give partial
credit: each awards its own points.
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class Failure(AssertionError):
    """Raised by a hidden test: the answer is wrong. The message goes to the student."""


@dataclass(frozen=True)
class HiddenTest:
    """One hidden test: a function of some answer variables worth some points.

    Attributes
    ----------
    label : str
        The exercise label.
    points : float
        Points awarded when the test passes.
    variables : tuple of str
        The notebook variables the test receives, as keyword arguments.
    func : callable
        The test; returns to pass, raises :class:`Failure` to fail.
    name : str
        A short name for the feedback.
    """

    label: str
    points: float
    variables: tuple[str, ...]
    func: Callable
    name: str

    def __call__(self, **values):
        return self.func(**values)


def hidden_test(label: str, *, points: float = 1, variables) -> Callable:
    """Declare a hidden test for exercise ``label``.

    Parameters
    ----------
    label : str
        The exercise label, e.g. ``"ex-likelihood-coin"``.
    points : float, default 1
        Points the test awards when it passes; positive.
    variables : sequence of str
        Names of the notebook variables the test reads; they are passed to the
        decorated function as keyword arguments.

    Returns
    -------
    callable
        A decorator turning the function into a :class:`HiddenTest`.
    """
    if not isinstance(label, str) or not label:
        raise TypeError(f"label must be a non-empty string; got {label!r}.")
    if isinstance(points, bool) or not isinstance(points, (int, float)) \
            or not math.isfinite(points) or points <= 0:
        raise ValueError(f"points must be a positive number; got {points!r}.")
    if isinstance(variables, str):
        raise TypeError("variables must be a list of names, not a single string.")
    names = tuple(variables)
    if not names or not all(isinstance(n, str) and n.isidentifier() for n in names):
        raise ValueError(f"variables must be a non-empty list of Python names; got {names!r}.")

    def decorator(func):
        return HiddenTest(label, float(points), names, func, func.__name__)

    return decorator


@dataclass
class ChapterTests:
    """The hidden tests of one chapter, loaded from its file.

    Attributes
    ----------
    chapter : str
        The chapter slug.
    tests : list of HiddenTest
        In the order of the file.
    path : pathlib.Path
        The file they came from.
    """

    chapter: str
    tests: list[HiddenTest]
    path: Path
    labels: list[str] = field(init=False)

    def __post_init__(self):
        self.labels = list(dict.fromkeys(t.label for t in self.tests))

    def for_label(self, label: str) -> list[HiddenTest]:
        """The tests of one exercise."""
        return [t for t in self.tests if t.label == label]

    def variables(self, label: str) -> list[str]:
        """The variables the tests of one exercise read, without repeats."""
        return list(dict.fromkeys(v for t in self.for_label(label) for v in t.variables))

    def max_points(self, label: str) -> float:
        """The points one exercise is worth."""
        return sum(t.points for t in self.for_label(label))


def load_chapter_tests(path) -> ChapterTests:
    """Load one hidden-test file.

    Parameters
    ----------
    path : str or pathlib.Path
        A Python file defining ``CHAPTER`` and :func:`hidden_test` functions.
        It may import helper modules (``_*.py``) from its own folder.

    Returns
    -------
    ChapterTests

    Raises
    ------
    ValueError
        When the file defines no ``CHAPTER`` slug or no tests.
    """
    path = Path(path).resolve()
    module_name = f"_mlecourse_hidden_{path.stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{path}: not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    # a test file may import helper modules from its own folder (``_*.py``)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(module_name, None)
        sys.path.remove(str(path.parent))
    chapter = getattr(module, "CHAPTER", None)
    if not isinstance(chapter, str) or not _SLUG.match(chapter):
        raise ValueError(f"{path}: define CHAPTER = '<slug>' (lower-case letters, digits, _).")
    tests = [v for v in vars(module).values() if isinstance(v, HiddenTest)]
    if not tests:
        raise ValueError(f"{path}: no @hidden_test functions found.")
    return ChapterTests(chapter, tests, path)


def load_tests(directory) -> dict[str, ChapterTests]:
    """Load every hidden-test file (``*.py`` not starting with ``_``) in a folder.

    Returns
    -------
    dict
        Chapter slug to :class:`ChapterTests`.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory}: the hidden tests folder does not exist.")
    out: dict[str, ChapterTests] = {}
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tests = load_chapter_tests(path)
        if tests.chapter in out:
            raise ValueError(f"{path}: chapter {tests.chapter!r} already has hidden tests in "
                             f"{out[tests.chapter].path}.")
        out[tests.chapter] = tests
    return out


# --- helpers for writing tests: each checks the type strictly and raises Failure ---

def fail(message: str):
    """Fail the current hidden test with ``message`` (shown to the student)."""
    raise Failure(message)


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(value, name: str = "the answer") -> float:
    """``value`` as a finite float; it must be an int or a float (or a one-element array).

    Raises
    ------
    Failure
        For a bool, a string, a container, NaN or infinity.
    """
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(f"{name} should be a number; got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value):
        fail(f"{name} should be a finite number; got {value}.")
    return value


def array(value, name: str = "the answer", *, shape=None) -> np.ndarray:
    """``value`` as a finite float array (from an array, a list or a tuple of numbers).

    Parameters
    ----------
    shape : tuple of int, optional
        The required shape.
    """
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            fail(f"{name} should be an array of numbers; got an array of {value.dtype}.")
        arr = value.astype(float)
    elif isinstance(value, (list, tuple)):
        flat = _flatten(value)
        if flat is None:
            fail(f"{name} should be an array of numbers.")
        try:
            arr = np.array(value, dtype=float)
        except ValueError:
            fail(f"{name} should be a rectangular array of numbers.")
    else:
        arr = np.array([number(value, name)]).reshape(())
    if shape is not None and arr.shape != tuple(shape):
        fail(f"{name} should have shape {tuple(shape)}; got {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        fail(f"{name} contains NaN or infinity.")
    return arr


def _flatten(value):
    out = []
    for v in value:
        if isinstance(v, (list, tuple)):
            inner = _flatten(v)
            if inner is None:
                return None
            out += inner
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        else:
            out.append(v)
    return out


def expect_close(value, expected, *, rtol: float | None = None, atol: float | None = None,
                 name: str = "the answer") -> None:
    """Pass when the number ``value`` is within ``atol + rtol * |expected|`` of ``expected``.

    In a hidden test the tolerance is the exercise's specification, the one its self-check
    uses (``mlecourse/checks/_tolerances.py``): leave ``rtol`` and ``atol`` out. A value
    right only to the 2-4 significant figures it was rounded to fails with "close: this
    looks rounded", as the self-check says.
    """
    from mlecourse.checks._core import ROUNDED, looks_rounded, resolve_tolerance

    rtol, atol, _ = resolve_tolerance(rtol, atol)
    x = number(value, name)
    if not abs(x - expected) <= atol + rtol * abs(expected):
        if looks_rounded(x, expected, rtol=rtol, atol=atol):
            fail(f"{name} = {x:.6g}: {ROUNDED}")
        fail(f"{name} = {x:.6g} is not right.")


def expect_array_close(value, expected, *, rtol: float | None = None,
                       atol: float | None = None, name: str = "the answer",
                       sort: bool = False) -> None:
    """Pass when the array ``value`` has the shape of ``expected`` and matches it elementwise.

    The tolerance is the exercise's specification, as for :func:`expect_close`.

    Parameters
    ----------
    sort : bool, default False
        Compare sorted copies (for answers whose order is arbitrary, such as
        mixture components). Only for 1-D arrays.
    """
    from mlecourse.checks._core import ROUNDED, looks_rounded, resolve_tolerance

    rtol, atol, _ = resolve_tolerance(rtol, atol)
    expected = np.asarray(expected, dtype=float)
    arr = array(value, name, shape=expected.shape)
    if sort:
        arr, expected = np.sort(arr), np.sort(expected)
    wrong = ~(np.abs(arr - expected) <= atol + rtol * np.abs(expected))
    if wrong.any():
        if looks_rounded(arr, expected, rtol=rtol, atol=atol):
            fail(f"{name}: {ROUNDED}")
        fail(f"{name}: {int(wrong.sum())} of {expected.size} values are not right.")


def expect_equal(value, expected, *, name: str = "the answer") -> None:
    """Pass when ``value`` equals ``expected`` exactly, with the same plain type (int, str, bool).

    An int answer is accepted for a float expected value and vice versa only
    when they are numerically equal and the value is integral.
    """
    if isinstance(expected, bool):
        if type(value) is not bool:
            fail(f"{name} should be True or False; got {type(value).__name__}.")
        if value != expected:
            fail(f"{name} = {_show(value)} is not right.")
        return
    if isinstance(value, bool):
        fail(f"{name} should not be True or False; got {_show(value)}.")
    if isinstance(expected, int):
        x = number(value, name)
        if x != expected:
            fail(f"{name} = {_show(value)} is not right.")
        return
    if isinstance(expected, str):
        if not isinstance(value, str):
            fail(f"{name} should be a string; got {type(value).__name__}.")
        if value != expected:
            fail(f"{name} = {_show(value)} is not right.")
        return
    raise TypeError("expect_equal compares ints, strings and booleans; use expect_close.")


def expect_choice(value, expected: str, options, *, name: str = "the answer") -> None:
    """Pass when the string ``value`` names option ``expected`` (case and spaces ignored)."""
    options = [str(o).strip().lower() for o in options]
    if not isinstance(value, str):
        fail(f"{name} should be one of {options} as a string; got {type(value).__name__}.")
    choice = value.strip().lower()
    if choice not in options:
        fail(f"{name} should be one of {options}; got {_show(value)}.")
    if choice != expected.strip().lower():
        fail(f"{name} = {_show(value)} is not the right option.")


def expect_keys(value, keys, *, name: str = "the answer") -> dict:
    """``value`` as a dict that has at least the keys ``keys``; returns it."""
    if not isinstance(value, dict):
        fail(f"{name} should be a dict with keys {sorted(keys)}; got {type(value).__name__}.")
    missing = [k for k in keys if k not in value]
    if missing:
        fail(f"{name} lacks the key(s) {missing}.")
    return value


_PRIVATE_README = """\
# Private instructor folder

This folder is yours, not the students': keep it in a **private** repository
(`git init`, then push to a private remote) and never copy it into anything
students can reach.

`tests/` holds the hidden tests, one `<chapter>.py` per chapter, copied from
the course repository's `tests/instructor/`. Those copies are **public
examples**: anyone who clones the course can read them, and the chapters'
self-checks (`mlecourse.check`) accept the same answers, by design. Before you
grade work that counts, change what the tests expect so that students have not
seen it: give each exercise a variant with different data (another seed,
another data set, other numbers in the question), and hand out the student
notebooks with the same change (edit the exercise cell of the notebooks that
`mlecourse assign` writes, or your copy of the chapter before you run it).

A variant of an exercise with different data, e.g. for `ex-likelihood-coin`
("7 heads in 20 tosses"), asking instead about 11 heads in 30 tosses:

    P_HAT = 11 / 30                      # computed here, by your code
    RATIO = ...                          # the same formula, with 11 and 30

    @hidden_test("ex-likelihood-coin", points=1, variables=["p_hat"])
    def coin_mle(p_hat):
        expect_close(p_hat, P_HAT, spec="ex-likelihood-coin:p_hat", name="p_hat")

Keep the exercise label, the variable names and the tolerance specification
(`spec=`, shared with the self-check); change only the data and the expected
values. Self-checks in the student notebooks then check the public version,
so say in your assignment that they do not apply to the variant.

Grade with

    mlecourse grade SUBMISSIONS --tests tests --out grades --roster roster.csv --jobs 2

`grades/` holds students' results and feedback: keep it out of any public place.
"""


def instructor_init(directory, *, root=".") -> list[Path]:
    """Write a private instructor folder: the example hidden tests to adapt, and a README.

    Parameters
    ----------
    directory : str or pathlib.Path
        The new folder; it must not exist yet.
    root : str or pathlib.Path, default "."
        The course repository, whose ``tests/instructor`` holds the examples.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        When ``directory`` exists or ``root`` has no ``tests/instructor``.
    """
    import shutil

    directory, source = Path(directory), Path(root) / "tests" / "instructor"
    if directory.exists():
        raise ValueError(f"{directory} already exists; choose a new folder.")
    files = sorted(p for p in source.glob("*.py")) if source.is_dir() else []
    if not files:
        raise ValueError(f"{source}: no example hidden tests found; run this in the course "
                         "repository or pass --root.")
    (directory / "tests").mkdir(parents=True)
    written = []
    for path in files:
        target = directory / "tests" / path.name
        shutil.copyfile(path, target)
        written.append(target)
    (directory / "README.md").write_text(_PRIVATE_README, encoding="utf-8")
    (directory / ".gitignore").write_text("grades/\nsubmissions/\n", encoding="utf-8")
    return written + [directory / "README.md", directory / ".gitignore"]
