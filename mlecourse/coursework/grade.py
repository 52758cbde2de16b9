"""Grade submitted notebooks against the instructor's hidden tests.

Layout of a submissions folder: one folder per student holding one notebook
per chapter, named after the chapter::

    submissions/
        alice/likelihood.ipynb
        alice/em_algorithm.ipynb
        bob/likelihood.ipynb

Student names are letters, digits, ``.``, ``_`` and ``-`` (starting with a
letter or digit); use the login or id the LMS knows the student by. A notebook
whose name is not a chapter with hidden tests is skipped with a warning.

How a notebook is graded:

1. Before anything runs, the hidden tests are loaded (so expected values are
   computed by trusted code, once) and the submissions are listed.
2. The notebook's code cells run sealed off in a fresh OS sandbox
   (:mod:`.runner`: no view of the tests, the other submissions, the grader
   or the output folder; no network; its own process namespace; limits),
   with a capture cell inserted after the last cell that mentions each
   exercise label and one at the end. A capture cell writes the exercise's
   answer variables to a JSON file inside the sandbox, which comes back to
   the grader over a pipe only the grader holds (:mod:`.answers`).
3. In the grader's own process the captures are read strictly as data and
   the hidden tests run on those plain values.
4. Each notebook's result is written to ``OUT/results/<student>/<chapter>.json``
   as soon as it is graded. A later run reuses a stored result when neither
   the notebook nor the chapter's tests changed (so an interrupted run
   resumes where it stopped), and the reports are rebuilt from every stored
   result: ``gradebook.csv`` (one row per exercise), ``summary.csv`` (one row
   per notebook), ``totals.csv`` (one row per student, for an LMS) and
   ``feedback/<student>.md``. Nothing graded earlier is deleted.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import hashlib
import io
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .answers import Missing, Unanswered, Unreadable, capture_source, decode_text
from .hidden import ChapterTests, Failure, load_tests

STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_NOTEBOOK_BYTES = 20_000_000
GRADEBOOK_FIELDS = ["student", "chapter", "exercise", "points", "max_points", "feedback"]
SUMMARY_FIELDS = ["student", "chapter", "points", "max_points", "status", "seconds", "sandbox"]
#: the identity columns of ``totals.csv``, as Canvas's gradebook import reads them; then one
#: column per chapter (an assignment of that name) and ``Final Points`` (a column Canvas reads
#: as calculated and does not import). Moodle's CSV import maps any of them.
TOTALS_FIELDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: roster columns copied into those identity columns
ROSTER_COLUMNS = {"name": "Student", "id": "ID", "sis_user_id": "SIS User ID",
                  "section": "Section"}
UNSAFE_NOTE = ("UNSAFE: this notebook ran without a sandbox (--unsafe-no-sandbox); it could "
               "read and change the grader's files and other students' work.")


@dataclass
class Submission:
    """One notebook to grade, read from disk when it is needed.

    Notebooks are not all held in memory (a class of 200 hands in thousands); a notebook
    cannot change another one on disk, because none of them is visible in a sandbox.
    """

    student: str
    chapter: str
    path: Path

    @property
    def data(self) -> bytes:
        """The file's bytes, at most ``MAX_NOTEBOOK_BYTES + 1`` of them."""
        try:
            with open(self.path, "rb") as f:
                return f.read(MAX_NOTEBOOK_BYTES + 1)
        except OSError:
            return b""


@dataclass
class ExerciseGrade:
    """The grade of one exercise of one submission."""

    label: str
    points: float
    max_points: float
    feedback: str


@dataclass
class SubmissionGrade:
    """The grade of one submission."""

    student: str
    chapter: str
    status: str
    seconds: float
    exercises: list[ExerciseGrade]
    notes: list[str] = field(default_factory=list)
    sandbox: str = "bwrap"

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)


def collect_submissions(directory, chapters) -> tuple[list[Submission], list[str]]:
    """Find every ``<student>/<chapter>.ipynb`` under ``directory``.

    Parameters
    ----------
    directory : str or pathlib.Path
        The submissions folder.
    chapters : collection of str
        Chapter slugs that have hidden tests.

    Returns
    -------
    submissions : list of Submission
        Sorted by student, then chapter.
    warnings : list of str
        One line for each file or folder skipped.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory}: the submissions folder does not exist.")
    subs, warnings = [], []
    for student_dir in sorted(directory.iterdir()):
        if student_dir.name.startswith("."):
            continue
        if not student_dir.is_dir() or student_dir.is_symlink():
            warnings.append(f"skipped {student_dir.name}: expected a folder per student")
            continue
        if not STUDENT.match(student_dir.name):
            warnings.append(f"skipped {student_dir.name!r}: a student folder name may use "
                            "letters, digits, '.', '_' and '-' only")
            continue
        for path in sorted(student_dir.iterdir()):
            if path.name.startswith(".") or path.name.endswith("-checkpoint.ipynb"):
                continue
            if path.suffix != ".ipynb" or path.stem not in chapters:
                warnings.append(f"skipped {student_dir.name}/{path.name}: not "
                                f"<chapter>.ipynb for a chapter with hidden tests "
                                f"({', '.join(sorted(chapters))})")
                continue
            if path.is_symlink() or not path.is_file():
                warnings.append(f"skipped {student_dir.name}/{path.name}: not a regular file")
                continue
            subs.append(Submission(student_dir.name, path.stem, path))
    return subs, warnings


def _label_cells(cells, label: str) -> int | None:
    """Index of the last code cell whose source mentions ``label``."""
    found = None
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and label in cell.source:
            found = index
    return found


def grading_notebook(nb, tests: ChapterTests, answers_dir):
    """The notebook actually executed: the submission's code cells plus capture cells.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The submission.
    tests : ChapterTests
        The chapter's hidden tests (their labels and variables).
    answers_dir : str or pathlib.Path
        The folder the capture cells write to, as the notebook sees it.

    Returns
    -------
    notebook : nbformat.NotebookNode
        Capture cells carry ``metadata["mlecourse_capture"]``, the name of
        the file they write.
    captures : dict
        Exercise label to ``(name, found)``: the capture file after the
        exercise's cell, and whether such a cell was found.
    final : str
        The capture file written by the last cell (all exercises' variables).
    """
    import nbformat

    answers_dir = str(answers_dir)
    code = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(str(s) for s in source)
            code.append(nbformat.v4.new_code_cell(str(source)))
    after: dict[int, list[tuple[str, str]]] = {}
    captures = {}
    for k, label in enumerate(tests.labels):
        where = _label_cells(code, label)
        name = f"exercise-{k}.json"
        captures[label] = (name, where is not None)
        if where is not None:
            after.setdefault(where, []).append(
                (name, capture_source(tests.variables(label), f"{answers_dir}/{name}")))
    cells = []
    for index, cell in enumerate(code):
        cells.append(cell)
        for name, source in after.get(index, []):
            cells.append(nbformat.v4.new_code_cell(source, metadata={"mlecourse_capture": name}))
    final = "final.json"
    all_vars = list(dict.fromkeys(v for label in tests.labels for v in tests.variables(label)))
    cells.append(nbformat.v4.new_code_cell(capture_source(all_vars, f"{answers_dir}/{final}"),
                                           metadata={"mlecourse_capture": final}))
    out = nbformat.v4.new_notebook(cells=cells)
    out.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}
    return out, captures, final


def _describe(value) -> str | None:
    if isinstance(value, Missing):
        return f"`{value.name}` is not defined"
    if isinstance(value, Unanswered):
        return f"`{value.name}` is not answered yet (it still holds ...)"
    if isinstance(value, Unreadable):
        return f"`{value.name}`: {value.reason}"
    return None


def grade_exercise(tests: ChapterTests, label: str, values: dict) -> ExerciseGrade:
    """Run the hidden tests of one exercise on plain ``values``."""
    from mlecourse.checks._core import exercise

    points, messages = 0.0, []
    max_points = tests.max_points(label)
    for test in tests.for_label(label):
        problems = [_describe(values.get(v, Missing(v))) for v in test.variables]
        problems = [p for p in problems if p]
        if problems:
            messages += [p for p in problems if p not in messages]
            continue
        try:
            with exercise(label):                 # the exercise's tolerance specification
                test(**{v: values[v] for v in test.variables})
        except Failure as exc:
            messages.append(str(exc) or f"{test.name} failed")
        except Exception as exc:  # the values are plain data; a test that trips is wrong
            messages.append(f"the grader could not check {test.name} ({type(exc).__name__})")
        else:
            points += test.points
    return ExerciseGrade(label, points, max_points, "; ".join(messages))


async def grade_submission(sub: Submission, tests: ChapterTests, *, timeout: float,
                           memory_mb: int, processes: int = 128,
                           unsafe: bool = False) -> SubmissionGrade:
    """Run and grade one submission; never raises for anything the notebook does."""
    import nbformat

    from .runner import SANDBOX_ANSWERS, Limits, run_notebook

    def zero(status, reason):  # nothing ran, so no sandbox either
        return SubmissionGrade(sub.student, sub.chapter, status, 0.0, [
            ExerciseGrade(label, 0.0, tests.max_points(label), reason)
            for label in tests.labels], sandbox="")

    data = sub.data
    if len(data) > MAX_NOTEBOOK_BYTES:
        return zero("unreadable", "the notebook file is too large")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")
    except Exception:
        return zero("unreadable", "the file is not a notebook that can be read")
    answers_dir = tempfile.mkdtemp(prefix="mlecourse-answers-") if unsafe else SANDBOX_ANSWERS
    try:
        run_nb, captures, final = grading_notebook(nb, tests, answers_dir)
        limits = Limits(timeout=timeout, memory_mb=memory_mb, processes=processes)
        result = await run_notebook(run_nb, limits=limits, unsafe=unsafe,
                                    answers_dir=answers_dir)
    finally:
        if unsafe:
            import shutil

            shutil.rmtree(answers_dir, ignore_errors=True)
    names = [v for label in tests.labels for v in tests.variables(label)]

    def values_of(name, variables):
        if name not in result.captures:
            return {v: Missing(v) for v in variables}
        return decode_text(result.captures[name], variables)

    final_values = values_of(final, names)
    # cells of the submission that raised, numbered as the student sees them
    code_index = {}
    n = 0
    for index, cell in enumerate(run_nb.cells):
        if not cell.metadata.get("mlecourse_capture"):
            n += 1
            code_index[index] = n
    errors = [(code_index.get(i), ename, evalue) for i, ename, evalue in result.errors
              if i in code_index]
    exercises = []
    for label in tests.labels:
        name, found = captures[label]
        variables = tests.variables(label)
        values = values_of(name, variables) if found \
            else {v: final_values[v] for v in variables}
        graded = grade_exercise(tests, label, values)
        notes = []
        if not found:
            notes.append("no cell mentions this exercise's label, so the values at the end "
                         "of the notebook were graded")
        elif all(isinstance(v, Missing) for v in values.values()) and \
                result.status != "completed":
            notes.append(f"the notebook stopped ({result.status}) before this exercise")
        if notes:
            graded.feedback = "; ".join([graded.feedback] + notes if graded.feedback else notes)
        exercises.append(graded)
    out = SubmissionGrade(sub.student, sub.chapter, result.status, result.seconds, exercises,
                          sandbox=result.sandbox)
    for cell_no, ename, evalue in errors:
        out.notes.append(f"code cell {cell_no} raised {ename}: {evalue}")
    return out


def _csv_cell(value) -> str:
    text = str(value).replace("\r", " ").replace("\n", " ")
    if text[:1] in ("=", "+", "-", "@", "\t"):  # no formulas in a spreadsheet
        text = "'" + text
    return text[:500]


def _fmt(points: float) -> str:
    return f"{points:g}"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|!~&$])")


def _md(text: str) -> str:
    """``text`` (which may hold what a notebook printed) as literal Markdown on one line."""
    return _MARKDOWN.sub(r"\\\1", str(text).replace("\r", " ").replace("\n", " "))[:2000]


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


_STATUS_TEXT = {
    "completed": "The notebook ran to the end in {seconds:.1f} s.",
    "timeout": "The notebook ran out of time; exercises after the point where it stopped got "
               "no credit.",
    "kernel died": "The notebook's kernel stopped (sys.exit/os._exit, a crash, or a limit on "
                   "memory, processes or CPU time); exercises after that got no credit.",
    "kernel failed": "The notebook's kernel stopped answering in the expected way (for example "
                     "after json or the kernel itself was patched); exercises after that got "
                     "no credit.",
    "unreadable": "The file could not be read as a notebook.",
    "no submission": "No notebook was handed in for this chapter.",
}


def _feedback_text(student: str, grades: list[SubmissionGrade]) -> str:
    lines = [f"# Feedback for {_md(student)}", ""]
    for g in grades:
        lines += [f"## {_md(g.chapter)}: {_fmt(g.points)} / {_fmt(g.max_points)} points", ""]
        lines += [_STATUS_TEXT[g.status].format(seconds=g.seconds), ""]
        if g.sandbox == "none (unsafe)":
            lines += [UNSAFE_NOTE, ""]
        for note in g.notes:
            lines.append(f"- {_md(note)}")
        if g.notes:
            lines.append("")
        for e in g.exercises:
            text = f"- `{e.label}`: {_fmt(e.points)} / {_fmt(e.max_points)}"
            if e.feedback:
                text += f". {_md(e.feedback)}"
            lines.append(text)
        lines.append("")
    return "\n".join(lines)


# --- stored results ---------------------------------------------------------------------------

def _to_json(g: SubmissionGrade, key: dict) -> str:
    return json.dumps({
        "student": g.student, "chapter": g.chapter, "status": g.status,
        "seconds": round(g.seconds, 3), "sandbox": g.sandbox, "notes": g.notes,
        "exercises": [[e.label, e.points, e.max_points, e.feedback] for e in g.exercises],
        "key": key, "graded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }, indent=1)


def _from_json(text: str) -> tuple[SubmissionGrade, dict]:
    d = json.loads(text)
    g = SubmissionGrade(str(d["student"]), str(d["chapter"]), str(d["status"]),
                        float(d["seconds"]),
                        [ExerciseGrade(str(a), float(b), float(c), str(f))
                         for a, b, c, f in d["exercises"]],
                        [str(n) for n in d["notes"]], sandbox=str(d["sandbox"]))
    if g.status not in _STATUS_TEXT:
        raise ValueError(f"unknown status {g.status!r}")
    return g, d["key"]


def _result_path(out: Path, student: str, chapter: str) -> Path:
    return out / "results" / student / f"{chapter}.json"


def load_results(out_dir) -> tuple[dict, list[str]]:
    """Every stored result under ``out_dir/results``.

    Returns
    -------
    results : dict
        ``(student, chapter) -> (SubmissionGrade, key)``.
    warnings : list of str
        One line per file that could not be read (it is left in place).
    """
    results, warnings = {}, []
    root = Path(out_dir) / "results"
    if not root.is_dir():
        return results, warnings
    for path in sorted(root.glob("*/*.json")):
        try:
            g, key = _from_json(path.read_text(encoding="utf-8"))
            if (g.student, g.chapter) != (path.parent.name, path.stem):
                raise ValueError("it names another notebook")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            warnings.append(f"{path}: a stored result could not be read ({exc}); "
                            "that notebook will be graded again")
            continue
        results[(g.student, g.chapter)] = (g, key)
    return results, warnings


# --- the roster ---------------------------------------------------------------------------------

def read_roster(path) -> list[dict]:
    """Read a class roster: a CSV file with a ``student`` column.

    ``student`` is the submission folder name (the LMS login or id); optional
    columns ``name``, ``id``, ``sis_user_id`` and ``section`` are copied into
    the LMS totals, other columns are ignored.

    Returns
    -------
    list of dict
        One row per student, in the file's order.

    Raises
    ------
    ValueError
        Naming the file (and line) for a missing file, a missing ``student``
        column, an empty or malformed name, or a student listed twice.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: the roster could not be read ({exc}).") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "student" not in fields:
        raise ValueError(f"{path}: the roster needs a 'student' column (the submission folder "
                         f"name); its columns are {reader.fieldnames}.")
    rows, seen = [], {}
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
               if isinstance(v, str)}
        student = row.get("student", "")
        if not STUDENT.match(student):
            raise ValueError(f"{path}, line {line}: {student!r} is not a valid student name "
                             "(letters, digits, '.', '_' and '-', as the submission folders).")
        if student in seen:
            raise ValueError(f"{path}, line {line}: {student!r} is listed twice (first on "
                             f"line {seen[student]}).")
        seen[student] = line
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: the roster lists no students.")
    return rows


# --- the reports ------------------------------------------------------------------------------

def write_reports(grades: list[SubmissionGrade], out_dir, *, roster: list[dict] | None = None,
                  chapters: dict[str, float] | None = None) -> dict[str, Path]:
    """Write ``gradebook.csv``, ``summary.csv``, ``totals.csv`` and ``feedback/<student>.md``.

    Parameters
    ----------
    grades : list of SubmissionGrade
        Every result to report (stored ones included).
    out_dir : str or pathlib.Path
    roster : list of dict, optional
        From :func:`read_roster`: every rostered student gets rows, with 0
        points for a chapter not handed in.
    chapters : dict, optional
        Chapter slug to its exercises as ``(label, max_points)`` pairs: the
        chapters every student is reported on (default: those in ``grades``).

    Returns
    -------
    dict
        ``"gradebook"``, ``"summary"``, ``"totals"`` and ``"feedback"`` paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chapters = {c: list(v) for c, v in (chapters or {}).items()}
    for g in grades:
        chapters.setdefault(g.chapter, [(e.label, e.max_points) for e in g.exercises])
    people = {row["student"]: row for row in roster or []}
    for g in grades:
        people.setdefault(g.student, {"student": g.student})
    have = {(g.student, g.chapter): g for g in grades}
    for student in people:
        for chapter, exercises in chapters.items():
            if (student, chapter) not in have:
                have[(student, chapter)] = SubmissionGrade(
                    student, chapter, "no submission", 0.0,
                    [ExerciseGrade(label, 0.0, m, "no submission") for label, m in exercises],
                    sandbox="")
    grades = sorted(have.values(), key=lambda g: (g.student, g.chapter))
    book = io.StringIO()
    w = csv.writer(book, lineterminator="\n")
    w.writerow(GRADEBOOK_FIELDS)
    for g in grades:
        for e in g.exercises:
            w.writerow([g.student, g.chapter, e.label, _fmt(e.points), _fmt(e.max_points),
                        _csv_cell(e.feedback)])
    summary = io.StringIO()
    w = csv.writer(summary, lineterminator="\n")
    w.writerow(SUMMARY_FIELDS)
    for g in grades:
        w.writerow([g.student, g.chapter, _fmt(g.points), _fmt(g.max_points), g.status,
                    f"{g.seconds:.1f}", g.sandbox])
    order = sorted(chapters)
    totals = io.StringIO()
    w = csv.writer(totals, lineterminator="\n")
    w.writerow(TOTALS_FIELDS + order + ["Final Points"])
    for student in sorted(people):
        row = people[student]
        ident = {"Student": row.get("name") or student, "ID": row.get("id", ""),
                 "SIS User ID": row.get("sis_user_id", ""), "SIS Login ID": student,
                 "Section": row.get("section", "")}
        points = [have[(student, c)].points for c in order]
        w.writerow([_csv_cell(ident[f]) for f in TOTALS_FIELDS] + [_fmt(p) for p in points]
                   + [_fmt(sum(points))])
    feedback = out / "feedback"
    if feedback.is_symlink() or (feedback.exists() and not feedback.is_dir()):
        feedback.unlink()
    feedback.mkdir(exist_ok=True)
    by_student: dict[str, list[SubmissionGrade]] = {}
    for g in grades:
        by_student.setdefault(g.student, []).append(g)
    for student, items in by_student.items():
        _atomic_write(feedback / f"{student}.md", _feedback_text(student, items))
    _atomic_write(out / "gradebook.csv", book.getvalue())
    _atomic_write(out / "summary.csv", summary.getvalue())
    _atomic_write(out / "totals.csv", totals.getvalue())
    return {"gradebook": out / "gradebook.csv", "summary": out / "summary.csv",
            "totals": out / "totals.csv", "feedback": feedback}


def _tests_key(tests: ChapterTests) -> str:
    """A digest of a chapter's test file and the helper files beside it."""
    digest = hashlib.sha256()
    for path in [tests.path, *sorted(tests.path.parent.glob("_*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def grade(submissions, tests, out, *, timeout: float = 120, memory_mb: int = 2048,
          jobs: int = 1, log=None, roster=None, chapters=None, resume: bool = True,
          unsafe: bool = False, processes: int = 128) -> list[SubmissionGrade]:
    """Grade a folder of submissions, each notebook in a sandbox, and write the reports.

    Parameters
    ----------
    submissions : str or pathlib.Path
        The submissions folder (``<student>/<chapter>.ipynb``).
    tests : str or pathlib.Path
        The hidden tests folder (one ``<chapter>.py`` per chapter).
    out : str or pathlib.Path
        Where to write ``results/``, ``gradebook.csv``, ``summary.csv``,
        ``totals.csv`` and ``feedback/``.
    timeout : float, default 120
        Seconds of execution allowed per notebook.
    memory_mb : int, default 2048
        Address-space limit per process of a notebook, in MiB.
    jobs : int, default 1
        Notebooks run at the same time.
    log : callable, optional
        Receives progress lines (default: print to standard error).
    roster : str or pathlib.Path, optional
        A CSV with a ``student`` column (:func:`read_roster`): every rostered
        student gets a row, 0 points for no submission.
    chapters : collection of str, optional
        Grade only these chapters (default: every chapter with hidden tests).
    resume : bool, default True
        Reuse a stored result when neither the notebook nor its tests changed.
    unsafe : bool, default False
        Run the notebooks without a sandbox where none can be started; the
        reports say so. Never for untrusted notebooks.
    processes : int, default 128
        Most processes and threads of one notebook.

    Returns
    -------
    list of SubmissionGrade
        The results of this run's submissions (graded now or reused).

    Raises
    ------
    ValueError
        For bad arguments, a missing folder, a malformed roster, an unknown
        chapter.
    RuntimeError
        When no sandbox can be started here and ``unsafe`` is false.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}.")
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 256:
        raise ValueError(f"memory_mb must be an integer of at least 256; got {memory_mb!r}.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer; got {jobs!r}.")
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 16:
        raise ValueError(f"processes must be an integer of at least 16; got {processes!r}.")
    log = log or (lambda line: print(line, file=sys.stderr))
    people = read_roster(roster) if roster is not None else None
    chapter_tests = load_tests(tests)                 # trusted code first, once
    if chapters is not None:
        chapters = list(chapters)
        unknown = sorted(set(chapters) - set(chapter_tests))
        if unknown:
            raise ValueError(f"no hidden tests for the chapter(s) {unknown}; the tests folder "
                             f"has {sorted(chapter_tests)}.")
        chapter_tests = {c: chapter_tests[c] for c in chapters}
    if not unsafe:
        from .runner import sandbox_problem

        problem = sandbox_problem()
        if problem:
            raise RuntimeError(f"no sandbox for the notebooks: {problem}. Refusing to run "
                               "students' code unsealed; pass --unsafe-no-sandbox (unsafe=True) "
                               "only for notebooks you trust.")
    else:
        log("warning: UNSAFE run: notebooks run without a sandbox; the reports say so")
    keys = {c: _tests_key(t) for c, t in chapter_tests.items()}
    subs, warnings = collect_submissions(submissions, chapter_tests)  # then all bytes
    for line in warnings:
        log(f"warning: {line}")
    if people is not None:
        listed = {row["student"] for row in people}
        for student in sorted({s.student for s in subs} - listed):
            log(f"warning: {student} handed in work but is not on the roster")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stored, problems = load_results(out)
    for line in problems:
        log(f"warning: {line}")
    sandbox = "none (unsafe)" if unsafe else "bwrap"
    done: list[SubmissionGrade] = []
    todo = []
    for sub in subs:
        key = {"notebook": hashlib.sha256(sub.data).hexdigest(), "tests": keys[sub.chapter],
               "sandbox": sandbox}
        old = stored.get((sub.student, sub.chapter))
        if resume and old is not None and old[1] == key:
            done.append(old[0])
            log(f"{sub.student}/{sub.chapter}: {_fmt(old[0].points)} / "
                f"{_fmt(old[0].max_points)} (already graded)")
        else:
            todo.append((sub, key))

    async def run_all():
        gate = asyncio.Semaphore(jobs)

        async def one(sub, key):
            async with gate:
                g = await grade_submission(sub, chapter_tests[sub.chapter], timeout=timeout,
                                           memory_mb=memory_mb, processes=processes,
                                           unsafe=unsafe)
                path = _result_path(out, sub.student, sub.chapter)
                path.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(path, _to_json(g, key))     # kept at once: a crash loses nothing
                done.append(g)
                log(f"{sub.student}/{sub.chapter}: {_fmt(g.points)} / {_fmt(g.max_points)} "
                    f"({g.status}, {g.seconds:.1f} s)")

        await asyncio.gather(*(one(s, k) for s, k in todo))

    if todo:
        asyncio.run(run_all())
    stored, _ = load_results(out)
    every = [g for g, _ in stored.values()]
    exercises = {c: [(label, t.max_points(label)) for label in t.labels]
                 for c, t in chapter_tests.items()}
    write_reports(every, out, roster=people, chapters=exercises)
    return sorted(done, key=lambda g: (g.student, g.chapter))
