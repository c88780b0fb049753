"""Holding a crawl at a known point: tests wait on events, not on sleeps.

A `Gate` set as a FixtureServer's `before_answer` lets the first
`let_through` matching requests pass, then holds every further one until
`open()`. `holding` is set when the first request is held: from then on the
crawl is certainly mid-way and cannot finish, however loaded the machine.
"""

from __future__ import annotations

import threading


class Gate:
    def __init__(self, match, let_through: int = 0, max_hold: float = 120):
        self.match = match
        self.remaining = let_through
        self.max_hold = max_hold
        self.holding = threading.Event()
        self.opened = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, path: str) -> None:
        if self.opened.is_set() or not self.match(path):
            return
        with self._lock:
            if self.remaining > 0:
                self.remaining -= 1
                return
        self.holding.set()
        self.opened.wait(self.max_hold)

    def open(self) -> None:
        self.opened.set()

    def wait_holding(self, timeout: float = 60) -> None:
        assert self.holding.wait(timeout), "the crawl never reached the gate"
