"""One run per archive."""

import pytest

from stdcrawl.archive.lock import LockHeld, RunLock


def test_a_second_lock_on_the_same_archive_fails_at_once(tmp_path):
    db = tmp_path / "a.db"
    with RunLock(db):
        with pytest.raises(LockHeld, match="another stdcrawl run"):
            RunLock(db).acquire()
    with RunLock(db):
        pass
