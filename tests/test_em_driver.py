"""The generic EM driver: stopping rule, history, warnings, and the monotonicity guard."""

import math
import re
import warnings

import numpy as np
import pytest

import mlecourse.em as E
from mlecourse.em import ConvergenceWarning, EMResult, em, gmm_em


def exact(msg: str) -> str:
    return "^" + re.escape(msg) + "$"


# A model with a closed form: y_1..y_n observed, m more values missing (completely at
# random) from N(mu, 1). E-step: each missing value's expectation is mu. M-step: the
# average of the completed sample. The MLE is the observed mean; the EM map is
# mu -> (sum(y) + m mu) / (n + m), linear with rate m / (n + m).
Y = np.array([1.0, 2.0, 4.0, 7.5])
M_MISSING = 3


def e_step(mu):
    return mu


def m_step(mu_fill):
    return (Y.sum() + M_MISSING * mu_fill) / (Y.size + M_MISSING)


def loglik(mu):
    return float(-0.5 * np.sum((Y - mu) ** 2) - 0.5 * Y.size * math.log(2 * math.pi))


def test_exports():
    assert set(E.__all__) >= {"em", "EMResult", "ConvergenceWarning", "gmm_em", "GMMResult",
                              "mvn_missing_em", "linkage_em", "semisupervised_gmm_em"}
    assert issubclass(ConvergenceWarning, UserWarning)


def test_converges_to_closed_form_and_records_history():
    res = em(e_step, m_step, init=-10.0, loglik=loglik, param_tol=1e-14)
    assert isinstance(res, EMResult)
    assert res.converged
    assert res.params == pytest.approx(Y.mean(), abs=1e-12)
    assert res.loglik == pytest.approx(loglik(Y.mean()), abs=1e-12)
    assert res.loglik_history.shape == (res.n_iter + 1,)
    assert res.loglik_history[0] == loglik(-10.0)
    assert res.loglik_history[-1] == res.loglik
    assert np.all(np.diff(res.loglik_history) >= 0)
    assert res.expectations == res.params          # E-step output at the final params
    assert res.params_history is None


def test_linear_rate_is_fraction_missing():
    res = em(e_step, m_step, init=-10.0, loglik=loglik, record_params=True, max_iter=8,
             warn=False)
    err = np.asarray(res.params_history) - Y.mean()
    np.testing.assert_allclose(err[1:] / err[:-1], M_MISSING / (Y.size + M_MISSING), rtol=1e-9)
    assert len(res.params_history) == res.n_iter + 1 == 9
    assert res.params_history[0] == -10.0 and res.params_history[-1] == res.params


def test_stops_at_first_iteration_meeting_relative_tolerance():
    tol = 1e-6
    res = em(e_step, m_step, init=-10.0, loglik=loglik, tol=tol)
    h = res.loglik_history
    rel = np.abs(np.diff(h)) / np.abs(h[1:])
    assert rel[-1] <= tol
    assert np.all(rel[:-1] > tol)


def test_pair_mode_equals_separate_loglik():
    sep = em(e_step, m_step, init=0.0, loglik=loglik)
    pair = em(lambda mu: (e_step(mu), loglik(mu)), m_step, init=0.0)
    assert pair.params == sep.params
    np.testing.assert_array_equal(pair.loglik_history, sep.loglik_history)
    assert pair.n_iter == sep.n_iter and pair.converged


def test_param_tol_makes_parameters_accurate():
    loose = em(e_step, m_step, init=-10.0, loglik=loglik)
    tight = em(e_step, m_step, init=-10.0, loglik=loglik, param_tol=1e-13)
    assert tight.n_iter > loose.n_iter
    # loglik-based stopping pins the parameter down only to about sqrt(tol)
    assert abs(loose.params - Y.mean()) > 1e-9
    assert abs(tight.params - Y.mean()) < 1e-12


def test_dict_params_flattened_for_param_tol():
    def e(p):
        return p["a"], loglik(p["a"])

    def m(a):
        return {"a": m_step(a), "b": np.array([1.0, 2.0])}

    res = em(e, m, {"a": 0.0, "b": np.array([1.0, 2.0])}, param_tol=1e-13)
    assert res.converged and abs(res.params["a"] - Y.mean()) < 1e-12


def test_warns_with_actionable_message():
    with pytest.warns(ConvergenceWarning) as rec:
        res = em(e_step, m_step, init=-10.0, loglik=loglik, max_iter=3)
    assert not res.converged and res.n_iter == 3
    h = res.loglik_history
    rel = abs(h[-1] - h[-2]) / abs(h[-1])
    assert str(rec[0].message) == (f"EM did not converge in 3 iterations (last relative change "
                                   f"{rel:.3g}); raise max_iter or loosen tol.")
    assert rec[0].filename == __file__          # attributed to the caller


def test_warn_false_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = em(e_step, m_step, init=-10.0, loglik=loglik, max_iter=2, warn=False)
    assert not res.converged


def test_decrease_raises():
    # a wrong M-step that walks away from the maximum at 3
    with pytest.raises(RuntimeError, match=exact(
            "the log-likelihood decreased at EM iteration 1, from 1.0 to 0.0; EM never "
            "decreases it, so the E-step, M-step or log-likelihood function is wrong.")):
        em(lambda t: t, lambda t: t + 1.0, 3.0, loglik=lambda t: 1.0 - (t - 3.0) ** 2)


def test_rounding_size_decrease_tolerated():
    # 5e-10 at l = -100: within 1e-11 |l| + 1e-10 = 1.1e-9
    values = iter([-100.0, -100.0 - 5e-10, -100.0 - 5e-10])
    res = em(lambda t: (t, next(values)), lambda t: t, 0.0)
    assert res.converged and res.n_iter == 2


def test_decrease_beyond_rounding_raises():
    # 2e-9 at l = -100: more than rounding (1.1e-9), though the old allowance took 1e-6
    values = iter([-100.0, -100.0 - 2e-9])
    with pytest.raises(RuntimeError, match="the log-likelihood decreased at EM iteration 1"):
        em(lambda t: (t, next(values)), lambda t: t, 0.0)


@pytest.mark.parametrize("ll,msg", [
    (float("nan"), "the log-likelihood at the starting values is nan; a model's "
                   "log-likelihood must be finite (check its E-step and log-likelihood "
                   "functions)."),
    (-math.inf, "the log-likelihood at the starting values is -inf: the parameters give the "
                "data probability zero; start from parameters inside the parameter space."),
])
def test_non_finite_loglik(ll, msg):
    with pytest.raises(ValueError, match=exact(msg)):
        em(lambda t: t, lambda t: t, 0.0, loglik=lambda t: ll)


def test_nan_later_names_iteration():
    values = iter([-1.0, float("nan")])
    with pytest.raises(ValueError, match="the log-likelihood after iteration 1 is nan"):
        em(lambda t: (t, next(values)), lambda t: t, 0.0)


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(e_step=1), TypeError, "e_step must be a function of the parameters; got int."),
    (dict(m_step=None), TypeError, "m_step must be a function of the expectations; "
                                   "got NoneType."),
    (dict(loglik="x"), TypeError, "loglik must be a function of the parameters or None; "
                                  "got str."),
    (dict(max_iter=0), ValueError, "max_iter must be >= 1; got 0."),
    (dict(max_iter=2.0), TypeError, "max_iter must be an integer; got float 2.0."),
    (dict(tol=-1e-3), ValueError, "tol must be >= 0.0; got -0.001."),
    (dict(param_tol=float("nan")), ValueError, "param_tol must be finite; got nan."),
])
def test_bad_arguments(kwargs, exc, msg):
    args = dict(e_step=e_step, m_step=m_step, init=0.0, loglik=loglik)
    args.update(kwargs)
    with pytest.raises(exc, match=exact(msg)):
        em(**args)


def test_pair_mode_needs_pair():
    with pytest.raises(TypeError, match=exact(
            "with loglik=None, e_step must return a pair (expectations, loglik); pass loglik= "
            "otherwise.")):
        em(e_step, m_step, 0.0)


def test_loglik_must_be_a_number():
    with pytest.raises(TypeError, match=exact(
            "the log-likelihood at the starting values must be a real number; got str 'a'.")):
        em(e_step, m_step, 0.0, loglik=lambda t: "a")


def test_repr():
    res = em(e_step, m_step, init=0.0, loglik=loglik)
    assert repr(res).startswith("EMResult(loglik=") and "converged" in repr(res)


@pytest.mark.parametrize("module", ["mlecourse.em._driver", "mlecourse.em.gmm",
                                    "mlecourse.em.missing", "mlecourse.em.linkage"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_a_subtly_wrong_m_step_is_caught():
    # The classic slip: covariances with the "unbiased" divisor N_k - 1 instead of
    # the MLE's N_k. From the MLE it lowers the log-likelihood by about
    # sum_k D (D + 1) / (4 N_k): far below the old allowance 1e-8 |l| + 1e-10,
    # far above the rounding allowance the driver uses now.
    from mlecourse.em._driver import ROUNDING_ABS, ROUNDING_REL
    from mlecourse.em.gmm import _e_step, _m_step

    rng = np.random.default_rng(3)
    z = rng.random(100_000) < 0.4
    x = np.where(z[:, None], rng.normal([0.0, 0.0], 1.0, (z.size, 2)),
                 rng.normal([3.0, 2.0], [1.0, 0.5], (z.size, 2)))
    fit = gmm_em(x, 2, rng=0, reg_covar=0.0)
    xt = np.ascontiguousarray(x.T)

    def wrong_m_step(resp):
        params = _m_step(xt, resp, "full", 0.0)
        nk = resp.sum(axis=1)
        params["covariances"] = params["covariances"] * (nk / (nk - 1))[:, None, None]
        return params

    start = {"weights": fit.weights, "means": fit.means, "covariances": fit.covariances}
    resp, ll0 = _e_step(xt, start)
    _, ll1 = _e_step(xt, wrong_m_step(resp))
    drop = ll0 - ll1
    assert ROUNDING_REL * abs(ll1) + ROUNDING_ABS < drop < 1e-8 * abs(ll1) + 1e-10
    with pytest.raises(RuntimeError, match="the log-likelihood decreased at EM iteration 1"):
        em(lambda p: _e_step(xt, p), wrong_m_step, start)
    # the correct M-step from the same point passes the same check
    em(lambda p: _e_step(xt, p), lambda r: _m_step(xt, r, "full", 0.0), start, max_iter=3,
       warn=False)
