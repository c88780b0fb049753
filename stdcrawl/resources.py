"""Files the commands read at run time: the fixture site (`demo`) and docs/*.md (`serve`).

A wheel ships them in `stdcrawl/_data/` (setup.py copies them there); a
checkout or an editable install reads them where they are in the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_PACKAGED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def data_path(relative: str) -> Path:
    """The shipped file or folder `relative` (as in the repository: `docs/schema.md`, `fixtures/site`)."""
    packaged = _PACKAGED / relative
    return packaged if packaged.exists() else _CHECKOUT / relative
