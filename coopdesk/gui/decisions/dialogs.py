"""Dialogs of the Decisions page: a new decision, a vote, an outcome, assemblies, hand counts.

As everywhere, a dialog hands its values to a ``save`` function that calls the core; a
refusal shows inline and the dialog stays open with everything typed.

The vote dialog is for the member at the keyboard. It asks their PIN again when they have
one (someone may have walked away from the keyboard), and it shows nothing after the vote
that would tell the next person how they voted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.coop import PinGate, has_pin
from coopdesk.decisions.ballots import stance_label
from coopdesk.decisions.decisions import BY_SITES_LABELS, KIND_LABELS, DecisionView
from coopdesk.decisions.tables import (
    KINDS,
    MAX_SCORE,
    REASON_REQUIRED,
    SLOT_ANSWERS,
    STANCES_BY_KIND,
)
from coopdesk.gui.kit.dates import date_edit, from_qdate
from coopdesk.gui.kit.form_dialog import FormDialog, SaveFunction
from coopdesk.gui.kit.widgets import muted, scaled_font
from coopdesk.store.store import Store

Choice = tuple[str, str]  # (id, label)
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
_pin_gates: dict[str, PinGate] = {}


def pin_gate(store: Store) -> PinGate:
    """This window's count of wrong PINs typed in vote dialogs (per store)."""
    return _pin_gates.setdefault(str(store.path), PinGate())


def _datetime_edit(moment: dt.datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(moment.date(), moment.time().replace(microsecond=0)))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
    return edit


def _from_edit(edit: QDateTimeEdit) -> dt.datetime:
    return edit.dateTime().toPython().replace(second=0, microsecond=0)  # type: ignore[union-attr]


def _text_box(lines: int, placeholder: str, text: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().height() * lines + 12)
    return box


def _wrapped(text: str, *, quiet: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return muted(label) if quiet else label


# -- a new decision ----------------------------------------------------------------------------


# The stances that need a reason, as verbs in "Why (needed to object; otherwise optional)".
REASON_VERBS = {"object": N_("object"), "disagree": N_("disagree"), "block": N_("block")}


class DecisionDialog(FormDialog):
    """Everything a decision is made with: kind, options, times, who takes part, how counted."""

    def __init__(
        self,
        save: SaveFunction,
        sites: Sequence[Choice],
        roles: Sequence[Choice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("New decision"), save, parent, ok_label=_("Put it to the coop"))
        self.setMinimumWidth(560)
        now = dt.datetime.now().replace(second=0, microsecond=0)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("What is to be decided, in a few words"))
        self.details_edit = _text_box(4, _("The proposal in full, or what the poll is about"))
        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.options_edit = _text_box(
            4,
            _("One option per line (for a meeting time: 2026-12-01 18:00; for an election: names)"),
        )
        self.seats_spin = QSpinBox()
        self.seats_spin.setRange(1, 100)
        self.opens_edit = _datetime_edit(now)
        self.closes_edit = _datetime_edit(now + dt.timedelta(days=7))
        self.quorum_spin = QSpinBox()
        self.quorum_spin.setRange(0, 100)
        self.quorum_spin.setSuffix(" %")
        self.quorum_spin.setSpecialValueText("none")
        self.secret_check = QCheckBox(_("Secret ballot (who votes what is never recorded)"))
        self.after_close_check = QCheckBox(_("Show results only after it closes"))
        self.secret_check.toggled.connect(self._secret_toggled)
        self.electorate_combo = QComboBox()
        self.electorate_combo.addItem(_("Every active member"), ("members", None))
        for site_id, name in sites:
            self.electorate_combo.addItem(
                _("The members of {name}").format(name=name), ("site", site_id)
            )
        for role_id, name in roles:
            self.electorate_combo.addItem(
                _("Those eligible for {name}").format(name=name), ("role", role_id)
            )
        self.by_sites_combo = QComboBox()
        for rule, label in BY_SITES_LABELS.items():
            self.by_sites_combo.addItem(label, rule)
        self.fills_combo = QComboBox()
        self.fills_combo.addItem(_("No"), None)
        for role_id, name in roles:
            self.fills_combo.addItem(_("Yes: the next term of {name}").format(name=name), role_id)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())

        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("&Details"), self.details_edit)
        form.addRow(_("&Kind"), self.kind_combo)
        form.addRow(_("&Options"), self.options_edit)
        self.seats_label = QLabel(_("&Seats"))
        self.seats_label.setBuddy(self.seats_spin)
        form.addRow(self.seats_label, self.seats_spin)
        form.addRow(_("O&pens"), self.opens_edit)
        form.addRow(_("&Closes"), self.closes_edit)
        form.addRow(_("&Quorum"), self.quorum_spin)
        form.addRow(_("&Who takes part"), self.electorate_combo)
        form.addRow(_("Decided &by sites"), self.by_sites_combo)
        form.addRow(_("&Fills a role"), self.fills_combo)
        form.addRow("", self.secret_check)
        form.addRow("", self.after_close_check)
        self.field_for_error = {
            "Title": self.title_edit,
            "Closing time": self.closes_edit,
            "Quorum": self.quorum_spin,
            "Quorum (%)": self.quorum_spin,
            "A ": self.options_edit,
            "Option": self.options_edit,
            "Candidate": self.options_edit,
        }
        self.lay_out(form)
        self._kind_changed()
        self.title_edit.setFocus()

    def _secret_toggled(self, secret: bool) -> None:
        if secret:
            self.after_close_check.setChecked(True)
        self.after_close_check.setEnabled(not secret)

    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        polls = kind not in ("consent", "consensus", "count")
        self.options_edit.setEnabled(polls)
        self.seats_spin.setEnabled(kind in ("ranked", "count"))
        self.seats_label.setText(_("&Seats") if kind != "count" else _("People &needed"))
        self.by_sites_combo.setEnabled(kind in ("consent", "consensus"))
        if kind not in ("consent", "consensus"):
            self.by_sites_combo.setCurrentIndex(0)
        self.fills_combo.setEnabled(kind == "ranked")
        if kind != "ranked":
            self.fills_combo.setCurrentIndex(0)

    def values(self) -> dict[str, Any]:
        electorate, target = self.electorate_combo.currentData()
        kind = self.kind_combo.currentData()
        options = [line.strip() for line in self.options_edit.toPlainText().splitlines()]
        return {
            "title": self.title_edit.text().strip(),
            "details": self.details_edit.toPlainText().strip(),
            "kind": kind,
            "options": [line for line in options if line] if self.options_edit.isEnabled() else [],
            "seats": self.seats_spin.value(),
            "opens_at": _from_edit(self.opens_edit),
            "closes_at": _from_edit(self.closes_edit),
            "quorum_pct": self.quorum_spin.value(),
            "secret": self.secret_check.isChecked(),
            "show_results": not self.after_close_check.isChecked(),
            "electorate": electorate,
            "site_id": target if electorate == "site" else None,
            "role_id": target if electorate == "role" else None,
            "by_sites": self.by_sites_combo.currentData(),
            "fills_role_id": self.fills_combo.currentData(),
        }


# -- a vote -------------------------------------------------------------------------------------


class RankingList(QWidget):
    """Options to put in order: tick the ones you rank, move them up and down (or drag)."""

    def __init__(self, labels: Sequence[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setSpacing(2)
        for option_id, label in labels:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, option_id)
            item.setData(LABEL_ROLE, label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setFixedHeight((self.list.sizeHintForRow(0) + 4) * min(8, len(labels)) + 8)
        self.list.setCurrentRow(0)
        self.list.itemChanged.connect(lambda _item: self._number())
        self.list.model().rowsMoved.connect(lambda *_: self._number())
        self.up_button = QPushButton(_("Move &up"))
        self.down_button = QPushButton(_("Move do&wn"))
        for button in (self.up_button, self.down_button):
            button.setAutoDefault(False)  # Enter casts the vote, it does not move a row
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        buttons = QVBoxLayout()
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._number()

    def _number(self) -> None:
        """The ticked options show their rank ("1. Two hands"), the others just their name."""
        self.list.blockSignals(True)
        rank = 0
        for row in range(self.list.count()):
            item = self.list.item(row)
            label = item.data(LABEL_ROLE)
            if item.checkState() == Qt.CheckState.Checked:
                rank += 1
                item.setText(f"{rank}. {label}")
            else:
                item.setText(label)
        self.list.blockSignals(False)

    def ranking(self) -> list[str]:
        """The ticked options, top first."""
        return [
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_ranking(self, option_ids: Sequence[str]) -> None:
        """Tick and put first these options, in this order (used by tests and keyboards)."""
        items = [self.list.takeItem(0) for _index in range(self.list.count())]
        by_id = {item.data(Qt.ItemDataRole.UserRole): item for item in items}
        ordered = [by_id[o] for o in option_ids] + [
            i for i in items if i.data(Qt.ItemDataRole.UserRole) not in option_ids
        ]
        for item in ordered:
            checked = item.data(Qt.ItemDataRole.UserRole) in option_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self._number()


class VoteDialog(FormDialog):
    """The member at the keyboard votes: a stance, or their choice of options."""

    def __init__(
        self,
        decision: DecisionView,
        member_name: str,
        save: SaveFunction,
        *,
        needs_pin: bool,
        check_pin: Callable[[str], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Vote: {title}").format(title=decision.title),
            save,
            parent,
            ok_label=_("Cast my vote"),
        )
        self.decision = decision
        self.check_pin = check_pin
        self.setMinimumWidth(480)
        heading = QLabel(decision.title)
        heading.setFont(scaled_font(self, 1.2, bold=True))
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        parts: list[Any] = [
            heading,
            _wrapped(_("Voting as {member_name}.").format(member_name=member_name), quiet=True),
        ]
        if decision.details:
            parts.append(_wrapped(decision.details))
        self.stance_group = QButtonGroup(self)
        self.stance_buttons: dict[str, QRadioButton] = {}
        self.option_buttons: dict[str, QRadioButton | QCheckBox] = {}
        self.score_spins: dict[str, QSpinBox] = {}
        self.slot_combos: dict[str, QComboBox] = {}
        self.ranking: RankingList | None = None
        needing = [w for w in STANCES_BY_KIND.get(decision.kind, ()) if w in REASON_REQUIRED]
        self.reason_edit = _text_box(
            3,
            _("Why (needed to {value}; otherwise optional)").format(
                value=_(" or ").join(_(REASON_VERBS.get(w, w)) for w in needing)
                or _(REASON_VERBS["object"])
            ),
        )
        choices = QWidget()
        grid = QGridLayout(choices)
        grid.setContentsMargins(0, 0, 0, 0)
        kind = decision.kind
        if kind in STANCES_BY_KIND:
            for row, word in enumerate(STANCES_BY_KIND[kind]):
                button = QRadioButton(stance_label(word))
                self.stance_group.addButton(button)
                self.stance_buttons[word] = button
                grid.addWidget(button, row, 0)
        elif kind in ("single", "multiple"):
            group = QButtonGroup(self) if kind == "single" else None
            for row, option in enumerate(decision.options):
                button: QRadioButton | QCheckBox = (
                    QRadioButton(option.label) if kind == "single" else QCheckBox(option.label)
                )
                if group is not None:
                    group.addButton(button)
                self.option_buttons[option.id] = button
                grid.addWidget(button, row, 0)
        elif kind == "score":
            for row, option in enumerate(decision.options):
                spin = QSpinBox()
                spin.setRange(0, MAX_SCORE)
                spin.setAccessibleName(option.label)
                self.score_spins[option.id] = spin
                grid.addWidget(QLabel(option.label), row, 0)
                grid.addWidget(spin, row, 1)
        elif kind == "meeting":
            for row, option in enumerate(decision.options):
                combo = QComboBox()
                for answer in SLOT_ANSWERS:
                    combo.addItem(answer.capitalize(), answer)
                combo.setCurrentIndex(SLOT_ANSWERS.index("no"))
                combo.setAccessibleName(option.label)
                self.slot_combos[option.id] = combo
                grid.addWidget(QLabel(option.label), row, 0)
                grid.addWidget(combo, row, 1)
        elif kind == "ranked":
            self.ranking = RankingList([(o.id, o.label) for o in decision.options])
            grid.addWidget(
                _wrapped(
                    _("Tick the options you rank and put them in order, first choice at the top."),
                    quiet=True,
                ),
                0,
                0,
            )
            grid.addWidget(self.ranking, 1, 0)
        parts.append(choices)
        if kind in STANCES_BY_KIND and any(w in REASON_REQUIRED for w in STANCES_BY_KIND[kind]):
            parts.append(self.reason_edit)
        if decision.secret:
            parts.append(
                _wrapped(
                    _(
                        "Secret ballot: your vote goes into this site's ballot box without your "
                        "name,"
                        " and cannot be changed once cast. Everyone will see that you took part."
                    )
                    + (
                        _(
                            " A reason is shown without your name, but what you write may still"
                            " say who you are."
                        )
                        if kind in STANCES_BY_KIND
                        else ""
                    ),
                    quiet=True,
                )
            )
        else:
            parts.append(
                _wrapped(_("You can change your vote until the decision closes."), quiet=True)
            )
        self.pin_edit: QLineEdit | None = None
        if needs_pin:
            self.pin_edit = QLineEdit()
            self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.pin_edit.setPlaceholderText(_("Your PIN, to be sure it is you"))
            self.pin_edit.setInputMethodHints(
                Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
            )
            form = QFormLayout()
            form.addRow(_("&PIN"), self.pin_edit)
            parts.append(form)
        self.lay_out(*parts)

    def values(self) -> dict[str, Any]:
        kind = self.decision.kind
        reason = self.reason_edit.toPlainText().strip()
        if kind in STANCES_BY_KIND:
            chosen = [word for word, button in self.stance_buttons.items() if button.isChecked()]
            return {"stance": chosen[0] if chosen else "", "reason": reason}
        if kind in ("single", "multiple"):
            picked = [o for o, button in self.option_buttons.items() if button.isChecked()]
            return {"choice": picked}
        if kind == "score":
            return {"choice": {o: spin.value() for o, spin in self.score_spins.items()}}
        if kind == "meeting":
            return {"choice": {o: combo.currentData() for o, combo in self.slot_combos.items()}}
        return {"choice": self.ranking.ranking() if self.ranking else []}

    def accept(self) -> None:
        if self.pin_edit is not None and self.check_pin is not None:
            ok, right = self.attempt(lambda: self.check_pin(self.pin_edit.text()))  # type: ignore[misc, union-attr]
            if not ok:
                return
            if not right:
                self.pin_edit.clear()
                self.show_error(_("That PIN is not right. Type your PIN to cast your vote."))
                self.pin_edit.setFocus()
                return
        values = self.values()
        if self.decision.kind in STANCES_BY_KIND and not values["stance"]:
            self.show_error(_("Choose your stance first."))
            return
        super().accept()

    def reject(self) -> None:
        self._values_when_shown = None  # a vote not cast is not "changes" to keep
        super().reject()


def pin_checker(store: Store, member_id: str) -> tuple[bool, Callable[[str], bool]]:
    """Whether the member has a PIN, and a check of a typed one (counting wrong tries)."""
    gate = pin_gate(store)
    return has_pin(store, member_id), lambda pin: gate.check(store, member_id, pin)


# -- outcomes -----------------------------------------------------------------------------------


class OutcomeDialog(FormDialog):
    """What was decided, when to look at it again, and the tasks that follow."""

    def __init__(
        self, decision: DecisionView, save: SaveFunction, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Outcome: {title}").format(title=decision.title),
            save,
            parent,
            ok_label=_("Save the outcome"),
        )
        self.setMinimumWidth(500)
        self.outcome_edit = _text_box(
            5, _("What was decided, in words everyone understands"), decision.outcome
        )
        review = dt.date.fromisoformat(decision.review_on) if decision.review_on else None
        self.review_check = QCheckBox(_("Review on"))
        self.review_check.setChecked(review is not None)
        self.review_edit = date_edit(review or dt.date.today() + dt.timedelta(days=90))
        self.review_edit.setEnabled(review is not None)
        self.review_check.toggled.connect(self.review_edit.setEnabled)
        review_row = QHBoxLayout()
        review_row.addWidget(self.review_check)
        review_row.addWidget(self.review_edit)
        review_row.addStretch(1)
        self.tasks_edit = _text_box(3, _("Tasks that follow, one per line (optional)"))
        form = QFormLayout()
        form.addRow(_("&Outcome"), self.outcome_edit)
        form.addRow("", review_row)
        form.addRow(_("&Tasks"), self.tasks_edit)
        self.field_for_error = {"Outcome": self.outcome_edit}
        note = _wrapped(
            _("It is not assumed that the majority wins: say what the coop decided, and why."),
            quiet=True,
        )
        self.lay_out(note, form)
        self.outcome_edit.setFocus()

    def values(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome_edit.toPlainText().strip(),
            "review_on": from_qdate(self.review_edit.date())
            if self.review_check.isChecked()
            else None,
            "tasks": [
                line.strip() for line in self.tasks_edit.toPlainText().splitlines() if line.strip()
            ],
        }


class AmendDialog(FormDialog):
    def __init__(
        self, decision: DecisionView, save: SaveFunction, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Amend: {title}").format(title=decision.title), save, parent, ok_label=_("Amend")
        )
        self.setMinimumWidth(500)
        self.details_edit = _text_box(6, _("The proposal as amended"), decision.details)
        note = _wrapped(
            _(
                "Amending starts a new round: stances on the earlier text (objections too) no"
                " longer count, and everyone may take part again."
            ),
            quiet=True,
        )
        self.lay_out(note, self.details_edit)

    def values(self) -> dict[str, Any]:
        return {"details": self.details_edit.toPlainText().strip()}


# -- assemblies ---------------------------------------------------------------------------------


def _member_list(members: Sequence[Choice], checked: Sequence[str] = ()) -> QListWidget:
    widget = QListWidget()
    for member_id, name in members:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, member_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(
            Qt.CheckState.Checked if member_id in checked else Qt.CheckState.Unchecked
        )
        widget.addItem(item)
    widget.setFixedHeight(widget.fontMetrics().height() * 8)
    return widget


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    ]


def _combo(choices: Sequence[Choice], none_label: str, current: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.addItem(none_label, None)
    for value, label in choices:
        combo.addItem(label, value)
    if current:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class MeetingDialog(FormDialog):
    """A new assembly: when, where, who facilitates, its agenda and the decisions on it."""

    def __init__(
        self,
        save: SaveFunction,
        sites: Sequence[Choice],
        members: Sequence[Choice],
        decisions: Sequence[Choice],
        here: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("New assembly"), save, parent, ok_label=_("Save the assembly"))
        self.setMinimumWidth(500)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Spring assembly, general meeting…"))
        start = (dt.datetime.now() + dt.timedelta(days=7)).replace(
            hour=19, minute=0, second=0, microsecond=0
        )
        self.when_edit = _datetime_edit(start)
        self.site_combo = _combo(sites, _("No site"), here)
        self.facilitator_combo = _combo(members, _("Not chosen yet"))
        self.agenda_edit = _text_box(4, _("Agenda items, one per line"))
        self.decisions_list = _member_list(decisions)
        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("&Date"), self.when_edit)
        form.addRow(_("&Site"), self.site_combo)
        form.addRow(_("&Facilitator"), self.facilitator_combo)
        form.addRow(_("&Agenda"), self.agenda_edit)
        form.addRow(_("D&ecisions"), self.decisions_list)
        self.field_for_error = {"Title": self.title_edit}
        self.lay_out(form)
        self.title_edit.setFocus()

    def values(self) -> dict[str, Any]:
        items: list[Any] = [
            line.strip() for line in self.agenda_edit.toPlainText().splitlines() if line.strip()
        ]
        items += [("", decision_id) for decision_id in _checked(self.decisions_list)]
        return {
            "title": self.title_edit.text().strip(),
            "starts_at": _from_edit(self.when_edit),
            "site_id": self.site_combo.currentData(),
            "facilitator_id": self.facilitator_combo.currentData(),
            "agenda": items,
        }


class MinutesDialog(FormDialog):
    """The minutes of an assembly, who attended and who facilitated."""

    def __init__(
        self,
        meeting: Any,
        members: Sequence[Choice],
        save: SaveFunction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Minutes: {title}").format(title=meeting.title),
            save,
            parent,
            ok_label=_("Save the minutes"),
        )
        self.setMinimumWidth(520)
        self.minutes_edit = _text_box(10, _("What was said and decided"), meeting.minutes)
        self.attendees_list = _member_list(members, meeting.attendees)
        self.facilitator_combo = _combo(members, _("Not chosen"), meeting.facilitator_id)
        form = QFormLayout()
        form.addRow(_("&Minutes"), self.minutes_edit)
        form.addRow(_("&Attended"), self.attendees_list)
        form.addRow(_("&Facilitator"), self.facilitator_combo)
        self.lay_out(form)
        self.minutes_edit.setFocus()

    def values(self) -> dict[str, Any]:
        return {
            "minutes": self.minutes_edit.toPlainText(),
            "attendees": _checked(self.attendees_list),
            "facilitator_id": self.facilitator_combo.currentData() or "",
        }


class HandsDialog(FormDialog):
    """Counts from a show of hands (or paper ballots counted in the room) at this site."""

    def __init__(
        self,
        decision: DecisionView,
        meetings: Sequence[Choice],
        save: SaveFunction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Count hands: {title}").format(title=decision.title),
            save,
            parent,
            ok_label=_("Save the counts"),
        )
        self.spins: dict[str, QSpinBox] = {}
        keys: list[Choice] = (
            [(word, stance_label(word)) for word in STANCES_BY_KIND[decision.kind]]
            if decision.kind in STANCES_BY_KIND
            else [(option.id, option.label) for option in decision.options]
        )
        form = QFormLayout()
        for key, label in keys:
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            self.spins[key] = spin
            form.addRow(label, spin)
        self.meeting_combo = _combo(meetings, _("No assembly"))
        form.addRow(_("At the &assembly"), self.meeting_combo)
        note = _wrapped(
            _(
                "The result will say that these votes were counted by hand, not cast in CoopDesk."
                " Counting again replaces this site's earlier counts."
            ),
            quiet=True,
        )
        self.lay_out(note, form)

    def values(self) -> dict[str, Any]:
        return {
            "counts": {key: spin.value() for key, spin in self.spins.items()},
            "meeting_id": self.meeting_combo.currentData(),
        }


def require_text(value: str, label: str) -> str:
    if not value.strip():
        raise ValidationError(_("{label} is required.").format(label=label))
    return value
