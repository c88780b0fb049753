"""The crawl's de-duplication keeps flat memory (issue 13 §3): past a bound,
what a run has seen moves out of Python sets, and every answer stays the one
the sets alone gave."""

from __future__ import annotations

from stdcrawl.archive.dedupe import Deduper
from stdcrawl.archive.store import Archive, fingerprint

from .archive_factory import make_article

BATCH = 50


def test_the_in_memory_sets_stay_bounded_however_many_batches_are_written(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        deduper = Deduper(archive, in_memory=120)
        largest = 0
        for start in range(0, 1000, BATCH):
            batch = [make_article(n) for n in range(start, start + BATCH)]
            assert [deduper.duplicate_of(a) for a in batch] == [None] * BATCH
            archive.write_batch(batch, [], None)
            largest = max(largest, len(deduper.seen_urls) + len(deduper.seen_fingerprints))
        assert largest <= 120
        # a URL of the first batch, fetched again in this run, is still a second fetch
        assert deduper.duplicate_of(make_article(0)) == "g3-0"
        deduper.close()


def test_answers_after_the_sets_moved_out_are_those_of_the_whole_run():
    deduper = Deduper(in_memory=10)
    articles = [make_article(n) for n in range(100)]
    assert [deduper.duplicate_of(a) for a in articles] == [None] * 100
    assert len(deduper.seen_urls) + len(deduper.seen_fingerprints) < 10
    first = articles[0]
    # the same URL again, long after it was seen: fetched twice in one run
    assert deduper.duplicate_of(first) == first["article_id"]
    # the same story under another URL: a duplicate of the first article seen
    twin = make_article(5000, canonical_url=first["canonical_url"] + "?copy", title=first["title"],
                        body=first["body"], published_at=first["published_at"])
    assert fingerprint(twin) == fingerprint(first)
    assert deduper.duplicate_of(twin) == first["article_id"]
    # and a story never seen is none
    assert deduper.duplicate_of(make_article(6000)) is None
    deduper.close()


def test_a_run_without_the_spill_and_one_with_it_answer_alike():
    """Every answer of a bounded deduper equals an unbounded one's, over URLs
    repeated and stories repeated under other ids, in a mixed order."""
    stream = []
    for n in range(400):
        stream.append(make_article(n))
        if n % 7 == 0:
            stream.append(make_article(n // 2))  # a URL again
        if n % 11 == 0:
            base = make_article(n // 3)
            stream.append(make_article(10_000 + n, title=base["title"], body=base["body"]))  # a story again
    unbounded, bounded = Deduper(in_memory=10**9), Deduper(in_memory=25)
    expected = [unbounded.duplicate_of(a) for a in stream]
    assert [bounded.duplicate_of(a) for a in stream] == expected
    own = sum(1 for a, twin in zip(stream, expected) if twin == a["article_id"])
    twins = sum(1 for a, twin in zip(stream, expected) if twin not in (None, a["article_id"]))
    assert own > 20 and twins > 20  # both kinds of duplicate, many found only in the spill file
    bounded.close()
