"""`stdcrawl health`: the archive's extraction health over time.

Per month of publication: how many articles, and the share of them showing
each field (extract/health.py's fields, computed from the stored rows); articles per
section per month (a gap stands out); the last runs' verdicts and alarms
(archive/drift.py); every page template with its first and last article; the open
extraction problems. As text tables, JSON, or a self-contained HTML page
(`render_html`: inline SVG charts and the data as JSON, nothing fetched).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from stdcrawl.archive.store import Archive

#: Fields charted per month, each as SQL over `articles a` giving 1 when the article shows it.
MONTH_FIELDS: dict[str, str] = {
    "time": "a.published_precision = 'second'",
    "authors": "a.authors != '[]'",
    "body": "length(a.body) >= 300",
    "section": "a.section != ''",
    "source_line": "a.extraction_notes not like '%\"no_source_line\"%'",
    "captions": "exists (select 1 from images i where i.article_id = a.article_id and i.caption != '')",
    "related": "exists (select 1 from related_headlines r where r.article_id = a.article_id)",
    "editor": "a.editor != ''",
}
RUNS = 10


def archive_health(db_path: str | Path, runs: int = RUNS) -> dict:
    """The archive's health as plain data (what every output format shows)."""
    with Archive(db_path, readonly=True) as archive:
        db = archive.db
        has_health = "run_health" in db.table_names()
        sums = ", ".join(f"sum({sql}) as [{name}]" for name, sql in MONTH_FIELDS.items())
        months = []
        for row in db.query(f"""select substr(a.published_at, 1, 7) as month, count(*) as articles, {sums}
                                from articles a where a.published_at is not null group by month order by month"""):
            n = row["articles"]
            months.append({"month": row["month"], "articles": n,
                           "coverage": {f: round(row[f] / n, 3) for f in MONTH_FIELDS}})
        per_section: dict[str, dict[str, int]] = {}
        for month, section, n in db.execute(
            """select substr(published_at, 1, 7), case when section = '' then '(none)' else section end, count(*)
               from articles where published_at is not null group by 1, 2 order by 1, 2"""):
            per_section.setdefault(month, {})[section] = n
        sections = sorted({s for counts in per_section.values() for s in counts})
        run_rows = list(db.query(
            f"""select crawl_id, started_at, mode, status, exit_code, articles_new, articles_updated
                {', health_status, health' if has_health else ''}
                from crawls order by crawl_id desc limit ?""", [runs]))
        for r in run_rows:
            verdict = json.loads(r.pop("health", None) or "{}")
            r["alarms"] = verdict.get("alarms", [])
            r["notices"] = verdict.get("notices", [])
            r.setdefault("health_status", None)
        templates = []
        if has_health:
            templates = list(db.query(
                """select coalesce(template, '?') as template, group_concat(distinct generation) as generations,
                          count(*) as articles, min(published_at) as first, max(published_at) as last,
                          round(1.0 * sum(authors != '[]') / count(*), 3) as authors
                   from articles group by template order by first"""))
        problems = dict(db.execute("select reason, count(*) from extraction_problems group by reason").fetchall()) \
            if has_health else {}
    return {"months": months, "sections": sections, "articles_per_section": per_section,
            "runs": run_rows, "templates": templates, "problems": problems}


def _pct(share: float | None) -> str:
    return "" if share is None else f"{round(share * 100)}%"


def format_text(h: dict) -> str:
    """Text tables: coverage per month, articles per section per month, runs, templates, problems."""
    out = ["Field coverage per month (share of the month's articles)"]
    fields = list(MONTH_FIELDS)
    out.append(f"{'month':8s} {'articles':>8s} " + " ".join(f"{f[:8]:>8s}" for f in fields))
    for m in h["months"]:
        out.append(f"{m['month']:8s} {m['articles']:>8d} " + " ".join(f"{_pct(m['coverage'][f]):>8s}" for f in fields))
    out += ["", "Articles per section per month ('·': none)"]
    sections = h["sections"]
    out.append(f"{'month':8s} " + " ".join(f"{s if len(s) <= 14 else s[:13] + '…':>14s}" for s in sections))
    for month, counts in sorted(h["articles_per_section"].items()):
        out.append(f"{month:8s} " + " ".join(f"{counts.get(s, '·'):>14}" for s in sections))
    out += ["", "Last runs"]
    for r in h["runs"]:
        said = "; ".join(r["alarms"] + r["notices"])
        out.append(f"#{r['crawl_id']:<4} {r['started_at'][:16]:16s} {r['mode'] or '':11s} {r['status'] or '':22s} "
                   f"exit {r['exit_code'] if r['exit_code'] is not None else '-':<3} health {r['health_status'] or '-':9s} {said}")
    out += ["", "Page templates"]
    for t in h["templates"]:
        out.append(f"{t['template']:10s} {t['generations'] or '':12s} {t['articles']:>6d} articles  "
                   f"{(t['first'] or '')[:10]} … {(t['last'] or '')[:10]}  authors {_pct(t['authors'])}")
    out += ["", "Open extraction problems: " + (", ".join(f"{r} {n}" for r, n in sorted(h["problems"].items())) or "none")]
    return "\n".join(out)


PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")


def _bars_svg(h: dict, width: int = 900, height: int = 260) -> str:
    """Stacked bars: articles per month, one colour per section."""
    months = sorted(h["articles_per_section"])
    if not months:
        return "<p>No dated articles.</p>"
    top = max(sum(c.values()) for c in h["articles_per_section"].values())
    step = (width - 60) / len(months)
    parts = [f'<svg id="articles-chart" viewBox="0 0 {width} {height + 40}" width="100%" role="img" '
             f'aria-label="articles per month per section">']
    parts.append(f'<text x="0" y="12" font-size="11">{top}</text><text x="0" y="{height}" font-size="11">0</text>')
    for i, month in enumerate(months):
        y = height
        for j, section in enumerate(h["sections"]):
            n = h["articles_per_section"][month].get(section, 0)
            if not n:
                continue
            bar = n / top * (height - 20)
            y -= bar
            parts.append(f'<rect x="{40 + i * step:.1f}" y="{y:.1f}" width="{max(step - 1, 1):.1f}" height="{bar:.1f}" '
                         f'fill="{PALETTE[j % len(PALETTE)]}" data-month="{month}" data-section="{html.escape(section)}" '
                         f'data-count="{n}"><title>{month} {html.escape(section)}: {n}</title></rect>')
        if i % max(1, len(months) // 12) == 0:
            parts.append(f'<text x="{40 + i * step:.1f}" y="{height + 14}" font-size="10">{month}</text>')
    parts.append("</svg>")
    legend = " ".join(f'<span style="color:{PALETTE[j % len(PALETTE)]}">■</span> {html.escape(s)}'
                      for j, s in enumerate(h["sections"]))
    return "".join(parts) + f"<p>{legend}</p>"


def _lines_svg(h: dict, width: int = 900, height: int = 260) -> str:
    """One line per field: its share of each month's articles (0–100 %)."""
    months = h["months"]
    if not months:
        return ""
    step = (width - 60) / max(1, len(months) - 1)
    parts = [f'<svg id="coverage-chart" viewBox="0 0 {width} {height + 40}" width="100%" role="img" '
             f'aria-label="field coverage per month">',
             f'<text x="0" y="12" font-size="11">100%</text><text x="0" y="{height}" font-size="11">0%</text>']
    for j, name in enumerate(MONTH_FIELDS):
        points = []
        for i, m in enumerate(months):
            x, y = 40 + i * step, height - m["coverage"][name] * (height - 20)
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{PALETTE[j % len(PALETTE)]}" '
                         f'data-month="{m["month"]}" data-field="{name}" data-share="{m["coverage"][name]}">'
                         f'<title>{m["month"]} {name}: {_pct(m["coverage"][name])}</title></circle>')
        parts.append(f'<polyline fill="none" stroke="{PALETTE[j % len(PALETTE)]}" stroke-width="1.5" '
                     f'points="{" ".join(points)}"/>')
    parts.append("</svg>")
    legend = " ".join(f'<span style="color:{PALETTE[j % len(PALETTE)]}">■</span> {n}' for j, n in enumerate(MONTH_FIELDS))
    return "".join(parts) + f"<p>{legend}</p>"


def render_html(h: dict, title: str = "stdcrawl archive health") -> str:
    """A self-contained page: both charts, the text tables, and the data as JSON (`#health-data`)."""
    data = json.dumps(h, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1000px}}pre{{font-size:12px;overflow-x:auto}}
h2{{margin-top:1.5em}}</style></head><body>
<h1>{html.escape(title)}</h1>
<h2>Articles per month, by section</h2>
{_bars_svg(h)}
<h2>Field coverage per month</h2>
{_lines_svg(h)}
<h2>Tables</h2>
<pre>{html.escape(format_text(h))}</pre>
<script type="application/json" id="health-data">{data}</script>
</body></html>
"""
