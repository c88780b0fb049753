"""Re-extraction from stored pages: `stdcrawl reparse --jobs N` vs reading the WARC records and parsing them with lxml in N processes.

On the archive of a full crawl (and its WARC files): stdcrawl's
`reparse.reparse(db, jobs=N)` as `stdcrawl reparse` runs it (read each
article's latest capture, undo its Content-Encoding, extract, normalize,
compare with the stored row, write what changed: nothing, with the same
extractor), against the floor in the same number of processes: the same
records, split in N parts, read in file order with warcio's
`ArchiveIterator`, their payload decoded the same way and parsed by
`lxml.html.fromstring`. Both timings include starting their processes. The
two alternate; pages/s, medians. Also `reparse --jobs 1`, for the speed-up,
and the peak RSS of the reparse command's own process (`--dry-run`: the
captures are streamed, so it must not grow with the archive).
"""

from __future__ import annotations

import importlib.util
import time
from collections import defaultdict
from pathlib import Path

from bench.common import median, ratio


def available() -> str | None:
    """None when re-extraction can be measured, else why not."""
    if importlib.util.find_spec("stdcrawl.crawl.capture") is None or importlib.util.find_spec("stdcrawl.archive.warc") is None:
        return "n/a (WARC capture not yet in the tree)"
    if importlib.util.find_spec("stdcrawl.archive.reparse") is None:
        return "n/a (`stdcrawl reparse` not yet in the tree)"
    return None


def _read_and_parse_parallel(base: Path, captures: list[dict], jobs: int) -> float:
    """Seconds for `jobs` processes (started inside the timing) to read and parse the captures."""
    from stdcrawl.archive.reparse_jobs import start_context

    parts = [captures[i::jobs] for i in range(jobs)]
    started = time.perf_counter()
    with start_context().Pool(jobs) as pool:  # started as reparse starts its workers
        pool.starmap(_read_and_parse, [(base, part) for part in parts])
    return time.perf_counter() - started


def _read_and_parse(base: Path, captures: list[dict]) -> float:
    """Seconds to read the captures' records in file order, decode and lxml-parse their pages."""
    import lxml.html
    from warcio.archiveiterator import ArchiveIterator

    from stdcrawl.archive.pages import decode_body

    wanted: dict[str, set[str]] = defaultdict(set)
    for cap in captures:
        wanted[cap["warc_file"]].add(cap["record_id"])
    started = time.perf_counter()
    parsed = 0
    for name, record_ids in wanted.items():
        with open(base / name, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_headers.get_header("WARC-Record-ID") not in record_ids:
                    continue
                payload = record.raw_stream.read()
                encoding = record.http_headers.get_header("Content-Encoding") if record.http_headers else None
                body, _ = decode_body(payload, encoding)
                lxml.html.fromstring(body)
                parsed += 1
    seconds = time.perf_counter() - started
    if parsed != len(captures):
        raise RuntimeError(f"read {parsed} of {len(captures)} records")
    return seconds


def measure(db: Path, rounds: int = 2, jobs: int | None = None) -> dict:
    reason = available()
    if reason:
        return {"skipped": reason}
    from stdcrawl.archive.reparse import reparse, select_captures
    from stdcrawl.archive.reparse_jobs import default_jobs
    from stdcrawl.archive.store import Archive

    from bench.common import PY, run_measured

    jobs = jobs or default_jobs()
    with Archive(db, readonly=True) as archive:
        if "captures" not in archive.db.table_names():
            return {"skipped": "n/a (the crawl wrote no WARC captures)"}
        captures = [c for c in select_captures(archive) if c["record_type"] == "response"]
    if not captures:
        return {"skipped": "n/a (no article captures)"}
    base = db.resolve().parent
    runs: dict[str, list[float]] = {"stdcrawl": [], "read_parse": [], "stdcrawl_1": []}
    outcomes = None
    for _ in range(rounds):
        runs["read_parse"].append(len(captures) / _read_and_parse_parallel(base, captures, jobs))
        report = reparse(db, jobs=jobs, min_per_job=1)
        runs["stdcrawl"].append(report.captures / report.seconds)
        outcomes = dict(report.outcomes)
        single = reparse(db, jobs=1)
        runs["stdcrawl_1"].append(single.captures / single.seconds)
    med = {k: median(v) for k, v in runs.items()}
    m = run_measured([PY, "-m", "stdcrawl", "reparse", "--db", str(db), "--dry-run", "--jobs", str(jobs)])
    return {
        "pages": len(captures),
        "rounds": rounds,
        "jobs": jobs,
        "pages_per_s": med,
        "runs_pages_per_s": runs,
        "ratio": ratio(med["stdcrawl"], med["read_parse"]),
        "speedup_vs_one_process": ratio(med["stdcrawl"], med["stdcrawl_1"]),
        "reparse_outcomes": outcomes,
        "reparse_peak_rss_mb": round(m.peak_rss_mb, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.reextract DB [--jobs N] [--rounds R]`: measure on an existing archive."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m bench.reextract", description=__doc__.split("\n", 1)[0])
    p.add_argument("db", type=Path)
    p.add_argument("--jobs", type=int)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args(argv)
    print(json.dumps(measure(args.db, args.rounds, args.jobs), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
