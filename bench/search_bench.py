"""Search latency and export memory on a generated archive of 20,000 articles.

    python -m bench.search_bench [--articles 20000] [--db PATH] [--json OUT]

The archive is built once (kept at --db, rebuilt when --articles changes)
by writing synthetic normalized articles through `Archive.write_batch`, as a
crawl would: ~600-word bodies (300-900) drawn from a Zipf-like mix of common
words, ~150 topic words and 20,000 rare ones, 1-3 authors from a pool of
400, five sections, 2015-2026, images and "Top News" blocks. Each article
is about 4-8 topic words (Zipf-weighted), so a topic word is in a few
percent to ~70 % of the articles and a rare word in ~0.5 %; common words
are in all of them (the worst case for ranking).

Search: 20 queries (words, phrases, OR/NOT, prefixes, columns, filters,
non-ASCII, a query that falls back to plain words) through the Python API,
limit 20, each run 5 times after a warm-up; the figure is the median over
the 20 per-query medians. Also the wall time of one `stdcrawl search` process.

Export: `stdcrawl export` of the whole archive in each format, each in its
own process; peak RSS from `wait4()`, next to the same export of a
1,000-article archive (flat memory means streaming).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from stdcrawl.research.api import open_archive
from stdcrawl.archive.store import Archive

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "bench" / "results" / "tmp" / "search-bench.db"

COMMON = ("the of and to in a is that for on with as by at from its was are it be has have will this "
          "which their an more than also new said not but were been one two first after into over").split()
TOPICS = ("innovation technology science research quantum satellite Guangdong Shenzhen Beijing Shanghai "
          "laboratory energy solar battery hydrogen climate carbon emission agriculture rice genome vaccine "
          "medicine hospital robot robotics artificial intelligence chip semiconductor computing data network "
          "5G internet space rocket lunar Mars station telescope ocean deep-sea ship railway high-speed train "
          "bridge engineering materials graphene superconductor physics chemistry biology ecology panda forest "
          "desert water river glacier Tibet earthquake university students talent cooperation international "
          "Belt Road Africa Europe Asia Germany Russia Brazil economy industry manufacturing enterprise startup "
          "investment patent standard policy ministry academy Chinese CAS scientists engineers professor team "
          "experiment discovery breakthrough development high-quality green digital smart city transport "
          "vehicle electric drone aircraft C919 nuclear fusion reactor wind power grid storage lithium mining "
          "fishery marine Antarctic Arctic weather forecast typhoon flood drought soil crop seed wheat maize "
          "traditional TCM healthcare cancer diagnosis brain neuroscience algorithm software cloud security").split()
SECTIONS = [("International Cooperation", "WorldNews"), ("Cooperation", "Service"), ("Experts in China", "BusinessNews"),
            ("Sci-Tech News", "ChinaNews"), ("News", "News")]

QUERIES: list[tuple[str, dict]] = [
    ("innovation", {}),
    ("Guangdong", {}),
    ("quantum computing", {}),
    ('"high-speed train"', {}),
    ("satellite OR rocket", {}),
    ("vaccine NOT cancer", {}),
    ("semicon*", {}),
    ("title:robot", {}),
    ("graphene superconductor", {}),
    ("NEAR(lunar station, 5)", {}),
    ("climate", {"section": "Sci-Tech News"}),
    ("energy", {"since": "2020", "until": "2021"}),
    ("research", {"author": "Wang"}),
    ("the", {}),
    ("Antarctic glacier", {"since": "2018-01-01"}),
    ("北京", {}),
    ('"Belt and Road', {}),  # falls back to plain words
    ("zorvantek", {}),  # a rare word
    ("hydrogen battery storage", {"section": "ChinaNews"}),
    ("Africa cooperation", {"until": "2019-12-31"}),
]


def rare_words(rng: random.Random, n: int) -> list[str]:
    syllables = "ka lo mi ne ru ta vo zen tek lar qui on ex dra fel gor"
    parts = syllables.split()
    return ["".join(rng.choice(parts) for _ in range(rng.randint(2, 4))) for _ in range(n)] + ["zorvantek"]


def synthetic_articles(n: int, seed: int = 7):
    """`n` normalized articles (docs/fields.md), deterministic for a seed; a generator."""
    rng = random.Random(seed)
    rare = rare_words(rng, 20_000)
    names = [f"{rng.choice(['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Zhao', 'Huang', 'Zhou', 'Wu'])} "
             f"{rng.choice(['Wei', 'Fang', 'Min', 'Jing', 'Lei', 'Yun', 'Hao', 'Xin', 'Tao', 'Ying'])}{rng.choice(['', 'yu', 'lin', 'hua'])}"
             for _ in range(400)]
    topic_weights = [1 / (i + 1) for i in range(len(TOPICS))]
    for i in range(n):
        topics = rng.choices(TOPICS, topic_weights, k=rng.randint(4, 8))  # what this article is about

        def words(k: int, topics: list[str] = topics) -> list[str]:
            kinds = rng.choices(("c", "t", "r"), (0.6, 0.25, 0.15), k=k)
            return [rng.choice(COMMON) if c == "c" else rng.choice(topics) if c == "t" else rng.choice(rare) for c in kinds]

        title = " ".join(w.capitalize() for w in words(rng.randint(5, 11)))
        paragraphs = [" ".join(words(rng.randint(40, 110))) + "." for _ in range(rng.randint(4, 10))]
        section, section_dir = SECTIONS[i % 5]
        day = time.gmtime(1420070400 + int((i / n) * 3_700 * 86_400) + rng.randint(0, 86_399))
        published = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", day)
        authors = rng.sample(names, rng.choice((1, 1, 1, 2, 2, 3))) if i % 50 else ["毕炜梓"]
        if i % 97 == 0:
            paragraphs.append("科技日报北京 (北京) 电")
        yield {
            "url": f"https://www.stdaily.com/web/English/{published[:7]}/{published[8:10]}/content_{1_000_000 + i}.html",
            "canonical_url": f"https://www.stdaily.com/web/English/{published[:7]}/{published[8:10]}/content_{1_000_000 + i}.html",
            "article_id": f"g3-{1_000_000 + i}", "generation": "G3", "section": section, "section_dir": section_dir,
            "breadcrumb": ["EnglishChannel", section, "Article"], "title": title,
            "source": "Science and Technology Daily", "published_raw": published[:19].replace("T", " "),
            "published_at": published, "published_utc": published.replace("+08:00", "+00:00"),
            "published_precision": "second", "author_raw": " & ".join(authors), "byline_raw": "",
            "authors": authors, "body": "\n\n".join(paragraphs), "editor": rng.choice(names),
            "images": [{"src": f"https://www.stdaily.com/images/{i}-{k}.jpg", "caption": " ".join(words(12))}
                       for k in range(rng.choice((0, 0, 1, 1, 2, 3)))],
            "related": [{"title": " ".join(words(8)), "summary": "", "url": f"https://www.stdaily.com/web/English/r{k}.html"}
                        for k in range(5)],
            "word_count": sum(len(p.split()) for p in paragraphs), "extraction_notes": [],
            "fetched_at": "2026-01-01T00:00:00+00:00",
        }


def build(db: Path, n: int) -> None:
    """Write `n` synthetic articles into a fresh archive at `db` (reused when it already has them)."""
    if db.exists():
        with open_archive(db) as archive:
            if archive.count() == n:
                return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    batch: list[dict] = []
    with Archive(db) as archive:
        for article in synthetic_articles(n):
            batch.append(article)
            if len(batch) == 1000:
                archive.write_batch(batch, [], crawl_id=None)
                batch = []
        if batch:
            archive.write_batch(batch, [], crawl_id=None)
    print(f"built {db} ({n} articles) in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def search_latency(db: Path, repeats: int = 5) -> dict:
    per_query = []
    with open_archive(db) as archive:
        for query, filters in QUERIES:
            archive.search(query, **filters)  # warm-up
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                hits = archive.search(query, **filters)
                times.append(time.perf_counter() - started)
            per_query.append({"query": query, **filters, "hits": len(hits),
                              "matching": archive.count(query=query, **filters), "ms": statistics.median(times) * 1000})
    ms = sorted(q["ms"] for q in per_query)
    return {"median_ms": statistics.median(ms), "p90_ms": ms[int(0.9 * len(ms)) - 1], "max_ms": ms[-1], "queries": per_query}


def run_measured(args: list[str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in bytes, exit code) of one subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss * 1024, proc.returncode


def export_memory(db: Path, out_dir: Path) -> dict:
    results = {}
    for fmt in ("jsonl", "csv", "parquet"):
        out = out_dir / f"{db.stem}.{fmt}"
        seconds, rss, code = run_measured(
            [sys.executable, "-m", "stdcrawl", "export", "--db", str(db), "--format", fmt, "--out", str(out)]
        )
        results[fmt] = {"seconds": round(seconds, 2), "peak_rss_mb": round(rss / 2**20, 1),
                        "file_mb": round(out.stat().st_size / 2**20, 1), "exit_code": code}
        out.unlink()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    small = args.db.with_name(args.db.stem + "-1000.db")
    build(args.db, args.articles)
    build(small, 1000)
    search = search_latency(args.db)
    cli = [run_measured([sys.executable, "-m", "stdcrawl", "search", "--db", str(args.db), "Guangdong", "--format", "json"])[0]
           for _ in range(5)]
    baseline = run_measured([sys.executable, "-m", "stdcrawl", "--version"])[1]
    results = {
        "articles": args.articles, "cli_baseline_rss_mb": round(baseline / 2**20, 1), "db_mb": round(args.db.stat().st_size / 2**20, 1), "search": search,
        "cli_search_wall_s": round(statistics.median(cli), 3),
        "export": export_memory(args.db, args.db.parent), "export_1000": export_memory(small, args.db.parent),
    }
    print(f"archive: {args.articles} articles, {results['db_mb']} MB")
    print(f"search over {len(QUERIES)} queries: median {search['median_ms']:.1f} ms, p90 {search['p90_ms']:.1f} ms, "
          f"max {search['max_ms']:.1f} ms; one `stdcrawl search` process: {results['cli_search_wall_s']} s wall")
    for q in search["queries"]:
        extra = {k: v for k, v in q.items() if k not in ("query", "hits", "matching", "ms")}
        print(f"  {q['ms']:7.2f} ms  {q['matching']:6d} matching  {q['query']!r} {extra or ''}")
    print(f"`stdcrawl --version` alone: peak RSS {results['cli_baseline_rss_mb']} MB")
    for fmt in ("jsonl", "csv", "parquet"):
        big, little = results["export"][fmt], results["export_1000"][fmt]
        print(f"export {fmt:8s} peak RSS {big['peak_rss_mb']:6.1f} MB ({little['peak_rss_mb']:.1f} MB for 1,000 articles), "
              f"{big['seconds']} s, {big['file_mb']} MB written, exit {big['exit_code']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
