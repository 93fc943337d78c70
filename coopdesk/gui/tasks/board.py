"""The task board (To do, Doing, Done) and the task list, two views of the same tasks.

The board is three columns of cards. A card moves by dragging it to another column, or from
the keyboard: Ctrl+Right / Ctrl+Left move the selected card one column over, Left / Right
go to the next column, Enter opens it. The board never moves a card itself: it asks
(``move_requested``) and the page calls the core; the store's change then reloads the board,
so what is shown is always what is stored.

The list is a lazy table over ``tasklist.task_ids`` with the same ``TaskQuery`` filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import N_, _
from coopdesk.gui.kit.dates import due_text
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.gui.kit.lazy_model import LazyColumn, LazyTableModel
from coopdesk.gui.kit.widgets import muted, scaled_font
from coopdesk.store.store import Store
from coopdesk.tasks.tasks import PRIORITY_LABELS, STATUS_LABELS, TaskQuery, task_ids, tasks_by_id

TASK_MIME = "application/x-coopdesk-task"
TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
TASK_ROLE = Qt.ItemDataRole.UserRole + 2
STATUSES = tuple(STATUS_LABELS)  # todo, doing, done: the columns, left to right
# The core's words for statuses and priorities, shown through _() (extracted from here).
CORE_WORDS = (
    N_("To do"),
    N_("Doing"),
    N_("Done"),
    N_("low"),
    N_("normal"),
    N_("high"),
    N_("urgent"),
    N_("Low"),
    N_("Normal"),
    N_("High"),
    N_("Urgent"),
)
DONE_SHOWN = 40  # the Done column shows the most recently finished tasks
OVERDUE_COLOUR = QColor(0xC6, 0x28, 0x28)
PRIORITY_COLOURS = {2: QColor(0xE0, 0x8A, 0x00), 3: QColor(0xC6, 0x28, 0x28)}
AnyIndex = QModelIndex | QPersistentModelIndex


def card_details(task: dict[str, Any], today: dt.date | None = None) -> str:
    """The second line of a card: who, when, how urgent, and where it comes from."""
    parts = [task.get("assignee_name") or _("nobody yet")]
    due = due_text(task, today)
    if due:
        parts.append(due)
    if int(task.get("priority") or 0) >= 2:
        parts.append(_(PRIORITY_LABELS[int(task["priority"])]))
    if task.get("role_name"):
        parts.append(str(task["role_name"]))
    return " · ".join(parts)


class CardDelegate(QStyledItemDelegate):
    """Paints a task as a card: title in bold, who and when below, a stripe if urgent."""

    padding = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        line = option.fontMetrics.height()
        # Narrow on purpose: the column gives each card its full width, never a scroll bar.
        return QSize(120, line * 2 + self.padding * 2 + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        task = index.data(TASK_ROLE) or {}
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        rect = option.rect.adjusted(4, 3, -4, -3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background = palette.color(
            QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
        )
        border = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 2 if focused and selected else 1))
        painter.setBrush(QBrush(background))
        painter.drawRoundedRect(rect, 6, 6)
        # Right to left (Arabic): the priority stripe and the text start at the right.
        mirrored = option.direction == Qt.LayoutDirection.RightToLeft
        stripe = PRIORITY_COLOURS.get(int(task.get("priority") or 0))
        if stripe is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(stripe))
            left = rect.right() - 4 if mirrored else rect.left()
            painter.drawRoundedRect(QRect(left, rect.top(), 5, rect.height()), 2, 2)

        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        start, end = (
            (self.padding, self.padding + 4) if mirrored else (self.padding + 4, self.padding)
        )
        area = rect.adjusted(start, self.padding, -end, -self.padding)
        line = option.fontMetrics.height()
        title_font = QFont(option.font)
        title_font.setBold(True)
        if task.get("status") == "done":
            title_font.setStrikeOut(True)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        title = painter.fontMetrics().elidedText(
            str(task.get("title", "")), Qt.TextElideMode.ElideRight, area.width()
        )
        align = (
            QStyle.visualAlignment(option.direction, Qt.AlignmentFlag.AlignLeft)
            | Qt.AlignmentFlag.AlignVCenter
        )
        painter.drawText(QRect(area.left(), area.top(), area.width(), line), align, title)

        painter.setFont(option.font)
        details_colour = (
            text_colour
            if selected
            else OVERDUE_COLOUR
            if task.get("overdue")
            else palette.color(QPalette.ColorRole.PlaceholderText)
        )
        painter.setPen(details_colour)
        details = option.fontMetrics.elidedText(
            card_details(task), Qt.TextElideMode.ElideRight, area.width()
        )
        painter.drawText(
            QRect(area.left(), area.top() + line + 4, area.width(), line), align, details
        )
        painter.restore()


class BoardColumn(QListWidget):
    """One column of the board; cards can be dragged out of it and dropped into it."""

    move_requested = Signal(str, str)  # task id, status
    step_requested = Signal(str, int)  # task id, +1 right / -1 left
    open_requested = Signal(str)
    focus_requested = Signal(int)  # -1 the column to the left, +1 to the right

    def __init__(self, status: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self.setObjectName(f"boardColumn-{status}")
        self.setItemDelegate(CardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.itemActivated.connect(self._activated)

    # -- contents ---------------------------------------------------------------------------

    def set_tasks(self, tasks: list[dict[str, Any]]) -> None:
        self.clear()
        for task in tasks:
            item = QListWidgetItem(task["title"])
            item.setData(TASK_ID_ROLE, task["id"])
            item.setData(TASK_ROLE, task)
            item.setToolTip(self._tooltip(task))
            self.addItem(item)

    @staticmethod
    def _tooltip(task: dict[str, Any]) -> str:
        lines = [task["title"], card_details(task)]
        if task.get("notes"):
            lines.append(task["notes"])
        if task.get("chore_title"):
            lines.append(
                _("A turn of the chore “{chore_title}”").format(chore_title=task["chore_title"])
            )
        lines.append(_("Enter opens · Ctrl+Right / Ctrl+Left moves · or drag it"))
        return "\n".join(lines)

    def task_ids(self) -> list[str]:
        return [str(self.item(row).data(TASK_ID_ROLE)) for row in range(self.count())]

    def selected_task_id(self) -> str | None:
        item = self.currentItem()
        if item is None or not item.isSelected():
            return None
        return str(item.data(TASK_ID_ROLE))

    def select_task(self, task_id: str) -> bool:
        for row in range(self.count()):
            if self.item(row).data(TASK_ID_ROLE) == task_id:
                self.setCurrentRow(row)
                self.scrollToItem(self.item(row))
                return True
        return False

    # -- keyboard ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        task_id = self.selected_task_id()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            step = 1 if key == Qt.Key.Key_Right else -1
            if ctrl and task_id is not None:
                self.step_requested.emit(task_id, step)
            elif not ctrl:
                self.focus_requested.emit(step)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and task_id is not None:
            self.open_requested.emit(task_id)
            event.accept()
            return
        super().keyPressEvent(event)

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(str(item.data(TASK_ID_ROLE)))

    # -- drag and drop ----------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [TASK_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        if items:
            data.setData(TASK_MIME, QByteArray(str(items[0].data(TASK_ID_ROLE)).encode()))
            data.setText(str(items[0].text()))
        return data

    def _dropped_task_id(self, event: QDropEvent | QDragMoveEvent) -> str | None:
        data = event.mimeData()
        if event.source() is self or not data.hasFormat(TASK_MIME):
            return None
        return bytes(data.data(TASK_MIME).data()).decode() or None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_task_id(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_task_id(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        task_id = self._dropped_task_id(event)
        if task_id is None:
            event.ignore()
            return
        # A copy as far as Qt knows: the source column must not remove the card itself;
        # the store's change reloads both columns.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.drop_task(task_id)

    def drop_task(self, task_id: str) -> None:
        """A card from another column was dropped here (after the drag has finished)."""
        QTimer.singleShot(0, lambda: self.move_requested.emit(task_id, self.status))


class TaskBoard(QWidget):
    """Three columns of cards; see the module docstring."""

    move_requested = Signal(str, str)  # task id, new status
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: dict[str, BoardColumn] = {}
        self.count_labels: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for position, status in enumerate(STATUSES):
            panel = QFrame(objectName="boardPanel")
            panel.setFrameShape(QFrame.Shape.StyledPanel)
            title = QLabel(_(STATUS_LABELS[status]))
            title.setFont(scaled_font(self, 1.1, bold=True))
            count = muted(QLabel())
            header = QHBoxLayout()
            header.addWidget(title)
            header.addStretch(1)
            header.addWidget(count)
            column = BoardColumn(status)
            column.setAccessibleName(_("{value} column").format(value=_(STATUS_LABELS[status])))
            column.move_requested.connect(self.move_requested)
            column.open_requested.connect(self.open_requested)
            column.step_requested.connect(self._step)
            column.focus_requested.connect(lambda step, at=position: self._focus_column(at + step))
            column.itemSelectionChanged.connect(lambda c=column: self._only_one_selected(c))
            panel_layout = QVBoxLayout(panel)
            panel_layout.setContentsMargins(8, 8, 8, 8)
            panel_layout.addLayout(header)
            panel_layout.addWidget(column, 1)
            layout.addWidget(panel, 1)
            self.columns[status] = column
            self.count_labels[status] = count

    def set_tasks(self, tasks: list[dict[str, Any]], done_total: int | None = None) -> None:
        """Fill the columns, keeping the selected card selected if it is still there."""
        kept = self.selected_task_id()
        kept_column = self.focused_status()
        by_status: dict[str, list[dict[str, Any]]] = {status: [] for status in STATUSES}
        for task in tasks:
            by_status.setdefault(task["status"], []).append(task)
        for status, column in self.columns.items():
            column.blockSignals(True)
            column.set_tasks(by_status[status])
            column.blockSignals(False)
            shown = len(by_status[status])
            total = done_total if status == "done" and done_total is not None else shown
            self.count_labels[status].setText(
                _("{shown} of {total}").format(shown=shown, total=total)
                if total > shown
                else str(shown)
            )
        if kept is not None:
            self.select_task(kept, focus=kept_column is not None)

    def selected_task_id(self) -> str | None:
        for column in self.columns.values():
            task_id = column.selected_task_id()
            if task_id is not None:
                return task_id
        return None

    def status_of(self, task_id: str) -> str | None:
        for status, column in self.columns.items():
            if task_id in column.task_ids():
                return status
        return None

    def focused_status(self) -> str | None:
        for status, column in self.columns.items():
            if column.hasFocus():
                return status
        return None

    def select_task(self, task_id: str, focus: bool = False) -> bool:
        for column in self.columns.values():
            if column.select_task(task_id):
                if focus:
                    column.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def _only_one_selected(self, changed: BoardColumn) -> None:
        """One selected card on the whole board: selecting in one column clears the others."""
        if changed.selected_task_id() is None:
            return
        for column in self.columns.values():
            if column is not changed:
                column.blockSignals(True)
                column.clearSelection()
                column.setCurrentItem(None)
                column.blockSignals(False)

    def _step(self, task_id: str, step: int) -> None:
        status = self.status_of(task_id)
        if status is None:
            return
        position = STATUSES.index(status) + step
        if 0 <= position < len(STATUSES):
            self.move_requested.emit(task_id, STATUSES[position])

    def _focus_column(self, position: int) -> None:
        if not 0 <= position < len(STATUSES):
            return
        column = self.columns[STATUSES[position]]
        column.setFocus(Qt.FocusReason.OtherFocusReason)
        if column.count() and column.selected_task_id() is None:
            column.setCurrentRow(0)


class TaskListModel(LazyTableModel):
    """Tasks matching a ``TaskQuery``, in the core's order (open first, soonest due first)."""

    tables = frozenset({"task", "member", "site", "role", "chore"})
    columns = (
        LazyColumn(N_("Task")),
        LazyColumn(N_("Status")),
        LazyColumn(N_("Assignee")),
        LazyColumn(N_("Due")),
        LazyColumn(N_("Priority")),
        LazyColumn(N_("Site")),
        LazyColumn(N_("Role")),
    )

    def __init__(
        self, store: Store, hub: StoreHub | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(store, hub, parent)
        self.query = TaskQuery()

    def set_query(self, query: TaskQuery) -> None:
        if query != self.query:
            self.query = query
            self.refresh()

    def query_ids(self) -> Sequence[Hashable]:
        return task_ids(self.store, replace(self.query, today=dt.date.today()))

    def fetch_rows(self, ids: Sequence[Hashable]) -> Mapping[Hashable, Any]:
        return tasks_by_id(self.store, [str(i) for i in ids])

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return row["title"]
        if column == 1:
            return _(STATUS_LABELS.get(row["status"], row["status"]))
        if column == 2:
            return row["assignee_name"] or ""
        if column == 3:
            return due_text(row)
        if column == 4:
            return _(PRIORITY_LABELS.get(int(row["priority"] or 0), "").capitalize())
        if column == 5:
            return row["site_name"] or ""
        if column == 6:
            return row["role_name"] or ""
        return ""

    def cell_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == TASK_ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and row["overdue"]:
            return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.FontRole and row["status"] == "done":
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and row["notes"]:
            return row["notes"]
        return None
