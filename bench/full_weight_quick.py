"""Quick check (issue 11): extraction CPU per page on both page weights, against the lxml parse.

The same 200 synthetic records rendered twice: in the small templates
(≈ 6 KB a page) and in the full-weight families of `sitegen/heavy.py`
(≈ 45 KB). stdcrawl's path is what the spider does with each article
response (`HtmlResponse`, `extract.raw_from_response`,
`normalize.normalize_article`); the floor is `lxml.html.fromstring` of the
same bytes. CPU time (`time.process_time`), median of 9 interleaved rounds,
so other processes on a shared machine move the figures less.

    .venv/bin/python -m bench.full_weight_quick
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

import lxml.html
from scrapy.http import HtmlResponse

from stdcrawl import sitegen
from stdcrawl.extract.page import raw_from_response
from stdcrawl.extract.normalize import normalize_article
from stdcrawl.sitegen.records import SiteIndex

HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def _pages(records: list[dict]) -> list[tuple[str, bytes]]:
    index = SiteIndex(records)
    return [("https://www.stdaily.com" + r["url_path"], sitegen.render_article(r, index).encode("utf-8")) for r in records]


def _cpu_ms(fn, pages) -> float:
    started = time.process_time()
    for url, body in pages:
        fn(url, body)
    return (time.process_time() - started) * 1000 / len(pages)


def _extract(url: str, body: bytes) -> dict:
    return normalize_article(raw_from_response(HtmlResponse(url=url, body=body, headers=HEADERS)))


def _parse(url: str, body: bytes):
    return lxml.html.fromstring(body)


def main(rounds: int = 9) -> None:
    records = sitegen.synthetic_articles(200, seed=5, end=dt.date(2026, 6, 30))
    heavy = [dict(r, family=sitegen.heavy.FAMILIES[i % 2]) for i, r in enumerate(records)]
    for name, pages in (("small", _pages(records)), ("full-weight", _pages(heavy))):
        kb = sum(len(b) for _, b in pages) / len(pages) / 1024
        _cpu_ms(_extract, pages[:30])
        floor, ours = [], []
        for _ in range(rounds):
            floor.append(_cpu_ms(_parse, pages))
            ours.append(_cpu_ms(_extract, pages))
        f, e = statistics.median(floor), statistics.median(ours)
        print(f"{name:12s} {kb:5.1f} KB/page  extraction {e:.2f} ms  lxml parse {f:.2f} ms  ratio {e / f:.1f}x")


if __name__ == "__main__":
    main()
