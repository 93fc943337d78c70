"""The member picker: "who is at the keyboard?", answered in a few keystrokes.

Type part of a name (or email, skill) to filter, arrows to move, Enter picks, Escape cancels.
Only active members are listed. The dialog is opened non-blocking (``open()``); the window
reacts to ``member_picked``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.coop import has_pin
from coopdesk.gui.coop.member_model import MemberPickerModel
from coopdesk.gui.coop.pin_dialog import PinDialog
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.gui.kit.widgets import EmptyState, muted
from coopdesk.store.store import Store

_NAVIGATION_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class MemberPickerDialog(QDialog):
    """Choose the member at the keyboard. ``member_picked(member_id)`` on Enter or double-click."""

    member_picked = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None, reason: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is at the keyboard?")
        self.setModal(True)
        self.resize(420, 460)
        self.picked_member_id: str | None = None
        self.store = store
        self.pin_dialog: QDialog | None = None

        self.model = MemberPickerModel(store, StoreHub.for_store(store), self)
        heading = QLabel("Who is at the keyboard?")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        explanation = muted(
            QLabel(
                reason
                or "Changes you make are signed with your name, so everyone can see who did what."
            )
        )
        explanation.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Type your name…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self.accept)

        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setModelColumn(0)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(2)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.activated.connect(self.accept)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the search
        self.empty = EmptyState()
        self.results = QStackedWidget()
        self.results.addWidget(self.list)
        self.results.addWidget(self.empty)

        self.buttons = QDialogButtonBox()
        self.pick_button = self.buttons.addButton(
            "This is me", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.pick_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)

        self.model.modelReset.connect(self._after_filter)
        self.model.refresh()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        self.model.set_search(text)

    def _after_filter(self) -> None:
        """Select the first match, so Enter picks it; say so when nothing matches."""
        has_rows = self.model.rowCount() > 0
        self.results.setCurrentWidget(self.list if has_rows else self.empty)
        self.pick_button.setEnabled(has_rows)
        if has_rows:
            self.list.setCurrentIndex(self.model.index(0, 0))
        else:
            text = self.search.text().strip()
            if text:
                self.empty.set_text(
                    f"No active member matches “{text}”", "Check the spelling, or try part of it."
                )
            else:
                self.empty.set_text("No active members", "Add or restore a member first.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow keys typed in the search field move through the list."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _NAVIGATION_KEYS
        ):
            forwarded = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text())
            QApplication.sendEvent(self.list, forwarded)
            return True
        return super().eventFilter(watched, event)

    def current_member_id(self) -> str | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        member_id = self.model.id_at(index.row())
        return None if member_id is None else str(member_id)

    def accept(self) -> None:
        member_id = self.current_member_id()
        if member_id is None:
            return

        if has_pin(self.store, member_id):
            self._ask_pin(member_id)
            return
        self._pick(member_id)

    def _ask_pin(self, member_id: str) -> None:
        """A member with a PIN becomes the member at the keyboard only once it is typed."""

        row = self.model.row_data(self.list.currentIndex().row()) or {}
        dialog = PinDialog(self.store, member_id, row.get("name", ""), parent=self)
        dialog.accepted.connect(lambda: self._pick(member_id))
        dialog.finished.connect(dialog.deleteLater)
        self.pin_dialog = dialog
        dialog.open()

    def _pick(self, member_id: str) -> None:
        self.picked_member_id = member_id
        super().accept()
        self.member_picked.emit(member_id)
