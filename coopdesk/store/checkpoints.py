"""The write-ahead log copied back into the store on a thread of its own (for the window).

SQLite keeps each commit in the store's write-ahead log and copies the log back into the
store file (a checkpoint) inside whichever commit makes the log pass 1,000 pages. On a store
with ten years of history that copy and its sync take about half a second, and whoever made
that commit waits: taking an import back spent 510 of its 560 ms there, and a weekly import
writes 730 pages, so the next commit after it (often a sign-up) paid the copy.

The window leaves checkpoints to ``BackgroundCheckpoints`` instead: the connections this
process opens on the store never checkpoint by themselves (``wal_autocheckpoint = 0``), and
the window asks for a checkpoint shortly after writes; a short-lived thread runs it on a
connection of its own. The checkpoint is PASSIVE: it waits for no reader or writer and
copies what it can. Nothing is less safe: every commit is already durable in the log (FULL
sync), and SQLite reads the log on open after a crash as before.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

__all__ = ["BackgroundCheckpoints", "leaves_checkpoints"]

# SQLite's own default: a commit that leaves more pages than this in the log checkpoints.
AUTOMATIC_PAGES = 1000

_LOCK = threading.Lock()
_OWNERS: dict[str, int] = {}  # store file -> how many BackgroundCheckpoints own it


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def leaves_checkpoints(path: Path) -> bool:
    """True while a ``BackgroundCheckpoints`` of this process owns the store's checkpoints:
    connections opened on it then set ``wal_autocheckpoint = 0`` (``connection.configure``)."""
    with _LOCK:
        return _key(path) in _OWNERS


class BackgroundCheckpoints:
    """Checkpoints of one store on a thread of their own, from ``__init__`` to ``close``.

    ``conn`` is the owner's open connection to the store: it stops checkpointing at once
    (later connections learn it from ``leaves_checkpoints``), and gets SQLite's default back
    on ``close``.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = Path(path)
        self._conn = conn
        self._thread: threading.Thread | None = None
        self._again = False
        self._guard = threading.Lock()
        self._closed = False
        self.runs = 0  # checkpoints completed, for tests and the bench
        self.last_result: tuple[int, int, int] | None = None  # (busy, log, copied) pages
        with _LOCK:
            _OWNERS[_key(self.path)] = _OWNERS.get(_key(self.path), 0) + 1
        conn.execute("PRAGMA wal_autocheckpoint = 0")

    def request(self) -> None:
        """Checkpoint soon, on the thread (one at a time: a request while one runs makes one
        more run after it, for the commits it may have missed)."""
        with self._guard:
            if self._closed:
                return
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            self._thread = threading.Thread(
                target=self._run, name="coopdesk-checkpoint", daemon=True
            )
            self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until the checkpoint running now (and the one asked for after it) is done."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def close(self) -> None:
        """Stop asking, wait for a running checkpoint, and give the connection SQLite's
        default back (the store's last connection still checkpoints when it closes)."""
        with self._guard:
            self._closed = True
        self.wait()
        with _LOCK:
            left = _OWNERS.get(_key(self.path), 0) - 1
            if left > 0:
                _OWNERS[_key(self.path)] = left
            else:
                _OWNERS.pop(_key(self.path), None)
        with contextlib.suppress(sqlite3.ProgrammingError):  # a connection closed already
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOMATIC_PAGES}")

    def _run(self) -> None:
        while True:
            self._checkpoint()
            with self._guard:
                if not self._again or self._closed:
                    self._again = False
                    return
                self._again = False

    def _checkpoint(self) -> None:
        try:
            # mode=rw: a store that is gone is not made again, empty.
            uri = f"{self.path.resolve().as_uri()}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=1)
            try:
                row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return  # a busy or vanished store: the next request tries again
        self.last_result = (int(row[0]), int(row[1]), int(row[2]))
        self.runs += 1
