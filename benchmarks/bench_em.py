"""Time per EM iteration of ``mlecourse.gmm_em`` against scikit-learn's GaussianMixture.

Both fits start from the same parameters on the same data (N points, D = 2,
K = 3, full covariances, the same ``reg_covar``) and run the same number of
iterations with the stopping rule switched off. The time per iteration is the
difference of two run lengths divided by the difference of their iteration
counts, so fixed costs (input checks, scikit-learn's initial responsibilities
and final E-step, our initial E-step) cancel. Each timing is the best of
``repeats`` runs. The final log-likelihoods must agree.

Run with ``python benchmarks/bench_em.py`` (or ``make bench``); ``run()``
returns the rows for use from Python.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlecourse.em import gmm_em  # noqa: E402

TARGET_RATIO = 1.0


def make_data(n: int, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """``n`` points from a 3-component 2-D mixture, and starting values for both fitters."""
    true_means = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    true_covs = np.array([[[1.0, 0.3], [0.3, 0.5]],
                          [[0.6, -0.2], [-0.2, 1.2]],
                          [[1.5, 0.0], [0.0, 0.4]]])
    z = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    x = np.empty((n, 2))
    for k in range(3):
        rows = z == k
        x[rows] = rng.multivariate_normal(true_means[k], true_covs[k], size=rows.sum())
    start = {"weights": np.full(3, 1 / 3),
             "means": true_means + np.array([[0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]]),
             "covariances": np.repeat(np.eye(2)[None], 3, axis=0)}
    return x, start


def _time_ours(x, start, n_iter, reg_covar):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        fit = gmm_em(x, 3, init=start, max_iter=n_iter, tol=0.0, reg_covar=reg_covar)
        elapsed = time.perf_counter() - t0
    assert fit.n_iter == n_iter
    return elapsed, fit.loglik


def _time_sklearn(x, start, n_iter, reg_covar):
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(3, covariance_type="full", weights_init=start["weights"],
                         means_init=start["means"],
                         precisions_init=np.linalg.inv(start["covariances"]),
                         init_params="random_from_data", max_iter=n_iter, tol=0.0,
                         reg_covar=reg_covar, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        gm.fit(x)
        elapsed = time.perf_counter() - t0
    assert gm.n_iter_ == n_iter
    return elapsed, gm.score(x) * x.shape[0]


def per_iteration(timer, x, start, short, long, repeats, reg_covar):
    """Best-of-``repeats`` seconds per iteration, and the log-likelihood after ``long``."""
    t_short = min(timer(x, start, short, reg_covar)[0] for _ in range(repeats))
    runs = [timer(x, start, long, reg_covar) for _ in range(repeats)]
    t_long = min(r[0] for r in runs)
    return max(t_long - t_short, 0.0) / (long - short), runs[0][1]


def run(sizes=(10**5, 10**6), short=2, long=7, repeats=2, reg_covar=1e-6, seed=0):
    """Benchmark every size; return a list of dicts, one per size."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        x, start = make_data(n, rng)
        ours, ll_ours = per_iteration(_time_ours, x, start, short, long, repeats, reg_covar)
        theirs, ll_sk = per_iteration(_time_sklearn, x, start, short, long, repeats, reg_covar)
        rows.append({"N": n, "ours_s": ours, "sklearn_s": theirs, "ratio": ours / theirs,
                     "loglik_ours": ll_ours, "loglik_sklearn": ll_sk,
                     "loglik_rel_diff": abs(ll_ours - ll_sk) / abs(ll_sk)})
    return rows


def _blas_note() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, "
            f"{i['num_threads']} threads)" for i in threadpool_info() if i["user_api"] == "blas"]
    return "; ".join(blas) or "no BLAS found"


def main() -> int:
    t0 = time.perf_counter()
    rows = run()
    print("gmm_em vs sklearn GaussianMixture: time per EM iteration, D=2, K=3, full covariances")
    print(f"BLAS: {_blas_note()}")
    header = (f"{'N':>9} {'ours (ms)':>10} {'sklearn (ms)':>13} {'ratio':>6} "
              f"{'loglik ours':>20} {'loglik sklearn':>20} {'rel diff':>9}")
    print(header)
    print("-" * len(header))
    ok = True
    for r in rows:
        print(f"{r['N']:>9} {1e3 * r['ours_s']:>10.1f} {1e3 * r['sklearn_s']:>13.1f} "
              f"{r['ratio']:>6.2f} {r['loglik_ours']:>20.8f} {r['loglik_sklearn']:>20.8f} "
              f"{r['loglik_rel_diff']:>9.1e}")
        ok &= r["ratio"] <= TARGET_RATIO and r["loglik_rel_diff"] < 1e-9
    print(f"target: ratio <= {TARGET_RATIO} and equal log-likelihoods -> "
          f"{'met' if ok else 'NOT met'} (total {time.perf_counter() - t0:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
