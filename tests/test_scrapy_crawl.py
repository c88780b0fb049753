"""`scrapy crawl english` from the repository root: the same run as `stdcrawl crawl`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from .conftest import ROOT

#: No politeness delays against the local stand-in (what `stdcrawl crawl` does for loopback).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def scrapy_crawl(db, base_url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "english", "-a", f"base_url={base_url}",
         "-a", "sections=WorldNews", "-a", "max_pages=1", "-s", f"STDCRAWL_DB={db}", *FAST, *extra],
        capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": ""},
    )


def test_a_base_url_argument_gives_canonical_captures_and_a_second_run_records_revisits(tmp_path, fixture_server):
    db = tmp_path / "archive.db"
    for _ in range(2):
        result = scrapy_crawl(db, fixture_server.base_url)
        assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        hosts = {row[0] for row in conn.execute("select distinct substr(canonical_url, 1, 24) from captures")}
        article_urls = {row[0] for row in conn.execute("select canonical_url from articles")}
        revisits = conn.execute(
            "select count(*) from captures where record_type = 'revisit' and crawl_id = 2"
        ).fetchone()[0]
        captured_articles = {row[0] for row in conn.execute(
            "select canonical_url from captures where kind = 'article' and crawl_id = 1")}
        base_urls = {row[0] for row in conn.execute("select base_url from crawls")}
    assert hosts == {"https://www.stdaily.com/"}
    assert article_urls and article_urls <= captured_articles
    assert revisits >= len(article_urls)
    assert base_urls == {fixture_server.base_url}


def test_switching_off_the_optional_parts_still_stores_the_articles(tmp_path, fixture_server):
    db = tmp_path / "archive.db"
    result = scrapy_crawl(db, fixture_server.base_url, "-s", "STDCRAWL_WARC_ENABLED=False",
                          "-s", "STDCRAWL_PROGRESS_SECONDS=0")
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        captures = conn.execute("select count(*) from captures").fetchone()[0]
        status = conn.execute("select status from crawls").fetchone()[0]
    assert articles > 0 and captures == 0 and status == "ok"
    assert not (tmp_path / "archive-warc").exists()


def test_switching_off_the_run_extension_says_why_nothing_is_crawled_without_a_traceback(tmp_path, fixture_server):
    db = tmp_path / "archive.db"
    result = scrapy_crawl(db, fixture_server.base_url, "-s",
                          'EXTENSIONS={"stdcrawl.crawl.extensions.ArchiveRun": null}')
    assert "Traceback" not in result.stderr
    assert "ArchiveRun) is switched off" in result.stderr
    assert not db.exists()
