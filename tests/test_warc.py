"""WARC capture (issue 4): every fetch of a crawl is kept as received, in
files that warcio reads, indexed one row per fetch in `captures`.

Crawls run in a subprocess against the fixture site (or a copy of it)
served on 127.0.0.1; the server's request log says what was fetched.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections import Counter
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list

from stdcrawl.crawl import settings as default_settings
from stdcrawl import sitegen
from stdcrawl.extract.site import STDAILY_ENGLISH
from stdcrawl.fixture_server import FixtureServer, LoggedRequest
from stdcrawl.archive.reparse import decode_body, reparse, select_captures
from stdcrawl.archive.store import Archive
from stdcrawl.archive import warc_record
from stdcrawl.archive.warc import Exchange, Original, WarcReader, WarcWriter, check_captures, payload_digest

from .conftest import FIXTURE_SITE, ROOT, run_stdcrawl
from .gates import Gate


def crawl(server, db: Path, *args: str) -> dict:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *args)
    assert result.returncode in (0, 1), result.stderr  # the fixture site holds broken pages on purpose
    return json.loads(result.stdout)


def warcio(*args: str) -> subprocess.CompletedProcess:
    """The warcio command-line tool, as a user runs it."""
    script = Path(sys.executable).with_name("warcio")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "warcio.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)


def rows(db: Path, sql: str = "select * from captures order by capture_id", params=()) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the fixture site: (folder, db, summary, what the server saw)."""
    folder = tmp_path_factory.mktemp("crawled")
    db = folder / "archive.db"
    with FixtureServer(FIXTURE_SITE) as server:
        summary = crawl(server, db)
        seen = list(server.requests)
    return folder, db, summary, seen


@pytest.fixture
def copy(crawled, tmp_path):
    """A private copy of the crawled archive and its WARC folder."""
    folder = tmp_path / "copy"
    shutil.copytree(crawled[0], folder)
    return folder / "archive.db"


# --- the acceptance of a first crawl --------------------------------------------


def test_every_fetch_has_one_captures_row(crawled):
    _, db, summary, seen = crawled
    captured = rows(db)
    assert len(captured) == len(seen) == summary["responses"]
    assert Counter((urlsplit(c["url"]).path, c["status"]) for c in captured) == Counter((r.path, r.status) for r in seen)
    kinds = Counter(c["kind"] for c in captured)
    assert kinds["robots"] == 1 and kinds["list"] > 1 and kinds["article"] > 1
    assert {c["record_type"] for c in captured} == {"response"}
    assert 404 in {c["status"] for c in captured}
    assert summary["warc_responses"] == len(captured) and summary["warc_revisits"] == 0
    files = sorted((db.parent / "archive-warc").glob("*.warc.gz"))
    assert [f.name for f in files] == [f"stdcrawl-{summary['crawl_id']}-00001.warc.gz"]
    assert summary["warc_bytes"] == files[0].stat().st_size
    articles = {c["article_id"] for c in captured if c["status"] == 200 and c["article_id"]}
    stored = {r["article_id"] for r in rows(db, "select article_id from articles")}
    assert stored <= articles


def test_warcio_check_and_index_accept_every_file(crawled):
    _, db, _, _ = crawled
    captured = rows(db)
    for file in {c["warc_file"] for c in captured}:
        path = db.parent / file
        check = warcio("check", "-v", str(path))
        assert check.returncode == 0, check.stdout + check.stderr
        assert "digest pass" in check.stdout and "failed" not in check.stdout
        index = warcio("index", "-f", "offset,length,warc-type,warc-target-uri,http:status", str(path))
        assert index.returncode == 0, index.stderr
        entries = [json.loads(line) for line in index.stdout.splitlines()]
        types = Counter(e["warc-type"] for e in entries)
        in_file = [c for c in captured if c["warc_file"] == file]
        assert types == {"warcinfo": 1, "response": len(in_file), "request": len(in_file)}
        by_offset = {int(e["offset"]): e for e in entries}
        for c in in_file:
            e = by_offset[c["warc_offset"]]
            assert (e["warc-type"], e["warc-target-uri"], int(e["length"]), int(e["http:status"])) == (
                c["record_type"], c["url"], c["warc_length"], c["status"])


def test_bodies_are_kept_as_received_with_headers_and_the_request(crawled):
    _, db, _, _ = crawled
    gzipped = 0
    with WarcReader(db.parent) as reader:
        for c in rows(db, "select * from captures where status = 200"):
            rec = reader.read(c["warc_file"], c["warc_offset"])
            on_disk = (FIXTURE_SITE / urlsplit(c["url"]).path.lstrip("/")).read_bytes()
            if rec.header("Content-Encoding") == "gzip":
                gzipped += 1
                assert rec.payload[:2] == b"\x1f\x8b" and gzip.decompress(rec.payload) == on_disk
            else:
                assert rec.payload == on_disk
            assert payload_digest(rec.payload) == c["payload_digest"] and len(rec.payload) == c["payload_length"]
            assert rec.header("Content-Type") == c["content_type"] and rec.header("Etag")
            assert rec.date.replace("Z", "+00:00") == c["fetched_at"]
            request = reader.read(c["warc_file"], c["warc_offset"] + c["warc_length"])
            assert request.record_type == "request" and request.target_uri == c["url"]
            assert "stdcrawl/" in request.header("User-Agent") and "gzip" in request.header("Accept-Encoding")
            assert request.header("Host") == urlsplit(c["url"]).netloc
    assert gzipped > 10  # the fixture server compresses pages over 1 KB when asked, as the live site does


def test_every_response_record_reads_fast_as_warcio_reads_it(crawled):
    """`WarcReader.read` parses the records stdcrawl writes itself (warc_record); warcio
    (`check=True` goes through it) must find the same fields in every one."""
    _, db, _, _ = crawled
    captured = rows(db)
    assert {200, 404} <= {c["status"] for c in captured} and len(captured) > 60
    with WarcReader(db.parent) as reader:
        for c in captured:
            with open(db.parent / c["warc_file"], "rb") as fh:
                member = warc_record.read_member(fh, c["warc_offset"])
            assert member is not None and warc_record.parse_record(member[0]) is not None, c
            fast = reader.read(c["warc_file"], c["warc_offset"])
            slow = reader.read(c["warc_file"], c["warc_offset"], check=True)
            assert not slow.problems
            assert fast == slow, c


def test_stdcrawl_warc_check_passes_and_finds_damage(copy):
    ok = run_stdcrawl("warc", "check", "--db", str(copy))
    assert ok.returncode == 0, ok.stderr
    assert "digests verified" in ok.stdout
    con = sqlite3.connect(copy)
    robots = dict(zip(("capture_id", "warc_file", "warc_offset", "warc_length"), con.execute(
        "select capture_id, warc_file, warc_offset, warc_length from captures where kind = 'robots'").fetchone()))
    # A record whose payload was altered after it was written: its digests no longer match.
    with open(copy.parent / robots["warc_file"], "rb") as f:
        f.seek(robots["warc_offset"])
        record = gzip.decompress(f.read(robots["warc_length"]))
    assert b"Disallow" in record
    tampered = copy.parent / "archive-warc" / "tampered.warc.gz"
    tampered.write_bytes(gzip.compress(record.replace(b"Disallow", b"Xisallow")))
    con.execute("update captures set warc_file = 'archive-warc/tampered.warc.gz', warc_offset = 0, warc_length = ? "
                "where capture_id = ?", [tampered.stat().st_size, robots["capture_id"]])
    # A row that says another digest, and a row pointing past its file's end.
    con.execute("update captures set payload_digest = 'sha1:AAAA' where capture_id = (select min(capture_id) "
                "from captures where kind = 'list')")
    con.execute("update captures set warc_offset = 99999999 where capture_id = (select max(capture_id) from captures)")
    con.commit()
    con.close()
    bad = run_stdcrawl("warc", "check", "--db", str(copy))
    assert bad.returncode == 1
    assert "3 bad captures" in bad.stderr
    assert f"capture {robots['capture_id']} " in bad.stderr and "digest failed" in bad.stderr
    assert "payload digest is" in bad.stderr and "unreadable" in bad.stderr


# --- a second, unchanged crawl ---------------------------------------------------


def test_an_unchanged_second_crawl_adds_only_revisit_records(crawled, copy):
    first = crawled[2]
    with FixtureServer(FIXTURE_SITE) as server:  # a new port: other URLs, the same canonical ones
        second = crawl(server, copy)
        fetched = len(server.requests)
    assert second["warc_responses"] == 0 and second["warc_revisits"] == fetched
    new_file = copy.parent / "archive-warc" / f"stdcrawl-{second['crawl_id']}-00001.warc.gz"
    assert second["warc_bytes"] == new_file.stat().st_size
    assert second["warc_bytes"] < first["warc_bytes"] / 2, (second["warc_bytes"], first["warc_bytes"])
    revisits = rows(copy, "select * from captures where crawl_id = ?", [second["crawl_id"]])
    assert len(revisits) == fetched and {r["record_type"] for r in revisits} == {"revisit"}
    originals = {r["record_id"]: r for r in rows(copy, "select * from captures where crawl_id = ?", [first["crawl_id"]])}
    for r in revisits:
        original = originals[r["refers_to"]]
        assert (r["payload_file"], r["payload_offset"], r["payload_digest"]) == (
            original["warc_file"], original["warc_offset"], original["payload_digest"])
    check = warcio("check", str(new_file))
    assert check.returncode == 0, check.stdout
    index = [json.loads(line) for line in warcio("index", "-f", "warc-type", str(new_file)).stdout.splitlines()]
    assert Counter(e["warc-type"] for e in index) == {"warcinfo": 1, "revisit": fetched, "request": fetched}
    assert check_captures(copy).ok
    # Re-extraction reads the bodies through the revisits.
    with Archive(copy, readonly=True) as archive:
        assert {c["record_type"] for c in select_captures(archive)} == {"revisit"}
    report = reparse(copy, dry_run=True)
    assert not report.problems and not report.field_changes and report.articles > 40


# --- what else is captured, and what is not ---------------------------------------


class TrickyServer(FixtureServer):
    """The fixture server, plus permanent redirects and a page that always fails."""

    redirects: dict[str, str] = {}
    broken: set[str] = set()

    def _handler(self):
        base, server = super()._handler(), self

        class Handler(base):
            def do_GET(self, head: bool = False):
                path = urlsplit(self.path).path
                if path in server.redirects:
                    self._send(301, {"Location": server.redirects[path], "Content-Type": "text/html"}, b"moved", head)
                    server.log(LoggedRequest(self.command, path, 301, False, time.time()))
                elif path in server.broken:
                    self._send(500, {"Content-Type": "text/html"}, b"<h1>oops</h1>", head)
                    server.log(LoggedRequest(self.command, path, 500, False, time.time()))
                else:
                    super().do_GET(head)

        return Handler


def test_redirects_and_server_errors_are_captured_too(tmp_path):
    root = tmp_path / "site"
    manifest = sitegen.write_site(root, sitegen.synthetic_articles(6, seed=3, end=dt.date.today()))
    target = next(p for p in manifest["articles"] if p.startswith("/English/"))
    moved = target.replace(target.split("/")[2], "Moved", 1)  # an old address of the same story
    broken = "/English/News/2021-01/05/content_1999999.shtml"
    first_list = root / manifest["list_pages"][0].lstrip("/")
    first_list.write_text(first_list.read_text("utf-8").replace(
        "</body>", f'<a href="{moved}">Moved story</a> <a href="{broken}">Broken story</a></body>'), "utf-8")
    TrickyServer.redirects, TrickyServer.broken = {moved: target}, {broken}
    db = tmp_path / "a.db"
    with TrickyServer(root) as server:
        crawl(server, db)
        seen = Counter((r.path, r.status) for r in server.requests)
    captured = rows(db)
    assert Counter((urlsplit(c["url"]).path, c["status"]) for c in captured) == seen
    assert seen[(moved, 301)] == 1 and seen[(broken, 500)] == 4  # the first try and three retries
    redirect = next(c for c in captured if c["status"] == 301)
    with WarcReader(db.parent) as reader:
        rec = reader.read(redirect["warc_file"], redirect["warc_offset"])
    assert rec.header("Location") == target and rec.payload == b"moved"
    assert check_captures(db).ok


def test_no_warc_keeps_no_pages(tmp_path):
    db = tmp_path / "a.db"
    with FixtureServer(FIXTURE_SITE) as server:
        summary = crawl(server, db, "--no-warc")
    assert summary["articles_new"] > 40 and summary["warc_bytes"] == 0
    assert rows(db) == [] and not (tmp_path / "a-warc").exists()


def test_capture_sees_responses_before_decompression_and_redirects():
    settings = Settings()
    settings.setmodule(default_settings)
    order = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    names = [c if isinstance(c, str) else f"{c.__module__}.{c.__qualname__}" for c in order]
    capture = names.index("stdcrawl.crawl.capture.WarcCaptureMiddleware")
    # process_response runs from the last of this list to the first: capture first.
    assert capture > names.index("scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware")
    assert capture > names.index("stdcrawl.crawl.redirects.SiteRedirectMiddleware")
    assert capture > names.index("stdcrawl.crawl.middlewares.BackoffRetryMiddleware")


def test_a_killed_crawl_never_leaves_a_row_without_its_record(tmp_path):
    root, db = tmp_path / "site", tmp_path / "a.db"
    sitegen.write_site(root, sitegen.synthetic_articles(300, seed=8, end=dt.date.today()))
    gate = Gate(lambda path: STDAILY_ENGLISH.article_ref(path) is not None, let_through=80)  # the crawl cannot finish
    with FixtureServer(root) as server:
        server.before_answer = gate
        cmd = [sys.executable, "-m", "stdcrawl", "crawl", "--db", str(db), "--base-url", server.base_url, "-q"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gate.wait_holding()
        deadline, captured = time.monotonic() + 60, 0
        while captured < 60:  # certain to come: the gate holds the crawl until it is killed
            assert proc.poll() is None and time.monotonic() < deadline, f"only {captured} captures"
            time.sleep(0.05)
            try:
                with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
                    captured = con.execute("select count(*) from captures").fetchone()[0]
            except sqlite3.OperationalError:
                captured = 0
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        gate.open()
    report = check_captures(db)
    assert report.rows >= 60 and report.ok, report.format()


# --- the writer and reader on their own -------------------------------------------


def exchange(body: bytes, url: str = "http://127.0.0.1:8000/English/News/common_list.shtml") -> Exchange:
    return Exchange(url=url, fetched=datetime(2026, 1, 5, 3, 4, 5, tzinfo=timezone.utc), method="GET",
                    request_headers=[("User-Agent", "stdcrawl/test")], request_body=b"", status=200,
                    protocol="HTTP/1.1", response_headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
                    body=body, ip_address="127.0.0.1")


def test_files_roll_over_and_every_record_stays_addressable(tmp_path):
    writer = WarcWriter(tmp_path / "w", "stdcrawl-1", max_bytes=3000)
    written = [writer.write(exchange(random.Random(i).randbytes(1500) + str(i).encode())) for i in range(6)]
    writer.close()
    assert len(writer.files) > 2 and writer.bytes_written == sum(f.stat().st_size for f in writer.files)
    with WarcReader(tmp_path) as reader:
        for i, w in enumerate(written):
            rec = reader.read(str(w.file), w.offset, check=True)
            assert rec.record_type == "response" and not rec.problems and rec.payload.endswith(str(i).encode())
            assert rec.date == "2026-01-05T03:04:05Z" and rec.length == w.length
            assert rec.header("X-Stdcrawl-Orig-Transfer-Encoding") == "chunked" and not rec.header("Transfer-Encoding")
    for f in writer.files:
        assert warcio("check", str(f)).returncode == 0


def test_a_revisit_names_the_record_that_holds_the_payload(tmp_path):
    writer = WarcWriter(tmp_path, "stdcrawl-2", max_bytes=10**9)
    first = writer.write(exchange(b"<html>same</html>"))
    again = writer.write(exchange(b"<html>same</html>", url="http://127.0.0.1:9000/English/News/common_list.shtml"),
                         Original(first.record_id, "http://127.0.0.1:8000/English/News/common_list.shtml", first.date,
                                  str(first.file), first.offset, first.digest))
    writer.close()
    with open(again.file, "rb") as f:
        f.seek(again.offset)
        head = gzip.decompress(f.read(again.length)).decode()
    assert "WARC-Type: revisit" in head and "identical-payload-digest" in head
    assert f"WARC-Refers-To: {first.record_id}" in head
    assert "WARC-Refers-To-Target-URI: http://127.0.0.1:8000/" in head and "<html>same" not in head
    assert again.digest == first.digest == payload_digest(b"<html>same</html>")


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "br", "zstd", "gzip, br"])
def test_bodies_are_decoded_as_scrapy_decodes_them(coding):
    import brotli

    try:
        from compression import zstd  # Python 3.14+
    except ImportError:
        from backports import zstd

    page = b"<html><body>" + "科技日报 ".encode() * 200 + b"</body></html>"
    encode = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "zstd": zstd.compress,
              "raw-deflate": _raw_deflate}
    body = page
    for c in (x.strip() for x in coding.split(",")):
        body = encode[c](body)
    header = coding.replace("raw-deflate", "deflate")
    assert decode_body(body, header) == (page, [])
    assert decode_body(page, "identity") == (page, ["identity"])


def _raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(wbits=-15)
    return c.compress(data) + c.flush()
