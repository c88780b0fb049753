"""Extraction per page: stdcrawl's loader + normalization vs the lxml parse (the floor) and trafilatura (the peer).

stdcrawl's path is what the spider does with each article response: an
`HtmlResponse` from the bytes, `extract.raw_from_response` (the page's
selector and the text-layout loader), `normalize.normalize_article`. The
floor is `lxml.html.fromstring` of the same bytes; the peer is
`trafilatura.extract` of the same bytes (its defaults: main text, no
metadata). The three run interleaved, several rounds; each figure is the
median over rounds of the mean time a page. A separate instrumented pass
splits stdcrawl's time (response + parse, loader, normalization) and
measures the share spent in date parsing (`normalize.parse_timestamp`).
"""

from __future__ import annotations

import time
from pathlib import Path

import lxml.html
from scrapy.http import HtmlResponse

from bench.common import Site, median, ratio
from stdcrawl.extract import normalize
from stdcrawl.extract.page import raw_from_response
from stdcrawl.extract.normalize import normalize_article

HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def sample_pages(site: Site, n: int) -> list[tuple[str, bytes]]:
    """n article pages spread evenly over the site (every generation and section): (url, bytes)."""
    paths = site.article_paths
    step = max(1, len(paths) // max(1, n))
    chosen = paths[::step][:n]
    return [("https://www.stdaily.com" + p, (site.root / p.lstrip("/")).read_bytes()) for p in chosen]


def stdcrawl_page(url: str, body: bytes) -> dict:
    """What the spider and the normalize pipeline do with one article response."""
    return normalize_article(raw_from_response(HtmlResponse(url=url, body=body, headers=HEADERS)))


def _time_loop(fn, pages) -> float:
    """Mean milliseconds a page."""
    started = time.perf_counter()
    for url, body in pages:
        fn(url, body)
    return (time.perf_counter() - started) * 1000 / len(pages)


def _breakdown(pages) -> dict:
    """One instrumented pass: where stdcrawl's time a page goes, and the date parsing in it."""
    spent = {"response_and_parse": 0.0, "loader": 0.0, "normalize": 0.0, "date_parsing": 0.0}
    calls = {"parse_timestamp": 0, "dateparser": 0}
    original_parse, original_parser = normalize.parse_timestamp, normalize._date_parser

    def timed_parse(raw, *args):
        calls["parse_timestamp"] += 1
        t = time.perf_counter()
        try:
            return original_parse(raw, *args)
        finally:
            spent["date_parsing"] += time.perf_counter() - t

    def counted_parser(*args):
        calls["dateparser"] += 1
        return original_parser(*args)

    normalize.parse_timestamp, normalize._date_parser = timed_parse, counted_parser
    try:
        for url, body in pages:
            t0 = time.perf_counter()
            response = HtmlResponse(url=url, body=body, headers=HEADERS)
            response.selector  # noqa: B018  (the parse, timed on its own)
            t1 = time.perf_counter()
            raw = raw_from_response(response)
            t2 = time.perf_counter()
            normalize_article(raw)
            t3 = time.perf_counter()
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


def measure(site: Site, pages: int = 300, rounds: int = 5, peer_pages: int = 60) -> dict:
    sample = sample_pages(site, pages)
    try:
        import trafilatura
    except ImportError:
        trafilatura = None
    peer_sample = sample[:: max(1, len(sample) // peer_pages)][:peer_pages]

    def floor(url, body):
        lxml.html.fromstring(body)

    def peer(url, body):
        trafilatura.extract(body, url=url)

    # Warm-up: imports, caches, first-use costs stay out of the rounds.
    for url, body in sample[:10]:
        floor(url, body)
        stdcrawl_page(url, body)
        if trafilatura:
            peer(url, body)
    runs = {"lxml_parse": [], "stdcrawl": [], "trafilatura": []}
    for _ in range(rounds):
        runs["lxml_parse"].append(_time_loop(floor, sample))
        runs["stdcrawl"].append(_time_loop(stdcrawl_page, sample))
        if trafilatura:
            runs["trafilatura"].append(_time_loop(peer, peer_sample))
    med = {k: median(v) for k, v in runs.items()}
    return {
        "pages": len(sample),
        "peer_pages": len(peer_sample) if trafilatura else 0,
        "rounds": rounds,
        "ms_per_page": med,
        "runs_ms_per_page": runs,
        "vs_floor": ratio(med["stdcrawl"], med["lxml_parse"]),
        "speedup_vs_trafilatura": ratio(med["trafilatura"], med["stdcrawl"]),
        "trafilatura": "extract(bytes, url=url), default options" if trafilatura else "not installed",
        "breakdown": _breakdown(sample),
    }


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

