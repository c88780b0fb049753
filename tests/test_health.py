"""Knowing when the live site changes (issue 12): field health per run, template
signatures, the drift alarm, worse extractions kept out, extraction problems
and their re-extraction, `stdcrawl probe` and `stdcrawl health`.

The end-to-end tests crawl a synthetic site (stdcrawl.sitegen) in a
subprocess, then the same site redesigned from 2022 on
(`stdcrawl.sitegen.drift`: the Source line relabelled and moved above the
headline, the byline gone, the containers renamed), and repair the extractor
by a selector monkeypatched in a subprocess.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest

from stdcrawl.archive.drift import Thresholds, binomial_tail, field_drop, judge
from stdcrawl.archive.problems import worse_than
from stdcrawl.extract.health import HealthTally
from stdcrawl.extract.page import article_from_bytes
from stdcrawl.fixture_server import FixtureServer
from stdcrawl.sitegen import render_article, synthetic_articles, write_site
from stdcrawl.sitegen.drift import drifted

from .conftest import ROOT, run_stdcrawl

END = dt.date(2026, 6, 1)
DRIFT_FROM = dt.date(2022, 1, 1)
#: Every run of these tests sees the same "now" (the silent-section check reads the clock).
ENV = {"STDCRAWL_NOW": "2026-06-10T02:00:00+00:00"}
#: The repair: a Source-line anchor that also reads the redesign's `Source - … · time · Written by …`.
FIXED_SOURCE_LINE = (
    r"Source\s*[:：\-]\s*(?P<source>[^|·]*?)\s*[|·]\s*(?P<published>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)"
    r"\s*[|·]\s*(?:Author\s*[:：]?|Written by)\s*(?P<author>.*?)\s*$"
)
FIXED_RUNNER = f"""
import re, sys
from stdcrawl.extract import site
site.STDAILY_ENGLISH.source_line = re.compile({FIXED_SOURCE_LINE!r}, re.I | re.S)
from stdcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""


def query(db, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# --- the alarm's arithmetic --------------------------------------------------------


def tally_of(n: int, authors: int, generation: str = "G3", body: int = 900, tally: HealthTally | None = None) -> HealthTally:
    """A tally of `n` good pages of one generation, `authors` of them with an author."""
    tally = tally or HealthTally()
    for i in range(n):
        tally.add({"generation": generation, "template": "t1", "title": f"Title number {i}", "body": "x" * body,
                   "authors": ["Long Yun"] if i < authors else [], "published_at": "2024-01-01T10:00:00+08:00",
                   "published_precision": "second", "section": "News", "section_dir": "News",
                   "extraction_notes": [], "images": [], "related": [], "editor": ""})
    return tally


def history_of(tally: HealthTally) -> tuple[dict, dict]:
    pooled, medians = {}, {}
    for row in tally.rows(1):
        if row["grouping"] == "generation":
            pooled.setdefault(row["group_key"], {})[row["field"]] = (row["articles"], row["plausible"])
            if row["field"] == "body":
                medians[row["group_key"]] = [row["body_median"]]
    return pooled, medians


def test_ten_articles_against_a_history_of_ten_show_authors_falling_from_80_to_0_percent():
    pooled, medians = history_of(tally_of(10, authors=8))
    report = judge(tally_of(10, authors=0), pooled, medians, True, {"t1"}, Thresholds())
    assert report.status == "alarm"
    assert report.alarms == ["G3 authors 0/10 (usual 80 %)"]
    assert report.line == "health: G3 authors 0/10 (usual 80 %)"


def test_a_dip_that_chance_explains_raises_no_alarm():
    t = Thresholds()
    assert not field_drop(5, 10, 0.5, t)  # half of the usual half: could be chance
    assert not field_drop(6, 10, 0.8, t)  # not below half the usual share
    assert field_drop(16, 40, 0.95, t)  # 95 % → 40 %
    assert binomial_tail(0, 10, 0.8) == pytest.approx(0.2**10)


def test_a_run_with_too_few_pages_says_so_instead_of_alarming():
    pooled, medians = history_of(tally_of(100, authors=95))
    report = judge(tally_of(4, authors=0), pooled, medians, True, {"t1"}, Thresholds())
    assert report.status == "too_few" and not report.alarms
    assert report.line == "health: too few pages to judge (4)"


def test_a_run_spread_thin_over_generations_is_not_judged():
    history, thin = HealthTally(), HealthTally()
    for gen in ("G1", "G2", "G3"):
        tally_of(100, authors=95, generation=gen, tally=history)
        tally_of(6, authors=0, generation=gen, tally=thin)
    pooled, medians = history_of(history)
    report = judge(thin, pooled, medians, True, {"t1"}, Thresholds())
    assert report.status == "too_few" and not report.alarms


def test_a_body_that_halves_raises_the_alarm():
    pooled, medians = history_of(tally_of(30, authors=30))
    report = judge(tally_of(12, authors=12, body=400), pooled, medians, True, {"t1"}, Thresholds())
    assert report.alarms == ["G3 body median 400 chars (usual 900)"]


def test_the_first_run_of_an_archive_has_nothing_to_compare_with():
    report = judge(tally_of(40, authors=0), {}, {}, False, set(), Thresholds())
    assert report.status == "first_run" and not report.alarms and not report.new_templates


def test_a_new_template_is_named_with_its_pages_and_author_coverage():
    pooled, medians = history_of(tally_of(30, authors=30))
    report = judge(tally_of(12, authors=12), pooled, medians, True, {"older"}, Thresholds())
    assert report.status == "ok"
    assert report.line == "health: ok (12 pages), new template t1 (12 pages published since 2024-01-01, authors 100 %)"


ROW = {"authors": '["Long Yun"]', "published_precision": "second", "source": "Science and Technology Daily",
       "section": "News", "editor": "", "image_count": 1, "body": "First paragraph.\n\nSecond paragraph." * 20}


def test_the_alarm_thresholds_default_to_the_crawl_settings():
    from scrapy.settings import Settings

    from stdcrawl.crawl import settings as defaults
    from stdcrawl.crawl.extensions import health_thresholds

    settings = Settings()
    settings.setmodule(defaults)
    assert health_thresholds(settings) == Thresholds()
    settings.set("STDCRAWL_HEALTH_MIN_ARTICLES", 20)
    assert health_thresholds(settings).min_articles == 20


def test_a_correction_is_not_a_worse_extraction_but_lost_fields_are():
    corrected = {**ROW, "body": ROW["body"].replace("Second", "The second")}
    assert worse_than(ROW, corrected) == []
    redesigned = {**ROW, "authors": "[]", "published_precision": "day", "source": ""}
    assert worse_than(ROW, redesigned) == ["authors", "time", "source"]
    with_chrome = {**ROW, "body": "Home | News | Cooperation | Search " * 30 + ROW["body"]}
    assert worse_than(ROW, with_chrome) == ["body grew by page chrome"]


def test_pages_of_one_template_share_a_signature_and_a_redesign_changes_it():
    recs = synthetic_articles(12, 3, end=END)
    g3 = [r for r in recs if r["generation"] == "G3"]
    sigs = {article_from_bytes(render_article(r, recs).encode(), "https://www.stdaily.com" + r["url_path"])["template"]
            for r in g3}
    assert len(sigs) == 1
    redesigned = drifted(g3, DRIFT_FROM)[0]
    new = article_from_bytes(render_article(redesigned, recs).encode(), "https://www.stdaily.com" + redesigned["url_path"])
    assert re.fullmatch(r"[0-9a-f]{8}", new["template"]) and new["template"] not in sigs


# --- a crawl, a quiet night, a redesign, a repair ------------------------------------


@pytest.fixture(scope="module")
def drift_story(tmp_path_factory):
    """Crawl the site twice, then incrementally, then redesigned (with three new
    G3 articles, `held`); the runs' results in order."""
    folder = tmp_path_factory.mktemp("drift")
    root, db = folder / "site", folder / "archive.db"
    recs = synthetic_articles(80, 7, end=END)
    held = sorted((r for r in recs if r["generation"] == "G3"), key=lambda r: r["published"])[-3:]
    write_site(root, [r for r in recs if r not in held])
    results = {}
    with FixtureServer(root) as server:
        crawl = ("crawl", "--db", str(db), "--base-url", server.base_url)
        results["first"] = run_stdcrawl(*crawl, env=ENV)
        results["again"] = run_stdcrawl(*crawl, env=ENV)
        results["quiet"] = run_stdcrawl(*crawl, "--incremental", env=ENV)
        results["before"] = query(db, "select article_id, authors, published_at from articles order by 1")
        write_site(root, drifted(recs, DRIFT_FROM))
        results["drifted"] = run_stdcrawl(*crawl, env=ENV)
        results["after_drift"] = query(db, "select article_id, authors, published_at from articles order by 1")
        results["probe_drifted"] = run_stdcrawl("probe", "--base-url", server.base_url, env=ENV)
    return {"db": db, "records": recs, "held": {r["url_path"] for r in held}, **results}


def test_a_healthy_site_raises_no_alarm_first_or_again_or_on_a_quiet_night(drift_story):
    first, again, quiet = drift_story["first"], drift_story["again"], drift_story["quiet"]
    assert first.returncode == 0, first.stdout + first.stderr
    assert "health: first run, nothing to compare with (77 pages)" in first.stdout
    assert again.returncode == 0 and "health: ok (77 pages)" in again.stdout
    assert quiet.returncode == 0 and "health: too few pages to judge" in quiet.stdout
    statuses = query(drift_story["db"], "select health_status, exit_code from crawls where crawl_id <= 3 order by crawl_id")
    assert statuses == [("first_run", 0), ("ok", 0), ("too_few", 0)]


def test_a_redesign_raises_the_alarm_with_its_own_exit_code_naming_the_fields(drift_story):
    result = drift_story["drifted"]
    assert result.returncode == 3, result.stdout + result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "health_alarm" in line
    health = line.split("; health: ", 1)[1]
    for alarm in ("G3 authors 0/20 (usual 100 %)", "G3 time 0/20 (usual 100 %)", "G2 source_line 0/20 (usual 100 %)"):
        assert alarm in health
    assert "G1 " not in health  # the 2021 pages kept their markup
    assert "37 pages extracted worse than stored (stored kept)" in health
    assert re.search(r"new template [0-9a-f]{8} \(\d+ pages published since 2022-\d\d-\d\d, authors \d+ %\)", health)
    status, verdict = query(drift_story["db"], "select health_status, health from crawls where crawl_id = 4")[0]
    assert status == "alarm" and "G3 authors 0/20 (usual 100 %)" in json.loads(verdict)["alarms"]
    rows = query(drift_story["db"], "select field, articles, plausible from run_health "
                 "where crawl_id = 4 and grouping = 'generation' and group_key = 'G2' and field in ('authors', 'title')")
    assert sorted(rows) == [("authors", 20, 0), ("title", 20, 20)]


def test_a_worse_extraction_keeps_the_stored_article_and_lists_the_page(drift_story):
    db = drift_story["db"]
    before = dict((aid, rest) for aid, *rest in drift_story["before"])
    after = dict((aid, rest) for aid, *rest in drift_story["after_drift"])
    assert {aid: after[aid] for aid in before} == before  # no author or time lost
    redesigned = {r["url_path"] for r in drifted(drift_story["records"], DRIFT_FROM)
                  if r.get("drifted") and r["generation"] in ("G2", "G3")}
    problems = query(db, "select url, crawl_id, reason, detail, template from extraction_problems")
    reasons = {re.sub(r"^https://www\.stdaily\.com", "", url): (crawl, reason) for url, crawl, reason, *_ in problems}
    assert set(reasons) == redesigned
    # pages stored before: kept as they were; the three new ones: stored, but without their Source line
    assert {p for p, r in reasons.items() if r == (4, "anchors_missing")} == drift_story["held"]
    assert {p for p, r in reasons.items() if r == (4, "worse_than_stored")} == redesigned - drift_story["held"]
    assert all(re.fullmatch(r"[0-9a-f]{8}", template) for *_, template in problems)
    assert all("authors" in detail for _, _, reason, detail, _ in problems if reason == "worse_than_stored")
    # the redesigned pages are in the WARC: this run's captures of them hold a payload
    captured = query(db, "select count(distinct canonical_url) from captures where crawl_id = 4 and record_type = 'response' "
                     "and canonical_url in (select url from extraction_problems)")
    assert captured == [(len(redesigned),)]


def test_after_a_fix_reparse_problems_re_extracts_exactly_those_and_clears_them(drift_story, tmp_path):
    db = drift_story["db"]
    shutil.copytree(db.parent, tmp_path / "copy", ignore=shutil.ignore_patterns("site"))
    copy = tmp_path / "copy" / "archive.db"
    listed = query(copy, "select count(*) from extraction_problems")[0][0]
    unfixed = run_stdcrawl("reparse", "--db", str(copy), "--problems")
    assert unfixed.returncode == 1 and f"{listed} listed, 0 now pass" in unfixed.stdout

    fixed = subprocess.run([sys.executable, "-c", FIXED_RUNNER, "reparse", "--db", str(copy), "--problems"],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert f"{listed} captures read" in fixed.stdout
    assert f"extraction problems: {listed} listed, {listed} now pass and were cleared, 0 left" in fixed.stdout
    assert query(copy, "select count(*) from extraction_problems") == [(0,)]
    after = dict((aid, (authors != "[]", published)) for aid, authors, published in
                 query(copy, "select article_id, authors, published_at from articles"))
    before = dict((aid, (authors != "[]", published)) for aid, authors, published in drift_story["before"])
    assert {aid: after[aid] for aid in before} == before  # authors and times read again from the redesigned pages
    held = query(copy, "select authors, published_precision from articles where article_id in (%s)" % ",".join(
        f"'g3-{p.rsplit('_', 1)[1][:7]}'" for p in drift_story["held"]))
    assert len(held) == 3 and all(authors != "[]" and precision == "second" for authors, precision in held)


# --- probe ---------------------------------------------------------------------------


def test_probe_finds_the_fixture_site_healthy(fixture_server):
    result = run_stdcrawl("probe", "--base-url", fixture_server.base_url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "healthy" and report["problems"] == []
    assert set(report["generations"]) == {"G1", "G2", "G3", "G4"}
    g1 = report["generations"]["G1"]["fields"]
    assert g1["time"]["plausible"] == g1["time"]["articles"] > 0 and g1["time"]["expected"] == 0.9
    assert report["generations"]["G4"]["fields"]["source_line"]["expected"] is None  # G4 pages carry none
    assert report["article_pages"] <= 3 * 4 * 8  # a small sample: 3 per list and generation


def test_probe_finds_the_redesigned_site_unhealthy_with_a_non_zero_exit(drift_story):
    result = drift_story["probe_drifted"]
    assert result.returncode == 3, result.stdout + result.stderr
    verdict = result.stdout.strip().splitlines()[-1]
    assert verdict.startswith("verdict: unhealthy: ")
    assert "G3 source_line 0/" in verdict and "G2 authors 0/" in verdict and "G1" not in verdict


def test_probe_of_a_site_that_does_not_answer_says_unreachable_not_unhealthy():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    result = run_stdcrawl("probe", "--base-url", f"http://127.0.0.1:{port}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "verdict: unreachable: no list page answered"
    assert "Traceback" not in result.stderr


# --- health ------------------------------------------------------------------------------


def test_health_html_charts_hold_the_known_counts_of_a_month(drift_story, tmp_path):
    month = "2021-06"
    expected = Counter(r["section"] for r in drift_story["records"]
                       if r["generation"] == "G1" and r["url_path"].split("/")[3].startswith(month))
    assert expected
    page = tmp_path / "health.html"
    result = run_stdcrawl("health", "--db", str(drift_story["db"]), "--html", str(page))
    assert result.returncode == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    assert "<script src" not in text and "http" not in re.sub(r'xmlns="[^"]*"', "", text)  # self-contained
    data = json.loads(re.search(r'<script type="application/json" id="health-data">(.*?)</script>', text, re.S).group(1))
    assert data["articles_per_section"][month] == dict(expected)
    bars = {m.group(1): int(m.group(2)) for m in
            re.finditer(rf'data-month="{month}" data-section="([^"]+)" data-count="(\d+)"', text)}
    assert bars == dict(expected)
    coverage = next(m for m in data["months"] if m["month"] == month)
    assert coverage["articles"] == sum(expected.values()) and coverage["coverage"]["authors"] == 1.0


def test_health_prints_coverage_runs_alarms_and_templates(drift_story):
    result = run_stdcrawl("health", "--db", str(drift_story["db"]))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^2021-06 +\d+ +100%", out, re.M)
    assert re.search(r"^#4 .* health_alarm .* health alarm +G2 time 0/20", out, re.M)
    assert "Page templates" in out and "Open extraction problems: anchors_missing 3, worse_than_stored 37" in out
    as_json = json.loads(run_stdcrawl("health", "--db", str(drift_story["db"]), "--json").stdout)
    assert as_json["runs"][0]["health_status"] == "alarm"


def test_a_section_that_stops_yielding_articles_raises_an_alarm(tmp_path):
    from stdcrawl.archive.drift import silent_sections
    from stdcrawl.archive.store import Archive

    today = dt.date(2026, 6, 10)
    with Archive(tmp_path / "a.db") as archive:
        rows = []
        for week in range(6):  # weekly Comment articles until 3 weeks ago; News goes on
            for section, back in (("Comment", 21 + 7 * week), ("News", 1 + 7 * week)):
                day = today - dt.timedelta(days=back)
                rows.append((f"{section}-{week}", f"https://x/{section}/{week}", section, f"{day.isoformat()}T10:00:00+08:00"))
        archive.db.conn.executemany(
            "insert into articles (article_id, canonical_url, section, published_at, title, body) values (?, ?, ?, ?, 't', 'b')",
            rows)
        assert silent_sections(archive.db, today, Thresholds()) == ["section Comment silent for 14 days"]
        assert silent_sections(archive.db, today - dt.timedelta(days=10), Thresholds()) == []
