"""The `stdcrawl` command: a thin face over the library.

Each subcommand parses its options and calls one library function that the
tests call too. Exit codes (README "Exit codes"): 0 success, 1 finished with
failures, 2 usage or configuration error, 75 another run holds the lock.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stdcrawl import __version__
from stdcrawl.extensions import EXIT_OK, EXIT_USAGE
from stdcrawl.store import resolve_db_path


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="archive file (default: $STDCRAWL_DB, then ./stdcrawl.db)")


def cmd_crawl(args) -> int:
    from stdcrawl.runner import CrawlOptions, run_crawl, summary_json, summary_line

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
        progress=interactive and not args.quiet,
        contact=args.contact,
    )
    summary = run_crawl(opts)
    if args.summary_json:
        print(summary_json(summary))
    elif not args.quiet or summary["exit_code"] != EXIT_OK:
        print(summary_line(summary), file=sys.stderr if summary["exit_code"] else sys.stdout)
    return summary["exit_code"]


def cmd_demo(args) -> int:
    from stdcrawl.demo import EXAMPLE_SQL, run_demo
    from stdcrawl.reports import archive_stats, format_stats
    from stdcrawl.runner import summary_line

    db = Path(args.db or "demo.db")
    print(f"Serving the fixture site on 127.0.0.1 and crawling it into {db} …", file=sys.stderr)
    summary = run_demo(db, progress=sys.stderr.isatty())
    print(summary_line(summary))
    if summary.get("crawl_id") is None:
        return summary["exit_code"]
    print()
    print(format_stats(archive_stats(db)))
    print()
    print("Try it yourself:")
    print(f"  sqlite3 {db} \"{' '.join(EXAMPLE_SQL.split())}\"")
    # The fixture site holds broken pages on purpose: counted, not fatal.
    return EXIT_OK if summary["exit_code"] in (0, 1) else summary["exit_code"]


def cmd_extract(args) -> int:
    from stdcrawl.extract import NotAnArticle, article_from_bytes

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
    from stdcrawl.reports import archive_stats, format_stats
    from stdcrawl.store import ArchiveError

    try:
        stats = archive_stats(resolve_db_path(args.db))
    except ArchiveError as exc:
        print(f"stdcrawl stats: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stdcrawl", description="Archive the English channel of stdaily.com.")
    parser.add_argument("--version", action="version", version=f"stdcrawl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("crawl", help="crawl the site into the archive")
    _db_arg(p)
    p.add_argument("--base-url", default="https://www.stdaily.com", help="site root (a local server in tests)")
    p.add_argument("--sections", help="comma-separated section directories, e.g. WorldNews,Service")
    p.add_argument("--since", help="skip articles dated before this day (YYYY-MM-DD)")
    p.add_argument("--max-pages", type=int, help="list pages per section at most")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--incremental", action="store_true", help="fetch only what is new (the cron mode)")
    mode.add_argument("--full", action="store_true", help="walk every list page and article (default)")
    p.add_argument("--stop-after", type=int, default=1, help="incremental: stop a section after N known list pages in a row")
    p.add_argument("--recheck-days", type=float, default=3.0, help="incremental: re-fetch articles this recent for corrections")
    p.add_argument("--jobdir", help="Scrapy JOBDIR: pause with Ctrl-C, resume with the same --jobdir")
    p.add_argument("--log-file", help="write the full log here")
    p.add_argument("--summary-json", action="store_true", help="print the run summary as JSON")
    p.add_argument("--contact", help="operator contact (URL or mailto:) added to the User-Agent")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log on stderr")
    p.set_defaults(func=cmd_crawl)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
