"""One tolerance specification per exercise, read by the self-check and by the grader.

``TOLERANCES[label]`` is how close a numerical answer to exercise ``label`` must be to the
expected value: ``|answer - expected| <= atol + rtol * |expected|``, elementwise. The
self-check (:func:`mlecourse.checks.approx` inside :func:`mlecourse.checks.evaluate`) and the
hidden tests (:func:`mlecourse.coursework.hidden.expect_close` and ``expect_array_close``
inside the grader) both read it, so an answer one accepts the other accepts
(``tests/checks_contract.py`` asserts that for every exercise, perturbing the right answer
by relative errors from 1e-10 to 0.2).

Choose ``rtol`` from how the exercise lets students compute (a closed form: 1e-9; a
numerical optimiser: 1e-6; a finite-difference Hessian or a Monte Carlo estimate with a
given seed: what the methods the chapter suggests reach), and ``atol`` for answers that can
be 0 or close to it, on the scale of the problem (e.g. ``rtol`` times the size of an
interval's half-width), never a bare constant.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tol:
    """A tolerance: ``|answer - expected| <= atol + rtol * |expected|``."""

    rtol: float
    atol: float = 0.0

    def __post_init__(self):
        if not (0 <= self.rtol < 1) or not (self.atol >= 0):
            raise ValueError(f"a tolerance needs 0 <= rtol < 1 and atol >= 0; got {self}.")


TOLERANCES: dict[str, Tol] = {
    "ex-em_algorithm-first-step": Tol(rtol=1e-06),
    "ex-em_algorithm-fisher": Tol(rtol=0.001),
    "ex-em_algorithm-gap": Tol(rtol=1e-06),
    "ex-em_at_scale-merge": Tol(rtol=1e-06),
    "ex-finding_the_mle-gamma": Tol(rtol=0.001),
    "ex-finding_the_mle-invariance": Tol(rtol=1e-09),
    "ex-finding_the_mle-newton": Tol(rtol=1e-06),
    "ex-finding_the_mle-poisson": Tol(rtol=1e-06),
    "ex-finding_the_mle-variance": Tol(rtol=1e-09),
    "ex-gaussian_mixtures-kmeans": Tol(rtol=1e-06),
    "ex-gaussian_mixtures-resp": Tol(rtol=0.001),
    "ex-gaussian_mixtures-waiting": Tol(rtol=0.001),
    "ex-hidden_labels-complete": Tol(rtol=1e-06),
    "ex-hidden_labels-loglik": Tol(rtol=1e-06),
    "ex-hidden_labels-resp": Tol(rtol=0.001),
    "ex-hidden_labels-waiting": Tol(rtol=0.0001),
    "ex-likelihood-coin": Tol(rtol=1e-06),
    "ex-likelihood-integral": Tol(rtol=1e-06),
    "ex-likelihood-interval": Tol(rtol=0.0001),
    "ex-likelihood-sequence": Tol(rtol=1e-09),
    "ex-log_likelihood-info": Tol(rtol=0.0001),
    "ex-log_likelihood-ratio": Tol(rtol=1e-06),
    "ex-log_likelihood-score": Tol(rtol=1e-06),
    "ex-log_likelihood-units": Tol(rtol=1e-06),
    "ex-missing_data-factored": Tol(rtol=1e-05),
    "ex-missing_data-semisup": Tol(rtol=0.001),
    "ex-missing_data-shrink": Tol(rtol=1e-06),
    "ex-misspecification-gamma-projection": Tol(rtol=0.0001),
    "ex-misspecification-laplace-scale": Tol(rtol=0.0001),
    "ex-misspecification-lr-mentors": Tol(rtol=0.001, atol=1e-06),
    "ex-misspecification-lr-size": Tol(rtol=0.0001),
    "ex-misspecification-robust-se": Tol(rtol=1e-05),
    "ex-mle_vs_em-louis": Tol(rtol=0.0001),
    "ex-mle_vs_em-rate-waiting": Tol(rtol=0.01),
    "ex-mle_vs_em-se-mu1": Tol(rtol=0.02),
    "ex-outliers-chem-shift": Tol(rtol=1e-06),
    "ex-outliers-huber-efficiency": Tol(rtol=0.0001),
    "ex-outliers-median-sc": Tol(rtol=1e-06, atol=1e-12),
    "ex-outliers-t-weight": Tol(rtol=0.001),
    "ex-regression-loglik": Tol(rtol=1e-06),
    "ex-regression-newton": Tol(rtol=1e-06),
    "ex-regression-odds": Tol(rtol=0.0001),
    "ex-regression-sigma2": Tol(rtol=1e-06),
    "ex-small_samples-coverage": Tol(rtol=1e-06),
    "ex-small_samples-day": Tol(rtol=0.001),
    "ex-small_samples-lr-upper": Tol(rtol=0.0001),
    "ex-small_samples-map": Tol(rtol=1e-06),
    "ex-testing-aic": Tol(rtol=1e-06),
    "ex-testing-boundary": Tol(rtol=1e-05),
    "ex-testing-df": Tol(rtol=1e-05),
    "ex-testing-profile": Tol(rtol=1e-06),
    "ex-testing-three": Tol(rtol=1e-06),
    "ex-uncertainty-coverage": Tol(rtol=1e-06),
    "ex-uncertainty-delta": Tol(rtol=0.0001),
    # absolute (a limit can be near 0). 5e-5 accepts the rounded constants the chapter gives
    # (z = 1.96 moves a Wald limit by 2e-6, the cut-off 3.84 / 2 a likelihood-ratio limit
    # by 4e-5) and rejects every other level or standard error (1e-3 or more)
    "ex-uncertainty-intervals": Tol(rtol=0.0, atol=5e-05),
    "ex-uncertainty-inverse": Tol(rtol=0.0001),
    "ex-uncertainty-se": Tol(rtol=0.0005),
}
