"""Is a response a whole, readable article page? Checked before anything is stored.

A page cut off in transfer (a short body, a connection closed mid-page) lacks
its closing parts; a page whose charset header lies decodes into mojibake; junk
bytes decode into replacement characters. None of these may be stored as a
complete article; nor may a "page not found" served with 200 (a soft 404).
Each is a failure with its reason (`truncated`, `cut_transfer`,
`garbled_text`, `not_html`, `soft_404`), and the URL stays pending.
"""

from __future__ import annotations

import codecs
import re

from scrapy.http import HtmlResponse, Response, TextResponse

from stdcrawl.extract import site

#: A whole HTML page ends with its closing tags (whitespace and comments may follow).
_CLOSING = re.compile(rb"</(?:html|body)\s*>", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
#: Replacement characters a page may hold before its text counts as garbled.
GARBLED_AT = 3
#: Control characters never found in a readable page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def page_problem(response: Response) -> str | None:
    """Why a 200 response to an article URL is not a whole HTML page, or None."""
    if not isinstance(response, HtmlResponse):
        return "not_html"
    if "dataloss" in response.flags:
        return "cut_transfer"
    if not _CLOSING.search(response.body[-4096:]):
        return "truncated"
    title = _TITLE.search(response.body[:8192])
    if title and site.SOFT_404.match(title.group(1).decode("utf-8", "replace")):
        return "soft_404"
    return None


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def page_declared(response: TextResponse) -> TextResponse | None:
    """The response decoded by the page's own `<meta charset>` when the header
    names another charset and the page's declaration reads the bytes cleanly;
    None when the header and page agree (or the page's charset does not fit)."""
    header = _codec(response._headers_encoding())
    declared = _codec(response._body_declared_encoding())
    if not header or not declared or header == declared or _codec(response.encoding) == declared:
        return None
    try:
        response.body.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return None
    return response.replace(encoding=declared)


def garbled(text: str) -> bool:
    """Does decoded text still hold replacement or control characters (mojibake, junk)?"""
    return text.count("\ufffd") >= GARBLED_AT or len(_CONTROL.findall(text)) >= GARBLED_AT
