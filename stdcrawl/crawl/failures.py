"""One short reason for each way a request or its page can fail (summary, `crawls.failure_reasons`, `url_state`)."""

from __future__ import annotations

import re

from scrapy import exceptions
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer, error
from twisted.web._newclient import ResponseFailed

from stdcrawl.crawl.redirects import RedirectRefused
from stdcrawl.crawl.robots import RobotsUnavailable
from stdcrawl.extract.pagecheck import body_problem
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile


def _scrapy(name: str) -> tuple[type, ...]:
    """Scrapy ≥ 2.19 wraps download errors in its own exceptions; older ones raise Twisted's."""
    found = getattr(exceptions, name, None)
    return (found,) if found else ()


_TIMEOUTS = (error.TimeoutError, error.TCPTimedOutError, defer.TimeoutError, TimeoutError,
             *_scrapy("DownloadTimeoutError"))
_DATALOSS = _scrapy("ResponseDataLossError")
_CANCELLED = (defer.CancelledError, *_scrapy("DownloadCancelledError"))
_REFUSED = (error.ConnectionRefusedError, error.ConnectError, *_scrapy("DownloadConnectionRefusedError"))
_DNS = (error.DNSLookupError, *_scrapy("CannotResolveHostError"))


def reason_of(exc: BaseException) -> str:
    """`http_503`, `timeout`, `cut_transfer`, `too_large`, `redirect_loop`, `robots_forbidden`, …"""
    if isinstance(exc, RedirectRefused):
        return exc.reason
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, _TIMEOUTS):
        return "timeout"
    if _DATALOSS and isinstance(exc, _DATALOSS):
        return "cut_transfer"
    if isinstance(exc, ResponseFailed):
        return "cut_transfer" if "DataLoss" in repr(exc.reasons) else "connection_lost"
    if isinstance(exc, _CANCELLED):
        return "too_large" if "max size" in str(exc) else "cancelled"
    if isinstance(exc, _REFUSED):
        return "connection_refused"
    if isinstance(exc, _DNS):
        return "dns"
    if isinstance(exc, RobotsUnavailable):
        return "robots_unavailable"
    if isinstance(exc, IgnoreRequest):
        return "robots_forbidden" if "robots.txt" in str(exc) else "ignored"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def page_problem(response: Response, profile: SiteProfile = STDAILY_ENGLISH) -> str | None:
    """Why a 200 response to an article URL is not a whole HTML page
    (`not_html`, `cut_transfer`, then extract/pagecheck.py's), or None."""
    if not isinstance(response, HtmlResponse):
        return "not_html"
    if "dataloss" in response.flags:
        return "cut_transfer"
    return body_problem(response.body, profile)
