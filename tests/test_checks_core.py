"""The self-check runner: clear messages, never an exception."""

import numpy as np
import pytest

from mlecourse.checks import _core
from mlecourse.checks._core import approx, evaluate


@pytest.fixture
def label():
    name = "ex-test-core-mean"

    @_core.register(name, hint="Average the values.")
    def _check(answer):
        return approx(answer, 2.0, rtol=1e-6)

    yield name
    _core._REGISTRY.pop(name)


def test_pass_fail_unanswered(label, capsys):
    assert evaluate(label, 2.0).status == "pass"
    r = evaluate(label, 2.5)
    assert r.status == "fail" and "Hint: Average the values." in r.message
    assert "2.5 is not right" in r.message
    assert evaluate(label, ...).status == "unanswered"
    assert evaluate(label, (1.0, ...)).status == "unanswered"
    from mlecourse import check
    check(label, 2.0)
    assert capsys.readouterr().out.strip() == f"✓ {label}: correct."


def test_wrong_types_never_raise(label):
    for answer in ["two", None, object(), [1, 2], {"a": 1}, np.array([[1.0]])]:
        r = evaluate(label, answer)
        assert r.status == "fail", answer


def test_checker_that_raises_is_reported(label):
    @_core.register("ex-test-core-raises")
    def _bad(answer):
        raise ZeroDivisionError("boom")

    try:
        r = evaluate("ex-test-core-raises", 1)
        assert r.status == "fail" and "ZeroDivisionError: boom" in r.message
    finally:
        _core._REGISTRY.pop("ex-test-core-raises")


def test_unknown_label():
    r = evaluate("ex-no-such-exercise", 1)
    assert r.status == "error" and "not an exercise label I know" in r.message


def test_approx_shapes_and_dicts():
    assert approx([1.0, 2.0], [1.0, 2.0]) is None
    assert "expected shape (2,)" in approx([1.0], [1.0, 2.0])
    assert "1 of 2 values are not right" in approx([1.0, 3.0], [1.0, 2.0])
    assert approx({"a": 1.0}, {"a": 1.0}) is None
    assert "lacks the key(s) ['b']" in approx({"a": 1.0}, {"a": 1.0, "b": 2.0})
    assert "expected a number" in approx("x", 1.0)
    assert approx("b", "b") is None and "expected 'b'" in approx("a", "b")


def test_duplicate_registration_is_refused(label):
    with pytest.raises(ValueError, match="already registered"):
        @_core.register(label)
        def _other(answer):
            return None
