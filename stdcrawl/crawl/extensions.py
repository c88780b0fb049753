"""Crawl-wide extensions: the archive run (database, lock, crawls row, write
batches) and the progress lines.

`ArchiveRun` is the one owner of the open archive during a crawl: the spider
asks it what the archive knows, the store pipeline hands it articles, and it
writes them in batches, each batch one transaction together with the URL
fetch records of the same pages. Its `crawls` row is opened when the spider
opens and closed, with the run's counts, when it closes.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from stdcrawl.archive import drift, pending, problems
from stdcrawl.archive.lock import LockHeld, LockUnsupported, RunLock
from stdcrawl.archive.store import Archive, ArchiveError, resolve_db_path
from stdcrawl.clock import get_clock
from stdcrawl.crawl.profile import site_profile
from stdcrawl.extract.health import HealthTally
from stdcrawl.extract.normalize import utc_now

logger = logging.getLogger(__name__)

#: Stats keys of stdcrawl's own counters.
STAT = "stdcrawl"


class ArchiveRun:
    """Opens the archive, takes the run lock, records the run in `crawls`."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = resolve_db_path(settings.get("STDCRAWL_DB"))
        self.batch_size = settings.getint("STDCRAWL_BATCH_SIZE")
        self.batch_seconds = settings.getfloat("STDCRAWL_BATCH_SECONDS")
        self.mode = settings.get("STDCRAWL_MODE")
        self.site = site_profile(settings)
        self.lock = None if settings.getbool("STDCRAWL_LOCK_HELD") else RunLock(self.db_path)
        self.verified = settings.getbool("STDCRAWL_DB_VERIFIED")  # run_crawl ran quick_check already
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.pending_articles: list[dict] = []
        self.pending_fetches: list[dict] = []
        self.deferred_fetches: list[dict] = []  # list pages: written only if the run completes
        self.pending_list_items: list[dict] = []  # which list page showed which article
        self.pending_captures: list[dict] = []  # `captures` rows of WARC records (capture.py)
        self.pending_outcomes: list[dict] = []  # failed, gone and recovered URLs (pending.py)
        self.max_attempts = settings.getint("STDCRAWL_PENDING_MAX_ATTEMPTS")
        self.given_up: list[str] = []
        # what section inference must look at when the run closes: everything after a full
        # run (None); after an incremental one, the lists it parsed and the articles it stored
        self.touched_lists: set[str] | None = None if self.mode == "full" else set()
        self.stored_urls: set[str] = set()
        self.pending_problems: list[dict] = []  # `extraction_problems` rows of pages that gave no article
        # the run's field health, judged at the end against the archive's history (archive/drift.py)
        self.health = HealthTally(settings.getint("STDCRAWL_HEALTH_BODY_FLOOR"), self.site)
        self.thresholds = health_thresholds(settings)
        self.known_templates: set[str] = set()
        self.warc = None  # the run's WarcWriter (capture.py): synced before each batch, closed at the end
        self._flusher = None
        self.failed_to_open: str | None = None
        self.previous_complete = False
        self.first_run = False  # no run recorded before: nothing to catch up on
        self.closed = False
        self.store_error: str | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        """Opens the archive; a CloseSpider raised here closes the run with its reason."""
        self.open()

    def open(self) -> Archive:
        """Open the archive (once). Raises CloseSpider when it cannot be had."""
        if self.archive is not None:
            return self.archive
        if self.failed_to_open:
            raise CloseSpider(self.failed_to_open)
        try:
            if self.lock:
                self.lock.acquire()
            self.archive = Archive(self.db_path, verify=not self.verified)
        except (LockHeld, LockUnsupported, ArchiveError, OSError) as exc:
            self.failed_to_open = "lock_held" if isinstance(exc, LockHeld) else "archive_unavailable"
            logger.error("%s", exc)
            self.crawler.stats.set_value(f"{STAT}/fatal", str(exc))
            self.crawler.stats.set_value(f"{STAT}/fatal_reason", self.failed_to_open)
            raise CloseSpider(self.failed_to_open) from exc
        settings = self.crawler.settings
        args = {
            k: settings.get(k)
            for k in ("STDCRAWL_BASE_URL", "STDCRAWL_SECTIONS", "STDCRAWL_SINCE", "STDCRAWL_MAX_LIST_PAGES",
                      "STDCRAWL_STOP_AFTER", "STDCRAWL_RECHECK_DAYS")
            if settings.get(k) is not None
        }
        self.previous_complete = self.archive.last_run_complete()
        self.first_run = self.archive.count("crawls") == 0
        self.known_templates = drift.known_templates(self.archive.db)
        base_url = settings.get("STDCRAWL_BASE_URL") or self.site.live_base_url
        self.crawl_id = self.archive.begin_crawl(self.mode, base_url, args)
        self.crawler.stats.set_value(f"{STAT}/crawl_id", self.crawl_id)
        self._flusher = task.LoopingCall(self.flush)
        self._flusher.start(self.batch_seconds, now=False)
        return self.archive

    # --- batched writes ---------------------------------------------------------

    def add_article(self, article: dict) -> None:
        if not article.get("duplicate_of"):
            self.health.add(article)
        self.pending_articles.append(article)
        if len(self.pending_articles) >= self.batch_size:
            self.flush()

    def add_fetch(self, fetch: dict, *, at_end: bool = False) -> None:
        (self.deferred_fetches if at_end else self.pending_fetches).append(fetch)

    def add_list_items(self, list_url: str, article_urls: list[str], seen_at: str) -> None:
        if article_urls and self.touched_lists is not None:
            self.touched_lists.add(list_url)
        self.pending_list_items.extend(
            {"list_url": list_url, "article_url": url, "position": i, "seen_at": seen_at}
            for i, url in enumerate(article_urls)
        )

    def add_problem(self, article: dict, reason: str) -> None:
        """A page that gave no article (ExtractPipeline): counted and listed in `extraction_problems`."""
        self.health.add_unreadable(article)
        self.pending_problems.append(problems.problem_row(article, self.crawl_id, reason, "", utc_now()))

    def add_capture(self, capture: dict) -> None:
        self.pending_captures.append(capture)

    def add_outcome(self, url: str, result: str, **fields) -> None:
        """A URL failed (`failed`), is gone (404/410) or answered as it should (`ok`): see pending.py."""
        self.pending_outcomes.append({"url": url, "result": result, **fields})

    def flush(self) -> None:
        if self.archive is None or not (
            self.pending_articles or self.pending_fetches or self.pending_captures or self.pending_list_items
            or self.pending_outcomes or self.pending_problems
        ):
            return
        if self.store_error:
            return
        articles, fetches, captures = self.pending_articles, self.pending_fetches, self.pending_captures
        list_items, problem_rows, outcomes = self.pending_list_items, self.pending_problems, self.pending_outcomes
        self.pending_articles, self.pending_fetches, self.pending_captures = [], [], []
        self.pending_list_items, self.pending_problems, self.pending_outcomes = [], [], []
        # failures first: a URL stored in the same batch is no longer pending
        outcomes = outcomes + [{"url": a["canonical_url"], "result": "ok"} for a in articles]
        if self.touched_lists is not None:
            self.stored_urls.update(a["canonical_url"] for a in articles)
        try:
            if captures and self.warc is not None:
                self.warc.sync()  # the records are on disk before the rows pointing at them commit
            with self.archive.db.atomic():
                counts = self.archive.write_batch(articles, fetches, self.crawl_id, captures, list_items, problem_rows)
                given_up = pending.record(self.archive.db, outcomes, get_clock().now(), self.max_attempts)
        except (sqlite3.Error, OSError) as exc:
            # The batch's transaction rolled back: nothing half-written. A crawl
            # that cannot store stops rather than fetching for nothing; the next
            # run fetches these pages again.
            self.store_error = f"writing to the archive failed: {exc}"
            logger.error("%s; stopping the crawl", self.store_error)
            stats = self.crawler.stats
            stats.set_value(f"{STAT}/fatal", self.store_error)
            stats.set_value(f"{STAT}/fatal_reason", "store_failed")
            stats.inc_value(f"{STAT}/failed/store_batch", len(articles) or 1)
            if self.crawler.engine is not None and self.crawler.engine.spider is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))
            return
        stats = self.crawler.stats
        for url in given_up:
            logger.warning("given up after %d failed attempts: %s", self.max_attempts, url)
        self.given_up.extend(given_up)
        for outcome, n in counts.items():
            if n:
                stats.inc_value(f"{STAT}/articles/{outcome}", n)

    # --- close ------------------------------------------------------------------

    def close_interrupted(self) -> None:
        """Record a run Scrapy stopped without closing the spider (a second
        Ctrl-C stops the reactor at once): what was stored is counted, and the
        row ends `interrupted` instead of staying `running`."""
        if self.archive is not None and not self.closed:
            self.spider_closed(None, "interrupted")

    def spider_closed(self, spider, reason):
        if self._flusher is not None and self._flusher.running:
            self._flusher.stop()
        if self.archive is None or self.closed:
            return
        self.closed = True
        try:
            if reason == "finished":
                self.pending_fetches.extend(self.deferred_fetches)
            self.flush()
            report = None
            if not self.store_error:
                lists = articles = None
                if self.touched_lists is not None:  # incremental: what this run touched
                    lists = self.touched_lists | self.archive.lists_showing(self.stored_urls)
                    articles = self.stored_urls
                self.crawler.stats.set_value(f"{STAT}/sections_from_list", self.archive.infer_sections(self.site, lists, articles))
                outstanding = pending.counts(self.archive.db)
                self.crawler.stats.set_value(f"{STAT}/pending_total", outstanding[pending.PENDING])
                self.crawler.stats.set_value(f"{STAT}/given_up_urls", list(self.given_up))
                report = self._assess_health()
            summary = run_summary(self.crawler.stats.get_stats(), reason)
            if report is not None:
                apply_health(summary, report)
            self.crawler.stats.set_value(f"{STAT}/summary", summary)
            try:
                self.archive.finish_crawl(
                    self.crawl_id,
                    status=summary["status"],
                    exit_code=summary["exit_code"],
                    **{k: summary[k] for k in RUN_COLUMNS},
                    stats={k: v for k, v in self.crawler.stats.get_stats().items() if k != f"{STAT}/summary"},
                    **(drift.crawls_columns(report) if report is not None else {}),
                )
            except sqlite3.Error as exc:  # the summary still reaches the operator
                logger.error("could not record the run in crawls: %s", exc)
        finally:
            # each step on its own: a WARC file that cannot be flushed (full disk) must not keep the lock
            for step in (self.warc.close if self.warc is not None else None, self.archive.close,
                         self.lock.release if self.lock else None):
                try:
                    if step is not None:
                        step()
                except (OSError, sqlite3.Error) as exc:
                    logger.error("closing the run: %s", exc)

    def _assess_health(self):
        """The run's field health against the archive's history (archive/drift.py), or None if it cannot be had."""
        try:
            return drift.assess_run(
                self.archive, self.crawl_id, self.health, self.known_templates, self.thresholds,
                protected=self.crawler.stats.get_value(f"{STAT}/articles/protected", 0),
                today=get_clock().today(self.site.timezone),
            )
        except sqlite3.Error as exc:  # health is a report on the run, never a reason to lose it
            logger.error("could not assess the run's extraction health: %s", exc)
            return None


def health_thresholds(settings) -> drift.Thresholds:
    """The drift alarm's thresholds from the STDCRAWL_HEALTH_* settings."""
    return drift.Thresholds(
        min_articles=settings.getint("STDCRAWL_HEALTH_MIN_ARTICLES"),
        history_runs=settings.getint("STDCRAWL_HEALTH_HISTORY_RUNS"),
        drop_ratio=settings.getfloat("STDCRAWL_HEALTH_DROP_RATIO"),
        max_p=settings.getfloat("STDCRAWL_HEALTH_MAX_P"),
        max_worse=settings.getint("STDCRAWL_HEALTH_MAX_WORSE"),
        silent_days=settings.getint("STDCRAWL_HEALTH_SILENT_DAYS"),
    )


def apply_health(summary: dict, report) -> None:
    """Put the health verdict in the summary; an alarm takes exit code 3 (EXIT_SITE_CHANGED)."""
    summary["health"] = report.to_dict()
    if report.status == "alarm" and summary["exit_code"] in (EXIT_OK, EXIT_FAILURES):
        summary["status"], summary["exit_code"] = "health_alarm", EXIT_SITE_CHANGED


RUN_COLUMNS = (
    "requests", "responses", "list_pages", "articles_new", "articles_updated", "articles_unchanged",
    "articles_failed", "duplicates", "dropped", "bad_pages", "complete", "status_counts", "failure_reasons",
    "pending", "gone", "given_up",
)

#: Exit codes of `stdcrawl crawl` (README "Exit codes"); 3: the extraction health alarm (archive/drift.py).
EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75
EXIT_SITE_CHANGED = 3


def run_summary(stats: dict, reason: str) -> dict:
    """The run's counts, status and exit code, from Scrapy's and stdcrawl's stats."""
    prefix = "downloader/response_status_count/"
    status_counts = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
    failures = {
        k[len(f"{STAT}/failed/"):]: v for k, v in stats.items() if k.startswith(f"{STAT}/failed/")
    }
    for key, n in stats.items():
        if key.startswith("spider_exceptions/"):
            failures[f"exception_{key.split('/', 1)[1]}"] = n
    robots_errors = sum(v for k, v in stats.items() if k.startswith("robotstxt/exception_count"))
    if robots_errors:
        failures["robots_txt"] = robots_errors
    dropped = {k[len(f"{STAT}/dropped/"):]: v for k, v in stats.items() if k.startswith(f"{STAT}/dropped/")}
    articles_failed = sum(v for k, v in failures.items() if not k.startswith(("list", "robots"))) + sum(dropped.values())
    bad_pages = sum(failures.values()) + sum(dropped.values())
    reason = stats.get(f"{STAT}/fatal_reason") or reason
    if reason == "lock_held":
        status, code = "lock_held", EXIT_LOCKED
    elif reason == "archive_unavailable":
        status, code = "failed", EXIT_USAGE
    elif reason != "finished":
        status, code = reason, EXIT_FAILURES
    elif bad_pages:
        status, code = "finished_with_failures", EXIT_FAILURES
    else:
        status, code = "ok", EXIT_OK
    return {
        "crawl_id": stats.get(f"{STAT}/crawl_id"),
        "mode": stats.get(f"{STAT}/mode", ""),
        "status": status,
        "exit_code": code,
        "finish_reason": reason,
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "list_pages": stats.get(f"{STAT}/list_pages", 0),
        "articles_new": stats.get(f"{STAT}/articles/new", 0),
        "articles_updated": stats.get(f"{STAT}/articles/updated", 0),
        "articles_unchanged": stats.get(f"{STAT}/articles/unchanged", 0) + stats.get(f"{STAT}/articles/not_modified", 0),
        "articles_protected": stats.get(f"{STAT}/articles/protected", 0),
        "articles_failed": articles_failed,
        "duplicates": stats.get(f"{STAT}/articles/duplicate", 0) + stats.get(f"{STAT}/dropped_duplicate", 0)
        + stats.get(f"{STAT}/articles/near_duplicate", 0),
        "near_duplicates": stats.get(f"{STAT}/articles/near_duplicate", 0),  # lightly edited copies (archive/near_duplicates.py)
        "dropped": sum(dropped.values()),
        "not_an_article": dropped.get("not_an_article", 0),  # soft 404s: pages at article URLs that are no article
        "bad_pages": bad_pages,
        "complete": int(reason == "finished" and not stats.get(f"{STAT}/list_failed", 0)),
        "status_counts": status_counts,
        "failure_reasons": {**{f"dropped/{k}": v for k, v in dropped.items()}, **failures},
        # pending.py: article URLs still to be fetched after this run, gone this run, given up this run
        "pending": stats.get(f"{STAT}/pending_total", 0),
        "gone": stats.get(f"{STAT}/articles/gone", 0),
        "given_up": len(stats.get(f"{STAT}/given_up_urls") or []),
        "given_up_urls": list(stats.get(f"{STAT}/given_up_urls") or []),
        # WARC capture (capture.py): bytes added and records by type
        "warc_bytes": stats.get(f"{STAT}/warc/bytes", 0),
        "warc_responses": stats.get(f"{STAT}/warc/response", 0),
        "warc_revisits": stats.get(f"{STAT}/warc/revisit", 0),
    }


class Progress:
    """Progress lines on stderr while a crawl runs (STDCRAWL_PROGRESS_SECONDS)."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("STDCRAWL_PROGRESS_SECONDS")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider):
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self):
        s = self.crawler.stats.get_stats()
        elapsed = time.monotonic() - self.started
        print(
            f"[stdcrawl] {elapsed:5.0f}s  pages fetched {s.get('downloader/response_count', 0)}"
            f"  list pages {s.get(f'{STAT}/list_pages', 0)}"
            f"  articles stored {s.get(f'{STAT}/articles/new', 0)} new"
            f" / {s.get(f'{STAT}/articles/updated', 0)} updated"
            f"  failures {s.get(f'{STAT}/list_failed', 0) + sum(v for k, v in s.items() if k.startswith(f'{STAT}/failed/') or k.startswith(f'{STAT}/dropped/'))}",
            file=sys.stderr,
            flush=True,
        )

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
