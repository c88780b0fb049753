"""Chinese, Japanese and Korean words inside running text: the `articles_cjk` index.

`articles_fts` splits text on spaces and punctuation (porter/unicode61), so
a run of Chinese characters is one token: `北京` finds `(北京)` but not
`会议在北京举行`. English articles name people, places and papers in
Chinese, and a researcher searches for those names.

`articles_cjk` is a second FTS5 index with SQLite's trigram tokenizer
(SQLite 3.34+), holding the title, body and authors of only the articles
whose text has a CJK character, kept in step by SQL triggers (any client
that writes `articles` keeps it right). A query's CJK runs are searched
there as substrings, every run required; its other words go to
`articles_fts` as before, so English searches never touch this index.
A run of three or more characters is a trigram MATCH; a shorter one (most
Chinese words are two characters) is a LIKE, which FTS5 answers by
scanning only this index's own rows: the CJK-bearing articles.
"""

from __future__ import annotations

import re
import sqlite3

import sqlite_utils

#: Han (and its extensions, radicals, compatibility forms), kana and hangul.
_RANGES = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_RANGES}]+")
#: The trigger's test for "has a CJK character" (GLOB ranges are code points).
_GLOB = f"'*[{_RANGES}]*'"
TRIGRAM_SINCE = (3, 34, 0)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


def split_query(query: str) -> tuple[list[str], str]:
    """The CJK runs of `query` (in order, once each), and the rest of it.

    The rest loses quotes and parentheses left empty by the runs taken out,
    and is '' when nothing but operator keywords remains (`北京 OR 上海`:
    the runs are all required).
    """
    terms = list(dict.fromkeys(CJK_RUN.findall(query)))
    rest = CJK_RUN.sub(" ", query)
    rest = re.sub(r'"\s*"|\(\s*\)', " ", rest)
    if not re.sub(r"\W", "", rest) or all(w in _OPERATORS for w in re.findall(r"\w+", rest)):
        rest = ""
    return terms, " ".join(rest.split())


def available(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the CJK index (SQLite without trigram has none)."""
    return conn.execute("select 1 from sqlite_master where name = 'articles_cjk'").fetchone() is not None


def condition(terms: list[str], alias: str = "a") -> tuple[str, dict]:
    """A SQL condition on the articles table `alias`: every CJK term is in its text."""
    clauses, params = [], {}
    for i, term in enumerate(terms):
        key = f"cjk{i}"
        params[f"term{i}"] = term  # for score_sql
        if len(term) >= 3:
            params[key] = f'"{term}"'
            clauses.append(f"{alias}.rowid in (select rowid from articles_cjk where articles_cjk match :{key})")
        else:
            params[key] = f"%{term}%"
            clauses.append(
                f"{alias}.rowid in (select rowid from articles_cjk where title like :{key} "
                f"or body like :{key} or authors_text like :{key})"
            )
    return " and ".join(clauses) or "1", params


def score_sql(terms: list[str], alias: str = "a") -> str:
    """A rank for CJK-only hits (smaller is better, like bm25): occurrences, weighted
    as `stdcrawl.search.BM25_WEIGHTS` weighs columns (title 10, authors 5, body 1)."""
    parts = []
    for i in range(len(terms)):
        for column, weight in (("title", 10), ("authors_text", 5), ("body", 1)):
            parts.append(
                f"{weight} * (length({alias}.{column}) - length(replace({alias}.{column}, :term{i}, ''))) / length(:term{i})"
            )
    return "-(" + " + ".join(parts) + ")"


def search_sql(where: str, terms: list[str]) -> str:
    """The ranked search for a query of CJK words only (`where`: the filters and
    `condition(terms)`); its `snippet` column is the body, cut by `snippet()`."""
    return f"""
select a.article_id, a.title, a.section, a.published_at, a.authors, a.canonical_url,
       a.body as snippet, {score_sql(terms)} as score
from articles a
where {where}
order by score, a.published_at desc
limit :limit"""


def snippet(body: str, terms: list[str], marks: tuple[str, str], width: int = 60) -> str:
    """About `width` characters of `body` around the first term, every term marked."""
    starts = [i for i in (body.find(t) for t in terms) if i >= 0]
    if not starts:
        return body[:width] + ("…" if len(body) > width else "")
    start = max(0, min(starts) - width // 2)
    end = min(len(body), start + width + max(map(len, terms)))
    text = body[start:end]
    for term in sorted(terms, key=len, reverse=True):
        text = text.replace(term, f"{marks[0]}{term}{marks[1]}")
    return ("…" if start else "") + text + ("…" if end < len(body) else "")


def create_index(db: sqlite_utils.Database) -> None:
    """Create `articles_cjk`, fill it and add its triggers (a migration).

    Without the trigram tokenizer (SQLite older than 3.34) there is no
    index, and CJK queries go to `articles_fts` as before.
    """
    if sqlite3.sqlite_version_info < TRIGRAM_SINCE:
        return
    text = "coalesce({0}.title, '') || ' ' || coalesce({0}.body, '') || ' ' || coalesce({0}.authors_text, '')"
    has = f"({text}) glob {_GLOB}"
    statements = [
        "DROP TABLE IF EXISTS articles_cjk",
        "CREATE VIRTUAL TABLE articles_cjk USING fts5(title, body, authors_text, tokenize='trigram')",
        f"""INSERT INTO articles_cjk (rowid, title, body, authors_text)
  SELECT rowid, title, body, authors_text FROM articles a WHERE {has.format('a')}""",
        "DROP TRIGGER IF EXISTS articles_cjk_ai",
        f"""CREATE TRIGGER articles_cjk_ai AFTER INSERT ON articles WHEN {has.format('new')} BEGIN
  INSERT INTO articles_cjk (rowid, title, body, authors_text) VALUES (new.rowid, new.title, new.body, new.authors_text);
END""",
        "DROP TRIGGER IF EXISTS articles_cjk_ad",
        """CREATE TRIGGER articles_cjk_ad AFTER DELETE ON articles BEGIN
  DELETE FROM articles_cjk WHERE rowid = old.rowid;
END""",
        "DROP TRIGGER IF EXISTS articles_cjk_au",
        f"""CREATE TRIGGER articles_cjk_au AFTER UPDATE OF title, body, authors_text ON articles
WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.authors_text IS NOT new.authors_text
BEGIN
  DELETE FROM articles_cjk WHERE rowid = old.rowid;
  INSERT INTO articles_cjk (rowid, title, body, authors_text)
    SELECT new.rowid, new.title, new.body, new.authors_text WHERE {has.format('new')};
END""",
    ]
    for statement in statements:  # one by one: executescript would commit the migration's transaction
        db.execute(statement)
