"""One page → one article, outside or inside a crawl.

The one extraction sequence: the loader's raw fields (`raw_article`, with
`not_an_article`: why the page is no article at all, page_kind.py) → a page
that is no article stops here → normalized (`normalize_article`) → stamped
with the extractor version → validated (`validate_article`). The crawl's pipeline, `stdcrawl extract` and
`stdcrawl reparse` all call `article_from_raw`, so a page gives the same
fields however it arrives.
"""

from __future__ import annotations

from parsel import Selector
from w3lib.encoding import read_bom

from stdcrawl import EXTRACTOR_VERSION
from stdcrawl.extract import site
from stdcrawl.extract.decode import page_text
from stdcrawl.extract.health import anchors_missing
from stdcrawl.extract.items import RawArticle
from stdcrawl.extract.layout import parse_html
from stdcrawl.extract.loaders import ArticleLoader, recover_encoding
from stdcrawl.extract.normalize import normalize_article, utc_now
from stdcrawl.extract.page_kind import not_an_article
from stdcrawl.extract.pagecheck import codec_name, declared_text, garbled
from stdcrawl.extract.signature import template_signature
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile
from stdcrawl.extract.validate import validate_article


class NotAnArticle(ValueError):
    """The page or URL is not an article of the channel (or is unreadable)."""


def raw_article(text: str, body: bytes, url: str, selector: Selector | None = None,
                profile: SiteProfile = STDAILY_ENGLISH, body_is_utf8: bool = False,
                fetched_at: str | None = None) -> RawArticle:
    """The loader's raw fields of an article page (wrong encodings recovered),
    with `not_an_article`: why the page is no article (page_kind.py), or None.

    `selector`: the page already parsed, so it is not parsed twice; without
    one the page is parsed into a plain lxml tree (`layout.parse_html`, the
    faster walk). `body_is_utf8`: the text is the body read as UTF-8
    (`response_text`), so the body is parsed as it is. `fetched_at`: when the page was fetched (now, from
    the clock, when not given).
    """
    recovered = recover_encoding(text, body, profile.encoding_fallback)
    if recovered is not None:
        selector = None
        text = recovered
        body_is_utf8 = False
    if selector is None:
        selector = parse_html(text, url, body if body_is_utf8 else None)
    loader = ArticleLoader(selector, url, profile)
    raw = loader.load()
    raw["template"] = template_signature(loader.anchors)
    raw["not_an_article"] = not_an_article(loader.blocks, raw, profile, loader.page_title)
    raw["encoding_recovered"] = recovered is not None
    raw["charset_from_page"] = False
    raw["garbled"] = garbled(text, body if body_is_utf8 else None)
    raw["fetched_at"] = fetched_at or utc_now()
    return raw


def raw_from_response(response, profile: SiteProfile = STDAILY_ENGLISH, fetched_at: str | None = None) -> RawArticle:
    """`raw_article` of a Scrapy text response (anything with text, body and
    url; headers and encoding when it has them). A charset header that
    contradicts the page's own declaration yields to it (`charset_from_page`).

    The response's own selector is left alone: nothing else parses an
    article page, and `parse_html`'s plain tree is walked faster (issue 11 §5)."""
    headers = getattr(response, "headers", None)
    content_type = headers.get("Content-Type") if headers else None
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    encoding = getattr(response, "encoding", None)
    by_page = declared_text(response.body, content_type, encoding)
    if by_page is None:
        text, body_is_utf8 = response_text(response, encoding)
        return raw_article(text, response.body, response.url, None, profile, body_is_utf8, fetched_at)
    raw = raw_article(by_page, response.body, response.url, None, profile, fetched_at=fetched_at)
    raw["charset_from_page"] = True
    return raw


def response_text(response, encoding: str | None) -> tuple[str, bool]:
    """The response's text, and whether it is its body's UTF-8 with nothing
    replaced (so the body can be parsed as it is).

    A UTF-8 page without a byte order mark is what Scrapy's `text` gives
    (w3lib's `html_to_unicode`: the bytes decoded, errors replaced), decoded
    here at once: `text` runs its detection again, ≈ 10 µs a page.
    """
    body = response.body
    if codec_name(encoding) == "utf-8" and read_bom(body)[0] is None:
        text = body.decode("utf-8", "replace")
        return text, "\ufffd" not in text
    return response.text, False


def article_from_raw(raw: RawArticle, profile: SiteProfile = STDAILY_ENGLISH) -> tuple[dict, str | None]:
    """The normalized article, stamped with its site and extractor version,
    and why it cannot be stored (None when it can).

    A page that is no article (a list, home or error page at an article URL:
    a soft 404) is not normalized: its article is its URL and the phrase that
    says why (`not_an_article`), its reason `not_an_article`."""
    if raw.get("not_an_article"):
        return {"url": raw.get("url"), "extraction_notes": [], "not_an_article": raw["not_an_article"]}, "not_an_article"
    article = normalize_article(raw, profile)
    article["site"] = profile.name
    article["extractor_version"] = EXTRACTOR_VERSION
    article["anchors_missing"] = anchors_missing(article, profile)  # listed in extraction_problems when stored
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
    if reason == "not_an_article":
        raise NotAnArticle(f"{url}: not an article: the page is {article['not_an_article']}")
    if reason:
        raise NotAnArticle(f"{url}: not an article page ({reason.replace('_', ' ')})")
    return article
