"""The member picker: "who is at the keyboard?", answered in a few keystrokes.

Type part of your name to filter, arrows to move, Enter picks, Escape cancels. Only active
members are listed, names first (see ``MemberPickerModel``). Nobody is chosen until the
person chooses: Enter picks only when that is unambiguous (one match, a name typed in
full, or a row chosen with the arrows or the mouse), so one Enter after the idle lock never
signs in as whoever happens to be first in the list. The dialog is opened non-blocking
through the window's dialogs; the window reacts to ``member_picked``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
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

from coopdesk.base.i18n import _
from coopdesk.coop import has_pin
from coopdesk.gui.coop.member_model import MemberPickerModel
from coopdesk.gui.coop.pin_dialog import PinDialog
from coopdesk.gui.kit.dialog_manager import DialogManager
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.gui.kit.widgets import EmptyState, enter_presses, muted
from coopdesk.store.ids import fold
from coopdesk.store.store import Store

_NAVIGATION_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
PIN_ENTRY = "PIN entry"


class MemberPickerDialog(QDialog):
    """Choose the member at the keyboard. ``member_picked(member_id)`` on Enter or double-click."""

    member_picked = Signal(str)

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        reason: str = "",
        dialogs: DialogManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Who is at the keyboard?"))
        self.setModal(True)
        self.resize(420, 460)
        self.picked_member_id: str | None = None
        self.store = store
        self.dialogs = dialogs or DialogManager(self)

        self.model = MemberPickerModel(store, StoreHub.for_store(store), self)
        heading = QLabel(_("Who is at the keyboard?"))
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        explanation = muted(
            QLabel(
                reason
                or _(
                    "Changes you make are signed with your name, so everyone can see who did what."
                )
            )
        )
        explanation.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type your name…"))
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
        self.list.activated.connect(self._activated)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the search
        self.list.selectionModel().currentChanged.connect(self._chosen_changed)
        self.empty = EmptyState()
        self.results = QStackedWidget()
        self.results.addWidget(self.list)
        self.results.addWidget(self.empty)
        self.hint = muted(QLabel())
        self.hint.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.pick_button = self.buttons.addButton(
            _("This is me"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        enter_presses(self.pick_button)

        self.model.modelReset.connect(self._after_filter)
        self.model.refresh()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        self.model.set_search(text)

    def _after_filter(self) -> None:
        """Nobody is chosen after a new filter; say so when nothing matches."""
        has_rows = self.model.rowCount() > 0
        self.results.setCurrentWidget(self.list if has_rows else self.empty)
        self.list.setCurrentIndex(QModelIndex())
        if not has_rows:
            text = self.search.text().strip()
            if text:
                self.empty.set_text(
                    _("No active member matches “{text}”").format(text=text),
                    _("Check the spelling, or try part of it."),
                )
            else:
                self.empty.set_text(_("No active members"), _("Add or restore a member first."))
        self._show_choice()

    def _chosen_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_choice()

    def _show_choice(self) -> None:
        chosen = self.chosen_member_id()
        self.pick_button.setEnabled(chosen is not None)
        rows = self.model.rowCount()
        if chosen is not None or rows == 0:
            self.hint.clear()
        elif self.search.text().strip():
            self.hint.setText(
                _(
                    "{rows} members match: type more of your name, or choose yourself with "
                    "the arrow keys or the mouse."
                ).format(rows=rows)
            )
        else:
            self.hint.setText(_("Type your name, or choose yourself in the list."))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow keys typed in the search field move through the list (from its top)."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _NAVIGATION_KEYS
        ):
            if self.model.rowCount():
                if not self.list.currentIndex().isValid():
                    down = event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
                    row = 0 if down else self.model.rowCount() - 1
                    self.list.setCurrentIndex(self.model.index(row, 0))
                else:
                    forwarded = QKeyEvent(
                        event.type(), event.key(), event.modifiers(), event.text()
                    )
                    QApplication.sendEvent(self.list, forwarded)
            return True
        return super().eventFilter(watched, event)

    def current_member_id(self) -> str | None:
        """The row chosen with the arrows or the mouse, if any."""
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        member_id = self.model.id_at(index.row())
        return None if member_id is None else str(member_id)

    def chosen_member_id(self) -> str | None:
        """Who Enter would pick: a chosen row, the only match, or the one whose whole name
        was typed. None while that is ambiguous."""
        chosen = self.current_member_id()
        if chosen is not None:
            return chosen
        rows = self.model.rowCount()
        if rows == 1:  # the only match (or the coop's only member): nobody else it could be
            found = self.model.id_at(0)
            return None if found is None else str(found)
        typed = fold(self.search.text()).split()
        if typed:
            whole = [
                row
                for row in range(rows)
                if fold((self.model.row_data(row) or {}).get("name", "")).split() == typed
            ]
            if len(whole) == 1:
                found = self.model.id_at(whole[0])
                return None if found is None else str(found)
        return None

    def _activated(self, index: QModelIndex) -> None:
        self.list.setCurrentIndex(index)
        self.accept()

    def accept(self) -> None:
        member_id = self.chosen_member_id()
        if member_id is None:
            self._show_choice()
            return
        if has_pin(self.store, member_id):
            self._ask_pin(member_id)
            return
        self._pick(member_id)

    def _ask_pin(self, member_id: str) -> None:
        """A member with a PIN becomes the member at the keyboard only once it is typed."""

        def make() -> PinDialog:
            member = self.store.get("member", member_id)
            dialog = PinDialog(self.store, member_id, member["name"] if member else "", parent=self)
            dialog.accepted.connect(lambda: self._pick(member_id))
            return dialog

        self.dialogs.open(PIN_ENTRY, make, key=member_id)

    @property
    def pin_dialog(self) -> PinDialog | None:
        """The PIN dialog, while it is open."""
        pins = [d for d in self.dialogs.open_dialogs() if isinstance(d, PinDialog)]
        return pins[-1] if pins else None

    def _pick(self, member_id: str) -> None:
        self.picked_member_id = member_id
        super().accept()
        self.member_picked.emit(member_id)
