"""Re-extraction from stored pages: `stdcrawl reparse` vs reading the WARC records and parsing them with lxml.

On the archive of a full crawl (and its WARC files): stdcrawl's
`reparse.reparse(db)` as `stdcrawl reparse` runs it (read each article's
latest capture, undo its Content-Encoding, extract, normalize, compare with
the stored row, write what changed: nothing, with the same extractor),
against the floor: the same records read in file order with warcio's
`ArchiveIterator`, their payload decoded the same way and parsed by
`lxml.html.fromstring`. The two alternate; pages/s, medians.
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


def _read_and_parse(base: Path, captures: list[dict]) -> float:
    """Seconds to read the captures' records in file order, decode and lxml-parse their pages."""
    import lxml.html
    from warcio.archiveiterator import ArchiveIterator

    from stdcrawl.archive.reparse import decode_body

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


def measure(db: Path, rounds: int = 2) -> dict:
    reason = available()
    if reason:
        return {"skipped": reason}
    from stdcrawl.archive.reparse import reparse, select_captures
    from stdcrawl.archive.store import Archive

    with Archive(db, readonly=True) as archive:
        if "captures" not in archive.db.table_names():
            return {"skipped": "n/a (the crawl wrote no WARC captures)"}
        captures = [c for c in select_captures(archive) if c["record_type"] == "response"]
    if not captures:
        return {"skipped": "n/a (no article captures)"}
    base = db.resolve().parent
    runs: dict[str, list[float]] = {"stdcrawl": [], "read_parse": []}
    outcomes = None
    for _ in range(rounds):
        runs["read_parse"].append(len(captures) / _read_and_parse(base, captures))
        report = reparse(db)
        runs["stdcrawl"].append(report.captures / report.seconds)
        outcomes = dict(report.outcomes)
    med = {k: median(v) for k, v in runs.items()}
    return {
        "pages": len(captures),
        "rounds": rounds,
        "pages_per_s": med,
        "runs_pages_per_s": runs,
        "ratio": ratio(med["stdcrawl"], med["read_parse"]),
        "reparse_outcomes": outcomes,
    }
