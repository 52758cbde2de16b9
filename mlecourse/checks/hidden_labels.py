"""Self-checks for the exercises of the chapter "Hidden labels"."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ._core import approx, as_number, as_numbers, as_whole_number, register


@cache
def _eruptions() -> np.ndarray:
    from ..datasets import load_faithful

    return load_faithful()["eruptions"].to_numpy(dtype=float)


@cache
def _waiting() -> np.ndarray:
    from ..datasets import load_faithful

    return load_faithful()["waiting"].to_numpy(dtype=float)


@cache
def _fit(which: str):
    from ..mixture import fit_mixture_direct

    data = _eruptions() if which == "eruptions" else _waiting()
    return fit_mixture_direct(data, 2, rng=0)


@register("ex-hidden_labels-loglik",
          hint="for each eruption, logsumexp over the two components of log w_k + log phi(x; "
               "mu_k, sigma_k); then add up over the eruptions.")
def _loglik(answer):
    from scipy import special, stats

    value = as_number(answer)
    x = _eruptions()
    w, mu, sd = np.array([0.4, 0.6]), np.array([2.0, 4.3]), np.array([0.3, 0.4])
    logphi = stats.norm.logpdf(x[:, None], mu, sd)
    if math.isclose(value, float(np.sum(special.logsumexp(logphi, axis=1))), rel_tol=1e-6):
        return "the weights w_k are missing from the sum."
    if math.isclose(value, float(np.sum(np.log(w) + logphi)), rel_tol=1e-6):
        return "the sum over components belongs inside the log, not outside."
    if math.isclose(value, float(np.sum(np.max(np.log(w) + logphi, axis=1))), rel_tol=1e-6):
        return "that keeps only the larger component for each eruption; add both inside the log."
    from ..mixture import mixture_loglik

    return approx(value, mixture_loglik(x, w, mu, sd))


@register("ex-hidden_labels-complete",
          hint="with labels known, fit a normal to the short durations alone (MLE: divisor n, "
               "not n - 1); the weight is the fraction of eruptions that are short.")
def _complete(answer):
    triple = as_numbers(answer, 3, names=("w_short", "mu_short", "sd_short"))
    x = _eruptions()
    short = x[x < 3.0]
    w, mu, sd = triple
    if math.isclose(sd, float(short.std(ddof=1)), rel_tol=1e-6):
        return "that standard deviation uses the divisor n - 1; the MLE uses n."
    if math.isclose(w, float(short.size), rel_tol=1e-9):
        return "the weight is a fraction of all eruptions, not a count."
    return approx(np.array(triple), np.array([short.size / x.size, short.mean(), short.std()]))


@register("ex-hidden_labels-resp",
          hint="Bayes' theorem: w_long phi(2.75; mu_long, sd_long) divided by the sum of the "
               "same quantity over both components.")
def _resp(answer):
    from ..mixture import responsibilities

    value = as_number(answer)
    if not 0 <= value <= 1:
        return "a probability lies between 0 and 1."
    fit = _fit("eruptions")
    r = responsibilities([2.75], fit.weights, fit.means, fit.sds)[0]
    if math.isclose(value, float(r[0]), rel_tol=1e-3):
        return "that is the probability of the short component."
    if math.isclose(value, float(fit.weights[1]), rel_tol=1e-3):
        return "that is the weight of the long component, its probability before seeing x."
    return approx(value, float(r[1]))


@register("ex-hidden_labels-switch",
          hint="each relabelling of the components gives the same mixture; count the ways to "
               "assign three labels.")
def _switch(answer):
    value = as_whole_number(answer)
    if value == 3:
        return "3 counts the components; count the orderings of the labels."
    if value == 1:
        return "the maximum is not unique: swapping labels leaves the likelihood unchanged."
    return None if value == 6 else f"{value} is not right."


@register("ex-hidden_labels-waiting",
          hint="fit_mixture_direct(waiting, 2) returns the log-likelihood and the means; "
               "convert the waiting times to floats first if you write your own optimiser.")
def _waiting_check(answer):
    triple = as_numbers(answer, 3, names=("ll_waiting", "mu_low", "mu_high"))
    fit = _fit("waiting")
    ll, lo, hi = triple
    if lo > hi:
        return "give the smaller mean first."
    problem = approx(np.array(triple), np.array([fit.loglik, fit.means[0], fit.means[1]]))
    if problem is not None and ll < fit.loglik - 1e-3:  # only for an answer not accepted
        return ("that log-likelihood is below the maximum: a local maximum or an optimiser "
                "stopped early; try more starts.")
    return problem
