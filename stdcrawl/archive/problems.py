"""Pages the extractor could not read well: kept, listed, and re-extracted after a fix.

Three kinds of problem land in `extraction_problems` (docs/schema.md), one
row per URL, each with the run, the reason and the page's template signature:

- `missing_title`, `missing_body`: the page gave no article (the crawl's
  `ExtractPipeline`);
- `anchors_missing`: a page of a generation that always shows the Source line
  (`SiteProfile.generations_with_source_line`) was stored without one (the
  extractor marks the article: `extract/health.anchors_missing`);
- `worse_than_stored`: a re-fetched page extracted with fields the stored
  article has and the new one lacks, or a body that shrank by half or grew by
  page chrome. The stored article is kept as it was (the new capture is in
  the WARC) — `Archive._store_article` asks `worse_than` before writing.

A page that later extracts well (in a crawl or `stdcrawl reparse --problems`)
leaves the table.
"""

from __future__ import annotations

PROBLEM_COLUMNS = ("url", "article_id", "crawl_id", "reason", "detail", "template", "first_seen_at", "last_seen_at")


def worse_than(stored: dict, new: dict) -> list[str]:
    """What a new extraction lost against the stored one (both `articles` rows):
    empty when it is as good (a real correction changes text, not fields)."""
    lost = []
    if stored["authors"] not in (None, "", "[]") and new["authors"] in (None, "", "[]"):
        lost.append("authors")
    if stored["published_precision"] == "second" and new["published_precision"] != "second":
        lost.append("time")
    for name in ("source", "section", "editor"):
        if stored[name] and not new[name]:
            lost.append(name)
    if (stored["image_count"] or 0) > 0 and not new["image_count"]:
        lost.append("images")
    old_body, new_body = stored["body"] or "", new["body"] or ""
    if len(new_body) < len(old_body) / 2:
        lost.append("body shrank")
    elif old_body and old_body in new_body and len(new_body) - len(old_body) >= len(old_body) / 2:
        lost.append("body grew by page chrome")
    return lost


def problem_row(article: dict, crawl_id: int | None, reason: str, detail: str, now: str) -> dict:
    """An `extraction_problems` row for an (extracted or refused) article."""
    return {
        "url": article.get("canonical_url") or article.get("url"), "article_id": article.get("article_id") or None,
        "crawl_id": crawl_id, "reason": reason, "detail": detail, "template": article.get("template") or "",
        "first_seen_at": now, "last_seen_at": now,
    }


UPSERT_SQL = """insert into extraction_problems (url, article_id, crawl_id, reason, detail, template, first_seen_at, last_seen_at)
    values (:url, :article_id, :crawl_id, :reason, :detail, :template, :first_seen_at, :last_seen_at)
    on conflict(url) do update set article_id = excluded.article_id, crawl_id = excluded.crawl_id,
        reason = excluded.reason, detail = excluded.detail, template = excluded.template,
        last_seen_at = excluded.last_seen_at"""


def create_table(db) -> None:
    """Migration: `extraction_problems` (one open problem per URL)."""
    db["extraction_problems"].create(
        {"url": str, "article_id": str, "crawl_id": int, "reason": str, "detail": str, "template": str,
         "first_seen_at": str, "last_seen_at": str},
        pk="url", if_not_exists=True,
    )
    db["extraction_problems"].create_index(["crawl_id"], if_not_exists=True)
