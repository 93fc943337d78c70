"""SQLite connections as the store uses them, and the one place that begins and commits.

Every write in CoopDesk, a local edit, a merge, local bookkeeping or a migration, runs
inside ``atomic(conn)``: ``BEGIN IMMEDIATE`` (so two writers never interleave, and checks
made inside see what they guard), then ``COMMIT``, or ``ROLLBACK`` on any error.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from coopdesk.store.checkpoints import leaves_checkpoints
from coopdesk.store.ids import fold

# A store holds the coop's data and this site's private key: its folder and files are the
# user's alone, whatever the umask (other users of a shared computer must not copy them).
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents as usual) readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    keep_private(folder, PRIVATE_FOLDER)


def create_private_file(path: Path) -> None:
    """An empty file only its owner may read (SQLite opens an empty file as a new database)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, PRIVATE_FILE))


def keep_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Take group and other permissions away from ``path`` if it has any (a store made by
    an earlier CoopDesk). File systems without permissions (FAT sticks, Windows) keep theirs."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            path.chmod(mode)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (we begin and commit ourselves), patient when busy."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def configure(conn: sqlite3.Connection, path: Path | None = None) -> None:
    """WAL with FULL sync (a commit survives a power cut), foreign keys, no trusted schema;
    no checkpoints of its own while the window checkpoints ``path`` on a thread of its own
    (``coopdesk.store.checkpoints``)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    if path is not None and leaves_checkpoints(path):
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.create_function("fold", 1, fold, deterministic=True)


@contextmanager
def atomic(conn: sqlite3.Connection, on_begin: Callable[[], None] | None = None) -> Iterator[None]:
    """Everything inside commits, or nothing does. ``on_begin`` runs once the lock is held."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if on_begin is not None:
            on_begin()
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
