"""One story, one article (issue 11 §3): lightly edited copies join their
story, stories that only share a title stay apart — through real crawls of
synthetic sites, with the copies appearing in a later run than their stories.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from stdcrawl import sitegen
from stdcrawl.extract import site
from stdcrawl.fixture_server import FixtureServer
from stdcrawl.sitegen.copies import with_copies

from .conftest import run_stdcrawl

END = dt.date(2026, 6, 30)
CLOCK_ENV = {"STDCRAWL_NOW": "2026-07-01T03:00:00+00:00"}


def crawl(server, db, *args) -> dict:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *args, env=CLOCK_ENV)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def article_id(path: str) -> str:
    return site.article_ref(path).article_id


def test_copies_seen_in_a_later_run_join_their_story_and_same_title_stories_do_not(tmp_path):
    root, db = tmp_path / "site", tmp_path / "a.db"
    stories = sitegen.synthetic_articles(60, seed=7, end=END)
    everything, added = with_copies(stories, 3, seed=7)
    copies = [a for a in added if a["kind"] == "copy"]
    others = [a for a in added if a["kind"] == "other"]
    assert len(copies) == len(others) == 3
    with FixtureServer(root) as server:
        sitegen.write_site(root, stories, per_page=10)
        first = crawl(server, db, "--full")
        assert first["articles_new"] == len(stories) and first["near_duplicates"] == 0
        sitegen.write_site(root, everything, per_page=10)
        second = crawl(server, db, "--full")
        assert second["articles_new"] == len(others)
        assert second["near_duplicates"] == len(copies)
        third = crawl(server, db, "--full")
        assert (third["articles_new"], third["articles_updated"], third["near_duplicates"]) == (0, 0, len(copies))

    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == len(stories) + len(others)
    for c in copies:
        url = "https://www.stdaily.com" + c["path"]
        assert con.execute("select article_id, relation from article_urls where url = ?", [url]).fetchone() == (
            article_id(c["of"]), "near_duplicate")
        assert con.execute("select count(*) from articles where article_id = ?", [article_id(c["path"])]).fetchone()[0] == 0
        versions = con.execute(
            "select kind, body != (select body from articles where article_id = ?) from article_versions "
            "where url = ? and article_id = ?", [article_id(c["of"]), url, article_id(c["of"])]).fetchall()
        assert versions == [("copy", 1)], "the copy's own text, kept once over two runs"
    for o in others:
        mine, theirs = (con.execute("select title, substr(published_at, 1, 10) from articles where article_id = ?",
                                    [article_id(p)]).fetchone() for p in (o["path"], o["of"]))
        assert mine == theirs  # same title, same day: still two stories
        assert con.execute("select relation from article_urls where url = ?",
                           ["https://www.stdaily.com" + o["path"]]).fetchone() == ("canonical",)
    assert con.execute("select count(*) from article_versions where kind = 'earlier'").fetchone()[0] == 0
