"""Retries back off exponentially (stdcrawl/crawl/middlewares.py), measured on real
requests, and `--stop-after` stops pagination exactly where it says (issue 9 §5:
a one-line change to either must fail a test)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading

import pytest
from scrapy.settings import Settings

from stdcrawl.crawl import settings as default_settings
from stdcrawl import sitegen
from stdcrawl.extract.site import STDAILY_ENGLISH
from stdcrawl.fixture_server import FixtureServer
from stdcrawl.crawl.middlewares import BackoffRetryMiddleware

from .conftest import run_stdcrawl

#: The loopback base the runner sets for local sites (runner.crawl_settings).
LOOPBACK_BASE = 0.2
END = dt.date(2026, 6, 30)  # the newest article's date: a fixed site, whatever the day


def url_date(rec: dict) -> dt.date:
    ref = STDAILY_ENGLISH.article_ref(rec["url_path"])
    return dt.date(ref.year, ref.month, ref.day or 1)


def middleware(**overrides) -> BackoffRetryMiddleware:
    settings = Settings()
    settings.setmodule(default_settings)
    settings.setdict(overrides)
    return BackoffRetryMiddleware(settings)


class first_articles_answer:
    """A server hook: the first articles requested answer the given statuses, every time."""

    def __init__(self, *statuses: int):
        self.statuses = list(statuses)
        self.paths: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, path: str) -> int | None:
        with self._lock:
            if path not in self.paths and len(self.paths) < len(self.statuses) and STDAILY_ENGLISH.article_ref(path):
                self.paths.append(path)
            return self.statuses[self.paths.index(path)] if path in self.paths else None


def test_the_live_backoff_doubles_from_two_seconds_up_to_a_minute():
    mw = middleware()
    assert [mw.backoff_seconds(n) for n in range(0, 8)] == [2, 2, 4, 8, 16, 32, 60, 60]


def test_the_backoff_follows_its_settings():
    mw = middleware(STDCRAWL_RETRY_BACKOFF_BASE=0.5, STDCRAWL_RETRY_BACKOFF_MAX=3)
    assert [mw.backoff_seconds(n) for n in (1, 2, 3, 4)] == [0.5, 1, 2, 3]


def test_a_failing_page_is_retried_three_times_waiting_longer_each_time_and_a_missing_one_never(site_server, tmp_path):
    articles = sitegen.synthetic_articles(12, seed=4, end=END)
    sitegen.write_site(site_server.root, articles)
    site_server.before_answer = hook = first_articles_answer(503, 404)
    result = run_stdcrawl("crawl", "--db", str(tmp_path / "a.db"), "--base-url", site_server.base_url, "--summary-json")
    summary = json.loads(result.stdout)
    assert result.returncode == 1 and summary["articles_new"] == len(articles) - 2

    failing, missing = hook.paths
    assert [r.path for r in site_server.requests].count(missing) == 1
    times = [r.at for r in site_server.requests if r.path == failing]
    assert len(times) == 1 + default_settings.RETRY_TIMES == 4
    gaps = [b - a for a, b in zip(times, times[1:])]
    expected = [LOOPBACK_BASE * 2**i for i in range(3)]  # 0.2, 0.4, 0.8 s
    for gap, wait in zip(gaps, expected):
        assert gap >= wait - 0.02, (gaps, expected)
    assert sum(gaps) < sum(expected) + 1.0, gaps  # not twice as long either (e.g. 0.4, 0.8, 1.6 s)


# --- --stop-after ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled_then_grown(tmp_path_factory):
    """An archive of a site with short lists (3 a page), and the same site with 3 new articles."""
    tmp = tmp_path_factory.mktemp("grown")
    root, db = tmp / "site", tmp / "base.db"
    by_date = sorted(sitegen.synthetic_articles(150, seed=21, end=END), key=url_date)
    sitegen.write_site(root, by_date[:-3], per_page=3)
    with FixtureServer(root) as server:
        result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "-q")
        assert result.returncode == 0, result.stderr
    sitegen.write_site(root, by_date, per_page=3)
    return root, db


@pytest.mark.parametrize("stop_after", [1, 3])
def test_stop_after_n_reads_exactly_n_list_pages_without_news_after_the_last_with_news(crawled_then_grown, tmp_path, stop_after):
    root, base_db = crawled_then_grown
    db = tmp_path / "a.db"
    shutil.copy(base_db, db)
    with FixtureServer(root) as server:
        result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--incremental",
                              "--recheck-days", "0", "--stop-after", str(stop_after), "--summary-json")
        profile = STDAILY_ENGLISH
        pages = [profile.list_page_number(r.path) for r in server.requests if profile.is_list_path(r.path)]
    summary = json.loads(result.stdout)
    assert summary["articles_new"] == 3
    # The new articles are on the first pages; every later page brings nothing new.
    assert max(pages) == 1 + stop_after, sorted(pages)
