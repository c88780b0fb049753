"""Streaming exports of articles: JSON Lines, CSV and Parquet.

Rows come one at a time from `ArchiveReader.articles()` (one SQLite cursor)
and are written as they come, so memory stays flat however large the
archive. Nested fields take the form each format's users expect:

- JSONL: lists and records as real JSON arrays and objects.
- CSV: lists of strings (`authors`, `breadcrumb`, `extraction_notes`)
  joined with `"; "`; lists of records (`images`, `related`) as JSON text;
  NULL as an empty cell.
- Parquet: `list<string>` and `list<struct<…>>` columns (needs pyarrow:
  `pip install 'stdcrawl[parquet]'`), written in record batches. Times are
  typed: `published_at` a timestamp in the site's +08:00 (the instant, and
  Beijing's offset in the column type), `published_utc` and the times
  stdcrawl recorded timestamps in UTC, plus a `published_date` (Beijing
  calendar date) after `published_utc`; see `parquet_row`.

A file export is written beside its target and renamed into place, so an
interrupted export never leaves a truncated file under the final name. It
never replaces the archive it reads (nor its `-wal`, `-shm`, lock or stamp file),
and replaces any other existing file only when asked (`force`, `--force`).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from itertools import islice
from pathlib import Path
from typing import TextIO

from stdcrawl.extract.site import STDAILY_ENGLISH

FORMATS = ("jsonl", "csv", "parquet")
#: Rows per Parquet record batch (and row group): ~1,000 articles are a few MB.
PARQUET_BATCH_ROWS = 1000
_STRUCT_FIELDS = {"images": ("src", "caption"), "related": ("title", "summary", "url")}


def arrow_zone(tz: tzinfo, name: str) -> str:
    """A site's time zone as Arrow names it: a fixed offset as `+08:00`, else its IANA `name`."""
    offset = tz.utcoffset(None)
    if offset is None:
        return name
    minutes = int(offset.total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


#: Parquet timestamp columns and the time zone of their type. The site gives
#: Beijing time, so `published_at` keeps the profile's "+08:00" (pandas shows
#: Beijing time; DuckDB reads the instant as TIMESTAMPTZ); what stdcrawl
#: records is UTC.
TIMESTAMP_ZONES = {
    "published_at": arrow_zone(STDAILY_ENGLISH.timezone, STDAILY_ENGLISH.timezone_name),
    "published_utc": "UTC", "fetched_at": "UTC",
    "first_seen_at": "UTC", "last_seen_at": "UTC", "last_changed_at": "UTC",
}
#: The Beijing calendar date of `published_at`, added after `published_utc` in
#: Parquet: what the site shows, and a day that does not depend on the
#: reader's time zone (`date_trunc` on a TIMESTAMPTZ does).
DATE_FIELD = ("published_date", "published_utc")


class ExportError(RuntimeError):
    """The export cannot be written (format, missing pyarrow, destination)."""


def write_jsonl(rows: Iterable[dict], out: TextIO) -> int:
    count = 0
    for count, row in enumerate(rows, 1):
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
    return count


def csv_cell(kind: str, value) -> str | int | float:
    """One value as a CSV cell (see the module docstring)."""
    if value is None:
        return ""
    if kind == "strings":
        return "; ".join(value)
    if kind in _STRUCT_FIELDS:
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: Iterable[dict], fields: list[tuple[str, str]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow([name for name, _ in fields])
    count = 0
    for count, row in enumerate(rows, 1):
        writer.writerow([csv_cell(kind, row[name]) for name, kind in fields])
    return count


def parquet_fields(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The export's fields as Parquet has them: times typed, `published_date` added."""
    out = []
    for name, kind in fields:
        out.append((name, "timestamp" if name in TIMESTAMP_ZONES and kind == "text" else kind))
        if name == DATE_FIELD[1]:
            out.append((DATE_FIELD[0], "date"))
    return out


def parquet_schema(fields: list[tuple[str, str]]):
    """The Arrow schema of an article export (`fields` as `parquet_fields` gives them)."""
    import pyarrow as pa

    def arrow_type(name: str, kind: str):
        if kind in _STRUCT_FIELDS:
            return pa.list_(pa.struct([(f, pa.string()) for f in _STRUCT_FIELDS[kind]]))
        if kind == "timestamp":
            return pa.timestamp("us", tz=TIMESTAMP_ZONES[name])
        return {
            "integer": pa.int64(), "real": pa.float64(), "strings": pa.list_(pa.string()), "date": pa.date32(),
        }.get(kind, pa.string())

    return pa.schema([(name, arrow_type(name, kind)) for name, kind in fields])


def parquet_row(row: dict) -> dict:
    """One exported article with its ISO-8601 texts as datetimes (and its `published_date`).

    Every stored time carries its offset, so each becomes the same instant;
    a text that is not ISO 8601 is an error, not a silent NULL.
    """
    row = dict(row)
    for name in TIMESTAMP_ZONES:
        if isinstance(value := row.get(name), str):
            try:
                row[name] = datetime.fromisoformat(value) if value else None
            except ValueError:
                row[name] = None
            if value and (row[name] is None or row[name].tzinfo is None):
                raise ExportError(f"article {row.get('article_id')}: {name} is not an ISO 8601 time with an offset: {value!r}")
    published = row.get("published_at")
    row[DATE_FIELD[0]] = published.date() if published else None  # in its own offset: Beijing's day
    return row


def write_parquet(rows: Iterable[dict], fields: list[tuple[str, str]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet export needs pyarrow: pip install 'stdcrawl[parquet]'") from None
    schema = parquet_schema(parquet_fields(fields))
    count = 0
    rows = map(parquet_row, rows)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while True:
            batch = list(islice(rows, PARQUET_BATCH_ROWS))
            if not batch:
                return count
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
            del batch  # before the next one is read: one batch in memory, not two


def export(reader, fmt: str, out: str | Path, *, force: bool = False, **filters) -> int:
    """Write the articles of `reader` (an ArchiveReader) matching `filters` to `out`.

    `out` is a file path, or "-" for stdout (jsonl and csv). An existing
    file is replaced only with `force`; the archive itself never. Returns the
    number of articles written.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if str(out) != "-":
        check_destination(Path(out), reader.path, force)
    fields = reader.fields()
    rows = reader.articles(**filters)
    if str(out) == "-":
        if fmt == "parquet":
            raise ExportError("Parquet is a binary file format: give --out a file name")
        count = 0  # unknown when the reader stopped early
        with stdout_may_close():
            count = write_jsonl(rows, sys.stdout) if fmt == "jsonl" else write_csv(rows, fields, sys.stdout)
        return count
    with _replace_when_done(Path(out), force) as tmp:
        if fmt == "parquet":
            return write_parquet(rows, fields, tmp)
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            return write_jsonl(rows, fh) if fmt == "jsonl" else write_csv(rows, fields, fh)


def archive_files(db_path: Path) -> list[Path]:
    """The archive's own files: the database, its journals, its run lock and its check stamp."""
    return [db_path] + [
        db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm", "-journal", ".lock", ".checked")
    ]


def check_destination(target: Path, db_path: Path, force: bool) -> None:
    """Raise ExportError if writing `target` would replace the archive, or an existing file without `force`."""
    for own in archive_files(Path(db_path)):
        if _same_file(target, own):
            raise ExportError(f"refusing to write the export over the archive's own file {own}")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a directory")
    if (target.exists() or target.is_symlink()) and not force:
        raise ExportError(f"{target} exists; give --force to replace it")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: compare where they would be
        return a.resolve() == b.resolve()


@contextmanager
def _replace_when_done(target: Path, force: bool = False) -> Iterator[Path]:
    """A temporary path beside `target`, moved to it on success, removed on failure.

    Without `force` the move is a hard link, which fails if `target` has
    appeared meanwhile: an existing file is never replaced unasked.
    """
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: no directory {target.parent}")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        if force:
            os.replace(tmp, target)
        else:
            _link_no_clobber(tmp, target)
    except FileExistsError:
        raise ExportError(f"{target} exists; give --force to replace it") from None
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _link_no_clobber(tmp: Path, target: Path) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(tmp, target)


@contextmanager
def stdout_may_close() -> Iterator[None]:
    """`stdcrawl export --out - | head` stops quietly when `head` has seen enough (search too)."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
