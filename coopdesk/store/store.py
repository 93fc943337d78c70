"""The store: one SQLite file per site, and the one door through which replicated data changes.

Reading is open to everyone (``Store.query``, ``Store.get``). Writing replicated data happens
only inside ``Store.transaction(author)``: its ``insert``, ``update``, ``archive`` and
``restore`` change the row *and*, in the same SQLite transaction, append the change to the
change log ``_change`` with the origin site, a per-site sequence number, a hybrid logical
clock timestamp and the author. Sync bundles carry that log, so anything written around this
door would never reach the other sites.

Merge bookkeeping kept with every record row (see docs/ARCHITECTURE.md):

- ``_cl``: causal length. Archive and restore each add one; odd means alive, even archived.
  Merging takes the larger, so archive/restore converge without a winner per row.
- ``_clock``: JSON ``{column: [version, hlc, origin, seq]}`` for the value that currently
  wins in each column; the key ``""`` stands for every column not listed (so a row that
  was inserted and never edited stores one entry, not one per column). A local edit writes
  ``version + 1``; merging keeps the larger ``(version, hlc, origin)``.
- ``_rival``: other heads of a column's history that a concurrent edit left behind (the
  losers of a conflict). A local edit of the column supersedes them all.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coopdesk.base.errors import (
    NewerStoreError,
    NoAuthorError,
    NoStoreError,
    NotAStoreError,
    NotFoundError,
    StoreExistsError,
)
from coopdesk.base.paths import store_path
from coopdesk.store import migrations
from coopdesk.store.changes import ChangeListener
from coopdesk.store.hlc import HybridClock
from coopdesk.store.ids import fold, new_id
from coopdesk.store.schema import spec_for
from coopdesk.store.transaction import Transaction

if TYPE_CHECKING:
    import sqlite_utils

# "CoopDesk" in PRAGMA application_id: tells our stores apart from other SQLite files.
APPLICATION_ID = 0x436F6F70
SQLITE_MAGIC = b"SQLite format 3\x00"


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.create_function("fold", 1, fold, deterministic=True)


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def read_schema_version(path: Path) -> tuple[int, int]:
    """(application_id, user_version) of a file, without writing anything to it.

    Read from the database header (offsets 68 and 60) so that refusing a store leaves not
    even a -wal or -shm file behind. Only when a -wal file holds changes not yet written
    back, the header may be stale, and a read-only connection is asked instead.
    """
    wal = Path(f"{path}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        with path.open("rb") as handle:
            header = handle.read(100)
        if len(header) < 100:
            raise NotAStoreError(f"{path} is damaged or not a CoopDesk store (too short).")
        return int.from_bytes(header[68:72], "big"), int.from_bytes(header[60:64], "big")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotAStoreError(f"{path} is damaged or not a CoopDesk store ({exc}).") from None
    finally:
        conn.close()
    return app_id, version


class Store:
    """An open store. One per thread: SQLite connections are not shared between threads."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.clock = HybridClock(last=int(self.local_get("hlc", 0)))
        self._listeners: list[ChangeListener] = []
        self._in_transaction = False

    # -- opening and creating -------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        path = store_path(data_dir)
        if not path.exists():
            raise NoStoreError(
                f"There is no CoopDesk store in {data_dir}. Start one with 'coopdesk init' "
                "or open the app."
            )
        return cls.open_file(path)

    @classmethod
    def open_file(cls, path: Path) -> Store:
        if not _looks_like_sqlite(path):
            raise NotAStoreError(f"{path} is not a CoopDesk store.")
        app_id, version = read_schema_version(path)
        if app_id != APPLICATION_ID:
            raise NotAStoreError(f"{path} is an SQLite database, but not a CoopDesk store.")
        if version > migrations.SCHEMA_VERSION:
            raise NewerStoreError(
                f"This store was made by a newer CoopDesk (store schema {version}, this "
                f"CoopDesk knows up to {migrations.SCHEMA_VERSION}). Install the newer "
                "CoopDesk to open it; the store was not changed."
            )
        conn = _connect(path)
        try:
            _configure(conn)
            migrations.migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NotAStoreError(f"{path} could not be opened: {exc}.") from None
        return cls(path, conn)

    @classmethod
    def create(cls, data_dir: Path, site_id: str | None = None) -> Store:
        """A new, empty store with a fresh site id. Refuses if the data dir has one already.

        The file is built under a temporary name and renamed into place, so a failure
        part-way never leaves a half-made store behind.
        """
        path = store_path(data_dir)
        if path.exists():
            raise StoreExistsError(f"There is already a CoopDesk store in {data_dir}.")
        data_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        conn = _connect(partial)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
            conn.execute("PRAGMA journal_mode = DELETE")
            migrations.migrate(conn)
            conn.execute(
                "INSERT INTO _local(key, value) VALUES ('site_id', ?), ('last_seq', 0), ('hlc', 0)",
                (site_id or new_id(),),
            )
        finally:
            conn.close()
        os.replace(partial, path)
        return cls.open_file(path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- local, non-replicated settings ----------------------------------------------------

    def local_get(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM _local WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def local_set(self, key: str, value: Any) -> None:
        """Settings of this computer only (window layout, the CLI's default member).

        Not replicated and not logged, so they never travel in a bundle.
        """
        self.conn.execute(
            "INSERT INTO _local(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def site_id(self) -> str:
        return str(self.local_get("site_id"))

    @property
    def coop_id(self) -> str | None:
        value = self.local_get("coop_id")
        return None if value is None else str(value)

    @property
    def last_seq(self) -> int:
        return int(self.local_get("last_seq", 0))

    # -- reading ----------------------------------------------------------------------------

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the store, for introspection (tables, columns, indexes).

        Imported on first use: it is not needed to open the window, and costs ~50 ms.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        """One row as a dict of its columns, plus ``archived``; None if there is none."""
        spec = spec_for(table)
        columns = ", ".join(("id", *spec.column_names))
        rows = self.query(
            f"SELECT {columns}, _cl % 2 = 0 AS archived FROM {table} WHERE id = ?", (row_id,)
        )
        if not rows:
            return None
        row = rows[0]
        row["archived"] = bool(row["archived"])
        return row

    def require(self, table: str, row_id: str) -> dict[str, Any]:
        row = self.get(table, row_id)
        if row is None:
            raise NotFoundError(f"There is no {spec_for(table).noun} with id {row_id}.")
        return row

    def version_vector(self) -> dict[str, int]:
        return {site: seq for site, seq in self.conn.execute("SELECT site_id, seq FROM _vv")}

    # -- writing ----------------------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener(tables)`` after every committed transaction that changed data."""
        self._listeners.append(listener)

    def notify(self, tables: frozenset[str]) -> None:
        for listener in list(self._listeners):
            listener(tables)

    @contextmanager
    def transaction(self, author: str | None) -> Iterator[Transaction]:
        """The one write path for replicated data. Everything inside commits or nothing does.

        ``author`` is the member at the keyboard; it must be an active member when the
        transaction commits (the first member may be created inside the same transaction).
        Or it is ``URN``, this site's ballot box, which may only add secret ballots (see
        ``coopdesk.store.transaction``).
        """
        if not author:
            raise NoAuthorError("Choose who is at the keyboard before making changes.")
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        self._in_transaction = True
        self.begin()
        tx = Transaction(self, author)
        try:
            yield tx
            tx.finish()
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.clock.last = int(self.local_get("hlc", 0))
            raise
        finally:
            self._in_transaction = False
        if tx.changed:
            self.notify(frozenset(tx.changed))

    def begin(self) -> None:
        """``BEGIN IMMEDIATE``, then catch the clock up with what other connections saved.

        Another connection to the same file (a worker thread's, the command line's) may
        have stamped later changes; this store's next change must come after them.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        self.clock.last = max(self.clock.last, int(self.local_get("hlc", 0)))

    @contextmanager
    def changes_within_open_transaction(self, author: str) -> Iterator[Transaction]:
        """Write-path changes inside a transaction the caller opened and will commit.

        Sync import uses it: when a store finds it must take a new site identity, the new
        site's row is written through the ordinary write path, atomically with the import.
        """
        if not self.conn.in_transaction:
            raise RuntimeError("no open transaction")
        tx = Transaction(self, author)
        yield tx
        tx.finish()

    @contextmanager
    def local_transaction(self) -> Iterator[None]:
        """A plain transaction for local-only bookkeeping (never replicated data)."""
        self.begin()
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
