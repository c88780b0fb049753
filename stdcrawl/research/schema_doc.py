"""Read docs/schema.md (and docs/*.md): the one description of every table, view and column.

The document is written for people; this module reads its headings and
tables so that a test can compare it with a real archive and `stdcrawl
serve` can show the same descriptions in Datasette.

A described object is a heading "### `name` (table|view|full-text index)",
a first paragraph (its description) and a Markdown table whose rows are
"| `column` | TYPE | meaning | example |".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"

_HEADING = re.compile(r"^#{2,4} `(?P<name>\w+)` \((?P<kind>table|view|full-text index)\)\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass
class ColumnDoc:
    name: str
    type: str
    meaning: str
    example: str


@dataclass
class ObjectDoc:
    """One table, view or index as documented."""

    name: str
    kind: str
    description: str = ""
    columns: list[ColumnDoc] = field(default_factory=list)


def parse_schema_doc(text: str) -> dict[str, ObjectDoc]:
    """Every documented object by name, in document order."""
    objects: dict[str, ObjectDoc] = {}
    current: ObjectDoc | None = None
    paragraph: list[str] = []
    for line in text.splitlines():
        if heading := _HEADING.match(line):
            current = objects.setdefault(heading["name"], ObjectDoc(heading["name"], heading["kind"]))
            paragraph = []
        elif line.startswith("#"):
            current = None
        elif current is None:
            continue
        elif line.startswith("|"):
            current.description = current.description or " ".join(paragraph)
            cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line.strip())[1:-1]]
            if len(cells) == 4 and cells[0].startswith("`"):
                current.columns.append(ColumnDoc(cells[0].strip("`"), cells[1], cells[2], cells[3].strip("`")))
        elif not current.description:
            if line.strip():
                paragraph.append(line.strip())
            elif paragraph:
                current.description = " ".join(paragraph)
    return objects


def load_schema_doc(paths: list[Path] | None = None) -> dict[str, ObjectDoc]:
    """Every object documented in docs/schema.md and the other docs/*.md.

    A feature with tables of its own may describe them in its own document
    (the WARC `captures` table is in docs/warc.md); schema.md points there.
    An object described twice is an error. Empty when stdcrawl runs without
    its docs folder.
    """
    if paths is None:
        paths = [SCHEMA_DOC] + sorted(p for p in SCHEMA_DOC.parent.glob("*.md") if p != SCHEMA_DOC)
    objects: dict[str, ObjectDoc] = {}
    for path in paths:
        try:
            found = parse_schema_doc(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        if twice := objects.keys() & found.keys():
            raise ValueError(f"{path.name} describes {', '.join(sorted(twice))} again")
        objects.update(found)
    return objects


def plain(markdown: str) -> str:
    """Inline Markdown as plain text (for Datasette's descriptions)."""
    return re.sub(r"`([^`]*)`", r"\1", markdown).replace("*", "")
