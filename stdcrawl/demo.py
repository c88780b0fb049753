"""The offline demo: serve the fixture site locally, crawl it, show the archive."""

from __future__ import annotations

from pathlib import Path

from stdcrawl.fixture_server import FixtureServer
from stdcrawl.resources import data_path
from stdcrawl.crawl.runner import CrawlOptions, run_crawl

FIXTURE_SITE = data_path("fixtures/site")

#: The fixture site keeps the live site's broken pages (a missing title, a dead
#: link, a page in GBK …) so that their handling is tested: the demo's run
#: ends `finished_with_failures`, and says why.
DEMO_FAILURES_NOTE = (
    "(The fixture site contains broken pages on purpose, like the live site: the failures and\n"
    " warnings above, such as truncated, show how a crawl counts them. They are expected.)"
)

EXAMPLE_SQL = """select section, substr(published_at, 1, 7) as month, count(*) as articles
from articles group by section, month order by month desc limit 10;"""


def run_demo(db: Path, site_root: Path = FIXTURE_SITE, progress: float = 0) -> dict:
    """Crawl the fixture site (served on 127.0.0.1) into `db`; the run's summary."""
    if not site_root.is_dir():
        raise FileNotFoundError(f"no fixture site at {site_root} (run from a stdcrawl checkout)")
    with FixtureServer(site_root) as server:
        return run_crawl(CrawlOptions(db=db, base_url=server.base_url, progress=progress))
