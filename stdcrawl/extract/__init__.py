"""Layer 1, pure: a page's bytes and URL → an article dict.

The site profile (`site`), the loaders, normalization and validation. Nothing
here opens a database, a socket or a Scrapy engine: `stdcrawl extract`,
`stdcrawl reparse` and the crawl's pipelines all run the same code
(docs/architecture.md).
"""
