"""Every chapter opens as a notebook (jupytext) and runs top to bottom in a fresh kernel.

This is what a student does on Binder or at home: open ``book/<chapter>.md``
as a notebook and run all cells. The book's build has already done exactly
that for every chapter (myst-nb executes each in a fresh kernel with nbclient
and caches the result, keyed on the code cells and the kernel), so when the
notebook jupytext makes of a chapter matches the build's cache, the cached
run is the evidence; only a chapter the cache does not hold is executed here.
That is why this runs with the built-site tests (``make site``, after
``make book``) rather than in ``make unit``, where it would double the
execution time of the whole book.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "site"))

from _chapters import (  # noqa: E402
    cached_execution,
    chapter_id,
    chapters,
    code_cells,
    errors,
    execute,
    read_notebook,
)

pytestmark = [pytest.mark.site, pytest.mark.slow]

CHAPTERS = chapters()


def test_the_toc_has_chapters_with_code():
    """Guard against a toc change that silently leaves nothing to run."""
    names = [chapter_id(p) for p in CHAPTERS]
    assert names, "no chapter with code cells in _toc.yml"
    assert all(name.startswith("book/") and name.endswith((".md", ".ipynb")) for name in names)
    for path in CHAPTERS:
        assert code_cells(read_notebook(path)), f"{path} was listed as having code cells"


@pytest.mark.parametrize("path", CHAPTERS, ids=[chapter_id(p) for p in CHAPTERS])
def test_chapter_runs_top_to_bottom(path):
    nb = read_notebook(path)
    kernel = nb.metadata.get("kernelspec", {})
    assert kernel.get("name") == "python3" and kernel.get("language") == "python", (
        f"{path}: jupytext header lacks the python3 kernelspec, so it opens as plain text"
    )
    ran = cached_execution(nb)
    if ran is None:
        ran, _ = execute(nb, cwd=path.parent)
    problems = errors(ran)
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)
    # every code cell ran, in order, exactly once
    counts = [cell.get("execution_count") for cell in code_cells(ran) if cell.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), f"{path}: execution counts {counts}"
