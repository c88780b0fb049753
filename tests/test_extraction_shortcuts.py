"""The shortcuts extraction takes for speed give exactly what the long way gives.

Each fast path (issue 13 §3: re-extraction at half the speed of parsing) is
checked against the plain call it stands for, on ordinary and awkward input.
"""

import codecs
import itertools
import pickle
import re
from datetime import datetime
from urllib.parse import urljoin

import pytest
from lxml import etree
from scrapy.http import HtmlResponse

from stdcrawl.extract import site
from stdcrawl.extract.layout import parse_html
from stdcrawl.extract.normalize import BEIJING, clean_text, normalize_article, parse_timestamp, word_count
from stdcrawl.extract.page import response_text
from stdcrawl.extract.page_regions import flat
from stdcrawl.extract.pagecheck import garbled
from stdcrawl.extract.site import STDAILY_ENGLISH, join_url
from tests.testsite_profile import TESTSITE

BASES = [
    "http://127.0.0.1:18901/web/English/2024-05/04/content_1.html",
    "https://www.stdaily.com/English/a/b/?q=1#f",
    "http://u:p@h:80/x/y",
    "https://h",
    "http://h/a/../b/",
    "file:///tmp/a.html",
    "page.html",
    "http://[::1]:8080/p/q",
    "https://h/a;p?q",
]
HREFS = [
    "http://www.stdaily.com/web/x.html", "https://a/b/../c?x#y", "HTTP://X/y", "https://h:99",
    "/web/a.jpg", "/", "/?q", "/#f", "/a/./b/../c", "/a b", "/;p", "/..", "/../x",
    "//other/x", "//", "///", "//?q", "///x",
    "http:///x", "https:", "http://", "http://?q", "http://#f", "http://[::1/x",
    "rel.jpg", "../up", "?q", "#f", "",
]


@pytest.mark.parametrize("base, href", list(itertools.product(BASES, HREFS)))
def test_a_remembered_link_join_is_what_urljoin_gives(base, href):
    try:
        expected = urljoin(base, href)
    except ValueError:
        expected = href
    assert join_url(base, href) == expected


SPACED = [
    "plain words already flat", " leading", "trailing ", "two  spaces", "tab\there", "line\nbreak",
    "no\u00a0break", "ideographic\u3000space", "zero\u200bwidth", "\ufeffbom", "para\u2029sep",
    "The?first?page", "Copyright ? 2024", "Is it real? Yes.", "科技日报", "x", "\x1c\x1dcontrol",
]


@pytest.mark.parametrize("text", SPACED)
def test_clean_text_of_flat_and_unflat_text_folds_every_space(text):
    expected = site_spaces(text)
    assert clean_text(text, lost_characters=False) == expected


def site_spaces(text: str) -> str:
    """clean_text's space rule written the slow way (docs/fields.md)."""
    return re.sub(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+", " ", text).strip()


def test_word_count_of_an_article_is_the_word_count_of_its_body():
    raw = {
        "url": "https://www.stdaily.com/web/English/2024-05/04/content_1.html",
        "paragraphs": ["Two  words", "a?b c", " ", "tab\tand\nline", "* listed item", "中文 text", "zero\u200bwidth join"],
    }
    article = normalize_article(raw)
    assert article["word_count"] == word_count(article["body"]) == 16


@pytest.mark.parametrize("raw", [
    "2024-05-04 10:24:47", "2024-12-31 23:59:59", "2024-01-01 00:00:00", "2024-5-4 1:2:3", "２０２４-05-04 10:24:47",
])
def test_the_site_timestamp_shortcut_agrees_with_strptime(raw):
    expected = datetime.strptime(raw, site.TIMESTAMP_FORMAT).replace(tzinfo=BEIJING)
    assert parse_timestamp(raw) == (expected, "second")


@pytest.mark.parametrize("raw", ["2024-02-30 10:00:00", "2024-05-04 24:00:00", "2024-05-04 10:24:60"])
def test_an_impossible_site_timestamp_is_no_timestamp(raw):
    assert parse_timestamp(raw) is None


@pytest.mark.parametrize("text", [
    "Engineers work on a satellite. (PHOTO: VCG)", "(Photo by LI Ming)", "PHOTO: XINHUA", "COURTESY PHOTO",
    "(COURTESY PHOTO)", "photo: lower case", "No credit at all.", "A photograph (PHOTOS: CFP) ", "",
])
def test_the_credit_precheck_never_hides_a_credit(text):
    for profile in (STDAILY_ENGLISH, TESTSITE):
        assert profile.is_credit(text) == bool(profile.caption_credit.search(text))


@pytest.mark.parametrize("text", ["Source:Xinhua | 2024-05-04", "source: x", "From: The Wire | 2024", "no anchor"])
def test_the_source_precheck_finds_every_line_the_source_regex_could_match(text):
    for profile in (STDAILY_ENGLISH, TESTSITE):
        if profile.source_line.search(text):
            assert profile.source_hint(text)


def test_remembered_urls_and_article_paths_are_those_of_the_profile_that_asked():
    url = "http://127.0.0.1:18901/web/English/2024-05/04/content_1904663.html"
    path = site.url_path(url)
    assert STDAILY_ENGLISH.article_ref(path).article_id == STDAILY_ENGLISH._parse_article_path(path).article_id
    assert TESTSITE.article_ref(path) == TESTSITE._parse_article_path(path)
    assert STDAILY_ENGLISH.canonical_url(url, "127.0.0.1:18901") == STDAILY_ENGLISH._canonical(url, "127.0.0.1:18901")
    assert TESTSITE.canonical_url(url, "127.0.0.1:18901") == TESTSITE._canonical(url, "127.0.0.1:18901")


def test_flat_text_is_split_and_joined_text_for_every_character():
    long = "a long paragraph of words " * 4  # past the length at which flat() checks instead of splitting
    for code in range(0x3100):
        c = chr(code)
        for text in (f"a{c}b", c, f"{long}{c}b", f"{c}{long}", f"{long}{c}", f"{long} {c}b", f"{long}中{c}"):
            assert flat(text) == " ".join(text.split()), repr(text)
    for text in SPACED:
        for variant in (text, long + text, text + long):
            assert flat(variant) == " ".join(variant.split()), repr(variant)


@pytest.mark.parametrize("page", [
    "<html><body><p>plain</p></body></html>",
    "  \n<html><body><p>spaces around</p></body></html>\n\t ",
    "\x1c\x1d<html><body><p>separators</p></body></html>\x1f",
    "\u00a0<html><body><p>a non-ASCII space first</p></body></html>\u3000",
    "<html><body><p>nul\x00bytes\x00</p></body></html>",
    "\x00 <html><body><p>科技日报 — “quoted”</p></body></html>",
    "",
    "   ",
])
def test_a_utf8_page_parsed_from_its_bytes_is_the_page_parsed_from_its_text(page):
    body = page.encode("utf-8")
    assert etree.tostring(parse_html(page, None, body)) == etree.tostring(parse_html(page))


@pytest.mark.parametrize("body, content_type, utf8", [
    ("Plain <p>text</p>".encode(), "text/html; charset=utf-8", True),
    ("Plain <p>科技</p>".encode(), "text/html; charset=UTF8", True),
    ("Plain <p>café</p>".encode("cp1252"), "text/html; charset=cp1252", False),
    ("<meta charset='utf-8'><p>科技</p>".encode(), "text/html", True),
    ("<p>no charset anywhere</p>".encode(), "text/html", False),
    (codecs.BOM_UTF8 + "<p>bom</p>".encode(), "text/html; charset=utf-8", False),
    (codecs.BOM_UTF16_LE + "<p>utf-16</p>".encode("utf-16-le"), "text/html; charset=utf-8", False),
    (b"<p>bad \xff byte</p>", "text/html; charset=utf-8", False),
    ("<p>a real \ufffd</p>".encode(), "text/html; charset=utf-8", False),
])
def test_the_text_read_at_once_is_scrapys_text(body, content_type, utf8):
    response = HtmlResponse("https://www.stdaily.com/web/English/2024-05/04/content_1.html", body=body,
                            headers={"Content-Type": content_type})
    text, is_utf8 = response_text(response, response.encoding)
    assert text == HtmlResponse(response.url, body=body, headers={"Content-Type": content_type}).text
    assert is_utf8 is utf8


@pytest.mark.parametrize("text", [
    "<p>clean text</p>", "<p>\x01\x02\x03\x04\x05 junk</p>" * 3, "<p>科技 \x07\x08</p>" * 5, "\ufffd" * 10, "",
])
def test_garbled_counts_the_same_from_the_pages_own_bytes(text):
    assert garbled(text, text.encode("utf-8")) == garbled(text)


def test_a_profile_in_use_still_goes_to_worker_processes():
    """reparse sends the profile to spawned workers by pickle, after this process has read pages with it."""
    for profile in (STDAILY_ENGLISH, TESTSITE):
        profile.is_credit("A satellite. (PHOTO: VCG)")
        profile.source_hint("Source: x")
        copy = pickle.loads(pickle.dumps(profile))
        assert copy.is_credit("A satellite. (PHOTO: VCG)") == profile.is_credit("A satellite. (PHOTO: VCG)")
        assert copy.article_ref("/web/English/2024-05/04/content_1904663.html") == \
            profile.article_ref("/web/English/2024-05/04/content_1904663.html")
