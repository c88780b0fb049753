"""Read-only reports over an archive: what `stdcrawl stats` prints."""

from __future__ import annotations

from pathlib import Path

from stdcrawl.archive.store import Archive


def archive_stats(db_path: str | Path) -> dict:
    """Articles per section and per year, the date range, and the last runs."""
    with Archive(db_path, readonly=True) as archive:
        db = archive.db
        q = lambda sql: [dict(r) for r in db.query(sql)]  # noqa: E731
        return {
            "articles": archive.count("articles"),
            "images": archive.count("images"),
            "versions": archive.count("article_versions"),
            "per_section": q(
                "select coalesce(nullif(section, ''), '(none)') as section, count(*) as articles "
                "from articles group by 1 order by 2 desc, 1"
            ),
            "per_year": q(
                "select substr(published_at, 1, 4) as year, count(*) as articles "
                "from articles group by 1 order by 1"
            ),
            "date_range": q("select min(published_at) as first, max(published_at) as last from articles")[0],
            "last_crawls": q(
                "select crawl_id, mode, status, started_at, finished_at, articles_new, articles_updated, "
                "articles_failed from crawls order by crawl_id desc limit 5"
            ),
            **_outstanding(db, q),
        }


def _outstanding(db, q) -> dict:
    """Article URLs still to be fetched (pending.py): counts by state and the ones given up."""
    if "state" not in db["url_state"].columns_dict:  # an archive from before schema 12, opened read-only
        return {"outstanding": {}, "given_up": []}
    return {
        "outstanding": {r["state"]: r["urls"] for r in q(
            "select state, count(*) as urls from url_state where state is not null group by 1 order by 1")},
        "given_up": q("select url, failure_reason, failures, last_fetched_at from url_state "
                      "where state = 'given_up' order by url limit 50"),
    }


def format_stats(stats: dict) -> str:
    lines = [f"{stats['articles']} articles, {stats['images']} images, {stats['versions']} earlier versions"]
    rng = stats["date_range"]
    lines.append(f"published {rng['first'] or '-'} … {rng['last'] or '-'}")
    lines.append("per section:")
    lines += [f"  {r['articles']:6d}  {r['section']}" for r in stats["per_section"]]
    lines.append("per year:")
    lines += [f"  {r['articles']:6d}  {r['year']}" for r in stats["per_year"]]
    if stats["last_crawls"]:
        lines.append("last crawls:")
        lines += [
            f"  #{r['crawl_id']} {r['mode']:<11} {r['status']:<22} {r['started_at']}  "
            f"+{r['articles_new'] or 0} new, {r['articles_updated'] or 0} updated, {r['articles_failed'] or 0} failed"
            for r in stats["last_crawls"]
        ]
    if stats.get("outstanding"):
        lines.append("outstanding URLs: " + ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in stats["outstanding"].items()))
        lines += [f"  given up: {r['url']} ({r['failure_reason']}, {r['failures']} attempts)" for r in stats["given_up"]]
    return "\n".join(lines)
