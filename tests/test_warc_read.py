"""Reading captures back fast (issue 13): `WarcReader.read` parses plain
records itself and leaves every other record to warcio; `reparse` undoes a
gzip Content-Encoding with zlib and builds the response without Scrapy's
double header normalization. Each shortcut must give exactly what the slow
way gives: warcio's record, Scrapy's `gunzip`, Scrapy's `Headers` and
`responsetypes`.

Records are made here byte by byte (gzip members written to files in a
temporary folder), so that each odd case is the one named.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from scrapy.http import Headers, HtmlResponse, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.gz import gunzip
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from stdcrawl.archive import warc_record
from stdcrawl.archive.reparse import (
    CapturedPage,
    article_from_capture,
    decode_body,
    page_from_capture,
    response_from_capture,
)
from stdcrawl.archive.warc import (
    RENAMED_TRANSFER_ENCODING, Exchange, Original, StoredRecord, WarcReader, WarcWriter, payload_digest,
)

URL = "http://127.0.0.1:8000/web/English/2024-05/16/content_1904967.html"
PAGE = b"<html><head><title>t</title></head><body>" + "科技日报 ".encode() * 300 + b"</body></html>"
#: The page gzipped once (a gzip header holds the time it was made).
GZ_PAGE = gzip.compress(PAGE, mtime=0)
PLAIN_HEAD = [b"HTTP/1.1 200 OK", b"Content-Type: text/html; charset=utf-8", b"Content-Encoding: gzip",
              b"X-Stdcrawl-Orig-Transfer-Encoding: chunked"]


def warc_record_bytes(http_head: list[bytes], payload: bytes, *, uri: bytes = URL.encode(),
                      record_type: bytes = b"response", line_end: bytes = b"\r\n") -> bytes:
    """An uncompressed WARC/1.1 record: `http_head` lines (joined with `line_end`), then the payload."""
    block = line_end.join(http_head) + line_end + line_end + payload
    head = [b"WARC/1.1", b"WARC-Type: " + record_type,
            b"WARC-Record-ID: <urn:uuid:6e3c0a3e-0000-4000-8000-000000000001>",
            b"WARC-Date: 2026-01-05T03:04:05Z", b"WARC-Target-URI: " + uri,
            b"WARC-Payload-Digest: " + payload_digest(payload).encode(),
            b"Content-Type: application/http; msgtype=response", b"Content-Length: %d" % len(block)]
    return b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"


def write(folder: Path, *records: bytes, compress: bool = True) -> tuple[str, list[int]]:
    """A WARC file holding the records (one gzip member each); its name and their offsets."""
    path = folder / f"test-{len(list(folder.iterdir()))}.warc{'.gz' if compress else ''}"
    offsets, data = [], b""
    for record in records:
        offsets.append(len(data))
        data += gzip.compress(record) if compress else record
    path.write_bytes(data)
    return path.name, offsets


def read_by_warcio(path: Path, offset: int) -> StoredRecord:
    """The record as `WarcReader.read` read every record before it had a fast path."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        it = ArchiveIterator(fh)
        try:
            record = next(it)
        except StopIteration:
            raise ArchiveLoadFailed(f"no record at offset {offset}") from None
        payload = record.raw_stream.read()
        length = it.get_record_length()
        http, h = record.http_headers, record.rec_headers
        status = int(http.get_statuscode()) if http is not None and record.rec_type in ("response", "revisit") else None
        it.close()
    return StoredRecord(record.rec_type, h.get_header("WARC-Record-ID"), h.get_header("WARC-Target-URI"),
                        h.get_header("WARC-Date"), status, list(http.headers) if http is not None else [], payload,
                        h.get_header("WARC-Payload-Digest"), length)


def scrapy_response(record: StoredRecord, url: str, status: int) -> Response:
    """The response as Scrapy's own `Headers` and `responsetypes` build it from the record."""
    grouped: dict[str, list[str]] = {}
    for name, value in record.headers:
        if name != RENAMED_TRANSFER_ENCODING:
            grouped.setdefault(name, []).append(value)
    headers = Headers(grouped, encoding="latin-1")
    encoding = ",".join(v.decode("latin-1") for v in headers.getlist("Content-Encoding"))
    body, left = decode_body(record.payload, encoding)
    if left:
        headers["Content-Encoding"] = ",".join(left)
    elif encoding:
        del headers["Content-Encoding"]
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=status, headers=headers, body=body)


def capture(file: str, offset: int, payload: bytes, **extra) -> dict:
    return {"warc_file": file, "warc_offset": offset, "record_type": "response", "url": URL, "status": 200,
            "payload_digest": payload_digest(payload), **extra}


def seen(response: Response) -> tuple:
    """What the spider's callback sees of a response."""
    return (type(response), response.url, response.status, response.body, dict(response.headers),
            response.text if isinstance(response, TextResponse) else None,
            response.encoding if isinstance(response, TextResponse) else None)


def same_response(got: Response, want: Response) -> None:
    assert seen(got) == seen(want)


def outcome(read, *args) -> tuple:
    """What a call gives: ("record", its value), or ("error", the exception's type and text)."""
    try:
        return ("record", read(*args))
    except Exception as exc:  # noqa: BLE001 - compared, whatever it is
        return ("error", type(exc), str(exc))


def test_a_plain_record_is_read_without_warcio_and_gives_what_warcio_gives(tmp_path):
    payload = GZ_PAGE
    raw = warc_record_bytes(PLAIN_HEAD, payload)
    assert warc_record.parse_record(raw) is not None  # the fast path takes it
    file, [offset] = write(tmp_path, raw)
    with WarcReader(tmp_path) as reader:
        record = reader.read(file, offset)
        assert record == read_by_warcio(tmp_path / file, offset)
        assert record.payload == payload and record.status == 200 and record.length == (tmp_path / file).stat().st_size
        response = response_from_capture(capture(file, offset, payload), reader)
    assert isinstance(response, HtmlResponse) and response.body == PAGE and "Content-Encoding" not in response.headers
    same_response(response, scrapy_response(record, URL, 200))


def test_a_revisit_is_read_fast_and_its_page_comes_from_the_original(tmp_path):
    writer = WarcWriter(tmp_path, "stdcrawl-1", max_bytes=10**9)
    ex = Exchange(url=URL, fetched=datetime(2026, 1, 5, 3, 4, 5, tzinfo=timezone.utc), method="GET",
                  request_headers=[("User-Agent", "stdcrawl/test")], request_body=b"", status=200, protocol="HTTP/1.1",
                  response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                  body=GZ_PAGE, ip_address="127.0.0.1")
    first = writer.write(ex)
    again = writer.write(ex, Original(first.record_id, URL, first.date, first.file.name, first.offset, first.digest))
    writer.close()
    with WarcReader(tmp_path) as reader, open(again.file, "rb") as fh:
        for w in (first, again):
            member = warc_record.read_member(fh, w.offset)
            assert member is not None and warc_record.parse_record(member[0]) is not None
            assert reader.read(w.file.name, w.offset) == read_by_warcio(w.file, w.offset)
        revisit = reader.read(again.file.name, again.offset)
        assert revisit.record_type == "revisit" and revisit.payload == b"" and revisit.length == again.length
        response = response_from_capture(capture(again.file.name, again.offset, ex.body, record_type="revisit",
                                                 payload_file=first.file.name, payload_offset=first.offset), reader)
    assert isinstance(response, HtmlResponse) and response.body == PAGE


#: Records the fast path refuses, and what warcio makes of them (read as before).
ODD_RECORDS = {
    "folded header line": (warc_record_bytes([*PLAIN_HEAD, b"X-Folded: one", b"\ttwo: three"], GZ_PAGE),
                           ("X-Folded", "one\ttwo: three")),
    "latin-1 header value": (warc_record_bytes([*PLAIN_HEAD, b"X-Name: caf\xe9"], GZ_PAGE),
                             ("X-Name", "caf\xe9")),
    "utf-8 header value": (warc_record_bytes([*PLAIN_HEAD, "X-Name: 科技".encode()], GZ_PAGE),
                           ("X-Name", "科技")),
    "header line without a colon": (warc_record_bytes([*PLAIN_HEAD, b"no colon here", b"X-After: 1"],
                                                      GZ_PAGE), ("X-After", "1")),
    "bare LF line ends": (warc_record_bytes(PLAIN_HEAD, GZ_PAGE, line_end=b"\n"),
                          ("Content-Encoding", "gzip")),
    "target URI with a space": (warc_record_bytes(PLAIN_HEAD, GZ_PAGE, uri=URL.encode() + b"?q=a b"),
                                ("Content-Encoding", "gzip")),
    "header line of blanks": (warc_record_bytes([*PLAIN_HEAD[:2], b"  ", *PLAIN_HEAD[2:]], GZ_PAGE),
                              ("Content-Type", "text/html; charset=utf-8")),
    "target URI in angle brackets": (warc_record_bytes(PLAIN_HEAD, GZ_PAGE, uri=b"<" + URL.encode() + b">"),
                                     ("Content-Encoding", "gzip")),
}


#: Where warcio reads the record otherwise than the writer meant: the problem reparse reports, as it always did.
ODD_PROBLEMS = {
    "utf-8 header value": "'latin-1' codec can't encode",  # warcio decodes it as UTF-8
    "header line of blanks": "payload digest mismatch",  # warcio ends the head there
}


@pytest.mark.parametrize("case", ODD_RECORDS)
def test_a_record_the_fast_path_refuses_is_read_by_warcio_with_the_same_response(tmp_path, case):
    raw, header = ODD_RECORDS[case]
    assert warc_record.parse_record(raw) is None
    payload = GZ_PAGE
    file, [offset] = write(tmp_path, raw)
    with WarcReader(tmp_path) as reader:
        record = reader.read(file, offset)
        assert record == read_by_warcio(tmp_path / file, offset)
        assert header in record.headers
        got = outcome(lambda: seen(response_from_capture(capture(file, offset, payload), reader)))
    if case in ODD_PROBLEMS:
        assert got[0] == "error" and ODD_PROBLEMS[case] in got[2]
    else:
        assert record.payload == payload and got == outcome(lambda: seen(scrapy_response(record, URL, 200)))


def test_a_request_record_is_read_by_warcio(tmp_path):
    raw = warc_record_bytes([b"GET /web/English/ HTTP/1.1", b"Host: 127.0.0.1:8000"], b"", record_type=b"request")
    assert warc_record.parse_record(raw) is None
    file, [offset] = write(tmp_path, raw)
    with WarcReader(tmp_path) as reader:
        record = reader.read(file, offset)
    assert record == read_by_warcio(tmp_path / file, offset)
    assert record.record_type == "request" and record.status is None and record.header("Host") == "127.0.0.1:8000"


@pytest.mark.parametrize("damage", ["cut in half", "cut before the trailer", "bad CRC", "not gzip"])
def test_a_damaged_member_is_read_by_warcio_as_before(tmp_path, damage):
    member = gzip.compress(warc_record_bytes(PLAIN_HEAD, GZ_PAGE))
    damaged = {"cut in half": member[: len(member) // 2], "cut before the trailer": member[:-8],
               "bad CRC": member[:-8] + bytes([member[-8] ^ 0xFF]) + member[-7:],
               "not gzip": b"\x1f\x8b" + b"\0" * 40}[damage]
    (tmp_path / "damaged.warc.gz").write_bytes(damaged)
    with WarcReader(tmp_path) as reader, open(tmp_path / "damaged.warc.gz", "rb") as fh:
        assert warc_record.read_member(fh, 0) is None
        assert outcome(reader.read, "damaged.warc.gz", 0) == outcome(read_by_warcio, tmp_path / "damaged.warc.gz", 0)


def test_an_uncompressed_file_is_read_by_warcio(tmp_path):
    raw = warc_record_bytes(PLAIN_HEAD, GZ_PAGE)
    file, [first, second] = write(tmp_path, raw, raw, compress=False)
    with WarcReader(tmp_path) as reader, open(tmp_path / file, "rb") as fh:
        assert warc_record.read_member(fh, second) is None
        record = reader.read(file, second)
        assert record == read_by_warcio(tmp_path / file, second) and record.payload == GZ_PAGE


def test_a_capture_past_its_file_end_or_with_another_payload_is_a_problem_as_before(tmp_path):
    payload = GZ_PAGE
    file, [offset] = write(tmp_path, warc_record_bytes(PLAIN_HEAD, payload))
    with WarcReader(tmp_path) as reader:
        with pytest.raises(Exception, match="no record at offset 99999"):
            response_from_capture(capture(file, 99999, payload), reader)
        with pytest.raises(ValueError, match="payload digest mismatch"):
            response_from_capture(capture(file, offset, payload + b"x"), reader)


@pytest.mark.parametrize("encoding, content_type", [
    ("gzip", "text/html; charset=utf-8"), ("gzip", "text/plain"), ("gzip", "application/json"), ("gzip", None),
    ("gzip", "application/octet-stream"), ("unknown, gzip", "text/html"), ("gzip, unknown", "text/html"),
    ("GZIP", "TEXT/HTML"), ("", "text/html"), (None, "text/html"),
])
def test_the_response_class_and_headers_are_those_scrapy_gives(tmp_path, encoding, content_type):
    payload = GZ_PAGE if encoding and encoding.lower().endswith("gzip") else PAGE
    head = [b"HTTP/1.1 200 OK", b"content-type: text/plain", b"Set-Cookie: a=1", b"set-cookie: b=2"]
    if content_type:
        head.append(b"Content-Type: " + content_type.encode())
    if encoding is not None:
        head.append(b"Content-Encoding: " + encoding.encode())
    if content_type is None:
        head = [line for line in head if not line.lower().startswith(b"content-type")]
    file, [offset] = write(tmp_path, warc_record_bytes(head, payload))
    with WarcReader(tmp_path) as reader:
        record = reader.read(file, offset)
        response = response_from_capture(capture(file, offset, payload), reader)
    same_response(response, scrapy_response(record, URL, 200))


def _members(*parts: bytes) -> bytes:
    return b"".join(gzip.compress(p) for p in parts)


def _bad_crc(data: bytes) -> bytes:
    body = bytearray(gzip.compress(data))
    body[-8] ^= 0xFF
    return bytes(body)


#: gzip bodies, whole and damaged: Scrapy's `gunzip` says what each gives.
GZIP_BODIES = {
    "one member": GZ_PAGE,
    "two members": _members(PAGE, b"<p>more</p>"),
    "truncated (no trailer)": GZ_PAGE[:-8],
    "cut in the middle": GZ_PAGE[: len(GZ_PAGE) // 2],
    "bad CRC": _bad_crc(PAGE),
    "trailing garbage": GZ_PAGE + b"garbage",
    "trailing zeros": GZ_PAGE + b"\0" * 8,
    "zlib, not gzip": zlib.compress(PAGE),
    "not compressed": PAGE,
    "empty": b"",
    "header only": GZ_PAGE[:10],
}


@pytest.mark.parametrize("case", GZIP_BODIES)
def test_a_gzip_body_decodes_as_scrapys_gunzip_decodes_it(case):
    body = GZIP_BODIES[case]
    try:
        want = gunzip(body)
    except Exception as exc:  # noqa: BLE001 - whatever Scrapy raises, reparse raises too
        with pytest.raises(type(exc)) as got:
            decode_body(body, "gzip")
        assert str(got.value) == str(exc)
        return
    assert decode_body(body, "gzip") == (want, [])
    assert decode_body(body, "x-gzip") == (want, [])


GBK_PAGE = ("<html><head><meta charset='gbk'><title>科技日报</title></head><body><h1>科技日报</h1>"
            "<p>Source: 科技日报 | 2024-05-16 10:00:00 | Author: 李明</p><p>" + "新闻 " * 50 + "</p></body></html>")


@pytest.mark.parametrize("content_type, body, fast", [
    (b"text/html; charset=utf-8", PAGE, True),
    (b"text/html; charset=UTF8", PAGE, True),
    (b"text/html; charset=gbk", GBK_PAGE.encode("gbk"), True),
    (b"text/html; charset=utf-8", GBK_PAGE.encode("gbk"), True),  # a lying header: the page's own charset wins
    (b"text/html", GBK_PAGE.encode("gbk"), False),  # the charset is the body's: Scrapy's response reads it
    (b"text/html; charset=utf-8", b"\xef\xbb\xbf" + PAGE, False),  # a byte order mark decides
    (b"text/html; charset=no-such-charset", PAGE, False),
    (b"application/json; charset=utf-8", b'{"a": 1}', False),
])
def test_a_page_read_without_scrapys_response_extracts_as_the_response_does(tmp_path, content_type, body, fast):
    head = [b"HTTP/1.1 200 OK", b"Content-Type: " + content_type]
    name, (offset,) = write(tmp_path, warc_record_bytes(head, body))
    cap = capture(name, offset, body, capture_id=1, crawl_id=1, section_hint="", fetched_at="2026-01-05T03:04:05+00:00")
    with WarcReader(tmp_path) as reader:
        page, response = page_from_capture(cap, reader), response_from_capture(cap, reader)
    assert isinstance(page, CapturedPage) is fast
    if fast:
        assert (page.url, page.body, page.encoding, page.text) == (response.url, response.body, response.encoding,
                                                                     response.text)
    assert article_from_capture(cap, page) == article_from_capture(cap, response)
