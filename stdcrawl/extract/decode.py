"""A page's bytes as text, decoded exactly as Scrapy's `TextResponse.text` does.

`stdcrawl extract` reads saved pages without building a Scrapy response (the
extract layer loads no Scrapy, no Twisted); this gives the same text, so a
page gives the same article however it arrives (a test compares the two on
every fixture page).
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

#: Scrapy's TextResponse default when nothing declares an encoding.
_DEFAULT_ENCODING = "ascii"


def _auto_detect(body: bytes) -> str | None:
    for enc in (_DEFAULT_ENCODING, "utf-8"):
        try:
            body.decode(enc)
        except UnicodeError:
            continue
        return resolve_encoding(enc)
    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def page_text(body: bytes, content_type: str | None = None) -> str:
    """The body as text: BOM, then the Content-Type charset, then the page's
    own `<meta>` declaration, then detection."""
    content_type = content_type or ""
    encoding = read_bom(body)[0] or http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    if encoding is None:
        encoding = html_to_unicode(content_type, body, auto_detect_fun=_auto_detect,
                                   default_encoding=_DEFAULT_ENCODING)[0]
    return html_to_unicode(f"charset={encoding}", body)[1]
