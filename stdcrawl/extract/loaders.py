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

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from stdcrawl.extract import site
from stdcrawl.extract.items import Image, RawArticle, Related


@dataclass(slots=True)
class Block:
    """One text block of the page as a reader sees it."""

    text: str
    tag: str
    centered: bool = False
    captionish: bool = False
    images: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)


def _flat(text: str) -> str:
    return " ".join(text.split())


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
            elif tag == "br":
                parts.append("\n")
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
            text = _flat("".join(parts))
            parts.clear()
        else:
            text = ""
        if text or block.images:
            # the block keeps these lists; the open block starts new ones
            blocks.append(Block(text, block.tag, block.centered, block.captionish, block.images, block.links))
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


class ArticleLoader:
    """Pulls the raw fields of one article page (see RawArticle)."""

    def __init__(self, selector: Selector, url: str):
        self.sel = selector
        self.url = url
        self.blocks = text_layout(selector.root)

    def load(self) -> RawArticle:
        blocks = self.blocks
        crumb_i = next((i for i, b in enumerate(blocks) if site.BREADCRUMB_ANCHOR.match(b.text)), None)
        src_i, source_line = None, None
        for i, b in enumerate(blocks):
            if "Source" in b.text or "source" in b.text:
                m = site.SOURCE_LINE.search(b.text)
                if m:
                    src_i, source_line = i, m.groupdict()
                    break
        title_raw, title_i = self._title(blocks, src_i)
        start = max(i for i in (crumb_i, src_i, title_i, -1) if i is not None) + 1
        end = next(
            (i for i in range(start, len(blocks)) if site.RELATED_HEADING.match(blocks[i].text) or site.FOOTER_START.match(blocks[i].text)),
            len(blocks),
        )
        byline, paragraphs, images, editor = self._body(blocks[start:end])
        related_i = end if end < len(blocks) and site.RELATED_HEADING.match(blocks[end].text) else None
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
            related=self._related(blocks[related_i + 1 :]) if related_i is not None else [],
            editor_raw=editor,
        )

    def _title(self, blocks: list[Block], src_i: int | None) -> tuple[str | None, int | None]:
        for i, b in enumerate(blocks):
            if b.tag == "h1" and b.text:
                return b.text, i
        if src_i:
            prev = blocks[src_i - 1]
            if not site.BREADCRUMB_ANCHOR.match(prev.text):
                return prev.text, src_i - 1
        meta = _first(self.sel, site.TITLE_XPATHS[1:])
        if meta:
            return meta, None
        title = self.sel.xpath("//title/text()").get()
        if title and _flat(title):
            return site.TITLE_SUFFIX.sub("", _flat(title)), None
        return None, None

    def _body(self, blocks: list[Block]) -> tuple[str, list[str], list[Image], str]:
        byline, editor = "", ""
        paragraphs: list[str] = []
        images: list[Image] = []
        skip = set()
        for i, b in enumerate(blocks):
            if i in skip:
                continue
            if b.images:
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
            # cheapest test first: the credit regex costs ≈ 6 µs a paragraph
            if len(text) < 400 and _is_caption(b) and site.CAPTION_CREDIT.search(text):
                images.append(Image(src="", caption=text))
                continue
            paragraphs.append(f"* {text}" if b.tag == "li" else text)
        return byline, paragraphs, images, editor

    def _related(self, blocks: list[Block]) -> list[Related]:
        items: list[Related] = []
        for b in blocks:
            if site.FOOTER_START.match(b.text):
                break
            link = next(((h, t) for h, t in b.links if t), None)
            if link and _flat(b.text) == link[1]:
                items.append(Related(title=link[1], summary="", url=urljoin(self.url, link[0])))
            elif items and not items[-1]["summary"] and b.text:
                items[-1]["summary"] = b.text
        return items


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
