"""Pure normalization functions: text, authors, timestamps.

No Scrapy here: every function takes and returns plain values, so each rule
of docs/fields.md is tested on its own (tests/test_normalize.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from stdcrawl.extract import site
from stdcrawl.clock import get_clock

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
SITE_FORMAT = "%Y-%m-%d %H:%M:%S"

# --- text --------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_LOST_SPACE = re.compile(r"(?<=[^\W_])\?(?=[^\W_])")
_LOST_COPYRIGHT = re.compile(r"\bCopyright\s*\?(?=\s)")


def clean_text(text: str | None) -> str:
    """Whitespace folded, the site's lost characters restored (docs/fields.md)."""
    if not text:
        return ""
    # `_SPACES.sub(" ", text).strip()`, 10× faster: str.split() splits on what
    # `\s` matches (str.isspace), which is all of _SPACES but U+200B and U+FEFF.
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    text = " ".join(text.split())
    if "?" in text:
        text = _LOST_COPYRIGHT.sub("Copyright ©", text)
        text = _LOST_SPACE.sub(" ", text)
    return text


def word_count(body: str) -> int:
    return len(body.split())


# --- authors -----------------------------------------------------------------

_SPLIT_AUTHORS = re.compile(r"\s*(?:&|\band\b|,|;|，|、)\s*", re.I)
_INSTITUTION = re.compile(
    r"\b(?:Reporters?|Correspondents?|Office|Staff|Department|Agency|Xinhua|Daily|University|Institute|Ministry|Cent(?:er|re)|Editorial|Team)\b",
    re.I,
)
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CAPS_WORD = re.compile(r"\b([A-Z])([A-Z]+)\b")
_BY_PREFIX = re.compile(r"^\s*By\s+", re.I)


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text or ""))


def is_institution(name: str) -> bool:
    return bool(_INSTITUTION.search(name))


def name_case(name: str) -> str:
    """`GONG Guoping` -> `Gong Guoping`; mixed-case names stay as written."""
    return _CAPS_WORD.sub(lambda m: m.group(1) + m.group(2).lower(), name)


def split_authors(text: str) -> list[str]:
    """Names from an author field or byline; institutions and roles whole."""
    text = clean_text(_BY_PREFIX.sub("", clean_text(text)))
    if not text:
        return []
    if is_institution(text) and not re.search(r"[&,;]", text):
        return [text]
    names: list[str] = []
    for part in _SPLIT_AUTHORS.split(text):
        part = part.strip(" .")
        if not part:
            continue
        name = part if (is_institution(part) or not has_latin(part)) else name_case(part)
        if name not in names:
            names.append(name)
    return names


def choose_authors(author_raw: str, byline_raw: str) -> tuple[list[str], bool]:
    """The article's authors and whether they came from the byline.

    The header's field wins when it has Latin letters; an empty or Chinese
    header gives way to the body's English `By …` line; a Chinese header with
    no byline is kept as written.
    """
    if has_latin(author_raw):
        return split_authors(author_raw), False
    if has_latin(byline_raw):
        return split_authors(byline_raw), True
    if author_raw.strip():
        return split_authors(author_raw), False
    return [], False


# --- timestamps --------------------------------------------------------------


@lru_cache(maxsize=1)
def _date_parser():
    """dateparser is slow to import and to set up: once, on first need."""
    import dateparser

    return dateparser.DateDataParser(
        languages=["en", "zh"],
        settings={
            "TIMEZONE": "Asia/Shanghai",
            "TO_TIMEZONE": "Asia/Shanghai",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "YMD",
            "REQUIRE_PARTS": ["year", "month", "day"],
        },
    )


def parse_timestamp(raw: str | None) -> tuple[datetime, str] | None:
    """A site timestamp as an aware datetime in Beijing time, with its precision.

    The site's fixed `YYYY-MM-DD HH:MM:SS` (no zone: Beijing) is parsed
    directly; ISO strings with an offset by `fromisoformat`; anything else by
    dateparser. Returns None when nothing parses.
    """
    raw = clean_text(raw)
    if not raw:
        return None
    try:
        return datetime.strptime(raw, SITE_FORMAT).replace(tzinfo=BEIJING), "second"
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        dt = None
    if dt is not None:
        precision = "second" if ("T" in raw or " " in raw or ":" in raw) else "day"
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=BEIJING)
        return dt.astimezone(BEIJING), precision
    data = _date_parser().get_date_data(raw)
    if data.date_obj is None:
        return None
    precision = "second" if re.search(r"\d:\d", raw) else "day"
    return data.date_obj.astimezone(BEIJING), precision


def date_from_url(year: int, month: int, day: int | None) -> tuple[datetime, str]:
    """The URL's date at midnight Beijing time (the first of the month for G2)."""
    return datetime(year, month, day or 1, tzinfo=BEIJING), ("day" if day else "month")


def iso_beijing(dt: datetime) -> str:
    return dt.astimezone(BEIJING).isoformat(timespec="seconds")


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def utc_now() -> str:
    """Now, from the process's clock (`stdcrawl.clock`), as stored in the archive."""
    return get_clock().iso()


def parse_since(value: str) -> date:
    """A `--since` value: ISO date, or anything dateparser reads ("3 days ago")."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    import dateparser

    base = get_clock().now().astimezone(BEIJING).replace(tzinfo=None)
    parsed = dateparser.parse(
        clean_text(value),
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "DATE_ORDER": "YMD"},
    )
    if parsed is None:
        raise ValueError(f"cannot read the date {value!r}")
    return parsed.date()


def recheck_since(days: int, today: date) -> datetime | None:
    """The first instant of a recheck window of `days` Beijing calendar days
    ending with `today` (today counts as one); None when `days` is 0."""
    if days <= 0:
        return None
    first = today - timedelta(days=days - 1)
    return datetime(first.year, first.month, first.day, tzinfo=BEIJING)


# --- a whole article ----------------------------------------------------------


def split_breadcrumb(raw: str | None) -> list[str]:
    if not raw:
        return []
    return [c for c in (clean_text(part) for part in raw.split(">")) if c]


def normalize_article(raw: dict) -> dict:
    """A RawArticle (as the loader found it) as an Article (docs/fields.md).

    Missing parts leave fields empty and add a code to `extraction_notes`.
    """
    notes: set[str] = set()
    url = raw["url"]
    local = site.urlsplit(url).netloc

    def canon(u: str) -> str:
        return site.canonical_url(u, local)

    canonical = canon(url)
    ref = site.article_ref(site.url_path(canonical))

    breadcrumb = split_breadcrumb(raw.get("breadcrumb_raw"))
    if not breadcrumb:
        notes.add("no_breadcrumb")
    section = breadcrumb[1] if len(breadcrumb) >= 2 else ""
    section_dir = (ref.section_dir if ref else "") or site.section_dir_for(section)
    if not section:
        section = site.current_section_name(section_dir) or clean_text(raw.get("section_hint"))
        section_dir = section_dir or site.section_dir_for(section)
    if not section:
        notes.add("no_section")

    line = raw.get("source_line")
    if line is None:
        notes.add("no_source_line")
        line = {"source": "", "published": "", "author": ""}
    source = clean_text(line["source"])
    if raw.get("source_line") is not None and not source:
        notes.add("no_source")

    published_raw = clean_text(line["published"])
    parsed = parse_timestamp(published_raw)
    if parsed is None and raw.get("meta_published"):
        published_raw = clean_text(raw["meta_published"])
        parsed = parse_timestamp(published_raw)
        if parsed:
            notes.add("published_from_meta")
    if parsed is None and ref is not None:
        parsed = date_from_url(ref.year, ref.month, ref.day)
        notes.add("published_from_url")
    if parsed is None:
        published_raw = published_raw or ""

    author_raw = clean_text(line["author"])
    byline_raw = clean_text(raw.get("byline_raw"))
    authors, from_byline = choose_authors(author_raw, byline_raw)
    if from_byline:
        notes.add("authors_from_byline")
    if not authors:
        notes.add("no_author")
    if raw.get("encoding_recovered"):
        notes.add("encoding_recovered")

    body = "\n\n".join(p for p in (clean_text(x) for x in raw.get("paragraphs", [])) if p)
    images = [
        {"src": canon(i["src"]) if i["src"] else "", "caption": clean_text(i["caption"])}
        for i in raw.get("images", [])
    ]
    related = [
        {"title": clean_text(r["title"]), "summary": clean_text(r["summary"]), "url": canon(r["url"])}
        for r in raw.get("related", [])
    ]
    return {
        "url": url,
        "canonical_url": canonical,
        "article_id": ref.article_id if ref else "",
        "generation": ref.generation if ref else "",
        "section": section,
        "section_dir": section_dir,
        "breadcrumb": breadcrumb,
        "title": clean_text(raw.get("title_raw")),
        "source": source,
        "published_raw": published_raw,
        "published_at": iso_beijing(parsed[0]) if parsed else None,
        "published_utc": iso_utc(parsed[0]) if parsed else None,
        "published_precision": parsed[1] if parsed else None,
        "author_raw": author_raw,
        "byline_raw": byline_raw,
        "authors": authors,
        "body": body,
        "images": images,
        "related": related,
        "editor": clean_text(raw.get("editor_raw")),
        "word_count": word_count(body),
        "extraction_notes": sorted(notes),
        "fetched_at": raw.get("fetched_at") or utc_now(),
    }
