"""Nightly incremental crawls: only what is new, corrections kept, no overlap,
and a killed run that loses nothing (issue 3).

Each test serves a synthetic site generated into a temporary folder and
changes it between runs, counting the real HTTP requests the server saw.
"""

from __future__ import annotations

import datetime as dt
import json
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


def test_two_runs_started_together_one_runs_and_the_other_exits_with_the_lock_code(tmp_path, articles):
    root, db = tmp_path / "site", tmp_path / "a.db"
    sitegen.write_site(root, articles[:30])
    with FixtureServer(root, delay=0.05) as server:
        cmd = [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url, "-q"]
        first = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lockfile = db.with_name(db.name + ".lock")
        deadline = time.monotonic() + 30
        while not (lockfile.exists() and lockfile.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.02)
        second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert first.poll() is None, "the first run ended before the second started"
        first.communicate(timeout=120)
    assert second.returncode == 75
    assert "lock" in second.stderr
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from crawls").fetchone()[0] == 1


def test_a_run_killed_mid_way_leaves_a_sound_archive_that_the_next_run_completes(tmp_path):
    root, db = tmp_path / "site", tmp_path / "a.db"
    articles = sitegen.synthetic_articles(300, seed=5, end=TODAY)
    sitegen.write_site(root, articles)
    with FixtureServer(root, delay=0.01) as server:
        cmd = [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url, "-q"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        stored = 0
        while stored < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                stored = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("select count(*) from articles").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
        assert proc.poll() is None, "the crawl finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

        con = sqlite3.connect(db)
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        killed_with = con.execute("select count(*) from articles").fetchone()[0]
        assert 0 < killed_with < len(articles)
        con.close()

        resumed = crawl(server, db, "--incremental", "--recheck-days", "0")
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == len(articles)
    assert con.execute("select count(*) from (select canonical_url from articles group by 1 having count(*) > 1)").fetchone()[0] == 0
    statuses = [r[0] for r in con.execute("select status from crawls order by crawl_id")]
    assert statuses[0] == "killed" and resumed["status"] == "ok"
    assert resumed["articles_new"] == len(articles) - killed_with


def test_a_paused_full_crawl_resumes_from_its_jobdir(tmp_path):
    root, db, jobdir = tmp_path / "site", tmp_path / "a.db", tmp_path / "job"
    articles = sitegen.synthetic_articles(150, seed=9, end=TODAY)
    sitegen.write_site(root, articles)
    with FixtureServer(root, delay=0.02) as server:
        cmd = [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url,
               "--jobdir", str(jobdir), "--summary-json"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(article_requests(server)) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)  # like Ctrl-C: a graceful stop that keeps the queue on disk
        out, _ = proc.communicate(timeout=60)
        paused = json.loads(out)
        assert paused["status"] == "shutdown" and paused["exit_code"] == 1
        assert paused["articles_new"] < len(articles)

        resumed = crawl(server, db, "--jobdir", str(jobdir))
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("select count(*) from articles").fetchone()[0] == len(articles)
    assert paused["articles_new"] + resumed["articles_new"] == len(articles)
