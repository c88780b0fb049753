"""The `stdcrawl` command: a thin face over the library.

Each subcommand parses its options and calls one library function that the
tests call too. Exit codes (README "Exit codes"): 0 success, 1 finished with
failures, 2 usage or configuration error, 3 the extraction health alarm (the
site changed; `probe`: an unhealthy sample), 75 another run holds the lock.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sqlite3
import sys
from pathlib import Path

from stdcrawl import __version__
from stdcrawl.crawl import settings as defaults
from stdcrawl.crawl.extensions import EXIT_OK, EXIT_USAGE
from stdcrawl.archive.store import resolve_db_path


def _number_at_least(kind: type, minimum: int, what: str):
    """An argparse type: a number of `kind` that is `minimum` or more (never NaN)."""

    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {value!r}") from None
        if not number >= minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more: {value}")
        return number

    return parse


_non_negative_int = _number_at_least(int, 0, "a whole number")
_non_negative_float = _number_at_least(float, 0, "a number")
_positive_int = _number_at_least(int, 1, "a whole number")


def _setting(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with an upper-case setting name, not {value!r}")
    return name, setting


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="archive file (default: $STDCRAWL_DB, then ./stdcrawl.db)")


def cmd_crawl(args) -> int:
    from stdcrawl.crawl.runner import CrawlOptions, run_crawl, summary_json, summary_line

    interactive = sys.stderr.isatty()
    opts = CrawlOptions(
        db=resolve_db_path(args.db),
        base_url=args.base_url,
        sections=[s for s in (args.sections or "").split(",") if s] or None,
        since=args.since,
        max_pages=args.max_pages,
        mode="incremental" if args.incremental else "full",
        stop_after=args.stop_after,
        recheck_days=args.recheck_days,
        jobdir=args.jobdir,
        log_file=args.log_file,
        log_level="INFO" if args.verbose else ("WARNING" if interactive else "ERROR"),
        progress=args.progress_seconds if interactive and not args.quiet else 0,
        contact=args.contact,
        no_warc=args.no_warc,
        no_images=args.no_images,
        extra_settings=dict(args.set or []),
    )
    summary = run_crawl(opts)
    silent = args.quiet and summary["exit_code"] == EXIT_OK  # -q wins over --summary-json: cron mails nothing
    if silent:
        return EXIT_OK
    if args.summary_json:
        print(summary_json(summary))
    else:
        print(summary_line(summary), file=sys.stderr if summary["exit_code"] else sys.stdout)
    return summary["exit_code"]


def cmd_demo(args) -> int:
    from stdcrawl.demo import DEMO_FAILURES_NOTE, EXAMPLE_SQL, run_demo
    from stdcrawl.archive.store import Archive, ArchiveError
    from stdcrawl.research.reports import archive_stats, format_stats
    from stdcrawl.crawl.runner import summary_line

    db = Path(args.db or "demo.db")
    try:
        Archive(db).close()  # a bad --db is one line, before any "Serving …"
    except ArchiveError as exc:
        print(f"stdcrawl demo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Serving the fixture site on 127.0.0.1 and crawling it into {db} …", file=sys.stderr)
    try:
        summary = run_demo(db, progress=2.0 if sys.stderr.isatty() else 0)
    except FileNotFoundError as exc:
        print(f"stdcrawl demo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if summary.get("crawl_id") is None:
        print(summary_line(summary), file=sys.stderr)
        return summary["exit_code"]
    print(summary_line(summary))
    print(DEMO_FAILURES_NOTE)
    print()
    print(format_stats(archive_stats(db)))
    print()
    bindir = Path(os.path.relpath(Path(sys.executable).parent))
    print("Try it yourself:")
    print(f"  {bindir / 'sqlite-utils'} {db} \"{' '.join(EXAMPLE_SQL.split())}\" --table")
    print(f"  {bindir / 'stdcrawl'} search Guangdong --db {db}")
    # The fixture site holds broken pages on purpose: counted, not fatal.
    return EXIT_OK if summary["exit_code"] in (0, 1) else summary["exit_code"]


def cmd_extract(args) -> int:
    from stdcrawl.extract.page import NotAnArticle, article_from_bytes

    try:
        body = Path(args.path).read_bytes()
    except OSError as exc:
        print(f"stdcrawl extract: cannot read {args.path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    try:
        article = article_from_bytes(body, args.url, content_type=args.content_type)
    except NotAnArticle as exc:
        print(f"stdcrawl extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    json.dump(article, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return EXIT_OK


def cmd_stats(args) -> int:
    from stdcrawl.research.reports import archive_stats, format_stats
    from stdcrawl.archive.store import ArchiveError

    try:
        stats = archive_stats(resolve_db_path(args.db))
    except ArchiveError as exc:
        print(f"stdcrawl stats: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return EXIT_OK


def _filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--section", help="section name or directory, e.g. 'Sci-Tech News' or ChinaNews")
    parser.add_argument("--since", help="from this day, month or year on (YYYY[-MM[-DD]], 'yesterday', '7 days ago'; Beijing time)")
    parser.add_argument("--until", help="up to this day, month or year, inclusive (same forms as --since)")
    parser.add_argument("--author", help="part of an author's name, any case")


def _filters(args) -> dict:
    return {"section": args.section, "since": args.since, "until": args.until, "author": args.author}


def cmd_search(args) -> int:
    from stdcrawl.research.api import open_archive
    from stdcrawl.research.export import stdout_may_close
    from stdcrawl.research.search import QueryError, render_hits
    from stdcrawl.archive.store import ArchiveError

    bold = args.format == "table" and sys.stdout.isatty()
    try:
        with open_archive(resolve_db_path(args.db)) as archive:
            hits = archive.search(
                args.query, **_filters(args), limit=args.limit, mode=args.mode,
                highlight=("\033[1m", "\033[0m") if bold else ("**", "**"),
            )
    except (ArchiveError, QueryError) as exc:
        print(f"stdcrawl search: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if hits.note or not hits:
        print(f"stdcrawl search: {hits.note or 'no articles match'}", file=sys.stderr)
    with stdout_may_close():
        render_hits(hits, args.format, sys.stdout)
    return EXIT_OK


def cmd_export(args) -> int:
    from stdcrawl.research.api import open_archive
    from stdcrawl.research.export import ExportError, export
    from stdcrawl.research.search import QueryError
    from stdcrawl.archive.store import ArchiveError

    try:
        with open_archive(resolve_db_path(args.db)) as archive:
            count = export(archive, args.format, args.out, force=args.force, query=args.query, **_filters(args))
    except (ArchiveError, ExportError, QueryError) as exc:
        print(f"stdcrawl export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.out != "-":
        print(f"{count} articles written to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args) -> int:
    from stdcrawl.research.serve import serve
    from stdcrawl.archive.store import ArchiveError

    try:
        return serve(resolve_db_path(args.db), host=args.host, port=args.port, live=args.live)
    except ArchiveError as exc:
        print(f"stdcrawl serve: {exc}", file=sys.stderr)
        return EXIT_USAGE


def cmd_reparse(args) -> int:
    from stdcrawl.crawl.extensions import EXIT_FAILURES, EXIT_LOCKED
    from stdcrawl.archive.lock import LockHeld, LockUnsupported
    from stdcrawl.archive.reparse import reparse
    from stdcrawl.archive.reparse_jobs import default_jobs
    from stdcrawl.archive.store import ArchiveError

    try:
        report = reparse(resolve_db_path(args.db), since=args.since, article_id=args.article_id, dry_run=args.dry_run,
                         jobs=args.jobs or default_jobs(), problems=args.problems)
    except LockHeld as exc:
        print(f"stdcrawl reparse: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (ArchiveError, LockUnsupported, ValueError) as exc:
        print(f"stdcrawl reparse: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.format())
    left = (report.listed_problems or 0) - report.cleared_problems if not args.dry_run else 0
    return EXIT_FAILURES if report.problems or left else EXIT_OK


def cmd_warc_check(args) -> int:
    from stdcrawl.crawl.extensions import EXIT_FAILURES
    from stdcrawl.archive.store import ArchiveError
    from stdcrawl.archive.warc import check_captures

    try:
        report = check_captures(resolve_db_path(args.db))
    except ArchiveError as exc:
        print(f"stdcrawl warc check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(report.format(), file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILURES


def cmd_health(args) -> int:
    from stdcrawl.research.healthreport import archive_health, format_text, render_html
    from stdcrawl.archive.store import ArchiveError

    try:
        health = archive_health(resolve_db_path(args.db), runs=args.runs)
    except ArchiveError as exc:
        print(f"stdcrawl health: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.html:
        try:
            Path(args.html).write_text(render_html(health), encoding="utf-8")
        except OSError as exc:
            print(f"stdcrawl health: cannot write {args.html}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
        print(f"health page written to {args.html}", file=sys.stderr)
    elif args.json:
        print(json.dumps(health, ensure_ascii=False, indent=2))
    else:
        print(format_text(health))
    return EXIT_OK


def cmd_probe(args) -> int:
    from stdcrawl.crawl.probe import probe_json, run_probe
    from stdcrawl.crawl.runner import check_options, CrawlOptions

    problem = check_options(CrawlOptions(db=Path("unused.db"), base_url=args.base_url))
    if problem:
        print(f"stdcrawl probe: {problem}", file=sys.stderr)
        return EXIT_USAGE
    report = run_probe(args.base_url, per_group=args.per_group, list_pages=args.list_pages, contact=args.contact,
                       log_level="INFO" if args.verbose else "CRITICAL")
    print(probe_json(report) if args.json else report.format())
    return report.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stdcrawl", description="Archive the English channel of stdaily.com.")
    parser.add_argument("--version", action="version", version=f"stdcrawl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("crawl", help="crawl the site into the archive")
    _db_arg(p)
    p.add_argument("--base-url", default=defaults.STDCRAWL_BASE_URL, help="site root (default: the live site; a local server in tests)")
    p.add_argument("--sections", help="comma-separated sections, by directory or label, e.g. WorldNews,Comment")
    p.add_argument("--since", help="skip articles dated before this day, month or year (YYYY[-MM[-DD]], 'yesterday', '7 days ago')")
    p.add_argument("--max-pages", type=_positive_int, help="list pages per section at most")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--incremental", action="store_true", help="fetch only what is new (the cron mode)")
    mode.add_argument("--full", action="store_true", help="walk every list page and article (default)")
    p.add_argument("--stop-after", type=_positive_int, default=defaults.STDCRAWL_STOP_AFTER, help="incremental: stop a section after N known list pages in a row")
    p.add_argument("--recheck-days", type=_non_negative_int, default=defaults.STDCRAWL_RECHECK_DAYS, help="incremental: re-fetch articles published in the last D Beijing calendar days (today counts as one) for corrections")
    p.add_argument("--jobdir", help="Scrapy JOBDIR: pause with Ctrl-C, resume with the same --jobdir")
    p.add_argument("--log-file", help="write the full log here")
    p.add_argument("--summary-json", action="store_true", help="print the run summary as JSON")
    p.add_argument("--contact", help="operator contact (URL or mailto:) added to the User-Agent")
    p.add_argument("--no-warc", action="store_true", help="do not keep the fetched pages as WARC (docs/warc.md)")
    p.add_argument("--no-images", action="store_true", help="do not fetch the articles' images into the WARC files")
    p.add_argument("--progress-seconds", type=_non_negative_float, default=5.0, help="progress line interval on a terminal (0: off)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success, not even --summary-json (cron)")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log on stderr")
    p.add_argument("-s", "--set", action="append", type=_setting, metavar="NAME=VALUE",
                   help="override a setting of stdcrawl/crawl/settings.py, e.g. -s STDCRAWL_WATCHDOG_SECONDS=300")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("health", help="extraction health over time: field coverage and articles per month, runs, templates")
    _db_arg(p)
    p.add_argument("--runs", type=_positive_int, default=10, help="how many recent runs to show (default 10)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the data as JSON")
    out.add_argument("--html", metavar="FILE", help="write a self-contained page with charts to FILE")
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("probe", help="sample the site's pages and judge extraction, writing nothing (first contact)")
    p.add_argument("--base-url", default=defaults.STDCRAWL_BASE_URL, help="site root (default: the live site)")
    p.add_argument("--per-group", type=_positive_int, default=3, help="article pages per list and URL generation (default 3)")
    p.add_argument("--list-pages", type=_positive_int, default=3, help="pages of each list to look through (default 3)")
    p.add_argument("--contact", help="operator contact (URL or mailto:) added to the User-Agent")
    p.add_argument("--json", action="store_true", help="the sample's table and verdict as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log on stderr")
    p.set_defaults(func=cmd_probe)

    p = sub.add_parser("demo", help="crawl the bundled fixture site offline into ./demo.db")
    p.add_argument("--db", help="archive file (default: ./demo.db)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("extract", help="extract one saved page as JSON")
    p.add_argument("path", help="the saved HTML file")
    p.add_argument("--url", required=True, help="the page's URL (its generation and id come from it)")
    p.add_argument("--content-type", help="the Content-Type it was served with, e.g. 'text/html; charset=gbk'")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("stats", help="articles per section and year, date range, last runs")
    _db_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("search", help="full-text search, best matches first, with snippets")
    _db_arg(p)
    p.add_argument("query", help="words, \"a phrase\", OR, NOT, prefix*, title:word (FTS5 syntax)")
    _filter_args(p)
    p.add_argument("--limit", type=_positive_int, default=20, help="at most this many results (default 20)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--mode", choices=("auto", "fts", "plain"), default="auto",
                   help="auto: FTS5 syntax, else plain words (default); fts: syntax errors are errors; plain: words only")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="write articles as JSON Lines, CSV or Parquet")
    _db_arg(p)
    p.add_argument("--format", choices=("jsonl", "csv", "parquet"), required=True)
    p.add_argument("--out", required=True, help="the file to write ('-': stdout, for jsonl and csv)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists (never the archive itself)")
    p.add_argument("--query", help="only articles matching this full-text query")
    _filter_args(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", help="browse the archive in Datasette, read-only (needs stdcrawl[serve])")
    _db_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_non_negative_int, default=8001)
    p.add_argument("--live", action="store_true", help="not immutable: see what a running crawl writes")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("reparse", help="re-extract articles from the stored WARC captures, offline")
    _db_arg(p)
    p.add_argument("--since", help="only captures fetched on or after this day (YYYY[-MM[-DD]], 'yesterday', '7 days ago')")
    p.add_argument("--article-id", help="only this article, e.g. g3-1925612")
    p.add_argument("--dry-run", action="store_true", help="write nothing; show field by field what would change")
    p.add_argument("--jobs", type=_positive_int, help="processes that extract (default: all cores)")
    p.add_argument("--problems", action="store_true",
                   help="only the pages listed in extraction_problems; clears those that now extract well")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_reparse)

    p = sub.add_parser("warc", help="the WARC files of the archive (docs/warc.md)")
    warc = p.add_subparsers(dest="warc_command", required=True)
    p = warc.add_parser("check", help="verify that every captures row points at a readable record with good digests")
    _db_arg(p)
    p.set_defaults(func=cmd_warc_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    name = " ".join(x for x in (args.command, getattr(args, "warc_command", None)) if x)
    _notes_to_stderr(f"stdcrawl {name}")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `stdcrawl … | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except sqlite3.Error as exc:  # met after a good open: a damaged page, a vanished file
        from stdcrawl.archive.dbfile import describe_error

        db = Path(args.db or "demo.db") if args.command == "demo" else resolve_db_path(getattr(args, "db", None))
        print(f"stdcrawl {name}: {describe_error(db, exc)}", file=sys.stderr)
        return EXIT_USAGE


def _notes_to_stderr(prefix: str) -> None:
    """What the archive opener has to say (an immutable open) reaches the user as one line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{prefix}: note: %(message)s"))
    opener = logging.getLogger("stdcrawl.archive.dbfile")
    opener.handlers = [handler]  # one, however often main() runs in a process
