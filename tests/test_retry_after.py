"""Retry-After (RFC 9110 §10.2.3): seconds or an HTTP date, honoured for 429 and 503 (middlewares.py)."""

from __future__ import annotations

from scrapy.http import Response

from stdcrawl.crawl.middlewares import retry_after_seconds


def answer(**headers) -> Response:
    return Response("http://127.0.0.1/x", status=503, headers=headers)


def test_retry_after_in_seconds():
    assert retry_after_seconds(answer(**{"Retry-After": "7"})) == 7.0


def test_retry_after_as_an_http_date_counts_from_the_response_s_date():
    r = answer(**{"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT", "Date": "Wed, 21 Oct 2026 07:28:00 GMT"})
    assert retry_after_seconds(r) == 30.0


def test_a_missing_or_unreadable_retry_after_is_none():
    assert retry_after_seconds(answer()) is None
    assert retry_after_seconds(answer(**{"Retry-After": "soon"})) is None
