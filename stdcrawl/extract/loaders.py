"""Item loaders: pull an article's or a list page's raw fields from the page.

The live markup was never observed, so nothing here hangs on a class name.
A page is first read as a *text layout*: its text blocks in document order
(what a reader sees, one block per paragraph, heading, list item, caption),
each with the images and links it holds. The fields are then found by the
anchors every page of the site shows (its profile, `site.py`): the `position:` breadcrumb,
the `Source: … | date | Author: …` line, the headline, "Top News", the
Copyright footer. The body is the run of blocks between the source line and
what follows the article (a comment widget, a sidebar or teaser box, "Top
News", the footer): `page_regions.py` tells those regions apart.

Values come out as written (only links are made absolute); normalization is
the pipeline's job (`normalize.py`, `pipelines.py`).

Why not `scrapy.loader.ItemLoader`: it costs ≈2.7 ms a page here, on a
budget of 3× the ≈0.6 ms lxml parse (issue 6); one walk of the page's lxml
tree (`layout.text_layout`) gives every field for a fraction of that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from stdcrawl.extract import site
from stdcrawl.extract.items import Image, RawArticle, Related
from stdcrawl.extract.layout import Block, text_layout
from stdcrawl.extract.page_regions import (
    DATE_ONLY,
    box_of,
    ends_article,
    flat,
    is_chrome,
    is_heading_anchor,
    prose_start,
    same_title,
    shown_at,
)
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile, join_url


_STRING = etree.XPath("string()")


#: `//meta[@name='…']/@content`: read from the page's `<meta>` elements, one walk for all such XPaths
_META_XPATH = re.compile(r"^//meta\[@([\w-]+)='([^']*)'\]/@content$")


@lru_cache(maxsize=None)
def _compiled(xpath: str) -> etree.XPath | tuple[str, str]:
    """The compiled XPath, or (attribute, value) for a `<meta>` content XPath (`_META_XPATH`)."""
    m = _META_XPATH.match(xpath)
    return (m.group(1), m.group(2)) if m else etree.XPath(xpath)


def _first(root: etree._Element, xpaths: tuple[str, ...], metas: list | None = None) -> str | None:
    """The first non-empty text the XPaths find, in their order (only each one's first match).

    Compiled XPaths on the lxml tree: a parsel `xpath()` call wraps every
    result in a Selector, ≈ 40 µs each, four times a page (issue 6). Each
    XPath walks the whole tree (≈ 35 µs on a full-weight page), so the
    `<meta>` ones are answered from one list of the page's `<meta>`
    elements (`metas`, made here when not given), in document order as the
    XPath would give them.
    """
    for xp in xpaths:
        query = _compiled(xp)
        if query.__class__ is tuple:
            if metas is None:
                metas = list(root.iter("meta"))
            attr, wanted = query
            value = next((c for m in metas if m.get(attr) == wanted and (c := m.get("content")) is not None), None)
            if value is None:
                continue
            text = flat(value)
        else:
            value = query(root)
            if not value:
                continue
            first = value[0]
            text = flat(first if isinstance(first, str) else _STRING(first))
        if text:
            return text
    return None


def _is_caption(block: Block, profile: SiteProfile = STDAILY_ENGLISH) -> bool:
    if block.images or not block.text or len(block.text) > 600:
        return False
    return block.centered or block.captionish or profile.is_credit(block.text)


class ArticleLoader:
    """Pulls the raw fields of one article page (see RawArticle)."""

    def __init__(self, page: Selector | etree._Element, url: str, profile: SiteProfile = STDAILY_ENGLISH):
        """`page`: the page's parsel selector or its lxml tree (`layout.parse_html`)."""
        self.root = page.root if isinstance(page, Selector) else page
        self.url = url
        self.site = profile
        self.blocks = text_layout(self.root, profile)
        #: The elements holding the title, the Source line and the body's first
        #: text (None when not found), set by `load` (signature.py hashes their paths).
        self.anchors: tuple = (None, None, None)
        self.page_title = ""  # the whole <title>, site name and all (page_kind.py reads it)

    def load(self) -> RawArticle:
        blocks = self.blocks
        p = self.site
        crumb_i = next((i for i, b in enumerate(blocks) if p.breadcrumb_anchor.match(b.text)), None)
        head_title = self._head_title()
        h1_i = self._h1(blocks, head_title)
        if h1_i is None and head_title:
            h1_i = shown_at(blocks, head_title)  # a headline without <h1>: the Source line follows it
        src_i, source_line = None, None
        # the article's own Source line: the first after its headline (sidebars
        # before the article carry other stories' dates)
        hint = p.source_hint
        for from_i in ((h1_i, 0) if h1_i is not None else (0,)):
            for i in range(from_i, len(blocks)):
                text = blocks[i].text
                if hint(text):
                    m = p.source_line.search(text)
                    if m:
                        src_i, source_line = i, m.groupdict()
                        break
            if src_i is not None:
                break
        title_raw, title_i = self._title(blocks, h1_i, src_i, head_title)
        anchors = [i for i in (crumb_i, src_i, title_i) if i is not None]
        start = max(anchors) + 1 if anchors else prose_start(blocks, p)
        end = next((i for i in range(start, len(blocks)) if ends_article(blocks[i], p)), len(blocks))
        byline, paragraphs, images, editor = self._body(blocks[start:end])
        # the body ends before any "Top News" heading: look from its end on
        related_i = next((i for i in range(end, len(blocks)) if is_heading_anchor(blocks[i], p)), None)
        if related_i is None:  # a "Top News" box placed before the article
            related_i = next((i for i in range(start) if is_heading_anchor(blocks[i], p)), None)
        crumb = p.breadcrumb_anchor.match(blocks[crumb_i].text).group("crumbs") if crumb_i is not None else None
        body_i = next((i for i in range(start, end) if not blocks[i].images), None)
        self.anchors = tuple(blocks[i].el if i is not None else None for i in (title_i, src_i, body_i))
        return RawArticle(
            kind="raw_article",
            url=self.url,
            breadcrumb_raw=crumb,
            title_raw=title_raw,
            source_line=source_line,
            meta_published=_first(self.root, p.published_meta_xpaths),
            byline_raw=byline,
            paragraphs=paragraphs,
            images=images,
            related=self._related(blocks, related_i) if related_i is not None else [],
            editor_raw=editor,
        )

    def _head_title(self) -> str:
        """The `<title>` without the site name."""
        root = self.root
        el = root.find("head/title")  # ≈ 1 µs; the XPath //title walks the whole tree
        if el is None:
            el = root.find(".//title")
        if el is None:
            title = ""
        else:  # a <title> holds text only; `string()` (an XPath call) only when it holds elements
            title = flat(_STRING(el) if len(el) else el.text or "")
        self.page_title = title
        if not title:
            return ""
        title = self.site.title_suffix.sub("", title)
        return "" if self.site.site_name.match(title) else title

    @staticmethod
    def _h1(blocks: list[Block], head_title: str) -> int | None:
        """The headline's block: the `<h1>` the `<title>` names, else another block
        showing that title, else the first `<h1>` with text."""
        first = None
        for i, b in enumerate(blocks):
            if b.tag == "h1" and b.text:
                if head_title and same_title(b.text, head_title):
                    return i
                if first is None:
                    first = i
        if first is not None and head_title:
            # an <h1> holding the site's name while the headline the <title> names is shown elsewhere
            shown = shown_at(blocks, head_title)
            if shown is not None:
                return shown
        return first

    def _title(self, blocks: list[Block], h1_i: int | None, src_i: int | None, head_title: str) -> tuple[str | None, int | None]:
        if h1_i is not None:
            return self.site.title_suffix.sub("", blocks[h1_i].text) or blocks[h1_i].text, h1_i
        if src_i:
            prev = blocks[src_i - 1]
            if not self.site.breadcrumb_anchor.match(prev.text) and not prev.links:
                return prev.text, src_i - 1
        meta = _first(self.root, self.site.title_xpaths[1:])
        title = self.site.title_suffix.sub("", meta) if meta else head_title
        if not title:
            return None, None
        # where the page shows it (never a linked sidebar headline)
        shown = shown_at(blocks, title)
        return title, shown

    def _body(self, blocks: list[Block]) -> tuple[str, list[str], list[Image], str]:
        p = self.site
        byline, editor = "", ""
        paragraphs: list[str] = []
        images: list[Image] = []
        skip = set()
        for i, b in enumerate(blocks):
            if i in skip:
                continue
            if b.images:
                if is_chrome(b, p):
                    continue
                for src in b.images:
                    images.append(Image(src=join_url(self.url, src), caption=""))
                if b.text:
                    images[-1]["caption"] = b.text
                elif i + 1 < len(blocks) and _is_caption(blocks[i + 1], p):
                    images[-1]["caption"] = blocks[i + 1].text
                    skip.add(i + 1)
                continue
            text = b.text
            if not byline and not paragraphs and p.byline.match(text) and len(text.split()) <= p.byline_max_words:
                byline = text
                continue
            m = p.editor_line.match(text)
            if m:
                editor = m.group("name")
                continue
            if b.links and is_chrome(b, p) or p.share_line.match(text):
                continue
            if len(text) < 400 and p.is_credit(text):  # a credit line without its picture
                images.append(Image(src="", caption=text))
                continue
            paragraphs.append(f"* {text}" if b.tag == "li" else text)
        return byline, paragraphs, images, editor

    def _related(self, blocks: list[Block], heading_i: int) -> list[Related]:
        """The "Top News" box's items: linked headlines, each with the summary
        line after it. The box ends at the next heading or box, the footer, or
        where the heading's own container ends."""
        p = self.site
        box = box_of(blocks[heading_i].el)
        items: list[Related] = []
        for b in blocks[heading_i + 1 :]:
            link = next(((h, t) for h, t in b.links if t), None)
            headline = bool(link) and flat(b.text) == link[1]
            if ends_article(b, p) or (b.tag in p.heading_tags and not headline):
                break
            if box is not None and box is not b.el and box not in b.el.iterancestors():
                break
            if link and p.more_link.match(link[1]):
                continue
            if headline:
                items.append(Related(title=link[1], summary="", url=join_url(self.url, link[0])))
            elif link and len(b.links) == 1 and b.text.startswith(link[1] + " "):
                # `<a>title</a> <span>summary</span>` on one line
                rest = b.text[len(link[1]) + 1 :]
                summary = "" if DATE_ONLY.match(rest) else rest
                items.append(Related(title=link[1], summary=summary, url=join_url(self.url, link[0])))
            elif items and not items[-1]["summary"] and b.text and not b.links:
                items[-1]["summary"] = b.text
        return items


@dataclass(slots=True)
class ListPage:
    """What a list page offers: article links (in page order) and list links."""

    breadcrumb_raw: str | None
    article_links: list[tuple[str, str]]  # (absolute url, title or summary text)
    list_links: list[tuple[str, str]]  # (absolute url, link text)


def load_list_page(selector: Selector, url: str, profile: SiteProfile = STDAILY_ENGLISH) -> ListPage:
    """Links of a list page: articles in order, and the list pages it links."""
    crumb = None
    articles: list[tuple[str, str]] = []
    lists: list[tuple[str, str]] = []
    seen = set()
    for a in selector.root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        try:
            absolute = urljoin(url, href.strip())
            path = site.url_path(absolute)
        except ValueError:  # not a URL at all (`http://[::1/…`): a hostile link is skipped
            continue
        text = flat(a.xpath("string()")) or flat(a.get("title") or "")
        if profile.article_ref(path):
            if path not in seen:
                seen.add(path)
                articles.append((absolute, text))
        elif profile.is_list_path(path):
            lists.append((absolute, text))
    for block in text_layout(selector.root, profile):
        m = profile.breadcrumb_anchor.match(block.text)
        if m:
            crumb = m.group("crumbs")
            break
    return ListPage(crumb, articles, lists)


def recover_encoding(text: str, body: bytes, fallback: str | None = site.ENCODING_FALLBACK) -> str | None:
    """The page decoded in the site's fallback encoding (GB18030) when its declared encoding was wrong.

    A page whose bytes are GBK but whose header or meta says UTF-8 decodes
    into replacement characters; when GB18030 decodes the bytes cleanly and
    loses none, that is what the page was. None when nothing was wrong.
    """
    if fallback is None or text.count("\ufffd") < 3:
        return None
    try:
        return body.decode(fallback)
    except UnicodeDecodeError:
        return None
