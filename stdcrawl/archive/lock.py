"""One run per archive: an advisory lock file beside the database.

`flock` is released by the kernel when the process dies, even by SIGKILL, so
a killed run never leaves a lock behind that blocks the next night's run.
`flock` is POSIX (Linux, macOS): `fcntl` is imported only when a lock is
taken, so the `stdcrawl` command starts anywhere and its read-only commands
work on any platform (README "Platforms").
"""

from __future__ import annotations

import os
from pathlib import Path


class LockHeld(RuntimeError):
    """Another run holds the archive's lock."""


class LockUnsupported(RuntimeError):
    """This platform has no `flock` (Windows): runs that write cannot be locked."""


def _fcntl():
    try:
        import fcntl
    except ImportError:  # Windows
        raise LockUnsupported(
            "crawl and reparse need a POSIX system (Linux, macOS) for their run lock; "
            "on this platform only the read-only commands work"
        ) from None
    return fcntl


class RunLock:
    """`with RunLock(db_path):` — raises LockHeld at once if another run has it."""

    def __init__(self, db_path: str | Path):
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock; LockHeld if another run has it, OSError if the file cannot be made."""
        fcntl = _fcntl()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(f"another stdcrawl run (pid {holder}) holds {self.path}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl = _fcntl()
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
