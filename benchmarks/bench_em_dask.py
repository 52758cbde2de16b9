"""EM at scale: ``gmm_em`` on a Dask array with 1 and 2 workers against ``gmm_em`` in memory.

The data (``--rows`` points, D = 2, K = 3) are written once, chunk by chunk, to a
temporary ``.npy`` stack on disk (``dask.array.to_npy_stack``), so no process ever
holds the whole array; each worker memory-maps the chunks it is given at every
iteration. A ``dask.distributed.LocalCluster`` with 1, then 2, single-threaded
worker processes runs ``iters`` EM iterations from the same start (stopping rule
off). Each run makes ``iters + 2`` passes over the data (the moments and NaN check,
the E-step at the start, one per iteration), so the time per pass is the run time
over ``iters + 2``. In memory, ``gmm_em`` runs on the first ``--memory-rows``
points (``iters + 1`` E-steps, the moments being negligible).

Printed: time per pass, throughput per core (rows per second per worker), the
scaling efficiency from 1 to 2 workers, the peak resident memory of each worker
against the chunk size, and the relative difference of the log-likelihoods of the
Dask and in-memory fits of the same ``--memory-rows`` points (the same start, the
same iterations). Targets (issue 14): throughput per core at least half of
in-memory, efficiency at least 0.8, log-likelihoods equal to 1e-9, memory per
worker bounded by the chunk size. On a machine shared with other work the timings
are only indicative: the load average is printed with them.

Run ``python benchmarks/bench_em_dask.py [--rows 1e8] [--memory-rows 1e7]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlecourse.em import ConvergenceWarning, gmm_em  # noqa: E402

MEANS = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
START = {"weights": [0.4, 0.3, 0.3], "means": [[0.5, 0.5], [3.0, 1.5], [1.5, 4.0]],
         "covariances": np.repeat(np.eye(2)[None], 3, axis=0)}


def _block(block_info=None):
    """One chunk of the 3-component mixture, seeded by its position."""
    info = block_info[None]
    (start, stop), _ = info["array-location"]
    rng = np.random.default_rng([20260, start])
    z = rng.choice(3, size=stop - start, p=[0.5, 0.3, 0.2])
    return MEANS[z] + rng.normal(size=(stop - start, 2))


def write_stack(rows: int, chunk: int, folder: str):
    import dask.array as da

    chunks = ((chunk,) * (rows // chunk) + ((rows % chunk,) if rows % chunk else ()), (2,))
    lazy = da.map_blocks(_block, chunks=chunks, dtype=np.float64)
    da.to_npy_stack(folder, lazy, axis=0)


def _peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fit_on_cluster(folder: str, n_workers: int, iters: int, rows: int | None = None):
    import dask.array as da
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        x = da.from_npy_stack(folder, mmap_mode="r")
        if rows is not None:
            x = x[:rows]
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit = gmm_em(x, 3, init=START, max_iter=iters, tol=0.0)
        elapsed = time.perf_counter() - t
        peaks = sorted(client.run(_peak_rss_mb).values())
    return fit, elapsed, peaks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e8)
    parser.add_argument("--memory-rows", type=float, default=1e7)
    parser.add_argument("--chunk", type=float, default=1e6)
    parser.add_argument("--iters", type=int, default=3)
    args = parser.parse_args(argv)
    rows, mem_rows, chunk = int(args.rows), int(args.memory_rows), int(args.chunk)
    mem_rows = min(mem_rows, rows)
    iters = args.iters
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        print("dask[array,distributed] is not installed (pip install -e '.[scale]'); skipped.")
        return 0

    folder = tempfile.mkdtemp(prefix="mlecourse-bench-em-dask-")
    try:
        t = time.perf_counter()
        write_stack(rows, chunk, os.path.join(folder, "x"))
        print(f"data: {rows:.3g} rows x 2 ({rows * 16 / 1e9:.2f} GB) in chunks of {chunk:.3g} "
              f"rows ({chunk * 16 / 1e6:.0f} MB), written in {time.perf_counter() - t:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        results = {}
        for workers in (1, 2):
            fit, elapsed, peaks = fit_on_cluster(os.path.join(folder, "x"), workers, iters)
            per_pass = elapsed / (iters + 2)
            results[workers] = (fit, per_pass, peaks)
            print(f"dask, {workers} worker(s): {per_pass:.2f} s per pass, "
                  f"{rows / per_pass / workers:.3g} rows/s per core, peak RSS per worker "
                  f"{', '.join(f'{p:.0f}' for p in peaks)} MB, loglik {fit.loglik:.10g}")
        f1, f2 = results[1][0], results[2][0]
        assert abs(f1.loglik - f2.loglik) <= 1e-9 * abs(f1.loglik)
        efficiency = results[1][1] / (2 * results[2][1])

        # in memory, on the first mem_rows points (read from the same stack)
        import dask.array as da

        x_mem = np.asarray(da.from_npy_stack(os.path.join(folder, "x"))[:mem_rows])
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mem = gmm_em(x_mem, 3, init=START, max_iter=iters, tol=0.0)
        mem_per_pass = (time.perf_counter() - t) / (iters + 1)
        del x_mem
        mem_rate = mem_rows / mem_per_pass
        lazy, _, _ = fit_on_cluster(os.path.join(folder, "x"), 2, iters, rows=mem_rows)
        rel = abs(lazy.loglik - mem.loglik) / abs(mem.loglik)
        best_rate = max(rows / results[w][1] / w for w in (1, 2))
        chunk_mb = chunk * 16 / 1e6
        peak = max(max(results[w][2]) for w in (1, 2))
        print(f"in memory, {mem_rows:.3g} rows: {mem_per_pass:.2f} s per pass, "
              f"{mem_rate:.3g} rows/s on one core")
        print()
        print("| measure | value | target |")
        print("| --- | --- | --- |")
        print(f"| time per pass, 1 worker ({rows:.0e} rows) | {results[1][1]:.2f} s | |")
        print(f"| time per pass, 2 workers | {results[2][1]:.2f} s | |")
        print(f"| scaling efficiency 1 -> 2 workers | {efficiency:.2f} | >= 0.8 |")
        print(f"| throughput per core, Dask / in memory | {best_rate / mem_rate:.2f} | >= 0.5 |")
        print(f"| peak RSS per worker | {peak:.0f} MB (chunk {chunk_mb:.0f} MB) | "
              "bounded by chunk size |")
        print(f"| loglik, Dask vs in memory ({mem_rows:.0e} rows), relative | {rel:.1e} | "
              "<= 1e-9 |")
        return 0 if rel <= 1e-9 else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
