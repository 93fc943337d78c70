"""SQLite connections as the store uses them, and the one place that begins and commits.

Every write in CoopDesk, a local edit, a merge, local bookkeeping or a migration, runs
inside ``atomic(conn)``: ``BEGIN IMMEDIATE`` (so two writers never interleave, and checks
made inside see what they guard), then ``COMMIT``, or ``ROLLBACK`` on any error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from coopdesk.store.ids import fold


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (we begin and commit ourselves), patient when busy."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def configure(conn: sqlite3.Connection) -> None:
    """WAL with FULL sync (a commit survives a power cut), foreign keys, no trusted schema."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
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
