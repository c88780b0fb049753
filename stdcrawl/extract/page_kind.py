"""Is a page fetched at an article URL really an article?

A removed story's URL may answer 200 with a list page or the home page (a
"soft 404"), or with an error page. Such a page must never be stored as an
article nor replace the article stored from that URL (issue 11 §4). This
module tells, from the page's text layout (`loaders.text_layout`) and the
loader's raw fields, why a page is not an article — or None when it is one.

A page with a Source line (`Source: … | date | Author: …`) is an article
unless its title names the site. Otherwise three signals, each enough on its
own and each written so that a real article page (with menus, sidebars of
headlines, "Top News", no Source line) does not trip it:

- an error page: a page with little prose whose title or a short block says
  the page does not exist (`SiteProfile.error_page_text`);
- a site title: the title names the site, the channel or a section
  (`SiteProfile.list_titles`), as list and home pages do, never a story;
- a list layout: no Source line, at least `MIN_HEADLINES` blocks that are
  just a link to another article (maybe with a date), and almost no prose
  that continues prose (`MAX_CONTINUED_WORDS`; a block of links breaks it): a
  list's summaries each follow a headline, while an article's paragraphs
  follow one another.

Site knowledge (titles, phrases, article links) lives in the site profile
(`extract/site.py`); the thresholds here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdcrawl.extract.loaders import Block
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile, join_url, url_path

#: A list page shows at least this many headlines (fixture lists: 2–31; an
#: article page's "Top News" shows 2).
MIN_HEADLINES = 5
#: Words of prose that follow other prose: 0–12 on the fixture list pages, 54+
#: on every fixture article without a Source line, 204+ on 2,000 synthetic ones.
MAX_CONTINUED_WORDS = 30
#: An error page says little; a short brief still has more prose than this.
MAX_ERROR_PAGE_WORDS = 150
#: A block of at most this many words may be an error page's message.
ERROR_BLOCK_WORDS = 15
#: A block shorter than this is neither prose nor a break (labels, dates, pagers).
MIN_PROSE_WORDS = 4
#: Words (with a letter) a block of links may hold besides them: "Views", "new", a unit.
MAX_WORDS_BESIDE_LINKS = 3


@dataclass(slots=True)
class Layout:
    """What the signals are computed from (also handy to print when tuning)."""

    prose_words: int  # words in blocks that are not mostly link text
    continued_words: int  # prose words in blocks that follow a prose block
    short_blocks: list[str]  # blocks of at most ERROR_BLOCK_WORDS words: where an error message would be
    link_rows: list[list[tuple[str, str]]]  # the links of the blocks that are mostly links
    page_url: str
    own_path: str
    profile: SiteProfile

    @property
    def headlines(self) -> int:
        """Blocks that are only a link to another article. Counted when asked:
        it joins and reads every link (≈ 20 µs a page), and an article's
        running text answers first."""
        url, own, profile = self.page_url, self.own_path, self.profile
        return sum(1 for links in self.link_rows if any(t and _is_other_article(h, url, own, profile) for h, t in links))


def layout_of(blocks: list[Block], page_url: str, profile: SiteProfile = STDAILY_ENGLISH) -> Layout:
    """Count the prose of a page's text blocks in one pass, and keep its link rows for `Layout.headlines`."""
    prose = continued = 0
    short: list[str] = []
    link_rows: list[list[tuple[str, str]]] = []
    previous_prose = False
    footer = profile.footer_start.match
    for b in blocks:
        text = b.text
        if not text:
            continue
        if b.links and _mostly_links(text, b.links):
            link_rows.append(b.links)
            previous_prose = False  # navigation, link lists, headlines: a break in the running text
            continue
        words = text.count(" ") + 1
        if words <= ERROR_BLOCK_WORDS:
            short.append(text)
        if words < MIN_PROSE_WORDS or footer(text):
            continue
        prose += words
        if previous_prose:
            continued += words
        previous_prose = True
    return Layout(prose, continued, short, link_rows, page_url, url_path(page_url), profile)


def _mostly_links(text: str, links: list[tuple[str, str]]) -> bool:
    """Is the block its links' text, give or take separators and a date or a
    count (`Headline 2026-02-03 10:00`, `A | B | C`)?"""
    rest = text
    for _href, link_text in links:
        if link_text:
            rest = rest.replace(link_text, "", 1)
    if rest == text:
        return False
    return len(rest) < 3 or len(_WORDS_WITH_LETTERS.findall(rest)) <= MAX_WORDS_BESIDE_LINKS


_WORDS_WITH_LETTERS = re.compile(r"[^\W\d_]+")


def _is_other_article(href: str, page_url: str, own_path: str, profile: SiteProfile) -> bool:
    if not any(hint in href for hint in profile.article_href_hints):  # a cheap no before joining and the patterns
        return False
    href = href.strip()
    if href.startswith("/") and not href.startswith("//"):
        path = href.split("#", 1)[0].split("?", 1)[0]
    else:
        try:
            path = url_path(join_url(page_url, href))
        except ValueError:  # not a URL at all (`http://[::1/…`): no article
            return False
    return path != own_path and profile.article_ref(path) is not None


def _says_error(text: str, profile: SiteProfile, search: bool = True) -> bool:
    """Does the text read like an error message? (`search=False`: only the cheap
    keyword test, ≈ 1 µs, that every match passes; the regex costs ≈ 80 µs a page.)"""
    low = text.casefold()
    if not any(word in low for word in profile.error_page_words):
        return False
    return not search or profile.error_page_text.search(text) is not None


def is_site_title(title: str | None, profile: SiteProfile = STDAILY_ENGLISH) -> bool:
    """Does the title name the site, the channel or a section, with or without
    site-name suffixes (`Sci-Tech News - Science and Technology Daily`)?"""
    text = " ".join((title or "").split()).casefold()
    titles, suffixes, separator = profile.list_titles, profile.site_title_suffixes, profile.title_separator
    while text and text not in titles:
        if not text.endswith(suffixes):
            return False
        for name in suffixes:
            if text.endswith(name) and separator.search(text[: -len(name)]):
                text = separator.sub("", text[: -len(name)])
                break
        else:
            return False
    return bool(text)


def not_an_article(blocks: list[Block], raw: dict, profile: SiteProfile = STDAILY_ENGLISH,
                   page_title: str = "") -> str | None:
    """Why the page is not an article (a short phrase for logs and messages), or None.

    `page_title`: the page's whole `<title>`, judged when the loader found no
    title of a story (it names none when the `<title>` is only the site's name)."""
    title = raw.get("title_raw") or page_title or ""
    if raw.get("source_line"):  # `Source: … | date | Author: …`: an article's header, never a list's or an error's
        return f"a list or home page (title {title!r} names the site, not a story)" if is_site_title(title, profile) else None
    layout = layout_of(blocks, raw["url"], profile)
    if layout.prose_words <= MAX_ERROR_PAGE_WORDS:
        if title and _says_error(title, profile):
            return f"an error page (title {title!r})"
        short = "\n".join(layout.short_blocks)  # one search, a block a line
        found = profile.error_page_text.search(short) if _says_error(short, profile, search=False) else None
        if found:
            line = found.string.rfind("\n", 0, found.start()) + 1
            return f"an error page ({found.string[line:].split(chr(10), 1)[0]!r})"
    if is_site_title(title, profile):
        return f"a list or home page (title {title!r} names the site, not a story)"
    if layout.continued_words <= MAX_CONTINUED_WORDS and (headlines := layout.headlines) >= MIN_HEADLINES:
        return (f"a list page ({headlines} headlines, {layout.continued_words} words of running text, "
                "no Source line)")
    return None
