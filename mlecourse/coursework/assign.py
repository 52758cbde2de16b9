"""Student notebooks and a solution-free copy of the book.

``mlecourse assign --out DIR`` writes ``DIR/<slug>.ipynb`` for each chapter:
the chapter without its solutions (cells tagged ``solution`` and everything
between ``solution-start`` and ``solution-end``), outputs cleared, the
exercise cells kept with their ``...`` stubs and self-checks. The MyST is
converted by :func:`mlecourse.coursework.notebook.convert`, the same
conversion that writes the notebooks Binder opens: glued numbers filled in
(from the book build's execution cache, ``_build/.jupyter_cache``, when it
holds the chapter, else from one run of the chapter), equations and
exercises numbered as on the site, references, citations, admonitions and
figure captions as plain Markdown.

``mlecourse assign --site DIR`` writes a copy of the book's sources
(``_config.yml``, ``_toc.yml`` and ``book/``) with the solutions removed from
every chapter, for instructors who do not want the solutions online;
``jupyter-book build DIR`` builds it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .chapter import (
    ChapterFormatError,
    dangling_references,
    read_chapter,
    strip_solutions,
)

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def toc_files(root) -> list[str]:
    """Files listed in ``root/_toc.yml`` (without extension), in order."""
    import yaml

    toc = yaml.safe_load(Path(root, "_toc.yml").read_text(encoding="utf-8")) or {}
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            if isinstance(node.get("root"), str):
                files.append(node["root"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)

    walk(toc)
    return [re.sub(r"\.(md|ipynb)$", "", f) for f in files]


def is_notebook(path) -> bool:
    """Whether a Markdown file is a MyST notebook (has the jupytext header)."""
    try:
        read_chapter(path)
    except (ChapterFormatError, OSError, UnicodeDecodeError):
        return False
    return True


def course_chapters(root) -> list[str]:
    """Slugs of the chapters of the book: MyST notebooks under ``book/`` listed in the toc."""
    out = []
    for entry in toc_files(root):
        path = Path(root, entry + ".md")
        if entry.startswith("book/") and path.is_file() and is_notebook(path):
            out.append(Path(entry).name)
    return out


def student_notebook(path, *, book=None, glue=None, cache=None):
    """The student notebook of one chapter.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter source ``<root>/book/<slug>.md``.
    book : mlecourse.coursework.notebook.Book, optional
        The book's labels, numbers and bibliography (read once by
        :func:`~mlecourse.coursework.notebook.load_book` when converting many
        chapters); default: read from the repository holding ``path``.
    glue : dict, optional
        The chapter's glued values; default: from ``cache`` or one run.
    cache : str or pathlib.Path, optional
        A jupyter-cache folder; default ``<root>/_build/.jupyter_cache``.

    Returns
    -------
    nbformat.NotebookNode
        Solutions removed, outputs empty, MyST converted to Markdown that
        Jupyter renders, and a first cell telling the student what to do.
    """
    from .notebook import convert

    return convert(path, solutions=False, book=book, glue=glue, cache=cache)


def _chapter_paths(root, chapters) -> list[Path]:
    root = Path(root)
    slugs = course_chapters(root) if chapters is None else list(chapters)
    paths = []
    for slug in slugs:
        slug = Path(str(slug)).stem
        if not _SLUG.match(slug):
            raise ValueError(f"{slug!r} is not a chapter name (letters, digits, _ and -).")
        path = root / "book" / f"{slug}.md"
        if not path.is_file():
            raise ValueError(f"{path}: no such chapter.")
        paths.append(path)
    return paths


def assign(out, *, root=".", chapters=None) -> list[Path]:
    """Write one student notebook per chapter into ``out``.

    Parameters
    ----------
    out : str or pathlib.Path
        Output folder (created).
    root : str or pathlib.Path, default "."
        The course repository (with ``_toc.yml`` and ``book/``).
    chapters : sequence of str, optional
        Chapter slugs; default: every MyST-notebook chapter in the toc.

    Returns
    -------
    list of pathlib.Path
        The notebooks written.
    """
    import nbformat

    from .notebook import load_book

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = _chapter_paths(root, chapters)
    book = load_book(root)
    written = []
    for path in paths:
        nb = student_notebook(path, book=book)
        target = out / f"{path.stem}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
    return written


def solution_free_source(path) -> tuple[str, list[str]]:
    """A chapter's MyST source without its solutions.

    Returns
    -------
    text : str
        The MyST-Markdown notebook text.
    problems : list of str
        References left pointing into removed solutions (see
        :func:`~mlecourse.coursework.chapter.dangling_references`).
    """
    import jupytext

    original = read_chapter(path)
    stripped = strip_solutions(original)
    return jupytext.writes(stripped.notebook, fmt="md:myst"), dangling_references(original,
                                                                                   stripped)


def write_site(out, *, root=".") -> list[str]:
    """Copy the book's sources into ``out`` with every chapter's solutions removed.

    Copies ``_config.yml``, ``_toc.yml`` and the whole ``book/`` folder; each
    MyST-notebook chapter in it is rewritten without solutions. Build the copy
    with ``jupyter-book build OUT``.

    Parameters
    ----------
    out : str or pathlib.Path
        Output folder; must not be inside ``root/book``.
    root : str or pathlib.Path, default "."
        The course repository.

    Returns
    -------
    list of str
        Problems found (references into removed solutions), one per line.
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    book = root / "book"
    if out == root or book in out.parents or out == book:
        raise ValueError(f"{out}: choose an output folder outside the book's sources.")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(root / name, out / name)
    if (out / "book").exists():
        shutil.rmtree(out / "book")
    shutil.copytree(book, out / "book", ignore=shutil.ignore_patterns(
        "_build", ".ipynb_checkpoints", "__pycache__", ".jupyter_cache"))
    problems = []
    for path in sorted((out / "book").rglob("*.md")):
        if not is_notebook(path):
            continue
        text, issues = solution_free_source(path)
        problems += [f"{path.relative_to(out)}: {issue}" for issue in issues]
        path.write_text(text, encoding="utf-8")
    return problems
