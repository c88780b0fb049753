"""`from stdcrawl.api import open_archive`: kept where notebooks import it from.

The code lives in `stdcrawl.research.api`.
"""

from stdcrawl.research.api import ArchiveReader, SearchResults, open_archive

__all__ = ["ArchiveReader", "SearchResults", "open_archive"]
