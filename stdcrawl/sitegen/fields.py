"""The golden record of an article page by the field contract (docs/fields.md).

`expected_fields` derives every field but `url` and `fetched_at` from a
record, never from the extractor's rules; `norm` is the contract's text
normalization (also used for synthetic summaries).
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
from urllib.parse import urljoin, urlsplit

from .records import CANONICAL, NAME_TO_DIR, _index, _legacy, _LINK, _POSITION, _published, parse_path


def norm(text: str) -> str:
    """The field contract's text normalization (spaces, `?` artifacts, `Copyright ?`)."""
    text = re.sub(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r"(?<=\S)\?(?=[^\s\"'”’»)\]}>?!.,;:…—–])", " ", text)
    return text.replace("Copyright ?", "Copyright ©").strip()


def _plain(text: str) -> str:
    return _LINK.sub(r"\1", text)


def _image_src(src: str, page_path: str) -> str:
    absolute = urljoin(CANONICAL + page_path, src)
    parts = urlsplit(absolute)
    host = (parts.hostname or "").lower()
    if host == "stdaily.com" or host.endswith(".stdaily.com"):
        return CANONICAL + parts.path
    return absolute


def _position_text(rec: dict) -> str:
    fmt = rec.get("position_format") or _POSITION["legacy" if _legacy(rec) else "current"]
    return html.unescape(fmt.format(home="EnglishChannel", section=rec["section_name"], title=rec["title"]))


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


def expected_fields(rec: dict, site) -> dict:
    """The golden record of an article page (all fields but `url` and `fetched_at`).

    `site` is a `SiteIndex` or the list of the site's records ("Top News").
    """
    index = _index(site)
    ref = parse_path(rec["url_path"])
    has_line = rec.get("source") is not None
    raw, stamp, precision, date_note = _published(rec)
    body, images = [], []
    for item in rec["paragraphs"]:
        if isinstance(item, str):
            body.append(norm(_plain(item)))
        elif "subheading" in item:
            body.append(norm(item["subheading"]))
        elif "list" in item:
            body.extend("* " + norm(_plain(li)) for li in item["list"])
        else:
            images.append({"src": _image_src(item["image"], rec["url_path"]), "caption": norm(item.get("caption") or "")})
    body_text = "\n\n".join(p for p in body if p)
    section = rec["section"]
    section_dir = ref["dir"] if ref["dir"] else NAME_TO_DIR.get(section, "")
    header_author = (rec.get("author") or "") if has_line else ""
    breadcrumb = [norm(c) for c in _position_text(rec).split(":", 1)[1].split(">")] if rec.get("section_name") else []
    notes = {date_note} - {""}
    notes |= {"no_breadcrumb"} if not breadcrumb else set()
    notes |= {"no_source_line"} if not has_line else ({"no_source"} if not norm(rec["source"]) else set())
    notes |= {"no_author"} if not rec["authors"] else set()
    if rec["authors"] and rec.get("byline") and (not re.search("[A-Za-z]", header_author) or rec.get("authors_from_byline")):
        notes.add("authors_from_byline")
    notes |= {"no_section"} if not section else set()
    enc = rec.get("encoding", "utf-8")
    if not _same_codec(enc, rec.get("header_charset") or rec.get("declared_charset") or enc):
        notes.add("encoding_recovered")
    return {
        "article_id": ref["id"],
        "canonical_url": CANONICAL + rec["url_path"],
        "generation": rec["generation"],
        "section": section,
        "section_label": breadcrumb[1] if len(breadcrumb) > 1 else "",
        "section_dir": section_dir,
        "breadcrumb": breadcrumb,
        "title": norm(rec["title"]),
        "source": norm(rec["source"]) if has_line else "",
        "published_raw": raw,
        "published_at": stamp.isoformat(),
        "published_utc": stamp.astimezone(dt.UTC).isoformat(),
        "published_precision": precision,
        "author_raw": norm(header_author),
        "byline_raw": norm(rec.get("byline") or ""),
        "authors": list(rec["authors"]),
        "body": body_text,
        "images": images,
        "related": [{"title": norm(r["title"]), "summary": norm(r["summary"]), "url": CANONICAL + r["url_path"]}
                    for r in index.top_news(rec)],
        "editor": norm(rec.get("editor") or ""),
        "word_count": len(body_text.split()),
        "extraction_notes": sorted(notes),
    }
