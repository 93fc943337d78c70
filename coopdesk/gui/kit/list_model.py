"""A small table held in memory: a list of whole rows, shown one column per title.

For lists of a handful to a few hundred rows (roles, terms, sites, transfers, a stocktake)
that are read whole; long lists use ``LazyTableModel``. Subclasses give ``columns`` and
``display()``, and ``cell_data()`` for anything beyond text (tooltips, fonts, colours).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from coopdesk.gui.kit.lazy_model import column_title

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class ListModel(QAbstractTableModel, Generic[Row]):
    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_where(self, matches: Callable[[Row], bool]) -> int:
        """The position of the first row that matches, or -1."""
        return next((n for n, row in enumerate(self.rows) if matches(row)), -1)

    def refresh_times(self) -> None:
        """Texts that change with time ("2 h ago"): repaint every cell; the view re-reads only
        what it shows."""
        if self.rows:
            last = self.index(len(self.rows) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def display(self, row: Row, column: int) -> str:
        raise NotImplementedError

    def cell_data(self, row: Row, column: int, role: int) -> Any:
        return None

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        return self.cell_data(row, index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(self.columns, section, orientation, role)
