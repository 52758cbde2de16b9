"""Self-checks for the exercises: immediate, tolerant feedback for students.

An exercise cell ends with ``mlecourse.check("ex-label", answer)``. It prints
one line saying whether the answer is right, and a hint when it is not. It
never raises: an unfinished answer (``...``), a wrong type or a checker that
trips over an odd answer all produce a message, not a traceback.

Checks live in one module per chapter (``mlecourse/checks/<chapter>.py``);
each registers its exercises with :func:`register` and reads the student's
answer with the parsers :func:`as_number`, :func:`as_whole_number`,
:func:`as_numbers`, :func:`as_sequence`, :func:`as_vector` and
:func:`as_choice`, which raise :class:`AnswerError` with the message to show.
Expected values there are computed, not typed in, where the computation is
short. These checks are for learning; the graded tests are kept elsewhere, by
the instructor.
"""

from ._core import (
    AnswerError,
    CheckResult,
    approx,
    as_choice,
    as_number,
    as_numbers,
    as_sequence,
    as_vector,
    as_whole_number,
    check,
    evaluate,
    register,
    registered_labels,
)

__all__ = ["AnswerError", "CheckResult", "approx", "as_choice", "as_number", "as_numbers",
           "as_sequence", "as_vector", "as_whole_number", "check", "evaluate", "register",
           "registered_labels"]
