"""What `stdcrawl serve` adds to Datasette so that a researcher can read the archive.

A Datasette plugin (registered by `stdcrawl.research.serve`, not installed
for other Datasette runs) with templates and static files shipped as
package data:

- the `articles` table page lists what a reader scans (headline, date,
  section, authors, the start of the text or the context of the search,
  the link), and every column is one click away (`?_view=all`);
- each article has a page of its own: headline, metadata, the body as
  paragraphs, its images with captions, Top News, earlier versions;
- the home page lists the canned queries;
- `**…**` in snippets is highlighted, JSON lists of names are names;
- the table search box speaks FTS5 as `stdcrawl search` does
  (`satellite OR spacecraft`, phrases, prefixes), falling back to plain
  words when FTS5 cannot parse the query, and finds Chinese words inside
  running text through `articles_cjk` (`stdcrawl.research.cjk`): such a
  search is handed from Datasette's `_search` to `_stdcrawl_search`, which
  this plugin answers, since Datasette's own search knows one index only.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import urllib.parse
from importlib.resources import files

import markupsafe
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_fts as datasette_escape_fts
from datasette.utils import escape_sqlite, tilde_encode, urlsafe_components

from stdcrawl.research import cjk
from stdcrawl.research.search import QueryError, resolve_match

TEMPLATES = files(__name__) / "templates"
STATIC = files(__name__) / "static"
#: Query-string switch to Datasette's own page (every column).
ALL = ("_view", "all")
#: Columns holding JSON lists of names, shown as lists.
LIST_COLUMNS = ("authors", "breadcrumb", "extraction_notes", "changed_fields")
#: Characters of body shown in the articles list.
EXCERPT_CHARS = 180
#: Tables whose search box searches the articles, and the argument a search with CJK words moves to.
SEARCHED = ("articles", "article_catalog")
CJK_ARG = "_stdcrawl_search"
_MARKED = re.compile(r"\*\*(.+?)\*\*", re.S)
_local = threading.local()


def _fts_checker() -> sqlite3.Connection:
    """An empty in-memory `articles_fts` (same columns and tokenizer) to test queries on, one per thread."""
    if not hasattr(_local, "conn"):
        _local.conn = sqlite3.connect(":memory:")
        _local.conn.execute(
            "create virtual table articles_fts using fts5(title, body, authors_text, tokenize='porter')"
        )
    return _local.conn


def escape_fts(query: str) -> str:
    """Datasette's `escape_fts`, as `stdcrawl search` reads a query: FTS5 syntax
    when it parses, its words as plain terms when it does not."""
    try:
        return resolve_match(_fts_checker(), query or "")[0]
    except QueryError:
        return datasette_escape_fts(query or "")


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so this one is the one registered
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


def marked(text: str) -> markupsafe.Markup:
    """`**word**` as a highlighted word, everything else escaped."""
    return markupsafe.Markup(_MARKED.sub(r"<mark>\1</mark>", str(markupsafe.escape(text))))


def names(value) -> list[str] | None:
    """A JSON list of strings, or None when `value` is not one."""
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    return items if isinstance(items, list) and all(isinstance(i, str) for i in items) else None


def author_links(datasette, database: str, authors: list[str]) -> markupsafe.Markup:
    """Each author linked to their articles."""
    base = datasette.urls.table(database, "articles")
    links = [
        f'<a href="{base}?{urllib.parse.urlencode({"authors__arraycontains": a})}">{markupsafe.escape(a)}</a>'
        for a in authors
    ]
    return markupsafe.Markup(", ".join(links))


#: Tables and views whose `title` is an article's (canned queries too: table None).
ARTICLE_TITLES = (None, "articles", "article_catalog", "changed_articles")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column == "snippet" and isinstance(value, str):
        return marked(value)
    if column == "title" and table in ARTICLE_TITLES and isinstance(value, str) and "article_id" in row.keys():
        url = datasette.urls.row(database, "articles", tilde_encode(str(row["article_id"])))
        return markupsafe.Markup(f'<a href="{url}">{markupsafe.escape(value)}</a>')
    if column in LIST_COLUMNS and (items := names(value)) is not None:
        if column == "authors":
            return author_links(datasette, database, items) if items else markupsafe.Markup("&nbsp;")
        return ", ".join(items) or markupsafe.Markup("&nbsp;")
    return None


def excerpt(body: str | None, search: str | None = None, chars: int = EXCERPT_CHARS) -> markupsafe.Markup:
    """The start of `body`, or, when searching, the text around the first word searched for, marked."""
    body = " ".join((body or "").split())
    words = [w for w in re.findall(r"\w+", search or "") if w not in ("AND", "OR", "NOT", "NEAR")]
    start = 0
    if words:
        found = re.search("|".join(_word_start(w) for w in words), body, re.I)
        if found and found.start() > chars // 3:
            start = body.rfind(" ", 0, found.start() - chars // 3) + 1
    end = body.find(" ", start + chars)
    text = body[start:] if end < 0 else body[start:end]
    html = str(markupsafe.escape(text))
    if words:
        html = re.sub(
            "(" + "|".join(_word_start(w) + ("" if cjk.has_cjk(w) else r"\w*") for w in words) + ")",
            r"<mark>\1</mark>", html, flags=re.I,
        )
    return markupsafe.Markup(("… " if start else "") + html + (" …" if end >= 0 else ""))


def _word_start(word: str) -> str:
    """A regex for `word` where a search finds it: at a word's start, anywhere for CJK."""
    return re.escape(word) if cjk.has_cjk(word) else rf"\b{re.escape(word)}"


def day(timestamp: str | None, precision: str | None = "second") -> str:
    """`2021-11-04T09:49:22+08:00` as `2021-11-04 09:49` (the site's own clock);
    only the day (or month) when the page gave no more (`published_precision`)."""
    cut = {"day": 10, "month": 7}.get(precision or "second", 16)
    return (timestamp or "")[:cut].replace("T", " ")


def host(url: str | None) -> str:
    """The site an article's link goes to, as a reader names it: `stdaily.com`."""
    name = urllib.parse.urlsplit(url or "").hostname or ""
    return name.removeprefix("www.")


def paragraphs(body: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body or "") if p.strip()]


@hookimpl
def prepare_jinja2_environment(env):
    env.filters.update(
        stdcrawl_cells=lambda row: {cell["column"]: cell for cell in row},
        stdcrawl_excerpt=excerpt,
        stdcrawl_day=day,
        stdcrawl_host=host,
        stdcrawl_paragraphs=paragraphs,
        stdcrawl_names=lambda value: names(value) or [],
        stdcrawl_tilde=tilde_encode,
    )


def reading_view(request) -> bool:
    """Whether a table page shows the reader's columns: not when asked for all
    of them or for columns of one's own choosing (`_col`, `_nocol`)."""
    args = request.args
    return args.get(ALL[0]) != ALL[1] and "_col" not in args and "_nocol" not in args


async def article_page(datasette, database: str, article_id: str) -> dict | None:
    """Everything the article's page shows, or None when there is no such article."""
    db = datasette.get_database(database)

    async def rows(sql: str) -> list[dict]:
        return [dict(r) for r in (await db.execute(sql, [article_id])).rows]

    found = await rows("select * from articles where article_id = ?")
    if not found:
        return None
    return {
        "article": found[0],
        "images": await rows("select position, src, caption from images where article_id = ? order by position"),
        "related": await rows("select title, summary, url from related_headlines where article_id = ? order by position"),
        "versions": await rows(
            "select version_id, replaced_at, title, changed_fields from article_versions "
            "where article_id = ? and kind = 'earlier' order by replaced_at desc"
        ),
        "other_urls": await rows(
            "select url, relation from article_urls where article_id = ? and relation != 'canonical' order by url"
        ),
    }


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    async def inner():
        if table != "articles" or request is None:
            return {}
        if view_name == "table":
            return {"stdcrawl_reading": reading_view(request), "stdcrawl_all_url": ALL}
        if view_name == "row" and request.args.get(ALL[0]) != ALL[1]:
            (article_id,) = urlsafe_components(request.url_vars["pks"])[:1] or [None]
            page = await article_page(datasette, database, article_id)
            return {"stdcrawl_page": page} if page else {}
        return {}

    return inner


def route_cjk_search(path: str, query_string: bytes) -> bytes:
    """The query string with a CJK `_search` of an article table moved to `CJK_ARG`
    (and a stale `CJK_ARG`, kept by Datasette's form, dropped when `_search` is given)."""
    if not re.search(r"/(articles|article_catalog)(\.\w+)?$", path):
        return query_string
    args = urllib.parse.parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    searched = [v for k, v in args if k == "_search"]
    if not searched:
        return query_string
    args = [(k, v) for k, v in args if k != CJK_ARG]
    if cjk.has_cjk(searched[-1]):
        args = [(CJK_ARG if k == "_search" else k, v) for k, v in args]
    return urllib.parse.urlencode(args).encode("latin-1")


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def routed(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                scope = dict(scope, query_string=route_cjk_search(scope.get("path", ""), scope["query_string"]))
            await app(scope, receive, send)

        return routed

    return wrap


@hookimpl
def filters_from_request(request, database, table, datasette):
    """Answer a search moved to `CJK_ARG`: CJK words in `articles_cjk`, the rest in `articles_fts`."""
    query = request.args.get(CJK_ARG)
    if not query or table not in SEARCHED:
        return None

    async def inner():
        db = datasette.get_database(database)
        terms, rest = cjk.split_query(query) if await db.table_exists("articles_cjk") else ([], query)
        where, params = cjk.condition(terms, escape_sqlite(table))
        clauses = [where]
        if rest:
            clauses.append("rowid in (select rowid from articles_fts where articles_fts match escape_fts(:stdcrawl_rest))")
            params["stdcrawl_rest"] = rest
        return FilterArguments(clauses, params, [f'search matches "{query}"'], {"search": query})

    return inner
