"""Everything stdcrawl knows about stdaily.com, in one place.

Hosts, the four article URL generations, section directories and names,
list-page URLs, how an article id and a canonical URL are derived, which links
are articles, list pages or off-site, and every selector and text anchor the
extractor uses. When the live markup turns out to differ from our guess, this
is the one file to change (and `tests/test_extract_golden.py` says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

# --- hosts -----------------------------------------------------------------

LIVE_BASE_URL = "https://www.stdaily.com"
CANONICAL_HOST = "www.stdaily.com"
#: Hosts that serve the English channel under the same paths.
CHANNEL_HOSTS = frozenset({"www.stdaily.com", "stdaily.com", "m.stdaily.com"})
#: stdaily.com hosts that are not the channel (the print e-paper).
OTHER_STDAILY_HOSTS = frozenset({"digitalpaper.stdaily.com"})

# --- sections ----------------------------------------------------------------

#: Section directory -> breadcrumb names, oldest first; the last is current.
SECTIONS: dict[str, tuple[str, ...]] = {
    "WorldNews": ("International Cooperation", "Cooperation"),
    "Service": ("Experts in China",),
    "BusinessNews": ("Comment",),
    "ChinaNews": ("Sci-Tech News",),
    "News": ("News",),
}
SECTION_BY_NAME: dict[str, str] = {
    name.casefold(): d for d, names in SECTIONS.items() for name in names
}
#: Current-CMS list pages seen live; which section each is, is unknown.
KNOWN_NODES: tuple[int, ...] = (410, 412)


def section_dir_for(name: str) -> str:
    """The section directory of a breadcrumb name, or "" when unknown."""
    return SECTION_BY_NAME.get(name.strip().casefold(), "")


def current_section_name(section_dir: str) -> str:
    names = SECTIONS.get(section_dir)
    return names[-1] if names else ""


def legacy_list_path(section_dir: str) -> str:
    return f"/English/{section_dir}/common_list.shtml"


def node_list_path(node: int) -> str:
    return f"/web/English/node_{node}.html"


HOME_PATH = "/English/index.shtml"


def start_paths(sections: list[str] | None = None) -> list[str]:
    """List pages a crawl starts from: every legacy section list, then the
    known current-CMS nodes and the channel's home page (only when no section
    filter is given, since a node's section is unknown). Other list pages are
    discovered from the links of these (`list_section_dir`)."""
    dirs = sections or list(SECTIONS)
    paths = [legacy_list_path(d) for d in dirs]
    if not sections:
        paths += [node_list_path(n) for n in KNOWN_NODES] + [HOME_PATH]
    return paths


def list_section_dir(path: str) -> str | None:
    """The section directory of a legacy list path; None for nodes and home."""
    m = re.match(r"^/English/(\w+)/common_list", path)
    return m.group(1) if m else None


# --- URL generations ---------------------------------------------------------


@dataclass(frozen=True)
class ArticleRef:
    """What an article URL's path tells before the page is fetched."""

    generation: str
    article_id: str
    path: str
    section_dir: str  # "" for G3/G4
    year: int
    month: int
    day: int | None  # None for G2 (month only)

    @property
    def date_precision(self) -> str:
        return "day" if self.day else "month"


_GENERATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("G1", re.compile(r"^/English/(?P<dir>\w+)/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d{7})\.shtml$")),
    ("G2", re.compile(r"^/English/(?P<dir>\w+)/(?P<y>\d{4})(?P<m>\d{2})/(?P<id>[0-9a-f]{32})\.shtml$")),
    ("G3", re.compile(r"^/web/English/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d{7})\.html$")),
    ("G4", re.compile(r"^/web/English/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d{6})\.html$")),
)
_LIST_PATH = re.compile(
    r"^/(?:English/\w+/common_list(?:_\d+)?\.shtml|web/English/node_\d+(?:_\d+)?\.html|English/index\.shtml)$"
)


def article_ref(path: str) -> ArticleRef | None:
    """Parse an article path (no host, no query); None if it is not one."""
    for gen, rx in _GENERATIONS:
        m = rx.match(path)
        if m:
            g = m.groupdict()
            return ArticleRef(
                generation=gen,
                article_id=f"{gen.lower()}-{g['id']}",
                path=path,
                section_dir=g.get("dir") or "",
                year=int(g["y"]),
                month=int(g["m"]),
                day=int(g["d"]) if g.get("d") else None,
            )
    return None


def is_list_path(path: str) -> bool:
    return bool(_LIST_PATH.match(path))


_LIST_PAGE = re.compile(r"^(?P<family>.*/(?:common_list|node_\d+|index))(?:_(?P<n>\d+))?\.s?html$")


def list_family(path: str) -> str:
    """The list a page belongs to: `/English/WorldNews/common_list_2.shtml` →
    `/English/WorldNews/common_list`, `/web/English/node_410_2.html` → `/web/English/node_410`."""
    m = _LIST_PAGE.match(path)
    return m.group("family") if m else path


def list_page_number(path: str) -> int | None:
    """1 for a list's first page, N for its `_N` page, None for other paths."""
    m = _LIST_PAGE.match(path)
    if not m:
        return None
    return int(m.group("n")) if m.group("n") else 1


# --- canonical URLs and link mapping -----------------------------------------


def canonical_url(url: str, local_netloc: str = "") -> str:
    """One URL per page: https, www host, no query, no fragment.

    For channel URLs and URLs on the crawl's own base (`local_netloc`, a local
    server standing in for the site); other hosts keep all but the fragment.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in CHANNEL_HOSTS or not host or (local_netloc and parts.netloc == local_netloc):
        return urlunsplit(("https", CANONICAL_HOST, parts.path or "/", "", ""))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class LinkMapper:
    """Maps links found on pages to URLs to fetch, given the crawl's base URL.

    Against the live site the base is `https://www.stdaily.com`; in tests and
    the demo it is a local server, onto which every channel link is mapped.
    Links to any other host (mirrors, the e-paper, other sites) are off-site.
    """

    def __init__(self, base_url: str = LIVE_BASE_URL):
        base = urlsplit(base_url.rstrip("/"))
        self.base_scheme = base.scheme or "https"
        self.base_netloc = base.netloc
        self.base_host = (base.hostname or "").lower()

    @property
    def base_url(self) -> str:
        return f"{self.base_scheme}://{self.base_netloc}"

    def is_own(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return host in CHANNEL_HOSTS or parts.netloc == self.base_netloc

    def to_fetch(self, href: str, page_url: str) -> str | None:
        """Absolute URL to fetch for a link, or None when it is off-site.

        Queries and fragments are dropped: no page of the channel needs them.
        """
        href = (href or "").strip()
        if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
            return None
        absolute = urljoin(page_url, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not self.is_own(absolute):
            return None
        return f"{self.base_url}{parts.path or '/'}"

    def fetch_url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def url_path(url: str) -> str:
    return urlsplit(url).path or "/"


# --- extraction anchors and selectors (the markup-dependent part) ------------

#: Elements whose text is a block of the page, in document order.
BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "figcaption", "section", "article", "dd", "dt", "blockquote", "header", "footer", "center"})
#: Elements never part of the text.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "select", "option", "button", "form"})
#: Headline candidates, most specific first.
TITLE_XPATHS = ("//h1", "//h2[contains(@class,'tit')]", "//meta[@property='og:title']/@content")
#: The `<title>` element's site suffix to strip.
TITLE_SUFFIX = re.compile(r"\s*(?:[-|_–—]+)\s*(?:Science and Technology Daily|STDaily|科技日报).*$", re.I)
#: Meta tags that may carry the publication time (G4 pages show no source line).
PUBLISHED_META_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='publishdate']/@content",
    "//meta[@name='PubDate']/@content",
    "//meta[@name='pubdate']/@content",
)
#: A caption sits in a centered paragraph, a figcaption or a caption-ish class.
CAPTION_CLASS = re.compile(r"caption|pic|img|photo", re.I)
CENTERED_STYLE = re.compile(r"text-align\s*:\s*center", re.I)

# Text anchors: known to be on every page of the live site.
BREADCRUMB_ANCHOR = re.compile(r"^\s*position\s*[:：]\s*(?P<crumbs>.+)$", re.I | re.S)
SOURCE_LINE = re.compile(
    r"Source\s*[:：]\s*(?P<source>[^|]*?)\s*\|\s*(?P<published>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)\s*\|\s*Author\s*[:：]?\s*(?P<author>.*?)\s*$",
    re.I | re.S,
)
BYLINE = re.compile(r"^By\s+(?P<names>[A-Z\u4e00-\u9fff].{0,150})$")
EDITOR_LINE = re.compile(r"^Editor\s*[:：]\s*(?P<name>.*)$", re.I)
RELATED_HEADING = re.compile(r"^\s*Top News\s*$", re.I)
FOOTER_START = re.compile(r"^\s*(?:Copyright\b|友情链接|版权所有)", re.I)
CAPTION_CREDIT = re.compile(
    r"(?:\(\s*(?:PHOTO|PHOTOS|COURTESY PHOTO|Photo)\b[^)]*\)|\bPHOTO\s*:\s*\S[^.]*)\s*$"
)
