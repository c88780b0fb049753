"""A query's Chinese, Japanese and Korean words, searched in `articles_cjk`.

The index itself (which articles, its triggers) is `stdcrawl.archive.cjk`.
A query's CJK runs are searched there as substrings, every run required;
its other words go to `articles_fts` as before, so English searches never
touch this index. A run of three or more characters is a trigram MATCH; a
shorter one (most Chinese words are two characters) is a LIKE, which FTS5
answers by scanning only this index's own rows: the CJK-bearing articles.
"""

from __future__ import annotations

import re

from stdcrawl.archive.cjk import CJK_RUN, available, has_cjk

__all__ = ["available", "condition", "has_cjk", "score_sql", "search_sql", "snippet", "split_query"]

_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


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
    as `stdcrawl.research.search.BM25_WEIGHTS` weighs columns (title 10, authors 5, body 1)."""
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
