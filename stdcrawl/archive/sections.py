"""Sections for articles whose page shows none, from the lists that show them.

G4 pages carry no breadcrumb: such an article gets the section most other
articles on its lists show (`SectionInference.infer_sections`, run when a
crawl or a reparse closes).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from stdcrawl.archive.state import _json
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile, url_path


class SectionInference:
    """Section inference over `list_items` (a part of `Archive`, which holds `self.db`)."""

    def infer_sections(self, profile: SiteProfile = STDAILY_ENGLISH, lists: Iterable[str] | None = None,
                       articles: Iterable[str] | None = None) -> int:
        """Give a section to articles whose page shows none (G4 pages have no
        breadcrumb) from the lists that show them: the section most other
        articles on those lists (all pages of a list, the home page excepted)
        show. Marked `section_from_list` in extraction_notes. Returns how many
        articles got one. `profile`: the site whose list pages these are.

        `lists`: only the lists these list URLs belong to (what a run
        touched: a no-change night touches none and costs nothing), plus
        the other lists of the orphans found there; None: every list.
        `articles`: only these articles (canonical URLs: what a run stored)
        and those on the lists that still have none get one (a section
        inferred before is kept); None: every article shown without one
        is reconsidered. A full run passes neither."""

        def family_of(list_url: str) -> str | None:
            path = url_path(list_url)
            return None if path == profile.home_path else profile.list_family(path)

        orphans: dict[str, tuple[str, str, list[str], set[str]]] = {}
        votes: dict[str, Counter] = {}
        # Votes are counted by SQLite, per list page and section; Python sees only
        # the orphans' rows (reading every membership row in Python was most of
        # a close at 100k articles, issue 9).
        joined = """ from list_items l join article_urls u on u.url = l.article_url
                     join articles a on a.article_id = u.article_id"""
        voter = "a.section != '' and instr(coalesce(a.extraction_notes, ''), 'section_from_list') = 0"
        vote_sql = f"select l.list_url, a.section, a.section_dir, count(*){joined} where {voter} and (%s) group by 1, 2, 3"
        orphan_sql = f"select a.article_id, a.section, a.section_dir, a.extraction_notes, l.list_url{joined} where not ({voter}) and (%s)"

        def tally(families: set[str] | None, orphans_too: bool = True) -> None:
            for where, params in self._family_ranges(families, profile):
                for list_url, section, section_dir, n in self.db.execute(vote_sql % where, params):
                    family = family_of(list_url)
                    if family is not None:
                        votes.setdefault(family, Counter())[(section, section_dir)] += n
                if not orphans_too:
                    continue
                for only, only_params in _chunks_of(articles):
                    for article_id, section, section_dir, notes, list_url in self.db.execute(
                        orphan_sql % f"({where}) and {only}", params + only_params
                    ):
                        family = family_of(list_url)
                        if family is not None:
                            orphans.setdefault(article_id, (section, section_dir, json.loads(notes or "[]"), set()))[3].add(family)

        articles = None if articles is None else sorted(set(articles))
        if lists is None:
            tally(None)
        else:
            families = {family_of(url) for url in lists} - {None}
            tally(families)
            others = set()
            for article_id in orphans:
                others |= {family_of(r[0]) for r in self.db.execute(
                    "select l.list_url from list_items l join article_urls u on u.url = l.article_url "
                    "where u.article_id = ?", [article_id])}
            tally(others - families - {None}, orphans_too=False)
        updates = []
        for article_id, (old_section, old_dir, notes, families) in orphans.items():
            tally_ = sum((votes.get(f, Counter()) for f in families), Counter())
            if not tally_:
                continue
            # most votes, then the first section name
            section, section_dir = min(tally_, key=lambda k: (-tally_[k], k))
            if (section, section_dir) == (old_section, old_dir):
                continue  # inferred before, still right: nothing to write
            notes = sorted(set(notes) - {"no_section"} | {"section_from_list"})
            updates.append((section, section_dir, _json(notes), article_id))
        with self.db.atomic():
            self.db.conn.executemany(
                "update articles set section = ?, section_dir = ?, extraction_notes = ? where article_id = ?", updates
            )
        return len(updates)

    @staticmethod
    def _family_ranges(families: set[str] | None, profile: SiteProfile = STDAILY_ENGLISH):
        """(where, params) selecting list_items of the families (`…/common_list`,
        `…/node_410`: ranges of the list_items key, no scan); None: every row."""
        if families is None:
            yield "1", []
            return
        for family in sorted(families):
            prefix = profile.canonical_url(family)
            yield ("l.list_url between ? and ? or l.list_url between ? and ?",
                   [prefix + ".", prefix + ".\uffff", prefix + "_", prefix + "_\uffff"])

    def lists_showing(self, article_urls: Iterable[str]) -> set[str]:
        """The list pages that showed these articles."""
        found = set()
        for url in article_urls:
            found |= {r[0] for r in self.db.execute("select list_url from list_items where article_url = ?", [url])}
        return found


def _chunks_of(urls: list[str] | None, size: int = 500):
    """(SQL condition, params) restricting a membership query to these article URLs, in chunks,
    and to articles with no section at all; None: no restriction."""
    if urls is None:
        yield "1", []
        return
    yield "a.section = ''", []
    for start in range(0, len(urls), size):
        chunk = urls[start: start + size]
        yield f"u.url in ({', '.join('?' * len(chunk))})", chunk

