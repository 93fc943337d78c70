"""A member's leave: periods away with no shift duty, skipped by role and chore rotations.

Opened from the Members page ("Leave…"). Lists the member's leave periods and adds, ends or
withdraws one through coopdesk/coop/leave.py as the member at the keyboard; a member may mark
themselves away, and for someone else the core decides. The list follows the store, so a
leave arriving by sync while the dialog is open shows up.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import weekday_day_text
from coopdesk.coop import leave as leaves
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dates import date_edit, from_qdate
from coopdesk.gui.kit.dialog_manager import listen
from coopdesk.gui.kit.widgets import ErrorLabel, muted, scaled_font
from coopdesk.store.changes import Changes

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

LEAVE_TABLES = frozenset({"leave", "member"})
DEFAULT_LEAVE_DAYS = 14


def short_day(day: dt.date, today: dt.date) -> str:
    """ "Mon 2 Nov" (with the year when it is not this year's)."""
    return weekday_day_text(day, with_year=day.year != today.year)


def leave_state(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> str:
    if ends_on < today:
        return "past"
    if starts_on > today:
        return "planned"
    return _("away now")


class LeaveDialog(QDialog):
    """The leave periods of one member, with Add, End now and Withdraw."""

    COLUMNS = (N_("From"), N_("Until"), N_("Reason"), "")

    def __init__(
        self,
        window: MainWindow,
        member_id: str,
        member_name: str,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.store = window.store
        self.member_id = member_id
        self.member_name = member_name
        self.today = today or dt.date.today()
        self.periods: list[dict[str, Any]] = []
        self.setWindowTitle(_("Leave of {member_name}").format(member_name=member_name))
        self.setMinimumWidth(560)

        title = QLabel(_("{member_name}: time away").format(member_name=member_name))
        title.setFont(scaled_font(self, 1.25, bold=True))
        explain = muted(
            QLabel(
                _(
                    "On leave, a member owes no shift duty, and role and chore rotations skip "
                    "them. Every site sees the same leave after the next sync."
                )
            )
        )
        explain.setWordWrap(True)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([_(column) for column in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName(
            _("Leave periods of {member_name}").format(member_name=member_name)
        )
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 120), (1, 120), (3, 80)):
            header.resizeSection(column, width)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty_label = muted(
            QLabel(_("{member_name} has no leave.").format(member_name=member_name))
        )

        self.end_button = QPushButton(_("&End now"))
        self.end_button.setToolTip(_("The leave ends today: duty starts again tomorrow"))
        self.end_button.clicked.connect(self.end_selected)
        self.withdraw_button = QPushButton(_("&Withdraw…"))
        self.withdraw_button.setToolTip(_("Remove a leave entered by mistake"))
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        row_actions = QHBoxLayout()
        row_actions.addWidget(self.end_button)
        row_actions.addWidget(self.withdraw_button)
        row_actions.addStretch(1)

        self.from_edit = date_edit(self.today)
        self.until_edit = date_edit(self.today + dt.timedelta(days=DEFAULT_LEAVE_DAYS - 1))
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(_("e.g. travelling, new baby, exams (optional)"))
        self.add_button = QPushButton(_("&Add leave"))
        self.add_button.clicked.connect(self.add)
        self.reason_edit.returnPressed.connect(self.add)
        form = QFormLayout()
        form.addRow(_("&From"), self.from_edit)
        form.addRow(_("&Until (included)"), self.until_edit)
        form.addRow(_("&Reason"), self.reason_edit)
        form.addRow("", self.add_button)
        add_box = QGroupBox(_("Add a leave"))
        add_box.setLayout(form)

        self.error_label = ErrorLabel()
        for field in (self.from_edit, self.until_edit):
            field.refused.connect(self.error_label.show_message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(row_actions)
        layout.addWidget(add_box)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

        listen(self, self.window_.hub.changed, self._on_store_changed)
        self.reload()

    # -- reading ----------------------------------------------------------------------------

    def _on_store_changed(self, changes: Changes) -> None:
        if changes.touches(LEAVE_TABLES) and changes.initiator is not self:
            self.reload()

    def reload(self) -> None:
        keep = self.selected_leave()
        self.periods = leaves.list_leave(self.store, self.member_id)
        self.table.setRowCount(len(self.periods))
        for row, period in enumerate(self.periods):
            start = dt.date.fromisoformat(period["starts_on"])
            end = dt.date.fromisoformat(period["ends_on"])
            cells = (
                short_day(start, self.today),
                short_day(end, self.today),
                period["reason"] or "—",
                leave_state(start, end, self.today),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, period["id"])
                self.table.setItem(row, column, item)
        if keep is not None:
            self.select_leave(keep["id"])
        self.table.setVisible(bool(self.periods))
        self.empty_label.setVisible(not self.periods)
        self._update_buttons()

    def selected_leave(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.periods[row] if 0 <= row < len(self.periods) else None

    def select_leave(self, leave_id: str) -> bool:
        for row, period in enumerate(self.periods):
            if period["id"] == leave_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        period = self.selected_leave()
        running = period is not None and period["ends_on"] >= self.today.isoformat()
        self.end_button.setEnabled(running)
        self.withdraw_button.setEnabled(period is not None)

    # -- changes ----------------------------------------------------------------------------

    def add(self) -> None:
        for field in (self.from_edit, self.until_edit):
            if field.problem:  # the date shown is not the one typed: once, say so first
                self.error_label.show_message(field.problem)
                field.problem = ""
                return
        start, end = from_qdate(self.from_edit.date()), from_qdate(self.until_edit.date())
        reason = self.reason_edit.text().strip()

        def run(author: str) -> None:
            with dialogs.reported_errors(self, show=False) as outcome:
                leave_id = leaves.add_leave(self.store, author, self.member_id, start, end, reason)
            if not outcome.ok:
                self.error_label.show_message(outcome.message)
                return
            self.error_label.clear()
            self.reason_edit.clear()
            self.reload()
            self.select_leave(leave_id)
            self.window_.show_notice(
                _("{member_name} is on leave from {short_day} to {short_day2}.").format(
                    member_name=self.member_name,
                    short_day=short_day(start, self.today),
                    short_day2=short_day(end, self.today),
                )
            )

        self.window_.with_author(run, _("Choose who you are to record a leave."))

    def end_selected(self) -> None:
        period = self.selected_leave()
        if period is None:
            return

        def run(author: str) -> None:
            with dialogs.reported_errors(self, show=False) as outcome:
                leaves.end_leave(self.store, author, period["id"], self.today)
            if not outcome.ok:
                self.error_label.show_message(outcome.message)
                return
            self.error_label.clear()
            self.reload()
            self.window_.show_notice(
                _("{member_name}'s leave ends today: shift duty starts again tomorrow.").format(
                    member_name=self.member_name
                )
            )

        self.window_.with_author(run, _("Choose who you are to end a leave."))

    def withdraw_selected(self) -> None:
        period = self.selected_leave()
        if period is None:
            return
        start = short_day(dt.date.fromisoformat(period["starts_on"]), self.today)
        end = short_day(dt.date.fromisoformat(period["ends_on"]), self.today)

        def run(author: str) -> None:
            question = _(
                "Withdraw {member_name}'s leave from {start} to {end}?\n\nUse this for a "
                "leave entered by mistake: its days count for shift duty again. To come "
                "back early, use End now instead."
            ).format(member_name=self.member_name, start=start, end=end)
            if not dialogs.confirm(
                self, _("Withdraw leave"), question, _("Withdraw leave"), _("Keep the leave")
            ):
                return
            with dialogs.reported_errors(self, show=False) as outcome:
                leaves.withdraw_leave(self.store, author, period["id"])
            if not outcome.ok:
                self.error_label.show_message(outcome.message)
                return
            self.error_label.clear()
            self.reload()
            self.window_.show_notice(
                _("Withdrew {member_name}'s leave ({start} – {end}).").format(
                    member_name=self.member_name, start=start, end=end
                )
            )

        self.window_.with_author(run, _("Choose who you are to withdraw a leave."))
