"""Near-duplicate rules (archive/near_duplicates.py) and how the archive keeps a copy: one
article, every URL, each copy's text once; never a merge of two stories."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils

from stdcrawl.archive import near_duplicates as dedupe
from stdcrawl.archive.store import MIGRATIONS, Archive

from .test_store import make_article

BODY = ("Engineers in Shenzhen have tested a solid-state battery that charges in ten minutes, the company said.\n\n"
        "The cells passed nail and crush tests and kept 90 percent of their capacity after 1,000 cycles.\n\n"
        "Mass production is planned for next year at a new plant in Guangdong.")


def story(n: int, **changes) -> dict:
    return make_article(n, **{"title": "Solid-state Battery Charges in Minutes", "body": BODY,
                              "published_at": "2021-11-01T09:00:00+08:00", **changes})


def copy_of(body: str = BODY) -> str:
    return body.replace("90 percent", "nearly 90 percent") + " Further details were not disclosed."


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        yield a


def test_titles_match_whatever_their_case_spacing_and_punctuation():
    assert dedupe.title_key("WEEKLY REVIEW(June 9-16)") == dedupe.title_key("Weekly  Review (June 9–16)")
    assert dedupe.title_key("Starlink:Blurring Lines") != dedupe.title_key("Starlink Blurring Line")


def test_times_match_to_the_second_or_by_day_when_only_a_date_is_known():
    at, other = "2023-05-16T10:12:40+08:00", "2023-05-16T10:12:41+08:00"
    assert dedupe.same_time(at, "second", at, "second")
    assert not dedupe.same_time(at, "second", other, "second")
    assert dedupe.same_time(at, "second", "2023-05-16T00:00:00+08:00", "day")
    assert not dedupe.same_time(at, "second", "2023-05-17T00:00:00+08:00", "day")
    assert not dedupe.same_time("2023-05-01T00:00:00+08:00", "month", "2023-05-01T00:00:00+08:00", "month")
    assert not dedupe.same_time(None, None, None, None)


def test_a_light_edit_scores_above_the_threshold_and_another_story_below():
    assert dedupe.similarity(BODY, BODY) == 1.0
    assert dedupe.similarity(BODY, copy_of()) >= dedupe.THRESHOLD
    other = "A drought-resistant rice variety was approved for planting in three northern provinces this week."
    assert dedupe.similarity(BODY, other) < 0.1


def test_a_copy_at_another_url_joins_its_story_and_keeps_its_text_once(archive):
    archive.write_batch([story(1)], [], 1)
    copy = story(2, body=copy_of())
    assert archive.write_batch([copy], [], 2)["near_duplicate"] == 1
    assert archive.write_batch([copy], [], 3)["near_duplicate"] == 1  # seen again: nothing new to keep
    assert archive.count("articles") == 1
    urls = dict(archive.db.execute("select url, relation from article_urls where article_id = 'g1-1234561'").fetchall())
    assert urls[copy["canonical_url"]] == "near_duplicate"
    [version] = archive.db["article_versions"].rows
    assert (version["kind"], version["url"], version["body"], version["crawl_id"]) == ("copy", copy["canonical_url"], copy["body"], 2)
    assert json.loads(version["changed_fields"]) == ["body"]
    assert archive.known_article_url(copy["canonical_url"])


def test_a_copy_stays_a_copy_after_its_story_was_corrected(archive):
    archive.write_batch([story(1), story(2, body=copy_of())], [], 1)
    archive.write_batch([story(1, title="Solid-state Battery Plant Opens in Guangdong")], [], 2)
    assert archive.write_batch([story(2, body=copy_of())], [], 3)["near_duplicate"] == 1
    assert archive.count("articles") == 1


def test_a_copy_in_the_same_batch_as_its_story_joins_it(archive):
    counts = archive.write_batch([story(1), story(2, body=copy_of())], [], 1)
    assert (counts["new"], counts["near_duplicate"]) == (1, 1)
    assert archive.count("articles") == 1


@pytest.mark.parametrize("changes", [
    {"body": "A drought-resistant rice variety was approved for planting in three northern provinces this week."},
    {"published_at": "2021-11-08T09:00:00+08:00"},  # the same digest title a week later
    {"title": "Solid-state Battery Plant Opens"},
], ids=["other body", "other day", "other title"])
def test_stories_that_differ_in_body_day_or_title_stay_apart(archive, changes):
    archive.write_batch([story(1)], [], 1)
    assert archive.write_batch([story(2, **{**changes, "body": changes.get("body", copy_of())})], [], 2)["new"] == 1
    assert archive.count("articles") == 2 and archive.count("article_versions") == 0


def test_a_month_only_date_never_makes_a_copy(archive):
    month = {"published_at": "2021-11-01T00:00:00+08:00", "published_precision": "month"}
    archive.write_batch([story(1, **month)], [], 1)
    assert archive.write_batch([story(2, **month, body=copy_of())], [], 2)["new"] == 1


def test_an_article_already_stored_on_its_own_is_never_turned_into_a_copy(archive):
    archive.write_batch([story(1), story(2, title="Battery Story")], [], 1)
    again = story(2, body=copy_of())  # its title corrected to the other's
    assert archive.write_batch([again], [], 2)["updated"] == 1
    assert archive.count("articles") == 2


def test_an_archive_from_before_near_duplicates_gets_title_keys_and_version_kinds(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    before = [(v, m) for v, m in MIGRATIONS if v < 11]
    for version, migrate in before:
        migrate(db)
    db.execute(f"PRAGMA user_version = {before[-1][0]}")
    db["articles"].insert({"article_id": "g1-1", "canonical_url": "https://www.stdaily.com/x", "title": "WEEKLY REVIEW",
                           "body": "b"})
    db["article_versions"].insert({"article_id": "g1-1", "title": "Old", "body": "a"})
    db.close()
    with Archive(path) as archive:
        assert archive.db["articles"].get("g1-1")["title_key"] == "weekly review"
        [v] = archive.db["article_versions"].rows
        assert (v["kind"], v["url"]) == ("earlier", "https://www.stdaily.com/x")
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
