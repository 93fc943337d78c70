"""Dialogs of the Roles page: add or edit a role, swap a term, write handover notes.

Each is a ``FormDialog`` (coopdesk/gui/kit/form_dialog.py): it hands its values to a ``save``
callback that calls the core, and a refusal shows inline while the dialog stays open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import day_text, names_text, span_text
from coopdesk.gui.kit.dates import date_edit, from_qdate, to_qdate
from coopdesk.gui.kit.form_dialog import FormDialog, SaveFunction
from coopdesk.gui.kit.widgets import muted, scaled_font, text_scale
from coopdesk.roles.mandates import ACTION_LABELS
from coopdesk.roles.rotation import Term

POLICY_LABELS = {
    "round-robin": N_("Round-robin (a fixed order, in turn)"),
    "least-recent": N_("Least recently served first"),
    "fewest-terms": N_("Fewest terms served first"),
}


# The widest two columns of mandates (at the usual text size) beside the form's labels.
TWO_MANDATE_COLUMNS_UP_TO = 640


class RoleDialog(FormDialog):
    """Name, description, term length, holders, rotation, who is eligible and mandates."""

    def __init__(
        self,
        members: list[dict[str, Any]],
        skills: list[str],
        save: SaveFunction,
        role: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Edit {name}").format(name=role["name"]) if role else _("Add a role"), save, parent
        )
        self.role = role
        self.setMinimumWidth(560)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("Coordinator, Treasurer, Minute-taker…"))
        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText(_("What the holder does (optional)"))
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().height() * 4)

        self.term_spin = QSpinBox()
        self.term_spin.setRange(1, 366)
        self.term_unit = QComboBox()
        self.term_unit.addItem(_("weeks"), 7)
        self.term_unit.addItem(_("days"), 1)
        self.term_unit.currentIndexChanged.connect(self._unit_changed)
        term_row = QHBoxLayout()
        term_row.addWidget(self.term_spin)
        term_row.addWidget(self.term_unit)
        term_row.addStretch(1)

        self.holders_spin = QSpinBox()
        self.holders_spin.setRange(1, 20)
        self.holders_spin.setSuffix(_(" at a time"))
        self.policy_combo = QComboBox()
        for policy, label in POLICY_LABELS.items():
            self.policy_combo.addItem(_(label), policy)
        self.starts_edit = date_edit(dt.date.today())

        # Who is eligible: members who opt in (checked here), or everyone with a skill.
        self.opted_radio = QRadioButton(_("These members, in turn from the top:"))
        self.skill_radio = QRadioButton(_("Everyone with the skill:"))
        self.eligible_group = QButtonGroup(self)
        self.eligible_group.addButton(self.opted_radio)
        self.eligible_group.addButton(self.skill_radio)
        self.member_list = QListWidget()
        self.member_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.member_list.setMinimumHeight(self.fontMetrics().height() * 9)
        chosen = list(role["member_ids"]) if role and not role.get("skill") else []
        ordered = sorted(
            members,
            key=lambda m: (chosen.index(m["id"]) if m["id"] in chosen else len(chosen), m["name"]),
        )
        for member in ordered:
            item = QListWidgetItem(member["name"])
            item.setData(Qt.ItemDataRole.UserRole, member["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if member["id"] in chosen else Qt.CheckState.Unchecked
            )
            self.member_list.addItem(item)
        self.skill_edit = QLineEdit()
        self.skill_edit.setPlaceholderText(_("e.g. bookkeeping"))
        completer = QCompleter(skills, self.skill_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.skill_edit.setCompleter(completer)
        self.opted_radio.toggled.connect(self._eligible_changed)
        eligible_box = QVBoxLayout()
        eligible_box.addWidget(self.opted_radio)
        eligible_box.addWidget(self.member_list)
        skill_row = QHBoxLayout()
        skill_row.addWidget(self.skill_radio)
        skill_row.addWidget(self.skill_edit, 1)
        eligible_box.addSpacing(6)
        eligible_box.addLayout(skill_row)

        self.mandate_boxes: dict[str, QCheckBox] = {}
        mandates_grid = QGridLayout()
        for action, label in ACTION_LABELS.items():
            self.mandate_boxes[action] = QCheckBox(label[0].upper() + label[1:])
        # Two columns while two fit beside the labels; a longer language's words, one.
        widest = max((box.sizeHint().width() for box in self.mandate_boxes.values()), default=0)
        columns = 2 if 2 * widest <= TWO_MANDATE_COLUMNS_UP_TO * text_scale(self) else 1
        for index, box in enumerate(self.mandate_boxes.values()):
            mandates_grid.addWidget(box, index // columns, index % columns)
        mandates_note = muted(
            QLabel(
                _(
                    "Only this role's holders of the current term may do what is checked. "
                    "Nothing checked on any role: everyone may do everything."
                )
            )
        )
        mandates_note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("&Name"), self.name_edit)
        form.addRow(_("&Description"), self.description_edit)
        form.addRow(_("Term"), term_row)
        form.addRow(_("&Holders"), self.holders_spin)
        form.addRow(_("&Rotation"), self.policy_combo)
        form.addRow(_("First term &starts"), self.starts_edit)
        form.addRow(_("Eligible"), eligible_box)
        form.addRow(_("Mandates"), mandates_grid)
        form.addRow("", mandates_note)

        self.lay_out(form)
        self._fill(role)
        self.name_edit.setFocus()

    def _fill(self, role: dict[str, Any] | None) -> None:
        days = int(role["term_days"]) if role else 28
        self.term_unit.setCurrentIndex(0 if days % 7 == 0 else 1)
        self.term_spin.setValue(days // 7 if days % 7 == 0 else days)
        if role is None:
            self.holders_spin.setValue(1)
            self.opted_radio.setChecked(True)
            self._eligible_changed()
            return
        self.name_edit.setText(role["name"])
        self.description_edit.setPlainText(role.get("description") or "")
        self.holders_spin.setValue(int(role["holders"]))
        self.policy_combo.setCurrentIndex(max(0, self.policy_combo.findData(role["policy"])))
        self.starts_edit.setDate(to_qdate(dt.date.fromisoformat(str(role["starts_on"]))))
        skill = role.get("skill") or ""
        self.skill_edit.setText(skill)
        (self.skill_radio if skill else self.opted_radio).setChecked(True)
        for action in role.get("mandates") or ():
            if action in self.mandate_boxes:
                self.mandate_boxes[action].setChecked(True)
        self._eligible_changed()

    def _unit_changed(self) -> None:
        self.term_spin.setMaximum(52 if self.term_unit.currentData() == 7 else 366)

    def _eligible_changed(self) -> None:
        opted = self.opted_radio.isChecked()
        self.member_list.setEnabled(opted)
        self.skill_edit.setEnabled(not opted)

    def checked_member_ids(self) -> list[str]:
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.member_list.item(row) for row in range(self.member_list.count()))
            if item is not None and item.checkState() == Qt.CheckState.Checked
        ]

    def values(self) -> dict[str, Any]:
        opted = self.opted_radio.isChecked()
        return {
            "name": self.name_edit.text().strip(),
            "description": self.description_edit.toPlainText().strip(),
            "term_days": self.term_spin.value() * int(self.term_unit.currentData()),
            "holders": self.holders_spin.value(),
            "policy": self.policy_combo.currentData(),
            "starts_on": from_qdate(self.starts_edit.date()),
            "skill": "" if opted else self.skill_edit.text().strip(),
            "member_ids": self.checked_member_ids() if opted else [],
            "mandates": [a for a, box in self.mandate_boxes.items() if box.isChecked()],
        }


class SwapDialog(FormDialog):
    """Give one term to someone else: pick the term, who hands it over, and who takes it.

    Only members eligible for the role and not already holding that term are offered.
    """

    def __init__(
        self,
        role_name: str,
        terms: list[Term],
        eligible: list[tuple[str, str]],
        save: SaveFunction,
        me: str | None = None,
        term_start: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Swap a term of {role_name}").format(role_name=role_name), save, parent)
        self.terms = terms
        self.eligible = eligible
        self.me = me
        self.setMinimumWidth(460)
        heading = QLabel(_("Swap a term of {role_name}").format(role_name=role_name))
        heading.setFont(scaled_font(self, 1.15, bold=True))
        explanation = muted(
            QLabel(
                _(
                    "The new holder takes this one term; the rotation goes on as before. "
                    "Everyone sees the swap after the next sync."
                )
            )
        )
        explanation.setWordWrap(True)
        self.term_combo = QComboBox()
        for term in terms:
            self.term_combo.addItem(
                f"{span_text(term.starts_on, term.ends_on)} · {names_text(term.holder_names)}",
                term.starts_on,
            )
        self.out_combo = QComboBox()
        self.in_combo = QComboBox()
        self.term_combo.currentIndexChanged.connect(self._term_changed)
        form = QFormLayout()
        form.addRow(_("&Term"), self.term_combo)
        form.addRow(_("&Hands over"), self.out_combo)
        form.addRow(_("&Takes it"), self.in_combo)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Swap"))
        self.lay_out(heading, explanation, form)
        starts = [term.starts_on for term in terms]
        self.term_combo.setCurrentIndex(starts.index(term_start) if term_start in starts else 0)
        self._term_changed()

    def current_term(self) -> Term | None:
        index = self.term_combo.currentIndex()
        return self.terms[index] if 0 <= index < len(self.terms) else None

    def _term_changed(self) -> None:
        term = self.current_term()
        self.out_combo.clear()
        self.in_combo.clear()
        if term is None:
            return
        for member_id, name in zip(term.holders, term.holder_names, strict=True):
            self.out_combo.addItem(name, member_id)
        if self.me in term.holders:
            self.out_combo.setCurrentIndex(self.out_combo.findData(self.me))
        for member_id, name in self.eligible:
            if member_id not in term.holders:
                self.in_combo.addItem(name, member_id)
        if self.me and self.me not in term.holders and self.in_combo.findData(self.me) >= 0:
            self.in_combo.setCurrentIndex(self.in_combo.findData(self.me))
        can_swap = self.out_combo.count() > 0 and self.in_combo.count() > 0
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(can_swap)
        if not self.in_combo.count():
            self.error_label.show_message(
                _("Nobody else is eligible for this term: members must opt in first.")
            )
        else:
            self.error_label.clear()

    def values(self) -> dict[str, Any]:
        term = self.current_term()
        return {
            "term_start": term.starts_on if term else None,
            "out_member_id": self.out_combo.currentData(),
            "in_member_id": self.in_combo.currentData(),
        }


class HandoverDialog(FormDialog):
    """The notes the outgoing holder of a term leaves for whoever holds the next one."""

    def __init__(
        self, term: Term, next_term: Term | None, save: SaveFunction, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Handover notes · {role_name}").format(role_name=term.role_name), save, parent
        )
        self.term = term
        self.setMinimumSize(520, 380)
        heading = QLabel(f"{term.role_name}, {span_text(term.starts_on, term.ends_on)}")
        heading.setFont(scaled_font(self, 1.15, bold=True))
        passing = (
            _("From {names} to {names2} on {day}.").format(
                names=names_text(term.holder_names),
                names2=names_text(next_term.holder_names),
                day=day_text(next_term.starts_on),
            )
            if next_term
            else _("Held by {names}.").format(names=names_text(term.holder_names))
        )
        explanation = muted(
            QLabel(
                _(
                    "{passing} Write what the next holder needs to know: what is open, who "
                    "to call, where things are."
                ).format(passing=passing)
            )
        )
        explanation.setWordWrap(True)
        self.notes_edit = QPlainTextEdit(term.handover_notes)
        self.notes_edit.setAccessibleName(_("Handover notes"))
        self.notes_edit.setPlaceholderText(
            _("Open matters, passwords' whereabouts (not the passwords), contacts, deadlines…")
        )
        self.lay_out(heading, explanation, (self.notes_edit, 1))
        self.notes_edit.setFocus()

    def values(self) -> dict[str, Any]:
        return {"notes": self.notes_edit.toPlainText().strip()}
