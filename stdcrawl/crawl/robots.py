"""robots.txt, parsed before anything else is asked, and read as RFC 9309 says.

Scrapy 2.19's RobotsTxtMiddleware keeps one Deferred per host while
robots.txt downloads; the first request waiting on it receives the parser and
every later waiter receives None, "no robots.txt": with `Disallow: /` the
first list pages still went out. Here each waiter has its own Deferred, so no
request is sent before robots.txt is parsed.

RFC 9309 §2.3.1: a robots.txt answering 4xx means no rules (everything
allowed); one answering 5xx, or not at all, means "assume complete disallow".
That run then fetches nothing of the host, reports `robots_txt_unavailable`
and ends incomplete, so the next run asks again and walks every list page.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from stdcrawl.crawl.extensions import STAT

logger = logging.getLogger(__name__)


class RobotsUnavailable(IgnoreRequest):
    """robots.txt answered 5xx or not at all: nothing of the host is fetched in this run."""


class _DisallowAll:
    """The parser of a host whose robots.txt could not be had (RFC 9309: complete disallow)."""

    def __init__(self, why: str):
        self.why = why

    def allowed(self, url, user_agent) -> bool:
        return False


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Every request waits for its host's parsed robots.txt (module docstring)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._waiters: dict[str, list[Deferred]] = {}

    def process_request_2(self, rp, request: Request) -> None:
        if isinstance(rp, _DisallowAll):
            self.crawler.stats.inc_value("robotstxt/unavailable_forbidden")
            raise RobotsUnavailable(f"robots.txt unavailable ({rp.why}): {request.url} not fetched")
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request):
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc in self._parsers:
            return self._parsers[netloc]
        if netloc in self._waiters:  # robots.txt is on its way: wait for it
            waiter: Deferred = Deferred()
            self._waiters[netloc].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self._waiters[netloc] = []
        robots_url = f"{url.scheme}://{netloc}/robots.txt"
        try:
            rp = await self._fetch(robots_url, request)
        except Exception as exc:  # never leave the waiters hanging: the run would never end
            logger.debug("reading %s failed", robots_url, exc_info=True)
            rp = self._unavailable(robots_url, f"{type(exc).__name__}: {exc}")
        self._parsers[netloc] = rp
        for waiter in self._waiters.pop(netloc):
            waiter.callback(rp)
        return rp

    async def _fetch(self, robots_url: str, request: Request):
        robots_request = Request(robots_url, priority=self.DOWNLOAD_PRIORITY,
                                 meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        self.crawler.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots_request)
        except Exception as exc:  # unreachable: RFC 9309 says assume complete disallow
            return self._unavailable(robots_url, f"{type(exc).__name__}: {exc}")
        self.crawler.stats.inc_value("robotstxt/response_count")
        self.crawler.stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            return self._unavailable(robots_url, f"HTTP {response.status}")
        if response.status >= 400:
            return None  # no robots.txt: everything allowed
        rp = build_from_crawler(self._parserimpl, self.crawler, response.body)
        parsed = getattr(signals, "robots_parsed", None)  # Scrapy >= 2.15
        if parsed is not None:
            await self.crawler.signals.send_catch_log_async(signal=parsed, robotparser=rp, request=request)
        return rp

    def _unavailable(self, robots_url: str, why: str) -> _DisallowAll:
        logger.error("%s unavailable (%s): nothing of the site is fetched in this run", robots_url, why)
        self.crawler.stats.set_value(f"{STAT}/failed/robots_txt_unavailable", 1)
        return _DisallowAll(why)
