"""Pure normalization functions: text, authors, timestamps.

No Scrapy here: every function takes and returns plain values, so each rule
of docs/fields.md is tested on its own (tests/test_normalize.py). The site's
conventions (time zone, timestamp format, the `?` rule, institution words,
which crumb is the section) come from its profile (`site.SiteProfile`),
stdaily.com's by default.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from stdcrawl.clock import get_clock
from stdcrawl.extract import site
from stdcrawl.extract.page_regions import flat
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile

BEIJING = site.BEIJING
SITE_FORMAT = site.TIMESTAMP_FORMAT

# --- text --------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
# A `?` is the site's lost space unless a real question mark could end there:
# it is kept before a space, a closing quote or bracket, punctuation, or the end.
_LOST_SPACE = re.compile(r"(?<=\S)\?(?=[^\s\"'”’»)\]}>?!.,;:…—–])")
_LOST_COPYRIGHT = re.compile(r"\bCopyright\s*\?(?=\s)")


def clean_text(text: str | None, lost_characters: bool = True) -> str:
    """Whitespace folded, the site's lost characters restored (docs/fields.md;
    `lost_characters`: the profile's `?` rule)."""
    if not text:
        return ""
    # `_SPACES.sub(" ", text).strip()`, 10× faster: str.split() splits on what
    # `\s` matches (str.isspace), which is all of _SPACES but U+200B and U+FEFF.
    if not text.isascii() and ("\u200b" in text or "\ufeff" in text):
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    text = flat(text)
    if lost_characters and "?" in text:
        text = _LOST_COPYRIGHT.sub("Copyright ©", text)
        text = _LOST_SPACE.sub(" ", text)
    return text


def word_count(body: str) -> int:
    return len(body.split())


# --- authors -----------------------------------------------------------------

_SPLIT_AUTHORS = re.compile(r"\s*(?:&|\band\b|,|;|，|、)\s*", re.I)
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CAPS_WORD = re.compile(r"\b([A-Z])([A-Z]+)\b")
_BY_PREFIX = re.compile(r"^\s*By\s+", re.I)


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text or ""))


def is_institution(name: str, profile: SiteProfile = STDAILY_ENGLISH) -> bool:
    return bool(profile.institution_words.search(name))


def name_case(name: str) -> str:
    """`GONG Guoping` -> `Gong Guoping`; mixed-case names stay as written."""
    return _CAPS_WORD.sub(lambda m: m.group(1) + m.group(2).lower(), name)


def split_authors(text: str, profile: SiteProfile = STDAILY_ENGLISH) -> list[str]:
    """Names from an author field or byline; institutions and roles whole."""
    lost = profile.lost_characters
    text = clean_text(_BY_PREFIX.sub("", clean_text(text, lost)), lost)
    if not text:
        return []
    if is_institution(text, profile) and not re.search(r"[&,;]", text):
        return [text]
    names: list[str] = []
    for part in _SPLIT_AUTHORS.split(text):
        part = part.strip(" .")
        if not part:
            continue
        name = part if (is_institution(part, profile) or not has_latin(part)) else name_case(part)
        if name not in names:
            names.append(name)
    return names


@lru_cache(maxsize=2048)
def _authors(author_raw: str, byline_raw: str, profile: SiteProfile) -> tuple[tuple[str, ...], bool]:
    """`choose_authors`, remembered: a site's handful of authors and bylines recur on every page."""
    names, from_byline = choose_authors(author_raw, byline_raw, profile)
    return tuple(names), from_byline


def choose_authors(author_raw: str, byline_raw: str, profile: SiteProfile = STDAILY_ENGLISH) -> tuple[list[str], bool]:
    """The article's authors and whether they came from the byline.

    The header's field wins when it has Latin letters, unless the body's
    English `By …` line names more people; an empty or Chinese header gives
    way to the byline; a Chinese header with no byline is kept as written.
    """
    if has_latin(author_raw):
        header = split_authors(author_raw, profile)
        if has_latin(byline_raw):
            byline = split_authors(byline_raw, profile)
            if len(byline) > len(header):  # `Author: LI Ming` but `By LI Ming & WANG Fang`
                return byline, True
        return header, False
    if has_latin(byline_raw):
        return split_authors(byline_raw, profile), True
    if author_raw.strip():
        return split_authors(author_raw, profile), False
    return [], False


# --- timestamps --------------------------------------------------------------

#: SITE_FORMAT's shape, for the fast path of `parse_timestamp`.
_SITE_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


@lru_cache(maxsize=4)
def _date_parser(timezone_name: str = site.TIMEZONE_NAME):
    """dateparser is slow to import and to set up: once per time zone, on first need."""
    import dateparser

    return dateparser.DateDataParser(
        languages=["en", "zh"],
        settings={
            "TIMEZONE": timezone_name,
            "TO_TIMEZONE": timezone_name,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "YMD",
            "REQUIRE_PARTS": ["year", "month", "day"],
        },
    )


def parse_timestamp(raw: str | None, profile: SiteProfile = STDAILY_ENGLISH) -> tuple[datetime, str] | None:
    """A site timestamp as an aware datetime in the site's time zone (Beijing), with its precision.

    The site's fixed format (`YYYY-MM-DD HH:MM:SS`, no zone: Beijing) is parsed
    directly; ISO strings with an offset by `fromisoformat`; anything else by
    dateparser. Returns None when nothing parses.
    """
    raw = clean_text(raw, profile.lost_characters)
    if not raw:
        return None
    tz = profile.timezone
    if profile.timestamp_format == SITE_FORMAT and _SITE_STAMP.fullmatch(raw):
        try:  # strptime's result, 10× faster
            return datetime.fromisoformat(raw).replace(tzinfo=tz), "second"
        except ValueError:
            pass
    try:
        return datetime.strptime(raw, profile.timestamp_format).replace(tzinfo=tz), "second"
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        dt = None
    if dt is not None:
        precision = "second" if ("T" in raw or " " in raw or ":" in raw) else "day"
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
        return dt.astimezone(tz), precision
    data = _date_parser(profile.timezone_name).get_date_data(raw)
    if data.date_obj is None:
        return None
    precision = "second" if re.search(r"\d:\d", raw) else "day"
    return data.date_obj.astimezone(tz), precision


def date_from_url(year: int, month: int, day: int | None, tz=BEIJING) -> tuple[datetime, str]:
    """The URL's date at midnight in the site's time zone (the first of the month for G2)."""
    return datetime(year, month, day or 1, tzinfo=tz), ("day" if day else "month")


def iso_beijing(dt: datetime, tz=BEIJING) -> str:
    """The instant in the site's time zone (Beijing for stdaily.com)."""
    return dt.astimezone(tz).isoformat(timespec="seconds")


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def utc_now() -> str:
    """Now, from the process's clock (`stdcrawl.clock`), as stored in the archive."""
    return get_clock().iso()


def parse_since(value: str) -> date:
    """A `--since` value's first day (`stdcrawl.extract.inputs.parse_day`: one reading for every command)."""
    from stdcrawl.extract.inputs import parse_day

    return parse_day(value)


def recheck_since(days: int, today: date, tz=BEIJING) -> datetime | None:
    """The first instant of a recheck window of `days` calendar days of the
    site's time zone (Beijing) ending with `today` (today counts as one); None when `days` is 0."""
    if days <= 0:
        return None
    first = today - timedelta(days=days - 1)
    return datetime(first.year, first.month, first.day, tzinfo=tz)


# --- a whole article ----------------------------------------------------------


def split_breadcrumb(raw: str | None, profile: SiteProfile = STDAILY_ENGLISH) -> list[str]:
    if not raw:
        return []
    parts = raw.split(profile.breadcrumb_separator)
    return [c for c in (clean_text(part, profile.lost_characters) for part in parts) if c]


def stable_section(url_dir: str, label: str, hint: str = "", profile: SiteProfile = STDAILY_ENGLISH) -> tuple[str, str]:
    """(section_dir, section): one stable section per directory, today's name.

    The page's label ("International Cooperation" in 2021, "Cooperation"
    later) gives the directory when the URL has none; the section is the
    directory's current name, so one section never splits in two. A label
    the site map does not know stays as it is; without a label, the list
    page's hint.
    """
    section_dir = url_dir or profile.section_dir_for(label)
    section = profile.current_section_name(section_dir) or label or hint
    return section_dir or profile.section_dir_for(section), section


def normalize_article(raw: dict, profile: SiteProfile = STDAILY_ENGLISH) -> dict:
    """A RawArticle (as the loader found it) as an Article (docs/fields.md).

    Missing parts leave fields empty and add a code to `extraction_notes`.
    """
    notes: set[str] = set()
    url = raw["url"]
    local = urlsplit(url).netloc
    lost = profile.lost_characters
    tz = profile.timezone

    def clean(text: str | None) -> str:
        return clean_text(text, lost)

    def canon(u: str) -> str:
        return profile.canonical_url(u, local)

    canonical = canon(url)
    ref = profile.article_ref(site.url_path(canonical))

    breadcrumb = split_breadcrumb(raw.get("breadcrumb_raw"), profile)
    if not breadcrumb:
        notes.add("no_breadcrumb")
    crumb = profile.section_crumb
    section_label = breadcrumb[crumb] if len(breadcrumb) > crumb else ""
    section_dir, section = stable_section(
        (ref.section_dir if ref else ""), section_label, clean(raw.get("section_hint")), profile
    )
    if not section:
        notes.add("no_section")

    line = raw.get("source_line")
    if line is None:
        notes.add("no_source_line")
        line = {"source": "", "published": "", "author": ""}
    source = clean(line["source"])
    if raw.get("source_line") is not None and not source:
        notes.add("no_source")

    published_raw = clean(line["published"])
    parsed = parse_timestamp(published_raw, profile)
    if parsed is None and raw.get("meta_published"):
        published_raw = clean(raw["meta_published"])
        parsed = parse_timestamp(published_raw, profile)
        if parsed:
            notes.add("published_from_meta")
    if parsed is None and ref is not None:
        parsed = date_from_url(ref.year, ref.month, ref.day, tz)
        notes.add("published_from_url")
    if parsed is None:
        published_raw = published_raw or ""

    author_raw = clean(line["author"])
    byline_raw = clean(raw.get("byline_raw"))
    names, from_byline = _authors(author_raw, byline_raw, profile)
    authors = list(names)
    if from_byline:
        notes.add("authors_from_byline")
    if not authors:
        notes.add("no_author")
    if raw.get("encoding_recovered"):
        notes.add("encoding_recovered")
    if raw.get("charset_from_page"):
        notes.add("charset_from_page")

    paragraphs = [p for p in (clean(x) for x in raw.get("paragraphs", [])) if p]
    body = "\n\n".join(paragraphs)
    images = [
        {"src": canon(i["src"]) if i["src"] else "", "caption": clean(i["caption"])}
        for i in raw.get("images", [])
    ]
    related = [
        {"title": clean(r["title"]), "summary": clean(r["summary"]), "url": canon(r["url"])}
        for r in raw.get("related", [])
    ]
    return {
        "url": url,
        "canonical_url": canonical,
        "article_id": ref.article_id if ref else "",
        "generation": ref.generation if ref else "",
        "section": section,
        "section_label": section_label,
        "section_dir": section_dir,
        "breadcrumb": breadcrumb,
        "title": clean(raw.get("title_raw")),
        "source": source,
        "published_raw": published_raw,
        "published_at": iso_beijing(parsed[0], tz) if parsed else None,
        "published_utc": iso_utc(parsed[0]) if parsed else None,
        "published_precision": parsed[1] if parsed else None,
        "author_raw": author_raw,
        "byline_raw": byline_raw,
        "authors": authors,
        "body": body,
        "images": images,
        "related": related,
        "editor": clean(raw.get("editor_raw")),
        "word_count": sum(p.count(" ") + 1 for p in paragraphs),  # word_count(body): cleaned text has single spaces
        "extraction_notes": sorted(notes),
        "fetched_at": raw.get("fetched_at") or utc_now(),
        "template": raw.get("template") or "",  # signature.py; not a golden field
    }
