"""Writing a whole site to disk in the live URL layout: `write_site`, `generate_site`.

Files whose bytes would not change are left untouched (their mtimes too),
so rewriting a site after an edit touches only the pages that changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .records import HOME, ROBOTS, SECTION_DIRS, SiteIndex, article_id
from .copies import with_copies
from .synthetic import synthetic_articles
from .templates import list_page_path, render_article, render_home, render_list_page


class _Writer:
    def __init__(self, root: Path):
        self.root, self.dirs, self.written = root, set(), []

    def put(self, path: str, data: bytes) -> None:
        target = self.root / path.lstrip("/")
        if target.parent not in self.dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(target.parent)
        self.written.append(path)
        try:
            if target.read_bytes() == data:
                return
        except FileNotFoundError:
            pass
        target.write_bytes(data)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="xmlcharrefreplace")


def write_site(root: str | Path, articles: list[dict], *, per_page: int = 20,
               extra_list_items: dict[str, list[dict]] | None = None,
               raw_files: dict[str, bytes] | None = None, headers: dict[str, dict] | None = None,
               clean: bool = False) -> dict:
    """Write a whole site into `root` in the live URL layout and return its manifest.

    Articles, every list page with pagination (`per_page` items), the English
    home page, `robots.txt`, `_headers.json` (per-page response header
    overrides) and `raw_files` (`{url_path: bytes}`, written as they are).
    Files whose bytes would not change are left untouched (their mtimes too).
    `extra_list_items`: `{list_id: [{"href", "title", "summary", "page"}]}`.
    """
    root = Path(root)
    if clean and root.exists():
        shutil.rmtree(root)
    index = SiteIndex(articles)
    extra_list_items = extra_list_items or {}
    list_ids = [d for d in SECTION_DIRS if d in index.lists or d in extra_list_items]
    list_ids += sorted(lid for lid in set(index.lists) | set(extra_list_items) if lid not in list_ids)
    writer = _Writer(root)
    header_map = dict(headers or {})
    ids = {}
    for rec in articles:
        text = render_article(rec, index, nav_lists=list_ids)
        writer.put(rec["url_path"], _encode(text, rec.get("encoding", "utf-8")))
        ids[rec["url_path"]] = article_id(rec["url_path"])
        if rec.get("header_charset"):
            header_map[rec["url_path"]] = {"Content-Type": f"text/html; charset={rec['header_charset']}"}
    lists = {}
    for lid in list_ids:
        recs = index.lists.get(lid, [])
        pages = max(1, -(-len(recs) // per_page))
        extras = extra_list_items.get(lid, [])
        lists[lid] = []
        for page in range(1, pages + 1):
            chunk = recs[(page - 1) * per_page: page * per_page]
            extra = [x for x in extras if min(x.get("page", 1), pages) == page]
            path = list_page_path(lid, page)
            writer.put(path, render_list_page(lid, chunk, page, pages, extra=extra, nav_lists=list_ids).encode("utf-8"))
            lists[lid].append(path)
    writer.put(HOME, render_home(index, list_ids).encode("utf-8"))
    writer.put("/robots.txt", ROBOTS.encode("ascii"))
    for path, data in sorted((raw_files or {}).items()):
        writer.put(path, data)
    writer.put("/_headers.json", (json.dumps(header_map, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return {"home": HOME, "robots": "/robots.txt", "headers": "/_headers.json",
            "articles": [r["url_path"] for r in articles], "article_ids": ids, "lists": lists,
            "list_pages": [p for lid in list_ids for p in lists[lid]], "raw": sorted(raw_files or {})}


def generate_site(root: str | Path, n: int, seed: int = 0, **kwargs) -> dict:
    """`write_site(root, synthetic_articles(n, seed))`; kwargs go to `synthetic_articles` (`end`, `full_weight`),
    `with_copies` (`copies`: how many near-duplicate copies and same-title stories to add) or `write_site`.
    The manifest's `copies` (only with `copies`) lists what `with_copies` added."""
    end = kwargs.pop("end", None)
    full_weight = kwargs.pop("full_weight", 0.0)
    n_copies = kwargs.pop("copies", 0)
    records, copies = with_copies(synthetic_articles(n, seed, end=end, full_weight=full_weight), n_copies, seed)
    made = write_site(root, records, **kwargs)
    return {**made, "copies": copies} if n_copies else made
