"""`stdcrawl reparse`: re-extract the archive from its WARC captures, offline.

For each article, the latest capture that brought its page (status 200,
non-empty payload) is read back from the WARC files, its Content-Encoding
undone as Scrapy's HttpCompressionMiddleware would, and the page goes through
the crawl's own steps: `raw_from_response` → `article_from_raw` (normalize,
validate) → `Deduper` → `Archive.write_batch` (which keeps the
previous title and body in `article_versions` when they change). No network,
no Scrapy engine.

Only articles whose fields (or extractor version) differ are written, so a
reparse does not pretend to have seen unchanged articles again; rows written
carry the crawl id of the capture they came from. `dry_run` computes the same
articles and reports, field by field, what would change.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.http import TextResponse

from stdcrawl.archive import dbfile
from stdcrawl.archive.dedupe import Deduper
from stdcrawl.archive.lock import RunLock
from stdcrawl.archive.pages import (  # noqa: F401 - also re-exported: reparse's callers and tests import them here
    CapturedPage,
    decode_body,
    page_from_capture,
    response_from_capture,
)
from stdcrawl.archive.reparse_jobs import MIN_PER_JOB, count_captures, extracted, iter_captures
from stdcrawl.extract.items import GOLDEN_FIELDS
from stdcrawl.extract.normalize import parse_since
from stdcrawl.extract.page import article_from_raw, raw_from_response
from stdcrawl.extract.site import STDAILY_ENGLISH, SiteProfile
from stdcrawl.archive.store import JSON_COLUMNS, Archive, ArchiveError

#: Fields compared with the stored row (everything extracted, plus who extracted it).
DIFF_FIELDS: tuple[str, ...] = (*GOLDEN_FIELDS, "extractor_version")
#: Articles per write transaction.
BATCH_SIZE = 200
EXAMPLES_PER_FIELD = 3
#: Article ids per `stored_articles` query (SQLite allows 999 parameters at the least).
IDS_PER_QUERY = 500


class NoCaptures(ArchiveError):
    """The archive has no `captures` table (made before WARC capture)."""


@dataclass
class ReparseReport:
    """What a reparse read, found and changed (or would change)."""

    dry_run: bool
    captures: int = 0
    articles: int = 0
    outcomes: Counter = field(default_factory=Counter)  # new, updated, unchanged, duplicate
    dropped: Counter = field(default_factory=Counter)  # reason -> captures that gave no article
    field_changes: Counter = field(default_factory=Counter)  # field -> articles whose field changes
    examples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field -> (article_id, change)
    problems: list[str] = field(default_factory=list)  # unreadable or corrupt captures
    seconds: float = 0.0
    jobs: int = 1  # processes that extracted
    #: `--problems`: the pages listed in `extraction_problems` before, and those that now pass.
    listed_problems: int | None = None
    cleared_problems: int = 0

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "captures": self.captures, "articles": self.articles,
            "outcomes": dict(self.outcomes), "dropped": dict(self.dropped),
            "field_changes": dict(self.field_changes), "examples": self.examples,
            "problems": self.problems, "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.articles_per_second, 1), "jobs": self.jobs,
            **({"listed_problems": self.listed_problems, "cleared_problems": self.cleared_problems}
               if self.listed_problems is not None else {}),
        }

    def format(self) -> str:
        verb = "would be" if self.dry_run else "were"
        o = self.outcomes
        lines = [
            f"reparse{' (dry run)' if self.dry_run else ''}: {self.captures} captures read, "
            f"{self.articles} articles extracted in {self.seconds:.1f}s ({self.articles_per_second:.0f} articles/s, "
            f"{self.jobs} process{'es' if self.jobs > 1 else ''})",
            f"articles that {verb}: {o['new']} new, {o['updated']} updated, {o['unchanged']} unchanged, "
            f"{o['duplicate']} duplicates",
        ]
        if self.dropped:
            lines.append("no article from: " + ", ".join(f"{n} {r}" for r, n in sorted(self.dropped.items())))
        if self.field_changes:
            lines.append(f"fields that {'would change' if self.dry_run else 'changed'} (articles):")
            for name, n in self.field_changes.most_common():
                lines.append(f"  {name:20s} {n:6d}")
                lines += [f"      {aid}: {change}" for aid, change in self.examples.get(name, [])]
        else:
            lines.append("no field changes")
        lines += [f"problem: {p}" for p in self.problems]
        if self.listed_problems is not None:
            lines.append(f"extraction problems: {self.listed_problems} listed, {self.cleared_problems} now pass and were "
                         f"cleared, {self.listed_problems - self.cleared_problems} left (see extraction_problems)")
        return "\n".join(lines)


def reparse(db_path: str | Path, since: str | None = None, article_id: str | None = None,
            dry_run: bool = False, jobs: int = 1, min_per_job: int = MIN_PER_JOB, problems: bool = False,
            profile: SiteProfile = STDAILY_ENGLISH) -> ReparseReport:
    """Re-extract articles from their stored captures; write what changed unless `dry_run`.

    `since` (a date) limits it to captures fetched on or after it,
    `article_id` to one article, `problems` to the pages listed in
    `extraction_problems` (problems.py): each is re-extracted from its latest
    capture and written, which clears the ones that now extract well;
    `profile` is the site the archive is of (stdaily.com's unless told).
    `jobs` processes extract (fewer when there are under `min_per_job`
    captures for each; `stdcrawl reparse` uses all cores). Workers are forked
    from a single-threaded process and spawned otherwise: a script with
    threads that asks for more than one needs Python's
    `if __name__ == "__main__":` guard.
    Raises ArchiveError (NoCaptures) when the archive cannot be read,
    LockHeld when a crawl holds it, ValueError for a bad `since` or `jobs`.
    """
    started = time.monotonic()
    db_path = Path(db_path)
    since_iso = parse_since(since).isoformat() if since else None
    if jobs < 1:
        raise ValueError(f"--jobs must be 1 or more, not {jobs}")
    report = ReparseReport(dry_run=dry_run)
    try:
        dbfile.check_readable(db_path)
        if not dry_run:
            dbfile.check_writable(db_path)
    except dbfile.ArchiveFileError as exc:
        raise ArchiveError(str(exc)) from None
    lock = None if dry_run else RunLock(db_path)
    if lock:
        try:
            lock.acquire()
        except OSError as exc:
            raise ArchiveError(f"cannot create the lock file {lock.path}: {exc.strerror or exc}") from None
    try:
        with Archive(db_path, readonly=dry_run) as archive:
            if "captures" not in archive.db.table_names():
                raise NoCaptures(f"{db_path} has no captures: it was made before WARC capture")
            if problems:
                _reparse_problems(archive, db_path, report, profile)
            else:
                archive.protect_better = False  # the operator applies this extractor on purpose
                total = None
                if jobs > 1:
                    total = count_captures(archive, since_iso, article_id)
                    jobs = max(1, min(jobs, total // max(min_per_job, 1)))
                report.jobs = jobs
                captures = iter_captures(archive, since_iso, article_id)
                _run(archive, extracted(captures, db_path, dry_run, jobs, profile, total=total), report, profile)
    finally:
        if lock:
            lock.release()
    report.seconds = time.monotonic() - started
    return report


def select_captures(archive: Archive, since_iso: str | None = None, article_id: str | None = None) -> list[dict]:
    """Each article's latest capture with a page (status 200, a payload), in capture order, as a list
    (`reparse` itself streams them: `reparse_jobs.iter_captures`)."""
    return list(iter_captures(archive, since_iso, article_id))


def _reparse_problems(archive: Archive, db_path: Path, report: ReparseReport,
                      profile: SiteProfile = STDAILY_ENGLISH) -> None:
    """Re-extract exactly the pages in `extraction_problems` (in this process:
    a short list) and count the ones that leave it."""
    listed = [r[0] for r in archive.db.execute("select url from extraction_problems")]
    report.listed_problems = len(listed)
    captures = [dict(r) for r in archive.db.query(
        """select c.* from captures c join (
               select max(capture_id) as capture_id from captures
               where status = 200 and payload_length > 0
                 and canonical_url in (select url from extraction_problems)
               group by canonical_url
           ) latest using (capture_id) order by c.capture_id""")]
    _run(archive, extracted(captures, db_path, report.dry_run, 1, profile, rewrite=True), report, profile,
         rewrite=True)
    if not report.dry_run:
        left = archive.db.execute("select count(*) from extraction_problems").fetchone()[0]
        report.cleared_problems = len(listed) - left


def _run(archive: Archive, results: Iterable[dict], report: ReparseReport,
         profile: SiteProfile = STDAILY_ENGLISH, rewrite: bool = False) -> None:
    """Count, de-duplicate and write (in capture order) what the extractors found;
    `rewrite`: write unchanged articles too."""
    deduper = Deduper(archive)
    batch: list[dict] = []
    batch_crawl = None
    written = 0
    for res in results:
        report.captures += 1
        if res.get("problem"):
            report.problems.append(res["problem"])
            report.dropped["unreadable"] += 1
            continue
        if res.get("reason"):
            report.dropped[res["reason"]] += 1
            continue
        report.articles += 1
        article = res.get("article")
        twin = deduper.duplicate_of(res, fp=res["fingerprint"])
        if twin == res["article_id"]:
            report.dropped["same_url_twice"] += 1
            continue
        if twin:
            report.outcomes["duplicate"] += 1
            if archive.known_article_url(res["canonical_url"]):
                continue  # already recorded as a URL of its twin
            article = {**article, "duplicate_of": twin} if article else None
        else:
            if not res["stored"] and archive.known_article_url(res["canonical_url"]):
                report.outcomes["duplicate"] += 1  # a near-duplicate copy, kept with its twin
                continue
            changes = res["changes"]
            if not res["stored"] and article is not None and archive.near_duplicate_of(article, batch) is not None:
                report.outcomes["duplicate"] += 1  # a lightly edited copy: the store keeps it with its twin
            else:
                report.outcomes["new" if not res["stored"] else "updated" if set(changes) - {"extractor_version"}
                                else "unchanged"] += 1
            for name, change in changes.items():
                report.field_changes[name] += 1
                examples = report.examples.setdefault(name, [])
                if len(examples) < EXAMPLES_PER_FIELD:
                    examples.append((res["article_id"], change))
            if res["stored"] and not changes and not rewrite:
                continue  # nothing to write: the stored row is what this extractor gives
        if report.dry_run or article is None:
            continue
        if batch and (len(batch) >= BATCH_SIZE or res["crawl_id"] != batch_crawl):
            archive.write_batch(batch, [], batch_crawl)
            batch = []
        batch_crawl = res["crawl_id"]
        batch.append(article)
        written += 1
    if batch:
        archive.write_batch(batch, [], batch_crawl)
    deduper.close()
    if written:
        archive.infer_sections(profile)  # as a crawl does when it closes


def article_from_capture(cap: dict, response, profile: SiteProfile = STDAILY_ENGLISH) -> tuple[dict | None, str | None]:
    """The normalized article of a captured page, or the reason there is none."""
    if not isinstance(response, (TextResponse, CapturedPage)):
        return None, "not_html"
    raw = raw_from_response(response, profile, cap["fetched_at"])
    raw["section_hint"] = cap["section_hint"] or ""
    article, reason = article_from_raw(raw, profile)
    return (None, reason) if reason else (article, None)


def stored_article(archive: Archive, article_id: str) -> dict | None:
    """An article as stored, in the shape `normalize_article` returns."""
    return stored_articles(archive, [article_id]).get(article_id)


def stored_articles(archive: Archive, article_ids: list[str]) -> dict[str, dict]:
    """Article id -> the article as `stored_article` gives it, for those of
    `article_ids` the archive holds: two queries for them all (on the plain
    sqlite3 connection), where a reparse would ask twice per capture."""
    if len(article_ids) > IDS_PER_QUERY:
        return {k: v for i in range(0, len(article_ids), IDS_PER_QUERY)
                for k, v in stored_articles(archive, article_ids[i:i + IDS_PER_QUERY]).items()}
    conn = archive.db.conn
    marks = ",".join("?" * len(article_ids))
    cursor = conn.execute(f"select * from articles where article_id in ({marks})", article_ids)
    names = [d[0] for d in cursor.description]
    found = {}
    for values in cursor:
        row = dict(zip(names, values))
        for name in JSON_COLUMNS:
            row[name] = json.loads(row[name]) if row[name] else []
        row["images"] = json.loads(row["images_json"]) if row["images_json"] else []
        row["related"] = []
        found[row["article_id"]] = row
    for article_id, title, summary, url in conn.execute(
            f"select article_id, title, summary, url from related_headlines where article_id in ({marks}) "
            "order by article_id, position", article_ids):
        if article_id in found:
            found[article_id]["related"].append({"title": title, "summary": summary, "url": url})
    return found


def diff_article(stored: dict, article: dict) -> dict[str, str]:
    """Field -> a short `old → new` for every field that differs."""
    return {name: _show(stored.get(name), article.get(name))
            for name in DIFF_FIELDS if stored.get(name) != article.get(name)}


def _show(old, new, width: int = 40) -> str:
    if isinstance(old, str) and isinstance(new, str):
        i = next((k for k, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        start = max(0, i - width // 2)

        def cut(s: str) -> str:
            return ("…" if start else "") + s[start:start + width] + ("…" if len(s) > start + width else "")

        return f"{cut(old)!r} → {cut(new)!r}"
    old_s, new_s = json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False)
    shorten = lambda s: s if len(s) <= 2 * width else s[: 2 * width] + "…"  # noqa: E731
    return f"{shorten(old_s)} → {shorten(new_s)}"
