"""The Activity page: every change, who made it, where and when, newest first.

The change log only grows (200,000 rows is a few years of a busy coop), so the model never
counts or loads it whole: it reads one page with ``activity.recent_changes`` and asks for the next
page (``before_lsn`` = the last one shown) when the view scrolls to the bottom
(``canFetchMore``/``fetchMore``). New changes are put on top without reloading the rest.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QHeaderView, QStackedWidget

from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import long_moment_text
from coopdesk.coop import activity
from coopdesk.coop.activity import ActivityItem, relative_time
from coopdesk.gui.kit.lazy_model import column_title
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import EmptyState, table_view
from coopdesk.store.store import Store

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

AnyIndex = QModelIndex | QPersistentModelIndex
ACTIVITY_PAGE_SIZE = 200


def what_happened(item: ActivityItem) -> str:
    """The middle of the sentence: "added member Tomás", "changed member Ana (email)"."""
    return item.what()


class ActivityModel(QAbstractTableModel):
    """The change log, newest first, one page at a time. Columns: When, Who, What, Site."""

    headers = (N_("When"), N_("Who"), N_("What"), N_("Site"))

    def __init__(
        self, store: Store, page_size: int = ACTIVITY_PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.page_size = page_size
        self.items: list[ActivityItem] = []
        self.at_end = True
        self.fetched_rows = 0

    def refresh(self) -> None:
        """Start again from the newest change."""
        self.beginResetModel()
        self.items = activity.recent_changes(self.store, self.page_size)
        self.fetched_rows += len(self.items)
        self.at_end = len(self.items) < self.page_size
        self.endResetModel()

    def add_newer(self) -> None:
        """Put changes made since the last look on top; reload all if there are many."""
        if not self.items:
            self.refresh()
            return
        newest = self.items[0].lsn
        latest = activity.recent_changes(self.store, self.page_size)
        newer = [item for item in latest if item.lsn > newest]
        if len(newer) == len(latest) and latest:
            self.refresh()  # more than a page arrived (a big sync): start from the top
            return
        if newer:
            self.fetched_rows += len(newer)
            self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
            self.items[:0] = newer
            self.endInsertRows()

    def item(self, row: int) -> ActivityItem:
        return self.items[row]

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.at_end

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.at_end or not self.items:
            return
        older = activity.recent_changes(self.store, self.page_size, before_lsn=self.items[-1].lsn)
        self.at_end = len(older) < self.page_size
        if older:
            self.fetched_rows += len(older)
            start = len(self.items)
            self.beginInsertRows(QModelIndex(), start, start + len(older) - 1)
            self.items.extend(older)
            self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return relative_time(item.when)
            if column == 1:
                return item.author
            if column == 2:
                return what_happened(item)
            if column == 3:
                return item.site
        if role == Qt.ItemDataRole.ToolTipRole:
            stamp = long_moment_text(datetime.fromtimestamp(item.when))
            return f"{item.sentence()}\n{stamp}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_title(self.headers, section, orientation, role)

    def refresh_times(self) -> None:
        """ "2 min ago" ages: repaint the When column (only visible cells are re-read)."""
        if self.items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, 0))


class ActivityPage(Page):
    """Reloads on any change: every write adds to the log."""

    watches_every_table = True

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Activity"), _("Every change, who made it, where and when."))
        self.model = ActivityModel(self.store, parent=self)
        self.table = table_view(self.model, stretch_last=False)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 110)
        header.resizeSection(1, 180)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(3, 140)
        self.empty_state = EmptyState(
            _("No changes yet"), _("Every change anyone makes will be listed here, newest first.")
        )
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.empty_state)
        self.layout_.addWidget(self.results, 1)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._loaded_at = 0.0

    def load(self) -> None:
        if self.model.items:
            self.model.add_newer()
        else:
            self.model.refresh()
        self._loaded_at = time.time()
        total = activity.changes_recorded(self.store)
        self.subtitle_label.setText(
            ngettext(
                "Every change, who made it, where and when: {total:,} change in all, newest first.",
                "Every change, who made it, where and when: {total:,} changes in all, "
                "newest first.",
                total,
            ).format(total=total)
        )
        self.results.setCurrentWidget(self.table if self.model.rowCount() else self.empty_state)

    def _tick(self) -> None:
        if self.isVisible():
            self.model.refresh_times()
