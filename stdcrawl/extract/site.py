"""Everything stdcrawl knows about a site, in one place: its profile.

`STDAILY_ENGLISH` is the English channel of stdaily.com: hosts, the four
article URL generations, section directories and names, list-page URLs and
pagination texts, how an article id and a canonical URL are derived, which
links are articles, list pages or off-site, every selector and text anchor
the extractor uses, the time zone and timestamp format, the text quirks and
author conventions. When the live markup turns out to differ from our guess,
this is the one file to change (and `tests/test_extract_golden.py` says so).

What a profile holds, and the URL reading done with it, is
`siteprofile.py`; this module holds stdaily.com's values.

The spider, the loaders, normalization, capture and the store receive a
`SiteProfile`; a second site or channel is a second profile (made with
`dataclasses.replace` from this one), not an edit of shared code
(`tests/testsite_profile.py` is one). The module-level names below are the
stdaily.com profile's, kept for code and tests that use them directly.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone

from stdcrawl.extract.siteprofile import (  # noqa: F401 - re-exported: the names code and tests import from here
    ArticleRef,
    LinkMapper,
    SiteProfile,
    join_url,
    url_path,
)

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
#: Current-CMS list pages seen live; which section each is, is unknown.
KNOWN_NODES: tuple[int, ...] = (410, 412)


def legacy_list_path(section_dir: str) -> str:
    return SECTION_LIST_PATH.format(dir=section_dir)


def node_list_path(node: int) -> str:
    return f"/web/English/node_{node}.html"


HOME_PATH = "/English/index.shtml"
#: A legacy section list's path, with its directory.
SECTION_LIST_PATH = "/English/{dir}/common_list.shtml"
SECTION_LIST_PATTERN = re.compile(r"^/English/(?P<dir>\w+)/common_list")
#: Link texts of a list page's "next page" link.
NEXT_TEXTS = frozenset({"next", "next page", "下一页", ">", "›", "»", "next >", "next»"})

# --- URL generations ---------------------------------------------------------

_GENERATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("G1", re.compile(r"^/English/(?P<dir>\w+)/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d{7})\.shtml$")),
    ("G2", re.compile(r"^/English/(?P<dir>\w+)/(?P<y>\d{4})(?P<m>\d{2})/(?P<id>[0-9a-f]{32})\.shtml$")),
    ("G3", re.compile(r"^/web/English/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d{7})\.html$")),
    ("G4", re.compile(r"^/web/English/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d{6})\.html$")),
)
_LIST_PATH = re.compile(
    r"^/(?:English/\w+/common_list(?:_\d+)?\.shtml|web/English/node_\d+(?:_\d+)?\.html|English/index\.shtml)$"
)


#: Every article path holds one of these (G1/G3/G4 `content_…`, G2 `….shtml`): a
#: cheap no before the URL patterns.
ARTICLE_HREF_HINTS = ("content_", ".shtml")

_LIST_PAGE = re.compile(r"^(?P<family>.*/(?:common_list|node_\d+|index))(?:_(?P<n>\d+))?\.s?html$")


# --- extraction anchors and selectors (the markup-dependent part) ------------

#: Elements whose text is a block of the page, in document order.
BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "figcaption", "section", "article", "dd", "dt", "blockquote", "header", "footer", "center"})
#: Elements never part of the text.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "select", "option", "button", "form"})
#: Headline candidates, most specific first.
TITLE_XPATHS = ("//h1", "//h2[contains(@class,'tit')]", "//meta[@property='og:title']/@content")
#: A site-name suffix of a title (`<title>`, og:title): `… - Science and Technology Daily`,
#: `…-中国科技网`, `…_科技日报`, `… | STDaily`, and chains of them.
TITLE_SUFFIX = re.compile(
    r"\s*(?:[-|_–—·]+)\s*(?:Science\s+and\s+Technology\s+Daily|S\s*&?\s*T\s*Daily|STDaily|stdaily\.com|科技日报|中国科技网|科技日报社)(?![A-Za-z]).*$",
    re.I,
)
#: A `<title>` that is only the site's name (no headline in it).
SITE_NAME = re.compile(r"^\s*(?:Science\s+and\s+Technology\s+Daily|STDaily|科技日报|中国科技网|EnglishChannel)\s*$", re.I)
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
    r"Source\s*[:：]\s*(?P<source>[^|]*?)\s*\|\s*(?P<published>\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?)\s*\|\s*Author\s*[:：]?\s*(?P<author>.*?)\s*$",
    re.I | re.S,
)
BYLINE = re.compile(r"^By\s+(?P<names>[A-Z\u4e00-\u9fff].{0,150})$")
EDITOR_LINE = re.compile(r"^Editor\s*[:：]\s*(?P<name>.*)$", re.I)
#: "Top News", alone or with the box's "More" link beside it.
RELATED_HEADING = re.compile(r"^\s*Top\s+News\s*(?:More\s*(?:>>|»|>)?|更多\s*(?:>>)?|>>|»)?\s*$", re.I)
#: The `<title>` of an error page served with status 200 (a soft 404).
SOFT_404 = re.compile(r"\s*(?:404\b|(?:page\s+)?not\s+found\b|(?:the\s+)?page\s+(?:does\s+not|doesn't)\s+exist|页面不存在|找不到)", re.I)
FOOTER_START = re.compile(r"^\s*(?:Copyright\b|友情链接|版权所有)", re.I)
CAPTION_CREDIT = re.compile(
    r"(?:\(\s*(?:PHOTO|PHOTOS|COURTESY PHOTO|Photo)\b[^)]*\)|\bPHOTO\s*:\s*\S[^.]*)\s*$"
)
#: Every CAPTION_CREDIT match contains one of these (a cheap test first: the regex
#: tries every position of every short paragraph).
CAPTION_CREDIT_PRECHECK = ("PHOTO", "Photo")

#: Headings of the boxes around an article (sidebars, teasers, comment widget):
#: the article's body and the "Top News" block both end at one.
BOX_HEADING = re.compile(
    r"^\s*(?:Most\s+(?:Read|Popular|Viewed)|Latest(?:\s+News)?|Editor'?s\s+Picks?|Recommended(?:\s+(?:Reading|Stories|for\s+You))?"
    r"|Related(?:\s+(?:News|Stories|Articles))?|Hot\s+(?:News|Topics)|Trending|Comments?|\d+\s+comments?|Leave\s+a\s+comment"
    r"|热门|热点|推荐阅读|编辑推荐|最新|最新文章|相关新闻|相关阅读|评论|网友评论)\s*[:：]?\s*$",
    re.I,
)
#: A "More" link closing a box (never an item of it).
MORE_LINK = re.compile(r"^\s*(?:More|More\s*(?:>>|»|>|\.\.\.)|Read\s+more|更多|更多>>|>>)\s*$", re.I)
#: Share buttons and print/font tools: never body text.
SHARE_LINE = re.compile(
    r"^\s*(?:(?:Share(?:\s+(?:to|this|on))?|分享到?)\s*[:：]|(?:Share|Print|Font\s*size|A\+\s*A-|字号|分享|打印)\s*$)", re.I
)
#: Tags of heading elements (a heading ends a box).
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: The start of a comment widget ("Comments", "Comments (0) Please sign in…",
#: "0 comments", "Leave a reply"): the article has ended.
COMMENT_WIDGET = re.compile(
    r"^\s*(?:Comments?\s*(?:\(\d+\)|[:：])?\s*(?:$|Please\b)|\d+\s+comments?\b|Please\s+(?:sign|log)\s+in\s+to\s+comment"
    r"|Leave\s+a\s+(?:comment|reply)\b|发表评论|网友评论|评论\s*\(\d+\))",
    re.I,
)
#: A block holding the source line contains one of these (a cheap test before SOURCE_LINE).
SOURCE_PRECHECK = ("Source", "source")
#: A `By …` line is a byline only when it is this short (in words).
BYLINE_MAX_WORDS = 12
#: The breadcrumb's separator, and which crumb names the section (0 is "Home").
BREADCRUMB_SEPARATOR = ">"
SECTION_CRUMB = 1

# --- time, text and authors ----------------------------------------------------

#: The site's time zone: timestamps carry none and are Beijing time.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
TIMEZONE_NAME = "Asia/Shanghai"
#: The source line's fixed timestamp format.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
#: The site's CMS stores some characters as `?` (`Copyright ?`, a lost space
#: between two words): `normalize.clean_text` restores them.
LOST_CHARACTERS = True
#: Words that make an author field an institution or a role, kept whole.
INSTITUTION_WORDS = re.compile(
    r"\b(?:Reporters?|Correspondents?|Office|Staff|Department|Agency|Xinhua|Daily|University|Institute|Ministry|Cent(?:er|re)|Editorial|Team)\b",
    re.I,
)
#: Pages that decode into replacement characters are tried in this encoding (GBK pages labelled UTF-8).
ENCODING_FALLBACK = "gb18030"


# --- what each URL generation's pages are known to show (extract/health.py, crawl/probe.py) --

#: Generations whose article pages carry the `Source: … | time | Author: …` line.
GENERATIONS_WITH_SOURCE_LINE = frozenset({"G1", "G2", "G3"})
#: The least share of a probe's sample of each generation that must show each
#: field plausibly (health.FIELDS): G1–G3 pages carry a breadcrumb and a Source
#: line with a time of day and usually an author; G4 pages carry neither.
GENERATION_EXPECTATIONS: dict[str, dict[str, float]] = {
    **{gen: {"readable": 0.9, "title": 0.9, "body": 0.6, "section": 0.9, "source_line": 0.9, "time": 0.9, "authors": 0.5}
       for gen in ("G1", "G2", "G3")},
    "G4": {"readable": 0.9, "title": 0.9, "body": 0.6},
}

# --- pages at article URLs that are not articles (page_kind.py) ----------------

#: Titles that name the site, the channel or a page of all stories, never a
#: story: a list page or the home page served at an article URL carries one of
#: them, or a section's name (`SiteProfile.list_titles`).
SITE_TITLES = frozenset(
    {"science and technology daily", "stdaily", "科技日报", "中国科技网", "englishchannel", "english channel",
     "english", "home", "homepage", "首页", "latest", "latest news", "top news", "most read", "search"}
)
#: Site names that end a page's title after a separator (`Cooperation - Science and Technology Daily`).
SITE_TITLE_SUFFIXES = ("science and technology daily", "stdaily", "科技日报", "中国科技网", "englishchannel",
                       "english channel")
#: The separator before a site name at the end of a title.
TITLE_SEPARATOR = re.compile(r"\s*[-|_–—:：]+\s*$")
#: Words every `ERROR_PAGE_TEXT` match holds (casefolded): a cheap test before the regex.
ERROR_PAGE_WORDS = ("400", "403", "404", "not found", "exist", "remov", "delet", "request", "looking for", "visited", "页面", "删除")
#: What an error page served with status 200 ("soft 404") says, in a title or a short block.
ERROR_PAGE_TEXT = re.compile(
    r"^\W*(?:(?:error|http)\s*)?40[034](?:\W*(?:not found|forbidden|error))?\W*$|^\W*(?:page |file )?not found\W*$"
    r"|\b(?:page|file) not found\b|\berror 40[034]\b"
    r"|\bthe (?:page|article|story|content) you (?:requested|are looking for|were looking for|visited)\b"
    r"|\b(?:page|article|story|content) (?:does not|doesn't|no longer) exists?\b"
    r"|\b(?:page|article|story|content) (?:has been|was) (?:removed|deleted)\b"
    r"|页面不存在|页面未找到|找不到(?:该|此|您要的)?页面|您(?:所)?访问的页面|(?:文章|稿件|内容|页面)已(?:被)?删除",
    re.I | re.M,
)

# --- the profile -------------------------------------------------------------

STDAILY_ENGLISH = SiteProfile(
    name="stdaily-english",
    description="the English channel of stdaily.com",
    live_base_url=LIVE_BASE_URL,
    canonical_host=CANONICAL_HOST,
    channel_hosts=CHANNEL_HOSTS,
    other_hosts=OTHER_STDAILY_HOSTS,
    sections=SECTIONS,
    section_list_path=SECTION_LIST_PATH,
    section_list_pattern=SECTION_LIST_PATTERN,
    extra_start_paths=tuple(node_list_path(n) for n in KNOWN_NODES) + (HOME_PATH,),
    home_path=HOME_PATH,
    generations=_GENERATIONS,
    list_path=_LIST_PATH,
    list_page=_LIST_PAGE,
    next_texts=NEXT_TEXTS,
    timezone=BEIJING,
    timezone_name=TIMEZONE_NAME,
    timestamp_format=TIMESTAMP_FORMAT,
    title_xpaths=TITLE_XPATHS,
    title_suffix=TITLE_SUFFIX,
    site_name=SITE_NAME,
    published_meta_xpaths=PUBLISHED_META_XPATHS,
    block_tags=BLOCK_TAGS,
    skip_tags=SKIP_TAGS,
    caption_class=CAPTION_CLASS,
    centered_style=CENTERED_STYLE,
    breadcrumb_anchor=BREADCRUMB_ANCHOR,
    breadcrumb_separator=BREADCRUMB_SEPARATOR,
    section_crumb=SECTION_CRUMB,
    source_line=SOURCE_LINE,
    source_precheck=SOURCE_PRECHECK,
    byline=BYLINE,
    byline_max_words=BYLINE_MAX_WORDS,
    editor_line=EDITOR_LINE,
    related_heading=RELATED_HEADING,
    soft_404=SOFT_404,
    footer_start=FOOTER_START,
    box_heading=BOX_HEADING,
    more_link=MORE_LINK,
    share_line=SHARE_LINE,
    heading_tags=HEADING_TAGS,
    comment_widget=COMMENT_WIDGET,
    caption_credit=CAPTION_CREDIT,
    caption_credit_precheck=CAPTION_CREDIT_PRECHECK,
    lost_characters=LOST_CHARACTERS,
    institution_words=INSTITUTION_WORDS,
    encoding_fallback=ENCODING_FALLBACK,
    article_href_hints=ARTICLE_HREF_HINTS,
    site_titles=SITE_TITLES,
    site_title_suffixes=SITE_TITLE_SUFFIXES,
    title_separator=TITLE_SEPARATOR,
    error_page_words=ERROR_PAGE_WORDS,
    error_page_text=ERROR_PAGE_TEXT,
    generations_with_source_line=GENERATIONS_WITH_SOURCE_LINE,
    generation_expectations=GENERATION_EXPECTATIONS,
)

# The stdaily.com profile's functions under their old names.
SECTION_BY_NAME = STDAILY_ENGLISH.section_by_name
section_dir_for = STDAILY_ENGLISH.section_dir_for
current_section_name = STDAILY_ENGLISH.current_section_name
start_paths = STDAILY_ENGLISH.start_paths
list_section_dir = STDAILY_ENGLISH.list_section_dir
article_ref = STDAILY_ENGLISH.article_ref
is_list_path = STDAILY_ENGLISH.is_list_path
list_family = STDAILY_ENGLISH.list_family
list_page_number = STDAILY_ENGLISH.list_page_number
canonical_url = STDAILY_ENGLISH.canonical_url
