"""Where an end-to-end crawl's time goes: py-spy on a real `stdcrawl crawl` process.

py-spy samples the crawl from outside (no instrumentation in the process,
idle time left out), aggregating by function. The report lists the
functions with the most samples on top of the stack (self time) and
stdcrawl's own functions by the share of samples they are anywhere on the
stack (inclusive time). Without py-spy (`pip install py-spy`) it is skipped.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

from bench.common import PY, ServerProcess, Site, log, run_measured
from bench.crawl import stdcrawl_cmd

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _label(frame: str) -> str:
    m = _FRAME.match(frame)
    if not m:
        return frame or "?"
    file = m.group("file")
    for marker in ("site-packages/", "lib/python3."):
        if marker in file:
            file = file.split(marker, 1)[1]
            file = file.split("/", 1)[1] if marker == "lib/python3." else file
    return f"{m.group('func')} ({file}:{m.group('line')})" if m.group("line") else f"{m.group('func')} ({file})"


def summarize(raw: Path, top: int = 15) -> dict:
    """Self and inclusive shares per function from py-spy's `--format raw` output."""
    self_counts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = idle = 0
    for line in raw.read_text("utf-8", "replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        count = int(n)
        frames = [_label(f) for f in stack.split(";")]
        if frames[-1].startswith(_IDLE):  # a thread waiting (thread pools, the reactor's select)
            idle += count
            continue
        total += count
        self_counts[frames[-1]] += count
        for label in set(frames):
            inclusive[label] += count
        areas[_area(frames)] += count
    share = lambda c: round(c / total, 4) if total else None  # noqa: E731
    ours = [(f, c) for f, c in inclusive.most_common() if "stdcrawl/" in f and "__main__" not in f and "<module>" not in f]
    return {
        "samples": total,
        "idle_samples": idle,
        "self": [{"function": f, "share": share(c)} for f, c in self_counts.most_common(top)],
        "stdcrawl_inclusive": [{"function": f, "share": share(c)} for f, c in ours[:top]],
        "areas": {k: share(v) for k, v in areas.most_common()},
    }


#: Innermost frames of a waiting thread: py-spy's idle detection misses some.
_IDLE = ("Condition.wait", "Event.wait", "EpollSelector.select", "SelectSelector.select", "PollSelector.select",
         "Queue.get", "sleep (")

#: Where a sample's time belongs, by the innermost stdcrawl/scrapy frame that names it.
_AREAS = (
    ("storage (store.write_batch)", ("write_batch", "Archive.")),
    ("WARC capture", ("capture.py", "warc.py")),
    ("article extraction (loader)", ("loaders.py",)),
    ("normalization", ("normalize.py",)),
    ("list pages (spider)", ("parse_list", "load_list_page")),
    ("spider (other)", ("spiders/english.py",)),
    ("pipelines (other)", ("pipelines.py",)),
    ("response parse (parsel/lxml)", ("parsel/", "selector")),
)


def _area(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, needles in _AREAS:
            if any(n in frame for n in needles):
                return name
    return "Scrapy, Twisted, asyncio and the rest"


def measure(site: Site, server: ServerProcess, workdir: Path, rate: int = 200) -> dict:
    """Profile one full crawl of the site; the collapsed stacks stay in workdir (flamegraph.pl, speedscope)."""
    spy = shutil.which("py-spy") or str(Path(PY).with_name("py-spy"))
    if not Path(spy).exists():
        return {"skipped": "py-spy is not installed"}
    folder = Path(workdir) / f"profile-{site.n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    raw = folder / "crawl.raw"
    cmd = [spy, "record", "--format", "raw", "--function", "--rate", str(rate), "-o", str(raw), "--",
           *stdcrawl_cmd(folder / "archive.db", server.base_url)]
    server.take_log()
    m = run_measured(cmd)
    server.take_log()
    if not raw.is_file():
        return {"skipped": f"py-spy failed (exit {m.returncode}): {m.stderr[-500:]}"}
    result = summarize(raw)
    result.update(articles=site.n, rate_hz=rate, seconds=m.last_json().get("seconds"), stacks=str(raw))
    for leftover in folder.iterdir():
        if leftover != raw:
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    log(f"  profile: {result['samples']} samples; hottest: {result['self'][0]['function'] if result['self'] else '-'}")
    return result
