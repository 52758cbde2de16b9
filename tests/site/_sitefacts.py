"""Static facts about the book and its built site, read without a browser.

Where the site is, which pages it has (discovered from the build, never listed
by hand), which source file each page comes from, whether that source is a
notebook, what the book's configuration says about the repository and the
launch buttons, and the links, anchors and images in each page's HTML.

Two environment variables point the tests at another book or build:
``MLECOURSE_BOOK_ROOT`` (the folder with ``_config.yml``, default: the
repository) and ``MLECOURSE_SITE_DIR`` (the built HTML, default:
``<book root>/_build/html``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import yaml

REPO = Path(__file__).resolve().parents[2]

SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")


def book_root() -> Path:
    return Path(os.environ.get("MLECOURSE_BOOK_ROOT", REPO)).resolve()


def site_dir() -> Path:
    default = book_root() / "_build" / "html"
    return Path(os.environ.get("MLECOURSE_SITE_DIR", default)).resolve()


def screenshot_dir() -> Path:
    """``_build/screenshots`` next to ``_build/html``."""
    return site_dir().parent / "screenshots"


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def discover_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to ``site``.

    Folders whose name starts with ``_`` hold assets (``_static``,
    ``_sources``, ``_images``), not pages.
    """
    pages = []
    for path in site.rglob("*.html"):
        rel = path.relative_to(site)
        if any(part.startswith("_") for part in rel.parts[:-1]):
            continue
        pages.append(rel.as_posix())
    return sorted(pages)


@cache
def book_config() -> dict:
    with open(book_root() / "_config.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def toc_files() -> list[str]:
    """The files named in ``_toc.yml`` (root first), without suffix."""
    with open(book_root() / "_toc.yml", encoding="utf-8") as fh:
        toc = yaml.safe_load(fh)
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.(md|ipynb|rst)$", "", f) for f in files]


def source_of(page: str) -> Path | None:
    """The source file a page was built from, or None for generated pages."""
    docname = page[: -len(".html")]
    for suffix in SOURCE_SUFFIXES:
        candidate = book_root() / (docname + suffix)
        if candidate.is_file():
            return candidate
    return None


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not match:
        return {}
    return yaml.safe_load(match.group(1)) or {}


def is_notebook(path: Path | None) -> bool:
    """True for an .ipynb or a MyST-Markdown notebook (jupytext header with a kernel)."""
    if path is None:
        return False
    if path.suffix == ".ipynb":
        return True
    if path.suffix != ".md":
        return False
    meta = front_matter(path)
    return "kernelspec" in meta and "jupytext" in meta


def has_code_cells(path: Path) -> bool:
    if path.suffix == ".ipynb":
        import nbformat

        nb = nbformat.read(path, as_version=4)
        return any(cell.cell_type == "code" for cell in nb.cells)
    return re.search(r"^```\{code-cell\}", path.read_text(encoding="utf-8"), re.M) is not None


@dataclass(frozen=True)
class Repository:
    url: str
    org: str
    name: str
    branch: str
    path_to_book: str
    binderhub_url: str
    ui_prefix: str

    def binder_url(self, source_rel: str) -> str:
        """The launch URL a chapter's Binder button must have: its converted notebook."""
        from mlecourse.coursework.notebook import launch_path

        book = self.path_to_book.strip("/")
        path = launch_path(f"{book}/{source_rel}" if book else source_rel)
        return (
            f"{self.binderhub_url}/v2/gh/{self.org}/{self.name}/{self.branch}"
            f"?urlpath={self.ui_prefix}/{path}"
        )


def repository() -> Repository:
    cfg = book_config()
    repo = cfg.get("repository", {})
    url = repo["url"].rstrip("/")
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", url)
    if not match:
        raise AssertionError(f"repository.url in _config.yml is not a GitHub URL: {url!r}")
    launch = cfg.get("launch_buttons", {})
    interface = launch.get("notebook_interface", "classic")
    prefix = {"classic": "tree", "jupyterlab": "lab/tree"}[interface]
    return Repository(
        url=url,
        org=match.group(1),
        name=match.group(2),
        branch=repo.get("branch", "main"),
        path_to_book=repo.get("path_to_book", "") or "",
        binderhub_url=launch.get("binderhub_url", "").rstrip("/"),
        ui_prefix=prefix,
    )


# --------------------------------------------------------------------------
# Links, anchors and resources in the static HTML
# --------------------------------------------------------------------------

LINK_ATTRS = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
}


@dataclass
class PageHTML:
    ids: set[str] = field(default_factory=set)
    redirect: str | None = None  # target of a <meta http-equiv="refresh">
    # (tag, url) for every link or resource reference
    refs: list[tuple[str, str]] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageHTML()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.page.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.page.ids.add(attrs["name"])
        attr = LINK_ATTRS.get(tag)
        if attr and attrs.get(attr):
            self.page.refs.append((tag, attrs[attr]))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url=(.+)$", attrs.get("content") or "", re.I)
            if match:
                self.page.redirect = match.group(1).strip()
                self.page.refs.append(("meta refresh", self.page.redirect))

    handle_startendtag = handle_starttag


@cache
def parse_page(site: Path, page: str) -> PageHTML:
    collector = _Collector()
    collector.feed((site / page).read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def broken_refs(site: Path, page: str) -> list[str]:
    """Internal links, anchors and resources of ``page`` that do not resolve."""
    base = "http://site.invalid/" + page
    problems = []
    for tag, raw in parse_page(site, page).refs:
        url = raw.strip()
        scheme = urlsplit(url).scheme
        if scheme in {"http", "https", "mailto", "javascript", "data", "tel", "blob"}:
            continue
        if url in {"", "#"}:
            continue
        parts = urlsplit(urljoin(base, url))
        rel = unquote(parts.path).lstrip("/")
        target = site / rel
        if rel == "" or target.is_dir():
            target = target / "index.html"
            rel = (Path(rel) / "index.html").as_posix()
        if not target.is_file():
            problems.append(f"<{tag}> {raw!r}: {rel} does not exist")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html":
            if fragment not in parse_page(site, rel).ids:
                problems.append(f"<{tag}> {raw!r}: no id {fragment!r} in {rel}")
    return problems


_FENCE = re.compile(r"^(`{3,}|~{3,})(.*?)$(.*?)^\1\s*$", re.M | re.S)
_MATH_IN_TEXT = re.compile(
    r"(?<!\\)\$\$|(?<![\\$])\$[^$\s][^$\n]*?(?<![\\\s])\$|\\begin\{|\{math\}"
)


def source_has_math(path: Path | None) -> bool:
    """Does the source's prose (not its code) contain a formula?"""
    if path is None or path.suffix != ".md":
        return False
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\s*\n.*?\n---\s*\n", "", text, flags=re.S)  # front matter

    def keep_math_fences(match):
        return match.group(0) if match.group(2).startswith("{math}") else ""

    text = _FENCE.sub(keep_math_fences, text)
    text = re.sub(r"`[^`\n]*`", lambda m: m.group(0) if "{math}" in m.group(0) else "", text)
    return _MATH_IN_TEXT.search(text) is not None


# --------------------------------------------------------------------------
# Alt text
# --------------------------------------------------------------------------

GENERIC_ALT = {
    "alt", "chart", "fig", "figure", "graph", "icon", "image", "img", "jpeg", "jpg",
    "logo", "output", "picture", "plot", "png", "svg", "untitled",
}


def alt_problem(alt: str | None, src: str) -> str | None:
    """Why an image's alt text does not describe it, or None when it does."""
    if alt is None or not alt.strip():
        return "no alt text"
    text = alt.strip()
    name = PurePosixPath(src.split("?", 1)[0]).name
    if text in {src, name, PurePosixPath(name).stem} or text.endswith(f"/{name}"):
        return f"the alt text is the file name ({text!r})"
    if re.fullmatch(r"[\w./\\-]+\.(png|jpe?g|gif|svg|webp)", text, re.I):
        return f"the alt text is a file name ({text!r})"
    if text.lower() in GENERIC_ALT:
        return f"the alt text is a generic word ({text!r})"
    if len(text.split()) < 2:
        return f"the alt text is one word, too short to describe the image ({text!r})"
    return None
