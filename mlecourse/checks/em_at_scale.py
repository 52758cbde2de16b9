"""Self-checks for the exercises of the chapter "EM at scale, and beyond"."""

from __future__ import annotations

import math
import warnings
from functools import cache

import numpy as np

from ._core import approx, as_choice, as_vector, as_whole_number, register

K, D = 5, 10
START = {"weights": [0.4, 0.3, 0.3], "means": [[0.5, 0.5], [3.0, 1.5], [1.5, 4.0]],
         "covariances": np.repeat(np.eye(2)[None], 3, axis=0)}


def _segments(n: int, seed: int) -> np.ndarray:
    """The chapter's customer data: three segments of weights 0.5, 0.3, 0.2."""
    rng = np.random.default_rng(seed)
    z = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    centres = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    return centres[z] + rng.normal(size=(n, 2)) * np.array([1.0, 0.7])


@cache
def _one_step_weights() -> tuple:
    from ..em import ConvergenceWarning, gmm_em

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = gmm_em(_segments(20_000, 1), 3, init=START, max_iter=1, tol=0.0)
    return tuple(float(w) for w in fit.weights)


@register("ex-em_at_scale-reduce",
          hint="per component: one responsibility sum N_k, D weighted sums S_k and D*D "
               "cross-products C_k; and one log-likelihood per chunk.")
def _reduce(answer):
    value = as_whole_number(answer, "n_numbers")
    expected = K * (1 + D + D * D) + 1
    if value == expected - 1:
        return "the chunk's log-likelihood is one more number."
    if value == K * (1 + D + D * (D + 1) // 2) + 1:
        return "that counts only the upper triangle of each C_k; mlecourse sends full matrices."
    if value == K * (1 + D + D * D):
        return "add the chunk's log-likelihood."
    return None if value == expected else f"n_numbers: expected a different count; got {value}."


@register("ex-em_at_scale-merge",
          hint="sum N_k over the chunks, then w_k = N_k / N; the responsibilities are "
               "w_k N(x | mu_k, Sigma_k) divided by their sum over k.")
def _merge(answer):
    w = as_vector(answer, 3, "w_new")
    expected = np.array(_one_step_weights())
    if abs(w.sum() - 1.0) > 1e-6:
        return f"w_new: the weights must sum to 1; they sum to {w.sum():.6g}."
    if np.allclose(w, START["weights"], atol=1e-9):
        return "w_new: those are the starting weights; apply one E-step and one M-step."
    if np.allclose(np.sort(w), np.sort(expected), rtol=1e-6) and not np.allclose(
            w, expected, rtol=1e-6):
        return "w_new: keep the order of the components of start."
    problem = approx(w, expected)
    return f"w_new: {problem}" if problem else None


@register("ex-em_at_scale-boundary",
          hint="solve 1 / (2 + 1.5 t) < 1e-6 for t; the answer is the first whole number "
               "above the root.")
def _boundary(answer):
    value = as_whole_number(answer, "t_needed")
    expected = math.floor((1e6 - 2) / 1.5) + 1
    if value == expected - 1:
        return "at that t, theta is still just above 1e-6: round up."
    if value == math.ceil(1e6 / 1.5):
        return "theta_0 = 0.5 gives 1/theta_0 = 2: subtract it first."
    return None if value == expected else f"t_needed: expected a different count; got {value}."


@register("ex-em_at_scale-kappa",
          hint="sum t^-kappa must diverge and sum t^-2kappa must converge.")
def _kappa(answer):
    letter = as_choice(answer, "abcd")
    if letter == "b":
        return None
    return {
        "a": "with kappa <= 1/2, sum gamma_t^2 diverges: the batch noise never averages out.",
        "c": "with kappa > 1, sum gamma_t is finite: the iterates can stop short.",
        "d": "both conditions cannot hold for every kappa.",
    }[letter]
