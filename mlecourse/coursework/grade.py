"""Grade submitted notebooks against the instructor's hidden tests.

Layout of a submissions folder: one folder per student holding one notebook
per chapter, named after the chapter::

    submissions/
        alice/likelihood.ipynb
        alice/em_algorithm.ipynb
        bob/likelihood.ipynb

Student names are letters, digits, ``.``, ``_`` and ``-`` (starting with a
letter or digit); a notebook whose name is not a chapter with hidden tests is
skipped with a warning.

How a notebook is graded:

1. Before anything runs, the hidden tests are loaded (so expected values are
   computed by trusted code, once) and every submission is read into memory
   (so no submission can change another one on disk).
2. The notebook's code cells run in a fresh kernel (:mod:`.runner`), with a
   capture cell inserted after the last cell that mentions each exercise label
   (normally the exercise cell, which ends with ``mlecourse.check(label, ...)``)
   and one at the end. A capture cell writes the exercise's answer variables to
   a JSON file (:mod:`.answers`).
3. In the grader's own process, the files are read strictly as data and the
   hidden tests run on those plain values. Nothing the notebook printed,
   displayed or defined is trusted: a test sees only numbers, strings, plain
   containers and numeric arrays.
4. The gradebook, a summary and one feedback file per student are written at
   the very end, replacing earlier ones.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .answers import Missing, Unanswered, Unreadable, capture_source, decode_file
from .hidden import ChapterTests, Failure, load_tests

STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_NOTEBOOK_BYTES = 20_000_000
GRADEBOOK_FIELDS = ["student", "chapter", "exercise", "points", "max_points", "feedback"]
SUMMARY_FIELDS = ["student", "chapter", "points", "max_points", "status", "seconds"]


@dataclass
class Submission:
    """One notebook to grade (its bytes are read before anything runs)."""

    student: str
    chapter: str
    data: bytes


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

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)


def collect_submissions(directory, chapters) -> tuple[list[Submission], list[str]]:
    """Read every ``<student>/<chapter>.ipynb`` under ``directory`` into memory.

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
            with open(path, "rb") as f:
                data = f.read(MAX_NOTEBOOK_BYTES + 1)
            subs.append(Submission(student_dir.name, path.stem, data))
    return subs, warnings


def _label_cells(cells, label: str) -> int | None:
    """Index of the last code cell whose source mentions ``label``."""
    found = None
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and label in cell.source:
            found = index
    return found


def grading_notebook(nb, tests: ChapterTests, answers_dir: Path):
    """The notebook actually executed: the submission's code cells plus capture cells.

    Returns
    -------
    notebook : nbformat.NotebookNode
    captures : dict
        Exercise label to ``(path, found)``: the capture file after the
        exercise's cell, and whether such a cell was found.
    final : pathlib.Path
        The capture file written by the last cell (all exercises' variables).
    """
    import nbformat

    code = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(str(s) for s in source)
            code.append(nbformat.v4.new_code_cell(str(source)))
    after: dict[int, list[str]] = {}
    captures = {}
    for k, label in enumerate(tests.labels):
        where = _label_cells(code, label)
        path = answers_dir / f"exercise-{k}.json"
        captures[label] = (path, where is not None)
        if where is not None:
            after.setdefault(where, []).append(
                capture_source(tests.variables(label), path))
    cells = []
    for index, cell in enumerate(code):
        cells.append(cell)
        for source in after.get(index, []):
            cells.append(nbformat.v4.new_code_cell(source, metadata={"mlecourse_capture": True}))
    final = answers_dir / "final.json"
    all_vars = list(dict.fromkeys(v for label in tests.labels for v in tests.variables(label)))
    cells.append(nbformat.v4.new_code_cell(capture_source(all_vars, final),
                                           metadata={"mlecourse_capture": True}))
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
    points, messages = 0.0, []
    max_points = tests.max_points(label)
    for test in tests.for_label(label):
        problems = [_describe(values.get(v, Missing(v))) for v in test.variables]
        problems = [p for p in problems if p]
        if problems:
            messages += [p for p in problems if p not in messages]
            continue
        try:
            test(**{v: values[v] for v in test.variables})
        except Failure as exc:
            messages.append(str(exc) or f"{test.name} failed")
        except Exception as exc:  # the values are plain data; a test that trips is wrong
            messages.append(f"the grader could not check {test.name} ({type(exc).__name__})")
        else:
            points += test.points
    return ExerciseGrade(label, points, max_points, "; ".join(messages))


async def grade_submission(sub: Submission, tests: ChapterTests, *, timeout: float,
                           memory_mb: int) -> SubmissionGrade:
    """Run and grade one submission; never raises for anything the notebook does."""
    import nbformat

    from .runner import run_notebook

    def zero(status, reason):
        return SubmissionGrade(sub.student, sub.chapter, status, 0.0, [
            ExerciseGrade(label, 0.0, tests.max_points(label), reason)
            for label in tests.labels])

    if len(sub.data) > MAX_NOTEBOOK_BYTES:
        return zero("unreadable", "the notebook file is too large")
    try:
        nb = nbformat.reads(sub.data.decode("utf-8"), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")
    except Exception:
        return zero("unreadable", "the file is not a notebook that can be read")
    answers_dir = Path(tempfile.mkdtemp(prefix="mlecourse-answers-"))
    try:
        run_nb, captures, final = grading_notebook(nb, tests, answers_dir)
        result = await run_notebook(run_nb, timeout=timeout, memory_mb=memory_mb)
        final_values = decode_file(final, [v for label in tests.labels
                                           for v in tests.variables(label)])
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
            path, found = captures[label]
            names = tests.variables(label)
            if found:
                values = decode_file(path, names)
            else:
                values = {v: final_values[v] for v in names}
            grade = grade_exercise(tests, label, values)
            notes = []
            if not found:
                notes.append("no cell mentions this exercise's label, so the values at the end "
                             "of the notebook were graded")
            elif all(isinstance(v, Missing) for v in values.values()) and \
                    result.status != "completed":
                notes.append(f"the notebook stopped ({result.status}) before this exercise")
            if notes:
                grade.feedback = "; ".join([grade.feedback] + notes if grade.feedback else notes)
            exercises.append(grade)
        graded = SubmissionGrade(sub.student, sub.chapter, result.status, result.seconds,
                                 exercises)
        for cell_no, ename, evalue in errors:
            graded.notes.append(f"code cell {cell_no} raised {ename}: {evalue}")
        return graded
    finally:
        shutil.rmtree(answers_dir, ignore_errors=True)


def _csv_cell(value) -> str:
    text = str(value).replace("\r", " ").replace("\n", " ")
    if text[:1] in ("=", "+", "-", "@", "\t"):  # no formulas in a spreadsheet
        text = "'" + text
    return text[:500]


def _fmt(points: float) -> str:
    return f"{points:g}"


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def _feedback_text(student: str, grades: list[SubmissionGrade]) -> str:
    lines = [f"# Feedback for {student}", ""]
    for g in grades:
        lines += [f"## {g.chapter}: {_fmt(g.points)} / {_fmt(g.max_points)} points", ""]
        status = {"completed": f"The notebook ran to the end in {g.seconds:.1f} s.",
                  "timeout": "The notebook ran out of time; exercises after the point where "
                             "it stopped got no credit.",
                  "kernel died": "The notebook's kernel stopped (sys.exit/os._exit, a crash or "
                                 "running out of memory); exercises after that got no credit.",
                  "kernel failed": "The notebook's kernel stopped answering in the expected way "
                                   "(for example after json or the kernel itself was patched); "
                                   "exercises after that got no credit.",
                  "unreadable": "The file could not be read as a notebook."}[g.status]
        lines += [status, ""]
        for note in g.notes:
            lines.append(f"- {note}")
        if g.notes:
            lines.append("")
        for e in g.exercises:
            text = f"- `{e.label}`: {_fmt(e.points)} / {_fmt(e.max_points)}"
            if e.feedback:
                text += f". {e.feedback}"
            lines.append(text.replace("\n", " "))
        lines.append("")
    return "\n".join(lines)


def write_reports(grades: list[SubmissionGrade], out_dir) -> dict[str, Path]:
    """Write ``gradebook.csv``, ``summary.csv`` and ``feedback/<student>.md`` into ``out_dir``.

    The three are replaced as a whole (the ``feedback`` folder too).

    Returns
    -------
    dict
        ``"gradebook"``, ``"summary"`` and ``"feedback"`` paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    grades = sorted(grades, key=lambda g: (g.student, g.chapter))
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
                    f"{g.seconds:.1f}"])
    new_feedback = Path(tempfile.mkdtemp(dir=out, prefix=".feedback-"))
    by_student: dict[str, list[SubmissionGrade]] = {}
    for g in grades:
        by_student.setdefault(g.student, []).append(g)
    for student, items in by_student.items():
        (new_feedback / f"{student}.md").write_text(_feedback_text(student, items),
                                                    encoding="utf-8")
    feedback = out / "feedback"
    if feedback.is_symlink() or feedback.is_file():
        feedback.unlink()
    elif feedback.exists():
        shutil.rmtree(feedback)
    os.replace(new_feedback, feedback)
    os.chmod(feedback, 0o755)
    _atomic_write(out / "gradebook.csv", book.getvalue())
    _atomic_write(out / "summary.csv", summary.getvalue())
    return {"gradebook": out / "gradebook.csv", "summary": out / "summary.csv",
            "feedback": feedback}


def grade(submissions, tests, out, *, timeout: float = 120, memory_mb: int = 2048,
          jobs: int = 1, log=None) -> list[SubmissionGrade]:
    """Grade a folder of submissions and write the reports.

    Parameters
    ----------
    submissions : str or pathlib.Path
        The submissions folder (``<student>/<chapter>.ipynb``).
    tests : str or pathlib.Path
        The hidden tests folder (one ``<chapter>.py`` per chapter).
    out : str or pathlib.Path
        Where to write ``gradebook.csv``, ``summary.csv`` and ``feedback/``.
    timeout : float, default 120
        Seconds of execution allowed per notebook.
    memory_mb : int, default 2048
        Address-space limit per notebook kernel, in MiB.
    jobs : int, default 1
        Notebooks run at the same time.
    log : callable, optional
        Receives progress lines (default: print to standard error).

    Returns
    -------
    list of SubmissionGrade
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}.")
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 256:
        raise ValueError(f"memory_mb must be an integer of at least 256; got {memory_mb!r}.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer; got {jobs!r}.")
    log = log or (lambda line: print(line, file=sys.stderr))
    chapter_tests = load_tests(tests)                 # trusted code first, once
    subs, warnings = collect_submissions(submissions, chapter_tests)  # then all bytes
    for line in warnings:
        log(f"warning: {line}")

    async def run_all():
        gate = asyncio.Semaphore(jobs)

        async def one(sub):
            async with gate:
                g = await grade_submission(sub, chapter_tests[sub.chapter],
                                           timeout=timeout, memory_mb=memory_mb)
                log(f"{sub.student}/{sub.chapter}: {_fmt(g.points)} / {_fmt(g.max_points)} "
                    f"({g.status}, {g.seconds:.1f} s)")
                return g

        return await asyncio.gather(*(one(s) for s in subs))

    grades = asyncio.run(run_all()) if subs else []
    write_reports(grades, out)
    return grades
