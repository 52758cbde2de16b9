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


# --- M-estimation: Huber, influence functions, asymptotic variances -------------------------

from scipy import optimize, stats  # noqa: E402

from mlecourse.robust import (  # noqa: E402
    M_ESTIMATORS,
    asymptotic_variance,
    huber_location,
    influence_function,
    least_favourable_epsilon,
    least_favourable_logpdf,
    m_location,
    psi,
)


def test_huber_location_matches_statsmodels_rlm_at_the_same_scale():
    sm = pytest.importorskip("statsmodels.api")
    for x in (CHEM, NEWCOMB):
        rlm = sm.RLM(x, np.ones(x.size), M=sm.robust.norms.HuberT(t=1.345)).fit(
            update_scale=False, conv="coefs", tol=1e-13)
        est = huber_location(x, scale=rlm.scale)
        assert est.location == pytest.approx(rlm.params[0], rel=1e-9)


def test_huber_location_solves_its_estimating_equation_with_the_mad_scale():
    est = huber_location(NEWCOMB)
    med = np.median(NEWCOMB)
    assert est.scale == pytest.approx(np.median(np.abs(NEWCOMB - med)) / stats.norm.ppf(0.75))
    z = (NEWCOMB - est.location) / est.scale
    assert abs(np.sum(np.clip(z, -1.345, 1.345))) < 1e-9 * NEWCOMB.size
    # the sandwich standard error, written out
    a = np.sum(np.abs(z) <= 1.345)
    assert est.se == pytest.approx(est.scale * np.sqrt(np.sum(np.clip(z, -1.345, 1.345) ** 2)) / a)


def test_huber_limits_are_the_mean_and_the_median():
    x = np.array([0.3, 1.9, 2.2, 2.8, 3.1, 4.0, 17.0])
    assert huber_location(x, k=1e6).location == pytest.approx(x.mean(), rel=1e-12)
    assert huber_location(x, k=1e-6, max_iter=100_000).location == pytest.approx(
        np.median(x), abs=1e-4)


def test_huber_is_the_mle_of_the_least_favourable_density():
    s = huber_location(CHEM).scale
    negll = lambda mu: -np.sum(least_favourable_logpdf((CHEM - mu) / s))  # noqa: E731
    best = optimize.minimize_scalar(negll, bounds=(2.0, 5.0), method="bounded",
                                    options={"xatol": 1e-12})
    assert best.x == pytest.approx(huber_location(CHEM).location, abs=1e-7)


def test_least_favourable_density_integrates_to_one_and_has_huber_psi():
    from scipy import integrate

    for k in (0.5, 1.345, 2.0):
        total = sum(integrate.quad(lambda t, k=k: np.exp(least_favourable_logpdf(t, k)), a, b)[0]
                    for a, b in [(-np.inf, -k), (-k, k), (k, np.inf)])
        assert total == pytest.approx(1.0, rel=1e-10)
        z = np.array([-3.0, -0.7, 0.2, 2.5])
        h = 1e-6
        deriv = (least_favourable_logpdf(z + h, k) - least_favourable_logpdf(z - h, k)) / (2 * h)
        np.testing.assert_allclose(-deriv, psi("huber", z, k=k), atol=1e-6)


def test_least_favourable_epsilon_matches_huber_table():
    # Huber (1964), Table: k = 1.345 <-> eps ~ 0.058; k = 1.0 <-> eps ~ 0.143
    assert least_favourable_epsilon(1.345) == pytest.approx(0.0579, abs=2e-4)
    assert least_favourable_epsilon(1.0) == pytest.approx(0.1428, abs=2e-4)


def test_asymptotic_variances_closed_forms():
    assert asymptotic_variance("normal") == pytest.approx(1.0, rel=1e-10)
    assert asymptotic_variance("laplace") == pytest.approx(np.pi / 2, rel=1e-12)
    for k in (0.5, 1.0, 1.345, 2.0):
        a = 2 * stats.norm.cdf(k) - 1
        b = a - 2 * k * stats.norm.pdf(k) + 2 * k**2 * stats.norm.sf(k)
        assert asymptotic_variance("huber", k=k) == pytest.approx(b / a**2, rel=1e-9)
    assert 1 / asymptotic_variance("huber", k=1.345) == pytest.approx(0.95, abs=1e-4)


def test_influence_function_is_bounded_or_redescending():
    x = np.array([0.0, 1.0, 5.0, 50.0, 500.0])
    assert np.all(np.diff(influence_function("huber", x)[2:]) == 0)  # flat beyond k
    t = influence_function("student_t", x)
    assert t[0] == 0 and t[-1] < t[2] / 50                           # redescends
    np.testing.assert_allclose(influence_function("normal", x), x)


def test_influence_function_matches_a_large_sample_sensitivity_curve():
    # SC(x0) -> IF(x0) as n grows; n = 4000 normal values, t MLE with nu = 4 fixed
    rng = np.random.default_rng(5)
    z = rng.standard_normal(4000)
    for x0 in (1.0, 3.0):
        sc = sensitivity_curve("student_t", z, [x0], nu=4.0)[0]
        centre = location_mle("student_t", z, nu=4.0)
        assert sc == pytest.approx(influence_function("student_t", x0 - centre), rel=0.05)


def test_t_asymptotic_variance_matches_a_simulation():
    rng = np.random.default_rng(11)
    est = m_location(rng.standard_normal((4000, 200)), "student_t")
    var = 200 * est.var()
    # Monte Carlo sd of a variance estimate with 4000 draws: about 2.2%
    assert var == pytest.approx(asymptotic_variance("student_t"), rel=0.08)


def test_m_location_vectorised_agrees_with_the_one_sample_estimators():
    rng = np.random.default_rng(3)
    x = rng.standard_t(3, size=(5, 40))
    np.testing.assert_allclose(m_location(x, "normal"), x.mean(axis=1))
    np.testing.assert_allclose(m_location(x, "laplace"), np.median(x, axis=1))
    np.testing.assert_allclose(m_location(x, "huber"),
                               [huber_location(r).location for r in x], rtol=1e-9)
    np.testing.assert_allclose(m_location(x, "student_t"),
                               [fit("student_t", r, nu=4.0).params["mu"] for r in x],
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("call, match", [
    (lambda: psi("cauchy", [1.0]), "model must be one of"),
    (lambda: psi("huber", [1.0], k=0.0), "k must be positive"),
    (lambda: huber_location([1.0]), "at least 2"),
    (lambda: huber_location([1.0, 1.0, 1.0, 2.0]), "median absolute deviation"),
    (lambda: huber_location([1.0, np.nan, 2.0]), "NaN"),
    (lambda: huber_location([1.0, 2.0, 3.0], scale=-1.0), "scale must be positive"),
    (lambda: m_location([[1.0], [2.0]], "huber"), "at least 2 values"),
    (lambda: m_location(np.ones((2, 2, 2)), "huber"), "1-D or 2-D"),
    (lambda: influence_function("student_t", [1.0], nu=-1.0), "nu must be positive"),
    (lambda: asymptotic_variance("tukey"), "model must be one of"),
])
def test_m_estimation_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_every_m_estimator_has_a_psi_and_a_variance():
    for model in M_ESTIMATORS:
        assert psi(model, [2.0]).shape == (1,)
        assert 1.0 <= asymptotic_variance(model) < 2.0
