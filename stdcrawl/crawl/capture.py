"""Downloader middleware: every response a crawl receives is kept in WARC files.

At priority 950 it sees each response before HttpCompressionMiddleware (590)
decodes it and before RedirectMiddleware (600) follows it: the body as
received, 3xx/4xx/5xx answers, and robots.txt (which Scrapy downloads through
the same chain). Each fetch becomes WARC `response` and `request` records —
a `revisit` record instead when the payload equals the URL's previous
capture — and a row of the `captures` table. The rows go into the run's write
batches (`ArchiveRun.add_capture`), which sync the WARC file to disk before
they commit, so no row ever points at bytes that are not there.

Settings: STDCRAWL_WARC_ENABLED (`--no-warc` turns it off), STDCRAWL_WARC_DIR,
STDCRAWL_WARC_MAX_BYTES. What is kept and what is not: docs/warc.md.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro

from stdcrawl.crawl.profile import site_profile
from stdcrawl.extract.site import url_path
from stdcrawl.clock import get_clock
from stdcrawl.crawl.extensions import STAT, ArchiveRun
from stdcrawl.archive.store import resolve_db_path
from stdcrawl.archive.warc import Exchange, Original, WarcWriter, iso_utc, payload_digest, warc_date_from_iso, warc_dir_for

logger = logging.getLogger(__name__)

#: Request headers never written: credentials (docs/warc.md).
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


class WarcCaptureMiddleware:
    """Writes each response (with its request) to the run's WARC files."""

    def __init__(self, crawler, run: ArchiveRun, warc_dir: Path, max_bytes: int):
        self.crawler = crawler
        self.run = run
        self.warc_dir = warc_dir
        self.max_bytes = max_bytes
        self.db_dir = resolve_db_path(crawler.settings.get("STDCRAWL_DB")).resolve().parent
        self.site = site_profile(crawler.settings)
        # The setting the spider wrote its `base_url` argument into: one base URL for the whole run.
        self.base_netloc = self.site.link_mapper(crawler.settings.get("STDCRAWL_BASE_URL")).base_netloc
        self.writer: WarcWriter | None = None
        self.failed = False
        self._names: dict = {}  # the current WARC file's path and its name in `captures`

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("STDCRAWL_WARC_ENABLED"):
            raise NotConfigured
        run = crawler.get_extension(ArchiveRun)
        if run is None:
            raise NotConfigured("the ArchiveRun extension is off: no captures index to write")
        db = resolve_db_path(s.get("STDCRAWL_DB"))
        return cls(crawler, run, warc_dir_for(db, s.get("STDCRAWL_WARC_DIR")), s.getint("STDCRAWL_WARC_MAX_BYTES"))

    def process_response(self, request: Request, response: Response) -> Response:
        run = self.run
        if run.archive is None or self.failed or "cached" in response.flags:
            return response
        try:
            self.capture(run, request, response)
        except OSError as exc:  # disk full, folder gone: a crawl without its WARC must not go on
            self.failed = True
            logger.error("cannot write the WARC file: %s", exc)
            self.crawler.stats.set_value(f"{STAT}/fatal", f"cannot write the WARC file: {exc}")
            self.crawler.stats.set_value(f"{STAT}/fatal_reason", "warc_failed")
            # deferred_from_coro, not ensureDeferred: under the asyncio reactor the latter left
            # the close half-done and the run hung with its lock held (issue 9)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_failed"))
            raise IgnoreRequest(f"not captured: {exc}") from exc
        return response

    def capture(self, run, request: Request, response: Response) -> None:
        writer = self._writer(run)
        ex = exchange(request, response)
        canonical = self.site.canonical_url(response.url, self.base_netloc)
        digest = payload_digest(ex.body)
        previous = self._previous(run, canonical) if ex.body else None
        revisit_of = previous if previous is not None and previous.digest == digest else None
        written = writer.write(ex, revisit_of)
        file = self._stored_name(written.file)
        original = revisit_of or Original(
            written.record_id, ex.url, written.date, file, written.offset, digest
        )
        path = url_path(canonical)
        ref = self.site.article_ref(path)
        fetched_at = iso_utc(ex.fetched)
        request.meta["stdcrawl_fetched_at"] = fetched_at  # the WARC-Date, for callbacks that want it
        run.add_capture(
            {
                "crawl_id": run.crawl_id, "record_id": written.record_id, "record_type": written.record_type,
                "url": ex.url, "canonical_url": canonical,
                "kind": request.meta.get("kind") or ("robots" if path == "/robots.txt" else "page"),
                "article_id": ref.article_id if ref else None,
                "section_hint": request.meta.get("section_hint") or None,
                "fetched_at": fetched_at, "status": ex.status,
                "content_type": (response.headers.get("Content-Type") or b"").decode("latin-1") or None,
                "payload_length": len(ex.body), "payload_digest": digest,
                "warc_file": file, "warc_offset": written.offset, "warc_length": written.length,
                "refers_to": revisit_of.record_id if revisit_of else None,
                "payload_file": original.file, "payload_offset": original.offset,
            }
        )
        stats = self.crawler.stats
        stats.inc_value(f"{STAT}/warc/{written.record_type}")
        stats.set_value(f"{STAT}/warc/bytes", writer.bytes_written)
        stats.set_value(f"{STAT}/warc/files", len(writer.files))

    def _writer(self, run) -> WarcWriter:
        if self.writer is None:
            s = self.crawler.settings
            self.writer = WarcWriter(
                self.warc_dir, f"stdcrawl-{run.crawl_id}", self.max_bytes,
                info={
                    "isPartOf": f"stdcrawl crawl {run.crawl_id} of {run.db_path.name}",
                    "http-header-user-agent": s.get("USER_AGENT"),
                    "robots": "obey" if s.getbool("ROBOTSTXT_OBEY") else "ignore",
                    "description": f"stdcrawl: {self.site.description} (docs/warc.md)",
                },
            )
            run.warc = self.writer
        return self.writer

    def _previous(self, run, canonical: str) -> Original | None:
        """The record with the URL's latest non-empty payload: from the captures
        not yet written (this batch), else from the archive. Nothing is kept per
        URL for the whole run, so memory does not grow with the site."""
        for row in reversed(run.pending_captures):
            if row["canonical_url"] == canonical and row["payload_length"] and not row["refers_to"]:
                return Original(row["record_id"], row["url"], warc_date_from_iso(row["fetched_at"]),
                                row["payload_file"], row["payload_offset"], row["payload_digest"])
        row = run.archive.latest_payload_capture(canonical)
        if row is None:
            return None
        return Original(row["record_id"], row["url"], warc_date_from_iso(row["fetched_at"]), row["payload_file"],
                        row["payload_offset"], row["payload_digest"])

    def _stored_name(self, path: Path) -> str:
        """The file as the captures table names it: relative to the database's folder when inside it.

        Resolved once per WARC file (a path resolution per page was 1.4 % of a crawl)."""
        if self._names.get("path") != path:
            absolute = path.resolve()
            try:
                name = absolute.relative_to(self.db_dir).as_posix()
            except ValueError:
                name = str(absolute)
            self._names = {"path": path, "name": name}
        return self._names["name"]


def exchange(request: Request, response: Response) -> Exchange:
    """A Scrapy request/response pair as an Exchange (what docs/warc.md says is kept)."""
    latency = request.meta.get("download_latency") or 0.0
    return Exchange(
        url=response.url,
        fetched=get_clock().now() - timedelta(seconds=latency),
        method=request.method,
        request_headers=[(k, v) for k, v in _pairs(request.headers) if k.lower() not in SECRET_HEADERS],
        request_body=request.body,
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        response_headers=_pairs(response.headers),
        body=response.body,
        ip_address=str(response.ip_address) if response.ip_address else None,
        truncated="dataloss" in response.flags,
    )


def _pairs(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]
