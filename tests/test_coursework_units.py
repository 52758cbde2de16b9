"""Fast tests of the coursework tools: chapter parsing, answer capture, hidden-test helpers,
reports and the command line. Nothing here starts a kernel."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import jupytext
import nbformat
import numpy as np
import pytest

from mlecourse.__main__ import main
from mlecourse.coursework import answers, hidden
from mlecourse.coursework.assign import course_chapters, student_notebook, toc_files
from mlecourse.coursework.chapter import (
    ChapterFormatError,
    dangling_references,
    exercises,
    read_chapter,
    strip_solutions,
    student_markdown,
)
from mlecourse.coursework.grade import (
    ExerciseGrade,
    SubmissionGrade,
    collect_submissions,
    grade_exercise,
    grading_notebook,
    read_roster,
    write_reports,
)

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = FIXTURES / "course"
CHAPTER = COURSE / "book" / "fixture_coin.md"

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def _nb(body: str):
    return jupytext.reads(HEADER + body, fmt="md:myst")


def _all_text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


# --- chapters -----------------------------------------------------------------------------

def test_fixture_exercises_are_found_with_their_cells():
    found = exercises(read_chapter(CHAPTER))
    assert [e.label for e in found] == ["ex-fixture_coin-phat", "ex-fixture_coin-var",
                                        "ex-fixture_coin-curve", "ex-fixture_coin-choice",
                                        "ex-fixture_coin-normal"]
    for e in found:
        assert e.checked_labels == [e.label]
        assert len(e.exercise_cells) == 1 and "..." in e.exercise_cells[0]
        assert len(e.solution_cells) == 1 and "..." not in e.solution_cells[0]


def test_strip_removes_solution_cells_and_prose_and_keeps_the_rest():
    nb = read_chapter(CHAPTER)
    stripped = strip_solutions(nb)
    text = _all_text(stripped.notebook)
    assert "solution-start" not in text and "solution-end" not in text
    assert "tosses.sum() / tosses.size" not in text           # a solution cell
    assert "never by the unbiased" not in text                  # solution prose
    assert text.count("exercise-start") == 5 and text.count("exercise-end") == 5
    assert text.count("p_hat = ...") == 1
    assert len(stripped.removed_code) == 5
    assert all("solution" in c.metadata.get("tags", []) for c in nb.cells
               if c.cell_type == "code" and c.source in stripped.removed_code)
    assert len(nb.cells) == 24                                  # the input is unchanged
    assert dangling_references(nb, stripped) == []


def test_strip_handles_the_non_gated_form_longer_fences_and_untagged_cells():
    nb = _nb("""
Intro.

````{exercise}
:label: ex-a
What is 1 + 1? A fenced example inside:
```python
x = 1
```
````

:::{solution} ex-a
:class: dropdown
Two, SECRET-ONE.
:::

````{solution-start} ex-a
:class: dropdown
````

SECRET-TWO prose.

```{code-cell} ipython3
untagged_secret = 3
```

````{solution-end}
````

```{code-cell} ipython3
:tags: [solution]
stray_secret = 4
```

After.
""")
    stripped = strip_solutions(nb)
    text = _all_text(stripped.notebook)
    for secret in ("SECRET-ONE", "SECRET-TWO", "untagged_secret", "stray_secret", "{solution"):
        assert secret not in text
    assert "What is 1 + 1?" in text and "x = 1" in text and "After." in text
    assert "Intro." in text


@pytest.mark.parametrize("body, message", [
    ("```{solution-start} ex-a\n```\n\ntext\n", "without its solution-end"),
    ("```{solution-end}\n```\n", "without a solution-start"),
    ("```{solution-start} ex-a\n```\n```{solution-start} ex-a\n```\n",
     "inside another solution"),
])
def test_unbalanced_solutions_are_reported(body, message):
    with pytest.raises(ChapterFormatError, match=message):
        strip_solutions(_nb(body))


def test_a_file_without_the_myst_header_is_refused(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("# Title\n\n```{code-cell} ipython3\nx = 1\n```\n")
    with pytest.raises(ChapterFormatError, match="not a MyST notebook"):
        read_chapter(path)


def test_dangling_references_into_removed_solutions_are_found():
    nb = _nb("""
The answer is {glue:text}`sol-value:.2f`, see {numref}`fig-sol` and {eq}`eq-sol`.

```{solution-start} ex-a
:class: dropdown
```

$$ x = 1 $$ (eq-sol)

```{code-cell} ipython3
---
mystnb:
  figure:
    name: fig-sol
tags: [solution]
---
glue("sol-value", 1.0)
```

```{solution-end}
```
""")
    problems = dangling_references(nb, strip_solutions(nb))
    assert len(problems) == 3
    assert any("'sol-value'" in p for p in problems)
    assert any("'fig-sol'" in p for p in problems)
    assert any("'eq-sol'" in p for p in problems)


def test_student_markdown_turns_exercise_directives_into_plain_markdown():
    text = student_markdown("```{exercise-start}\n:label: ex-a\n```\n\nDo it.\n\n"
                            "```{exercise-end}\n```")
    assert text == "**Exercise** (`ex-a`)\n\nDo it."


def test_student_notebook_of_the_fixture():
    nb = student_notebook(CHAPTER)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["mlecourse"]["chapter"] == "fixture_coin"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert sum("exercise" in c.metadata.get("tags", []) for c in code) == 5
    assert not any("solution" in c.metadata.get("tags", []) for c in code)
    text = _all_text(nb)
    assert "{exercise-start}" not in text
    headings = [c for c in nb.cells if c.metadata.get("mlecourse", {}).get("role") == "exercise"]
    assert [(c.source, c.metadata["mlecourse"]["label"]) for c in headings][:2] == [
        ("## Exercise 1", "ex-fixture_coin-phat"), ("## Exercise 2", "ex-fixture_coin-var")]


def test_toc_and_course_chapters_of_the_fixture():
    assert toc_files(COURSE) == ["book/fixture_coin"]
    assert course_chapters(COURSE) == ["fixture_coin"]


# --- answers --------------------------------------------------------------------------------

class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def _capture(namespace, names, tmp_path):
    path = tmp_path / "answers.json"
    exec(answers.capture_source(names, path), namespace)
    return path


def test_capture_and_decode_round_trip_plain_values(tmp_path):
    ns = {"a": 0.25, "b": 3, "c": "b", "d": (1.5, 2), "e": {"mu": 1.0, "sigma": np.float64(2)},
          "f": np.arange(6.0).reshape(2, 3), "g": np.array([1, 2], dtype=np.int32),
          "h": [True, None], "i": np.float32(0.5), "j": ..., "k": {"mu": ...}}
    names = list(ns) + ["missing"]
    path = _capture(ns, names, tmp_path)
    assert set(ns) == {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "__builtins__"}
    values = answers.decode_file(path, names)
    assert values["a"] == 0.25 and type(values["a"]) is float
    assert values["b"] == 3 and type(values["b"]) is int
    assert values["c"] == "b"
    assert values["d"] == (1.5, 2) and type(values["d"]) is tuple
    assert values["e"] == {"mu": 1.0, "sigma": 2.0} and type(values["e"]["sigma"]) is float
    assert type(values["f"]) is np.ndarray and values["f"].dtype == np.float64
    np.testing.assert_array_equal(values["f"], np.arange(6.0).reshape(2, 3))
    assert values["g"].dtype == np.int64 and values["g"].tolist() == [1, 2]
    assert values["h"] == [True, None]
    assert values["i"] == 0.5
    assert values["j"] == answers.Unanswered("j") and values["k"] == answers.Unanswered("k")
    assert values["missing"] == answers.Missing("missing")


def test_capture_refuses_objects_of_other_types(tmp_path):
    class Anything:
        def __eq__(self, other):
            return True

        def __float__(self):
            return 0.5

    ns = {"x": AlwaysEqual(0.0), "y": Anything(), "z": np.zeros(2).view(np.matrix),
          "w": [1.0, AlwaysEqual(1.0)], "v": np.array([1 + 2j])}
    names = list(ns)
    values = answers.decode_file(_capture(ns, names, tmp_path), names)
    for name in names:
        assert isinstance(values[name], answers.Unreadable), name
    assert "AlwaysEqual" in values["x"].reason and "AlwaysEqual" in values["w"].reason
    assert "Anything" in values["y"].reason and "matrix" in values["z"].reason


def test_capture_survives_patched_builtins_and_shadowing_globals(tmp_path):
    import builtins

    real_float = builtins.float
    ns = {"json": None, "open": None, "p_hat": 0.36}
    try:
        builtins.float = lambda *a: 0.0
        path = _capture(ns, ["p_hat"], tmp_path)
    finally:
        builtins.float = real_float
    assert answers.decode_file(path, ["p_hat"]) == {"p_hat": 0.36}


@pytest.mark.parametrize("doc", [
    {"values": {"p": {"t": "float", "v": 0.5, "points": 2}}},      # an extra key
    {"values": {"p": {"t": "float", "v": "0.5"}}},                  # a string as a float
    {"values": {"p": {"t": "int", "v": 1.5}}},
    {"values": {"p": {"t": "bool", "v": 1}}},
    {"values": {"p": {"t": "pickle", "v": "gASVAAAAAAAAAACMCGJ1aWx0aW5zlC4="}}},
    {"values": {"p": {"t": "array", "dtype": "O", "shape": [1], "data": [1]}}},
    {"values": {"p": {"t": "array", "dtype": "f", "shape": [2], "data": [1.0]}}},
    {"values": {"p": {"t": "array", "dtype": "f", "shape": [1], "data": ["1"]}}},
    {"values": {"p": {"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]}}},
    {"values": {"p": 0.5}},
])
def test_decoder_accepts_only_well_formed_tagged_data(doc):
    value = answers.decode_text(json.dumps(doc), ["p"])["p"]
    assert isinstance(value, answers.Unreadable)


def test_decoder_refuses_malformed_documents_deep_nesting_and_huge_files(tmp_path):
    assert isinstance(answers.decode_text("not json", ["p"])["p"], answers.Unreadable)
    assert isinstance(answers.decode_text('{"values": {}, "points": 7}', ["p"])["p"],
                      answers.Unreadable)
    deep = {"t": "none"}
    for _ in range(50):
        deep = {"t": "list", "items": [deep]}
    assert isinstance(answers.decode_text(json.dumps({"values": {"p": deep}}), ["p"])["p"],
                      answers.Unreadable)
    big = tmp_path / "big.json"
    big.write_text(" " * (answers.MAX_FILE_BYTES + 1))
    assert isinstance(answers.decode_file(big, ["p"])["p"], answers.Unreadable)
    link = tmp_path / "link.json"
    link.symlink_to("/etc/hostname")
    assert isinstance(answers.decode_file(link, ["p"])["p"], answers.Unreadable)
    assert answers.decode_file(tmp_path / "none.json", ["p"]) == {"p": answers.Missing("p")}


def test_capture_source_refuses_names_that_are_not_identifiers():
    with pytest.raises(ValueError, match="not a Python variable name"):
        answers.capture_source(["x; import os"], "/tmp/x.json")


# --- hidden-test helpers --------------------------------------------------------------------

def test_expect_close_accepts_numbers_only():
    hidden.expect_close(0.35, 7 / 20, rtol=1e-9)
    hidden.expect_close(np.array([0.35]), 0.35)
    for wrong, message in [(0.36, "is not right"), ("0.35", "should be a number"),
                           (True, "should be a number"), (math.nan, "finite"),
                           ([0.35], "should be a number")]:
        with pytest.raises(hidden.Failure, match=message):
            hidden.expect_close(wrong, 0.35)


def test_expect_array_close_checks_shape_values_and_order():
    hidden.expect_array_close([1.0, 2.0], np.array([1.0, 2.0]))
    hidden.expect_array_close(np.array([2.0, 1.0]), [1.0, 2.0], sort=True)
    with pytest.raises(hidden.Failure, match="shape"):
        hidden.expect_array_close([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(hidden.Failure, match="1 of 2 values"):
        hidden.expect_array_close(np.array([2.0, 1.0]), [1.0, 1.0])
    with pytest.raises(hidden.Failure, match="array of numbers"):
        hidden.expect_array_close(["a", "b"], [1.0, 2.0])


def test_expect_choice_equal_and_keys():
    hidden.expect_choice(" B ", "b", ["a", "b"])
    with pytest.raises(hidden.Failure, match="not the right option"):
        hidden.expect_choice("a", "b", ["a", "b"])
    with pytest.raises(hidden.Failure, match="one of"):
        hidden.expect_choice("z", "b", ["a", "b"])
    hidden.expect_equal(3, 3)
    hidden.expect_equal(3.0, 3)
    with pytest.raises(hidden.Failure):
        hidden.expect_equal(True, 1)
    with pytest.raises(hidden.Failure, match="lacks"):
        hidden.expect_keys({"mu": 1.0}, ["mu", "sigma"])


def test_hidden_test_declaration_is_validated():
    with pytest.raises(ValueError, match="positive"):
        hidden.hidden_test("ex-a", points=0, variables=["x"])
    with pytest.raises(TypeError, match="single string"):
        hidden.hidden_test("ex-a", variables="x")
    with pytest.raises(ValueError, match="Python names"):
        hidden.hidden_test("ex-a", variables=["not a name"])


def test_loading_hidden_tests(tmp_path):
    tests = hidden.load_tests(FIXTURES / "instructor")
    assert list(tests) == ["fixture_coin"]
    t = tests["fixture_coin"]
    assert t.labels[0] == "ex-fixture_coin-phat" and t.max_points("ex-fixture_coin-normal") == 2
    assert t.variables("ex-fixture_coin-normal") == ["normal_params"]
    (tmp_path / "bad.py").write_text("X = 1\n")
    with pytest.raises(ValueError, match="define CHAPTER"):
        hidden.load_tests(tmp_path)
    (tmp_path / "bad.py").write_text("CHAPTER = 'bad'\n")
    with pytest.raises(ValueError, match="no @hidden_test"):
        hidden.load_tests(tmp_path)


def test_grade_exercise_gives_partial_credit_and_explains():
    t = hidden.load_tests(FIXTURES / "instructor")["fixture_coin"]
    rng = np.random.default_rng(20240601)
    rng.binomial(1, 0.4, size=25)
    w = rng.normal(70.0, 8.0, size=12)
    g = grade_exercise(t, "ex-fixture_coin-normal",
                       {"normal_params": {"mu": w.mean(), "sigma": w.std(ddof=1)}})
    assert (g.points, g.max_points) == (1.0, 2.0)
    assert "normal_params['sigma']" in g.feedback and "is not right" in g.feedback
    g = grade_exercise(t, "ex-fixture_coin-normal", {"normal_params": {"mu": w.mean()}})
    assert g.points == 0 and "lacks the key(s) ['sigma']" in g.feedback
    g = grade_exercise(t, "ex-fixture_coin-phat", {"p_hat": answers.Unanswered("p_hat")})
    assert g.points == 0 and g.feedback == "`p_hat` is not answered yet (it still holds ...)"


# --- grading plumbing -----------------------------------------------------------------------

def test_grading_notebook_captures_after_the_cell_that_names_the_exercise(tmp_path):
    t = hidden.load_tests(FIXTURES / "instructor")["fixture_coin"]
    nb = student_notebook(CHAPTER)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("ex-fixture_coin-var in text"))
    run_nb, captures, final = grading_notebook(nb, t, tmp_path)
    assert all(c.cell_type == "code" for c in run_nb.cells)
    sources = [c.source for c in run_nb.cells]
    for label, (path, found) in captures.items():
        assert found
        at = next(i for i, s in enumerate(sources) if str(path) in s)
        assert f'"{label}"' in sources[at - 1]
    assert str(final) in sources[-1]


def test_collect_submissions_lists_notebooks_and_skips_bad_names(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "fixture_coin.ipynb").write_text("{}")
    (tmp_path / "alice" / "notes.txt").write_text("")
    (tmp_path / "bad name").mkdir()
    (tmp_path / "-rf").mkdir()
    (tmp_path / "stray.ipynb").write_text("{}")
    subs, warnings = collect_submissions(tmp_path, {"fixture_coin"})
    assert [(s.student, s.chapter, s.data) for s in subs] == [("alice", "fixture_coin", b"{}")]
    assert len(warnings) == 4


def test_reports_neutralise_formulas_escape_markdown_and_keep_earlier_feedback(tmp_path):
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "carol.md").write_text("graded last week")
    grades = [SubmissionGrade("eve", "fixture_coin", "completed", 1.0, [
        ExerciseGrade("ex-a", 0.0, 1.0, "=HYPERLINK(\"http://x\")\nsecond line")],
        notes=["code cell 1 raised ValueError: <b>**7/7**</b>"])]
    paths = write_reports(grades, tmp_path)
    rows = list(csv.reader(paths["gradebook"].open()))
    assert rows == [["student", "chapter", "exercise", "points", "max_points", "feedback"],
                    ["eve", "fixture_coin", "ex-a", "0", "1",
                     "'=HYPERLINK(\"http://x\") second line"]]
    assert sorted(p.name for p in paths["feedback"].iterdir()) == ["carol.md", "eve.md"]
    assert (paths["feedback"] / "carol.md").read_text() == "graded last week"
    eve = (paths["feedback"] / "eve.md").read_text()
    assert r"raised ValueError: \<b\>\*\*7/7\*\*\</b\>" in eve and "<b>" not in eve
    assert list(csv.reader(paths["summary"].open()))[1] == ["eve", "fixture_coin", "0", "1",
                                                            "completed", "1.0", "bwrap"]


def test_reports_give_every_rostered_student_a_row_and_canvas_totals(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,id,section,email\neve,Eve Example,17,B,e@x\nzoe,Zoe,18,B,\n")
    grades = [SubmissionGrade("eve", "fixture_coin", "completed", 1.0, [
        ExerciseGrade("ex-a", 1.0, 1.0, ""), ExerciseGrade("ex-b", 0.5, 2.0, "")])]
    paths = write_reports(grades, tmp_path / "out", roster=read_roster(roster),
                          chapters={"fixture_coin": [("ex-a", 1.0), ("ex-b", 2.0)],
                                    "other": [("ex-c", 4.0)]})
    totals = list(csv.reader(paths["totals"].open()))
    assert totals == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "fixture_coin", "other",
         "Final Points"],
        ["Eve Example", "17", "", "eve", "B", "1.5", "0", "1.5"],
        ["Zoe", "18", "", "zoe", "B", "0", "0", "0"]]
    summary = list(csv.reader(paths["summary"].open()))[1:]
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in summary] == [
        ("eve", "fixture_coin", "1.5", "3", "completed"),
        ("eve", "other", "0", "4", "no submission"),
        ("zoe", "fixture_coin", "0", "3", "no submission"),
        ("zoe", "other", "0", "4", "no submission")]
    book = list(csv.reader(paths["gradebook"].open()))[1:]
    assert ["zoe", "fixture_coin", "ex-b", "0", "2", "no submission"] in book


@pytest.mark.parametrize("text, message", [
    ("login\nalice\n", "needs a 'student' column"),
    ("student\nalice\nbob\nalice\n", "line 4: 'alice' is listed twice (first on line 2)"),
    ("student\nalice\nbad name\n", "line 3: 'bad name' is not a valid student name"),
    ("student\n", "lists no students"),
])
def test_a_malformed_roster_is_refused_naming_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        read_roster(path)
    assert str(path) in str(info.value)


def test_the_sandbox_shows_the_environment_read_only_and_nothing_of_the_grader(tmp_path):
    from mlecourse.coursework.runner import Limits, sandbox_command

    cmd = sandbox_command(["python", "-c", "pass"], Limits(file_mb=8))
    assert cmd[0] == "bwrap" and cmd[-3:] == ["python", "-c", "pass"]
    for flag in ("--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
                 "--clearenv", "--disable-userns"):
        assert flag in cmd
    binds = [cmd[i + 1] for i, a in enumerate(cmd) if a in ("--bind", "--ro-bind")]
    assert "--bind" not in cmd                                   # nothing writable
    assert not [b for b in binds if str(FIXTURES.parent) in b and "mlecourse" not in b]
    assert cmd[cmd.index("--tmpfs") - 1] == str(16 * 1024 * 1024)
    staged = sandbox_command(["true"], Limits(), tmp_path / "stage")
    assert staged[:2] == ["unshare", "--mount"] and "--reuid=65534" in staged


def test_instructor_init_writes_a_private_folder_to_adapt(tmp_path, capsys):
    root = Path(__file__).parent.parent
    target = tmp_path / "private"
    assert main(["instructor-init", str(target), "--root", str(root)]) == 0
    names = sorted(p.name for p in (target / "tests").iterdir())
    assert names == sorted(p.name for p in (root / "tests" / "instructor").glob("*.py"))
    readme = (target / "README.md").read_text()
    assert "private" in readme and "public" in readme and "variant" in readme
    assert main(["instructor-init", str(target), "--root", str(root)]) == 2
    assert "already exists" in capsys.readouterr().err


# --- command line ---------------------------------------------------------------------------

def test_cli_assign_writes_student_notebooks(tmp_path, capsys):
    assert main(["assign", "--root", str(COURSE), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "fixture_coin.ipynb").is_file()
    assert capsys.readouterr().out.strip() == str(tmp_path / "fixture_coin.ipynb")


def test_cli_errors(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["assign", "--root", str(COURSE)])
    assert "needs --out DIR, --site DIR or both" in capsys.readouterr().err
    assert main(["assign", "--root", str(COURSE), "--out", str(tmp_path),
                 "--chapters", "nope"]) == 2
    assert "no such chapter" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "none"), "--tests", str(FIXTURES / "instructor"),
                 "--out", str(tmp_path / "g")]) == 2
    assert "the submissions folder does not exist" in capsys.readouterr().err
    assert main(["grade", str(tmp_path), "--tests", str(FIXTURES / "instructor"),
                 "--out", str(tmp_path / "g"), "--jobs", "0"]) == 2
    assert "jobs must be a positive integer" in capsys.readouterr().err
    with pytest.raises(ValueError, match="outside the book"):
        from mlecourse.coursework.assign import write_site
        write_site(COURSE / "book" / "x", root=COURSE)


def test_import_mlecourse_does_not_import_the_coursework_tools():
    import subprocess
    import sys

    code = ("import sys, mlecourse; bad = [m for m in ('mlecourse.coursework', 'nbclient', "
            "'jupytext', 'nbformat') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
