"""What users type for a section or a date: one reading for every command.

`crawl --sections`, `search`/`export --section`, the Python API and the
spider's own arguments all take a section as its directory (`BusinessNews`)
or any of its labels, old or current (`Comment`), in any case. Every
`--since`/`--until` takes `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or words
(`yesterday`, `7 days ago`, `last month`, read by dateparser against the one
clock, `stdcrawl.clock`, in Beijing time). A date names a period: its first day is
where `--since` starts, its last day where `--until` ends.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from stdcrawl.clock import get_clock
from stdcrawl.extract.normalize import BEIJING
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile

_ISO_PERIOD = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
_LETTER = re.compile(r"[^\W\d_]")
DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, 'yesterday' or '7 days ago'"


class InputError(ValueError):
    """A section or date that cannot be read; the message says what would be."""


# --- sections ------------------------------------------------------------------


def section_dir(value: str, profile: SiteProfile = STDAILY_ENGLISH) -> str | None:
    """The section directory `value` names (a directory or a label, any case) on `profile`'s site, or None."""
    key = (value or "").strip().casefold()
    for directory in profile.sections:
        if directory.casefold() == key:
            return directory
    return profile.section_dir_for(key) or None


def known_sections(extra: list[str] | tuple[str, ...] = (), profile: SiteProfile = STDAILY_ENGLISH) -> str:
    """The sections one may name, for an error message: `Comment (BusinessNews), …`."""
    names = [f"{profile.current_section_name(d)} ({d})" for d in profile.sections]
    known = {n.casefold() for d, labels in profile.sections.items() for n in (d, *labels)}
    names += sorted(x for x in extra if x and x.casefold() not in known)
    return ", ".join(names)


def section_dirs(values: list[str] | str | None, profile: SiteProfile = STDAILY_ENGLISH) -> list[str] | None:
    """Section directories for `crawl --sections` (comma-separated or a list); InputError names the unknown ones."""
    if isinstance(values, str):
        values = values.split(",")
    values = [v.strip() for v in values or [] if v and v.strip()]
    if not values:
        return None
    unknown = [v for v in values if section_dir(v, profile) is None]
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(unknown)}; known: {known_sections(profile=profile)}")
    dirs: list[str] = []
    for v in values:
        if (d := section_dir(v, profile)) not in dirs:
            dirs.append(d)
    return dirs


# --- dates -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days a date names, both inclusive (`2024` → 2024-01-01 … 2024-12-31)."""

    first: date
    last: date


def parse_period(value: str, option: str = "--since") -> Period:
    """The period `value` names; InputError (naming `option`) when it names none.

    Strings without letters must be `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (so
    `21-01-01` or `2021/01/01` are refused rather than guessed at); strings
    with letters are read by dateparser relative to the clock's now in
    Beijing time and name one day.
    """
    text = " ".join(str(value or "").split())
    m = _ISO_PERIOD.match(text)
    try:
        if m:
            year = int(m["y"])
            if m["d"]:
                day = date(year, int(m["m"]), int(m["d"]))
                return Period(day, day)
            if m["m"]:
                month = int(m["m"])
                return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
            return Period(date(year, 1, 1), date(year, 12, 31))
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a real date (use {DATE_FORMS})") from None
    if _LETTER.search(text) and (period := _words_period(text)) is not None:
        return period
    raise InputError(f"{option}: cannot read the date {value!r} (use {DATE_FORMS})")


def parse_day(value: str, option: str = "--since") -> date:
    """The first day of the period `value` names (what `--since` starts from)."""
    return parse_period(value, option).first


def _words_period(text: str) -> Period | None:
    """A date in words (`yesterday`, `7 days ago`, `last month`, `March 2024`), now being
    the clock's in Beijing time; a month or year named whole is that whole period."""
    import dateparser

    base = get_clock().now().astimezone(BEIJING).replace(tzinfo=None)
    parser = dateparser.DateDataParser(
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "DATE_ORDER": "YMD",
                  "RETURN_AS_TIMEZONE_AWARE": False},
    )
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31))
    if data.period == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(date(day.year, day.month, 1), date(day.year, day.month, last))
    return Period(day, day)
