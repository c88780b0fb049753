"""Near-duplicate stories: one story under two URLs whose copies differ a little.

The same story is often published twice (a G2 and a G3 URL, a repost) and
lightly edited between the copies: a sentence added, a word changed, a
caption moved. Byte-identical copies share a fingerprint (`store.fingerprint`,
found by `dedupe.Deduper`); these do not. Two articles are copies of one story
when

- their titles are the same once normalized (`title_key`: case, spacing and
  punctuation ignored),
- they were published at the same time (`same_time`: the same timestamp when
  both pages give one to the second; the same Beijing day when one gives only
  a date), and
- their bodies are alike (`similarity` ≥ `THRESHOLD`).

The title and time make the candidates (an indexed lookup, never a scan of
the archive); the body decides, because different stories do share titles
(weekly digests are all called "WEEKLY REVIEW"). The threshold was measured:
`python -m bench.dedupe_threshold` (figures at `THRESHOLD`).
"""

from __future__ import annotations

import re
import zlib

#: Words per shingle.
SHINGLE_WORDS = 3
#: Least `similarity` of two copies of one story. Measured (`bench.dedupe_threshold`)
#: on 7,040 lightly edited copies (fixture and synthetic articles; up to 39 % of
#: the words changed) and 4,324 pairs of different stories: copies score
#: 0.62–1.0 (1 % below 0.8), different stories 0–0.36 (0.09 for two weekly
#: digests sharing an intro and subheadings). 0.5 sits in the gap.
THRESHOLD = 0.5

_WORD = re.compile(r"\w+")


def title_key(title: str | None) -> str:
    """The title as compared: casefolded words only (`WEEKLY REVIEW(June 9-16)` →
    `weekly review june 9 16`)."""
    return " ".join(_WORD.findall((title or "").casefold()))


def same_time(a_at: str | None, a_precision: str | None, b_at: str | None, b_precision: str | None) -> bool:
    """Published at the same time: the same instant when both are known to the
    second, the same Beijing day when one is known only to the day; never for
    a month-only date or an unknown one."""
    if not a_at or not b_at or "month" in (a_precision, b_precision):
        return False
    if a_precision == b_precision == "second":
        return a_at == b_at
    return a_at[:10] == b_at[:10]


def day_of(published_at: str | None, precision: str | None) -> str | None:
    """The Beijing day a near-duplicate's candidates are looked up by, or None
    when the date is too vague to compare (`same_time`)."""
    if not published_at or precision == "month":
        return None
    return published_at[:10]


def shingles(body: str, k: int = SHINGLE_WORDS) -> set[int]:
    """The body's overlapping runs of `k` words (casefolded), hashed."""
    words = _WORD.findall(body.casefold())
    if len(words) < k:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i: i + k]).encode()) for i in range(len(words) - k + 1)}


def similarity(a: str, b: str) -> float:
    """Word-shingle resemblance of two bodies, 0…1 (Jaccard: shared / all)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def is_copy(article: dict, other: dict) -> float | None:
    """The similarity when `other` (an article or a stored row) is a copy of the
    same story as `article`, else None."""
    if title_key(article["title"]) != title_key(other["title"]):
        return None
    if not same_time(article.get("published_at"), article.get("published_precision"),
                     other.get("published_at"), other.get("published_precision")):
        return None
    score = similarity(article["body"], other["body"])
    return score if score >= THRESHOLD else None


def best_copy(article: dict, candidates) -> tuple[str, float] | None:
    """(article_id, similarity) of the candidate most like `article` among
    those that are copies of its story, or None."""
    best = None
    for other in candidates:
        if other["article_id"] == article["article_id"]:
            continue
        score = is_copy(article, other)
        if score is not None and (best is None or score > best[1]):
            best = (other["article_id"], score)
    return best
