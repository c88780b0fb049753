"""The real spider against the fixture site on 127.0.0.1, into a real SQLite file."""

from __future__ import annotations

import json
import sqlite3

import pytest

from stdcrawl.extract import site

from .conftest import load_fixture, manifest, run_stdcrawl

MANIFEST = manifest()


@pytest.fixture(scope="module")
def crawled(fixture_server, tmp_path_factory):
    """Two full crawls of the fixture site into one archive, with their summaries."""
    db = tmp_path_factory.mktemp("e2e") / "archive.db"
    fixture_server.reset_log()
    summaries, paths = [], []
    for _ in range(2):
        result = run_stdcrawl("crawl", "--db", str(db), "--base-url", fixture_server.base_url, "--summary-json")
        assert result.returncode == 1, result.stderr  # the fixture site holds broken pages on purpose
        assert "Traceback" not in result.stderr
        summaries.append(json.loads(result.stdout))
        paths.append(fixture_server.paths())
        fixture_server.reset_log()
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    yield con, summaries, paths
    con.close()


def test_a_full_crawl_archives_every_fixture_article_exactly_once(crawled):
    con, summaries, _ = crawled
    expected = MANIFEST["expected_article_count"]
    assert con.execute("select count(*) from articles").fetchone()[0] == expected
    assert summaries[0]["articles_new"] == expected
    ids = {r[0] for r in con.execute("select article_id from articles")}
    reachable = set(MANIFEST["reachable_article_ids"])
    for a, b in MANIFEST["duplicate_pairs"] + MANIFEST["near_duplicate_pairs"]:
        assert len({a, b} & ids) == 1, "one article for a G2/G3 pair"
        reachable -= {a, b}
    assert reachable <= ids
    assert con.execute("select count(*) from (select canonical_url from articles group by 1 having count(*) > 1)").fetchone()[0] == 0


def test_the_g2_g3_duplicate_is_one_article_with_both_urls(crawled):
    con, summaries, _ = crawled
    for a, b in MANIFEST["duplicate_pairs"]:
        owners = {r[0] for r in con.execute("select article_id from article_urls where article_id in (?, ?)", [a, b])}
        assert len(owners) == 1
        urls = con.execute("select count(*) from article_urls where article_id = ?", [owners.pop()]).fetchone()[0]
        assert urls == 2
    assert summaries[0]["duplicates"] == len(MANIFEST["duplicate_pairs"]) + len(MANIFEST["near_duplicate_pairs"])


def test_a_lightly_edited_copy_is_one_article_with_both_urls_and_both_texts(crawled):
    con, summaries, _ = crawled
    [(a, b)] = MANIFEST["near_duplicate_pairs"]
    [(kept,)] = con.execute("select article_id from articles where article_id in (?, ?)", [a, b]).fetchall()
    copy = b if kept == a else a
    urls = dict(con.execute("select url, relation from article_urls where article_id = ?", [kept]).fetchall())
    golden = {i: json.loads(load_fixture(f"expected/{i}.json")) for i in (a, b)}
    assert urls == {golden[kept]["canonical_url"]: "canonical", golden[copy]["canonical_url"]: "near_duplicate"}
    versions = con.execute("select * from article_versions where article_id = ?", [kept]).fetchall()
    assert [(v["kind"], v["url"], v["body"], json.loads(v["changed_fields"])) for v in versions] == [
        ("copy", golden[copy]["canonical_url"], golden[copy]["body"], ["body"])]
    assert golden[a]["body"] != golden[b]["body"]
    assert summaries[0]["near_duplicates"] == 1 and summaries[1]["near_duplicates"] == 1


def test_stories_that_share_a_title_and_a_day_stay_apart(crawled):
    con, _, _ = crawled
    for group in MANIFEST["same_title_groups"]:
        rows = con.execute(
            f"select article_id, title, substr(published_at, 1, 10) from articles where article_id in ({','.join('?' * len(group))})",
            group,
        ).fetchall()
        assert sorted(r[0] for r in rows) == sorted(group)
        assert len({r[1] for r in rows}) == 1 and len({r[2] for r in rows}) < len(rows)  # one title; a day shared
        linked = con.execute(
            f"select count(*) from article_urls where relation != 'canonical' and article_id in ({','.join('?' * len(group))})",
            group,
        ).fetchone()[0]
        assert linked == 0


def test_pages_at_article_urls_that_are_no_article_are_counted_and_never_stored(crawled):
    con, summaries, _ = crawled
    soft = [p for p in MANIFEST["pages"] if p["kind"] == "soft_404"]
    assert len(soft) >= 3
    for summary in summaries:
        assert summary["not_an_article"] == len(soft)
        assert summary["failure_reasons"]["dropped/not_an_article"] == len(soft)
    for page in soft:
        ref = site.article_ref(page["path"])
        assert con.execute("select count(*) from articles where article_id = ?", [ref.article_id]).fetchone()[0] == 0
        [(status,)] = con.execute(
            "select distinct status from captures where canonical_url like ?", ["%" + page["path"]]).fetchall()
        assert status == 200  # kept in the WARC as received


def test_a_second_crawl_changes_no_count(crawled):
    con, summaries, _ = crawled
    first, second = summaries
    assert second["articles_new"] == 0 and second["articles_updated"] == 0
    assert second["articles_unchanged"] == first["articles_new"]
    assert con.execute("select count(*) from article_versions where kind = 'earlier'").fetchone()[0] == 0
    copies = con.execute("select count(*) from article_versions where kind = 'copy'").fetchone()[0]
    assert copies == len(MANIFEST["near_duplicate_pairs"])  # each copy's text once, not once a crawl
    assert con.execute("select count(*) from images").fetchone()[0] == sum(
        len(json.loads(load_fixture(p["expected"]))["images"])
        for p in MANIFEST["pages"]
        if p["kind"] == "article" and json.loads(load_fixture(p["expected"]))["article_id"] in
        {r[0] for r in con.execute("select article_id from articles")}
    )


def test_bad_pages_are_counted_in_the_runs_row_and_never_stop_the_crawl(crawled):
    con, summaries, _ = crawled
    row = con.execute("select * from crawls order by crawl_id limit 1").fetchone()
    reasons = json.loads(row["failure_reasons"])
    assert row["status"] == "finished_with_failures" and row["exit_code"] == 1
    assert "http_404" not in reasons and row["gone"] >= 1, reasons  # the list link to a missing article: gone
    assert reasons.get("truncated", 0) >= 1, reasons  # the cut-off page
    assert row["bad_pages"] == sum(reasons.values())
    assert row["pending"] == sum(reasons.values())
    notes = json.loads(row["stats"])
    assert notes.get("stdcrawl/notes/encoding_recovered", 0) == 1  # the page that lies about its encoding


def test_the_crawl_never_leaves_the_site_or_breaks_robots(crawled):
    _, _, paths = crawled
    fetched = set(paths[0])
    assert not fetched & set(MANIFEST["forbidden_paths"])
    assert all(p == "/robots.txt" or site.article_ref(p) or site.is_list_path(p) for p in fetched), fetched


def test_every_stored_article_matches_its_golden_file(crawled):
    con, _, _ = crawled
    goldens = {
        json.loads(load_fixture(p["expected"]))["article_id"]: json.loads(load_fixture(p["expected"]))
        for p in MANIFEST["pages"]
        if p["kind"] == "article"
    }
    for row in con.execute("select * from articles"):
        g = goldens[row["article_id"]]
        stored = {
            "title": row["title"], "body": row["body"], "published_at": row["published_at"],
            "authors": json.loads(row["authors"]), "canonical_url": row["canonical_url"],
            "breadcrumb": json.loads(row["breadcrumb"]),
        }
        assert stored == {k: g[k] for k in stored}, row["article_id"]
        # the spider may know a G4 page's section from the list that linked it; the page alone does not
        assert row["section"] == g["section"] or (not g["section"] and "no_breadcrumb" in g["extraction_notes"])


def test_pages_without_a_breadcrumb_take_the_section_their_list_shows(crawled):
    con, _, _ = crawled
    rows = con.execute(
        """select a.section, a.extraction_notes from articles a join url_state s on s.url = a.canonical_url
           where a.generation = 'G4' and s.found_on like '%/node_410%'"""
    ).fetchall()
    assert rows, "the fixture site lists G4 pages on node_410"
    for section, notes in rows:
        assert section == "Cooperation" and "section_from_list" in json.loads(notes)


def test_a_section_filter_and_a_date_filter_keep_to_what_was_asked(fixture_server, tmp_path):
    db = tmp_path / "service.db"
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", fixture_server.base_url,
                          "--sections", "Service", "--since", "2023-01-01", "--summary-json")
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    rows = con.execute("select section_dir, published_at from articles").fetchall()
    assert rows and {r[0] for r in rows} == {"Service"}
    assert min(r[1] for r in rows) >= "2023-01-01"
