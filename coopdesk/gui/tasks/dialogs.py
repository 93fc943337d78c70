"""Dialogs of the Tasks page: add or edit a task, add a chore, make chore tasks until a day.

As elsewhere, the dialogs hand their values to a ``save`` callback that calls the core and
show its ``CoopDeskError`` inline, staying open; nothing is written unless the save worked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from coopdesk.base.i18n import _
from coopdesk.gui.kit.dates import date_edit, from_qdate, to_qdate
from coopdesk.gui.kit.form_dialog import FormDialog, SaveFunction
from coopdesk.gui.kit.widgets import muted, scaled_font
from coopdesk.tasks.chores import STRATEGY_LABELS
from coopdesk.tasks.tasks import PRIORITY_LABELS

Choice = tuple[str, str]  # (id, label)


def choice_combo(choices: list[Choice], none_label: str, current: str | None = None) -> QComboBox:
    """A combo of ``(id, label)`` choices, first "nobody"/"any" (data None)."""
    combo = QComboBox()
    combo.addItem(none_label, None)
    for value, label in choices:
        combo.addItem(label, value)
    if current:
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
    return combo


class TaskDialog(FormDialog):
    """Title, notes, assignee, due date, priority, site and role of one task."""

    def __init__(
        self,
        members: list[Choice],
        sites: list[Choice],
        role_choices: list[Choice],
        save: SaveFunction,
        task: dict[str, Any] | None = None,
        defaults: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Edit task: {title}").format(title=task["title"]) if task else _("Add a task"),
            save,
            parent,
        )
        self.task = task
        self.setMinimumWidth(480)
        values = task or defaults or {}
        self.title_edit = QLineEdit(values.get("title") or "")
        self.title_edit.setPlaceholderText(_("What needs doing, in a few words"))
        self.notes_edit = QPlainTextEdit(values.get("notes") or "")
        self.notes_edit.setPlaceholderText(_("Details (optional)"))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().height() * 5)
        self.assignee_combo = choice_combo(members, _("Nobody yet"), values.get("assignee_id"))
        due = values.get("due_on")
        self.due_check = QCheckBox(_("Due on"))
        self.due_check.setChecked(bool(due))
        self.due_edit = date_edit(
            dt.date.fromisoformat(str(due)) if due else dt.date.today() + dt.timedelta(days=7)
        )
        self.due_edit.setEnabled(bool(due))
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_check)
        due_row.addWidget(self.due_edit)
        due_row.addStretch(1)
        self.priority_combo = QComboBox()
        for value, label in PRIORITY_LABELS.items():
            self.priority_combo.addItem(_(label.capitalize()), value)
        self.priority_combo.setCurrentIndex(
            max(0, self.priority_combo.findData(int(values.get("priority", 1) or 0)))
        )
        self.site_combo = choice_combo(sites, _("Any site"), values.get("site_id"))
        self.role_combo = choice_combo(role_choices, _("No role"), values.get("role_id"))
        self.role_combo.setToolTip(_("The role whose holders see to it (optional)"))

        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("&Notes"), self.notes_edit)
        form.addRow(_("&Assignee"), self.assignee_combo)
        form.addRow(_("D&ue"), due_row)
        form.addRow(_("&Priority"), self.priority_combo)
        form.addRow(_("&Site"), self.site_combo)
        form.addRow(_("&Role"), self.role_combo)
        self.lay_out(form)
        self.title_edit.setFocus()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text().strip(),
            "notes": self.notes_edit.toPlainText().strip(),
            "assignee_id": self.assignee_combo.currentData(),
            "due_on": from_qdate(self.due_edit.date()) if self.due_check.isChecked() else None,
            "priority": int(self.priority_combo.currentData()),
            "site_id": self.site_combo.currentData(),
            "role_id": self.role_combo.currentData(),
        }


class ChoreDialog(FormDialog):
    """A recurring chore: title, how often, who takes turns and how the next one is chosen."""

    def __init__(
        self,
        members: list[Choice],
        sites: list[Choice],
        role_choices: list[Choice],
        save: SaveFunction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Add a chore"), save, parent)
        self.setMinimumWidth(500)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Clean the cold room, take out the compost…"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText(_("How it is done (optional)"))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.every_spin = QSpinBox()
        self.every_spin.setRange(1, 366)
        self.every_spin.setValue(1)
        self.every_unit = QComboBox()
        self.every_unit.addItem(_("weeks"), 7)
        self.every_unit.addItem(_("days"), 1)
        every_row = QHBoxLayout()
        every_row.addWidget(QLabel(_("Every")))
        every_row.addWidget(self.every_spin)
        every_row.addWidget(self.every_unit)
        every_row.addStretch(1)
        self.strategy_combo = QComboBox()
        for strategy, label in STRATEGY_LABELS.items():
            self.strategy_combo.addItem(label[0].upper() + label[1:], strategy)
        self.strategy_combo.setCurrentIndex(self.strategy_combo.findData("least-done"))
        self.member_list = QListWidget()
        self.member_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.member_list.setFixedHeight(self.fontMetrics().height() * 8)
        for member_id, name in members:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, member_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.member_list.addItem(item)
        self.starts_edit = date_edit(dt.date.today())
        self.site_combo = choice_combo(sites, _("Any site"))
        self.role_combo = choice_combo(role_choices, _("No role"))
        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("&Notes"), self.notes_edit)
        # A row that is a layout has no buddy for its label's "&": give it one, or the "&"
        # shows as itself.
        how_often = QLabel(_("&How often"))
        how_often.setBuddy(self.every_spin)
        form.addRow(how_often, every_row)
        form.addRow(_("&Who takes turns"), self.member_list)
        form.addRow(_("&Next one goes to"), self.strategy_combo)
        form.addRow(_("&First due"), self.starts_edit)
        form.addRow(_("&Site"), self.site_combo)
        form.addRow(_("&Role"), self.role_combo)
        self.lay_out(form)
        self.title_edit.setFocus()

    def values(self) -> dict[str, Any]:
        members = [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.member_list.item(row) for row in range(self.member_list.count()))
            if item is not None and item.checkState() == Qt.CheckState.Checked
        ]
        return {
            "title": self.title_edit.text().strip(),
            "notes": self.notes_edit.toPlainText().strip(),
            "every_days": self.every_spin.value() * int(self.every_unit.currentData()),
            "strategy": self.strategy_combo.currentData(),
            "member_ids": members,
            "starts_on": from_qdate(self.starts_edit.date()),
            "site_id": self.site_combo.currentData(),
            "role_id": self.role_combo.currentData(),
        }


class ChoreTasksDialog(FormDialog):
    """ "Create chore tasks until…": each chore's occurrences up to a day become tasks."""

    def __init__(self, save: SaveFunction, parent: QWidget | None = None) -> None:
        super().__init__(_("Create chore tasks"), save, parent)
        heading = QLabel(_("Create chore tasks until…"))
        heading.setFont(scaled_font(self, 1.15, bold=True))
        explanation = muted(
            QLabel(
                _(
                    "Every chore's turns up to this day become tasks on the board, each with the "
                    "member whose turn it is. Turns that already have a task are left alone, so "
                    "doing this at two sites makes the same tasks."
                )
            )
        )
        explanation.setWordWrap(True)
        self.until_edit = date_edit(dt.date.today() + dt.timedelta(days=14))
        form = QFormLayout()
        form.addRow(_("&Until"), self.until_edit)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Create tasks"))
        self.lay_out(heading, explanation, form)
        self.setMinimumWidth(420)

    def set_until(self, day: dt.date) -> None:
        self.until_edit.setDate(to_qdate(day))

    def values(self) -> dict[str, Any]:
        return {"until": from_qdate(self.until_edit.date())}
