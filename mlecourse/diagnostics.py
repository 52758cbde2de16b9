"""Checking a fitted model: QQ points, PIT values, count tables, LR tests, KL divergence.

Every function takes a :class:`~mlecourse.FitResult` from :func:`mlecourse.fit`
and the data, and compares what the fitted distribution predicts with what
was observed:

- :func:`qq_points`: theoretical quantiles of the fitted distribution against
  the sorted sample (the numbers behind a QQ plot);
- :func:`pit_values`: the probability integral transform ``F(x_i)``, uniform
  on (0, 1) when the model is right (randomised for counts);
- :func:`count_table`: observed and expected frequencies of each count;
- :func:`lr_test`: the likelihood-ratio test of a model against a bigger one
  that contains it, with the boundary case handled;
- :func:`kl_divergence` and :func:`kl_projection`: how far a family is from
  a true distribution, and its closest member, the value a misspecified MLE
  converges to (White 1982);
- :func:`tic_penalty` and :func:`tic`: Takeuchi's information criterion, AIC
  with the penalty :math:`\\operatorname{tr}(\\hat J^{-1}\\hat K)` that stays
  right when the model is wrong;
- :func:`bootstrap_fit`: the nonparametric bootstrap of a fit, for standard
  errors and percentile intervals that assume nothing about the model.

The fitted distribution itself is :func:`fitted_distribution`, a frozen
``scipy.stats`` distribution. SciPy is imported when these functions run.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from ._validate import check_choice, check_rng
from .families import get_family

__all__ = [
    "fitted_distribution",
    "qq_points",
    "pit_values",
    "count_table",
    "LRTestResult",
    "lr_test",
    "kl_divergence",
    "kl_projection",
    "tic_penalty",
    "tic",
    "BootstrapResult",
    "bootstrap_fit",
    "DISCRETE_FAMILIES",
]

#: Families whose support is a set of whole numbers (their PIT is randomised).
DISCRETE_FAMILIES = frozenset({"bernoulli", "binomial", "geometric", "poisson", "negbin"})


def _frozen(family: str, params: dict, known: dict):
    from scipy import stats

    p = params
    makers = {
        "bernoulli": lambda: stats.bernoulli(p["p"]),
        "binomial": lambda: stats.binom(known["trials"], p["p"]),
        "geometric": lambda: stats.geom(p["p"]),
        "poisson": lambda: stats.poisson(p["lam"]),
        "negbin": lambda: stats.nbinom(p["r"], p["r"] / (p["r"] + p["mu"])),
        "normal": lambda: stats.norm(p["mu"], p["sigma"]),
        "exponential": lambda: stats.expon(scale=1.0 / p["rate"]),
        "laplace": lambda: stats.laplace(p["mu"], p["b"]),
        "student_t": lambda: stats.t(p["nu"], p["mu"], p["sigma"]),
        "gamma": lambda: stats.gamma(p["shape"], scale=1.0 / p["rate"]),
    }
    if family not in makers:
        raise ValueError(f"no SciPy distribution is known for the family {family!r}; "
                         f"supported: {sorted(makers)}.")
    return makers[family]()


def _check_fit(fit_result, name: str = "fit_result"):
    from .fit import FitResult

    if not isinstance(fit_result, FitResult):
        raise TypeError(f"{name} must be a FitResult from mlecourse.fit(); "
                        f"got {type(fit_result).__name__}.")
    if fit_result.family == "user":
        raise ValueError(f"{name} comes from fit_numeric(), whose distribution is not known to "
                         "the package; use a named family with mlecourse.fit().")
    return fit_result


def _check_data(fit_result, data) -> np.ndarray:
    fam = get_family(fit_result.family)
    return fam.check_data(data, **fit_result.known)


def fitted_distribution(fit_result):
    """The fitted distribution as a frozen ``scipy.stats`` distribution.

    Parameters
    ----------
    fit_result : FitResult
        A fit of a named family from :func:`mlecourse.fit`.

    Returns
    -------
    scipy.stats frozen distribution
        For example ``scipy.stats.norm(mu, sigma)`` for a normal fit, or
        ``scipy.stats.nbinom(r, r / (r + mu))`` for a negative binomial fit.

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import fitted_distribution
    >>> d = fitted_distribution(fit("exponential", [1.0, 2.0, 3.0]))
    >>> round(float(d.mean()), 6)
    2.0
    """
    res = _check_fit(fit_result)
    return _frozen(res.family, res.params, res.known)


def _order_statistic_medians(n: int) -> np.ndarray:
    # Filliben's (1975) approximation of the medians of the uniform order
    # statistics, the plotting positions of scipy.stats.probplot
    v = np.empty(n)
    v[-1] = 0.5 ** (1.0 / n)
    v[0] = 1.0 - v[-1]
    i = np.arange(2, n)
    v[1:-1] = (i - 0.3175) / (n + 0.365)
    return v


def qq_points(fit_result, data) -> tuple[np.ndarray, np.ndarray]:
    """Theoretical and sample quantiles for a QQ plot against the fitted distribution.

    The i-th smallest observation is paired with the fitted distribution's
    quantile at Filliben's estimate of the median of the i-th uniform order
    statistic (the positions ``scipy.stats.probplot`` uses). If the model
    fits, the points lie near the line ``y = x``.

    Parameters
    ----------
    fit_result : FitResult
        A fit of a named family from :func:`mlecourse.fit`.
    data : array_like, shape (n,)
        The observations (usually those the model was fitted to), in the
        family's support; at least 2.

    Returns
    -------
    theoretical : ndarray, shape (n,)
        Quantiles of the fitted distribution, increasing.
    sample : ndarray, shape (n,)
        The sorted data.

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import qq_points
    >>> x = [0.1, -1.2, 0.4, 2.0, 0.7]
    >>> theo, samp = qq_points(fit("normal", x), x)
    >>> samp.tolist()
    [-1.2, 0.1, 0.4, 0.7, 2.0]
    """
    res = _check_fit(fit_result)
    x = _check_data(res, data)
    if x.size < 2:
        raise ValueError("a QQ plot needs at least 2 observations; got 1.")
    dist = _frozen(res.family, res.params, res.known)
    theo = np.asarray(dist.ppf(_order_statistic_medians(x.size)), dtype=float)
    return theo, np.sort(x)


def pit_values(fit_result, data, *, rng=None) -> np.ndarray:
    """Probability integral transform of each observation under the fitted model.

    For a continuous family the PIT of ``x`` is ``F(x)``, with ``F`` the
    fitted distribution function; if the model is right the values are
    uniform on (0, 1). For a discrete family ``F(x)`` takes only a few values,
    so the randomised PIT is used: ``F(x - 1) + V * P(X = x)`` with ``V``
    uniform on (0, 1), which is exactly uniform under the model. A U-shaped
    histogram of PIT values means the data are more dispersed than the model
    (too many values in both tails); a hump means less dispersed; a slope
    means the centre is off.

    Parameters
    ----------
    fit_result : FitResult
        A fit of a named family from :func:`mlecourse.fit`.
    data : array_like, shape (n,)
        The observations, in the family's support.
    rng : None, int or numpy.random.Generator, default None
        Randomness for the discrete (randomised) PIT; unused for continuous
        families. Seed it for reproducible values.

    Returns
    -------
    ndarray, shape (n,)
        PIT values in [0, 1], in the order of ``data``.

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import pit_values
    >>> pit_values(fit("normal", [-1.0, 0.0, 1.0]), [0.0]).tolist()
    [0.5]
    """
    res = _check_fit(fit_result)
    x = _check_data(res, data)
    gen = check_rng(rng)
    dist = _frozen(res.family, res.params, res.known)
    if res.family not in DISCRETE_FAMILIES:
        return np.asarray(dist.cdf(x), dtype=float)
    below = np.asarray(dist.cdf(x - 1), dtype=float)
    mass = np.asarray(dist.pmf(x), dtype=float)
    return np.clip(below + gen.uniform(size=x.size) * mass, 0.0, 1.0)


def count_table(fit_result, data, *, max_count: int | None = None) -> dict:
    """Observed and expected frequencies of each count under a fitted count model.

    Parameters
    ----------
    fit_result : FitResult
        A fit of a discrete family (``"poisson"``, ``"negbin"``,
        ``"binomial"``, ``"geometric"``, ``"bernoulli"``).
    data : array_like, shape (n,)
        The counts.
    max_count : int, optional
        The last row collects this count *and every larger one*, so that the
        expected frequencies add up to ``n``. Default: the largest count.

    Returns
    -------
    dict
        ``"count"`` (ndarray of int, the values ``lowest, ..., max_count``),
        ``"observed"`` and ``"expected"`` (ndarrays of float, same length).
        The first row also holds every value below it (there are none for
        the families here), the last every value above it.

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import count_table
    >>> t = count_table(fit("poisson", [0, 1, 1, 2]), [0, 1, 1, 2])
    >>> t["count"].tolist(), t["observed"].tolist()
    ([0, 1, 2], [1.0, 2.0, 1.0])
    >>> round(float(t["expected"].sum()), 12)
    4.0
    """
    from ._validate import check_int

    res = _check_fit(fit_result)
    if res.family not in DISCRETE_FAMILIES:
        raise ValueError(f"count_table needs a count family ({sorted(DISCRETE_FAMILIES)}); "
                         f"this fit is {res.family!r}.")
    x = _check_data(res, data).astype(np.int64)
    dist = _frozen(res.family, res.params, res.known)
    low = int(dist.support()[0])
    top = int(x.max()) if max_count is None else check_int(max_count, "max_count", low=low)
    counts = np.arange(low, top + 1)
    observed = np.array([np.sum(x == c) for c in counts[:-1]] + [np.sum(x >= top)], dtype=float)
    expected = x.size * np.asarray(dist.pmf(counts), dtype=float)
    expected[-1] = x.size * float(dist.sf(top - 1))
    return {"count": counts, "observed": observed, "expected": expected}


# ---------------------------------------------------------------------------
# likelihood-ratio test

@dataclass(frozen=True)
class LRTestResult:
    """The outcome of :func:`lr_test`.

    Attributes
    ----------
    statistic : float
        ``2 * (loglik_big - loglik_small)``, at least 0.
    df : int
        Number of extra free parameters in the bigger model.
    pvalue : float
        Probability, under the null distribution, of a statistic at least as
        large as the one observed.
    null : str
        The null distribution used, in words.
    """

    statistic: float
    df: int
    pvalue: float
    null: str

    def __str__(self) -> str:
        return (f"LR statistic = {self.statistic:.6g} on {self.df} df, p-value = "
                f"{self.pvalue:.4g} (null distribution: {self.null})")


# (small family, big family) -> (parameters the big model must estimate, whether the
# small model sits on the boundary of the big one's parameter space, what that boundary is)
_NESTINGS = {
    ("poisson", "negbin"): (("mu", "r"), True, "r = infinity"),
    ("normal", "student_t"): (("mu", "sigma", "nu"), True, "nu = infinity"),
    ("exponential", "gamma"): (("shape", "rate"), False, "shape = 1"),
}


def _check_nested(small, big) -> tuple[bool, str]:
    """Check what can be checked about nesting; return (on the boundary?, description)."""
    if small.n is not None and big.n is not None and small.n != big.n:
        raise ValueError(f"the two fits use different numbers of observations ({small.n} and "
                         f"{big.n}); a likelihood-ratio test compares fits to the same data.")
    if small.known != big.known:
        raise ValueError(f"the two fits have different known constants ({small.known} and "
                         f"{big.known}); they are not fits to the same kind of data.")
    if big.k <= small.k:
        raise ValueError(f"the bigger model must have more free parameters than the smaller "
                         f"one; got {big.k} and {small.k}. Pass the smaller model first.")
    if "user" in (small.family, big.family):
        return False, "nesting not checked (a fit_numeric result)"
    if small.family == big.family:
        if not set(small.free) < set(big.free):
            raise ValueError(f"the smaller fit's free parameters {list(small.free)} are not a "
                             f"subset of the bigger fit's {list(big.free)}: not nested.")
        for name, value in big.fixed.items():
            if name not in small.fixed or small.fixed[name] != value:
                raise ValueError(f"the bigger fit holds {name} = {value:g}, but the smaller "
                                 "fit does not hold it at the same value: not nested.")
        held = ", ".join(f"{k} = {v:g}" for k, v in small.fixed.items() if k not in big.fixed)
        return False, held
    key = (small.family, big.family)
    if key not in _NESTINGS:
        raise ValueError(f"a {small.family} model is not nested in a {big.family} model (known "
                         f"nestings across families: "
                         f"{', '.join(f'{a} in {b}' for a, b in _NESTINGS)}).")
    needed, boundary, where = _NESTINGS[key]
    missing = [p for p in needed if p not in big.free]
    if missing or small.fixed:
        raise ValueError(f"for the {small.family} model to be nested in the {big.family} model "
                         f"the bigger fit must estimate {list(needed)} and the smaller fit must "
                         "hold nothing fixed.")
    return boundary, where


def lr_test(fit_small, fit_big, *, null: str = "auto") -> LRTestResult:
    """Likelihood-ratio test of a model against a bigger model that contains it.

    The statistic is ``2 * (loglik_big - loglik_small)``. When the smaller
    model lies inside the bigger one's parameter space, Wilks's theorem gives
    it a chi-square distribution with ``df`` = the number of extra
    parameters under the smaller model. When the smaller model sits on the
    *boundary* (the Poisson is the negative binomial with ``r = infinity``,
    the normal is the Student-t with ``nu = infinity``), the parameter cannot
    overshoot the boundary, half the time its estimate lands on it and the
    statistic is 0, and the null distribution is the 50:50 mixture of a point
    mass at 0 and chi-square(1): the p-value is half the chi-square(1) one.

    What can be checked is checked: the same number of observations, the
    same known constants, more free parameters in the bigger fit, and (for
    fits from :func:`mlecourse.fit`) that the smaller model really is a
    special case of the bigger one. That both were fitted to the *same* data
    cannot be checked; make sure of it.

    Parameters
    ----------
    fit_small, fit_big : FitResult
        The smaller (null) and the bigger model, fitted to the same data.
    null : {"auto", "chi2", "mixture"}, default "auto"
        The null distribution. ``"auto"`` uses the 50:50 mixture for the
        boundary nestings above and chi-square(df) otherwise. ``"mixture"``
        is allowed only for ``df == 1``.

    Returns
    -------
    LRTestResult
        ``statistic``, ``df``, ``pvalue`` and a description ``null``.

    Raises
    ------
    TypeError
        If either argument is not a FitResult.
    ValueError
        Fits that are not nested as far as can be checked, different
        numbers of observations, or a smaller model with the clearly higher
        log-likelihood (not nested, or a fit that did not converge).

    Examples
    --------
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import lr_test
    >>> x = [0.5, 1.5, 1.0, 2.0, 0.0]
    >>> res = lr_test(fit("normal", x, mu=0.0), fit("normal", x))
    >>> res.df, round(res.statistic, 6)  # n log(mean(x**2) / mean((x - xbar)**2)) = 5 log 3
    (1, 5.493061)
    """
    from scipy import stats

    from .fit import FitResult

    for obj, name in ((fit_small, "fit_small"), (fit_big, "fit_big")):
        if not isinstance(obj, FitResult):
            raise TypeError(f"{name} must be a FitResult from mlecourse.fit() or fit_numeric(); "
                            f"got {type(obj).__name__}.")
    check_choice(null, "null", ("auto", "chi2", "mixture"))
    boundary, where = _check_nested(fit_small, fit_big)
    df = fit_big.k - fit_small.k
    stat = 2.0 * (fit_big.loglik - fit_small.loglik)
    tol = 1e-6 * max(1.0, abs(fit_big.loglik))
    if stat < -tol:
        raise ValueError(f"the smaller model has the higher log-likelihood ({fit_small.loglik:.6g}"
                         f" > {fit_big.loglik:.6g}); the models are not nested, or a fit did not "
                         "reach its maximum.")
    stat = max(stat, 0.0)
    use_mixture = null == "mixture" or (null == "auto" and boundary)
    if use_mixture:
        if df != 1:
            raise ValueError(f"the 50:50 mixture null applies to one parameter on its boundary; "
                             f"here df = {df}. Use null='chi2'.")
        p = 0.5 * float(stats.chi2.sf(stat, 1)) if stat > 0 else 1.0
        text = "50:50 mixture of 0 and chi-square(1)"
        if boundary:
            text += f", since the smaller model is on the boundary {where}"
    else:
        p = float(stats.chi2.sf(stat, df))
        text = f"chi-square({df})"
    return LRTestResult(float(stat), int(df), p, text)


# ---------------------------------------------------------------------------
# Kullback-Leibler divergence from a true distribution to a family

def _is_discrete(truth) -> bool:
    from scipy import stats

    return isinstance(getattr(truth, "dist", None), stats.rv_discrete)


def _check_truth(truth):
    from scipy import stats

    dist = getattr(truth, "dist", None)
    if not isinstance(dist, (stats.rv_continuous, stats.rv_discrete)) or not hasattr(truth, "args"):
        raise TypeError("truth must be a frozen scipy.stats distribution, e.g. "
                        f"scipy.stats.gamma(2.0, scale=1.5); got {type(truth).__name__}.")
    return truth


def _check_family_for(truth, family):
    fam = get_family(family)
    if (fam.name in DISCRETE_FAMILIES) != _is_discrete(truth):
        kinds = ("discrete", "continuous")
        raise ValueError(f"the {fam.name} family is {kinds[fam.name not in DISCRETE_FAMILIES]} "
                         f"but truth is {kinds[not _is_discrete(truth)]}; a Kullback-Leibler "
                         "divergence compares two distributions of the same kind.")
    return fam


def _tanh_sinh(truth, a: float = 0.0, b: float = 1.0):
    """Nodes (as quantiles of truth) and weights for integrating over u in (a, b)."""
    step, reach = 1.0 / 16.0, 3.75
    t = np.arange(-reach, reach + step / 2, step)
    s = 0.5 * np.pi * np.sinh(t)
    with np.errstate(over="ignore"):
        v_low = 1.0 / (1.0 + np.exp(-2.0 * s))   # v = (1 + tanh s) / 2, accurate for t < 0
        v_high = 1.0 / (1.0 + np.exp(2.0 * s))   # 1 - v, accurate for t >= 0
    lower = t < 0
    x = np.where(lower, truth.ppf(np.where(lower, a + (b - a) * v_low, 0.5)),
                 truth.isf(np.where(lower, 0.5, (1.0 - b) + (b - a) * v_high)))
    w = (b - a) * step * 0.5 * np.pi * np.cosh(t) / (2.0 * np.cosh(s) ** 2)
    keep = np.isfinite(x)
    return x[keep], w[keep], (np.abs(t) <= 3.25)[keep]


class _Expectation:
    """A fixed rule for ``E_truth[h(X)]``, built once per true distribution.

    Discrete truth: a sum over the support, up to a tail of probability
    1e-17. Continuous truth: tanh-sinh (double-exponential) quadrature of
    ``h(G^-1(u))`` over ``u`` in (0, 1), with ``G`` the true distribution
    function; 121 nodes reaching within about 1e-29 of both ends, which
    integrates log-densities of heavy-tailed and skewed distributions to
    about 1e-10 or better when they are smooth. A second, shorter rule
    (reaching within about 1e-18 of the ends) checks that the tails have
    settled. :meth:`split` gives a rule with a break at a kink of ``h``.
    """

    def __init__(self, truth, split_at: float | None = None):
        self.truth = truth
        if _is_discrete(truth):
            lo = truth.support()[0]
            hi = truth.isf(1e-17)
            if not np.isfinite(hi):
                hi = truth.isf(1e-12)
            lo = int(max(lo, -1e7))
            hi = int(hi)
            if hi - lo > 5_000_000:
                raise ValueError("truth spreads over too many values to sum over "
                                 "(more than 5 million).")
            k = np.arange(lo, hi + 1, dtype=float)
            logp = np.asarray(truth.logpmf(k), dtype=float)
            keep = np.isfinite(logp)
            self.x, self.w = k[keep], np.exp(logp[keep])
            self.inner = None
            return
        c = None if split_at is None else float(truth.cdf(split_at))
        if c is None or not 1e-12 < c < 1 - 1e-12:
            self.x, self.w, self.inner = _tanh_sinh(truth)
        else:
            parts = [_tanh_sinh(truth, 0.0, c), _tanh_sinh(truth, c, 1.0)]
            self.x, self.w, self.inner = (np.concatenate(z) for z in zip(*parts))

    def split(self, at: float) -> _Expectation:
        """The same expectation with the integral broken at ``at`` (continuous truth)."""
        return self if self.inner is None else _Expectation(self.truth, split_at=at)

    def __call__(self, values: np.ndarray) -> float:
        v = np.asarray(values, dtype=float)
        if np.any(v == -np.inf):
            return -math.inf
        total = float(np.sum(self.w * v))
        if self.inner is not None:
            short = float(np.sum(self.w[self.inner] * v[self.inner]))
            if not abs(total - short) <= 1e-4 * max(1.0, abs(total)):
                raise ValueError("the expectation does not settle in the tails of truth: they "
                                 "are too heavy for this family (the divergence may be "
                                 "infinite, e.g. a normal model for Cauchy data).")
        return total


def _in_support(fam, values, known) -> bool:
    try:
        fam._check(np.asarray(values, dtype=float), **known)
    except ValueError:
        return False
    return True


def _expected_logpdf(rule: _Expectation, fam, params: dict, known: dict) -> float:
    """E_truth[log f(X; params)]; -inf if truth puts mass outside the family's support."""
    if fam.name == "laplace":  # |x - mu| has a kink at mu: integrate the two sides apart
        rule = rule.split(params["mu"])
    if not _in_support(fam, rule.x, known):
        return -math.inf
    with np.errstate(all="ignore"):
        lf = fam._logpdf(rule.x, **params, **known)
    lf = np.where(np.isnan(lf), -np.inf, lf)
    return rule(lf)


def kl_divergence(truth, family, **params) -> float:
    """Kullback-Leibler divergence ``KL(g || f)`` of a family member from the truth.

    ``KL(g || f) = E_g[log g(X) - log f(X)]``, with ``g`` the true
    distribution and ``f`` the member of ``family`` at ``params``; it is 0
    exactly when ``f = g`` and positive otherwise. The expectation is a
    numerical integral for continuous distributions (tanh-sinh quadrature
    on the probability scale, accurate to about 1e-10) and a sum over the
    support (up to a tail of probability 1e-17) for discrete ones.

    Parameters
    ----------
    truth : scipy.stats frozen distribution
        The true distribution ``g``, e.g. ``scipy.stats.gamma(3.0)``.
    family : str
        A family of :func:`mlecourse.fit` of the same kind (discrete or
        continuous) as ``truth``.
    **params : float
        A value for every parameter of the family (and known constants such
        as ``trials``).

    Returns
    -------
    float
        The divergence, at least 0; ``inf`` if ``truth`` puts probability
        where the family has none.

    Examples
    --------
    >>> from scipy import stats
    >>> from mlecourse.diagnostics import kl_divergence
    >>> round(kl_divergence(stats.norm(0, 1), "normal", mu=1.0, sigma=1.0), 8)
    0.5
    """
    g = _check_truth(truth)
    fam = _check_family_for(g, family)
    params = dict(params)
    known = fam.check_known({k: params.pop(k) for k in list(params) if k in fam.known})
    missing = [p for p in fam.params if p not in params]
    if missing:
        raise TypeError(f"kl_divergence for the {fam.name} family needs values for {missing}.")
    vals = {k: float(v) for k, v in fam.check_params(params, allow_arrays=False).items()}
    rule = _Expectation(g)
    cross = _expected_logpdf(rule, fam, vals, known)
    if cross == -math.inf:
        return math.inf
    with np.errstate(all="ignore"):
        own = rule(np.asarray(g.logpmf(rule.x) if _is_discrete(g) else g.logpdf(rule.x)))
    return max(own - cross, 0.0)


def kl_projection(truth, family, **fixed) -> dict:
    """The member of ``family`` closest to ``truth`` in Kullback-Leibler divergence.

    It maximises the expected log-density ``E_g[log f(X; theta)]`` over the
    family's free parameters: the population version of the log-likelihood.
    When the data come from ``truth`` and the model is ``family``, the MLE
    converges to this value as ``n`` grows (White 1982), whether or not
    ``truth`` belongs to the family.

    Parameters
    ----------
    truth : scipy.stats frozen distribution
        The true distribution.
    family : str
        A family of :func:`mlecourse.fit` of the same kind as ``truth``.
    **fixed : float
        Parameters held fixed (and known constants such as ``trials``).

    Returns
    -------
    dict
        Every parameter of the family: the KL-minimising values and the
        fixed ones.

    Raises
    ------
    mlecourse.DegenerateSampleError
        If the divergence keeps decreasing towards the edge of the parameter
        space (e.g. a negative binomial projection of a Poisson truth, which
        runs to ``r = infinity``).

    Examples
    --------
    >>> from scipy import stats
    >>> from mlecourse.diagnostics import kl_projection
    >>> proj = kl_projection(stats.gamma(3.0, scale=0.5), "exponential")
    >>> round(proj["rate"], 6)  # 1 / E[X] = 1 / 1.5
    0.666667
    """
    from .families import DegenerateSampleError
    from .fit import _parse_fixed, fit, fit_numeric

    g = _check_truth(truth)
    fam = _check_family_for(g, family)
    fixed, known = _parse_fixed(fam, dict(fixed))
    free = [p for p in fam.params if p not in fixed]
    # start: the MLE of a deterministic pseudo-sample of truth's quantiles
    pseudo = np.asarray(g.ppf((np.arange(400) + 0.5) / 400), dtype=float)
    pseudo = pseudo[np.isfinite(pseudo)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            start = fit(fam.name, pseudo, **fixed, **known).params
    except ValueError as exc:
        raise DegenerateSampleError(
            f"no starting point: fitting the {fam.name} family to the quantiles of truth "
            f"failed ({exc}) The projection may not exist.") from None
    rule = _Expectation(g)
    if not np.isfinite(_expected_logpdf(rule, fam, start, known)):
        raise ValueError(f"truth puts probability where every member of the {fam.name} family "
                         "has none, so the divergence is infinite and there is no projection.")
    if not free:
        return dict(fixed)
    scale = max(abs(_expected_logpdf(rule, fam, start, known)), 1.0)

    def expected_ll(theta):
        th = dict(fixed)
        th.update(zip(free, map(float, theta)))
        return _expected_logpdf(rule, fam, th, known) / scale

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = fit_numeric(expected_ll, [start[p] for p in free], names=free,
                          positive=[p for p in free if fam.domains[p] == "positive"],
                          unit=[p for p in free if fam.domains[p] == "unit"])
    flat = [p for p in free if not np.isfinite(res.se[p])]
    if flat:
        raise DegenerateSampleError(
            f"the divergence keeps decreasing as {', '.join(flat)} run(s) towards the edge of "
            f"the parameter space (reached {', '.join(f'{p} = {res.params[p]:.4g}' for p in flat)}"
            f"): the closest member of the {fam.name} family is a limit outside it, e.g. "
            "nu = infinity when the truth is normal.")
    out = dict(fixed)
    out.update(res.params)
    return {p: float(out[p]) for p in fam.params}



def tic_penalty(fit_result) -> float:
    """The trace :math:`\\operatorname{tr}(\\hat J^{-1} \\hat K)` in Takeuchi's criterion.

    :math:`\\hat J` is the observed information and :math:`\\hat K` the sum of
    outer products of the per-observation scores at the estimate: the bread and
    the meat of the sandwich. It is computed from the fit's two covariance
    matrices, :math:`\\operatorname{tr}(\\text{cov\\_robust} \\cdot \\text{cov}^{-1})
    = \\operatorname{tr}(\\hat J^{-1}\\hat K\\hat J^{-1}\\hat J)`. When the model
    is right :math:`J = K` in expectation and the trace is close to the number
    of free parameters, AIC's penalty; under misspecification it can be much
    larger or smaller (Takeuchi 1976; Burnham and Anderson 2002, section 7.3).

    Parameters
    ----------
    fit_result : FitResult
        A fit from :func:`mlecourse.fit` (or :func:`mlecourse.fit_numeric` with
        per-observation log-likelihoods), with finite standard errors.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Not a FitResult.
    ValueError
        No free parameter, or a standard error that is not finite and positive
        (an estimate on the boundary), where the trace is undefined.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import tic_penalty
    >>> x = np.array([0.2, 0.5, 0.9, 1.4, 2.2, 3.1, 4.8, 7.5])
    >>> round(tic_penalty(fit("normal", x)), 4)  # 1 + (kurtosis - 1) / 2
    1.9063
    """
    from .fit import FitResult

    if not isinstance(fit_result, FitResult):
        raise TypeError("fit_result must be a FitResult from mlecourse.fit(); "
                        f"got {type(fit_result).__name__}.")
    cov = np.asarray(fit_result.cov, dtype=float)
    if cov.size == 0:
        raise ValueError("the fit has no free parameter, so there is no penalty to compute.")
    d = np.diag(cov)
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("a standard error of the fit is 0 or not finite (an estimate on the "
                         "boundary of the parameter space), so tr(J^-1 K) is undefined.")
    robust = np.asarray(fit_result.cov_robust, dtype=float)
    return float(np.trace(robust @ np.linalg.inv(cov)))


def tic(fit_result) -> float:
    """Takeuchi's information criterion (TIC).

    :math:`\\mathrm{TIC} = -2\\ell(\\hat\\theta) + 2\\operatorname{tr}(\\hat J^{-1}\\hat K)`.
    AIC (:math:`-2\\ell + 2k`) assumes the model is right, so that the trace
    equals :math:`k`. TIC estimates the same quantity, the expected
    Kullback-Leibler divergence of the fitted model from the truth up to a
    constant, without that assumption. See :func:`tic_penalty`.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse import fit
    >>> from mlecourse.diagnostics import tic
    >>> res = fit("normal", np.array([0.2, 0.5, 0.9, 1.4, 2.2, 3.1, 4.8, 7.5]))
    >>> round(tic(res) - res.aic, 4)  # 2 (trace - 2)
    -0.1875
    """
    penalty = tic_penalty(fit_result)
    return float(-2.0 * fit_result.loglik + 2.0 * penalty)


@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap_fit`.

    Attributes
    ----------
    estimate : FitResult
        The fit to the original data.
    replicates : dict
        Parameter name to an array of shape (n_ok,): the estimate on each
        bootstrap resample that could be fitted.
    n_failed : int
        Resamples on which the MLE did not exist (skipped, with a warning).
    """

    estimate: object
    replicates: dict
    n_failed: int

    @property
    def se(self) -> dict:
        """Bootstrap standard errors: the standard deviation of the replicates (ddof 1)."""
        return {k: float(np.std(v, ddof=1)) for k, v in self.replicates.items()}

    def conf_int(self, level: float = 0.95) -> dict:
        """Percentile intervals: the ``(1 - level)/2`` and ``(1 + level)/2`` quantiles."""
        from ._validate import check_real

        level = check_real(level, "level", low=0.0, high=1.0, inclusive=False)
        q = [(1 - level) / 2, (1 + level) / 2]
        return {k: tuple(float(v) for v in np.quantile(r, q)) for k, r in self.replicates.items()}


def bootstrap_fit(family: str, data, *, n_boot: int = 1000, rng=None, **fixed) -> BootstrapResult:
    """The nonparametric bootstrap of :func:`mlecourse.fit`.

    Draws ``n_boot`` samples of size n with replacement from ``data``, fits
    ``family`` to each, and keeps the estimates (Efron and Tibshirani 1993).
    Their spread estimates the sampling distribution of the MLE *whatever the
    true distribution*, so the bootstrap standard error is a check on both the
    model-based and the sandwich standard errors.

    Parameters
    ----------
    family : str
        A family name accepted by :func:`mlecourse.fit`.
    data : array_like, shape (n,)
        The sample.
    n_boot : int, default 1000
        Number of resamples (at least 2).
    rng : None, int or numpy.random.Generator
        Source of randomness.
    **fixed
        Parameters held fixed and known constants, passed on to ``fit``.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ValueError
        Bad ``n_boot`` or data, or more than 10% of the resamples without an
        MLE (a :class:`~mlecourse.DegenerateSampleError` on each), where the
        bootstrap distribution would be a biased selection.

    Examples
    --------
    >>> import numpy as np
    >>> from mlecourse.diagnostics import bootstrap_fit
    >>> boot = bootstrap_fit("normal", np.arange(20.0), n_boot=200, rng=1)
    >>> sorted(boot.replicates), len(boot.replicates["mu"])
    (['mu', 'sigma'], 200)
    """
    from ._validate import check_int
    from .fit import DegenerateSampleError, fit

    n_boot = check_int(n_boot, "n_boot", low=2)
    gen = check_rng(rng)
    estimate = fit(family, data, **fixed)
    x = _check_data(estimate, data)
    n = x.shape[0]
    names = list(estimate.free)
    reps = {k: [] for k in names}
    failed = 0
    for _ in range(n_boot):
        sample = x[gen.integers(0, n, size=n)]
        try:
            res = fit(family, sample, **fixed)
        except DegenerateSampleError:
            failed += 1
            continue
        for k in names:
            reps[k].append(res.params[k])
    if failed > 0.1 * n_boot:
        raise ValueError(f"{failed} of {n_boot} bootstrap resamples have no MLE for the family "
                         f"{family!r}; the bootstrap distribution of the survivors would be "
                         "biased. Use a model whose MLE exists on resamples, or a larger sample.")
    if failed:
        warnings.warn(f"{failed} of {n_boot} bootstrap resamples had no MLE and were skipped.",
                      RuntimeWarning, stacklevel=2)
    return BootstrapResult(estimate=estimate, replicates={k: np.array(v) for k, v in reps.items()},
                           n_failed=failed)
