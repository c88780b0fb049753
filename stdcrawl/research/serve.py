"""`stdcrawl serve`: browse an archive in Datasette, read-only.

Datasette (`pip install 'stdcrawl[serve]'`) gets a generated metadata file:
titles and descriptions of every table and column from docs/schema.md, facets
on section, year and author, the full-text search box over `articles_fts`,
and canned queries for the common questions; and `stdcrawl.research.browse`,
a plugin with templates that make the articles readable. The file is opened immutable
(Datasette never writes to it; counts are exact) unless a crawl may be
writing to it at the same time, in which case it is opened read-only (`mode=ro`)
— except in a directory that cannot be written, where only an immutable open
works (stdcrawl.archive.dbfile).
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

from stdcrawl.research.schema_doc import load_schema_doc, plain
from stdcrawl.archive.store import SCHEMA_VERSION, Archive, ArchiveError
from stdcrawl.archive.views import view_statements

DEFAULT_PORT = 8001
#: Datasette settings: facets over ~20,000 JSON author lists need more than
#: the default 200 ms; suggesting more facets costs ~1.5 s a page on 20,000
#: articles (the configured ones are there); long bodies are cut in tables.
SETTINGS = {
    "facet_time_limit_ms": 2000, "sql_time_limit_ms": 5000, "truncate_cells_html": 300, "suggest_facets": "off",
}

#: Per-table Datasette options (beyond titles and descriptions).
TABLE_OPTIONS: dict[str, dict] = {
    "articles": {
        "title": "Articles",
        "facets": ["section", {"array": "authors"}, "generation"],
        "facet_size": 5,  # the articles themselves on the first screen, the rest of a facet one click away
        "sort_desc": "published_at",
        "label_column": "title",
        "fts_table": "articles_fts",
        "fts_pk": "rowid",
    },
    "article_catalog": {
        "title": "Article catalog",
        "facets": ["section", "year", {"array": "authors"}],
        "facet_size": 5,
        "sort_desc": "published_at",
        "fts_table": "articles_fts",
        "fts_pk": "rowid",
    },
    "images": {"title": "Images", "facets": ["article_id"]},
    "related_headlines": {"title": "Related headlines (Top News)"},
    "article_urls": {"title": "Article URLs", "facets": ["relation"]},
    "article_versions": {"title": "Earlier versions of articles", "sort_desc": "replaced_at"},
    "crawls": {"title": "Crawl runs", "sort_desc": "crawl_id", "facets": ["status", "mode"]},
    "url_state": {"title": "URL fetch state", "facets": ["kind", "last_status"]},
    "articles_per_month": {"title": "Articles per month and section", "facets": ["section"]},
    "top_authors": {"title": "Most frequent authors"},
    "changed_articles": {"title": "Articles changed after publication"},
}

#: Canned queries: the common questions, one click away.
QUERIES: dict[str, dict] = {
    "search": {
        "title": "Full-text search, best matches first",
        "description": "FTS5 syntax works (satellite OR spacecraft, \"a phrase\", innov*); a query it cannot parse "
        "is searched as plain words. The title counts most, then the authors, then the body.",
        "hide_sql": True,
        "sql": """select a.title, snippet(articles_fts, -1, '**', '**', '…', 16) as snippet, a.section,
  substr(a.published_at, 1, 10) as published, a.authors, a.article_id
from articles_fts join articles a on a.rowid = articles_fts.rowid
where articles_fts match escape_fts(coalesce(nullif(trim(:q), ''), '*'))
order by bm25(articles_fts, 10.0, 1.0, 5.0)
limit 100""",
    },
    "articles_per_month_by_section": {
        "title": "Articles per month and section",
        "sql": """select substr(published_at, 1, 7) as month, section, count(*) as articles
from articles where published_at is not null
group by month, section order by month desc, articles desc""",
    },
    "articles_per_year_by_section": {
        "title": "Articles per year and section",
        "sql": """select substr(published_at, 1, 4) as year, section, count(*) as articles
from articles where published_at is not null
group by year, section order by year desc, articles desc""",
    },
    "most_frequent_authors": {
        "title": "Most frequent authors",
        "sql": """select author.value as author, count(*) as articles,
  min(substr(published_at, 1, 10)) as first, max(substr(published_at, 1, 10)) as last
from articles, json_each(articles.authors) as author
group by author.value order by articles desc limit 100""",
    },
    "changed_after_publication": {
        "title": "Articles that changed after publication",
        "sql": """select a.article_id, a.title, a.published_at, v.replaced_at, v.changed_fields,
  v.title as earlier_title, a.canonical_url
from article_versions v join articles a on a.article_id = v.article_id
where v.kind = 'earlier'
order by v.replaced_at desc""",
    },
}


#: Where the static files of `stdcrawl.research.browse` are served.
STATIC_MOUNT = "stdcrawl-static"


def build_metadata(db_name: str, doc_path: Path | None = None) -> dict:
    """Datasette metadata for a database named `db_name` (the file's stem)."""
    docs = load_schema_doc([doc_path] if doc_path else None)
    tables: dict[str, dict] = {}
    for name in list(docs) + [n for n in TABLE_OPTIONS if n not in docs]:
        doc = docs.get(name)
        entry = dict(TABLE_OPTIONS.get(name, {}))
        if doc:
            entry["description"] = plain(doc.description)
            entry["columns"] = {c.name: plain(c.meaning) for c in doc.columns}
        tables[name] = entry
    return {
        "title": "stdcrawl: Science and Technology Daily, English channel",
        "description_html": f'An archive of the English channel of stdaily.com. Read or search the '
        f'<a href="/{quote(db_name)}/articles">Articles</a> or the <a href="/{quote(db_name)}/article_catalog">Article '
        f'catalog</a>, or try the canned queries below. Read-only.',
        "source": "Science and Technology Daily (stdaily.com)",
        "source_url": "https://www.stdaily.com/English/",
        "extra_js_urls": [f"/{STATIC_MOUNT}/browse.js"],
        "extra_css_urls": [f"/{STATIC_MOUNT}/browse.css"],
        "databases": {db_name: {"tables": tables, "queries": QUERIES}},
    }


def prepare(db_path: Path) -> bool:
    """Bring an older archive's schema and views up to date before serving it;
    whether it must be served immutable (its directory cannot be written).

    Datasette only reads; the views and canned queries need the current
    schema, so an archive made by an older stdcrawl is migrated once (the
    usual writable open). A file that cannot be written is served as it is.
    """
    with Archive(db_path, readonly=True) as archive:
        current, immutable = _up_to_date(archive), archive.immutable
    if current or immutable:
        return immutable
    try:
        Archive(db_path).close()
    except ArchiveError as exc:
        print(f"stdcrawl serve: serving an older schema as it is ({exc})", file=sys.stderr)
    return False


def up_to_date(db_path: Path) -> bool:
    """Whether the archive has the current schema version and views (read-only check)."""
    with Archive(db_path, readonly=True) as archive:
        return _up_to_date(archive)


def _up_to_date(archive: Archive) -> bool:
    version = archive.db.execute("pragma user_version").fetchone()[0]
    stored = dict(archive.db.execute("select name, sql from sqlite_master where type = 'view'").fetchall())
    return version >= SCHEMA_VERSION and all(stored.get(n) == sql for n, sql in view_statements().items())


def browse_dir(name: str) -> Path:
    """A folder of `stdcrawl.research.browse`'s package data (`templates`, `static`)."""
    return Path(str(files("stdcrawl.research.browse") / name))


def datasette_args(db_path: Path, metadata: Path, host: str, port: int, live: bool, read_only_dir: bool = False) -> list[str]:
    """The `datasette serve` command line for `db_path`.

    Immutable (`-i`: exact counts, no locks) unless a crawl may be writing
    (`live`, or a write-ahead log with content); always immutable when the
    directory cannot be written, where SQLite could not open it otherwise.
    """
    wal = db_path.with_name(db_path.name + "-wal")
    live = not read_only_dir and (live or (wal.exists() and wal.stat().st_size > 0))
    args = ["serve", str(db_path)] if live else ["serve", "-i", str(db_path)]
    args += ["--host", host, "--port", str(port), "--metadata", str(metadata)]
    args += ["--static", f"{STATIC_MOUNT}:{browse_dir('static')}", "--template-dir", str(browse_dir("templates"))]
    for key, value in SETTINGS.items():
        args += ["--setting", key, str(value)]
    return args


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, live: bool = False) -> int:
    """Run Datasette on the archive until interrupted; the exit code."""
    try:
        from datasette.cli import cli as datasette_cli
    except ImportError:
        print("stdcrawl serve needs Datasette: pip install 'stdcrawl[serve]'", file=sys.stderr)
        return 2
    from datasette.plugins import pm

    from stdcrawl.research import browse

    if not pm.is_registered(browse):
        pm.register(browse, name="stdcrawl")
    db_path = Path(db_path)
    read_only_dir = prepare(db_path)
    if read_only_dir and live:
        print("stdcrawl serve: --live is not possible in a read-only directory: serving it immutable", file=sys.stderr)
    # Uvicorn stops gracefully on SIGTERM, then raises it again: let that
    # end here, so the temporary metadata is removed and the exit code is 0.
    signal.signal(signal.SIGTERM, _stop)
    with tempfile.TemporaryDirectory(prefix="stdcrawl-serve-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(build_metadata(db_path.stem), ensure_ascii=False, indent=2))
        try:
            datasette_cli.main(
                args=datasette_args(db_path, metadata, host, port, live, read_only_dir), prog_name="datasette", standalone_mode=False
            )
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
    return 0


def _stop(signum, frame) -> None:
    raise SystemExit(0)
