"""The HTML of the site: article pages, list pages (with pagination) and the home page.

Our guess of the live markup, in two template families: the legacy CMS
(G1, G2: `.shtml`) and the current CMS (G3, G4: `/web/English/…html`).
What the extractor anchors on reproduces the observed text exactly.
Pure functions of the records: the same records give the same strings;
link forms vary by a checksum of the path, never by chance.
"""

from __future__ import annotations

import codecs
import html
import zlib
from urllib.parse import quote

from .records import (
    _DEFAULT_STYLE,
    _LINK,
    _POSITION,
    _STYLES,
    EPAPER,
    HOME,
    LIST_NAMES,
    SEARCH,
    SiteIndex,
    _has_top_news,
    _index,
    _legacy,
    article_id,
)


def _e(text: str) -> str:
    return html.escape(text, quote=False).replace("\u00a0", "&nbsp;")


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(text: str) -> str:
    out, pos = [], 0
    for m in _LINK.finditer(text):
        out.append(_e(text[pos:m.start()]))
        out.append(f'<a href="{_a(m.group(2))}">{_e(m.group(1))}</a>')
        pos = m.end()
    return "".join(out) + _e(text[pos:])


def _variant(key: str, n: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % n


def link_for(path: str, salt: str) -> str:
    """A deterministic mix of the link forms the live site uses for one path."""
    v = _variant(salt + path, 8)
    if v == 1:
        return "http://www.stdaily.com" + path
    if v == 2:
        return "https://stdaily.com" + path
    if v == 3:
        return "http://m.stdaily.com" + path
    if v == 4:
        return path + "?from=list"
    if v == 5:
        return "https://www.stdaily.com" + path + "#:~:text=" + quote(path.rsplit("/", 1)[-1])
    if v == 7:
        return "http://www.stdaily.com" + path + "?from=list"
    return path


def _nav(lists: list[str]) -> str:
    items = [f'<a href="{HOME}">EnglishChannel</a>']
    for lid in lists:
        if lid in LIST_NAMES:
            items.append(f'<a href="{_a(link_for(f"/English/{lid}/common_list.shtml", "nav"))}">{_e(LIST_NAMES[lid])}</a>')
    items += [f'<a href="/web/English/{lid}.html">{"Focus" if i == 0 else "More"}</a>'
              for i, lid in enumerate(x for x in lists if x.startswith("node_"))]
    items += [f'<a href="{SEARCH}">Search</a>', f'<a href="{EPAPER}">Digital Paper</a>',
              '<a href="http://www.xinhuanet.com/english/">Xinhua</a>',
              '<a href="https://www.chinadaily.com.cn/">China Daily</a>']
    return " | ".join(items)


_LEGACY_FOOTER = ('<div class="footer"><p>Copyright ? Science and Technology Daily, All Rights Reserved</p>'
                  '<p><a href="mailto:yuhy@stdaily.com">mailto: yuhy@stdaily.com</a></p></div>\n')
_CURRENT_FOOTER = (
    '<div class="footer"><div class="links"><h4>友情链接</h4><a href="http://www.most.gov.cn/"><img src="/web/English/images/most.png" alt=""></a>'
    ' <a href="http://www.xinhuanet.com/english/"><img src="/web/English/images/xinhua.png" alt=""></a></div>\n'
    "<ul><li>Copyright © Science and Technology Daily, All Rights Reserved</li><li>科技日报社 中国科技网 版权所有</li>"
    '<li><a href="https://beian.miit.gov.cn/">京ICP备06005116号</a></li><li>违法和不良信息举报电话:010-58884152</li>'
    "<li>京公网安备 110402500060</li></ul></div>\n")


def _head(title: str, description: str, charset: str, legacy: bool, extra: str = "") -> str:
    if legacy and codecs.lookup(charset).name == "utf-8":
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    else:
        meta = f'<meta charset="{charset}">'
    suffix = " - Science and Technology Daily" if legacy else ""
    return (f"<!DOCTYPE html>\n<html><head>{meta}\n<title>{_e(title)}{suffix}</title>\n"
            f'<meta name="description" content="{_a(description)}">\n{extra}</head>\n<body>\n')


def _figure(item: dict, legacy: bool) -> str:
    src, caption = _a(item["image"]), item.get("caption") or ""
    style = item.get("caption_style") or ("center" if legacy else "pic-caption")
    img = f'<p style="text-align: center;"><img src="{src}" alt=""></p>'
    if style == "figcaption":
        cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
        return f'<figure><img src="{src}" alt="">{cap}</figure>'
    if not caption:
        return img
    if style == "center":
        return img + f'\n<p style="text-align: center;">{_e(caption)}</p>'
    if style == "plain":
        return img + f"\n<p>{_e(caption)}</p>"
    return img + f'\n<p class="pic-caption">{_e(caption)}</p>'


def _body(rec: dict) -> str:
    legacy, out = _legacy(rec), []
    items = list(rec["paragraphs"])
    at = rec.get("byline_at", 0)
    for i, item in enumerate(items + [None]):
        if i == at and rec.get("byline") and not (rec.get("drifted") and rec.get("source") is not None):
            out.append(f"<p>{_e(rec['byline'])}</p>")
        if item is None:
            break
        if isinstance(item, str):
            out.append(f"<p>{_inline(item)}</p>")
        elif "subheading" in item:
            out.append(f"<p><strong>{_e(item['subheading'])}</strong></p>")
        elif "list" in item:
            out.append("<ul>" + "".join(f"<li>{_inline(li)}</li>" for li in item["list"]) + "</ul>")
        else:
            out.append(_figure(item, legacy))
    if rec.get("editor"):
        out.append(f"<p>Editor: {_e(rec['editor'])}</p>")
    return "\n".join(out)


def _drifted_source_line(rec: dict) -> str:
    """The redesign's (drift.py) meta bar: relabelled, `·`-separated, the author as "Written by"."""
    author = rec.get("author") or (rec.get("byline") or "").removeprefix("By ")
    parts = [f"Source - {rec['source'] or 'Science and Technology Daily'}", rec.get("published") or ""]
    return '<div class="meta-bar">' + " · ".join(parts + [f"Written by {author}".strip()]) + "</div>"


def _source_line(rec: dict) -> str:
    s_pre, sep, a_pre = _STYLES[rec.get("source_line_style") or _DEFAULT_STYLE[rec["generation"]]]
    parts = [s_pre + (rec["source"] or ""), rec.get("published") or "", a_pre + (rec.get("author") or "")]
    if _legacy(rec):
        return f'<div class="info">{_e(sep.join(parts))}</div>'
    return '<div class="source">' + sep.join(f"<span>{_e(p)}</span>" for p in parts) + "</div>"


def _top_news(rec: dict, index: SiteIndex) -> str:
    if not _has_top_news(rec):
        return ""
    lis = "".join(f'<li><a href="http://www.stdaily.com{_a(r["url_path"])}">{_e(r["title"])}</a><p>{_e(r["summary"])}</p></li>'
                  for r in index.top_news(rec))
    return f'<div class="topnews"><h3>Top News</h3><ul>{lis}</ul></div>\n'


def render_article(rec: dict, site=None, *, nav_lists: list[str] | None = None) -> str:
    """The HTML of one article page; `site` (records or a SiteIndex) feeds "Top News".

    A record with a `family` is rendered full-weight (`heavy.py`)."""
    index = _index(site if site is not None else [rec])
    if rec.get("family"):
        from .heavy import render_heavy_article  # heavy builds on this module's helpers

        return render_heavy_article(rec, index, nav_lists if nav_lists is not None else list(LIST_NAMES))
    legacy = _legacy(rec)
    charset = rec.get("declared_charset") or rec.get("encoding", "utf-8")
    nav = _nav(nav_lists if nav_lists is not None else list(LIST_NAMES))
    meta = rec.get("meta_published")
    extra = ""
    if meta:
        key = "property" if "property" in meta else "name"
        extra = f'<meta {key}="{_a(meta[key])}" content="{_a(meta["content"])}">\n'
    out = [_head(rec["title"], rec["summary"], charset, legacy, extra)]
    section_link = f"/English/{rec['section_dir']}/common_list.shtml"
    if rec.get("section_name"):
        fmt = rec.get("position_format") or _POSITION["legacy" if legacy else "current"]
        line = fmt.format(home=f'<a href="{HOME}">EnglishChannel</a>',
                          section=f'<a href="{section_link}">{_e(rec["section_name"])}</a>', title=_e(rec["title"]))
    if rec.get("drifted"):  # the redesign of sitegen/drift.py: meta bar above the headline, body renamed
        out.append(f'<div class="header"><div class="nav">{nav}</div></div>\n')
        if rec.get("section_name"):
            out.append(f'<div class="crumbs">{line}</div>\n')
        out.append('<div class="main"><article class="story">\n')
        if rec.get("source") is not None:
            out.append(_drifted_source_line(rec) + "\n")
        out.append(f'<h1 class="headline">{_e(rec["title"])}</h1>\n<section class="story-body">\n{_body(rec)}\n</section>\n')
        out.append("</article>\n" + _top_news(rec, index) + "</div>\n" + _CURRENT_FOOTER)
    elif legacy:
        out.append(f'<div class="topnav">{nav}</div>\n')
        if rec.get("section_name"):
            out.append(f'<div class="position">{line}</div>\n')
        out.append(f'<div class="article">\n<h1>{_e(rec["title"])}</h1>\n')
        if rec.get("source") is not None:
            out.append(_source_line(rec) + "\n")
        out.append(f'<div class="article-content">\n{_body(rec)}\n</div>\n</div>\n')
        out.append(_top_news(rec, index))
        out.append(_LEGACY_FOOTER)
    else:
        out.append(f'<div class="header"><div class="nav">{nav}</div></div>\n')
        if rec.get("section_name"):
            out.append(f'<div class="crumbs">{line}</div>\n')
        out.append(f'<div class="main"><div class="content">\n<h1 class="tit">{_e(rec["title"])}</h1>\n')
        if rec.get("source") is not None:
            out.append(_source_line(rec) + "\n")
        out.append(f'<div class="TRS_Editor">\n{_body(rec)}\n</div>\n</div>\n')
        out.append(_top_news(rec, index))
        out.append("</div>\n" + _CURRENT_FOOTER)
    out.append("</body></html>\n")
    return "".join(out)


def list_page_path(list_id: str, page: int) -> str:
    if list_id.startswith("node_"):
        return f"/web/English/{list_id}{'' if page == 1 else f'_{page}'}.html"
    return f"/English/{list_id}/common_list{'' if page == 1 else f'_{page}'}.shtml"


def _pager(list_id: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    node = list_id.startswith("node_")

    def name(k: int) -> str:
        return list_page_path(list_id, k).rsplit("/", 1)[-1]

    first, prev, nxt, last = ("首页", "上一页", "下一页", "尾页") if node else ("First", "Prev", "Next", "Last")
    parts = []
    if page > 1:
        parts += [f'<a href="{name(1)}">{first}</a>', f'<a href="{name(page - 1)}">{prev}</a>']
    for k in range(max(1, page - 4), min(pages, page + 5) + 1):
        parts.append(f'<span class="current">{k}</span>' if k == page else f'<a href="{name(k)}">{k}</a>')
    if page < pages:
        parts += [f'<a href="{name(page + 1)}">{nxt}</a>', f'<a href="{name(pages)}">{last}</a>']
    return f'<div class="{"pages" if node else "page"}">{" ".join(parts)}</div>\n'


def render_list_page(list_id: str, items: list[dict], page: int = 1, pages: int = 1, *,
                     extra: list[dict] = (), nav_lists: list[str] | None = None) -> str:
    """One page of a legacy section list (`common_list*.shtml`) or a current-CMS node list.

    `items` are article records (newest first); `extra` are raw items
    `{"href", "title", "summary"}` appended after them (off-site links, a 404…).
    """
    nav = _nav(nav_lists if nav_lists is not None else list(LIST_NAMES))
    salt = f"{list_id}:{page}:"
    if list_id.startswith("node_"):
        lis = []
        for r in items:
            href = _a(link_for(r["url_path"], salt))
            thumb = f"/web/English/images/{article_id(r['url_path'])}.jpg"
            lis.append(f'<li><a href="{href}" title="{_a(r["title"])}"><img src="{thumb}" alt=""></a>'
                       f'<p><a href="{href}">{_e(r["summary"])}</a></p></li>')
        lis += [f'<li><a href="{_a(x["href"])}" title="{_a(x["title"])}"><img src="/web/English/images/more.jpg" alt=""></a>'
                f'<p><a href="{_a(x["href"])}">{_e(x["summary"])}</a></p></li>' for x in extra]
        return (_head("Science and Technology Daily", "Science and Technology Daily English", "utf-8", False)
                + f'<div class="header"><div class="nav">{nav}</div></div>\n' + _CURRENT_FOOTER
                + '<div class="list"><ul class="news-list">\n' + "\n".join(lis) + "\n</ul>\n"
                + _pager(list_id, page, pages) + "</div>\n</body></html>\n")
    name = LIST_NAMES.get(list_id, list_id)
    lis = []
    for r in items:
        title = "<br>\n".join(_e(t) for t in (r.get("list_title") or r["title"]).split("\n"))
        lis.append(f'<li><a href="{_a(link_for(r["url_path"], salt))}">{title}</a><p>{_e(r["summary"])}</p></li>')
    lis += [f'<li><a href="{_a(x["href"])}">{_e(x["title"])}</a><p>{_e(x["summary"])}</p></li>' for x in extra]
    return (_head(name, f"{name} - Science and Technology Daily", "utf-8", True)
            + f'<div class="topnav">{nav}</div>\n'
            + f'<div class="position">position: <a href="{HOME}">EnglishChannel</a> &gt; '
            + f'<a href="{list_page_path(list_id, 1).rsplit("/", 1)[-1]}">{_e(name)}</a></div>\n'
            + '<ul class="newslist">\n' + "\n".join(lis) + "\n</ul>\n"
            + _pager(list_id, page, pages) + _LEGACY_FOOTER + "</body></html>\n")


def render_home(index: SiteIndex, nav_lists: list[str]) -> str:
    """`/English/index.shtml`: each list's five latest teasers and a link to the full list."""
    out = [_head("EnglishChannel", "Science and Technology Daily English channel", "utf-8", True),
           f'<div class="topnav">{_nav(nav_lists)}</div>\n']
    for lid in nav_lists:
        recs = index.lists.get(lid, [])[:5]
        name = LIST_NAMES.get(lid, "Latest")
        lis = "".join(f'<li><a href="{_a(link_for(r["url_path"], "home"))}">{_e(r["title"])}</a></li>' for r in recs)
        out.append(f'<div class="column"><h2><a href="{list_page_path(lid, 1)}">{_e(name)}</a></h2><ul>{lis}</ul></div>\n')
    out.append(_LEGACY_FOOTER + "</body></html>\n")
    return "".join(out)
