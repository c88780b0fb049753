"""A capture read back as the page it was: what the spider's callback received.

`reparse` reads each article's latest capture from its WARC record: the
record (archive/warc.py), its payload checked against the digest in
`captures`, its Content-Encoding undone as Scrapy's HttpCompressionMiddleware
undoes it (`decode_body`), then either Scrapy's own response
(`response_from_capture`) or, for an HTML page whose Content-Type names its
charset, a `CapturedPage` holding the same URL, body, Content-Type and
encoding without building that response (`page_from_capture`).
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass

from scrapy.http import Headers, HtmlResponse, Response, TextResponse
from scrapy.responsetypes import responsetypes
from w3lib.encoding import html_to_unicode, http_content_type_encoding, read_bom

from stdcrawl.archive.warc import RENAMED_TRANSFER_ENCODING, WarcReader, payload_digest


def response_from_capture(cap: dict, reader: WarcReader) -> TextResponse:
    """The page of a capture, as the spider's callback received it.

    Its headers are gathered as `Headers(..., encoding="latin-1")` would
    gather them, in a plain dict the response's own `Headers` then takes
    over (one normalization, not two), and its class is the one
    `responsetypes.from_args` gives.
    """
    headers, body = _captured(cap, reader)
    return _response_class(headers, cap["url"], body)(url=cap["url"], status=cap["status"], headers=headers, body=body)


@dataclass(slots=True)
class CapturedPage:
    """An HTML page read back from its capture, as extraction reads a response
    (`raw_from_response`: url, body, headers, encoding, text), without
    building Scrapy's response: made only where that response's encoding is
    plainly the Content-Type's charset (`page_from_capture`)."""

    url: str
    body: bytes
    headers: dict[str, str]
    encoding: str

    @property
    def text(self) -> str:
        return html_to_unicode(f"charset={self.encoding}", self.body)[1]


def page_from_capture(cap: dict, reader: WarcReader) -> TextResponse | CapturedPage:
    """The page of a capture as extraction reads it: `response_from_capture`'s
    response, or, for an HTML page whose Content-Type names a charset Python
    knows and whose body has no byte order mark (what the site sends), a
    `CapturedPage` with the same URL, body, Content-Type and encoding (≈ 20 µs
    less a capture: building the response and its headers)."""
    headers, body = _captured(cap, reader)
    cls = _response_class(headers, cap["url"], body)
    content_type = headers.get(b"Content-Type")
    if cls is HtmlResponse and content_type and read_bom(body)[0] is None:
        value = content_type[-1].decode("latin-1")  # the last, as `Headers.get` gives it
        encoding = http_content_type_encoding(value)
        if encoding:
            return CapturedPage(cap["url"], body, {"Content-Type": value}, encoding)
    return cls(url=cap["url"], status=cap["status"], headers=headers, body=body)


def _captured(cap: dict, reader: WarcReader) -> tuple[dict[bytes, list[bytes]], bytes]:
    """A capture's headers (as `Headers` would gather them, Content-Encoding
    undone) and its decoded body; raises ValueError or OSError when unreadable."""
    record = reader.read(cap["warc_file"], cap["warc_offset"])
    if cap["record_type"] == "revisit":
        payload = reader.read(cap["payload_file"], cap["payload_offset"]).payload
    else:
        payload = record.payload
    if payload_digest(payload) != cap["payload_digest"]:
        raise ValueError("payload digest mismatch")
    grouped: dict[str, list[str]] = {}
    for name, value in record.headers:
        if name != RENAMED_TRANSFER_ENCODING:
            grouped.setdefault(name, []).append(value)
    headers: dict[bytes, list[bytes]] = {}
    for name, values in grouped.items():
        headers.setdefault(name.title().encode("latin-1"), []).extend(v.encode("latin-1") for v in values)
    encoding = ",".join(v.decode("latin-1") for v in headers.get(b"Content-Encoding", []))
    body, left = decode_body(payload, encoding)
    if left:
        headers[b"Content-Encoding"] = [",".join(left).encode("latin-1")]
    elif encoding:
        del headers[b"Content-Encoding"]
    return headers, body


def _response_class(headers: dict[bytes, list[bytes]], url: str, body: bytes) -> type[Response]:
    """`responsetypes.from_args(headers=Headers(headers), url=url, body=body)`,
    without building the `Headers` when the Content-Type alone decides."""
    content_type = headers.get(b"Content-Type")
    if content_type and b"Content-Encoding" not in headers:
        cls = _class_of_content_type(content_type[-1])
        if cls is not Response:
            return cls
    return responsetypes.from_args(headers=Headers(headers), url=url, body=body)


@functools.lru_cache(maxsize=64)
def _class_of_content_type(content_type: bytes) -> type[Response]:
    return responsetypes.from_content_type(content_type)


#: Content-Encodings Scrapy's HttpCompressionMiddleware decodes, so reparse does too.
DECODABLE = ("gzip", "x-gzip", "deflate", "br", "zstd")


def decode_body(body: bytes, content_encoding: str | None) -> tuple[bytes, list[str]]:
    """The body with its Content-Encoding undone, as Scrapy's
    HttpCompressionMiddleware does it (last encoding first, stopping at one it
    does not know); returns the body and the encodings left on it."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    while codings and codings[-1] in DECODABLE:
        coding = codings.pop()
        if coding in ("gzip", "x-gzip"):
            body = _gunzip(body)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:  # raw deflate, as some servers send it
                body = zlib.decompress(body, -15)
        elif coding == "br":
            try:
                import brotli
            except ImportError:  # PyPy
                import brotlicffi as brotli
            body = brotli.decompress(body)
        else:
            try:
                from compression import zstd  # Python 3.14+
            except ImportError:
                from backports import zstd
            body = zstd.decompress(body)
    return body, codings


def _gunzip(body: bytes) -> bytes:
    """Scrapy's `gunzip` (every member, as much as a damaged stream gives),
    in one zlib call when the body is a single whole gzip member (then both
    give the same bytes: zlib checks the CRC and length as GzipFile does)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body)
    except zlib.error:
        out = None
    if out is not None and inflater.eof and not inflater.unused_data:
        return out
    from scrapy.utils.gz import gunzip

    return gunzip(body)
