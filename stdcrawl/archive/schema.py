"""The archive's schema: every table, and its history as migrations.

Tables are documented for researchers in docs/schema.md (checked by a test).
`PRAGMA user_version` holds the version; `Archive.ensure_schema` runs the
migrations an older file lacks, in one transaction.
"""

from __future__ import annotations

import sqlite_utils

from stdcrawl.archive import cjk, pending, problems
from stdcrawl.archive.near_duplicates import title_key
from stdcrawl.archive.views import drop_views
from stdcrawl.extract.site import STDAILY_ENGLISH


def create_v1(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "article_id": str, "canonical_url": str, "url": str, "generation": str,
            "section": str, "section_dir": str, "breadcrumb": str, "title": str,
            "source": str, "published_raw": str, "published_at": str, "published_utc": str,
            "published_precision": str, "author_raw": str, "byline_raw": str, "authors": str,
            "authors_text": str, "body": str, "editor": str, "word_count": int,
            "image_count": int, "images_json": str, "extraction_notes": str,
            "content_hash": str, "fingerprint": str, "extractor_version": str,
            "fetched_at": str, "first_seen_at": str, "last_seen_at": str,
            "last_changed_at": str, "crawl_id": int,
        },
        pk="article_id",
        not_null={"canonical_url", "title", "body"},
        if_not_exists=True,
    )
    db["articles"].create_index(["canonical_url"], unique=True, if_not_exists=True)
    db["articles"].create_index(["published_at"], if_not_exists=True)
    db["articles"].create_index(["section"], if_not_exists=True)
    db["articles"].create_index(["fingerprint"], if_not_exists=True)
    db["images"].create(
        {"article_id": str, "position": int, "src": str, "caption": str},
        pk=("article_id", "position"), foreign_keys=[("article_id", "articles")], if_not_exists=True,
    )
    db["related_headlines"].create(
        {"article_id": str, "position": int, "title": str, "summary": str, "url": str, "seen_at": str},
        pk=("article_id", "position"), foreign_keys=[("article_id", "articles")], if_not_exists=True,
    )
    db["article_urls"].create(
        {"url": str, "article_id": str, "relation": str, "first_seen_at": str},
        pk="url", foreign_keys=[("article_id", "articles")], if_not_exists=True,
    )
    db["article_urls"].create_index(["article_id"], if_not_exists=True)
    db["article_versions"].create(
        {
            "version_id": int, "article_id": str, "replaced_at": str, "crawl_id": int,
            "title": str, "body": str, "authors": str, "published_at": str,
            "content_hash": str, "extractor_version": str, "changed_fields": str,
        },
        pk="version_id", foreign_keys=[("article_id", "articles")], if_not_exists=True,
    )
    db["article_versions"].create_index(["article_id"], if_not_exists=True)
    db["url_state"].create(
        {
            "url": str, "kind": str, "article_id": str, "first_seen_at": str,
            "last_fetched_at": str, "last_status": int, "etag": str, "last_modified": str,
            "content_hash": str, "found_on": str, "fetch_count": int,
        },
        pk="url", if_not_exists=True,
    )
    db["crawls"].create(
        {
            "crawl_id": int, "started_at": str, "finished_at": str, "mode": str,
            "status": str, "exit_code": int, "base_url": str, "args": str, "pid": int,
            "requests": int, "responses": int, "list_pages": int, "articles_new": int,
            "articles_updated": int, "articles_unchanged": int, "articles_failed": int,
            "duplicates": int, "dropped": int, "bad_pages": int, "complete": int, "status_counts": str,
            "failure_reasons": str, "stats": str,
        },
        pk="crawl_id", if_not_exists=True,
    )
    if "articles_fts" not in db.table_names():
        db["articles"].enable_fts(["title", "body", "authors_text"], create_triggers=True, tokenize="porter")
        _create_fts_update_trigger(db)


def _create_fts_update_trigger(db: sqlite_utils.Database) -> None:
    """Reindex an article only when its indexed text really changed.

    sqlite-utils' update trigger fires on every UPDATE, and an UPDATE that
    rewrites the whole row (a new extractor version, a changed editor) would
    delete and re-add identical text: new FTS5 segments each time. A re-seen
    article only touches last_seen_at; neither reaches the index.
    """
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(
        """CREATE TRIGGER articles_au AFTER UPDATE OF title, body, authors_text ON articles
WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.authors_text IS NOT new.authors_text
BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, body, authors_text)
    VALUES('delete', old.rowid, old.title, old.body, old.authors_text);
  INSERT INTO articles_fts (rowid, title, body, authors_text)
    VALUES (new.rowid, new.title, new.body, new.authors_text);
END"""
    )


def _create_captures(db: sqlite_utils.Database) -> None:
    """`captures`: one row per fetch, pointing at its WARC record (docs/warc.md)."""
    db["captures"].create(
        {
            "capture_id": int, "crawl_id": int, "record_id": str, "record_type": str, "url": str,
            "canonical_url": str, "kind": str, "article_id": str, "section_hint": str, "fetched_at": str,
            "status": int, "content_type": str, "payload_length": int, "payload_digest": str,
            "warc_file": str, "warc_offset": int, "warc_length": int, "refers_to": str,
            "payload_file": str, "payload_offset": int,
        },
        pk="capture_id", not_null={"record_id", "url", "warc_file", "warc_offset"}, if_not_exists=True,
    )
    db["captures"].create_index(["record_id"], unique=True, if_not_exists=True)
    db["captures"].create_index(["canonical_url"], if_not_exists=True)
    db["captures"].create_index(["article_id"], if_not_exists=True)


def _create_list_items(db: sqlite_utils.Database) -> None:
    db["list_items"].create(
        {"list_url": str, "article_url": str, "position": int, "first_seen_at": str, "last_seen_at": str},
        pk=("list_url", "article_url"), if_not_exists=True,
    )
    db["list_items"].create_index(["article_url"], if_not_exists=True)


def _add_site(db: sqlite_utils.Database) -> None:
    """`articles.site`: the site profile an article was extracted with."""
    if "site" not in db["articles"].columns_dict:
        db.execute("alter table articles add column site text not null default 'stdaily-english'")
    db["articles"].create_index(["site"], if_not_exists=True)


def _split_section_label(db: sqlite_utils.Database) -> None:
    """`section_label` keeps the section the page showed (its breadcrumb's
    section crumb); `section` becomes the one stable name of its directory
    (today's), so "International Cooperation" (2021) and "Cooperation" are one
    section in facets and counts (issue 11). Only stdaily.com's rows are
    renamed: its profile's section map is the one this archive format knows."""
    if "section_label" not in db["articles"].columns_dict:
        db.execute("alter table articles add column section_label text not null default ''")
    db.execute(
        "update articles set section_label = coalesce(case when json_valid(breadcrumb) "
        "then json_extract(breadcrumb, '$[' || ? || ']') end, '')",
        [STDAILY_ENGLISH.section_crumb],
    )
    for section_dir in STDAILY_ENGLISH.sections:
        current = STDAILY_ENGLISH.current_section_name(section_dir)
        db.execute(
            "update articles set section = ? where site = ? and section_dir = ? and section is not ?",
            [current, STDAILY_ENGLISH.name, section_dir, current],
        )


def _create_health(db: sqlite_utils.Database) -> None:
    """`run_health`, `extraction_problems`, `articles.template`, the run's health verdict in `crawls`."""
    for table, column in (("articles", "template"), ("crawls", "health_status"), ("crawls", "health")):
        if column not in db[table].columns_dict:  # like the other migrations: safe to run twice
            db[table].add_column(column, str)
    db["articles"].create_index(["template"], if_not_exists=True)
    db["run_health"].create(
        {"crawl_id": int, "grouping": str, "group_key": str, "field": str, "articles": int, "present": int,
         "plausible": int, "body_median": float},
        pk=("crawl_id", "grouping", "group_key", "field"), if_not_exists=True,
    )
    problems.create_table(db)


def _add_near_duplicates(db: sqlite_utils.Database) -> None:
    """Near-duplicate copies (near_duplicates.py): `articles.title_key` (indexed with
    `published_at`: the lookup of candidates), `article_versions.url` and `.kind` (`earlier` text
    or a `copy` at another URL). Existing rows are filled in; running it
    twice changes nothing."""
    if "title_key" not in db["articles"].columns_dict:
        db["articles"].add_column("title_key", str)
    db.conn.executemany(
        "update articles set title_key = ? where article_id = ?",
        [(title_key(title), aid)
         for aid, title in db.execute("select article_id, title from articles where title_key is null")],
    )
    db["articles"].create_index(["title_key", "published_at"], if_not_exists=True)
    for column in ("url", "kind"):
        if column not in db["article_versions"].columns_dict:
            db["article_versions"].add_column(column, str)
    db.execute(
        """update article_versions set kind = 'earlier',
               url = (select canonical_url from articles a where a.article_id = article_versions.article_id)
           where kind is null"""
    )


#: The schema's history: (version, migration). A new table or column is a new
#: entry here and a line at the top of CHANGELOG.md.
MIGRATIONS = [
    (1, create_v1),
    (2, _create_fts_update_trigger),  # v1 archives reindexed identical text on full-row updates
    (3, _create_captures),  # the WARC index (issue 4)
    (4, _create_list_items),  # which list showed which article (section inference)
    (5, _add_site),  # which site profile an article comes from (issue 10)
    (6, _split_section_label),  # section_label as shown; section stable per directory (issue 11)
    (7, _create_health),  # field health per run, template signatures, extraction problems (issue 12)
    (8, drop_views),  # views recreated with plain names, not `[name]`: DuckDB's sqlite scanner reads them (issue 13)
    (9, cjk.create_index),  # `articles_cjk`: Chinese words inside running text (issue 13)
    (11, _add_near_duplicates),  # near-duplicate copies merged into one article (issue 11)
    (12, pending.add_columns),  # failed URLs kept pending, gone and given up (issue 9)
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
