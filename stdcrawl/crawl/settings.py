"""Scrapy settings of stdcrawl: every default in one place, each with its reason.

`scrapy crawl english` reads this module (scrapy.cfg); `stdcrawl crawl`
starts from it and overrides what its options say.
"""

from stdcrawl import __version__

BOT_NAME = "stdcrawl"
SPIDER_MODULES = ["stdcrawl.crawl.spiders"]
NEWSPIDER_MODULE = "stdcrawl.crawl.spiders"

# Politeness on the live site (loopback crawls lift the delays: runner.py).
#: An honest User-Agent; operators add a contact with STDCRAWL_CONTACT.
def user_agent(contact: str | None = None) -> str:
    """`stdcrawl/<version> (news archiver …[; +contact])`."""
    extra = f"; +{contact}" if contact else ""
    return f"stdcrawl/{__version__} (news archiver of the stdaily.com English channel{extra})"


USER_AGENT = user_agent()
#: The site's robots.txt is obeyed.
ROBOTSTXT_OBEY = True
#: One site, a small newsroom: two requests at a time at most.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
CONCURRENT_REQUESTS = 8
#: At least a second between requests, adapted by AutoThrottle to the server's latency.
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
#: A slow page is retried rather than waited on forever.
DOWNLOAD_TIMEOUT = 30
#: Transient failures are retried with exponential backoff (middlewares.BackoffRetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
STDCRAWL_RETRY_BACKOFF_BASE = 2.0
STDCRAWL_RETRY_BACKOFF_MAX = 60.0
#: A 429/503's Retry-After is waited for before the retry, up to this many seconds.
STDCRAWL_RETRY_AFTER_MAX = 120.0
#: Redirects stay on the site's own hosts, never loop, and end (redirects.py).
REDIRECT_MAX_TIMES = 5
#: Article pages are small; anything huge is not an article.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# Unattended runs: no remote consoles.
TELNETCONSOLE_ENABLED = False
#: Scrapy 2.19's remote-control HTTP server runs code sent to it: never on unattended runs.
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "stdcrawl.crawl.extensions.ArchiveRun": 100,
    "stdcrawl.crawl.extensions.Progress": 200,
    "stdcrawl.crawl.watchdog.Watchdog": 300,
}
#: A run that receives no response and stores nothing for this long stops cleanly (status `stalled`; 0: off).
STDCRAWL_WATCHDOG_SECONDS = 600.0

DOWNLOADER_MIDDLEWARES = {
    #: robots.txt parsed before any request goes out; RFC 9309 for a robots.txt that fails (robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "stdcrawl.crawl.robots.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "stdcrawl.crawl.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "stdcrawl.crawl.redirects.SiteMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "stdcrawl.crawl.redirects.SiteRedirectMiddleware": 600,
    #: Above HttpCompressionMiddleware (590) and RedirectMiddleware (600): it
    #: sees the bytes as received and every 3xx (docs/warc.md).
    "stdcrawl.crawl.capture.WarcCaptureMiddleware": 950,
}

ITEM_PIPELINES = {
    "stdcrawl.crawl.pipelines.ExtractPipeline": 100,
    "stdcrawl.crawl.pipelines.DedupePipeline": 300,
    "stdcrawl.crawl.pipelines.StorePipeline": 400,
}
#: 100 parallel item tasks per response cost ≈15 % here for nothing (STYLE.md).
CONCURRENT_ITEMS = 10

# What to crawl (spider arguments `-a base_url=…` etc. override these; the
# spider writes them back here, so every component reads the one value).
#: The site profile (stdcrawl/extract/site.py): everything known about the site.
STDCRAWL_SITE = "stdcrawl.extract.site.STDAILY_ENGLISH"
#: The site root; a local server in tests, the demo and benchmarks. None: the profile's live site.
STDCRAWL_BASE_URL = None
#: Section directories to crawl (comma-separated); None: all.
STDCRAWL_SECTIONS = None
#: Skip articles dated before this day (YYYY-MM-DD); None: no limit.
STDCRAWL_SINCE = None
#: List pages per section at most; None: all.
STDCRAWL_MAX_LIST_PAGES = None

# The archive.
#: Database path; `--db` and the STDCRAWL_DB environment variable override it.
STDCRAWL_DB = None
#: The caller (`stdcrawl crawl`) already holds the archive's run lock.
STDCRAWL_LOCK_HELD = False
#: The caller (`stdcrawl crawl`) already ran `PRAGMA quick_check` on the archive: the run's
#: own open need not read the whole file again.
STDCRAWL_DB_VERIFIED = False
#: Articles per write transaction: large enough to amortize the commit, small
#: enough that a killed run loses little work (it is fetched again next run).
STDCRAWL_BATCH_SIZE = 50
#: Seconds before a partial batch is written anyway.
STDCRAWL_BATCH_SECONDS = 5.0
#: Crawl mode: "full" walks everything, "incremental" fetches what is new.
STDCRAWL_MODE = "full"
#: Incremental runs stop a section's pagination after this many list pages in
#: a row that bring no article the archive lacks.
STDCRAWL_STOP_AFTER = 1
#: However a list paginates (a list that always links one more page), a
#: section stops after this many list pages; `--max-pages` sets a lower one.
#: The live site's largest list is a few hundred pages at most.
STDCRAWL_LIST_PAGE_LIMIT = 2000
#: A failed article URL is retried on later runs (next run, then after 1, 2,
#: 4 … days) and given up after this many failed attempts in a row (pending.py).
STDCRAWL_PENDING_MAX_ATTEMPTS = 8
#: Incremental runs re-fetch (conditionally) articles published in the last
#: this many Beijing calendar days (today counts as one): corrections come early.
STDCRAWL_RECHECK_DAYS = 3
#: Progress lines on stderr every this many seconds (0: off).
STDCRAWL_PROGRESS_SECONDS = 10.0
#: Every fetched page is kept as WARC, so the archive can be re-extracted
#: offline (`stdcrawl reparse`); `--no-warc` turns it off.
STDCRAWL_WARC_ENABLED = True
#: WARC folder; None: `<db stem>-warc/` beside the database.
STDCRAWL_WARC_DIR = None
#: A WARC file is closed and the next begun past this size: 1 GB, the usual convention.
STDCRAWL_WARC_MAX_BYTES = 1_000_000_000

LOG_LEVEL = "INFO"
#: Scrapy's default; stated so the asyncio reactor is explicit.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
#: Log dropped and scraped items by URL, not by their whole text.
LOG_FORMATTER = "stdcrawl.crawl.logformatter.StdcrawlLogFormatter"

# Extraction health and the drift alarm (extract/health.py, archive/drift.py; README "When the site changes").
#: A body shorter than this (characters) is not a plausible article body.
STDCRAWL_HEALTH_BODY_FLOOR = 300
#: A group of fewer pages (a URL generation in one run, a run's history) is not judged.
STDCRAWL_HEALTH_MIN_ARTICLES = 10
#: The "usual" share of a field pools this many previous runs.
STDCRAWL_HEALTH_HISTORY_RUNS = 10
#: A field alarms when its share falls to at most this fraction of the usual share…
STDCRAWL_HEALTH_DROP_RATIO = 0.5
#: …and the usual share would give so few pages with less than this probability (no alarm by chance).
STDCRAWL_HEALTH_MAX_P = 0.001
#: This many re-fetched pages extracting worse than the stored articles is an alarm (fewer: a notice).
STDCRAWL_HEALTH_MAX_WORSE = 3
#: A section with articles most weeks that yields none for this many days is an alarm.
STDCRAWL_HEALTH_SILENT_DAYS = 14
