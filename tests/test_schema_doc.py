"""docs/schema.md is the schema: every table, view and column, both ways, and SQL that runs."""

from __future__ import annotations

import re
import sqlite3

import pytest

from stdcrawl.research.schema_doc import SCHEMA_DOC, load_schema_doc, parse_schema_doc
from stdcrawl.archive.store import SCHEMA_VERSION, Archive

from .archive_factory import build_archive

KINDS = {"table": "table", "view": "view", "full-text index": "table"}


@pytest.fixture(scope="module")
def real_schema(tmp_path_factory) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Every table and view of a freshly created archive: name -> (type, [(column, declared type)])."""
    path = tmp_path_factory.mktemp("schema") / "fresh.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    objects = {}
    for kind, name in conn.execute(
        "select type, name from sqlite_master where type in ('table', 'view') "
        "and name not like 'sqlite_%' and name not like 'articles_fts_%' and name not like 'articles_cjk_%'"
    ):
        objects[name] = (kind, [(r[1], r[2]) for r in conn.execute(f"pragma table_info([{name}])")])
    conn.close()
    return objects


@pytest.fixture(scope="module")
def documented():
    return load_schema_doc()


def test_every_table_and_view_is_documented_and_nothing_else(real_schema, documented):
    assert sorted(documented) == sorted(real_schema)


def test_columns_match_both_ways(real_schema, documented):
    for name, (kind, columns) in real_schema.items():
        doc = documented[name]
        assert KINDS[doc.kind] == kind, name
        assert [c.name for c in doc.columns] == [c for c, _ in columns], f"columns of {name}"
        for (column, declared), c in zip(columns, doc.columns):
            if declared:  # computed view columns have no declared type
                assert c.type == declared, f"{name}.{column}: documented {c.type}, declared {declared}"
            assert c.type in ("TEXT", "INTEGER", "REAL", "BLOB"), f"{name}.{column}"
            assert c.meaning and c.example, f"{name}.{column} needs a meaning and an example"


def test_schema_md_names_every_table_and_view(real_schema):
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    assert [name for name in real_schema if f"`{name}`" not in text] == []


def test_every_object_has_a_description(documented):
    assert all(len(doc.description) > 20 for doc in documented.values())


def test_schema_version_is_the_documented_one():
    assert f"currently {SCHEMA_VERSION})" in SCHEMA_DOC.read_text(encoding="utf-8")


def test_the_example_queries_run(tmp_path):
    db = build_archive(tmp_path / "a.db")
    blocks = re.findall(r"```sql\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 4
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    results = [conn.execute(sql).fetchall() for sql in blocks]
    conn.close()
    assert all(results[:2]) and results[3][0][1] == "Innovation Drives Guangdong's High-quality Development"


def test_the_python_example_runs(tmp_path, monkeypatch, capsys):
    build_archive(tmp_path / "demo.db")
    monkeypatch.chdir(tmp_path)
    (example,) = re.findall(r"```python\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.DOTALL)
    exec(compile(example, "docs/schema.md", "exec"), {})
    assert "Innovation Drives Guangdong's High-quality Development" in capsys.readouterr().out


def test_the_parser_reads_tables_and_escaped_pipes():
    doc = parse_schema_doc(
        "### `t` (table)\n\nA table\nof things.\n\n| column | type | meaning | example |\n|---|---|---|---|\n"
        "| `a` | TEXT | one \\| two | `x` |\n\n## Other\n\n| `b` | TEXT | not t's | y |\n"
    )
    assert doc["t"].description == "A table of things."
    assert [(c.name, c.meaning, c.example) for c in doc["t"].columns] == [("a", "one | two", "x")]
