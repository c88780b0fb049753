"""A page read as a reader sees it: its text blocks in document order (issue 11 §5).

`text_layout` is the one walk over a page's tree that every loader reads
(`loaders.py`): one block per paragraph, heading, list item, caption, each
with the images and links it holds, `<br>`-laid-out blocks split into their
paragraphs (`page_regions.br_paragraphs`).

It is the hottest code of extraction (≈ 60 % of a full-weight page's time
before issue 11 §5), so it is written for speed: one loop over an explicit
stack (no recursion, so no nesting depth raises `RecursionError`), elements
without children handled without a stack frame, and a block's look
(centered, caption-ish) read from its attributes only when it yields a block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from stdcrawl.extract.page_regions import BR, IMG, br_paragraphs, flat
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile


@dataclass(slots=True)
class Block:
    """One text block of the page as a reader sees it."""

    text: str
    tag: str
    centered: bool = False
    captionish: bool = False
    images: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    el: object = None  # the element that opened the block (its box on the page; template signatures)


#: What `str.strip()` strips of ASCII text (`bytes.strip()` leaves \x1c–\x1f).
_ASCII_SPACE_BYTES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def parse_html(text: str, base_url: str | None = None, utf8: bytes | None = None) -> etree._Element:
    """The page's tree, as parsel builds it for `Selector(text=…, type="html")`
    (stripped, NULs dropped, UTF-8, `recover`, `huge_tree`), but with plain
    `lxml.etree` elements: `lxml.html`'s class lookup costs a Python call for
    every element the walk touches (≈ 0.15 ms on a full-weight page).

    `utf8`: the bytes the text was decoded from when they are its UTF-8
    (no BOM, nothing replaced), parsed as they are instead of encoding the
    text again (≈ 1 µs a KB)."""
    body = utf8.strip(_ASCII_SPACE_BYTES) if utf8 is not None else None
    if body is not None and (body[:1] >= b"\x80" or body[-1:] >= b"\x80"):  # perhaps a non-ASCII space to strip
        body = None
    if body is None:
        body = text.strip().replace("\x00", "").encode("utf-8")
    elif b"\x00" in body:
        body = body.replace(b"\x00", b"")
    body = body or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(body, parser=parser, base_url=base_url)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=base_url)
    return root


class _Open:
    """A block element being read: its images and links so far, its look once known."""

    __slots__ = ("el", "tag", "images", "links", "look")

    def __init__(self, el, tag: str):
        self.el, self.tag, self.images, self.links, self.look = el, tag, [], [], None


_BLOCK, _INLINE, _LINK = 0, 1, 2
#: What the walk does with an element, by tag (`_kinds`); an inline element is not listed.
_K_SKIP, _K_BLOCK, _K_IMG, _K_BR, _K_A = 1, 2, 3, 4, 5


@lru_cache(maxsize=16)
def _kinds(skip_tags: frozenset[str], block_tags: frozenset[str]) -> dict:
    """Tag → kind, one lookup per element: skipped (the profile's skip tags,
    comments, processing instructions) before block, block before image,
    break and link."""
    kinds: dict = {etree.Comment: _K_SKIP, etree.ProcessingInstruction: _K_SKIP, etree.Entity: _K_SKIP}
    for tag in skip_tags:
        kinds[tag] = _K_SKIP
    for tag in block_tags:
        kinds.setdefault(tag, _K_BLOCK)
    kinds.setdefault("img", _K_IMG)
    kinds.setdefault("br", _K_BR)
    kinds.setdefault("a", _K_A)
    return kinds


def _leaf_inline(el, kinds_get) -> bool:
    """An inline element without children whose text the walk just reads (not an image, a break or a comment)."""
    tag = el.tag
    kind = kinds_get(tag)
    return (kind is None or kind == _K_A) and tag.__class__ is str and not len(el)


def text_layout(root: etree._Element, profile: SiteProfile = STDAILY_ENGLISH) -> list[Block]:
    """The page's text blocks, in document order.

    A block element closes the open block's text so far and opens its own;
    inline elements add to the open block (an `<a href>` records its link
    and text); `<img>` and `<br>` leave their marks (`IMG`, `BR`); the
    profile's skip tags (script, style, forms…) are never read, but the text
    after them (their tail) is.
    """
    blocks: list[Block] = []
    body = root.find("body")
    if body is None:
        body = root
    kinds_get = _kinds(profile.skip_tags, profile.block_tags).get
    centered_style, caption_class = profile.centered_style.search, profile.caption_class.search
    append_block = blocks.append

    def look_of(el, tag: str) -> tuple[bool, bool]:
        """(centered, caption-ish) of a block element."""
        if not el.keys():  # most blocks (menu and list items) carry no attribute at all
            return tag == "center", tag == "figcaption"
        style = el.get("style")
        cls = el.get("class")
        return (
            bool(style and centered_style(style)) or el.get("align") == "center" or tag == "center",
            tag == "figcaption" or bool(cls and caption_class(cls)),
        )

    def look(ob: _Open) -> tuple[bool, bool]:
        ob.look = look_of(ob.el, ob.tag)
        return ob.look

    def flush(ob: _Open, parts: list[str]) -> None:
        """Close the open block's text so far: a Block when it has text or images."""
        if parts:
            joined = "".join(parts)
            parts.clear()
            if joined.isspace():  # the whitespace between blocks: most flushes
                if not ob.images:
                    if ob.links:
                        ob.links = []
                    return
                joined = ""
            elif BR in joined:
                pieces = br_paragraphs(joined, [t for _, t in ob.links], profile)
                if len(pieces) > 1:
                    centered, captionish = ob.look or look(ob)
                    images, links = ob.images, ob.links
                    for piece in pieces[:-1]:
                        n = piece.count(IMG)
                        piece_images, images = images[:n], images[n:]
                        own = [link for link in links if link[1] == piece][:1]  # a linked headline keeps its link
                        if own:
                            links = [link for link in links if link is not own[0]]
                        append_block(Block(flat(piece.replace(IMG, "")) if n else piece, ob.tag, centered,
                                           captionish, piece_images, own, ob.el))
                    ob.images, ob.links = images, links
                joined = pieces[-1] if pieces else ""
            if IMG in joined:
                joined = joined.replace(IMG, " ")
            text = flat(joined)
        else:
            text = ""
        if text or ob.images:
            centered, captionish = ob.look or look(ob)
            # the block keeps these lists; the open block starts new ones
            append_block(Block(text, ob.tag, centered, captionish, ob.images, ob.links, ob.el))
            ob.images, ob.links = [], []
        elif ob.links:
            ob.links = []

    ob = _Open(body, body.tag)
    parts: list[str] = []
    if body.text:
        parts.append(body.text)
    # one frame per open element with children: (its parent's child iterator,
    # the element, the open block and parts outside it, kind, where its text starts)
    stack: list[tuple] = []
    children = iter(body)
    while True:
        for child in children:
            tag = child.tag
            kind = kinds_get(tag)
            if kind is None:  # an inline element (or a node of another kind: skipped)
                if len(child):
                    if tag.__class__ is str:
                        stack.append((children, child, ob, parts, _INLINE, len(parts)))
                        text = child.text
                        if text:
                            parts.append(text)
                        children = iter(child)
                        break
                elif tag.__class__ is str:
                    text = child.text
                    if text:
                        parts.append(text)
            elif kind == _K_BLOCK:
                if ob.images or ob.links:
                    flush(ob, parts)
                elif parts:
                    if len(parts) == 1 and parts[0].isspace():  # the whitespace between blocks: no block
                        parts.clear()
                    else:
                        flush(ob, parts)
                n = len(child)
                if n == 1 and _leaf_inline(child[0], kinds_get):
                    # `<li><a href="…">headline</a></li>`: most blocks of a full page's menus and boxes
                    inner, only = _Open(child, tag), child[0]
                    inner_parts = [t for t in (child.text, only.text, only.tail) if t]
                    if only.tag == "a":
                        href = only.get("href")
                        if href:
                            text = only.text
                            inner.links.append((href, flat(text) if text else ""))
                    flush(inner, inner_parts)
                elif n:
                    stack.append((children, child, ob, parts, _BLOCK, 0))
                    ob, parts = _Open(child, tag), []
                    text = child.text
                    if text:
                        parts.append(text)
                    children = iter(child)
                    break
                else:
                    text = child.text
                    if not text:
                        pass
                    elif BR in text or IMG in text:
                        flush(_Open(child, tag), [text])
                    else:
                        text = flat(text)
                        if text:
                            append_block(Block(text, tag, *look_of(child, tag), [], [], child))
            elif kind == _K_A:
                if len(child):
                    stack.append((children, child, ob, parts, _LINK, len(parts)))
                    text = child.text
                    if text:
                        parts.append(text)
                    children = iter(child)
                    break
                text = child.text
                if text:
                    parts.append(text)
                href = child.get("href")
                if href:
                    ob.links.append((href, flat(text) if text else ""))
            elif kind == _K_IMG:
                src = child.get("src") or child.get("data-src")
                if src:
                    ob.images.append(src)
                    parts.append(IMG)
            elif kind == _K_BR:
                parts.append(BR)
            tail = child.tail
            if tail:
                parts.append(tail)
        else:
            if not stack:
                break
            children, el, outer, outer_parts, kind, start = stack.pop()
            if kind == _BLOCK:
                flush(ob, parts)
                ob, parts = outer, outer_parts
            elif kind == _LINK:
                href = el.get("href")
                if href:
                    ob.links.append((href, flat("".join(parts[start:]))))
            tail = el.tail
            if tail:
                parts.append(tail)
    flush(ob, parts)
    return blocks
