"""Item pipelines: normalize → validate → de-duplicate → store.

Each pipeline is a thin Scrapy face over a plain function or class that
`stdcrawl reparse` and the tests use directly.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from stdcrawl import EXTRACTOR_VERSION
from stdcrawl.crawl.extensions import STAT
from stdcrawl.extract.normalize import normalize_article
from stdcrawl.archive.store import fingerprint

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("url", "article_id", "title", "body")


def validate_article(article: dict) -> str | None:
    """Why an article cannot be stored (a short reason), or None if it can."""
    for name in REQUIRED_FIELDS:
        if not article.get(name):
            return f"missing_{name}"
    return None


class Deduper:
    """One canonical URL, one story: tells which articles were already seen.

    Within a run by canonical URL and fingerprint; against the archive by the
    fingerprint index (the same story under a G2 and a G3 URL).
    """

    def __init__(self, archive=None):
        self.archive = archive
        self.seen_urls: set[str] = set()
        self.seen_fingerprints: dict[str, str] = {}

    def duplicate_of(self, article: dict) -> str | None:
        """The article_id this article duplicates, or None.

        Returns the article's own id when the same URL came twice in a run.
        """
        if article["canonical_url"] in self.seen_urls:
            return article["article_id"]
        self.seen_urls.add(article["canonical_url"])
        fp = fingerprint(article)
        twin = self.seen_fingerprints.get(fp)
        if twin is None and self.archive is not None:
            twin = self.archive.article_with_fingerprint(fp)
        if twin is not None and twin != article["article_id"]:
            return twin
        self.seen_fingerprints[fp] = article["article_id"]
        return None


class NormalizePipeline:
    """Raw page fields → a normalized Article (normalize.normalize_article)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if item.get("kind") != "raw_article":
            return item
        article = normalize_article(item)
        article["extractor_version"] = EXTRACTOR_VERSION
        for note in article["extraction_notes"]:
            self.stats.inc_value(f"{STAT}/notes/{note}")
        return article


class ValidatePipeline:
    """Drops an article without URL, id, title or body; counts and logs why."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        reason = validate_article(item)
        if reason:
            self.stats.inc_value(f"{STAT}/dropped/{reason}")
            logger.warning("dropped %s: %s", item.get("url"), reason)
            raise DropItem(f"{reason}: {item.get('url')}")
        return item


class DedupePipeline:
    """Marks a second copy of a story (`duplicate_of`) so only its URL is kept."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.deduper: Deduper | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if self.deduper is None:
            self.deduper = Deduper(self.crawler.stdcrawl_run.open())
        twin = self.deduper.duplicate_of(item)
        if twin == item["article_id"]:
            self.crawler.stats.inc_value(f"{STAT}/dropped_duplicate")
            raise DropItem(f"fetched twice in one run: {item['canonical_url']}")
        if twin:
            item["duplicate_of"] = twin
        return item


class StorePipeline:
    """Hands articles to the run's batched, transactional writer."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        self.crawler.stdcrawl_run.add_article(item)
        return item
