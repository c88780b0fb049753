"""One page → one article, outside or inside a crawl.

The spider, `stdcrawl extract` and `stdcrawl reparse` all go through
`raw_from_response`, so a page gives the same fields however it arrives.
"""

from __future__ import annotations

from scrapy.http import HtmlResponse, TextResponse

from stdcrawl import EXTRACTOR_VERSION
from stdcrawl.extract import site
from stdcrawl.extract.items import RawArticle
from stdcrawl.extract.loaders import ArticleLoader, recover_encoding
from stdcrawl.extract.normalize import normalize_article, utc_now
from stdcrawl.crawl.pipelines import validate_article


class NotAnArticle(ValueError):
    """The page or URL is not an article of the channel (or is unreadable)."""


def raw_from_response(response: TextResponse) -> RawArticle:
    """The loader's raw fields of an article response (wrong encodings recovered)."""
    recovered = recover_encoding(response.text, response.body)
    if recovered is not None:
        response = response.replace(body=recovered.encode("utf-8"), encoding="utf-8")
    raw = ArticleLoader(response.selector, response.url).load()
    raw["encoding_recovered"] = recovered is not None
    raw["fetched_at"] = utc_now()
    return raw


def article_from_bytes(body: bytes, url: str, content_type: str | None = None, fetched_at: str | None = None) -> dict:
    """A saved page's article (docs/fields.md). Raises NotAnArticle."""
    if site.article_ref(site.url_path(url)) is None:
        raise NotAnArticle(f"{url} is not an article URL of the English channel (see stdcrawl/site.py)")
    headers = {"Content-Type": content_type} if content_type else {}
    response = HtmlResponse(url=url, body=body, headers=headers)
    raw = raw_from_response(response)
    if fetched_at:
        raw["fetched_at"] = fetched_at
    article = normalize_article(raw)
    article["extractor_version"] = EXTRACTOR_VERSION
    reason = validate_article(article)
    if reason:
        raise NotAnArticle(f"{url}: not an article page ({reason.replace('_', ' ')})")
    return article
