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
  without raising.

The chapter-specific tests (targeted feedback for common mistakes, agreement of the solutions
with SciPy, scikit-learn or statsmodels) stay in the chapter's own file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from mlecourse.checks import evaluate, registered_labels

BOOK = Path(__file__).resolve().parents[1] / "book"

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

    ChapterContract.__name__ = ChapterContract.__qualname__ = f"TestContract_{chapter}"
    return ChapterContract
