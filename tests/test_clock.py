"""One injectable clock: every "now" of stdcrawl, and the Beijing calendar of
`--recheck-days` (issue 9, §5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from stdcrawl.clock import Clock, get_clock, set_clock
from stdcrawl.extract.normalize import BEIJING, parse_since, recheck_since, utc_now


@pytest.fixture
def pinned():
    """The process clock pinned at 23:40 UTC on 31 December (1 January in Beijing)."""
    previous = set_clock(Clock.from_env({"STDCRAWL_NOW": "2026-12-31T23:40:00Z"}))
    yield get_clock()
    set_clock(previous)


def test_a_pinned_clock_starts_at_its_instant_and_advances():
    clock = Clock(datetime(2026, 12, 31, 23, 40, tzinfo=timezone.utc))
    first = clock.now()
    assert first.tzinfo is not None and abs(first - datetime(2026, 12, 31, 23, 40, tzinfo=timezone.utc)) < timedelta(seconds=5)
    assert clock.now() >= first


def test_the_clock_refuses_a_naive_or_unreadable_instant():
    with pytest.raises(ValueError):
        Clock(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="STDCRAWL_NOW"):
        Clock.from_env({"STDCRAWL_NOW": "tomorrow-ish"})


def test_without_a_pin_the_clock_is_the_systems():
    assert abs(Clock.from_env({}).now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_today_is_the_calendar_date_in_the_given_zone(pinned):
    assert pinned.today(timezone.utc) == date(2026, 12, 31)
    assert pinned.today(BEIJING) == date(2027, 1, 1)


def test_stored_times_come_from_the_clock(pinned):
    assert utc_now().startswith("2026-12-31T23:4")


def test_relative_since_counts_from_the_clock_in_beijing(pinned):
    assert parse_since("yesterday") == date(2026, 12, 31)
    assert parse_since("2024-05-06") == date(2024, 5, 6)


def test_recheck_days_are_beijing_calendar_days_with_today_counting_as_one():
    today = date(2027, 1, 1)
    assert recheck_since(0, today) is None
    assert recheck_since(1, today) == datetime(2027, 1, 1, tzinfo=BEIJING)
    assert recheck_since(3, today) == datetime(2026, 12, 30, tzinfo=BEIJING)
    # a date-only article is stamped at Beijing midnight: 16:00 UTC the day before
    assert recheck_since(1, today).astimezone(timezone.utc) == datetime(2026, 12, 31, 16, tzinfo=timezone.utc)
