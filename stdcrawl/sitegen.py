"""Write copies of the stdaily.com English channel: the fixture site and synthetic sites.

The live HTML was never observed (only stored text copies of pages), so the
markup here is our guess; what the extractor anchors on (the `position:` line,
the `Source: … | date | Author: …` line, `<h1>`, the meta tags, the "Top News"
heading, the "Copyright" footer) reproduces the observed text exactly. Two
template families: the legacy CMS (G1, G2: `.shtml`) and the current CMS (G3,
G4: `/web/English/…html`). Rendering is deterministic: the same records give
byte-identical files, and `write_site` leaves unchanged files untouched.

API: `render_article`, `render_list_page`, `write_site` (a whole site in the live
URL layout), `synthetic_articles` / `generate_site` (seeded synthetic sites),
`expected_fields` (the golden record of a page by docs/fields.md),
`build_fixtures` (the committed fixture site). Command line:

    python -m stdcrawl.sitegen fixtures                    # fixtures/src -> site, expected, manifest
    python -m stdcrawl.sitegen synth --n 5000 --out DIR [--seed S] [--end YYYY-MM-DD]

Record format (one dict per article; JSON in `fixtures/src/articles/`)
---------------------------------------------------------------------------
Required:
- `url_path`: the live path, e.g. `/English/WorldNews/2021-11/04/content_1232045.shtml`
- `generation`: `G1`…`G4` (must match the path's pattern)
- `section_dir`: the story's true section directory (used for list placement)
- `section_name`: the breadcrumb's display name, or None for no `position:` line (G4)
- `title`: the headline as published (may hold `?` artifacts, NBSP)
- `summary`: the teaser shown in list pages, "Top News" and the meta description
- `paragraphs`: the article body in order. Items: a str (a paragraph; `[text](href)`
  makes a link, U+00A0 renders as `&nbsp;`); `{"subheading": str}` (`<p><strong>`);
  `{"list": [str, …]}` (`<ul><li>`); `{"image": src, "caption": str,
  "caption_style": "center"|"plain"|"pic-caption"|"figcaption"}` (src as written
  in the page: root-relative, relative or absolute; caption "" for none).
- `source`: the `Source:` value, or None for a page without the source line
- `published`: `YYYY-MM-DD HH:MM:SS` shown in the source line (None without it)
- `author`: the `Author:` value as written ("" when empty)
- `byline`: the body's `By …` line or None; `byline_at`: its index in `paragraphs` (default 0)
- `editor`: the name of a closing `Editor: …` line, or None
Expected values written by hand (never computed from the extractor's rules):
- `section`: the expected `section` field; `authors`: the expected `authors` list
Optional switches (defaults in brackets):
- `source_line_style`: `g1` (`Daily| date| Author: x`) | `spaced` | `nospace` [by generation]
- `position_format`: HTML of the `position:` line with `{home}`, `{section}`, `{title}`
- `meta_published`: `{"property"|"name": …, "content": …}`, a date meta tag [None]
- `has_top_news` [G1–G3 True, G4 False]; `top_news`: pinned url_paths for the block
  [None: the site's two latest stories other than the page itself]
- `lists`: list ids linking the story: a section dir (legacy `common_list`) or
  `node_<n>` [G1/G2: own dir; G3: own dir + its node; G4: its node]
- `list_title`: the title as shown in legacy lists, `\n` for a line break [title]
- `encoding`: the bytes' encoding [utf-8]; `declared_charset`: the meta charset
  [= encoding]; `header_charset`: a Content-Type charset override [None]
- `live_url`, `models`: documentation for the fixture manifest.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import html
import json
import random
import re
import shutil
import sys
import zlib
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

CANONICAL = "https://www.stdaily.com"
BEIJING = dt.timezone(dt.timedelta(hours=8))
SECTION_DIRS = ("WorldNews", "Service", "BusinessNews", "ChinaNews", "News")
#: Current breadcrumb names of the legacy section lists.
LIST_NAMES = {"WorldNews": "Cooperation", "Service": "Experts in China", "BusinessNews": "Comment",
              "ChinaNews": "Sci-Tech News", "News": "News"}
NAME_TO_DIR = {"International Cooperation": "WorldNews", **{v: k for k, v in LIST_NAMES.items()}}
#: Our guess of the current-CMS node of each section (only 410 and 412 were seen).
NODE_OF_SECTION = {"WorldNews": "node_410", "Service": "node_411", "News": "node_412",
                   "BusinessNews": "node_413", "ChinaNews": "node_414"}
HOME = "/English/index.shtml"
SEARCH = "/English/search/index.shtml"
EPAPER = "http://digitalpaper.stdaily.com/http_www.kjrb.com/ywtk/index.html"
ROBOTS = "User-agent: *\nDisallow: /English/search/\n"
ERAS = {"G1": (dt.date(2021, 1, 4), dt.date(2021, 12, 31)), "G2": (dt.date(2022, 6, 1), dt.date(2024, 4, 30)),
        "G3": (dt.date(2022, 8, 1), dt.date(2024, 6, 28)), "G4": (dt.date(2025, 2, 5), None)}
_PATTERNS = {
    "G1": re.compile(r"^/English/(?P<dir>\w+)/(?P<y>\d{4})-(?P<m>\d\d)/(?P<d>\d\d)/content_(?P<id>\d{7})\.shtml$"),
    "G2": re.compile(r"^/English/(?P<dir>\w+)/(?P<y>\d{4})(?P<m>\d\d)/(?P<id>[0-9a-f]{32})\.shtml$"),
    "G3": re.compile(r"^/web/English/(?P<y>\d{4})-(?P<m>\d\d)/(?P<d>\d\d)/content_(?P<id>\d{7})\.html$"),
    "G4": re.compile(r"^/web/English/(?P<y>\d{4})-(?P<m>\d\d)/(?P<d>\d\d)/content_(?P<id>\d{6})\.html$"),
}
_STYLES = {"g1": ("Source: ", "| ", "Author: "), "spaced": ("Source: ", " | ", "Author: "),
           "nospace": ("Source:", " | ", "Author:")}
_DEFAULT_STYLE = {"G1": "g1", "G2": "spaced", "G3": "nospace", "G4": "nospace"}
_POSITION = {"legacy": "position: {home} &gt; {section} &gt; Article",
             "current": "position: {home}  &gt; {section} &gt; {title}"}
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


# --- records -------------------------------------------------------------------


def parse_path(path: str) -> dict | None:
    """`{"generation", "id", "dir", "date", "precision"}` of an article path, else None."""
    for gen, rx in _PATTERNS.items():
        m = rx.match(path)
        if m:
            g = m.groupdict()
            day = int(g.get("d") or 1)
            return {"generation": gen, "id": f"{gen.lower()}-{g['id']}", "dir": g.get("dir") or "",
                    "date": dt.date(int(g["y"]), int(g["m"]), day),
                    "precision": "month" if gen == "G2" else "day"}
    return None


def article_id(path: str) -> str:
    ref = parse_path(path)
    if ref is None:
        raise ValueError(f"not an article path: {path}")
    return ref["id"]


def _legacy(rec: dict) -> bool:
    return rec["generation"] in ("G1", "G2")


def _lists(rec: dict) -> list[str]:
    if "lists" in rec:
        return list(rec["lists"])
    gen, d = rec["generation"], rec["section_dir"]
    return {"G1": [d], "G2": [d], "G3": [d, NODE_OF_SECTION[d]], "G4": [NODE_OF_SECTION[d]]}[gen]


def _has_top_news(rec: dict) -> bool:
    return rec.get("has_top_news", rec["generation"] != "G4")


def _published(rec: dict) -> tuple[str, dt.datetime, str, str]:
    """(published_raw, datetime in Beijing time, precision, note) by the field contract."""
    if rec.get("source") is not None and rec.get("published"):
        return rec["published"], dt.datetime.strptime(rec["published"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING), "second", ""
    meta = rec.get("meta_published")
    if meta:
        raw = meta["content"]
        if len(raw) == 10:
            stamp, precision = dt.datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=BEIJING), "day"
        else:
            stamp, precision = dt.datetime.fromisoformat(raw), "second"
            stamp = stamp.replace(tzinfo=BEIJING) if stamp.tzinfo is None else stamp.astimezone(BEIJING)
        return raw, stamp, precision, "published_from_meta"
    ref = parse_path(rec["url_path"])
    day = ref["date"]
    return "", dt.datetime(day.year, day.month, day.day, tzinfo=BEIJING), ref["precision"], "published_from_url"


class SiteIndex:
    """The records of one site: lookup by path, newest-first order, list membership."""

    def __init__(self, articles: list[dict]):
        self.articles = list(articles)
        self.by_path = {}
        for rec in self.articles:
            if rec["url_path"] in self.by_path:
                raise ValueError(f"two records for {rec['url_path']}")
            ref = parse_path(rec["url_path"])
            if ref is None or ref["generation"] != rec["generation"]:
                raise ValueError(f"{rec['url_path']} is not a {rec['generation']} path")
            self.by_path[rec["url_path"]] = rec
        self.when = {r["url_path"]: _published(r)[1] for r in self.articles}
        self.newest = sorted(self.articles, key=lambda r: (self.when[r["url_path"]], r["url_path"]), reverse=True)
        self.lists: dict[str, list[dict]] = {}
        for rec in self.newest:
            for lid in _lists(rec):
                self.lists.setdefault(lid, []).append(rec)

    def top_news(self, rec: dict) -> list[dict]:
        if not _has_top_news(rec):
            return []
        if rec.get("top_news") is not None:
            return [self.by_path[p] for p in rec["top_news"]]
        return [r for r in self.newest[:3] if r["url_path"] != rec["url_path"]][:2]


def _index(site) -> SiteIndex:
    return site if isinstance(site, SiteIndex) else SiteIndex(site or [])


# --- expected fields (docs/fields.md) ----------------------------------------------


def norm(text: str) -> str:
    """The field contract's text normalization (spaces, `?` artifacts, `Copyright ?`)."""
    text = re.sub(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r"(?<=[^\W_])\?(?=[^\W_])", " ", text)
    return text.replace("Copyright ?", "Copyright ©").strip()


def _plain(text: str) -> str:
    return _LINK.sub(r"\1", text)


def _image_src(src: str, page_path: str) -> str:
    absolute = urljoin(CANONICAL + page_path, src)
    parts = urlsplit(absolute)
    host = (parts.hostname or "").lower()
    if host == "stdaily.com" or host.endswith(".stdaily.com"):
        return CANONICAL + parts.path
    return absolute


def _position_text(rec: dict) -> str:
    fmt = rec.get("position_format") or _POSITION["legacy" if _legacy(rec) else "current"]
    return html.unescape(fmt.format(home="EnglishChannel", section=rec["section_name"], title=rec["title"]))


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


def expected_fields(rec: dict, site) -> dict:
    """The golden record of an article page (all fields but `url` and `fetched_at`).

    `site` is a `SiteIndex` or the list of the site's records ("Top News").
    """
    index = _index(site)
    ref = parse_path(rec["url_path"])
    has_line = rec.get("source") is not None
    raw, stamp, precision, date_note = _published(rec)
    body, images = [], []
    for item in rec["paragraphs"]:
        if isinstance(item, str):
            body.append(norm(_plain(item)))
        elif "subheading" in item:
            body.append(norm(item["subheading"]))
        elif "list" in item:
            body.extend("* " + norm(_plain(li)) for li in item["list"])
        else:
            images.append({"src": _image_src(item["image"], rec["url_path"]), "caption": norm(item.get("caption") or "")})
    body_text = "\n\n".join(p for p in body if p)
    section = rec["section"]
    section_dir = ref["dir"] if ref["dir"] else NAME_TO_DIR.get(section, "")
    header_author = (rec.get("author") or "") if has_line else ""
    breadcrumb = [norm(c) for c in _position_text(rec).split(":", 1)[1].split(">")] if rec.get("section_name") else []
    notes = {date_note} - {""}
    notes |= {"no_breadcrumb"} if not breadcrumb else set()
    notes |= {"no_source_line"} if not has_line else ({"no_source"} if not norm(rec["source"]) else set())
    notes |= {"no_author"} if not rec["authors"] else set()
    if rec["authors"] and not re.search("[A-Za-z]", header_author) and rec.get("byline"):
        notes.add("authors_from_byline")
    notes |= {"no_section"} if not section else set()
    enc = rec.get("encoding", "utf-8")
    if not _same_codec(enc, rec.get("header_charset") or rec.get("declared_charset") or enc):
        notes.add("encoding_recovered")
    return {
        "article_id": ref["id"],
        "canonical_url": CANONICAL + rec["url_path"],
        "generation": rec["generation"],
        "section": section,
        "section_dir": section_dir,
        "breadcrumb": breadcrumb,
        "title": norm(rec["title"]),
        "source": norm(rec["source"]) if has_line else "",
        "published_raw": raw,
        "published_at": stamp.isoformat(),
        "published_utc": stamp.astimezone(dt.UTC).isoformat(),
        "published_precision": precision,
        "author_raw": norm(header_author),
        "byline_raw": norm(rec.get("byline") or ""),
        "authors": list(rec["authors"]),
        "body": body_text,
        "images": images,
        "related": [{"title": norm(r["title"]), "summary": norm(r["summary"]), "url": CANONICAL + r["url_path"]}
                    for r in index.top_news(rec)],
        "editor": norm(rec.get("editor") or ""),
        "word_count": len(body_text.split()),
        "extraction_notes": sorted(notes),
    }


# --- HTML ------------------------------------------------------------------------


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
        if i == at and rec.get("byline"):
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
    """The HTML of one article page; `site` (records or a SiteIndex) feeds "Top News"."""
    index = _index(site if site is not None else [rec])
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
    if legacy:
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


# --- writing a site ---------------------------------------------------------------


class _Writer:
    def __init__(self, root: Path):
        self.root, self.dirs, self.written = root, set(), []

    def put(self, path: str, data: bytes) -> None:
        target = self.root / path.lstrip("/")
        if target.parent not in self.dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(target.parent)
        self.written.append(path)
        try:
            if target.read_bytes() == data:
                return
        except FileNotFoundError:
            pass
        target.write_bytes(data)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="xmlcharrefreplace")


def write_site(root: str | Path, articles: list[dict], *, per_page: int = 20,
               extra_list_items: dict[str, list[dict]] | None = None,
               raw_files: dict[str, bytes] | None = None, headers: dict[str, dict] | None = None,
               clean: bool = False) -> dict:
    """Write a whole site into `root` in the live URL layout and return its manifest.

    Articles, every list page with pagination (`per_page` items), the English
    home page, `robots.txt`, `_headers.json` (per-page response header
    overrides) and `raw_files` (`{url_path: bytes}`, written as they are).
    Files whose bytes would not change are left untouched (their mtimes too).
    `extra_list_items`: `{list_id: [{"href", "title", "summary", "page"}]}`.
    """
    root = Path(root)
    if clean and root.exists():
        shutil.rmtree(root)
    index = SiteIndex(articles)
    extra_list_items = extra_list_items or {}
    list_ids = [d for d in SECTION_DIRS if d in index.lists or d in extra_list_items]
    list_ids += sorted(lid for lid in set(index.lists) | set(extra_list_items) if lid not in list_ids)
    writer = _Writer(root)
    header_map = dict(headers or {})
    ids = {}
    for rec in articles:
        text = render_article(rec, index, nav_lists=list_ids)
        writer.put(rec["url_path"], _encode(text, rec.get("encoding", "utf-8")))
        ids[rec["url_path"]] = article_id(rec["url_path"])
        if rec.get("header_charset"):
            header_map[rec["url_path"]] = {"Content-Type": f"text/html; charset={rec['header_charset']}"}
    lists = {}
    for lid in list_ids:
        recs = index.lists.get(lid, [])
        pages = max(1, -(-len(recs) // per_page))
        extras = extra_list_items.get(lid, [])
        lists[lid] = []
        for page in range(1, pages + 1):
            chunk = recs[(page - 1) * per_page: page * per_page]
            extra = [x for x in extras if min(x.get("page", 1), pages) == page]
            path = list_page_path(lid, page)
            writer.put(path, render_list_page(lid, chunk, page, pages, extra=extra, nav_lists=list_ids).encode("utf-8"))
            lists[lid].append(path)
    writer.put(HOME, render_home(index, list_ids).encode("utf-8"))
    writer.put("/robots.txt", ROBOTS.encode("ascii"))
    for path, data in sorted((raw_files or {}).items()):
        writer.put(path, data)
    writer.put("/_headers.json", (json.dumps(header_map, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return {"home": HOME, "robots": "/robots.txt", "headers": "/_headers.json",
            "articles": [r["url_path"] for r in articles], "article_ids": ids, "lists": lists,
            "list_pages": [p for lid in list_ids for p in lists[lid]], "raw": sorted(raw_files or {})}


def generate_site(root: str | Path, n: int, seed: int = 0, **kwargs) -> dict:
    """`write_site(root, synthetic_articles(n, seed))`; kwargs go to `synthetic_articles` (`end`) or `write_site`."""
    end = kwargs.pop("end", None)
    return write_site(root, synthetic_articles(n, seed, end=end), **kwargs)


# --- synthetic sites ------------------------------------------------------------------

_NAMES = (("LONG", "Yun", "龙云"), ("BI", "Weizi", "毕炜梓"), ("CHEN", "Chunyou", "陈春友"), ("YU", "Haoyuan", "于浩远"),
          ("GONG", "Guoping", "龚国平"), ("XU", "Qingqun", "许青群"), ("FANG", "Linlin", "方琳琳"),
          ("HUANG", "Zhaoquan", "黄兆全"), ("ZHANG", "Jiaxin", "张佳欣"), ("LI", "Linxu", "李林旭"),
          ("ZHAO", "Hanbin", "赵汉斌"), ("TANG", "Zhexiao", "唐哲骁"), ("WANG", "Xiaoxia", "王小霞"),
          ("LIU", "Xia", "刘霞"), ("ZHOU", "Wenxuan", "周文轩"), ("SUN", "Ying", "孙颖"), ("MA", "Jie", "马杰"),
          ("HE", "Lina", "何丽娜"), ("QIN", "Shuo", "秦硕"), ("DU", "Mingming", "杜明明"))
_WORDS = {
    "who_one": ("A team at Tsinghua University", "A joint China-Germany team", "A start-up based in Hangzhou",
                "A lab in Hefei", "An international team led by Fudan University", "The Shenzhen company"),
    "who_many": ("Chinese researchers", "Scientists from the Chinese Academy of Sciences", "Engineers in Shenzhen",
                 "Researchers at Zhejiang University", "Experts at Peking University", "Doctors in Shanghai",
                 "Astronomers at the Purple Mountain Observatory", "Agronomists in Yunnan", "Foreign experts in Guangzhou"),
    "did": ("have developed", "recently unveiled", "have demonstrated", "reported progress on", "are testing",
            "have launched", "completed trials of", "are scaling up", "announced plans for", "published findings on"),
    "what": ("a solid-state battery that charges in minutes", "an AI model that forecasts extreme weather",
             "a low-cost method to recycle rare earths", "a quantum sensor for medical imaging",
             "a drought-resistant rice variety", "a robot that inspects power lines", "a new vaccine platform",
             "a satellite network for rural broadband", "a carbon capture system for steel mills",
             "a high-speed maglev prototype", "an ocean observation buoy", "a hydrogen fuel cell truck",
             "a brain-computer interface", "a deep-sea drilling platform", "a smart irrigation system",
             "perovskite solar cells with record efficiency", "a gene-edited wheat line", "a flexible display"),
    "tail": ("according to a study published in Nature.", "the team said on Monday.",
             "which could cut costs by nearly 30 percent.", "in cooperation with partners from Europe and Africa.",
             "a move experts say will benefit developing countries.", "after five years of research.",
             "as part of the 14th Five-Year Plan.", "according to a statement released this week.",
             "with support from the National Natural Science Foundation of China.",
             "bringing the technology a step closer to the market.", "local media reported."),
    "quote": ("Innovation is the key to high-quality development", "International cooperation makes science stronger",
              "We want to turn laboratory results into products people can use",
              "Young scientists need room to fail and try again", "Open data is the foundation of modern research",
              "The market for this technology is growing fast", "China has become a good place for my research"),
    "role": ("a researcher at the institute", "director of the project", "a foreign expert working in Beijing",
             "chief engineer of the company", "a professor at the university", "an official with the local bureau"),
    "fact": ("The project has attracted {a} researchers from {b} countries and regions.",
             "Investment in the sector reached {a} billion yuan last year, up {b} percent.",
             "More than {a} companies have joined the alliance since it was set up {b} years ago.",
             "The facility can process {a} tons of material a day, {b} times more than before.",
             "About {a} participants attended the event, including {b} foreign experts."),
    "t_subj": ("China", "Shenzhen", "Hefei", "Beijing", "Scientists", "Researchers", "Foreign Experts",
               "Young Innovators", "Belt and Road Partners", "Chinese Firms"),
    "t_verb": ("Unveil", "Develop", "Test", "Launch", "Advance", "Boost", "Explore", "Share", "Bet on", "Push"),
    "t_obj": ("Solid-state Batteries", "AI Weather Forecasts", "Quantum Sensors", "Drought-resistant Rice",
              "Power-line Robots", "Rural Broadband Satellites", "Green Steel", "Maglev Trains", "Ocean Buoys",
              "Hydrogen Trucks", "Brain-computer Interfaces", "Deep-sea Drilling", "Smart Irrigation",
              "Perovskite Solar Cells", "Flexible Displays", "Open Science"),
    "heading": ("A Long Road to the Lab", "From Paper to Product", "Working Together", "What Comes Next",
                "Talent First", "Bridging Labs and Markets", "A Global Effort", "Challenges Remain"),
    "scene": ("A researcher checks samples in a laboratory in Beijing", "Visitors look at a robot at an expo in Shanghai",
              "Engineers work on a satellite in Xi'an", "Farmers inspect rice seedlings in Yunnan",
              "A wind farm in Inner Mongolia", "Students attend a science class in Hefei"),
    "credit": ("(PHOTO: VCG)", "(PHOTO: XINHUA)", "(PHOTO:VCG)", "(COURTESY PHOTO)", "PHOTO: VCG", "(PHOTO : TANG Zhexiao)"),
}
_POOL: dict[str, list[str]] = {}


def _pool() -> dict[str, list[str]]:
    """Sentences and titles built once from a fixed seed (independent of the caller's seed)."""
    if not _POOL:
        rng, w = random.Random(20211104), _WORDS
        singular = {"have": "has", "are": "is"}
        sentences = []
        for _ in range(600):
            one = rng.random() < 0.4
            did = rng.choice(w["did"])
            if one:
                head, _, rest = did.partition(" ")
                did = f"{singular[head]} {rest}" if head in singular else did
            sentences.append(f"{rng.choice(w['who_one' if one else 'who_many'])} {did} {rng.choice(w['what'])}, {rng.choice(w['tail'])}")
        sentences += [f'"{rng.choice(w["quote"])}," said {rng.choice(_NAMES)[0].capitalize()} {rng.choice(_NAMES)[1]}, '
                      f'{rng.choice(w["role"])}.' for _ in range(150)]
        sentences += [rng.choice(w["fact"]).format(a=rng.randint(12, 900), b=rng.randint(2, 11)) for _ in range(150)]
        _POOL["sentence"] = sentences
        plural = {"Scientists", "Researchers", "Foreign Experts", "Young Innovators", "Belt and Road Partners", "Chinese Firms"}
        titles = set()
        for subj in w["t_subj"]:
            for verb in w["t_verb"]:
                if subj not in plural:
                    verb = verb.replace(" on", "s on") if verb.endswith(" on") else verb + ("es" if verb.endswith("sh") else "s")
                titles.update(f"{subj} {verb} {obj}" for obj in w["t_obj"])
        _POOL["title"] = sorted(titles)
    return _POOL


def _synthetic_authors(rng: random.Random, gen: str) -> dict:
    n1, n2 = rng.sample(_NAMES, 2)
    caps = [f"{n[0]} {n[1]}" for n in (n1, n2)]
    names = [f"{n[0].capitalize()} {n[1]}" for n in (n1, n2)]
    if gen == "G4":
        if rng.random() < 0.5:
            return {"byline": f"By {caps[0]}", "authors": names[:1]}
        return {"byline": None, "authors": []}
    k = rng.random()
    if k < 0.30:
        return {"author": caps[0], "byline": f"By {caps[0]}", "authors": names[:1]}
    if k < 0.40:
        return {"author": names[0], "byline": f"By {caps[0]}", "authors": names[:1]}
    if k < 0.52:
        joined = f"{caps[0]} {rng.choice(('&', 'and'))} {caps[1]}"
        return {"author": joined, "byline": f"By {joined}", "authors": names}
    if k < 0.62:
        return {"source": "科技日报", "author": n1[2], "byline": f"By {caps[0]} & {caps[1]}", "authors": names}
    if k < 0.80:
        return {"author": "Staff Reporters", "byline": "By Staff Reporters", "authors": ["Staff Reporters"]}
    if k < 0.88:
        org = rng.choice(("The Editorial Office", "Xinhua"))
        return {"author": org, "byline": None, "authors": [org]}
    if k < 0.94:
        return {"source": "", "author": "", "byline": "By Staff Reporters", "authors": ["Staff Reporters"]}
    return {"author": caps[0], "byline": None, "authors": names[:1]}


def _artifact(rng: random.Random, text: str, char: str) -> str:
    """Replace one space between two letters with `char` (`?` or NBSP), as copies of the site show."""
    spots = [m.start() for m in re.finditer(r"(?<=[A-Za-z]) (?=[A-Za-z])", text)]
    if not spots:
        return text
    at = rng.choice(spots)
    return text[:at] + char + text[at + 1:]


def _synthetic_body(rng: random.Random, gen: str, img_dir: str, stamp: str) -> list:
    pool = _pool()["sentence"]
    legacy = gen in ("G1", "G2")
    paras: list = [" ".join(rng.choice(pool) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 15))]
    if rng.random() < 0.05:
        paras.insert(rng.randint(1, len(paras) - 1), f"-- {rng.choice(_NAMES)[0].capitalize()} Wei, {rng.choice(_WORDS['role'])}")
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 2)):
            paras.insert(rng.randint(1, len(paras) - 1), {"subheading": rng.choice(_WORDS["heading"])})
    if rng.random() < (0.2 if gen == "G4" else 0.1 if gen == "G3" else 0.0):
        paras.insert(rng.randint(1, len(paras) - 1), {"list": [rng.choice(pool) for _ in range(3)]})
    for char, p in (("?", 0.03), ("\u00a0", 0.03)):
        if rng.random() < p:
            i = rng.randrange(len(paras))
            if isinstance(paras[i], str):
                paras[i] = _artifact(rng, paras[i], char)
    k, serial = rng.random(), rng.randint(100000000, 999999999)
    src = f"{img_dir}W0{stamp}{serial}.jpg"
    if k < 0.55:
        style = rng.choice(("center", "plain") if legacy else ("pic-caption", "figcaption", "plain"))
        paras.insert(0, {"image": src, "caption": f"{rng.choice(_WORDS['scene'])}. {rng.choice(_WORDS['credit'])}",
                         "caption_style": style})
    elif k < 0.70:
        paras.insert(rng.randint(1, 3), {"image": src, "caption": f"{rng.choice(_WORDS['scene'])}. {rng.choice(_WORDS['credit'])}",
                                         "caption_style": "plain"})
    elif k < 0.80:
        paras.insert(rng.randint(0, 2), {"image": src, "caption": ""})
    return paras


def _date_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.randrange(60), rng.randrange(60))


def synthetic_articles(n: int, seed: int = 0, *, end: dt.date | None = None) -> list[dict]:
    """`n` deterministic article records over all five sections and four URL generations.

    Article `i` is generation `G1…G4[i % 4]` and section `SECTION_DIRS[i % 5]`
    (so every pair occurs); dates fall in each generation's era (G4 from
    2025-02 to `end`, default today), ids grow with the date.
    """
    end = end or dt.date.today()
    rng = random.Random(seed)
    titles = _pool()["title"]
    recs: list[dict] = []
    for i in range(n):
        gen, sdir = ("G1", "G2", "G3", "G4")[i % 4], SECTION_DIRS[i % 5]
        start, stop = ERAS[gen]
        when = _date_in(rng, start, max(start, stop or end))
        authors = _synthetic_authors(rng, gen)
        rec = {"generation": gen, "section_dir": sdir, "title": rng.choice(titles), "when": when,
               "source": "Science and Technology Daily", "author": "", "editor": None, **authors}
        if gen == "G1":
            rec["section_name"] = "International Cooperation" if sdir == "WorldNews" else LIST_NAMES[sdir]
        elif gen in ("G2", "G3"):
            rec["section_name"] = LIST_NAMES[sdir]
        else:
            rec.update(section_name=None, source=None, author="")
        rec["section"] = rec["section_name"] or ""
        if gen in ("G1", "G2") and rng.random() < 0.15:
            n3 = rng.choice(_NAMES)
            rec["editor"] = f"{n3[0].capitalize()} {n3[1]}"
        if gen == "G3" and rng.random() < 0.3:
            rec["position_format"] = "position: {home}  &gt; {section}&gt; {title}"
        if gen == "G4":
            k = rng.random()
            if k < 1 / 3:
                rec["meta_published"] = {"property": "article:published_time", "content": when.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
            elif k < 0.5:
                rec["meta_published"] = {"name": "publishdate", "content": when.strftime("%Y-%m-%d")}
            elif k < 2 / 3:
                rec["meta_published"] = {"name": "PubDate", "content": when.strftime("%Y-%m-%d %H:%M:%S")}
        recs.append(rec)
    serial = {"G1": 1140000, "G3": 1890000, "G4": 288000}
    for rec in sorted(recs, key=lambda r: r["when"]):
        gen, when, sdir = rec["generation"], rec.pop("when"), rec["section_dir"]
        if gen == "G2":
            key = f"{rng.getrandbits(128):032x}"
            path = f"/English/{sdir}/{when:%Y%m}/{key}.shtml"
        else:
            serial[gen] += rng.randint(1, 12) if gen == "G4" else rng.randint(3, 40)
            if gen == "G1":
                path = f"/English/{sdir}/{when:%Y-%m/%d}/content_{serial[gen]}.shtml"
            else:
                path = f"/web/English/{when:%Y-%m/%d}/content_{serial[gen]}.html"
        rec["url_path"] = path
        img_dir = path.rsplit("/", 1)[0] + "/"
        rec["published"] = when.strftime("%Y-%m-%d %H:%M:%S") if rec["source"] is not None else None
        rec["paragraphs"] = _synthetic_body(rng, gen, img_dir, when.strftime("%Y%m%d"))
        first = next(p for p in rec["paragraphs"] if isinstance(p, str))
        rec["summary"] = norm(first.split(". ")[0].rstrip(".") + ".")
        if rec.get("byline") and not isinstance(rec["paragraphs"][0], str) and rng.random() < 0.5:
            rec["byline_at"] = 1
    if serial["G4"] > 999999 or serial["G1"] > 9999999 or serial["G3"] > 9999999:
        raise ValueError(f"too many articles for the URL id ranges: {n}")
    return recs


# --- the fixture site ----------------------------------------------------------------

_GOLDEN_KEYS = ("article_id", "canonical_url", "generation", "section", "section_dir", "breadcrumb", "title", "source",
                "published_raw", "published_at", "published_utc", "published_precision", "author_raw", "byline_raw",
                "authors", "body", "images", "related", "editor", "word_count", "extraction_notes")


def _dump(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def load_fixture_sources(fixtures: str | Path) -> tuple[dict, list[dict], dict[str, bytes]]:
    """(site config, article records, raw files by url path) from `fixtures/src/`."""
    src = Path(fixtures) / "src"
    config = json.loads((src / "site.json").read_text("utf-8"))
    records = []
    for file in sorted((src / "articles").glob("*.json")):
        rec = json.loads(file.read_text("utf-8"))
        if article_id(rec["url_path"]) != file.stem:
            raise ValueError(f"{file.name}: file name must be the article id {article_id(rec['url_path'])}")
        for key in ("section", "authors", "summary", "paragraphs", "title"):
            if key not in rec:
                raise ValueError(f"{file.name}: missing {key!r}")
        records.append(rec)
    raw_root = src / "raw"
    raw = {"/" + p.relative_to(raw_root).as_posix(): p.read_bytes() for p in sorted(raw_root.rglob("*")) if p.is_file()}
    return config, records, raw


def build_fixtures(fixtures: str | Path) -> dict:
    """Rebuild `fixtures/site/`, `fixtures/expected/` and `fixtures/manifest.json` from `fixtures/src/`."""
    fixtures = Path(fixtures)
    config, records, raw = load_fixture_sources(fixtures)
    site = write_site(fixtures / "site", records, per_page=config["per_page"],
                      extra_list_items=config.get("extra_list_items"), raw_files=raw, clean=True)
    index = SiteIndex(records)
    expected_dir = fixtures / "expected"
    if expected_dir.exists():
        shutil.rmtree(expected_dir)
    expected_dir.mkdir(parents=True)
    pages = [{"path": HOME, "live_url": "http://www.stdaily.com" + HOME, "kind": "home", "expected": None,
              "models": config["home_models"]},
             {"path": "/robots.txt", "live_url": "http://www.stdaily.com/robots.txt", "kind": "robots", "expected": None,
              "models": "robots.txt: everything allowed but /English/search/ (a guess; the live file was not seen)"}]
    for lid, paths in site["lists"].items():
        conf = config["lists"].get(lid, {})
        for k, path in enumerate(paths, 1):
            host = conf.get("live_host", "www.stdaily.com") if k == 1 else "www.stdaily.com"
            models = conf.get("models", "") if k == 1 else f"page {k} of {len(paths)} of the {lid} list (pagination)"
            pages.append({"path": path, "live_url": f"http://{host}{path}", "kind": "list", "expected": None, "models": models})
    reachable = []
    for rec in records:
        aid = article_id(rec["url_path"])
        golden = expected_fields(rec, index)
        assert tuple(sorted(golden)) == tuple(sorted(_GOLDEN_KEYS))
        (expected_dir / f"{aid}.json").write_bytes(_dump(golden))
        pages.append({"path": rec["url_path"], "live_url": rec.get("live_url") or "http://www.stdaily.com" + rec["url_path"],
                      "kind": "article", "expected": f"expected/{aid}.json", "models": rec.get("models", "")})
        if _lists(rec):
            reachable.append(aid)
    described = {p["path"]: p for p in config["other_pages"]}
    for path in sorted(set(raw) | set(described)):
        if path not in described:
            raise ValueError(f"raw page {path} is not described in site.json other_pages")
        entry = described[path]
        pages.append({"path": path, "live_url": entry.get("live_url") or "http://www.stdaily.com" + path,
                      "kind": entry["kind"], "expected": None, "models": entry["models"]})
    pairs = [sorted(p) for p in config.get("duplicate_pairs", [])]
    manifest = {
        "expected_article_count": len(reachable) - len(pairs),
        "reachable_article_ids": sorted(reachable),
        "duplicate_pairs": pairs,
        "forbidden_urls": config.get("forbidden_urls", []),
        "forbidden_paths": config.get("forbidden_paths", []),
        "home": HOME,
        "pages": pages,
    }
    (fixtures / "manifest.json").write_bytes(_dump(manifest))
    readme = fixtures / "README.md"
    if readme.is_file():
        text = readme.read_text("utf-8")
        start, end = "<!-- pages:start -->\n", "<!-- pages:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            readme.write_text(head + start + _pages_table(pages) + end + rest.split(end, 1)[1], "utf-8")
    return manifest


_KIND_ORDER = ("home", "robots", "list", "article", "missing", "broken", "mirror_only", "epaper", "disallowed")


def _pages_table(pages: list[dict]) -> str:
    rows = ["| path | kind | models |", "|---|---|---|"]
    order = {k: i for i, k in enumerate(_KIND_ORDER)}
    for p in sorted(pages, key=lambda p: (order.get(p["kind"], 99), p["path"])):
        kind = f"article (`{p['expected'].rsplit('/', 1)[-1]}`)" if p["expected"] else p["kind"]
        models = p["models"].replace("|", "\\|")
        rows.append(f"| `{p['path']}` | {kind} | {models} |")
    return "\n".join(rows) + "\n"


# --- command line ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stdcrawl.sitegen", description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fx = sub.add_parser("fixtures", help="rebuild fixtures/site and fixtures/expected from fixtures/src")
    fx.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent.parent / "fixtures")
    sy = sub.add_parser("synth", help="write a synthetic site")
    sy.add_argument("--n", type=int, default=5000)
    sy.add_argument("--out", type=Path, required=True)
    sy.add_argument("--seed", type=int, default=0)
    sy.add_argument("--per-page", type=int, default=20)
    sy.add_argument("--end", type=dt.date.fromisoformat, default=None, help="last G4 date (default today)")
    sy.add_argument("--clean", action="store_true", help="empty OUT first")
    args = parser.parse_args(argv)
    if args.command == "fixtures":
        manifest = build_fixtures(args.dir)
        print(f"{len(manifest['pages'])} pages, {manifest['expected_article_count']} articles expected -> {args.dir}")
    else:
        site = generate_site(args.out, args.n, args.seed, end=args.end, per_page=args.per_page, clean=args.clean)
        print(f"{len(site['articles'])} articles, {len(site['list_pages'])} list pages -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
