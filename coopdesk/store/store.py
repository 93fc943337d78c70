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

import json
import os
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coopdesk.base.errors import (
    NewerStoreError,
    NoAuthorError,
    NoStoreError,
    NotAStoreError,
    NotFoundError,
    StoreExistsError,
    ValidationError,
)
from coopdesk.base.paths import store_path
from coopdesk.store import migrations
from coopdesk.store.hlc import HybridClock
from coopdesk.store.schema import TableSpec, normalize_fields, spec_for

if TYPE_CHECKING:
    import sqlite_utils

# "CoopDesk" in PRAGMA application_id: tells our stores apart from other SQLite files.
APPLICATION_ID = 0x436F6F70
SQLITE_MAGIC = b"SQLite format 3\x00"

ChangeListener = Callable[[frozenset[str]], None]
# Reported among the changed "tables" when the set of unresolved conflicts may have changed,
# and when what this site knows of its peers changed (an import, even of nothing new).
CONFLICTS = "conflicts"
PEERS = "peers"


def new_id() -> str:
    return str(uuid.uuid4())


# Ids derived from what a row is about (a shift from its template and date, a sign-up from
# its shift and member): two sites that make "the same" row independently make one row.
DERIVED_ID_NAMESPACE = uuid.UUID("6f0c3a52-5b7e-4d4e-9a59-1c0f3d2b7a11")


def derived_id(kind: str, *parts: str) -> str:
    """A stable UUID (version 5) for ``kind`` and its parts; the same at every site."""
    return str(uuid.uuid5(DERIVED_ID_NAMESPACE, "\x1f".join((kind, *parts))))


@lru_cache(maxsize=1 << 16)
def fold(text: str | None) -> str:
    """Lower-case and strip accents, so a search for "tomas" finds "Tomás".

    Cached: search calls it for every row on every keystroke, mostly on the same texts.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def field_clock(clock: dict[str, list[Any]], column: str) -> list[Any]:
    """The ``[version, hlc, origin, seq]`` of one column of a row's ``_clock``."""
    return clock.get(column) or clock[""]


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


@dataclass
class PendingChange:
    """What one transaction did to one row; written to the log once, at commit."""

    table: str
    row_id: str
    op: str
    cl: int
    fields: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, list[Any]] = field(default_factory=dict)


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


def _changeable(table: str) -> TableSpec:
    """The spec of a table whose rows may change after insert: not a ledger's."""
    spec = spec_for(table)
    if spec.kind == "ledger":
        raise ValidationError(
            f"A {spec.noun} is never changed or removed once recorded: record a correction instead."
        )
    return spec


class Transaction:
    """Changes made by one author in one SQLite transaction; one sequence number for all."""

    def __init__(self, store: Store, author: str) -> None:
        self.store = store
        self.conn = store.conn
        self.author = author
        self.site_id = store.site_id
        self.seq: int | None = None
        self.hlc: int | None = None
        self.pending: dict[tuple[str, str], PendingChange] = {}
        self.changed: set[str] = set()

    def _stamp(self) -> tuple[int, int]:
        """Allocate this transaction's sequence number and timestamp on its first change."""
        if self.seq is None or self.hlc is None:
            self.seq = self.store.last_seq + 1
            self.hlc = self.store.clock.tick()
        return self.seq, self.hlc

    def _clock_entry(self, version: int) -> list[Any]:
        seq, hlc = self._stamp()
        return [version, hlc, self.site_id, seq]

    def _load(self, spec: TableSpec, row_id: str) -> tuple[dict[str, Any], int, dict[str, Any]]:
        columns = ", ".join(spec.column_names)
        row = self.conn.execute(
            f"SELECT {columns}, _cl, _clock FROM {spec.name} WHERE id = ?", (row_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"There is no {spec.noun} with id {row_id}.")
        values = dict(zip(spec.column_names, row[:-2], strict=True))
        return values, row[-2], json.loads(row[-1])

    def insert(self, table: str, fields: dict[str, Any], row_id: str | None = None) -> str:
        """Add a row; returns its id (a random UUID unless one is given)."""
        spec = spec_for(table)
        values = normalize_fields(spec, fields, partial=False)
        self._check_references(spec, values)
        row_id = row_id or new_id()
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone():
            raise ValidationError(f"A {spec.noun} with id {row_id} already exists.")
        clock = {"": self._clock_entry(1)}
        names = ", ".join(("id", *values, "_cl", "_clock"))
        marks = ", ".join("?" * (len(values) + 3))
        self.conn.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            (row_id, *values.values(), 1, json.dumps(clock)),
        )
        self.pending[(table, row_id)] = PendingChange(table, row_id, "insert", 1, dict(values))
        self.changed.add(table)
        return row_id

    def update(self, table: str, row_id: str, fields: dict[str, Any]) -> set[str]:
        """Change some fields of a row. Returns the names of the fields that really changed."""
        spec = _changeable(table)
        values = normalize_fields(spec, fields, partial=True)
        self._check_references(spec, values)
        current, cl, clock = self._load(spec, row_id)
        changed = {name: value for name, value in values.items() if current[name] != value}
        if not changed:
            return set()
        seq, _ = self._stamp()
        pending = self.pending.get((table, row_id))
        if pending is None:
            pending = self.pending[(table, row_id)] = PendingChange(table, row_id, "update", cl)
        for name, value in changed.items():
            old = field_clock(clock, name)
            if pending.op == "insert" or (old[2] == self.site_id and old[3] == seq):
                # Already written by this transaction: same version, just a newer value.
                clock[name] = [old[0], *self._clock_entry(old[0])[1:]]
                if name in pending.versions:
                    pending.versions[name][0] = old[0]
            else:
                rivals = self._rival_heads(table, row_id, name)
                clock[name] = self._clock_entry(old[0] + 1)
                pending.versions[name] = [old[0] + 1, sorted([[old[2], old[3]], *rivals])]
                if rivals:
                    self.conn.execute(
                        "DELETE FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?",
                        (table, row_id, name),
                    )
                    self.changed.add(CONFLICTS)
            pending.fields[name] = value
        assignments = ", ".join(f"{name} = ?" for name in changed)
        self.conn.execute(
            f"UPDATE {table} SET {assignments}, _clock = ? WHERE id = ?",
            (*changed.values(), json.dumps(clock), row_id),
        )
        self.changed.add(table)
        return set(changed)

    def _check_references(self, spec: TableSpec, values: dict[str, Any]) -> None:
        for name, value in values.items():
            column = spec.column_by_name[name]
            if column.kind != "ref" or value is None:
                continue
            target = spec_for(column.ref_table or "")
            if not self.conn.execute(
                f"SELECT 1 FROM {target.name} WHERE id = ?", (value,)
            ).fetchone():
                raise ValidationError(f"{column.label}: there is no {target.noun} with id {value}.")

    def _rival_heads(self, table: str, row_id: str, column: str) -> list[list[Any]]:
        return [
            [origin, seq]
            for origin, seq in self.conn.execute(
                "SELECT origin, seq FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?",
                (table, row_id, column),
            )
        ]

    def resolve(self, table: str, row_id: str, column: str, value: Any) -> None:
        """Settle a conflict: write ``value`` as a new version that supersedes every rival.

        Unlike ``update`` it writes even when ``value`` equals the current value ("keep
        this one"), because the point is to record that someone chose.
        """
        spec = spec_for(table)
        values = normalize_fields(spec, {column: value}, partial=True)
        _current, cl, clock = self._load(spec, row_id)
        self._stamp()
        if (table, row_id) in self.pending:
            raise RuntimeError("resolve a conflict in a transaction of its own")
        old = field_clock(clock, column)
        parents = [[old[2], old[3]], *self._rival_heads(table, row_id, column)]
        clock[column] = self._clock_entry(old[0] + 1)
        self.pending[(table, row_id)] = PendingChange(
            table, row_id, "update", cl, dict(values), {column: [old[0] + 1, sorted(parents)]}
        )
        self.conn.execute(
            "DELETE FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?", (table, row_id, column)
        )
        self.conn.execute(
            f"UPDATE {table} SET {column} = ?, _clock = ? WHERE id = ?",
            (values[column], json.dumps(clock), row_id),
        )
        self.changed.update({table, CONFLICTS})

    def _set_archived(self, table: str, row_id: str, archived: bool) -> None:
        spec = _changeable(table)
        row = self.conn.execute(f"SELECT _cl FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no {spec.noun} with id {row_id}.")
        cl = row[0]
        if (cl % 2 == 0) == archived:
            state = "archived" if archived else "active"
            raise ValidationError(f"This {spec.noun} is already {state}.")
        self._stamp()
        self.conn.execute(f"UPDATE {table} SET _cl = ? WHERE id = ?", (cl + 1, row_id))
        pending = self.pending.get((table, row_id))
        if pending is None:
            op = "archive" if archived else "restore"
            self.pending[(table, row_id)] = PendingChange(table, row_id, op, cl + 1)
        else:
            pending.cl = cl + 1
        self.changed.add(table)

    def archive(self, table: str, row_id: str) -> None:
        """Deleting is archiving: the row stays (and syncs) with an even causal length."""
        self._set_archived(table, row_id, True)

    def restore(self, table: str, row_id: str) -> None:
        self._set_archived(table, row_id, False)

    def finish(self) -> None:
        """Write the log entries and this site's counters; called just before COMMIT."""
        if self.seq is None or self.hlc is None:
            return
        author_row = self.conn.execute(
            "SELECT _cl FROM member WHERE id = ?", (self.author,)
        ).fetchone()
        if author_row is None:
            raise NoAuthorError("The member at the keyboard is not a member of this coop.")
        if author_row[0] % 2 == 0:
            raise NoAuthorError("The member at the keyboard is archived and cannot make changes.")
        self.conn.executemany(
            "INSERT INTO _change (origin, seq, idx, hlc, author, tbl, row_id, op, cl,"
            " fields, versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    self.site_id,
                    self.seq,
                    idx,
                    self.hlc,
                    self.author,
                    change.table,
                    change.row_id,
                    change.op,
                    change.cl,
                    json.dumps(change.fields, ensure_ascii=False) if change.fields else None,
                    json.dumps(change.versions) if change.versions else None,
                )
                for idx, change in enumerate(self.pending.values())
            ],
        )
        self.store.local_set("last_seq", self.seq)
        self.store.local_set("hlc", self.store.clock.last)
        self.conn.execute(
            "INSERT INTO _vv(site_id, seq) VALUES (?, ?)"
            " ON CONFLICT(site_id) DO UPDATE SET seq = excluded.seq",
            (self.site_id, self.seq),
        )
