"""End-to-end crawls on loopback: stdcrawl vs a bare Scrapy spider, with peak memory and database size.

Both crawl the same generated site from the same fixture server (its own
process), each run in a fresh process (`python -m stdcrawl crawl … --summary-json`
and `python -m bench.bare_spider`), with the same concurrency settings and no
politeness delays (stdcrawl's loopback settings). Runs alternate (A B A B …);
pages/s is responses over the crawl's own seconds (from before Scrapy starts
to after it stops, interpreter start-up excluded, the same span for both).
Peak RSS is each crawl process's own high-water mark (VmHWM). One more
stdcrawl run with `--no-warc` shows what WARC capture costs in time and memory.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.common import PY, Measured, ServerProcess, Site, log, median, ratio, run_measured


def stdcrawl_cmd(db: Path, base_url: str, *extra: str) -> list[str]:
    return [PY, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", base_url, "--summary-json", "-q", *extra]


def _warc_dir(db: Path) -> Path:
    return db.with_name(f"{db.stem}-warc")


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file() and not p.name.endswith(".lock"))


def warc_bytes(db: Path) -> int:
    folder = _warc_dir(db)
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def record_run(kind: str, m: Measured, summary: dict, server_log: dict) -> dict:
    seconds = summary["seconds"]
    return {
        "kind": kind,
        "exit_code": m.returncode,
        "requests": summary.get("requests"),
        "responses": summary.get("responses"),
        "seconds": seconds,
        "pages_per_s": summary["responses"] / seconds if seconds else None,
        "process_wall_seconds": round(m.wall_seconds, 3),
        "cpu_seconds": round(m.cpu_seconds, 3),
        "cpu_ms_per_page": m.cpu_seconds * 1000 / summary["responses"] if summary.get("responses") else None,
        "peak_rss_mb": round(m.peak_rss_mb, 1),
        "server_requests": len(server_log["requests"]),
        "server_cpu_share": server_log["cpu_delta"] / m.wall_seconds if m.wall_seconds else None,
    }


def _has_no_warc() -> bool:
    """Does this stdcrawl have WARC capture, and `--no-warc` to switch it off?"""
    from stdcrawl.crawl.runner import CrawlOptions

    return "no_warc" in CrawlOptions.__dataclass_fields__


def run_stdcrawl(server: ServerProcess, db: Path, *extra: str) -> tuple[dict, dict]:
    """One stdcrawl crawl: (measured run, its summary JSON)."""
    m = run_measured(stdcrawl_cmd(db, server.base_url, *extra))
    summary = m.last_json()
    if m.returncode not in (0, 1):
        raise RuntimeError(f"stdcrawl crawl exited {m.returncode}: {m.stderr[-2000:]}")
    return record_run("stdcrawl", m, summary, server.take_log()), summary


def run_bare(server: ServerProcess, paths_file: Path) -> dict:
    m = run_measured([PY, "-m", "bench.bare_spider", "--base-url", server.base_url, "--paths", str(paths_file)])
    if m.returncode != 0:
        raise RuntimeError(f"bare spider exited {m.returncode}: {m.stderr[-2000:]}")
    return record_run("bare", m, m.last_json(), server.take_log())


def measure(site: Site, server: ServerProcess, workdir: Path, repeats: int) -> dict:
    """`repeats` interleaved pairs of full crawls; keeps the last stdcrawl archive (`keep_db`)."""
    workdir = Path(workdir) / f"crawl-{site.n}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(site.all_paths()) + "\n", "utf-8")
    server.take_log()
    runs: dict[str, list[dict]] = {"stdcrawl": [], "bare": []}
    keep_db = None
    db_size = warc_size = articles = None
    for i in range(repeats):
        db = workdir / f"run{i}" / "archive.db"
        db.parent.mkdir()
        run, summary = run_stdcrawl(server, db)
        run["articles_new"] = summary.get("articles_new")
        runs["stdcrawl"].append(run)
        log(f"  {site.n:>6} stdcrawl #{i + 1}: {run['pages_per_s']:.0f} pages/s, {run['peak_rss_mb']:.0f} MB, "
            f"{summary.get('articles_new')} articles, exit {run['exit_code']}")
        db_size, warc_size, articles = db_bytes(db), warc_bytes(db), summary.get("articles_new")
        if keep_db is not None:
            shutil.rmtree(keep_db.parent, ignore_errors=True)
        keep_db = db
        bare = run_bare(server, paths_file)
        runs["bare"].append(bare)
        log(f"  {site.n:>6} bare     #{i + 1}: {bare['pages_per_s']:.0f} pages/s, {bare['peak_rss_mb']:.0f} MB")
    no_warc = None
    if _has_no_warc():
        # Where WARC capture's share goes: one more stdcrawl run without it.
        db = workdir / "no-warc" / "archive.db"
        db.parent.mkdir()
        no_warc, _ = run_stdcrawl(server, db, "--no-warc")
        shutil.rmtree(db.parent, ignore_errors=True)
        log(f"  {site.n:>6} stdcrawl --no-warc: {no_warc['pages_per_s']:.0f} pages/s, {no_warc['peak_rss_mb']:.0f} MB")
    med = {k: median(r["pages_per_s"] for r in v) for k, v in runs.items()}
    pair_ratios = [a["pages_per_s"] / b["pages_per_s"] for a, b in zip(runs["stdcrawl"], runs["bare"])]
    return {
        "articles": site.n,
        "pages": len(site.all_paths()) + 1,
        "repeats": repeats,
        "pages_per_s": med,
        "ratio": ratio(med["stdcrawl"], med["bare"]),
        "pair_ratios": pair_ratios,
        "cpu_ms_per_page": {k: median(r["cpu_ms_per_page"] for r in v) for k, v in runs.items()},
        "peak_rss_mb": {k: median(r["peak_rss_mb"] for r in v) for k, v in runs.items()},
        "server_cpu_share": median(r["server_cpu_share"] for v in runs.values() for r in v),
        "stored_articles": articles,
        "db_bytes": db_size,
        "warc_bytes": warc_size,
        "db_mb_per_1000_articles": db_size / 1e6 * 1000 / articles if articles else None,
        "warc_mb_per_1000_articles": warc_size / 1e6 * 1000 / articles if articles else None,
        "runs": runs,
        "no_warc": no_warc,
        "keep_db": str(keep_db),
    }
