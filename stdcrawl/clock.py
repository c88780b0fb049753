"""The one clock of stdcrawl.

Every "now" the code needs (a run's start and end, `fetched_at`, the recheck
window, relative dates such as `--since yesterday`) comes from here, so that a
test, a replay or an operator can hand the whole program another time.

`STDCRAWL_NOW` (an ISO-8601 instant with an offset, e.g.
`2026-12-31T23:40:00+00:00`) pins the clock's start; it then advances with
real elapsed time, so durations stay true. Without it the clock is the
system's.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta, timezone, tzinfo

ENV_VAR = "STDCRAWL_NOW"


class Clock:
    """Aware UTC instants, optionally starting from a pinned instant."""

    def __init__(self, start: datetime | None = None):
        if start is not None and start.tzinfo is None:
            raise ValueError("a pinned clock needs an instant with a UTC offset")
        self._start = start.astimezone(timezone.utc) if start else None
        self._t0 = time.monotonic()

    @classmethod
    def from_env(cls, environ=os.environ) -> Clock:
        """The system clock, or one pinned by `STDCRAWL_NOW`."""
        value = (environ.get(ENV_VAR) or "").strip()
        if not value:
            return cls()
        try:
            start = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{ENV_VAR}={value!r} is not an ISO-8601 instant") from None
        return cls(start)

    @property
    def pinned(self) -> bool:
        return self._start is not None

    def now(self) -> datetime:
        if self._start is None:
            return datetime.now(timezone.utc)
        return self._start + timedelta(seconds=time.monotonic() - self._t0)

    def iso(self) -> str:
        """Now as an ISO string in UTC, to the second (how the archive stores times)."""
        return self.now().isoformat(timespec="seconds")

    def today(self, tz: tzinfo) -> date:
        """The calendar date it is now in `tz` (the site's zone, for date windows)."""
        return self.now().astimezone(tz).date()


_clock = Clock.from_env()


def get_clock() -> Clock:
    """The process's clock."""
    return _clock


def set_clock(clock: Clock) -> Clock:
    """Hand the process another clock; returns the previous one (for tests)."""
    global _clock
    previous, _clock = _clock, clock
    return previous
