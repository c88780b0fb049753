"""Nothing lost: failed article URLs stay pending in `url_state` until they are stored.

An article that failed (a server error after retries, a timeout, a cut or
garbled page, a hostile redirect …) is kept in `url_state` with
`state = 'pending'`, the reason and how many attempts failed in a row; a 404
or 410 is kept as `gone` (the site's state, not a crawl failure). Every run
retries the due ones, backing off across runs: the next run, then after 1,
2, 4 … days (`next_attempt_at`). After `STDCRAWL_PENDING_MAX_ATTEMPTS`
failed attempts a URL is `given_up`, listed in that run's summary, and only a
full crawl that finds it on a list tries it again. A stored article (or a
304 to a recheck) clears its URL's state.

Only article URLs are kept pending: a failed list page makes the run
incomplete, and the next incremental run walks every list page anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

#: States of `url_state.state` (NULL: nothing outstanding).
PENDING, GONE, GIVEN_UP = "pending", "gone", "given_up"


def next_attempt(now: datetime, failures: int) -> datetime | None:
    """When a URL that failed `failures` times in a row is due again:
    the next run (None), then 1, 2, 4 … days after the latest failure."""
    if failures <= 1:
        return None
    return now + timedelta(days=2 ** (failures - 2))


def add_columns(db: sqlite_utils.Database) -> None:
    """Migration: url_state's pending columns, the crawls counts, an index of outstanding URLs."""
    columns = set(db["url_state"].columns_dict)
    for name, kind in (("state", str), ("failure_reason", str), ("failures", int), ("next_attempt_at", str)):
        if name not in columns:
            db["url_state"].add_column(name, kind)
    crawl_columns = set(db["crawls"].columns_dict)
    for name in ("pending", "gone", "given_up"):
        if name not in crawl_columns:
            db["crawls"].add_column(name, int)
    db.execute("create index if not exists url_state_outstanding on url_state (state) where state is not null")
    # the known list pages, without a scan of every article URL (issue 9: 14 % of a no-change night)
    db.execute("create index if not exists url_state_lists on url_state (kind, url)")


def record(db: sqlite_utils.Database, outcomes: list[dict], now: datetime, max_attempts: int) -> list[str]:
    """Apply a batch's outcomes, in order, inside the caller's transaction.

    Each outcome is `{"url", "kind", "result": "failed"|"gone"|"ok", "reason",
    "status", "found_on", "article_id"}`. Returns the URLs given up now.
    """
    given_up = []
    now_iso = now.isoformat(timespec="seconds")
    for o in outcomes:
        if o["result"] == "ok":
            db.execute(
                "update url_state set state = null, failure_reason = null, failures = 0, next_attempt_at = null "
                "where url = ? and state is not null",
                [o["url"]],
            )
            continue
        row = db.execute("select failures from url_state where url = ?", [o["url"]]).fetchone()
        failures = (row[0] or 0) + 1 if row else 1
        state = GONE if o["result"] == "gone" else PENDING
        if failures >= max_attempts:
            state = GIVEN_UP
            given_up.append(o["url"])
        values = {
            "url": o["url"], "kind": o.get("kind") or "article", "now": now_iso, "status": o.get("status"),
            "found_on": o.get("found_on"), "article_id": o.get("article_id"), "state": state,
            "reason": o.get("reason") or ("gone" if state == GONE else "failed"), "failures": failures,
            "next": _iso(next_attempt(now, failures)),
        }
        db.execute(
            """insert into url_state (url, kind, article_id, first_seen_at, last_fetched_at, last_status, found_on,
                   fetch_count, state, failure_reason, failures, next_attempt_at)
               values (:url, :kind, :article_id, :now, :now, :status, :found_on, 1, :state, :reason, :failures, :next)
               on conflict(url) do update set
                   last_fetched_at = excluded.last_fetched_at,
                   last_status = coalesce(excluded.last_status, url_state.last_status),
                   found_on = coalesce(url_state.found_on, excluded.found_on),
                   state = excluded.state, failure_reason = excluded.failure_reason,
                   failures = excluded.failures, next_attempt_at = excluded.next_attempt_at""",
            values,
        )
    return given_up


def due(db: sqlite_utils.Database, now: datetime) -> list[dict]:
    """Pending and gone article URLs whose next attempt has come."""
    return [
        dict(zip(("url", "found_on", "etag", "last_modified"), row))
        for row in db.execute(
            """select url, found_on, null, null from url_state
               where state in ('pending', 'gone') and kind = 'article'
                 and (next_attempt_at is null or next_attempt_at <= ?)
               order by url""",
            [now.isoformat(timespec="seconds")],
        )
    ]


def waiting(db: sqlite_utils.Database, url: str) -> bool:
    """Is the URL stored, or outstanding (pending, gone, given up)? Then a list link to it is not new:
    a due one is retried from the run's start, the others wait for their time."""
    return db.execute(
        "select 1 from article_urls where url = ? union all "
        "select 1 from url_state where url = ? and (state is not null or last_status in (404, 410)) limit 1",
        [url, url],
    ).fetchone() is not None


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many URLs are outstanding, by state."""
    found = dict(db.execute("select state, count(*) from url_state where state is not null group by state").fetchall())
    return {PENDING: found.get(PENDING, 0), GONE: found.get(GONE, 0), GIVEN_UP: found.get(GIVEN_UP, 0)}


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None
