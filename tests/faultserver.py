"""A fault-injecting stand-in for stdaily.com: the fixture server with per-path faults.

`FaultServer(root)` serves `root` like `stdcrawl.fixture_server.FixtureServer`
(same request log, conditional requests, gzip) and answers a path with a fault
instead when one is set: `server.faults["/English/..."] = status(503)`, or for
every path a regex matches (`server.pattern_faults`). Each fault is a small
function of the request handler; every answer is logged in `server.requests`
like a normal one. Everything is bounded in time (a slow or endless answer
stops after at most `MAX_SECONDS`), so no test can hang on the server.

Standard library only; 127.0.0.1 only.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from stdcrawl.fixture_server import FixtureServer, LoggedRequest

#: No fault answer lasts longer than this (seconds).
MAX_SECONDS = 20.0

Fault = Callable[["object", "FaultServer", str, bool], None]


class FaultServer(FixtureServer):
    """`with FaultServer(root) as server:`; set `server.faults[path] = fault`."""

    def __init__(self, root: str | Path, host: str = "127.0.0.1", **kwargs):
        self.faults: dict[str, Fault] = {}
        self.pattern_faults: list[tuple[re.Pattern[str], Fault]] = []
        self.hits: dict[str, int] = {}
        super().__init__(root, host=host, **kwargs)

    def fault_for(self, path: str) -> Fault | None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
        fault = self.faults.get(path)
        if fault is not None:
            return fault
        for rx, fault in self.pattern_faults:
            if rx.search(path):
                return fault
        return None

    def lift(self) -> None:
        """Every fault gone: the site answers normally again."""
        self.faults.clear()
        self.pattern_faults.clear()

    def _handler(self):
        base = super()._handler()
        server = self

        class FaultHandler(base):
            def do_GET(self, head: bool = False):
                path = urlsplit(self.path).path
                fault = server.fault_for(path)
                if fault is None:
                    return base.do_GET(self, head)
                try:
                    fault(self, server, path, head)
                except (BrokenPipeError, ConnectionResetError, socket.timeout):
                    self.close_connection = True

            def normal(self, head: bool = False):
                """Answer as the fixture server would."""
                base.do_GET(self, head)

            def send_plain(self, code: int, headers: dict, body: bytes, head: bool, path: str) -> None:
                self.send_response(code)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers and code not in (204, 304):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head and code not in (204, 304):
                    self.wfile.write(body)
                server.log(LoggedRequest(self.command, path, code, False, time.time()))

        return FaultHandler

    def file_bytes(self, path: str) -> bytes:
        file = self.resolve(path)
        return file.read_bytes() if file else b""


HTML = "text/html; charset=utf-8"


def status(code: int, headers: dict | None = None, body: bytes = b"<html><body>error</body></html>") -> Fault:
    """Always this status (5xx, 429, 404, 410 …), with these headers (Retry-After …)."""

    def fault(h, server, path, head):
        h.send_plain(code, {"Content-Type": HTML, **(headers or {})}, body, head, path)

    return fault


def times(n: int, fault: Fault) -> Fault:
    """`fault` for the path's first n requests, then the normal page."""
    counts: dict[str, int] = {}

    def wrapped(h, server, path, head):
        counts[path] = counts.get(path, 0) + 1
        if counts[path] <= n:
            fault(h, server, path, head)
        else:
            h.normal(head)

    return wrapped


def slow(seconds: float) -> Fault:
    """The normal page, after `seconds` (at most MAX_SECONDS): a timeout for a short DOWNLOAD_TIMEOUT."""

    def fault(h, server, path, head):
        deadline = time.monotonic() + min(seconds, MAX_SECONDS)
        while time.monotonic() < deadline:
            time.sleep(0.05)
        h.normal(head)

    return fault


def endless() -> Fault:
    """Headers, then a body that never ends (until the client gives up or MAX_SECONDS)."""

    def fault(h, server, path, head):
        h.send_response(200)
        h.send_header("Content-Type", HTML)
        h.send_header("Connection", "close")
        h.end_headers()
        server.log(LoggedRequest(h.command, path, 200, False, time.time()))
        h.close_connection = True
        deadline = time.monotonic() + MAX_SECONDS
        h.wfile.write(b"<html><body>")
        while time.monotonic() < deadline:
            h.wfile.write(b"<p>more and more</p>" * 200)
            time.sleep(0.01)

    return fault


def short_content_length() -> Fault:
    """A Content-Length longer than what is sent, then the connection closes."""

    def fault(h, server, path, head):
        data = server.file_bytes(path)
        h.send_response(200)
        h.send_header("Content-Type", HTML)
        h.send_header("Content-Length", str(len(data)))
        h.send_header("Connection", "close")
        h.end_headers()
        server.log(LoggedRequest(h.command, path, 200, False, time.time()))
        h.close_connection = True
        h.wfile.write(data[: len(data) // 2])
        h.wfile.flush()

    return fault


def cut(fraction: float = 0.6) -> Fault:
    """The first part of the page only, with an honest Content-Length: the footer is missing."""

    def fault(h, server, path, head):
        data = server.file_bytes(path)
        h.send_plain(200, {"Content-Type": HTML}, data[: int(len(data) * fraction)], head, path)

    return fault


def body(data: bytes, content_type: str = HTML) -> Fault:
    """200 with this body (junk, JSON, an image, a soft 404 page …)."""

    def fault(h, server, path, head):
        h.send_plain(200, {"Content-Type": content_type}, data, head, path)

    return fault


def transform(fn: Callable[[bytes], bytes], content_type: str | None = None) -> Fault:
    """200 with the page's own bytes transformed by fn (hostile links, deep nesting, bad bytes)."""

    def fault(h, server, path, head):
        h.send_plain(200, {"Content-Type": content_type or HTML}, fn(server.file_bytes(path)), head, path)

    return fault


def redirect(location: str | Callable[[FaultServer, str], str], code: int = 302) -> Fault:
    """A redirect to `location` (absolute, or a path on this server; or a function of server and path)."""

    def fault(h, server, path, head):
        target = location(server, path) if callable(location) else location
        if target.startswith("/"):
            target = server.base_url + target
        h.send_plain(code, {"Location": target, "Content-Type": HTML}, b"", head, path)

    return fault


def not_modified() -> Fault:
    """304, whatever the request asked."""

    def fault(h, server, path, head):
        h.send_plain(304, {}, b"", True, path)

    return fault


def endless_list(family: str, suffix: str, article_path: Callable[[int], str] | None = None) -> Fault:
    """A list whose every page `<family>_<n><suffix>` links one more page (and, if given, one article)."""

    def fault(h, server, path, head):
        m = re.search(r"_(\d+)" + re.escape(suffix) + "$", path)
        n = int(m.group(1)) if m else 1
        link = f'<li><a href="{article_path(n)}">Story {n}</a></li>' if article_path else ""
        page = (f"<html><head><title>List</title></head><body><ul>{link}</ul>"
                f'<div class="page"><a href="{family.rsplit("/", 1)[-1]}_{n + 1}{suffix}">Next</a></div>'
                "<p>Copyright © Science and Technology Daily</p></body></html>")
        h.send_plain(200, {"Content-Type": HTML}, page.encode(), head, path)

    return fault
