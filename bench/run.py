"""The benchmark driver: `python -m bench.run [--quick] [--sizes 1000,5000,20000]`.

Runs every measurement against its baseline (see each module), prints the
Markdown table and writes `latest.json` and `latest.md` into `--out`
(default `bench/results/`). Generated sites, crawl archives and profiles go
to `--workdir` (default `bench/results/tmp/`, ignored by git; sites are
reused while `stdcrawl.sitegen` is unchanged).

`make bench` (1k, 5k and 20k articles) took 6 minutes on a quiet 2-core
machine (the budget is 15); `make bench-quick` (1k) under one (budget 2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench import crawl, extraction, incremental, profile_crawl, reextract, report, storage
from bench.common import ROOT, ServerProcess, build_site, log, machine

FULL_REPEATS = {1000: 3, 5000: 3, 20000: 1}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n", 1)[0])
    p.add_argument("--quick", action="store_true", help="1k articles only, fewer rounds, no profile (make bench-quick)")
    p.add_argument("--sizes", help="site sizes in articles, comma-separated (default 1000,5000,20000)")
    p.add_argument("--repeats", help="crawl pairs per size: N, or SIZE:N,… (default 1000:3,5000:3,20000:1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--extraction-pages", type=int)
    p.add_argument("--extraction-rounds", type=int)
    p.add_argument("--peer-pages", type=int, help="pages given to trafilatura a round")
    p.add_argument("--storage-rounds", type=int, default=3)
    p.add_argument("--incremental-size", type=int, help="site size of the incremental runs (default 5000 or the largest below)")
    p.add_argument("--profile-size", type=int, help="site size of the profiled crawl (default 5000 when measured; 0: none)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--workdir", type=Path)
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = args.sizes or "1000"
        args.extraction_pages = args.extraction_pages or 150
        args.extraction_rounds = args.extraction_rounds or 3
        args.peer_pages = args.peer_pages or 30
        args.profile_size = 0 if args.profile_size is None else args.profile_size
    args.sizes = sorted({int(s) for s in (args.sizes or "1000,5000,20000").split(",") if s.strip()})
    args.extraction_pages = args.extraction_pages or 300
    args.extraction_rounds = args.extraction_rounds or 5
    args.peer_pages = args.peer_pages or 60
    args.workdir = args.workdir or args.out / "tmp"
    if args.repeats and ":" not in args.repeats:
        args.repeats = {s: int(args.repeats) for s in args.sizes}
    elif args.repeats:
        args.repeats = {int(k): int(v) for k, v in (x.split(":") for x in args.repeats.split(","))}
    else:
        args.repeats = {}
    args.repeats = {s: args.repeats.get(s, FULL_REPEATS.get(s, 3 if s <= 5000 else 1)) for s in args.sizes}
    if args.incremental_size is None:
        below = [s for s in args.sizes if s <= 5000]
        args.incremental_size = max(below) if below else args.sizes[0]
    if args.profile_size is None:
        args.profile_size = 5000 if 5000 in args.sizes else 0
    return args


def _attempt(results: dict, key: str, fn, *a, **kw):
    """Run one measurement; a failure is recorded and the others still run."""
    try:
        value = fn(*a, **kw)
    except Exception as exc:  # noqa: BLE001  (reported, and the run exits 1)
        traceback.print_exc()
        results.setdefault("errors", {})[key] = f"{type(exc).__name__}: {exc}"
        return None
    return value


def run(args: argparse.Namespace) -> dict:
    started = time.monotonic()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "command": " ".join(["python -m bench.run", *sys.argv[1:]]),
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": args.sizes,
        "crawl": {},
    }
    smallest = build_site(args.workdir, args.sizes[0], args.seed)
    log(f"extraction: {args.extraction_pages} pages × {args.extraction_rounds} rounds, small and full-weight "
        f"({smallest.n}-article site)")
    weights = _attempt(results, "extraction", extraction.measure, smallest, args.extraction_pages,
                       args.extraction_rounds, args.peer_pages) or {}
    results["extraction"] = weights.get("small")
    results["extraction_full_weight"] = weights.get("full_weight")
    log("storage")
    articles = _attempt(results, "storage", extraction.extracted_articles, smallest, min(1000, smallest.n))
    if articles:
        results["storage"] = _attempt(results, "storage", storage.measure, articles, args.workdir, args.storage_rounds)
    for size in args.sizes:
        site = build_site(args.workdir, size, args.seed)
        log(f"crawls of {size} articles: {args.repeats[size]} × (stdcrawl, bare spider)")
        with ServerProcess(site.root) as server:
            measured = _attempt(results, f"crawl-{size}", crawl.measure, site, server, args.workdir, args.repeats[size])
            if measured:
                results["crawl"][str(size)] = measured
            if size == args.profile_size:
                log(f"profile of a {size}-article crawl (py-spy)")
                results["profile"] = _attempt(results, "profile", profile_crawl.measure, site, server, args.workdir)
            if size == args.incremental_size and measured:
                log(f"incremental runs on the {size}-article archive")
                results["incremental"] = _attempt(results, "incremental", incremental.measure, site, server, measured)
                results["reextraction"] = _attempt(results, "reextraction", reextract.measure, Path(measured["keep_db"]))
        if measured:
            shutil.rmtree(Path(measured["keep_db"]).parent.parent, ignore_errors=True)
    if "reextraction" not in results:
        results["reextraction"] = {"skipped": reextract.available() or "n/a (no incremental size measured)"}
    results["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["seconds"] = time.monotonic() - started
    results["loadavg_end"] = os.getloadavg()[0]
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    js, md = report.write(results, args.out)
    print(md.read_text("utf-8"))
    log(f"wrote {js} and {md} in {results['seconds']:.0f} s")
    if results.get("errors"):
        log(f"errors: {results['errors']}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
