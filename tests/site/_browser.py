"""Visit every page of the built site once in a real browser and record what a reader gets.

One Chromium (Debian's package, driven by Playwright) serves all pages. The
site is served over HTTP on 127.0.0.1 (``file://`` pages hit CORS errors).
The pages load MathJax, RequireJS and the Jupyter widget manager from
cdn.jsdelivr.net; those requests are answered from the npm packages in
``node_modules`` (``npm ci`` installs the versions in ``package-lock.json``),
after checking that the version the page asks for is the one installed. Every
other request that leaves 127.0.0.1 is blocked and recorded.

For each page the visit records: console errors and uncaught exceptions;
blocked external requests and failed local ones; formulas (typeset by MathJax,
no TeX error, no raw delimiters left in the text); images (loaded, alt text);
widget views (rendered by the widget manager); jshtml animations (the frame
changes on "Next frame" and on "Play"); axe-core violations; the launch
buttons and Thebe configuration; a full-page screenshot.
"""

from __future__ import annotations

import json
import mimetypes
import re
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

from _sitefacts import REPO, parse_page

NODE_MODULES = REPO / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

VIEWPORT = {"width": 1280, "height": 900}

# URL prefixes answered from node_modules: "<prefix><package>@<version>/<file>".
CDN_PREFIXES = ("https://cdn.jsdelivr.net/npm/",)

# Console errors that are known, understood and harmless. Each needs a reason.
ALLOWED_CONSOLE = [
    (
        re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
        "sphinx-thebe 0.3.1 adds its `const THEBE_JS_URL = ...` script twice to every page "
        "under Jupyter Book 1 (known upstream message); the first declaration works and "
        "the Thebe button is unaffected",
    ),
]

# External requests that may be blocked without failing a page. Each needs a reason.
ALLOWED_BLOCKED: list[tuple[re.Pattern, str]] = []

# Impacts that fail the accessibility test.
FAILING_IMPACTS = ("serious", "critical")
IMPACT_LETTER = {"critical": "C", "serious": "S", "moderate": "m", "minor": "i"}


@dataclass
class PageResult:
    page: str
    url: str = ""
    seconds: float = 0.0
    problems: dict[str, list[str]] = field(default_factory=dict)
    allowed_console: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    allowed_blocked: list[str] = field(default_factory=list)
    cdn_served: list[str] = field(default_factory=list)
    math_elements: int = 0
    math_typeset: int = 0
    images: list[dict] = field(default_factory=list)
    has_widget_state: bool = False
    widget_views: int = 0
    widgets_rendered: int = 0
    animations: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    launch_links: list[str] = field(default_factory=list)
    thebe: dict = field(default_factory=dict)
    has_code_cells: bool = False
    screenshot: Path | None = None
    redirect: str | None = None

    def add(self, section: str, message: str) -> None:
        self.problems.setdefault(section, []).append(message)

    def section(self, name: str) -> list[str]:
        return self.problems.get(name, [])

    @contextmanager
    def checking(self, section: str):
        """Record an exception raised while checking ``section`` as a problem of it."""
        self.problems.setdefault(section, [])
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.add(section, f"could not check {section}: {detail}")


# --------------------------------------------------------------------------
# Serving the site and the CDN copies
# --------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextmanager
def serve(site: Path):
    handler = partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _version_matches(spec: str, installed: str) -> bool:
    """Does the installed version satisfy the version written in a CDN URL?

    URLs use an exact version (``1.0.15``), a partial one (``3``: any 3.x.y)
    or a caret range (``^1.0.1``).
    """
    inst = [int(x) for x in re.findall(r"\d+", installed)[:3]]
    if not spec or spec == "latest":
        return True
    caret = spec.startswith("^")
    nums = [int(x) for x in re.findall(r"\d+", spec)[:3]]
    if caret:
        return inst[0] == nums[0] and inst >= nums + [0] * (3 - len(nums))
    return inst[: len(nums)] == nums


def cdn_local_copy(url: str) -> tuple[Path | None, str]:
    """Map a CDN URL to the file in node_modules; (None, reason) if there is none."""
    for prefix in CDN_PREFIXES:
        if not url.startswith(prefix):
            continue
        rest = url[len(prefix):].split("?", 1)[0].split("#", 1)[0]
        match = re.fullmatch(r"((?:@[^/@]+/)?[^/@]+)(?:@([^/]*))?/(.+)", rest)
        if not match:
            return None, f"cannot parse CDN URL {url}"
        name, spec, path = match.groups()
        package_json = NODE_MODULES / name / "package.json"
        if not package_json.is_file():
            return None, f"{name} is not in node_modules (add it to package.json, run npm ci)"
        installed = json.loads(package_json.read_text())["version"]
        if not _version_matches(spec or "", installed):
            return None, (
                f"the page asks for {name}@{spec} but node_modules has {installed}: "
                "keep package.json and the URLs in _config.yml in step"
            )
        local = NODE_MODULES / name / path
        if not local.is_file():
            return None, f"{name}@{installed} has no file {path}"
        return local, ""
    return None, "not a CDN URL served from node_modules"


_FILE_CACHE: dict[Path, bytes] = {}


def _content_type(path: Path) -> str:
    if path.suffix == ".js":
        return "application/javascript"
    if path.suffix == ".woff2":
        return "font/woff2"
    if path.suffix == ".woff":
        return "font/woff"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# --------------------------------------------------------------------------
# In-page probes (JavaScript)
# --------------------------------------------------------------------------

JS_RAW_MATH = r"""
() => {
  // Code, and Sphinx's literal text (span.pre, e.g. a default value '$\theta$'
  // in an API signature), is Python, not TeX.
  const skip = "pre, code, kbd, samp, script, style, textarea, noscript, template, "
             + "mjx-container, mjx-assistive-mml, .highlight, span.pre, dt.sig";
  const patterns = [
    /\$\$/, /\\\(/, /\\\)/, /\\\[/, /\\\]/, /\\begin\{/, /\\end\{/,
    /\$[^$\n]*\\[A-Za-z]+[^$\n]*\$/, /\$[A-Za-z0-9_^{}\\ ]{1,40}\$/,
  ];
  const hits = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue;
    if (!text || !/[$\\]/.test(text)) continue;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (patterns.some((p) => p.test(text))) hits.push(text.trim().slice(0, 160));
  }
  return hits;
}
"""

JS_MATH = r"""
() => {
  const elements = Array.from(document.querySelectorAll("span.math, div.math"));
  const untypeset = elements.filter((e) => !e.querySelector("mjx-container"))
                            .map((e) => e.textContent.trim().slice(0, 120));
  const errors = Array.from(document.querySelectorAll(
      "mjx-merror, mjx-assistive-mml merror, mjx-assistive-mml mtext[mathcolor='red']"))
    .map((e) => (e.getAttribute("data-mjx-error") || e.textContent).trim().slice(0, 120));
  return {
    elements: elements.length,
    containers: document.querySelectorAll("mjx-container").length,
    untypeset: untypeset,
    errors: Array.from(new Set(errors)),
    mathjax: !!(window.MathJax && window.MathJax.version),
  };
}
"""

JS_IMAGES = r"""
() => Array.from(document.images).map((img) => ({
  src: (img.currentSrc || img.src || "").slice(0, 200),
  attr_src: (img.getAttribute("src") || "").slice(0, 200),
  alt: img.getAttribute("alt"),
  complete: img.complete,
  width: img.naturalWidth,
  in_animation: !!img.closest("div.animation"),
  in_widget: !!img.closest(".jupyter-widgets"),
  id: img.id || "",
}))
"""

JS_WIDGETS_DONE = r"""
() => {
  const views = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]');
  for (const view of views) {
    const area = view.previousElementSibling;
    if (!area || !area.classList.contains("widget-subarea")) return false;
    if (!area.querySelector(".jupyter-widgets")) return false;
  }
  return true;
}
"""

JS_WIDGETS = r"""
() => {
  const views = Array.from(document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]'));
  return {
    state: !!document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]'),
    views: views.map((view) => {
      const area = view.previousElementSibling;
      const ok = !!(area && area.classList.contains("widget-subarea"));
      const model = JSON.parse(view.textContent).model_id;
      return {
        model: model,
        rendered: ok && !!area.querySelector(".jupyter-widgets"),
        error: ok && !!area.querySelector(".jupyter-widgets-error-widget"),
        text: ok ? area.innerText.trim().slice(0, 80) : "",
      };
    }),
  };
}
"""

JS_AXE = r"""
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
  }));
}
"""

JS_LAUNCH = r"""
() => ({
  links: Array.from(document.querySelectorAll(".dropdown-launch-buttons a[href]"))
              .map((a) => a.href),
  thebe_button: !!document.querySelector(".btn-launch-thebe"),
  thebe_init: typeof window.initThebe === "function",
  thebe_config: (document.querySelector('script[type="text/x-thebe-config"]') || {})
                  .textContent || null,
  code_cells: document.querySelectorAll("div.cell").length,
})
"""


# --------------------------------------------------------------------------
# Visiting
# --------------------------------------------------------------------------


def _click(locator) -> None:
    """Click as a reader would; a control inside a closed dropdown gets a DOM click."""
    if locator.is_visible():
        locator.click()
    else:
        locator.dispatch_event("click")


def _check_animations(page, result: PageResult) -> None:
    animations = page.locator("div.animation")
    for i in range(animations.count()):
        anim = animations.nth(i)
        img = anim.locator("img").first
        slider = anim.locator("input[type=range]").first
        record = {"index": i, "frames": int(slider.get_attribute("max") or 0) + 1}
        result.animations.append(record)
        buttons = {
            title: anim.locator(f'button[title="{title}"]')
            for title in ("First frame", "Next frame", "Play", "Pause")
        }
        missing = [t for t, b in buttons.items() if b.count() != 1]
        if missing:
            result.add("animations", f"animation {i}: no {', '.join(missing)} button")
            continue
        if record["frames"] < 2:
            result.add("animations", f"animation {i}: only {record['frames']} frame")
            continue
        src = img.evaluate("el => el.src")
        if not src.startswith(("data:image", "http")):
            result.add("animations", f"animation {i}: the frame image has no picture")
            continue
        _click(buttons["Next frame"])
        stepped = img.evaluate("el => el.src")
        record["step_changes_frame"] = stepped != src
        if stepped == src:
            result.add("animations", f"animation {i}: 'Next frame' did not change the frame")
        _click(buttons["First frame"])
        first = img.evaluate("el => el.src")
        _click(buttons["Play"])
        try:
            page.wait_for_function(
                "([el, src]) => el.src !== src", arg=[img.element_handle(), first]
            )
            record["play_changes_frame"] = True
        except Exception:  # noqa: BLE001 - reported below
            record["play_changes_frame"] = False
            result.add("animations", f"animation {i}: 'Play' did not advance the frames")
        _click(buttons["Pause"])
        width = img.evaluate("el => el.naturalWidth")
        if not width:
            result.add("animations", f"animation {i}: the frame image does not decode")


def visit_page(context, base_url: str, site: Path, page_path: str, shots: Path) -> PageResult:
    result = PageResult(page=page_path, url=base_url + page_path)
    start = time.perf_counter()
    page = context.new_page()
    page.set_default_timeout(30_000)
    blocked_urls: set[str] = set()

    def on_route(route):
        url = route.request.url
        if url.startswith(base_url):
            route.continue_()
            return
        local, reason = cdn_local_copy(url)
        if local is not None:
            body = _FILE_CACHE.get(local)
            if body is None:
                body = _FILE_CACHE[local] = local.read_bytes()
            result.cdn_served.append(url)
            route.fulfill(
                status=200,
                body=body,
                headers={
                    "Content-Type": _content_type(local),
                    "Access-Control-Allow-Origin": "*",
                },
            )
            return
        blocked_urls.add(url)
        entry = f"{route.request.resource_type} {url[:160]} ({reason})"
        if any(p.search(url) for p, _ in ALLOWED_BLOCKED):
            result.allowed_blocked.append(entry)
        else:
            result.blocked.append(entry)
        route.abort("blockedbyclient")

    def on_console(msg):
        text = msg.text
        location = (msg.location or {}).get("url", "")
        if msg.type == "warning":
            result.console_warnings.append(text[:300])
            return
        if msg.type != "error":
            return
        if text.startswith("Failed to load resource") and location in blocked_urls:
            return  # counted as a blocked request
        if any(p.search(text) for p, _ in ALLOWED_CONSOLE):
            result.allowed_console.append(text[:300])
        else:
            result.add("console", f"console.error: {text[:400]} [{location}]")

    def on_pageerror(error):
        text = f"{error.name}: {error.message}"
        if any(p.search(text) for p, _ in ALLOWED_CONSOLE):
            result.allowed_console.append(text[:300])
        else:
            result.add("console", f"uncaught {text[:400]}")

    def on_response(response):
        if response.url.startswith(base_url) and response.status >= 400:
            result.add("requests", f"HTTP {response.status} for {response.url}")

    def on_requestfailed(request):
        if request.url.startswith(base_url):
            result.add("requests", f"{request.failure} for {request.url}")

    page.route("**/*", on_route)
    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page.on("response", on_response)
    page.on("requestfailed", on_requestfailed)

    try:
        with result.checking("load"):
            page.goto(result.url, wait_until="load")
        redirect = parse_page(site, page_path).redirect
        if redirect:
            # A redirect page (the root index.html): check where it leads; the
            # target is a page of its own and gets every other check there.
            with result.checking("load"):
                target = urljoin(result.url, redirect)
                page.wait_for_url(target, wait_until="load")
                result.redirect = target
            return result

        with result.checking("widgets"):
            widgets = page.evaluate(JS_WIDGETS)
            result.has_widget_state = widgets["state"]
            result.widget_views = len(widgets["views"])
            if result.widget_views:
                try:
                    page.wait_for_function(JS_WIDGETS_DONE)
                except Exception:  # noqa: BLE001 - the per-view report below says which
                    pass
                widgets = page.evaluate(JS_WIDGETS)
            result.widgets_rendered = sum(v["rendered"] for v in widgets["views"])
            if result.has_widget_state and not widgets["views"]:
                result.add("widgets", "the page saves widget state but shows no widget view")
            for view in widgets["views"]:
                if view["error"]:
                    result.add("widgets", f"widget {view['model']} renders as an error widget")
                elif not view["rendered"]:
                    result.add("widgets", f"widget {view['model']} was not rendered")

        with result.checking("math"):
            # Wait for MathJax's first typeset, then for anything queued since
            # (widget labels are typeset through the MathJax 2 shim's queue).
            page.evaluate(
                """async () => {
                  if (!(window.MathJax && window.MathJax.startup)) return;
                  await window.MathJax.startup.promise;
                  if (window.MathJax.Hub && window.MathJax.Hub.Queue) {
                    await window.MathJax.Hub.Queue(() => true);
                  }
                }"""
            )
            math = page.evaluate(JS_MATH)
            result.math_elements = math["elements"]
            result.math_typeset = math["containers"]
            if math["elements"] and not math["mathjax"]:
                result.add("math", f"{math['elements']} formulas but MathJax did not load")
            for text in math["untypeset"]:
                result.add("math", f"formula not typeset: {text!r}")
            for text in math["errors"]:
                result.add("math", f"MathJax error (undefined macro or bad TeX): {text!r}")
            for text in page.evaluate(JS_RAW_MATH):
                result.add("math", f"raw TeX left in the text: {text!r}")

        with result.checking("animations"):
            _check_animations(page, result)

        with result.checking("screenshot"):
            shot = shots / (page_path[: -len(".html")].replace("/", "__") + ".png")
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shot), full_page=True)
            result.screenshot = shot

        with result.checking("images"):
            result.images = page.evaluate(JS_IMAGES)
            for img in result.images:
                if not img["complete"] or img["width"] == 0:
                    result.add("images", f"image does not load: {img['attr_src'] or img['id']}")

        with result.checking("launch"):
            launch = page.evaluate(JS_LAUNCH)
            result.launch_links = launch.pop("links")
            result.thebe = launch
            result.has_code_cells = launch["code_cells"] > 0

        with result.checking("axe"):
            page.add_script_tag(path=str(AXE_JS))
            result.axe = page.evaluate(JS_AXE)
            for v in result.axe:
                if v["impact"] in FAILING_IMPACTS:
                    where = "; ".join(n["target"] for n in v["nodes"][:3])
                    result.add(
                        "axe",
                        f"{v['impact']} {v['id']} ({v['help']}) on {len(v['nodes'])} "
                        f"element(s): {where}",
                    )
    finally:
        page.close()
        result.seconds = time.perf_counter() - start
    return result


def visit_site(site: Path, pages: list[str], chromium: str, shots: Path) -> dict[str, PageResult]:
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    results = {}
    with serve(site) as base_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for page_path in pages:
                # A fresh context per page: a first-time reader, no stored state.
                context = browser.new_context(viewport=VIEWPORT, service_workers="block")
                try:
                    results[page_path] = visit_page(context, base_url, site, page_path, shots)
                finally:
                    context.close()
        finally:
            browser.close()
    return results


def summary_table(results: dict[str, PageResult]) -> str:
    """One line per page: console errors, blocked requests, axe findings, timing."""
    header = (
        f"{'page':<34} {'err':>3} {'allow':>5} {'warn':>4} {'block':>5} {'cdn':>4} "
        f"{'math':>5} {'img':>4} {'wdg':>7} {'anim':>4} {'axe s/c':>7} {'s':>5}  axe rules"
    )
    lines = [header, "-" * len(header)]
    for page, r in results.items():
        serious = [v for v in r.axe if v["impact"] in FAILING_IMPACTS]
        rules = ", ".join(f"{v['id']}({IMPACT_LETTER.get(v['impact'], '?')})" for v in r.axe)
        rules = rules or "-"
        lines.append(
            f"{page:<34} {len(r.section('console')):>3} {len(r.allowed_console):>5} "
            f"{len(r.console_warnings):>4} {len(r.blocked):>5} {len(r.cdn_served):>4} "
            f"{r.math_typeset:>5} {len(r.images):>4} "
            f"{f'{r.widgets_rendered}/{r.widget_views}':>7} {len(r.animations):>4} "
            f"{len(serious):>7} {r.seconds:>5.1f}  {rules}"
        )
    lines.append(
        "err: console errors not allowlisted; allow: allowlisted (see ALLOWED_CONSOLE in "
        "tests/site/_browser.py); block: external requests blocked; cdn: served from "
        "node_modules; math: typeset formulas; wdg: widget views rendered/present; "
        "axe s/c: serious or critical axe-core violations; rules: every axe violation "
        "C critical, S serious, m moderate, i minor."
    )
    return "\n".join(lines)
