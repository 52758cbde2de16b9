"""The common case of :func:`mlecourse.fit`, computed in as few passes over the data as possible.

Each function here takes the data as a 1-D float64 array (not yet checked) and the
known constants, and returns ``(params, loglik, se, cross, method)`` for a fit with
every parameter free (``cross`` is the covariance of the two estimates of a
two-parameter family, else 0), or ``None``. ``None`` means "not certain": a value
outside the support, NaN or infinity, a sample on the boundary or degenerate, units
so extreme that a sum of squares could overflow or underflow, anything unusual. The
general path in :func:`mlecourse.fit` then runs, and it is the one that raises the
error, warns, or handles the extreme case. So this module never decides anything the
general path would decide differently; it only skips work when the answer is a
formula:

- the checks are folded into the passes the estimate needs: the smallest and
  largest values bound every later sum (and NaN fails every comparison), and whole
  numbers are checked by the round trip through integers that the table of counts
  needs anyway;
- the log-likelihood and the information are evaluated at the MLE in closed form,
  where the score equations simplify them (for the normal, sum of z^2 = n and
  sum of z = 0; for the Laplace, sum |x - mu| = n b; for the exponential,
  rate * sum(x) = n);
- the standard errors are the square roots of the diagonal of the inverse
  information, written out.

``tests/test_fit_fast.py`` checks that both paths agree to rounding on random
data and that every case the fast path declines still gets the general path's
error or warning.
"""

from __future__ import annotations

import math

import numpy as np

_LOG_2PI = math.log(2 * math.pi)


def _whole_counts(x, low, high):
    """Counts of each whole number in ``x`` (bincount), or ``None`` unless every value is a
    whole number in [low, high] and the largest is small enough for a table."""
    lo, hi = np.minimum.reduce(x), np.maximum.reduce(x)  # NaN fails both tests below
    if not (lo >= low and hi <= high and hi <= 4 * x.size + 64):
        return None
    xi = x.astype(np.int64)
    # whole numbers survive the round trip bit for bit (-0.0 does not: the general path)
    if xi.astype(np.float64).tobytes() != x.tobytes():
        return None
    return np.bincount(xi)


_LOG_FACTORIALS = np.zeros(1)


def _log_factorials(m):
    """log(k!) for k = 0 .. m - 1, from a table kept between calls."""
    from scipy import special  # imported on first use: `import mlecourse` stays light

    global _LOG_FACTORIALS
    if m > 1 << 20:  # a table this long is not worth keeping
        return special.gammaln(np.arange(1.0, m + 1.0))
    if _LOG_FACTORIALS.size < m:
        _LOG_FACTORIALS = special.gammaln(np.arange(1.0, max(m, 1024) + 1.0))
    return _LOG_FACTORIALS[:m]


# Every bound below keeps every sum and product of the data finite and free of
# overflow warnings (|x| < 1e150 and n < 1e140, say); data beyond them (units of
# 1e200, or 1e-300) take the general path, which rescales.
_BIG = 1e150


def _range(x):
    """The smallest and largest value (NaN in ``x`` makes both comparisons below fail)."""
    return float(np.minimum.reduce(x)), float(np.maximum.reduce(x))


_WHOLE = np.zeros(1)


def _whole_numbers(m):
    """0.0, 1.0, ..., m - 1 as floats, from a table kept between calls."""
    global _WHOLE
    if _WHOLE.size < m:
        if m > 1 << 20:
            return np.arange(float(m))
        _WHOLE = np.arange(float(max(m, 1024)))
    return _WHOLE[:m]


_LOG_CHOOSE = (0, np.zeros(1))


def _log_choose(trials):
    """log C(trials, k) for k = 0 .. trials, kept for the last ``trials`` asked for."""
    global _LOG_CHOOSE
    cached = _LOG_CHOOSE  # one read: another thread may replace it meanwhile
    if cached[0] != trials:
        lf = _log_factorials(trials + 1)
        cached = _LOG_CHOOSE = (trials, lf[trials] - lf - lf[::-1])
    return cached[1]


def normal(x, known):
    lo, hi = _range(x)
    if not (-_BIG < lo < hi < _BIG):  # lo == hi: all values equal, no MLE of sigma
        return None
    n = x.size
    mu = float(np.add.reduce(x)) / n
    r = x - mu
    ss = float(r @ r)
    if not ss >= n * 1e-290:  # no term that matters lost to underflow
        return None
    sigma = math.sqrt(ss / n)
    loglik = -0.5 * n * (1.0 + _LOG_2PI) - n * math.log(sigma)
    se_mu = sigma / math.sqrt(n)
    return {"mu": mu, "sigma": sigma}, loglik, (se_mu, se_mu / math.sqrt(2.0)), 0.0, "closed form"


def exponential(x, known):
    lo, hi = _range(x)
    if not (lo >= 0 and 1e-290 < hi < _BIG):  # hi = 0: all zero, no MLE of the rate
        return None
    n = x.size
    rate = n / float(np.add.reduce(x))
    return {"rate": rate}, n * (math.log(rate) - 1.0), (rate / math.sqrt(n),), 0.0, "closed form"


def laplace(x, known):
    lo, hi = _range(x)
    if not (-_BIG < lo < hi < _BIG):
        return None
    n = x.size
    h = n // 2
    if n % 2:
        mu = float(np.partition(x, h)[h])
    else:  # as numpy.median: the mean of the two middle values
        part = np.partition(x, (h - 1, h))
        mu = float(np.add.reduce(part[h - 1:h + 1])) / 2
    b = float(np.add.reduce(np.abs(x - mu))) / n
    if not b > 1e-290:
        return None
    se = b / math.sqrt(n)  # the expected information n / b^2 for both parameters
    return {"mu": mu, "b": b}, -n * (1.0 + math.log(2 * b)), (se, se), 0.0, "closed form"


def bernoulli(x, known):
    if not ((x == 0.0) | (x == 1.0)).all():
        return None
    n = x.size
    k = float(np.add.reduce(x))
    if not 0 < k < n:  # p = 0 or 1: on the boundary, which the general path reports
        return None
    p = k / n
    loglik = k * math.log(p) + (n - k) * math.log1p(-p)
    return {"p": p}, loglik, (math.sqrt(p * (1 - p)) / math.sqrt(n),), 0.0, "closed form"


def binomial(x, known):
    trials = known["trials"]
    c = _whole_counts(x, 0, trials)
    if c is None or trials > 4 * x.size + 64:
        return None
    n = x.size
    k = float(np.add.reduce(x))
    if not 0 < k < n * trials:
        return None
    p = k / (n * trials)
    m = c.size  # one term per distinct count, as for the Poisson
    log_q = math.log1p(-p)
    loglik = float(c @ (_whole_numbers(m) * (math.log(p) - log_q) + trials * log_q
                        + _log_choose(trials)[:m]))
    return ({"p": p}, loglik, (math.sqrt(p * (1 - p)) / math.sqrt(n * trials),), 0.0,
            "closed form")


def geometric(x, known):
    lo, hi = _range(x)
    if not (lo >= 1 and 1 < hi < _BIG):  # hi = 1: all ones, p = 1 on the boundary
        return None
    if not (x == np.floor(x)).all():
        return None
    n = x.size
    s = float(np.add.reduce(x))
    p = n / s
    loglik = n * math.log(p) + (s - n) * math.log1p(-p)
    return {"p": p}, loglik, (p * math.sqrt(1 - p) / math.sqrt(n),), 0.0, "closed form"


def poisson(x, known):
    c = _whole_counts(x, 0, math.inf)
    if c is None:
        return None
    n = x.size
    k = float(np.add.reduce(x))
    if not k > 0:
        return None
    lam = k / n
    # one term per distinct count, each small (its parts cancel there, not in a total of
    # size n lam log lam): as accurate as summing the n log-masses
    m = c.size
    loglik = float(c @ (_whole_numbers(m) * math.log(lam) - lam - _log_factorials(m)))
    return {"lam": lam}, loglik, (math.sqrt(lam / n),), 0.0, "closed form"


def gamma(x, known):
    from scipy import special

    from .families import _gamma_shape

    lo, hi = _range(x)
    if not (1e-290 < lo < hi < _BIG):  # lo == hi: all equal, no MLE of the shape
        return None
    n = x.size
    s = float(np.add.reduce(x))
    slog = float(np.add.reduce(np.log(x)))
    mean = s / n
    gap = math.log(mean) - slog / n  # > 0 by Jensen unless all values are (nearly) equal
    if not gap > 1e-8:
        return None
    a = _gamma_shape(gap)
    rate = a / mean
    loglik = n * (a * math.log(rate) - math.lgamma(a)) + (a - 1) * slog - rate * s
    # the information of (shape / a, rate / rate): n [[a^2 trigamma(a), -a], [-a, a]]
    i_aa = a * a * float(special.zeta(2.0, a))  # trigamma
    det = i_aa * a - a * a  # n^2 times the determinant, > 0 since a trigamma(a) > 1
    if not det > 0:
        return None
    se_a = a * math.sqrt(a / (n * det))
    se_r = rate * math.sqrt(i_aa / (n * det))
    cross = a * rate * a / (n * det)
    return {"shape": a, "rate": rate}, loglik, (se_a, se_r), cross, "numerical"


FAST = {"normal": normal, "exponential": exponential, "laplace": laplace,
        "bernoulli": bernoulli, "binomial": binomial, "geometric": geometric,
        "poisson": poisson, "gamma": gamma}
