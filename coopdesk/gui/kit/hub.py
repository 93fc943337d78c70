"""Say what changed, refresh only that: the store's ``Changes`` as one Qt signal.

``Store.subscribe`` calls its listeners with a ``Changes`` (tables, rows, author, source)
after every committed write. The hub relays it as ``changed(Changes)``; pages and models
connect to it and refresh only when one of *their* tables is named, and skip the refresh
when they made the change themselves (``changes.initiator``: code that writes on behalf
of a widget runs inside ``hub.initiated_by(widget)``, or passes ``initiator=`` to
``run_store_task``). Work done on a worker thread (with its own ``Store``) is announced on
the GUI thread with ``announce``.

Connect bound methods of QObjects (``hub.changed.connect(model.on_store_changed)``): Qt drops
those connections when the receiver is destroyed, and the hub lives as long as the store.

Writes by another program on the same store (the ``coopdesk`` command in a script) send no
notice. ``check_outside_changes`` notices them with SQLite's ``PRAGMA data_version``, which
also changes when a worker thread of this process commits; those writes announced
themselves already, so the check reads the change log for entries this process did not
write (``coopdesk.store.store.local_writes``) and announces exactly their tables. The main
window calls it on a timer it owns, so the polling ends with the window.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from coopdesk.store.changes import CONFLICTS, PEERS, Changes
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store, local_writes

_HUBS: weakref.WeakKeyDictionary[Store, StoreHub] = weakref.WeakKeyDictionary()


def every_table() -> frozenset[str]:
    """Every table a page could show, and the conflict and peer notices."""
    return frozenset({*TABLES, CONFLICTS, PEERS})


class StoreHub(QObject):
    """Relays one store's change notices; get it with ``StoreHub.for_store(store)``."""

    changed = Signal(object)  # Changes

    def __init__(self, store: Store) -> None:
        # No Qt parent on purpose: the store's listener list keeps the hub alive exactly as
        # long as the store, so a write after a window closed never reaches a deleted object.
        super().__init__()
        store.subscribe(self._relay)
        self._store = weakref.ref(store)
        self._initiators: list[object] = []
        self._data_version = self._read_data_version()
        self._seen_lsn = self._last_lsn()
        self._commits_seen = local_writes(store.path).commits

    @classmethod
    def for_store(cls, store: Store) -> StoreHub:
        """The one hub of this store (created on first use), shared by every window and page."""
        hub = _HUBS.get(store)
        if hub is None:
            hub = _HUBS[store] = cls(store)
        return hub

    @contextmanager
    def initiated_by(self, initiator: object) -> Iterator[None]:
        """Writes made inside are announced as made by ``initiator`` (which shows them)."""
        self._initiators.append(initiator)
        try:
            yield
        finally:
            self._initiators.pop()

    def _relay(self, changes: Changes) -> None:
        initiator = self._initiators[-1] if self._initiators else None
        self.announce(changes.with_initiator(initiator) if initiator is not None else changes)

    def announce(self, changes: Changes) -> None:
        """Tell everyone what changed (e.g. after a worker thread wrote to the store)."""
        if changes:
            self.changed.emit(changes)

    # -- writes by other programs ----------------------------------------------------------

    def _read_data_version(self) -> int | None:
        store = self._store()
        if store is None:
            return None
        try:
            return int(store.conn.execute("PRAGMA data_version").fetchone()[0])
        except Exception:  # a closed store: nothing to watch
            return None

    def _last_lsn(self) -> int:
        store = self._store()
        try:
            row = store.conn.execute("SELECT max(lsn) FROM _change").fetchone() if store else None
        except Exception:
            return 0
        return int(row[0] or 0) if row else 0

    def check_outside_changes(self) -> None:
        """Announce what another program wrote since the last look, and only that."""
        store = self._store()
        version = self._read_data_version()
        if store is None or version is None or version == self._data_version:
            return
        self._data_version = version
        record = local_writes(store.path)
        commits_before, self._commits_seen = self._commits_seen, record.commits
        newest = self._last_lsn()
        if newest > self._seen_lsn:
            tables = self._tables_written_elsewhere(store, self._seen_lsn, newest, record.ranges())
            self._seen_lsn = newest
            if tables:
                self.changed.emit(Changes.of({*tables, CONFLICTS, PEERS}, source="outside"))
        elif record.commits == commits_before:
            # Bookkeeping only, by another program (an import that brought nothing new).
            self.changed.emit(Changes.of({PEERS}, source="outside"))

    @staticmethod
    def _tables_written_elsewhere(
        store: Store, after: int, upto: int, ours: list[tuple[int, int]]
    ) -> set[str]:
        """Tables of log entries in (after, upto] that no connection of this process wrote."""
        gaps: list[tuple[int, int]] = []
        start = after + 1
        for first, last in ours:
            if last < start:
                continue
            if first > upto:
                break
            if first > start:
                gaps.append((start, first - 1))
            start = max(start, last + 1)
        if start <= upto:
            gaps.append((start, upto))
        tables: set[str] = set()
        for low, high in gaps:
            tables.update(
                row[0]
                for row in store.conn.execute(
                    "SELECT DISTINCT tbl FROM _change WHERE lsn BETWEEN ? AND ?", (low, high)
                )
            )
        return tables
