"""Every family and public function rejects bad input with a message that says
what was wrong and what is allowed (DESIGN: bad input)."""

import numpy as np
import pytest

import mlecourse
from mlecourse import DegenerateSampleError, fit, loglik

GOOD = {
    "bernoulli": ([0, 1, 1], {}),
    "binomial": ([0, 3, 5], {"trials": 5}),
    "geometric": ([1, 4, 2], {}),
    "normal": ([0.5, 1.5, 2.0], {}),
    "poisson": ([0, 2, 3], {}),
    "exponential": ([0.5, 1.5, 2.0], {}),
    "laplace": ([0.5, 1.5, 2.0], {}),
    "student_t": ([0.5, 1.5, 2.0, 7.0, -1.0], {}),
    "gamma": ([0.5, 1.5, 2.0], {}),
}

COMMON = [
    ([], ValueError, "data is empty"),
    ([1.0, np.nan], ValueError, "NaN or infinite"),
    ([1.0, np.inf], ValueError, "NaN or infinite"),
    ([[1.0, 2.0], [1.0, 2.0]], ValueError, "must be 1-D; got an array of shape \\(2, 2\\)"),
    ("1, 2, 3", TypeError, "not a string"),
    ([1.0, "a"], TypeError, "real numbers|only numbers"),
    ({"a": 1}, TypeError, "not a dict"),
]


@pytest.mark.parametrize("family", list(GOOD))
@pytest.mark.parametrize("data,exc,msg", COMMON)
def test_common_bad_data(family, data, exc, msg):
    known = GOOD[family][1]
    with pytest.raises(exc, match=msg):
        fit(family, data, **known)


OUT_OF_SUPPORT = [
    ("bernoulli", [0, 1, 2],
     "bernoulli data must be 0 or 1 \\(failure or success\\); got 2 at index 2"),
    ("bernoulli", [0, 0.5], "must be 0 or 1"),
    ("binomial", [0, 6], "from 0 to trials=5; got 6 at index 1"),
    ("binomial", [0, -1], "from 0 to trials=5; got -1"),
    ("geometric", [0, 2], "whole numbers >= 1.*got 0 at index 0"),
    ("poisson", [1, -1], "non-negative whole numbers \\(counts\\); got -1 at index 1"),
    ("poisson", [1, 2.5], "non-negative whole numbers"),
    ("exponential", [1.0, -0.1], "exponential data must be >= 0; got -0.1 at index 1"),
    ("gamma", [1.0, 0.0], "gamma data must be > 0; got 0 at index 1"),
]


@pytest.mark.parametrize("family,data,msg", OUT_OF_SUPPORT)
def test_out_of_support(family, data, msg):
    with pytest.raises(ValueError, match=msg):
        fit(family, data, **GOOD[family][1])


DEGENERATE = [
    ("normal", [2.0, 2.0, 2.0], {}, "MLE of sigma does not exist"),
    ("normal", [2.0], {}, "MLE of sigma does not exist"),
    ("exponential", [0.0, 0.0], {}, "MLE of rate does not exist"),
    ("laplace", [1.0, 1.0, 1.0], {}, "MLE of b does not exist"),
    ("student_t", [3.0, 3.0], {}, "MLE does not exist"),
    ("gamma", [3.0, 3.0, 3.0], {}, "MLE does not exist"),
]


@pytest.mark.parametrize("family,data,fixed,msg", DEGENERATE)
def test_degenerate_samples_say_the_mle_does_not_exist(family, data, fixed, msg):
    with pytest.raises(DegenerateSampleError, match=msg):
        fit(family, data, **fixed)
    assert issubclass(DegenerateSampleError, ValueError)


def test_degenerate_sample_is_fine_when_the_parameter_is_fixed():
    assert fit("normal", [2.0, 2.0], sigma=1.0).params == {"mu": 2.0, "sigma": 1.0}
    assert fit("normal", [2.0], sigma=1.0).se["mu"] == pytest.approx(1.0)


@pytest.mark.parametrize("family", list(GOOD))
def test_unknown_fixed_parameter(family):
    data, known = GOOD[family]
    with pytest.raises(ValueError, match=f"'zeta' is not a parameter of the {family} family; "
                                         "its parameters are"):
        fit(family, data, zeta=1.0, **known)


BAD_FIXED = [
    ("normal", {"sigma": -1.0}, ValueError, "sigma must be positive"),
    ("normal", {"sigma": 0.0}, ValueError, "sigma must be positive"),
    ("bernoulli", {"p": 1.5}, ValueError, "p must lie in \\[0, 1\\]"),
    ("normal", {"mu": "a"}, TypeError, "mu must be a real number"),
    ("normal", {"mu": np.nan}, ValueError, "mu must be finite"),
    ("poisson", {"lam": True}, TypeError, "lam must be a real number"),
]


@pytest.mark.parametrize("family,fixed,exc,msg", BAD_FIXED)
def test_bad_fixed_values(family, fixed, exc, msg):
    with pytest.raises(exc, match=msg):
        fit(family, GOOD[family][0], **fixed)


def test_family_name_errors():
    with pytest.raises(ValueError, match="unknown family 'cauchy'; choose one of"):
        fit("cauchy", [1.0, 2.0])
    with pytest.raises(TypeError, match="family must be a name"):
        fit(3, [1.0, 2.0])
    assert fit("Student-t", GOOD["student_t"][0]).family == "student_t"


def test_binomial_needs_trials():
    with pytest.raises(TypeError, match="needs the known constant\\(s\\) \\['trials'\\]"):
        fit("binomial", [1, 2])
    with pytest.raises(TypeError, match="trials must be an integer"):
        fit("binomial", [1, 2], trials=2.5)
    with pytest.raises(ValueError, match="trials must be >= 1"):
        fit("binomial", [0, 0], trials=0)


def test_method_and_level_checks():
    with pytest.raises(ValueError, match="method must be one of \\('auto', 'numeric'\\)"):
        fit("normal", [1.0, 2.0], method="newton")
    r = fit("normal", [1.0, 2.0, 4.0])
    with pytest.raises(ValueError, match="level must be < 1"):
        r.conf_int(1.0)
    with pytest.raises(ValueError, match="method must be one of \\('wald', 'profile'\\)"):
        r.conf_int(method="bootstrap")
    with pytest.raises(ValueError, match="'nu' is not a free parameter"):
        r.profile_loglik("nu", [1.0])


def test_loglik_bad_input():
    with pytest.raises(TypeError, match="needs values for \\['sigma'\\]"):
        loglik("normal", [1.0], mu=0.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        loglik("normal", [1.0], mu=0.0, sigma=np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="bernoulli data must be 0 or 1"):
        loglik("bernoulli", [3], p=0.5)


def test_no_nan_ever_returned():
    for family, (data, known) in GOOD.items():
        r = fit(family, data, **known)
        values = [*r.params.values(), r.loglik, *r.se.values(), r.aic, r.bic]
        assert not np.any(np.isnan(values)), family
        assert isinstance(r, mlecourse.FitResult)
