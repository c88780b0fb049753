"""One canonical URL, one story: the de-duplication the crawl and `reparse` share."""

from __future__ import annotations

from stdcrawl.archive.store import fingerprint


class Deduper:
    """One canonical URL, one story: tells which articles were already seen.

    Within a run by canonical URL and fingerprint; against the archive by the
    fingerprint index (the same story under a G2 and a G3 URL). Lightly
    edited copies (near_duplicates.py) are found when stored
    (`Archive.near_duplicate_of`), where both the archive and the batch not
    yet written are at hand.
    """

    def __init__(self, archive=None):
        self.archive = archive
        self.seen_urls: set[str] = set()
        self.seen_fingerprints: dict[str, str] = {}

    def duplicate_of(self, article: dict) -> str | None:
        """The article_id this article duplicates, or None.

        Returns the article's own id when the same URL came twice in a run.
        """
        if article["canonical_url"] in self.seen_urls:
            return article["article_id"]
        self.seen_urls.add(article["canonical_url"])
        fp = fingerprint(article)
        twin = self.seen_fingerprints.get(fp)
        if twin is None and self.archive is not None:
            twin = self.archive.article_with_fingerprint(fp)
        if twin is not None and twin != article["article_id"]:
            return twin
        self.seen_fingerprints[fp] = article["article_id"]
        return None
