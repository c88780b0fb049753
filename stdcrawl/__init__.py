"""stdcrawl: a lasting, queryable archive of the English channel of Science and Technology Daily."""

__version__ = "0.1.0"

#: Bumped whenever extraction or normalization output changes, so each
#: article row says which extractor produced it (and `reparse` knows what is stale).
EXTRACTOR_VERSION = "2026.11.2"
