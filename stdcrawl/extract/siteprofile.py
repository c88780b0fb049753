"""What a site profile is: the shape every site's knowledge takes, and the
URL reading done with it.

`SiteProfile` holds no site's values: `site.py` holds stdaily.com's English
channel (`STDAILY_ENGLISH`), `tests/testsite_profile.py` a made-up second
site. Here are the generic parts: an article path read into an `ArticleRef`,
links mapped onto the crawl's base (`LinkMapper`), links joined
(`join_url`), and the lookups every page repeats, remembered per profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property, lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

# --- article paths ------------------------------------------------------------


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


# --- canonical URLs and link mapping -----------------------------------------


class LinkMapper:
    """Maps links found on pages to URLs to fetch, given the crawl's base URL.

    Against the live site the base is the profile's (`https://www.stdaily.com`); in tests and
    the demo it is a local server, onto which every channel link is mapped.
    Links to any other host (mirrors, the e-paper, other sites) are off-site.
    """

    def __init__(self, base_url: str | None = None, profile: SiteProfile | None = None):
        if profile is None:  # stdaily.com's, as the site module names it
            from stdcrawl.extract.site import STDAILY_ENGLISH as profile
        self.profile = profile
        base = urlsplit((base_url or self.profile.live_base_url).rstrip("/"))
        self.base_scheme = base.scheme or "https"
        self.base_netloc = base.netloc
        self.base_host = (base.hostname or "").lower()

    @property
    def base_url(self) -> str:
        return f"{self.base_scheme}://{self.base_netloc}"

    def is_own(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return host in self.profile.channel_hosts or parts.netloc == self.base_netloc

    def to_fetch(self, href: str, page_url: str) -> str | None:
        """Absolute URL to fetch for a link, or None when it is off-site.

        Queries and fragments are dropped: no page of the channel needs them.
        """
        href = (href or "").strip()
        if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
            return None
        try:
            absolute = urljoin(page_url, href)
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or not self.is_own(absolute):
                return None
        except ValueError:  # not a URL (an invalid IPv6 host, a bad port): nothing to fetch
            return None
        return f"{self.base_url}{parts.path or '/'}"

    def fetch_url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def url_path(url: str) -> str:
    return urlsplit(url).path or "/"


def join_url(base: str, href: str) -> str:
    """`href` made absolute; as written when it is not a URL at all (`http://[::1/…`).

    A link with its own host, or with a path from the root, does not depend
    on the page's path: those (the site's menus, Top News, images) are
    remembered by the page's scheme and host (`urljoin` costs ≈ 4 µs)."""
    try:
        if (href[:1] == "/" and href[1:2] != "/") or (href.startswith(("//", "http://", "https://"))
                                                       and urlsplit(href).netloc):
            parts = urlsplit(base)
            if parts.scheme in ("http", "https"):
                return _rooted_join(parts.scheme, parts.netloc, href)
        return urljoin(base, href)
    except ValueError:
        return href


@lru_cache(maxsize=8192)
def _rooted_join(scheme: str, netloc: str, href: str) -> str:
    return urljoin(f"{scheme}://{netloc}/", href)


# --- the profile -------------------------------------------------------------


@dataclass(eq=False)
class SiteProfile:
    """One site or channel: everything the crawl, the extractor and the store
    need to know about it. `name` is recorded with every article (`site`).

    Treat it as read-only (tests patch a field to see what a changed selector does)."""

    name: str
    #: What the site is, in a few words (WARC files say it).
    description: str
    live_base_url: str
    canonical_host: str
    #: Hosts that serve the channel under the same paths.
    channel_hosts: frozenset[str]
    #: Section directory -> breadcrumb names, oldest first; the last is current.
    sections: dict[str, tuple[str, ...]]
    #: A section list's path (`{dir}`), and the pattern that reads the directory back.
    section_list_path: str
    section_list_pattern: re.Pattern[str]
    #: Start pages besides the section lists (crawled when no section filter is given).
    extra_start_paths: tuple[str, ...]
    home_path: str
    #: (generation, path pattern with groups id, y, m and optionally d and dir), oldest first.
    generations: tuple[tuple[str, re.Pattern[str]], ...]
    list_path: re.Pattern[str]
    #: A list page's path: groups `family` (the list) and `n` (its page number, absent on page 1).
    list_page: re.Pattern[str]
    next_texts: frozenset[str]
    timezone: tzinfo
    timezone_name: str
    timestamp_format: str
    title_xpaths: tuple[str, ...]
    title_suffix: re.Pattern[str]
    site_name: re.Pattern[str]
    published_meta_xpaths: tuple[str, ...]
    block_tags: frozenset[str]
    skip_tags: frozenset[str]
    caption_class: re.Pattern[str]
    centered_style: re.Pattern[str]
    breadcrumb_anchor: re.Pattern[str]
    breadcrumb_separator: str
    section_crumb: int
    source_line: re.Pattern[str]
    source_precheck: tuple[str, ...]
    byline: re.Pattern[str]
    byline_max_words: int
    editor_line: re.Pattern[str]
    related_heading: re.Pattern[str]
    #: The `<title>` of an error page served with status 200 (a soft 404).
    soft_404: re.Pattern[str]
    footer_start: re.Pattern[str]
    box_heading: re.Pattern[str]
    more_link: re.Pattern[str]
    share_line: re.Pattern[str]
    heading_tags: frozenset[str]
    comment_widget: re.Pattern[str]
    caption_credit: re.Pattern[str]
    caption_credit_precheck: tuple[str, ...]
    lost_characters: bool
    institution_words: re.Pattern[str]
    encoding_fallback: str | None
    #: Telling a page at an article URL that is no article (page_kind.py).
    article_href_hints: tuple[str, ...]
    site_titles: frozenset[str]
    site_title_suffixes: tuple[str, ...]
    title_separator: re.Pattern[str]
    error_page_words: tuple[str, ...]
    error_page_text: re.Pattern[str]
    #: Prepended to every article id, so ids stay unique across profiles ("" for stdaily.com).
    id_prefix: str = ""
    other_hosts: frozenset[str] = frozenset()
    #: Generations whose pages carry the source line: one stored without it is an extraction problem.
    generations_with_source_line: frozenset[str] = frozenset()
    #: Per generation, the least share of a probe's sample showing each field plausibly (extract/health.py).
    generation_expectations: dict[str, dict[str, float]] = field(default_factory=dict)

    # --- sections ---------------------------------------------------------

    @cached_property
    def section_by_name(self) -> dict[str, str]:
        return {name.casefold(): d for d, names in self.sections.items() for name in names}

    @cached_property
    def source_hint(self) -> Callable[[str], bool]:
        """Does a text hold any of `source_precheck`?"""
        return _AnyIn(self.source_precheck)

    @cached_property
    def credit_hint(self) -> Callable[[str], bool]:
        """Does a text hold any of `caption_credit_precheck`?"""
        return _AnyIn(self.caption_credit_precheck)

    @cached_property
    def list_titles(self) -> frozenset[str]:
        """Titles (casefolded) that never name a story: the site's and its sections' names."""
        return self.site_titles | {name.casefold() for names in self.sections.values() for name in names}

    def section_dir_for(self, name: str) -> str:
        """The section directory of a breadcrumb name, or "" when unknown."""
        return self.section_by_name.get(name.strip().casefold(), "")

    def current_section_name(self, section_dir: str) -> str:
        names = self.sections.get(section_dir)
        return names[-1] if names else ""

    def start_paths(self, sections: list[str] | None = None) -> list[str]:
        """List pages a crawl starts from: every section list, then (only when
        no section filter is given, since their section is unknown) the other
        start pages. Other list pages are discovered from the links of these
        (`list_section_dir`)."""
        dirs = sections or list(self.sections)
        paths = [self.section_list_path.format(dir=d) for d in dirs]
        if not sections:
            paths += list(self.extra_start_paths)
        return paths

    def list_section_dir(self, path: str) -> str | None:
        """The section directory of a section list's path; None for other lists."""
        m = self.section_list_pattern.match(path)
        return m.group("dir") if m else None

    # --- URLs -------------------------------------------------------------

    def is_credit(self, text: str) -> bool:
        """Does the text end in a photo credit (`(PHOTO: …)`, `PHOTO: …`)?"""
        return self.credit_hint(text) and self.caption_credit.search(text) is not None

    def article_ref(self, path: str) -> ArticleRef | None:
        """Parse an article path (no host, no query); None if it is not one."""
        return _article_ref(self, path)

    def _parse_article_path(self, path: str) -> ArticleRef | None:
        for gen, rx in self.generations:
            m = rx.match(path)
            if m:
                g = m.groupdict()
                return ArticleRef(
                    generation=gen,
                    article_id=f"{self.id_prefix}{gen.lower()}-{g['id']}",
                    path=path,
                    section_dir=g.get("dir") or "",
                    year=int(g["y"]),
                    month=int(g["m"]),
                    day=int(g["d"]) if g.get("d") else None,
                )
        return None

    def is_list_path(self, path: str) -> bool:
        return bool(self.list_path.match(path))

    def list_family(self, path: str) -> str:
        """The list a page belongs to: `/English/WorldNews/common_list_2.shtml` →
        `/English/WorldNews/common_list`, `/web/English/node_410_2.html` → `/web/English/node_410`."""
        m = self.list_page.match(path)
        return m.group("family") if m else path

    def list_page_number(self, path: str) -> int | None:
        """1 for a list's first page, N for its `_N` page, None for other paths."""
        m = self.list_page.match(path)
        if not m:
            return None
        return int(m.group("n")) if m.group("n") else 1

    def canonical_url(self, url: str, local_netloc: str = "") -> str:
        """One URL per page: https, the canonical host, no query, no fragment.

        For channel URLs and URLs on the crawl's own base (`local_netloc`, a local
        server standing in for the site); other hosts keep all but the fragment.
        What is not a URL at all (an invalid IPv6 host) is kept as written.
        """
        return _canonical_url(self, url, local_netloc)

    def _canonical(self, url: str, local_netloc: str) -> str:
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        host = (parts.hostname or "").lower()
        if host in self.channel_hosts or not host or (local_netloc and parts.netloc == local_netloc):
            return urlunsplit(("https", self.canonical_host, parts.path or "/", "", ""))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))

    def link_mapper(self, base_url: str | None = None) -> LinkMapper:
        return LinkMapper(base_url, self)


class _AnyIn:
    """A test for any of the words in a text: substring scans, 6× faster than
    a regex alternation (which tries every branch at every position) or `any()`
    over a generator. A class, not a closure: a profile goes to reparse's
    worker processes by pickle."""

    __slots__ = ("words",)

    def __init__(self, words: tuple[str, ...]):
        self.words = words

    def __call__(self, text: str) -> bool:
        for word in self.words:
            if word in text:
                return True
        return False


# Remembered per profile: the same paths and links (menus, Top News, sidebars)
# come back on page after page, and reading them is pure.
@lru_cache(maxsize=8192)
def _article_ref(profile: SiteProfile, path: str) -> ArticleRef | None:
    return profile._parse_article_path(path)


@lru_cache(maxsize=8192)
def _canonical_url(profile: SiteProfile, url: str, local_netloc: str) -> str:
    return profile._canonical(url, local_netloc)
