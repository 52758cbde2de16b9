"""Two executions of a chapter print the same text, cell by cell.

Chapters are seeded (``rng=np.random.default_rng(seed)``), so every number a
reader sees must come out the same on every build. This test takes one chapter
that draws random numbers, and compares every code cell's text outputs
(streams, text results, errors) between the book's build (its execution cache)
and a fresh run in a new kernel; without a build it runs the chapter twice.
``benchmarks/bench_build.py`` does the same for every chapter.

Object reprs' memory addresses (``at 0x7f...``) and the random ids of widget
models, animation players and pandas Styler tables are the only text allowed
to differ.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "site"))

from _chapters import (  # noqa: E402
    cached_execution,
    chapter_id,
    chapters,
    execute,
    output_differences,
    read_notebook,
    text_outputs,
)

pytestmark = [pytest.mark.site, pytest.mark.slow]


def _seeded_chapter() -> Path | None:
    """The first chapter (in book order) that draws random numbers with a seeded Generator."""
    for path in chapters():
        if "default_rng(" in path.read_text(encoding="utf-8"):
            return path
    return None


def test_two_executions_print_the_same_text():
    path = _seeded_chapter()
    assert path is not None, "no chapter in _toc.yml draws random numbers with default_rng"
    nb = read_notebook(path)
    first = cached_execution(copy.deepcopy(nb))
    if first is None:
        first, _ = execute(copy.deepcopy(nb), cwd=path.parent)
    second, _ = execute(copy.deepcopy(nb), cwd=path.parent)
    assert any(text_outputs(first)), f"{chapter_id(path)} prints nothing to compare"
    diffs = output_differences(first, second)
    assert not diffs, f"{chapter_id(path)} prints different text on two runs:\n  " + "\n  ".join(
        diffs
    )
