"""A second site is a second profile: the made-up site of fixtures/testsite/
(`tests/testsite_profile.py`) is extracted and crawled with no edit of shared code."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from stdcrawl.archive.reparse import reparse
from stdcrawl.extract import site
from stdcrawl.extract.page import article_from_bytes
from stdcrawl.fixture_server import FixtureServer

from .conftest import FIXTURES, ROOT
from .testsite_profile import TESTSITE

TESTSITE_ROOT = FIXTURES / "testsite"
COMET = "/stories/2023/12/31/new-year-comet.htm"


def test_the_profile_gives_ids_of_its_own():
    assert TESTSITE.article_ref(COMET).article_id == "testsite-s1-new-year-comet"
    assert site.STDAILY_ENGLISH.article_ref(COMET) is None
    assert TESTSITE.article_ref("/web/English/2023-06/08/content_1925612.html") is None


def test_the_profile_reads_its_own_time_zone_breadcrumb_and_source_line():
    article = article_from_bytes((TESTSITE_ROOT / COMET.lstrip("/")).read_bytes(),
                                 f"http://127.0.0.1:9{COMET}", profile=TESTSITE)
    assert article["canonical_url"] == f"https://news.example.test{COMET}"
    assert (article["section"], article["section_dir"]) == ("Science", "science")
    assert article["published_at"] == "2023-12-31T22:30:00-05:00"
    assert article["published_utc"] == "2024-01-01T03:30:00+00:00"
    assert article["authors"] == ["Dana Scott"] and article["site"] == "testsite"


def test_a_second_profile_crawls_end_to_end_into_its_own_archive(tmp_path):
    db = tmp_path / "testsite.db"
    with FixtureServer(TESTSITE_ROOT) as server:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "english", "-a", f"base_url={server.base_url}",
             "-s", "STDCRAWL_SITE=tests.testsite_profile.TESTSITE", "-s", f"STDCRAWL_DB={db}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"],
            capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": ""},
        )
        requested = {r.path for r in server.requests}
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/sections/science/index-2.html" in requested  # "Older stories" followed
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        articles = {r["article_id"]: dict(r) for r in conn.execute("select * from articles")}
        capture_hosts = {r[0] for r in conn.execute("select distinct substr(canonical_url, 1, 26) from captures")}
        crawl = dict(conn.execute("select status, base_url from crawls").fetchone())
    assert sorted(articles) == [
        "testsite-s1-fusion-record", "testsite-s1-lunar-lander", "testsite-s1-mars-rover", "testsite-s1-new-year-comet",
    ]
    assert {a["site"] for a in articles.values()} == {"testsite"}
    assert {a["canonical_url"].split("/stories/")[0] for a in articles.values()} == {"https://news.example.test"}
    assert {a["section"] for a in articles.values()} == {"Science", "Space"}
    assert articles["testsite-s1-fusion-record"]["published_utc"] == "2024-05-18T14:30:00+00:00"
    assert json.loads(articles["testsite-s1-fusion-record"]["authors"]) == ["Ana Ruiz", "Bo Li"]
    assert capture_hosts == {"https://news.example.test/"}
    assert crawl == {"status": "ok", "base_url": server.base_url}
    # Its stored pages re-extract, offline, with the same profile, to the same articles.
    again = reparse(db, dry_run=True, profile=TESTSITE)
    assert (again.articles, dict(again.field_changes), again.problems) == (4, {}, [])
