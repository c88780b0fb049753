"""Field health: how well the extractor read a set of article pages.

For every page a run (or a probe) extracts, each field is checked for being
present and plausible (`article_checks`); `HealthTally` counts the checks per
group — all pages, each URL generation, each page template (signature.py) —
with the body lengths and an example value per field. A run's tally is kept in
`run_health` (docs/schema.md) and judged against the archive's history by
archive/drift.py.

Fields (docs/schema.md, `run_health.field`):
- `readable`: the page gave an article at all (a title and a body)
- `title`: a headline of 5–300 characters
- `time`: a publication time with a time of day (the Source line's, or a meta tag's)
- `authors`: at least one author, each a name-sized string
- `body`: a body of at least the floor (STDCRAWL_HEALTH_BODY_FLOOR, 300 characters)
- `section`: a section the site (its profile) is known to have
- `source_line`: the page's `Source: … | time | Author: …` anchor was found
- `captions`: a caption on at least one image (pages with images only)
- `related`: a "Top News" block with linked headlines
- `editor`: an `Editor:` name
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile

FIELDS: tuple[str, ...] = (
    "readable", "title", "time", "authors", "body", "section", "source_line", "captions", "related", "editor",
)
#: A body shorter than this many characters is not a plausible article body (setting STDCRAWL_HEALTH_BODY_FLOOR).
BODY_FLOOR = 300


def article_checks(article: dict, body_floor: int = BODY_FLOOR,
                   profile: SiteProfile = STDAILY_ENGLISH) -> dict[str, tuple[bool, bool] | None]:
    """Field -> (present, plausible) for one extracted article of `profile`'s
    site; None where a field does not apply (captions on a page without images)."""
    title, body = article.get("title") or "", article.get("body") or ""
    authors = article.get("authors") or []
    images = article.get("images") or []
    related = article.get("related") or []
    editor = article.get("editor") or ""
    has_line = "no_source_line" not in (article.get("extraction_notes") or [])
    captions = [i.get("caption") for i in images if i.get("caption")]
    return {
        "readable": (True, True),
        "title": (bool(title), 5 <= len(title) <= 300),
        "time": (bool(article.get("published_at")), article.get("published_precision") == "second"),
        "authors": (bool(authors), bool(authors) and len(authors) <= 8 and all(0 < len(a) <= 60 for a in authors)),
        "body": (bool(body), len(body) >= body_floor),
        "section": (bool(article.get("section")), article.get("section_dir") in profile.sections),
        "source_line": (has_line, has_line),
        "captions": (bool(captions), any(len(c) <= 600 for c in captions)) if images else None,
        "related": (bool(related), bool(related) and all(r.get("url") and r.get("title") for r in related)),
        "editor": (bool(editor), 0 < len(editor) <= 60),
    }


def anchors_missing(article: dict, profile: SiteProfile = STDAILY_ENGLISH) -> bool:
    """A page of a generation that always shows the source line
    (`profile.generations_with_source_line`), extracted without one."""
    return article.get("generation") in profile.generations_with_source_line and (
        "no_source_line" in (article.get("extraction_notes") or [])
    )


def example_value(article: dict, name: str) -> str:
    """A short example of a field's value, for the probe's table."""
    value = {
        "readable": article.get("article_id"), "title": article.get("title"),
        "time": article.get("published_at"), "authors": "; ".join(article.get("authors") or []),
        "body": f"{len(article.get('body') or '')} chars", "section": article.get("section"),
        "source_line": article.get("source"),
        "captions": next((i["caption"] for i in article.get("images") or [] if i.get("caption")), ""),
        "related": f"{len(article.get('related') or [])} headlines" if article.get("related") else "",
        "editor": article.get("editor"),
    }.get(name) or ""
    value = str(value)
    return value if len(value) <= 48 else value[:47] + "…"


@dataclass
class FieldCount:
    """One field in one group: pages it applies to, pages with it, pages with it plausible."""

    articles: int = 0
    present: int = 0
    plausible: int = 0
    example: str = ""

    @property
    def share(self) -> float | None:
        return self.plausible / self.articles if self.articles else None


@dataclass
class GroupHealth:
    """The checks of one group of pages (all, a generation or a template)."""

    pages: int = 0
    fields: dict[str, FieldCount] = field(default_factory=lambda: {f: FieldCount() for f in FIELDS})
    body_lengths: array = field(default_factory=lambda: array("L"))  # 4–8 bytes a page, not a Python int's 28
    first_published: str = ""  # the earliest publication day of its pages (YYYY-MM-DD)

    @property
    def body_median(self) -> float | None:
        return median(self.body_lengths) if self.body_lengths else None


class HealthTally:
    """Counts field checks over the pages of one run or probe, per group."""

    def __init__(self, body_floor: int = BODY_FLOOR, profile: SiteProfile = STDAILY_ENGLISH):
        self.body_floor = body_floor
        self.profile = profile
        self.groups: dict[tuple[str, str], GroupHealth] = defaultdict(GroupHealth)

    def _groups_of(self, article: dict) -> list[GroupHealth]:
        keys = [("all", "all"), ("generation", article.get("generation") or "?")]
        keys.append(("template", article.get("template") or "?"))
        return [self.groups[k] for k in keys]

    def add(self, article: dict) -> None:
        """One extracted article (stored, protected or kept as it was)."""
        checks = article_checks(article, self.body_floor, self.profile)
        day = (article.get("published_at") or "")[:10]
        for group in self._groups_of(article):
            group.pages += 1
            if day and (not group.first_published or day < group.first_published):
                group.first_published = day
            group.body_lengths.append(len(article.get("body") or ""))
            for name, check in checks.items():
                if check is None:
                    continue
                count = group.fields[name]
                count.articles += 1
                count.present += check[0]
                count.plausible += check[1]
                if check[1] and not count.example:
                    count.example = example_value(article, name)

    def add_unreadable(self, article: dict) -> None:
        """A page that gave no article (no title or no body): only `readable` applies."""
        for group in self._groups_of(article):
            group.pages += 1
            group.fields["readable"].articles += 1

    def group(self, grouping: str, key: str) -> GroupHealth | None:
        return self.groups.get((grouping, key))

    def keys(self, grouping: str) -> list[str]:
        return sorted(k for g, k in self.groups if g == grouping)

    @property
    def pages(self) -> int:
        g = self.groups.get(("all", "all"))
        return g.pages if g else 0

    def rows(self, crawl_id: int) -> list[dict]:
        """`run_health` rows: one per group and field that applied to a page."""
        rows = []
        for (grouping, key), group in sorted(self.groups.items()):
            for name, count in group.fields.items():
                if not count.articles:
                    continue
                rows.append({
                    "crawl_id": crawl_id, "grouping": grouping, "group_key": key, "field": name,
                    "articles": count.articles, "present": count.present, "plausible": count.plausible,
                    "body_median": group.body_median if name == "body" else None,
                })
        return rows
