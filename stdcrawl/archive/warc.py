"""WARC files (ISO 28500, WARC/1.1): writing a crawl's fetches, reading them back.

Each fetch becomes a `response` record (or a `revisit` record when the
payload is identical to the URL's previous capture) followed by its `request`
record. Every record is its own gzip member, so a (file, offset) pair in the
`captures` table addresses it, and `warcio`, pywb or ReplayWeb.page read the
files as they are. A run writes `stdcrawl-<crawl_id>-<seq>.warc.gz` files,
each opening with a `warcinfo` record and rolled over at a size limit, into
the archive's WARC folder (`<db stem>-warc/` beside the database unless
STDCRAWL_WARC_DIR says otherwise). What is kept of a fetch, exactly, and what
is not: docs/warc.md.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from stdcrawl import __version__
from stdcrawl.archive import warc_record

WARC_VERSION = "1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#: Twisted has already undone the chunking, so the header no longer describes
#: the stored body; it is kept under this name (docs/warc.md).
RENAMED_TRANSFER_ENCODING = "X-Stdcrawl-Orig-Transfer-Encoding"

Headers = list[tuple[str, str]]


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest of a payload: `sha1:` + base32, as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_dir_for(db_path: str | Path, configured: str | Path | None = None) -> Path:
    """The archive's WARC folder: STDCRAWL_WARC_DIR, else `<db stem>-warc/` beside the db."""
    if configured:
        return Path(configured)
    db = Path(db_path)
    return db.with_name(f"{db.stem}-warc")


def warc_date(moment: datetime) -> str:
    """`2026-01-05T03:04:05Z`: a WARC-Date (whole seconds, UTC)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_utc(moment: datetime) -> str:
    """`2026-01-05T03:04:05+00:00`: the archive's way of writing the same instant."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def warc_date_from_iso(value: str) -> str:
    return warc_date(datetime.fromisoformat(value))


@dataclass
class Exchange:
    """One HTTP fetch, as it goes into a WARC file."""

    url: str
    fetched: datetime  # when the request went out (UTC)
    method: str
    request_headers: Headers
    request_body: bytes
    status: int
    protocol: str  # "HTTP/1.1"
    response_headers: Headers
    body: bytes  # as received: still content-encoded, already de-chunked
    ip_address: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Original:
    """The response record holding a payload: what a revisit refers to."""

    record_id: str
    url: str
    date: str  # its WARC-Date
    file: str
    offset: int
    digest: str


@dataclass(frozen=True)
class Written:
    """Where a fetch's response (or revisit) record went."""

    record_type: str  # "response" or "revisit"
    record_id: str
    date: str
    file: Path
    offset: int
    length: int
    digest: str


class WarcWriter:
    """Writes exchanges into rolling gzip WARC files. One thread, one writer.

    Nothing is on disk for sure until `sync()`: callers sync before they
    commit rows that point at the records.
    """

    def __init__(self, directory: str | Path, prefix: str, max_bytes: int, info: dict[str, str] | None = None):
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info or {}
        self.files: list[Path] = []
        self.bytes_written = 0
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._seq = 0
        self._writer: WARCWriter | None = None

    def write(self, ex: Exchange, revisit_of: Original | None = None) -> Written:
        """Write the response (or a revisit of `revisit_of`) and request records."""
        out = self._open()
        w = self._writer
        date = warc_date(ex.fetched)
        digest = payload_digest(ex.body)
        base = {"WARC-Date": date}
        if ex.ip_address:
            base["WARC-IP-Address"] = ex.ip_address
        http = StatusAndHeaders(f"{ex.status} {_reason(ex.status)}".rstrip(), _response_headers(ex),
                                protocol=ex.protocol or "HTTP/1.1")
        if revisit_of is not None:
            record = w.create_revisit_record(
                ex.url, digest, revisit_of.url, revisit_of.date, http_headers=http,
                warc_headers_dict={**base, "WARC-Refers-To": revisit_of.record_id},
            )
        else:
            extra = {"WARC-Truncated": "length"} if ex.truncated else {}
            record = w.create_warc_record(
                ex.url, "response", payload=BytesIO(ex.body), length=len(ex.body), http_headers=http,
                warc_headers_dict={**base, **extra, "WARC-Payload-Digest": digest},
            )
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset = out.tell()
        w.write_record(record)
        length = out.tell() - offset
        request = w.create_warc_record(
            ex.url, "request", payload=BytesIO(ex.request_body), length=len(ex.request_body),
            http_headers=StatusAndHeaders(f"{ex.method} {_request_target(ex.url)} HTTP/1.1",
                                          _request_headers(ex), is_http_request=True),
            warc_headers_dict={**base, "WARC-Concurrent-To": record_id},
        )
        w.write_record(request)
        self.bytes_written += out.tell() - offset
        return Written(record.rec_type, record_id, date, self._path, offset, length, digest)

    def sync(self) -> None:
        """Flush the open file to disk (before rows pointing into it commit)."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self.sync()
            self._file.close()
            self._file = self._writer = None

    def _open(self) -> BinaryIO:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            while True:  # never overwrite: a re-created database restarts crawl ids
                self._seq += 1
                path = self.directory / f"{self.prefix}-{self._seq:05d}.warc.gz"
                try:
                    self._file = open(path, "xb")  # noqa: SIM115 - lives as long as the writer
                    break
                except FileExistsError:
                    continue
            self._path = path
            self.files.append(path)
            self._writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
            info = {"software": f"stdcrawl/{__version__}", "format": "WARC File Format 1.1",
                    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                    **self.info}
            start = self._file.tell()
            self._writer.write_record(self._writer.create_warcinfo_record(path.name, info))
            self.bytes_written += self._file.tell() - start
        return self._file


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _request_headers(ex: Exchange) -> Headers:
    headers = list(ex.request_headers)
    if not any(k.lower() == "host" for k, _ in headers):  # Scrapy's HTTP client adds it on the wire
        headers.insert(0, ("Host", urlsplit(ex.url).netloc))
    return headers


def _response_headers(ex: Exchange) -> Headers:
    return [(RENAMED_TRANSFER_ENCODING if k.lower() == "transfer-encoding" else k, v) for k, v in ex.response_headers]


# --- reading back -------------------------------------------------------------


@dataclass
class StoredRecord:
    """One record read back: its WARC fields, HTTP head and raw payload."""

    record_type: str
    record_id: str
    target_uri: str
    date: str
    status: int | None
    headers: Headers
    payload: bytes  # as received (content-encoded); empty for a revisit
    payload_digest: str | None
    length: int  # of its gzip member
    problems: list[str] = field(default_factory=list)  # digest mismatches (when checked)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class WarcReader:
    """Reads records by (file, offset); keeps the files it opened open."""

    def __init__(self, base_dir: str | Path):
        self.base_dir = Path(base_dir)
        self._files: dict[str, BinaryIO] = {}

    def path(self, file: str) -> Path:
        return self.base_dir / file  # an absolute `file` stays as it is

    def read(self, file: str, offset: int, *, check: bool = False) -> StoredRecord:
        """The record at `offset`; raises OSError or ArchiveLoadFailed when unreadable.

        With `check`, the block and payload digests are verified (warcio) and
        any mismatch is listed in `problems`. Without, a plain response or
        revisit record is read by `warc_record` (fast, the same fields);
        anything else by warcio.
        """
        fh = self._files.get(file)
        if fh is None:
            fh = self._files[file] = open(self.path(file), "rb")  # noqa: SIM115 - closed by close()
        if not check:
            fast = _read_plain(fh, offset)
            if fast is not None:
                return fast
        fh.seek(offset)
        it = ArchiveIterator(fh, check_digests=check)
        try:
            record = next(it)
        except StopIteration:
            raise ArchiveLoadFailed(f"no record at offset {offset}") from None
        payload = record.raw_stream.read()
        length = it.get_record_length()
        http = record.http_headers
        status = None
        if http is not None and record.rec_type in ("response", "revisit"):
            try:
                status = int(http.get_statuscode())
            except ValueError:
                status = None
        h = record.rec_headers
        problems = list(record.digest_checker.problems) if check and record.digest_checker else []
        it.close()
        return StoredRecord(
            record_type=record.rec_type, record_id=h.get_header("WARC-Record-ID"),
            target_uri=h.get_header("WARC-Target-URI"), date=h.get_header("WARC-Date"), status=status,
            headers=list(http.headers) if http is not None else [], payload=payload,
            payload_digest=h.get_header("WARC-Payload-Digest"), length=length, problems=problems,
        )

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._files.clear()

    def __enter__(self) -> WarcReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read_plain(fh: BinaryIO, offset: int) -> StoredRecord | None:
    """The record at `offset` read by `warc_record`, or None when it is not of the plain kind."""
    member = warc_record.read_member(fh, offset)
    parsed = warc_record.parse_record(member[0]) if member is not None else None
    if parsed is None:
        return None
    warc, http_fields, status, payload = parsed
    return StoredRecord(
        record_type=warc["warc-type"], record_id=warc.get("warc-record-id"), target_uri=warc["warc-target-uri"],
        date=warc.get("warc-date"), status=status, headers=http_fields, payload=payload,
        payload_digest=warc.get("warc-payload-digest"), length=member[1],
    )


# --- checking -------------------------------------------------------------------


@dataclass
class WarcCheckReport:
    """`stdcrawl warc check`: every captures row against the record it names."""

    rows: int = 0
    revisits: int = 0
    files: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)  # one line per bad capture

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self) -> str:
        head = (f"{self.rows} captures ({self.revisits} revisits) in {len(self.files)} WARC files: "
                + ("all records readable, digests verified" if self.ok else f"{len(self.problems)} bad captures"))
        return "\n".join([head, *self.problems])


def check_captures(db_path: str | Path) -> WarcCheckReport:
    """Read every `captures` row's record (and a revisit's original) and verify
    its digests (warcio) and that it is the record the row says it is."""
    from stdcrawl.archive.store import Archive, ArchiveError

    report = WarcCheckReport()
    db_path = Path(db_path)
    with Archive(db_path, readonly=True) as archive, WarcReader(db_path.resolve().parent) as reader:
        if "captures" not in archive.db.table_names():
            raise ArchiveError(f"{db_path} has no captures table (made before WARC capture)")
        for row in archive.db.query("select * from captures order by capture_id"):
            report.rows += 1
            report.revisits += row["record_type"] == "revisit"
            report.files.add(row["warc_file"])
            where = f"capture {row['capture_id']} ({row['warc_file']}@{row['warc_offset']})"
            problems = _check_row(reader, row)
            if problems:
                report.problems.append(f"{where}: {'; '.join(problems)}")
    return report


def _check_row(reader: WarcReader, row: dict) -> list[str]:
    try:
        rec = reader.read(row["warc_file"], row["warc_offset"], check=True)
    except Exception as exc:  # a checker reports every kind of unreadable record
        return [f"unreadable: {type(exc).__name__}: {exc}"]
    problems = list(rec.problems)
    expected = {
        "record type": (rec.record_type, row["record_type"]), "record id": (rec.record_id, row["record_id"]),
        "target URI": (rec.target_uri, row["url"]), "payload digest": (rec.payload_digest, row["payload_digest"]),
        "length": (rec.length, row["warc_length"]), "status": (rec.status, row["status"]),
    }
    problems += [f"{name} is {got!r}, the row says {want!r}" for name, (got, want) in expected.items() if got != want]
    if rec.record_type == "response" and payload_digest(rec.payload) != row["payload_digest"]:
        problems.append("payload does not match its digest")
    if row["record_type"] == "revisit":
        try:
            original = reader.read(row["payload_file"], row["payload_offset"], check=True)
        except Exception as exc:  # see above
            return [*problems, f"original unreadable: {type(exc).__name__}: {exc}"]
        if original.record_type != "response" or payload_digest(original.payload) != row["payload_digest"]:
            problems.append(f"the original at {row['payload_file']}@{row['payload_offset']} is not its payload")
    return problems
