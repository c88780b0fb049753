"""Extraction per page on both page weights: stdcrawl's loader + normalization vs the lxml parse (the floor) and trafilatura (the peer).

Two samples of the same records: the small fixture templates the site is
written in (≈ 6 KB a page) and the full-weight families of
`sitegen/heavy.py` (≈ 45 KB: menus, sidebars, teaser boxes, comment
widgets; issue 11 §5), each record rendered in one of them by turns.

stdcrawl's path is what the spider does with each article response: an
`HtmlResponse` from the bytes, `extract.raw_from_response` (the page's
tree and the text-layout loader), `normalize.normalize_article`. The floor
is `lxml.html.fromstring` of the same bytes; the peer is
`trafilatura.extract` of the same bytes (its defaults: main text, no
metadata). All six loops (three a weight) run interleaved, several rounds;
each figure is the median over rounds of the mean CPU time a page
(`time.process_time`, so other processes on a shared machine move it less).
A separate instrumented pass a weight splits stdcrawl's CPU time (response +
parse, loader, normalization) and measures the share spent in date parsing
(`normalize.parse_timestamp`).
"""

from __future__ import annotations

import time
from pathlib import Path

import lxml.html
from scrapy.http import HtmlResponse

from bench.common import Site, median, ratio
from stdcrawl import sitegen
from stdcrawl.extract import normalize
from stdcrawl.extract.layout import parse_html
from stdcrawl.extract.page import raw_article, raw_from_response
from stdcrawl.extract.normalize import normalize_article

HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def sample_pages(site: Site, n: int) -> list[tuple[str, bytes]]:
    """n article pages spread evenly over the site (every generation and section): (url, bytes)."""
    paths = site.article_paths
    step = max(1, len(paths) // max(1, n))
    chosen = paths[::step][:n]
    return [("https://www.stdaily.com" + p, (site.root / p.lstrip("/")).read_bytes()) for p in chosen]


def full_weight_pages(site: Site, sample: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The same articles rendered full-weight: each record in a `sitegen.heavy` family by turns, in its encoding."""
    by_path = {r["url_path"]: r for r in site.records}
    index = sitegen.SiteIndex(site.records)
    families = sitegen.heavy.FAMILIES
    out = []
    for i, (url, _body) in enumerate(sample):
        rec = by_path.get(url.removeprefix("https://www.stdaily.com"))
        if rec is None:  # a copy the site writes under a second URL
            continue
        rec = dict(rec, family=families[i % len(families)])
        text = sitegen.render_article(rec, index)
        out.append((url, text.encode(rec.get("encoding", "utf-8"), errors="xmlcharrefreplace")))
    return out


def stdcrawl_page(url: str, body: bytes) -> dict:
    """What the spider and the normalize pipeline do with one article response."""
    return normalize_article(raw_from_response(HtmlResponse(url=url, body=body, headers=HEADERS)))


def _time_loop(fn, pages) -> float:
    """Mean CPU milliseconds a page."""
    started = time.process_time()
    for url, body in pages:
        fn(url, body)
    return (time.process_time() - started) * 1000 / len(pages)


def _breakdown(pages) -> dict:
    """One instrumented pass: where stdcrawl's time a page goes, and the date parsing in it."""
    spent = {"response_and_parse": 0.0, "loader": 0.0, "normalize": 0.0, "date_parsing": 0.0}
    calls = {"parse_timestamp": 0, "dateparser": 0}
    original_parse, original_parser = normalize.parse_timestamp, normalize._date_parser

    def timed_parse(raw, *args):
        calls["parse_timestamp"] += 1
        t = time.process_time()
        try:
            return original_parse(raw, *args)
        finally:
            spent["date_parsing"] += time.process_time() - t

    def counted_parser(*args):
        calls["dateparser"] += 1
        return original_parser(*args)

    normalize.parse_timestamp, normalize._date_parser = timed_parse, counted_parser
    try:
        for url, body in pages:
            t0 = time.process_time()
            response = HtmlResponse(url=url, body=body, headers=HEADERS)
            root = parse_html(response.text, url)  # the parse, timed on its own
            t1 = time.process_time()
            raw = raw_article(response.text, response.body, url, root)
            t2 = time.process_time()
            normalize_article(raw)
            t3 = time.process_time()
            spent["response_and_parse"] += t1 - t0
            spent["loader"] += t2 - t1
            spent["normalize"] += t3 - t2
    finally:
        normalize.parse_timestamp, normalize._date_parser = original_parse, original_parser
    total = spent["response_and_parse"] + spent["loader"] + spent["normalize"]
    return {
        "ms_per_page": {k: v * 1000 / len(pages) for k, v in spent.items()},
        "date_parsing_share": spent["date_parsing"] / total if total else None,
        "date_parsing_us_per_call": spent["date_parsing"] * 1e6 / calls["parse_timestamp"] if calls["parse_timestamp"] else None,
        "parse_timestamp_calls": calls["parse_timestamp"],
        "dateparser_fallbacks": calls["dateparser"],
    }


WEIGHTS = ("small", "full_weight")


def measure(site: Site, pages: int = 300, rounds: int = 5, peer_pages: int = 60) -> dict:
    """Both page weights, interleaved in every round: {"small": {…}, "full_weight": {…}}."""
    small = sample_pages(site, pages)
    samples = {"small": small, "full_weight": full_weight_pages(site, small)}
    try:
        import trafilatura
    except ImportError:
        trafilatura = None
    peer_samples = {w: s[:: max(1, len(s) // peer_pages)][:peer_pages] for w, s in samples.items()}

    def floor(url, body):
        lxml.html.fromstring(body)

    def peer(url, body):
        trafilatura.extract(body, url=url)

    # Warm-up: imports, caches, first-use costs stay out of the rounds.
    for sample in samples.values():
        for url, body in sample[:10]:
            floor(url, body)
            stdcrawl_page(url, body)
            if trafilatura:
                peer(url, body)
    runs = {w: {"lxml_parse": [], "stdcrawl": [], "trafilatura": []} for w in WEIGHTS}
    for _ in range(rounds):
        for w in WEIGHTS:
            runs[w]["lxml_parse"].append(_time_loop(floor, samples[w]))
            runs[w]["stdcrawl"].append(_time_loop(stdcrawl_page, samples[w]))
            if trafilatura:
                runs[w]["trafilatura"].append(_time_loop(peer, peer_samples[w]))
    out = {}
    for w in WEIGHTS:
        sample = samples[w]
        med = {k: median(v) for k, v in runs[w].items()}
        out[w] = {
            "weight": w,
            "pages": len(sample),
            "kb_per_page": sum(len(b) for _, b in sample) / len(sample) / 1024,
            "peer_pages": len(peer_samples[w]) if trafilatura else 0,
            "rounds": rounds,
            "clock": "process_time (CPU)",
            "ms_per_page": med,
            "runs_ms_per_page": runs[w],
            "vs_floor": ratio(med["stdcrawl"], med["lxml_parse"]),
            "speedup_vs_trafilatura": ratio(med["trafilatura"], med["stdcrawl"]),
            "trafilatura": "extract(bytes, url=url), default options" if trafilatura else "not installed",
            "breakdown": _breakdown(sample),
        }
    return out


def extracted_articles(site: Site, n: int | None = None) -> list[dict]:
    """The site's articles as the crawl would hand them to the store (for the storage benchmark)."""
    from stdcrawl import EXTRACTOR_VERSION

    paths = site.article_paths[:n] if n else site.article_paths
    out = []
    for p in paths:
        article = stdcrawl_page("https://www.stdaily.com" + p, (Path(site.root) / p.lstrip("/")).read_bytes())
        article["extractor_version"] = EXTRACTOR_VERSION
        out.append(article)
    return out

