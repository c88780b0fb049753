"""The watchdog: a run that has stalled stops cleanly instead of holding the lock forever.

When no response arrives and no article is stored for STDCRAWL_WATCHDOG_SECONDS
(a server that accepts connections and never answers, a stuck download), the
spider is closed with reason `stalled`: the batches written so far stay, the
`crawls` row says `stalled`, the lock is released and the exit code is 1.
Scrapy's CLOSESPIDER_TIMEOUT_NO_ITEM watches items only; a no-change night
stores none, yet is not stalled while responses come.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task, tcp

from stdcrawl.crawl.extensions import STAT

logger = logging.getLogger(__name__)


class Watchdog:
    """Closes the spider after STDCRAWL_WATCHDOG_SECONDS without a response or a stored item."""

    def __init__(self, crawler, seconds: float):
        self.crawler = crawler
        self.seconds = seconds
        self.last = time.monotonic()
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.alive, signal=signals.response_received)
        crawler.signals.connect(self.alive, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        seconds = crawler.settings.getfloat("STDCRAWL_WATCHDOG_SECONDS")
        if seconds <= 0:
            raise NotConfigured
        return cls(crawler, seconds)

    def alive(self, *args, **kwargs) -> None:
        self.last = time.monotonic()

    def spider_opened(self, spider) -> None:
        self.last = time.monotonic()
        self.loop = task.LoopingCall(self.check)
        self.loop.start(min(5.0, max(0.2, self.seconds / 4)), now=False)

    def check(self) -> None:
        idle = time.monotonic() - self.last
        if idle < self.seconds:
            return
        self.loop.stop()
        message = f"stalled: no response and nothing stored for {idle:.0f} s (STDCRAWL_WATCHDOG_SECONDS={self.seconds:g})"
        logger.error("%s; stopping the crawl", message)
        stats = self.crawler.stats
        stats.set_value(f"{STAT}/fatal", message)
        stats.set_value(f"{STAT}/fatal_reason", "stalled")
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="stalled"))
            # Scrapy's close waits for downloads in flight (and their retries): a stuck one would
            # hold the run for up to DOWNLOAD_TIMEOUT more; cut them, after a grace second, until closed
            self.loop = task.LoopingCall(abort_downloads)
            self.loop.start(0.5, now=False)

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()


def abort_downloads() -> int:
    """Abort this process's outgoing TCP connections (the crawl's downloads); returns how many."""
    from twisted.internet import reactor  # the running one (importing it first would install another)

    clients = {c for c in (*reactor.getReaders(), *reactor.getWriters()) if isinstance(c, tcp.Client)}
    for client in clients:
        client.abortConnection()
    return len(clients)
