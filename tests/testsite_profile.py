"""A second site profile: a made-up news site (fixtures/testsite/, its README).

Made from stdaily.com's profile with `dataclasses.replace`, changing what
differs; no shared code knows of it. A crawl picks it with
`-s STDCRAWL_SITE=tests.testsite_profile.TESTSITE`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta, timezone

from stdcrawl.extract.site import STDAILY_ENGLISH

TESTSITE = replace(
    STDAILY_ENGLISH,
    name="testsite",
    description="news.example.test, a made-up site for tests",
    live_base_url="https://news.example.test",
    canonical_host="news.example.test",
    channel_hosts=frozenset({"news.example.test"}),
    other_hosts=frozenset(),
    sections={"science": ("Science",), "space": ("Space",)},
    section_list_path="/sections/{dir}/index.html",
    section_list_pattern=re.compile(r"^/sections/(?P<dir>\w+)/index"),
    extra_start_paths=(),
    home_path="/index.html",
    generations=(("S1", re.compile(r"^/stories/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>[a-z0-9-]+)\.htm$")),),
    article_href_hints=("/stories/",),
    list_path=re.compile(r"^/sections/\w+/index(?:-\d+)?\.html$"),
    list_page=re.compile(r"^(?P<family>/sections/\w+/index)(?:-(?P<n>\d+))?\.html$"),
    next_texts=frozenset({"older stories"}),
    timezone=timezone(timedelta(hours=-5), "America/Bogota"),
    timezone_name="America/Bogota",
    timestamp_format="%d.%m.%Y %H:%M",
    id_prefix="testsite-",
    breadcrumb_anchor=re.compile(r"^\s*You are here\s*:\s*(?P<crumbs>.+)$", re.S),
    breadcrumb_separator="/",
    source_line=re.compile(
        r"From\s*:\s*(?P<source>[^·]*?)\s*·\s*(?P<published>\d{2}\.\d{2}\.\d{4} \d{2}:\d{2})\s*·\s*Written by\s*(?P<author>.*?)\s*$",
        re.S,
    ),
    source_precheck=("From",),
    related_heading=re.compile(r"^\s*More stories\s*$", re.I),
    footer_start=re.compile(r"^\s*©"),
    lost_characters=False,
    encoding_fallback=None,
)
