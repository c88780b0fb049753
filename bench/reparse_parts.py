"""Where a reparse worker's time goes, per capture, outside extraction.

On an existing archive (and its WARC files), in this one process and without
a profiler: each article's latest capture goes through the steps of
`CaptureExtractor.extract` one at a time, each step timed on its own —
reading the record(s), undoing the Content-Encoding, building the page
(`page_from_capture`, as a worker does),
extracting (for scale), fetching the stored article (one at a time here;
a worker fetches a chunk's at once), and the comparison
(`keep_inferred_section`, `diff_article`, `fingerprint`) — then the whole
`extract` again. Milliseconds per capture, best of `--rounds`;
`outside_extraction` is the whole minus extraction.
"""

from __future__ import annotations

import time
from pathlib import Path


def measure(db: Path, rounds: int = 3) -> dict:
    from stdcrawl.archive import reparse as rp
    from stdcrawl.archive.pages import decode_body, page_from_capture
    from stdcrawl.archive.reparse_jobs import CaptureExtractor, iter_captures
    from stdcrawl.archive.store import fingerprint, keep_inferred_section

    ex = CaptureExtractor(db, dry_run=True)
    try:
        captures = list(iter_captures(ex.archive))
        best: dict[str, float] = {}
        for _ in range(rounds):
            spent = dict.fromkeys(("read", "decode", "response", "extract", "stored", "compare", "whole"), 0.0)
            clock = time.perf_counter
            for cap in captures:
                t0 = clock()
                record = ex.reader.read(cap["warc_file"], cap["warc_offset"])
                if cap["record_type"] == "revisit":
                    ex.reader.read(cap["payload_file"], cap["payload_offset"])
                t1 = clock()
                decode_body(record.payload, record.header("Content-Encoding"))
                t2 = clock()
                response = page_from_capture(cap, ex.reader)
                t3 = clock()
                article, reason = rp.article_from_capture(cap, response, ex.profile)
                t4 = clock()
                if not reason:
                    stored = rp.stored_article(ex.archive, article["article_id"])
                t5 = clock()
                if not reason:
                    if stored is not None:
                        article = keep_inferred_section(article, stored["section"], stored["section_dir"],
                                                        stored["extraction_notes"])
                        rp.diff_article(stored, article)
                    fingerprint(article)
                t6 = clock()
                ex.extract(cap)
                t7 = clock()
                spent["read"] += t1 - t0
                spent["decode"] += t2 - t1
                spent["response"] += (t3 - t2) - (t1 - t0) - (t2 - t1)  # the rest of page_from_capture
                spent["extract"] += t4 - t3
                spent["stored"] += t5 - t4
                spent["compare"] += t6 - t5
                spent["whole"] += t7 - t6
            for name, seconds in spent.items():
                best[name] = min(best.get(name, seconds), seconds)
    finally:
        ex.close()
    per = {name: round(1000 * s / len(captures), 4) for name, s in best.items()}
    per["outside_extraction"] = round(per["whole"] - per["extract"], 4)
    return {"captures": len(captures), "rounds": rounds, "ms_per_capture": per}


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.reparse_parts DB [--rounds R]`."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m bench.reparse_parts", description=__doc__.split("\n", 1)[0])
    p.add_argument("db", type=Path)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    print(json.dumps(measure(args.db, args.rounds), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
