"""One section, one name; one way to say a date: every command reads them the same way."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone

import pytest

from stdcrawl.clock import Clock, set_clock
from stdcrawl.extract.inputs import InputError, Period, parse_period, section_dirs

from .archive_factory import build_archive, make_article
from .conftest import run_stdcrawl

#: 23:40 UTC on 31 December is already 1 January in Beijing: relative dates count from there.
PINNED = "2026-12-31T23:40:00+00:00"


@pytest.fixture
def pinned_clock():
    previous = set_clock(Clock(datetime.fromisoformat(PINNED)))
    yield
    set_clock(previous)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
        ("yesterday", date(2026, 12, 31), date(2026, 12, 31)),
        ("7 days ago", date(2026, 12, 25), date(2026, 12, 25)),
        ("last month", date(2026, 12, 1), date(2026, 12, 31)),
        ("March 2024", date(2024, 3, 1), date(2024, 3, 31)),
    ],
)
def test_a_date_names_a_period_counted_in_beijing_time(pinned_clock, text, first, last):
    assert parse_period(text) == Period(first, last)


@pytest.mark.parametrize("bad", ["2021-13", "2021-02-30", "21-01-01", "2021/01/01", "-3", "whenever", "soon", ""])
def test_an_unreadable_date_says_which_forms_are_read(pinned_clock, bad):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_period(bad, "--until")


def test_a_section_is_named_by_its_directory_or_any_label_in_any_case():
    assert section_dirs("BusinessNews,comment,International Cooperation, Cooperation") == ["BusinessNews", "WorldNews"]
    assert section_dirs(["Sci-Tech News"]) == ["ChinaNews"]
    assert section_dirs("") is None
    with pytest.raises(InputError, match=r"Sports.*known: .*Comment \(BusinessNews\)"):
        section_dirs("News,Sports")


@pytest.fixture
def db(tmp_path):
    return build_archive(tmp_path / "a.db", [
        make_article(1, published_at="2024-03-05T10:00:00+08:00"),
        make_article(2, published_at="2026-12-31T10:00:00+08:00", section="Comment", section_dir="BusinessNews"),
        make_article(3, published_at="2027-01-01T06:00:00+08:00", section="Comment", section_dir="BusinessNews"),
    ])


def _ids(stdout: str) -> list[str]:
    return [json.loads(line)["article_id"] for line in stdout.splitlines()]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--section", "Comment"], ["g3-2", "g3-3"]),
        (["--section", "businessnews"], ["g3-2", "g3-3"]),
        (["--section", "Cooperation"], ["g3-1"]),  # the WorldNews section's current label
        (["--since", "2026"], ["g3-2", "g3-3"]),
        (["--until", "2024"], ["g3-1"]),
        (["--since", "yesterday", "--until", "yesterday"], ["g3-2"]),
        (["--since", "7 days ago"], ["g3-2", "g3-3"]),
    ],
)
def test_export_reads_sections_and_dates_like_crawl(db, args, expected):
    result = run_stdcrawl("export", "--db", str(db), "--format", "jsonl", "--out", "-", *args, env={"STDCRAWL_NOW": PINNED})
    assert result.returncode == 0, result.stderr
    assert _ids(result.stdout) == expected


def test_an_unknown_section_is_refused_with_the_known_ones_and_writes_nothing(db, tmp_path):
    out = tmp_path / "out.csv"
    export = run_stdcrawl("export", "--db", str(db), "--format", "csv", "--out", str(out), "--section", "Bogus")
    assert export.returncode == 2 and "unknown section 'Bogus'" in export.stderr
    assert "Comment (BusinessNews)" in export.stderr and "Traceback" not in export.stderr
    assert not out.exists() and list(tmp_path.glob(".*.tmp")) == []
    search = run_stdcrawl("search", "article", "--db", str(db), "--section", "Bogus")
    assert search.returncode == 2 and "known: " in search.stderr and search.stdout == ""


def test_a_section_only_the_archive_knows_is_still_found(tmp_path):
    db = build_archive(tmp_path / "a.db", [make_article(1, section="Features", section_dir="")])
    result = run_stdcrawl("export", "--db", str(db), "--format", "jsonl", "--out", "-", "--section", "features")
    assert result.returncode == 0 and _ids(result.stdout) == ["g3-1"]


def test_stats_show_each_section_by_label_and_directory(db):
    result = run_stdcrawl("stats", "--db", str(db))
    assert "Comment (BusinessNews)" in result.stdout and "International Cooperation (WorldNews)" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "--max-pages", "-3"], ["crawl", "--max-pages", "0"], ["crawl", "--stop-after", "-1"],
        ["crawl", "--recheck-days", "-1"], ["crawl", "--progress-seconds", "-1"],
        ["search", "x", "--limit", "-1"], ["search", "x", "--limit", "0"],
    ],
)
def test_negative_counts_are_refused(tmp_path, args):
    result = run_stdcrawl(*args, "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2 and "must be" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_crawl_takes_a_section_label_and_a_bare_year(fixture_server, tmp_path):
    db = tmp_path / "a.db"
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", fixture_server.base_url,
                          "--sections", "Comment", "--since", "2022", "--summary-json")
    assert result.returncode in (0, 1), result.stderr
    con = sqlite3.connect(db)
    dirs = {row[0] for row in con.execute("select section_dir from articles")}
    assert dirs == {"BusinessNews"}
    assert con.execute("select min(published_at) from articles").fetchone()[0] >= "2022"
