"""The window's checkpoints on a thread of their own (coopdesk.store.checkpoints): no commit
waits for the write-ahead log to be copied back into the store, and the copy still happens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coopdesk.store.checkpoints import AUTOMATIC_PAGES, BackgroundCheckpoints
from coopdesk.store.store import Store

# Past SQLite's 1,000 pages of 4 KiB: a commit this big checkpoints inside itself by default.
BIG = "x" * (5 * 1024 * 1024)


def autocheckpoint(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def in_store_file(path: Path, key: str) -> bool:
    """Whether ``key`` of ``_local`` is in the store file itself, the log left unread."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT 1 FROM _local WHERE key = ?", (key,)).fetchone() is not None
    finally:
        conn.close()


def test_by_default_a_big_commit_copies_the_log_back_itself(store: Store) -> None:
    """What the window avoids: the commit that passes 1,000 pages does the copy."""
    with store._atomic():
        store.local_set("big", BIG)
    assert in_store_file(store.path, "big")


def test_while_the_window_owns_them_no_commit_checkpoints_and_the_thread_does(
    store: Store, data_dir: Path
) -> None:
    checkpoints = BackgroundCheckpoints(store.path, store.conn)
    try:
        assert autocheckpoint(store.conn) == 0
        with Store.open(data_dir) as worker:  # a worker thread's store, opened meanwhile
            assert autocheckpoint(worker.conn) == 0
            with worker._atomic():
                worker.local_set("big", BIG)
        with store._atomic():
            store.local_set("small", "y")
        assert not in_store_file(store.path, "big")
        assert not in_store_file(store.path, "small")
        assert store.local_get("big") == BIG  # in the log, durable, read as always

        checkpoints.request()
        checkpoints.wait(timeout=30)
        assert checkpoints.runs >= 1
        busy, logged, copied = checkpoints.last_result or (1, 0, -1)
        assert busy == 0 and copied == logged > AUTOMATIC_PAGES
        assert in_store_file(store.path, "big") and in_store_file(store.path, "small")
    finally:
        checkpoints.close()
    assert autocheckpoint(store.conn) == AUTOMATIC_PAGES
    with Store.open(data_dir) as later:
        assert autocheckpoint(later.conn) == AUTOMATIC_PAGES


def test_two_owners_of_one_store_give_it_back_when_both_are_done(
    store: Store, data_dir: Path
) -> None:
    first = BackgroundCheckpoints(store.path, store.conn)
    with Store.open(data_dir) as other:
        second = BackgroundCheckpoints(other.path, other.conn)
        first.close()
        with Store.open(data_dir) as meanwhile:
            assert autocheckpoint(meanwhile.conn) == 0
        second.close()
        with Store.open(data_dir) as after:
            assert autocheckpoint(after.conn) == AUTOMATIC_PAGES


def test_a_checkpoint_asked_after_close_or_of_a_store_gone_does_nothing(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    checkpoints = BackgroundCheckpoints(store.path, store.conn)
    checkpoints.close()
    checkpoints.request()
    checkpoints.wait(timeout=30)
    assert checkpoints.runs == 0

    gone = BackgroundCheckpoints(tmp_path / "nowhere" / "coopdesk.sqlite3", store.conn)
    gone.request()
    gone.wait(timeout=30)
    gone.close()
    assert gone.runs == 0
    assert not (tmp_path / "nowhere").exists()  # not made again, empty
