"""Shared plumbing: synthetic sites, the server process, measured subprocesses, medians.

A benchmark site of size N is the N oldest articles of
`sitegen.synthetic_articles(N + 10, seed, end=SITE_END)`; the 10 newest are
held back as "the next day's news" for the incremental benchmark. `end` is
fixed so the site is the same every day (and no article is recent enough to
be re-checked by an incremental run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from stdcrawl import sitegen

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SITE_END = dt.date(2025, 6, 30)
NEW_ARTICLES = 10


def log(message: str) -> None:
    """A progress line on stderr (the results go to files and stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


# --- sites ---------------------------------------------------------------------------


@dataclass
class Site:
    """A generated site on disk: its records, the held-back new ones, the manifest."""

    root: Path
    n: int
    seed: int
    records: list[dict]
    new_records: list[dict]
    manifest: dict = field(default_factory=dict)

    @property
    def article_paths(self) -> list[str]:
        return list(self.manifest["articles"])

    @property
    def list_paths(self) -> list[str]:
        """Every list page, the home page included (`write_site` counts it as a page, not a list)."""
        return list(self.manifest["list_pages"]) + [self.manifest["home"]]

    @property
    def first_list_pages(self) -> int:
        """First pages of every list, plus the home page."""
        return len(self.manifest["lists"]) + 1

    def all_paths(self) -> list[str]:
        """Every page a full crawl fetches (robots.txt aside)."""
        return self.list_paths + self.article_paths

    def add_new_articles(self) -> dict:
        """Publish the held-back articles: the site as it is a day later."""
        self._stamp().unlink(missing_ok=True)
        return sitegen.write_site(self.root, self.records + self.new_records)

    def _stamp(self) -> Path:
        return self.root / "_bench_site.json"


def _sitegen_hash() -> str:
    """Changes whenever the generator's code does (a module or a package of them)."""
    source = Path(sitegen.__file__)
    files = sorted(source.parent.glob("*.py")) if source.name == "__init__.py" else [source]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def site_records(n: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """(the n oldest of `synthetic_articles(n + 10)`, the 10 newest)."""
    records = sitegen.synthetic_articles(n + NEW_ARTICLES, seed, end=SITE_END)
    newest = {r["url_path"] for r in sitegen.SiteIndex(records).newest[:NEW_ARTICLES]}
    return [r for r in records if r["url_path"] not in newest], [r for r in records if r["url_path"] in newest]


def build_site(workdir: Path, n: int, seed: int = 0) -> Site:
    """Write (or reuse, when it is already there unchanged) the site of n articles."""
    root = Path(workdir) / "sites" / f"n{n}-s{seed}"
    records, new = site_records(n, seed)
    site = Site(root, n, seed, records, new)
    key = {"n": n, "seed": seed, "end": SITE_END.isoformat(), "sitegen": _sitegen_hash()}
    stamp = site._stamp()
    if stamp.is_file():
        saved = json.loads(stamp.read_text("utf-8"))
        if saved.get("key") == key:
            site.manifest = saved["manifest"]
            return site
    site.manifest = sitegen.write_site(root, records, clean=True)
    stamp.write_text(json.dumps({"key": key, "manifest": site.manifest}), "utf-8")
    return site


# --- the server ------------------------------------------------------------------------


class ServerProcess:
    """`bench.server` in a subprocess: base URL, request log, CPU seconds."""

    def __init__(self, root: Path):
        self.proc = subprocess.Popen(
            [PY, "-m", "bench.server", str(root)], cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True,
        )
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            raise RuntimeError("the fixture server did not start")
        self._cpu = 0.0

    def take_log(self) -> dict:
        """Requests served since the last call, and the server's CPU seconds spent on them."""
        self.proc.stdin.write("log\n")
        self.proc.stdin.flush()
        data = json.loads(self.proc.stdout.readline())
        data["cpu_delta"], self._cpu = data["cpu_seconds"] - self._cpu, data["cpu_seconds"]
        return data

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- measured subprocesses ---------------------------------------------------------------


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float

    def last_json(self) -> dict:
        """The last line of stdout as JSON (the summary the command printed)."""
        lines = [line for line in self.stdout.splitlines() if line.strip().startswith("{")]
        if not lines:
            raise RuntimeError(f"no JSON summary (exit {self.returncode}): {self.stderr[-2000:]}")
        return json.loads(lines[-1])


def _vm_hwm_kb(pid: int) -> int | None:
    """The process's peak RSS so far (VmHWM), None once it has exited."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_measured(cmd: list[str], timeout: float = 1800) -> Measured:
    """Run cmd to its end; its CPU time comes from wait4(), its peak RSS from VmHWM.

    Not `ru_maxrss`: on exec Linux folds the forking process's peak RSS into
    the child's (the driver holding a 20k-article site would count as the
    crawl's). VmHWM is the process's own high-water mark, read every 20 ms
    until it exits (it only grows; exiting frees, it does not allocate).
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, env=_env())
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        peak = [0]
        reaped = threading.Event()

        def watch() -> None:
            while not reaped.is_set():
                kb = _vm_hwm_kb(proc.pid)  # a zombie has no VmHWM: None
                if kb is None or reaped.is_set():
                    return
                peak[0] = max(peak[0], kb)
                time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            out = proc.stdout.read()
            proc.stdout.close()
            _, status, usage = os.wait4(proc.pid, 0)
            reaped.set()
        finally:
            timer.cancel()
        watcher.join(timeout=1)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Measured(proc.returncode, out.decode("utf-8", "replace"), stderr, wall,
                    usage.ru_utime + usage.ru_stime, peak[0] / 1024)


def _env() -> dict:
    env = dict(os.environ)
    env.pop("STDCRAWL_DB", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


# --- the machine -----------------------------------------------------------------------------


def machine() -> dict:
    """What the figures were measured on."""
    import sqlite3
    from importlib.metadata import PackageNotFoundError, version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()

    def ver(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    return {
        "nproc": nproc,
        "cpu": cpu,
        "python": platform.python_version(),
        "scrapy": ver("scrapy"),
        "lxml": ver("lxml"),
        "sqlite_utils": ver("sqlite-utils"),
        "sqlite": sqlite3.sqlite_version,
        "trafilatura": ver("trafilatura"),
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg()[0],
    }
