"""`pip install .` (a wheel, not the checkout) gives a working `stdcrawl demo` and `serve`.

The wheel is built from a copy of the sources and installed into a fresh
virtual environment that sees the test environment's dependencies but not
the checkout, so every file a command reads at run time must be in the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import ROOT, manifest

#: What a source distribution holds (MANIFEST.in), enough to build the wheel.
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "stdcrawl", "docs", "fixtures/site")


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STDCRAWL_DB")}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a virtual environment with stdcrawl installed from its wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "_data", "*.pyc"))
        else:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"), str(src)])
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("stdcrawl-*.whl")
    venv = tmp / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(venv)]).returncode == 0
    site_packages = Path(_run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    # The dependencies from the test environment; the checkout's editable stdcrawl
    # is a .pth there, which a path added this way does not run.
    (site_packages / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                 "--no-deps", "--no-index", str(wheel)])
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_the_wheel_runs_the_demo_from_any_folder(installed, tmp_path):
    where = _run([str(installed / "python"), "-c", "import stdcrawl; print(stdcrawl.__file__)"], cwd=tmp_path)
    assert str(installed.parent) in where.stdout, "stdcrawl came from the checkout, not the wheel"
    demo = _run([str(installed / "stdcrawl"), "demo"], cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "Traceback" not in demo.stderr and f"{manifest()['expected_article_count']} articles" in demo.stdout
    assert "broken pages on purpose" in demo.stdout
    assert (tmp_path / "demo.db").exists() and list((tmp_path / "demo-warc").glob("*.warc.gz"))


def test_the_wheel_gives_serve_every_table_description(installed, tmp_path):
    code = "import json; from stdcrawl.research.serve import build_metadata; print(json.dumps(build_metadata('demo')))"
    result = _run([str(installed / "python"), "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["databases"]["demo"]["tables"]
    assert tables["articles"]["description"] and tables["captures"]["description"]
    assert tables["articles"]["columns"]["title"]


def test_the_wheel_carries_the_browse_templates_and_static_files(installed, tmp_path):
    code = ("from stdcrawl.research.serve import browse_dir; "
            "print(sorted(p.name for k in ('templates', 'static') for p in browse_dir(k).iterdir()))")
    result = _run([str(installed / "python"), "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shipped = sorted(p.name for k in ("templates", "static") for p in (ROOT / "stdcrawl/research/browse" / k).iterdir()
                     if p.is_file())
    assert result.stdout.strip() == str(shipped)
    assert str(installed.parent) in _run([str(installed / "python"), "-c", "from stdcrawl.research.serve import "
                                          "browse_dir; print(browse_dir('templates'))"], cwd=tmp_path).stdout
