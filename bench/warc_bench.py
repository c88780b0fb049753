"""WARC capture and reparse, measured on a generated site (issue 4).

`python -m bench.warc_bench [--n 5000]` generates a site of N articles
(`stdcrawl.sitegen.generate_site`), serves it on 127.0.0.1 and measures:

- WARC bytes per stored article after a full crawl (every record counted:
  warcinfo, list pages, robots.txt, articles, and their request records),
  and the article response records alone;
- what a second, unchanged crawl adds (revisit and request records only);
- reparse speed in articles per second: a dry run (read, decode, extract,
  diff), a run that finds nothing to write, and a restore after every
  article was deleted (read, extract, write);
- the crawl's time with and without capture (`--no-warc`), for its cost.

It prints one JSON object on stdout and a readable summary on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdcrawl.fixture_server import FixtureServer
from stdcrawl.archive.reparse import reparse
from stdcrawl.sitegen import generate_site

ROOT = Path(__file__).resolve().parent.parent
#: A fixed last date: the same site every day.
SITE_END = dt.date(2025, 6, 30)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(server: FixtureServer, db: Path, *args: str) -> dict:
    """One crawl in a subprocess: its summary, wall time and CPU time (steadier on a shared machine)."""
    started, cpu = time.monotonic(), _children_cpu()
    result = subprocess.run(
        [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=3600,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    summary = json.loads(result.stdout)
    summary["wall_seconds"] = round(time.monotonic() - started, 2)
    summary["cpu_seconds"] = round(_children_cpu() - cpu, 2)
    return summary


def one(db: Path, sql: str, params=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def timed_reparse(db: Path, runs: int, **kwargs) -> dict:
    reports = [reparse(db, **kwargs) for _ in range(runs)]
    seconds = statistics.median(r.seconds for r in reports)
    articles = reports[-1].articles
    return {"articles": articles, "seconds": round(seconds, 3), "articles_per_second": round(articles / seconds, 1),
            "outcomes": dict(reports[-1].outcomes), "runs": runs}


def measure(workdir: Path, n: int, seed: int) -> dict:
    root, db = workdir / "site", workdir / "archive.db"
    print(f"generating a site of {n} articles …", file=sys.stderr)
    manifest = generate_site(root, n, seed, end=SITE_END)
    out: dict = {"n": n, "seed": seed, "list_pages": len(manifest["list_pages"])}
    warc_dir = workdir / "archive-warc"
    with FixtureServer(root) as server:
        print("first crawl …", file=sys.stderr)
        first = crawl(server, db)
        articles = one(db, "select count(*) from articles")[0]
        total = sum(f.stat().st_size for f in warc_dir.glob("*.warc.gz"))
        article_records = one(db, "select sum(warc_length), count(*) from captures where kind = 'article'")
        out["first_crawl"] = {
            "articles": articles, "fetches": first["responses"], "warc_bytes": total,
            "warc_bytes_per_article": round(total / articles), "seconds": first["wall_seconds"],
            "cpu_seconds": first["cpu_seconds"],
            "article_response_record_bytes_per_article": round(article_records[0] / article_records[1]),
            "article_payload_bytes_per_article": round(one(db, "select avg(payload_length) from captures "
                                                               "where kind = 'article'")[0]),
        }
        print("second, unchanged crawl …", file=sys.stderr)
        second = crawl(server, db)
        out["second_crawl"] = {
            "warc_bytes": second["warc_bytes"], "revisits": second["warc_revisits"],
            "responses": second["warc_responses"], "warc_bytes_per_article": round(second["warc_bytes"] / articles),
            "growth_vs_first": round(second["warc_bytes"] / total, 3), "seconds": second["wall_seconds"],
            "cpu_seconds": second["cpu_seconds"],
        }
        print("a crawl without capture, for comparison …", file=sys.stderr)
        bare = crawl(server, workdir / "nowarc.db", "--no-warc")
        out["crawl_seconds"] = {"with_warc": first["wall_seconds"], "no_warc": bare["wall_seconds"],
                                "with_warc_cpu": first["cpu_seconds"], "no_warc_cpu": bare["cpu_seconds"]}
    print("reparse …", file=sys.stderr)
    out["reparse_dry_run"] = timed_reparse(db, 3, dry_run=True)
    out["reparse_nothing_to_write"] = timed_reparse(db, 1)
    con = sqlite3.connect(db)
    for table in ("images", "related_headlines", "article_urls", "article_versions", "articles"):
        con.execute(f"delete from {table}")
    con.commit()
    con.close()
    out["reparse_restore"] = timed_reparse(db, 1)
    out["restored_articles"] = one(db, "select count(*) from articles")[0]
    return out


def summary(r: dict) -> str:
    f, s = r["first_crawl"], r["second_crawl"]
    return "\n".join([
        f"site: {r['n']} articles, {r['list_pages']} list pages; {f['articles']} articles stored, {f['fetches']} fetches",
        f"WARC after the first crawl: {f['warc_bytes']:,} bytes = {f['warc_bytes_per_article']:,} bytes per article "
        f"(article response records alone {f['article_response_record_bytes_per_article']:,}; "
        f"article bodies as received, gzip, {f['article_payload_bytes_per_article']:,})",
        f"second, unchanged crawl: +{s['warc_bytes']:,} bytes ({s['growth_vs_first']:.1%} of the first), "
        f"{s['revisits']} revisits, {s['responses']} responses = {s['warc_bytes_per_article']:,} bytes per article",
        f"crawl: {r['crawl_seconds']['with_warc']:.1f}s wall / {r['crawl_seconds']['with_warc_cpu']:.1f}s CPU with capture, "
        f"{r['crawl_seconds']['no_warc']:.1f}s / {r['crawl_seconds']['no_warc_cpu']:.1f}s without",
        f"reparse: dry run {r['reparse_dry_run']['articles_per_second']:,.0f} articles/s, "
        f"nothing to write {r['reparse_nothing_to_write']['articles_per_second']:,.0f} articles/s, "
        f"restore after deleting all {r['reparse_restore']['articles_per_second']:,.0f} articles/s "
        f"({r['restored_articles']} restored)",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=5000, help="articles on the generated site (default 5000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep the site, archive and WARC files here (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = measure(args.workdir, args.n, args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
            result = measure(Path(tmp), args.n, args.seed)
    print(summary(result), file=sys.stderr)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
