"""How a run looks to its operator: progress on a terminal, quiet under cron,
a log file, and `scrapy crawl english` from the repository root."""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys

from stdcrawl import sitegen
from stdcrawl.extract.site import STDAILY_ENGLISH
from stdcrawl.fixture_server import FixtureServer

from .conftest import FIXTURE_SITE, ROOT, manifest, run_stdcrawl
from .gates import Gate


def run_on_terminal(args: list[str], timeout: float = 120, on_output=None) -> str:
    """Run a command with stderr and stdout on a pseudo-terminal; its output.

    `on_output(text so far)` is called after each read, so a test can react
    to what the command has printed (open a gate, say)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, *args])
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
        if on_output is not None:
            on_output(b"".join(chunks).decode(errors="replace"))
    os.waitpid(pid, 0)
    return b"".join(chunks).decode(errors="replace")


def test_a_crawl_on_a_terminal_shows_progress_and_ends_with_a_summary(tmp_path):
    # Articles are held until a progress line has been printed: however fast
    # or slow the machine, the crawl is still running when the line is due.
    gate = Gate(lambda path: STDAILY_ENGLISH.article_ref(path) is not None)
    with FixtureServer(FIXTURE_SITE) as server:
        server.before_answer = gate
        out = run_on_terminal(
            ["-m", "stdcrawl", "crawl", "--db", str(tmp_path / "a.db"), "--base-url", server.base_url,
             "--progress-seconds", "0.2"],
            on_output=lambda text: "[stdcrawl]" in text and gate.open(),
        )
        gate.open()
    assert "[stdcrawl]" in out and "pages fetched" in out and "articles stored" in out
    assert out.strip().splitlines()[-1].startswith("stdcrawl: full crawl #1 finished_with_failures")


def test_off_a_terminal_a_crawl_prints_only_its_summary_and_logs_to_a_file(fixture_server, tmp_path):
    log = tmp_path / "crawl.log"
    result = run_stdcrawl("crawl", "--db", str(tmp_path / "a.db"), "--base-url", fixture_server.base_url,
                          "--log-file", str(log))
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("stdcrawl: full crawl")
    text = log.read_text()
    assert "Spider opened" in text and "failed: truncated" in text and "HTTP 404, gone" in text


def test_quiet_prints_nothing_when_all_went_well_and_one_line_when_not(site_server, tmp_path):
    sitegen.write_site(site_server.root, sitegen.synthetic_articles(40, seed=3))  # 40: every node has pages
    db = str(tmp_path / "a.db")
    ok = run_stdcrawl("crawl", "--db", db, "--base-url", site_server.base_url, "-q")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    (site_server.root / "English" / "News" / "common_list.shtml").unlink()
    failed = run_stdcrawl("crawl", "--db", db, "--base-url", site_server.base_url, "-q")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("stdcrawl: full crawl #2 finished_with_failures")


def test_scrapy_crawl_english_works_from_the_repository_root(fixture_server, tmp_path):
    db = tmp_path / "scrapy.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "english", "-s", f"STDCRAWL_DB={db}",
         "-s", f"STDCRAWL_BASE_URL={fixture_server.base_url}", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == manifest()["expected_article_count"]
    assert con.execute("select status from crawls").fetchone()[0] == "finished_with_failures"
