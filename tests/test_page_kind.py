"""Telling a page at an article URL that is no article (issue 11 §4) from an
article, by general signals of its text layout — on every fixture page and
on pages made here to trip each signal."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from stdcrawl.extract.page import raw_from_response
from stdcrawl.extract.page_kind import is_site_title

from .conftest import load_fixture, manifest

PAGES = manifest()["pages"]
URL = "https://www.stdaily.com/web/English/2026-03/02/content_313001.html"
PARAGRAPH = ("Researchers in Hefei have built a quantum sensor that measures magnetic fields in the brain "
             "without the heavy shielding older machines need, the team said on Monday. ")


def why(html: str, url: str = URL) -> str | None:
    return raw_from_response(HtmlResponse(url=url, body=html.encode("utf-8")))["not_an_article"]


def sidebar(n: int, day: int) -> str:
    items = "".join(f'<li><a href="/web/English/2026-02/{day:02d}/content_31{k:04d}.html">Headline number {k} of the day</a>'
                    f'<time datetime="2026-02-{day:02d}">2026-02-{day:02d}</time></li>' for k in range(n))
    return f'<div class="side"><h3>Most Read</h3><ul>{items}</ul></div>'


@pytest.mark.parametrize("page", [p for p in PAGES if p["kind"] in ("article", "list", "home", "soft_404")],
                         ids=lambda p: p["path"])
def test_every_fixture_page_is_told_right(page):
    reason = why(load_fixture("site" + page["path"]).decode("utf-8", "replace"), "https://www.stdaily.com" + page["path"])
    assert (reason is None) == (page["kind"] == "article"), reason


def test_an_article_with_sidebars_of_headlines_and_no_source_line_is_an_article():
    body = "".join(f"<p>{PARAGRAPH * 2}</p>" for _ in range(3))
    html = (f"<html><head><title>Quantum Sensor Reads the Brain - STDaily</title></head><body>"
            f"{sidebar(15, 3)}<h1>Quantum Sensor Reads the Brain</h1><p>By LI Ming</p>{body}"
            f"<div>Comments</div><p>0 comments</p>{sidebar(12, 4)}</body></html>")
    assert why(html) is None


def test_a_short_article_between_two_long_sidebars_is_an_article():
    html = (f"<html><body>{sidebar(20, 3)}<h1>Quantum Sensor Reads the Brain</h1>"
            f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>{sidebar(20, 4)}</body></html>")
    assert why(html) is None


def test_a_list_page_with_a_title_of_its_own_is_known_by_its_layout():
    items = "".join(f'<div><h3><a href="/web/English/2026-02/0{k}/content_31200{k}.html">Story {k} of the week</a></h3>'
                    f"<p>{PARAGRAPH}</p></div>" for k in range(1, 7))
    reason = why(f"<html><head><title>Stories of the week</title></head><body>{items}</body></html>")
    assert reason and reason.startswith("a list page")


def full_weight(inner: str, title: str) -> str:
    """A page with the chrome of a real news page around `inner`: a Chinese top bar,
    a menu of 60 links, a dated sidebar, a comment widget, a footer with a cookie notice."""
    menu = "".join(f'<li><a href="/English/News/common_list.shtml?m={i}">Menu {i}</a></li>' for i in range(60))
    footer = "".join(f'<li><a href="/about/{i}.html">Footer link {i}</a></li>' for i in range(35))
    return (f"<html><head><title>{title}</title><script>var s = 'Source: X | 2024-01-01 10:00:00 | Author: Y';</script>"
            f'</head><body><div><a href="/">科技日报</a> <a href="/">中国科技网</a> <a href="/login">登录</a></div>'
            f"<ul>{menu}</ul>{sidebar(15, 3)}{inner}<div><h3>Comments</h3><p>0 comments</p>"
            f"<p>Please sign in to comment on this story.</p></div>{sidebar(15, 4)}<ul>{footer}</ul>"
            "<p>We use cookies to improve your experience on this site. By continuing you accept them.</p>"
            "<p>京ICP备08002461号 违法和不良信息举报电话:010-58884152</p></body></html>")


def test_full_weight_pages_are_told_right():
    items = "".join(f'<li><a href="/web/English/2026-02/0{k}/content_31200{k}.html">Story {k} of the week</a>'
                    f"<time>2026-02-0{k}</time><p>{PARAGRAPH}</p></li>" for k in range(1, 7))
    assert why(full_weight(f"<ul>{items}</ul>", "Global Partners")).startswith("a list page")
    assert why(full_weight("<h2>Sorry, the page you requested does not exist.</h2>", "STDaily English")).startswith(
        "an error page")
    article = f"<h1>Quantum Sensor Reads the Brain</h1><p>By LI Ming</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
    assert why(full_weight(article, "Quantum Sensor Reads the Brain_中国科技网")) is None


@pytest.mark.parametrize("html", [
    "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
    "<html><head><title>Science and Technology Daily</title></head><body><h3>404</h3>"
    "<p>Sorry, the page you requested does not exist.</p></body></html>",
    "<html><head><title>提示信息</title></head><body><div><a href='/'>首页</a></div><h2>抱歉，您访问的页面不存在！</h2></body></html>",
    "<html><head><title>Notice</title></head><body><p>This article has been removed.</p></body></html>",
], ids=["title", "heading", "chinese", "removed"])
def test_error_pages_answering_200_are_no_articles(html):
    assert why(html).startswith("an error page")


def test_an_article_that_mentions_404_or_a_missing_page_is_an_article():
    html = (f"<html><body><h1>404 New Species Found in Yunnan</h1><p>Botanists found 404 new species this year.</p>"
            f"<p>{PARAGRAPH * 2}</p><p>The page you requested, one reader wrote, does not exist in print. {PARAGRAPH}</p>"
            "</body></html>")
    assert why(html) is None


@pytest.mark.parametrize("title", ["Cooperation - Science and Technology Daily", "科技日报-中国科技网", "News | STDaily",
                                   "International Cooperation_科技日报", "EnglishChannel", "Sci-Tech News"])
def test_titles_that_name_the_site_or_a_section(title):
    assert is_site_title(title)


@pytest.mark.parametrize("title", ["China-made Tunnel in Nepal Brings Farmers Hope", "News from Mars",
                                   "Comment: Why Open Data Matters", "Science and Technology Daily Launches an App",
                                   "WEEKLY REVIEW", ""])
def test_titles_of_stories_do_not(title):
    assert not is_site_title(title)
