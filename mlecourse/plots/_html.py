"""Make matplotlib's JavaScript animation player fit for a static, accessible page."""

from __future__ import annotations

import re
from html import escape

# matplotlib's player links Font Awesome 4.4 from a CDN; the book's theme
# already ships Font Awesome, so the link only adds a blocked request offline
_FONT_AWESOME_LINK = re.compile(
    r'<link rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*">\s*'
)


def accessible_jshtml(html: str, alt: str) -> str:
    """Add alt text to the frame image and a label to the frame slider of a
    ``to_jshtml()`` player, and drop its external stylesheet link.

    Parameters
    ----------
    html : str
        What ``Animation.to_jshtml()`` (or matplotlib's ``HTMLWriter``) produced.
    alt : str
        What the animation shows, in words (the finding, not "an animation").

    Returns
    -------
    str
        The HTML.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of what the animation shows.")
    html = _FONT_AWESOME_LINK.sub("", html, count=1)
    html = html.replace("<img id=", f'<img alt="{escape(alt.strip())}" id=', 1)
    return html.replace('type="range"', 'type="range" aria-label="Animation frame"', 1)
