"""Downloader middlewares: retries that back off.

Scrapy's RetryMiddleware re-queues a failed request at once; against a
struggling server that is the opposite of polite. This one waits
`base * 2**(attempt-1)` seconds (capped) before handing the retry back.
"""

from __future__ import annotations

import asyncio

from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with exponential backoff (STDCRAWL_RETRY_BACKOFF_*)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("STDCRAWL_RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("STDCRAWL_RETRY_BACKOFF_MAX")

    def backoff_seconds(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 1))

    async def _wait(self, retry):
        if retry is not None and self.backoff_base > 0:
            await asyncio.sleep(self.backoff_seconds(retry.meta.get("retry_times", 1)))
        return retry

    async def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is response:
            return response
        return await self._wait(result)

    async def process_exception(self, request, exception, spider=None):
        return await self._wait(super().process_exception(request, exception))
