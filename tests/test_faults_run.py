"""Never hung, nothing before robots.txt, nothing lost for good (issue 9): whole runs under faults.

Each test serves a small synthetic site through the fault-injecting server
(tests/faultserver.py) and runs `stdcrawl crawl` in a subprocess, as cron would.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import resource
import sqlite3
import subprocess
import sys
import time

import pytest

from stdcrawl import sitegen

from . import faultserver as fs
from .conftest import ROOT, run_stdcrawl

NOW = dt.datetime(2026, 12, 31, 23, 40, tzinfo=dt.timezone.utc)
TODAY = dt.date(2027, 1, 1)
FAST = ["-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=2"]


def crawl(server, db, *args, now: dt.datetime = NOW) -> dict:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *FAST, *args,
                          env={"STDCRAWL_NOW": now.isoformat()}, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == result.returncode
    return summary


@pytest.fixture
def small_site(tmp_path):
    articles = sitegen.synthetic_articles(30, seed=21, end=TODAY)
    root = tmp_path / "site"
    sitegen.write_site(root, articles)
    with fs.FaultServer(root) as server:
        yield server, articles, tmp_path / "a.db"


# --- robots.txt ----------------------------------------------------------------------


def test_with_disallow_all_nothing_but_robots_txt_is_requested(small_site):
    server, _articles, db = small_site
    server.faults["/robots.txt"] = fs.body(b"User-agent: *\nDisallow: /\n", "text/plain")
    summary = crawl(server, db)
    assert server.paths() == ["/robots.txt"]
    assert summary["articles_new"] == 0


@pytest.mark.parametrize("fault", [fs.status(503), fs.slow(10)], ids=["5xx", "timeout"])
def test_an_unavailable_robots_txt_means_complete_disallow_for_the_run_and_the_next_run_asks_again(small_site, fault):
    server, articles, db = small_site
    server.faults["/robots.txt"] = fault
    first = crawl(server, db)
    assert set(server.hits) == {"/robots.txt"}
    assert first["exit_code"] == 1 and "robots_txt_unavailable" in first["failure_reasons"]
    assert first["complete"] == 0
    server.lift()
    second = crawl(server, db, "--incremental")
    assert (second["status"], second["articles_new"]) == ("ok", len(articles))


def test_a_robots_txt_answering_4xx_allows_everything(small_site):
    server, articles, db = small_site
    server.faults["/robots.txt"] = fs.status(404)
    summary = crawl(server, db)
    assert (summary["status"], summary["articles_new"]) == ("ok", len(articles))


def test_a_failure_while_reading_robots_txt_ends_the_run_as_unavailable_instead_of_hanging(small_site):
    server, articles, db = small_site
    summary = crawl(server, db, "--set", "ROBOTSTXT_PARSER=tests.broken_robots.FailingRobotParser")
    assert set(server.hits) == {"/robots.txt"}
    assert summary["exit_code"] == 1 and "robots_txt_unavailable" in summary["failure_reasons"]


# --- pagination --------------------------------------------------------------------------

LIST_RX = re.compile(r"^/English/WorldNews/common_list(?:_\d+)?\.shtml$")


def test_a_list_that_repeats_itself_forever_stops_at_the_first_page_with_nothing_new(small_site):
    server, articles, db = small_site
    story = next(a["url_path"] for a in articles)
    server.pattern_faults.append((LIST_RX, fs.endless_list("/English/WorldNews/common_list", ".shtml", lambda n: story)))
    summary = crawl(server, db, "--sections", "WorldNews")
    pages = [p for p in server.paths() if LIST_RX.match(p)]
    assert len(pages) == 2, pages
    assert summary["exit_code"] == 0


def test_a_list_that_always_links_one_more_page_stops_at_the_page_limit(small_site):
    server, _articles, db = small_site
    server.pattern_faults.append((LIST_RX, fs.endless_list(
        "/English/WorldNews/common_list", ".shtml", lambda n: f"/English/WorldNews/2026-01/01/content_{1000000 + n}.shtml")))
    crawl(server, db, "--sections", "WorldNews", "-s", "STDCRAWL_LIST_PAGE_LIMIT=12")
    pages = [p for p in server.paths() if LIST_RX.match(p)]
    assert len(pages) == 12
    stats = json.loads(sqlite3.connect(db).execute("select stats from crawls").fetchone()[0])
    assert stats["stdcrawl/pagination_stopped_limit"] == 1


# --- pending across runs -------------------------------------------------------------------


def test_a_failing_article_is_retried_next_run_then_after_1_2_days_and_given_up_after_the_last_attempt(small_site):
    server, articles, db = small_site
    bad = articles[0]["url_path"]
    server.faults[bad] = fs.status(503)
    hour = dt.timedelta(hours=1)
    schedule = [  # (when, is the URL asked?, failures after the run, state after the run)
        (NOW, True, 1, "pending"),
        (NOW + hour, True, 2, "pending"),  # the next run
        (NOW + 2 * hour, False, 2, "pending"),  # not before a day has passed
        (NOW + dt.timedelta(days=1, hours=2), True, 3, "pending"),
        (NOW + dt.timedelta(days=2, hours=3), False, 3, "pending"),  # two days now
        (NOW + dt.timedelta(days=3, hours=3), True, 4, "given_up"),
        (NOW + dt.timedelta(days=60), False, 4, "given_up"),
    ]
    for i, (when, asked, failures, state) in enumerate(schedule):
        server.reset_log()
        summary = crawl(server, db, "--full" if i == 0 else "--incremental", "--recheck-days", "0",
                        "-s", "STDCRAWL_PENDING_MAX_ATTEMPTS=4", now=when)
        assert (bad in server.paths()) == asked, f"run {i}"
        row = sqlite3.connect(db).execute(
            "select failures, state, failure_reason from url_state where url like ?", ["%" + bad]).fetchone()
        assert row == (failures, state, "http_503"), f"run {i}"
        assert summary["exit_code"] == (1 if asked else 0), f"run {i}"
        if state == "given_up" and asked:
            assert summary["given_up_urls"] == ["https://www.stdaily.com" + bad]
        assert summary["pending"] == (1 if state == "pending" else 0)
    stats = run_stdcrawl("stats", "--db", str(db))
    assert "outstanding URLs: 1 given up" in stats.stdout and f"given up: https://www.stdaily.com{bad} (http_503" in stats.stdout
    server.lift()
    assert crawl(server, db, "--full", now=NOW + dt.timedelta(days=61))["pending"] == 0
    assert sqlite3.connect(db).execute("select state from url_state where url like ?", ["%" + bad]).fetchone() == (None,)


# --- never hung ---------------------------------------------------------------------------------


def test_a_stalled_server_is_stopped_by_the_watchdog(small_site):
    server, _articles, db = small_site
    server.pattern_faults.append((re.compile(r"common_list|node_|index"), fs.slow(fs.MAX_SECONDS)))
    started = time.monotonic()
    summary = crawl(server, db, "-s", "DOWNLOAD_TIMEOUT=60", "-s", "STDCRAWL_WATCHDOG_SECONDS=2")
    assert time.monotonic() - started < 15
    assert (summary["status"], summary["exit_code"]) == ("stalled", 1)
    assert "stalled" in summary["message"]
    status = sqlite3.connect(db).execute("select status from crawls").fetchone()[0]
    assert status == "stalled"


def _limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("warc", [True, False], ids=["warc", "database"])
def test_a_full_disk_ends_the_run_within_seconds_with_its_row_failed_and_the_lock_released(tmp_path, warc):
    root, db = tmp_path / "site", tmp_path / "a.db"
    sitegen.write_site(root, sitegen.synthetic_articles(150, seed=4, end=TODAY))
    run_stdcrawl("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9/", "-q")  # the schema, before the limit
    with fs.FaultServer(root) as server:
        cmd = [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json",
               *([] if warc else ["--no-warc"])]
        started = time.monotonic()
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=90,
                                preexec_fn=_limit_file_size(db.stat().st_size + 200_000 if not warc else 150_000))
        elapsed = time.monotonic() - started
        assert "Traceback" not in result.stderr
        summary = json.loads(result.stdout)
        assert result.returncode not in (0, 75) and elapsed < 30
        assert summary["status"] in ("store_failed", "warc_failed")
        again = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "-q", "--no-warc")
        assert again.returncode != 75, "the lock was not released"
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    statuses = [r[0] for r in con.execute("select status from crawls order by crawl_id")]
    assert statuses[1] in ("store_failed", "warc_failed"), statuses


def test_json_at_a_list_url_is_a_counted_list_failure_and_the_other_lists_go_on(small_site):
    server, articles, db = small_site
    server.faults["/English/WorldNews/common_list.shtml"] = fs.body(b'{"items": []}', "application/json")
    summary = crawl(server, db)
    assert summary["failure_reasons"] == {"list_not_html": 1} and summary["complete"] == 0
    assert summary["articles_new"] > 0
