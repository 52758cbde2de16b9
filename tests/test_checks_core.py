"""The self-check runner: clear messages, never an exception; the shared answer parsers."""

from fractions import Fraction

import numpy as np
import pytest

from mlecourse.checks import (
    AnswerError,
    _core,
    as_choice,
    as_number,
    as_numbers,
    as_sequence,
    as_vector,
    as_whole_number,
)
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


# --- the answer parsers shared by every chapter's checks ------------------------------------


@pytest.mark.parametrize("answer, value", [
    (2, 2.0), (-0.25, -0.25), (np.float64(1.5), 1.5), (np.float32(0.5), 0.5),
    (np.int64(7), 7.0), (np.uint8(3), 3.0), (np.array(2.5), 2.5), (np.array(4), 4.0),
    (Fraction(1, 4), 0.25),
])
def test_as_number_accepts_real_numbers(answer, value):
    got = as_number(answer)
    assert got == value and type(got) is float


@pytest.mark.parametrize("answer, message", [
    ("0.5", "expected a number, got the text '0.5'."),
    (b"1", "expected a number, got the text b'1'."),
    (True, "expected a number, got True."),
    (np.bool_(False), "expected a number, got np.False_."),
    (np.array(True), "expected a number, got np.True_."),
    (None, "expected a single number; got None."),
    ([1.0], "expected a single number; got a list of 1 values."),
    ((1.0, 2.0), "expected a single number; got a tuple of 2 values."),
    ({"a": 1}, "expected a single number; got dict."),
    (1 + 2j, "expected a single number; got complex."),
    (np.array([1.0]), "expected a single number; got an array of shape (1,)."),
    (np.array([[1.0]]), "expected a single number; got an array of shape (1, 1)."),
    (float("nan"), "the answer is NaN or infinite."),
    (np.inf, "the answer is NaN or infinite."),
    (np.array(-np.inf), "the answer is NaN or infinite."),
])
def test_as_number_rejects_with_the_reason(answer, message):
    with pytest.raises(AnswerError) as info:
        as_number(answer)
    assert str(info.value) == message
    with pytest.raises(AnswerError, match=r"^se_fb: " + message[:8]):
        as_number(answer, "se_fb")


def test_answer_error_is_a_value_error():
    assert issubclass(AnswerError, ValueError)


def test_as_whole_number():
    assert as_whole_number(6) == 6 and type(as_whole_number(6.0)) is int
    assert as_whole_number(np.int64(-3)) == -3
    with pytest.raises(AnswerError, match=r"^n: expected a whole number; got 6\.5\.$"):
        as_whole_number(6.5, "n")
    with pytest.raises(AnswerError, match="got the text '6'"):
        as_whole_number("6")
    with pytest.raises(AnswerError, match="got True"):
        as_whole_number(True)


def test_as_numbers_accepts_tuples_lists_and_1d_arrays():
    assert as_numbers((1, 2.5), 2) == (1.0, 2.5)
    assert as_numbers([np.float32(0.5), np.int64(2), np.array(3.0)], 3) == (0.5, 2.0, 3.0)
    got = as_numbers(np.array([0.25, 0.75]), 2)
    assert got == (0.25, 0.75) and all(type(v) is float for v in got)


@pytest.mark.parametrize("answer, message", [
    (0.5, "expected a tuple of two numbers (p_hat, ratio); got the number 0.5."),
    ("0.5, 2", "expected a tuple of two numbers (p_hat, ratio); got the text '0.5, 2'."),
    ((1.0,), "expected a tuple of two numbers (p_hat, ratio); got a tuple of 1 values."),
    ([1.0, 2.0, 3.0], "expected a tuple of two numbers (p_hat, ratio); got a list of 3 values."),
    (np.ones((2, 2)), "expected a tuple of two numbers (p_hat, ratio); got an array of shape "
                      "(2, 2)."),
    ({"p_hat": 1, "ratio": 2}, "expected a tuple of two numbers (p_hat, ratio); got dict."),
    (None, "expected a tuple of two numbers (p_hat, ratio); got None."),
    ((np.nan, 1.0), "p_hat: the answer is NaN or infinite."),
    ((0.35, "3"), "ratio: expected a number, got the text '3'."),
    ((0.35, True), "ratio: expected a number, got True."),
])
def test_as_numbers_rejects_with_the_reason(answer, message):
    with pytest.raises(AnswerError) as info:
        as_numbers(answer, 2, names=("p_hat", "ratio"))
    assert str(info.value) == message


def test_as_numbers_without_names_and_as_sequence():
    with pytest.raises(AnswerError) as info:
        as_numbers(1.0, 3)
    assert str(info.value) == "expected a tuple of three numbers; got the number 1."
    with pytest.raises(AnswerError, match=r"^expected a tuple of 7 numbers; got a list"):
        as_numbers([1.0], 7)
    iterates = np.arange(4.0)
    pair = as_sequence((iterates, "anything"), 2)
    assert pair[0] is iterates and pair[1] == "anything"
    with pytest.raises(AnswerError,
                       match=r"^expected a tuple of two values \(wald, lr\); got a tuple of 3"):
        as_sequence((1, 2, 3), 2, names=("wald", "lr"))


def test_as_vector():
    np.testing.assert_array_equal(as_vector([1, 2], 2), [1.0, 2.0])
    np.testing.assert_array_equal(as_vector(np.array([[1.0, 2.0]]), 2), [1.0, 2.0])
    np.testing.assert_array_equal(as_vector((np.float32(3.0),), 1), [3.0])
    assert as_vector((1, 2, 3), 3).dtype == np.float64
    cases = [
        ("12", "means: expected 2 numbers, got the text '12'."),
        ({"a": 1}, "means: expected 2 numbers; got a dict."),
        ([1.0, 2.0, 3.0], "means: expected 2 numbers; got a list of 3 values."),
        (np.ones((2, 2)), "means: expected 2 numbers; got an array of shape (2, 2)."),
        ([1.0, "b"], "means: expected 2 numbers; got a list of 2 values."),
        ([True, False], "means: expected 2 numbers; got a list of 2 values."),
        ([[1, 2], [3]], "means: expected 2 numbers; got a list of 2 values."),
        (None, "means: expected 2 numbers; got None."),
        ([1.0, np.nan], "means: the answer contains NaN or infinity."),
    ]
    for answer, message in cases:
        with pytest.raises(AnswerError) as info:
            as_vector(answer, 2, "means")
        assert str(info.value) == message, answer


@pytest.mark.parametrize("answer", ["b", "B", " b ", "(b)", " (B) ", "( b )"])
def test_as_choice_accepts_the_usual_spellings(answer):
    assert as_choice(answer, "abcd") == "b"
    assert as_choice(answer, "ABC") == "b"


def test_as_choice_rejects_with_the_reason():
    with pytest.raises(AnswerError) as info:
        as_choice("e", "abcd")
    assert str(info.value) == "expected one of the letters 'a', 'b', 'c' or 'd'; got 'e'."
    with pytest.raises(AnswerError) as info:
        as_choice("B.", "abc")
    assert str(info.value) == "expected one of the letters 'a', 'b' or 'c'; got 'B.'."
    with pytest.raises(AnswerError) as info:
        as_choice(3, "abc")
    assert str(info.value) == ("expected one of the letters 'a', 'b' or 'c' as a string; "
                               "got the number 3.")


def test_an_answer_error_in_a_checker_is_the_students_message():
    name = "ex-test-core-pair"

    @_core.register(name, hint="Two numbers.")
    def _check(answer):
        low, high = as_numbers(answer, 2, names=("low", "high"))
        return approx((low, high), (1.0, 2.0))

    try:
        assert evaluate(name, (1.0, 2.0)).passed
        r = evaluate(name, (1.0, "2"))
        assert r.status == "fail"
        assert r.message == (f"✗ {name}: high: expected a number, got the text '2'. "
                             "Hint: Two numbers.")
        assert "could not check" not in evaluate(name, 5).message
    finally:
        _core._REGISTRY.pop(name)


# --- one tolerance per exercise, and rounded answers ----------------------------------------

@pytest.fixture
def specified(monkeypatch):
    """A checker whose tolerance comes from the specification table, as every chapter's does."""
    from mlecourse.checks._tolerances import Tol

    name = "ex-test-core-spec"
    monkeypatch.setitem(_core.TOLERANCES, name, Tol(rtol=1e-4, atol=1e-8))

    @_core.register(name, hint="Compute it again.")
    def _check(answer):
        a, b = as_numbers(answer, 2, names=("a", "b"))
        if approx(a, 0.123456789) is not None:
            return "a is not right."
        return approx(b, 0.0)

    yield name
    _core._REGISTRY.pop(name)


def test_the_specification_sets_the_tolerance_inside_a_check(specified):
    assert evaluate(specified, (0.123456789 * (1 + 9e-5), 0.0)).status == "pass"
    assert evaluate(specified, (0.123456789 * (1 + 2e-4), 0.0)).status == "fail"
    # near 0 the tolerance is absolute
    assert evaluate(specified, (0.123456789, 9e-9)).status == "pass"
    assert evaluate(specified, (0.123456789, 2e-8)).status == "fail"
    # outside a check, approx keeps its own defaults
    assert approx(1.0 + 2e-6, 1.0) is not None and approx(1.0 + 2e-6, 1.0, rtol=1e-5) is None


@pytest.mark.parametrize("rounded", [0.12, 0.123, 0.1235])
def test_an_answer_right_to_the_figures_it_was_rounded_to_is_called_close(specified, rounded):
    result = evaluate(specified, (rounded, 0.0))
    assert result.status == "fail"
    assert "close: this looks rounded; give the value you computed, unrounded" in result.message


@pytest.mark.parametrize("wrong", [0.13, 0.1234, 0.125, 0.2])
def test_a_wrong_answer_with_few_figures_is_not_called_rounded(specified, wrong):
    result = evaluate(specified, (wrong, 0.0))
    assert result.status == "fail" and "rounded" not in result.message, result.message


def test_the_hidden_tests_read_the_same_specification_and_say_the_same(specified):
    from mlecourse.checks._core import exercise
    from mlecourse.coursework.hidden import Failure, expect_array_close, expect_close

    with exercise(specified):
        expect_close(0.123456789 * (1 + 9e-5), 0.123456789, name="a")
        expect_close(9e-9, 0.0, name="b")
        with pytest.raises(Failure, match="a = 0.1235: close: this looks rounded"):
            expect_close(0.1235, 0.123456789, name="a")
        with pytest.raises(Failure, match="a = 0.1234 is not right"):
            expect_close(0.1234, 0.123456789, name="a")
        with pytest.raises(Failure, match="v: close: this looks rounded"):
            expect_array_close([0.123, 2.0], [0.123456789, 2.0], name="v")
    with pytest.raises(Failure):                     # outside an exercise: rtol 1e-6
        expect_close(0.123456789 * (1 + 9e-5), 0.123456789, name="a")


def test_every_tolerance_in_the_table_is_valid():
    from mlecourse.checks._tolerances import TOLERANCES, Tol

    # relative, or purely absolute for answers that can be near 0
    assert all(isinstance(t, Tol) and (0 < t.rtol < 0.1 or (t.rtol == 0 and t.atol > 0))
               for t in TOLERANCES.values())
    with pytest.raises(ValueError, match="rtol"):
        Tol(rtol=-1.0)


def _own_tolerances(path, decorator, calls):
    """``label: call`` for every call in a decorated exercise function that passes rtol/atol."""
    import ast

    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef):
            continue
        labels = [d.args[0].value for d in fn.decorator_list if isinstance(d, ast.Call)
                  and getattr(d.func, "id", None) == decorator and d.args]
        for call in ast.walk(fn) if labels else []:
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) in calls \
                    and any(k.arg in ("rtol", "atol") for k in call.keywords):
                found.append(f"{path.name}:{call.lineno} ({labels[0]})")
    return found


def test_no_exercise_carries_a_tolerance_of_its_own():
    """Self-checks and hidden tests take every tolerance from TOLERANCES, never a literal."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted((root / "mlecourse" / "checks").glob("[a-z]*.py")):
        found += _own_tolerances(path, "register", {"approx"})
    for path in sorted((root / "tests" / "instructor").glob("[a-z]*.py")):
        found += _own_tolerances(path, "hidden_test", {"expect_close", "expect_array_close"})
    assert found == []
