"""Downloader middlewares: retries that back off.

Scrapy's RetryMiddleware re-queues a failed request at once; against a
struggling server that is the opposite of polite. This one waits
`base * 2**(attempt-1)` seconds (capped) before handing the retry back, or
what a 429/503's `Retry-After` asks when that is longer (capped at
STDCRAWL_RETRY_AFTER_MAX).
"""

from __future__ import annotations

import asyncio
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware

from stdcrawl.clock import get_clock


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with exponential backoff (STDCRAWL_RETRY_BACKOFF_*)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("STDCRAWL_RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("STDCRAWL_RETRY_BACKOFF_MAX")
        self.retry_after_max = settings.getfloat("STDCRAWL_RETRY_AFTER_MAX")

    def backoff_seconds(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 1))

    async def _wait(self, retry, at_least: float = 0.0):
        if retry is not None and (self.backoff_base > 0 or at_least):
            await asyncio.sleep(max(at_least, self.backoff_seconds(retry.meta.get("retry_times", 1))))
        return retry

    async def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is response:
            return response
        wish = retry_after_seconds(response) if response.status in (429, 503) else None
        return await self._wait(result, min(wish or 0.0, self.retry_after_max))

    async def process_exception(self, request, exception, spider=None):
        return await self._wait(super().process_exception(request, exception))


def retry_after_seconds(response) -> float | None:
    """A response's Retry-After in seconds (delta-seconds or an HTTP date), or None."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    try:
        sent = parsedate_to_datetime((response.headers.get("Date") or b"").decode("latin-1"))
    except (TypeError, ValueError):
        sent = get_clock().now()
    try:
        return max(0.0, (when - sent).total_seconds())
    except TypeError:  # a date without a zone
        return None
