"""Incremental runs: requests and wall time of a no-change run and of a run with 10 new articles, vs a full crawl.

On the archive a full crawl of the site left (`bench.crawl`): first an
`--incremental` run with nothing changed, then the site gains the 10
held-back newest articles (`Site.add_new_articles`) and another
`--incremental` run follows. `--recheck-days 0`: re-checking recent articles
is a separate, configurable cost (the site's dates are fixed in the past
anyway). Requests are counted by the fixture server.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import ServerProcess, Site, log, median, ratio, run_measured
from bench.crawl import record_run, stdcrawl_cmd
from stdcrawl.extract import site as site_knowledge


def _kinds(served: list) -> dict:
    counts = {"robots": 0, "list": 0, "article": 0, "other": 0, "status_304": 0}
    for path, status in served:
        if path == "/robots.txt":
            counts["robots"] += 1
        elif site_knowledge.is_list_path(path):
            counts["list"] += 1
        elif site_knowledge.article_ref(path):
            counts["article"] += 1
        else:
            counts["other"] += 1
        counts["status_304"] += status == 304
    return counts


def measure(site: Site, server: ServerProcess, full: dict) -> dict:
    """`full` is `bench.crawl.measure`'s result for this site (its archive is reused)."""
    db = Path(full["keep_db"])
    full_runs = full["runs"]["stdcrawl"]
    full_run = {"requests": full_runs[-1]["requests"], "seconds": median(r["seconds"] for r in full_runs)}
    expected = site.first_list_pages + 1  # every list's first page, the home page, robots.txt

    server.take_log()
    no_change, served = _incremental_run(server, db)
    log(f"  incremental, no change: {no_change['requests']} requests in {no_change['seconds']:.2f}s")
    site.add_new_articles()
    new10, served10 = _incremental_run(server, db)
    log(f"  incremental, {len(site.new_records)} new: {new10['requests']} requests, {new10['articles_new']} stored, "
        f"in {new10['seconds']:.2f}s")
    kinds = _kinds(served)
    return {
        "articles": site.n,
        "full": full_run,
        "no_change": {**no_change, "served": kinds},
        "new_articles": {**new10, "served": _kinds(served10), "published": len(site.new_records)},
        "expected_no_change_requests": expected,
        "no_change_ok": no_change["requests"] == expected and kinds["article"] == 0 and kinds["other"] == 0,
        "new_ok": new10["articles_new"] == len(site.new_records),
        "no_change_time_ratio": ratio(no_change["seconds"], full_run["seconds"]),
        "new_time_ratio": ratio(new10["seconds"], full_run["seconds"]),
    }


def _incremental_run(server: ServerProcess, db: Path) -> tuple[dict, list]:
    """One incremental run and the requests the server saw during it."""
    m = run_measured(stdcrawl_cmd(db, server.base_url, "--incremental", "--recheck-days", "0"))
    summary = m.last_json()
    if m.returncode not in (0, 1):
        raise RuntimeError(f"stdcrawl crawl exited {m.returncode}: {m.stderr[-2000:]}")
    server_log = server.take_log()
    run = record_run("stdcrawl", m, summary, server_log)
    run.update(articles_new=summary.get("articles_new"), articles_updated=summary.get("articles_updated"),
               status=summary.get("status"))
    return run, server_log["requests"]
