"""The chapters as students get them: jupytext notebooks run top to bottom in a fresh kernel.

Shared by ``tests/test_chapters_run.py``, ``tests/test_reproducible.py`` and
``benchmarks/bench_build.py``. A chapter is a file listed in ``_toc.yml`` that
has code cells. The book's build executes every chapter once and keeps the
result in its execution cache (``_build/.jupyter_cache``, keyed on the code
cells and the kernel); :func:`cached_execution` finds that run for the
notebook jupytext makes of a chapter, so the tests need not run it again.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from _sitefacts import book_root, has_code_cells, site_dir, source_of, toc_files

# Text outputs: what a reader reads. Figures are compared by the browser tests.
TEXT_MIMES = ("text/plain", "text/markdown", "text/latex", "text/html")

# Object reprs carry memory addresses, which change from run to run by design.
_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
# Widget model ids are random UUIDs: they are saved state, not what a reader reads.
_WIDGET_ID = re.compile(r'"model_id":\s*"[0-9a-f]{32}"')
# matplotlib's jshtml player names its elements with a random id.
_ANIM_ID = re.compile(r"(_anim_\w*?|anim)[0-9a-f]{32}")
# pandas' Styler names its table and cells with a random 5-digit hex id.
_STYLER_ID = re.compile(r"\bT_[0-9a-f]{5}(?![0-9a-zA-Z])")


def chapters() -> list[Path]:
    """Source files of the chapters in ``_toc.yml`` that have code cells, in book order."""
    found = []
    for name in toc_files():
        source = source_of(name + ".html")
        if source is not None and source.suffix in (".md", ".ipynb") and has_code_cells(source):
            found.append(source)
    return found


def chapter_id(path: Path) -> str:
    return path.relative_to(book_root()).as_posix()


def read_notebook(path: Path):
    """The chapter as a notebook, the way jupytext opens it for a student."""
    import jupytext

    return jupytext.read(path)


def execute(nb, cwd: Path, timeout: int = 600):
    """Run every cell top to bottom in a fresh ``python3`` kernel; return (nb, seconds)."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        allow_errors=False,
    )
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


def cache_dir() -> Path:
    return site_dir().parent / ".jupyter_cache"


def cached_execution(nb):
    """The build's execution of this exact notebook (code cells and kernel), or None."""
    path = cache_dir()
    if not path.is_dir():
        return None
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(path).merge_match_into_notebook(nb)
    except KeyError:
        return None
    return merged


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def errors(nb) -> list[str]:
    found = []
    for i, cell in enumerate(code_cells(nb)):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"code cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def normalise(text: str) -> str:
    text = _ADDRESS.sub("at 0x…", text)
    text = _WIDGET_ID.sub('"model_id": "…"', text)
    text = _STYLER_ID.sub("T_…", text)
    return _ANIM_ID.sub(r"\1…", text)


def text_outputs(nb) -> list[list[str]]:
    """Per code cell, its text outputs (streams, text results, errors), in order.

    Everything a cell writes to one stream is one text, placed where the stream
    first appears: how the kernel cuts a stream into messages, and how stdout
    and stderr interleave, depend on timing (the build merges them the same
    way, ``nb_merge_streams``).
    """
    per_cell = []
    for cell in code_cells(nb):
        texts: list[str] = []
        streams: dict[str, int] = {}
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                name = out.get("name")
                text = "".join(out.get("text", ""))
                if name in streams:
                    texts[streams[name]] += text
                else:
                    streams[name] = len(texts)
                    texts.append(f"{name}: {text}")
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                for mime in TEXT_MIMES:
                    if mime in data:
                        value = data[mime]
                        value = "".join(value) if isinstance(value, list) else value
                        texts.append(f"{mime}: {value}")
            elif kind == "error":
                texts.append(f"error: {out.get('ename')}: {out.get('evalue')}")
        per_cell.append([normalise(t) for t in texts])
    return per_cell


def output_differences(first, second) -> list[str]:
    """Cells whose text outputs differ between two executions of the same notebook."""
    a, b = text_outputs(first), text_outputs(second)
    if len(a) != len(b):
        return [f"{len(a)} code cells against {len(b)}"]
    diffs = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            source = code_cells(first)[i].source.strip().splitlines()
            head = source[0][:60] if source else ""
            for left, right in zip(x + ["<none>"] * len(y), y + ["<none>"] * len(x)):
                if left != right:
                    diffs.append(f"code cell {i} ({head!r}): {left[:200]!r} != {right[:200]!r}")
                    break
    return diffs
