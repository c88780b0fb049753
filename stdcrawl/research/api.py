"""The archive for notebooks: open it, search it, iterate its articles as dicts.

    from stdcrawl.research.api import open_archive
    with open_archive("demo.db") as archive:
        for hit in archive.search("Guangdong", since="2021"):
            print(hit["title"], hit["snippet"])
        rows = list(archive.articles(section="Comment"))

The archive is opened read-only: nothing here can change the file. A copy in
a directory the user cannot write is read as an immutable file (SQLite
`immutable=1`; `archive.immutable` is true and a warning is logged). The
`stdcrawl search` and `stdcrawl export` commands are thin wrappers over this.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from stdcrawl.research import cjk
from stdcrawl.research.search import SEARCH_SECONDS, Filters, clean_query, resolve_match, search_sql, time_limit
from stdcrawl.archive.store import JSON_COLUMNS, Archive, ArchiveError

#: Article columns not handed out: `images_json` becomes `images`, and
#: `authors_text` only feeds the full-text index (it is `authors` joined).
_HIDDEN = ("authors_text",)
_RELATED = """(select json_group_array(json_object('title', r.title, 'summary', r.summary, 'url', r.url))
   from (select title, summary, url from related_headlines
         where article_id = a.article_id order by position) as r) as related"""


class SearchResults(list):
    """Ranked hits (dicts); `.match` is what FTS5 ran, `.note` says why it differs from the query."""

    def __init__(self, hits: list[dict], match: str, note: str | None):
        super().__init__(hits)
        self.match = match
        self.note = note


class ArchiveReader:
    """A read-only view of one archive file. Use from one thread; close when done."""

    def __init__(self, path: str | Path):
        self._archive = Archive(path, readonly=True)
        self.db = self._archive.db
        self.path = self._archive.path
        #: opened as an immutable file because its directory cannot be written (logged as a warning)
        self.immutable = self._archive.immutable
        try:
            names = set(self.db.table_names())
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ArchiveError(f"cannot open the archive {path}: {exc}") from None
        if not {"articles", "articles_fts"} <= names:
            self.close()
            raise ArchiveError(f"{path} is not a stdcrawl archive (no articles table or full-text index)")

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fields(self) -> list[tuple[str, str]]:
        """(name, kind) of each key of an article dict, in order.

        Kinds: text, integer, real, strings (a list of str), images (a list of
        {src, caption}), related (a list of {title, summary, url}).
        """
        fields = []
        for column in self.db["articles"].columns:
            if column.name in _HIDDEN:
                continue
            if column.name == "images_json":
                fields.append(("images", "images"))
            elif column.name in JSON_COLUMNS:
                fields.append((column.name, "strings"))
            else:
                fields.append((column.name, {"INTEGER": "integer", "FLOAT": "real", "REAL": "real"}.get(column.type.upper(), "text")))
        return fields + [("related", "related")]

    def search(
        self, query: str, *, section: str | None = None, since: str | None = None, until: str | None = None,
        author: str | None = None, limit: int = 20, mode: str = "auto", highlight: tuple[str, str] = ("**", "**"),
        timeout: float = SEARCH_SECONDS,
    ) -> SearchResults:
        """Articles matching `query`, best first, each with a `snippet` whose matches are in `highlight`.

        Raises QueryError (a ValueError) with a readable message for an
        unusable query or filter, or a search still running after `timeout`
        seconds; see `stdcrawl.research.search` for the query syntax.
        """
        filters = Filters(section, since, until, author)
        hits = []
        with time_limit(self.db.conn, timeout):
            terms, rest = self._split_cjk(query)
            if terms and not rest:  # CJK words only: the trigram index alone
                match, note = " ".join(terms), None
                where, params = filters.where("a")
                also, also_params = cjk.condition(terms)
                sql = cjk.search_sql(f"{where} and {also}", terms)
                params.update(also_params)
            else:
                match, note = resolve_match(self.db.conn, rest, mode)
                sql, params = search_sql(filters, cjk.condition(terms))
                params.update(match=match, open=highlight[0], close=highlight[1])
            params["limit"] = max(int(limit), 0)
            for rank, row in enumerate(self.db.query(sql, params), 1):
                text = cjk.snippet(row["snippet"], terms, highlight) if terms and not rest else row["snippet"]
                row.update(authors=json.loads(row["authors"] or "[]"), snippet=" ".join(text.split()))
                hits.append({"rank": rank, **row})
        return SearchResults(hits, match, note)

    def articles(
        self, *, query: str | None = None, section: str | None = None, since: str | None = None,
        until: str | None = None, author: str | None = None, limit: int | None = None, mode: str = "auto",
    ) -> Iterator[dict]:
        """Every article (or those matching `query` and the filters), oldest first, streamed.

        One cursor, one row at a time: iterating a large archive takes
        constant memory. Lists and nested records are decoded.
        """
        where, params = self._where(query, mode, Filters(section, since, until, author))
        sql = f"select a.*, {_RELATED} from articles a where {where} order by a.published_at, a.article_id"
        if limit is not None:
            sql += " limit :limit"
            params["limit"] = max(int(limit), 0)
        for row in self.db.query(sql, params):
            yield self._decode(row)

    def get(self, article_id: str) -> dict | None:
        """One article by its id (`g3-1925612`) or by any URL it was seen at."""
        row = self.db.execute(
            "select coalesce((select article_id from article_urls where url = :id), :id)", {"id": article_id}
        ).fetchone()
        rows = list(self.db.query(f"select a.*, {_RELATED} from articles a where a.article_id = ?", [row[0]]))
        return self._decode(rows[0]) if rows else None

    def count(
        self, *, query: str | None = None, section: str | None = None, since: str | None = None,
        until: str | None = None, author: str | None = None, mode: str = "auto",
    ) -> int:
        """How many articles `articles()` would yield with the same arguments."""
        where, params = self._where(query, mode, Filters(section, since, until, author))
        return self.db.execute(f"select count(*) from articles a where {where}", params).fetchone()[0]

    def _where(self, query: str | None, mode: str, filters: Filters) -> tuple[str, dict]:
        where, params = filters.where("a")
        if query is not None:
            terms, rest = self._split_cjk(query)
            if rest:
                params["match"], _ = resolve_match(self.db.conn, rest, mode)
                where += " and a.rowid in (select rowid from articles_fts where articles_fts match :match)"
            also, also_params = cjk.condition(terms)
            where += f" and {also}"
            params.update(also_params)
        return where, params

    def _split_cjk(self, query: str) -> tuple[list[str], str]:
        """CJK words for `articles_cjk` and the rest of `query` for `articles_fts`
        (all of it, when the archive has no CJK index)."""
        if not cjk.has_cjk(query) or not cjk.available(self.db.conn):
            return [], query
        clean_query(query)  # the same limits and messages as any query
        return cjk.split_query(query)

    @staticmethod
    def _decode(row: dict) -> dict:
        article = {}
        for key, value in row.items():
            if key in _HIDDEN:
                continue
            if key == "images_json":
                article["images"] = json.loads(value or "[]")
            elif key in JSON_COLUMNS or key == "related":
                article[key] = json.loads(value or "[]")
            else:
                article[key] = value
        return article


def open_archive(path: str | Path) -> ArchiveReader:
    """Open the archive file at `path` read-only (ArchiveError if it is not one)."""
    return ArchiveReader(path)
