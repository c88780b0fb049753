"""DuckDB reads the archive: every view through its sqlite scanner (issue 13)."""

from __future__ import annotations

import importlib.resources
import re
import sqlite3

import duckdb
import pytest

from stdcrawl.cli import main
from stdcrawl.research.schema_doc import SCHEMA_DOC
from stdcrawl.archive.store import Archive
from stdcrawl.archive.views import VIEWS

from .archive_factory import SAMPLE, build_archive


def duckdb_over_sqlite(db) -> duckdb.DuckDBPyConnection:
    """DuckDB with the archive attached read-only as `a`.

    The sqlite scanner comes from PyPI (`duckdb-extension-sqlite-scanner`,
    the same version as duckdb, pinned in the test extras): DuckDB's own
    `INSTALL sqlite` downloads it, and tests never touch the network.
    """
    version = f"v{duckdb.__version__}"
    ext = importlib.resources.files("duckdb_extension_sqlite_scanner") / "extensions" / version / "sqlite_scanner.duckdb_extension"
    assert ext.is_file(), f"no sqlite scanner for duckdb {version}: install the matching duckdb-extension-sqlite-scanner"
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"load '{ext}'")
    con.execute(f"attach '{db}' as a (type sqlite, read_only)")
    return con


def test_duckdb_reads_every_view(tmp_path):
    db = build_archive(tmp_path / "a.db")
    with Archive(db) as archive:  # a corrected article, for `changed_articles`
        archive.write_batch([{**SAMPLE[2], "title": "Satellites map the glaciers again"}], [], crawl_id=None)
    con = duckdb_over_sqlite(db)
    for view in VIEWS:
        rows = con.execute(f"select * from a.{view}").fetchall()
        want = sqlite3.connect(db).execute(f"select * from {view}").fetchall()
        assert sorted(rows, key=repr) == sorted(want, key=repr), view  # the same values, the same types
    assert con.execute("select count(*) from a.changed_articles").fetchone() == (1,)
    assert con.execute("select author, articles from a.top_authors limit 1").fetchone() == ("Gong Guoping", 2)
    assert con.execute("select year, count(*) from a.article_catalog group by year order by year").fetchall()[0] == ("2020", 1)


def test_the_duckdb_examples_in_the_schema_doc_run(tmp_path, monkeypatch):
    """Each ```duckdb block of docs/schema.md, over `demo.db` and its Parquet export."""
    db = build_archive(tmp_path / "demo.db")
    assert main(["export", "--db", str(db), "--format", "parquet", "--out", str(tmp_path / "articles.parquet")]) == 0
    blocks = re.findall(r"```duckdb\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    con = duckdb_over_sqlite(db)
    con.execute("detach a")  # the example attaches it itself
    for block in blocks:
        for statement in filter(str.strip, block.split(";")):
            result = con.execute(statement)
        assert result.fetchall(), block


def test_older_archives_get_plain_view_names(tmp_path):
    """An archive whose views were created as `[name]` (before schema 8) is migrated on its next writable open."""
    db = build_archive(tmp_path / "a.db")
    conn = sqlite3.connect(db)
    for name, sql in VIEWS.items():
        conn.execute(f"drop view {name}")
        conn.execute(f"create view [{name}] as {sql}")
    conn.execute("pragma user_version = 7")
    conn.commit()
    conn.close()
    with pytest.raises(duckdb.Error, match=r"syntax error"):
        duckdb_over_sqlite(db).execute("select * from a.top_authors").fetchall()
    Archive(db).close()
    assert sqlite3.connect(db).execute("pragma user_version").fetchone()[0] >= 8
    assert duckdb_over_sqlite(db).execute("select count(*) from a.top_authors").fetchone()[0] == 5  # Gong Guoping, Bi Weizi, Chen Chunyou, Long Yun, 毕炜梓
