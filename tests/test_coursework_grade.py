"""End-to-end grading of the synthetic submissions (tests/fixtures/submissions.py).

One grading run (module fixture) of nineteen notebooks, each in its own sandbox, two at a
time, with a roster that also lists a student who handed nothing in: right, partly wrong and
unfinished work, and each attack a student has tried (stealing and erasing a classmate's
answers, a detached background process, reading the hidden tests or a classmate's notebook
through /proc, tampering with the tests and the grades, killing the grader, an output flood,
a fork bomb). The tests check the exact gradebook, summary and totals, the feedback files,
that honest students keep full marks next to the attackers, and that nothing a notebook did
survived it. Separate runs check resuming after the grader is killed, --chapters, and the
refusal to run without a sandbox.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mlecourse.coursework import runner
from mlecourse.coursework.assign import assign
from mlecourse.coursework.grade import grade, read_roster

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
    + _rows("peggy", [0, 1, 1, 1, 2], ["p_hat should be a number; got NoneType.", "", "", "", ""])
    + _rows("quentin", [0, 1, 1, 1, 2],
            ["p_hat should be a number; got NoneType.", "", "", "", ""])
    + _rows("rupert", [0] * 5, [_stopped(n, "kernel died") for n in
                                ("p_hat", "var_hat", "curve", "choice", "normal_params")])
    + _rows("sybil", [2, 1, 1, 1, 2], [""] * 5)
    + _rows("trent", [2, 1, 1, 1, 2], [""] * 5)
    + _rows("zoe", [0] * 5, ["no submission"] * 5)
)

SUMMARY = [
    ["alice", "7", "completed"], ["bob", "4", "completed"], ["carol", "0", "completed"],
    ["dave", "5", "completed"], ["erin", "6", "completed"], ["frank", "3", "kernel died"],
    ["grace", "4", "timeout"], ["heidi", "6", "completed"], ["ivan", "1", "completed"],
    ["judy", "3", "completed"], ["kim", "0", "kernel failed"], ["leo", "0", "completed"],
    ["mallory", "7", "completed"], ["nina", "0", "unreadable"], ["peggy", "5", "completed"],
    ["quentin", "5", "completed"], ["rupert", "0", "kernel died"], ["sybil", "7", "completed"],
    ["trent", "7", "completed"], ["zoe", "0", "no submission"],
]
HONEST = ["alice", "mallory", "sybil", "trent"]
MARKERS = (b"mlecourse-daemon-marker", b"mlecourse-forkbomb-marker")


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file()}


def _marked_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if any(m in cmdline for m in MARKERS):
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    tests = root / "instructor"
    shutil.copytree(FIXTURES / "instructor", tests)
    student = assign(root / "student", root=FIXTURES / "course")[0]
    subs, out = root / "submissions", root / "grades"
    paths = {"gradebook": str(out / "gradebook.csv"),
             "victim": str(subs / "alice" / "fixture_coin.ipynb"), "tests": str(tests),
             "grades": str(out)}
    submissions.build(student, subs, paths)
    roster = root / "roster.csv"
    names = [row[0] for row in SUMMARY]
    roster.write_text("student,name,section\n" + "".join(
        f"{s},{s.title()} Example,A\n" for s in names), encoding="utf-8")
    before = {"tests": _digest(tests), "alice": _digest(subs / "alice")}
    log = []
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    grades = grade(subs, tests, out, timeout=20, memory_mb=2048, jobs=2, log=log.append,
                   roster=roster)
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
    time.sleep(1.5)  # time for anything that escaped to act
    print(f"\ngraded {len(grades)} notebooks in {seconds:.1f} s")
    return {"root": root, "out": out, "log": log, "grades": grades, "paths": paths,
            "before": before, "tests": tests, "subs": subs, "grown_mb": grown,
            "roster": roster}


def test_gradebook_rows_are_exactly_as_expected(graded):
    with open(graded["out"] / "gradebook.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "chapter", "exercise", "points", "max_points", "feedback"]
    assert rows[1:] == EXPECTED


def test_summary_gives_each_notebook_its_status(graded):
    with open(graded["out"] / "summary.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", "chapter", "points", "max_points", "status", "seconds",
                       "sandbox"]
    assert [[r[0], r[2], r[4]] for r in rows[1:]] == SUMMARY
    assert all(r[1] == "fixture_coin" and r[3] == "7" for r in rows[1:])
    assert [r[6] for r in rows[1:]] == [
        "" if status in ("unreadable", "no submission") else "bwrap" for _, _, status in SUMMARY]


def test_totals_list_every_rostered_student_in_canvas_columns(graded):
    with open(graded["out"] / "totals.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "fixture_coin", "Final Points"]
    assert rows[1:] == [[f"{s.title()} Example", "", "", s, "A", p, p] for s, p, _ in SUMMARY]


def test_badly_named_submissions_are_skipped_with_a_warning(graded):
    warnings = [line for line in graded["log"] if line.startswith("warning:")]
    assert any("'bad name'" in w for w in warnings)
    assert any("oscar/other_chapter.ipynb" in w for w in warnings)
    assert len(warnings) == 2


def test_feedback_files_are_the_graders_own_and_escape_what_a_notebook_printed(graded):
    feedback = graded["out"] / "feedback"
    names = sorted(p.name for p in feedback.iterdir())
    assert names == sorted(f"{s[0]}.md" for s in SUMMARY)      # nothing forged
    alice = (feedback / "alice.md").read_text()
    assert "## fixture\\_coin: 7 / 7 points" in alice and "0 points" not in alice
    dave = (feedback / "dave.md").read_text()
    assert "code cell 2 raised ZeroDivisionError: division by zero" in dave
    erin = (feedback / "erin.md").read_text()
    assert "raised SystemExit: done for today" in erin
    heidi = (feedback / "heidi.md").read_text()
    assert "raised MemoryError" in heidi
    grace = (feedback / "grace.md").read_text()
    assert "ran out of time" in grace
    sybil = (feedback / "sybil.md").read_text()
    assert r"\<img src=x onerror=alert(1)\> \*\*you got 7/7\*\* \[click\](http://evil)" in sybil
    assert "<img" not in sybil.replace(r"\<img", "")
    zoe = (feedback / "zoe.md").read_text()
    assert "No notebook was handed in" in zoe


def test_each_result_is_stored_as_it_finishes(graded):
    stored = sorted(p.parent.name for p in (graded["out"] / "results").glob("*/fixture_coin.json"))
    assert stored == sorted(s for s, _, status in SUMMARY if status != "no submission")


def test_the_vandal_could_not_reach_a_submission_the_tests_or_the_grades(graded):
    # ivan tried to overwrite alice's notebook, plant a backdoor in every hidden-test file and
    # rewrite the gradebook and the feedback: none of those paths exist in his sandbox
    assert _digest(graded["subs"] / "alice") == graded["before"]["alice"]
    assert _digest(graded["tests"]) == graded["before"]["tests"]
    ivan = [g for g in graded["grades"] if g.student == "ivan"][0]
    assert ivan.points == 1 and ivan.notes == []               # every attempt failed quietly


def test_honest_students_keep_full_marks_next_to_the_attackers(graded):
    points = {g.student: g.points for g in graded["grades"]}
    assert all(points[s] == 7 for s in HONEST)
    # peggy's thread found no classmate's answers to copy or erase; quentin found neither the
    # tests nor a classmate's notebook through /proc (his `choice` is right only if he saw
    # nothing); trent's fork bomb stopped at the process limit (right only below 128)
    assert points["peggy"] == points["quentin"] == 5 and points["trent"] == 7


def test_a_notebook_that_kills_its_parent_ends_only_its_own_run(graded):
    rupert = [g for g in graded["grades"] if g.student == "rupert"][0]
    assert rupert.status == "kernel died" and rupert.points == 0
    assert len(graded["grades"]) == len(SUMMARY) - 1           # everyone else was graded


def test_an_output_flood_does_not_reach_the_graders_memory(graded):
    # sybil printed 10 kB lines for 2 s (hundreds of MB); the grader kept none of it
    assert graded["grown_mb"] < 150


def test_nothing_a_notebook_started_outlives_it(graded):
    # mallory's detached daemon (start_new_session) and trent's sleeping children
    assert _marked_processes() == []
    with open(graded["out"] / "gradebook.csv", newline="") as f:
        assert len(list(csv.reader(f))) == 1 + len(EXPECTED)


def test_a_second_run_reuses_every_stored_result(graded):
    log = []
    again = grade(graded["subs"], graded["tests"], graded["out"], timeout=20, jobs=2,
                  log=log.append, roster=graded["roster"], chapters=["fixture_coin"])
    done = [line for line in log if not line.startswith("warning:")]
    assert len(done) == len(SUMMARY) - 1 and all("(already graded)" in line for line in done)
    assert {(g.student, g.points) for g in again} == \
        {(g.student, g.points) for g in graded["grades"]}
    with open(graded["out"] / "gradebook.csv", newline="") as f:
        assert list(csv.reader(f))[1:] == EXPECTED


def test_an_unknown_chapter_is_refused(graded):
    with pytest.raises(ValueError, match="no hidden tests for the chapter"):
        grade(graded["subs"], graded["tests"], graded["root"] / "other", chapters=["nope"])


def test_without_a_sandbox_the_grader_refuses_unless_told_the_run_is_unsafe(graded, monkeypatch):
    monkeypatch.setitem(runner._PROBE, "result", "bwrap is not installed (test)")
    with pytest.raises(RuntimeError, match="--unsafe-no-sandbox"):
        grade(graded["subs"], graded["tests"], graded["root"] / "refused")
    assert not (graded["root"] / "refused").exists()
    subs = graded["root"] / "only-alice"
    shutil.copytree(graded["subs"] / "alice", subs / "alice")
    out = graded["root"] / "unsafe"
    grades = grade(subs, graded["tests"], out, timeout=20, unsafe=True, log=lambda line: None)
    assert [(g.student, g.points, g.sandbox) for g in grades] == [("alice", 7, "none (unsafe)")]
    assert "UNSAFE" in (out / "feedback" / "alice.md").read_text()
    assert (out / "summary.csv").read_text().splitlines()[1].endswith(",none (unsafe)")


def test_a_killed_grader_resumes_and_keeps_earlier_feedback(graded):
    subs = graded["root"] / "resume-subs"
    for student in ("alice", "bob", "carol"):
        shutil.copytree(graded["subs"] / student, subs / student)
    out = graded["root"] / "resume"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "mlecourse", "grade", str(subs), "--tests",
                             str(graded["tests"]), "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = out / "results"
    while proc.poll() is None and not list(results.glob("*/*.json")):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = sorted(p.parent.name for p in results.glob("*/*.json"))
    assert len(first) == 1 and not (out / "summary.csv").exists()
    log = []
    grades = grade(subs, graded["tests"], out, timeout=20, log=log.append)
    assert [line for line in log if "(already graded)" in line] == \
        [f"{first[0]}/fixture_coin: {7 if first[0] == 'alice' else 4} / 7 (already graded)"]
    assert [(g.student, g.points) for g in grades] == [("alice", 7), ("bob", 4), ("carol", 0)]
    # a later run without carol's notebook keeps her result and her feedback
    shutil.rmtree(subs / "carol")
    grade(subs, graded["tests"], out, timeout=20, log=lambda line: None)
    assert (out / "feedback" / "carol.md").is_file()
    with open(out / "summary.csv", newline="") as f:
        assert [r[0] for r in csv.reader(f)][1:] == ["alice", "bob", "carol"]


def test_the_timeout_holds_for_a_notebook_of_125k_cells():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", id=f"c{i}")
                                         for i in range(125_000)])
    result = runner.run_notebook_sync(nb, limits=runner.Limits(timeout=5))
    # the driver stops at the limit (cell by cell it would need minutes), and says so
    assert result.status == "timeout"
    assert 0 < result.executed < 125_000


def test_a_roster_without_a_student_column_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("login,name\nalice,Alice\n")
    with pytest.raises(ValueError, match="roster.csv: the roster needs a 'student' column"):
        read_roster(path)
