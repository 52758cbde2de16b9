"""Read a chapter (a MyST-Markdown notebook) and take its solutions out.

A chapter follows the course's chapter rules: exercises in the gated
sphinx-exercise form (``exercise-start`` / ``exercise-end``), each with a code
cell tagged ``exercise`` that binds ``...`` stubs and ends with
``mlecourse.check(label, ...)``, and a solution between ``solution-start`` and
``solution-end`` that holds a code cell tagged ``solution``. This module finds
those pieces and removes the solutions, cell by cell, so that the result can be
written as a student notebook or as a solution-free MyST source.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

# An opening fence of a directive, e.g. ```{solution-start} ex-a  or  :::{solution} ex-a
_DIRECTIVE = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})\s*\{(?P<name>[A-Za-z][\w:-]*)\}(?P<arg>.*)$"
)
# Any opening fence (a directive or a plain code block in Markdown)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_LABEL_OPTION = re.compile(r"^\s*:label:\s*(?P<label>\S+)\s*$")
_CHECK_CALL = re.compile(r"""check\(\s*(?P<q>["'])(?P<label>[^"']+)(?P=q)""")


class ChapterFormatError(ValueError):
    """A chapter source does not follow the format the coursework tools read."""


@dataclass
class Exercise:
    """One exercise of a chapter.

    Attributes
    ----------
    label : str
        The sphinx-exercise label, e.g. ``"ex-likelihood-coin"``.
    checked_labels : list of str
        Labels passed to ``mlecourse.check`` in the exercise's ``exercise`` cells.
    exercise_cells : list of str
        Sources of the cells tagged ``exercise`` inside the exercise.
    solution_cells : list of str
        Sources of the cells tagged ``solution`` in the exercise's solution.
    """

    label: str
    checked_labels: list[str] = field(default_factory=list)
    exercise_cells: list[str] = field(default_factory=list)
    solution_cells: list[str] = field(default_factory=list)


@dataclass
class Stripped:
    """The result of :func:`strip_solutions`.

    Attributes
    ----------
    notebook : nbformat.NotebookNode
        The chapter without its solutions (a deep copy; the input is unchanged).
    removed_code : list of str
        Sources of the code cells that were removed.
    removed_text : list of str
        The Markdown lines that were removed (directive lines and solution prose).
    """

    notebook: object
    removed_code: list[str]
    removed_text: list[str]


def _close_fence(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened with ``fence`` (same character, as long or longer)."""
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" "))
    return indent <= 3 and len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def cell_tags(cell) -> list[str]:
    """The tags of a notebook cell (an empty list when it has none)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return [str(t) for t in tags] if isinstance(tags, list) else []


def read_chapter(path):
    """Read a MyST-Markdown chapter as a notebook.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter source, ``book/<slug>.md``.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ChapterFormatError
        When the file has no jupytext MyST header (jupytext would then read it
        as plain Markdown without code cells).
    """
    import jupytext

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    header = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if header is None or not re.search(r"^\s*format_name:\s*myst\s*$", header.group(1), re.M):
        raise ChapterFormatError(
            f"{path}: not a MyST notebook; the header needs 'format_name: myst' under "
            "jupytext.text_representation and a kernelspec (see the chapter rules)."
        )
    nb = jupytext.reads(text, fmt="md:myst")
    language = nb.metadata.get("kernelspec", {}).get("language")
    if language != "python":
        raise ChapterFormatError(
            f"{path}: the kernelspec must have 'language: python'; got {language!r}."
        )
    return nb


def _walk_markdown(lines, state, on_line):
    """Scan Markdown lines, keeping track of fences and solution regions.

    ``state`` is a dict carried across cells: ``in_solution`` (inside a gated
    solution), ``skip_fence`` (the fence closing a non-gated ``{solution}`` or
    a gated directive's option block being dropped) and ``open_fence`` (a
    fence whose content is not interpreted).
    ``on_line(line, keep, event)`` receives each line with the decision.
    """
    for line in lines:
        if state["skip_fence"] is not None:  # inside a directive block being dropped
            if _close_fence(line, state["skip_fence"]):
                state["skip_fence"] = None
            on_line(line, False, "directive")
            continue
        if state["open_fence"] is not None:  # inside a fenced block we do not interpret
            if _close_fence(line, state["open_fence"]):
                state["open_fence"] = None
            on_line(line, not state["in_solution"], "text")
            continue
        m = _DIRECTIVE.match(line)
        if m:
            name, fence = m.group("name"), m.group("fence")
            if name == "solution-start":
                if state["in_solution"]:
                    raise ChapterFormatError("a solution-start inside another solution")
                state["in_solution"] = True
                state["skip_fence"] = fence
                on_line(line, False, "solution-start")
                continue
            if name == "solution-end":
                if not state["in_solution"]:
                    raise ChapterFormatError("a solution-end without a solution-start")
                state["in_solution"] = False
                state["skip_fence"] = fence
                on_line(line, False, "solution-end")
                continue
            if name == "solution":  # the non-gated form: the whole block goes
                state["skip_fence"] = fence
                on_line(line, False, "solution")
                continue
            if name in ("exercise-start", "exercise-end"):
                on_line(line, not state["in_solution"], name)
                continue
            state["open_fence"] = fence
            on_line(line, not state["in_solution"], "text")
            continue
        m = _FENCE.match(line)
        if m and m.group("fence")[0] != ":":  # a plain code block in the Markdown
            state["open_fence"] = m.group("fence")
        on_line(line, not state["in_solution"], "text")


def strip_solutions(nb) -> Stripped:
    """Remove the solutions from a chapter notebook.

    Removes every code cell tagged ``solution``, every cell between a
    ``solution-start`` and its ``solution-end`` directive, the Markdown between
    them (the directive lines included) and any non-gated ``{solution}``
    block. Markdown cells left empty are dropped.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A chapter as read by :func:`read_chapter`.

    Returns
    -------
    Stripped

    Raises
    ------
    ChapterFormatError
        For an unbalanced ``solution-start`` / ``solution-end``.
    """
    out = copy.deepcopy(nb)
    removed_code: list[str] = []
    removed_text: list[str] = []
    state = {"in_solution": False, "skip_fence": None, "open_fence": None}
    cells = []
    for cell in out.cells:
        if cell.cell_type == "code":
            if state["in_solution"] or "solution" in cell_tags(cell):
                removed_code.append(cell.source)
                continue
            cells.append(cell)
            continue
        kept: list[str] = []

        def on_line(line, keep, event, kept=kept):
            (kept if keep else removed_text).append(line)

        _walk_markdown(cell.source.split("\n"), state, on_line)
        text = "\n".join(kept).strip("\n")
        if not text.strip():
            continue
        if cells and cells[-1].cell_type == "markdown":  # the cells a solution separated
            cells[-1].source = cells[-1].source.rstrip("\n") + "\n\n" + text
        else:
            cell.source = text
            cells.append(cell)
    if state["in_solution"]:
        raise ChapterFormatError("a solution-start without its solution-end")
    out.cells = cells
    return Stripped(out, removed_code, removed_text)


def exercises(nb) -> list[Exercise]:
    """The exercises of a chapter, in order, with their exercise and solution cells.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A chapter as read by :func:`read_chapter`.

    Returns
    -------
    list of Exercise
    """
    found: dict[str, Exercise] = {}
    current: list[Exercise | None] = [None]   # the exercise whose body we are in
    solution_of: list[str | None] = [None]    # the exercise a solution belongs to
    pending: list[str | None] = [None]        # directive whose option lines we are reading
    state = {"in_solution": False, "skip_fence": None, "open_fence": None}

    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = cell_tags(cell)
            if "exercise" in tags and current[0] is not None:
                current[0].exercise_cells.append(cell.source)
                current[0].checked_labels += [m.group("label")
                                              for m in _CHECK_CALL.finditer(cell.source)]
            if "solution" in tags or state["in_solution"]:
                label = solution_of[0]
                if label in found and "solution" in tags:
                    found[label].solution_cells.append(cell.source)
            continue
        for line in cell.source.split("\n"):
            m = _DIRECTIVE.match(line)
            if m and m.group("name") == "exercise-start":
                pending[0] = "exercise"
                arg = m.group("arg").strip()
                if arg:
                    ex = found.setdefault(arg, Exercise(arg))
                    current[0] = ex
                    pending[0] = None
                continue
            if m and m.group("name") == "exercise-end":
                current[0] = None
                continue
            if m and m.group("name") in ("solution-start", "solution"):
                solution_of[0] = m.group("arg").strip() or None
                continue
            if m and m.group("name") == "solution-end":
                solution_of[0] = None
                continue
            lm = _LABEL_OPTION.match(line)
            if lm and pending[0] == "exercise":
                ex = found.setdefault(lm.group("label"), Exercise(lm.group("label")))
                current[0] = ex
                pending[0] = None
        _walk_markdown(cell.source.split("\n"), state, lambda *a: None)
    return list(found.values())


def student_markdown(source: str) -> str:
    """Turn the exercise directives of a Markdown cell into plain Markdown.

    Jupyter does not render MyST directives, so in a student notebook the
    ``exercise-start`` block becomes a bold "Exercise (label)" line and the
    ``exercise-end`` block disappears.
    """
    out: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if m and m.group("name") in ("exercise-start", "exercise-end"):
            fence = m.group("fence")
            label = m.group("arg").strip()
            i += 1
            while i < len(lines) and not _close_fence(lines[i], fence):
                lm = _LABEL_OPTION.match(lines[i])
                if lm:
                    label = lm.group("label")
                i += 1
            i += 1  # the closing fence
            if m.group("name") == "exercise-start":
                out.append(f"**Exercise** (`{label}`)" if label else "**Exercise**")
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out).strip("\n")


_GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`(?P<name>[^`:]+)(?::[^`]*)?`")
_GLUE_DIRECTIVE = re.compile(r"^ {0,3}(?:`{3,}|:{3,})\{glue(?::\w+)?\}\s*(?P<name>\S+)", re.M)
_GLUE_CALL = re.compile(r"""glue\(\s*(?P<q>["'])(?P<name>[^"']+)(?P=q)""")
_TARGET = re.compile(r"^\((?P<name>[^)\s]+)\)=\s*$", re.M)
_EQ_LABEL = re.compile(r"\$\$\s*\((?P<name>[^)\s]+)\)\s*$", re.M)
_OPT_LABEL = re.compile(r"^\s*:(?:label|name):\s*(?P<name>\S+)\s*$", re.M)
_REF = re.compile(r"\{(?:ref|numref|eq)\}`(?:[^`<]*<)?(?P<target>[^`>]+)>?`")


def _metadata_names(meta) -> set[str]:
    """Values of ``name`` / ``label`` keys anywhere in cell metadata (figure names)."""
    names: set[str] = set()
    if isinstance(meta, dict):
        for key, value in meta.items():
            if key in ("name", "label") and isinstance(value, str):
                names.add(value)
            else:
                names |= _metadata_names(value)
    elif isinstance(meta, list):
        for value in meta:
            names |= _metadata_names(value)
    return names


def _targets(text: str) -> set[str]:
    names = set()
    for pattern in (_TARGET, _EQ_LABEL, _OPT_LABEL):
        names |= {m.group("name") for m in pattern.finditer(text)}
    return names


def dangling_references(original, stripped: Stripped) -> list[str]:
    """References left in a solution-free chapter whose target was in a solution.

    A solution-free copy still builds only if nothing outside the solutions
    refers to something defined inside them: a glued value (``{glue:text}``
    of a ``glue(...)`` call made in a solution cell), a figure named in a
    solution cell, an equation, a ``(label)=`` target or a ``:label:``.

    Parameters
    ----------
    original : nbformat.NotebookNode
        The full chapter.
    stripped : Stripped
        The result of :func:`strip_solutions` on it.

    Returns
    -------
    list of str
        One line per dangling reference (empty when there are none).
    """
    kept_md = "\n".join(c.source for c in stripped.notebook.cells if c.cell_type == "markdown")
    kept_code = [c for c in stripped.notebook.cells if c.cell_type == "code"]
    kept_glue = {m.group("name") for c in kept_code for m in _GLUE_CALL.finditer(c.source)}
    removed_glue = {m.group("name") for src in stripped.removed_code
                    for m in _GLUE_CALL.finditer(src)}
    problems = []
    used_glue = ({m.group("name") for m in _GLUE_ROLE.finditer(kept_md)}
                 | {m.group("name") for m in _GLUE_DIRECTIVE.finditer(kept_md)})
    for name in sorted(used_glue & (removed_glue - kept_glue)):
        problems.append(f"glue {name!r} is used outside the solutions but glued only in one")
    kept_targets = _targets(kept_md)
    for cell in kept_code:
        kept_targets |= _targets(cell.source)
        kept_targets |= _metadata_names(cell.get("metadata", {}))
    removed_targets = _targets("\n".join(stripped.removed_text))
    for src in stripped.removed_code:
        removed_targets |= _targets(src)
    for cell in original.cells:
        if cell.cell_type == "code" and cell.source in stripped.removed_code:
            removed_targets |= _metadata_names(cell.get("metadata", {}))
    for m in _REF.finditer(kept_md):
        target = m.group("target").strip()
        if target in removed_targets and target not in kept_targets:
            problems.append(f"reference to {target!r}, which is defined only in a solution")
    return problems

