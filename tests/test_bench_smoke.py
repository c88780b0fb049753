"""The benchmark driver runs end to end on a tiny site and writes its results (issue 6).

Nothing here asserts speed: only that every measurement ran against its
baseline and that the JSON and the Markdown table say so.
"""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_bench_driver_runs_on_a_tiny_site_and_writes_json_and_markdown(tmp_path):
    out = tmp_path / "results"
    cmd = [
        sys.executable, "-m", "bench.run", "--sizes", "50", "--repeats", "1", "--extraction-pages", "10",
        "--extraction-rounds", "1", "--peer-pages", "3", "--storage-rounds", "1", "--profile-size", "0",
        "--out", str(out), "--workdir", str(tmp_path / "work"),
    ]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]

    # the peer of the extraction rows, when the `bench` extra imports here
    peer = subprocess.run([sys.executable, "-c", "import trafilatura"], capture_output=True).returncode == 0
    data = json.loads((out / "latest.json").read_text("utf-8"))
    assert not data.get("errors")
    assert data["machine"]["nproc"] >= 1 and data["machine"]["scrapy"]
    small, full = data["extraction"], data["extraction_full_weight"]
    for ex in (small, full):  # both page weights, each against both baselines, measured in this run
        assert ex["ms_per_page"]["stdcrawl"] > 0 and ex["ms_per_page"]["lxml_parse"] > 0
        if peer:
            assert ex["ms_per_page"]["trafilatura"] > 0 and ex["speedup_vs_trafilatura"] > 0
        else:
            assert ex["trafilatura"] == "not installed"
        assert len(ex["runs_ms_per_page"]["stdcrawl"]) == 1 and ex["pages"] == 10
    assert small["weight"] == "small" and full["weight"] == "full_weight"
    assert full["kb_per_page"] > 30 > 10 > small["kb_per_page"]
    crawl = data["crawl"]["50"]
    assert crawl["stored_articles"] == 50
    assert [r["responses"] for r in crawl["runs"]["stdcrawl"]] == [r["responses"] for r in crawl["runs"]["bare"]]
    assert crawl["runs"]["bare"][0]["responses"] == crawl["pages"]
    assert data["storage"]["articles"] == 50 and data["storage"]["ratio"] > 0
    inc = data["incremental"]
    assert inc["no_change"]["articles_new"] == 0 and inc["new_articles"]["articles_new"] == 10
    assert "ratio" in data["reextraction"] or data["reextraction"]["skipped"].startswith("n/a")

    table = (out / "latest.md").read_text("utf-8")
    assert "| measurement | stdcrawl | baseline | ratio | target | result |" in table
    for row in ("extraction, loader + normalization, small pages", "extraction, loader + normalization, full-weight pages",
                "extraction vs trafilatura, small pages", "extraction vs trafilatura, full-weight pages",
                "end-to-end crawl, 50 articles", "storage",
                "re-extraction", "peak RSS", "incremental, no change", "database size per 1,000 articles"):
        assert row in table
    assert table.strip() in result.stdout
