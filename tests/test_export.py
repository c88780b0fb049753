"""Exports round-trip: each file read back equals the database, nested fields included."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import tracemalloc
from datetime import date, datetime, timedelta, timezone

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stdcrawl.research.api import open_archive
from stdcrawl.cli import main
from stdcrawl.research.export import ExportError, export

from .archive_factory import SAMPLE, build_archive, make_article

LISTS = ("breadcrumb", "authors", "extraction_notes")


@pytest.fixture
def db(tmp_path):
    return build_archive(tmp_path / "a.db")


def expected_from_db(path) -> dict[str, dict]:
    """Each article as the export should hold it, read with plain SQL (not through the API)."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    articles = {}
    for row in conn.execute("select * from articles"):
        images = [
            {"src": r["src"], "caption": r["caption"]}
            for r in conn.execute("select * from images where article_id = ? order by position", [row["article_id"]])
        ]
        # the columns in order; `images_json` is `images`, `authors_text` is left out
        a = {("images" if k == "images_json" else k): row[k] for k in row.keys() if k != "authors_text"}
        a.update({k: json.loads(row[k]) for k in LISTS}, images=images)
        a["related"] = [
            {"title": r["title"], "summary": r["summary"], "url": r["url"]}
            for r in conn.execute("select * from related_headlines where article_id = ? order by position", [row["article_id"]])
        ]
        articles[a["article_id"]] = a
    conn.close()
    return articles


def from_csv_cell(key: str, cell: str, like):
    """A CSV cell back to the value it stands for (`like`: the database's value, for its type)."""
    if key in LISTS:
        return cell.split("; ") if cell else []
    if key in ("images", "related"):
        return json.loads(cell)
    if like is None:
        return None if cell == "" else cell
    return type(like)(cell)


TIMES = ("published_at", "published_utc", "fetched_at", "first_seen_at", "last_seen_at", "last_changed_at")


def as_parquet_holds_it(article: dict) -> dict:
    """An expected article with Parquet's types: times as aware datetimes, plus `published_date`."""
    out = {}
    for key, value in article.items():
        out[key] = datetime.fromisoformat(value) if key in TIMES and value else value
        if key == "published_utc":
            out["published_date"] = date.fromisoformat(article["published_at"][:10]) if article["published_at"] else None
    return out


def read_back(fmt: str, path) -> list[dict]:
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_every_format_round_trips(db, tmp_path, fmt):
    out = tmp_path / f"articles.{fmt}"
    assert main(["export", "--db", str(db), "--format", fmt, "--out", str(out)]) == 0
    expected = expected_from_db(db)
    rows = read_back(fmt, out)
    assert [r["article_id"] for r in rows] == ["g3-5", "g3-4", "g3-1", "g3-2", "g3-3"]  # oldest first, undated first
    for row in rows:
        want = expected[row["article_id"]]
        if fmt == "parquet":
            want = as_parquet_holds_it(want)
        assert list(row) == list(want)  # same fields, same order
        if fmt == "csv":
            row = {k: from_csv_cell(k, v, want[k]) for k, v in row.items()}
        assert row == want
    assert list(tmp_path.glob(".*.tmp")) == []


def test_nested_fields_in_each_format(db, tmp_path):
    for fmt in ("jsonl", "csv", "parquet"):
        with open_archive(db) as archive:
            export(archive, fmt, tmp_path / f"g.{fmt}", author="gong", since="2021", until="2021")
    (jl,) = read_back("jsonl", tmp_path / "g.jsonl")
    assert jl["images"] == [{"src": "https://www.stdaily.com/img/1.jpg", "caption": "Shenzhen at night. (Photo: Xinhua)"}]
    assert jl["related"][1] == {"title": "Second story", "summary": "", "url": "https://www.stdaily.com/English/b.shtml"}
    (cs,) = read_back("csv", tmp_path / "g.csv")
    assert cs["authors"] == "Gong Guoping" and json.loads(cs["related"]) == jl["related"]
    assert cs["breadcrumb"] == "EnglishChannel; International Cooperation; Article"
    table = pq.read_table(tmp_path / "g.parquet")
    assert str(table.schema.field("authors").type) == "list<element: string>"
    assert str(table.schema.field("images").type) == "list<element: struct<src: string, caption: string>>"
    assert table.schema.field("word_count").type == "int64"
    assert table.to_pylist()[0]["related"] == jl["related"]


def test_parquet_types_times_and_dates_for_duckdb_and_pandas(tmp_path):
    """Times are timestamps (the +08:00 instant kept), the Beijing day a date:
    `date_trunc('year', published_at)` runs without a cast."""
    new_year = make_article(9, published_at="2022-01-01T05:00:00+08:00")  # still 2021 in UTC
    db = build_archive(tmp_path / "a.db", [*SAMPLE, new_year])
    out = tmp_path / "a.parquet"
    assert main(["export", "--db", str(db), "--format", "parquet", "--out", str(out)]) == 0
    schema = pq.read_schema(out)
    assert schema.field("published_at").type == pa.timestamp("us", tz="+08:00")
    assert schema.field("published_utc").type == pa.timestamp("us", tz="UTC")
    assert schema.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("published_date").type == pa.date32()
    (row,) = [r for r in pq.read_table(out).to_pylist() if r["article_id"] == "g3-9"]
    assert row["published_at"].utcoffset() == timedelta(hours=8)
    assert row["published_at"] == datetime(2021, 12, 31, 21, 0, tzinfo=timezone.utc)  # the same instant
    assert row["published_date"] == date(2022, 1, 1)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")  # the answer must not depend on the machine's zone
    years = con.execute(
        f"select year(date_trunc('year', published_at)) as y, count(*) from '{out}' "
        "where published_at is not null group by y order by y"
    ).fetchall()
    assert years == [(2020, 1), (2021, 2), (2022, 1), (2023, 1)]
    beijing_years = con.execute(
        f"select year(published_date) as y, count(*) from '{out}' where published_date is not null group by y order by y"
    ).fetchall()
    assert beijing_years == [(2020, 1), (2021, 1), (2022, 2), (2023, 1)]
    assert con.execute(f"select typeof(published_at), typeof(published_date) from '{out}' limit 1").fetchone() == (
        "TIMESTAMP WITH TIME ZONE", "DATE",
    )


def test_filters_and_query(db, tmp_path, capsys):
    assert main(["export", "--db", str(db), "--format", "jsonl", "--out", "-", "--query", "guangdong", "--section", "ChinaNews"]) == 0
    assert [json.loads(line)["article_id"] for line in capsys.readouterr().out.splitlines()] == ["g3-2"]
    assert main(["export", "--db", str(db), "--format", "csv", "--out", "-", "--query", '"unbalanced']) == 0
    assert main(["export", "--db", str(db), "--format", "parquet", "--out", "-"]) == 2
    assert "binary" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert "no directory" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--format", "csv", "--out", "-", "--since", "last week"]) == 2
    with open_archive(db) as archive, pytest.raises(ExportError):
        export(archive, "xlsx", tmp_path / "x.xlsx")


def test_stdout_closed_early_is_no_error_and_writes_no_file(tmp_path):
    db = build_archive(tmp_path / "a.db", [make_article(n, body="word " * 2000) for n in range(300)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "stdcrawl", "export", "--db", str(db), "--format", "jsonl", "--out", "-"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert json.loads(proc.stdout.readline())["article_id"]
    proc.stdout.close()  # like `| head -1`
    assert proc.wait(timeout=60) == 0 and b"Traceback" not in proc.stderr.read()
    proc.stderr.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("a.db")) == []


def test_a_failed_export_leaves_no_file(db, tmp_path):
    out = tmp_path / "a.jsonl"
    with open_archive(db) as archive:
        rows = archive.articles()
        archive.articles = lambda **kw: (r if i < 2 else 1 / 0 for i, r in enumerate(rows))  # fails midway
        with pytest.raises(ZeroDivisionError):
            export(archive, "jsonl", out)
    assert not out.exists() and list(tmp_path.glob(".*")) == []


@pytest.fixture(scope="module")
def archives_of_two_sizes(tmp_path_factory):
    """2,000 and 4,000 articles of ~8 kB each (16 and 32 MB of text)."""
    body = ("Science and technology news from Guangdong. " * 180).strip()
    root = tmp_path_factory.mktemp("sizes")
    return [
        build_archive(root / f"{n}.db", [make_article(i, body=body, title=f"Story {i}") for i in range(n)])
        for n in (2000, 4000)
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_exports_stream(archives_of_two_sizes, tmp_path, fmt):
    """Twice the articles, the same Python memory: rows are never gathered
    (Parquet holds one record batch of 1,000 rows at a time)."""
    peaks = []
    for db in archives_of_two_sizes:
        with open_archive(db) as archive:
            tracemalloc.start()
            try:
                export(archive, fmt, tmp_path / f"{db.stem}.{fmt}")
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.25 + 1_000_000, peaks
    assert peaks[1] < (30_000_000 if fmt == "parquet" else 2_000_000), peaks


@pytest.mark.parametrize("force", [False, True])
def test_an_export_never_overwrites_the_archive_it_reads(db, tmp_path, capsys, force):
    before = db.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(db)
    for out in (db, link, tmp_path / "sub" / ".." / db.name, db.with_name(db.name + "-wal")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        args = ["export", "--db", str(db), "--format", "jsonl", "--out", str(out)] + (["--force"] if force else [])
        assert main(args) == 2, out
        err = capsys.readouterr().err
        assert "archive's own file" in err and err.count("\n") == 1
    assert db.read_bytes() == before
    with open_archive(db) as archive:
        assert archive.count() == 5


def test_an_existing_file_is_replaced_only_with_force(db, tmp_path, capsys):
    out = tmp_path / "articles.jsonl"
    out.write_text("my notes\n")
    args = ["export", "--db", str(db), "--format", "jsonl", "--out", str(out)]
    assert main(args) == 2
    assert "exists; give --force" in capsys.readouterr().err
    assert out.read_text() == "my notes\n"
    assert main(args + ["--force"]) == 0
    assert len(out.read_text().splitlines()) == 5
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("a.db")] == ["articles.jsonl"]  # no temporary file


def test_a_file_that_appears_while_exporting_is_not_replaced(db, tmp_path):
    out = tmp_path / "articles.jsonl"
    with open_archive(db) as archive:
        rows = archive.articles()

        def slow_rows(**kw):
            for i, row in enumerate(rows):
                if i == 2:
                    out.write_text("written meanwhile by someone else\n")
                yield row

        archive.articles = slow_rows
        with pytest.raises(ExportError, match="exists"):
            export(archive, "jsonl", out)
    assert out.read_text() == "written meanwhile by someone else\n"
    assert list(tmp_path.glob(".*")) == []
