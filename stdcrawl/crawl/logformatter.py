"""Log lines that name the page, not the whole article."""

from __future__ import annotations

import logging

from scrapy import logformatter


class StdcrawlLogFormatter(logformatter.LogFormatter):
    """Dropped items are logged with their reason and URL only (the reason
    already names the URL), and scraped items at DEBUG by URL."""

    def dropped(self, item, exception, response, spider=None, *args, **kwargs):
        return {"level": logging.INFO, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def scraped(self, item, response, spider=None, *args, **kwargs):
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s", "args": {"url": item.get("url")}}
