"""Copies of one story, and different stories that share a title (issue 11 §3).

`light_copy` makes the record of a lightly edited second copy of a story
under a new URL (same title and timestamp; a word changed, a sentence added
or removed, a short paragraph added, the captioned image moved);
`same_title_story` makes a different story published at the same time under
the same title (the trap a near-duplicate merge must not fall into);
`with_copies` adds both to a synthetic site (`python -m stdcrawl.sitegen synth
--copies N`). Deterministic: the same records and seed give the same copies.
"""

from __future__ import annotations

import copy
import random
import re

from .records import NODE_OF_SECTION, parse_path
from .synthetic import _synthetic_body

#: What an editor adds to a copy: sentences and short paragraphs.
ADDED_SENTENCES = (
    "The results were published on Tuesday.", "Experts expect the first products within three years.",
    "The team plans to extend the trial to other provinces.", "Further details were not disclosed.",
    "The project is funded by the local government.", "A second phase is due to start next spring.",
)
ADDED_PARAGRAPHS = (
    "This story has been updated with comments from the research team.",
    "(Editor's note: an earlier version of this story misspelled the name of the institute.)",
    "More details will be released at a press conference next week.",
)
SWAPPED_WORDS = {"more than": "nearly", "percent": "per cent", "recently": "lately", "new": "novel",
                 "said": "noted", "about": "around", "major": "key", "help": "assist", "also": "further"}
#: Where one sentence ends and the next begins (not after `Dr.`, `U.S.`, `No.`).
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])\"?\s+(?=[A-Z\"])(?<!\bDr\. )(?<!\bMr\. )(?<!\bNo\. )")
#: The edits `light_edit` chooses from; `caption_moved` leaves the body's text as it was.
EDITS = ("word", "sentence_added", "sentence_removed", "paragraph_added", "caption_moved")


def light_edit(paragraphs: list, rng: random.Random, edits: tuple[str, ...]) -> list:
    """The record's `paragraphs` with the given edits made (a new list)."""
    paras = copy.deepcopy(paragraphs)
    texts = [i for i, p in enumerate(paras) if isinstance(p, str) and len(p.split()) >= 6]
    for edit in edits:
        if edit == "word" and texts:
            i = rng.choice(texts)
            found = [w for w in SWAPPED_WORDS if re.search(rf"\b{w}\b", paras[i])]
            if found:
                w = rng.choice(found)
                paras[i] = re.sub(rf"\b{w}\b", SWAPPED_WORDS[w], paras[i], count=1)
            else:
                words = paras[i].split(" ")
                at = rng.randrange(1, len(words))
                words[at] = "very " + words[at]
                paras[i] = " ".join(words)
        elif edit == "sentence_added" and texts:
            i = rng.choice(texts)
            paras[i] = f"{paras[i]} {rng.choice(ADDED_SENTENCES)}"
        elif edit == "sentence_removed":
            longer = [i for i in texts if len(_SENTENCE_END.split(paras[i])) >= 2]
            if longer:
                i = rng.choice(longer)
                paras[i] = " ".join(_SENTENCE_END.split(paras[i])[:-1])
        elif edit == "paragraph_added":
            paras.insert(len(paras) if rng.random() < 0.7 else rng.randrange(1, len(paras) + 1),
                         rng.choice(ADDED_PARAGRAPHS))
        elif edit == "caption_moved":
            images = [i for i, p in enumerate(paras) if isinstance(p, dict) and "image" in p]
            if images and len(paras) > 2:
                item = paras.pop(images[0])
                paras.insert(rng.randrange(0, len(paras) + 1), item)
    return paras


def _copy_path(rec: dict, serial: int) -> str:
    """A URL for a second copy published the same day: G2 stories get a G3 URL,
    the others a G4 URL (the site's later CMS)."""
    when = (rec.get("published") or "")[:10] or str(parse_path(rec["url_path"])["date"])
    y, m, d = when.split("-")
    if rec["generation"] == "G2":
        return f"/web/English/{y}-{m}/{d}/content_{1990000 + serial}.html"
    return f"/web/English/{y}-{m}/{d}/content_{990000 + serial}.html"


def _as_copy(rec: dict, path: str) -> dict:
    out = copy.deepcopy(rec)
    out["url_path"] = path
    out["generation"] = parse_path(path)["generation"]
    out["lists"] = [NODE_OF_SECTION[rec["section_dir"]]]
    if out["generation"] == "G3" and rec.get("section_name") is None:
        out["section_name"] = rec["section"] or None
    if out["generation"] == "G4":
        out.update(section_name=None, section="", has_top_news=False)
        if rec.get("source") is not None:  # a G4 page shows no source line: its time moves to a meta tag
            out.update(source=None, author="", meta_published={
                "property": "article:published_time", "content": rec["published"].replace(" ", "T") + "+08:00"})
            out["authors"] = [] if not rec.get("byline") else rec["authors"]
    out.pop("position_format", None)
    return out


def light_copy(rec: dict, serial: int, rng: random.Random) -> dict:
    """A lightly edited copy of the story under a new URL (same title and time)."""
    out = _as_copy(rec, _copy_path(rec, serial))
    kinds = rng.sample(EDITS[:4], rng.randint(1, 2)) + (["caption_moved"] if rng.random() < 0.5 else [])
    out["paragraphs"] = light_edit(rec["paragraphs"], rng, tuple(kinds))
    out["models"] = f"a lightly edited copy ({', '.join(kinds)}) of {rec['url_path']}"
    return out


def same_title_story(rec: dict, serial: int, rng: random.Random) -> dict:
    """A different story with the same title, published at the same time, under a new URL."""
    out = _as_copy(rec, _copy_path(rec, serial))
    img_dir = out["url_path"].rsplit("/", 1)[0] + "/"
    out["paragraphs"] = _synthetic_body(rng, out["generation"], img_dir, out["url_path"].split("/")[3].replace("-", ""))
    first = next(p for p in out["paragraphs"] if isinstance(p, str))
    out["summary"] = first.split(". ")[0].rstrip(".") + "."
    out.pop("byline_at", None)
    out["models"] = f"a different story with the same title and time as {rec['url_path']}"
    return out


def with_copies(records: list[dict], n: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """`records` plus `n` light copies and `n` same-title different stories of
    G2 and G4 stories with a time to the second; and one entry per added
    record: `{"path", "of", "kind": "copy" | "other"}`."""
    rng = random.Random(f"copies-{seed}")
    eligible = [r for r in records if r["generation"] in ("G2", "G4") and _has_time(r)]
    chosen = rng.sample(eligible, min(len(eligible), 2 * n))
    added, pairs = [], []
    for k, rec in enumerate(chosen):
        make, kind = (light_copy, "copy") if k % 2 == 0 else (same_title_story, "other")
        new = make(rec, k, rng)
        added.append(new)
        pairs.append({"path": new["url_path"], "of": rec["url_path"], "kind": kind})
    return list(records) + added, pairs


def _has_time(rec: dict) -> bool:
    if rec.get("source") is not None and rec.get("published"):
        return True
    meta = rec.get("meta_published") or {}
    return len(meta.get("content", "")) > 10
