"""`stdcrawl reparse` (issue 4): the archive re-extracted from its WARC
captures, with no network, through the crawl's own steps.

One crawl of the fixture site (in a subprocess) per module; each test works
on its own copy of the archive and its WARC folder. Selector changes are
monkeypatched here, in-process, where `reparse()` runs.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from stdcrawl.archive import reparse_jobs
from stdcrawl.extract import site
from stdcrawl.fixture_server import FixtureServer
from stdcrawl.archive.lock import LockHeld, RunLock
from stdcrawl.archive.reparse import reparse

from .conftest import FIXTURE_SITE, run_stdcrawl

#: When a row was written, not what it holds: a reparse writes rows anew.
WRITE_TIMES = {"first_seen_at", "last_seen_at", "last_changed_at"}
#: The fetch time: the spider takes its own clock, reparse the capture's WARC-Date.
FETCH_TIMES = {"fetched_at", "seen_at"}
TABLES = {"articles": "article_id", "images": "article_id, position",
          "related_headlines": "article_id, position", "article_urls": "url"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawled")
    with FixtureServer(FIXTURE_SITE) as server:
        result = run_stdcrawl("crawl", "--db", str(folder / "archive.db"), "--base-url", server.base_url)
    assert result.returncode in (0, 1), result.stderr  # the fixture site holds broken pages on purpose
    return folder


@pytest.fixture
def db(crawled, tmp_path):
    shutil.copytree(crawled, tmp_path / "copy")
    return tmp_path / "copy" / "archive.db"


def dump(db) -> dict[str, list[dict]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in con.execute(f"select * from {t} order by {order}")] for t, order in TABLES.items()}
    finally:
        con.close()


def query(db, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("how", ["cli", "forked_workers", "spawned_workers"])
def test_deleted_articles_are_restored_identically(db, how, monkeypatch):
    before = dump(db)
    fts_before = query(db, "select rowid from articles_fts where articles_fts match 'rice OR satellite' order by rowid")
    assert len(before["articles"]) > 40 and before["images"] and before["related_headlines"]
    con = sqlite3.connect(db)
    for table in ("images", "related_headlines", "article_urls", "article_versions", "articles"):
        con.execute(f"delete from {table}")
    con.commit()
    con.close()

    if how == "cli":
        result = run_stdcrawl("reparse", "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert f"{len(before['articles'])} new" in result.stdout
    elif how == "forked_workers":  # a process with one thread, as the command is
        code = ("import json, sys; from stdcrawl.archive.reparse import reparse; "
                "print(json.dumps(reparse(sys.argv[1], jobs=2, min_per_job=1).to_dict()))")
        result = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["jobs"] == 2 and report["outcomes"]["new"] == len(before["articles"]) and not report["problems"]
    else:
        monkeypatch.setattr(reparse_jobs, "start_context", lambda: multiprocessing.get_context("spawn"))
        report = reparse(db, jobs=2, min_per_job=1)
        assert report.jobs == 2 and report.outcomes["new"] == len(before["articles"]) and not report.problems

    after = dump(db)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table]):
            same = {k: v for k, v in old.items() if k not in WRITE_TIMES | FETCH_TIMES}
            assert {k: new[k] for k in same} == same, table
            for k in FETCH_TIMES & old.keys():  # the same fetch, by two clocks
                assert abs(datetime.fromisoformat(new[k]) - datetime.fromisoformat(old[k])) <= timedelta(seconds=2)
    assert query(db, "select count(*) from article_versions where kind = 'earlier'") == [(0,)]
    assert query(db, "select count(*) from article_versions where kind = 'copy'") == [(1,)]  # the near-duplicate's text
    fts_after = query(db, "select rowid from articles_fts where articles_fts match 'rice OR satellite' order by rowid")
    assert fts_after == fts_before and fts_after


def test_dry_run_reports_exactly_the_field_a_selector_change_affects(db, monkeypatch):
    editors = dict(query(db, "select article_id, editor from articles where editor like '% %'"))
    assert editors, "the fixture site has articles with an `Editor:` line"
    before = dump(db)
    # The editor line's selector now keeps the first word only.
    monkeypatch.setattr(site.STDAILY_ENGLISH, "editor_line", re.compile(r"^Editor\s*[:：]\s*(?P<name>\S+)", re.I))

    report = reparse(db, dry_run=True)
    assert dict(report.field_changes) == {"editor": len(editors)}
    assert report.outcomes["updated"] == len(editors) and not report.problems
    assert {aid for aid, _ in report.examples["editor"]} <= set(editors)
    assert "editor" in report.format() and "would change" in report.format()
    assert dump(db) == before  # a dry run writes nothing

    applied = reparse(db)
    assert dict(applied.field_changes) == {"editor": len(editors)}
    assert dict(query(db, "select article_id, editor from articles where article_id in (%s)"
                      % ",".join("?" * len(editors)), list(editors))) == {k: v.split()[0] for k, v in editors.items()}
    assert query(db, "select count(*) from article_versions where kind = 'earlier'") == [(0,)]  # the editor is not a versioned field
    assert dict(reparse(db, dry_run=True).field_changes) == {}


def test_a_body_change_is_applied_and_the_old_version_kept(db, monkeypatch):
    edited = dict(query(db, "select article_id, body from articles where editor != ''"))
    assert edited
    # A selector that no longer recognizes the `Editor:` line: it stays in the body.
    monkeypatch.setattr(site.STDAILY_ENGLISH, "editor_line", re.compile(r"^Edited by\s*[:：]\s*(?P<name>.*)$"))

    preview = reparse(db, dry_run=True)
    assert dict(preview.field_changes) == {"body": len(edited), "editor": len(edited), "word_count": len(edited)}

    applied = reparse(db)
    assert applied.outcomes["updated"] == len(edited)
    rows = query(db, "select article_id, body, editor from articles where article_id in (%s)"
                 % ",".join("?" * len(edited)), list(edited))
    for aid, body, editor in rows:
        assert editor == "" and body.startswith(edited[aid]) and re.search(r"\n\nEditor\s*[:：]", body)
    versions = query(db, "select article_id, body, changed_fields, extractor_version from article_versions where kind = 'earlier'")
    assert {v[0]: v[1] for v in versions} == edited  # the previous text, kept
    assert all({"body", "editor"} <= set(json.loads(v[2])) and v[3] for v in versions)

    monkeypatch.undo()  # the selector fixed again: back to the first text, the second one kept too
    again = reparse(db)
    assert again.outcomes["updated"] == len(edited)
    assert dict(query(db, "select article_id, body from articles where editor != ''")) == edited
    assert query(db, "select count(*) from article_versions where kind = 'earlier'") == [(2 * len(edited),)]


def test_since_and_article_id_choose_the_captures(db):
    everything = reparse(db, dry_run=True)
    assert everything.captures > 40 and everything.articles == everything.captures - sum(everything.dropped.values())
    one_id = query(db, "select article_id from articles order by article_id limit 1")[0][0]
    one = reparse(db, article_id=one_id, dry_run=True)
    assert (one.captures, one.articles, dict(one.outcomes)) == (1, 1, {"unchanged": 1})
    assert reparse(db, since=(date.today() + timedelta(days=2)).isoformat(), dry_run=True).captures == 0
    assert reparse(db, since=(date.today() - timedelta(days=2)).isoformat(), dry_run=True).captures == everything.captures


def test_the_cli_dry_run_json_and_exit_codes(db):
    result = run_stdcrawl("reparse", "--db", str(db), "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dry_run"] and report["field_changes"] == {} and report["articles"] > 40
    assert run_stdcrawl("reparse", "--db", str(db.with_name("none.db"))).returncode == 2
    assert run_stdcrawl("reparse", "--db", str(db), "--since", "whenever").returncode == 2
    with RunLock(db):  # a crawl is running
        with pytest.raises(LockHeld):
            reparse(db)
        assert run_stdcrawl("reparse", "--db", str(db)).returncode == 75
        assert reparse(db, dry_run=True).articles > 40  # reading needs no lock


def test_an_unreadable_capture_is_reported_not_fatal(db):
    victim = query(db, "select article_id, warc_offset from captures where kind = 'article' and status = 200 "
                       "order by capture_id limit 1")[0]
    con = sqlite3.connect(db)
    con.execute("update captures set warc_offset = 99999999 where article_id = ? and warc_offset = ?", victim)
    con.commit()
    con.close()
    result = run_stdcrawl("reparse", "--db", str(db), "--dry-run")
    assert result.returncode == 1
    assert "1 unreadable" in result.stdout and "no record at offset 99999999" in result.stdout


def test_captures_are_read_in_batches_in_capture_order(db):
    from stdcrawl.archive.reparse_jobs import iter_captures
    from stdcrawl.archive.store import Archive

    with Archive(db, readonly=True) as archive:
        latest = [r[0] for r in archive.db.execute(
            """select max(capture_id) from captures where article_id is not null and status = 200
               and payload_length > 0 group by article_id order by 1""")]
        assert [c["capture_id"] for c in iter_captures(archive, batch=7)] == latest
        assert len(latest) > 40


def test_jobs_must_be_positive(db):
    with pytest.raises(ValueError, match="--jobs"):
        reparse(db, jobs=0)
    result = run_stdcrawl("reparse", "--db", str(db), "--jobs", "-2")
    assert result.returncode == 2 and "must be 1 or more" in result.stderr


def _stored_one_at_a_time(archive, article_id: str) -> dict | None:
    """An article as `stored_article` read it before it was batched (sqlite-utils, two queries)."""
    from stdcrawl.archive.store import JSON_COLUMNS

    row = next(iter(archive.db.query("select * from articles where article_id = ?", [article_id])), None)
    if row is None:
        return None
    for name in JSON_COLUMNS:
        row[name] = json.loads(row[name]) if row[name] else []
    row["images"] = json.loads(row["images_json"]) if row["images_json"] else []
    row["related"] = [dict(r) for r in archive.db.query(
        "select title, summary, url from related_headlines where article_id = ? order by position", [article_id])]
    return row


def test_stored_articles_are_fetched_in_batches_as_they_were_one_by_one(db, monkeypatch):
    from stdcrawl.archive import reparse as reparse_module
    from stdcrawl.archive.store import Archive

    monkeypatch.setattr(reparse_module, "IDS_PER_QUERY", 7)  # several queries for the archive's articles
    with Archive(db, readonly=True) as archive:
        ids = [r[0] for r in archive.db.execute("select article_id from articles order by random()")]
        found = reparse_module.stored_articles(archive, [*ids, "g3-0"])
        assert set(found) == set(ids) and any(a["related"] for a in found.values())
        for article_id in ids:
            assert found[article_id] == _stored_one_at_a_time(archive, article_id)
            assert reparse_module.stored_article(archive, article_id) == found[article_id]
        assert reparse_module.stored_article(archive, "g3-0") is None


def test_a_chunk_of_captures_extracts_as_each_capture_alone(db):
    """A worker reads, extracts and compares a chunk step by step, the stored
    articles all fetched at once: the same results as one capture at a time,
    also for captures filed under another article id (or none)."""
    from stdcrawl.archive.reparse_jobs import CaptureExtractor, iter_captures

    extractor = CaptureExtractor(db, dry_run=True)
    try:
        caps = list(iter_captures(extractor.archive))[:30]
        caps[7] = {**caps[7], "warc_offset": 99999999}  # unreadable: reported, the others go on
        alone = [extractor.extract(cap) for cap in caps]
        assert sum(1 for r in alone if r.get("stored")) > 20 and "no record at offset" in alone[7]["problem"]
        assert extractor.extract_all(caps) == alone
        misfiled = [{**cap, "article_id": None if i % 2 else "g3-0"} for i, cap in enumerate(caps)]
        assert extractor.extract_all(misfiled) == alone
    finally:
        extractor.close()


def test_the_per_step_bench_times_every_step_of_every_capture(db):
    from .conftest import ROOT

    result = subprocess.run([sys.executable, "-m", "bench.reparse_parts", str(db), "--rounds", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    steps = out["ms_per_capture"]
    assert out["captures"] == len(query(db, "select distinct article_id from captures where article_id is not null "
                                            "and status = 200 and payload_length > 0"))
    assert all(steps[s] > 0 for s in ("read", "decode", "extract", "stored", "compare", "whole"))
    assert steps["outside_extraction"] == pytest.approx(steps["whole"] - steps["extract"], abs=1e-3)


def test_the_last_tasks_shrink_so_the_workers_finish_together():
    sizes = reparse_jobs.chunk_sizes(3000, 2)
    taken = []
    while sum(taken) < 3000:
        taken.append(next(sizes))
    assert taken[0] == reparse_jobs.CHUNK and taken[-1] == reparse_jobs.MIN_CHUNK
    assert taken == sorted(taken, reverse=True)  # never larger again once shrinking
    assert sum(taken) - 3000 < reparse_jobs.MIN_CHUNK
    unknown = reparse_jobs.chunk_sizes(None, 2)
    assert [next(unknown) for _ in range(5)] == [reparse_jobs.CHUNK] * 5
