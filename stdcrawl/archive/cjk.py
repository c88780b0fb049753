"""Chinese, Japanese and Korean words inside running text: the `articles_cjk` index.

`articles_fts` splits text on spaces and punctuation (porter/unicode61), so
a run of Chinese characters is one token: `北京` finds `(北京)` but not
`会议在北京举行`. English articles name people, places and papers in
Chinese, and a researcher searches for those names.

`articles_cjk` is a second FTS5 index with SQLite's trigram tokenizer
(SQLite 3.34+), holding the title, body and authors of only the articles
whose text has a CJK character, kept in step by SQL triggers (any client
that writes `articles` keeps it right). Created by a migration
(`stdcrawl.archive.schema`); `stdcrawl.research.cjk` searches it.
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


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


def available(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the CJK index (SQLite without trigram has none)."""
    return conn.execute("select 1 from sqlite_master where name = 'articles_cjk'").fetchone() is not None


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
