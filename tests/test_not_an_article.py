"""A page at an article URL that is no article (issue 11 §4): a list page or
the home page served for a removed story, an error page answering 200. It is
counted and kept in the WARC, and never replaces the stored article — not in
a crawl, not in a reparse.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sqlite3

from stdcrawl import sitegen
from stdcrawl.fixture_server import FixtureServer
from stdcrawl.archive.reparse import reparse
from stdcrawl.archive.warc import WarcReader

from .conftest import run_stdcrawl

END = dt.date(2026, 6, 30)
CLOCK_ENV = {"STDCRAWL_NOW": "2026-07-01T03:00:00+00:00"}
ERROR_PAGE = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Science and Technology Daily</title></head>
<body><div class="nav"><a href="/English/index.shtml">EnglishChannel</a> <a href="/web/English/node_410.html">Focus</a></div>
<div class="box"><h3>404</h3><p>Sorry, the page you requested does not exist or has been removed.</p>
<p><a href="/English/index.shtml">Back to the homepage</a></p></div></body></html>
"""


def crawl(server, db) -> dict:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", env=CLOCK_ENV)
    assert "Traceback" not in result.stderr
    return {**json.loads(result.stdout), "returncode": result.returncode}


def rows(db, sql: str, params=()) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def test_a_list_home_or_error_page_at_an_article_url_leaves_the_stored_article_as_it_was(tmp_path):
    root, db = tmp_path / "site", tmp_path / "a.db"
    records = sitegen.synthetic_articles(40, seed=3, end=END)
    made = sitegen.write_site(root, records, per_page=10)
    victims = {r["generation"]: r["url_path"] for r in records}  # one story of each URL generation
    victims = [victims["G1"], victims["G3"], victims["G4"]]
    ids = [sitegen.article_id(p) for p in victims]
    select = f"select * from articles where article_id in ({','.join('?' * len(ids))}) order by article_id"
    with FixtureServer(root) as server:
        first = crawl(server, db)
        assert first["returncode"] == 0 and first["not_an_article"] == 0
        before = rows(db, select, ids)
        assert len(before) == 3
        served = {
            victims[0]: (root / made["list_pages"][0].lstrip("/")).read_bytes(),  # a section's list page
            victims[1]: (root / "English/index.shtml").read_bytes(),  # the home page
            victims[2]: ERROR_PAGE,  # an error page with status 200
        }
        for path, data in served.items():
            (root / path.lstrip("/")).write_bytes(data)
        second = crawl(server, db)

    assert second["not_an_article"] == 3
    assert second["failure_reasons"]["dropped/not_an_article"] == 3
    assert second["returncode"] == 1  # said, like a 404 would be
    assert rows(db, select, ids) == before
    assert rows(db, "select count(*) as n from article_versions")[0]["n"] == 0
    with WarcReader(db.parent) as reader:
        for path, data in served.items():
            [capture] = rows(db, "select * from captures where crawl_id = ? and canonical_url like ?",
                             (second["crawl_id"], "%" + path))
            assert capture["status"] == 200
            payload = reader.read(capture["warc_file"], capture["warc_offset"]).payload
            if payload[:2] == b"\x1f\x8b":  # kept as received: the server gzips larger pages
                payload = gzip.decompress(payload)
            assert payload == data

    report = reparse(db)
    assert report.dropped["not_an_article"] == 3
    assert rows(db, select, ids) == before
