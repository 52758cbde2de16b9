"""Sensitivity curves and location MLEs under normal, Laplace and Student-t models."""

import numpy as np
import pytest

from mlecourse import fit
from mlecourse.datasets import load_chem, load_newcomb
from mlecourse.robust import LOCATION_MODELS, location_mle, sensitivity_curve

NEWCOMB = load_newcomb()["time"].to_numpy().astype(float)
CHEM = load_chem()["copper"].to_numpy()
XS = np.linspace(-80.0, 120.0, 21)


def test_location_mles_are_mean_median_and_t_fit():
    assert location_mle("normal", NEWCOMB) == pytest.approx(NEWCOMB.mean(), rel=1e-15)
    assert location_mle("laplace", NEWCOMB) == np.median(NEWCOMB)
    assert location_mle("student_t", NEWCOMB) == pytest.approx(
        fit("student_t", NEWCOMB, nu=4.0).params["mu"], rel=1e-12)
    assert location_mle("student_t", NEWCOMB, nu=None) == pytest.approx(
        fit("student_t", NEWCOMB).params["mu"], rel=1e-12)
    # and they are the MLEs of the fitted families
    assert fit("normal", NEWCOMB).params["mu"] == pytest.approx(location_mle("normal", NEWCOMB))
    assert fit("laplace", NEWCOMB).params["mu"] == location_mle("laplace", NEWCOMB)


def test_sc_of_the_mean_is_x0_minus_xbar():
    sc = sensitivity_curve("normal", NEWCOMB, XS)
    np.testing.assert_allclose(sc, XS - NEWCOMB.mean(), rtol=0, atol=1e-10)


def test_sc_of_the_median_closed_form_for_odd_n():
    x = np.array([3.1, -0.4, 2.2, 5.0, 0.9, 1.7, 4.4])  # n = 7, distinct values
    s = np.sort(x)
    n, m = x.size, x.size // 2
    xs = np.linspace(-10, 10, 81)
    # adding x0 to an odd sample: the new median is the mean of the old median and
    # x0 clipped to the old median's two neighbours
    expected = (n + 1) / 2 * (np.clip(xs, s[m - 1], s[m + 1]) - s[m])
    np.testing.assert_allclose(sensitivity_curve("laplace", x, xs), expected, atol=1e-12)


def test_sc_of_the_median_is_bounded_on_chem():
    xs = np.linspace(-100, 100, 41)
    sc = sensitivity_curve("laplace", CHEM, xs)
    s = np.sort(CHEM)
    n = CHEM.size  # 24: even, the median is the mean of s[11] and s[12]
    bound = (n + 1) * (s[12] - s[11]) / 2
    assert np.max(np.abs(sc)) <= bound + 1e-12
    assert sc[0] == pytest.approx(-bound) and sc[-1] == pytest.approx(bound)
    # and it is flat outside the middle of the data
    assert np.all(sc[xs > s[12]] == sc[-1])


def test_sc_of_the_t_location_redescends():
    xs = np.array([-1000.0, -200.0, 0.0, 20.0, 27.0, 34.0, 60.0, 200.0, 1000.0])
    sc = sensitivity_curve("student_t", NEWCOMB, xs, nu=4.0)
    centre = location_mle("student_t", NEWCOMB, nu=4.0)
    # near the centre the t behaves like the mean (slope close to 1, right sign) ...
    assert np.sign(sc[3]) == np.sign(20.0 - centre) == -1
    assert np.sign(sc[5]) == np.sign(34.0 - centre) == 1
    # ... far away it forgets the point: bounded and going back to 0
    assert np.max(np.abs(sc)) < 15
    assert abs(sc[0]) < abs(sc[1]) < 10 and abs(sc[-1]) < abs(sc[-2]) < 10
    assert abs(sc[-1]) < 1.0 and abs(sc[0]) < 1.0


def test_sc_matches_the_definition_for_a_callable():
    def trimmed(v):
        v = np.sort(v)
        k = v.size // 10
        return float(np.mean(v[k:v.size - k]))

    sc = sensitivity_curve(trimmed, NEWCOMB, XS[:5])
    n = NEWCOMB.size
    for x0, value in zip(XS[:5], sc):
        assert value == pytest.approx((n + 1) * (trimmed(np.append(NEWCOMB, x0))
                                                 - trimmed(NEWCOMB)), rel=1e-12, abs=1e-12)


def test_scalar_and_2d_xs_keep_their_shape():
    assert sensitivity_curve("normal", [1.0, 2.0, 3.0], 5.0).shape == ()
    assert sensitivity_curve("laplace", [1.0, 2.0, 3.0], [[0.0, 1.0], [2.0, 9.0]]).shape == (2, 2)


def test_nu_estimated_gives_a_bounded_curve_too():
    sc = sensitivity_curve("student_t", NEWCOMB, np.array([-300.0, 100.0]), nu=None)
    assert np.all(np.abs(sc) < 15)


@pytest.mark.parametrize("args,exc,msg", [
    (("mean", NEWCOMB, XS), ValueError, "estimator must be one of"),
    ((3, NEWCOMB, XS), ValueError, "estimator must be one of"),
    (("normal", [], XS), ValueError, "data is empty"),
    (("normal", [1.0, np.nan], XS), ValueError, "NaN or infinite"),
    (("normal", NEWCOMB, [np.inf]), ValueError, "xs contains 1 NaN or infinite"),
    (("normal", "abc", XS), TypeError, "not a string"),
    ((lambda v: "x", NEWCOMB, XS), TypeError, "must return a single number"),
    ((lambda v: np.nan, NEWCOMB, XS), ValueError, "not a finite number"),
])
def test_bad_input(args, exc, msg):
    with pytest.raises(exc, match=msg):
        sensitivity_curve(*args)


def test_bad_nu_and_model():
    with pytest.raises(ValueError, match="nu must be positive"):
        sensitivity_curve("student_t", NEWCOMB, XS, nu=0.0)
    with pytest.raises(TypeError, match="nu must be a real number"):
        location_mle("student_t", NEWCOMB, nu="four")
    with pytest.raises(ValueError, match="model must be one of"):
        location_mle("cauchy", NEWCOMB)
    assert set(LOCATION_MODELS) == {"normal", "laplace", "student_t"}
