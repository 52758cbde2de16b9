"""The conversion of a MyST chapter into a Jupyter-native notebook.

A two-chapter book written here (in a temporary folder) exercises each piece of
MyST the chapters use; the glued values are passed in, so these tests start no
kernel. ``tests/site/test_notebooks.py`` converts every real chapter, and runs
one in JupyterLab.
"""

from __future__ import annotations

import re
import textwrap

import nbformat
import pytest
from myst_nb.core.variables import format_plain_text

from mlecourse.coursework.chapter import ChapterFormatError
from mlecourse.coursework.notebook import (
    _binder_notebook_links,
    convert,
    format_glue,
    launch_path,
    load_book,
    site_url,
)

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

CONFIG = """
title: Test book
repository:
  url: https://github.com/SomeOne/fork
  branch: main
bibtex_bibfiles:
  - book/references.bib
sphinx:
  config:
    mathjax3_config:
      tex:
        macros:
          E: "\\\\mathbb{E}"
          KL: "\\\\operatorname{KL}"
"""

TOC = """
format: jb-book
root: book/intro
parts:
  - caption: Start
    chapters:
      - file: book/notes
  - caption: Part I
    numbered: true
    chapters:
      - file: book/first
      - file: book/second
"""

BIB = """
@book{pawitan2001,
  author = {Pawitan, Yudi},
  title = {In All Likelihood},
  publisher = {Oxford University Press},
  year = {2001}
}
@article{dempster1977,
  author = {Dempster, Arthur P. and Laird, Nan M. and Rubin, Donald B.},
  title = {Maximum Likelihood from Incomplete Data via the {EM} Algorithm},
  journal = {Journal of the Royal Statistical Society. Series B},
  volume = {39},
  pages = {1--38},
  year = {1977}
}
"""

FIRST = HEADER + textwrap.dedent('''
    (first)=
    # The first chapter

    Some text with $\\E[X]$ and a value {glue:text}`first-p:.3f`, a count
    {glue:text}`first-n`, and a percentage {glue:text}`first-p:.1%`.

    (first-sec)=
    ## A section

    $$
    L(p) = p^k (1-p)^{n-k}
    $$ (eq-first-lik)

    By {eq}`eq-first-lik` and {eq}`eq-second-a`, see {numref}`fig-first-curve`,
    {numref}`Figure %s <fig-second-pic>`, {ref}`first-sec`, {ref}`the other one <second-sec>`
    and {doc}`second`. Fisher's idea {cite}`pawitan2001`; as {cite:t}`dempster1977` show.
    On this static page the controls show their last state but do not respond. The
    explorer below reacts to its slider (on this static page it does not, since it calls
    Python).

    ```{code-cell} ipython3
    import numpy as np
    from myst_nb import glue
    p_hat = 0.123456
    ```

    ```{code-cell} ipython3
    :tags: [remove-cell]
    glue("first-p", p_hat, display=False)
    glue("first-n", 12, display=False)
    ```

    ```{code-cell} ipython3
    :tags: [remove-cell]
    helper = p_hat * 2
    ```

    ```{code-cell} ipython3
    ---
    mystnb:
      image:
        alt: A rising line.
      figure:
        caption: The curve of {eq}`eq-first-lik`.
        name: fig-first-curve
    tags: [hide-input]
    ---
    print(helper)
    ```

    :::{admonition} Common misconception
    :class: warning

    *"A likelihood is a probability of $p$."* No: it is {glue:text}`first-p:.2f`.

    ```python
    x = 1
    ```
    :::

    ```{note}
    A note with a $\\KL$ divergence.
    ```

    ## Exercises

    ```{exercise-start}
    :label: ex-first-a
    ```

    Compute the MLE; it is about {glue:text}`first-p:.2f`.

    ```{code-cell} ipython3
    :tags: [exercise]
    answer = ...
    ```

    ```{exercise-end}
    ```

    ```{solution-start} ex-first-a
    :class: dropdown
    ```

    The secret reasoning is here.

    ```{code-cell} ipython3
    :tags: [solution]
    answer = "secret-code"
    ```

    ```{solution-end}
    ```

    ```{exercise-start} A titled one
    :label: ex-first-b
    ```

    Second statement.

    ```{exercise-end}
    ```
''')

SECOND = HEADER + textwrap.dedent('''
    # The second chapter

    (second-sec)=
    ## Another section

    ```{code-cell} ipython3
    ---
    mystnb:
      figure:
        caption: A picture.
        name: fig-second-pic
    ---
    x = 1
    ```

    $$
    a = b
    $$ (eq-second-a)
    ''')

GLUE = {"first-p": {"text/plain": "np.float64(0.123456)"}, "first-n": {"text/plain": "12"}}
RAW_MYST = re.compile(r"\{glue|\{eq\}|\{numref\}|\{ref\}|\{cite|\{doc\}|:::\{|```\{|^\(\S+\)=",
                      re.M)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "book").mkdir()
    (root / "_config.yml").write_text(CONFIG)
    (root / "_toc.yml").write_text(TOC)
    (root / "book" / "references.bib").write_text(BIB)
    (root / "book" / "intro.md").write_text("# Welcome\n")
    (root / "book" / "notes.md").write_text("# Notes\n")
    (root / "book" / "first.md").write_text(FIRST)
    (root / "book" / "second.md").write_text(SECOND)
    return root


@pytest.fixture(scope="module")
def full(course):
    return convert(course / "book" / "first.md", solutions=True, glue=GLUE)


@pytest.fixture(scope="module")
def student(course):
    return convert(course / "book" / "first.md", solutions=False, glue=GLUE)


def markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_book_numbers_chapters_equations_and_figures_as_the_site(course):
    book = load_book(course)
    assert book.chapter_numbers == {"book/first": "1", "book/second": "2"}
    assert book.titles["book/second"] == "The second chapter"
    assert book.targets["eq-first-lik"].number == "1.1"
    assert book.targets["eq-second-a"].number == "2.1"
    assert book.targets["fig-first-curve"].number == "1.1"
    assert book.targets["fig-second-pic"].number == "2.1"
    assert book.targets["ex-first-b"].number == "1.2"
    assert book.targets["second-sec"].title == "Another section"


def test_glue_values_are_formatted_like_myst_nb():
    for text, fmt in [("0.081219", ".4f"), ("0.081219", ".1%"), ("12", ""), ("12", "d"),
                      ("7.2e-31", ".3e"), ("'abc'", ""), ("2.5", "g")]:
        assert format_glue("k", {"text/plain": text}, fmt, "text", "x") == format_plain_text(
            text, fmt)
    # a NumPy 2 scalar prints as np.float64(...): the number inside is formatted
    assert format_glue("k", {"text/plain": "np.float64(0.36)"}, ".3f", "text", "x") == "0.360"
    with pytest.raises(ChapterFormatError, match="glue 'k' cannot be formatted with '.2f'"):
        format_glue("k", {"text/plain": "'a word'"}, ".2f", "text", "x.md")


def test_no_raw_myst_and_every_value_in_place(full, student):
    for nb in (full, student):
        text = markdown(nb)
        assert RAW_MYST.findall(text) == []
        assert "a value 0.123, a count\n12, and a percentage 12.3%." in text
        assert "(first)=" not in text and "first-p" not in text


def test_equations_are_tagged_and_references_numbered(full):
    text = markdown(full)
    assert "L(p) = p^k (1-p)^{n-k}\n\\tag{1.1}\n$$" in text
    assert "By (1.1) and [(2.1)](https://someone.github.io/fork/book/second.html" \
           "#equation-eq-second-a)" in text
    assert "see Fig. 1.1,\n[Figure 2.1](https://someone.github.io/fork/book/second.html" \
           "#fig-second-pic)" in text
    assert ", A section, [the other one](https://someone.github.io/fork/book/second.html" \
           "#second-sec)\nand" in text
    assert "and [The second chapter](https://someone.github.io/fork/book/second.html)." in text
    assert "# 1. The first chapter" in text and "## 1.1. A section" in text


def test_citations_are_author_year_with_a_reference_list(full):
    text = markdown(full)
    assert "Fisher's idea (Pawitan, 2001); as Dempster *et al.* (1977) show." in text
    refs = full.cells[-1].source
    assert refs.startswith("## References\n\n- Dempster *et al.* (1977). ")
    assert "In All Likelihood" in refs and refs.index("Dempster") < refs.index("Pawitan")


def test_static_page_sentences_are_removed(full):
    text = markdown(full)
    assert "static page" not in text and "do not respond" not in text
    assert "The\nexplorer below reacts to its slider." in text


def test_admonitions_are_quoted_with_their_title(full):
    text = markdown(full)
    assert "> **Common misconception**\n>\n> *\"A likelihood is a probability of $p$.\"* " \
           "No: it is 0.12.\n>\n> ```python\n> x = 1\n> ```" in text
    assert "> **Note**\n>\n> A note with a $\\KL$ divergence." in text


def test_macros_are_defined_in_the_first_cell(full):
    first = full.cells[0].source
    assert "$\\newcommand{\\E}{\\mathbb{E}}\\newcommand{\\KL}{\\operatorname{KL}}$" in first


def test_code_cells_glue_cells_and_figures(full):
    code = [c for c in full.cells if c.cell_type == "code"]
    sources = [c.source for c in code]
    assert not any("glue(\"first-p\"" in s for s in sources)      # a glue-only cell is dropped
    kept = next(c for c in code if "helper = p_hat * 2" in c.source)  # used later: kept, folded
    assert kept.metadata["jupyter"] == {"source_hidden": True}
    fig = next(c for c in code if c.source == "print(helper)")
    assert fig.metadata["jupyter"] == {"source_hidden": True}
    assert "mystnb" not in fig.metadata
    caption = full.cells[full.cells.index(fig) + 1].source
    assert caption.startswith("**Fig. 1.1.** The curve of (1.1).")
    assert "A rising line." in caption
    assert all(c.outputs == [] for c in code)


def test_exercises_have_numbered_headings(full, student):
    for nb in (full, student):
        heads = [c for c in nb.cells if c.metadata.get("mlecourse", {}).get("role") == "exercise"]
        assert [(c.source, c.metadata["mlecourse"]["label"]) for c in heads] == [
            ("### Exercise 1.1", "ex-first-a"), ("### Exercise 1.2 (A titled one)", "ex-first-b")]
        assert "Compute the MLE; it is about 0.12." in markdown(nb)


def test_solutions_are_folded_in_the_full_notebook_and_absent_for_students(full, student):
    cells = full.cells
    at = next(i for i, c in enumerate(cells) if c.source == "#### Solution to Exercise 1.1")
    heading = cells[at]
    assert heading.metadata["jp-MarkdownHeadingCollapsed"] is True         # JupyterLab 4
    assert heading.metadata["jupyter"] == {"heading_collapsed": True}      # classic notebook
    # JupyterLab folds everything up to the next heading of level 4 or higher: the solution
    folded = []
    for cell in cells[at + 1:]:
        if cell.cell_type == "markdown" and re.match(r"#{1,4} ", cell.source):
            break
        folded.append(cell)
    assert [c.source for c in folded] == ["The secret reasoning is here.", 'answer = "secret-code"']
    assert cells[at + 1 + len(folded)].source.startswith("### Exercise 1.2")
    assert "secret" not in nbformat.writes(student)
    assert full.metadata["mlecourse"]["kind"] == "chapter notebook"
    assert student.metadata["mlecourse"]["kind"] == "student notebook"


def test_a_solution_followed_by_prose_is_folded_cell_by_cell(course):
    chapter = course / "book" / "prose.md"
    chapter.write_text(HEADER + textwrap.dedent("""
        # P

        ```{exercise-start}
        :label: ex-p
        ```

        Do it.

        ```{exercise-end}
        ```

        ```{solution-start} ex-p
        :class: dropdown
        ```

        Hidden answer.

        ```{code-cell} ipython3
        :tags: [solution]
        x = 1
        ```

        ```{solution-end}
        ```

        Prose that must stay in view.
        """))
    try:
        nb = convert(chapter, solutions=True, glue={})
    finally:
        chapter.unlink()
    heading = next(c for c in nb.cells if c.source.startswith("### Solution"))
    assert "jp-MarkdownHeadingCollapsed" not in heading.metadata
    hidden = [c for c in nb.cells if c.metadata.get("jupyter", {}).get("source_hidden")]
    assert [c.source for c in hidden] == ["Hidden answer.", "x = 1"]
    assert hidden[1].metadata["jupyter"]["outputs_hidden"] is True
    assert nb.cells[-1].source == "Prose that must stay in view."
    assert "jupyter" not in nb.cells[-1].metadata


def test_bad_chapters_fail_loudly_naming_what_is_wrong(course):
    path = course / "book" / "first.md"
    with pytest.raises(ChapterFormatError, match="glue 'first-n' is used but"):
        convert(path, solutions=False, glue={"first-p": GLUE["first-p"]})
    broken = course / "book" / "broken.md"
    broken.write_text(HEADER + "\n# B\n\nSee {eq}`eq-nowhere`.\n")
    with pytest.raises(ChapterFormatError, match="'eq-nowhere', which is not a label"):
        convert(broken, solutions=False, glue={})
    broken.write_text(HEADER + "\n# B\n\nAs {cite}`nobody2020` said.\n")
    with pytest.raises(ChapterFormatError, match="'nobody2020', which is not in the bib"):
        convert(broken, solutions=False, glue={})
    broken.write_text(HEADER + "\n# B\n\n```{solution-start} x\n```\n\nOpen.\n")
    with pytest.raises(ChapterFormatError, match="solution-start without its solution-end"):
        convert(broken, solutions=True, glue={})
    broken.unlink()
    with pytest.raises(ValueError, match="not a course repository"):
        load_book(course / "book")


def test_site_url_comes_from_the_repository_block():
    assert site_url({"repository": {"url": "https://github.com/Org/repo"}}) == \
        "https://org.github.io/repo/"
    assert site_url({"html": {"baseurl": "https://example.org/course"},
                     "repository": {"url": "https://github.com/o/r"}}) == \
        "https://example.org/course/"
    assert site_url({"repository": {"url": "https://gitlab.com/o/r"}}) is None


def test_launch_links_point_at_the_converted_notebook():
    assert launch_path("book/likelihood.md") == "notebooks/likelihood.ipynb"
    assert launch_path("other/page.md") == "other/page.md"
    binder = "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/book/likelihood.md"
    context = {"header_buttons": [{"type": "group", "buttons": [
        {"text": "Binder", "url": binder},
        {"text": "Repository", "url": "https://github.com/o/r"}]}]}
    _binder_notebook_links(None, "book/likelihood", "page.html", context, None)
    buttons = context["header_buttons"][0]["buttons"]
    assert buttons[0]["url"] == ("https://mybinder.org/v2/gh/o/r/main"
                                 "?urlpath=lab/tree/notebooks/likelihood.ipynb")
    assert buttons[1]["url"] == "https://github.com/o/r"


def test_write_notebooks_and_the_command_line(course, tmp_path, capsys, monkeypatch):
    from mlecourse.coursework import notebook

    monkeypatch.setattr(notebook, "glue_values", lambda path, cache=None: dict(GLUE))
    out = tmp_path / "nbs"
    assert notebook.main(["--root", str(course), "--out", str(out), "--chapters", "first"]) == 0
    assert capsys.readouterr().out.strip() == str(out / "first.ipynb")
    nb = nbformat.read(out / "first.ipynb", as_version=4)
    assert nb.metadata["mlecourse"]["kind"] == "chapter notebook"
    assert notebook.main(["--root", str(course), "--out", str(out), "--chapters", "nope"]) == 2
    assert "no such chapter" in capsys.readouterr().err
