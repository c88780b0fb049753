"""Hand-made normalized articles and small archives for the reader-side tests.

`make_article(n, **overrides)` returns an article in the shape the pipelines
hand to `Archive.write_batch` (docs/fields.md); `build_archive(path)` writes
the `SAMPLE` set, chosen so that every search filter has something to keep
and something to drop. The `crawled_demo` fixture is the fixture site
crawled for real (`stdcrawl demo`), for the acceptance checks.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from stdcrawl.archive.store import Archive

from .conftest import FIXTURE_SITE, run_stdcrawl


def make_article(n: int, **overrides) -> dict:
    """Article number `n` (ids `g3-<n>`), with any field overridden."""
    published = overrides.pop("published_at", "2021-11-04T09:49:22+08:00")
    article = {
        "url": f"http://127.0.0.1:1/English/WorldNews/2021-11/04/content_{n}.shtml",
        "canonical_url": f"https://www.stdaily.com/English/WorldNews/2021-11/04/content_{n}.shtml",
        "article_id": f"g3-{n}",
        "generation": "G3",
        "section": "International Cooperation",
        "section_dir": "WorldNews",
        "breadcrumb": ["EnglishChannel", "International Cooperation", "Article"],
        "title": f"Article number {n}",
        "source": "Science and Technology Daily",
        "published_raw": published[:19].replace("T", " ") if published else "",
        "published_at": published,
        "published_utc": published and datetime.fromisoformat(published).astimezone(timezone.utc).isoformat(),
        "published_precision": "second",
        "author_raw": "",
        "byline_raw": "",
        "authors": ["Staff Reporters"],
        "body": f"Paragraph one of article {n}.\n\nParagraph two.",
        "images": [],
        "related": [],
        "editor": "",
        "word_count": 8,
        "extraction_notes": [],
        "fetched_at": "2024-01-01T00:00:00+00:00",
    }
    article.update(overrides)
    return article


SAMPLE: list[dict] = [
    make_article(
        1,
        title="Innovation Drives Guangdong's High-quality Development",
        body="Guangdong province leads China in innovation.\n\nThe Guangdong-Hong Kong-Macao Greater Bay Area grows.",
        authors=["Gong Guoping"],
        author_raw="GONG Guoping",
        images=[{"src": "https://www.stdaily.com/img/1.jpg", "caption": "Shenzhen at night. (Photo: Xinhua)"}],
        related=[
            {"title": "Top story", "summary": "A summary.", "url": "https://www.stdaily.com/English/a.shtml"},
            {"title": "Second story", "summary": "", "url": "https://www.stdaily.com/English/b.shtml"},
        ],
    ),
    make_article(
        2,
        title="Shenzhen opens a quantum lab",
        body="The lab in Shenzhen, Guangdong, studies quantum sensors.\n\nIt opened in March.",
        authors=["Bi Weizi", "Gong Guoping"],
        section="Sci-Tech News", section_dir="ChinaNews",
        published_at="2022-03-15T08:00:00+08:00",
    ),
    make_article(
        3,
        title="Satellites map the glaciers",
        body="A new survey of Tibetan glaciers uses satellite radar.",
        authors=["Long Yun", "Chen Chunyou"],
        section="Sci-Tech News", section_dir="ChinaNews",
        published_at="2023-07-01T10:00:00+08:00",
    ),
    make_article(
        4,
        title="科技日报 reports on 北京 robotics",
        body="Robots in Beijing (北京) assemble cars. Café owners use them too.",
        authors=["毕炜梓"],
        source="科技日报",
        section="News", section_dir="News",
        published_at="2020-01-02T00:00:00+08:00",
        published_precision="day",
        images=[
            {"src": "https://www.stdaily.com/img/4a.jpg", "caption": ""},
            {"src": "https://www.stdaily.com/img/4b.jpg", "caption": "A robot arm"},
        ],
    ),
    make_article(
        5,
        title="No date, no author",
        body='An article that quotes "AND" and NEAR( and a stray * asterisk; DROP TABLE articles; --',
        authors=[],
        published_at=None, published_precision=None, published_raw="",
        section="", section_dir="",
        extraction_notes=["no_author", "no_section"],
    ),
]


def build_archive(path: str | Path, articles: list[dict] | None = None) -> Path:
    """An archive at `path` holding `articles` (default: `SAMPLE`)."""
    with Archive(path) as archive:
        archive.write_batch(SAMPLE if articles is None else articles, [], crawl_id=None)
    return Path(path)


@pytest.fixture(scope="session")
def crawled_demo(tmp_path_factory) -> Path:
    """The fixture site crawled by `stdcrawl demo` (in a subprocess) into a fresh archive."""
    if not (FIXTURE_SITE / "English").is_dir():
        pytest.skip("fixtures/site is not there")
    db = tmp_path_factory.mktemp("crawl") / "demo.db"
    proc = run_stdcrawl("demo", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return db
