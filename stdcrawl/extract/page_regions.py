"""Where an article's parts begin and end on a full page (issue 11).

Real pages wrap the article in a top bar, menus, sidebars, share buttons, a
comment widget, teaser boxes and a footer. These helpers tell those regions
apart on the text layout (`loaders.text_layout`), by the text anchors of
the site's profile (`site.SiteProfile`) and the shape of blocks (link density, headings, the element
holding a box), never by a class name:

- `br_paragraphs`: a block laid out with `<br>`s, split into its paragraphs;
- `ends_article`, `is_heading_anchor`: the first block after the article
  (footer, Top News, a box heading, a comment widget);
- `is_chrome`: share buttons and link rows inside the article's region;
- `shown_at`: where the page shows a title (the headline without `<h1>`);
- `prose_start`: where the article begins on a page with no anchor at all;
- `box_of`: the element holding a box's heading (where "Top News" ends).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stdcrawl.extract.site import SiteProfile

if TYPE_CHECKING:
    from stdcrawl.extract.loaders import Block

BR = "\x00"  # a <br> inside a block's text
IMG = "\x01"  # where an <img> stood in it (images follow their paragraph when <br>s split a block)


#: What `str.split()` splits ASCII text at, besides a single space; a double space.
_ASCII_BREAKS = ("\n", "  ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def flat(text: str) -> str:
    """The text's whitespace folded to single spaces, its ends stripped: `" ".join(text.split())`.

    Most paragraphs are flat already: checked with a few substring scans
    (ASCII) or `isprintable` (no printable character but " " is a space),
    which costs a third (ASCII) or half of splitting and joining a
    paragraph again; short texts are split at once.
    """
    if len(text) < 64 or text[:1] <= " " or text[-1:] <= " ":  # short (splitting is cheaper), or not flat
        return " ".join(text.split())
    if text.isascii():
        for brk in _ASCII_BREAKS:
            if brk in text:
                return " ".join(text.split())
        return text
    if "  " in text or not text.isprintable():
        return " ".join(text.split())
    return text


def lead_line(line: str, link_texts: list[str], profile: SiteProfile) -> bool:
    """A line that stands on its own even when only one `<br>` follows it: a
    linked headline, a byline, a box heading ("Top News", "Latest", …)."""
    if line in link_texts:
        return True
    if len(line) > 160:
        return False
    return bool(
        (profile.byline.match(line) and len(line.split()) <= profile.byline_max_words)
        or profile.related_heading.match(line)
        or profile.box_heading.match(line)
    )


def br_paragraphs(text: str, link_texts: list[str], profile: SiteProfile) -> list[str]:
    """A block's text split where the page breaks it.

    A blank line (`<br><br>`) ends a paragraph; inside one, a first line
    that stands on its own (`lead_line`: `By LI Ming<br>…`, a teaser's
    `<a>title</a><br>summary`, `Top News<br>…`) is split off. Other single
    breaks inside a paragraph become spaces.
    """
    paragraphs: list[str] = []
    lines: list[str] = []

    def close() -> None:
        while len(lines) > 1 and lead_line(lines[0], link_texts, profile):
            paragraphs.append(lines.pop(0))
        if lines:
            paragraphs.append(" ".join(lines))
            lines.clear()

    for line in text.split(BR):
        line = flat(line)
        if line:
            lines.append(line)
        elif lines:
            close()
    close()
    return paragraphs


def is_heading_anchor(block: Block, profile: SiteProfile) -> bool:
    """A "Top News" heading: not a menu or footer link that happens to read so."""
    if not profile.related_heading.match(block.text):
        return False
    return block.tag in profile.heading_tags or not (block.links and block.links[0][1] == block.text)


def ends_article(block: Block, profile: SiteProfile) -> bool:
    """Does this block start what follows an article (Top News, a box, the footer)?"""
    text = block.text
    if profile.footer_start.match(text):
        return True
    if len(text) > 60:  # headings and widget prompts are short
        return False
    return (
        is_heading_anchor(block, profile)
        or bool(profile.box_heading.match(text))
        or bool(profile.comment_widget.match(text))
    )


def is_chrome(block: Block, profile: SiteProfile) -> bool:
    """Share buttons, tool rows and link rows: never a paragraph of the article."""
    text = block.text
    if len(text) > 200:
        return False
    if profile.share_line.match(text):
        return True
    if len(block.links) >= 2:
        linked = sum(len(t) for _, t in block.links)
        return linked >= 0.8 * len(text)
    return False


def same_title(a: str, b: str) -> bool:
    return flat(a).casefold() == flat(b).casefold()


def shown_at(blocks: list[Block], title: str) -> int | None:
    """The first unlinked block that reads `title` (block texts are already flat)."""
    target = flat(title).casefold()
    size = len(target)
    for i, b in enumerate(blocks):
        if len(b.text) == size and not b.links and b.text.casefold() == target:
            return i
    return None


def prose_start(blocks: list[Block], profile: SiteProfile) -> int:
    """Without any anchor: where the longest run of prose begins (a byline or
    image just before it included)."""
    best, best_len, run_start, run_len, gap = 0, 0, None, 0, 0
    for i, b in enumerate(blocks):
        linked = sum(len(t) for _, t in b.links)
        prose = len(b.text) >= 80 and linked < 0.3 * len(b.text) and not ends_article(b, profile)
        if prose:
            if run_start is None:
                run_start, run_len = i, 0
            run_len += len(b.text)
            gap = 0
            if run_len > best_len:
                best, best_len = run_start, run_len
        elif run_start is not None:
            gap += 1
            if gap > 3 or ends_article(b, profile):
                run_start, gap = None, 0
    while best > 0 and (blocks[best - 1].images or profile.byline.match(blocks[best - 1].text)) and not blocks[best - 1].links:
        best -= 1
    return best


DATE_ONLY = re.compile(r"^[\d\s:/.年月日-]+$")


def box_of(heading) -> object | None:
    """The smallest element around a heading that also holds links: its box."""
    if heading is None:
        return None
    for anc in heading.iterancestors():
        if anc.tag in ("body", "html"):
            return None
        if anc.find(".//a[@href]") is not None:
            return anc
    return None
