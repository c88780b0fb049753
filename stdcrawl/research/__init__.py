"""Layer 4: what researchers use on a finished archive — search, export, the
Python API, `serve` (Datasette), the schema documentation and reports.
Reads `stdcrawl.archive`; never crawls.
"""
