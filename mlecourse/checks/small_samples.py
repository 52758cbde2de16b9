"""Self-checks for the exercises of the chapter "Small samples and boundaries"."""

from __future__ import annotations

import math

from ._core import approx, as_choice, as_number, register


@register("ex-small_samples-map",
          hint="the posterior is Beta(k + a, n - k + b); its mode is (alpha - 1) / "
               "(alpha + beta - 2).")
def _map(answer):
    from ..intervals import map_estimate, posterior_mean

    value = as_number(answer)
    if math.isclose(value, 2 / 8, rel_tol=1e-6):
        return "that is the MLE k / n; the prior has not been used."
    if math.isclose(value, posterior_mean(2, 8, 3, 3), rel_tol=1e-6):
        return "that is the posterior mean, not its mode."
    return approx(value, map_estimate(2, 8, 3, 3))


@register("ex-small_samples-lr-upper",
          hint="with k = 0 the log-likelihood is n log(1 - p) and its maximum is 0; "
               "find where it has dropped by half the chi-square(1) 95% quantile.")
def _lr_upper(answer):
    from scipy import stats

    value = as_number(answer)
    if value == 0:
        return "0 is the Wald limit, which has zero width here; the likelihood-ratio limit is not."
    if math.isclose(value, 0.3, rel_tol=1e-6):
        return ("3 / n is the 'rule of three', an approximate one-sided exact bound, "
                "not the likelihood-ratio limit.")
    exact_upper = float(stats.beta.ppf(0.975, 1, 10))
    if math.isclose(value, exact_upper, rel_tol=1e-4):
        return "that is the Clopper-Pearson upper limit, not the likelihood-ratio one."
    drop = float(stats.chi2.ppf(0.95, 1)) / 2
    if math.isclose(value, 1 - math.exp(-drop / 10 * 2), rel_tol=1e-4):
        return "the drop is half the chi-square quantile, not the whole quantile."
    return approx(value, 1 - math.exp(-drop / 10))


@register("ex-small_samples-coverage",
          hint="for each k = 0..20 compute the Clopper-Pearson limits from Beta quantiles "
               "(lower 0 at k = 0, upper 1 at k = 20); add the binomial probabilities P(K = k) "
               "of the k whose interval contains 0.05.")
def _coverage(answer):
    from ..intervals import exact_coverage

    value = as_number(answer)
    if not 0 <= value <= 1:
        return "a coverage is a probability, between 0 and 1."
    if math.isclose(value, 0.95, rel_tol=1e-9):
        return "0.95 is the nominal level; the exact coverage differs from it."
    if math.isclose(value, exact_coverage(20, 0.05, "wald"), rel_tol=1e-6):
        return "that is the Wald interval's coverage; the exercise asks for Clopper-Pearson."
    if math.isclose(value, exact_coverage(20, 0.05, "exact") - 0.95**20, rel_tol=1e-6):
        return ("k = 0 is missing: its interval is [0, B_0.975(1, 20)], which contains 0.05 "
                "(set the lower limit to 0 rather than dropping the k).")
    return approx(value, exact_coverage(20, 0.05, "exact"))


@register("ex-small_samples-separation",
          hint="look for a threshold on x with all the 0s on one side and all the 1s on the "
               "other; a tie at the threshold (quasi-complete separation) counts too.")
def _separation(answer):
    letter = as_choice(answer, "ABC").upper()
    if letter == "A":
        return "in A the 0s and 1s are completely separated at x = 3.5, so the MLE is at infinity."
    if letter == "B":
        return ("B is quasi-completely separated (x <= 3 gives 0 except the tie at 3); the "
                "likelihood still increases for ever.")
    return None


@register("ex-small_samples-day",
          hint="only the observations equal to mu_2 have a density that grows like 1 / sigma_2; "
               "how many are there, and what does each contribute per tenfold shrink?")
def _day(answer):
    value = as_number(answer)
    if math.isclose(value, math.log(10), rel_tol=1e-3):
        return "that is the increase for one observation at mu_2; 3.6 occurs more than once."
    if math.isclose(value, 40.0, rel_tol=1e-3) or math.isclose(value, 10.0, rel_tol=1e-3):
        return "the log-likelihood grows additively by a logarithm, not by a factor."
    return approx(value, 4 * math.log(10))
