"""Layer 2: the archive — one SQLite file plus its WARC files.

Schema and migrations, articles and their versions, the crawl's memory, the
captures index, WARC reading and writing, the run lock, and `reparse` (which
re-extracts stored pages with `stdcrawl.extract`). Imports only `extract`.
"""
