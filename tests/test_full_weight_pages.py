"""Full-weight pages (issue 11): what surrounds an article never leaks into its fields.

The golden test checks every field of the fixture pages; this file checks
that the full-weight families really carry the traps they model, that every
field holds on a synthetic site made of them, and that extraction holds on
markup the project has never generated (hand-written pages below).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from lxml import html as lxml_html

from stdcrawl import sitegen
from stdcrawl.extract.page import article_from_bytes
from stdcrawl.sitegen.fixtures import load_fixture_sources
from stdcrawl.sitegen.records import SiteIndex

from .conftest import FIXTURES, manifest

CONFIG, RECORDS, _RAW = load_fixture_sources(FIXTURES)
HEAVY = [r for r in RECORDS if r.get("family")]
INDEX = SiteIndex(RECORDS)
PAGES = {p["path"]: p for p in manifest()["pages"]}


def page_bytes(rec: dict) -> bytes:
    return (FIXTURES / "site" / rec["url_path"].lstrip("/")).read_bytes()


def extract(rec: dict) -> dict:
    return article_from_bytes(page_bytes(rec), PAGES[rec["url_path"]]["live_url"])


def test_both_families_have_fixture_pages_with_golden_files():
    assert {r["family"] for r in HEAVY} == set(sitegen.heavy.FAMILIES)
    assert all((FIXTURES / PAGES[r["url_path"]]["expected"]).is_file() for r in HEAVY)


@pytest.mark.parametrize("rec", HEAVY, ids=lambda r: r["url_path"])
def test_a_full_weight_page_weighs_40_to_60_kb_and_carries_what_real_pages_carry(rec):
    data = page_bytes(rec)
    assert 40_000 <= len(data) <= 60_000
    tree = lxml_html.fromstring(data)
    text = data.decode("utf-8")
    assert {"科技日报", "中国科技网", "登录", "注册"} <= set(re.findall(r"科技日报|中国科技网|登录|注册", text))
    menu = max(tree.xpath("//ul[contains(@class,'menu')]"), key=len)
    assert len(menu.xpath(".//a")) >= 50
    footer = tree.xpath("//div[contains(@class,'foot')]")[0]
    assert len(footer.xpath(".//a")) >= 30 and "ICP" in footer.text_content()
    assert tree.xpath("//form[.//input[@name='q']]") and "Share:" in text and "cookies" in text
    scripts = " ".join(tree.xpath("//script/text()|//style/text()"))
    for word in ("Source:", "Author:", "Top News"):
        assert word in scripts
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", scripts)
    sidebar_times = tree.xpath("//time[@datetime]")
    assert len(sidebar_times) >= 20
    for heading in ("Most Read", "Latest", "Comments", "0 comments", "Please sign in to comment"):
        assert heading in text
    teaser = "Editor's Pick" if rec["family"] == "portal" else "Recommended"
    top = re.search(r"<(?:span|h2)>Top News</", text).start()
    between = text[top:text.index(f">{teaser}<")]
    assert between.count("<a ") <= len(INDEX.top_news(rec)) + 1  # the teaser box comes right after Top News (+ its More link)
    title = tree.xpath("//title")[0].text
    assert title.startswith(rec["title"]) and title != rec["title"]


def test_the_families_differ_where_the_issue_asks():
    portal = next(r for r in HEAVY if r["family"] == "portal" and r.get("source"))
    bulletin = next(r for r in HEAVY if r["family"] == "bulletin" and r.get("byline"))
    p, b = page_bytes(portal).decode(), page_bytes(bulletin).decode()
    assert p.index("Most Read") < p.index(portal["title"] + "</h1>")  # sidebars before the article
    assert b.index(b"Most Read".decode()) > b.index(bulletin["paragraphs"][-1][:40])  # and after it
    assert "<h1" not in b and "og:title" not in b and "<br><br>" in b
    assert re.search(re.escape(bulletin["byline"]).replace("\\?", "\\?") + r"<br>\n[A-Z]", b.replace("&amp;", "&"))
    suffixes = {r.get("title_suffix") or sitegen.heavy.TITLE_SUFFIXES[r["family"]] for r in HEAVY}
    assert {" - Science and Technology Daily", "-中国科技网", " | STDaily"} <= suffixes
    assert any(s.startswith("_科技日报") for s in suffixes)
    bare = [r for r in HEAVY if r["generation"] == "G4" and r["source"] is None and r["section_name"] is None]
    assert bare, "a 2025-26 page with no breadcrumb and no Source line"


@pytest.mark.parametrize("rec", HEAVY, ids=lambda r: r["url_path"])
def test_the_body_is_the_article_only(rec):
    a = extract(rec)
    body = a["body"]
    for chrome in ("Share", "WeChat", "Most Read", "Latest", "Comments", "sign in", "cookies", "科技日报", "Copyright",
                   "Top News", "Editor's Pick", "Recommended", "About Us", "Search", "More >>", "Sign in"):
        assert chrome not in body
    for other in INDEX.newest[:20]:
        if other["url_path"] != rec["url_path"]:
            assert other["title"] not in body and other["title"] != a["title"]
    assert all("logo" not in i["src"] for i in a["images"])
    assert body.count("\n\n") + 1 == sum(1 for p in rec["paragraphs"] if isinstance(p, str) or "subheading" in p)


@pytest.mark.parametrize("rec", HEAVY, ids=lambda r: r["url_path"])
def test_top_news_is_its_own_box_and_nothing_after_it(rec):
    related = extract(rec)["related"]
    assert [r["title"] for r in related] == [r["title"] for r in INDEX.top_news(rec)]
    assert all(r["summary"] for r in related)


def test_every_field_holds_on_a_synthetic_full_weight_site():
    recs = sitegen.synthetic_articles(80, seed=11, end=dt.date(2026, 6, 30), full_weight=1.0)
    index = SiteIndex(recs)
    assert {r.get("family") for r in recs} == set(sitegen.heavy.FAMILIES)
    for rec in recs:
        page = sitegen.render_article(rec, index).encode("utf-8")
        got = article_from_bytes(page, "https://www.stdaily.com" + rec["url_path"])
        want = sitegen.expected_fields(rec, index)
        wrong = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
        assert not wrong, (rec["url_path"], json.dumps(wrong, ensure_ascii=False)[:800])


def test_the_synth_command_writes_full_weight_pages(tmp_path):
    sitegen.main(["synth", "--n", "12", "--out", str(tmp_path), "--end", "2026-06-30", "--full-weight", "1"])
    sizes = [p.stat().st_size for p in tmp_path.rglob("content_*") if p.is_file()]
    sizes += [p.stat().st_size for p in (tmp_path / "English").rglob("*.shtml") if "common_list" not in p.name and p.name != "index.shtml"]
    assert sizes and min(sizes) >= 30_000


# --- markup never generated by sitegen -----------------------------------------

TABLE_PAGE = """<html><head><meta charset="utf-8"><title>Quantum Link Spans 1,000 km_科技日报</title>
<script>var s = "Source: Old | 2001-01-01 00:00:00 | Author: X"; var t = "Top News";</script></head>
<body><table><tr><td class="nav"><a href="/">首页</a> <a href="/a">科技日报</a> <a href="/b">Top News</a> <a href="/c">Login</a></td></tr>
<tr><td><img src="/images/site-logo.png"></td></tr>
<tr><td><h2>Latest</h2><ul><li><a href="/web/English/2025-01/01/content_290001.html">Old Story One</a> <time datetime="2025-01-01">2025-01-01 08:00:00</time></li>
<li><a href="/web/English/2025-01/02/content_290002.html">Old Story Two</a> <time datetime="2025-01-02">2025-01-02 09:00:00</time></li></ul></td></tr>
<tr><td><font size="5"><b>Quantum Link Spans 1,000 km</b></font></td></tr>
<tr><td class="txt">By LI Ming &amp;?WANG Fang<br>A quantum key distribution link now spans 1,000 km of optical fiber, researchers said on Tuesday.<br><br>
The link connects two cities and runs at a key rate high enough for encrypted phone calls.<br><br>
<img src="/web/English/2025-03/04/q.jpg"><br>Engineers check the link in Hefei,?March 3.?(PHOTO:?VCG)<br><br>
Is it ready for banks? Not yet, the team said, but trials start next year.</td></tr>
<tr><td><b>Comments (0)</b> Please sign in to comment.</td></tr>
<tr><td><div><b>Top News</b> <a href="/more">More</a></div>
<div><a href="/web/English/2025-03/03/content_291111.html">Robots Sort Parcels Faster</a><br>A new sorting robot doubles throughput.</div>
<div><a href="/web/English/2025-03/02/content_291110.html">Desert Solar Farm Opens</a><br>The plant powers 200,000 homes.</div>
<div><b>Editor's Pick</b></div>
<div><a href="/web/English/2025-02/20/content_290900.html">Not a Top News Item</a><br>A teaser that must not be taken.</div></td></tr>
<tr><td>Copyright © Science and Technology Daily | 京ICP备06005116号</td></tr></table></body></html>"""


def test_a_table_layout_page_with_no_anchor_but_its_title_gives_every_field():
    a = article_from_bytes(TABLE_PAGE.encode(), "https://www.stdaily.com/web/English/2025-03/04/content_291200.html")
    assert a["title"] == "Quantum Link Spans 1,000 km"
    assert a["byline_raw"] == "By LI Ming & WANG Fang" and a["authors"] == ["Li Ming", "Wang Fang"]
    assert a["body"].split("\n\n") == [
        "A quantum key distribution link now spans 1,000 km of optical fiber, researchers said on Tuesday.",
        "The link connects two cities and runs at a key rate high enough for encrypted phone calls.",
        "Is it ready for banks? Not yet, the team said, but trials start next year.",
    ]
    assert a["images"] == [{"src": "https://www.stdaily.com/web/English/2025-03/04/q.jpg",
                            "caption": "Engineers check the link in Hefei, March 3. (PHOTO: VCG)"}]
    assert (a["published_at"], a["published_precision"]) == ("2025-03-04T00:00:00+08:00", "day")
    assert [r["title"] for r in a["related"]] == ["Robots Sort Parcels Faster", "Desert Solar Farm Opens"]
    assert [r["summary"] for r in a["related"]] == ["A new sorting robot doubles throughput.", "The plant powers 200,000 homes."]


UNSHOWN_TITLE_PAGE = """<html><head><meta charset="utf-8"><title>Glacier Survey Finds Faster Melt | STDaily</title></head>
<body><div id="top"><a href="/">Home</a> | <a href="/x">News</a> | <a href="/y">Video</a></div>
<div id="cookie">We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.</div>
<div class="rail"><h3>Most Read</h3><p><a href="/web/English/2024-12/01/content_289000.html">Some Other Headline About Glaciers</a> 2024-12-01 10:00:00</p></div>
<div class="story"><p>Glaciers on the Qinghai-Tibet Plateau lost ice twice as fast in the past decade as in the one before, a survey released on Monday found.</p>
<p>The survey used satellite data and field measurements at 120 glaciers, and found the fastest losses in the southeast of the plateau.</p>
<p>Researchers said the melt could raise river flows for some decades before they begin to fall.</p></div>
<div class="cm"><h4>Leave a comment</h4><p>Please sign in to comment and share your view with other readers of this page.</p></div>
<div class="foot">Copyright © Science and Technology Daily</div></body></html>"""


def test_a_page_that_never_shows_its_title_still_gets_the_article_only():
    a = article_from_bytes(UNSHOWN_TITLE_PAGE.encode(), "https://www.stdaily.com/web/English/2025-01/06/content_289100.html")
    assert a["title"] == "Glacier Survey Finds Faster Melt"
    assert a["body"].startswith("Glaciers on the Qinghai-Tibet Plateau") and a["body"].endswith("begin to fall.")
    assert a["body"].count("\n\n") == 2 and a["related"] == [] and a["images"] == []


def test_an_h1_holding_the_site_name_is_not_the_title():
    page = ("<html><head><title>Robots Learn to Fold Laundry - Science and Technology Daily</title></head><body>"
            "<h1>Science and Technology Daily</h1><h2>Robots Learn to Fold Laundry</h2>"
            "<p>Source: Science and Technology Daily | 2024-03-05 10:00:00 | Author: LI Ming</p>"
            "<p>A robot built in Shenzhen can now fold a shirt in under a minute, its makers said on Tuesday.</p>"
            "<h3>Most Read</h3><p><a href='/x'>Another story</a> 2024-03-06 08:00:00</p></body></html>")
    a = article_from_bytes(page.encode(), "https://www.stdaily.com/web/English/2024-03/05/content_1950001.html")
    assert a["title"] == "Robots Learn to Fold Laundry"
    assert a["body"] == "A robot built in Shenzhen can now fold a shirt in under a minute, its makers said on Tuesday."
    assert a["published_at"] == "2024-03-05T10:00:00+08:00"


@pytest.mark.parametrize("title", [
    "Robots Learn to Fold Laundry - Science and Technology Daily", "Robots Learn to Fold Laundry-中国科技网",
    "Robots Learn to Fold Laundry_科技日报", "Robots Learn to Fold Laundry | STDaily",
    "Robots Learn to Fold Laundry_科技日报_中国科技网", "Robots Learn to Fold Laundry — STDaily",
])
def test_every_form_of_the_site_name_suffix_is_removed(title):
    page = f"<html><head><title>{title}</title></head><body><p>{'Words of the story. ' * 10}</p></body></html>"
    a = article_from_bytes(page.encode(), "https://www.stdaily.com/web/English/2025-03/05/content_291300.html")
    assert a["title"] == "Robots Learn to Fold Laundry"


def test_a_sidebar_source_line_before_a_headline_without_h1_is_not_the_articles():
    page = ("<html><head><title>Wind Farm Goes Offshore_科技日报</title></head><body>"
            "<div class='side'><div>Latest</div><p><a href='/web/English/2024-01/01/content_1950100.html'>Old News</a></p>"
            "<p>Source: Xinhua | 2024-01-01 08:00:00 | Author: Staff</p></div>"
            "<div class='t'>Wind Farm Goes Offshore</div>"
            "<div>Source: Science and Technology Daily | 2024-03-05 11:30:00 | Author: WANG Fang</div>"
            "<p>China's largest offshore wind farm started sending power to the grid on Monday, its operator said.</p>"
            "<div class='box'><b>Top News</b><ul><li><a href='/web/English/2024-03-04/content_1950200.html'>Ice Core Drilled</a>"
            " <span>Scientists drilled a 300-meter ice core.</span></li>"
            "<li><a href='/web/English/2024-03-03/content_1950199.html'>Maglev Test</a> <span>2024-03-03</span></li></ul></div>"
            "<div>Copyright © Science and Technology Daily</div></body></html>")
    a = article_from_bytes(page.encode(), "https://www.stdaily.com/web/English/2024-03/05/content_1950300.html")
    assert (a["title"], a["published_at"], a["authors"]) == ("Wind Farm Goes Offshore", "2024-03-05T11:30:00+08:00", ["Wang Fang"])
    assert a["body"] == "China's largest offshore wind farm started sending power to the grid on Monday, its operator said."
    assert [(r["title"], r["summary"]) for r in a["related"]] == [
        ("Ice Core Drilled", "Scientists drilled a 300-meter ice core."), ("Maglev Test", "")]


def test_a_long_copyright_line_ends_the_body_of_a_page_without_top_news():
    page = ("<html><head><title>Salt Lake Lithium</title></head><body><h1>Salt Lake Lithium</h1>"
            "<p>Lithium output from Qinghai's salt lakes rose by a fifth last year, officials said on Friday.</p>"
            "<p>Copyright © Science and Technology Daily, All Rights Reserved. No reproduction without permission.</p>"
            "<p>Address: 15 Fuxing Road, Haidian District, Beijing, China. Tel: 010-58884152</p></body></html>")
    a = article_from_bytes(page.encode(), "https://www.stdaily.com/web/English/2025-04/11/content_293000.html")
    assert a["body"] == "Lithium output from Qinghai's salt lakes rose by a fifth last year, officials said on Friday."


def test_a_top_news_box_before_the_article_is_still_top_news_and_not_body():
    page = ("<html><head><title>Fusion Record</title></head><body><ul><li><a href='/t'>Top News</a></li><li><a href='/v'>Video</a></li></ul>"
            "<div><h3>Top News</h3><p><a href='/web/English/2025-05-01/content_294000.html'>Rover Finds Ice</a></p>"
            "<p>A lunar rover found signs of ice.</p></div><div><h3>Latest</h3><p><a href='/x'>Older story</a></p></div>"
            "<h1>Fusion Record</h1><p>Source: Science and Technology Daily | 2025-05-02 09:00:00 | Author: LI Ming</p>"
            "<p>A Chinese fusion device held its plasma for more than 1,000 seconds, a new record.</p></body></html>")
    a = article_from_bytes(page.encode(), "https://www.stdaily.com/web/English/2025-05/02/content_294100.html")
    assert [(r["title"], r["summary"]) for r in a["related"]] == [("Rover Finds Ice", "A lunar rover found signs of ice.")]
    assert a["body"] == "A Chinese fusion device held its plasma for more than 1,000 seconds, a new record."


def test_the_real_seed_text_in_one_cell_of_br_separated_lines_gives_its_golden_fields():
    """The seed article's stored text as some CMSs lay it out: every line in one
    table cell separated by `<br><br>`, Top News items as `<a>title</a><br>summary`."""
    lines = [line for line in (FIXTURES / "src/observed/seed_000_a887df4183df55ec.txt").read_text("utf-8").split("\n") if line.strip()]
    top = lines.index("Top News")
    esc = [html.escape(line) for line in lines]
    links = ["/English/ChinaNews/2021-12/29/content_1258213.shtml", "/English/BusinessNews/2021-12/23/content_1255418.shtml"]
    page = (f"<html><head><title>{esc[1]}-中国科技网</title><style>.s:before{{content:'Source: x | 2020-01-01 00:00:00 | Author: y'}}</style>"
            "</head><body><table><tr><td><a href='/'>科技日报</a> <a href='/login'>登录</a></td></tr><tr><td>"
            + "<br><br>\n".join(esc[:top]) + "</td></tr><tr><td><b>Top News</b><br>"
            + "<br><br>".join(f"<a href='{links[k]}'>{esc[top + 1 + 2 * k]}</a><br>{esc[top + 2 + 2 * k]}" for k in range(2))
            + f"</td></tr><tr><td>{esc[top + 5]}<br>{esc[top + 6]}</td></tr></table></body></html>")
    got = article_from_bytes(page.encode(), PAGES["/English/WorldNews/2021-11/04/content_1232045.shtml"]["live_url"])
    want = json.loads((FIXTURES / "expected/g1-1232045.json").read_text("utf-8"))
    caption = want["images"][0]["caption"]  # no <img> here, so its caption line is a paragraph
    assert got["body"] == want["body"].replace(
        "\n\nTo play good the first move of sci-tech", f"\n\n{caption}\n\nTo play good the first move of sci-tech", 1)
    for field in ("title", "breadcrumb", "section", "section_label", "source", "published_at", "author_raw", "byline_raw",
                  "authors", "related", "editor", "extraction_notes"):
        assert got[field] == want[field], field
