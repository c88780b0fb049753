"""Each row of `images` points at the WARC capture of its picture (`images.capture_id`).

A crawl fetches an article's own images (those in its body, with their
captions; never the site's chrome) right after the article, and the capture
middleware writes them to the WARC files like any response (`captures.kind =
'image'`). An image's capture and its article's row reach the archive in any
order and in different write batches, so every batch links both ways: the
images of the articles it writes, and the images its captures show. A link
names the URL's latest capture that brought the picture (status 200).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

_LATEST = """(select max(c.capture_id) from captures c
              where c.canonical_url = images.src and c.kind = 'image' and c.status = 200)"""


def link_images(conn: sqlite3.Connection, article_ids: Iterable[str], captures: Iterable[dict]) -> None:
    """Point the images of `article_ids`, and the images at the URLs of the image
    `captures` just written, at their latest capture (inside the caller's transaction)."""
    ids = sorted({a for a in article_ids if a})
    urls = sorted({c["canonical_url"] for c in captures if c.get("kind") == "image" and c.get("status") == 200})
    for column, values in (("article_id", ids), ("src", urls)):
        for start in range(0, len(values), 500):  # well under SQLite's bound-parameter limit
            chunk = values[start:start + 500]
            conn.execute(
                f"update images set capture_id = {_LATEST} where {column} in ({', '.join('?' * len(chunk))})", chunk
            )


def add_image_captures(db) -> None:
    """Migration: `images.capture_id` (and an index on `images.src` to link by URL), filled in."""
    if "capture_id" not in db["images"].columns_dict:
        db.execute("alter table images add column capture_id integer references captures(capture_id)")
    db["images"].create_index(["src"], if_not_exists=True)
    if "captures" in db.table_names():
        db.execute(f"update images set capture_id = {_LATEST}")
