"""Reference computations shared by the hidden tests (not a chapter: the
grader skips files whose names start with an underscore).

They are written here, independently of ``mlecourse``, so that a bug in the
package cannot make a wrong answer look right.
"""

import numpy as np
from scipy import special, stats


def em_normal_mixture_1d(x, w, mu, sd, *, tol=1e-13, max_iter=10_000):
    """Plain EM for a 1-D normal mixture from the given start, run to a tight
    tolerance; components returned in order of their means."""
    w, mu, sd = (np.asarray(v, dtype=float) for v in (w, mu, sd))
    previous = -np.inf
    for _ in range(max_iter):
        logr = np.log(w) + stats.norm.logpdf(x[:, None], mu, sd)
        total = special.logsumexp(logr, axis=1, keepdims=True)
        r = np.exp(logr - total)
        nk = r.sum(axis=0)
        w, mu = nk / x.size, (r * x[:, None]).sum(axis=0) / nk
        sd = np.sqrt((r * (x[:, None] - mu) ** 2).sum(axis=0) / nk)
        if total.sum() - previous < tol:
            break
        previous = total.sum()
    order = np.argsort(mu)
    return w[order], mu[order], sd[order]
