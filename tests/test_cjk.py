"""Chinese words inside running text are found (`articles_cjk`, issue 13)."""

from __future__ import annotations

import sqlite3

from stdcrawl.api import open_archive
from stdcrawl.research.cjk import split_query
from stdcrawl.cli import main
from stdcrawl.archive.store import Archive

from .archive_factory import SAMPLE, build_archive, make_article

MEETING = make_article(
    6, title="Engineers meet", body="The meeting (会议在北京举行) drew 300 engineers.\n\nThey talked.",
    authors=["Li Wei"], published_at="2024-05-06T10:00:00+08:00",
)


def cjk_rows(db) -> set[int]:
    return {r[0] for r in sqlite3.connect(db).execute("select rowid from articles_cjk")}


def test_a_chinese_word_is_found_inside_running_text(tmp_path):
    db = build_archive(tmp_path / "a.db", [*SAMPLE, MEETING])
    with open_archive(db) as archive:
        assert {h["article_id"] for h in archive.search("北京")} == {"g3-4", "g3-6"}  # `(北京)` and `…在北京举行`
        assert [h["article_id"] for h in archive.search("会议在北京举行")] == ["g3-6"]  # three or more: a trigram match
        assert [h["article_id"] for h in archive.search("北京 robotics")] == ["g3-4"]  # the English word from articles_fts
        assert [h["article_id"] for h in archive.search("北京 上海")] == []  # every CJK word is required
        (hit,) = archive.search("举行", highlight=("[", "]"))
        assert "[举行]" in hit["snippet"] and hit["snippet"].startswith("The meeting")
        assert archive.count(query="北京") == 2
        assert [a["article_id"] for a in archive.articles(query="北京", since="2024")] == ["g3-6"]
        assert [h["article_id"] for h in archive.search("毕炜梓")] == ["g3-4"]  # authors too
        assert [h["article_id"] for h in archive.search("科技日报")] == ["g3-4"]  # and titles


def test_the_search_command_finds_chinese_words(tmp_path, capsys):
    db = build_archive(tmp_path / "a.db", [*SAMPLE, MEETING])
    assert main(["search", "北京", "--db", str(db), "--format", "csv"]) == 0
    assert sum(",g3-" in line for line in capsys.readouterr().out.splitlines()) == 2


def test_english_searches_do_not_touch_the_cjk_index(tmp_path):
    db = build_archive(tmp_path / "a.db", [*SAMPLE, MEETING])
    with open_archive(db) as archive:
        statements = []
        archive.db.conn.set_trace_callback(statements.append)
        assert [h["article_id"] for h in archive.search("satellite OR spacecraft")] == ["g3-3"]
        assert archive.count(query="Guangdong") == 2
        archive.db.conn.set_trace_callback(None)
    assert statements and not [s for s in statements if "articles_cjk" in s]


def test_the_index_follows_inserts_updates_and_deletes(tmp_path):
    db = build_archive(tmp_path / "a.db", [*SAMPLE, MEETING])
    conn = sqlite3.connect(db)
    rowid = {aid: r for aid, r in conn.execute("select article_id, rowid from articles")}
    assert cjk_rows(db) == {rowid["g3-4"], rowid["g3-6"]}  # only the articles with CJK text
    with Archive(db) as archive:  # a correction drops the Chinese; another adds some
        archive.write_batch([{**MEETING, "body": "The meeting was held in Beijing."},
                             {**SAMPLE[2], "body": "A new survey of Tibetan glaciers uses satellite (卫星) radar."}],
                            [], crawl_id=None)  # (not a worse extraction, which would be kept out)
    assert cjk_rows(db) == {rowid["g3-4"], rowid["g3-3"]}
    conn.execute("delete from articles where article_id = 'g3-4'")
    conn.commit()
    assert cjk_rows(db) == {rowid["g3-3"]}
    with open_archive(db) as archive:
        assert [h["article_id"] for h in archive.search("卫星")] == ["g3-3"]


def test_older_archives_get_the_index(tmp_path):
    db = build_archive(tmp_path / "a.db", [*SAMPLE, MEETING])
    conn = sqlite3.connect(db)
    conn.execute("drop table articles_cjk")
    for trigger in ("ai", "ad", "au"):
        conn.execute(f"drop trigger articles_cjk_{trigger}")
    conn.execute("pragma user_version = 8")  # the schema before articles_cjk
    conn.commit()
    with open_archive(db) as archive:  # read-only, not migrated: `(北京)` as articles_fts sees it
        assert [h["article_id"] for h in archive.search("北京")] == ["g3-4"]
    Archive(db).close()
    with open_archive(db) as archive:
        assert {h["article_id"] for h in archive.search("北京")} == {"g3-4", "g3-6"}


def test_queries_split_into_cjk_words_and_the_rest():
    assert split_query("北京 robotics") == (["北京"], "robotics")
    assert split_query('"会议在北京举行" OR 北京') == (["会议在北京举行", "北京"], "")
    assert split_query("title:robot 上海") == (["上海"], "title:robot")
    assert split_query("Café") == ([], "Café")
