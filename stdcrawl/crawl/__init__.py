"""Layer 3: Scrapy — the spider, middlewares, pipelines, extensions, settings
and the in-process runner. Pages go through `stdcrawl.extract`; articles and
captures go into `stdcrawl.archive`.
"""
