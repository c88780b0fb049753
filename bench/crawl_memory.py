"""Peak RSS (VmHWM) of full crawls by site size: does the crawl's memory grow with the archive?

    python -m bench.crawl_memory --sizes 1000:2,5000:2,20000:1

Each size: its generated site (reused from `--workdir` when unchanged), served
by `bench.server`, crawled SIZE:N times into fresh archives the way `make
bench` crawls (`bench.crawl.stdcrawl_cmd`: WARC on, `--no-images`). Prints
each run and the median per size. To compare with another checkout, run it
from there (`bench.common` puts the checkout it runs from first on the
crawl's PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from bench.common import ServerProcess, build_site, median
from bench.crawl import run_stdcrawl


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000:2,5000:2,20000:1", help="SIZE:RUNS,… (default %(default)s)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/stdcrawl-bench-memory"))
    args = parser.parse_args(argv)
    peaks: dict[int, list[float]] = {}
    for part in args.sizes.split(","):
        n, _, runs = part.partition(":")
        site = build_site(args.workdir, int(n))
        with ServerProcess(site.root) as server:
            for i in range(int(runs or 1)):
                db = args.workdir / f"crawl-{n}-{i}" / "archive.db"
                shutil.rmtree(db.parent, ignore_errors=True)
                db.parent.mkdir(parents=True)
                run, summary = run_stdcrawl(server, db)
                shutil.rmtree(db.parent, ignore_errors=True)
                print(f"{int(n):>6} articles, run {i + 1}: {run['peak_rss_mb']:.1f} MB peak RSS, "
                      f"{summary.get('articles_new')} stored, exit {run['exit_code']}", flush=True)
                peaks.setdefault(int(n), []).append(run["peak_rss_mb"])
    print(json.dumps({n: {"runs": p, "median_mb": median(p)} for n, p in peaks.items()}))


if __name__ == "__main__":
    main()
