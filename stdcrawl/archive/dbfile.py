"""The archive file on disk: what is checked before SQLite opens it, and how.

Every command goes through here, so a bad `--db` gets the same one-line
answer everywhere (README "Exit codes": 2), never a traceback:

- reading (`stats`, `search`, `export`, `serve`, `warc check`,
  `reparse --dry-run`, the Python API) needs an existing SQLite file. In a
  directory the user cannot write (a shared read-only copy), SQLite cannot
  create the `-shm` file a WAL database needs; the file is then opened with
  `immutable=1` and `read_only_note()` says so.
- writing (`crawl`, `reparse`, `demo`) needs an existing, writable directory
  (a missing one is refused, not created) and a file that is SQLite or
  empty. Before anything is written, `PRAGMA quick_check` must pass: a
  corrupted archive is left byte for byte as it was. The check reads the
  whole file (measured on a 1.2 GB file: 1.7 s of CPU from the page cache,
  14 s from disk), so it is skipped when the file is exactly as stdcrawl
  left it after its last check (`<db>.checked` records the file's size,
  inode and modification time at a clean close) and that check is less than
  `CHECK_DAYS` old: a nightly run pays for it about once a week, and after
  anything else touched the file or a run was killed. Read commands skip
  it; `describe_error` turns the corruption they may meet into the same
  kind of message.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from stdcrawl.clock import get_clock

logger = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
#: A write open runs the full quick_check at least this often, even on a file nothing else touched.
CHECK_DAYS = 7


class ArchiveFileError(Exception):
    """The file at `--db` cannot be used as asked; the message says why, in one line."""


def check_readable(path: Path) -> None:
    """Raise ArchiveFileError unless `path` is an existing SQLite file we can read."""
    try:
        if path.is_dir():
            raise ArchiveFileError(f"{path} is a directory, not an archive file")
        if not path.exists():
            parent = path.parent
            if not parent.is_dir():
                raise ArchiveFileError(f"no archive at {path}: there is no directory {parent}")
            raise ArchiveFileError(f"no archive at {path}")
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except PermissionError:
        raise ArchiveFileError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise ArchiveFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise ArchiveFileError(_not_sqlite(path, header))


def check_writable(path: Path) -> None:
    """Raise ArchiveFileError unless an archive can be created or written at `path`.

    The directory must exist already: a typo in `--db` must not grow a new
    tree of directories with an empty archive in it.
    """
    parent = path.parent
    try:
        if path.is_dir():
            raise ArchiveFileError(f"{path} is a directory, not an archive file")
        if not parent.exists():
            raise ArchiveFileError(f"cannot create {path}: there is no directory {parent} (create it first)")
        if not parent.is_dir():
            raise ArchiveFileError(f"cannot create {path}: {parent} is not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ArchiveFileError(_read_only_dir(path))
        if path.exists():
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
            if header and header != SQLITE_HEADER:
                raise ArchiveFileError(_not_sqlite(path, header))
            if not os.access(path, os.W_OK):
                raise ArchiveFileError(f"cannot write {path}: the file is read-only (read commands still work)")
    except PermissionError:
        raise ArchiveFileError(f"cannot open {path}: permission denied") from None
    except OSError as exc:
        raise ArchiveFileError(f"cannot open {path}: {exc.strerror or exc}") from None


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise ArchiveFileError if SQLite finds the file damaged; before any write."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        raise ArchiveFileError(corrupted(path, str(exc))) from None
    if rows != ["ok"]:
        detail = " ".join(" ".join(rows).replace("*** in database main ***", "").split())
        raise ArchiveFileError(corrupted(path, detail[:200]))


def stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _identity(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino, "device": st.st_dev}


def unchanged_since_check(path: Path) -> bool:
    """Is the file as stdcrawl left it after a check, with nothing in its WAL, within CHECK_DAYS?"""
    try:
        stamp = json.loads(stamp_path(path).read_text("utf-8"))
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            return False
        checked_at = datetime.fromisoformat(stamp.pop("checked_at"))
        fresh = timedelta(0) <= get_clock().now() - checked_at < timedelta(days=CHECK_DAYS)
        return fresh and stamp == _identity(path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def last_check(path: Path) -> str | None:
    """When the file was last fully checked, from its stamp."""
    try:
        return json.loads(stamp_path(path).read_text("utf-8"))["checked_at"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_check(path: Path, checked_at: str) -> None:
    """After a clean close of a file known good (checked at `checked_at`): remember it as it is now."""
    target = stamp_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({**_identity(path), "checked_at": checked_at}), "utf-8")
        os.replace(tmp, target)
    except OSError:  # only saves time: the next open checks again
        tmp.unlink(missing_ok=True)


def corrupted(path: Path, detail: str) -> str:
    return (
        f"the archive {path} is damaged (SQLite: {detail}); it was left as it is. "
        f"Restore it from a backup, or salvage it with `sqlite3 {path} .recover`"
    )


def connect_readonly(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A read-only connection to the SQLite file at `path`, and whether it is immutable.

    `mode=ro` first, so a running crawl's latest commits are seen. When
    SQLite cannot open it that way — a WAL database in a directory where the
    `-shm` file cannot be created — `immutable=1`: SQLite then takes no locks
    and reads only the main file, which is safe because nobody can write in
    that directory either.
    """
    check_readable(path)
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
        return conn, False
    except sqlite3.OperationalError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorcode", None) is not None and exc.sqlite_errorname not in (
            "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_READONLY_RECOVERY", "SQLITE_READONLY_CANTINIT",
        ):
            raise ArchiveFileError(describe_error(path, exc)) from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveFileError(describe_error(path, exc)) from None
    conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveFileError(describe_error(path, exc)) from None
    logger.warning("%s", read_only_note(path))
    return conn, True


def read_only_note(path: Path) -> str:
    """What an immutable open means for the reader."""
    note = (
        f"{path.parent} cannot be written, so the archive is read as an immutable file "
        "(SQLite immutable=1): fine for a read-only copy, but changes made to it meanwhile are not seen"
    )
    wal = path.with_name(path.name + "-wal")
    try:
        wal_bytes = wal.stat().st_size
    except OSError:
        wal_bytes = 0
    if wal_bytes:
        note += (
            f"; its write-ahead log {wal.name} ({wal_bytes:,} bytes) is ignored, so the latest runs may be "
            "missing: copy archives after a crawl has finished"
        )
    return note


def describe_error(path: Path, exc: sqlite3.Error) -> str:
    """A SQLite error met on `path`, as one line for the user."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB" or "malformed" in text or "not a database" in text:
        return corrupted(path, text)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        if path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
            return _read_only_dir(path)
        return f"cannot {'open' if name.startswith('SQLITE_CANTOPEN') else 'write'} {path}: {text}"
    return f"cannot use the archive {path}: {text}"


def _read_only_dir(path: Path) -> str:
    return (
        f"cannot write the archive {path}: its directory {path.parent} is not writable "
        "(SQLite needs to create files beside it; read commands still work)"
    )


def _not_sqlite(path: Path, header: bytes) -> str:
    if not header:
        return f"{path} is an empty file, not a stdcrawl archive"
    return f"{path} is not a stdcrawl archive (not an SQLite database file)"
