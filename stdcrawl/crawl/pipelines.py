"""Item pipelines: extract (normalize, validate) → de-duplicate → store.

Each pipeline is a thin Scrapy face over a plain function or class that
`stdcrawl reparse` and the tests use directly.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem, NotConfigured

from stdcrawl.archive.dedupe import Deduper
from stdcrawl.crawl.extensions import STAT, ArchiveRun
from stdcrawl.crawl.profile import site_profile
from stdcrawl.extract.page import article_from_raw

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Raw page fields → a normalized, validated article (`extract.page.article_from_raw`).

    Counts the article's extraction notes; drops, counts and logs an article
    without URL, id, title or body, and a page that is no article (a soft 404);
    lists a dropped article's page in `extraction_problems` (archive/problems.py)
    when the run extension is on, and keeps its URL pending (archive/pending.py).
    """

    def __init__(self, stats, profile, run: ArchiveRun | None = None):
        self.stats = stats
        self.profile = profile
        self.run = run

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, site_profile(crawler.settings), crawler.get_extension(ArchiveRun))

    def process_item(self, item):
        if item.get("kind") != "raw_article":
            return item
        article, reason = article_from_raw(item, self.profile)
        for note in article["extraction_notes"]:
            self.stats.inc_value(f"{STAT}/notes/{note}")
        if reason:
            self.stats.inc_value(f"{STAT}/dropped/{reason}")
            if reason == "not_an_article":  # a soft 404: kept in the WARC, never stored (issue 11)
                logger.warning("%s is not an article: the page is %s; the archive keeps what it had",
                               article.get("url"), article["not_an_article"])
            else:
                logger.warning("dropped %s: %s", article.get("url"), reason)
            if self.run is not None and article.get("article_id"):
                self.run.add_problem(article, reason)
            canonical = article.get("canonical_url") or _canonical(article.get("url"), self.profile)
            if self.run is not None and canonical:
                self.run.add_outcome(canonical, "failed", kind="article", reason=f"dropped/{reason}")
            raise DropItem(f"{reason}: {article.get('url')}")
        return article


def _canonical(url: str | None, profile) -> str | None:
    """A page's canonical URL, as normalization gives it (the page's own host counts as the site's)."""
    return profile.canonical_url(url, urlsplit(url).netloc) if url else None


def archive_run(crawler) -> ArchiveRun:
    """The crawl's run extension; NotConfigured when it is switched off (nothing to store into)."""
    run = crawler.get_extension(ArchiveRun)
    if run is None:
        raise NotConfigured("the ArchiveRun extension is off: nothing to store into")
    return run


class DedupePipeline:
    """Marks a second copy of a story (`duplicate_of`) so only its URL is kept."""

    def __init__(self, crawler, run: ArchiveRun):
        self.crawler = crawler
        self.run = run
        self.deduper: Deduper | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, archive_run(crawler))

    def process_item(self, item):
        if self.deduper is None:  # the archive opens on spider_opened, after the pipelines
            self.deduper = Deduper(self.run.open())
        twin = self.deduper.duplicate_of(item)
        if twin == item["article_id"]:
            self.crawler.stats.inc_value(f"{STAT}/dropped_duplicate")
            raise DropItem(f"fetched twice in one run: {item['canonical_url']}")
        if twin:
            item["duplicate_of"] = twin
        return item

    def close_spider(self):
        if self.deduper is not None:
            self.deduper.close()


class StorePipeline:
    """Hands articles to the run's batched, transactional writer."""

    def __init__(self, run: ArchiveRun):
        self.run = run

    @classmethod
    def from_crawler(cls, crawler):
        return cls(archive_run(crawler))

    def process_item(self, item):
        self.run.add_article(item)
        return item
