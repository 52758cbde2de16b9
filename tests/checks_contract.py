"""The contract every chapter's self-checks keep, written once for all thirteen chapters.

A chapter's test file ``tests/test_checks_<slug>.py`` defines its tables and asks for the
contract tests::

    LABELS = ["ex-<slug>-first", ...]        # the chapter's exercises
    RIGHT = {label: right_answer}            # computed independently of the checker
    WRONG = {label: [wrong_answer, ...]}     # typical mistakes, each must fail with a hint

    TestContract = chapter_contract("<slug>", LABELS, RIGHT, WRONG)

The returned class holds the generic tests, parametrised case by case:

- the labels are exactly the chapter's exercises (``:label: ex-...`` and the cells that call
  ``mlecourse.check``) and exactly the checkers registered under ``ex-<slug>-``;
- every right answer passes; every wrong answer fails, and its message carries the hint;
- ``...`` in any position is "unanswered", never "fail";
- an answer of the wrong type (a text, ``None``, a dict, a nested list, NaN, a boolean, ...;
  for a letter question a number; for any other the right value written as text) fails
  without raising;
- one tolerance per exercise: the self-check and the hidden tests (``tests/instructor/<slug>.py``,
  run as the grader runs them) agree on the right answer and on every perturbation of it
  (each number in it multiplied by 1 +- 3e-10, 3e-9, ..., 3e-2, 1e-1): an answer one accepts
  the other accepts. For that, an exercise whose answer holds a float has an entry in
  ``mlecourse/checks/_tolerances.py`` and neither side passes ``rtol``/``atol`` of its own;
  the chapter's exercise cell calls ``mlecourse.check("<label>", NAME)`` or
  ``mlecourse.check("<label>", (NAME, NAME, ...))`` with the variables the hidden tests read;
- a value right only to the 2-4 significant figures it was rounded to is "close: this looks
  rounded" on both sides.

The chapter-specific tests (targeted feedback for common mistakes, agreement of the solutions
with SciPy, scikit-learn or statsmodels) stay in the chapter's own file.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import numpy as np
import pytest

from mlecourse.checks import evaluate, registered_labels
from mlecourse.checks._core import ROUNDED, _rounded_to
from mlecourse.checks._tolerances import TOLERANCES
from mlecourse.coursework.grade import grade_exercise
from mlecourse.coursework.hidden import load_chapter_tests

BOOK = Path(__file__).resolve().parents[1] / "book"
INSTRUCTOR = Path(__file__).resolve().parent / "instructor"
#: relative errors of the perturbed answers (each with both signs)
PERTURBATIONS = [3e-10, 3e-9, 3e-8, 3e-7, 3e-6, 3e-5, 3e-4, 3e-3, 3e-2, 1e-1]

# answers of the wrong type: each must fail (not pass, not crash) for every exercise
WRONG_TYPES = [
    "0.5", "1.0", "0.35", "a string", "not a letter", None, True, np.nan,
    {"a": 1}, {"a": 1.0}, {"p": 0.3}, {"p": 0.35}, {"x": 1.0},
    [1, 2, 3], [1.0, 2.0, 3.0], [1.0, 2.0], (np.nan, 1.0), [1.0, "b", 2.0],
    [[1, 2], [3, 4]], np.array([[1.0]]),
]
# numbers are the wrong type for a letter question
WRONG_TYPES_FOR_LETTERS = [2.0, 3.5]

# ways of leaving an answer unfinished that every exercise must call "unanswered"
UNFINISHED = [..., (..., ...), (..., ..., ...), (1.0, ...), [...]]


def _unfinished_like(right):
    """An unfinished answer with the right answer's shape (a tuple or a dict of ``...``)."""
    if isinstance(right, tuple):
        return tuple(... for _ in right)
    if isinstance(right, dict):
        return dict.fromkeys(right, ...)
    return ...


def _short(value) -> str:
    text = repr(value).replace(" ", "")
    return text if len(text) <= 20 else text[:17] + "..."


@functools.cache
def _hidden(chapter: str):
    return load_chapter_tests(INSTRUCTOR / f"{chapter}.py")


@functools.cache
def _check_calls(chapter: str) -> dict:
    """Exercise label -> the names its exercise cell passes to ``mlecourse.check``, in order.

    A single name gives a one-tuple marked ``single``; a name bound just before to a tuple
    of names (``answer = (a, b)``) gives those names.
    """
    calls, packed = {}, {}
    text = (BOOK / f"{chapter}.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        # ``answer = (a, b, c)`` on its own line, then ``mlecourse.check(label, answer)``
        match = re.fullmatch(r"(\w+) = \(([\w, ]+)\)", line)
        if match:
            packed[match[1]] = tuple(n.strip() for n in match[2].split(",") if n.strip())
            continue
        if not line.startswith("mlecourse.check("):
            continue
        call = ast.parse(line).body[0].value
        label, expr = call.args[0].value, call.args[1]
        if isinstance(expr, ast.Name) and expr.id in packed:
            calls[label] = ("tuple", packed.pop(expr.id))
        elif isinstance(expr, ast.Name):
            calls[label] = ("single", (expr.id,))
        elif isinstance(expr, ast.Tuple) and all(isinstance(e, ast.Name) for e in expr.elts):
            calls[label] = ("tuple", tuple(e.id for e in expr.elts))
        else:
            calls[label] = ("other", ast.unparse(expr))
    return calls


def _perturb(value, rel: float):
    """``value`` with every float in it multiplied by ``1 + rel`` (0 moved by ``rel``)."""
    if isinstance(value, (bool, np.bool_, int, np.integer, str)) or value is None:
        return value
    if isinstance(value, (float, np.floating)):
        return float(value) * (1 + rel) if value != 0 else rel
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f":
            return value
        return np.where(value == 0, rel, value * (1 + rel))
    if isinstance(value, dict):
        return {k: _perturb(v, rel) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_perturb(v, rel) for v in value)
    return value


def _round(value, digits: int):
    """``value`` with every float in it rounded to ``digits`` significant figures."""
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return _rounded_to(float(value), digits) if value != 0 else 0.0
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.array([_round(v, digits) for v in value.ravel()]).reshape(value.shape)
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_round(v, digits) for v in value)
    return value


def _has_float(value) -> bool:
    return _perturb(value, 0.5) is not value and repr(_perturb(value, 0.5)) != repr(value)


def _variables(chapter: str, label: str, answer) -> dict:
    kind, names = _check_calls(chapter)[label]
    assert kind != "other", f"{label}: mlecourse.check is called with {names}; pass a name or " \
        "a tuple of names"
    if kind == "single":
        return {names[0]: answer}
    assert isinstance(answer, (tuple, list)) and len(answer) == len(names), (label, names)
    return dict(zip(names, answer))


def _verdicts(chapter: str, label: str, answer) -> tuple[bool, bool, str, str]:
    """(self-check passes, hidden tests give full marks, their messages) for one answer."""
    result = evaluate(label, answer)
    tests = _hidden(chapter)
    values = _variables(chapter, label, answer)
    missing = [v for v in tests.variables(label) if v not in values]
    assert not missing, f"{label}: the hidden tests read {missing}, which the check call lacks"
    graded = grade_exercise(tests, label, {v: values[v] for v in tests.variables(label)})
    return (result.status == "pass", graded.points == graded.max_points, result.message,
            graded.feedback)


def chapter_contract(chapter: str, labels: list[str], right: dict, wrong: dict) -> type:
    """The generic self-check tests for chapter ``chapter`` as a test class.

    Parameters
    ----------
    chapter : str
        The chapter's slug: ``book/<chapter>.md``, labels ``ex-<chapter>-...``.
    labels : list of str
        The chapter's exercise labels.
    right : dict
        A right answer for each label.
    wrong : dict
        A non-empty list of wrong answers for each label.

    Returns
    -------
    type
        A class of parametrised tests; bind it to a name starting with ``Test``.
    """
    wrong_cases = [pytest.param(label, answer, id=f"{label}-{i}")
                   for label in labels for i, answer in enumerate(wrong.get(label, []))]
    unfinished_cases = [pytest.param(label, answer, id=f"{label}-{i}")
                        for label in labels
                        for i, answer in enumerate(UNFINISHED + [_unfinished_like(right[label])])]
    bad_cases = []
    for label in labels:
        value = right[label]
        extra = WRONG_TYPES_FOR_LETTERS if isinstance(value, str) else [str(value)]
        bad_cases += [pytest.param(label, bad, id=f"{label}-{_short(bad)}")
                      for bad in WRONG_TYPES + extra]

    tolerance_cases = [pytest.param(label, sign * rel, id=f"{label}-{sign * rel:g}")
                       for label in labels if _has_float(right[label])
                       for rel in PERTURBATIONS for sign in (1, -1)]
    float_labels = [label for label in labels if _has_float(right[label])]

    class ChapterContract:
        def test_tables_cover_every_label(self):
            assert sorted(right) == sorted(labels)
            assert sorted(wrong) == sorted(labels)
            assert all(len(wrong[label]) > 0 for label in labels)

        def test_labels_are_the_registered_checkers(self):
            prefix = f"ex-{chapter}-"
            assert sorted(lab for lab in registered_labels() if lab.startswith(prefix)) \
                == sorted(labels)

        def test_labels_match_the_chapter(self):
            text = (BOOK / f"{chapter}.md").read_text(encoding="utf-8")
            in_chapter = re.findall(r"^:label: (ex-[\w-]+)$", text, flags=re.M)
            assert sorted(in_chapter) == sorted(labels)
            checked = set(re.findall(r'mlecourse\.check\("(ex-[\w-]+)"', text))
            assert checked == set(labels)

        @pytest.mark.parametrize("label", labels)
        def test_right_answer_passes(self, label):
            result = evaluate(label, right[label])
            assert result.status == "pass", result.message

        @pytest.mark.parametrize("label, answer", wrong_cases)
        def test_wrong_answer_fails_with_a_hint(self, label, answer):
            result = evaluate(label, answer)
            assert result.status == "fail", (answer, result.message)
            assert "Hint:" in result.message

        @pytest.mark.parametrize("label, answer", unfinished_cases)
        def test_unfinished_answer_is_unanswered(self, label, answer):
            assert evaluate(label, answer).status == "unanswered"

        @pytest.mark.parametrize("label, answer", bad_cases)
        def test_wrong_type_fails_without_raising(self, label, answer):
            result = evaluate(label, answer)
            assert result.status == "fail", (answer, result.message)
            assert "could not check" not in result.message, result.message

        @pytest.mark.parametrize("label", labels)
        def test_self_check_and_hidden_tests_accept_the_right_answer(self, label):
            ok_self, ok_hidden, message, feedback = _verdicts(chapter, label, right[label])
            assert ok_self and ok_hidden, (message, feedback)

        @pytest.mark.parametrize("label", float_labels)
        def test_a_numerical_exercise_has_one_tolerance_specification(self, label):
            assert label in TOLERANCES, f"add {label!r} to mlecourse/checks/_tolerances.py"

        @pytest.mark.parametrize("label, rel", tolerance_cases)
        def test_self_check_and_hidden_tests_agree_on_a_perturbed_answer(self, label, rel):
            answer = _perturb(right[label], rel)
            ok_self, ok_hidden, message, feedback = _verdicts(chapter, label, answer)
            assert ok_self == ok_hidden, (rel, message, feedback)

        @pytest.mark.parametrize("label", float_labels)
        def test_a_rounded_answer_is_called_close_on_both_sides(self, label):
            spec = TOLERANCES[label]
            for digits in (2, 3, 4):
                answer = _round(right[label], digits)
                ok_self, ok_hidden, message, feedback = _verdicts(chapter, label, answer)
                assert ok_self == ok_hidden, (digits, message, feedback)
                if not ok_self:
                    assert ROUNDED in message and ROUNDED in feedback, (digits, message,
                                                                        feedback, spec)

    ChapterContract.__name__ = ChapterContract.__qualname__ = f"TestContract_{chapter}"
    return ChapterContract
