"""`stdcrawl serve` in a real browser: what a researcher sees (issue 13).

Debian's `chromium`, driven by Playwright's Python package (never
Playwright's own browser download), opens the home page, the articles
table, a search, an article and a canned search over the demo archive, and
checks what is visible at 1400 × 900. The screenshots go to docs/img/
(the README shows them); the archive's clock is pinned, so a page that did
not change gives the same picture.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

from .conftest import FIXTURE_SITE, ROOT, run_stdcrawl
from .test_serve import server_on  # noqa: F401 (a fixture)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SHOTS = ROOT / "docs" / "img"
VIEWPORT = {"width": 1400, "height": 900}
#: The demo archive is made as if crawled at this instant (times on the pages).
PINNED_NOW = "2026-11-28T03:17:00+00:00"
#: An article of the fixture site with authors, an image, its caption and Top News.
ARTICLE_ID = "g3-1925612"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory) -> Path:
    if not (FIXTURE_SITE / "English").is_dir():
        pytest.skip("fixtures/site is not there")
    db = tmp_path_factory.mktemp("browse") / "demo.db"
    proc = run_stdcrawl("demo", "--db", str(db), env={"STDCRAWL_NOW": PINNED_NOW})
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_a_researcher_reads_the_archive_in_a_browser(demo_archive, server_on, page):  # noqa: F811 (the fixture)
    server = server_on(demo_archive)
    base = f"{server.base}/demo"

    # The home page: the canned queries are where its description says.
    page.goto(f"{server.base}/")
    assert "try the canned queries below" in page.inner_text(".metadata-description")
    queries = page.locator(".stdcrawl-queries a")
    assert queries.count() >= 5 and queries.first.is_visible()
    assert queries.first.bounding_box()["y"] < VIEWPORT["height"]  # without scrolling
    shot(page, "datasette-home.png")

    # The articles table: the title first, compact rows, names not JSON.
    page.goto(f"{base}/articles")
    headers = page.locator("table.stdcrawl-articles th").all_inner_texts()
    assert [h.split("\u00a0")[0] for h in headers] == ["Title", "Published (Beijing)", "Section", "Authors", "Excerpt", "Original"]
    rows = page.locator("table.stdcrawl-articles tbody tr")
    assert rows.count() == 55
    first_title = page.locator("td.col-title a").first
    box = first_title.bounding_box()
    assert box["x"] < 100 and box["y"] < VIEWPORT["height"]
    table_box = page.locator("table.stdcrawl-articles").bounding_box()
    assert table_box["width"] <= VIEWPORT["width"]  # nothing to scroll sideways for
    heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]
    assert max(heights) < 160, max(heights)  # a few lines a row, not 400-800 px
    assert page.evaluate("document.documentElement.scrollHeight") < 8000
    authors = page.locator("td.col-authors").all_inner_texts()
    assert any(a.strip() for a in authors) and not [a for a in authors if "[" in a or '"' in a]
    shot(page, "datasette-articles.png")
    page.click("text=show all 35 columns")
    page.locator("table.rows-and-columns").wait_for()
    assert page.locator("table.rows-and-columns th").count() == 35
    page.click("text=Back to the reading view")
    page.locator("table.stdcrawl-articles").wait_for()

    # A search with FTS5 operators, as `stdcrawl search` reads it.
    page.fill("#_search", "satellite OR spacecraft")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=satellite*")
    assert page.locator("table.stdcrawl-articles tbody tr").count() == 7
    marks = page.locator("td.col-excerpt mark")
    assert marks.count() >= 5 and {m.lower() for m in marks.all_inner_texts()} <= {"satellite", "satellites", "spacecraft", "spacecrafts"}
    shot(page, "datasette-search.png")

    # A hit opens the article's own page.
    first = page.locator("td.col-title a").first.inner_text()
    page.click("td.col-title a >> nth=0")
    assert page.locator("article.stdcrawl-article h1").inner_text() == first  # waits for the page

    # One article, readable: headline, metadata, paragraphs at a reading width, image caption, Top News.
    page.goto(f"{base}/articles/{ARTICLE_ID}")
    article = page.locator("article.stdcrawl-article")
    assert article.locator("h1").inner_text() == "A Canadian Mom's Love for Yunnan"
    meta = article.locator(".stdcrawl-meta").first.inner_text()
    assert "2023-06-08 13:11" in meta and "Bi Weizi, Long Yun" in meta and "[" not in meta
    paragraphs = article.locator(".stdcrawl-body p")
    assert paragraphs.count() >= 10
    width = paragraphs.first.bounding_box()["width"]
    assert 500 <= width <= 760, width  # ~65-90 characters a line, not one or two words
    assert article.locator("figcaption").inner_text() == "Rouhieh Tabibzadegan. (COURTESY PHOTO)"
    assert article.locator(".stdcrawl-related li").count() == 2
    shot(page, "datasette-article.png")
    page.click("text=Every field of this row")
    page.locator("table.rows-and-columns").wait_for()

    # The canned search: snippets highlighted, not `**…**`.
    page.goto(f"{base}/search?{urllib.parse.urlencode({'q': 'Guangdong'})}")
    snippets = page.locator("td.col-snippet")
    assert snippets.count() >= 1 and "**" not in " ".join(snippets.all_inner_texts())
    assert page.locator("td.col-snippet mark").first.inner_text() == "Guangdong"
    assert "[" not in page.locator("td.col-authors").first.inner_text()
    shot(page, "datasette-ranked-search.png")
    assert server.stop() == 0


def test_screenshots_are_kept_in_docs():
    """The README and docs/schema.md show what the browser test saw."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8") + (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    shots = ("datasette-home.png", "datasette-articles.png", "datasette-search.png", "datasette-article.png",
             "datasette-ranked-search.png")
    for name in shots:
        assert f"img/{name}" in readme, name
        assert (SHOTS / name).stat().st_size > 10_000, name
