"""Self-checks of the chapter "Missing data and partial labels": right passes, wrong fails."""

from pathlib import Path

import numpy as np
import pytest

from mlecourse.checks import evaluate
from mlecourse.checks import missing_data as md
from mlecourse.em import mvn_missing_em, semisupervised_gmm_em

from checks_contract import chapter_contract

CHAPTER = Path(__file__).resolve().parents[1] / "book" / "missing_data.md"

LABELS = [
    "ex-missing_data-factored",
    "ex-missing_data-shrink",
    "ex-missing_data-mechanism",
    "ex-missing_data-semisup",
]

XY = md.mar_sample(np.random.default_rng(2024))
OBS = ~np.isnan(XY[:, 1])


def _chapter_namespace():
    """Run the chapter's cells that define its simulators, and nothing else."""
    import jupytext

    nb = jupytext.read(CHAPTER)
    ns = {"np": np}
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "code" and ("def mar_sample" in src or "def customers" in src):
            exec(compile(src.split("\nxy = ")[0].split("\nfeats, z, labels = ")[0],
                         str(CHAPTER), "exec"), ns)
    return ns


def test_checker_data_are_the_chapters_data():
    ns = _chapter_namespace()
    a = ns["mar_sample"](np.random.default_rng(2024))
    np.testing.assert_array_equal(np.isnan(a), np.isnan(XY))
    np.testing.assert_array_equal(a[~np.isnan(a)], XY[~np.isnan(XY)])
    for got, want in zip(ns["customers"](np.random.default_rng(11)),
                         md.customers(np.random.default_rng(11))):
        np.testing.assert_array_equal(got, want)


def _solution_factored():
    # the MLE by EM, run to its limit: it is the closed form to about 1e-6
    return mvn_missing_em(XY, tol=0.0).mean[1]


SOLUTIONS = {
    "ex-missing_data-factored": float(_solution_factored()),
    "ex-missing_data-shrink": float(np.where(OBS, XY[:, 1], np.nanmean(XY[:, 1])).var()
                                    / np.nanvar(XY[:, 1])),
    "ex-missing_data-mechanism": ("MCAR", "MAR", "MNAR"),
    "ex-missing_data-semisup": None,   # filled below
}
_feats, _z, _labels = md.customers(np.random.default_rng(11))
_fit = semisupervised_gmm_em(_feats, _labels, n_components=3)
SOLUTIONS["ex-missing_data-semisup"] = (_fit.weights[2], _fit.means[1, 0])

WRONG = {
    "ex-missing_data-factored": [float(np.nanmean(XY[:, 1])), 60.0, float(np.nanmean(XY[:, 0]))],
    "ex-missing_data-shrink": [1.0, float(1 / OBS.mean()), 0.5],
    "ex-missing_data-mechanism": [("MAR", "MAR", "MNAR"), ("MCAR", "MNAR", "MNAR"),
                                  ("MCAR", "MAR"), ("MCAR", "MAR", "random"), "MCAR"],
    "ex-missing_data-semisup": [(1 / 3, 5.3), (0.2, 5.2), (_fit.weights[1], _fit.means[1, 0]),
                                (_fit.weights[2], _fit.means[1, 1])],
}


TestContract = chapter_contract("missing_data", LABELS, SOLUTIONS, WRONG)


def test_the_factored_closed_form_is_the_em_limit():
    # Anderson (1957): for y missing and x complete the MLE has a closed form
    xc, yc = XY[OBS, 0], XY[OBS, 1]
    slope = np.polyfit(xc, yc, 1)[0]
    closed = yc.mean() + slope * (XY[:, 0].mean() - xc.mean())
    assert SOLUTIONS["ex-missing_data-factored"] == pytest.approx(closed, rel=1e-7)


def test_shrink_is_the_observed_fraction():
    assert SOLUTIONS["ex-missing_data-shrink"] == pytest.approx(OBS.mean(), rel=1e-12)


def test_lower_case_mechanisms_pass():
    assert evaluate("ex-missing_data-mechanism", ["mcar", "mar ", "mnar"]).passed


def test_specific_feedback_for_common_mistakes():
    msg = evaluate("ex-missing_data-factored", float(np.nanmean(XY[:, 1]))).message
    assert "complete-case mean" in msg
    assert "invert" in evaluate("ex-missing_data-shrink", float(1 / OBS.mean())).message
    assert "[1]" in evaluate("ex-missing_data-mechanism", ("MAR", "MAR", "MNAR")).message
    assert "by design" in evaluate("ex-missing_data-semisup", (1 / 3, 5.3)).message
