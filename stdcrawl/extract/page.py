"""One page → one article, outside or inside a crawl.

The one extraction sequence: the loader's raw fields (`raw_article`) →
normalized (`normalize_article`) → stamped with the extractor version →
validated (`validate_article`). The crawl's pipeline, `stdcrawl extract` and
`stdcrawl reparse` all call `article_from_raw`, so a page gives the same
fields however it arrives.
"""

from __future__ import annotations

from parsel import Selector

from stdcrawl import EXTRACTOR_VERSION
from stdcrawl.extract import site
from stdcrawl.extract.decode import page_text
from stdcrawl.extract.items import RawArticle
from stdcrawl.extract.loaders import ArticleLoader, recover_encoding
from stdcrawl.extract.normalize import normalize_article, utc_now
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile
from stdcrawl.extract.validate import validate_article


class NotAnArticle(ValueError):
    """The page or URL is not an article of the channel (or is unreadable)."""


def raw_article(text: str, body: bytes, url: str, selector: Selector | None = None,
                profile: SiteProfile = STDAILY_ENGLISH) -> RawArticle:
    """The loader's raw fields of an article page (wrong encodings recovered).

    `selector`: the page already parsed (a Scrapy response's), so it is not parsed twice.
    """
    recovered = recover_encoding(text, body, profile.encoding_fallback)
    if recovered is not None:
        selector = None
        text = recovered
    if selector is None:
        selector = Selector(text=text, type="html", base_url=url)
    raw = ArticleLoader(selector, url, profile).load()
    raw["encoding_recovered"] = recovered is not None
    raw["fetched_at"] = utc_now()
    return raw


def raw_from_response(response, profile: SiteProfile = STDAILY_ENGLISH) -> RawArticle:
    """`raw_article` of a Scrapy text response (anything with text, body, url, selector)."""
    return raw_article(response.text, response.body, response.url, response.selector, profile)


def article_from_raw(raw: RawArticle, profile: SiteProfile = STDAILY_ENGLISH) -> tuple[dict, str | None]:
    """The normalized article, stamped with its site and extractor version,
    and why it cannot be stored (None when it can)."""
    article = normalize_article(raw, profile)
    article["site"] = profile.name
    article["extractor_version"] = EXTRACTOR_VERSION
    return article, validate_article(article)


def article_from_bytes(body: bytes, url: str, content_type: str | None = None, fetched_at: str | None = None,
                       profile: SiteProfile = STDAILY_ENGLISH) -> dict:
    """A saved page's article (docs/fields.md). Raises NotAnArticle."""
    if profile.article_ref(site.url_path(url)) is None:
        raise NotAnArticle(f"{url} is not an article URL of {profile.name} (see stdcrawl/extract/site.py)")
    raw = raw_article(page_text(body, content_type), body, url, profile=profile)
    if fetched_at:
        raw["fetched_at"] = fetched_at
    article, reason = article_from_raw(raw, profile)
    if reason:
        raise NotAnArticle(f"{url}: not an article page ({reason.replace('_', ' ')})")
    return article
