"""Self-checks for the chapter *How sure are we?* (``book/uncertainty.md``)."""

from __future__ import annotations

import math

from ._core import (
    approx,
    as_choice,
    as_number,
    as_numbers,
    as_sequence,
    as_whole_number,
    register,
)


@register("ex-uncertainty-se",
          hint="the observed information at p_hat is n / (p_hat (1 - p_hat)); the standard "
               "error is one over its square root.")
def _se(answer):
    p_hat, n = 40 / 250, 250
    want = math.sqrt(p_hat * (1 - p_hat) / n)
    a = as_number(answer)
    if math.isclose(a, want**2, rel_tol=1e-3):
        return "that is the variance of p_hat; the standard error is its square root."
    if math.isclose(a, math.sqrt(p_hat * (1 - p_hat) / (n - 1)), rel_tol=2e-4):
        return "that divides by n - 1; the information gives n."
    return approx(a, want)


@register("ex-uncertainty-n",
          hint="solve sqrt(p (1 - p) / n) <= 0.015 for n, then round to a whole number of "
               "visitors in the direction that keeps the inequality true.")
def _n(answer):
    n = as_whole_number(answer, "n_needed")
    want = math.ceil(0.16 * 0.84 / 0.015**2)
    if n == want - 1:
        return "with that many visitors the standard error is still just above 0.015."
    if n != want:
        return f"{n} is not the smallest number that gives a standard error <= 0.015."
    return None


@register("ex-uncertainty-intervals",
          hint="fit('bernoulli', data).conf_int(method=...) gives both; the likelihood-ratio "
               "interval is method='profile'.")
def _intervals(answer):
    from ..simulate import bernoulli_conf_int

    wald, lr = as_sequence(answer, 2, names=("wald", "lr"))
    want_wald = bernoulli_conf_int(3, 25, method="wald")
    want_lr = bernoulli_conf_int(3, 25, method="profile")
    if approx(wald, want_lr) is None and approx(lr, want_wald) is None:
        return "the two intervals are swapped: the Wald one is symmetric around p_hat."
    problem = approx(wald, want_wald)
    if problem:
        return f"the Wald interval: {problem}"
    problem = approx(lr, want_lr)
    if problem:
        return f"the likelihood-ratio interval: {problem}"
    return None


@register("ex-uncertainty-delta",
          hint="eta_hat = log(p_hat / (1 - p_hat)); the delta method multiplies se(p_hat) by "
               "|g'(p_hat)| = 1 / (p_hat (1 - p_hat)).")
def _delta(answer):
    eta_hat, se_eta = as_numbers(answer, 2, names=("eta_hat", "se_eta"))
    p_hat, n = 40 / 250, 250
    se_p = math.sqrt(p_hat * (1 - p_hat) / n)
    want_eta = math.log(p_hat / (1 - p_hat))
    if math.isclose(eta_hat, math.log(p_hat), rel_tol=1e-6):
        return "eta_hat is log(p_hat); the log-odds is log(p_hat / (1 - p_hat))."
    problem = approx(eta_hat, want_eta)
    if problem:
        return "eta_hat: " + problem
    if math.isclose(se_eta, se_p, rel_tol=1e-4):
        return "se_eta is the standard error of p_hat; multiply it by |g'(p_hat)|."
    if math.isclose(se_eta, se_p * p_hat * (1 - p_hat), rel_tol=1e-4):
        return ("se_eta multiplies by p_hat (1 - p_hat), the derivative of the inverse "
                "function; the delta method uses the derivative of g, 1 / (p_hat (1 - p_hat)).")
    problem = approx(se_eta, se_p / (p_hat * (1 - p_hat)))
    return "se_eta: " + problem if problem else None


def _gamma_information():
    """The rainfall data of the chapter, the gamma MLE and its observed information matrix."""
    import numpy as np
    from scipy import special

    from ..fit import fit

    rain = np.random.default_rng(8).gamma(2.5, 1 / 0.5, size=200)
    params = fit("gamma", rain).params
    a, b, n = params["shape"], params["rate"], rain.size
    return n * np.array([[special.polygamma(1, a), -1 / b], [-1 / b, a / b**2]])


@register("ex-uncertainty-inverse",
          hint="invert the whole matrix J_gamma for se_rate; for a known shape only the "
               "rate's own curvature J_gamma[1, 1] counts.")
def _inverse(answer):
    import numpy as np

    se_rate, se_known = as_numbers(answer, 2, names=("se_rate", "se_rate_known_shape"))
    J = _gamma_information()
    inv = np.linalg.inv(J)
    want = (math.sqrt(inv[1, 1]), 1 / math.sqrt(J[1, 1]))
    if approx((se_rate, se_known), want[::-1]) is None:
        return "the two are swapped: estimating the shape too makes the rate less certain."
    if math.isclose(se_rate, math.sqrt(inv[0, 0]), rel_tol=1e-4):
        return "se_rate is the standard error of the shape; the rate is the second parameter."
    if math.isclose(se_rate, inv[1, 1], rel_tol=1e-4):
        return "se_rate is a variance; take the square root."
    problem = approx(se_rate, want[0])
    if problem:
        return "se_rate: " + problem
    if math.isclose(se_known, 1 / J[1, 1], rel_tol=1e-4):
        return "se_rate_known_shape is a variance, 1 / J_22; take the square root."
    problem = approx(se_known, want[1])
    return "se_rate_known_shape: " + problem if problem else None


@register("ex-uncertainty-coverage",
          hint="for each k from 0 to 30 compute the Wald interval from p_hat = k / 30 and add "
               "the binomial probability of k when the interval contains 0.05.")
def _coverage(answer):
    from ..simulate import exact_coverage

    a = as_number(answer)
    if math.isclose(a, 0.95, abs_tol=1e-9):
        return "0.95 is the nominal level, not the coverage actually achieved."
    return approx(a, exact_coverage(30, 0.05, "wald"))


@register("ex-uncertainty-meaning",
          hint="which statement talks about repeating the experiment and the intervals it "
               "would produce?")
def _meaning(answer):
    a = as_choice(answer, "abcd")
    reasons = {
        "a": "once computed, the interval either contains p or not; p is not random.",
        "b": "the interval is about one parameter p, not about how individuals vary.",
        "d": "a new p_hat varies around p, not around today's estimate.",
    }
    return reasons.get(a)
