"""The floor of a crawl: a bare Scrapy spider that fetches the same pages and does nothing else.

`python -m bench.bare_spider --base-url URL --paths FILE` fetches every path
of FILE (one a line: the list pages and articles a full stdcrawl run fetches)
with stdcrawl's own settings for that base URL where they shape the download
(concurrency, delays, AutoThrottle, robots.txt, timeouts, User-Agent,
reactor), and prints `{"requests", "responses", "seconds"}` as one JSON line.
Its callback does nothing: no parsing, no items, no storage.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from stdcrawl.crawl.runner import CrawlOptions, crawl_settings

#: The settings that decide how fast pages come in: taken from stdcrawl's, so both crawl alike.
SHARED_SETTINGS = (
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_REQUESTS_PER_IP", "DOWNLOAD_DELAY",
    "RANDOMIZE_DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_TIMEOUT", "ROBOTSTXT_OBEY", "USER_AGENT",
    "TWISTED_REACTOR", "TELNETCONSOLE_ENABLED", "REMOTE_CONTROL_ENABLED", "DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE",
    "LOG_LEVEL",
)


class BareSpider(scrapy.Spider):
    """Requests every URL it is given; its callback does nothing."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        return None


def bare_settings(base_url: str, log_level: str = "ERROR") -> Settings:
    """stdcrawl's download-shaping settings for this base URL (loopback: no delays), nothing else."""
    ours = crawl_settings(CrawlOptions(db=Path(os.devnull), base_url=base_url, log_level=log_level))
    return Settings({k: ours.get(k) for k in SHARED_SETTINGS if ours.get(k) is not None})


def crawl(base_url: str, paths: list[str]) -> dict:
    started = time.monotonic()
    process = CrawlerProcess(bare_settings(base_url))
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=[base_url.rstrip("/") + p for p in paths])
    process.start()
    seconds = time.monotonic() - started
    stats = crawler.stats.get_stats()
    return {
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "seconds": round(seconds, 3),
        "finish_reason": stats.get("finish_reason"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--paths", required=True, type=Path, help="file of URL paths, one a line")
    args = parser.parse_args(argv)
    paths = [line.strip() for line in args.paths.read_text("utf-8").splitlines() if line.strip()]
    print(json.dumps(crawl(args.base_url, paths)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
