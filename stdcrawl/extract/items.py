"""The shapes of what flows through a crawl: raw page fields and articles.

Items are plain dicts (Scrapy accepts them, and they cost nothing to build);
these TypedDicts name their keys for readers and type checkers.
"""

from __future__ import annotations

from typing import TypedDict


class Image(TypedDict):
    src: str
    caption: str


class Related(TypedDict):
    title: str
    summary: str
    url: str


class RawArticle(TypedDict, total=False):
    """What the loader found on a page, as written (only URLs made absolute)."""

    kind: str  # always "raw_article": tells pipelines what they hold
    url: str
    fetched_at: str
    breadcrumb_raw: str | None
    title_raw: str | None
    source_line: dict | None  # {"source", "published", "author"} as written
    meta_published: str | None
    byline_raw: str
    paragraphs: list[str]
    images: list[Image]
    related: list[Related]
    editor_raw: str
    encoding_recovered: bool
    charset_from_page: bool  # the charset header contradicted the page's own declaration, which was used
    garbled: bool  # the decoded text still holds replacement or control characters (pagecheck.py)
    section_hint: str  # section of the list page that linked the article
    not_an_article: str | None  # why the page is no article (a soft 404, page_kind.py), or None
    template: str  # the page's template signature (signature.py)


class Article(TypedDict):
    """A normalized article: the fields of docs/fields.md."""

    url: str
    canonical_url: str
    article_id: str
    generation: str
    section: str
    section_label: str
    section_dir: str
    breadcrumb: list[str]
    title: str
    source: str
    published_raw: str
    published_at: str | None
    published_utc: str | None
    published_precision: str | None
    author_raw: str
    byline_raw: str
    authors: list[str]
    body: str
    images: list[Image]
    related: list[Related]
    editor: str
    word_count: int
    extraction_notes: list[str]
    fetched_at: str


#: Fields compared with golden files (everything but where/when it was fetched).
GOLDEN_FIELDS: tuple[str, ...] = tuple(
    k for k in Article.__annotations__ if k not in ("url", "fetched_at")
)
#: Fields whose change makes a new version of an article.
VERSIONED_FIELDS: tuple[str, ...] = ("title", "body")
