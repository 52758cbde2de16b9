"""The chapters as students meet them in Jupyter (``make site``, after ``make book``).

Every chapter is converted (student and full version) and compared with the
built page: the same equation, figure and exercise numbers, every glued number
in place, no raw MyST. Then the repository is set up the way Binder sets it
up (a copy of the repository, ``postBuild`` run in it), JupyterLab is started
in it, and a real browser opens a chapter through the path of the page's
Binder button, runs all cells and checks what the student sees. Screenshots
go to ``_build/screenshots/jupyterlab-*.png``.

The conversion reads the glued values from the build's execution cache
(``_build/.jupyter_cache``); the copy for JupyterLab gets that cache too, so
``postBuild`` does not run every chapter again (on Binder, without a cache,
it does, and computes the same values).
"""

from __future__ import annotations

import html as html_lib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mlecourse.coursework.assign import course_chapters
from mlecourse.coursework.chapter import read_chapter, strip_solutions
from mlecourse.coursework.notebook import BINDER_DIR, convert, format_glue, glue_values, load_book

sys.path.insert(0, str(Path(__file__).parent))

from _browser import CHROMIUM_ARGS  # noqa: E402
from _sitefacts import REPO, in_ci, screenshot_dir, site_dir  # noqa: E402

pytestmark = pytest.mark.site

CHAPTERS = course_chapters(REPO)
CACHE = REPO / "_build" / ".jupyter_cache"
RAW_MYST = re.compile(r"\{glue|\{eq\}|\{numref\}|\{ref\}|\{cite|\{doc\}|:::\{|```\{|^\(\S+\)=\s*$",
                      re.M)
GLUE_ROLE = re.compile(r"\{glue:text\}`(?P<key>[^`:]+)(?::(?P<fmt>[^`]*))?`")
#: exercises whose statement quotes a glued number (it was lost in the old student notebooks)
NUMBERED_STATEMENTS = ["ex-likelihood-meaning", "ex-em_algorithm-fisher", "ex-uncertainty-meaning"]


def _unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason} (CI is set: the built-site tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def book():
    return load_book(REPO)


@pytest.fixture(scope="module")
def page_text():
    site = site_dir()
    if not (site / "index.html").is_file():
        _unavailable(f"no built site at {site}: run `make book` first")

    def read(slug):
        raw = (site / "book" / f"{slug}.html").read_text(encoding="utf-8")
        return raw, html_lib.unescape(re.sub(r"<[^>]+>", "", raw))

    return read


def _markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("slug", CHAPTERS)
def test_every_notebook_has_no_raw_myst_and_the_sites_numbers(slug, book, page_text):
    path = REPO / "book" / f"{slug}.md"
    glue = glue_values(path, cache=CACHE)
    raw_html, text_html = page_text(slug)
    student = convert(path, solutions=False, book=book, glue=glue)
    full = convert(path, solutions=True, book=book, glue=glue)
    for nb in (student, full):
        md = _markdown(nb)
        assert RAW_MYST.findall(md) == [], slug
        assert "static page" not in md and "do not respond" not in md
    md = _markdown(full)
    # the numbers Sphinx gives equations, figures and exercises on the page
    assert re.findall(r"\\tag\{([\d.]+)\}", md) == re.findall(
        r'<span class="eqno">\(([\d.]+)\)', raw_html)
    assert re.findall(r"^#+ Exercise ([\d.]+)", md, re.M) == list(dict.fromkeys(
        re.findall(r"Exercise ([\d.]+)", text_html)))
    assert re.findall(r"^\*\*Fig\. ([\d.]+)\.\*\*", md, re.M) == list(dict.fromkeys(
        re.findall(r"Fig\. (\d+\.\d+) ", text_html)))
    # every number the student notebook quotes is in place, and the page shows the same one
    kept = "\n".join(c.source for c in strip_solutions(read_chapter(path)).notebook.cells
                     if c.cell_type == "markdown")
    student_md = _markdown(student)
    for m in GLUE_ROLE.finditer(kept):
        value = format_glue(m["key"], glue[m["key"]], m["fmt"] or "", "text", slug)
        assert value in student_md, (m["key"], value)
        assert value in text_html, (m["key"], value)
    # solutions: absent for students, each folded under its heading in the full notebook
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    folded_under = None
    for cell in full.cells:
        role = cell.metadata.get("mlecourse", {}).get("role")
        if role == "solution-heading":
            assert cell.metadata["jp-MarkdownHeadingCollapsed"] is True
            folded_under = cell.source.split(" ")[0]
        elif role == "solution" or "solution" in cell.metadata.get("tags", []):
            assert folded_under is not None, cell.source[:80]
        elif cell.cell_type == "markdown" and re.match(r"#+ ", cell.source):
            if folded_under and len(cell.source.split(" ")[0]) <= len(folded_under):
                folded_under = None
        else:
            assert folded_under is None, f"{cell.source[:80]!r} is folded with a solution"


@pytest.mark.parametrize("label", NUMBERED_STATEMENTS)
def test_exercise_statements_keep_their_numbers(label, book):
    slug = label.split("-")[1]
    path = REPO / "book" / f"{slug}.md"
    if not path.is_file():
        pytest.skip(f"{slug} is not a chapter of this book")
    glue = glue_values(path, cache=CACHE)
    nb = convert(path, solutions=False, book=book, glue=glue)
    at = next(i for i, c in enumerate(nb.cells)
              if c.metadata.get("mlecourse", {}).get("label") == label)
    statement = nb.cells[at + 1].source
    source = next(ex for ex in re.split(r"```\{exercise-start\}", path.read_text())
                  if f":label: {label}" in ex)
    roles = list(GLUE_ROLE.finditer(source.split("```{exercise-end}")[0]))
    assert roles, f"{label} quotes no glued number"
    for m in roles:
        assert format_glue(m["key"], glue[m["key"]], m["fmt"] or "", "text", slug) in statement


# --------------------------------------------------------------------------
# JupyterLab, started the way Binder starts it
# --------------------------------------------------------------------------

def _copy_repository(dest: Path) -> None:
    """The repository's files as a clone has them (tracked and new files, nothing ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def binder(tmp_path_factory, page_text):
    """A Binder-like checkout after postBuild, served by JupyterLab: (base URL, token, root)."""
    lab = shutil.which("jupyter-lab", path=str(Path(sys.executable).parent))
    if lab is None:
        _unavailable("JupyterLab is not installed (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("binder")
    _copy_repository(root)
    if CACHE.is_dir():
        shutil.copytree(CACHE, root / "_build" / ".jupyter_cache")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(root), OPENBLAS_NUM_THREADS="1")
    started = time.monotonic()
    post = subprocess.run(["./postBuild"], cwd=root, env=env, capture_output=True, text=True)
    assert post.returncode == 0, post.stderr[-3000:]
    print(f"postBuild: {time.monotonic() - started:.1f} s")
    settings = tmp_path_factory.mktemp("lab-settings")
    token = secrets.token_hex(16)
    port = _free_port()
    env.update(JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path_factory.mktemp("lab-workspaces")),
               JUPYTER_RUNTIME_DIR=str(tmp_path_factory.mktemp("jupyter-runtime")))
    # every cell in the page (no virtual scrolling), so that the test can read them all
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    log = open(root / "jupyterlab.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [lab, "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start: "
                        + (root / "jupyterlab.log").read_text()[-2000:])
        assert proc.poll() is None, (root / "jupyterlab.log").read_text()[-2000:]
        yield base, token, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _launch_urlpath(raw_html: str) -> str:
    links = re.findall(r'href="(https://mybinder\.org/v2/[^"]+)"', raw_html)
    assert links, "the page has no Binder link"
    m = re.search(r"[?&]urlpath=([^&]+)", html_lib.unescape(links[0]))
    assert m, links[0]
    return m.group(1)


@pytest.fixture(scope="module")
def browser(binder):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _unavailable("Chromium is not installed: `apt-get install chromium` (Debian)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# the open notebook's rendered Markdown as the reader sees it (folded cells are not rendered,
# so innerText leaves them out)
VISIBLE_TEXT_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-RenderedMarkdown'))
    .filter(e => e.offsetParent !== null).map(e => e.innerText).join('\\n\\n')"""


def _open(browser, binder, slug, page_text):
    base, token, root = binder
    urlpath = _launch_urlpath(page_text(slug)[0])
    assert urlpath == f"lab/tree/{BINDER_DIR}/{slug}.ipynb", urlpath
    assert (root / urlpath.removeprefix("lab/tree/")).is_file(), "postBuild did not write it"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/{urlpath}?token={token}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook .jp-MarkdownCell mjx-container')",
        timeout=60_000)
    # the kernel starts by itself (the status bar goes from Unknown to Idle)
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.jp-StatusBar-Widget'))
        .some(e => /Python 3 \\| Idle/.test(e.innerText))""", timeout=120_000, polling=500)
    news = page.get_by_role("button", name="No", exact=True)
    if news.count():  # JupyterLab's one-time question about its news feed
        news.first.click()
    return page, errors


def _mathjax_errors(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-Notebook mjx-merror, .jp-Notebook [data-mjx-error]')).map(
        e => e.getAttribute('data-mjx-error') || e.textContent)""")


def test_binder_button_opens_a_notebook_that_runs_and_reads_like_the_page(
        browser, binder, page_text):
    slug = "likelihood"
    if slug not in CHAPTERS:
        pytest.skip("no likelihood chapter")
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    page, errors = _open(browser, binder, slug, page_text)
    # a notebook, not the text editor
    assert page.locator(".jp-NotebookPanel").first.is_visible()
    assert page.locator(".jp-FileEditor").count() == 0
    assert page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current "
                        ".lm-TabBar-tabLabel").first.inner_text() == f"{slug}.ipynb"
    assert page.locator(".jp-Dialog").count() == 0, "JupyterLab asks for something on opening"
    page.screenshot(path=str(shots / "jupyterlab-opened.png"))

    # run all cells, as the first cell tells the student to
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # done when every code cell in view has its execution number and the kernel is idle
    # (cells folded under a solution heading run too, but are not drawn)
    done_js = """() => {
        // (a folded input shows an empty prompt)
        const p = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
            .filter(e => e.offsetParent !== null && e.textContent.trim());
        const idle = Array.from(document.querySelectorAll('.jp-StatusBar-Widget'))
            .some(e => /Python 3 \\| Idle/.test(e.innerText));
        return idle && p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent));
    }"""
    deadline = time.monotonic() + 300
    settled = 0
    while settled < 3 and time.monotonic() < deadline:
        settled = settled + 1 if page.evaluate(done_js) else 0
        page.wait_for_timeout(1000)
    assert settled == 3, "Run All Cells did not finish in 5 minutes"
    failed = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')).map(
        e => e.innerText.slice(0, 300))""")
    assert failed == []

    text = page.evaluate(VISIBLE_TEXT_JS)
    assert RAW_MYST.findall(text) == []
    assert "0.0812" in text and "Exercise 1.5" in text and "(Wasserman, 2004)" in text
    assert _mathjax_errors(page) == []
    assert page.locator(".jp-Notebook mjx-container").count() > 50

    # the misconception box is a quoted block with its title
    box = page.locator(".jp-RenderedMarkdown blockquote", has_text="Common misconception").first
    box.scroll_into_view_if_needed()
    assert "the likelihood does not" in box.inner_text()
    page.screenshot(path=str(shots / "jupyterlab-misconception.png"))

    # solutions are folded: their text is not in view, their heading is
    solution_text = "The MLE is the proportion of heads"
    assert solution_text not in text
    code_text = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-CodeCell .jp-InputArea')).filter(e => e.offsetParent !== null).map(
        e => e.innerText).join('\\n')""")
    assert "p_hat = 7 / 20" not in code_text
    heading = page.locator(".jp-RenderedMarkdown", has_text="Solution to Exercise 1.1").first
    exercise = page.locator(".jp-RenderedMarkdown h3", has_text="Exercise 1.1").first
    exercise.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "jupyterlab-exercise-folded.png"))
    # the button under the heading unfolds the solution
    cell = heading.locator("xpath=ancestor::div[contains(@class,'jp-MarkdownCell')][1]")
    cell.get_by_role("button", name=re.compile("cells? hidden")).click()
    page.wait_for_function(f"() => document.body.innerText.includes({solution_text!r})",
                           timeout=20_000)
    page.screenshot(path=str(shots / "jupyterlab-solution-unfolded.png"))

    # the explorer's parameter slider redraws its figure
    explorer = page.locator(".jp-OutputArea-output .widget-vbox", has=page.locator(
        ".widget-slider")).first
    explorer.scroll_into_view_if_needed()
    figure_js = """(root) => Array.from(root.querySelectorAll('.widget-html-content'))
        .filter(e => e.querySelector('img, svg')).map(e => e.innerHTML).join('')"""
    before = explorer.evaluate(figure_js)
    assert before, "the explorer shows no figure"
    handle = explorer.locator(".noUi-handle").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    deadline = time.monotonic() + 30
    while explorer.evaluate(figure_js) == before and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert explorer.evaluate(figure_js) != before, "moving the slider did not redraw the figure"
    page.screenshot(path=str(shots / "jupyterlab-explorer.png"))

    # the animation steps to its next frame
    anim = page.locator(".jp-OutputArea-output", has=page.locator(".anim-buttons")).first
    anim.scroll_into_view_if_needed()
    frame_js = "(root) => root.querySelector('img').src"
    frame = anim.evaluate(frame_js)
    anim.locator("button[title='Next frame']").first.click()
    page.wait_for_timeout(500)
    assert anim.evaluate(frame_js) != frame, "the animation did not step"
    assert errors == [], errors
    page.close()


def test_macros_of_the_config_render_in_jupyterlab(browser, binder, page_text, book):
    """A chapter that uses the book's MathJax macros (\\KL, \\E) shows no MathJax error."""
    users = [slug for slug in CHAPTERS if any(
        re.search(r"\\" + name + r"(?![A-Za-z])", (REPO / "book" / f"{slug}.md").read_text())
        for name in book.macros)]
    if not users:
        pytest.skip("no chapter uses a macro of _config.yml")
    page, errors = _open(browser, binder, users[0], page_text)
    page.wait_for_timeout(2000)
    assert _mathjax_errors(page) == []
    assert RAW_MYST.findall(page.evaluate(VISIBLE_TEXT_JS)) == []
    page.close()
