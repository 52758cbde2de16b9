"""Every page of the built site, as a reader's browser shows it.

One test per check and per page; the page is visited once (see conftest's
``site_visits``) and each test reads what that visit recorded. Run with
``make site`` (``pytest -m site``) after ``make book``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest
from _browser import ALLOWED_CONSOLE, VIEWPORT
from _sitefacts import (
    alt_problem,
    book_root,
    has_code_cells,
    is_notebook,
    repository,
    source_has_math,
    source_of,
)

pytestmark = pytest.mark.site

def _fmt(problems: list[str]) -> str:
    return "\n  " + "\n  ".join(problems)


def test_no_console_errors(visit):
    """No console error or uncaught exception beyond the documented allowlist."""
    problems = visit.section("load") + visit.section("console")
    assert not problems, f"{visit.page}:{_fmt(problems)}\nallowlist: {ALLOWED_CONSOLE}"


def test_no_unexpected_external_requests(visit):
    """Everything the page needs is local or one of the CDN files served from node_modules."""
    problems = visit.section("requests") + [f"blocked {b}" for b in visit.blocked]
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_formulas_typeset(visit, page_path):
    problems = list(visit.section("math"))
    if source_has_math(source_of(page_path)) and visit.math_typeset == 0:
        problems.append("the source has formulas but the page shows no MathJax output")
    if visit.math_elements and visit.math_typeset < visit.math_elements:
        problems.append(
            f"{visit.math_elements} formulas, {visit.math_typeset} typeset by MathJax"
        )
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_images_load_and_have_alt_text(visit):
    problems = list(visit.section("images"))
    for img in visit.images:
        why = alt_problem(img["alt"], img["attr_src"])
        if why:
            if img["in_animation"]:
                where = "jshtml animation frame (give the player alt text)"
            elif img.get("in_widget"):
                where = (
                    "ipywidgets Image (it has no alt; show the figure in an HTML widget "
                    "as <img alt=...> instead)"
                )
            else:
                where = img["attr_src"][:100]
            problems.append(f"{where}: {why}")
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_widgets_render(visit):
    """Saved ipywidgets state is rendered into widget views without a kernel."""
    problems = list(visit.section("widgets"))
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_animations_play(visit):
    """jshtml animations have controls, and stepping and playing change the frame."""
    problems = list(visit.section("animations"))
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_no_serious_accessibility_violations(visit):
    """axe-core finds no serious or critical violation (moderate/minor are in the table)."""
    problems = visit.section("axe")
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_launch_buttons_and_thebe(visit, page_path):
    """Chapter pages launch the right notebook on Binder and have Thebe configured."""
    problems = list(visit.section("launch"))
    source = source_of(page_path)
    binder = [u for u in visit.launch_links if "/v2/" in u]
    if not is_notebook(source):
        assert not binder, f"{visit.page} is not a notebook but has Binder links {binder}"
        return
    repo = repository()
    rel = source.relative_to(book_root()).as_posix()
    expected = repo.binder_url(rel)
    if binder != [expected]:
        problems.append(f"Binder links {binder}, expected [{expected}]")
    if has_code_cells(source):
        thebe = visit.thebe
        if not thebe.get("thebe_button"):
            problems.append("no Live Code (Thebe) button")
        if not thebe.get("thebe_init"):
            problems.append("sphinx-thebe.js did not load (initThebe undefined)")
        config = thebe.get("thebe_config") or ""
        wanted = {
            "repo": f"{repo.org}/{repo.name}",
            "ref": repo.branch,
            "name": "python3",
            # the kernel starts in the chapter's folder, relative to the repository
            "path": str(PurePosixPath(repo.path_to_book or ".") / PurePosixPath(page_path).parent),
        }
        for key, value in wanted.items():
            found = re.search(rf'\b{key}:\s*"([^"]*)"', config)
            if not found or str(PurePosixPath(found.group(1))) != value:
                got = found.group(1) if found else None
                problems.append(f"Thebe config {key} is {got!r}, expected {value!r}")
    assert not problems, f"{visit.page}:{_fmt(problems)}"


def test_full_page_screenshot_saved(visit):
    problems = visit.section("load") + visit.section("screenshot")
    assert not problems, f"{visit.page}:{_fmt(problems)}"
    if visit.redirect:
        # a redirect page (index.html) shows nothing itself; its target is screenshotted
        assert visit.screenshot is None
        return
    data = visit.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == VIEWPORT["width"] and height >= VIEWPORT["height"] // 2
