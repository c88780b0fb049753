"""The `english` spider: section list pages → pagination → article pages.

It starts from every section's list page (legacy `common_list.shtml` and the
current CMS's `node_<n>.html`), follows the pagination links each page
actually carries (one page after another, so an incremental run can stop at
the first page that brings nothing new), and fetches the article pages it
links. It never leaves the site: links are mapped onto the crawl's base URL
(`site.LinkMapper`), everything else is counted as off-site and dropped.
Everything it knows of the site comes from its profile (STDCRAWL_SITE,
stdaily.com's English channel by default).

Options (spider arguments or STDCRAWL_* settings): `base_url`, `sections`
(comma-separated directories or labels), `since` (`stdcrawl.extract.inputs`: YYYY[-MM[-DD]],
`yesterday` …), `max_pages` (list pages per section), and the incremental
ones read from settings. A spider argument is written into its setting before
any other component is built, so the capture middleware and the run record
read the same base URL.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import date

import scrapy
from scrapy.http import HtmlResponse

from stdcrawl.archive import pending
from stdcrawl.crawl.extensions import STAT, ArchiveRun
from stdcrawl.crawl.profile import site_profile
from stdcrawl.extract.site import ArticleRef, url_path
from stdcrawl.extract.page import raw_from_response
from stdcrawl.extract.inputs import section_dirs
from stdcrawl.crawl.spiders.images import count_image, count_image_error, image_requests
from stdcrawl.crawl.failures import page_problem, reason_of
from stdcrawl.extract.loaders import load_list_page
from stdcrawl.clock import get_clock
from stdcrawl.extract.normalize import parse_since, recheck_since, utc_now

HANDLED_STATUSES = [304, 404, 410]
#: Article requests go before list requests (priority 0).
ARTICLE_PRIORITY = 10


def _never_raises(kind: str):
    """A callback that cannot read its page counts a failure (`unreadable`) instead of raising."""

    def wrap(callback):
        @functools.wraps(callback)
        def safe(self, response):
            try:
                yield from callback(self, response)
            except Exception as exc:  # hostile input of any kind: the page is a counted failure
                self.logger.warning("%s %s unreadable: %s: %s", kind, response.url, type(exc).__name__, exc)
                self._fail(response.request, kind, "unreadable", response.status)

        return safe

    return wrap


class EnglishSpider(scrapy.Spider):
    name = "english"

    trust_known_pages = False

    def __init__(self, base_url=None, sections=None, since=None, max_pages=None, **kwargs):
        super().__init__(**kwargs)
        self._args = {"base_url": base_url, "sections": sections, "since": since, "max_pages": max_pages}

    #: Spider argument → the setting it overrides.
    ARG_SETTINGS = {
        "base_url": "STDCRAWL_BASE_URL", "sections": "STDCRAWL_SECTIONS",
        "since": "STDCRAWL_SINCE", "max_pages": "STDCRAWL_MAX_LIST_PAGES",
    }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        # Settings are not frozen yet: extensions and middlewares are built after the spider.
        for arg, setting in cls.ARG_SETTINGS.items():
            if spider._args[arg] is not None:
                s.set(setting, spider._args[arg], priority="cmdline")
        spider.site = site = site_profile(s)
        spider.mapper = site.link_mapper(s.get("STDCRAWL_BASE_URL"))
        spider.sections = section_dirs(s.get("STDCRAWL_SECTIONS"), site)
        since = s.get("STDCRAWL_SINCE")
        spider.since = parse_since(since) if isinstance(since, str) else since
        max_pages = s.get("STDCRAWL_MAX_LIST_PAGES")
        spider.max_pages = int(max_pages) if max_pages else None
        #: However a list paginates, a section stops here (STDCRAWL_LIST_PAGE_LIMIT).
        spider.page_limit = spider.max_pages or s.getint("STDCRAWL_LIST_PAGE_LIMIT")
        spider.seen_by_list: dict[str, set[str]] = {}  # article URLs each list showed in this run
        spider.incremental = s.get("STDCRAWL_MODE") == "incremental"
        spider.stop_after = max(1, s.getint("STDCRAWL_STOP_AFTER"))
        spider.recheck_days = s.getint("STDCRAWL_RECHECK_DAYS")
        spider.images = s.getbool("STDCRAWL_IMAGES") and s.getbool("STDCRAWL_WARC_ENABLED")
        return spider

    @property
    def run(self) -> ArchiveRun:
        """The run extension, which opened the archive on `spider_opened`."""
        return self.crawler.get_extension(ArchiveRun)

    # --- start -----------------------------------------------------------------

    async def start(self):
        if self.run is None:
            self.logger.error(
                "the run extension (stdcrawl.crawl.extensions.ArchiveRun) is switched off in EXTENSIONS: "
                "without it there is no archive to crawl into; nothing fetched"
            )
            return
        archive = self.run.archive
        if archive is None:  # it could not be opened: the run is closing (ArchiveRun.spider_opened)
            return
        self.crawler.stats.set_value(f"{STAT}/mode", "incremental" if self.incremental else "full")
        # After a killed or broken run, known pages prove nothing: walk every list page.
        self.trust_known_pages = self.incremental and self.run.previous_complete
        if self.incremental and not self.trust_known_pages and not self.run.first_run:
            self.logger.warning("the last run did not complete: walking every list page, fetching only new articles")
            self.crawler.stats.set_value(f"{STAT}/catch_up", True)
        for path in self.start_list_paths(archive):
            yield self.list_request(self.mapper.fetch_url(path), page_no=1, known_pages=0)
        tz = self.site.timezone
        since = recheck_since(self.recheck_days, get_clock().today(tz), tz) if self.incremental else None
        if since is not None:
            for row in archive.recent_article_urls(since):
                yield self.article_request(
                    self.mapper.fetch_url(url_path(row["canonical_url"])),
                    found_on=None,
                    validators=row,
                    recheck=True,
                )
        for row in pending.due(archive.db, get_clock().now()):
            self.crawler.stats.inc_value(f"{STAT}/pending_retried")
            yield self.article_request(self.mapper.fetch_url(url_path(row["url"])), found_on=row["found_on"])

    def start_list_paths(self, archive) -> list[str]:
        """The known start lists plus the first pages of every list found before
        (a list page answering 304 shows no links to discover others from)."""
        site = self.site
        paths = site.start_paths(self.sections)
        for url in archive.known_list_urls():
            path = url_path(url)
            if site.list_page_number(path) != 1 or path in paths:
                continue
            if self.sections and site.list_section_dir(path) not in self.sections:
                continue
            paths.append(path)
        return paths

    # --- requests ----------------------------------------------------------------

    def _conditional_headers(self, validators: dict | None) -> dict:
        headers = {}
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
        return headers

    def list_request(self, url: str, page_no: int, known_pages: int, section_hint: str = ""):
        validators = None
        if self.trust_known_pages:
            validators = self.run.archive.url_state(self.site.canonical_url(url, self.mapper.base_netloc))
        return scrapy.Request(
            url,
            callback=self.parse_list,
            errback=self.on_error,
            headers=self._conditional_headers(validators),
            meta={
                "handle_httpstatus_list": HANDLED_STATUSES,
                "kind": "list",
                "page_no": page_no,
                "known_pages": known_pages,
                "section_hint": section_hint,
            },
        )

    def article_request(self, url, found_on, validators=None, recheck=False, section_hint=""):
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            headers=self._conditional_headers(validators),
            dont_filter=recheck,
            # Articles before the next list page: the queue then holds a list
            # page's worth of articles, not the whole site's (≈ 3 KB a request:
            # +58 MB at 20k articles when list pages went first; issue 6).
            priority=ARTICLE_PRIORITY,
            meta={
                "handle_httpstatus_list": HANDLED_STATUSES,
                "kind": "article",
                "found_on": found_on,
                "section_hint": section_hint,
                "recheck": recheck,
            },
        )

    # --- callbacks -----------------------------------------------------------------

    def _record(self, response, kind: str, article_id: str | None = None, body_hash: str | None = None) -> str:
        canonical = self.site.canonical_url(response.url, self.mapper.base_netloc)
        headers = response.headers
        self.run.add_fetch(
            {
                "url": canonical,
                "kind": kind,
                "status": response.status,
                "etag": (headers.get("ETag") or b"").decode("latin-1") or None,
                "last_modified": (headers.get("Last-Modified") or b"").decode("latin-1") or None,
                "content_hash": body_hash,
                "found_on": response.meta.get("found_on"),
                "article_id": article_id,
                "fetched_at": utc_now(),
            },
            at_end=(kind == "list"),
        )
        return canonical

    @_never_raises("list")
    def parse_list(self, response):
        stats = self.crawler.stats
        meta = response.meta
        if response.status == 304 and not _asked_conditionally(response):
            self._fail(response.request, "list", "unexpected_304", 304)
            return
        canonical = self._record(response, "list", body_hash=_hash(response.body) if response.status == 200 else None)
        if response.status == 304:
            stats.inc_value(f"{STAT}/list_not_modified")
            return
        if response.status != 200 or not isinstance(response, HtmlResponse):
            reason = f"http_{response.status}" if response.status != 200 else "not_html"
            self._fail(response.request, "list", reason, response.status)
            return
        stats.inc_value(f"{STAT}/list_pages")
        site = self.site
        page = load_list_page(response.selector, response.url, site)
        crumbs = [c.strip() for c in (page.breadcrumb_raw or "").split(site.breadcrumb_separator) if c.strip()]
        section_hint = crumbs[site.section_crumb] if len(crumbs) > site.section_crumb else meta.get("section_hint", "")
        new = older = 0
        # The home page only leads to the lists: its teasers repeat theirs, and an
        # article is best attributed to the section list that shows it.
        is_home = url_path(response.url) == site.home_path
        shown = []
        for href, _text in [] if is_home else page.article_links:
            fetch = self.mapper.to_fetch(href, response.url)
            if fetch is None:
                stats.inc_value(f"{STAT}/offsite_links")
                continue
            article_url = site.canonical_url(fetch, self.mapper.base_netloc)
            shown.append(article_url)
            ref = site.article_ref(url_path(fetch))
            if self.since and _before(ref, self.since):
                older += 1
                continue
            if self.incremental and pending.waiting(self.run.archive.db, article_url):
                continue
            new += 1
            yield self.article_request(fetch, found_on=canonical, section_hint=section_hint)
        stats.inc_value(f"{STAT}/list_links_new", new)
        self.run.add_list_items(canonical, shown, utc_now())
        known_pages = meta["known_pages"] + 1 if new == 0 else 0
        seen = self.seen_by_list.setdefault(site.list_family(url_path(response.url)), set())
        fresh = set(shown) - seen
        seen.update(shown)
        if meta["page_no"] > 1 and not fresh and not is_home:
            stats.inc_value(f"{STAT}/pagination_stopped_repeat")  # a page that repeats: the list has ended
            return
        if meta["page_no"] >= self.page_limit:
            if not self.max_pages:
                stats.inc_value(f"{STAT}/pagination_stopped_limit")
                self.logger.warning("list %s: stopped at the limit of %d pages", response.url, self.page_limit)
            return
        if self.trust_known_pages and known_pages >= self.stop_after:
            stats.inc_value(f"{STAT}/pagination_stopped_known")
            return
        if self.since and page.article_links and older == len(page.article_links):
            return
        next_url = self.next_page(page.list_links, response.url, meta["page_no"])
        if next_url:
            yield self.list_request(next_url, meta["page_no"] + 1, known_pages, section_hint)
        for url in self.other_lists(page.list_links, response.url):
            yield self.list_request(url, page_no=1, known_pages=0)

    def other_lists(self, links: list[tuple[str, str]], page_url: str):
        """First pages of other lists this page links (nodes the spider did not
        know of, sections in the navigation); the dupefilter drops repeats."""
        site = self.site
        family = site.list_family(url_path(page_url))
        for href, _text in links:
            fetch = self.mapper.to_fetch(href, page_url)
            if not fetch:
                continue
            path = url_path(fetch)
            if site.list_family(path) == family or site.list_page_number(path) != 1:
                continue  # this list's pages, or another list's later page: reached through pagination
            section_dir = site.list_section_dir(path)
            if self.sections and section_dir not in self.sections:
                continue
            yield fetch

    def next_page(self, links: list[tuple[str, str]], page_url: str, page_no: int) -> str | None:
        """The page after this one, from the links the page carries."""
        site = self.site
        family = site.list_family(url_path(page_url))
        candidates = []
        for href, text in links:
            fetch = self.mapper.to_fetch(href, page_url)
            if fetch and site.list_family(url_path(fetch)) == family and fetch != page_url:
                candidates.append((fetch, text.strip().casefold()))
        for fetch, text in candidates:
            if text in site.next_texts:
                return fetch
        for fetch, text in candidates:
            if text == str(page_no + 1):
                return fetch
        return None

    @_never_raises("article")
    def parse_article(self, response):
        stats = self.crawler.stats
        meta = response.meta
        site = self.site
        ref = site.article_ref(url_path(response.url))
        article_id = ref.article_id if ref else None
        if response.status == 304:
            if not _asked_conditionally(response):
                self._fail(response.request, "article", "unexpected_304", 304)
                return
            canonical = self._record(response, "article", article_id)
            self.run.add_outcome(canonical, "ok")
            stats.inc_value(f"{STAT}/articles/not_modified")
            return
        body_hash = _hash(response.body)
        canonical = self._record(response, "article", article_id, body_hash)
        if response.status in (404, 410):
            # the site's state, not a crawl failure: retried on the back-off schedule in case it comes back
            stats.inc_value(f"{STAT}/articles/gone")
            self.logger.info("article %s: HTTP %s, gone", response.url, response.status)
            self.run.add_outcome(canonical, "gone", kind="article", reason=f"http_{response.status}",
                                 status=response.status, found_on=meta.get("found_on"))
            return
        if response.status != 200:
            self._fail(response.request, "article", f"http_{response.status}", response.status)
            return
        problem = page_problem(response, site)
        raw = None
        if problem == "soft_404":
            # a soft 404 the page-kind check recognises is its (`not_an_article`, dropped by
            # ExtractPipeline and kept pending); one only its <title> betrays is `soft_404`
            raw = raw_from_response(response, site)
            if raw["not_an_article"]:
                problem = None
        if problem:
            self._fail(response.request, "article", problem, response.status)
            return
        if raw is None:
            raw = raw_from_response(response, site)
        if raw["garbled"]:
            self._fail(response.request, "article", "garbled_text", response.status)
            return
        raw["fetched_at"] = meta.get("stdcrawl_fetched_at", raw["fetched_at"])  # the WARC record's time
        raw["section_hint"] = meta.get("section_hint", "")
        yield raw
        if self.images and not raw["not_an_article"]:  # a soft 404 has no images of its own
            yield from image_requests(self, raw["images"], response.url)
        if self.sections:
            return  # "Top News" shows the whole site's latest stories: not a section's
        for rel in raw["related"]:
            fetch = self.mapper.to_fetch(rel["url"], response.url)
            if not fetch:
                continue
            rel_ref = site.article_ref(url_path(fetch))
            if rel_ref is None or (self.since and _before(rel_ref, self.since)):
                continue
            if self.incremental and pending.waiting(self.run.archive.db, site.canonical_url(fetch, self.mapper.base_netloc)):
                continue
            yield self.article_request(fetch, found_on=None)

    def parse_image(self, response):
        count_image(self.crawler.stats, response)

    def on_image_error(self, failure):
        count_image_error(self.crawler.stats, failure)

    def on_error(self, failure):
        request = failure.request
        kind = request.meta.get("kind", "page")
        reason = reason_of(failure.value)
        if reason in ("robots_forbidden", "robots_unavailable") and kind == "article":
            # the site's wish, or a run that may fetch nothing: not the page's failure
            self.logger.info("%s %s not fetched: %s", kind, request.url, failure.value)
            self.crawler.stats.inc_value(f"{STAT}/{reason}")
            return
        response = getattr(failure.value, "response", None)  # Twisted's own failures carry Twisted's response
        status = response.status if isinstance(response, scrapy.http.Response) else None
        self._fail(request, kind, reason, status, str(failure.value))

    def _fail(self, request, kind: str, reason: str, status: int | None, detail: str = "") -> None:
        """Count a failed page; an article's URL (as first requested) stays pending (pending.py)."""
        self.logger.warning("%s %s failed: %s%s", kind, request.url, reason, f" ({detail})" if detail else "")
        stats = self.crawler.stats
        if kind == "list":
            stats.inc_value(f"{STAT}/list_failed")
            stats.inc_value(f"{STAT}/failed/list_{reason}")
            return
        stats.inc_value(f"{STAT}/failed/{reason}")
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        if self.run.archive is not None:
            self.run.add_outcome(self.site.canonical_url(first, self.mapper.base_netloc), "failed", kind="article",
                                 reason=reason, status=status, found_on=request.meta.get("found_on"))


def _asked_conditionally(response) -> bool:
    """Did the request carry validators? A 304 to one that did not is the server's error."""
    headers = response.request.headers if response.request is not None else {}
    return bool(headers.get("If-None-Match") or headers.get("If-Modified-Since"))


def _hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def _before(ref: ArticleRef | None, since: date) -> bool:
    """Is the article (by its URL's date) older than `since`?"""
    if ref is None:
        return False
    if ref.day is None:
        return (ref.year, ref.month) < (since.year, since.month)
    return date(ref.year, ref.month, ref.day) < since

