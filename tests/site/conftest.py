"""Fixtures for the built-site tests (``-m site``, run by ``make site`` after ``make book``).

Pages are discovered from the build (``_build/html``), so a chapter added to
``_toc.yml`` is tested as soon as it is built. Every page is visited once, in
one shared Chromium, by the session fixture ``site_visits``; the tests then
read what that visit recorded. Outside CI a missing build, Chromium or
``node_modules`` skips these tests with the reason; with ``CI`` set it fails.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _browser import AXE_JS, NODE_MODULES, summary_table, visit_site  # noqa: E402
from _sitefacts import discover_pages, in_ci, screenshot_dir, site_dir  # noqa: E402

_RESULTS = pytest.StashKey[dict]()

# Files the pages need from node_modules (installed by `npm ci`, see package.json).
NODE_FILES = [
    AXE_JS,
    NODE_MODULES / "mathjax" / "es5" / "tex-mml-chtml.js",
    NODE_MODULES / "requirejs" / "require.js",
    NODE_MODULES / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js",
]


def unavailable(reason: str):
    """Skip on a developer's machine; fail in CI, where the site tests must run."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: the built-site tests must run)", pytrace=False)
    pytest.skip(reason)


def pytest_generate_tests(metafunc):
    if "page_path" not in metafunc.fixturenames:
        return
    site = site_dir()
    pages = discover_pages(site) if (site / "index.html").is_file() else []
    if pages:
        metafunc.parametrize("page_path", pages, ids=pages)
    else:
        metafunc.parametrize("page_path", [None], ids=["no-built-site"])


@pytest.fixture(scope="session")
def site() -> Path:
    path = site_dir()
    if not (path / "index.html").is_file():
        unavailable(f"no built site at {path}: run `make book` first")
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; MLECOURSE_CHROMIUM names another Chromium-based browser."""
    wanted = os.environ.get("MLECOURSE_CHROMIUM")
    if wanted:
        path = shutil.which(wanted)
        if path is None:
            pytest.fail(f"MLECOURSE_CHROMIUM={wanted!r} is not an executable", pytrace=False)
        return path
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("Chromium is not installed: `apt-get install chromium` (Debian)")
    return path


@pytest.fixture(scope="session")
def node_modules() -> Path:
    missing = [str(p.relative_to(NODE_MODULES)) for p in NODE_FILES if not p.is_file()]
    if missing:
        unavailable(
            f"node_modules lacks {', '.join(missing)}: run `npm ci` in the repository "
            "(the offline copies of MathJax, RequireJS, the widget manager and axe-core)"
        )
    return NODE_MODULES


@pytest.fixture(scope="session")
def site_visits(request, site, chromium, node_modules) -> dict:
    pages = discover_pages(site)
    results = visit_site(site, pages, chromium, screenshot_dir())
    request.config.stash[_RESULTS] = results
    return results


@pytest.fixture
def visit(site_visits, page_path):
    return site_visits[page_path]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = config.stash.get(_RESULTS, None)
    if not results:
        return
    terminalreporter.section("built site: one line per page")
    terminalreporter.write_line(summary_table(results))
    terminalreporter.write_line(f"screenshots: {screenshot_dir()}")
