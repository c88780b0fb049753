"""The committed fixture site: `fixtures/src/` -> `site/`, `expected/`, `manifest.json`.

`build_fixtures` is what `python -m stdcrawl.sitegen fixtures` runs; a test
fails when the committed files differ from its output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .fields import expected_fields
from .records import HOME, SiteIndex, _lists, article_id
from .writer import write_site


_GOLDEN_KEYS = ("article_id", "canonical_url", "generation", "section", "section_label", "section_dir", "breadcrumb", "title", "source",
                "published_raw", "published_at", "published_utc", "published_precision", "author_raw", "byline_raw",
                "authors", "body", "images", "related", "editor", "word_count", "extraction_notes")


def _dump(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def load_fixture_sources(fixtures: str | Path) -> tuple[dict, list[dict], dict[str, bytes]]:
    """(site config, article records, raw files by url path) from `fixtures/src/`."""
    src = Path(fixtures) / "src"
    config = json.loads((src / "site.json").read_text("utf-8"))
    records = []
    for file in sorted((src / "articles").glob("*.json")):
        rec = json.loads(file.read_text("utf-8"))
        if article_id(rec["url_path"]) != file.stem:
            raise ValueError(f"{file.name}: file name must be the article id {article_id(rec['url_path'])}")
        for key in ("section", "authors", "summary", "paragraphs", "title"):
            if key not in rec:
                raise ValueError(f"{file.name}: missing {key!r}")
        records.append(rec)
    raw_root = src / "raw"
    raw = {"/" + p.relative_to(raw_root).as_posix(): p.read_bytes() for p in sorted(raw_root.rglob("*")) if p.is_file()}
    return config, records, raw


def build_fixtures(fixtures: str | Path) -> dict:
    """Rebuild `fixtures/site/`, `fixtures/expected/` and `fixtures/manifest.json` from `fixtures/src/`."""
    fixtures = Path(fixtures)
    config, records, raw = load_fixture_sources(fixtures)
    site = write_site(fixtures / "site", records, per_page=config["per_page"],
                      extra_list_items=config.get("extra_list_items"), raw_files=raw, clean=True)
    index = SiteIndex(records)
    expected_dir = fixtures / "expected"
    if expected_dir.exists():
        shutil.rmtree(expected_dir)
    expected_dir.mkdir(parents=True)
    pages = [{"path": HOME, "live_url": "http://www.stdaily.com" + HOME, "kind": "home", "expected": None,
              "models": config["home_models"]},
             {"path": "/robots.txt", "live_url": "http://www.stdaily.com/robots.txt", "kind": "robots", "expected": None,
              "models": "robots.txt: everything allowed but /English/search/ (a guess; the live file was not seen)"}]
    for lid, paths in site["lists"].items():
        conf = config["lists"].get(lid, {})
        for k, path in enumerate(paths, 1):
            host = conf.get("live_host", "www.stdaily.com") if k == 1 else "www.stdaily.com"
            models = conf.get("models", "") if k == 1 else f"page {k} of {len(paths)} of the {lid} list (pagination)"
            pages.append({"path": path, "live_url": f"http://{host}{path}", "kind": "list", "expected": None, "models": models})
    reachable = []
    for rec in records:
        aid = article_id(rec["url_path"])
        golden = expected_fields(rec, index)
        assert tuple(sorted(golden)) == tuple(sorted(_GOLDEN_KEYS))
        (expected_dir / f"{aid}.json").write_bytes(_dump(golden))
        pages.append({"path": rec["url_path"], "live_url": rec.get("live_url") or "http://www.stdaily.com" + rec["url_path"],
                      "kind": "article", "expected": f"expected/{aid}.json", "models": rec.get("models", "")})
        if _lists(rec):
            reachable.append(aid)
    described = {p["path"]: p for p in config["other_pages"]}
    for path in sorted(set(raw) | set(described)):
        if path not in described:
            raise ValueError(f"raw page {path} is not described in site.json other_pages")
        entry = described[path]
        pages.append({"path": path, "live_url": entry.get("live_url") or "http://www.stdaily.com" + path,
                      "kind": entry["kind"], "expected": None, "models": entry["models"]})
    pairs = [sorted(p) for p in config.get("duplicate_pairs", [])]
    near_pairs = [sorted(p) for p in config.get("near_duplicate_pairs", [])]
    manifest = {
        "expected_article_count": len(reachable) - len(pairs) - len(near_pairs),
        "reachable_article_ids": sorted(reachable),
        "duplicate_pairs": pairs,
        "near_duplicate_pairs": near_pairs,
        "same_title_groups": [sorted(g) for g in config.get("same_title_groups", [])],
        "forbidden_urls": config.get("forbidden_urls", []),
        "forbidden_paths": config.get("forbidden_paths", []),
        "home": HOME,
        "pages": pages,
    }
    (fixtures / "manifest.json").write_bytes(_dump(manifest))
    readme = fixtures / "README.md"
    if readme.is_file():
        text = readme.read_text("utf-8")
        start, end = "<!-- pages:start -->\n", "<!-- pages:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            readme.write_text(head + start + _pages_table(pages) + end + rest.split(end, 1)[1], "utf-8")
    return manifest


_KIND_ORDER = ("home", "robots", "list", "article", "missing", "broken", "soft_404", "mirror_only", "epaper", "disallowed")


def _pages_table(pages: list[dict]) -> str:
    rows = ["| path | kind | models |", "|---|---|---|"]
    order = {k: i for i, k in enumerate(_KIND_ORDER)}
    for p in sorted(pages, key=lambda p: (order.get(p["kind"], 99), p["path"])):
        kind = f"article (`{p['expected'].rsplit('/', 1)[-1]}`)" if p["expected"] else p["kind"]
        models = p["models"].replace("|", "\\|")
        rows.append(f"| `{p['path']}` | {kind} | {models} |")
    return "\n".join(rows) + "\n"
