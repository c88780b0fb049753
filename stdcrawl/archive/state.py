"""The crawl's memory: runs (`crawls`), what each URL answered (`url_state`),
and the questions an incremental crawl asks of the archive."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from stdcrawl.extract.normalize import utc_now


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class CrawlState:
    """Runs and URL state (a part of `Archive`, which holds `self.db`)."""

    def begin_crawl(self, mode: str, base_url: str, args: dict) -> int:
        self.close_stale_crawls()
        with self.db.atomic():
            table = self.db["crawls"].insert(
                {
                    "started_at": utc_now(), "mode": mode, "status": "running", "base_url": base_url,
                    "args": _json(args), "pid": os.getpid(),
                }
            )
        return table.last_pk

    def finish_crawl(self, crawl_id: int, **fields) -> None:
        for key in ("status_counts", "failure_reasons", "stats"):
            if key in fields and not isinstance(fields[key], str):
                fields[key] = _json(fields[key])
        fields.setdefault("finished_at", utc_now())
        with self.db.atomic():
            self.db["crawls"].update(crawl_id, fields)

    def last_run_complete(self) -> bool:
        """Did the latest finished run walk every list page it meant to?

        An incremental run may stop paginating at known pages only if the run
        before it saw everything; after a killed or broken run it walks all.
        """
        row = self.db.execute(
            "select complete from crawls where status != 'running' order by crawl_id desc limit 1"
        ).fetchone()
        return bool(row and row[0])

    def close_stale_crawls(self) -> int:
        """Runs still marked 'running' when a new run holds the lock were killed."""
        with self.db.atomic():
            cursor = self.db.execute("update crawls set status = 'killed' where status = 'running'")
        return cursor.rowcount

    def known_article_url(self, canonical_url: str) -> bool:
        """Is the URL an archived article (or a known copy of one), or gone (404/410)?"""
        row = self.db.execute(
            "select 1 from article_urls where url = ? union all "
            "select 1 from url_state where url = ? and last_status in (404, 410) limit 1",
            [canonical_url, canonical_url],
        ).fetchone()
        return row is not None

    def url_state(self, url: str) -> dict | None:
        rows = list(self.db.query("select * from url_state where url = ?", [url]))
        return rows[0] if rows else None

    def known_list_urls(self) -> list[str]:
        """Canonical URLs of every list page fetched before (discovered lists included)."""
        return [r[0] for r in self.db.execute("select url from url_state where kind = 'list' order by url")]

    def recent_article_urls(self, since: datetime) -> list[dict]:
        """Articles published at or after `since`: candidates for a recheck."""
        since_utc = since.astimezone(timezone.utc).isoformat(timespec="seconds")
        return list(
            self.db.query(
                """select a.article_id, a.canonical_url, s.etag, s.last_modified
                   from articles a left join url_state s on s.url = a.canonical_url
                   where a.published_utc >= ? order by a.published_utc desc""",
                [since_utc],
            )
        )

    def _record_fetch(self, f: dict) -> None:
        """One URL's latest fetch (url, kind, status, etag, last_modified,
        content_hash, found_on, article_id, fetched_at)."""
        self.db.execute(
            """insert into url_state (url, kind, article_id, first_seen_at, last_fetched_at, last_status,
                   etag, last_modified, content_hash, found_on, fetch_count)
               values (:url, :kind, :article_id, :fetched_at, :fetched_at, :status, :etag, :last_modified,
                   :content_hash, :found_on, 1)
               on conflict(url) do update set
                   kind = excluded.kind,
                   article_id = coalesce(excluded.article_id, url_state.article_id),
                   last_fetched_at = excluded.last_fetched_at,
                   last_status = excluded.last_status,
                   etag = case when excluded.last_status = 304 then url_state.etag else excluded.etag end,
                   last_modified = case when excluded.last_status = 304 then url_state.last_modified
                                        else excluded.last_modified end,
                   content_hash = coalesce(excluded.content_hash, url_state.content_hash),
                   found_on = coalesce(url_state.found_on, excluded.found_on),
                   fetch_count = url_state.fetch_count + 1""",
            {
                "article_id": None, "etag": None, "last_modified": None, "content_hash": None,
                "found_on": None, **f,
            },
        )
        if f["kind"] == "article" and f["status"] == 304:  # a recheck: still there, unchanged
            self.db.execute(
                "update articles set last_seen_at = ? where article_id = (select article_id from article_urls where url = ?)",
                [f["fetched_at"], f["url"]],
            )
