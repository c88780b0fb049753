"""The normalization rules of docs/fields.md, one function at a time."""

from datetime import datetime, timezone

import pytest

from stdcrawl.extract.normalize import (
    BEIJING,
    choose_authors,
    clean_text,
    date_from_url,
    iso_beijing,
    iso_utc,
    name_case,
    parse_since,
    parse_timestamp,
    split_authors,
    split_breadcrumb,
)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  Guangdong\u00a0has  long\n been ", "Guangdong has long been"),
        ("The?first?page?of?Science", "The first page of Science"),
        ("YU?Haoyuan", "YU Haoyuan"),
        ("Copyright ? Science and Technology Daily, All Rights Reserved", "Copyright © Science and Technology Daily, All Rights Reserved"),
        ("Is it real? Yes.", "Is it real? Yes."),
        ('He asked "why?"', 'He asked "why?"'),
        ("What now?", "What now?"),
        ("Starlink:Blurring the Civilian-Military Line", "Starlink:Blurring the Civilian-Military Line"),
        ("WEEKLY REVIEW(June 9-16)", "WEEKLY REVIEW(June 9-16)"),
        ("\u3000科技日报\u3000", "科技日报"),
        ("Beijing,?May 3.?(PHOTO:?VCG)", "Beijing, May 3. (PHOTO: VCG)"),
        ("LI Ming &?WANG Fang", "LI Ming & WANG Fang"),
        ("a Beijing?\u201cfirst\u201d", "a Beijing \u201cfirst\u201d"),
        ("Why?) and why?' and (why?] or why?!", "Why?) and why?' and (why?] or why?!"),
        ("Why now?\u201d he asked.", "Why now?\u201d he asked."),
        ("Ready?.", "Ready?."),
        (None, ""),
    ],
)
def test_clean_text_restores_lost_characters_and_keeps_real_question_marks(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "raw, names",
    [
        ("GONG Guoping", ["Gong Guoping"]),
        ("Gong Guoping", ["Gong Guoping"]),
        ("LONG Yun & CHEN Chunyou", ["Long Yun", "Chen Chunyou"]),
        ("FANG Linlin and HUANG Zhaoquan", ["Fang Linlin", "Huang Zhaoquan"]),
        ("XU Qingqun, BI Weizi and LONG Yun", ["Xu Qingqun", "Bi Weizi", "Long Yun"]),
        ("By BI Weizi & LONG Yun", ["Bi Weizi", "Long Yun"]),
        ("Staff Reporters", ["Staff Reporters"]),
        ("The Editorial Office", ["The Editorial Office"]),
        ("Science and Technology Daily", ["Science and Technology Daily"]),
        ("毕炜梓", ["毕炜梓"]),
        ("YU?Haoyuan", ["Yu Haoyuan"]),
        ("LI Ming &?WANG Fang", ["Li Ming", "Wang Fang"]),
        ("By?LI Ming,?WANG Fang", ["Li Ming", "Wang Fang"]),
        ("", []),
    ],
)
def test_split_authors_gives_names_and_keeps_institutions_whole(raw, names):
    assert split_authors(raw) == names


def test_name_case_lowers_only_all_capital_words():
    assert name_case("GONG Guoping") == "Gong Guoping"
    assert name_case("Thomas Meier") == "Thomas Meier"


def test_authors_come_from_the_byline_when_the_header_is_empty_or_chinese():
    assert choose_authors("毕炜梓", "By BI Weizi & LONG Yun") == (["Bi Weizi", "Long Yun"], True)
    assert choose_authors("", "By Staff Reporters") == (["Staff Reporters"], True)
    assert choose_authors("Gong Guoping", "By GONG Guoping") == (["Gong Guoping"], False)
    assert choose_authors("毕炜梓", "") == (["毕炜梓"], False)
    assert choose_authors("", "") == ([], False)


def test_the_bylines_longer_list_wins_over_a_header_that_names_fewer():
    assert choose_authors("LI Ming", "By LI Ming & WANG Fang") == (["Li Ming", "Wang Fang"], True)
    assert choose_authors("LI Ming & WANG Fang", "By LI Ming") == (["Li Ming", "Wang Fang"], False)
    assert choose_authors("Staff Reporters", "By Staff Reporters") == (["Staff Reporters"], False)


def test_site_timestamps_are_beijing_time_with_an_offset():
    dt, precision = parse_timestamp("2021-11-04 09:49:22")
    assert precision == "second"
    assert iso_beijing(dt) == "2021-11-04T09:49:22+08:00"
    assert iso_utc(dt) == "2021-11-04T01:49:22+00:00"


@pytest.mark.parametrize(
    "raw, expected, precision",
    [
        ("2025-02-06T10:12:00+08:00", "2025-02-06T10:12:00+08:00", "second"),
        ("2025-02-06T02:12:00Z", "2025-02-06T10:12:00+08:00", "second"),
        ("2025-03-12", "2025-03-12T00:00:00+08:00", "day"),
        ("March 12, 2025", "2025-03-12T00:00:00+08:00", "day"),
        ("2021年11月4日 09:49", "2021-11-04T09:49:00+08:00", "second"),
    ],
)
def test_other_timestamp_forms_go_through_iso_or_dateparser(raw, expected, precision):
    dt, got_precision = parse_timestamp(raw)
    assert (iso_beijing(dt), got_precision) == (expected, precision)


def test_unreadable_timestamps_give_none():
    assert parse_timestamp("") is None
    assert parse_timestamp("not a date at all") is None


def test_url_dates_fall_back_to_midnight_with_their_precision():
    assert date_from_url(2025, 2, 6) == (datetime(2025, 2, 6, tzinfo=BEIJING), "day")
    assert date_from_url(2023, 1, None) == (datetime(2023, 1, 1, tzinfo=BEIJING), "month")


def test_breadcrumb_is_split_and_whitespace_normalized():
    assert split_breadcrumb("EnglishChannel  > Experts in China> A Canadian Mom's Love for Yunnan") == [
        "EnglishChannel", "Experts in China", "A Canadian Mom's Love for Yunnan",
    ]
    assert split_breadcrumb(None) == []


def test_since_accepts_iso_dates_and_rejects_nonsense():
    assert parse_since("2024-01-31").isoformat() == "2024-01-31"
    with pytest.raises(ValueError):
        parse_since("whenever")


def test_utc_now_is_aware():
    from stdcrawl.extract.normalize import utc_now

    assert datetime.fromisoformat(utc_now()).tzinfo == timezone.utc
