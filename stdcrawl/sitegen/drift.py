"""A redesigned site: the same records rendered, from one date on, in new markup.

Tests of the drift alarm (stdcrawl/archive/drift.py) need the site to change under
the crawler the way live sites do: from a date on, article pages move the
Source line above the headline and relabel it (`Source - … · time · Written
by …`, which the extractor's `Source: … | … | Author: …` anchor does not
match), drop the body's `By …` byline where that bar carries the author (so
no author is left to find), and
rename every container (`article.story`, `section.story-body`). Pages before
the date keep their markup.
"""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"(\d{4})-?(\d{2})(?:/(\d{2}))?")


def record_date(rec: dict) -> dt.date:
    """The day a record was published (its Source line's, else its URL's)."""
    if rec.get("published"):
        return dt.date.fromisoformat(rec["published"][:10])
    y, m, d = _DATE.search(rec["url_path"]).groups()
    return dt.date(int(y), int(m), int(d or 1))


def drifted(records: list[dict], since: dt.date) -> list[dict]:
    """Copies of the records; those published on or after `since` are marked for the redesign."""
    return [{**rec, "drifted": True} if record_date(rec) >= since else dict(rec) for rec in records]
