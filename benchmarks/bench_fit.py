"""Time of ``mlecourse.fit`` (estimates and standard errors) against SciPy's own fits.

For each family, ``N = 2000`` points are drawn once and every fitter runs on the
same data. The peer is SciPy's own fit:

- for the continuous families ``scipy.stats.<dist>.fit`` (``floc=0`` where SciPy
  would otherwise also estimate a location the family does not have);
- for the discrete families, which have no ``.fit`` method, SciPy's generic
  ``scipy.stats.fit``: a bounded numerical search (differential evolution,
  seeded), so far slower than a closed form and no real bar;
- for the negative binomial, statsmodels' ``NegativeBinomial`` (NB2, constant
  only), the usual peer.

The target is ``fit`` within 2 times its peer's time. Because the discrete peers
are no bar, a second comparison is printed wherever the MLE has a closed form:
the estimate and its standard error written in bare NumPy, as a student's loop
would (one mean and one square root, say). That is the least work any fit can
do; ``fit`` also checks the data (finite, in the support, whole numbers where
they must be), computes the log-likelihood and builds the result, and the
"bare" ratio says what that costs.

Each timing is the median of several batches of repeated calls, so every ratio is
measured in one run on the same machine. The log-likelihood at each estimate is
evaluated by one function (``mlecourse.loglik``), and ours must not be lower than
the peer's; the log-likelihood ``fit`` reports must equal that evaluation.

The table also lists the time of a profile-likelihood interval for the
multi-parameter families and of a 1,000-sample simulated sampling distribution
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


def _scipy_generic(dist, x, bounds):
    """SciPy's fit for a discrete family: ``scipy.stats.fit``, seeded."""
    from functools import partial

    from scipy import optimize, stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.fit(dist, x, bounds,
                        optimizer=partial(optimize.differential_evolution, seed=0))
    return res.params


def cases(rng):
    """(family, data, known, peer name, peer -> our parameters, bare NumPy or None)."""
    from scipy import stats

    out = []
    x = rng.binomial(1, 0.3, N).astype(float)

    def bern_bare(x=x):
        p = x.mean()
        return p, np.sqrt(p * (1 - p) / x.size)
    out.append(("bernoulli", x, {}, "scipy.stats.fit (search)",
                lambda x=x: {"p": _scipy_generic(stats.bernoulli, x, {"p": (0, 1)}).p},
                bern_bare))
    x = rng.binomial(10, 0.3, N).astype(float)

    def binom_bare(x=x):
        p = x.mean() / 10
        return p, np.sqrt(p * (1 - p) / (10 * x.size))
    out.append(("binomial", x, {"trials": 10}, "scipy.stats.fit (search)",
                lambda x=x: {"p": _scipy_generic(stats.binom, x,
                                                 {"n": (10, 10), "p": (0, 1)}).p},
                binom_bare))
    x = rng.geometric(0.3, N).astype(float)

    def geom_bare(x=x):
        p = 1 / x.mean()
        return p, p * np.sqrt((1 - p) / x.size)
    out.append(("geometric", x, {}, "scipy.stats.fit (search)",
                lambda x=x: {"p": _scipy_generic(stats.geom, x, {"p": (0, 1)}).p},
                geom_bare))
    x = rng.poisson(4.0, N).astype(float)

    def pois_bare(x=x):
        lam = x.mean()
        return lam, np.sqrt(lam / x.size)
    out.append(("poisson", x, {}, "scipy.stats.fit (search)",
                lambda x=x: {"lam": _scipy_generic(stats.poisson, x, {"mu": (0, 100)}).mu},
                pois_bare))
    x = rng.normal(3.0, 2.0, N)

    def norm(x=x):
        mu, s = stats.norm.fit(x)
        return {"mu": mu, "sigma": s}

    def norm_bare(x=x):
        mu, s = x.mean(), x.std()
        return mu, s, s / np.sqrt(x.size), s / np.sqrt(2 * x.size)
    out.append(("normal", x, {}, "scipy.stats.norm.fit", norm, norm_bare))
    x = rng.exponential(2.0, N)

    def expon(x=x):
        _, scale = stats.expon.fit(x, floc=0)
        return {"rate": 1 / scale}

    def expon_bare(x=x):
        rate = 1 / x.mean()
        return rate, rate / np.sqrt(x.size)
    out.append(("exponential", x, {}, "scipy.stats.expon.fit(floc=0)", expon, expon_bare))
    x = rng.laplace(1.0, 2.0, N)

    def lap(x=x):
        mu, b = stats.laplace.fit(x)
        return {"mu": mu, "b": b}

    def lap_bare(x=x):
        mu = np.median(x)
        b = np.mean(np.abs(x - mu))
        return mu, b, b / np.sqrt(x.size)
    out.append(("laplace", x, {}, "scipy.stats.laplace.fit", lap, lap_bare))
    x = 1.0 + 2.0 * rng.standard_t(4.0, N)

    def t(x=x):
        nu, mu, s = stats.t.fit(x)
        return {"mu": mu, "sigma": s, "nu": nu}
    out.append(("student_t", x, {}, "scipy.stats.t.fit", t, None))
    x = rng.gamma(2.5, 1 / 0.7, N)

    def gam(x=x):
        a, _, scale = stats.gamma.fit(x, floc=0)
        return {"shape": a, "rate": 1 / scale}
    out.append(("gamma", x, {}, "scipy.stats.gamma.fit(floc=0)", gam, None))
    x = rng.negative_binomial(2.0, 2.0 / (2.0 + 5.0), N).astype(float)
    out.append(("negbin", x, {}, "statsmodels NegativeBinomial",
                lambda x=x: _negbin_statsmodels(x), None))
    return out


def run(seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, x, known, peer, peer_fn, bare_fn in cases(rng):
            def ours(name=name, x=x, known=known):
                res = fit(name, x, **known)
                _ = res.se
                return res
            res = ours()
            theirs = {k: v for k, v in peer_fn().items() if not k.startswith("_")}
            ll_ours = loglik(name, x, **res.params, **known)
            ll_peer = loglik(name, x, **theirs, **known)
            t_ours = _time(ours)
            t_peer = _time(peer_fn)
            t_bare = None if bare_fn is None else _time(bare_fn)
            t_prof = None
            if len(res.free) >= 2:
                t_prof = _time(lambda res=res: res.conf_int(method="profile"), budget=0.5,
                               batches=3)
            rows.append({"family": name, "peer": peer, "ours_ms": 1e3 * t_ours,
                         "peer_ms": 1e3 * t_peer, "ratio": t_ours / t_peer,
                         "bare_ratio": None if t_bare is None else t_ours / t_bare,
                         "bare_ms": None if t_bare is None else 1e3 * t_bare,
                         "ll_reported": res.loglik, "ll_ours": ll_ours, "ll_peer": ll_peer,
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
          f"(target <= {TARGET_RATIO:g}); bare = the closed form in NumPy, no checks")
    print(f"{'family':<12}{'peer':<31}{'ours ms':>9}{'peer ms':>9}{'ratio':>8}"
          f"{'bare ms':>9}{'/ bare':>8}{'loglik ours':>15}{'ours - peer':>13}"
          f"{'profile ms':>12}")
    bad = []
    for r in rows:
        d = r["ll_ours"] - r["ll_peer"]
        prof = "" if r["profile_ms"] is None else f"{r['profile_ms']:.1f}"
        bare = "" if r["bare_ms"] is None else f"{r['bare_ms']:.3f}"
        bare_ratio = "" if r["bare_ratio"] is None else f"{r['bare_ratio']:.2f}"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] >= 0.01 else f"{r['ratio']:.0e}"
        print(f"{r['family']:<12}{r['peer']:<31}{r['ours_ms']:>9.3f}{r['peer_ms']:>9.3f}"
              f"{ratio:>8}{bare:>9}{bare_ratio:>8}{r['ll_ours']:>15.6f}{d:>13.2e}"
              f"{prof:>12}")
        if d < -1e-12 * max(1.0, abs(r["ll_peer"])):
            bad.append(f"{r['family']}: our log-likelihood is lower than the peer's by {-d:.3g}")
        if abs(r["ll_reported"] - r["ll_ours"]) > 1e-12 * max(1.0, abs(r["ll_ours"])):
            bad.append(f"{r['family']}: fit reports loglik {r['ll_reported']!r}, "
                       f"the log-density sums to {r['ll_ours']!r}")
        if r["ratio"] > TARGET_RATIO:
            bad.append(f"{r['family']}: {r['ratio']:.2f} times the peer's time")
    t = simulation_time()
    print(f"sampling distribution of the gamma MLE, 1,000 samples of n = 100: {t:.2f} s")
    for b in bad:
        print("NOTE:", b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
