"""The fixture server in a process of its own, for crawl benchmarks.

`python -m bench.server ROOT` serves ROOT with `stdcrawl.fixture_server`,
prints its base URL, then answers each `log` line on stdin with one JSON
line: the requests served since the last `log` (path, status) and the
server's CPU seconds so far. A crawl under test never shares a GIL with it.
It sends with TCP_NODELAY (see `main`), so that it is not what limits a crawl.
"""

from __future__ import annotations

import json
import os
import sys

from stdcrawl.fixture_server import FixtureServer


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    server = FixtureServer(args[0])
    # http.server writes the headers and the body in two sends; with Nagle's
    # algorithm on, the second waits for the client's delayed ACK (≈40 ms) on
    # every keep-alive response, which caps any crawl near 200 pages/s.
    server._httpd.RequestHandlerClass.disable_nagle_algorithm = True
    server.start()
    print(server.base_url, flush=True)
    for line in sys.stdin:
        if line.strip() == "log":
            served = [(r.path, r.status) for r in list(server.requests)]  # called between crawls: idle
            server.reset_log()
            t = os.times()
            print(json.dumps({"requests": served, "cpu_seconds": t.user + t.system}), flush=True)
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
