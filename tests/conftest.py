"""Shared test helpers: the fixture site, a local server, the CLI in a subprocess.

Crawls run in a subprocess (`python -m stdcrawl crawl …`) because Scrapy's
Twisted reactor runs once per process, and because that is how users run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stdcrawl.fixture_server import FixtureServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FIXTURE_SITE = FIXTURES / "site"


def load_fixture(relative: str) -> bytes:
    """The bytes of a fixture file, by its path under fixtures/."""
    return (FIXTURES / relative).read_bytes()


def manifest() -> dict:
    return json.loads(load_fixture("manifest.json"))


def run_stdcrawl(*args: str, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the `stdcrawl` command as a user would; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "stdcrawl", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "", **(env or {})},
        cwd=ROOT,
    )


@pytest.fixture(scope="session")
def fixture_server():
    """The fixture site served on 127.0.0.1 for the whole session."""
    with FixtureServer(FIXTURE_SITE) as server:
        yield server


@pytest.fixture
def site_server(tmp_path):
    """A server over an empty folder of the test's own, to be filled by the test."""
    root = tmp_path / "site"
    root.mkdir()
    with FixtureServer(root) as server:
        yield server
