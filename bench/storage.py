"""Storage: articles/s through stdcrawl's store vs a raw sqlite-utils `insert_all` of the same rows.

stdcrawl: `Archive.write_batch` in batches of STDCRAWL_BATCH_SIZE articles
with one URL-fetch record each, as a crawl writes them, into a fresh archive.
Baseline: the rows that run left in every table (articles, images,
related_headlines, article_urls, url_state, captures), read back and written
with `db[table].insert_all(rows)` into another fresh archive (created by
`Archive(path)`: same schema, same indexes, same FTS triggers), in the same
batches, one transaction each. The two alternate, several rounds; medians.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import defaultdict
from pathlib import Path

from bench.common import median, ratio
from stdcrawl.crawl import settings as default_settings
from stdcrawl.archive.store import Archive

#: Tables whose rows one article's write produces (captures only when the store has the table).
TABLES = ("articles", "images", "related_headlines", "article_urls", "url_state", "captures")


def fetch_record(article: dict) -> dict:
    """The url_state record the spider hands the store with each article page."""
    return {
        "url": article["canonical_url"], "kind": "article", "status": 200,
        "etag": '"' + hashlib.sha256(article["body"].encode()).hexdigest()[:20] + '"',
        "last_modified": "Mon, 30 Jun 2025 08:00:00 GMT",
        "content_hash": hashlib.sha256(article["body"].encode()).hexdigest()[:32],
        "found_on": "https://www.stdaily.com/English/WorldNews/common_list.shtml",
        "article_id": article["article_id"], "fetched_at": article["fetched_at"],
    }


def _batches(items: list, size: int) -> list[list]:
    return [items[i: i + size] for i in range(0, len(items), size)]


def run_stdcrawl(path: Path, articles: list[dict], batch: int) -> float:
    archive = Archive(path)
    crawl_id = archive.begin_crawl("full", "bench", {})
    started = time.perf_counter()
    for chunk in _batches(articles, batch):
        archive.write_batch(chunk, [fetch_record(a) for a in chunk], crawl_id)
    seconds = time.perf_counter() - started
    archive.close()
    return seconds


def rows_by_batch(path: Path, articles: list[dict], batch: int) -> list[dict[str, list[dict]]]:
    """Every row stdcrawl wrote, grouped into the batches that wrote them."""
    batch_of = {a["article_id"]: i // batch for i, a in enumerate(articles)}
    out: list[dict[str, list[dict]]] = [defaultdict(list) for _ in range(-(-len(articles) // batch))]
    archive = Archive(path)
    for table in TABLES:
        if table not in archive.db.table_names():
            continue
        for row in archive.db.query(f"select * from [{table}] order by rowid"):
            key = row.get("article_id")
            if key not in batch_of:  # a fetch record without article: goes with the first batch
                key = articles[0]["article_id"]
            out[batch_of[key]][table].append(row)
    archive.close()
    return out


def run_insert_all(path: Path, batches: list[dict[str, list[dict]]]) -> float:
    archive = Archive(path)
    db = archive.db
    started = time.perf_counter()
    for rows in batches:
        with db.atomic():
            for table, table_rows in rows.items():
                db[table].insert_all(table_rows)
    seconds = time.perf_counter() - started
    archive.close()
    return seconds


def measure(articles: list[dict], workdir: Path, rounds: int = 3, batch: int | None = None) -> dict:
    batch = batch or default_settings.STDCRAWL_BATCH_SIZE
    workdir = Path(workdir) / "storage"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    reference = workdir / "reference.db"
    run_stdcrawl(reference, articles, batch)
    batches = rows_by_batch(reference, articles, batch)
    rows = sum(len(v) for b in batches for v in b.values())
    runs = {"stdcrawl": [], "insert_all": []}
    for i in range(rounds):
        runs["stdcrawl"].append(len(articles) / run_stdcrawl(workdir / f"s{i}.db", articles, batch))
        runs["insert_all"].append(len(articles) / run_insert_all(workdir / f"r{i}.db", batches))
    shutil.rmtree(workdir, ignore_errors=True)
    med = {k: median(v) for k, v in runs.items()}
    return {
        "articles": len(articles),
        "rows": rows,
        "batch_size": batch,
        "rounds": rounds,
        "articles_per_s": med,
        "rows_per_s_insert_all": med["insert_all"] * rows / len(articles),
        "runs_articles_per_s": runs,
        "ratio": ratio(med["stdcrawl"], med["insert_all"]),
    }
