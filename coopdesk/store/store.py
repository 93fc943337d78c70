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
import threading
from collections import deque
from collections.abc import Callable, Iterator
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
from coopdesk.base.i18n import _
from coopdesk.base.paths import store_path
from coopdesk.store import migrations
from coopdesk.store.changes import CONFLICTS, PEERS, ChangeListener, Changes
from coopdesk.store.connection import (
    PRIVATE_FOLDER,
    atomic,
    configure,
    connect,
    create_private_file,
    keep_private,
    make_private_folder,
)
from coopdesk.store.hlc import HybridClock
from coopdesk.store.ids import new_id
from coopdesk.store.migrations import seal_history
from coopdesk.store.schema import spec_for
from coopdesk.store.transaction import Transaction

if TYPE_CHECKING:
    import sqlite_utils

    from coopdesk.store import keys
    from coopdesk.store.merging import Merge
    from coopdesk.store.undo import UndoRecord

# "CoopDesk" in PRAGMA application_id: tells our stores apart from other SQLite files.
APPLICATION_ID = 0x436F6F70
SQLITE_MAGIC = b"SQLite format 3\x00"


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
            raise NotAStoreError(
                _("{path} is damaged or not a CoopDesk store (too short).").format(path=path)
            )
        return int.from_bytes(header[68:72], "big"), int.from_bytes(header[60:64], "big")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotAStoreError(
            _("{path} is damaged or not a CoopDesk store ({exc}).").format(path=path, exc=exc)
        ) from None
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
        self._signers: dict[str, keys.Signer] = {}
        self._on_close: list[Callable[[], None]] = []

    # -- opening and creating -------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        path = store_path(data_dir)
        if not path.exists():
            raise NoStoreError(
                _(
                    "There is no CoopDesk store in {data_dir}. Start one with 'coopdesk "
                    "init' or open the app."
                ).format(data_dir=data_dir)
            )
        return cls.open_file(path)

    @classmethod
    def open_file(cls, path: Path) -> Store:
        if not _looks_like_sqlite(path):
            raise NotAStoreError(_("{path} is not a CoopDesk store.").format(path=path))
        app_id, version = read_schema_version(path)
        if app_id != APPLICATION_ID:
            raise NotAStoreError(
                _("{path} is an SQLite database, but not a CoopDesk store.").format(path=path)
            )
        if version > migrations.SCHEMA_VERSION:
            raise NewerStoreError(
                _(
                    "This store was made by a newer CoopDesk (store schema {version}, this "
                    "CoopDesk knows up to {schema_version}). Install the newer CoopDesk to "
                    "open it; the store was not changed."
                ).format(version=version, schema_version=migrations.SCHEMA_VERSION)
            )
        # Before SQLite makes its -wal and -shm files, which take the store file's mode.
        for private in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            keep_private(private)
        keep_private(path.parent, PRIVATE_FOLDER)
        conn = connect(path)
        try:
            configure(conn, path)
            migrations.migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NotAStoreError(
                _("{path} could not be opened: {exc}.").format(path=path, exc=exc)
            ) from None
        return cls(path, conn)

    @classmethod
    def create(cls, data_dir: Path, site_id: str | None = None) -> Store:
        """A new, empty store with a fresh site id. Refuses if the data dir has one already.

        The file is built under a temporary name and renamed into place, so a failure
        part-way never leaves a half-made store behind.
        """
        path = store_path(data_dir)
        if path.exists():
            raise StoreExistsError(
                _("There is already a CoopDesk store in {data_dir}.").format(data_dir=data_dir)
            )
        make_private_folder(data_dir)
        partial = path.with_name(path.name + ".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        create_private_file(partial)
        conn = connect(partial)
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
        for callback in self._on_close:
            callback()
        self._on_close.clear()
        self.conn.close()

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` just before the store closes (the copy registry records the
        last sequence number this computer saw, see coopdesk/sync/identity.py)."""
        self._on_close.append(callback)

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

    def local_delete(self, key: str) -> None:
        self.conn.execute("DELETE FROM _local WHERE key = ?", (key,))

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
            raise NotFoundError(
                _("There is no {noun} with id {row_id}.").format(
                    noun=_(spec_for(table).noun), row_id=row_id
                )
            )
        return row

    def version_vector(self) -> dict[str, int]:
        return {site: seq for site, seq in self.conn.execute("SELECT site_id, seq FROM _vv")}

    # -- writing ----------------------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener(changes)`` after every committed write that changed data."""
        self._listeners.append(listener)

    def notify(self, changes: Changes) -> None:
        if changes:
            for listener in list(self._listeners):
                listener(changes)

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """``atomic`` on this store's connection, its clock caught up first, put back on error."""
        clock_before = self.clock.last
        try:
            with atomic(self.conn, on_begin=self._catch_up_clock):
                yield
        except BaseException:
            self.clock.last = max(clock_before, int(self.local_get("hlc", 0)))
            raise

    @contextmanager
    def transaction(self, author: str | None) -> Iterator[Transaction]:
        """The one write path for local edits. Everything inside commits or nothing does.

        ``author`` is the member at the keyboard; it must be an active member when the
        transaction commits (the first member may be created inside the same transaction).
        Or it is ``URN``, this site's ballot box, which may only add secret ballots (see
        ``coopdesk.store.transaction``).
        Checks that guard the write belong inside: the transaction holds the write lock.
        """
        if not author:
            raise NoAuthorError(_("Choose who is at the keyboard before making changes."))
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        self._in_transaction = True
        try:
            with self._atomic():
                tx = Transaction(self, author)
                yield tx
                tx.finish()
        finally:
            self._in_transaction = False
        self._record_local_write(tx.first_lsn, tx.last_lsn)
        self.notify(tx.changes())

    @contextmanager
    def merging(self) -> Iterator[Merge]:
        """The one write path for changes from other sites: all of a bundle, or nothing."""
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        self._in_transaction = True
        try:
            # Imported here: opening a store (the window, most commands) merges nothing.
            from coopdesk.store import undo
            from coopdesk.store.merging import Merge

            with self._atomic():
                site_before = self.site_id
                undo.start_recording(self.conn)
                merge = Merge(self)
                yield merge
                merge.finish()
                # An import that gave this site a new identity cannot be taken back.
                same_site = self.site_id == site_before
                undo.stop_recording(self.conn, merge.undo_about if same_site else None)
        finally:
            self._in_transaction = False
        self._record_local_write(merge.start_lsn + 1, merge.end_lsn)
        self.notify(merge.changes())

    def last_import_undo(self) -> UndoRecord | None:
        """The last import's undo record, while it can still be taken back (nothing was
        written here since: no edit, no export). See ``coopdesk.store.undo``."""
        from coopdesk.store import undo

        return undo.undo_record(self.conn)

    def take_back_last_import(self) -> UndoRecord | None:
        """Put the store back exactly as it was before the last import, in one transaction;
        None (and nothing written) when it can no longer be taken back."""
        from coopdesk.store import undo
        from coopdesk.store.schema import TABLES

        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        # What comes back is the store before the import, whose references held. With the
        # checks on, every row deleted or put back looked for its children: seconds by ten
        # years of history. (The setting cannot change inside a transaction.)
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self._atomic():
                taken = undo.take_back(self.conn)
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")
        if taken is None:
            return None
        self.clock.last = max(self.clock.last, int(self.local_get("hlc", 0)))
        self._record_local_write(None, None)
        self.notify(Changes.of({*TABLES, PEERS, CONFLICTS}, source="import"))
        return taken

    def _catch_up_clock(self) -> None:
        """Once the write lock is held: the clock catches up with what others saved.

        Another connection to the same file (a worker thread's, the command line's) may
        have stamped later changes; this store's next change must come after them.
        """
        self.clock.last = max(self.clock.last, int(self.local_get("hlc", 0)))

    @contextmanager
    def changes_within_open_transaction(self, author: str) -> Iterator[Transaction]:
        """Write-path changes inside a transaction the caller opened and will commit.

        When a store finds it must take a new site identity (inside a merge, or restoring a
        backup), the new site's row is written through the ordinary write path, atomically
        with the rest.
        """
        if not self.conn.in_transaction:
            raise RuntimeError("no open transaction")
        tx = Transaction(self, author)
        yield tx
        tx.finish()

    @contextmanager
    def local_transaction(self) -> Iterator[None]:
        """A transaction for this site's own bookkeeping (never replicated data by itself)."""
        with self._atomic():
            yield
        self._record_local_write(None, None)

    def replace_with(self, path: Path) -> None:
        """Make this store a copy of the store file ``path`` (SQLite's backup API, never a
        file copy), then bring it to this CoopDesk's schema. For restoring a backup."""
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(self.conn)
        finally:
            source.close()
        migrations.migrate(self.conn)
        self.clock.last = max(self.clock.last, int(self.local_get("hlc", 0)))
        self._record_local_write(None, None)

    # -- seals ------------------------------------------------------------------------------

    def seal(self, origin: str, seq: int, rows: list[tuple[Any, ...]]) -> None:
        """Chain and sign this site's transaction ``seq`` (its change-log ``rows``).

        Part of every local commit: other sites accept this site's changes only with an
        unbroken chain of seals signed by its key. A store without a site key (a bare test
        store that never syncs) keeps its transactions unsealed.
        """
        signer = self._signer(origin)
        if signer is None:
            return
        from coopdesk.store import keys  # hashlib and secrets: not needed to open a store

        previous = keys.GENESIS_DIGEST
        if seq > 1:
            row = self.conn.execute(
                "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq - 1)
            ).fetchone()
            if row is None:  # history from before sealing, not sealed yet: seal it now
                seal_history(self.conn, origin, signer.private_hex)
                row = self.conn.execute(
                    "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq - 1)
                ).fetchone()
            previous = bytes(row[0]) if row else keys.GENESIS_DIGEST
        digest = keys.transaction_digest(previous, rows)
        self.conn.execute(
            "INSERT INTO _seal (origin, seq, digest, signature) VALUES (?, ?, ?, ?)",
            (origin, seq, digest, signer.sign(keys.seal_message(origin, seq, digest))),
        )

    def _signer(self, origin: str) -> keys.Signer | None:
        cached = self._signers.get(origin)
        if cached is None:
            private = self.local_get("site_private")
            if not private or origin != self.site_id:
                return None
            from coopdesk.store import keys

            cached = self._signers[origin] = keys.Signer(str(private))
        return cached

    # -- telling this process's writes from other programs' ------------------------------

    def _record_local_write(self, first_lsn: int | None, last_lsn: int | None) -> None:
        local_writes(self.path).record(first_lsn, last_lsn)


class LocalWrites:
    """What this process committed to one store file, by any of its connections.

    The window notices writes by other programs (the command line in a script) by polling
    SQLite's ``PRAGMA data_version``, which also changes when another connection of this
    process (a worker thread's) commits. Such writes announce themselves precisely; this
    record lets the poll report only the others: log entries in none of these ranges.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ranges: deque[tuple[int, int]] = deque(maxlen=10_000)
        self.commits = 0

    def record(self, first_lsn: int | None, last_lsn: int | None) -> None:
        with self._lock:
            self.commits += 1
            if first_lsn is not None and last_lsn is not None and last_lsn >= first_lsn:
                self._ranges.append((first_lsn, last_lsn))

    def ranges(self) -> list[tuple[int, int]]:
        with self._lock:
            return sorted(self._ranges)


_LOCAL_WRITES: dict[str, LocalWrites] = {}
_LOCAL_WRITES_LOCK = threading.Lock()


def local_writes(path: Path) -> LocalWrites:
    """The record of this process's writes to the store file at ``path``."""
    key = str(Path(path).resolve())
    with _LOCAL_WRITES_LOCK:
        if key not in _LOCAL_WRITES:
            _LOCAL_WRITES[key] = LocalWrites()
        return _LOCAL_WRITES[key]
