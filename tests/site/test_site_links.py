"""Internal links, anchors and resources of the built site resolve (no browser needed).

External links are checked by the scheduled link-check workflow
(``.github/workflows/links.yml``), not here: tests do not use the network.
"""

from __future__ import annotations

import pytest
from _sitefacts import broken_refs, toc_files

pytestmark = pytest.mark.site


def test_internal_links_anchors_and_images_resolve(site, page_path):
    problems = broken_refs(site, page_path)
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


def test_every_toc_entry_is_built(site):
    missing = [f for f in toc_files() if not (site / f"{f}.html").is_file()]
    assert not missing, f"in _toc.yml but not built: {missing}"


def test_every_chapter_has_its_downloadable_notebook(site):
    """The download button offers each chapter's source; the files must be there."""
    sources = site / "_sources"
    missing = [
        f for f in toc_files()
        if not any((sources / f"{f}{ext}").is_file() for ext in (".md", ".ipynb", ".rst"))
    ]
    assert not missing, f"no downloadable source in _sources for: {missing}"
