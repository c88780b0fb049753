"""Full-weight page families: an article inside everything a real news page carries.

The fixture pages of `templates.py` are 3–7 KB of clean markup; real pages of
a state newspaper's English channel weigh 30–100 KB. Two families (issue 11),
each 40–60 KB, with their own markup (class names unlike the small templates
and unlike each other), so extraction is checked on what surrounds an
article rather than on one guess of its markup:

- `portal`: a Chinese top bar, a 50+ link menu with a search form, a cookie
  notice, the `position:` line, then "Most Read" and "Latest" sidebars
  (each item with its own `<time datetime>`) BEFORE the article; an `<h1>`
  and `og:title`; share buttons after the Source line; a comment widget, then
  "Top News" (a "More" link in its heading) directly followed by an
  "Editor's Pick" box of the same shape; a footer of 30+ links with the ICP
  notice. `<title>` ends in ` - Science and Technology Daily`.
- `bulletin`: no `<h1>` and no `og:title` (the headline is a plain `<div>`),
  the body's paragraphs separated by `<br><br>` inside one element and the
  byline joined to the first paragraph by `<br>`; share buttons, the comment
  widget and the sidebars AFTER the article, then "Top News" and a
  "Recommended" box; the cookie bar at the very end. `<title>` ends in
  `-中国科技网`.

Both carry inline CSS and JavaScript whose strings hold `Source:`,
`Author:`, `Top News` and timestamps (traps for an extractor that reads
script text). A record picks its family with `family`; `title_suffix`
overrides the family's `<title>` suffix. Everything is a pure function of
the records, as in `templates.py`.
"""

from __future__ import annotations

import zlib

from .records import _DEFAULT_STYLE, _POSITION, _STYLES, EPAPER, HOME, LIST_NAMES, SEARCH, SiteIndex, _legacy, _published
from .templates import _a, _e, _figure, _inline

FAMILIES = ("portal", "bulletin")
TITLE_SUFFIXES = {"portal": " - Science and Technology Daily", "bulletin": "-中国科技网"}
#: The suffixes the live site's copies show, for synthetic pages (`synthetic.py`).
ALL_TITLE_SUFFIXES = (" - Science and Technology Daily", "-中国科技网", "_科技日报", " | STDaily")

_TOPICS = (
    "Top News", "Video", "Photos", "Special Reports", "Belt and Road", "Artificial Intelligence", "Space", "Energy",
    "Health", "Environment", "Agriculture", "Biotech", "Quantum", "Chips", "New Energy Vehicles", "Ocean", "Polar",
    "New Materials", "Robotics", "Education", "Talent", "Policy", "Events", "Forums", "Interviews", "Opinion",
    "Data", "Weekly Review", "Innovation Cities", "Greater Bay Area", "Yangtze River Delta", "Beijing-Tianjin-Hebei",
    "Hainan", "Xiongan", "Startups", "Industry", "Finance", "Culture", "Sports Tech", "Smart Cities",
    "Digital Economy", "Carbon Neutrality", "Foreign Experts", "Visa and Work", "Study in China", "Archives",
)
_FOOTER_GROUPS = {
    "About": ("About Us", "Contact Us", "Advertise", "Jobs", "Subscribe", "Terms of Use", "Privacy Policy",
              "Copyright Notice", "Site Map", "Feedback"),
    "Channels": tuple(LIST_NAMES.values()) + ("Top News", "Video", "Photos", "Special Reports", "Weekly Review"),
    "Partners": ("Ministry of Science and Technology", "Chinese Academy of Sciences", "Xinhua", "China Daily",
                 "CGTN", "People's Daily", "China.org.cn", "China Science Daily", "Nature China", "SciDev.Net",
                 "EurekAlert"),
}


def _slug(text: str) -> str:
    return "".join(c.lower() if c.isalnum() else "-" for c in text).strip("-")


def _stamp(index: SiteIndex, rec: dict) -> tuple[str, str]:
    """(datetime attribute, shown text) of a story's time for a sidebar item."""
    when = index.when[rec["url_path"]]
    return when.isoformat(), when.strftime("%Y-%m-%d %H:%M")


def _css(family: str, rec: dict) -> str:
    """Inline CSS of a few kilobytes; its strings hold the anchors' words and a timestamp."""
    prefix = "pt" if family == "portal" else "bl"
    rules = [
        f'/* {family} theme, built 2019-03-02 08:15:00 */',
        f'.{prefix}-src:before{{content:"Source: ";color:#999}}',
        f'.{prefix}-by:before{{content:"Author: ";}}',
        f'.{prefix}-box-top:before{{content:"Top News";font-weight:700}}',
        f'.{prefix}-time:after{{content:" 2018-01-01 00:00:00"}}',
    ]
    seed = zlib.crc32(rec["url_path"].encode())
    for i in range(215):
        rules.append(f".{prefix}-c{i}{{margin:{(seed + i) % 17}px {(i * 7) % 13}px;padding:{i % 9}px;"
                     f"color:#{(seed * (i + 3)) % 0xFFFFFF:06x};font-size:{12 + i % 6}px;line-height:1.{i % 9}}}")
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"


def _js(family: str, rec: dict) -> str:
    """Inline JavaScript: page config and a share/analytics stub whose strings look like article text."""
    title = rec["title"].replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        "<script>",
        "var pageConfig = {",
        f'  channel: "English", family: "{family}",',
        '  sourceTpl: "Source: Science and Technology Daily | 2017-05-04 12:00:00 | Author: Webmaster",',
        '  blocks: ["Top News", "Editor\'s Pick", "Most Read", "Latest"],',
        f'  shareTitle: "{title}",',
        '  published: "2016-06-06 06:06:06", author: "Author: Admin", source: "Source: CMS"',
        "};",
        "function stdShare(net){var u=encodeURIComponent(location.href);var t=encodeURIComponent(pageConfig.shareTitle);",
        "  var map={weibo:'https://service.weibo.com/share/share.php?url='+u+'&title='+t,",
        "  facebook:'https://www.facebook.com/sharer.php?u='+u,x:'https://x.com/intent/tweet?url='+u+'&text='+t};",
        "  window.open(map[net]||u);}",
    ]
    seed = zlib.crc32(rec["url_path"].encode())
    for i in range(75):
        lines.append(f"var _t{i}=['Top News','Source: Xinhua | 20{10 + i % 15}-0{1 + i % 9}-1{i % 10} 0{i % 10}:30:00 | Author: Editor {i}'];"
                     f"function _f{i}(a){{return (a*{(seed + i) % 97})%{i + 7};}}")
    lines.append("</script>")
    return "\n".join(lines) + "\n"


def _head(rec: dict, family: str, charset: str, extra: str) -> str:
    suffix = rec.get("title_suffix") or TITLE_SUFFIXES[family]
    og = f'<meta property="og:title" content="{_a(rec["title"])}">\n' if family == "portal" else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="{charset}">\n'
            f"<title>{_e(rec['title'])}{_e(suffix)}</title>\n"
            f'<meta name="description" content="{_a(rec["summary"])}">\n'
            f'<meta name="keywords" content="science, technology, China, innovation">\n{og}{extra}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"{_css(family, rec)}</head>\n")


def _topbar(rec: dict) -> str:
    day = _published(rec)[1]
    weekday = "一二三四五六日"[day.weekday()]
    return ('<div class="topbar"><span class="topbar-date">'
            f"{day.year}年{day.month}月{day.day}日 星期{weekday}</span> "
            '<a href="http://www.stdaily.com/">科技日报</a> | <a href="http://www.stdaily.com/index.html">中国科技网</a> | '
            f'<a href="{EPAPER}">数字报</a> | <a href="https://www.stdaily.com/login.html">登录</a> | '
            '<a href="https://www.stdaily.com/register.html">注册</a> | <a href="http://m.stdaily.com/">手机版</a></div>\n')


def _menu(cls: str) -> str:
    items = [f'<li><a href="{HOME}">Home</a></li>']
    items += [f'<li><a href="/English/{d}/common_list.shtml">{_e(n)}</a></li>' for d, n in LIST_NAMES.items()]
    items += [f'<li><a href="/English/topics/{_slug(t)}.shtml">{_e(t)}</a></li>' for t in _TOPICS]
    return f'<ul class="{cls}">' + "".join(items) + "</ul>\n"


def _search() -> str:
    return (f'<form class="search" action="{SEARCH}" method="get"><input type="text" name="q" placeholder="Search">'
            '<select name="range"><option>All</option><option>Title</option></select><button type="submit">Search</button></form>\n')


def _share() -> str:
    nets = ("WeChat", "Weibo", "Facebook", "X", "LinkedIn", "Email")
    links = " ".join(f'<a href="javascript:stdShare(\'{n.lower()}\')">{n}</a>' for n in nets)
    return f'<div class="share-bar"><span>Share:</span> {links}</div>\n'


def _comments() -> str:
    return ('<div class="cmt"><h3>Comments</h3><p class="cmt-count">0 comments</p>'
            '<div class="cmt-tip">Please sign in to comment. <a href="https://www.stdaily.com/login.html">Sign in</a> | '
            '<a href="https://www.stdaily.com/register.html">Register</a></div>'
            '<form class="cmt-form"><textarea name="c" placeholder="Write your comment"></textarea><button>Post</button></form>'
            '<p class="cmt-rules">Comments are reviewed before they appear. Please keep to the topic and be civil; '
            'comments with links, ads or personal attacks are removed.</p></div>\n')


def _cookie() -> str:
    return ('<div class="cookie-bar"><p>We use cookies to improve your experience on our website and to analyse our traffic. '
            'By continuing to browse, you agree to our use of cookies. <a href="/English/privacy.shtml">Learn more</a></p>'
            '<button type="button">Accept</button></div>\n')


def _footer(cls: str) -> str:
    cols = []
    for name, links in _FOOTER_GROUPS.items():
        lis = "".join(f'<li><a href="/English/about/{_slug(t)}.shtml">{_e(t)}</a></li>' for t in links)
        cols.append(f'<div class="{cls}-col"><h4>{name}</h4><ul>{lis}</ul></div>')
    return (f'<div class="{cls}">' + "".join(cols)
            + '<p>Copyright © Science and Technology Daily, All Rights Reserved</p>'
            '<p>科技日报社 中国科技网 版权所有 <a href="https://beian.miit.gov.cn/">京ICP备06005116号</a> 京公网安备 110402500060</p>'
            '<p>违法和不良信息举报电话:010-58884152</p></div>\n')


def _others(rec: dict, index: SiteIndex) -> list[dict]:
    return [r for r in index.newest if r["url_path"] != rec["url_path"]]


def _sidebar(rec: dict, index: SiteIndex, cls: str) -> str:
    """"Most Read" (12 stories, a stable shuffle) and "Latest" (15 newest), each item with its time."""
    others = _others(rec, index)
    latest = others[:15]
    most = sorted(others, key=lambda r: zlib.crc32((rec["url_path"] + r["url_path"]).encode()))[:12]
    out = []
    for heading, recs in (("Most Read", most), ("Latest", latest)):
        lis = []
        for r in recs:
            iso, shown = _stamp(index, r)
            lis.append(f'<li><a href="{_a(r["url_path"])}">{_e(r["title"])}</a> <time datetime="{iso}">{shown}</time></li>')
        out.append(f'<div class="{cls}"><h3>{heading}</h3><ol>{"".join(lis)}</ol></div>')
    return "\n".join(out) + "\n"


def _portal_box(title: str, recs: list[dict], more: str | None) -> str:
    more_link = f' <a class="more" href="{more}">More</a>' if more else ""
    lis = "".join(f'<li><h4><a href="http://www.stdaily.com{_a(r["url_path"])}">{_e(r["title"])}</a></h4>'
                  f'<p>{_e(r["summary"])}</p></li>' for r in recs)
    return f'<div class="pt-box"><div class="pt-box-hd"><span>{_e(title)}</span>{more_link}</div><ul>{lis}</ul></div>\n'


def _bulletin_box(title: str, recs: list[dict], more: str | None) -> str:
    items = "".join(f'<div class="bl-item"><a href="https://www.stdaily.com{_a(r["url_path"])}">{_e(r["title"])}</a>'
                    f'<div class="bl-sum">{_e(r["summary"])}</div></div>' for r in recs)
    more_link = f'<a class="bl-more" href="{more}">More &gt;&gt;</a>' if more else ""
    return f'<section class="bl-panel"><h2>{_e(title)}</h2><div class="bl-panel-body">{items}{more_link}</div></section>\n'


def _boxes(rec: dict, index: SiteIndex, box, teaser: str) -> str:
    """"Top News" (the site's latest stories) then, directly after it, a teaser box of the same shape."""
    top = index.top_news(rec)
    if not top:
        return ""
    shown = {r["url_path"] for r in top} | {rec["url_path"]}
    picks = [r for r in index.newest[3:] if r["url_path"] not in shown][:3]
    return box("Top News", top, HOME) + (box(teaser, picks, None) if picks else "")


def _meta_line(rec: dict, family: str) -> str:
    """The `Source: … | date | Author: …` line in the family's markup."""
    s_pre, sep, a_pre = _STYLES[rec.get("source_line_style") or _DEFAULT_STYLE[rec["generation"]]]
    parts = [s_pre + (rec["source"] or ""), rec.get("published") or "", a_pre + (rec.get("author") or "")]
    if family == "portal":
        return f'<p class="pt-meta">{_e(sep.join(parts))}</p>'
    seps = [f'<i class="bl-sep">{_e(sep)}</i>'] * 2
    return (f'<div class="bl-meta"><em>{_e(parts[0])}</em>{seps[0]}<em>{_e(parts[1])}</em>{seps[1]}'
            f"<em>{_e(parts[2])}</em></div>")


def _position(rec: dict) -> str:
    fmt = rec.get("position_format") or _POSITION["legacy" if _legacy(rec) else "current"]
    return fmt.format(home=f'<a href="{HOME}">EnglishChannel</a>',
                      section=f'<a href="/English/{rec["section_dir"]}/common_list.shtml">{_e(rec["section_name"])}</a>',
                      title=_e(rec["title"]))


def _paragraph_items(rec: dict) -> str:
    """The body with `<p>` paragraphs (the portal family)."""
    out = []
    at = rec.get("byline_at", 0)
    for i, item in enumerate(list(rec["paragraphs"]) + [None]):
        if i == at and rec.get("byline"):
            out.append(f'<p class="pt-byline">{_e(rec["byline"])}</p>')
        if item is None:
            break
        out.append(_item(item, rec))
    if rec.get("editor"):
        out.append(f'<p class="pt-editor">Editor: {_e(rec["editor"])}</p>')
    return "\n".join(out)


def _item(item, rec: dict) -> str:
    if isinstance(item, str):
        return f"<p>{_inline(item)}</p>"
    if "subheading" in item:
        return f"<p><b>{_e(item['subheading'])}</b></p>"
    if "list" in item:
        return "<ul>" + "".join(f"<li>{_inline(li)}</li>" for li in item["list"]) + "</ul>"
    return _figure(item, _legacy(rec))


def _br_items(rec: dict) -> str:
    """The body with runs of paragraphs in one element, separated by `<br><br>`;
    a byline at the start of a run is joined to its first paragraph by `<br>`."""
    out, run = [], []
    at = rec.get("byline_at", 0)
    byline = rec.get("byline")

    def flush() -> None:
        if run:
            out.append('<div class="bl-text">' + "<br><br>\n".join(run) + "</div>")
            run.clear()

    for i, item in enumerate(list(rec["paragraphs"]) + [None]):
        lead = ""
        if i == at and byline:
            if isinstance(item, str):
                lead = f"{_e(byline)}<br>\n"
            else:
                flush()
                out.append(f"<div>{_e(byline)}</div>")
        if item is None:
            break
        if isinstance(item, str):
            if lead:
                flush()
            run.append(lead + _inline(item))
        else:
            flush()
            out.append(_item(item, rec))
    flush()
    if rec.get("editor"):
        out.append(f'<div class="bl-editor">Editor: {_e(rec["editor"])}</div>')
    return "\n".join(out)


def render_heavy_article(rec: dict, index: SiteIndex, nav_lists: list[str]) -> str:
    """The HTML of one article page in its full-weight family (`rec["family"]`)."""
    family = rec["family"]
    if family not in FAMILIES:
        raise ValueError(f"{rec['url_path']}: unknown family {family!r} (one of {', '.join(FAMILIES)})")
    charset = rec.get("declared_charset") or rec.get("encoding", "utf-8")
    meta = rec.get("meta_published")
    extra = ""
    if meta:
        key = "property" if "property" in meta else "name"
        extra = f'<meta {key}="{_a(meta[key])}" content="{_a(meta["content"])}">\n'
    has_line = rec.get("source") is not None
    out = [_head(rec, family, charset, extra), "<body>\n", _topbar(rec)]
    if family == "portal":
        out.append(f'<div class="pt-header"><a href="{HOME}"><img class="pt-logo" src="/English/images/logo.png" alt="Science and Technology Daily"></a>{_search()}</div>\n')
        out.append(_menu("pt-menu"))
        out.append(_cookie())
        if rec.get("section_name"):
            out.append(f'<div class="pt-where">{_position(rec)}</div>\n')
        out.append('<div class="pt-main"><div class="pt-aside">\n' + _sidebar(rec, index, "pt-rank") + "</div>\n")
        out.append(f'<div class="pt-story"><h1>{_e(rec["title"])}</h1>\n')
        if has_line:
            out.append(_meta_line(rec, family) + "\n")
        out.append(_share())
        out.append(f'<div class="pt-text">\n{_paragraph_items(rec)}\n</div></div>\n')
        out.append(_comments())
        out.append(_boxes(rec, index, _portal_box, "Editor's Pick"))
        out.append("</div>\n" + _footer("pt-foot"))
    else:
        out.append(f'<div class="bl-head"><div class="bl-logo"><img src="/web/English/images/logo.png" alt=""></div>{_search()}</div>\n')
        out.append('<div class="bl-nav">' + _menu("bl-menu") + "</div>\n")
        if rec.get("section_name"):
            out.append(f'<div class="bl-path">{_position(rec)}</div>\n')
        out.append(f'<div class="bl-wrap"><div class="bl-article"><div class="bl-headline">{_e(rec["title"])}</div>\n')
        if has_line:
            out.append(_meta_line(rec, family) + "\n")
        out.append(f'<div class="bl-body">\n{_br_items(rec)}\n</div>\n' + _share() + "</div>\n")
        out.append(_comments())
        out.append('<div class="bl-side">\n' + _sidebar(rec, index, "bl-rank") + "</div>\n")
        out.append(_boxes(rec, index, _bulletin_box, "Recommended"))
        out.append("</div>\n" + _footer("bl-foot") + _cookie())
    out.append(_js(family, rec))
    out.append("</body></html>\n")
    return "".join(out)
