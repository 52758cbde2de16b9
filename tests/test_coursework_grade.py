"""End-to-end grading of the synthetic submissions (tests/fixtures/submissions.py).

One grading run (module fixture) of fourteen notebooks: right, partly wrong and
unfinished work, and each adversarial case. The test checks the exact gradebook
rows, the summary, the feedback files, and that no submission changed anything
for another one.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from mlecourse.coursework.assign import assign
from mlecourse.coursework.grade import grade

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("coursework_submissions",
                                               FIXTURES / "submissions.py")
submissions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(submissions)

LABELS = ["ex-fixture_coin-phat", "ex-fixture_coin-var", "ex-fixture_coin-curve",
          "ex-fixture_coin-choice", "ex-fixture_coin-normal"]
MAX = [2, 1, 1, 1, 2]

_rng = np.random.default_rng(20240601)
_rng.binomial(1, 0.4, size=25)
WEIGHTS = _rng.normal(70.0, 8.0, size=12)


def _rows(student, points, feedback):
    return [[student, "fixture_coin", label, str(p), str(m), f]
            for label, p, m, f in zip(LABELS, points, MAX, feedback)]


NOT_ANSWERED = ["`p_hat` is not answered yet (it still holds ...)",
                "`var_hat` is not answered yet (it still holds ...)",
                "`curve` is not answered yet (it still holds ...)",
                "`choice` is not answered yet (it still holds ...)",
                "`normal_params` is not answered yet (it still holds ...)"]


def _stopped(name, how):
    return f"`{name}` is not defined; the notebook stopped ({how}) before this exercise"


def _unsupported(name, kind):
    return f"`{name}`: it is of type __main__.{kind}, which the grader does not read"


VAR_N1 = f"var_hat = {WEIGHTS.var(ddof=1):.6g} is not right."
EXPECTED = (
    _rows("alice", [2, 1, 1, 1, 2], [""] * 5)
    + _rows("bob", [2, 0, 1, 0, 1],
            ["", VAR_N1, "", "choice = 'a' is not the right option.",
             f"normal_params['sigma'] = {WEIGHTS.std(ddof=1):.6g} is not right."])
    + _rows("carol", [0] * 5, NOT_ANSWERED)
    + _rows("dave", [0, 1, 1, 1, 2], ["`p_hat` is not defined", "", "", "", ""])
    + _rows("erin", [2, 0, 1, 1, 2], ["", "`var_hat` is not defined", "", "", ""])
    + _rows("frank", [2, 1, 0, 0, 0], ["", "", _stopped("curve", "kernel died"),
                                      _stopped("choice", "kernel died"),
                                      _stopped("normal_params", "kernel died")])
    + _rows("grace", [2, 1, 1, 0, 0], ["", "", "", _stopped("choice", "timeout"),
                                      _stopped("normal_params", "timeout")])
    + _rows("heidi", [2, 0, 1, 1, 2], ["", "`var_hat` is not defined", "", "", ""])
    + _rows("ivan", [0, 0, 0, 1, 0],
            ["p_hat = 0.99 is not right.", "var_hat = 1 is not right.",
             "curve: 3 of 3 values are not right.", "",
             "normal_params['mu'] = 0 is not right.; normal_params['sigma'] = 1 is not right."])
    + _rows("judy", [0, 0, 0, 1, 2],
            ["p_hat = 0.5 is not right.", VAR_N1, "curve: 3 of 3 values are not right.", "",
             ""])
    + _rows("kim", [0] * 5, [_stopped(n, "kernel failed") for n in
                             ("p_hat", "var_hat", "curve", "choice", "normal_params")])
    + _rows("leo", [0] * 5, [_unsupported("p_hat", "AlwaysEqual"),
                             _unsupported("var_hat", "Anything"),
                             _unsupported("curve", "EqualArray"),
                             _unsupported("choice", "EqualStr"),
                             _unsupported("normal_params", "EqualDict")])
    + _rows("mallory", [2, 1, 1, 1, 2], [""] * 5)
    + _rows("nina", [0] * 5, ["the file is not a notebook that can be read"] * 5)
)

SUMMARY = [
    ["alice", "7", "completed"], ["bob", "4", "completed"], ["carol", "0", "completed"],
    ["dave", "5", "completed"], ["erin", "6", "completed"], ["frank", "3", "kernel died"],
    ["grace", "4", "timeout"], ["heidi", "6", "completed"], ["ivan", "1", "completed"],
    ["judy", "3", "completed"], ["kim", "0", "kernel failed"], ["leo", "0", "completed"],
    ["mallory", "7", "completed"], ["nina", "0", "unreadable"],
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    tests = root / "instructor"
    shutil.copytree(FIXTURES / "instructor", tests)
    student = assign(root / "student", root=FIXTURES / "course")[0]
    subs, out = root / "submissions", root / "grades"
    paths = {"pidfile": str(root / "daemon.pid"), "gradebook": str(out / "gradebook.csv"),
             "victim": str(subs / "alice" / "fixture_coin.ipynb"), "tests": str(tests),
             "grades": str(out)}
    submissions.build(student, subs, paths)
    log = []
    start = time.perf_counter()
    grades = grade(subs, tests, out, timeout=20, memory_mb=2048, jobs=2, log=log.append)
    seconds = time.perf_counter() - start
    print(f"\ngraded {len(grades)} notebooks in {seconds:.1f} s")
    return {"root": root, "out": out, "log": log, "grades": grades, "paths": paths}


def test_gradebook_rows_are_exactly_as_expected(graded):
    with open(graded["out"] / "gradebook.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "chapter", "exercise", "points", "max_points", "feedback"]
    assert rows[1:] == EXPECTED


def test_summary_gives_each_notebook_its_status(graded):
    with open(graded["out"] / "summary.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "chapter", "points", "max_points", "status", "seconds"]
    assert [[r[0], r[2], r[4]] for r in rows[1:]] == SUMMARY
    assert all(r[1] == "fixture_coin" and r[3] == "7" for r in rows[1:])


def test_badly_named_submissions_are_skipped_with_a_warning(graded):
    warnings = [line for line in graded["log"] if line.startswith("warning:")]
    assert any("'bad name'" in w for w in warnings)
    assert any("oscar/other_chapter.ipynb" in w for w in warnings)
    assert len(warnings) == 2


def test_feedback_files_are_the_graders_own(graded):
    feedback = graded["out"] / "feedback"
    names = sorted(p.name for p in feedback.iterdir())
    assert names == sorted(f"{s[0]}.md" for s in SUMMARY)      # the forged file is gone
    alice = (feedback / "alice.md").read_text()
    assert "## fixture_coin: 7 / 7 points" in alice and "0 points" not in alice
    dave = (feedback / "dave.md").read_text()
    assert "code cell 2 raised ZeroDivisionError: division by zero" in dave
    erin = (feedback / "erin.md").read_text()
    assert "raised SystemExit: done for today" in erin
    heidi = (feedback / "heidi.md").read_text()
    assert "raised MemoryError" in heidi
    grace = (feedback / "grace.md").read_text()
    assert "ran out of time" in grace


def test_the_vandal_could_not_change_other_grades_or_the_tests_in_use(graded):
    # ivan overwrote alice's file, the hidden tests and the gradebook while he ran ...
    assert (graded["root"] / "submissions" / "alice" / "fixture_coin.ipynb").read_text() == "{}"
    assert "hidden_test" not in (graded["root"] / "instructor" / "fixture_coin.py").read_text()
    # ... yet alice was graded on what she handed in, with the tests loaded before any run
    alice = [g for g in graded["grades"] if g.student == "alice"][0]
    assert alice.points == 7


def test_a_detached_background_process_does_not_outlive_its_notebook(graded):
    pid = int(Path(graded["paths"]["pidfile"]).read_text())
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():  # a zombie waiting for init is dead too
        assert stat.read_text().split()[2] in ("Z", "X")
    with open(graded["out"] / "gradebook.csv", newline="") as f:
        assert len(list(csv.reader(f))) == 1 + len(EXPECTED)
