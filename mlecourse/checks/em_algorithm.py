"""Self-checks for the exercises of the chapter "The EM algorithm"."""

from __future__ import annotations

import math

from ._core import approx, as_choice, as_number, as_numbers, register

RAO = (125, 18, 20, 34)
FISHER_BALMUKAND = (1997, 906, 904, 32)


def _rates(counts) -> tuple[float, float]:
    """MLE and fraction of missing information for the linkage model."""
    x1, x2, x3, x4 = counts
    n = sum(counts)
    b = x1 - 2 * x2 - 2 * x3 - x4
    theta = (b + math.sqrt(b * b + 8 * n * x4)) / (2 * n)   # n t^2 - b t - 2 x4 = 0
    z = x1 * theta / (2 + theta)
    i_obs = x1 / (2 + theta) ** 2 + (x2 + x3) / (1 - theta) ** 2 + x4 / theta ** 2
    i_com = (z + x4) / theta ** 2 + (x2 + x3) / (1 - theta) ** 2
    return theta, 1 - i_obs / i_com


@register("ex-em_algorithm-first-step",
          hint="E-step: z_hat = x1 * theta / (2 + theta); M-step: the proportion "
               "(z_hat + x4) / (z_hat + x2 + x3 + x4).")
def _first_step(answer):
    z_hat, theta1 = as_numbers(answer, 2, names=("z_hat0", "theta1"))
    x1, x2, x3, x4 = RAO
    expected_z = x1 * 0.3 / 2.3
    if math.isclose(z_hat, x1 * 0.3 / 4, rel_tol=1e-6):
        return "z_hat uses the cell probability theta/4 alone; divide it by the whole first " \
               "cell's probability 1/2 + theta/4."
    problem = approx(z_hat, expected_z)
    if problem:
        return f"z_hat: {problem}"
    if math.isclose(theta1, (expected_z + x4) / (x1 + x2 + x3 + x4), rel_tol=1e-6):
        return "theta1: the denominator is the number of animals in the binomial part " \
               "(z_hat + x2 + x3 + x4), not all 197."
    problem = approx(theta1, (expected_z + x4) / (expected_z + x2 + x3 + x4))
    return f"theta1: {problem}" if problem else None


@register("ex-em_algorithm-fisher",
          hint="run linkage_em((1997, 906, 904, 32)); then compute I_obs = -l''(theta_hat) "
               "and I_com = (z_hat + x4)/theta^2 + (x2 + x3)/(1 - theta)^2 at theta_hat.")
def _fisher(answer):
    theta, rate = as_numbers(answer, 2, names=("theta_hat_fb", "rate_fb"))
    theta_fb, rate_fb = _rates(FISHER_BALMUKAND)
    problem = approx(theta, theta_fb)
    if problem:
        if math.isclose(theta, _rates(RAO)[0], rel_tol=1e-4):
            return "theta_hat_fb is the estimate for Rao's counts; use (1997, 906, 904, 32)."
        return f"theta_hat_fb: {problem}"
    if math.isclose(rate, _rates(RAO)[1], rel_tol=1e-3):
        return "rate_fb is the fraction for Rao's counts; evaluate it for the new counts."
    if math.isclose(rate, 1 - rate_fb, rel_tol=1e-3):
        return "rate_fb is I_obs / I_com, the fraction observed; the rate is the fraction missing."
    problem = approx(rate, rate_fb)
    return f"rate_fb: {problem}" if problem else None


@register("ex-em_algorithm-gap",
          hint="the hidden count is Binomial(125, p) with p = theta/(2 + theta); the gap is "
               "125 times the KL divergence between Bernoulli(p_t) and Bernoulli(p).")
def _gap(answer):
    gap = as_number(answer, "gap_05")
    pt, p = 0.2 / 2.2, 0.5 / 2.5
    expected = 125 * (pt * math.log(pt / p) + (1 - pt) * math.log((1 - pt) / (1 - p)))
    if gap < 0:
        return "the gap is l(theta) - B(theta), which is never negative (the bound is below l)."
    reverse = 125 * (p * math.log(p / pt) + (1 - p) * math.log((1 - p) / (1 - pt)))
    if math.isclose(gap, reverse, rel_tol=1e-4):
        return "the divergence is the wrong way round: KL(q || p) with q the law at theta_t."
    return approx(gap, expected)


@register("ex-em_algorithm-claim",
          hint="write l(theta_{t+1}) - l(theta_t) as the change of Q plus the change of H.")
def _claim(answer):
    letter = as_choice(answer, "abcd")
    if letter == "c":
        return None
    return {
        "a": "the M-step maximises Q, a lower bound on l, not l itself.",
        "b": "EM's fixed points are stationary points of the observed-data likelihood itself.",
        "d": "EM's error shrinks by the missing fraction per step; it is not a count of steps.",
    }[letter]
