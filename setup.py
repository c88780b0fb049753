"""Ship what the commands read at run time inside the wheel (pyproject.toml has the rest).

`stdcrawl demo` serves the fixture site and `stdcrawl serve` shows the
descriptions of docs/*.md: a non-editable install copies both into
`stdcrawl/_data/` (found by `stdcrawl.resources`); a checkout reads them in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Source (relative to the checkout) -> glob of the files to ship.
SHIPPED = {"fixtures/site": "**/*", "docs": "*.md"}


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout
        target = Path(self.build_lib) / "stdcrawl" / "_data"
        for folder, pattern in SHIPPED.items():
            for path in sorted((ROOT / folder).glob(pattern)):
                if path.is_file():
                    dest = target / folder / path.relative_to(ROOT / folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, dest)


setup(cmdclass={"build_py": BuildWithData})
