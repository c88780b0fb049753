"""The drift alarm: a run's field health against the archive's own history.

At the end of a crawl (`ArchiveRun.spider_closed`) `assess_run` compares the
run's `HealthTally` (extract/health.py), generation by generation, with the pooled
`run_health` rows of the last runs (STDCRAWL_HEALTH_HISTORY_RUNS), and raises
an alarm when

- a field's plausible share falls to at most STDCRAWL_HEALTH_DROP_RATIO of its
  usual share *and* so few pages show it that the usual share would give that
  few with a probability below STDCRAWL_HEALTH_MAX_P (a binomial tail: ten
  pages against a history of ten or more are enough to see 80 % → 0 %, while
  5 of 10 against a usual 50 % is chance);
- a generation's median body length halves or doubles;
- STDCRAWL_HEALTH_MAX_WORSE or more re-fetched pages extracted worse than the
  stored articles (archive/problems.py);
- a section that yielded articles in most of the weeks before stops yielding
  any for STDCRAWL_HEALTH_SILENT_DAYS days.

Generations are judged apart because their pages differ by design (G4 pages
never show a Source line) and a night's new articles are mostly of the newest.
A generation with fewer than STDCRAWL_HEALTH_MIN_ARTICLES pages in the run
is not judged; a run where none has enough says so (`too_few`), and the first run has nothing to compare
with. Page templates never seen before are named (not an alarm by themselves).
The verdict is kept in `crawls.health_status`/`crawls.health` and the counts in
`run_health`; an alarm gives the crawl exit code 3 (README "Exit codes").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from stdcrawl.extract.health import FIELDS, HealthTally


@dataclass(frozen=True)
class Thresholds:
    """The alarm's thresholds. A crawl reads them from its STDCRAWL_HEALTH_*
    settings (`crawl.extensions.health_thresholds`), whose defaults in
    crawl/settings.py are these (a test holds the two equal)."""

    min_articles: int = 10
    history_runs: int = 10
    drop_ratio: float = 0.5
    max_p: float = 0.001
    max_worse: int = 3
    silent_days: int = 14


@dataclass
class HealthReport:
    """A run's verdict: `status` is ok, alarm, too_few or first_run."""

    status: str
    pages: int = 0
    alarms: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    new_templates: dict[str, int] = field(default_factory=dict)  # signature -> pages this run

    @property
    def line(self) -> str:
        """`health: G3 authors 0/24 (usual 88 %), new template 7c1e04ab (24 pages)`."""
        parts = list(self.alarms)
        if self.status == "ok":
            parts.insert(0, f"ok ({self.pages} pages)")
        elif self.status == "too_few":
            parts.insert(0, f"too few pages to judge ({self.pages})")
        elif self.status == "first_run":
            parts.insert(0, f"first run, nothing to compare with ({self.pages} pages)")
        return "health: " + ", ".join(parts + self.notices)

    def to_dict(self) -> dict:
        return {"status": self.status, "pages": self.pages, "alarms": self.alarms, "notices": self.notices,
                "new_templates": self.new_templates, "line": self.line}


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p): how likely so few successes are by chance."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def field_drop(k: int, n: int, usual: float, t: Thresholds) -> bool:
    """Is k of n far and improbably below the usual share?"""
    return n >= t.min_articles and k / n <= usual * t.drop_ratio and binomial_tail(k, n, usual) < t.max_p


def pct(share: float) -> str:
    return f"{round(share * 100)} %"


def history(db, crawl_id: int, runs: int) -> tuple[dict, dict, bool]:
    """Pooled `run_health` of the last `runs` runs before `crawl_id`, per generation:
    ({gen: {field: (articles, plausible)}}, {gen: [body medians]}, any history at all)."""
    ids = [r[0] for r in db.execute(
        "select distinct crawl_id from run_health where crawl_id < ? order by crawl_id desc limit ?", [crawl_id, runs])]
    if not ids:
        return {}, {}, False
    marks = ",".join("?" * len(ids))
    pooled: dict[str, dict[str, tuple[int, int]]] = {}
    medians: dict[str, list[float]] = {}
    for key, name, articles, plausible, body_median in db.execute(
        f"""select group_key, field, articles, plausible, body_median from run_health
            where grouping = 'generation' and crawl_id in ({marks})""", ids):
        a, p = pooled.setdefault(key, {}).get(name, (0, 0))
        pooled[key][name] = (a + articles, p + plausible)
        if name == "body" and body_median is not None:
            medians.setdefault(key, []).append(body_median)
    return pooled, medians, True


def known_templates(db) -> set[str]:
    """Every template signature the archive has seen (articles and earlier runs)."""
    rows = db.execute("select distinct template from articles where template is not null union "
                      "select distinct group_key from run_health where grouping = 'template'")
    return {r[0] for r in rows}


def silent_sections(db, today: date, t: Thresholds) -> list[str]:
    """Sections with articles in at least 4 of the 6 weeks before the last
    `silent_days` days, and none since."""
    cut = today - timedelta(days=t.silent_days)
    start = cut - timedelta(weeks=6)
    out = []
    rows = db.execute(
        """select section, substr(published_at, 1, 10) from articles
           where section != '' and substr(published_at, 1, 10) >= ?""", [start.isoformat()])
    weeks: dict[str, set[int]] = {}
    recent: set[str] = set()
    for section, day in rows:
        d = date.fromisoformat(day)
        if d > cut:
            recent.add(section)
        else:
            weeks.setdefault(section, set()).add((d - start).days // 7)
    for section, seen in sorted(weeks.items()):
        if len(seen) >= 4 and section not in recent:
            out.append(f"section {section} silent for {t.silent_days} days")
    return out


def judge(tally: HealthTally, pooled: dict, medians: dict, has_history: bool, known: set[str],
          t: Thresholds, protected: int = 0, silent: list[str] | None = None) -> HealthReport:
    """The verdict on one run's tally given its history (see the module docstring)."""
    report = HealthReport(status="ok", pages=tally.pages)
    if has_history:
        for sig in tally.keys("template"):
            if sig not in known and sig != "?":
                report.new_templates[sig] = tally.group("template", sig).pages
    for sig, pages in report.new_templates.items():
        g = tally.group("template", sig)
        authors = g.fields["authors"]
        cover = f", authors {pct(authors.share)}" if authors.articles else ""
        since = f" published since {g.first_published}" if g.first_published else ""
        report.notices.append(f"new template {sig} ({pages} pages{since}{cover})")
    if not has_history:
        report.status = "first_run"
        return report
    judged = 0
    for gen in tally.keys("generation"):
        group = tally.group("generation", gen)
        if group.pages < t.min_articles:
            continue
        judged += 1
        past = pooled.get(gen, {})
        for name in FIELDS:
            count = group.fields[name]
            h_articles, h_plausible = past.get(name, (0, 0))
            if h_articles < t.min_articles or not count.articles:
                continue
            usual = h_plausible / h_articles
            if field_drop(count.plausible, count.articles, usual, t):
                report.alarms.append(f"{gen} {name} {count.plausible}/{count.articles} (usual {pct(usual)})")
        if medians.get(gen) and group.body_median is not None:
            usual_median = median(medians[gen])
            if usual_median and not (usual_median / 2 <= group.body_median <= usual_median * 2):
                report.alarms.append(f"{gen} body median {group.body_median:,.0f} chars (usual {usual_median:,.0f})")
    if protected >= t.max_worse:
        report.alarms.append(f"{protected} pages extracted worse than stored (stored kept)")
    elif protected:
        report.notices.append(f"{protected} pages extracted worse than stored (stored kept)")
    report.alarms += silent or []
    if report.alarms:
        report.status = "alarm"
    elif not judged:  # no generation had enough pages: nothing was compared
        report.status = "too_few"
    return report


def assess_run(archive, crawl_id: int, tally: HealthTally, known: set[str], t: Thresholds,
               protected: int, today: date) -> HealthReport:
    """Judge the run, keep its `run_health` rows; the caller writes the verdict to `crawls`."""
    pooled, medians, has_history = history(archive.db, crawl_id, t.history_runs)
    report = judge(tally, pooled, medians, has_history, known, t, protected,
                   silent_sections(archive.db, today, t) if has_history else [])
    with archive.db.atomic():
        archive.db["run_health"].insert_all(tally.rows(crawl_id), replace=True)
    return report


def crawls_columns(report: HealthReport) -> dict:
    """The verdict as `crawls` columns."""
    return {"health_status": report.status, "health": json.dumps(report.to_dict(), ensure_ascii=False)}
