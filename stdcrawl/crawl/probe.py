"""`stdcrawl probe`: first contact with a site, before (or instead of) a crawl.

It fetches the start lists (a few pages of each), picks a small sample of
article pages for every list (section) and URL generation — `per_group`
each, 3 by default — extracts them exactly as a crawl would, and writes
nothing: no archive, no WARC. The sample's field health (extract/health.py) is held
against what is known of each URL generation (`SiteProfile.generation_expectations`:
G1–G3 pages show a Source line with a time of day and usually an author, G4
pages none), so the healthy site passes and a redesign that drops the Source
line fails. The usual politeness settings apply (1 request/s on the live
site: the default sample of ≈ 60 articles and ≈ 25 list pages takes 1–2
minutes).

Exit codes: 0 healthy, 3 unhealthy (the site changed), 1 the site could not
be reached (no list page answered), 2 usage errors.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse

from stdcrawl.crawl.extensions import EXIT_FAILURES, EXIT_OK, EXIT_SITE_CHANGED
from stdcrawl.crawl.profile import site_profile
from stdcrawl.crawl.runner import CrawlOptions, crawl_settings
from stdcrawl.extract.health import HealthTally
from stdcrawl.extract.loaders import load_list_page
from stdcrawl.extract.page import article_from_raw, raw_from_response
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile, url_path


class ProbeSpider(scrapy.Spider):
    """Start lists → a few pages of each → `per_group` articles per list and generation.

    The site is the crawl's profile (STDCRAWL_SITE); `base_url` defaults to its live URL."""

    name = "probe"

    def __init__(self, base_url: str | None = None, per_group: int = 3, list_pages: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url
        self.per_group = per_group
        self.list_pages = list_pages
        self.sampled: Counter = Counter()  # (list, generation) -> article requests
        self.lists: list[dict] = []  # url, status, article links
        self.articles: list[dict] = []  # extracted (readable or not), with "_reason"
        self.failed: list[str] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.site = site_profile(crawler.settings)
        spider.mapper = spider.site.link_mapper(spider.base_url)
        return spider

    async def start(self):
        for path in self.site.start_paths():
            yield self._list(self.mapper.fetch_url(path), 1)

    def _list(self, url: str, page_no: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, errback=self.on_error, meta={"page_no": page_no, "kind": "list"})

    def parse_list(self, response):
        entry = {"url": response.url, "status": response.status, "article_links": 0}
        self.lists.append(entry)
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        site = self.site
        page = load_list_page(response.selector, response.url, site)
        entry["article_links"] = len(page.article_links)
        crumbs = [c.strip() for c in (page.breadcrumb_raw or "").split(site.breadcrumb_separator) if c.strip()]
        hint = crumbs[site.section_crumb] if len(crumbs) > site.section_crumb else ""
        family = site.list_family(url_path(response.url))
        is_home = url_path(response.url) == site.home_path
        for href, _text in [] if is_home else page.article_links:
            fetch = self.mapper.to_fetch(href, response.url)
            ref = site.article_ref(url_path(fetch)) if fetch else None
            if ref is None:
                continue
            key = (family, ref.generation)
            if self.sampled[key] >= self.per_group:
                continue
            self.sampled[key] += 1
            yield scrapy.Request(fetch, callback=self.parse_article, errback=self.on_error,
                                 meta={"section_hint": hint, "list": family}, priority=10)
        page_no = response.meta["page_no"]
        for href, text in page.list_links:
            fetch = self.mapper.to_fetch(href, response.url)
            if not fetch or fetch == response.url:
                continue
            path = url_path(fetch)
            same = site.list_family(path) == family
            if same and page_no < self.list_pages and text.strip().casefold() in site.next_texts | {str(page_no + 1)}:
                yield self._list(fetch, page_no + 1)
            elif not same and site.list_page_number(path) == 1:
                yield self._list(fetch, 1)  # another list (the dupefilter drops repeats)

    def parse_article(self, response):
        if response.status != 200 or not isinstance(response, TextResponse):
            self.failed.append(f"{response.url}: HTTP {response.status}")
            return
        raw = raw_from_response(response, self.site)
        raw["section_hint"] = response.meta.get("section_hint", "")
        article, reason = article_from_raw(raw, self.site)
        article["_reason"] = reason
        article["_list"] = response.meta.get("list", "")
        self.articles.append(article)

    def on_error(self, failure):
        if failure.request.meta.get("kind") == "list":
            self.lists.append({"url": failure.request.url, "status": None, "article_links": 0})
        self.failed.append(f"{failure.request.url}: {type(failure.value).__name__}")


@dataclass
class ProbeReport:
    """What the probe saw and its verdict."""

    base_url: str
    site: SiteProfile = STDAILY_ENGLISH
    lists: list[dict] = field(default_factory=list)
    tally: HealthTally = field(default_factory=HealthTally)
    pages: int = 0
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    verdict: str = "healthy"  # healthy, unhealthy, unreachable

    @property
    def exit_code(self) -> int:
        return {"healthy": EXIT_OK, "unhealthy": EXIT_SITE_CHANGED}.get(self.verdict, EXIT_FAILURES)

    def generations(self) -> dict:
        out = {}
        for gen in self.tally.keys("generation"):
            group = self.tally.group("generation", gen)
            expected = self.site.generation_expectations.get(gen, {})
            out[gen] = {"pages": group.pages, "fields": {
                name: {"articles": c.articles, "found": c.present, "plausible": c.plausible,
                       "expected": expected.get(name), "example": c.example}
                for name, c in group.fields.items() if c.articles}}
        return out

    def to_dict(self) -> dict:
        return {"base_url": self.base_url, "verdict": self.verdict, "problems": self.problems,
                "list_pages": len(self.lists), "article_pages": self.pages,
                "lists": self.lists, "failed": self.failed, "generations": self.generations()}

    def format(self) -> str:
        ok_lists = sum(1 for x in self.lists if x["status"] == 200)
        lines = [f"stdcrawl probe of {self.base_url}: {ok_lists}/{len(self.lists)} list pages answered, "
                 f"{self.pages} article pages sampled"]
        for gen, g in self.generations().items():
            lines.append(f"\n{gen} ({g['pages']} pages)")
            lines.append(f"  {'field':12s} {'found':>7s} {'plausible':>10s} {'expected':>9s}  example")
            for name, f in g["fields"].items():
                exp = f"≥ {round(f['expected'] * 100)} %" if f["expected"] is not None else ""
                lines.append(f"  {name:12s} {f['found']:>3d}/{f['articles']:<3d} {f['plausible']:>6d}/{f['articles']:<3d} "
                             f"{exp:>9s}  {f['example']}")
        if self.failed:
            lines.append(f"\nfailed: {len(self.failed)} (" + "; ".join(self.failed[:3]) + ("; …" if len(self.failed) > 3 else "") + ")")
        lines.append("")
        lines.append(f"verdict: {self.verdict}" + (": " + "; ".join(self.problems) if self.problems else ""))
        return "\n".join(lines)


def judge_sample(report: ProbeReport) -> None:
    """The verdict: every generation's sample against its profile's `generation_expectations`."""
    if not any(x["status"] == 200 for x in report.lists):
        report.verdict = "unreachable"
        report.problems.append("no list page answered")
        return
    if not report.pages:
        report.problems.append("no article links found on the start lists")
    for gen, g in report.generations().items():
        for name, f in g["fields"].items():
            if f["expected"] is not None and f["plausible"] / f["articles"] < f["expected"]:
                report.problems.append(f"{gen} {name} {f['plausible']}/{f['articles']} "
                                       f"(expected ≥ {round(f['expected'] * 100)} %)")
    report.verdict = "unhealthy" if report.problems else "healthy"


def run_probe(base_url: str | None = None, per_group: int = 3, list_pages: int = 3,
              contact: str | None = None, log_level: str = "CRITICAL",
              site: str | SiteProfile = CrawlOptions.site) -> ProbeReport:
    """Probe a site (`site`: a profile or its dotted path; `base_url`: its live
    URL unless given) in this process (Scrapy's reactor: once per process) and
    judge the sample."""
    settings = crawl_settings(CrawlOptions(db=Path("unused.db"), base_url=base_url, site=site, contact=contact,
                                           no_warc=True, log_level=log_level))
    settings.set("EXTENSIONS", {"scrapy.extensions.telnet.TelnetConsole": None}, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    process = CrawlerProcess(settings)
    if log_level != "INFO":  # failures are in the report; a dead robots.txt would log a traceback
        logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler, base_url=base_url, per_group=per_group, list_pages=list_pages)
    process.start()
    spider = crawler.spider
    report = ProbeReport(base_url=spider.mapper.base_url, site=spider.site, lists=spider.lists, failed=spider.failed,
                         tally=HealthTally(settings.getint("STDCRAWL_HEALTH_BODY_FLOOR"), spider.site))
    for article in spider.articles:
        if article["_reason"]:
            report.tally.add_unreadable(article)
        else:
            report.tally.add(article)
    report.pages = len(spider.articles)
    judge_sample(report)
    return report


def probe_json(report: ProbeReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)

