"""The site generator: deterministic output, reachable articles, faithful fixtures.

The committed fixture site must be exactly what `python -m stdcrawl.sitegen
fixtures` builds from `fixtures/src/`, and it must reproduce the observed text
of the seed article and of every sample (`fixtures/src/observed/`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from stdcrawl import sitegen

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
OBSERVED = FIXTURES / "src" / "observed"
END = dt.date(2026, 11, 28)
CHANNEL = {"www.stdaily.com", "stdaily.com", "m.stdaily.com"}
LIST_PATH = re.compile(r"^/(English/\w+/common_list(_\d+)?\.shtml|web/English/node_\d+(_\d+)?\.html|English/index\.shtml)$")
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "li", "ul", "figure", "figcaption", "br"}


def tree_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def page_lines(data: bytes, encoding: str = "utf-8") -> list[str]:
    """The page's text one block a line, as the stored text copies show it."""
    doc = lxml.html.fromstring(data.decode(encoding))
    for el in doc.iter():
        if el.tag in BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    text = doc.find("body").text_content()
    return [re.sub(r"^(\* |- |• )", "", line.strip(" \t")) for line in text.split("\n") if line.strip()]


def walk(root: Path, start: list[str]) -> tuple[set[str], set[str]]:
    """(list pages, article paths) reachable from `start` through channel links, obeying robots.txt."""
    seen, todo, articles = set(start), list(start), set()
    while todo:
        path = todo.pop()
        doc = lxml.html.fromstring((root / path.lstrip("/")).read_bytes())
        for href in doc.xpath("//a/@href"):
            url = urlsplit(urljoin("http://www.stdaily.com" + path, href))
            if url.hostname not in CHANNEL or url.path.startswith("/English/search/"):
                continue
            if sitegen.parse_path(url.path):
                articles.add(url.path)
            elif LIST_PATH.match(url.path) and url.path not in seen:
                seen.add(url.path)
                todo.append(url.path)
    return seen, articles


# --- synthetic sites --------------------------------------------------------------------


def test_synthetic_articles_cover_every_section_and_generation_in_their_eras():
    recs = sitegen.synthetic_articles(200, seed=3, end=END)
    assert Counter(r["generation"] for r in recs) == {"G1": 50, "G2": 50, "G3": 50, "G4": 50}
    assert Counter(r["section_dir"] for r in recs) == {d: 40 for d in sitegen.SECTION_DIRS}
    assert len({(r["generation"], r["section_dir"]) for r in recs}) == 20
    assert len({r["url_path"] for r in recs}) == 200
    for rec in recs:
        ref = sitegen.parse_path(rec["url_path"])
        assert ref["generation"] == rec["generation"]
        start, stop = sitegen.ERAS[rec["generation"]]
        first = start.replace(day=1)
        assert first <= ref["date"] <= (stop or END), rec["url_path"]
        if ref["dir"]:
            assert ref["dir"] == rec["section_dir"]
        texts = [p for p in rec["paragraphs"] if isinstance(p, str)]
        assert 6 <= len(texts) <= 16  # 6–15 paragraphs, plus a possible '--' attribution line
        json.dumps(rec)  # records are plain JSON
    assert sitegen.synthetic_articles(200, seed=3, end=END) == recs
    assert sitegen.synthetic_articles(200, seed=4, end=END) != recs


def test_synthetic_articles_carry_the_variants_the_extractor_must_handle():
    recs = sitegen.synthetic_articles(400, seed=1, end=END)
    notes = Counter(n for r in recs for n in sitegen.expected_fields(r, recs)["extraction_notes"])
    for note in ("authors_from_byline", "no_source", "no_author", "published_from_meta", "published_from_url",
                 "no_breadcrumb", "no_source_line", "no_section"):
        assert notes[note] > 0, note
    styles = Counter(p.get("caption_style") for r in recs for p in r["paragraphs"] if isinstance(p, dict) and "image" in p)
    assert {"center", "plain", "pic-caption", "figcaption"} <= set(styles)
    assert any(isinstance(p, dict) and "list" in p for r in recs for p in r["paragraphs"])
    assert any(r.get("editor") for r in recs)
    assert {m.get("name") or m.get("property") for r in recs if (m := r.get("meta_published"))} == {
        "article:published_time", "publishdate", "PubDate"}


def test_rendering_is_deterministic(tmp_path):
    recs = sitegen.synthetic_articles(150, seed=2, end=END)
    a = sitegen.write_site(tmp_path / "a", recs, per_page=10)
    b = sitegen.generate_site(tmp_path / "b", 150, seed=2, end=END, per_page=10)
    assert a == b
    assert tree_files(tmp_path / "a") == tree_files(tmp_path / "b")


def test_every_synthetic_article_is_reachable_through_the_list_pages(tmp_path):
    recs = sitegen.synthetic_articles(300, seed=8, end=END)
    site = sitegen.write_site(tmp_path, recs, per_page=7)
    assert all(len(pages) > 1 for pages in site["lists"].values())
    pages, articles = walk(tmp_path, ["/English/index.shtml"])
    assert articles == {r["url_path"] for r in recs}
    assert set(site["list_pages"]) <= pages


def test_regenerating_changes_only_what_the_site_would_change(tmp_path):
    recs = sitegen.synthetic_articles(120, seed=6, end=END)
    by_date = sorted(recs, key=lambda r: sitegen.expected_fields(r, recs)["published_at"])
    oldest, rest = by_date[0], by_date[1:]
    sitegen.write_site(tmp_path, rest)
    before = tree_files(tmp_path)
    mtimes = {p: (tmp_path / p).stat().st_mtime_ns for p in before}

    edited = json.loads(json.dumps(rest[10]))
    edited["paragraphs"].append("A correction was added to this story.")
    sitegen.write_site(tmp_path, [edited if r is rest[10] else r for r in rest] + [oldest])
    after = tree_files(tmp_path)
    changed = {p for p in before if after[p] != before[p]}
    assert edited["url_path"].lstrip("/") in changed
    assert oldest["url_path"].lstrip("/") in after
    assert all(LIST_PATH.match("/" + p) for p in changed - {edited["url_path"].lstrip("/")})
    assert all((tmp_path / p).stat().st_mtime_ns == mtimes[p] for p in before if p not in changed)

    newest = dict(json.loads(json.dumps(rest[0])), url_path="/web/English/2026-11/28/content_999999.html",
                  generation="G4", section_name=None, section="", source=None, author="", lists=["node_410"],
                  meta_published={"property": "article:published_time", "content": "2026-11-28T23:00:00+08:00"})
    sitegen.write_site(tmp_path, rest + [oldest, newest])
    latest = tree_files(tmp_path)
    for rec in rest:  # "Top News" now leads with the new story: every G1–G3 page changes, no G4 page does
        page = rec["url_path"].lstrip("/")
        assert (latest[page] != after[page]) == (rec["generation"] != "G4"), page


def test_synth_command_writes_a_site(tmp_path):
    assert sitegen.main(["synth", "--n", "40", "--out", str(tmp_path), "--seed", "1", "--end", "2026-01-01"]) == 0
    assert (tmp_path / "robots.txt").read_text() == sitegen.ROBOTS
    assert len([p for p in tree_files(tmp_path) if sitegen.parse_path("/" + p)]) == 40


# --- the fixture site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((FIXTURES / "manifest.json").read_text("utf-8"))


def test_committed_fixtures_are_what_the_generator_builds(tmp_path):
    shutil.copytree(FIXTURES / "src", tmp_path / "src")
    shutil.copy(FIXTURES / "README.md", tmp_path / "README.md")
    sitegen.build_fixtures(tmp_path)
    for sub in ("site", "expected"):
        assert tree_files(tmp_path / sub) == tree_files(FIXTURES / sub), f"run: python -m stdcrawl.sitegen fixtures ({sub})"
    for name in ("manifest.json", "README.md"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), f"run: python -m stdcrawl.sitegen fixtures ({name})"


def test_seed_article_is_reproduced_line_by_line():
    seed = [line for line in (OBSERVED / "seed_000_a887df4183df55ec.txt").read_text("utf-8").split("\n") if line.strip()]
    lines = page_lines((FIXTURES / "site/English/WorldNews/2021-11/04/content_1232045.shtml").read_bytes())
    start = lines.index(seed[0])
    assert lines[start:] == seed


@pytest.mark.parametrize("sample", json.loads((OBSERVED / "samples.json").read_text("utf-8")), ids=lambda s: s["url"])
def test_samples_are_reproduced_at_their_paths(sample):
    lines = page_lines((FIXTURES / "site" / urlsplit(sample["url"]).path.lstrip("/")).read_bytes())
    observed = [re.sub(r"^(\* |- |• )", "", line.strip()) for line in sample["raw_text"].split("\n") if line.strip()]
    if sample["kind"] == "article":
        start = lines.index(observed[0])
        got = lines[start:start + len(observed)]
        assert got[:-1] == observed[:-1]
        assert got[-1].startswith(observed[-1].rstrip())  # the stored text was cut off there
    else:
        at = 0
        for line in observed[:-1]:
            at = lines.index(line, at) + 1
        assert any(line.startswith(observed[-1].rstrip()) for line in lines[at:])


def test_every_fixture_article_is_reachable_and_counted(manifest):
    pages, found = walk(FIXTURES / "site", ["/English/index.shtml"])
    kinds = {p["path"]: p["kind"] for p in manifest["pages"]}
    articles = {p for p, k in kinds.items() if k == "article"}
    assert articles <= found
    assert {kinds.get(p) for p in found - articles} == {"missing", "broken", "soft_404"}
    assert {p for p, k in kinds.items() if k == "list"} == pages - {"/English/index.shtml"}
    assert not pages & set(manifest["forbidden_paths"])
    ids = sorted(sitegen.article_id(p) for p in articles)
    assert manifest["reachable_article_ids"] == ids
    pairs = manifest["duplicate_pairs"] + manifest["near_duplicate_pairs"]
    assert manifest["expected_article_count"] == len(ids) - len(pairs) >= 40
    gens = Counter(i[:2] for i in ids)
    assert set(gens) == {"g1", "g2", "g3", "g4"}
    sections = {json.loads((FIXTURES / f"expected/{i}.json").read_text())["section_dir"] for i in ids}
    assert set(sitegen.SECTION_DIRS) <= sections
    assert len(manifest["pages"]) == len(kinds)


def test_manifest_pages_exist_and_point_at_goldens(manifest):
    for page in manifest["pages"]:
        file = FIXTURES / "site" / page["path"].lstrip("/")
        assert file.is_file() == (page["kind"] != "missing"), page["path"]
        assert (page["expected"] is not None) == (page["kind"] == "article")
        if page["expected"]:
            assert (FIXTURES / page["expected"]).is_file()
        assert page["live_url"].endswith(page["path"]) and page["models"]


def test_duplicate_pair_differs_only_in_identity_and_breadcrumb(manifest):
    [(a, b)] = manifest["duplicate_pairs"]
    ga, gb = (json.loads((FIXTURES / f"expected/{i}.json").read_text()) for i in (a, b))
    differ = {k for k in ga if ga[k] != gb[k]}
    assert differ == {"article_id", "canonical_url", "generation", "breadcrumb"}


GOLDEN_KEYS = {"article_id", "canonical_url", "generation", "section", "section_label", "section_dir", "breadcrumb", "title", "source",
               "published_raw", "published_at", "published_utc", "published_precision", "author_raw", "byline_raw",
               "authors", "body", "images", "related", "editor", "word_count", "extraction_notes"}


@pytest.mark.parametrize("golden", sorted((FIXTURES / "expected").glob("*.json")), ids=lambda p: p.stem)
def test_goldens_follow_the_field_contract(golden):
    g = json.loads(golden.read_text("utf-8"))
    assert set(g) == GOLDEN_KEYS
    assert golden.read_text("utf-8") == json.dumps(g, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = urlsplit(g["canonical_url"]).path
    assert g["canonical_url"] == "https://www.stdaily.com" + path and sitegen.article_id(path) == g["article_id"]
    assert g["word_count"] == len(g["body"].split())
    paragraphs = g["body"].split("\n\n")
    assert all(p and p == sitegen.norm(p) for p in paragraphs)
    assert g["byline_raw"] not in paragraphs or not g["byline_raw"]
    assert not any(p.startswith("Editor:") for p in paragraphs)
    assert not {i["caption"] for i in g["images"]} & set(paragraphs)
    assert all(i["src"].startswith("http") for i in g["images"])
    assert g["extraction_notes"] == sorted(set(g["extraction_notes"]))
    at = dt.datetime.fromisoformat(g["published_at"])
    assert at.utcoffset() == dt.timedelta(hours=8)
    assert dt.datetime.fromisoformat(g["published_utc"]) == at and g["published_utc"].endswith("+00:00")
    assert all(r["url"].startswith("https://www.stdaily.com/") for r in g["related"])
    for text in (g["title"], g["source"], g["author_raw"], g["byline_raw"], g["editor"], *g["authors"]):
        assert text == sitegen.norm(text) and not re.search(r"\S\?[^\s\"'”’»)\]}>?!.,;:…—–]", text)
    for image in g["images"]:
        assert image["caption"] == sitegen.norm(image["caption"])
    assert g["section"] in {"Cooperation", "Experts in China", "Comment", "Sci-Tech News", "News", ""}


def test_the_seed_golden():
    g = json.loads((FIXTURES / "expected/g1-1232045.json").read_text("utf-8"))
    assert g["title"] == "Innovation Drives Guangdong's High-quality Development"
    assert (g["published_at"], g["published_utc"]) == ("2021-11-04T09:49:22+08:00", "2021-11-04T01:49:22+00:00")
    assert (g["authors"], g["section"], g["section_dir"]) == (["Gong Guoping"], "Cooperation", "WorldNews")
    assert g["section_label"] == "International Cooperation"
    assert g["body"].startswith("As the south gate of China") and g["body"].endswith("Guangdong Province.")
    assert g["images"] == [{"src": "https://www.stdaily.com/English/WorldNews/2021-11/04/W020211104557865219036.jpg",
                            "caption": "Canton Tower, at the south bank of the Pearl River, is the landmark of Guangzhou city."}]
    assert [r["title"] for r in g["related"]] == ["Blueprint Set for One Million IP Professionals",
                                                  "Electric Vehicle Industry Primed for Boom in 2022"]


def test_encoding_pages():
    headers = json.loads((FIXTURES / "site/_headers.json").read_text("utf-8"))
    gbk = (FIXTURES / "site/English/WorldNews/202211/3439d892882add9145c7b769eb632fc1.shtml").read_bytes()
    assert b'<meta charset="gbk">' in gbk[:300]
    assert "科技日报" in gbk.decode("gbk")
    wrong_path = "/English/Service/2021-12/02/content_1245372.shtml"
    wrong = (FIXTURES / "site" / wrong_path.lstrip("/")).read_bytes()
    assert b"charset=utf-8" in wrong[:300]
    with pytest.raises(UnicodeDecodeError):
        wrong.decode("utf-8")
    assert "毕炜梓" in wrong.decode("gb18030")
    assert headers == {wrong_path: {"Content-Type": "text/html; charset=utf-8"}}
    golden = json.loads((FIXTURES / "expected/g1-1245372.json").read_text("utf-8"))
    assert "encoding_recovered" in golden["extraction_notes"]


def test_broken_page_has_no_title_and_no_body(manifest):
    [broken] = [p for p in manifest["pages"] if p["kind"] == "broken"]
    data = (FIXTURES / "site" / broken["path"].lstrip("/")).read_bytes()
    assert b"<title" not in data and b"<body" not in data and b"<h1" not in data
