"""The archive file: schema, in-place updates, versions, duplicates, db path."""

import json
import os
import sqlite3
from datetime import datetime, timedelta

import pytest

from stdcrawl.archive.store import SCHEMA_VERSION, Archive, ArchiveError, resolve_db_path


def make_article(n: int = 1, **changes) -> dict:
    article = {
        "url": f"http://127.0.0.1:1/English/News/2021-11/0{n}/content_123456{n}.shtml",
        "canonical_url": f"https://www.stdaily.com/English/News/2021-11/0{n}/content_123456{n}.shtml",
        "article_id": f"g1-123456{n}", "generation": "G1", "section": "News", "section_dir": "News",
        "breadcrumb": ["EnglishChannel", "News", "Article"], "title": f"Story {n}",
        "source": "Science and Technology Daily", "published_raw": f"2021-11-0{n} 09:00:00",
        "published_at": f"2021-11-0{n}T09:00:00+08:00", "published_utc": f"2021-11-0{n}T01:00:00+00:00",
        "published_precision": "second", "author_raw": "GONG Guoping", "byline_raw": "",
        "authors": ["Gong Guoping"], "body": f"First paragraph of story {n}.\n\nSecond.",
        "images": [{"src": "https://www.stdaily.com/a.jpg", "caption": "A caption. (PHOTO: VCG)"}],
        "related": [{"title": "Other", "summary": "Sum", "url": "https://www.stdaily.com/English/News/x.shtml"}],
        "editor": "", "word_count": 7, "extraction_notes": [], "fetched_at": "2026-11-28T00:00:00+00:00",
    }
    article.update(changes)
    return article


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        yield a


def test_a_new_archive_has_the_documented_tables_wal_and_indexes(archive):
    tables = set(archive.db.table_names())
    assert {"articles", "images", "related_headlines", "article_urls", "article_versions", "url_state", "crawls"} <= tables
    assert archive.db.journal_mode == "wal"
    indexed = {tuple(i.columns) for i in archive.db["articles"].indexes}
    assert ("published_at",) in indexed and ("section",) in indexed


def test_list_fields_are_stored_as_json_with_child_rows(archive):
    archive.write_batch([make_article()], [], crawl_id=None)
    row = archive.db["articles"].get("g1-1234561")
    assert json.loads(row["authors"]) == ["Gong Guoping"]
    assert json.loads(row["breadcrumb"]) == ["EnglishChannel", "News", "Article"]
    assert archive.count("images") == 1 and archive.count("related_headlines") == 1


def test_recrawling_updates_in_place_and_keeps_first_seen(archive):
    archive.write_batch([make_article()], [], None)
    first = archive.db["articles"].get("g1-1234561")
    counts = archive.write_batch([make_article(fetched_at="2026-11-29T00:00:00+00:00")], [], None)
    assert counts["unchanged"] == 1
    again = archive.db["articles"].get("g1-1234561")
    assert again["first_seen_at"] == first["first_seen_at"]
    assert again["fetched_at"] == "2026-11-29T00:00:00+00:00"
    assert archive.count("articles") == 1 and archive.count("images") == 1


def test_a_changed_body_keeps_the_previous_version(archive):
    archive.write_batch([make_article()], [], None)
    counts = archive.write_batch([make_article(body="Corrected first paragraph.\n\nSecond.")], [], 7)
    assert counts["updated"] == 1
    versions = list(archive.db["article_versions"].rows)
    assert len(versions) == 1
    assert versions[0]["body"] == "First paragraph of story 1.\n\nSecond." and versions[0]["crawl_id"] == 7
    assert json.loads(versions[0]["changed_fields"]) == ["body"]
    assert archive.db["articles"].get("g1-1234561")["body"].startswith("Corrected")


def test_a_duplicate_story_is_kept_as_an_alias_url(archive):
    archive.write_batch([make_article()], [], None)
    twin = make_article(canonical_url="https://www.stdaily.com/web/English/2021-11/01/content_1999999.html",
                        article_id="g3-1999999", duplicate_of="g1-1234561")
    assert archive.write_batch([twin], [], None)["duplicate"] == 1
    assert archive.count("articles") == 1
    assert archive.known_article_url("https://www.stdaily.com/web/English/2021-11/01/content_1999999.html")


def test_fetch_records_keep_validators_across_304s(archive):
    fetch = {"url": "https://www.stdaily.com/English/News/common_list.shtml", "kind": "list", "status": 200,
             "etag": '"abc"', "last_modified": "Sat, 28 Nov 2026 00:00:00 GMT", "fetched_at": "2026-11-28T00:00:00+00:00"}
    archive.write_batch([], [fetch], None)
    archive.write_batch([], [{**fetch, "status": 304, "etag": None, "last_modified": None}], None)
    state = archive.url_state(fetch["url"])
    assert (state["last_status"], state["etag"], state["fetch_count"]) == (304, '"abc"', 2)


def test_crawls_are_recorded_and_stale_runs_marked_killed(archive):
    crawl_id = archive.begin_crawl("full", "http://x", {})
    assert archive.close_stale_crawls() == 1
    assert archive.db["crawls"].get(crawl_id)["status"] == "killed"


def test_db_path_comes_from_option_then_environment_then_default(monkeypatch):
    monkeypatch.setenv("STDCRAWL_DB", "/tmp/env.db")
    assert str(resolve_db_path("/tmp/cli.db")) == "/tmp/cli.db"
    assert str(resolve_db_path(None)) == "/tmp/env.db"
    monkeypatch.delenv("STDCRAWL_DB")
    assert str(resolve_db_path(None)) == "stdcrawl.db"


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a stdcrawl archive"):
        Archive(bad)


def test_a_not_modified_recheck_marks_the_article_as_seen(archive):
    archive.write_batch([make_article()], [], None)
    url = make_article()["canonical_url"]
    archive.write_batch([], [{"url": url, "kind": "article", "status": 304, "fetched_at": "2030-01-01T00:00:00+00:00"}], None)
    assert archive.db["articles"].get("g1-1234561")["last_seen_at"] == "2030-01-01T00:00:00+00:00"


def test_a_read_only_archive_opens_whatever_its_path_holds(tmp_path):
    path = tmp_path / "odd ?#% name.db"
    Archive(path).close()
    with Archive(path, readonly=True) as archive:
        assert archive.count("articles") == 0


def test_sections_are_inferred_from_lists_once_and_kept_on_recrawl(archive):
    listed = [make_article(n) for n in (1, 2, 3)]
    orphan = make_article(4, section="", section_dir="", breadcrumb=[], extraction_notes=["no_breadcrumb", "no_section"])
    list_url = "https://www.stdaily.com/web/English/node_410.html"
    items = [{"list_url": list_url, "article_url": a["canonical_url"], "position": i, "seen_at": "2026-11-28T00:00:00+00:00"}
             for i, a in enumerate(listed + [orphan])]
    archive.write_batch(listed + [orphan], [], None, list_items=items)
    assert archive.infer_sections() == 1
    row = archive.db["articles"].get(orphan["article_id"])
    assert (row["section"], json.loads(row["extraction_notes"])) == ("News", ["no_breadcrumb", "section_from_list"])
    assert archive.infer_sections() == 0  # nothing to rewrite
    counts = archive.write_batch([orphan], [], None)  # the page still shows no section
    assert counts["unchanged"] == 1
    assert archive.db["articles"].get(orphan["article_id"])["section"] == "News"


def test_section_inference_looks_only_at_the_lists_a_run_touched(archive):
    listed = [make_article(n) for n in (1, 2, 3)]
    orphan = make_article(4, section="", section_dir="", breadcrumb=[], extraction_notes=["no_breadcrumb", "no_section"])
    node, other = "https://www.stdaily.com/web/English/node_410_2.html", "https://www.stdaily.com/web/English/node_4101.html"
    items = [{"list_url": node, "article_url": a["canonical_url"], "position": i, "seen_at": "2026-11-28T00:00:00+00:00"}
             for i, a in enumerate(listed + [orphan])]
    archive.write_batch(listed + [orphan], [], None, list_items=items)
    assert archive.infer_sections(lists=set()) == 0  # a no-change night: nothing looked at
    assert archive.infer_sections(lists={other}) == 0  # another list (a prefix of the same name)
    # an orphan still without a section on a list the run touched gets one, though stored before
    assert archive.infer_sections(lists={"https://www.stdaily.com/web/English/node_410.html"},
                                  articles=[listed[0]["canonical_url"]]) == 1
    assert archive.db["articles"].get(orphan["article_id"])["section"] == "News"
    assert archive.lists_showing([orphan["canonical_url"]]) == {node}


def test_a_write_open_checks_the_file_unless_it_is_as_the_last_checked_close_left_it(tmp_path):
    from stdcrawl.archive import dbfile
    from stdcrawl.clock import Clock, set_clock

    db = tmp_path / "a.db"
    with Archive(db) as first:
        assert first.checked  # a new file: checked (trivially) and stamped at close
    with Archive(db) as again:
        assert not again.checked  # nothing touched it since
    with Archive(db, readonly=True):
        pass
    with Archive(db) as after_a_reader:
        assert not after_a_reader.checked

    st = db.stat()  # another program wrote to it
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    with Archive(db) as touched:
        assert touched.checked

    killed = sqlite3.connect(db)  # a run killed with commits still in its WAL
    killed.execute("pragma wal_autocheckpoint = 0")
    killed.execute("update crawls set mode = mode")
    killed.execute("create table scratch (x)")
    killed.commit()
    assert db.with_name("a.db-wal").stat().st_size > 0
    with Archive(db) as after_a_kill:
        assert after_a_kill.checked
    killed.close()  # its checkpoint writes the main file once more
    with Archive(db) as checkpointed:
        assert checkpointed.checked
    with Archive(db) as fresh:
        assert not fresh.checked
    stamped = json.loads(dbfile.stamp_path(db).read_text())["checked_at"]
    later = datetime.fromisoformat(stamped) + timedelta(days=dbfile.CHECK_DAYS)
    previous = set_clock(Clock(later))
    try:
        with Archive(db) as weekly:
            assert weekly.checked  # at least once every CHECK_DAYS
    finally:
        set_clock(previous)


def test_opening_a_v5_archive_keeps_the_shown_label_and_gives_one_stable_section(tmp_path):
    path = tmp_path / "old.db"
    other_site = make_article(4, section="International Cooperation", section_dir="WorldNews",
                              breadcrumb=["Home", "International Cooperation"])
    other_site["site"] = "another-site"  # its own section map: never renamed by stdaily.com's
    with Archive(path) as a:
        a.write_batch([
            make_article(1, section="International Cooperation", section_dir="WorldNews",
                         breadcrumb=["EnglishChannel", "International Cooperation", "Article"]),
            make_article(2, section="Cooperation", section_dir="WorldNews",
                         breadcrumb=["EnglishChannel", "Cooperation", "Article"]),
            make_article(3, section="News", section_dir="", breadcrumb=[]),
            other_site,
        ], [], None)
        # back to the v5 layout: no section_label, sections as each page showed them
        a.db.execute("alter table articles drop column section_label")
        a.db.execute("pragma user_version = 5")
    with Archive(path) as a:
        rows = {r["article_id"]: r for r in a.db.query("select * from articles order by article_id")}
        assert a.db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert [(r["section"], r["section_label"]) for r in rows.values()] == [
        ("Cooperation", "International Cooperation"), ("Cooperation", "Cooperation"), ("News", ""),
        ("International Cooperation", "International Cooperation")]


def test_a_new_article_stores_its_shown_section_label(archive):
    archive.write_batch([make_article(1, section="Cooperation", section_dir="WorldNews",
                                      section_label="International Cooperation")], [], None)
    row = archive.db["articles"].get("g1-1234561")
    assert (row["section"], row["section_label"]) == ("Cooperation", "International Cooperation")
