"""Coursework tools for instructors: student notebooks and grading.

- :func:`~mlecourse.coursework.assign.assign` writes student notebooks without
  solutions (``mlecourse assign --out DIR``), and
  :func:`~mlecourse.coursework.assign.write_site` a solution-free copy of the
  book's sources (``mlecourse assign --site DIR``).
- :func:`~mlecourse.coursework.grade.grade` runs submitted notebooks in fresh,
  limited kernels and grades the answers against the instructor's hidden
  tests, in the grader's own process (``mlecourse grade``).
- :mod:`~mlecourse.coursework.hidden` is what hidden-test files import.

These tools need ``jupytext``, ``nbformat``, ``nbclient``, ``ipykernel`` and
``pyyaml`` (installed with the book's requirements). Importing
:mod:`mlecourse` does not import this subpackage.
"""
