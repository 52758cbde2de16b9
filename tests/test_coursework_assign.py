"""Student notebooks and the solution-free site, built from the fixture chapter.

The student notebook must run top to bottom in a fresh kernel (each stub
prints "not answered yet"); the solution-free copy of the book must build with
jupyter-book and contain no solution text.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from mlecourse.coursework.assign import assign, write_site
from mlecourse.coursework.chapter import read_chapter, strip_solutions

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = FIXTURES / "course"
ROOT = Path(__file__).parent.parent


def solution_fragments(path) -> list[str]:
    """Lines of a chapter's solutions (code and prose) that appear nowhere else in it."""
    nb = read_chapter(path)
    stripped = strip_solutions(nb)
    kept = "\n".join(c.source for c in stripped.notebook.cells)
    lines = [line.strip() for src in stripped.removed_code for line in src.split("\n")]
    lines += [line.strip() for line in stripped.removed_text]
    return sorted({line for line in lines
                   if len(line) >= 8 and not line.startswith("#") and line not in kept})


@pytest.mark.slow
def test_student_notebook_runs_top_to_bottom_in_a_fresh_kernel(tmp_path):
    from nbclient import NotebookClient

    path = assign(tmp_path, root=COURSE)[0]
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    for label in ("phat", "var", "curve", "choice", "normal"):
        assert f"… ex-fixture_coin-{label}: not answered yet" in text
    assert "correct" not in text
    assert text.rstrip().endswith("heads in 25 tosses")


def test_student_notebook_contains_no_solution_text(tmp_path):
    path = assign(tmp_path, root=COURSE)[0]
    text = path.read_text()
    fragments = solution_fragments(COURSE / "book" / "fixture_coin.md")
    assert "p_hat = tosses.sum() / tosses.size" in fragments       # the check can fail
    assert "mean squared deviation, dividing by $n$ and never by the unbiased $n - 1$." in fragments
    leaked = [f for f in fragments if json.dumps(f)[1:-1] in text]
    assert leaked == []


@pytest.mark.slow
def test_solution_free_site_builds_and_has_no_solution_text(tmp_path):
    out = tmp_path / "site"
    assert write_site(out, root=COURSE) == []
    source = (out / "book" / "fixture_coin.md").read_text()
    assert source.startswith("---\njupytext:")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(out), "-W", "-n",
         "--keep-going"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (out / "_build" / "html" / "book" / "fixture_coin.html").read_text()
    assert "ex-fixture_coin-normal" in html and "not answered yet" in html
    fragments = solution_fragments(COURSE / "book" / "fixture_coin.md")
    import html as html_lib

    page = html_lib.unescape(html)
    assert [f for f in fragments if f in source] == []
    # code is split into highlighted tokens in HTML: look for distinctive identifiers too
    assert [f for f in fragments if f in page] == []
    for token in ("fixture_coin-sol-phat", "unbiased", "Option (b)", "closed form for the normal",
                  "solution-start", "mlecourse.fit(\"normal\"", "dict(mlecourse"):
        assert token not in page, token


@pytest.mark.slow
def test_the_wheel_ships_neither_hidden_tests_nor_fixtures(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("mlecourse-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "mlecourse/coursework/grade.py" in names and "mlecourse/__main__.py" in names
    assert not [n for n in names if n.startswith("tests/") or "instructor" in n
                or "fixture" in n]
