"""Nothing lost, nothing foreign (issue 9): the real crawler against a fault-injecting server.

One scenario, three crawls of the same synthetic site: a clean full crawl into
one archive; a full crawl into another while the server injects a fault at
every other article (server errors, broken transfers, junk bodies, hostile
redirects, garbled bytes …); then, the faults lifted, one `--incremental` run
into the faulted archive. Each fault class must end as a counted failure kept
pending (or `gone`), nothing of another host may be stored or even asked for,
and the last run must leave the archive as the clean crawl left its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3

import pytest

from stdcrawl import sitegen

from . import faultserver as fs
from .conftest import run_stdcrawl

NOW = "2026-12-31T23:40:00+00:00"
TODAY = dt.date(2027, 1, 1)  # NOW in Beijing
#: Short timeouts and one retry keep the faulted crawl to seconds.
FAST = ["-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "STDCRAWL_RETRY_AFTER_MAX=1.5",
        "-s", "DOWNLOAD_MAXSIZE=2000000"]

ARTICLES = sitegen.synthetic_articles(24, seed=3, end=TODAY)
P = [a["url_path"] for a in ARTICLES]
LIST = "/English/WorldNews/common_list.shtml"

#: article index → (fault, the pending reason it must leave)
PENDING = {
    0: (fs.status(503, {"Retry-After": "1"}), "http_503"),
    1: (fs.status(429), "http_429"),
    2: (fs.slow(6), "timeout"),
    3: (fs.endless(), "timeout"),
    4: (fs.short_content_length(), "cut_transfer"),
    5: (fs.cut(0.6), "truncated"),
    6: (fs.body(b'{"title": "not a page"}', "application/json"), "not_html"),
    7: (fs.body(b"<html><body>" + bytes(range(256)) * 40 + b"</body></html>", "text/html; charset=utf-8"),
        "garbled_text"),
    8: (fs.body(b"<html><head><title>Page not found</title></head><body><h1>Sorry</h1>"
                b"<p>The page you asked for does not exist.</p><p>Copyright STDaily</p></body></html>"), "soft_404"),
    9: (fs.redirect("/loop/a.html"), "redirect_loop"),
    10: (fs.redirect("/chain/1.html"), "redirect_chain"),
    11: (fs.redirect(LIST), "redirect_to_list"),
    12: (None, "redirect_offsite"),  # set up with the foreign server
    13: (fs.not_modified(), "unexpected_304"),
    14: (fs.transform(lambda b: b.replace(b"<p>", b"<p>\xff\xfe\xfa", 12)), "garbled_text"),
    21: (fs.body(b"<html><head><title>Weekly digest</title></head><body><h1>Weekly digest</h1>"
                 b"<p>Copyright STDaily</p></body></html>"), "dropped/missing_body"),  # a page of another kind
}
GONE = {15: fs.status(404), 16: fs.status(410)}
STORED = {  # hostile input that must still be read
    17: fs.transform(lambda b: b.replace(b"<body>", b"<body>" + b"<div>" * 1200 + b"</div>" * 1200, 1)),
    18: fs.transform(lambda b: b, "text/html; charset=iso-8859-1"),  # a lying header; the page declares UTF-8
}


def crawl(server, db, *args, env=None) -> tuple[dict, object]:
    result = run_stdcrawl("crawl", "--db", str(db), "--base-url", server.base_url, "--summary-json", *FAST, *args,
                          env={"STDCRAWL_NOW": NOW, **(env or {})}, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout), result


def snapshot(db) -> dict:
    """What a researcher sees: every article's fields, URLs, images and Top News, without run times."""
    con = sqlite3.connect(db)
    out = {
        "articles": con.execute(
            """select article_id, canonical_url, url, generation, section, section_dir, breadcrumb, title, source,
                      published_at, authors, body, editor, word_count, images_json, extraction_notes, content_hash
               from articles order by article_id""").fetchall(),
        "urls": con.execute("select url, article_id, relation from article_urls order by url").fetchall(),
        "images": con.execute("select * from images order by article_id, position").fetchall(),
        "related": con.execute("select article_id, position, title, url from related_headlines order by 1, 2").fetchall(),
        "list_items": con.execute("select list_url, article_url, position from list_items order by 1, 2").fetchall(),
    }
    con.close()
    # the page served with a lying charset was read right, and says so; nothing else may differ
    out["articles"] = [tuple(json.dumps(sorted(set(json.loads(v)) - {"charset_from_page"})) if i == 15 else v
                             for i, v in enumerate(row)) for row in out["articles"]]
    return out


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    root = tmp / "site"
    sitegen.write_site(root, ARTICLES)
    with fs.FaultServer(root) as server, fs.FaultServer(tmp / "foreign-empty") as foreign:
        clean, _ = crawl(server, tmp / "clean.db", "--full")
        for i, (fault, _reason) in PENDING.items():
            server.faults[P[i]] = fault
        server.faults[P[12]] = fs.redirect(lambda s, path: foreign.base_url + path)
        server.faults["/loop/a.html"] = fs.redirect(P[9])
        server.pattern_faults.append(
            (re.compile(r"^/chain/\d+\.html$"),
             fs.redirect(lambda s, path: f"/chain/{int(path.split('/')[-1].split('.')[0]) + 1}.html")))
        for i, fault in {**GONE, **STORED}.items():
            server.faults[P[i]] = fault
        server.faults[LIST] = fs.transform(
            lambda b: b.replace(b"<ul", b'<a href="http://[::1/English/x.html">bad</a><a href="http://[oops">x</a><ul', 1))
        server.reset_log()
        faulted, faulted_result = crawl(server, tmp / "a.db", "--full")
        faulted_log = list(server.requests)
        state = {r["url"].split("stdaily.com", 1)[1]: dict(r) for r in _rows(tmp / "a.db", "select * from url_state")}
        stored_after_faults = {r["canonical_url"].split("stdaily.com", 1)[1] for r in _rows(tmp / "a.db", "select canonical_url from articles")}

        server.lift()
        server.reset_log()
        healed, _ = crawl(server, tmp / "a.db", "--incremental", "--recheck-days", "0")
        healed_log = list(server.requests)
        foreign_requests = list(foreign.requests)
    yield {
        "tmp": tmp, "base_url": server.base_url, "clean": clean, "faulted": faulted, "faulted_stderr": faulted_result.stderr,
        "faulted_log": faulted_log, "state": state, "stored_after_faults": stored_after_faults,
        "healed": healed, "healed_log": healed_log, "foreign_requests": foreign_requests,
    }


def _rows(db, sql):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = con.execute(sql).fetchall()
    con.close()
    return rows


@pytest.mark.parametrize("index", sorted(PENDING))
def test_a_failed_article_is_kept_pending_with_its_reason(scenario, index):
    _fault, reason = PENDING[index]
    row = scenario["state"].get(P[index])
    assert row is not None, f"{P[index]} left no trace in url_state"
    assert (row["state"], row["failure_reason"], row["failures"]) == ("pending", reason, 1)
    assert P[index] not in scenario["stored_after_faults"]


def test_404_and_410_are_recorded_as_gone_not_as_failures(scenario):
    for i in GONE:
        assert scenario["state"][P[i]]["state"] == "gone"
    faulted = scenario["faulted"]
    assert faulted["gone"] == 2
    assert not {"http_404", "http_410"} & set(faulted["failure_reasons"])
    assert "gone 2" in _line(scenario)


def test_the_faulted_run_counts_every_failure_and_exits_1(scenario):
    faulted = scenario["faulted"]
    assert (faulted["status"], faulted["exit_code"]) == ("finished_with_failures", 1)
    assert faulted["pending"] == len(PENDING)
    assert faulted["articles_failed"] == len(PENDING)
    assert sum(faulted["failure_reasons"].values()) == len(PENDING)


def test_hostile_markup_is_read_and_a_bad_link_does_not_lose_its_list(scenario):
    for i in STORED:
        assert P[i] in scenario["stored_after_faults"]
    faulted = {P[i] for i in [*PENDING, *GONE]}
    worldnews = {a["url_path"] for a in ARTICLES if a.get("section_dir") == "WorldNews"} - faulted
    assert worldnews and worldnews <= scenario["stored_after_faults"]
    assert "ValueError" not in json.dumps(scenario["faulted"]["failure_reasons"])


def test_a_lying_charset_is_read_by_the_page_s_own_declaration_and_noted(scenario):
    (notes,) = _rows(scenario["tmp"] / "a.db", f"select extraction_notes from articles where canonical_url like '%{P[18]}'")[0]
    assert "charset_from_page" in json.loads(notes)


def test_nothing_of_another_host_is_requested_or_stored(scenario):
    assert scenario["foreign_requests"] == []
    urls = [r[0] for r in _rows(scenario["tmp"] / "a.db", "select url from captures")]
    assert urls and all(u.startswith(scenario["base_url"] + "/") for u in urls)
    assert scenario["state"][P[12]]["failure_reason"] == "redirect_offsite"


def test_retry_after_is_honoured(scenario):
    times = [r.at for r in scenario["faulted_log"] if r.path == P[0]]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.9, "the retry came before the server's Retry-After"


def test_after_the_faults_are_lifted_one_incremental_run_heals_the_archive(scenario):
    healed = scenario["healed"]
    assert (healed["status"], healed["exit_code"], healed["pending"]) == ("ok", 0, 0)
    retried = {r.path for r in scenario["healed_log"]} & set(P)
    assert retried == {P[i] for i in [*PENDING, *GONE]}, "only the pending and gone URLs are fetched again"
    assert snapshot(scenario["tmp"] / "a.db") == snapshot(scenario["tmp"] / "clean.db")


def _line(scenario) -> str:
    from stdcrawl.crawl.runner import summary_line

    return summary_line(scenario["faulted"])
