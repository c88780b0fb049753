"""The README's commands work as shown, run in order against the demo archive.

Every line of the README's `sh` blocks and its `python` block runs in a
folder holding what `make demo` leaves (demo.db, demo-warc/), a fresh copy
for each block (as a newcomer reads a section right after the demo), and a
`.venv/bin/` whose `stdcrawl` and `warcio` are this environment's. What is
not run, and why: `make` targets (the CI runs them), `serve` (a server that
runs until stopped: tests/test_serve.py), and the live site, which `crawl`
and `probe` lines reach through `--base-url` pointing at the fixture server. The cron
and systemd lines are parsed with the real option parser.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stdcrawl.cli import build_parser

from .conftest import FIXTURE_SITE, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```", re.M | re.S)
NOT_RUN = ("make ", ".venv/bin/stdcrawl serve ")


def blocks(lang: str) -> list[str]:
    return [m["body"] for m in _BLOCK.finditer(README) if m["lang"] == lang]


def shell_blocks() -> list[list[str]]:
    """The commands of each `sh` block (those that are run)."""
    found = []
    for body in blocks("sh"):
        lines = [line for line in body.splitlines()
                 if (command := " ".join(shlex.split(line, comments=True))) and not command.startswith(NOT_RUN)]
        if lines:
            found.append(lines)
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, fixture_server) -> Path:
    """A folder as a newcomer has it after `make demo`."""
    work = tmp_path_factory.mktemp("readme")
    bindir = work / ".venv" / "bin"
    bindir.mkdir(parents=True)
    for name, module in (("stdcrawl", "stdcrawl.cli"), ("warcio", "warcio.cli")):
        shim = bindir / name
        run = f"import sys; from {module} import main; sys.argv[0] = {name!r}; sys.exit(main())"
        shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c {shlex.quote(run)} \"$@\"\n")
        shim.chmod(0o755)
    demo = subprocess.run([str(bindir / "stdcrawl"), "demo"], cwd=work, capture_output=True, text=True, timeout=180)
    assert demo.returncode == 0, demo.stderr
    # `extract page.html`: a page saved from the site, as the README assumes.
    shutil.copy(FIXTURE_SITE / "web/English/2023-06/08/content_1925612.html", work / "page.html")
    return work


def test_the_readme_shows_commands_to_run():
    lines = [line for block in shell_blocks() for line in block]
    assert any("reparse" in line for line in lines) and any("warcio index" in line for line in lines)
    assert len(lines) >= 12


def test_every_shown_command_runs_against_the_demo_archive(workdir, fixture_server, tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": ""}
    env.pop("STDCRAWL_DB", None)
    for n, block in enumerate(shell_blocks()):
        folder = tmp_path / f"block{n}"
        shutil.copytree(workdir, folder, symlinks=True)
        for line in block:
            command = line
            is_crawl = ".venv/bin/stdcrawl crawl " in line
            is_probe = ".venv/bin/stdcrawl probe " in line
            if is_crawl or is_probe:  # the live site stands in as the fixture server
                verb = " crawl " if is_crawl else " probe "
                command = line.replace(verb, f"{verb}--base-url {fixture_server.base_url} ", 1)
            result = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True,
                                    timeout=180, env=env)
            # the fixture site's broken pages make a crawl exit 1, and `reparse --problems` (one stays listed)
            ok = (0, 1) if is_crawl or "reparse" in line and "--problems" in line else (0,)
            assert result.returncode in ok, f"{line}\n{result.stderr}"
            assert "Traceback" not in result.stderr, line
            # a query may rightly match no rows (the demo lists no extraction problems: its
            # broken pages fail as `truncated`); a wrong table or column still fails above
            assert result.stdout or result.stderr or line.startswith("sqlite3 "), f"{line} printed nothing"


def test_the_python_example_runs_against_the_demo_archive(workdir):
    (code,) = blocks("python")
    result = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Guangdong" in result.stdout


def test_the_cron_and_systemd_commands_are_valid_options():
    lines = [line for line in "".join(blocks("cron") + blocks("ini")).splitlines() if "stdcrawl crawl" in line]
    assert len(lines) == 2
    for line in lines:
        words = shlex.split(line.split("stdcrawl crawl", 1)[1])
        build_parser().parse_args(["crawl", *words])  # exits (a SystemExit) on an unknown option


def test_every_crawl_option_is_in_the_options_table():
    parser = build_parser()
    crawl = parser._subparsers._group_actions[0].choices["crawl"]
    table = README.split("| option | meaning |", 1)[1].split("\n\n", 1)[0]
    for action in crawl._actions:
        names = [o for o in action.option_strings if o not in ("-h", "--help", "--db")]
        if names:
            assert any(f"`{name}" in table for name in names), f"{names} missing from the README's options table"
