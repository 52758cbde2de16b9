"""Time of ``mlecourse.fit`` (estimates and standard errors) against SciPy's own fits.

For each family, ``N = 2000`` points are drawn once and both fitters run on the
same data. SciPy's comparator is ``scipy.stats.<dist>.fit`` (``floc=0`` where
SciPy would otherwise also estimate a location the family does not have). SciPy
has no ``fit`` for discrete distributions, so for the Bernoulli, binomial,
geometric and Poisson the comparator is the closed-form estimate written in
NumPy (what a student's loop would do); for the negative binomial it is
statsmodels' ``NegativeBinomial`` (NB2, constant only), the usual peer. Each
timing is the median of several batches of repeated calls, so the ratio is
measured in one run on the same machine. The log-likelihood of each peer's
estimate is evaluated with our log-density, and ours must not be lower.

The table also lists the time of a profile-likelihood interval for the
two-parameter families and of a 1,000-sample simulated sampling distribution
of the gamma MLE (``mlecourse.simulate.sampling_distribution``).

Run with ``python benchmarks/bench_fit.py`` (or ``make bench``), with one BLAS
thread (``OPENBLAS_NUM_THREADS=1``) for comparable numbers.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlecourse import fit, loglik  # noqa: E402

N = 2000
TARGET_RATIO = 2.0


def _time(fn, budget=0.3, batches=5):
    """Median seconds per call over ``batches`` batches, each about ``budget / batches`` long."""
    fn()  # warm up (imports, caches)
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(budget / batches / once))
    out = []
    for _ in range(batches):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        out.append((time.perf_counter() - t0) / reps)
    return float(np.median(out))


def _negbin_statsmodels(x):
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.NegativeBinomial(x, np.ones((x.size, 1)), loglike_method="nb2").fit(disp=0)
    mu = float(np.exp(res.params[0]))
    alpha = float(res.params[1])
    _ = res.bse
    return {"mu": mu, "r": 1.0 / alpha}


def cases(rng):
    """(family, data, known, peer name, peer function returning our parameters)."""
    from scipy import stats

    out = []
    x = rng.binomial(1, 0.3, N).astype(float)
    out.append(("bernoulli", x, {}, "numpy closed form",
                lambda x=x: {"p": x.mean()} | {"_se": np.sqrt(x.mean() * (1 - x.mean()) / N)}))
    x = rng.binomial(10, 0.3, N).astype(float)
    out.append(("binomial", x, {"trials": 10}, "numpy closed form",
                lambda x=x: {"p": x.mean() / 10}
                | {"_se": np.sqrt(x.mean() / 10 * (1 - x.mean() / 10) / (10 * N))}))
    x = rng.geometric(0.3, N).astype(float)
    out.append(("geometric", x, {}, "numpy closed form",
                lambda x=x: {"p": 1 / x.mean()}
                | {"_se": np.sqrt((1 / x.mean()) ** 2 * (1 - 1 / x.mean()) / N)}))
    x = rng.poisson(4.0, N).astype(float)
    out.append(("poisson", x, {}, "numpy closed form",
                lambda x=x: {"lam": x.mean()} | {"_se": np.sqrt(x.mean() / N)}))
    x = rng.normal(3.0, 2.0, N)

    def norm(x=x):
        mu, s = stats.norm.fit(x)
        return {"mu": mu, "sigma": s}
    out.append(("normal", x, {}, "scipy.stats.norm.fit", norm))
    x = rng.exponential(2.0, N)

    def expon(x=x):
        _, scale = stats.expon.fit(x, floc=0)
        return {"rate": 1 / scale}
    out.append(("exponential", x, {}, "scipy.stats.expon.fit(floc=0)", expon))
    x = rng.laplace(1.0, 2.0, N)

    def lap(x=x):
        mu, b = stats.laplace.fit(x)
        return {"mu": mu, "b": b}
    out.append(("laplace", x, {}, "scipy.stats.laplace.fit", lap))
    x = 1.0 + 2.0 * rng.standard_t(4.0, N)

    def t(x=x):
        nu, mu, s = stats.t.fit(x)
        return {"mu": mu, "sigma": s, "nu": nu}
    out.append(("student_t", x, {}, "scipy.stats.t.fit", t))
    x = rng.gamma(2.5, 1 / 0.7, N)

    def gam(x=x):
        a, _, scale = stats.gamma.fit(x, floc=0)
        return {"shape": a, "rate": 1 / scale}
    out.append(("gamma", x, {}, "scipy.stats.gamma.fit(floc=0)", gam))
    x = rng.negative_binomial(2.0, 2.0 / (2.0 + 5.0), N).astype(float)
    out.append(("negbin", x, {}, "statsmodels NegativeBinomial",
                lambda x=x: _negbin_statsmodels(x)))
    return out


def run(seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, x, known, peer, peer_fn in cases(rng):
            def ours(name=name, x=x, known=known):
                res = fit(name, x, **known)
                _ = res.se
                return res
            res = ours()
            theirs = {k: v for k, v in peer_fn().items() if not k.startswith("_")}
            ll_peer = loglik(name, x, **theirs, **known)
            t_ours = _time(ours)
            t_peer = _time(peer_fn)
            t_prof = None
            if len(res.free) >= 2:
                t_prof = _time(lambda res=res: res.conf_int(method="profile"), budget=0.5,
                               batches=3)
            rows.append({"family": name, "peer": peer, "ours_ms": 1e3 * t_ours,
                         "peer_ms": 1e3 * t_peer, "ratio": t_ours / t_peer,
                         "ll_ours": res.loglik, "ll_peer": ll_peer,
                         "profile_ms": None if t_prof is None else 1e3 * t_prof})
    return rows


def simulation_time(reps: int = 1000, n: int = 100, seed: int = 1) -> float:
    from mlecourse.simulate import sampling_distribution

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampling_distribution("gamma", {"shape": 2.5, "rate": 0.7}, n=n, reps=reps, rng=seed)
    return time.perf_counter() - t0


def main() -> int:
    rows = run()
    print(f"fit with standard errors, N = {N} points, one BLAS thread; ratio = ours / peer "
          f"(target <= {TARGET_RATIO:g})")
    print(f"{'family':<12}{'peer':<32}{'ours ms':>9}{'peer ms':>9}{'ratio':>8}"
          f"{'loglik ours':>16}{'ours - peer':>13}{'profile ms':>12}")
    bad = []
    for r in rows:
        d = r["ll_ours"] - r["ll_peer"]
        prof = "" if r["profile_ms"] is None else f"{r['profile_ms']:.1f}"
        print(f"{r['family']:<12}{r['peer']:<32}{r['ours_ms']:>9.3f}{r['peer_ms']:>9.3f}"
              f"{r['ratio']:>8.2f}{r['ll_ours']:>16.6f}{d:>13.2e}{prof:>12}")
        if d < -1e-9 * max(1.0, abs(r["ll_peer"])):
            bad.append(f"{r['family']}: our log-likelihood is lower than the peer's by {-d:.3g}")
        if r["ratio"] > TARGET_RATIO:
            bad.append(f"{r['family']}: {r['ratio']:.2f} times the peer's time")
    t = simulation_time()
    print(f"sampling distribution of the gamma MLE, 1,000 samples of n = 100: {t:.2f} s")
    for b in bad:
        print("NOTE:", b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
