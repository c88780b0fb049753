"""Is a page whole and readable? Pure checks on its bytes and text, before anything is stored.

A page cut off in transfer lacks its closing parts; a page whose charset
header lies decodes into mojibake; junk bytes decode into replacement
characters. None of these may be stored as a complete article; nor may a
"page not found" served with 200 (a soft 404). Each is a failure with its
reason (`truncated`, `garbled_text`, `soft_404`; the crawl adds `not_html`
and `cut_transfer`, which only the response knows: crawl/failures.py), and
the URL stays pending.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding

from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile

#: A whole HTML page ends with its closing tags (whitespace and comments may follow).
_CLOSING = re.compile(rb"</(?:html|body)\s*>", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
#: Replacement characters a page may hold before its text counts as garbled.
GARBLED_AT = 3
#: Control characters never found in a readable page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def body_problem(body: bytes, profile: SiteProfile = STDAILY_ENGLISH) -> str | None:
    """Why an HTML body received whole is still not a whole article page
    (`truncated`, `soft_404`), or None."""
    if not _CLOSING.search(body[-4096:]):
        return "truncated"
    title = _TITLE.search(body[:8192])
    if title and profile.soft_404.match(title.group(1).decode("utf-8", "replace")):
        return "soft_404"
    return None


@lru_cache(maxsize=256)
def codec_name(name: str | None) -> str | None:
    """The codec's own name for an encoding label (None when Python has no such codec)."""
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


@lru_cache(maxsize=256)
def _header_codec(content_type: str) -> str | None:
    """The codec a Content-Type names (a site sends a handful of them)."""
    return codec_name(http_content_type_encoding(content_type))


def declared_text(body: bytes, content_type: str | None, used_encoding: str | None) -> str | None:
    """The body decoded by the page's own `<meta charset>` when the
    Content-Type header names another charset (the one `used_encoding` was
    read with) and the page's declaration reads the bytes cleanly; None when
    header and page agree (or the page's charset does not fit)."""
    header = _header_codec(content_type or "")
    if not header:  # nothing to contradict: the page's own declaration was read
        return None
    declared = codec_name(html_body_declared_encoding(body))
    if not declared or header == declared or codec_name(used_encoding) == declared:
        return None
    try:
        body.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return None
    return html_to_unicode(f"charset={declared}", body)[1]


#: Every byte but the `_CONTROL` characters: deleting them from a page's UTF-8 leaves its control characters.
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))


def garbled(text: str, utf8: bytes | None = None) -> bool:
    """Does decoded text still hold replacement or control characters (mojibake, junk)?

    The control characters are counted in the text's UTF-8 (where each is
    one byte and no other character has a byte below 0x80 that is one) by
    `bytes.translate`: ≈ 80 µs on a 45 KB page, where the regex took ≈ 230
    (issue 11 §5). `utf8`: the text's UTF-8 when at hand (the page's own
    bytes), not encoded again."""
    if text.count("\ufffd") >= GARBLED_AT:
        return True
    if utf8 is None:
        utf8 = text.encode("utf-8", "surrogatepass")
    return len(utf8.translate(None, _NOT_CONTROL)) >= GARBLED_AT
