"""The package's layers import only downwards (docs/architecture.md).

Bottom up: `extract` (pure: page → article) → `archive` (SQLite + WARC) →
`crawl` (Scrapy) → `research` (search, export, serve) → the command line.
`stdcrawl` itself and `stdcrawl.clock` sit below them all; the fixture server
and the site generator are test tools that may use `extract` only.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from stdcrawl.extract.decode import page_text

from .conftest import FIXTURE_SITE, ROOT

PACKAGE = ROOT / "stdcrawl"

#: Module prefix → rank; a module may import modules of its rank or below.
RANKS = {
    "stdcrawl": 0, "stdcrawl.clock": 0,
    "stdcrawl.extract": 1,
    "stdcrawl.fixture_server": 1.5, "stdcrawl.sitegen": 1.5,
    "stdcrawl.archive": 2,
    "stdcrawl.crawl": 3,
    "stdcrawl.research": 4, "stdcrawl.api": 4,
    "stdcrawl.cli": 5, "stdcrawl.demo": 5, "stdcrawl.__main__": 5,
}
#: Tools (rank 1.5) are for tests and benchmarks: only the command line (the demo) may use them.
TOOLS = ("stdcrawl.fixture_server", "stdcrawl.sitegen")


def rank(module: str) -> float:
    best = max((p for p in RANKS if module == p or module.startswith(p + ".")), key=len)
    return RANKS[best]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) of every stdcrawl import in the file, lazy ones included."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from stdcrawl import sitegen` imports a module, `from stdcrawl import __version__` a name
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                is_module = (root.parent / sub.replace(".", "/")).with_suffix(".py").exists() or (
                    root.parent / sub.replace(".", "/")).is_dir()
                found.append((node.lineno, sub if is_module else target))
    return [(line, m) for line, m in found if m == "stdcrawl" or m.startswith("stdcrawl.")]


def layer_violations(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        importer = module_name(path, root)
        for line, imported in imported_modules(path, root):
            if rank(imported) > rank(importer) or (
                imported.startswith(TOOLS) and not importer.startswith(TOOLS) and rank(importer) < 5
            ):
                problems.append(f"{path.relative_to(root.parent)}:{line}: {importer} imports {imported}")
    return problems


def test_no_layer_imports_a_higher_one():
    assert layer_violations(PACKAGE) == []


def test_every_module_belongs_to_a_layer():
    modules = [module_name(p, PACKAGE) for p in PACKAGE.rglob("*.py")]
    unplaced = [m for m in modules if m != "stdcrawl" and rank(m) == 0 and m != "stdcrawl.clock"]
    assert unplaced == []


def test_the_checker_catches_an_upward_import(tmp_path):
    pkg = tmp_path / "stdcrawl"
    (pkg / "extract").mkdir(parents=True)
    (pkg / "archive").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "extract" / "__init__.py").write_text("")
    (pkg / "archive" / "__init__.py").write_text("")
    (pkg / "archive" / "store.py").write_text("X = 1\n")
    (pkg / "extract" / "page.py").write_text("def f():\n    from stdcrawl.archive import store\n")
    assert layer_violations(pkg) == ["stdcrawl/extract/page.py:2: stdcrawl.extract.page imports stdcrawl.archive.store"]


def test_the_extract_layer_loads_no_scrapy_sqlite_twisted_or_fcntl():
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import stdcrawl.extract as e\n"
        "for m in pkgutil.iter_modules(e.__path__): importlib.import_module('stdcrawl.extract.' + m.name)\n"
        "from stdcrawl.extract.page import article_from_bytes\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('scrapy', 'twisted', 'sqlite3', '_sqlite3', 'sqlite_utils', 'fcntl'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_pages_decode_as_scrapy_decodes_them():
    from scrapy.http import HtmlResponse

    pages = sorted(FIXTURE_SITE.rglob("*.*html"))
    assert len(pages) > 50
    for page in pages:
        body = page.read_bytes()
        for content_type in (None, "text/html; charset=utf-8", "text/html; charset=gbk", "text/html"):
            headers = {"Content-Type": content_type} if content_type else {}
            expected = HtmlResponse(url="https://www.stdaily.com/x.html", body=body, headers=headers).text
            assert page_text(body, content_type) == expected, (page, content_type)
