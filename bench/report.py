"""The results as a Markdown table and JSON, each figure next to its target with pass/miss."""

from __future__ import annotations

import json
from pathlib import Path

#: The targets of issue 6 (README "Performance").
TARGETS = {
    "extraction_vs_floor": 3.0,        # loader + normalization ≤ 3× the lxml parse (both page weights)
    "extraction_vs_peer": 10.0,        # ≥ 10× less CPU than trafilatura (both page weights)
    "crawl_vs_bare": 0.50,             # ≥ 50 % of the bare spider's pages/s
    "storage_vs_insert_all": 0.80,     # ≥ 80 % of raw insert_all
    "reextraction_vs_read_parse": 0.50,  # ≥ 50 % of reading the WARC records + lxml parse
    "memory_growth_mb": 30.0,          # peak RSS growth from the smallest to the largest crawl
}


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _pf(ok: bool | None) -> str:
    return "n/a" if ok is None else ("pass" if ok else "**miss**")


def _extraction_rows(ex: dict) -> list[dict]:
    """The rows of one page weight: against the lxml parse, against trafilatura, where the time goes."""
    weight = {"small": "small pages", "full_weight": "full-weight pages"}.get(ex.get("weight", "small"), ex.get("weight"))
    size = f", {ex['kb_per_page']:.0f} KB" if ex.get("kb_per_page") else ""
    ms = ex["ms_per_page"]
    out = [dict(
        measurement=f"extraction, loader + normalization, {weight} ({ex['pages']} pages{size})",
        stdcrawl=f"{ms['stdcrawl']:.3f} ms/page", baseline=f"lxml parse {ms['lxml_parse']:.3f} ms/page",
        ratio=f"{ex['vs_floor']:.1f}× the floor", target="≤ 3×",
        result=_pf(ex["vs_floor"] <= TARGETS["extraction_vs_floor"]))]
    if ex.get("speedup_vs_trafilatura"):
        out.append(dict(
            measurement=f"extraction vs trafilatura, {weight} ({ex['peer_pages']} pages)",
            stdcrawl=f"{ms['stdcrawl']:.3f} ms/page", baseline=f"trafilatura {ms['trafilatura']:.3f} ms/page",
            ratio=f"{ex['speedup_vs_trafilatura']:.1f}× less CPU", target="≥ 10× less CPU",
            result=_pf(ex["speedup_vs_trafilatura"] >= TARGETS["extraction_vs_peer"])))
    else:
        out.append(dict(measurement=f"extraction vs trafilatura, {weight}", stdcrawl="", baseline="trafilatura not installed",
                        ratio="", target="≥ 10× less CPU", result="n/a"))
    b = ex["breakdown"]
    split = b["ms_per_page"]
    out.append(dict(
        measurement=f"date parsing share of extraction, {weight}",
        stdcrawl=f"{b['date_parsing_share']:.1%} ({b['date_parsing_us_per_call']:.0f} µs a call, "
                 f"{b['dateparser_fallbacks']} dateparser fallbacks)",
        baseline=f"split: response+parse {split['response_and_parse']:.3f}, loader {split['loader']:.3f}, "
                 f"normalize {split['normalize']:.3f} ms/page",
        ratio="", target="", result=""))
    return out


def rows(results: dict) -> list[dict]:
    """One row per figure: measurement, stdcrawl, baseline, ratio, target, result."""
    out: list[dict] = []
    for ex in (results.get("extraction"), results.get("extraction_full_weight")):
        if ex:
            out.extend(_extraction_rows(ex))
    for size, c in sorted(results.get("crawl", {}).items(), key=lambda kv: int(kv[0])):
        pps = c["pages_per_s"]
        out.append(dict(
            measurement=f"end-to-end crawl, {_k(int(size))} articles ({c['repeats']}× each, interleaved)",
            stdcrawl=f"{pps['stdcrawl']:.0f} pages/s", baseline=f"bare spider {pps['bare']:.0f} pages/s",
            ratio=f"{c['ratio']:.0%}", target="≥ 50 %", result=_pf(c["ratio"] >= TARGETS["crawl_vs_bare"])))
    nw = {int(size): c["no_warc"] for size, c in results.get("crawl", {}).items() if c.get("no_warc")}
    if nw:
        crawl = results["crawl"]
        out.append(dict(
            measurement="end-to-end crawl with `--no-warc` (1× each; WARC capture's share)",
            stdcrawl=", ".join(f"{_k(s)}: {nw[s]['pages_per_s']:.0f} pages/s" for s in sorted(nw)),
            baseline="bare " + ", ".join(f"{_k(s)}: {crawl[str(s)]['pages_per_s']['bare']:.0f}" for s in sorted(nw)),
            ratio=", ".join(f"{nw[s]['pages_per_s'] / crawl[str(s)]['pages_per_s']['bare']:.0%}" for s in sorted(nw)),
            target="", result=""))
    st = results.get("storage")
    if st:
        aps = st["articles_per_s"]
        out.append(dict(
            measurement=f"storage ({st['articles']} articles, {st['rows']} rows, batches of {st['batch_size']})",
            stdcrawl=f"{aps['stdcrawl']:,.0f} articles/s", baseline=f"insert_all {aps['insert_all']:,.0f} articles/s",
            ratio=f"{st['ratio']:.0%}", target="≥ 80 %", result=_pf(st["ratio"] >= TARGETS["storage_vs_insert_all"])))
    rx = results.get("reextraction") or {}
    if rx.get("ratio") is not None:
        out.append(dict(
            measurement=f"re-extraction from stored pages ({rx['pages']} pages, `reparse --jobs {rx.get('jobs', 1)}`)",
            stdcrawl=f"{rx['pages_per_s']['stdcrawl']:,.0f} pages/s",
            baseline=f"read records + lxml in {rx.get('jobs', 1)} processes {rx['pages_per_s']['read_parse']:,.0f} pages/s",
            ratio=f"{rx['ratio']:.0%}", target="≥ 50 %",
            result=_pf(rx["ratio"] >= TARGETS["reextraction_vs_read_parse"])))
        if rx.get("speedup_vs_one_process") is not None:
            out.append(dict(
                measurement=f"re-extraction, `--jobs {rx['jobs']}` vs `--jobs 1` (peak RSS of reparse: {rx['reparse_peak_rss_mb']:.0f} MB)",
                stdcrawl=f"{rx['pages_per_s']['stdcrawl']:,.0f} pages/s",
                baseline=f"one process {rx['pages_per_s']['stdcrawl_1']:,.0f} pages/s",
                ratio=f"{rx['speedup_vs_one_process']:.2f}×", target="≥ 1.8× on 2 cores",
                result=_pf(rx["speedup_vs_one_process"] >= 1.8) if rx["jobs"] == 2 else ""))
    else:
        out.append(dict(measurement="re-extraction from stored pages", stdcrawl=rx.get("skipped", "n/a"),
                        baseline="", ratio="", target="≥ 50 %", result="n/a"))
    crawl = results.get("crawl", {})
    if crawl:
        sizes = sorted(int(s) for s in crawl)
        rss = {s: crawl[str(s)]["peak_rss_mb"] for s in sizes}
        out.append(dict(
            measurement="peak RSS of a full crawl",
            stdcrawl=", ".join(f"{_k(s)}: {rss[s]['stdcrawl']:.0f} MB" for s in sizes),
            baseline="bare " + ", ".join(f"{_k(s)}: {rss[s]['bare']:.0f} MB" for s in sizes),
            ratio="", target="", result=""))
        if len(sizes) > 1:
            growth = rss[sizes[-1]]["stdcrawl"] - rss[sizes[0]]["stdcrawl"]
            bare_growth = rss[sizes[-1]]["bare"] - rss[sizes[0]]["bare"]
            span = f"{_k(sizes[0])} → {_k(sizes[-1])} articles"
            out.append(dict(
                measurement=f"peak memory growth {span}",
                stdcrawl=f"{growth:+.0f} MB", baseline=f"bare {bare_growth:+.0f} MB", ratio="",
                target="< 30 MB" + ("" if (sizes[0], sizes[-1]) == (1000, 20000) else " (1k → 20k)"),
                result=_pf(growth < TARGETS["memory_growth_mb"])))
            nw_first, nw_last = crawl[str(sizes[0])].get("no_warc"), crawl[str(sizes[-1])].get("no_warc")
            if nw_first and nw_last:
                out.append(dict(
                    measurement=f"peak memory growth {span}, `--no-warc`",
                    stdcrawl=f"{nw_last['peak_rss_mb'] - nw_first['peak_rss_mb']:+.0f} MB "
                             f"({nw_first['peak_rss_mb']:.0f} → {nw_last['peak_rss_mb']:.0f} MB)",
                    baseline="", ratio="", target="", result=""))
    inc = results.get("incremental")
    if inc:
        nc, new, full = inc["no_change"], inc["new_articles"], inc["full"]
        out.append(dict(
            measurement=f"incremental, no change ({_k(inc['articles'])} archive)",
            stdcrawl=f"{nc['requests']} requests, {nc['seconds']:.2f} s",
            baseline=f"full crawl {full['requests']} requests, {full['seconds']:.1f} s",
            ratio=f"{nc['requests'] / full['requests']:.2%} of the requests, {inc['no_change_time_ratio']:.1%} of the time",
            target=f"= list first pages + robots.txt ({inc['expected_no_change_requests']})",
            result=_pf(inc["no_change_ok"])))
        out.append(dict(
            measurement=f"incremental, {new['published']} new articles",
            stdcrawl=f"{new['requests']} requests, {new['seconds']:.2f} s, {new['articles_new']} stored",
            baseline=f"full crawl {full['requests']} requests, {full['seconds']:.1f} s",
            ratio=f"{new['requests'] / full['requests']:.2%} of the requests, {inc['new_time_ratio']:.1%} of the time",
            target="", result=_pf(inc["new_ok"]) if not inc["new_ok"] else ""))
    if crawl:
        largest = crawl[str(max(int(s) for s in crawl))]
        if largest.get("db_mb_per_1000_articles"):
            out.append(dict(
                measurement="database size per 1,000 articles",
                stdcrawl=f"{largest['db_mb_per_1000_articles']:.2f} MB",
                baseline=(f"WARC {largest['warc_mb_per_1000_articles']:.2f} MB per 1,000 articles"
                          if largest.get("warc_mb_per_1000_articles") else ""),
                ratio="", target="", result=""))
    return out


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Measured {results['finished_at']} on {m['nproc']} × {m['cpu']} ({m['platform']}), Python {m['python']}, "
        f"Scrapy {m['scrapy']}, lxml {m['lxml']}, sqlite-utils {m['sqlite_utils']} (SQLite {m['sqlite']}), "
        f"trafilatura {m['trafilatura'] or 'not installed'}; load average {m['loadavg_start']:.1f} at the start, "
        f"{results['loadavg_end']:.1f} at the end; {results['seconds']:.0f} s in all (`{results['command']}`).",
        "",
        "| measurement | stdcrawl | baseline | ratio | target | result |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows(results):
        lines.append("| " + " | ".join(r[k] for k in ("measurement", "stdcrawl", "baseline", "ratio", "target", "result")) + " |")
    notes = ["", "Medians of interleaved runs; ratios are of medians. Extraction: CPU time a page, both page weights "
             "and their baselines interleaved in every round. Crawls: loopback, no delays, "
             "stdcrawl's concurrency for both; the fixture server runs in its own process."]
    crawl = results.get("crawl", {})
    if crawl:
        share = max(c["server_cpu_share"] or 0 for c in crawl.values())
        cpu = {s: c["cpu_ms_per_page"] for s, c in crawl.items()}
        notes.append(f"CPU per page (crawl process): " + ", ".join(
            f"{_k(int(s))}: stdcrawl {v['stdcrawl']:.2f} ms, bare {v['bare']:.2f} ms" for s, v in sorted(cpu.items(), key=lambda kv: int(kv[0])))
            + f"; the server used at most {share:.0%} of a core.")
    prof = results.get("profile") or {}
    if prof.get("self"):
        notes.append("")
        notes.append(f"Hottest functions of a {_k(prof['articles'])}-article crawl (py-spy, {prof['samples']} samples, "
                     "share of busy samples; self time):")
        notes.append("")
        for i, f in enumerate(prof["self"][:10], 1):
            notes.append(f"{i}. `{f['function']}` {f['share']:.1%}")
        notes.append("")
        notes.append("By area: " + ", ".join(f"{k} {v:.0%}" for k, v in prof["areas"].items()) + ".")
        if prof.get("stdcrawl_inclusive"):
            notes.append("")
            notes.append("stdcrawl's own functions, inclusive: " + ", ".join(
                f"`{f['function']}` {f['share']:.0%}" for f in prof["stdcrawl_inclusive"][:8]) + ".")
    elif prof.get("skipped"):
        notes.append(f"Profile: skipped ({prof['skipped']}).")
    return "\n".join(lines + notes) + "\n"


def write(results: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    js, md = out / "latest.json", out / "latest.md"
    js.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")
    md.write_text(markdown(results), "utf-8")
    return js, md
