"""A fast, strict reader for the response and revisit records stdcrawl writes.

`WarcReader.read` used to hand every record to a new warcio
`ArchiveIterator`, whose Python header parsing costs about as much as the
rest of reading a capture back. The records `WarcWriter` writes are
regular: one gzip member per record, a `WARC/1.x` head of plain ASCII
`Name: value` lines ending in CRLF, a `Content-Length` block holding an HTTP
head of the same kind and the payload, then CRLF CRLF. `read_member` and
`parse_record` read exactly that with zlib and `bytes` methods, giving the
fields warcio would (the same header names and values, in order; the same
status, payload and member length), and None for anything else — a record
not read whole, non-ASCII, folded or blank header lines, other line ends,
another record type, a head warcio would rewrite — so that the caller falls
back to warcio, which then reads it (or fails) exactly as before.
"""

from __future__ import annotations

import os
import zlib
from typing import BinaryIO

#: Compressed bytes read at a time; most records fit in one read.
READ_SIZE = 16 * 1024
WARC_VERSIONS = ("WARC/1.1", "WARC/1.0")
#: The record types read here: those with an HTTP response head.
RECORD_TYPES = ("response", "revisit")

Fields = list[tuple[str, str]]


def read_member(fh: BinaryIO, offset: int) -> tuple[bytes, int] | None:
    """The content of the whole gzip member at `offset` and its compressed
    length; None when there is no complete, intact gzip member there."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip only: header, CRC and size checked
    parts = []
    position = offset
    while not inflater.eof:
        chunk = _pread(fh, READ_SIZE, position)
        if not chunk or (position == offset and chunk[:2] != b"\x1f\x8b"):
            return None
        try:
            parts.append(inflater.decompress(chunk))
        except zlib.error:
            return None
        position += len(chunk)
    return b"".join(parts), position - offset - len(inflater.unused_data)


def _pread(fh: BinaryIO, size: int, position: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fh.fileno(), size, position)
    fh.seek(position)  # pragma: no cover - Windows
    return fh.read(size)


def parse_record(data: bytes) -> tuple[dict[str, str], Fields, int | None, bytes] | None:
    """(WARC fields by lower-case name, HTTP fields, HTTP status, payload) of
    an uncompressed response or revisit record, as warcio's `ArchiveIterator`
    parses it (names and values stripped as warcio strips them; the first of
    repeated WARC fields counts, as in warcio's `get_header`); None when the
    record is anything but the plain kind."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    lines = _lines(data[:head_end])
    if lines is None or lines[0] not in WARC_VERSIONS:
        return None
    warc_fields = _fields(lines)
    if warc_fields is None:
        return None
    warc: dict[str, str] = {}
    for name, value in warc_fields:
        warc.setdefault(name.lower(), value)
    uri = warc.get("warc-target-uri") or ""
    length = warc.get("content-length") or ""
    if (warc.get("warc-type") not in RECORD_TYPES or not uri.startswith(("http:", "https:")) or " " in uri
            or not length.isdigit()):
        return None
    start = head_end + 4
    end = start + int(length)
    if len(data) != end + 4 or not data.endswith(b"\r\n\r\n") or end == start:
        return None
    http_end = data.find(b"\r\n\r\n", start, end)
    if http_end < 0:
        return None
    lines = _lines(data[start:http_end])
    if lines is None or not lines[0].startswith("HTTP/"):
        return None
    http_fields = _fields(lines)
    if http_fields is None:
        return None
    return warc, http_fields, _status(lines[0]), data[http_end + 4:end]


def _lines(head: bytes) -> list[str] | None:
    """The CRLF-separated lines of an ASCII head, or None (another byte or line ending)."""
    if not head.isascii() or head.count(b"\n") != head.count(b"\r\n"):
        return None
    return head.decode("ascii").split("\r\n")


def _fields(lines: list[str]) -> Fields | None:
    """`Name: value` pairs of a head's lines after the first, stripped as warcio
    strips them; None for a line warcio would read otherwise (folded,
    blank, no colon)."""
    fields = []
    for raw in lines[1:]:
        line = raw.rstrip()
        if not line or line[0] in " \t":
            return None
        name, colon, value = line.partition(":")
        if not colon:
            return None
        fields.append((name.rstrip(" \t"), value.lstrip()))
    return fields


def _status(status_line: str) -> int | None:
    """The status code of an HTTP status line, as warcio reads it without verifying."""
    parts = status_line.rstrip().split(" ", 1)
    code = parts[1].strip().split(" ", 1)[0] if len(parts) > 1 else ""
    try:
        return int(code)
    except ValueError:
        return None
