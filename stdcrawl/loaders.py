"""Item loaders: pull an article's or a list page's raw fields from the page.

The live markup was never observed, so nothing here hangs on a class name.
A page is first read as a *text layout*: its text blocks in document order
(what a reader sees, one block per paragraph, heading, list item, caption),
each with the images and links it holds. The fields are then found by the
anchors every page of the site shows (`site.py`): the `position:` breadcrumb,
the `Source: … | date | Author: …` line, the headline, "Top News", the
Copyright footer. The body is the run of blocks between the source line and
"Top News"/the footer.

Values come out as written (only links are made absolute); normalization is
the pipeline's job (`normalize.py`, `pipelines.py`).

Why not `scrapy.loader.ItemLoader`: it costs ≈2.7 ms a page here, on a
budget of 3× the ≈0.6 ms lxml parse (issue 6); one walk of the lxml tree
behind the page's parsel selector gives every field for a fraction of that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from stdcrawl import site
from stdcrawl.items import Image, RawArticle, Related


@dataclass(slots=True)
class Block:
    """One text block of the page as a reader sees it."""

    text: str
    tag: str
    centered: bool = False
    captionish: bool = False
    images: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    el: object = None  # the element that opened the block (its box on the page)


def _flat(text: str) -> str:
    return " ".join(text.split())


_BR = "\x00"  # a <br> inside a block's text
_IMG = "\x01"  # where an <img> stood in it (images follow their paragraph when <br>s split a block)


def _lead_line(line: str, link_texts: list[str]) -> bool:
    """A line that stands on its own even when only one `<br>` follows it: a
    linked headline, a byline, a box heading ("Top News", "Latest", …)."""
    if line in link_texts:
        return True
    if len(line) > 160:
        return False
    return bool(
        (site.BYLINE.match(line) and len(line.split()) <= 12)
        or site.RELATED_HEADING.match(line)
        or site.BOX_HEADING.match(line)
    )


def _br_paragraphs(text: str, link_texts: list[str]) -> list[str]:
    """A block's text split where the page breaks it.

    A blank line (`<br><br>`) ends a paragraph; inside one, a first line
    that stands on its own (`_lead_line`: `By LI Ming<br>…`, a teaser's
    `<a>title</a><br>summary`, `Top News<br>…`) is split off. Other single
    breaks inside a paragraph become spaces.
    """
    paragraphs: list[str] = []
    lines: list[str] = []

    def close() -> None:
        while len(lines) > 1 and _lead_line(lines[0], link_texts):
            paragraphs.append(lines.pop(0))
        if lines:
            paragraphs.append(" ".join(lines))
            lines.clear()

    for line in text.split(_BR):
        line = _flat(line)
        if line:
            lines.append(line)
        elif lines:
            close()
    close()
    return paragraphs


def text_layout(root: etree._Element) -> list[Block]:
    """The page's text blocks, in document order."""
    blocks: list[Block] = []
    body = root.find("body")
    if body is None:
        body = root
    skip_tags, block_tags = site.SKIP_TAGS, site.BLOCK_TAGS
    centered_style, caption_class = site.CENTERED_STYLE.search, site.CAPTION_CLASS.search

    def new_block(el, tag: str) -> Block:
        style = el.get("style")
        cls = el.get("class")
        return Block(
            text="",
            tag=tag,
            centered=bool(style and centered_style(style)) or el.get("align") == "center" or tag == "center",
            captionish=tag == "figcaption" or bool(cls and caption_class(cls)),
            el=el,
        )

    def walk(el, block: Block, parts: list[str]) -> None:
        """Add el's content to the open block; nested blocks split it."""
        if el.text:
            parts.append(el.text)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                pass
            elif tag in skip_tags:
                pass
            elif tag in block_tags:
                flush(block, parts)
                inner = new_block(child, tag)
                inner_parts: list[str] = []
                walk(child, inner, inner_parts)
                flush(inner, inner_parts)
            elif tag == "img":
                src = child.get("src") or child.get("data-src")
                if src:
                    block.images.append(src)
                    parts.append(_IMG)
            elif tag == "br":
                parts.append(_BR)
            else:
                start = len(parts)
                walk(child, block, parts)
                if tag == "a":
                    href = child.get("href")
                    if href:
                        block.links.append((href, _flat("".join(parts[start:]))))
            tail = child.tail
            if tail:
                parts.append(tail)

    def flush(block: Block, parts: list[str]) -> None:
        """Close the open block's text so far: a Block when it has text or images."""
        if parts:
            joined = "".join(parts)
            parts.clear()
            if _BR in joined:
                pieces = _br_paragraphs(joined, [t for _, t in block.links])
                if len(pieces) > 1:
                    images, links = block.images, block.links
                    for piece in pieces[:-1]:
                        n = piece.count(_IMG)
                        piece_images, images = images[:n], images[n:]
                        own = [link for link in links if link[1] == piece][:1]  # a linked headline keeps its link
                        if own:
                            links = [link for link in links if link is not own[0]]
                        blocks.append(Block(_flat(piece.replace(_IMG, "")) if n else piece, block.tag, block.centered,
                                            block.captionish, piece_images, own, block.el))
                    block.images, block.links = images, links
                joined = pieces[-1] if pieces else ""
            if _IMG in joined:
                joined = joined.replace(_IMG, " ")
            text = _flat(joined)
        else:
            text = ""
        if text or block.images:
            # the block keeps these lists; the open block starts new ones
            blocks.append(Block(text, block.tag, block.centered, block.captionish, block.images, block.links, block.el))
            block.images, block.links = [], []
        elif block.links:
            block.links = []

    top = new_block(body, body.tag)
    top_parts: list[str] = []
    walk(body, top, top_parts)
    flush(top, top_parts)
    return blocks


_STRING = etree.XPath("string()")


@lru_cache(maxsize=None)
def _compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath)


def _first(sel: Selector, xpaths: tuple[str, ...]) -> str | None:
    """The first non-empty text the XPaths find, in their order (only each one's first match).

    Compiled XPaths on the lxml tree: a parsel `xpath()` call wraps every
    result in a Selector, ≈ 40 µs each, four times a page (issue 6).
    """
    root = sel.root
    for xp in xpaths:
        value = _compiled(xp)(root)
        if value:
            first = value[0]
            text = _flat(first if isinstance(first, str) else _STRING(first))
            if text:
                return text
    return None


def _is_caption(block: Block) -> bool:
    if block.images or not block.text or len(block.text) > 600:
        return False
    return block.centered or block.captionish or bool(site.CAPTION_CREDIT.search(block.text))


def _is_heading_anchor(block: Block) -> bool:
    """A "Top News" heading: not a menu or footer link that happens to read so."""
    if not site.RELATED_HEADING.match(block.text):
        return False
    return block.tag in site.HEADING_TAGS or not (block.links and block.links[0][1] == block.text)


def _ends_article(block: Block) -> bool:
    """Does this block start what follows an article (Top News, a box, the footer)?"""
    text = block.text
    if site.FOOTER_START.match(text):
        return True
    if len(text) > 60:  # headings and widget prompts are short
        return False
    return (
        _is_heading_anchor(block)
        or bool(site.BOX_HEADING.match(text))
        or bool(site.COMMENT_WIDGET.match(text))
    )


def _is_chrome(block: Block) -> bool:
    """Share buttons, tool rows and link rows: never a paragraph of the article."""
    text = block.text
    if len(text) > 200:
        return False
    if site.SHARE_LINE.match(text):
        return True
    if len(block.links) >= 2:
        linked = sum(len(t) for _, t in block.links)
        return linked >= 0.8 * len(text)
    return False


def _same_title(a: str, b: str) -> bool:
    return _flat(a).casefold() == _flat(b).casefold()


def _shown_at(blocks: list[Block], title: str) -> int | None:
    """The first unlinked block that reads `title` (block texts are already flat)."""
    target = _flat(title).casefold()
    size = len(target)
    for i, b in enumerate(blocks):
        if len(b.text) == size and not b.links and b.text.casefold() == target:
            return i
    return None


class ArticleLoader:
    """Pulls the raw fields of one article page (see RawArticle)."""

    def __init__(self, selector: Selector, url: str):
        self.sel = selector
        self.url = url
        self.blocks = text_layout(selector.root)

    def load(self) -> RawArticle:
        blocks = self.blocks
        crumb_i = next((i for i, b in enumerate(blocks) if site.BREADCRUMB_ANCHOR.match(b.text)), None)
        head_title = self._head_title()
        h1_i = self._h1(blocks, head_title)
        if h1_i is None and head_title:
            h1_i = _shown_at(blocks, head_title)  # a headline without <h1>: the Source line follows it
        src_i, source_line = None, None
        # the article's own Source line: the first after its headline (sidebars
        # before the article carry other stories' dates)
        for from_i in ((h1_i, 0) if h1_i is not None else (0,)):
            for i in range(from_i, len(blocks)):
                text = blocks[i].text
                if "Source" in text or "source" in text:
                    m = site.SOURCE_LINE.search(text)
                    if m:
                        src_i, source_line = i, m.groupdict()
                        break
            if src_i is not None:
                break
        title_raw, title_i = self._title(blocks, h1_i, src_i, head_title)
        anchors = [i for i in (crumb_i, src_i, title_i) if i is not None]
        start = max(anchors) + 1 if anchors else self._prose_start(blocks)
        end = next((i for i in range(start, len(blocks)) if _ends_article(blocks[i])), len(blocks))
        byline, paragraphs, images, editor = self._body(blocks[start:end])
        related_i = next((i for i in range(start, len(blocks)) if _is_heading_anchor(blocks[i])), None)
        if related_i is None:  # a "Top News" box placed before the article
            related_i = next((i for i in range(start) if _is_heading_anchor(blocks[i])), None)
        crumb = site.BREADCRUMB_ANCHOR.match(blocks[crumb_i].text).group("crumbs") if crumb_i is not None else None
        return RawArticle(
            kind="raw_article",
            url=self.url,
            breadcrumb_raw=crumb,
            title_raw=title_raw,
            source_line=source_line,
            meta_published=_first(self.sel, site.PUBLISHED_META_XPATHS),
            byline_raw=byline,
            paragraphs=paragraphs,
            images=images,
            related=self._related(blocks, related_i) if related_i is not None else [],
            editor_raw=editor,
        )

    def _head_title(self) -> str:
        """The `<title>` without the site name."""
        title = _first(self.sel, ("//title",))
        if not title:
            return ""
        title = site.TITLE_SUFFIX.sub("", title)
        return "" if site.SITE_NAME.match(title) else title

    @staticmethod
    def _h1(blocks: list[Block], head_title: str) -> int | None:
        """The headline's block: the `<h1>` the `<title>` names, else another block
        showing that title, else the first `<h1>` with text."""
        first = None
        for i, b in enumerate(blocks):
            if b.tag == "h1" and b.text:
                if head_title and _same_title(b.text, head_title):
                    return i
                if first is None:
                    first = i
        if first is not None and head_title:
            # an <h1> holding the site's name while the headline the <title> names is shown elsewhere
            shown = _shown_at(blocks, head_title)
            if shown is not None:
                return shown
        return first

    def _title(self, blocks: list[Block], h1_i: int | None, src_i: int | None, head_title: str) -> tuple[str | None, int | None]:
        if h1_i is not None:
            return site.TITLE_SUFFIX.sub("", blocks[h1_i].text) or blocks[h1_i].text, h1_i
        if src_i:
            prev = blocks[src_i - 1]
            if not site.BREADCRUMB_ANCHOR.match(prev.text) and not prev.links:
                return prev.text, src_i - 1
        meta = _first(self.sel, site.TITLE_XPATHS[1:])
        title = site.TITLE_SUFFIX.sub("", meta) if meta else head_title
        if not title:
            return None, None
        # where the page shows it (never a linked sidebar headline)
        shown = _shown_at(blocks, title)
        return title, shown

    @staticmethod
    def _prose_start(blocks: list[Block]) -> int:
        """Without any anchor: where the longest run of prose begins (a byline or
        image just before it included)."""
        best, best_len, run_start, run_len, gap = 0, 0, None, 0, 0
        for i, b in enumerate(blocks):
            linked = sum(len(t) for _, t in b.links)
            prose = len(b.text) >= 80 and linked < 0.3 * len(b.text) and not _ends_article(b)
            if prose:
                if run_start is None:
                    run_start, run_len = i, 0
                run_len += len(b.text)
                gap = 0
                if run_len > best_len:
                    best, best_len = run_start, run_len
            elif run_start is not None:
                gap += 1
                if gap > 3 or _ends_article(b):
                    run_start, gap = None, 0
        while best > 0 and (blocks[best - 1].images or site.BYLINE.match(blocks[best - 1].text)) and not blocks[best - 1].links:
            best -= 1
        return best

    def _body(self, blocks: list[Block]) -> tuple[str, list[str], list[Image], str]:
        byline, editor = "", ""
        paragraphs: list[str] = []
        images: list[Image] = []
        skip = set()
        for i, b in enumerate(blocks):
            if i in skip:
                continue
            if b.images:
                if _is_chrome(b):
                    continue
                for src in b.images:
                    images.append(Image(src=urljoin(self.url, src), caption=""))
                if b.text:
                    images[-1]["caption"] = b.text
                elif i + 1 < len(blocks) and _is_caption(blocks[i + 1]):
                    images[-1]["caption"] = blocks[i + 1].text
                    skip.add(i + 1)
                continue
            text = b.text
            if not byline and not paragraphs and site.BYLINE.match(text) and len(text.split()) <= 12:
                byline = text
                continue
            m = site.EDITOR_LINE.match(text)
            if m:
                editor = m.group("name")
                continue
            if b.links and _is_chrome(b) or site.SHARE_LINE.match(text):
                continue
            # cheapest test first: the credit regex costs ≈ 6 µs a paragraph
            if len(text) < 400 and _is_caption(b) and site.CAPTION_CREDIT.search(text):
                images.append(Image(src="", caption=text))
                continue
            paragraphs.append(f"* {text}" if b.tag == "li" else text)
        return byline, paragraphs, images, editor

    def _related(self, blocks: list[Block], heading_i: int) -> list[Related]:
        """The "Top News" box's items: linked headlines, each with the summary
        line after it. The box ends at the next heading or box, the footer, or
        where the heading's own container ends."""
        box = _box_of(blocks[heading_i].el)
        items: list[Related] = []
        for b in blocks[heading_i + 1 :]:
            link = next(((h, t) for h, t in b.links if t), None)
            headline = bool(link) and _flat(b.text) == link[1]
            if _ends_article(b) or (b.tag in site.HEADING_TAGS and not headline):
                break
            if box is not None and box is not b.el and box not in b.el.iterancestors():
                break
            if link and site.MORE_LINK.match(link[1]):
                continue
            if headline:
                items.append(Related(title=link[1], summary="", url=urljoin(self.url, link[0])))
            elif link and len(b.links) == 1 and b.text.startswith(link[1] + " "):
                # `<a>title</a> <span>summary</span>` on one line
                rest = b.text[len(link[1]) + 1 :]
                summary = "" if _DATE_ONLY.match(rest) else rest
                items.append(Related(title=link[1], summary=summary, url=urljoin(self.url, link[0])))
            elif items and not items[-1]["summary"] and b.text and not b.links:
                items[-1]["summary"] = b.text
        return items


_DATE_ONLY = re.compile(r"^[\d\s:/.年月日-]+$")


def _box_of(heading) -> object | None:
    """The smallest element around a heading that also holds links: its box."""
    if heading is None:
        return None
    for anc in heading.iterancestors():
        if anc.tag in ("body", "html"):
            return None
        if anc.find(".//a[@href]") is not None:
            return anc
    return None


@dataclass(slots=True)
class ListPage:
    """What a list page offers: article links (in page order) and list links."""

    breadcrumb_raw: str | None
    article_links: list[tuple[str, str]]  # (absolute url, title or summary text)
    list_links: list[tuple[str, str]]  # (absolute url, link text)


def load_list_page(selector: Selector, url: str) -> ListPage:
    """Links of a list page: articles in order, and the list pages it links."""
    crumb = None
    articles: list[tuple[str, str]] = []
    lists: list[tuple[str, str]] = []
    seen = set()
    for a in selector.root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        absolute = urljoin(url, href.strip())
        text = _flat(a.xpath("string()")) or _flat(a.get("title") or "")
        path = site.url_path(absolute)
        if site.article_ref(path):
            if path not in seen:
                seen.add(path)
                articles.append((absolute, text))
        elif site.is_list_path(path):
            lists.append((absolute, text))
    for block in text_layout(selector.root):
        m = site.BREADCRUMB_ANCHOR.match(block.text)
        if m:
            crumb = m.group("crumbs")
            break
    return ListPage(crumb, articles, lists)


def recover_encoding(text: str, body: bytes) -> str | None:
    """The page decoded as GB18030 when its declared encoding was wrong.

    A page whose bytes are GBK but whose header or meta says UTF-8 decodes
    into replacement characters; when GB18030 decodes the bytes cleanly and
    loses none, that is what the page was. None when nothing was wrong.
    """
    if text.count("\ufffd") < 3:
        return None
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError:
        return None
