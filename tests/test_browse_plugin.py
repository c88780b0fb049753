"""`stdcrawl serve`'s Datasette plugin (stdcrawl.research.browse) over HTTP, without a browser."""

from __future__ import annotations

import fnmatch
import tomllib
import urllib.request

from stdcrawl.api import open_archive
from stdcrawl.research.browse import STATIC, TEMPLATES, escape_fts, excerpt, route_cjk_search
from stdcrawl.archive.store import Archive

from .archive_factory import SAMPLE, build_archive, crawled_demo  # noqa: F401 (a fixture)
from .conftest import ROOT
from .test_cjk import MEETING
from .test_serve import server_on  # noqa: F401 (a fixture)


def html(server, path: str) -> str:
    with urllib.request.urlopen(f"{server.base}/{server.db_name}/{path}", timeout=10) as response:
        return response.read().decode()


def test_the_search_box_reads_fts5_like_stdcrawl_search(crawled_demo, server_on):  # noqa: F811 (fixtures)
    server = server_on(crawled_demo)
    with open_archive(crawled_demo) as archive:
        for query in ("satellite OR spacecraft", '"space station"', "innov*", '"space station'):
            want = {h["article_id"] for h in archive.search(query, limit=100)}
            got = {r["article_id"] for r in server.json("articles.json", _search=query, _shape="array", _col="title")}
            assert got == want and want, query
    assert len(server.json("articles.json", _search="satellite OR spacecraft", _shape="array", _col="title")) == 7


def test_the_search_box_finds_chinese_words_inside_running_text(tmp_path, server_on):  # noqa: F811
    server = server_on(build_archive(tmp_path / "a.db", [*SAMPLE, MEETING]))
    ids = {r["article_id"] for r in server.json("articles.json", _search="北京", _shape="array", _col="title")}
    assert ids == {"g3-4", "g3-6"}
    assert [r["article_id"] for r in server.json("article_catalog.json", _search="北京 robotics", _shape="array")] == ["g3-4"]
    # a new search from the form (which keeps the earlier one as a hidden field) is the one answered
    rows = server.json("articles.json", _search="Guangdong", _stdcrawl_search="北京", _shape="array", _col="title")
    assert {r["article_id"] for r in rows} == {"g3-1", "g3-2"}
    page = html(server, "articles?_search=%E5%8C%97%E4%BA%AC")
    assert 'value="北京"' in page and "会议在<mark>北京</mark>举行" in page


def test_articles_list_article_page_and_cells(tmp_path, server_on):  # noqa: F811
    db = build_archive(tmp_path / "a.db", [*SAMPLE, MEETING])
    with Archive(db) as archive:  # a corrected article: its page lists the earlier version
        archive.write_batch([{**SAMPLE[2], "title": "Satellites map the glaciers again"}], [], crawl_id=None)
    server = server_on(db)
    listing = html(server, "articles")
    assert 'class="stdcrawl-articles"' in listing and "show all 35 columns" in listing
    assert "authors__arraycontains=Gong+Guoping" in listing and '["Gong Guoping"]' not in listing
    assert ">stdaily.com&nbsp;↗</a>" in listing  # the link named by the article's own site
    assert 'class="rows-and-columns"' in html(server, "articles?_view=all")
    assert 'class="rows-and-columns"' in html(server, "articles?_col=title")  # columns of one's choosing
    article = html(server, "articles/g3-1")
    assert "<h1>Innovation Drives Guangdong&#39;s High-quality Development</h1>" in article
    assert "<p>Guangdong province leads China in innovation.</p>" in article
    assert "<figcaption>Shenzhen at night. (Photo: Xinhua)</figcaption>" in article
    assert '<a href="https://www.stdaily.com/English/a.shtml">Top story</a>' in article
    assert 'class="stdcrawl-article"' not in html(server, "articles/g3-1?_view=all")
    corrected = html(server, "articles/g3-3")
    assert "Earlier versions" in corrected and "title changed (was “Satellites map the glaciers”)" in corrected
    ranked = html(server, "search?q=Guangdong")
    assert "<mark>Guangdong</mark>" in ranked and "**Guangdong**" not in ranked
    assert 'href="/a/articles/g3-1">Innovation Drives' in ranked  # a title opens its article
    with urllib.request.urlopen(f"{server.base}/", timeout=10) as response:
        home = response.read().decode().split("stdcrawl-queries", 1)[1]
    assert 'href="/a/search"' in home and 'href="/a/most_frequent_authors"' in home


def test_escape_fts_reads_queries_as_stdcrawl_search_does():
    assert escape_fts("satellite OR spacecraft") == "satellite OR spacecraft"
    assert escape_fts('"Guangdong') == '"Guangdong"'  # not FTS5: its words
    assert escape_fts("title:robot") == "title:robot"


def test_excerpts_show_the_words_searched_for():
    body = "word " * 100 + "the satellites of Guangdong " + "word " * 100
    text = excerpt(body, "satellite OR Guangdong")
    assert text.startswith("… ") and "<mark>satellites</mark>" in text and "<mark>Guangdong</mark>" in text
    assert excerpt("Short body.") == "Short body."
    assert route_cjk_search("/d/articles.json", "_search=%E5%8C%97".encode()) == b"_stdcrawl_search=%E5%8C%97"


def test_templates_and_static_files_are_package_data():
    """A non-editable install (`pip install .`) carries every file `stdcrawl serve` needs."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["stdcrawl.research.browse"]
    shipped = [p for folder in (TEMPLATES, STATIC) for p in folder.iterdir()]
    assert len(shipped) >= 7
    for path in shipped:
        relative = f"{path.parent.name}/{path.name}"
        assert any(fnmatch.fnmatch(relative, g) for g in globs), relative
