"""Run one chapter top to bottom in a fresh kernel; report its time and peak memory.

Usage: ``python benchmarks/_run_chapter.py CHAPTER.md OUT.ipynb OUT.json``

``bench_build.py`` starts this under ``taskset -c 0`` so that the runner and
the kernel it starts share one core, as on a slow laptop or a Binder pod.
Peak memory is the larger of two measurements of the kernel process tree: the
sum of the resident set sizes of every process below this runner, sampled
every 20 ms, and the kernel's own peak RSS as the OS reports it after it
exits (``getrusage(RUSAGE_CHILDREN)``, exact but for the largest process only).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "site"))

from _chapters import read_notebook  # noqa: E402


def _tree_rss(me) -> int:
    total = 0
    for child in me.children(recursive=True):
        try:
            total += child.memory_info().rss
        except Exception:  # noqa: BLE001 - a process may exit between listing and reading
            pass
    return total


def main(argv: list[str]) -> int:
    import nbformat
    import psutil
    from nbclient import NotebookClient

    chapter, out_nb, out_json = (Path(a) for a in argv[1:4])
    nb = read_notebook(chapter)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapter.parent.resolve())}},
        allow_errors=False,
    )
    me = psutil.Process(os.getpid())
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(me))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - reported in the JSON, not raised
        error = f"{type(exc).__name__}: {str(exc)[:500]}"
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    kernel_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    nbformat.write(nb, out_nb)
    out_json.write_text(
        json.dumps(
            {
                "chapter": str(chapter),
                "seconds": seconds,
                "peak_rss_tree": peak,
                "peak_rss_kernel": kernel_peak,
                "peak_rss": max(peak, kernel_peak),
                "cpus": sorted(os.sched_getaffinity(0)),
                "error": error,
            }
        )
    )
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
