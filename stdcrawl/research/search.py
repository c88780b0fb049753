"""Full-text search over `articles_fts`: filters, safe queries, ranking, snippets.

What a user types is never pasted into SQL: the query goes to FTS5 as one
bound parameter, and every filter is a fixed SQL fragment with a bound value.
A query is first tried as FTS5 syntax (phrases, `OR`, `NEAR`, `prefix*`,
`title:` all work); when FTS5 rejects it (an unbalanced quote, a stray `AND`,
`NEAR(`), its words are searched as plain quoted terms instead, with a note
saying so. Results are ranked by bm25 with the title weighted highest.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from stdcrawl.extract import site

#: bm25 weights of the indexed columns (title, body, authors_text): a word in
#: the headline says more about an article than the same word in its body.
BM25_WEIGHTS = "10.0, 1.0, 5.0"
#: Tokens of context around the matched words in a snippet.
SNIPPET_TOKENS = 16
#: Longer queries are refused with a message, not run: FTS5 has no use for
#: ten thousand terms, and each one costs a doclist lookup (and bm25 a loop
#: over every term for every matching row: 64 common words take ~3 s on
#: 20,000 articles).
MAX_QUERY_CHARS = 2000
MAX_QUERY_WORDS = 32
#: A search still running after this long is stopped with a message.
SEARCH_SECONDS = 5.0
MODES = ("auto", "fts", "plain")

# Messages SQLite gives for a MATCH string it cannot parse (and only those:
# any other OperationalError is a real failure and propagates).
_SYNTAX_ERROR = re.compile(
    r"^(fts5: |unterminated string|no such column|unknown special query|expected integer)", re.I
)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class QueryError(ValueError):
    """A query or filter the archive cannot search for; the message says why."""


@dataclass(frozen=True)
class Filters:
    """Restrictions shared by search, `articles()` and exports.

    `section` matches the section name, any name the site showed for it
    (`"International Cooperation"` selects all of `WorldNews`) or its
    directory, ignoring case (`"Sci-Tech News"` or `"ChinaNews"`); `since`/`until` are inclusive
    Beijing-time days, months or years (`2021-11-04`, `2021-11`, `2021`);
    `author` is a case-insensitive part of any author's name.
    """

    section: str | None = None
    since: str | None = None
    until: str | None = None
    author: str | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _valid_day(value):
                raise QueryError(f"--{name} wants YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")

    def where(self, alias: str = "a") -> tuple[str, dict]:
        """A SQL condition over the articles table `alias`, and its parameters."""
        clauses, params = ["1"], {}
        if self.section:
            # any name the site ever showed for a directory selects the whole (stable) section
            clauses.append(f"({alias}.section = :section collate nocase or {alias}.section_dir = :section collate nocase"
                           f" or {alias}.section_dir = :section_dir)")
            params["section"] = self.section
            params["section_dir"] = site.section_dir_for(self.section) or None
        if self.since:
            clauses.append(f"{alias}.published_at >= :since")
            params["since"] = self.since
        if self.until:
            clauses.append(f"substr({alias}.published_at, 1, length(:until)) <= :until")
            params["until"] = self.until
        if self.author:
            clauses.append(
                f"exists (select 1 from json_each({alias}.authors) as au where instr(lower(au.value), lower(:author)) > 0)"
            )
            params["author"] = self.author
        return " and ".join(clauses), params


def _valid_day(value: str) -> bool:
    if not _DAY.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        date(*parts[:3])
    except ValueError:
        return False
    return True


def clean_query(query: str) -> str:
    """The query as valid UTF-8 without surrounding space; QueryError if unusable."""
    query = query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ").strip()
    if not query:
        raise QueryError("the search query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the search query is {len(query)} characters long; at most {MAX_QUERY_CHARS} are searched")
    if (words := len(re.findall(r"\w+", query))) > MAX_QUERY_WORDS:
        raise QueryError(f"the search query has {words} words; at most {MAX_QUERY_WORDS} are searched")
    return query


def plain_match(query: str) -> str:
    """The words of `query` as quoted FTS5 phrases: no operators, no syntax errors.

    Each whitespace-separated chunk becomes one phrase (`Guangdong's` stays
    one phrase; FTS5's tokenizer splits it into its words); quotes are
    dropped. Operator keywords typed in capitals (`AND`, `OR`, `NOT`, `NEAR`)
    are taken as stray syntax and left out, unless nothing else is left.
    """
    chunks = [" ".join(c.replace('"', " ").split()) for c in query.split()]
    chunks = [c for c in chunks if re.search(r"\w", c)]
    words = [c for c in chunks if re.sub(r"\W", "", c) not in _OPERATORS] or chunks
    if not words:
        raise QueryError(f"nothing to search for in {query[:80]!r}: it has no words")
    return " ".join(f'"{w}"' for w in words)


def resolve_match(db: sqlite3.Connection, query: str, mode: str = "auto") -> tuple[str, str | None]:
    """The MATCH string to run for `query`, and a note when it is not the query itself.

    `mode`: "fts" (FTS5 syntax; a syntax error is a QueryError), "plain"
    (words only) or "auto" (FTS5 syntax, falling back to the words).
    """
    if mode not in MODES:
        raise QueryError(f"unknown search mode {mode!r} (one of {', '.join(MODES)})")
    query = clean_query(query)
    if mode == "plain":
        return plain_match(query), None
    try:
        db.execute("select 1 from articles_fts where articles_fts match ? limit 1", [query]).fetchall()
        return query, None
    except sqlite3.OperationalError as exc:
        if not _SYNTAX_ERROR.match(str(exc)):
            raise
        if mode == "fts":
            raise QueryError(f"not a valid FTS5 query: {exc} (see docs/schema.md, 'Full-text search')") from None
        match = plain_match(query)
        return match, f"not valid FTS5 syntax ({exc}); searched for the words {match}"


@contextmanager
def time_limit(conn: sqlite3.Connection, seconds: float = SEARCH_SECONDS) -> Iterator[None]:
    """Stop the statements run inside after `seconds` with a QueryError (SQLite's progress handler)."""
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if str(exc) != "interrupted":
            raise
        raise QueryError(f"the search was stopped after {seconds:g} s: try fewer or rarer words") from None
    finally:
        conn.set_progress_handler(None, 0)


def search_sql(filters: Filters, also: tuple[str, dict] = ("1", {})) -> tuple[str, dict]:
    """The ranked search query (parameters :match, :open, :close, :limit added by the caller);
    `also`: one more condition on `a` and its parameters (CJK words, `stdcrawl.research.cjk`)."""
    where, params = filters.where("a")
    where = f"{where} and {also[0]}"
    params.update(also[1])
    sql = f"""
select a.article_id, a.title, a.section, a.published_at, a.authors, a.canonical_url,
       snippet(articles_fts, -1, :open, :close, '…', {SNIPPET_TOKENS}) as snippet,
       bm25(articles_fts, {BM25_WEIGHTS}) as score
from articles_fts join articles a on a.rowid = articles_fts.rowid
where articles_fts match :match and {where}
order by score, a.published_at desc
limit :limit"""
    return sql, params


#: Columns of `stdcrawl search --format csv`, in order.
HIT_COLUMNS = ("rank", "article_id", "published_at", "section", "title", "authors", "canonical_url", "snippet", "score")


def render_hits(hits: list[dict], fmt: str, out: TextIO) -> None:
    """Write search hits as `table` (for people), `json` (an array) or `csv`."""
    if fmt == "json":
        json.dump(hits, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(HIT_COLUMNS)
        for hit in hits:
            writer.writerow(["; ".join(hit[c]) if c == "authors" else hit[c] for c in HIT_COLUMNS])
    else:
        for hit in hits:
            day = (hit["published_at"] or "")[:10] or "----------"
            out.write(f"{hit['rank']:3d}. {day}  {hit['section'] or '-'}  |  {hit['title']}\n")
            out.write(f"     {'; '.join(hit['authors']) or '-'}  {hit['canonical_url']}\n")
            out.write(f"     {hit['snippet']}\n")
