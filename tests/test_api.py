"""The notebook API: open an archive, search it, iterate its articles as dicts."""

from __future__ import annotations

import sqlite3

import pytest

from stdcrawl.research.api import open_archive
from stdcrawl.research.search import QueryError
from stdcrawl.archive.store import ArchiveError

from .archive_factory import SAMPLE, build_archive


@pytest.fixture
def archive(tmp_path):
    with open_archive(build_archive(tmp_path / "a.db")) as archive:
        yield archive


def test_articles_are_dicts_with_lists_and_records_decoded(archive):
    first = next(archive.articles(section="news"))
    assert first["article_id"] == "g3-4" and first["authors"] == ["毕炜梓"]
    assert first["images"] == SAMPLE[3]["images"] and first["related"] == []
    assert first["breadcrumb"] == ["EnglishChannel", "International Cooperation", "Article"]
    assert "images_json" not in first and "authors_text" not in first
    assert [name for name, _ in archive.fields()] == list(first)


def test_articles_filters_order_and_limit(archive):
    assert [a["article_id"] for a in archive.articles()] == ["g3-5", "g3-4", "g3-1", "g3-2", "g3-3"]
    assert [a["article_id"] for a in archive.articles(limit=2)] == ["g3-5", "g3-4"]
    assert [a["article_id"] for a in archive.articles(query="guangdong", until="2021")] == ["g3-1"]
    assert [a["article_id"] for a in archive.articles(author="long yun")] == ["g3-3"]
    assert archive.count() == 5 and archive.count(section="Sci-Tech News") == 2
    with pytest.raises(QueryError):
        list(archive.articles(since="soon"))


def test_get_by_id_or_url(archive):
    assert archive.get("g3-1")["related"][0] == {"title": "Top story", "summary": "A summary.", "url": "https://www.stdaily.com/English/a.shtml"}
    assert archive.get(SAMPLE[1]["canonical_url"])["article_id"] == "g3-2"
    assert archive.get("g9-0") is None


def test_search_results_are_a_list_with_the_match_used(archive):
    hits = archive.search("quantum OR glaciers", limit=5, highlight=("<b>", "</b>"))
    assert {h["article_id"] for h in hits} == {"g3-2", "g3-3"}
    assert hits.match == "quantum OR glaciers" and hits.note is None
    assert any("<b>" in h["snippet"] for h in hits)
    assert set(hits[0]) == {"rank", "article_id", "title", "section", "published_at", "authors", "canonical_url", "snippet", "score"}


def test_the_archive_is_read_only(archive):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        archive.db.execute("delete from articles")


def test_opening_what_is_not_an_archive(tmp_path):
    with pytest.raises(ArchiveError, match="no archive"):
        open_archive(tmp_path / "missing.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    with pytest.raises(ArchiveError, match="not a stdcrawl archive"):
        open_archive(other)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ArchiveError):
        open_archive(garbage)
