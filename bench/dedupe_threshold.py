"""How alike are two copies of one story, and two stories that share a title?

Measures the body similarity `stdcrawl.archive.near_duplicates` uses for near-duplicates on
two populations and prints, per measure, the lowest score of a copy and the
highest score of a different story:

- copies: every fixture article and 300 synthetic articles, each edited
  as copies on the site are (`sitegen.copies.light_edit`: every single edit
  and every pair of edits, the captioned image moved or not);
- different stories: every pair of fixture articles, 3,000 random pairs of
  synthetic articles (their sentences come from one pool, so they share
  more wording than real stories do), and the "WEEKLY REVIEW" digests of the
  fixtures, which share an intro line and subheadings.

    python -m bench.dedupe_threshold

Bodies are the golden `body` fields (what the archive compares).
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import random
import zlib
from pathlib import Path

from stdcrawl import sitegen
from stdcrawl.archive import near_duplicates
from stdcrawl.sitegen.copies import EDITS, light_edit
from stdcrawl.sitegen.records import SiteIndex

ROOT = Path(__file__).resolve().parent.parent


def _shingles(body: str, k: int) -> set[int]:
    words = near_duplicates._WORD.findall(body.casefold())
    return {zlib.crc32(" ".join(words[i:i + k]).encode()) for i in range(max(1, len(words) - k + 1))}


def jaccard(k: int):
    def measure(a: str, b: str) -> float:
        sa, sb = _shingles(a, k), _shingles(b, k)
        return len(sa & sb) / len(sa | sb)
    return measure


def containment(k: int):
    def measure(a: str, b: str) -> float:
        sa, sb = _shingles(a, k), _shingles(b, k)
        return len(sa & sb) / min(len(sa), len(sb))
    return measure


MEASURES = {"jaccard-1": jaccard(1), "jaccard-2": jaccard(2), "jaccard-3": jaccard(3), "jaccard-5": jaccard(5),
            "containment-3": containment(3)}


def populations() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(copies, different stories): (label, body a, body b) triples."""
    rng = random.Random(11)
    fixture_recs = [json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "fixtures/src/articles").glob("*.json"))]
    synth = sitegen.synthetic_articles(300, seed=5, end=dt.date(2026, 6, 30))
    copies, others = [], []
    for recs in (fixture_recs, synth):
        index = SiteIndex(recs)
        for rec in recs:
            body = sitegen.expected_fields(rec, index)["body"]
            combos = [(e,) for e in EDITS[:4]] + list(itertools.combinations(EDITS[:4], 2))
            for combo in combos:
                for moved in ((), ("caption_moved",)):
                    edited = dict(rec, paragraphs=light_edit(rec["paragraphs"], rng, combo + moved))
                    copies.append(("+".join(combo + moved), body, sitegen.expected_fields(edited, index)["body"]))
    index = SiteIndex(fixture_recs)
    manifest = json.loads((ROOT / "fixtures/manifest.json").read_text("utf-8"))
    one_story = {frozenset(p) for p in manifest["duplicate_pairs"] + manifest["near_duplicate_pairs"]}
    by_id = {sitegen.article_id(r["url_path"]): r for r in fixture_recs}
    for (ia, ra), (ib, rb) in itertools.combinations(sorted(by_id.items()), 2):
        if frozenset((ia, ib)) in one_story:
            continue
        digests = ra["title"].startswith("WEEKLY") and rb["title"].startswith("WEEKLY")
        others.append(("weekly digests" if digests else "fixture pairs", sitegen.expected_fields(ra, index)["body"],
                       sitegen.expected_fields(rb, index)["body"]))
    synth_index = SiteIndex(synth)
    bodies = [sitegen.expected_fields(r, synth_index)["body"] for r in synth]
    for _ in range(3000):
        a, b = rng.sample(bodies, 2)
        others.append(("synthetic pairs", a, b))
    return copies, others


def _changed_share(a: str, b: str) -> float:
    """Words removed plus words added, over the longer body's words."""
    wa, wb = a.split(), b.split()
    same = sum(block.size for block in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_matching_blocks())
    return (len(wa) - same + len(wb) - same) / max(len(wa), len(wb))


def main() -> None:
    copies, others = populations()
    print(f"{len(copies)} copies, {len(others)} pairs of different stories")
    print(f"{'measure':<15} {'lowest copy':>12} {'1st pct copy':>13} {'highest other':>14}  copies < 0.8  others >= 0.8")
    for name, measure in MEASURES.items():
        c = sorted(measure(a, b) for _, a, b in copies)
        o = sorted(measure(a, b) for _, a, b in others)
        print(f"{name:<15} {c[0]:12.3f} {c[len(c) // 100]:13.3f} {o[-1]:14.3f}  {sum(x < 0.8 for x in c):12d}"
              f"  {sum(x >= 0.8 for x in o):12d}")
    changed = sorted(_changed_share(a, b) for _, a, b in copies)
    print(f"share of words changed in a copy: median {changed[len(changed) // 2]:.1%}, "
          f"99th percentile {changed[len(changed) * 99 // 100]:.1%}, most {changed[-1]:.1%}")
    chosen = MEASURES[f"jaccard-{near_duplicates.SHINGLE_WORDS}"]
    worst = min(copies, key=lambda t: chosen(t[1], t[2]))
    print(f"lowest copy under jaccard-{near_duplicates.SHINGLE_WORDS}: {chosen(worst[1], worst[2]):.3f} ({worst[0]}, "
          f"{len(worst[1].split())} words)")
    by_label: dict[str, float] = {}
    for label, a, b in others:
        by_label[label] = max(by_label.get(label, 0.0), chosen(a, b))
    print("highest different-story score by population:", {k: round(v, 3) for k, v in by_label.items()})


if __name__ == "__main__":
    main()
