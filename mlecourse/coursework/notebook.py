"""One conversion from a MyST chapter to a Jupyter-native notebook.

JupyterLab renders CommonMark and MathJax, not MyST: glue roles, equation
labels, cross-references, citations, admonitions and exercise directives show
up raw there. :func:`convert` turns a chapter (``book/<slug>.md``) into a
notebook that reads like the book's page:

- ``{glue:text}`` (and ``{glue}``, ``{glue:md}``, ``{glue:math}``) roles are
  replaced by the formatted values of an execution of the chapter (the book
  build's execution cache when it has this version of the chapter, else one
  run of the chapter in a fresh kernel);
- labelled equations get ``\\tag{n.m}``; ``{eq}``, ``{numref}`` and ``{ref}``
  become the numbers and titles the site shows (``(1.2)``, ``Fig. 4.1``, a
  section title), linked to the published page when they point into another
  chapter; ``{doc}`` becomes the chapter's title linked to its page;
  ``{cite}`` becomes "(Author, Year)", ``{cite:t}`` "Author (Year)", with a
  reference list at the end;
- admonitions become quoted blocks with their title, exercises get an
  "Exercise n.m" heading, figure captions and alt texts (cell metadata in the
  source) appear as Markdown under the figure, the MathJax macros of
  ``_config.yml`` are defined in the first Markdown cell, headings carry the
  site's section numbers;
- ``hide-input`` cells are collapsed, ``remove-cell`` cells that only glue
  values are dropped, ``(label)=`` targets and comments removed, and
  sentences about the static page ("on this static page the controls do not
  respond") removed;
- solutions are removed (student notebooks, ``mlecourse assign``) or kept
  folded under their exercise (the notebooks Binder opens).

``python -m mlecourse.coursework.notebook --out notebooks`` writes the full
version of every chapter; Binder's ``postBuild`` runs it, and the book's
launch buttons point at the result (see :func:`launch_path`).
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .chapter import ChapterFormatError, cell_tags, read_chapter

#: Folder (relative to the repository) where Binder's ``postBuild`` writes the
#: chapters as notebooks; the launch buttons open ``BINDER_DIR/<slug>.ipynb``.
BINDER_DIR = "notebooks"

#: Cell metadata key under which JupyterLab 4 stores a folded Markdown heading
LAB_HEADING_COLLAPSED = "jp-MarkdownHeadingCollapsed"

_DIRECTIVE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})\s*\{(?P<name>[A-Za-z][\w:-]*)\}(?P<arg>.*)$"
)
_FENCE_LINE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_TARGET_LINE = re.compile(r"^\s*\((?P<name>[^()\s]+)\)=\s*$")
_COMMENT_LINE = re.compile(r"^\s*%")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:+-]*)\}`(?P<content>[^`]*)`")
_EQ_BLOCK = re.compile(r"\$\$(?P<body>(?:(?!\$\$).)*?)\$\$[ \t]*\((?P<label>[^()\s]+)\)", re.S)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_GLUE_CALL = re.compile(r"""\bglue\(\s*(?P<q>["'])(?P<name>[^"']+)(?P=q)""")

# Admonition-like directives: a quoted block titled with the argument or this name
_ADMONITIONS = {
    "admonition": "", "note": "Note", "warning": "Warning", "tip": "Tip", "hint": "Hint",
    "important": "Important", "caution": "Caution", "attention": "Attention",
    "danger": "Danger", "error": "Error", "seealso": "See also", "margin": "",
    "sidebar": "", "dropdown": "", "topic": "", "epigraph": "", "prf:definition": "Definition",
    "prf:theorem": "Theorem", "prf:lemma": "Lemma", "prf:proof": "Proof",
    "prf:example": "Example", "prf:remark": "Remark", "prf:proposition": "Proposition",
    "prf:corollary": "Corollary", "prf:property": "Property", "prf:observation": "Observation",
}
# Directives that only make sense on the site (navigation, Sphinx internals)
_SITE_ONLY = {"toctree", "tableofcontents", "contents", "bibliography", "eval-rst",
              "only", "index", "raw"}
# Sentences that describe the static page rather than the notebook
_STATIC_PAGE = re.compile(r"\b(static page|on this page|this static|on the static)\b", re.I)


# --------------------------------------------------------------------------
# The book: chapter numbers, titles, labels, bibliography, configuration
# --------------------------------------------------------------------------

@dataclass
class Target:
    """Something a chapter can refer to."""

    doc: str          # docname, e.g. "book/likelihood"
    kind: str         # "section", "equation", "figure", "exercise", "doc"
    number: str = ""  # "1.2" for equations, figures, exercises
    title: str = ""   # for sections and chapters
    anchor: str = ""  # HTML id on the site's page


@dataclass
class Book:
    """What the conversion needs to know about the whole book."""

    root: Path
    config: dict
    docs: list[str]
    chapter_numbers: dict[str, str]
    titles: dict[str, str] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    site_url: str | None = None
    macros: dict[str, str] = field(default_factory=dict)
    substitutions: dict[str, str] = field(default_factory=dict)
    bibfiles: list[Path] = field(default_factory=list)
    _bib: object = None

    def page_url(self, doc: str, anchor: str = "") -> str | None:
        """The published page of a document (``None`` when the site URL is unknown)."""
        if self.site_url is None:
            return None
        return f"{self.site_url}{doc}.html" + (f"#{anchor}" if anchor else "")

    @property
    def bibliography(self):
        if self._bib is None:
            from pybtex.database import BibliographyData, parse_file

            data = BibliographyData()
            for path in self.bibfiles:
                for key, entry in parse_file(str(path)).entries.items():
                    if key not in data.entries:
                        data.entries[key] = entry
            self._bib = data
        return self._bib


def site_url(config: dict) -> str | None:
    """The published site's URL, derived from ``_config.yml``.

    ``html.baseurl`` when set; otherwise GitHub Pages of the ``repository``
    block (``https://github.com/<owner>/<repo>`` is published at
    ``https://<owner>.github.io/<repo>/``, see the README).
    """
    base = (config.get("html") or {}).get("baseurl")
    if base:
        return base.rstrip("/") + "/"
    url = str((config.get("repository") or {}).get("url") or "").rstrip("/")
    m = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", url)
    if not m:
        return None
    owner, repo = m.groups()
    return f"https://{owner.lower()}.github.io/{repo}/"


def _toc_numbers(toc: dict) -> tuple[list[str], dict[str, str]]:
    """Documents of the toc in order, and the number the site gives each numbered one."""
    docs: list[str] = []
    numbers: dict[str, str] = {}
    counter = [0]

    def add(entry, numbered, prefix):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            return
        doc = re.sub(r"\.(md|ipynb)$", "", entry["file"])
        docs.append(doc)
        number = ""
        if numbered:
            if prefix is None:
                counter[0] += 1
                number = str(counter[0])
            else:
                prefix[1] += 1
                number = f"{prefix[0]}.{prefix[1]}"
            numbers[doc] = number
        sub = [number, 0] if numbered else None
        for child in entry.get("sections", []) or []:
            add(child, numbered, sub)

    if isinstance(toc.get("root"), str):
        docs.append(re.sub(r"\.(md|ipynb)$", "", toc["root"]))
    top_numbered = bool(toc.get("numbered"))
    for part in toc.get("parts", []) or []:
        numbered = bool(part.get("numbered", top_numbered))
        for chapter in part.get("chapters", []) or []:
            add(chapter, numbered or bool(chapter.get("numbered")), None)
    for chapter in toc.get("chapters", []) or []:
        add(chapter, top_numbered or bool(chapter.get("numbered")), None)
    return docs, numbers


def _plain_title(text: str) -> str:
    """A heading's text without Markdown emphasis, code marks or roles."""
    text = _ROLE.sub(lambda m: m.group("content"), text)
    return re.sub(r"[*_`]", "", text).strip()


def _scan_targets(book: Book, doc: str, text: str) -> None:
    """Record the title, labels and numbers (equations, figures, exercises) of a document."""
    chapter = book.chapter_numbers.get(doc, "")
    counts = {"equation": 0, "figure": 0, "exercise": 0}

    def number(kind):
        counts[kind] += 1
        return f"{chapter}.{counts[kind]}" if chapter else str(counts[kind])

    lines = text.split("\n")
    if lines and lines[0] == "---" and "---" in lines[1:]:  # the jupytext header
        lines = lines[lines.index("---", 1) + 1:]
    body = "\n".join(lines)
    # the line on which each labelled $$ ... $$ (label) equation ends
    eq_lines = {body.count("\n", 0, m.end()): m.group("label") for m in _EQ_BLOCK.finditer(body)}
    pending: list[str] = []
    first_heading = True
    in_fence = None
    open_directives: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in eq_lines:
            label = eq_lines[i]
            book.targets[label] = Target(doc, "equation", number("equation"),
                                         anchor=f"equation-{label}")
        i += 1
        if in_fence is not None:
            m = _FENCE_LINE.match(line)
            if m and m.group("fence")[0] == in_fence[0] and len(m.group("fence")) >= len(
                    in_fence) and not m.group("info").strip():
                in_fence = None
            continue
        m = _DIRECTIVE.match(line)
        if m:
            name = m.group("name")
            in_fence = m.group("fence")
            if name == "code-cell" and i < len(lines) and lines[i].strip() == "---":
                j = lines.index("---", i + 1) if "---" in lines[i + 1:] else i
                _scan_cell_metadata(book, doc, "\n".join(lines[i + 1:j]), number)
                i = j + 1
                continue
            options = {}
            while i < len(lines) and _OPTION.match(lines[i]):
                om = _OPTION.match(lines[i])
                options[om.group("key")] = om.group("value").strip()
                i += 1
            label = options.get("label") or options.get("name")
            if name in ("exercise-start", "exercise"):
                n = number("exercise")
                if label:
                    book.targets[label] = Target(doc, "exercise", n, title=f"Exercise {n}",
                                                 anchor=label)
            elif name == "math" and label:
                book.targets[label] = Target(doc, "equation", number("equation"),
                                             anchor=f"equation-{label}")
            elif name == "figure":
                n = number("figure")
                if label:
                    book.targets[label] = Target(doc, "figure", n, anchor=label)
            if name not in _ADMONITIONS and name not in ("exercise", "solution"):
                continue
            # admonitions hold Markdown (headings, targets) of their own: scan it
            open_directives.append(in_fence)
            in_fence = None
            continue
        m = _FENCE_LINE.match(line)
        if m and open_directives and not m.group("info").strip() and m.group("fence")[
                0] == open_directives[-1][0] and len(m.group("fence")) >= len(open_directives[-1]):
            open_directives.pop()
            continue
        if m and m.group("fence")[0] != ":":
            in_fence = m.group("fence")
            continue
        m = _TARGET_LINE.match(line)
        if m:
            pending.append(m.group("name"))
            continue
        m = _HEADING.match(line)
        if m:
            title = _plain_title(m.group("title"))
            if first_heading:
                book.titles.setdefault(doc, title)
                first_heading = False
            for label in pending:
                book.targets[label] = Target(doc, "section", title=title, anchor=label)
            pending = []
        elif line.strip():
            pending = []


def _scan_cell_metadata(book, doc, text, number) -> None:
    import yaml

    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return
    figure = (meta.get("mystnb") or {}).get("figure") if isinstance(meta, dict) else None
    if isinstance(figure, dict) and (figure.get("caption") or figure.get("name")):
        n = number("figure")
        if figure.get("name"):
            book.targets[str(figure["name"])] = Target(doc, "figure", n,
                                                       anchor=str(figure["name"]))


def load_book(root=".") -> Book:
    """Read ``_config.yml``, ``_toc.yml`` and every document of the toc.

    Parameters
    ----------
    root : str or pathlib.Path
        The course repository.

    Returns
    -------
    Book
    """
    import yaml

    root = Path(root)
    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ValueError(f"{root}: not a course repository ({exc.filename} is missing).") from exc
    docs, numbers = _toc_numbers(toc)
    sphinx_config = (config.get("sphinx") or {}).get("config") or {}
    macros = (((sphinx_config.get("mathjax3_config") or {}).get("tex") or {}).get("macros")
              or {})
    subs = ((config.get("parse") or {}).get("myst_substitutions") or {})
    book = Book(root=root, config=config, docs=docs, chapter_numbers=numbers,
                site_url=site_url(config),
                macros={str(k): v for k, v in macros.items()},
                substitutions={str(k): str(v) for k, v in subs.items()},
                bibfiles=[root / p for p in config.get("bibtex_bibfiles", []) or []])
    for doc in docs:
        path = root / f"{doc}.md"
        if path.is_file():
            _scan_targets(book, doc, path.read_text(encoding="utf-8"))
        book.targets.setdefault(PurePosixPath(doc).name, Target(doc, "doc"))
    return book


# --------------------------------------------------------------------------
# Glue values: from the build's execution cache, else one run of the chapter
# --------------------------------------------------------------------------

def _glue_outputs(nb) -> dict[str, dict]:
    values = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if out.get("output_type") not in ("display_data", "execute_result") or not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            values[meta["name"]] = {k[len(prefix):]: v for k, v in out.get("data", {}).items()
                                    if k.startswith(prefix)}
    return values


def executed_chapter(path, *, cache=None, timeout=600):
    """The chapter's notebook with the outputs of one execution.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter source.
    cache : str or pathlib.Path, optional
        A jupyter-cache folder (the book build's ``_build/.jupyter_cache``).
        When it holds an execution of this exact version of the chapter's code,
        that is used; otherwise the chapter runs once in a fresh ``python3``
        kernel, in its own folder.
    timeout : float
        Seconds allowed per cell when the chapter runs.

    Returns
    -------
    nbformat.NotebookNode
    """
    path = Path(path)
    nb = read_chapter(path)
    if cache is not None and Path(cache, "global.db").is_file():
        try:
            from jupyter_cache import get_cache

            _, merged = get_cache(str(cache)).merge_match_into_notebook(nb)
            return merged
        except (ImportError, KeyError):
            pass  # not cached (or no jupyter-cache): run it
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    run = copy.deepcopy(nb)
    try:
        NotebookClient(run, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    except CellExecutionError as exc:
        raise ChapterFormatError(f"{path}: the chapter fails when run: {exc}") from exc
    return run


_GLUE_MEMO: dict[tuple[str, str], dict[str, dict]] = {}


def glue_values(path, *, cache=None) -> dict[str, dict]:
    """Glued values of a chapter: name to MIME bundle (``{"text/plain": "0.08", ...}``).

    Remembered for the process, keyed by the chapter's path and text, so that
    the student and the full notebook of a chapter need one run, not two.
    """
    path = Path(path)
    key = (str(path.resolve()), path.read_text(encoding="utf-8"))
    if key not in _GLUE_MEMO:
        _GLUE_MEMO[key] = _glue_outputs(executed_chapter(path, cache=cache))
    return copy.deepcopy(_GLUE_MEMO[key])


def format_glue(name: str, bundle: dict, fmt: str, kind: str, where: str) -> str:
    """The text a glue role shows (myst-nb's rules for ``{glue:text}``)."""
    from ast import literal_eval

    if kind == "md":
        if "text/markdown" not in bundle:
            raise ChapterFormatError(f"{where}: glue {name!r} has no Markdown value.")
        return str(bundle["text/markdown"]).strip()
    if kind == "math":
        latex = bundle.get("text/latex")
        if latex is None:
            raise ChapterFormatError(f"{where}: glue {name!r} has no LaTeX value.")
        latex = str(latex).strip().strip("$")
        return f"${latex}$"
    text = bundle.get("text/plain")
    if text is None:
        raise ChapterFormatError(f"{where}: glue {name!r} has no text value.")
    # NumPy 2 scalars print as np.float64(0.36): the number is the argument
    scalar = re.fullmatch(r"(?:np|numpy)\.[a-z]+\d*\((?P<value>[^()]*)\)", text.strip())
    try:
        value = literal_eval(scalar.group("value") if scalar else text)
    except (SyntaxError, ValueError):
        value = text
    if not fmt:
        return str(value)
    kind_char = fmt[-1]
    try:
        if kind_char == "s":
            value = str(value)
        elif kind_char in "bcdoxX":
            value = int(value)
        elif kind_char in "eEfFgGn%":
            value = float(value)
        return format(value, fmt)
    except (TypeError, ValueError) as exc:
        raise ChapterFormatError(f"{where}: glue {name!r} cannot be formatted with "
                                 f"{fmt!r}: {exc}") from exc


# --------------------------------------------------------------------------
# Markdown: roles, equations, directives
# --------------------------------------------------------------------------

def _author_year(entry) -> tuple[str, str]:
    from pybtex.richtext import Text

    persons = entry.persons.get("author") or entry.persons.get("editor") or []

    def last(person):
        name = " ".join(person.prelast_names + person.last_names)
        return str(Text.from_latex(name))

    names = [last(p) for p in persons]
    if not names:
        who = str(Text.from_latex(entry.fields.get("organization", entry.key)))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} *et al.*"
    year = str(entry.fields.get("year", "n.d."))
    return who, year


@dataclass
class _Context:
    book: Book
    doc: str
    path: Path
    glue: dict
    cited: list = field(default_factory=list)
    heading_level: int = 1
    section_counts: list = field(default_factory=lambda: [0, 0, 0, 0, 0, 0])
    exercise_count: int = 0

    @property
    def chapter(self) -> str:
        return self.book.chapter_numbers.get(self.doc, "")


def _link(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url else text


def _role(ctx: _Context, name: str, content: str) -> str:
    where = str(ctx.path)
    book = ctx.book
    if name in ("glue", "glue:", "glue:text", "glue:md", "glue:math", "glue:any"):
        key, _, fmt = content.partition(":") if name == "glue:text" else (content, "", "")
        key = key.split("::")[-1].strip()
        if key not in ctx.glue:
            raise ChapterFormatError(f"{where}: glue {key!r} is used but the chapter's run "
                                     "produced no value for it.")
        kind = {"glue:md": "md", "glue:math": "math"}.get(name, "text")
        return format_glue(key, ctx.glue[key], fmt.strip(), kind, where)
    if name in ("eq", "numref", "ref", "prf:ref", "doc", "any", "std:ref", "std:doc"):
        m = _EXPLICIT.match(content)
        explicit, target = (m.group("text"), m.group("target")) if m else (None, content)
        target = target.strip()
        if name in ("doc", "std:doc"):
            doc = target.lstrip("/") if target.startswith("/") else str(
                PurePosixPath(ctx.doc).parent / target)
            doc = re.sub(r"\.(md|ipynb)$", "", str(PurePosixPath(doc)))
            title = explicit or book.titles.get(doc)
            if title is None:
                raise ChapterFormatError(f"{where}: {{doc}} points to {target!r}, which is not "
                                         "a document of the book.")
            return _link(title, book.page_url(doc))
        found = book.targets.get(target)
        if found is None:
            raise ChapterFormatError(f"{where}: {{{name}}} points to {target!r}, which is not a "
                                     "label of the book.")
        if name == "eq":
            text = f"({found.number})"
        elif name == "numref":
            number = found.number
            template = explicit or {"figure": "Fig. %s", "exercise": "Exercise %s",
                                    "equation": "(%s)"}.get(found.kind, "%s")
            text = template.replace("%s", number).replace("{number}", number).replace(
                "{name}", found.title)
        else:
            text = explicit or (found.title if found.kind in ("section", "exercise")
                                else book.titles.get(found.doc, target))
            if found.kind == "doc":
                text = explicit or book.titles.get(found.doc, target)
        if found.doc == ctx.doc:
            return text
        return _link(text, book.page_url(found.doc, found.anchor))
    if name.startswith("cite"):
        keys = [k.strip() for k in content.split(",") if k.strip()]
        parts = []
        for key in keys:
            if key not in book.bibliography.entries:
                raise ChapterFormatError(f"{where}: {{cite}} of {key!r}, which is not in the "
                                         "bibliography.")
            if key not in ctx.cited:
                ctx.cited.append(key)
            parts.append(_author_year(book.bibliography.entries[key]))
        if name in ("cite:t", "cite:ts", "cite:ct"):
            return "; ".join(f"{who} ({year})" for who, year in parts)
        if name in ("cite:alp", "cite:ps"):
            return "; ".join(f"{who}, {year}" for who, year in parts)
        if name in ("cite:year", "cite:yearpar"):
            years = ", ".join(year for _, year in parts)
            return years if name == "cite:year" else f"({years})"
        return "(" + "; ".join(f"{who}, {year}" for who, year in parts) + ")"
    if name in ("math",):
        return f"${content}$"
    if name in ("sub", "sup"):
        return f"<{name}>{content}</{name}>"
    if name in ("abbr",):
        return re.sub(r"\s*\([^()]*\)\s*$", "", content)
    if name in ("kbd", "file", "samp", "command", "program", "code", "literal", "guilabel",
                "menuselection") or ":" in name or name in ("func", "class", "mod", "meth",
                                                            "attr", "data", "obj", "exc"):
        shown = content.lstrip("~!")
        if name in ("func", "meth") or name.endswith((":func", ":meth")):
            shown = shown.split(".")[-1] + "()" if content.startswith("~") else shown + "()"
        return f"`{shown}`"
    return content


def _replace_roles(ctx: _Context, text: str) -> str:
    """Roles, substitutions and labelled equations in prose (code spans and blocks kept)."""
    def eq_block(m):
        label = m.group("label")
        target = ctx.book.targets.get(label)
        number = target.number if target else ""
        body = m.group("body").rstrip()
        return f"$${body}\n\\tag{{{number}}}\n$$" if number else f"$${body}\n$$"

    text = _EQ_BLOCK.sub(eq_block, text)
    for key, value in ctx.book.substitutions.items():
        text = re.sub(r"\{\{\s*" + re.escape(key) + r"\s*\}\}", value, text)
    return _ROLE.sub(lambda m: _role(ctx, m.group("name"), m.group("content")), text)


def _static_sentences(text: str) -> str:
    """Remove sentences and parentheticals that only make sense on the static page."""
    def drop_paren(m):
        return "" if _STATIC_PAGE.search(m.group(0)) else m.group(0)

    paragraphs = text.split("\n\n")
    out = []
    for para in paragraphs:
        if not _STATIC_PAGE.search(para) or para.lstrip().startswith(("$$", "```", "    ")):
            out.append(para)
            continue
        para = re.sub(r"\s*\([^()]*\)(?=[\s.,;:]|$)", drop_paren, para)
        sentences = re.split(r"(?<=[.!?])(\s+)(?=[A-Z(*_])", para)
        kept = []
        for j in range(0, len(sentences), 2):
            sentence = sentences[j]
            if _STATIC_PAGE.search(sentence):
                continue
            if kept:
                kept.append(sentences[j - 1] if j else " ")
            kept.append(sentence)
        para = "".join(kept).rstrip()
        if para.strip():
            out.append(para)
    return "\n\n".join(out)


@dataclass
class _Block:
    kind: str                 # "text" or "directive"
    lines: list[str]          # text lines, or the directive's body
    name: str = ""
    arg: str = ""
    options: dict = field(default_factory=dict)


def _split_blocks(lines: list[str]) -> list[_Block]:
    """Top-level text and directive blocks of Markdown lines."""
    blocks: list[_Block] = []
    text: list[str] = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            fm = _FENCE_LINE.match(lines[i])
            if fm and fm.group("fence")[0] != ":":  # a plain code block: copy it whole
                fence = fm.group("fence")
                text.append(lines[i])
                i += 1
                while i < len(lines):
                    text.append(lines[i])
                    i += 1
                    close = _FENCE_LINE.match(text[-1])
                    if close and close.group("fence")[0] == fence[0] and len(
                            close.group("fence")) >= len(fence) and not close.group(
                            "info").strip():
                        break
                continue
            text.append(lines[i])
            i += 1
            continue
        if text:
            blocks.append(_Block("text", text))
            text = []
        fence = m.group("fence")
        i += 1
        options: dict[str, str] = {}
        if i < len(lines) and lines[i].strip() == "---":  # YAML options
            import yaml

            j = i + 1
            while j < len(lines) and lines[j].strip() != "---":
                j += 1
            try:
                options = {str(k): str(v) for k, v in
                           (yaml.safe_load("\n".join(lines[i + 1:j])) or {}).items()}
            except yaml.YAMLError:
                options = {}
            i = j + 1
        while i < len(lines) and _OPTION.match(lines[i]):
            om = _OPTION.match(lines[i])
            options[om.group("key")] = om.group("value").strip()
            i += 1
        body: list[str] = []
        stack: list[str] = []
        while i < len(lines):
            line = lines[i]
            fm = _FENCE_LINE.match(line)
            closing = fm is not None and not fm.group("info").strip()
            if fm and stack and closing and fm.group("fence")[0] == stack[-1][0] and len(
                    fm.group("fence")) >= len(stack[-1]):
                stack.pop()
            elif fm and not stack and closing and fm.group("fence")[0] == fence[0] and len(
                    fm.group("fence")) >= len(fence):
                i += 1
                break
            elif fm and not closing:
                stack.append(fm.group("fence"))
            elif fm and closing:
                stack.append(fm.group("fence"))  # opens a block without info string
            body.append(line)
            i += 1
        while body and not body[0].strip():
            body.pop(0)
        blocks.append(_Block("directive", body, m.group("name"), m.group("arg").strip(), options))
    if text:
        blocks.append(_Block("text", text))
    return blocks


def _quote(text: str) -> str:
    return "\n".join(">" if not line.strip() else f"> {line}" for line in text.split("\n"))


def _render_text(ctx: _Context, lines: list[str], *, headings=True) -> str:
    kept = []
    in_code = None
    for line in lines:
        fm = _FENCE_LINE.match(line)
        if in_code is not None:
            kept.append(line)
            if fm and fm.group("fence")[0] == in_code[0] and not fm.group("info").strip():
                in_code = None
            continue
        if fm and fm.group("fence")[0] != ":":
            in_code = fm.group("fence")
            kept.append(line)
            continue
        if _TARGET_LINE.match(line) or _COMMENT_LINE.match(line):
            continue
        hm = _HEADING.match(line) if headings else None
        if hm:
            level = len(hm.group("hashes"))
            ctx.heading_level = level
            number = ""
            if ctx.chapter:
                counts = ctx.section_counts
                counts[level - 1] += 1
                for k in range(level, 6):
                    counts[k] = 0
                if level == 1:
                    number = f"{ctx.chapter}. "
                elif level <= 3 and all(counts[k] for k in range(1, level)):
                    number = ".".join([ctx.chapter] + [str(counts[k]) for k in
                                                       range(1, level)]) + ". "
            line = f"{hm.group('hashes')} {number}{hm.group('title')}"
        kept.append(line)
    text = "\n".join(kept)
    # split prose from code blocks so that roles in code stay as written
    parts = re.split(r"(^ {0,3}(?:`{3,}|~{3,})[^\n]*\n.*?^ {0,3}(?:`{3,}|~{3,})\s*$)", text,
                     flags=re.M | re.S)
    rendered = []
    for k, part in enumerate(parts):
        if k % 2:
            rendered.append(part)
        else:
            rendered.append(_static_sentences(_replace_roles(ctx, part)))
    return "".join(rendered).strip("\n")


def _render_blocks(ctx: _Context, blocks: list[_Block]) -> str:
    """Markdown of blocks that hold no exercise or solution structure."""
    out = []
    for block in blocks:
        if block.kind == "text":
            out.append(_render_text(ctx, block.lines))
            continue
        out.append(_render_directive(ctx, block))
    return "\n\n".join(p for p in out if p.strip())


def _render_directive(ctx: _Context, block: _Block) -> str:
    name = block.name
    inner = _render_blocks(ctx, _split_blocks(block.lines))
    if name in _SITE_ONLY:
        return ""
    if name in _ADMONITIONS:
        title = block.arg or _ADMONITIONS[name] or name.split(":")[-1].capitalize()
        title = _render_text(ctx, [title], headings=False)
        return _quote(f"**{title}**\n\n{inner}" if inner else f"**{title}**")
    if name == "math":
        label = block.options.get("label")
        target = ctx.book.targets.get(label) if label else None
        body = "\n".join(block.lines).strip()
        tag = f"\n\\tag{{{target.number}}}" if target else ""
        return f"$$\n{body}{tag}\n$$"
    if name in ("code-block", "code", "sourcecode"):
        return "```" + block.arg + "\n" + "\n".join(block.lines) + "\n```"
    if name in ("figure", "image"):
        src = block.arg
        alt = block.options.get("alt", "")
        label = block.options.get("name")
        target = ctx.book.targets.get(label) if label else None
        caption = inner
        md = f"![{alt}]({src})"
        if name == "figure" and caption:
            number = f"Fig. {target.number}. " if target else ""
            md += f"\n\n*{number}{caption}*" if "\n" not in caption else f"\n\n{number}{caption}"
        return md
    if name.startswith("glue"):
        key = block.arg
        bundle = ctx.glue.get(key)
        if bundle is None:
            raise ChapterFormatError(f"{ctx.path}: glue {key!r} is used but the chapter's run "
                                     "produced no value for it.")
        if "image/png" in bundle:
            md = f"![{block.options.get('alt', key)}](data:image/png;base64,{bundle['image/png']})"
            return md + (f"\n\n*{inner}*" if inner else "")
        kind = {"glue:md": "md", "glue:math": "math"}.get(name, "text")
        value = format_glue(key, bundle, "", kind, str(ctx.path))
        if kind == "math":
            return "$" + value + "$"
        return value
    if name in ("exercise", "solution"):
        title = f"Exercise {ctx.exercise_count}" if name == "exercise" else "Solution"
        return _quote(f"**{title}**\n\n{inner}")
    # anything else: its body, titled with its argument
    return _quote(f"**{block.arg}**\n\n{inner}") if block.arg else inner


# --------------------------------------------------------------------------
# The notebook
# --------------------------------------------------------------------------

def _assigned_names(source: str) -> set[str]:
    try:
        tree = ast.parse("\n".join(line for line in source.split("\n")
                                   if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return {"<unparsable>"}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _used_names(source: str) -> set[str]:
    try:
        tree = ast.parse("\n".join(line for line in source.split("\n")
                                   if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set(re.findall(r"[A-Za-z_]\w*", source))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _figure_markdown(ctx: _Context, meta: dict) -> str:
    mystnb = meta.get("mystnb") or {}
    figure = mystnb.get("figure") or {}
    image = mystnb.get("image") or {}
    parts = []
    caption = figure.get("caption")
    if caption or figure.get("name"):
        target = ctx.book.targets.get(str(figure.get("name"))) if figure.get("name") else None
        number = f"Fig. {target.number}." if target else "Figure."
        text = _render_text(ctx, str(caption or "").split("\n"), headings=False)
        parts.append(f"**{number}** {text}".rstrip())
    alt = image.get("alt")
    if alt:
        parts.append(f"<details><summary>Description of the figure</summary>\n\n{alt}\n\n"
                     "</details>")
    return "\n\n".join(parts)


def convert(path, *, solutions: bool, book: Book | None = None, glue=None, cache=None):
    """Convert one MyST chapter to a Jupyter-native notebook.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter source, ``<root>/book/<slug>.md``.
    solutions : bool
        ``False`` for a student notebook (solutions removed, as
        ``mlecourse assign`` writes); ``True`` for the full chapter with each
        solution folded under its exercise (the notebooks Binder opens).
    book : Book, optional
        From :func:`load_book`; default: the repository two levels above
        ``path`` (``<root>/book/<slug>.md``).
    glue : dict, optional
        Glued values (from :func:`glue_values`); default: read from ``cache``
        or computed by running the chapter once.
    cache : str or pathlib.Path, optional
        The book build's jupyter-cache folder; default
        ``<root>/_build/.jupyter_cache``.

    Returns
    -------
    nbformat.NotebookNode
        Outputs empty, ready to run top to bottom.

    Raises
    ------
    ChapterFormatError
        For a chapter that is not a MyST notebook, a glue value its run did
        not produce, a reference to an unknown label or citation key, or
        unbalanced exercise/solution directives.
    """
    import nbformat

    path = Path(path)
    if book is None:
        book = load_book(path.resolve().parent.parent)
    doc = path.resolve().relative_to(book.root.resolve()).with_suffix("").as_posix()
    if glue is None:
        glue = glue_values(path, cache=cache if cache is not None
                           else book.root / "_build" / ".jupyter_cache")
    source = read_chapter(path)
    ctx = _Context(book=book, doc=doc, path=path, glue=glue)

    later_uses: list[set[str]] = []
    code_sources = [c.source for c in source.cells if c.cell_type == "code"]
    for k in range(len(code_sources)):
        used: set[str] = set()
        for src in code_sources[k + 1:]:
            used |= _used_names(src)
        later_uses.append(used)

    cells: list = []
    state = {"solution": None, "exercise": None}
    code_index = -1

    def add_markdown(text, *, hidden=False, role=None):
        if not text.strip():
            return
        cell = nbformat.v4.new_markdown_cell(text)
        if hidden:
            cell.metadata["jupyter"] = {"source_hidden": True}
        if role:
            cell.metadata["mlecourse"] = {"role": role}
        cells.append(cell)

    def solution_heading(label):
        target = book.targets.get(label)
        number = target.number if target else state["exercise"]
        level = min(state.get("level", ctx.heading_level + 1) + 1, 6)
        add_markdown("#" * level + f" Solution to Exercise {number}", role="solution-heading")
        # JupyterLab 4 (and Notebook 7) keep a folded heading under this key;
        # the classic notebook's collapsible headings under jupyter.heading_collapsed
        cells[-1].metadata[LAB_HEADING_COLLAPSED] = True
        cells[-1].metadata["jupyter"] = {"heading_collapsed": True}

    for cell in source.cells:
        if cell.cell_type == "code":
            code_index += 1
            in_solution = state["solution"] is not None
            if in_solution and not solutions:
                continue
            tags = cell_tags(cell)
            if "solution" in tags and not in_solution:
                if not solutions:
                    continue
            if "remove-cell" in tags and not (_assigned_names(cell.source)
                                              - {"glue"}) & later_uses[code_index]:
                continue  # it only glues values for the text, which now holds them
            meta = {}
            if tags:
                meta["tags"] = tags
            hide_in = {"hide-input", "hide-cell", "remove-input", "remove-cell"} & set(tags)
            hide_out = {"hide-output", "hide-cell"} & set(tags)
            if in_solution or "solution" in tags:
                meta["mlecourse"] = {"role": "solution"}
            if hide_in or hide_out:
                meta["jupyter"] = {}
                if hide_in:
                    meta["jupyter"]["source_hidden"] = True
                if hide_out:
                    meta["jupyter"]["outputs_hidden"] = True
            new = nbformat.v4.new_code_cell(cell.source, metadata=meta)
            cells.append(new)
            figure = _figure_markdown(ctx, cell.metadata)
            if figure:
                add_markdown(figure, role="solution" if in_solution or "solution" in tags
                             else None)
            continue
        if cell.cell_type != "markdown":
            continue
        buffer: list[_Block] = []

        def flush(buffer=buffer):
            if buffer:
                if state["solution"] is None:
                    add_markdown(_render_blocks(ctx, buffer))
                elif solutions:
                    add_markdown(_render_blocks(ctx, buffer), role="solution")
                buffer.clear()

        for block in _split_blocks(cell.source.split("\n")):
            if block.kind == "directive" and block.name == "exercise-start":
                flush()
                ctx.exercise_count += 1
                number = (f"{ctx.chapter}.{ctx.exercise_count}" if ctx.chapter
                          else str(ctx.exercise_count))
                level = min(ctx.heading_level + 1, 6)
                title = _render_text(ctx, [block.arg], headings=False) if block.arg else ""
                heading = "#" * level + f" Exercise {number}" + (f" ({title})" if title else "")
                label = block.options.get("label")
                state["exercise"] = number
                state["level"] = level
                add_markdown(heading, role="exercise")
                if label:
                    cells[-1].metadata["mlecourse"]["label"] = label
                continue
            if block.kind == "directive" and block.name == "exercise-end":
                flush()
                continue
            if block.kind == "directive" and block.name == "solution-start":
                flush()
                if state["solution"] is not None:
                    raise ChapterFormatError(f"{path}: a solution-start inside another "
                                             "solution")
                state["solution"] = block.arg or state["exercise"] or ""
                if solutions:
                    solution_heading(block.arg)
                continue
            if block.kind == "directive" and block.name == "solution-end":
                flush()
                if state["solution"] is None:
                    raise ChapterFormatError(f"{path}: a solution-end without a "
                                             "solution-start")
                state["solution"] = None
                continue
            if block.kind == "directive" and block.name == "solution":
                flush()
                if solutions:
                    solution_heading(block.arg)
                    add_markdown(_render_blocks(ctx, _split_blocks(block.lines)),
                                 role="solution")
                continue
            buffer.append(block)
        flush()
    if state["solution"] is not None:
        raise ChapterFormatError(f"{path}: a solution-start without its solution-end")

    if ctx.cited:
        cells.append(nbformat.v4.new_markdown_cell("## References\n\n" + _reference_list(ctx)))
    _fold_solutions(cells)
    first = _first_cell(ctx, path, solutions)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(first)] + cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["mlecourse"] = {"chapter": path.stem,
                                "kind": "chapter notebook" if solutions else "student notebook"}
    nbformat.validate(nb)
    return nb


def _heading_level(cell) -> int | None:
    """The level of the heading a Markdown cell starts with (JupyterLab folds on it)."""
    if cell.cell_type != "markdown":
        return None
    first = next((line for line in cell.source.split("\n") if line.strip()), "")
    m = _HEADING.match(first)
    return len(m.group("hashes")) if m else None


def _fold_solutions(cells) -> None:
    """Check that each folded solution heading hides its solution and nothing else.

    JupyterLab folds a collapsed heading together with every cell up to the
    next heading of the same or a higher level, and keeps it folded when the
    cells run. Where something other than the solution would be folded too
    (a solution followed by prose without a heading), the heading is left
    open and the solution's cells are collapsed one by one instead.
    """
    for i, cell in enumerate(cells):
        if cell.metadata.get("mlecourse", {}).get("role") != "solution-heading":
            continue
        level = _heading_level(cell)
        j = i + 1
        while j < len(cells) and not ((_heading_level(cells[j]) or 99) <= level):
            j += 1
        body = cells[i + 1:j]
        if all(c.metadata.get("mlecourse", {}).get("role") == "solution" for c in body):
            continue
        del cell.metadata["jupyter"], cell.metadata[LAB_HEADING_COLLAPSED]
        for c in body:
            if c.metadata.get("mlecourse", {}).get("role") == "solution":
                hidden = {"source_hidden": True}
                if c.cell_type == "code":
                    hidden["outputs_hidden"] = True
                c.metadata["jupyter"] = hidden


def _mathjax_macros(macros: dict) -> str:
    defs = []
    for name, value in macros.items():
        if isinstance(value, list):  # [definition, number of arguments]
            body, nargs = value[0], int(value[1])
            defs.append(f"\\newcommand{{\\{name}}}[{nargs}]{{{body}}}")
        else:
            defs.append(f"\\newcommand{{\\{name}}}{{{value}}}")
    return "$" + "".join(defs) + "$" if defs else ""


def _first_cell(ctx: _Context, path: Path, solutions: bool) -> str:
    url = ctx.book.page_url(ctx.doc)
    page = f" ([the chapter's page]({url}))" if url else ""
    if solutions:
        text = (f"*This notebook is the chapter `{path.stem}` of the course{page}.* "
                "Run the cells from the top, in order (*Run → Run All Cells*). Each exercise "
                "cell ends with a self-check: replace the `...` with your answer and run the "
                "cell. Each solution is folded under its heading *Solution to Exercise …*; "
                "click *cells hidden* under that heading to unfold it.")
    else:
        text = (f"*Student notebook for the chapter `{path.stem}`{page}.* Solutions are "
                "removed. In each exercise cell, replace the `...` with your answer and run "
                "the cell: its last line checks the answer. Run the cells from the top, in "
                f"order. Hand in this file as `{path.stem}.ipynb`, without renaming the answer "
                "variables.")
    macros = _mathjax_macros(ctx.book.macros)
    return text + ("\n\n" + macros if macros else "")


def _reference_list(ctx: _Context) -> str:
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "markdown")()
    entries = [ctx.book.bibliography.entries[k] for k in ctx.cited]
    lines = []
    for entry in sorted(entries, key=lambda e: _author_year(e)):
        who, year = _author_year(entry)
        formatted = " ".join(style.format_entry("", entry).text.render(backend).split())
        lines.append(f"- {who} ({year}). {formatted}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Binder: every chapter as a notebook, and where the launch buttons point
# --------------------------------------------------------------------------

def launch_path(source_rel: str) -> str:
    """The file a chapter's Binder button opens, relative to the repository.

    ``book/likelihood.md`` becomes ``notebooks/likelihood.ipynb``, the
    notebook :func:`write_notebooks` writes for it in Binder's ``postBuild``.
    """
    source = PurePosixPath(source_rel)
    if source.suffix == ".md" and len(source.parts) >= 2 and source.parts[0] == "book":
        return f"{BINDER_DIR}/{source.stem}.ipynb"
    return source_rel


def _binder_notebook_links(app, pagename, templatename, context, doctree):
    """Point the page's Binder (and JupyterHub) launch links at the converted notebook."""
    source = f"{pagename}.md"
    target = launch_path(source)
    if target == source:
        return

    def rewrite(node):
        if isinstance(node, dict):
            url = node.get("url")
            if isinstance(url, str) and "urlpath=" in url and url.endswith("/" + source):
                node["url"] = url[: -len(source)] + target
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(context.get("header_buttons"))


def setup(app):
    """Sphinx extension: the launch buttons open ``notebooks/<chapter>.ipynb`` on Binder.

    sphinx-book-theme derives the launch URL from the page's source
    (``lab/tree/book/<chapter>.md``), which JupyterLab opens in its text
    editor. Binder's ``postBuild`` writes the converted notebook, and this hook
    (run after the theme's, which has priority 501) points the link at it.
    """
    app.connect("html-page-context", _binder_notebook_links, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def write_notebooks(out, *, root=".", chapters=None, solutions=True) -> list[Path]:
    """Convert chapters into ``out/<slug>.ipynb``.

    Parameters
    ----------
    out : str or pathlib.Path
        Output folder (created).
    root : str or pathlib.Path
        The course repository.
    chapters : sequence of str, optional
        Chapter slugs; default: every MyST-notebook chapter of the toc.
    solutions : bool
        Keep the solutions (folded) or remove them.

    Returns
    -------
    list of pathlib.Path
    """
    import nbformat

    from .assign import _chapter_paths

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    book = load_book(root)
    cache = Path(root) / "_build" / ".jupyter_cache"
    written = []
    for path in _chapter_paths(root, chapters):
        nb = convert(path, solutions=solutions, book=book, cache=cache)
        target = out / f"{path.stem}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv=None) -> int:
    """``python -m mlecourse.coursework.notebook``: the chapters as notebooks (Binder)."""
    parser = argparse.ArgumentParser(
        prog="python -m mlecourse.coursework.notebook",
        description="Write every chapter as a Jupyter notebook (solutions folded), with glue "
                    "values, equation numbers, references and captions filled in.")
    parser.add_argument("--out", default=BINDER_DIR, metavar="DIR",
                        help=f"output folder (default: {BINDER_DIR})")
    parser.add_argument("--root", default=".", metavar="DIR", help="the course repository")
    parser.add_argument("--chapters", nargs="+", metavar="SLUG", help="only these chapters")
    parser.add_argument("--student", action="store_true",
                        help="remove the solutions instead of folding them")
    args = parser.parse_args(argv)
    try:
        for path in write_notebooks(args.out, root=args.root, chapters=args.chapters,
                                    solutions=not args.student):
            print(path)
    except (ValueError, OSError) as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
