"""Run one crawl in this process: options → Scrapy settings → summary.

`stdcrawl crawl` and `stdcrawl demo` call `run_crawl`; it takes the run lock
first (so a second run exits at once, touching nothing), runs the spider
(`english` unless the options name another of SPIDER_MODULES), and returns the run's summary with the exit code cron should see
(Scrapy itself exits 0 even when a crawl failed).
"""

from __future__ import annotations

import ipaddress
import logging
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from stdcrawl.crawl import settings as default_settings
from stdcrawl.crawl.profile import site_profile
from stdcrawl.crawl.extensions import EXIT_LOCKED, EXIT_USAGE, STAT, ArchiveRun, run_summary
from stdcrawl.archive.lock import LockHeld, LockUnsupported, RunLock
from stdcrawl.archive.dbfile import ArchiveFileError, check_writable
from stdcrawl.archive.store import Archive, ArchiveError
from stdcrawl.extract.normalize import parse_since


@dataclass
class CrawlOptions:
    """What a user can ask of one crawl (the `stdcrawl crawl` options)."""

    db: Path
    base_url: str | None = default_settings.STDCRAWL_BASE_URL  # None: the site's live URL
    site: str = default_settings.STDCRAWL_SITE  # the site profile (a dotted path, or the profile)
    spider: str = "english"  # a spider of SPIDER_MODULES, by name
    sections: list[str] | None = None
    since: str | None = None
    max_pages: int | None = None
    mode: str = default_settings.STDCRAWL_MODE
    stop_after: int = default_settings.STDCRAWL_STOP_AFTER
    recheck_days: int = default_settings.STDCRAWL_RECHECK_DAYS
    jobdir: str | None = None
    log_file: str | None = None
    log_level: str = "WARNING"
    progress: float = 0  # seconds between progress lines on stderr (0: none)
    contact: str | None = None
    no_warc: bool = False
    extra_settings: dict = field(default_factory=dict)


def is_loopback(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def crawl_settings(opts: CrawlOptions) -> Settings:
    """Scrapy settings for one run: the defaults module plus the options."""
    s = Settings()
    s.setmodule(default_settings, priority="project")
    values = {
        "STDCRAWL_DB": str(opts.db),
        "STDCRAWL_SITE": opts.site,
        "STDCRAWL_BASE_URL": opts.base_url,
        "STDCRAWL_SECTIONS": ",".join(opts.sections) if opts.sections else None,
        "STDCRAWL_SINCE": opts.since,
        "STDCRAWL_MAX_LIST_PAGES": opts.max_pages,
        "STDCRAWL_MODE": opts.mode,
        "STDCRAWL_STOP_AFTER": opts.stop_after,
        "STDCRAWL_RECHECK_DAYS": opts.recheck_days,
        "STDCRAWL_LOCK_HELD": True,
        "STDCRAWL_DB_VERIFIED": True,
        "STDCRAWL_PROGRESS_SECONDS": float(opts.progress or 0),
        "STDCRAWL_WARC_ENABLED": not opts.no_warc,
        "LOG_LEVEL": opts.log_level,
        "LOG_INSTALL_ROOT_HANDLER": True,
    }
    if opts.contact:
        values["USER_AGENT"] = default_settings.user_agent(opts.contact)
    if opts.log_file:
        values["LOG_FILE"] = opts.log_file
        values["LOG_LEVEL"] = "INFO"
    if opts.jobdir:
        values["JOBDIR"] = opts.jobdir
    if opts.base_url and is_loopback(opts.base_url):
        # A local stand-in for the site (tests, demo, benchmarks): no politeness delays.
        values.update(
            DOWNLOAD_DELAY=0, AUTOTHROTTLE_ENABLED=False, CONCURRENT_REQUESTS_PER_DOMAIN=8,
            CONCURRENT_REQUESTS=16, STDCRAWL_RETRY_BACKOFF_BASE=0.2, DOWNLOAD_TIMEOUT=10,
        )
    s.setdict({k: v for k, v in values.items() if v is not None}, priority="cmdline")
    s.setdict(opts.extra_settings, priority="cmdline")
    return s


def check_options(opts: CrawlOptions) -> str | None:
    """What is wrong with the options, in a sentence, or None."""
    try:
        site = site_profile({"STDCRAWL_SITE": opts.site})
    except (ImportError, AttributeError, NameError, ValueError) as exc:
        return f"unknown site profile {opts.site!r}: {exc}"
    unknown = [x for x in opts.sections or [] if x not in site.sections]
    if unknown:
        return f"unknown section(s) {', '.join(unknown)}; known: {', '.join(site.sections)}"
    if opts.since:
        try:
            parse_since(opts.since)
        except ValueError as exc:
            return f"--since: {exc}"
    parts = urlsplit(opts.base_url or site.live_base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"--base-url must be an http(s) URL, not {opts.base_url!r}"
    if opts.mode not in ("full", "incremental"):
        return f"unknown mode {opts.mode!r}"
    return None


def run_crawl(opts: CrawlOptions) -> dict:
    """Run one crawl to its end; return its summary (see `run_summary`)."""
    started = time.monotonic()
    problem = check_options(opts)
    if problem:
        return {"status": "usage_error", "exit_code": EXIT_USAGE, "message": problem, "mode": opts.mode}
    lock = RunLock(opts.db)
    try:
        check_writable(Path(opts.db))
        lock.acquire()
    except LockHeld as exc:
        return {"status": "lock_held", "exit_code": EXIT_LOCKED, "message": str(exc), "mode": opts.mode}
    except LockUnsupported as exc:
        return {"status": "usage_error", "exit_code": EXIT_USAGE, "message": str(exc), "mode": opts.mode}
    except ArchiveFileError as exc:
        return {"status": "archive_unavailable", "exit_code": EXIT_USAGE, "message": str(exc), "mode": opts.mode}
    except OSError as exc:
        message = f"cannot create the lock file {lock.path}: {exc.strerror or exc}"
        return {"status": "archive_unavailable", "exit_code": EXIT_USAGE, "message": message, "mode": opts.mode}
    try:
        # Checked (quick_check) and migrated before Scrapy starts: a damaged
        # or unusable archive is one line and exit 2, with nothing written.
        Archive(opts.db).close()
    except ArchiveError as exc:
        lock.release()
        return {"status": "archive_unavailable", "exit_code": EXIT_USAGE, "message": str(exc), "mode": opts.mode}
    try:
        settings = crawl_settings(opts)
        process = CrawlerProcess(settings)
        if not opts.log_file and opts.log_level != "INFO":
            # A dead robots.txt is logged with a full traceback; the summary counts it instead.
            logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
        crawler = process.create_crawler(opts.spider)
        process.crawl(crawler)
        process.start()
        run = _archive_run(crawler)
        if run is not None:
            run.close_interrupted()
        try:
            stats = crawler.stats.get_stats()
        except RuntimeError:  # the crawl never started
            stats = {}
        summary = stats.get(f"{STAT}/summary") or run_summary(stats, stats.get("finish_reason", "unknown"))
    finally:
        lock.release()
    summary = dict(summary)
    summary["mode"] = opts.mode
    summary["seconds"] = round(time.monotonic() - started, 2)
    summary["db"] = str(opts.db)
    if stats.get(f"{STAT}/fatal"):
        summary["message"] = stats[f"{STAT}/fatal"]
    return summary


def _archive_run(crawler) -> ArchiveRun | None:
    """The crawl's ArchiveRun, or None when Scrapy never got as far as making it."""
    try:
        return crawler.get_extension(ArchiveRun)
    except RuntimeError:
        return None


def summary_line(summary: dict) -> str:
    """The one line an operator reads in the morning."""
    if summary.get("status") in ("lock_held", "usage_error", "archive_unavailable"):
        return f"stdcrawl: {summary['status']}: {summary.get('message', '')}"
    codes = ", ".join(f"{n}×{code}" for code, n in sorted(summary.get("status_counts", {}).items()))
    reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(summary.get("failure_reasons", {}).items()))
    return (
        f"stdcrawl: {summary.get('mode')} crawl #{summary.get('crawl_id')} {summary.get('status')} "
        f"in {summary.get('seconds', 0):.1f}s: {summary.get('requests', 0)} requests ({codes or 'no responses'}), "
        f"{summary.get('list_pages', 0)} list pages, articles {summary.get('articles_new', 0)} new / "
        f"{summary.get('articles_updated', 0)} updated / {summary.get('articles_unchanged', 0)} unchanged / "
        f"{summary.get('articles_failed', 0)} failed, {summary.get('duplicates', 0)} duplicates"
        + (f", gone {summary['gone']}" if summary.get("gone") else "")
        + (f", pending {summary['pending']}" if summary.get("pending") else "")
        + (f", given up {summary['given_up']}" if summary.get("given_up") else "")
        + (f"; failures: {reasons}" if reasons else "")
        + (f"; WARC +{summary['warc_bytes']:,} bytes ({summary.get('warc_responses', 0)} responses, "
           f"{summary.get('warc_revisits', 0)} revisits)" if summary.get("warc_bytes") else "")
        + (f"; {summary['articles_protected']} kept over worse extractions" if summary.get("articles_protected") else "")
        + (f"; {summary['message']}" if summary.get("message") else "")
        + (f"; {summary['health']['line']}" if summary.get("health") else "")
    )


def summary_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)
