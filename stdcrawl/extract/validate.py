"""Whether an article can be stored: the last step of extraction."""

from __future__ import annotations

REQUIRED_FIELDS = ("url", "article_id", "title", "body")


def validate_article(article: dict) -> str | None:
    """Why an article cannot be stored (a short reason), or None if it can."""
    for name in REQUIRED_FIELDS:
        if not article.get(name):
            return f"missing_{name}"
    return None
