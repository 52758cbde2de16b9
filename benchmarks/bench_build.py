"""Build budgets: what the book costs to build, to run, to import and to download.

Run by ``make bench`` (``python benchmarks/bench_build.py``). Measures, and
prints as one table with a budget and a pass/fail column:

- the cold build of the whole book (``jupyter-book build`` into a new temporary
  folder: every chapter executed) and a second build with nothing changed (the
  execution cache and Sphinx's environment make it cheap);
- each chapter run alone, top to bottom in a fresh kernel, pinned to one core
  (``taskset -c 0``): wall time and the peak resident memory of the kernel's
  process tree;
- that this second execution of each chapter prints exactly the text the cold
  build printed (every code cell's text outputs; see tests/test_reproducible.py);
- ``import mlecourse`` against ``import numpy`` (fresh interpreters, best of 7),
  and that it does not import matplotlib or ipywidgets;
- each chapter page's weight: its HTML plus the image files it shows.

Exits 1 if a budget is missed. Options: ``--build-dir DIR`` reuses a build made
with ``--path-output DIR`` (skips the two builds; it must be built from the
current code, since the execution cache cannot see a change in ``mlecourse``),
``--chapters NAME ...`` limits the per-chapter rows (e.g. ``book/likelihood``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "site"))

from _chapters import (  # noqa: E402
    chapter_id,
    chapters,
    output_differences,
    read_notebook,
)

PY = sys.executable
BIN = Path(PY).parent

# Budgets, and why these numbers.
COLD_BUILD_S = 900  # CI has 90 min for lint, tests, this build and the browser tests
REBUILD_S = 90  # nothing changed: cache hits only, Sphinx re-reads little
CHAPTER_S = 20  # DESIGN: each chapter runs in seconds on one slow core
CHAPTER_MB = 500  # a free Binder pod has 1-2 GB; leave room for the server
IMPORT_RATIO = 3.0  # import mlecourse (which imports numpy) vs import numpy alone
PAGE_MB = 3.0  # HTML + images of one chapter page (jshtml animations embed frames)


class Row:
    def __init__(self, name, value, budget, ok, note=""):
        self.name, self.value, self.budget, self.ok, self.note = name, value, budget, ok, note


def run_build(out: Path) -> float:
    cmd = [str(BIN / "jupyter-book"), "build", str(REPO), "--path-output", str(out),
           "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"build failed: {' '.join(cmd)}")
    return seconds


def import_seconds(code: str, repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([PY, "-c", code], check=True, cwd=tempfile.gettempdir())
        best = min(best, time.perf_counter() - start)
    return best


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.srcs.append(src)


def page_weight(html_dir: Path, page: str) -> tuple[int, int]:
    """(bytes of HTML, bytes of the image files it references); data: images are in the HTML."""
    path = html_dir / page
    parser = _Images()
    parser.feed(path.read_text(encoding="utf-8"))
    images = 0
    for src in set(parser.srcs):
        if urlsplit(src).scheme:
            continue
        target = html_dir / unquote(urlsplit(urljoin("http://x/" + page, src)).path).lstrip("/")
        if target.is_file():
            images += target.stat().st_size
    return path.stat().st_size, images


def run_chapter_alone(path: Path, work: Path) -> tuple[dict, Path]:
    name = chapter_id(path).replace("/", "__")
    out_nb, out_json = work / f"{name}.ipynb", work / f"{name}.json"
    cmd = [PY, str(REPO / "benchmarks" / "_run_chapter.py"), str(path), str(out_nb), str(out_json)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    subprocess.run(cmd, cwd=path.parent)
    if not out_json.is_file():
        return {"error": "the runner crashed", "seconds": float("nan"), "peak_rss": 0}, out_nb
    return json.loads(out_json.read_text()), out_nb


def cached_in(build: Path, nb):
    from jupyter_cache import get_cache

    cache = build / "_build" / ".jupyter_cache"
    try:
        return get_cache(cache).merge_match_into_notebook(nb)[1]
    except KeyError:
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, help="reuse this --path-output build")
    parser.add_argument("--chapters", nargs="*", help="only these chapters (book/name)")
    args = parser.parse_args(argv)

    rows: list[Row] = []
    temp = Path(tempfile.mkdtemp(prefix="mlecourse-bench-"))
    try:
        build = args.build_dir
        if build is None:
            build = temp / "build"
            cold = run_build(build)
            rows.append(Row("cold build (all chapters executed)", f"{cold:.0f} s",
                            f"< {COLD_BUILD_S} s", cold < COLD_BUILD_S))
            warm = run_build(build)
            rows.append(Row("rebuild, nothing changed (cache)", f"{warm:.1f} s",
                            f"< {REBUILD_S} s", warm < REBUILD_S))
        html = build / "_build" / "html"

        base = import_seconds("pass")
        numpy_s = import_seconds("import numpy") - base
        ours_s = import_seconds("import mlecourse") - base
        ratio = ours_s / numpy_s
        rows.append(Row("import mlecourse / import numpy",
                        f"{ours_s:.2f} s / {numpy_s:.2f} s = {ratio:.1f}x",
                        f"< {IMPORT_RATIO:.0f}x", ratio < IMPORT_RATIO))
        heavy = subprocess.run(
            [PY, "-c", "import sys, mlecourse; print(' '.join(m for m in "
             "('matplotlib', 'ipywidgets', 'pandas') if m in sys.modules))"],
            capture_output=True, text=True, check=True, cwd=tempfile.gettempdir(),
        ).stdout.strip()
        rows.append(Row("import mlecourse loads matplotlib/ipywidgets", heavy or "neither",
                        "neither", not ({"matplotlib", "ipywidgets"} & set(heavy.split()))))

        selected = chapters()
        if args.chapters:
            wanted = {c.removesuffix(".md") for c in args.chapters}
            selected = [p for p in selected if chapter_id(p).rsplit(".", 1)[0] in wanted]
        work = temp / "runs"
        work.mkdir()
        for path in selected:
            cid = chapter_id(path)
            stats, out_nb = run_chapter_alone(path, work)
            if stats.get("error"):
                rows.append(Row(f"{cid}: runs alone", stats["error"][:60], "no error", False))
                continue
            mb = stats["peak_rss"] / 2**20
            rows.append(Row(f"{cid}: time, 1 core", f"{stats['seconds']:.1f} s",
                            f"< {CHAPTER_S} s", stats["seconds"] < CHAPTER_S))
            rows.append(Row(f"{cid}: peak memory", f"{mb:.0f} MB",
                            f"< {CHAPTER_MB} MB", mb < CHAPTER_MB))
            import nbformat

            again = nbformat.read(out_nb, as_version=4)
            built = cached_in(build, read_notebook(path))
            if built is None:
                rows.append(Row(f"{cid}: same text as the build", "not in the build's cache",
                                "identical", False))
            else:
                diffs = output_differences(built, again)
                rows.append(Row(f"{cid}: same text as the build",
                                "identical" if not diffs else f"{len(diffs)} cells differ",
                                "identical", not diffs, "; ".join(diffs)[:300]))
            page = cid.rsplit(".", 1)[0] + ".html"
            if (html / page).is_file():
                h, i = page_weight(html, page)
                total = (h + i) / 2**20
                rows.append(Row(f"{cid}: page weight", f"{total:.2f} MB "
                                f"(HTML {h / 2**20:.2f}, images {i / 2**20:.2f})",
                                f"< {PAGE_MB} MB", total < PAGE_MB))
    finally:
        shutil.rmtree(temp, ignore_errors=True)

    width = max(len(r.name) for r in rows)
    vwidth = max(len(r.value) for r in rows)
    print(f"{'measure':<{width}}  {'value':<{vwidth}}  {'budget':<10}  result")
    print("-" * (width + vwidth + 26))
    for r in rows:
        print(f"{r.name:<{width}}  {r.value:<{vwidth}}  {r.budget:<10}  "
              f"{'pass' if r.ok else 'FAIL'}")
        if r.note and not r.ok:
            print(f"    {r.note}")
    failed = [r for r in rows if not r.ok]
    print(f"{len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
