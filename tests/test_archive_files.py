"""A bad `--db`, a damaged archive, a read-only copy: every command answers in
one line with exit 2, or works read-only, and leaves the files as they were
(issue 9 §3–4).

Permissions are real: a directory without access is tested by running the
command as an unprivileged user (`setpriv` to `nobody` when the tests run as
root, who ignores permissions), and a read-only directory is made with
`chattr +i` as root (which binds root too) or `chmod 0555` otherwise.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from stdcrawl.api import open_archive
from stdcrawl.cli import main

from .archive_factory import build_archive
from .conftest import ROOT
from .test_serve import server_on  # noqa: F401 (the fixture)

#: Every command that takes `--db`, with whatever else it needs to run.
COMMANDS: dict[str, list[str]] = {
    "crawl": ["crawl", "--base-url", "http://127.0.0.1:9"],  # port 9: nothing listens, never reached
    "demo": ["demo"],
    "stats": ["stats"],
    "search": ["search", "Guangdong"],
    "export": ["export", "--format", "jsonl", "--out", "{out}"],
    "serve": ["serve", "--port", "9"],
    "reparse": ["reparse"],
    "reparse --dry-run": ["reparse", "--dry-run"],
    "warc check": ["warc", "check"],
}
WRITE_COMMANDS = ("crawl", "demo", "reparse")
UNPRIVILEGED = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


def argv(command: str, db: Path, out_dir: Path) -> list[str]:
    return [*(a.replace("{out}", str(out_dir / "out.jsonl")) for a in COMMANDS[command]), "--db", str(db)]


def run_as_nobody(command: str, db: Path, out_dir: Path) -> subprocess.CompletedProcess:
    """`stdcrawl <command> --db <db>` in a process of an unprivileged user (`nobody` if we are root)."""
    return subprocess.run(
        [*UNPRIVILEGED, sys.executable, "-m", "stdcrawl", *argv(command, db, out_dir)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "", "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture
def run(capsys):
    """`stdcrawl <command> --db <db>` through the command's own `main()`, in this
    process (fast; the command fails before any crawl or server starts)."""

    def run(command: str, db: Path, out_dir: Path) -> subprocess.CompletedProcess:
        capsys.readouterr()
        code = main(argv(command, db, out_dir))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(command, code, out, err)

    return run


def assert_one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stdcrawl"), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def shared_tmp():
    """A temporary folder any user can enter (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="stdcrawl-files-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
            path.chmod(0o755)
    shutil.rmtree(folder)


@contextmanager
def read_only(folder: Path):
    """Make `folder` unwritable for whoever runs the tests, root included; restore it after."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a folder read-only for root here (no chattr +i)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


# --- a bad --db --------------------------------------------------------------------


def bad_db(kind: str, base: Path) -> Path:
    if kind == "a text file":
        path = base / "notes.txt"
        path.write_text("these are my notes, not an archive\n")
        return path
    if kind == "a missing directory":
        return base / "no-such-folder" / "a.db"
    if kind == "a directory":
        path = base / "folder.db"
        path.mkdir()
        return path
    if kind == "a directory without permission":
        private = base / "private"
        private.mkdir()
        path = build_archive(private / "a.db")
        private.chmod(0o700 if UNPRIVILEGED else 0o000)  # root's, for `nobody`; or closed to its owner
        return path
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["a text file", "a missing directory", "a directory", "a directory without permission"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_a_bad_db_in_one_line_and_creates_nothing(command, kind, shared_tmp, run):
    db = bad_db(kind, shared_tmp)
    out_dir = shared_tmp / "out"
    out_dir.mkdir(mode=0o777)
    out_dir.chmod(0o777)
    before = listing(shared_tmp)
    unprivileged = kind == "a directory without permission"
    if unprivileged and UNPRIVILEGED and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot test as an unprivileged user")
    result = run_as_nobody(command, db, out_dir) if unprivileged else run(command, db, out_dir)
    assert_one_line_refusal(result)
    assert listing(shared_tmp) == before, "a bad --db left files or folders behind"


# --- a damaged archive -------------------------------------------------------------------


def damage(db: Path, *, page: str) -> None:
    """Overwrite one page of the (checkpointed) archive: the schema page, or an index's root page."""
    con = sqlite3.connect(db)
    size = con.execute("pragma page_size").fetchone()[0]
    root = con.execute("select rootpage from sqlite_master where name = 'idx_articles_section'").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    if page == "schema":
        data[100:size] = b"\xab" * (size - 100)  # the 100-byte file header stays
    else:
        data[(root - 1) * size: root * size] = bytes(size)
    db.write_bytes(bytes(data))
    # Damage comes later than stdcrawl's last close: a later modification time, even
    # on a file system whose clock ticks coarser than this test (dbfile.unchanged_since_check).
    st = db.stat()
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_archive_with_a_damaged_schema_is_refused_by_every_command_and_left_as_it_was(command, shared_tmp, run):
    db = build_archive(shared_tmp / "a.db")
    damage(db, page="schema")
    before = digest(db)
    result = run(command, db, shared_tmp)
    assert_one_line_refusal(result, "damaged")
    assert digest(db) == before
    assert not (shared_tmp / "out.jsonl").exists()


@pytest.mark.parametrize("command", WRITE_COMMANDS)
def test_a_write_command_detects_a_damaged_page_at_open_and_writes_nothing(command, shared_tmp, run):
    db = build_archive(shared_tmp / "a.db")
    damage(db, page="index")
    before = digest(db)
    result = run(command, db, shared_tmp)
    assert_one_line_refusal(result, "damaged")
    assert digest(db) == before
    assert not (shared_tmp / "a-warc").exists()


# --- a read-only copy -----------------------------------------------------------------------


@pytest.fixture
def read_only_copy(shared_tmp):
    """A crawled-looking archive (WAL mode) in a folder nobody may write, root included."""
    folder = shared_tmp / "shared"
    folder.mkdir()
    db = build_archive(folder / "a.db")
    con = sqlite3.connect(db)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    con.close()
    assert not any(name.endswith(("-shm", "-wal")) for name in listing(folder))  # SQLite would need a -shm
    with read_only(folder):
        yield db


@pytest.mark.parametrize("command", ["stats", "search", "export", "reparse --dry-run", "warc check"])
def test_read_commands_work_on_an_archive_in_a_read_only_folder_and_say_so(command, read_only_copy, shared_tmp, run):
    out_dir = shared_tmp / "out"
    out_dir.mkdir()
    before, files = digest(read_only_copy), listing(read_only_copy.parent)
    result = run(command, read_only_copy, out_dir)
    assert result.returncode in (0, 1), result.stderr  # warc check: the sample archive has no WARC files
    assert "Traceback" not in result.stderr and "readonly database" not in result.stderr
    assert "immutable" in result.stderr
    assert digest(read_only_copy) == before and listing(read_only_copy.parent) == files
    if command == "search":
        assert "Guangdong" in result.stdout
    if command == "export":
        assert (out_dir / "out.jsonl").read_text().count("\n") == 5


def test_write_commands_refuse_a_read_only_folder_and_name_it(read_only_copy, shared_tmp, run):
    for command in WRITE_COMMANDS:
        result = run(command, read_only_copy, shared_tmp)
        assert_one_line_refusal(result, "not writable", str(read_only_copy.parent))


def test_the_python_api_reads_a_read_only_copy_immutably(read_only_copy, caplog):
    with open_archive(read_only_copy) as archive:
        assert archive.immutable
        assert archive.count() == 5
        assert [hit["article_id"] for hit in archive.search("Guangdong")]
    assert any("immutable=1" in r.getMessage() for r in caplog.records)


def test_serve_serves_a_read_only_copy(read_only_copy, server_on):
    files = listing(read_only_copy.parent)
    server = server_on(read_only_copy)
    rows = server.json("articles.json", _search="Guangdong", _shape="array")
    assert sorted(r["article_id"] for r in rows) == ["g3-1", "g3-2"]
    assert server.stop() == 0
    assert listing(read_only_copy.parent) == files
