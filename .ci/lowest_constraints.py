"""Print pip constraints pinning every declared dependency to its lowest version.

`.ci/run` installs stdcrawl with these into a second virtualenv and runs the
suite there too, so each `>=` bound in pyproject.toml is one that works.
Reads `[project] dependencies` and the `test` extra; a dependency without a
`>=` bound is left to pip.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_LOWER = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(?:[^;]*?)>=\s*([0-9][A-Za-z0-9.]*)[^;]*(;.*)?$")


def lowest_constraints(pyproject: Path, extras: tuple[str, ...] = ("test",)) -> list[str]:
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project.get("optional-dependencies", {}).get(extra, [])
    pins = []
    for spec in specs:
        m = _LOWER.match(spec)
        if m:
            name, version, marker = m.groups()
            pins.append(f"{name}=={version}{marker or ''}")
    return pins


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    print("\n".join(lowest_constraints(root / "pyproject.toml", tuple(sys.argv[1:]) or ("test",))))
