"""The article record: its format, the site's constants, URL path parsing, `SiteIndex`.

Every other module of `stdcrawl.sitegen` works on these records: the
templates render them, `fields` derives their golden values, `synthetic`
invents them, `fixtures` reads them from `fixtures/src/articles/`.
`SiteIndex` lives here (not in `writer`) because the templates and the
golden fields need it too.

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
- `published`: `YYYY-MM-DD HH:MM:SS` (or a date only, `YYYY-MM-DD`) shown in the source line (None without it)
- `author`: the `Author:` value as written ("" when empty)
- `byline`: the body's `By …` line or None; `byline_at`: its index in `paragraphs` (default 0)
- `editor`: the name of a closing `Editor: …` line, or None
Expected values written by hand (never computed from the extractor's rules):
- `section`: the expected `section` field (the directory's current name, issue 11);
  `authors`: the expected `authors` list; `authors_from_byline`: true when the
  byline's list beats a Latin header that names fewer
Optional switches (defaults in brackets):
- `source_line_style`: `g1` (`Daily| date| Author: x`) | `spaced` | `nospace` [by generation]
- `position_format`: HTML of the `position:` line with `{home}`, `{section}`, `{title}`
- `meta_published`: `{"property"|"name": …, "content": …}`, a date meta tag [None]
- `has_top_news` [G1–G3 True, G4 False]; `top_news`: pinned url_paths for the block
  [None: the site's two latest stories other than the page itself]
- `lists`: list ids linking the story: a section dir (legacy `common_list`) or
  `node_<n>` [G1/G2: own dir; G3: own dir + its node; G4: its node]
- `list_title`: the title as shown in legacy lists, `\n` for a line break [title]
- `family`: a full-weight page family, `portal` | `bulletin` (`heavy.py`) [None:
  the small template of the generation]; `title_suffix`: the site name after
  the title in `<title>` [the family's]
- `encoding`: the bytes' encoding [utf-8]; `declared_charset`: the meta charset
  [= encoding]; `header_charset`: a Content-Type charset override [None]
- `live_url`, `models`: documentation for the fixture manifest.
"""

from __future__ import annotations

import datetime as dt
import re


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
        if len(rec["published"]) == 10:  # a Source line with a date only
            return rec["published"], dt.datetime.strptime(rec["published"], "%Y-%m-%d").replace(tzinfo=BEIJING), "day", ""
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
