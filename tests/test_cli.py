"""The `stdcrawl` command as users run it: errors are clear, never tracebacks."""

from __future__ import annotations

import json
import socket
import sqlite3

from .conftest import manifest, run_stdcrawl


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dead_server_is_counted_and_reported_not_a_crash(tmp_path):
    db = tmp_path / "a.db"
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", f"http://127.0.0.1:{closed_port()}",
                          "--sections", "News", "--summary-json")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "finished_with_failures"
    assert any(k.startswith("list_") for k in summary["failure_reasons"])
    assert "Traceback" not in result.stderr
    row = sqlite3.connect(db).execute("select status, exit_code, bad_pages from crawls").fetchone()
    assert row == ("finished_with_failures", 1, summary["bad_pages"])


def test_an_unknown_section_is_a_usage_error(tmp_path):
    result = run_stdcrawl("crawl", "--db", str(tmp_path / "a.db"), "--sections", "Sports")
    assert result.returncode == 2
    assert "unknown section" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_an_unreadable_since_is_a_usage_error(tmp_path):
    result = run_stdcrawl("crawl", "--db", str(tmp_path / "a.db"), "--since", "whenever")
    assert result.returncode == 2 and "--since" in result.stderr


def test_extract_refuses_a_missing_file_and_a_non_article_url(tmp_path):
    missing = run_stdcrawl("extract", str(tmp_path / "nope.html"), "--url", "https://www.stdaily.com/web/English/2023-06/08/content_1925612.html")
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    page = tmp_path / "list.html"
    page.write_text("<html><body><p>position: EnglishChannel &gt; News</p></body></html>")
    not_article = run_stdcrawl("extract", str(page), "--url", "https://www.stdaily.com/English/News/common_list.shtml")
    assert not_article.returncode == 2 and "not an article URL" in not_article.stderr
    empty = run_stdcrawl("extract", str(page), "--url", "https://www.stdaily.com/web/English/2023-06/08/content_1925612.html")
    assert empty.returncode == 2 and "not an article page" in empty.stderr


def test_extract_refuses_a_list_or_error_page_at_an_article_url_with_the_reason():
    from .conftest import FIXTURES

    soft = [p for p in manifest()["pages"] if p["kind"] == "soft_404"]
    assert soft
    for page in soft:
        result = run_stdcrawl("extract", str(FIXTURES / "site" / page["path"].lstrip("/")), "--url", page["live_url"])
        assert result.returncode == 2 and not result.stdout, page["path"]
        assert "not an article: the page is a" in result.stderr and "Traceback" not in result.stderr


def test_stats_on_a_missing_archive_says_so(tmp_path):
    result = run_stdcrawl("stats", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2 and "no archive" in result.stderr


def test_extract_prints_one_article_as_json():
    from .conftest import FIXTURES

    page = FIXTURES / "site/English/WorldNews/2021-11/04/content_1232045.shtml"
    result = run_stdcrawl("extract", str(page), "--url", "http://www.stdaily.com/English/WorldNews/2021-11/04/content_1232045.shtml")
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"] == "Innovation Drives Guangdong's High-quality Development"
    assert article["published_at"] == "2021-11-04T09:49:22+08:00"
    assert {"url", "fetched_at", "images", "related", "word_count"} <= set(article)


def test_an_archive_that_refuses_writes_stops_the_crawl_cleanly_and_loses_nothing(fixture_server, tmp_path):
    from stdcrawl.archive.store import Archive

    db = tmp_path / "a.db"
    Archive(db).close()
    con = sqlite3.connect(db)
    con.execute("create trigger refuse before insert on articles when new.title like '%Guangdong%' "
                "begin select raise(abort, 'disk on fire'); end")
    con.commit()
    con.close()
    failed = run_stdcrawl("crawl", "--db", str(db), "--base-url", fixture_server.base_url, "--summary-json")
    assert failed.returncode == 1
    summary = json.loads(failed.stdout)
    assert summary["status"] == "store_failed" and "disk on fire" in summary["message"]
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("select count(*) from articles where title like '%Guangdong%'").fetchone()[0] == 0
    assert con.execute("select status from crawls").fetchone()[0] == "store_failed"
    con.execute("drop trigger refuse")
    con.commit()
    con.close()
    again = run_stdcrawl("crawl", "--db", str(db), "--base-url", fixture_server.base_url, "--incremental", "--summary-json")
    assert json.loads(again.stdout)["articles_new"] > 0
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0] == manifest()["expected_article_count"]


def test_output_piped_into_head_ends_quietly(fixture_server, tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    db = tmp_path / "a.db"
    run_stdcrawl("crawl", "--db", str(db), "--base-url", fixture_server.base_url)
    for args in (["stats", "--db", str(db), "--json"], ["search", "the", "--db", str(db), "--limit", "40"]):
        proc = subprocess.Popen([sys.executable, "-m", "stdcrawl", *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and b"Traceback" not in err, err.decode()


def test_the_operator_contact_goes_into_the_user_agent(tmp_path):
    from stdcrawl.crawl.runner import CrawlOptions, crawl_settings

    agent = crawl_settings(CrawlOptions(db=tmp_path / "a.db", contact="mailto:ops@example.org")).get("USER_AGENT")
    assert agent.startswith("stdcrawl/") and agent.endswith("; +mailto:ops@example.org)")
