"""The checkers behind the built-site tests, on inputs whose answer is known.

These run in ``make unit`` (no browser, no build): each shows that a check
fails on the defect it is meant to catch and passes on correct input.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from _browser import NODE_MODULES, _version_matches, cdn_local_copy
from _chapters import normalise, output_differences, text_outputs
from _sitefacts import (
    Repository,
    alt_problem,
    broken_refs,
    discover_pages,
    parse_page,
    source_has_math,
)


@pytest.mark.parametrize(
    ("alt", "src", "bad"),
    [
        (None, "../_images/a.png", True),
        ("", "../_images/a.png", True),
        ("png", "../_images/a.png", True),
        ("Figure", "x.png", True),
        ("../_images/abc123.png", "../_images/abc123.png", True),
        ("abc123.png", "../_images/abc123.png", True),
        ("abc123", "../_images/abc123.png", True),
        ("likelihood.svg", "../_images/other.svg", True),
        ("Histogram", "x.png", True),
        ("Histogram of fifty normal draws, centred near zero.", "x.png", False),
        ("Binder logo", "../_static/images/logo_binder.svg", False),
    ],
)
def test_alt_text_judgement(alt, src, bad):
    assert (alt_problem(alt, src) is not None) is bad


@pytest.mark.parametrize(
    ("spec", "installed", "ok"),
    [
        ("3", "3.2.2", True),
        ("3", "4.0.0", False),
        ("1.0.15", "1.0.15", True),
        ("1.0.6", "1.0.15", False),
        ("^1.0.1", "1.0.15", True),
        ("^1.0.1", "2.0.0", False),
        ("^1.2.0", "1.1.9", False),
        ("", "9.9.9", True),
    ],
)
def test_cdn_version_matching(spec, installed, ok):
    assert _version_matches(spec, installed) is ok


def test_cdn_urls_map_to_node_modules_only_when_versions_agree():
    mathjax = NODE_MODULES / "mathjax" / "package.json"
    if not mathjax.is_file():
        pytest.skip("node_modules not installed (npm ci)")
    version = json.loads(mathjax.read_text())["version"]
    major = version.split(".")[0]
    local, _ = cdn_local_copy(f"https://cdn.jsdelivr.net/npm/mathjax@{major}/es5/tex-mml-chtml.js")
    assert local == NODE_MODULES / "mathjax" / "es5" / "tex-mml-chtml.js"
    local, reason = cdn_local_copy("https://cdn.jsdelivr.net/npm/mathjax@2/MathJax.js")
    assert local is None and "node_modules has" in reason
    local, reason = cdn_local_copy("https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/r.js")
    assert local is None and "not a CDN URL" in reason
    local, reason = cdn_local_copy(f"https://cdn.jsdelivr.net/npm/mathjax@{major}/no/such.js")
    assert local is None and "has no file" in reason


def test_broken_links_and_anchors_are_found(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "x.css").write_text("")
    redirect = '<meta http-equiv="Refresh" content="0; url=book/a.html" />'
    (tmp_path / "index.html").write_text(redirect)
    (tmp_path / "book" / "a.html").write_text(
        '<h1 id="top">A</h1><a href="b.html#sec">ok</a><a href="b.html#nope">bad anchor</a>'
        '<a href="c.html">missing page</a><a href="#top">self</a><a href="#gone">self bad</a>'
        '<img src="../_images/none.png"><link href="../_static/x.css">'
        '<a href="https://example.org/x">external</a><a href="#">empty</a>'
    )
    (tmp_path / "book" / "b.html").write_text('<section id="sec"></section><a name="named"></a>')
    assert discover_pages(tmp_path) == ["book/a.html", "book/b.html", "index.html"]
    problems = broken_refs(tmp_path, "book/a.html")
    assert len(problems) == 4, problems
    assert any("no id 'nope' in book/b.html" in p for p in problems)
    assert any("book/c.html does not exist" in p for p in problems)
    assert any("no id 'gone'" in p for p in problems)
    assert any("_images/none.png does not exist" in p for p in problems)
    assert broken_refs(tmp_path, "index.html") == []
    assert parse_page(tmp_path, "index.html").redirect == "book/a.html"
    assert "named" in parse_page(tmp_path, "book/b.html").ids


def test_math_in_prose_is_told_from_dollars_in_code(tmp_path):
    cases = {
        "inline.md": ("The MLE $\\hat p = k/n$ is the sample mean.", True),
        "display.md": ("$$\n\\ell(\\theta)\n$$", True),
        "directive.md": ("```{math}\nx^2\n```", True),
        "role.md": ("The score {math}`U(\\theta)` is zero.", True),
        "code.md": ("```{code-cell} ipython3\nprint('$5 and $6')\n```\n`$x$` in code", False),
        "money.md": ("It costs \\$5, or \\$6 with tax.", False),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text("---\njupytext: {}\n---\n" + text + "\n")
        assert source_has_math(path) is expected, name


def test_binder_url_follows_the_repository_settings():
    repo = Repository(
        url="https://github.com/someone/fork", org="someone", name="fork", branch="dev",
        path_to_book="", binderhub_url="https://mybinder.org", ui_prefix="lab/tree",
    )
    assert repo.binder_url("book/likelihood.md") == (
        "https://mybinder.org/v2/gh/someone/fork/dev?urlpath=lab/tree/notebooks/likelihood.ipynb"
    )


def _notebook(*outputs_per_cell):
    nb = nbformat.v4.new_notebook()
    for outputs in outputs_per_cell:
        cell = nbformat.v4.new_code_cell("x = 1")
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return nb


def test_output_comparison_catches_a_changed_number_and_ignores_addresses():
    stream = {"output_type": "stream", "name": "stdout", "text": "mean 0.4213\n"}
    result = {
        "output_type": "execute_result", "execution_count": 1, "metadata": {},
        "data": {"text/plain": "[<matplotlib.lines.Line2D at 0x7f12ab34cd50>]"},
    }
    moved = dict(result, data={"text/plain": "[<matplotlib.lines.Line2D at 0x7f0000000000>]"})
    changed = dict(stream, text="mean 0.4214\n")
    assert output_differences(_notebook([stream], [result]), _notebook([stream], [moved])) == []
    diffs = output_differences(_notebook([stream], [result]), _notebook([changed], [result]))
    assert len(diffs) == 1 and diffs[0].startswith("code cell 0")
    assert "0.4213" in diffs[0] and "0.4214" in diffs[0]
    assert output_differences(_notebook([stream]), _notebook([stream], [])) != []
    assert text_outputs(_notebook([stream])) == [["stdout: mean 0.4213\n"]]
    # print() may arrive in pieces; the build merges them (nb_merge_streams)
    warn = {"output_type": "stream", "name": "stderr", "text": "UserWarning: slow\n"}
    pieces = [dict(stream, text="mean"), warn, dict(stream, text=" 0.4213\n")]
    assert output_differences(_notebook(pieces), _notebook([stream, warn])) == []
    assert output_differences(_notebook(pieces), _notebook([stream])) != []
    uid = "0123456789abcdef" * 2
    assert normalise(f'<img id="_anim_img{uid}"> anim{uid}') == '<img id="_anim_img…"> anim…'
    styler = '<style>#T_147a8 th {}</style><table id="T_147a8"><td id="T_147a8_row0_col0">'
    assert normalise(styler) == '<style>#T_… th {}</style><table id="T_…"><td id="T_…_row0_col0">'
    assert normalise("T_147a8x and T_147a") == "T_147a8x and T_147a"
