"""Write copies of the stdaily.com English channel: the fixture site and synthetic sites.

The live HTML was never observed (only stored text copies of pages), so the
markup here is our guess; what the extractor anchors on (the `position:` line,
the `Source: … | date | Author: …` line, `<h1>`, the meta tags, the "Top News"
heading, the "Copyright" footer) reproduces the observed text exactly. Two
template families: the legacy CMS (G1, G2: `.shtml`) and the current CMS (G3,
G4: `/web/English/…html`). Rendering is deterministic: the same records give
byte-identical files, and `write_site` leaves unchanged files untouched.

API: `render_article`, `render_list_page`, `write_site` (a whole site in the live
URL layout), `synthetic_articles` / `generate_site` (seeded synthetic sites),
`expected_fields` (the golden record of a page by docs/fields.md),
`build_fixtures` (the committed fixture site). Command line:

    python -m stdcrawl.sitegen fixtures                    # fixtures/src -> site, expected, manifest
    python -m stdcrawl.sitegen synth --n 5000 --out DIR [--seed S] [--end YYYY-MM-DD] [--full-weight SHARE]
                                                          [--copies N]

Modules (each name below is also importable from `stdcrawl.sitegen`):

    records.py    the record format (its docstring), site constants, path parsing, `SiteIndex`
    fields.py     `expected_fields`, `norm`: the golden record of a page by docs/fields.md
    templates.py  `render_article`, `render_list_page`, `render_home`: the HTML
    heavy.py      `render_heavy_article`: the full-weight page families (`portal`, `bulletin`)
    synthetic.py  `synthetic_articles`: seeded records and their word pools
    copies.py     `with_copies`, `light_copy`, `same_title_story`: near-duplicates and same-title stories
    writer.py     `write_site`, `generate_site`: a whole site on disk
    fixtures.py   `build_fixtures`, `load_fixture_sources`: the committed fixture site
    cli.py        the command line (`__main__.py` runs it)
"""

from __future__ import annotations

from .cli import main
from .fields import _image_src, _plain, _position_text, _same_codec, expected_fields, norm
from .fixtures import _GOLDEN_KEYS, _KIND_ORDER, _dump, _pages_table, build_fixtures, load_fixture_sources
from .records import (
    _DEFAULT_STYLE,
    _LINK,
    _PATTERNS,
    _POSITION,
    _STYLES,
    BEIJING,
    CANONICAL,
    EPAPER,
    ERAS,
    HOME,
    LIST_NAMES,
    NAME_TO_DIR,
    NODE_OF_SECTION,
    ROBOTS,
    SEARCH,
    SECTION_DIRS,
    SiteIndex,
    _has_top_news,
    _index,
    _legacy,
    _lists,
    _published,
    article_id,
    parse_path,
)
from .synthetic import (
    _NAMES,
    _POOL,
    _WORDS,
    _artifact,
    _date_in,
    _pool,
    _synthetic_authors,
    _synthetic_body,
    synthetic_articles,
)
from .templates import (
    _CURRENT_FOOTER,
    _LEGACY_FOOTER,
    _a,
    _body,
    _e,
    _figure,
    _head,
    _inline,
    _nav,
    _pager,
    _source_line,
    _top_news,
    _variant,
    link_for,
    list_page_path,
    render_article,
    render_home,
    render_list_page,
)
from .copies import light_copy, same_title_story, with_copies
from .writer import _encode, _Writer, generate_site, write_site

# The private names above were module-level names of the single-file
# `stdcrawl/sitegen.py`; they stay importable from here for code written
# against it. The public API:
__all__ = [
    # records
    "BEIJING", "CANONICAL", "EPAPER", "ERAS", "HOME", "LIST_NAMES", "NAME_TO_DIR", "NODE_OF_SECTION", "ROBOTS",
    "SEARCH", "SECTION_DIRS", "SiteIndex", "article_id", "parse_path",
    # fields
    "expected_fields", "norm",
    # templates
    "link_for", "list_page_path", "render_article", "render_home", "render_list_page",
    # synthetic, writer, fixtures, cli
    "synthetic_articles", "with_copies", "light_copy", "same_title_story", "generate_site", "write_site", "build_fixtures", "load_fixture_sources", "main",
]
