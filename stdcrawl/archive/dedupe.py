"""One canonical URL, one story: the de-duplication the crawl and `reparse` share."""

from __future__ import annotations

import sqlite3

from stdcrawl.archive.store import fingerprint

#: URLs and fingerprints kept in Python sets before they move to the spill file.
#: A set entry costs ≈ 336 B per article (tracemalloc, issue 13): without the
#: spill, a crawl's peak grew ≈ 0.75 MB per 1,000 archived articles.
IN_MEMORY = 1000


class Deduper:
    """One canonical URL, one story: tells which articles were already seen.

    Within a run by canonical URL and fingerprint; against the archive by the
    fingerprint index (the same story under a G2 and a G3 URL). Lightly
    edited copies (near_duplicates.py) are found when stored
    (`Archive.near_duplicate_of`), where both the archive and the batch not
    yet written are at hand.

    What the run has seen is answered from two places: the newest
    `in_memory` entries in sets, the rest in a private temporary SQLite file
    (its page cache is bounded: SQLite's default 2 MB), so memory stays flat
    however long the run, and every answer is the one the sets alone gave
    (issue 13). The archive cannot answer "seen in this run" itself: a URL
    stored by an earlier run is an update, not a duplicate, and a batch
    whose transaction rolled back stored nothing.
    """

    def __init__(self, archive=None, in_memory: int = IN_MEMORY):
        self.archive = archive
        self.in_memory = in_memory
        self.seen_urls: set[str] = set()
        self.seen_fingerprints: dict[str, str] = {}
        self._spill: sqlite3.Connection | None = None

    def duplicate_of(self, article: dict, fp: str | None = None) -> str | None:
        """The article_id this article duplicates, or None.

        Returns the article's own id when the same URL came twice in a run.
        `fp`: the article's fingerprint when already known (then `article`
        needs only its `canonical_url` and `article_id`).
        """
        url = article["canonical_url"]
        if url in self.seen_urls or self._spilled_url(url):
            return article["article_id"]
        self.seen_urls.add(url)
        fp = fp or fingerprint(article)
        twin = self.seen_fingerprints.get(fp) or self._spilled_fingerprint(fp)
        if twin is None and self.archive is not None:
            twin = self.archive.article_with_fingerprint(fp)
        if twin is not None and twin != article["article_id"]:
            self._trim()
            return twin
        self.seen_fingerprints[fp] = article["article_id"]
        self._trim()
        return None

    def close(self) -> None:
        """Forget the run: the spill file goes (SQLite deletes it on close)."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        self.seen_urls.clear()
        self.seen_fingerprints.clear()

    def _trim(self) -> None:
        """Past `in_memory` entries, move the sets into the spill file."""
        if len(self.seen_urls) + len(self.seen_fingerprints) < self.in_memory:
            return
        if self._spill is None:
            self._spill = sqlite3.connect("")  # "": a private on-disk temporary database
            self._spill.executescript(
                """create table urls (url text primary key) without rowid;
                   create table fingerprints (fp text primary key, article_id text not null) without rowid;""")
        with self._spill:
            self._spill.executemany("insert or ignore into urls values (?)", ((u,) for u in self.seen_urls))
            self._spill.executemany("insert or ignore into fingerprints values (?, ?)",
                                    self.seen_fingerprints.items())
        self.seen_urls.clear()
        self.seen_fingerprints.clear()

    def _spilled_url(self, url: str) -> bool:
        if self._spill is None:
            return False
        return self._spill.execute("select 1 from urls where url = ?", [url]).fetchone() is not None

    def _spilled_fingerprint(self, fp: str) -> str | None:
        if self._spill is None:
            return None
        row = self._spill.execute("select article_id from fingerprints where fp = ?", [fp]).fetchone()
        return row[0] if row else None
