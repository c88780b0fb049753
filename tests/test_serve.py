"""`stdcrawl serve`: Datasette metadata, and a real server answering a search."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from datasette.utils import escape_fts

from stdcrawl.research.schema_doc import load_schema_doc
from stdcrawl.research.serve import QUERIES, build_metadata, datasette_args, prepare, up_to_date

from .archive_factory import build_archive, crawled_demo  # noqa: F401 (a fixture)
from .conftest import ROOT

SEED_TITLE = "Innovation Drives Guangdong's High-quality Development"


def test_metadata_describes_every_column_and_configures_search():
    meta = build_metadata("demo")
    tables = meta["databases"]["demo"]["tables"]
    docs = load_schema_doc()
    for name, doc in docs.items():
        assert tables[name]["description"] and set(tables[name]["columns"]) == {c.name for c in doc.columns}
    assert "`" not in tables["articles"]["columns"]["authors_text"]
    for name in ("articles", "article_catalog"):
        assert tables[name]["fts_table"] == "articles_fts" and tables[name]["fts_pk"] == "rowid"
    assert tables["article_catalog"]["facets"] == ["section", "year", {"array": "authors"}]
    assert {"search", "articles_per_month_by_section", "most_frequent_authors", "changed_after_publication"} <= set(QUERIES)


def test_canned_queries_run(tmp_path):
    db = build_archive(tmp_path / "a.db")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.create_function("escape_fts", 1, escape_fts)
    for name, query in QUERIES.items():
        rows = conn.execute(query["sql"], {"q": "Guangdong"}).fetchall()
        assert name == "changed_after_publication" or rows, name
    assert conn.execute(QUERIES["search"]["sql"], {"q": "Guangdong"}).fetchone()[0] == SEED_TITLE
    assert conn.execute(QUERIES["search"]["sql"], {"q": ""}).fetchall() == []
    conn.close()


def test_older_archives_are_brought_up_to_date_once(tmp_path):
    db = build_archive(tmp_path / "a.db")
    conn = sqlite3.connect(db)
    conn.executescript("drop view article_catalog; create view article_catalog as select title from articles;")
    conn.close()
    assert not up_to_date(db)
    prepare(db)
    assert "rowid" in {c[1] for c in sqlite3.connect(db).execute("pragma table_info(article_catalog)")}
    assert up_to_date(db)  # so the next `serve` only reads
    assert up_to_date(build_archive(tmp_path / "new.db"))


def test_immutable_unless_a_crawl_may_be_writing(tmp_path):
    db = build_archive(tmp_path / "a.db")
    args = datasette_args(db, tmp_path / "m.json", "127.0.0.1", 8001, live=False)
    assert args[:3] == ["serve", "-i", str(db)] and "--metadata" in args
    assert datasette_args(db, tmp_path / "m.json", "127.0.0.1", 8001, live=True)[:2] == ["serve", str(db)]
    (tmp_path / "a.db-wal").write_bytes(b"x" * 100)
    assert datasette_args(db, tmp_path / "m.json", "127.0.0.1", 8001, live=False)[:2] == ["serve", str(db)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class Server:
    """`stdcrawl serve` in a subprocess, ready when its JSON API answers."""

    def __init__(self, db):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db_name = db.stem
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stdcrawl", "serve", "--db", str(db), "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONWARNINGS": ""},
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}: {self.proc.stdout.read()}")
            try:
                get_json(f"{self.base}/-/versions.json")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("serve did not answer in time")

    def json(self, path: str, **params):
        return get_json(f"{self.base}/{self.db_name}/{path}?{urllib.parse.urlencode(params)}")

    def stop(self) -> int:
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def server_on(tmp_path):
    servers = []

    def start(db):
        server = Server(db)
        servers.append(server)
        server.wait_ready()
        return server

    yield start
    for server in servers:
        if server.proc.poll() is None:
            server.stop()
        server.proc.stdout.close()


def test_serve_answers_searches_read_only(tmp_path, server_on):
    db = build_archive(tmp_path / "archive.db")
    before = db.read_bytes()
    server = server_on(db)
    rows = server.json("articles.json", _search="Guangdong", _shape="array")
    assert sorted(r["article_id"] for r in rows) == ["g3-1", "g3-2"]
    catalog = server.json("article_catalog.json", _search="Guangdong", _shape="objects")
    assert {r["year"] for r in catalog["rows"]} == {"2021", "2022"}
    assert {f["value"] for f in catalog["facet_results"]["year"]["results"]} == {"2021", "2022"}
    ranked = server.json("search.json", q="Guangdong", _shape="array")
    assert ranked[0]["title"] == SEED_TITLE and "**Guangdong**" in ranked[0]["snippet"]
    meta = get_json(f"{server.base}/-/metadata.json")
    assert meta["databases"]["archive"]["tables"]["articles"]["columns"]["title"] == "the headline as published"
    with urllib.request.urlopen(f"{server.base}/archive/articles?_search=Guangdong", timeout=10) as page:
        html = page.read().decode()
    assert 'name="_search"' in html and SEED_TITLE.replace("'", "&#39;") in html
    with pytest.raises(urllib.error.HTTPError):  # a syntax error is a 400 with a message, not a crash
        server.json("articles.json", _search='"Guangdong', _searchmode="raw")
    assert server.stop() == 0
    assert db.read_bytes() == before


def test_serve_finds_the_fixture_articles(crawled_demo, server_on):  # noqa: F811 (the fixture)
    server = server_on(crawled_demo)
    rows = server.json("articles.json", _search="Guangdong", _shape="array", _col="title")
    assert "g1-1232045" in {r["article_id"] for r in rows}
    assert server.json("search.json", q="Guangdong", _shape="array")[0]["title"] == SEED_TITLE
