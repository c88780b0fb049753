"""SQL views for researchers' common questions (documented in docs/schema.md).

Views are recreated on every writable open, so changing one here is enough.
Each answers a question researchers ask of the archive without them joining
tables or unpacking JSON themselves; `stdcrawl serve` shows them in Datasette.
"""

from __future__ import annotations

import sqlite_utils

VIEWS: dict[str, str] = {
    # How much did each section publish, month by month?
    "articles_per_month": """
select substr(published_at, 1, 7) as month, section, count(*) as articles
from articles group by month, section order by month, section""",
    # Who writes most? `authors` is a JSON list: one row per (article, author).
    # `trim(…, '"')`: DuckDB runs a view's SQL itself, and its json_each
    # `value` is JSON ('"Gong Guoping"'); SQLite's is the name already.
    "top_authors": """
select trim(author.value, '"') as author, count(*) as articles,
       min(a.published_at) as first_published_at, max(a.published_at) as last_published_at
from articles a, json_each(a.authors) as author
group by 1 order by articles desc, author""",
    # Which articles were edited after we first archived them? (Every column
    # grouped: DuckDB binds a view itself and wants standard SQL.)
    "changed_articles": """
select a.article_id, a.title, a.section, a.published_at, count(v.version_id) as versions,
       min(v.replaced_at) as first_changed_at, max(v.replaced_at) as last_changed_at, a.canonical_url
from articles a join article_versions v on v.article_id = a.article_id and v.kind = 'earlier'
group by a.article_id, a.title, a.section, a.published_at, a.canonical_url
order by last_changed_at desc""",
    # One light row per article with its year, for browsing and faceting;
    # `rowid` is the article's rowid in `articles` and `articles_fts`, so the
    # full-text index can search this view too.
    "article_catalog": """
select a.title, a.published_at, a.section, a.authors, substr(a.published_at, 1, 4) as year,
       substr(a.published_at, 1, 7) as month, a.word_count, a.image_count, a.article_id,
       a.canonical_url, a.rowid as rowid
from articles a""",
}


def view_statements() -> dict[str, str]:
    """The CREATE VIEW statement of each view, as sqlite_master stores it.

    Plain identifiers, not `[name]`: DuckDB's sqlite scanner (and other
    readers of the stored SQL) rejects SQL Server-style brackets.
    """
    return {name: f"CREATE VIEW {name} as {sql.strip()}" for name, sql in VIEWS.items()}


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create every view in `VIEWS`; runs inside the schema transaction."""
    for name, statement in view_statements().items():
        db.execute(f"drop view if exists {name}")
        db.execute(statement)


def drop_views(db: sqlite_utils.Database) -> None:
    """Drop every view in `VIEWS`, however it was named (a migration: the
    views of older archives were created as `[name]`). `Archive.ensure_schema`
    creates them again after the last migration, over the final tables."""
    for name in VIEWS:
        db.execute(f"drop view if exists {name}")
