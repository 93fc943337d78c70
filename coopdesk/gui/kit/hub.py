"""Say what changed, refresh only that: the store's change notices as a Qt signal.

``Store.subscribe`` calls its listeners with the set of table names after every committed
write. The hub turns that into ``changed(frozenset[str])`` so models and pages can connect
to it and refresh only when one of *their* tables is in the set. Work done on a worker thread
(with its own ``Store``) is announced on the GUI thread with ``announce``.

Connect bound methods of QObjects (``hub.changed.connect(model.on_store_changed)``): Qt drops
those connections when the receiver is destroyed, and the hub lives as long as the store.

Changes made by another program on the same store (the ``coopdesk`` command in a script,
a second window) send no notice; ``check_outside_changes`` notices them by reading SQLite's
``PRAGMA data_version`` and then announces every table, since it cannot know which. The
main window calls it on a timer it owns, so the polling ends with the window.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from coopdesk.store.changes import CONFLICTS, PEERS
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store

EVERY_TABLE = frozenset({*TABLES, CONFLICTS, PEERS})

_HUBS: weakref.WeakKeyDictionary[Store, StoreHub] = weakref.WeakKeyDictionary()


class StoreHub(QObject):
    """Relays one store's change notices; get it with ``StoreHub.for_store(store)``."""

    changed = Signal(object)  # frozenset[str] of table names

    def __init__(self, store: Store) -> None:
        # No Qt parent on purpose: the store's listener list keeps the hub alive exactly as
        # long as the store, so a write after a window closed never reaches a deleted object.
        super().__init__()
        store.subscribe(self._relay)
        self._store = weakref.ref(store)
        self._data_version = self._read_data_version()

    @classmethod
    def for_store(cls, store: Store) -> StoreHub:
        """The one hub of this store (created on first use), shared by every window and page."""
        hub = _HUBS.get(store)
        if hub is None:
            hub = _HUBS[store] = cls(store)
        return hub

    def _relay(self, tables: frozenset[str]) -> None:
        self.announce(tables)

    def _read_data_version(self) -> int | None:
        store = self._store()
        if store is None:
            return None
        try:
            return int(store.conn.execute("PRAGMA data_version").fetchone()[0])
        except Exception:  # a closed store: nothing to watch
            return None

    def check_outside_changes(self) -> None:
        """Announce every table if another connection committed since the last look."""
        version = self._read_data_version()
        if version is not None and version != self._data_version:
            self._data_version = version
            self.announce(EVERY_TABLE)

    def announce(self, tables: Iterable[str]) -> None:
        """Tell everyone these tables changed (e.g. after a worker thread wrote to them)."""
        tables = frozenset(tables)
        if tables:
            self.changed.emit(tables)
