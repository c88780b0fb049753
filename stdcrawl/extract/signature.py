"""Template signatures: a short hash of where an article page keeps its parts.

A page's signature hashes the tag/class paths (from `<body>` down) of the
elements holding the title, the `Source: …` line and the body's first text,
as the loader found them (`ArticleLoader.anchors`). Pages rendered by one CMS
template share a signature; a redesign (a renamed body container, a moved or
relabelled Source line) gives a new one, which the health report names
(health.py). Digits are dropped from class names so per-page ids do not
split one template into many.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from lxml import etree

_DIGITS = re.compile(r"\d+")
#: Shown for an anchor the loader did not find.
MISSING = "-"
#: Hex digits kept of the hash: enough to tell a site's handful of templates apart.
LENGTH = 8


def element_path(el: etree._Element | None) -> str:
    """`div.main>div.content>h1.tit`: the element's tag/class path below `<body>`."""
    if el is None:
        return MISSING
    parts = []
    while el is not None:
        tag = el.tag
        if tag in ("body", "html") or not isinstance(tag, str):
            break
        parts.append(_step(tag, el.get("class")))
        el = el.getparent()
    return ">".join(reversed(parts))


@lru_cache(maxsize=4096)
def _step(tag: str, cls: str | None) -> str:
    """`div.content`: one element's tag and its classes (sorted, digits dropped)."""
    if not cls:
        return tag
    classes = ".".join(sorted(_DIGITS.sub("", c) for c in cls.split()))
    return f"{tag}.{classes}" if classes else tag


def describe(anchors: tuple) -> str:
    """The three paths the signature hashes, `title | source | body` (for people)."""
    return " | ".join(element_path(el) for el in anchors)


def template_signature(anchors: tuple) -> str:
    """The page's signature: `LENGTH` hex digits of the hash of `describe(anchors)`."""
    return hashlib.sha1(describe(anchors).encode("utf-8")).hexdigest()[:LENGTH]
