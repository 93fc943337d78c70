"""A table model that opens 100,000 rows instantly: ids up front, row contents on demand.

``refresh()`` asks the store only for the ordered list of ids (filtering and sorting happen in
SQL). When the view asks for a cell, the model fetches the rows around it by id, one page
(``page_size`` rows) at a time, and keeps a bounded number of pages. The view only asks for
the rows it paints, so opening a list costs one id query plus one page.

To list something new (shifts, tasks, stock), subclass and give:

- ``tables``: the tables whose changes make the list stale (the hub's set is checked);
- ``columns``: one ``LazyColumn`` per column, with the sort key ``query_ids`` understands;
- ``query_ids()``: the ordered ids for the current filter and ``sort_key``/``descending``;
- ``fetch_rows(ids)``: ``{id: row}`` for those ids (one ``WHERE id IN (...)`` query);
- ``display(row, column)``: the text of one cell; optionally ``cell_data`` for other roles.

Change the filter with your own setter that stores it and calls ``refresh()``. Views keep
their selection across refreshes with ``id_at(row)`` before and ``row_of(id)`` after (the
model resets; ``modelAboutToBeReset``/``modelReset`` are the moments to do it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from coopdesk.base.i18n import _
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.store.changes import Changes
from coopdesk.store.store import Store

AnyIndex = QModelIndex | QPersistentModelIndex


def column_title(
    titles: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> Any:
    """``headerData`` for a table whose columns have these titles (and rows no header)."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and 0 <= section < len(titles)
    ):
        return _(titles[section])  # titles are marked N_() where declared
    return None


@dataclass(frozen=True)
class LazyColumn:
    """A column's header and the key ``query_ids`` sorts by (None: not sortable)."""

    title: str
    sort_key: str | None = None


class LazyTableModel(QAbstractTableModel):
    """Base for every long list: ordered ids from SQL, row contents fetched in pages by id."""

    tables: frozenset[str] = frozenset()
    columns: tuple[LazyColumn, ...] = ()
    page_size = 200
    max_cached_pages = 32

    def __init__(
        self, store: Store, hub: StoreHub | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._ids: list[Hashable] = []
        self._row_of: dict[Hashable, int] | None = None
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self.loaded = False
        self.fetched_rows = 0  # rows read from the store so far; tests and tuning look at it
        sortable = [c.sort_key for c in self.columns if c.sort_key]
        self.sort_key: str | None = sortable[0] if sortable else None
        self.descending = False
        if hub is not None:
            hub.changed.connect(self.on_store_changed)

    # -- what subclasses provide ------------------------------------------------------------

    def query_ids(self) -> Sequence[Hashable]:
        raise NotImplementedError

    def fetch_rows(self, ids: Sequence[Hashable]) -> Mapping[Hashable, Any]:
        raise NotImplementedError

    def display(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        """Data for roles other than display (tooltips, fonts); None by default."""
        return None

    # -- refreshing -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the ordered ids and forget cached rows. Cheap: one id query."""
        self.beginResetModel()
        self._ids = list(self.query_ids())
        self._row_of = None
        self._pages.clear()
        self.loaded = True
        self.endResetModel()

    def on_store_changed(self, changes: Changes) -> None:
        """Hub slot: refresh if one of our tables changed (and we were ever loaded)."""
        if self.loaded and changes.touches(self.tables) and changes.initiator is not self:
            self.refresh()

    # -- rows and ids -----------------------------------------------------------------------

    def id_at(self, row: int) -> Hashable | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, row_id: Hashable) -> int:
        """Position of an id in the current list, or -1."""
        if self._row_of is None:
            self._row_of = {value: position for position, value in enumerate(self._ids)}
        return self._row_of.get(row_id, -1)

    def row_data(self, row: int) -> Any:
        """The fetched row at a position (fetching its page if needed), or None."""
        if not 0 <= row < len(self._ids):
            return None
        number, offset = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._load_page(number)
        else:
            self._pages.move_to_end(number)
        return page[offset]

    def _load_page(self, number: int) -> list[Any]:
        ids = self._ids[number * self.page_size : (number + 1) * self.page_size]
        found = self.fetch_rows(ids)
        self.fetched_rows += len(ids)
        page = [found.get(row_id) for row_id in ids]  # None: the row vanished meanwhile
        self._pages[number] = page
        while len(self._pages) > self.max_cached_pages:
            self._pages.popitem(last=False)
        return page

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        return self.cell_data(row, index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title([c.title for c in self.columns], section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in SQL: remember the key and re-query the ids."""
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        sort_key = self.columns[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if self.loaded and (sort_key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = sort_key, descending
        if self.loaded:
            self.refresh()

    def sort_column(self) -> int:
        """The column the current sort key belongs to (for the header's sort indicator)."""
        for position, column in enumerate(self.columns):
            if column.sort_key == self.sort_key:
                return position
        return -1
