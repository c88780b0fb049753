"""The text layout (`extract/layout.py`): any nesting depth, and the same blocks whichever tree it walks (issue 11 §5)."""

from __future__ import annotations

import pytest
from parsel import Selector

from stdcrawl.extract.layout import parse_html, text_layout
from stdcrawl.extract.page import article_from_bytes

from .conftest import load_fixture, manifest

DEPTH = 1200
URL = "https://www.stdaily.com/web/English/2025-03/04/content_291200.html"


def _deep_page(depth: int) -> str:
    return (
        "<html><head><title>Deep Markup Holds Its Story | STDaily</title></head><body>"
        "<h1>Deep Markup Holds Its Story</h1>"
        "<p>Source: Science and Technology Daily | 2025-03-04 10:20:00 | Author: LI Ming</p>"
        + "<div>" * depth
        + "<p>A paragraph nested deep inside the page's layout still belongs to the article.</p>"
        + "</div>" * depth
        + "<p>" + "<span>" * depth + "So does one wrapped in as many inline elements."
        + "</span>" * depth + "</p>"
        + "<p>Editor: WANG Fang</p></body></html>"
    )


def test_a_page_nested_1200_deep_extracts_without_recursion_error():
    article = article_from_bytes(_deep_page(DEPTH).encode(), URL)
    assert article["title"] == "Deep Markup Holds Its Story"
    assert article["body"].split("\n\n") == [
        "A paragraph nested deep inside the page's layout still belongs to the article.",
        "So does one wrapped in as many inline elements.",
    ]
    assert article["editor"] == "WANG Fang"


ARTICLES = [p for p in manifest()["pages"] if p["kind"] == "article"]


@pytest.mark.parametrize("page", ARTICLES[::7], ids=[p["path"] for p in ARTICLES[::7]])
def test_the_plain_tree_and_parsels_tree_give_the_same_blocks(page):
    text = load_fixture("site" + page["path"]).decode("utf-8", "replace")

    def blocks(root):
        return [(b.text, b.tag, b.centered, b.captionish, b.images, b.links, root.getroottree().getpath(b.el))
                for b in text_layout(root)]

    assert blocks(parse_html(text, URL)) == blocks(Selector(text=text, type="html", base_url=URL).root)
