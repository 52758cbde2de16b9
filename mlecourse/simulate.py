"""Sampling distributions and interval coverage, by simulation and exactly.

The questions of the chapter *How sure are we?*: if the experiment were run
again and again, how would the maximum-likelihood estimate vary, and how often
would a 95% interval contain the true value?

* :func:`sampling_distribution` -- repeat an experiment ``reps`` times and
  return the MLE of each replicate (vectorised for the families with a closed
  form, a loop over :func:`mlecourse.fit` otherwise).
* :func:`bernoulli_conf_int` -- Wald and likelihood-ratio (profile) intervals
  for a proportion, ``k`` successes in ``n`` trials, for whole arrays of ``k``
  at once.
* :func:`coverage` -- the coverage of those intervals estimated by simulation.
* :func:`exact_coverage` -- the same coverage computed exactly, by summing
  binomial probabilities over the ``n + 1`` possible outcomes (no simulation
  noise), as in Brown, Cai and DasGupta (2001); this is
  :func:`mlecourse.intervals.exact_coverage`, re-exported here.
* :func:`customers` -- the simulated online shop of the chapter *Models you
  already use are MLE*: features and outcomes with known true coefficients.

Everything here is numerical: the figures are drawn by
:mod:`mlecourse.plots`.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_choice, check_int, check_real, check_rng
from .families import get_family
from .intervals import exact_coverage

__all__ = ["bernoulli_conf_int", "coverage", "customers", "exact_coverage",
           "sampling_distribution"]


# ---------------------------------------------------------------------------
# samplers: one draw of shape `size` from each family at the given parameters

def _sample(name, rng, size, params, known):
    if name == "bernoulli":
        return rng.binomial(1, params["p"], size).astype(float)
    if name == "binomial":
        return rng.binomial(known["trials"], params["p"], size).astype(float)
    if name == "geometric":
        return rng.geometric(params["p"], size).astype(float)
    if name == "normal":
        return rng.normal(params["mu"], params["sigma"], size)
    if name == "poisson":
        return rng.poisson(params["lam"], size).astype(float)
    if name == "exponential":
        return rng.exponential(1.0 / params["rate"], size)
    if name == "laplace":
        return rng.laplace(params["mu"], params["b"], size)
    if name == "student_t":
        return params["mu"] + params["sigma"] * rng.standard_t(params["nu"], size)
    if name == "gamma":
        return rng.gamma(params["shape"], 1.0 / params["rate"], size)
    if name == "negbin":
        r = params["r"]
        return rng.negative_binomial(r, r / (r + params["mu"]), size).astype(float)
    raise ValueError(f"no sampler for the {name} family.")  # pragma: no cover


def _closed_form_rows(name, x, fixed, known):
    """Row-wise MLEs of a (reps, n) sample, or None when there is no closed form."""
    if name == "bernoulli":
        return {"p": x.mean(axis=1)}
    if name == "binomial":
        return {"p": x.mean(axis=1) / known["trials"]}
    if name == "geometric":
        return {"p": 1.0 / x.mean(axis=1)}
    if name == "poisson":
        return {"lam": x.mean(axis=1)}
    if name == "exponential":
        return {"rate": 1.0 / x.mean(axis=1)}
    if name == "normal":
        mu = np.full(x.shape[0], fixed["mu"]) if "mu" in fixed else x.mean(axis=1)
        if "sigma" in fixed:
            return {"mu": mu}
        return {"mu": mu, "sigma": np.sqrt(np.mean((x - mu[:, None]) ** 2, axis=1))}
    if name == "laplace":
        mu = np.full(x.shape[0], fixed["mu"]) if "mu" in fixed else np.median(x, axis=1)
        if "b" in fixed:
            return {"mu": mu}
        return {"mu": mu, "b": np.mean(np.abs(x - mu[:, None]), axis=1)}
    if name == "gamma" and "rate" not in fixed:
        # the one-dimensional reduction of mlecourse.fit, for all replicates at once: the
        # rate is shape / mean, the shape solves log(a) - digamma(a) = log(mean) - mean(log)
        from .families import DegenerateSampleError, _gamma_shape_rows

        mean = x.mean(axis=1)
        if "shape" in fixed:
            return {"shape": np.full(x.shape[0], fixed["shape"]), "rate": fixed["shape"] / mean}
        s = np.log(mean) - np.log(x).mean(axis=1)
        if not np.all(s > 0):
            i = int(np.flatnonzero(~(s > 0))[0])
            raise DegenerateSampleError(
                f"replicate {i} has all values equal, so the MLE of the gamma shape does not "
                "exist (the likelihood grows as shape -> infinity); use a larger n.")
        shape = _gamma_shape_rows(s)
        return {"shape": shape, "rate": shape / mean}
    if name == "negbin" and "r" in fixed:
        return {"mu": np.full(x.shape[0], fixed["mu"]) if "mu" in fixed else x.mean(axis=1)}
    return None


def sampling_distribution(family, true_params: dict, n: int, reps: int, *, rng=None,
                          **fixed) -> np.ndarray:
    """Simulate the sampling distribution of the MLE.

    Draws ``reps`` independent samples of size ``n`` from ``family`` at
    ``true_params`` and returns the maximum-likelihood estimate from each:
    the experiment repeated ``reps`` times.

    Parameters
    ----------
    family : str or Family
        A family name, e.g. ``"bernoulli"`` or ``"normal"``.
    true_params : dict
        The true value of every parameter of the family, e.g. ``{"p": 0.6}``;
        the data are simulated from these.
    n : int
        Sample size of each replicate, at least 1.
    reps : int
        Number of replicates, at least 1.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (a seed or a Generator).
    **fixed : float
        Parameters held fixed at a value when estimating (they are not
        estimated, e.g. ``sigma=1.0`` for the normal), and known constants
        (``trials`` for the binomial).

    Returns
    -------
    ndarray
        Shape ``(reps,)`` when one parameter is estimated; shape
        ``(reps, k)`` when ``k > 1`` are, with columns in the family's
        parameter order (e.g. ``mu``, ``sigma``).

    Raises
    ------
    ValueError
        A missing or out-of-range true parameter, ``n`` or ``reps`` below 1,
        or a sample size for which the MLE does not exist (the normal with
        unknown ``sigma`` needs ``n >= 2``).

    Notes
    -----
    For the Bernoulli the number of successes of each replicate is drawn
    directly from the binomial distribution, which is the same in
    distribution as drawing ``n`` zeros and ones and adding them up. For the
    families whose MLE has a closed form (Bernoulli, binomial, geometric,
    normal, Poisson, exponential, Laplace) all replicates are estimated at
    once, and so is the gamma (its one-dimensional reduction: the rate is
    shape / mean, and the shape solves
    ``log(a) - digamma(a) = log(mean x) - mean(log x)`` by Newton's method,
    all rows together); 1,000 gamma replicates take well under a second. For
    the others (Student t, negative binomial with ``r`` free, gamma with the
    rate fixed) each replicate is fitted with :func:`mlecourse.fit`.

    Examples
    --------
    >>> from mlecourse.simulate import sampling_distribution
    >>> p_hat = sampling_distribution("bernoulli", {"p": 0.6}, n=100, reps=2000, rng=1)
    >>> p_hat.shape
    (2000,)
    >>> bool(abs(p_hat.std() - (0.6 * 0.4 / 100) ** 0.5) < 0.003)
    True
    """
    fam = get_family(family)
    if not isinstance(true_params, dict):
        raise TypeError(f"true_params must be a dict of parameter values such as {{'p': 0.6}}; "
                        f"got {type(true_params).__name__}.")
    n = check_int(n, "n", low=1)
    reps = check_int(reps, "reps", low=1)
    rng = check_rng(rng)
    known = fam.check_known({k: fixed.pop(k) for k in list(fixed) if k in fam.known})
    missing = [p for p in fam.params if p not in true_params]
    if missing:
        raise ValueError(f"true_params lacks a value for {missing}; the {fam.name} family has "
                         f"parameters {list(fam.params)}.")
    truth = {k: float(v) for k, v in fam.check_params(dict(true_params),
                                                       allow_arrays=False).items()}
    fixed = {k: float(v) for k, v in fam.check_params(fixed, allow_arrays=False).items()}
    if fam.name == "geometric" and truth["p"] == 0:
        raise ValueError("p must be > 0 for the geometric family (with p = 0 no trial succeeds).")
    free = [p for p in fam.params if p not in fixed]
    if not free:
        raise ValueError("every parameter is fixed, so there is nothing to estimate; "
                         f"leave at least one of {list(fam.params)} free.")
    if fam.name in ("normal", "student_t", "gamma", "laplace") and n < 2 and (
            {"sigma", "b", "shape"} & set(free)):
        raise ValueError(f"the MLE of the {fam.name} scale does not exist for samples of size 1; "
                         "use n >= 2 or fix the scale.")

    if fam.name == "bernoulli":  # the sum of n Bernoulli draws is binomial
        est = rng.binomial(n, truth["p"], reps) / n
        return est
    x = _sample(fam.name, rng, (reps, n), truth, known)
    rows = _closed_form_rows(fam.name, x, fixed, known)
    if rows is None:
        from .fit import fit

        out = np.empty((reps, len(free)))
        for i in range(reps):
            res = fit(fam, x[i], **fixed, **known)
            out[i] = [res.params[p] for p in free]
    else:
        out = np.column_stack([rows[p] for p in free])
    return out[:, 0] if len(free) == 1 else out


# ---------------------------------------------------------------------------
# intervals for a proportion

def _check_method(method):
    # "lr" (likelihood ratio) is accepted as another name for "profile", as in
    # mlecourse.intervals
    check_choice(method, "method", ("wald", "profile", "lr"))
    return "profile" if method == "lr" else method


def _check_level(level):
    return check_real(level, "level", low=0, high=1, inclusive=False)


def _counts(k, n, name="k"):
    kk = np.asarray(k)
    if kk.dtype == object or kk.dtype.kind not in "iuf" or isinstance(k, bool):
        raise TypeError(f"{name} must be a whole number or an array of whole numbers of "
                        f"successes; got {type(k).__name__}.")
    kf = as_float_array(kk, name, ndim=None)
    if np.any(kf != np.round(kf)) or np.any(kf < 0) or np.any(kf > n):
        bad = kf.ravel()[(kf.ravel() != np.round(kf.ravel())) | (kf.ravel() < 0)
                         | (kf.ravel() > n)][0]
        raise ValueError(f"{name} must be whole numbers of successes from 0 to n={n}; "
                         f"got {bad:g}.")
    return kf


def _lr_limits(k, n, level):
    """Likelihood-ratio limits for an array of counts ``k``.

    Only ``n + 1`` counts are possible, so each distinct count is solved once
    by :func:`mlecourse.intervals.binomial_interval` and the limits are
    looked up.
    """
    from .intervals import binomial_interval

    uniq, inverse = np.unique(k.astype(int), return_inverse=True)
    lims = np.array([binomial_interval(int(u), n, "lr", level) for u in uniq])
    return lims[inverse, 0].reshape(k.shape), lims[inverse, 1].reshape(k.shape)


def bernoulli_conf_int(k, n: int, *, level: float = 0.95, method: str = "wald"):
    """Confidence intervals for a proportion from ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k : int or array_like of int
        Number(s) of successes, each from 0 to ``n``.
    n : int
        Number of trials, at least 1.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.
    method : {"wald", "profile", "lr"}, default "wald"
        ``"wald"``: :math:`\\hat p \\pm z \\sqrt{\\hat p (1 - \\hat p) / n}`
        (not clipped to [0, 1], as :meth:`mlecourse.FitResult.conf_int`);
        zero width when ``k`` is 0 or ``n``.
        ``"profile"`` (or ``"lr"``): the likelihood-ratio interval, the values of ``p``
        whose log-likelihood is within half the chi-square(1) quantile of its
        maximum, found by bisection for all ``k`` at once. When ``k`` is 0
        the lower limit is 0 and the upper limit is
        :math:`1 - \\exp(-\\chi^2_{1, \\text{level}} / (2 n))` (mirrored
        when ``k = n``).

    Returns
    -------
    low, high : ndarray or float
        The limits, of the shape of ``k`` (floats for a scalar ``k``).

    Examples
    --------
    >>> from mlecourse.simulate import bernoulli_conf_int
    >>> low, high = bernoulli_conf_int(60, 100)
    >>> round(low, 4), round(high, 4)
    (0.504, 0.696)
    """
    from scipy import stats

    n = check_int(n, "n", low=1)
    level = _check_level(level)
    method = _check_method(method)
    kf = _counts(k, n)
    scalar = kf.ndim == 0
    kf = np.atleast_1d(kf)
    p_hat = kf / n
    if method == "wald":
        z = stats.norm.ppf(0.5 + level / 2)
        half = z * np.sqrt(p_hat * (1 - p_hat) / n)
        low, high = p_hat - half, p_hat + half
    else:
        low, high = _lr_limits(kf, n, level)
    if scalar:
        return float(low[0]), float(high[0])
    return low, high


def _check_ps(p):
    ps = as_float_array(p, "p", ndim=None)
    if np.any((ps < 0) | (ps > 1)):
        flat = ps.ravel()
        raise ValueError(f"p must lie in [0, 1]; got {flat[(flat < 0) | (flat > 1)][0]:g}.")
    return ps


def coverage(n: int, p, method: str = "wald", *, reps: int = 10_000, level: float = 0.95,
             rng=None):
    """Coverage of a nominal ``level`` interval for a proportion, by simulation.

    For each true ``p``, runs the experiment (``n`` trials) ``reps`` times,
    computes the interval from each outcome and returns the fraction of
    intervals that contain ``p``. The Monte Carlo standard error of each
    value is about ``sqrt(c (1 - c) / reps)`` for a coverage ``c``;
    :func:`exact_coverage` gives the value without simulation noise.

    Parameters
    ----------
    n : int
        Number of trials per experiment, at least 1.
    p : float or array_like
        True success probability (or several), each in [0, 1].
    method : {"wald", "profile", "lr"}, default "wald"
        The interval, as in :func:`bernoulli_conf_int`.
    reps : int, default 10000
        Number of simulated experiments per value of ``p``.
    level : float, default 0.95
        Nominal confidence level.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    float or ndarray
        The simulated coverage, of the shape of ``p``.

    Examples
    --------
    >>> from mlecourse.simulate import coverage
    >>> c = coverage(10, 0.1, "wald", reps=20000, rng=3)
    >>> bool(0.63 < c < 0.67)
    True
    """
    n = check_int(n, "n", low=1)
    method = _check_method(method)
    level = _check_level(level)
    reps = check_int(reps, "reps", low=1)
    rng = check_rng(rng)
    ps = _check_ps(p)
    # intervals for every possible outcome, computed once
    low, high = bernoulli_conf_int(np.arange(n + 1), n, level=level, method=method)
    pf = ps.reshape(-1, 1)
    k = rng.binomial(n, pf, (pf.shape[0], reps))
    covered = (low[k] <= pf) & (pf <= high[k])
    out = covered.mean(axis=1).reshape(ps.shape)
    return float(out) if out.ndim == 0 else out


# ---------------------------------------------------------------------------
# the simulated customers of the regression chapter

CUSTOMER_COEF = {
    "spend": {"intercept": 20.0, "minutes": 3.0, "purchases": 8.0, "sigma": 12.0},
    "buy": {"intercept": -3.0, "minutes": 0.25, "purchases": 0.6},
}
"""True coefficients of :func:`customers`: the linear model for ``spend`` (with
its noise standard deviation ``sigma``) and the logistic model for ``buy``."""


def customers(n: int = 400, *, rng=None) -> dict:
    """Simulate ``n`` visitors of an online shop, with known true coefficients.

    Each visitor spends ``minutes`` on the site (gamma, shape 2, mean 8) and
    has made ``purchases`` before (Poisson, mean 1.5). Two outcomes follow the
    models of :data:`CUSTOMER_COEF`:

    * ``spend``, the amount spent (a continuous outcome):
      ``20 + 3 minutes + 8 purchases + noise``, noise normal with standard
      deviation 12 (a linear model; negative values are allowed, as returns);
    * ``buy``, whether the visitor buys (0 or 1), with probability
      ``1 / (1 + exp(-(-3 + 0.25 minutes + 0.6 purchases)))`` (a logistic model).

    Parameters
    ----------
    n : int, default 400
        Number of visitors, at least 1.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (chapters pass a seed).

    Returns
    -------
    dict of str to ndarray, each of shape (n,)
        ``minutes``, ``purchases``, ``spend`` and ``buy`` (floats).
        ``pandas.DataFrame(customers(...))`` makes a table of it.

    Examples
    --------
    >>> from mlecourse.simulate import customers
    >>> d = customers(5, rng=1)
    >>> sorted(d)
    ['buy', 'minutes', 'purchases', 'spend']
    >>> d["buy"].shape
    (5,)
    """
    n = check_int(n, "n", low=1)
    rng = check_rng(rng)
    minutes = rng.gamma(2.0, 4.0, n)
    purchases = rng.poisson(1.5, n).astype(float)
    c = CUSTOMER_COEF["spend"]
    spend = (c["intercept"] + c["minutes"] * minutes + c["purchases"] * purchases
             + rng.normal(0.0, c["sigma"], n))
    b = CUSTOMER_COEF["buy"]
    eta = b["intercept"] + b["minutes"] * minutes + b["purchases"] * purchases
    buy = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    return {"minutes": minutes, "purchases": purchases, "spend": spend, "buy": buy}
