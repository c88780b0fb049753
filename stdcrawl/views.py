"""SQL views for researchers' common questions (documented in docs/schema.md).

Views are recreated on every open, so changing one here is enough.
"""

from __future__ import annotations

import sqlite_utils

VIEWS: dict[str, str] = {
    "articles_per_month": """
select substr(published_at, 1, 7) as month, section, count(*) as articles
from articles group by month, section order by month, section""",
}


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"drop view if exists [{name}]")
        db.execute(f"create view [{name}] as {sql.strip()}")
