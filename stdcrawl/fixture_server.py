"""A small HTTP server that serves a folder as the live site would.

Tests, the demo and the benchmarks point crawls at it instead of stdaily.com.
A file `ROOT/English/WorldNews/common_list.shtml` is served at
`/English/WorldNews/common_list.shtml`. Like the live site it serves
`.shtml/.html/.htm` as `text/html` with the charset the page declares,
answers conditional requests (ETag, Last-Modified → 304), compresses with
gzip when asked, and 404s what is not there. `ROOT/_headers.json` can
override a page's response headers (a page that lies about its encoding).

Every request is logged (`server.requests`) so tests can count exactly what
a crawl fetched, and wait for it (`wait_for`). The folder is read on every
request, so a test can change the site between two crawls. `before_answer`,
if set, is called with each request's path before it is answered: a test can
hold a crawl at a known point there (tests/gates.py) instead of guessing with
sleeps, or return an HTTP status to answer with instead (a 503, say).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_TYPES = {
    ".shtml": "text/html", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".css": "text/css", ".js": "application/javascript", ".json": "application/json",
}


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int
    conditional: bool
    at: float


class FixtureServer:
    """`with FixtureServer(root) as server:` serves `root` at `server.base_url`."""

    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0, *,
                 gzip_min_bytes: int = 1024, delay: float = 0.0):
        self.root = Path(root).resolve()
        self.gzip_min_bytes = gzip_min_bytes
        self.delay = delay  # seconds before each answer: a slow site, for tests that must catch a run mid-way
        self.requests: list[LoggedRequest] = []
        self.before_answer = None  # callable(path) -> None or a status to answer with; in the request's thread
        self._lock = threading.Lock()
        self._logged = threading.Condition(self._lock)
        self._httpd = _QuietServer((host, port), self._handler())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FixtureServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fixture-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)
            self._logged.notify_all()

    def wait_for(self, predicate, timeout: float = 60) -> bool:
        """Wait until `predicate(requests)` holds (checked at each logged request); whether it did."""
        with self._logged:
            return self._logged.wait_for(lambda: predicate(self.requests), timeout)

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    # --- responses ---------------------------------------------------------------

    def resolve(self, path: str) -> Path | None:
        candidate = (self.root / unquote(path).lstrip("/")).resolve()
        if self.root not in candidate.parents and candidate != self.root:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.name.startswith("_") or not candidate.is_file():
            return None
        return candidate

    def header_overrides(self, path: str) -> dict:
        overrides = self.root / "_headers.json"
        if not overrides.is_file():
            return {}
        return json.loads(overrides.read_text("utf-8")).get(path, {})

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "stdcrawl-fixture/1"
            disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall

            def log_message(self, *args):  # quiet: the request log is server.requests
                pass

            def do_HEAD(self):
                self.do_GET(head=True)

            def do_GET(self, head: bool = False):
                if server.delay:
                    time.sleep(server.delay)
                path = urlsplit(self.path).path
                conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
                status = server.before_answer(path) if server.before_answer is not None else None
                if status:  # the hook answers instead: a server error, say
                    body = f"<html><body><h1>HTTP {status}</h1></body></html>".encode()
                    self._send(status, {"Content-Type": "text/html; charset=utf-8"}, body, head)
                    server.log(LoggedRequest(self.command, path, status, conditional, time.time()))
                    return
                file = server.resolve(path)
                if file is None:
                    body = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
                    self._send(404, {"Content-Type": "text/html; charset=utf-8"}, body, head)
                    server.log(LoggedRequest(self.command, path, 404, conditional, time.time()))
                    return
                data = file.read_bytes()
                etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
                mtime = file.stat().st_mtime
                headers = {
                    "Content-Type": _content_type(file, data),
                    "ETag": etag,
                    "Last-Modified": formatdate(mtime, usegmt=True),
                    **server.header_overrides(path),
                }
                if _not_modified(self.headers, etag, mtime):
                    self._send(304, {"ETag": etag, "Last-Modified": headers["Last-Modified"]}, b"", True)
                    server.log(LoggedRequest(self.command, path, 304, conditional, time.time()))
                    return
                if "gzip" in (self.headers.get("Accept-Encoding") or "") and len(data) >= server.gzip_min_bytes:
                    data = gzip.compress(data, compresslevel=6, mtime=0)
                    headers["Content-Encoding"] = "gzip"
                    headers["Vary"] = "Accept-Encoding"
                self._send(200, headers, data, head)
                server.log(LoggedRequest(self.command, path, 200, conditional, time.time()))

            def _send(self, status: int, headers: dict, body: bytes, head: bool) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head and status != 304:
                    self.wfile.write(body)

        return Handler


class _QuietServer(ThreadingHTTPServer):
    """A client that went away mid-answer (a killed crawl) is no server error."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _content_type(file: Path, data: bytes) -> str:
    ctype = _TYPES.get(file.suffix.lower(), "application/octet-stream")
    if ctype.startswith("text/"):
        m = _META_CHARSET.search(data[:4096])
        charset = m.group(1).decode("ascii").lower() if m else "utf-8"
        return f"{ctype}; charset={charset}"
    return ctype


def _not_modified(headers, etag: str, mtime: float) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return int(mtime) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a fixture site on 127.0.0.1.")
    parser.add_argument("root", nargs="?", default="fixtures/site")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = FixtureServer(args.root, port=args.port).start()
    print(server.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
