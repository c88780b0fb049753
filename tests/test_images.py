"""An article's own images are kept in the WARC files, and each `images` row points at its capture."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from stdcrawl import sitegen

from .conftest import FIXTURE_SITE, FIXTURES, manifest, run_stdcrawl


def fixture_images() -> tuple[int, set[str]]:
    """What the generator put on the fixture site: the number of `images` rows
    a crawl stores (the body images of the manifest's reachable articles but
    the second of each duplicate or near-duplicate pair, which are kept with
    their twin) and the paths of every body image a reachable article page
    shows (copies too: the WARC files keep each page as served)."""
    from stdcrawl.sitegen.fields import expected_fields
    from stdcrawl.sitegen.fixtures import load_fixture_sources
    from stdcrawl.sitegen.records import SiteIndex, article_id

    m = manifest()
    reachable = set(m["reachable_article_ids"])
    kept = reachable - {b for _, b in m["duplicate_pairs"] + m["near_duplicate_pairs"]}
    assert len(kept) == m["expected_article_count"]
    _, records, _ = load_fixture_sources(FIXTURES)
    index = SiteIndex(records)
    images = {article_id(r["url_path"]): expected_fields(r, index)["images"] for r in records}
    shown = {i["src"].split("www.stdaily.com", 1)[1] for a in reachable for i in images[a]}
    return sum(len(images[a]) for a in kept), shown


def crawl(server, db: Path, *args: str) -> dict:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def read_record(db: Path, warc_file: str, offset: int):
    """The WARC record at (file, offset), read with warcio: (type, target URI, content type, payload)."""
    with open(db.parent / warc_file, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        return (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                record.http_headers.get_header("Content-Type"), record.content_stream().read())


def image_records(db: Path) -> list[str]:
    """Target URIs of every image response in the archive's WARC files."""
    uris = []
    for path in sorted((db.parent / f"{db.stem}-warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and (record.http_headers.get_header("Content-Type") or "").startswith("image/"):
                    uris.append(record.rec_headers.get_header("WARC-Target-URI"))
    return uris


def test_each_image_row_points_at_the_warc_record_of_its_picture(fixture_server, tmp_path):
    db = tmp_path / "a.db"
    summary = crawl(fixture_server, db)
    con = sqlite3.connect(db)
    rows = con.execute(
        "select i.src, c.warc_file, c.warc_offset, c.url from images i join captures c using (capture_id)"
    ).fetchall()
    assert con.execute("select count(*) from images where src != '' and capture_id is null").fetchone()[0] == 0
    assert len(rows) == con.execute("select count(*) from images").fetchone()[0] == fixture_images()[0]
    for src, warc_file, offset, url in rows:
        rec_type, uri, ctype, payload = read_record(db, warc_file, offset)
        assert (rec_type, uri, ctype) == ("response", url, "image/jpeg")
        assert url.endswith(src.split("www.stdaily.com", 1)[1])
        assert payload.startswith(b"\xff\xd8") and payload.endswith(b"\xff\xd9")  # a whole JPEG
        assert payload == (FIXTURE_SITE / src.split("www.stdaily.com/", 1)[1]).read_bytes()
    assert summary["images_captured"] == len(fixture_images()[1])  # a near-duplicate copy's own picture too


def test_only_the_article_s_own_images_are_fetched_never_the_chrome(fixture_server, tmp_path):
    db = tmp_path / "a.db"
    crawl(fixture_server, db)
    fetched = image_records(db)
    srcs = {row[0].split("www.stdaily.com", 1)[1] for row in sqlite3.connect(db).execute("select src from images")}
    assert srcs <= {uri.split(fixture_server.base_url, 1)[1] for uri in fetched} == fixture_images()[1]
    assert len(fetched) == len(set(fetched))  # an image two articles show is fetched once
    assert not any("/images/" in uri for uri in fetched)  # logos and list thumbnails


def test_no_images_skips_them_and_a_later_run_does_not_fetch_them_twice(fixture_server, tmp_path):
    db = tmp_path / "a.db"
    crawl(fixture_server, db, "--no-images")
    assert image_records(db) == []
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from images where capture_id is not null").fetchone()[0] == 0
    linked = crawl(fixture_server, db)  # a full run with images: the stored articles' rows get linked
    assert con.execute("select count(*) from images where capture_id is null").fetchone()[0] == 0
    again = crawl(fixture_server, db)
    assert again["images_captured"] == 0  # already held
    assert con.execute("select count(*) from captures where kind = 'image'").fetchone()[0] == linked["images_captured"]


def test_images_obey_robots_txt(site_server, tmp_path):
    sitegen.write_site(site_server.root, sitegen.synthetic_articles(30, seed=5))
    (site_server.root / "robots.txt").write_text("User-agent: *\nDisallow: /*.jpg$\n")
    db = tmp_path / "a.db"
    summary = crawl(site_server, db)
    assert summary["images_captured"] == 0 and summary["exit_code"] == 0
    assert not [r for r in site_server.requests if r.path.endswith(".jpg")]
    assert sqlite3.connect(db).execute("select count(*) from images").fetchone()[0] > 0


def test_a_missing_image_is_reported_without_failing_the_run(site_server, tmp_path):
    sitegen.write_site(site_server.root, sitegen.synthetic_articles(30, seed=5))
    pictures = sorted(site_server.root.rglob("*.jpg"))
    assert pictures, "the synthetic site shows images"
    pictures[0].unlink()
    summary = crawl(site_server, tmp_path / "a.db")
    assert summary["exit_code"] == 0 and summary["images_failed"] == 1
    assert summary["images_captured"] == len(pictures) - 1
