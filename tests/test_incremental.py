"""Nightly incremental crawls: only what is new, corrections kept, no overlap,
and a killed run that loses nothing (issue 3).

Each test serves a synthetic site generated into a temporary folder and
changes it between runs, counting the real HTTP requests the server saw.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from stdcrawl import sitegen
from stdcrawl.extract import site
from stdcrawl.fixture_server import FixtureServer

from .conftest import ROOT, run_stdcrawl
from .gates import Gate

N = 120
#: The instant every crawl of these tests runs at (`STDCRAWL_NOW`): late on
#: 31 December in UTC, already 1 January in Beijing, the site's calendar.
NOW = "2026-12-31T23:40:00+00:00"
TODAY = dt.datetime.fromisoformat(NOW).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
CLOCK_ENV = {"STDCRAWL_NOW": NOW}


def url_date(rec: dict) -> dt.date:
    ref = site.article_ref(rec["url_path"])
    return dt.date(ref.year, ref.month, ref.day or 1)


def crawl(server, db, *args) -> dict:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *args, env=CLOCK_ENV)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def article_requests(server) -> set[str]:
    return {r.path for r in server.requests if site.article_ref(r.path)}


@pytest.fixture
def articles():
    """A deterministic site whose newest stories are dated today (in Beijing) and before."""
    return sitegen.synthetic_articles(N, seed=11, end=TODAY)


def edit_body(rec: dict) -> dict:
    rec = json.loads(json.dumps(rec, default=str))
    first = next(i for i, p in enumerate(rec["paragraphs"]) if isinstance(p, str) and not p.startswith("By "))
    rec["paragraphs"][first] = "Correction: " + rec["paragraphs"][first]
    return rec


def test_incremental_run_fetches_only_new_articles_and_keeps_corrections(tmp_path, articles):
    root, db = tmp_path / "site", tmp_path / "a.db"
    by_date = sorted(articles, key=url_date)
    newest3, older = by_date[-3:], by_date[:-3]
    edited = older[-1]
    with FixtureServer(root) as server:
        sitegen.write_site(root, older)
        first = crawl(server, db, "--full")
        assert first["articles_new"] == len(older)

        sitegen.write_site(root, [edit_body(r) if r is edited else r for r in articles])
        window = (TODAY - url_date(edited)).days + 1
        server.reset_log()
        second = crawl(server, db, "--incremental", "--recheck-days", str(window))

        assert (second["articles_new"], second["articles_updated"]) == (3, 1)
        fetched = article_requests(server)
        recent = {r["url_path"] for r in older if (TODAY - url_date(r)).days < window + 1}
        assert {r["url_path"] for r in newest3} <= fetched
        assert fetched <= {r["url_path"] for r in newest3} | recent, "an old unchanged article was fetched"

    con = sqlite3.connect(db)
    (old_body,) = con.execute(
        "select v.body from article_versions v join articles a using (article_id) where a.canonical_url like ?",
        ["%" + edited["url_path"]],
    ).fetchone()
    assert not old_body.startswith("Correction: ")
    (new_body,) = con.execute("select body from articles where canonical_url like ?", ["%" + edited["url_path"]]).fetchone()
    assert new_body.startswith("Correction: ") or "\n\nCorrection: " in new_body
    assert con.execute("select count(*) from articles").fetchone()[0] == len(articles)


def test_a_no_change_run_stores_nothing_and_gets_only_304s(tmp_path, articles):
    root, db = tmp_path / "site", tmp_path / "a.db"
    sitegen.write_site(root, articles)
    with FixtureServer(root) as server:
        crawl(server, db, "--full")
        crawl(server, db, "--incremental", "--recheck-days", "0")
        server.reset_log()
        third = crawl(server, db, "--incremental", "--recheck-days", "0")
        assert (third["articles_new"], third["articles_updated"]) == (0, 0)
        non_304 = [r.path for r in server.requests if r.status != 304]
        assert non_304 == ["/robots.txt"]
        assert all(site.is_list_path(r.path) for r in server.requests if r.status == 304)


def is_article(path: str) -> bool:
    return site.article_ref(path) is not None


def stored_articles(db) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("select count(*) from articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_for_stored(db, proc, at_least: int, timeout: float = 60) -> int:
    """Wait until a crawl held at a gate has committed `at_least` articles.

    The gate makes this certain to happen and stay so (the crawl can neither
    finish nor lose them); only how soon depends on the machine's load.
    """
    deadline = time.monotonic() + timeout
    while (stored := stored_articles(db)) < at_least:
        assert proc.poll() is None, "the crawl ended at a gate"
        assert time.monotonic() < deadline, f"only {stored} articles stored"
        time.sleep(0.05)
    return stored


def wait_for_log(log, text: str, proc, timeout: float = 60) -> None:
    """Wait until the crawl has logged `text` (it has handled a signal, say)."""
    deadline = time.monotonic() + timeout
    while not (log.exists() and text in log.read_text()):
        assert proc.poll() is None, f"the crawl ended before logging {text!r}"
        assert time.monotonic() < deadline, f"the crawl never logged {text!r}"
        time.sleep(0.02)


def crawl_process(server, db, *args, stdout=subprocess.PIPE):
    cmd = [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url, *args]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True, env={**os.environ, **CLOCK_ENV})


def test_two_runs_started_together_one_runs_and_the_other_exits_with_the_lock_code(tmp_path, articles):
    root, db = tmp_path / "site", tmp_path / "a.db"
    sitegen.write_site(root, articles[:30])
    gate = Gate(is_article)  # the first run holds the lock, stopped at its first article, until the second has tried
    with FixtureServer(root) as server:
        server.before_answer = gate
        first = crawl_process(server, db, "-q")
        gate.wait_holding()
        second = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "-q", env=CLOCK_ENV)
        assert first.poll() is None
        gate.open()
        first.communicate(timeout=120)
    assert second.returncode == 75
    assert "lock" in second.stderr
    assert first.returncode == 0
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from crawls").fetchone()[0] == 1


def test_a_run_killed_mid_way_leaves_a_sound_archive_that_the_next_run_completes(tmp_path):
    root, db = tmp_path / "site", tmp_path / "a.db"
    articles = sitegen.synthetic_articles(300, seed=5, end=TODAY)
    sitegen.write_site(root, articles)
    gate = Gate(is_article, let_through=70)
    with FixtureServer(root) as server:
        server.before_answer = gate
        proc = crawl_process(server, db, "-q", stdout=subprocess.DEVNULL)
        gate.wait_holding()
        wait_for_stored(db, proc, 50)  # one batch committed, the rest in memory or at the gate
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        gate.open()

        con = sqlite3.connect(db)
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        killed_with = con.execute("select count(*) from articles").fetchone()[0]
        assert 50 <= killed_with <= 70
        con.close()

        resumed = crawl(server, db, "--incremental", "--recheck-days", "0")
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == len(articles)
    assert con.execute("select count(*) from (select canonical_url from articles group by 1 having count(*) > 1)").fetchone()[0] == 0
    statuses = [r[0] for r in con.execute("select status from crawls order by crawl_id")]
    assert statuses[0] == "killed" and resumed["status"] == "ok"
    assert resumed["articles_new"] == len(articles) - killed_with


def test_a_paused_full_crawl_resumes_from_its_jobdir(tmp_path):
    root, db, jobdir, log = tmp_path / "site", tmp_path / "a.db", tmp_path / "job", tmp_path / "crawl.log"
    articles = sitegen.synthetic_articles(150, seed=9, end=TODAY)
    sitegen.write_site(root, articles)
    gate = Gate(is_article, let_through=30)
    with FixtureServer(root) as server:
        server.before_answer = gate
        proc = crawl_process(server, db, "--jobdir", str(jobdir), "--summary-json", "--log-file", str(log))
        gate.wait_holding()
        proc.send_signal(signal.SIGTERM)  # like Ctrl-C: a graceful stop that keeps the queue on disk
        wait_for_log(log, "shutting down gracefully", proc)
        gate.open()  # the requests in flight complete; no new one starts
        out, _ = proc.communicate(timeout=60)
        paused = json.loads(out)
        assert paused["status"] == "shutdown" and paused["exit_code"] == 1
        assert 30 <= paused["articles_new"] < len(articles)

        resumed = crawl(server, db, "--jobdir", str(jobdir))
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("select count(*) from articles").fetchone()[0] == len(articles)
    assert paused["articles_new"] + resumed["articles_new"] == len(articles)


def test_a_run_stopped_by_a_second_ctrl_c_records_what_it_stored(tmp_path):
    root, db, log = tmp_path / "site", tmp_path / "a.db", tmp_path / "crawl.log"
    articles = sitegen.synthetic_articles(150, seed=9, end=TODAY)
    sitegen.write_site(root, articles)
    gate = Gate(is_article, let_through=60)
    with FixtureServer(root) as server:
        server.before_answer = gate
        proc = crawl_process(server, db, "--summary-json", "--log-file", str(log))
        gate.wait_holding()
        wait_for_stored(db, proc, 50)
        proc.send_signal(signal.SIGINT)  # a graceful stop: waits for the requests held at the gate …
        wait_for_log(log, "shutting down gracefully", proc)
        proc.send_signal(signal.SIGINT)  # … so a second Ctrl-C stops Scrapy at once
        out, _ = proc.communicate(timeout=60)
        gate.open()
        summary = json.loads(out)
        assert proc.returncode == 1 and summary["status"] == "interrupted"

        con = sqlite3.connect(db)
        stored = con.execute("select count(*) from articles").fetchone()[0]
        row = con.execute("select status, articles_new, exit_code, finished_at is not null, complete from crawls").fetchone()
        con.close()
        assert row == ("interrupted", stored, 1, 1, 0) and stored == summary["articles_new"] >= 50

        resumed_log = tmp_path / "resumed.log"
        resumed = crawl(server, db, "--incremental", "--recheck-days", "0", "--log-file", str(resumed_log))
    assert "the last run did not complete" in resumed_log.read_text()  # so it walks every list page
    assert resumed["articles_new"] == len(articles) - stored


def test_the_first_incremental_run_on_a_new_archive_does_not_warn_of_an_incomplete_run(tmp_path, articles):
    root, db, log = tmp_path / "site", tmp_path / "a.db", tmp_path / "crawl.log"
    sitegen.write_site(root, articles[:20])
    with FixtureServer(root) as server:
        first = crawl(server, db, "--incremental", "--log-file", str(log))
    assert first["status"] == "ok" and first["articles_new"] == 20
    text = log.read_text()
    assert "Spider opened" in text and "did not complete" not in text
