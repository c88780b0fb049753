"""Full-text search: ranking, filters, hostile queries, and an index that stays in step."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from contextlib import contextmanager

import pytest

from stdcrawl.research.api import open_archive
from stdcrawl.cli import main
from stdcrawl.research.search import MAX_QUERY_CHARS, QueryError, plain_match, time_limit
from stdcrawl.archive.store import Archive

from .archive_factory import SAMPLE, build_archive, crawled_demo, make_article  # noqa: F401 (a fixture)
from .conftest import ROOT, run_stdcrawl

SEED_TITLE = "Innovation Drives Guangdong's High-quality Development"


@pytest.fixture
def db(tmp_path):
    return build_archive(tmp_path / "a.db")


def ids(hits) -> list[str]:
    return [h["article_id"] for h in hits]


def test_ranked_by_relevance_with_highlighted_snippet(db):
    with open_archive(db) as archive:
        hits = archive.search("Guangdong")
    assert ids(hits) == ["g3-1", "g3-2"]  # in the title beats in the body
    assert hits[0]["title"] == SEED_TITLE
    assert "**Guangdong**" in hits[0]["snippet"] and "\n" not in hits[0]["snippet"]
    assert hits[0]["authors"] == ["Gong Guoping"] and hits.note is None
    assert [h["rank"] for h in hits] == [1, 2] and hits[0]["score"] <= hits[1]["score"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"section": "Sci-Tech News"}, ["g3-2"]),
        ({"section": "chinanews"}, ["g3-2"]),  # the directory, any case
        ({"since": "2022"}, ["g3-2"]),
        ({"until": "2021-11-04"}, ["g3-1"]),  # inclusive
        ({"until": "2021-11-03"}, []),
        ({"since": "2021-11", "until": "2022-03"}, ["g3-1", "g3-2"]),
        ({"author": "bi wei"}, ["g3-2"]),
        ({"author": "gong", "section": "International Cooperation"}, ["g3-1"]),
        ({"author": "gong", "section": "Cooperation"}, ["g3-1"]),  # any name the site gave the directory
        ({"author": "gong", "since": "2022-01-01", "until": "2022-12-31", "section": "ChinaNews"}, ["g3-2"]),
        ({"author": "%"}, []),  # not a LIKE wildcard
    ],
)
def test_filters_combine(db, filters, expected):
    with open_archive(db) as archive:
        assert ids(archive.search("guangdong", **filters)) == expected
        assert archive.count(query="guangdong", **filters) == len(expected)


def test_limit_and_query_syntax(db):
    with open_archive(db) as archive:
        assert len(archive.search("guangdong", limit=1)) == 1
        assert ids(archive.search("title:shenzhen")) == ["g3-2"]
        assert ids(archive.search('"greater bay area"')) == ["g3-1"]
        assert set(ids(archive.search("glacier OR robots"))) == {"g3-3", "g3-4"}
        assert ids(archive.search("innov*")) == ["g3-1"]
        assert ids(archive.search("北京")) == ["g3-4"]
        assert ids(archive.search("cafe")) == ["g3-4"]  # accents folded


@pytest.mark.parametrize("bad", ["2021-13", "21-01-01", "2021/01/01", "yesterday", "2021-02-30"])
def test_bad_dates_are_clear_errors(db, bad):
    with open_archive(db) as archive, pytest.raises(QueryError, match="YYYY"):
        archive.search("x", since=bad)


def test_syntax_errors_fall_back_to_plain_words_or_are_reported(db):
    with open_archive(db) as archive:
        hits = archive.search('"Guangdong AND')
        assert ids(hits) == ["g3-1", "g3-2"]
        assert hits.match == '"Guangdong"' and "not valid FTS5 syntax" in hits.note
        with pytest.raises(QueryError, match="not a valid FTS5 query"):
            archive.search('"Guangdong', mode="fts")
        assert archive.search("NEAR(", mode="plain").match == '"NEAR("'


def test_long_and_slow_searches_are_refused_with_a_message(db):
    with open_archive(db) as archive:
        with pytest.raises(QueryError, match="at most 32 are searched"):
            archive.search(" OR ".join(["guangdong"] * 17))
        assert archive.search(" OR ".join(["guangdong"] * 16))
        with pytest.raises(QueryError, match="stopped after 0.05 s"), time_limit(archive.db.conn, 0.05):
            archive.db.execute("with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n").fetchone()
        assert archive.search("guangdong")  # the limit is lifted afterwards


def test_plain_match_quotes_every_chunk():
    assert plain_match('Guangdong\'s "bay AND') == '"Guangdong\'s" "bay"'
    assert plain_match("AND") == '"AND"'  # only operators: searched as words
    with pytest.raises(QueryError, match="no words"):
        plain_match('" ( ) *')


HOSTILE = [
    '"', '"Guangdong', "Guangdong AND", "AND", "OR OR", "NOT", "NEAR(", "NEAR(a b", "NEAR(a b, 3x)",
    "*", "(((", ")", "^", "-x", "+", ":", "title:", "nosuchcolumn:x", "{title body}:", '"a" "b',
    "'; DROP TABLE articles; --", "\" OR 1=1 --", "x'); delete from articles; --", "%", "_", "\\",
    "articles_fts", "rank:", "a" * MAX_QUERY_CHARS, "x" * 10_240, "Guangdong " * 1024, "(" * 10_000,
    "北京", "科技日报 OR", "Café", "🙂", "\x00", "\x00Guangdong", "\ud800", "Guang\ud800dong", "", "   ",
    "\u202eGuangdong", "guangdong\n\tAND\r\n", "a" * 300 + "*",
]


@contextmanager
def unchanged(path):
    """Fail if the archive changes inside the block: its bytes, its counts, or
    SQLite's data_version as seen from a connection held open throughout."""

    def state(conn):
        counts = [conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in ("articles", "articles_fts_data", "images")]
        return hashlib.sha256(path.read_bytes()).hexdigest(), counts, conn.execute("pragma data_version").fetchone()[0]

    watcher = sqlite3.connect(path)
    try:
        before = state(watcher)
        yield
        assert state(watcher) == before
    finally:
        watcher.close()


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q[:20]) + (f"…({len(q)})" if len(q) > 20 else ""))
def test_hostile_queries_give_results_or_a_message(db, query, capsys):
    with unchanged(db), open_archive(db) as archive:
        for mode in ("auto", "fts", "plain"):
            try:
                hits = archive.search(query, mode=mode)
            except QueryError as exc:
                assert str(exc) and "Traceback" not in str(exc)
            else:
                assert isinstance(hits, list)
        code = main(["search", "--db", str(db), "--format", "json", "--", query])  # "--": `-x` is no option
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 0:
        json.loads(out)
    else:
        assert err.startswith("stdcrawl search: ") and out == ""


def test_hostile_argv_in_a_real_process(db):
    """Bytes that are not UTF-8 reach Python as lone surrogates: still no traceback."""
    with unchanged(db):
        for arg in (b"\xff\xfeGuangdong", b'"\xc3', b"NEAR(\xe4\xb8"):
            proc = subprocess.run(
                [sys.executable, "-m", "stdcrawl", "search", "--db", str(db), arg, "--format", "csv"],
                capture_output=True, cwd=ROOT, timeout=60, check=False,
            )
            assert proc.returncode in (0, 2), proc.stderr
            assert b"Traceback" not in proc.stderr


def test_cli_formats(db, capsys):
    assert main(["search", "--db", str(db), "Guangdong", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["title"] == SEED_TITLE
    assert main(["search", "--db", str(db), "Guangdong", "--format", "csv", "--author", "bi"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rank,article_id,") and len(lines) == 2 and "Bi Weizi; Gong Guoping" in lines[1]
    assert main(["search", "--db", str(db), "Guangdong", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert SEED_TITLE in out and "**Guangdong**" in out and "quantum" not in out
    assert main(["search", "--db", str(db), "zebra"]) == 0
    assert "no articles match" in capsys.readouterr().err
    assert main(["search", "--db", str(db.with_name("missing.db")), "x"]) == 2
    assert "no archive" in capsys.readouterr().err


# --- the index stays in step, and small -----------------------------------------------------------

def fts_state(path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        data = conn.execute("select count(*), sum(length(block)) from articles_fts_data").fetchone()
        conn.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
        return data
    finally:
        conn.close()


def test_reseen_and_rewritten_articles_do_not_touch_the_index(db):
    before = fts_state(db)
    with Archive(db) as archive:
        archive.write_batch(SAMPLE, [], crawl_id=None)  # re-seen: last_seen_at only
        assert fts_state(db) == before
        archive.write_batch([dict(a, extractor_version="next", editor="Ed") for a in SAMPLE], [], crawl_id=None)
        assert archive.count("article_versions") == 0
    assert fts_state(db) == before  # whole rows rewritten, same text: no new segments


def test_changed_text_is_reindexed_and_versioned(db):
    changed = make_article(3, title="Drones map the glaciers", body="Drones survey Tibetan glaciers.",
                           authors=["Zhang San"], section="Sci-Tech News", section_dir="ChinaNews",
                           published_at="2023-07-01T10:00:00+08:00")
    with Archive(db) as archive:
        archive.write_batch([changed], [], crawl_id=None)
        archive.write_batch([make_article(9, title="Guangdong builds ports")], [], crawl_id=None)
        with archive.db.atomic():
            archive.db.execute("delete from images where article_id = 'g3-4'")
            archive.db.execute("delete from articles where article_id = 'g3-4'")
    with open_archive(db) as archive:
        assert ids(archive.search("drones")) == ["g3-3"]
        assert archive.search("satellite") == []
        assert ids(archive.search("zhang")) == ["g3-3"]  # authors are indexed
        assert "g3-9" in ids(archive.search("guangdong"))
        assert archive.search("robots") == []  # deleted
        versions = list(archive.db.query("select title from article_versions where article_id = 'g3-3'"))
    assert versions == [{"title": "Satellites map the glaciers"}]
    fts_state(db)  # integrity-check passes


def test_v1_archives_get_the_text_only_update_trigger(tmp_path):
    db = build_archive(tmp_path / "old.db")
    conn = sqlite3.connect(db)
    conn.executescript(
        """drop trigger articles_au;
        create trigger articles_au after update of title, body, authors_text on articles begin
          insert into articles_fts (articles_fts, rowid, title, body, authors_text)
            values('delete', old.rowid, old.title, old.body, old.authors_text);
          insert into articles_fts (rowid, title, body, authors_text)
            values (new.rowid, new.title, new.body, new.authors_text);
        end;
        pragma user_version = 1;"""
    )
    conn.close()
    Archive(db).close()
    sql = sqlite3.connect(db).execute("select sql from sqlite_master where name = 'articles_au'").fetchone()[0]
    assert "WHEN old.title IS NOT new.title" in sql


# --- acceptance on the fixture site ------------------------------------------------------------------

def test_demo_archive_finds_the_seed_article_first(crawled_demo):  # noqa: F811 (the fixture)
    proc = run_stdcrawl("search", "--db", str(crawled_demo), "Guangdong", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert hits[0]["title"] == SEED_TITLE and hits[0]["article_id"] == "g1-1232045"
    proc = run_stdcrawl("search", "--db", str(crawled_demo), "Guangdong", "--since", "2022", "--format", "json")
    later = json.loads(proc.stdout)
    assert later and SEED_TITLE not in [h["title"] for h in later]
    assert all(h["published_at"] >= "2022" for h in later)
    assert {h["article_id"] for h in later} < {h["article_id"] for h in hits}
