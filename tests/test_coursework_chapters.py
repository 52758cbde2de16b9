"""The course's own chapters as coursework.

For every chapter in ``_toc.yml`` and every chapter with a hidden-test file in
``tests/instructor``: each exercise has a self-check, a solution and hidden
tests that read variables the exercise cell binds; the student notebook and the
solution-free source hold no solution text and no reference into a removed
solution, and the student notebook reads no variable that only a solution cell
defines; (slow) the hidden tests give full marks to each chapter's own
solutions, and two untouched student notebooks run top to bottom without an
error and score nothing.
"""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import jupytext
import pytest

from mlecourse.checks import registered_labels
from mlecourse.coursework.assign import course_chapters, solution_free_source, student_notebook
from mlecourse.coursework.chapter import (
    dangling_references,
    exercises,
    read_chapter,
    strip_solutions,
)
from mlecourse.coursework.grade import grade
from mlecourse.coursework.hidden import load_tests

ROOT = Path(__file__).parent.parent
INSTRUCTOR = ROOT / "tests" / "instructor"
HIDDEN = load_tests(INSTRUCTOR)
IN_TOC = course_chapters(ROOT)
CHAPTERS = sorted(set(IN_TOC) | set(HIDDEN))


def _bound_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    names.add(sub.id)
    return names


def _strings(meta) -> str:
    """All strings in cell metadata (figure captions and alt text), one per line."""
    if isinstance(meta, str):
        return meta
    if isinstance(meta, dict):
        return "\n".join(_strings(v) for v in meta.values())
    if isinstance(meta, list):
        return "\n".join(_strings(v) for v in meta)
    return ""


def test_every_hidden_test_file_names_an_existing_chapter():
    missing = [slug for slug in HIDDEN if not (ROOT / "book" / f"{slug}.md").is_file()]
    assert missing == []


@pytest.mark.parametrize("slug", CHAPTERS)
def test_every_exercise_has_a_self_check_a_solution_and_hidden_tests(slug):
    found = exercises(read_chapter(ROOT / "book" / f"{slug}.md"))
    assert found, f"{slug} has no exercises"
    assert slug in HIDDEN, f"no hidden tests: add tests/instructor/{slug}.py"
    tests = HIDDEN[slug]
    known = set(registered_labels())
    problems = []
    for ex in found:
        if ex.label not in known:
            problems.append(f"{ex.label}: no self-check registered in mlecourse/checks")
        if ex.label not in ex.checked_labels:
            problems.append(f"{ex.label}: no exercise cell calls mlecourse.check on it")
        if not any(ex.label in src for src in ex.solution_cells):
            problems.append(f"{ex.label}: no solution cell that calls its check")
        if ex.label not in tests.labels:
            problems.append(f"{ex.label}: no hidden test in tests/instructor/{slug}.py")
            continue
        bound = set().union(*(_bound_names(src) for src in ex.exercise_cells))
        for name in tests.variables(ex.label):
            if name not in bound:
                problems.append(f"{ex.label}: the hidden tests read {name!r}, which the "
                                "exercise cell does not bind")
    extra = set(tests.labels) - {ex.label for ex in found}
    problems += [f"{label}: hidden tests for an exercise the chapter lacks" for label in extra]
    assert problems == []


@pytest.mark.parametrize("slug", CHAPTERS)
def test_student_notebook_and_solution_free_source_hold_no_solution_text(slug):
    path = ROOT / "book" / f"{slug}.md"
    nb = read_chapter(path)
    stripped = strip_solutions(nb)
    kept = "\n".join([c.source for c in stripped.notebook.cells]
                     + [_strings(c.get("metadata", {})) for c in stripped.notebook.cells])
    lines = {line.strip() for src in stripped.removed_code for line in src.split("\n")}
    lines |= {line.strip() for line in stripped.removed_text}
    fragments = sorted(line for line in lines
                       if len(line) >= 20 and not line.startswith("#") and line not in kept)
    assert fragments, "no solution text found to look for"
    notebook = json.dumps(student_notebook(path))
    source, problems = solution_free_source(path)
    assert [f for f in fragments if json.dumps(f)[1:-1] in notebook] == []
    assert [f for f in fragments if f in source] == []
    assert problems == [] and dangling_references(nb, stripped) == []


def _names(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds and names it reads (magics and shell lines skipped)."""
    lines = [line for line in source.split("\n") if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, read


def solution_only_reads(nb) -> list[str]:
    """Names that a kept cell reads but only an earlier solution cell defines."""
    removed = set(strip_solutions(nb).removed_code)
    kept_defined: set[str] = set()
    solution_defined: set[str] = set()
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        bound, read = _names(cell.source)
        if cell.source in removed:
            solution_defined |= bound - kept_defined
            continue
        problems += sorted(n for n in read - bound - kept_defined if n in solution_defined)
        kept_defined |= bound
    return problems


def test_solution_only_reads_finds_a_later_cell_that_needs_a_solution():
    header = (ROOT / "tests" / "fixtures" / "course" / "book" / "fixture_coin.md").read_text()
    header = header[:header.index("---", 4) + 4]
    nb = jupytext.reads(header + """
```{code-cell} ipython3
import numpy as np
```

```{solution-start} ex-a
```

```{code-cell} ipython3
:tags: [solution]
from scipy import stats
p_hat = 0.5
```

```{solution-end}
```

```{code-cell} ipython3
print(p_hat, stats.norm.cdf(0), np.pi, len([1]))
```
""", fmt="md:myst")
    assert solution_only_reads(nb) == ["p_hat", "stats"]


@pytest.mark.parametrize("slug", CHAPTERS)
def test_student_notebook_reads_nothing_defined_only_in_a_solution(slug):
    assert solution_only_reads(read_chapter(ROOT / "book" / f"{slug}.md")) == []


#: chapters whose student notebooks are executed (all of them are checked statically above)
RUN_STUDENT = [slug for slug in ("likelihood", "em_algorithm") if slug in HIDDEN]


@pytest.fixture(scope="module")
def graded_chapters(tmp_path_factory):
    """One grading run: each chapter's own solutions, and some untouched student notebooks."""
    root = tmp_path_factory.mktemp("chapters")
    subs = root / "submissions"
    (subs / "solutions").mkdir(parents=True)
    (subs / "student").mkdir()
    for slug in HIDDEN:
        path = ROOT / "book" / f"{slug}.md"
        jupytext.write(jupytext.read(path), subs / "solutions" / f"{slug}.ipynb")
        if slug in RUN_STUDENT:
            jupytext.write(student_notebook(path), subs / "student" / f"{slug}.ipynb")
    out = root / "grades"
    grades = grade(subs, INSTRUCTOR, out, timeout=300, jobs=2, log=lambda line: None)
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    return {(g.student, g.chapter): g for g in grades}, rows


@pytest.mark.slow
@pytest.mark.parametrize("slug", sorted(HIDDEN))
def test_hidden_tests_give_the_chapters_own_solutions_full_marks(slug, graded_chapters):
    grades, rows = graded_chapters
    solutions = grades[("solutions", slug)]
    assert solutions.status == "completed"
    assert solutions.notes == []                                 # no cell raised
    wrong = [(e.label, e.feedback) for e in solutions.exercises if e.points != e.max_points]
    assert wrong == []
    assert solutions.points == solutions.max_points > 0
    assert len([r for r in rows if r["chapter"] == slug and r["student"] == "solutions"]) \
        == len(HIDDEN[slug].labels)


@pytest.mark.slow
@pytest.mark.parametrize("slug", RUN_STUDENT)
def test_student_notebook_runs_top_to_bottom_and_scores_nothing(slug, graded_chapters):
    grades, _ = graded_chapters
    student = grades[("student", slug)]
    assert student.status == "completed"
    assert student.notes == []                                   # no cell raised
    assert student.points == 0
    assert all("not answered yet" in e.feedback for e in student.exercises)
