"""Parsing never raises on any input (issue 9): hostile markup is read or refused, never a traceback."""

from __future__ import annotations

from scrapy.http import HtmlResponse, TextResponse

from stdcrawl.extract.page import article_from_bytes, raw_from_response
from stdcrawl.extract.loaders import load_list_page, text_layout
from stdcrawl.crawl.failures import page_problem

URL = "http://127.0.0.1:8000/web/English/2025-01/01/content_123456.html"
PAGE = ("<html><head><title>A title</title></head><body>"
        "<div>position: EnglishChannel > News > Article</div><h1>Hostile but readable</h1>"
        "<p>Source: Science and Technology Daily | 2025-01-01 09:00:00 | Author: Staff Reporters</p>"
        "%s<p>The body paragraph.</p><h3>Top News</h3><p><a href='http://[::1/English/x.html'>Broken link</a></p>"
        "<p>Copyright © Science and Technology Daily</p></body></html>")


def test_nesting_thousands_deep_is_read_without_recursion():
    """2,000 levels: past Python's recursion limit, within libxml2's own depth limit."""
    body = (PAGE % ("<div>" * 2000 + "deep text" + "</div>" * 2000)).encode()
    blocks = text_layout(HtmlResponse(URL, body=body).selector.root)
    assert any(b.text == "deep text" for b in blocks)
    assert article_from_bytes(body, URL)["body"].endswith("The body paragraph.")


def test_links_that_are_not_urls_do_not_lose_the_page():
    body = (PAGE % "<p><img src='http://[::1/i.jpg'></p>").encode()
    article = article_from_bytes(body, URL)
    assert article["title"] == "Hostile but readable" and article["related"][0]["url"] == "http://[::1/English/x.html"
    listing = HtmlResponse(URL, body=b"<a href='http://[::1/x'>a</a><a href='http://[oops'>b</a>"
                                     b"<a href='/web/English/2025-01/02/content_123457.html'>ok</a>")
    assert [t for _u, t in load_list_page(listing.selector, URL).article_links] == ["ok"]


def test_a_link_that_is_no_url_on_a_page_without_a_source_line_does_not_lose_the_page():
    """Without a Source line the page's kind is judged from its links (page_kind.py): a broken one is no article link."""
    page = (PAGE % "").replace("<p>Source: Science and Technology Daily | 2025-01-01 09:00:00 | Author: Staff Reporters</p>", "")
    page = page.replace("<p>The body paragraph.</p>", "<ul><li><a href='http://[::1/web/English/2025-01/02/content_1.html'>"
                        "A broken headline</a></li></ul><p>The body paragraph.</p>")
    article = article_from_bytes(page.encode(), URL)
    assert article["title"] == "Hostile but readable" and "no_source_line" in article["extraction_notes"]


def test_json_or_a_cut_page_at_an_article_url_is_refused_not_read():
    assert page_problem(TextResponse(URL, body=b'{"a": 1}', headers={"Content-Type": "application/json"})) == "not_html"
    cut = HtmlResponse(URL, body=(PAGE % "").encode()[:300])
    assert page_problem(cut) == "truncated"
    assert page_problem(HtmlResponse(URL, body=b"<html><head><title>404 Not Found</title></head><body></body></html>")) == "soft_404"


def test_a_charset_header_that_lies_yields_to_the_page_s_own_declaration():
    body = ('<html><head><meta charset="utf-8"></head>' + (PAGE % "<p>Zhōngguó — “quoted”</p>")[6:]).encode()
    raw = raw_from_response(HtmlResponse(URL, body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"}))
    assert raw["charset_from_page"] and not raw["garbled"]
    assert "Zhōngguó — “quoted”" in raw["paragraphs"]
