"""The archive: one SQLite file, written through sqlite-utils; here, its
articles and their versions.

Tables (documented for researchers in docs/schema.md, checked by a test):
`articles`, `images`, `related_headlines`, `article_urls`, `article_versions`,
`url_state`, `crawls`, `captures` (the WARC index, docs/warc.md), plus the
`articles_fts` full-text index. The schema is
created or migrated on open; `PRAGMA user_version` holds its version.

All writes of one batch happen in one transaction, so a crash (even SIGKILL)
leaves either the whole batch or none of it, and the WAL journal keeps
readers going while a crawl writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from stdcrawl import EXTRACTOR_VERSION
from stdcrawl.archive import dbfile, near_duplicates
from stdcrawl.archive.image_links import link_images
from stdcrawl.extract.items import VERSIONED_FIELDS
from stdcrawl.extract.normalize import utc_now
from stdcrawl.extract.site import STDAILY_ENGLISH
from stdcrawl.archive import problems
from stdcrawl.archive.captures import CapturesIndex
from stdcrawl.archive.sections import SectionInference
from stdcrawl.archive.schema import MIGRATIONS, SCHEMA_VERSION  # noqa: F401  (imported from here)
from stdcrawl.archive.state import CrawlState, _json
from stdcrawl.archive.views import create_views

DEFAULT_DB = "stdcrawl.db"

#: Article columns that are JSON lists in the database.
JSON_COLUMNS = ("breadcrumb", "authors", "extraction_notes")
#: Columns compared to tell an updated article from an unchanged one.
COMPARED_COLUMNS = (
    "title", "source", "section", "section_label", "section_dir", "breadcrumb", "published_raw", "published_at",
    "author_raw", "byline_raw", "authors", "body", "editor", "images_json",
)


def resolve_db_path(cli_value: str | None = None) -> Path:
    """`--db`, then `STDCRAWL_DB`, then `./stdcrawl.db`."""
    return Path(cli_value or os.environ.get("STDCRAWL_DB") or DEFAULT_DB)


def content_hash(article: dict) -> str:
    """Hash of what a reader sees: title and body."""
    return hashlib.sha256(f"{article['title']}\n\n{article['body']}".encode()).hexdigest()[:32]


def fingerprint(article: dict) -> str:
    """Same story, same fingerprint: the G2 and G3 copies of one article share
    title, timestamp and body; only their breadcrumb and URL differ."""
    key = f"{article['title'].casefold()}|{article.get('published_at') or ''}|{article['body']}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def keep_inferred_section(article: dict, section: str, section_dir: str, notes: list[str]) -> dict:
    """The article, keeping the section the archive inferred from its lists
    (`Archive.infer_sections`, `section_from_list`) when its page still shows
    none; a re-extraction must not lose it. Returns a new dict when it changes."""
    if article["section"] or "section_from_list" not in notes:
        return article
    return {
        **article, "section": section, "section_dir": section_dir,
        "extraction_notes": sorted(set(article["extraction_notes"]) - {"no_section"} | {"section_from_list"}),
    }


class ArchiveError(RuntimeError):
    """The database cannot be opened or written (path, permissions, corruption)."""


class Archive(CrawlState, CapturesIndex, SectionInference):
    """A stdcrawl archive file. Open one per process; use from one thread.

    This module holds the articles and their versions; the crawl's memory is
    `state.py`, the captures index `captures.py`, the schema and its
    migrations `schema.py`.
    """

    #: Keep a stored article over a re-fetched page that extracts worse
    #: (problems.worse_than). A plain `stdcrawl reparse` turns it off: there
    #: the operator applies a changed extractor on purpose (after `--dry-run`).
    protect_better = True

    def __init__(self, path: str | Path, *, readonly: bool = False, verify: bool = True):
        """Open (or create) the archive; `readonly` never writes (stdcrawl.archive.dbfile says how).

        A writable open runs `PRAGMA quick_check` before writing anything,
        unless the file is as the last checked close left it
        (`dbfile.unchanged_since_check`) or `verify` is false (the caller
        checked the same file already).
        """
        self.path = Path(path)
        #: read without locks, as an immutable file (a read-only directory; dbfile.connect_readonly)
        self.immutable = False
        #: whether this open ran quick_check (not when the file is unchanged since the last one)
        self.checked = False
        self._checked_at: str | None = None  # the file was known good then: stamped at close
        try:
            if readonly:
                conn, self.immutable = dbfile.connect_readonly(self.path)
                self.db = sqlite_utils.Database(conn)
            else:
                dbfile.check_writable(self.path)
                unchanged = dbfile.unchanged_since_check(self.path)
                self.db = sqlite_utils.Database(self.path)
                if verify and not unchanged:
                    dbfile.quick_check(self.db.conn, self.path)
                    self.checked = True
                    self._checked_at = utc_now()
                else:
                    self._checked_at = dbfile.last_check(self.path) if unchanged else utc_now()
                self.db.execute("PRAGMA busy_timeout = 10000")
                if self.db.journal_mode != "wal":
                    self.db.enable_wal()
                self.db.execute("PRAGMA synchronous = NORMAL")
                self.ensure_schema()
        except dbfile.ArchiveFileError as exc:
            self._close_quietly()
            raise ArchiveError(str(exc)) from None
        except sqlite3.Error as exc:
            self._close_quietly()
            raise ArchiveError(dbfile.describe_error(self.path, exc)) from None

    def _close_quietly(self) -> None:
        self._checked_at = None
        db = getattr(self, "db", None)
        if db is not None:
            db.close()

    def close(self) -> None:
        self.db.close()
        if self._checked_at is not None:
            dbfile.record_check(self.path, self._checked_at)
            self._checked_at = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- schema ----------------------------------------------------------------

    def ensure_schema(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        with self.db.atomic():
            for target, migrate in MIGRATIONS:
                if version < target:
                    migrate(self.db)
                    self.db.execute(f"PRAGMA user_version = {target}")
            create_views(self.db)

    # --- what the crawl knows ------------------------------------------------------

    def article_with_fingerprint(self, fp: str) -> str | None:
        row = self.db.execute("select article_id from articles where fingerprint = ?", [fp]).fetchone()
        return row[0] if row else None

    def count(self, table: str) -> int:
        return self.db.execute(f"select count(*) from [{table}]").fetchone()[0]

    # --- writes ----------------------------------------------------------------------

    def write_batch(self, articles: Iterable[dict], fetches: Iterable[dict], crawl_id: int | None,
                    captures: Iterable[dict] = (), list_items: Iterable[dict] = (),
                    problem_rows: Iterable[dict] = ()) -> dict:
        """Store articles, URL fetch records, WARC capture rows, list
        memberships (list_url, article_url, position, seen_at) and
        `extraction_problems` rows (problems.py) in one transaction.

        Returns counts: new, updated, unchanged, duplicate, near_duplicate
        (a lightly edited copy kept with its story), protected (a worse
        extraction that left the stored article as it was).
        """
        counts = {"new": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "near_duplicate": 0, "protected": 0}
        articles, captures = list(articles), list(captures)
        with self.db.atomic():
            new_rows: dict[str, dict] = {}  # new articles, inserted together below
            for article in articles:
                counts[self._store_article(article, crawl_id, new_rows)] += 1
            self._insert_articles(list(new_rows.values()))
            for fetch in fetches:
                self._record_fetch(fetch)
            self.db["captures"].insert_all(captures)
            self.db.conn.executemany(
                """insert into list_items (list_url, article_url, position, first_seen_at, last_seen_at)
                   values (:list_url, :article_url, :position, :seen_at, :seen_at)
                   on conflict(list_url, article_url) do update set
                       position = excluded.position, last_seen_at = excluded.last_seen_at""",
                list_items,
            )
            self.db.conn.executemany(problems.UPSERT_SQL, problem_rows)
            link_images(self.db.conn, (a["article_id"] for a in articles if not a.get("duplicate_of")), captures)
        return counts

    def _store_article(self, a: dict, crawl_id: int | None, new_rows: dict[str, dict] | None = None) -> str:
        """Write one article; a new one's row goes into `new_rows` (if given) for `_insert_articles`."""
        db = self.db
        now = utc_now()
        fp = fingerprint(a)
        if a.get("duplicate_of"):
            self._alias(a["canonical_url"], a["duplicate_of"], "duplicate", now)
            return "duplicate"
        if new_rows and a["article_id"] in new_rows:  # the same article twice in one batch: the first is stored first
            self._insert_articles(list(new_rows.values()))
            new_rows.clear()
        existing = self._row("select * from articles where article_id = ?", a["article_id"])
        if existing is None:
            copy_of = self._copy_owner(a) or self.near_duplicate_of(a, (new_rows or {}).values())
            if copy_of is not None:
                self._keep_copy(a, copy_of, crawl_id, now)
                return "near_duplicate"
        row = {
            "article_id": a["article_id"], "canonical_url": a["canonical_url"], "url": a["url"],
            "generation": a["generation"], "section": a["section"], "section_label": a.get("section_label", ""),
            "section_dir": a["section_dir"],
            "breadcrumb": _json(a["breadcrumb"]), "title": a["title"], "source": a["source"],
            "published_raw": a["published_raw"], "published_at": a["published_at"],
            "published_utc": a["published_utc"], "published_precision": a["published_precision"],
            "author_raw": a["author_raw"], "byline_raw": a["byline_raw"], "authors": _json(a["authors"]),
            "authors_text": "; ".join(a["authors"]), "body": a["body"], "editor": a["editor"],
            "word_count": a["word_count"], "image_count": len(a["images"]),
            "images_json": _json(a["images"]), "extraction_notes": _json(a["extraction_notes"]),
            "content_hash": content_hash(a), "fingerprint": fp, "title_key": near_duplicates.title_key(a["title"]),
            "extractor_version": a.get("extractor_version", EXTRACTOR_VERSION),
            "fetched_at": a["fetched_at"], "last_seen_at": now, "crawl_id": crawl_id,
            "site": a.get("site", STDAILY_ENGLISH.name),
            "template": a.get("template") or None,
        }
        if existing is None:
            row.update(first_seen_at=now, last_changed_at=now)
            if new_rows is None:
                self._insert_articles([row])
            else:
                new_rows[a["article_id"]] = row
            outcome = "new"
        else:
            kept = keep_inferred_section(
                a, existing["section"], existing["section_dir"], json.loads(existing["extraction_notes"] or "[]")
            )
            if kept is not a:
                row.update(section=kept["section"], section_dir=kept["section_dir"],
                           extraction_notes=_json(kept["extraction_notes"]))
            lost = problems.worse_than(existing, row) if self.protect_better else []
            if lost:  # keep the better stored article; the page stays in the WARC and is listed
                db.conn.execute(problems.UPSERT_SQL, problems.problem_row(
                    a, crawl_id, "worse_than_stored", "lost: " + ", ".join(lost), now))
                db.conn.execute("update articles set last_seen_at = ? where article_id = ?", [now, a["article_id"]])
                return "protected"
            changed = [c for c in COMPARED_COLUMNS if existing[c] != row[c]]
            versioned = [c for c in VERSIONED_FIELDS if existing[c] != row[c]]
            if versioned:
                db["article_versions"].insert(
                    {
                        "article_id": existing["article_id"], "replaced_at": now, "crawl_id": crawl_id,
                        "title": existing["title"], "body": existing["body"], "authors": existing["authors"],
                        "published_at": existing["published_at"], "content_hash": existing["content_hash"],
                        "extractor_version": existing["extractor_version"], "changed_fields": _json(changed),
                        "url": existing["canonical_url"], "kind": "earlier",
                    }
                )
            if changed or existing["extractor_version"] != row["extractor_version"]:
                row["last_changed_at"] = now if changed else existing["last_changed_at"]
                db["articles"].update(a["article_id"], row)
                outcome = "updated" if changed else "unchanged"
            else:
                db["articles"].update(
                    a["article_id"], {"last_seen_at": now, "fetched_at": a["fetched_at"], "url": a["url"],
                                      "crawl_id": crawl_id, "template": row["template"]}
                )
                outcome = "unchanged"
        aid = a["article_id"]
        conn = db.conn
        conn.execute("delete from images where article_id = ?", [aid])
        conn.executemany(
            "insert into images (article_id, position, src, caption) values (?, ?, ?, ?)",
            [(aid, i, img.get("src"), img.get("caption")) for i, img in enumerate(a["images"])],
        )
        conn.execute("delete from related_headlines where article_id = ?", [aid])
        conn.executemany(
            "insert into related_headlines (article_id, position, title, summary, url, seen_at) values (?, ?, ?, ?, ?, ?)",
            [(aid, i, rel.get("title"), rel.get("summary"), rel.get("url"), a["fetched_at"])
             for i, rel in enumerate(a["related"])],
        )
        self._alias(a["canonical_url"], aid, "canonical", now)
        if a.get("anchors_missing"):
            conn.execute(problems.UPSERT_SQL, problems.problem_row(a, crawl_id, "anchors_missing", "no Source line", now))
        else:
            conn.execute("delete from extraction_problems where url = ?", [a["canonical_url"]])
        return outcome

    def near_duplicate_of(self, a: dict, pending: Iterable[dict] = ()) -> dict | None:
        """The article of the same site, stored or among `pending` (articles or
        rows not yet written), that `a` is a lightly edited copy of
        (near_duplicates.py), or None. Candidates share its normalized title
        and day: one range of the (title_key, published_at) index, a handful
        of rows at most."""
        day = near_duplicates.day_of(a.get("published_at"), a.get("published_precision"))
        if day is None:
            return None
        key = near_duplicates.title_key(a["title"])
        site = a.get("site", STDAILY_ENGLISH.name)
        candidates = list(self.db.query(
            """select article_id, canonical_url, title, body, authors, published_at, published_precision,
                      content_hash, extractor_version
               from articles where title_key = ? and published_at between ? and ? and site = ?""",
            [key, day, day + "Z", site],  # every ISO time of that day sorts between these
        ))
        candidates += [r for r in pending
                       if (r["published_at"] or "")[:10] == day and near_duplicates.title_key(r["title"]) == key
                       and r.get("site", STDAILY_ENGLISH.name) == site]
        best = near_duplicates.best_copy(a, candidates)
        if best is None:
            return None
        return next(c for c in candidates if c["article_id"] == best[0])

    def _copy_owner(self, a: dict) -> dict | None:
        """The article `a`'s URL already leads to as a copy: once a copy, always
        one, even after its story was corrected out of resemblance."""
        return self._row(
            """select a.article_id, a.title, a.body from article_urls u join articles a on a.article_id = u.article_id
               where u.url = ? and u.article_id != ?""",
            a["canonical_url"], a["article_id"],
        )

    def _keep_copy(self, a: dict, twin: dict, crawl_id: int | None, now: str) -> None:
        """A near-duplicate copy: its URL leads to `twin`, its text is kept in
        `article_versions` (kind `copy`) unless that same text is there already."""
        self._alias(a["canonical_url"], twin["article_id"], "near_duplicate", now)
        digest = content_hash(a)
        seen = self.db.execute(
            "select 1 from article_versions where article_id = ? and url = ? and content_hash = ? limit 1",
            [twin["article_id"], a["canonical_url"], digest],
        ).fetchone()
        if seen:
            return
        mine = {"title": a["title"], "body": a["body"], "authors": _json(a["authors"]), "published_at": a["published_at"]}
        self.db["article_versions"].insert({
            "article_id": twin["article_id"], "replaced_at": now, "crawl_id": crawl_id, **mine,
            "content_hash": digest, "extractor_version": a.get("extractor_version", EXTRACTOR_VERSION),
            "changed_fields": _json([k for k in VERSIONED_FIELDS if mine[k] != twin[k]]),
            "url": a["canonical_url"], "kind": "copy",
        })

    def _insert_articles(self, rows: list[dict]) -> None:
        """New article rows (same keys), many to a statement.

        The FTS5 insert trigger makes SQLite open a statement savepoint, and
        FTS5 writes its pending index out as a new segment at each one: one
        row a statement made ≈ 2× the index work of sqlite-utils' multi-row
        `insert_all`. sqlite-utils' `insert()` also inspects the table on
        every call. So: plain multi-row INSERTs, at most 999 values each.
        """
        if not rows:
            return
        columns = tuple(rows[0])
        per_statement = max(1, 999 // len(columns))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start: start + per_statement]
            self.db.conn.execute(
                _insert_sql("articles", columns, len(chunk)), [row[c] for row in chunk for c in columns]
            )

    def _alias(self, url: str, article_id: str, relation: str, now: str) -> None:
        self.db.execute(
            "insert into article_urls (url, article_id, relation, first_seen_at) values (?, ?, ?, ?) "
            "on conflict(url) do nothing",
            [url, article_id, relation, now],
        )

    def _row(self, sql: str, *params) -> dict | None:
        cursor = self.db.execute(sql, list(params))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row))



@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    """`insert into table (columns…) values (?, …), …` for `rows` rows."""
    values = "(" + ", ".join("?" * len(columns)) + ")"
    return f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) values {', '.join([values] * rows)}"
