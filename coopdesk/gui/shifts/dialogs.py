"""Dialogs of the Shifts page: a shift's details (who is on it, sign up), add or edit a shift,
edit a template with its standing members, and "generate shifts until…".

Every change goes through the core with the member at the keyboard as author
(``window.with_author``); errors are shown in words and nothing changes. The details dialog
reloads itself when the store changes (a sync import may land while it is open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import NotFoundError
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import short_day_text, short_moment_text, weekday_day_text
from coopdesk.coop import active_members, member_names, sites
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dates import date_edit, from_qdate, to_datetime, to_qdate
from coopdesk.gui.kit.dialog_manager import listen
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.form_dialog import FormDialog
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.widgets import muted, scaled_font
from coopdesk.gui.shifts.texts import (
    long_date,
    overbooked_sentence,
    places_text,
    time_range,
    weekday_names,
)
from coopdesk.shifts.shifts import (
    add_shift,
    cancel_shift,
    cancel_signup,
    edit_shift,
    get_shift,
    record_attendance,
    request_swap,
    sign_up,
    take_over,
)
from coopdesk.shifts.templates import (
    add_standing_member,
    add_template,
    edit_template,
    list_shift_types,
    remove_standing_member,
)
from coopdesk.store.changes import Changes
from coopdesk.store.store import Store

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.shifts.shifts import ShiftView, SignupView

SHIFT_TABLES = frozenset(
    {"shift", "shift_signup", "shift_template", "shift_type", "standing_slot", "member", "site"}
)
ATTENDANCE_LABELS = {
    "attended": N_("attended"),
    "no-show": N_("did not come"),
    "excused": N_("excused"),
}
CYCLE_LETTERS = "ABCDEFGHIJKL"


# -- small read-only queries the dialogs need (the core has no list for these) ---------------


def shift_types(store: Store) -> list[dict[str, Any]]:
    """Active shift types, by title: for the type combos and to prefill a new shift."""

    return list_shift_types(store)


def fill_site_combo(combo: QComboBox, store: Store, current: str | None, none_label: str) -> None:
    combo.clear()
    combo.addItem(none_label, None)
    for site in sites(store):
        if not site["archived"] or site["id"] == current:
            combo.addItem(site["name"], site["id"])
    position = combo.findData(current)
    combo.setCurrentIndex(max(0, position))


def fill_type_combo(combo: QComboBox, types: list[dict[str, Any]], current: str | None) -> None:
    combo.clear()
    combo.addItem(_("No type"), None)
    for shift_type in types:
        combo.addItem(shift_type["title"], shift_type["id"])
    combo.setCurrentIndex(max(0, combo.findData(current)))


def time_edit(value: dt.time) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute))
    edit.setDisplayFormat("HH:mm")
    return edit


def from_qtime(value: QTime) -> dt.time:
    return dt.time(value.hour(), value.minute())


# -- a shift's details ------------------------------------------------------------------------


class ShiftDetailsDialog(QDialog):
    """Who is on a shift and who is waiting; sign up, cancel, swap, attendance, resolve."""

    def __init__(self, window: MainWindow, shift_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.store = window.store
        self.shift_id = shift_id
        self.shift: ShiftView | None = None
        self.setWindowTitle(_("Shift"))
        self.setMinimumWidth(520)

        self.title_label = QLabel()
        self.title_label.setFont(scaled_font(self, 1.35, bold=True))
        self.title_label.setWordWrap(True)
        self.when_label = QLabel()
        self.where_label = muted(QLabel())
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.description_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = QLabel()
        self.status_label.setFont(scaled_font(self, 1.05, bold=True))
        self.status_label.setWordWrap(True)

        self.confirmed_list = QListWidget()
        self.confirmed_list.setAccessibleName(_("Confirmed members"))
        self.waiting_list = QListWidget()
        self.waiting_list.setAccessibleName(_("Waiting members"))
        for people, other in (
            (self.confirmed_list, self.waiting_list),
            (self.waiting_list, self.confirmed_list),
        ):
            people.setMinimumHeight(70)
            people.itemSelectionChanged.connect(
                lambda people=people, other=other: self._on_person_selected(people, other)
            )
        self.confirmed_box = QGroupBox(_("On the shift"))
        QVBoxLayout(self.confirmed_box).addWidget(self.confirmed_list)
        self.waiting_box = QGroupBox(_("Waiting"))
        QVBoxLayout(self.waiting_box).addWidget(self.waiting_list)

        # What the member at the keyboard can do for themselves.
        self.makeup_check = QCheckBox(_("Make-up shift"))
        self.makeup_check.setToolTip(_("This shift repays one you missed"))
        self.sign_up_button = QPushButton(_("Sign me up"))
        self.sign_up_button.setDefault(True)
        self.sign_up_button.clicked.connect(self.sign_me_up)
        self.cancel_button = QPushButton(_("Cancel my sign-up"))
        self.cancel_button.clicked.connect(self.cancel_mine)
        self.swap_button = QPushButton(_("Ask for a swap"))
        self.swap_button.setToolTip(_("Stay on the shift until someone takes it over"))
        self.swap_button.clicked.connect(self.ask_for_swap)
        self.take_over_button = QPushButton(_("Take over"))
        self.take_over_button.setToolTip(_("Take the place of someone who asked for a swap"))
        self.take_over_button.clicked.connect(self.take_over_selected)
        mine = FlowLayout()  # a longer language wraps the buttons onto a second line
        mine.addWidget(self.makeup_check)
        mine.addStretch(1)
        for button in (
            self.sign_up_button,
            self.cancel_button,
            self.swap_button,
            self.take_over_button,
        ):
            mine.addWidget(button)

        # After the shift: attendance of the selected person.
        self.attendance_box = QGroupBox(_("Attendance of the selected person"))
        attendance = QHBoxLayout(self.attendance_box)
        self.attendance_buttons: dict[str, QPushButton] = {}
        for status, label in (
            ("attended", N_("Attended")),
            ("no-show", N_("No-show")),
            ("excused", N_("Excused")),
        ):
            button = QPushButton(_(label))
            button.clicked.connect(lambda _c=False, s=status: self.record_attendance(s))
            attendance.addWidget(button)
            self.attendance_buttons[status] = button
        attendance.addStretch(1)

        # Coordinating: resolve overbooking, remove someone, edit or cancel the shift.
        self.remove_button = QPushButton(_("Remove from shift…"))
        self.remove_button.setToolTip(_("Take the selected person off this shift"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.raise_button = QPushButton(_("Raise places…"))
        self.raise_button.clicked.connect(self.raise_capacity)
        self.edit_button = QPushButton(_("Edit shift…"))
        self.edit_button.clicked.connect(self.edit_shift)
        self.cancel_shift_button = QPushButton(_("Cancel shift…"))
        self.cancel_shift_button.clicked.connect(self.cancel_shift)
        coordinate = FlowLayout()
        for button in (
            self.remove_button,
            self.raise_button,
            self.edit_button,
            self.cancel_shift_button,
        ):
            coordinate.addWidget(button)
        coordinate.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.when_label)
        layout.addWidget(self.where_label)
        layout.addWidget(self.description_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.confirmed_box, 2)
        layout.addWidget(self.waiting_box, 1)
        layout.addLayout(mine)
        layout.addWidget(self.attendance_box)
        layout.addLayout(coordinate)
        layout.addWidget(buttons)

        # Until it closes: a bundle may land, or someone else come to the keyboard.
        listen(self, window.hub.changed, self._on_store_changed)
        listen(self, window.session.member_changed, self._on_member_changed)
        self.reload()

    # -- reading ----------------------------------------------------------------------------

    @property
    def me(self) -> str | None:
        return self.window_.session.member_id

    def _on_store_changed(self, changes: Changes) -> None:
        if changes.touches(SHIFT_TABLES) and changes.initiator is not self and self.isVisible():
            self.reload()

    def _on_member_changed(self, _member_id: str | None) -> None:
        self.reload()

    def reload(self) -> None:

        try:
            self.shift = get_shift(self.store, self.shift_id)
        except NotFoundError:
            self.shift = None
        if self.shift is not None and self.shift.cancelled:
            self.shift = None
        shift = self.shift
        if shift is None:
            self.title_label.setText(_("This shift was cancelled"))
            self.status_label.setText(_("It is no longer on the rota."))
            for widget in self.findChildren(QPushButton):
                widget.setEnabled(widget is self.close_button)
            return
        start = to_datetime(shift.starts_at)
        self.setWindowTitle(f"{shift.title} — {short_day_text(start)}")
        self.title_label.setText(shift.title)
        self.when_label.setText(f"{long_date(start.date())}, {time_range(shift)}")
        self.where_label.setText(
            " · ".join(part for part in (shift.site_name, self._skills_text(shift)) if part)
        )
        self.where_label.setVisible(bool(self.where_label.text()))
        self.description_label.setText(
            "\n".join(part for part in (shift.description, shift.notes) if part)
        )
        self.description_label.setVisible(bool(self.description_label.text()))
        self.status_label.setText(self.status_text(shift))

        names = member_names(
            self.store, [s.taken_over_from for s in shift.confirmed if s.taken_over_from]
        )
        self._fill(self.confirmed_list, shift.confirmed, names)
        self._fill(self.waiting_list, shift.waiting, names)
        self.confirmed_box.setTitle(
            _("On the shift ({filled} of {capacity})").format(
                filled=shift.filled, capacity=shift.capacity
            )
        )
        self.waiting_box.setVisible(bool(shift.waiting))
        self.waiting_box.setTitle(_("Waiting ({count})").format(count=len(shift.waiting)))
        self._update_buttons()

    @staticmethod
    def _skills_text(shift: ShiftView) -> str:
        return f"skills: {', '.join(shift.skills)}" if shift.skills else ""

    @staticmethod
    def status_text(shift: ShiftView) -> str:
        if shift.status == "overbooked":
            return _("Overbooked. {overbooked_sentence}").format(
                overbooked_sentence=overbooked_sentence(shift)
            )
        if shift.status == "full":
            return _("Full: {filled} of {capacity} places taken.").format(
                filled=shift.filled, capacity=shift.capacity
            )
        missing = shift.capacity - shift.filled
        return _("Needs {missing} more: {value} signed up.").format(
            missing=missing, value=places_text(shift).split(" · ")[0]
        )

    def _fill(self, people: QListWidget, signups: list[SignupView], names: dict[str, str]) -> None:
        selected = (
            people.currentItem().data(Qt.ItemDataRole.UserRole) if people.currentItem() else None
        )
        people.clear()
        for signup in signups:
            item = QListWidgetItem(self.person_text(signup, names))
            item.setData(Qt.ItemDataRole.UserRole, signup.member_id)
            signed = to_datetime(signup.signed_up_at)
            item.setToolTip(_("Signed up {when}").format(when=short_moment_text(signed)))
            people.addItem(item)
            if signup.member_id == selected:
                people.setCurrentItem(item)
        if not signups:
            item = QListWidgetItem(_("Nobody yet"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            people.addItem(item)

    def person_text(self, signup: SignupView, names: dict[str, str]) -> str:
        parts = [
            _("{name} (you)").format(name=signup.member_name)
            if signup.member_id == self.me
            else signup.member_name
        ]
        if signup.makeup:
            parts.append("make-up")
        if signup.swap_wanted:
            parts.append(_("looking for a swap"))
        if signup.taken_over_from:
            parts.append(
                _("took over from {get}").format(get=names.get(signup.taken_over_from, "someone"))
            )
        if signup.attendance in ATTENDANCE_LABELS:
            parts.append(_(ATTENDANCE_LABELS[signup.attendance]))
        return " · ".join(parts)

    def _on_person_selected(self, people: QListWidget, other: QListWidget) -> None:
        """One selected person across both lists: the one the buttons below act on."""
        if people.selectedItems():
            other.clearSelection()
        self._update_buttons()

    def my_signup(self) -> SignupView | None:
        if self.shift is None or self.me is None:
            return None
        for signup in [*self.shift.confirmed, *self.shift.waiting]:
            if signup.member_id == self.me:
                return signup
        return None

    def selected_signup(self) -> SignupView | None:
        if self.shift is None:
            return None
        for people, signups in (
            (self.confirmed_list, self.shift.confirmed),
            (self.waiting_list, self.shift.waiting),
        ):
            item = people.currentItem()
            if item is not None and item.isSelected():
                member_id = item.data(Qt.ItemDataRole.UserRole)
                return next((s for s in signups if s.member_id == member_id), None)
        return None

    def swap_to_take(self) -> SignupView | None:
        """The selected person's swap request, or the only one on the shift."""
        if self.shift is None:
            return None
        selected = self.selected_signup()
        if selected is not None and selected.swap_wanted and selected.member_id != self.me:
            return selected
        offers = [s for s in self.shift.confirmed if s.swap_wanted and s.member_id != self.me]
        return offers[0] if offers else None

    def has_started(self) -> bool:
        return self.shift is not None and to_datetime(self.shift.starts_at) <= dt.datetime.now()

    def _update_buttons(self) -> None:
        shift = self.shift
        if shift is None:
            return
        mine = self.my_signup()
        started = self.has_started()
        self.sign_up_button.setText(
            _("Join the waiting list")
            if shift.status != "open" and mine is None
            else _("Sign me up")
        )
        self.sign_up_button.setEnabled(mine is None and not started)
        self.makeup_check.setEnabled(mine is None and not started)
        self.cancel_button.setEnabled(mine is not None and not started)
        withdraw = mine is not None and mine.swap_wanted
        self.swap_button.setText(_("Withdraw swap request") if withdraw else _("Ask for a swap"))
        self.swap_button.setEnabled(mine is not None and mine.confirmed and not started)
        swap = self.swap_to_take()
        self.take_over_button.setVisible(swap is not None)
        self.take_over_button.setEnabled(swap is not None and not started)
        if swap is not None:
            self.take_over_button.setText(
                _("Take over from {member_name}").format(member_name=swap.member_name)
            )
        selected = self.selected_signup()
        self.attendance_box.setVisible(started)
        for button in self.attendance_buttons.values():
            button.setEnabled(selected is not None)
        # Managing shifts (cancelling one, taking someone else off) is a mandate when a
        # role carries it: say who may up front; the core refuses anyway.
        managing = refusal(self.store, self.me, "shifts")
        someone_else = selected is not None and selected.member_id != self.me
        gate(self.remove_button, selected is not None, managing if someone_else else "")
        gate(self.cancel_shift_button, True, managing)
        self.raise_button.setVisible(shift.status == "overbooked")

    # -- acting -----------------------------------------------------------------------------

    def _act(
        self,
        do: Callable[[str], str | None],
        undo: Callable[[str], None] | None = None,
        notice_after: Callable[[str], str] | None = None,
    ) -> None:
        """Run ``do(author)`` -> notice text as the member at the keyboard; show errors.

        ``notice_after(author)`` words the notice from the shift as it is after the change
        (the dialog has read it again by then)."""

        def run(author: str) -> None:
            with self.window_.hub.initiated_by(self), dialogs.reported_errors(self) as outcome:
                notice = do(author)
            if not outcome.ok:
                return
            self.reload()
            if notice_after is not None:
                notice = notice_after(author)
            if notice:
                undo_action = None
                if undo is not None:

                    def undo_action() -> None:
                        self.window_.with_author(lambda who: self._undo(lambda: undo(who)))

                self.window_.show_notice(notice, undo=undo_action)

        self.window_.with_author(run, _("Choose who you are to sign up or change this shift."))

    def _undo(self, action: Callable[[], None]) -> None:
        with dialogs.reported_errors(self.window_) as outcome:
            action()
        if outcome.ok:
            self.window_.show_notice(_("Undone."))
            if self.isVisible():
                self.reload()

    def _title_when(self) -> str:
        assert self.shift is not None
        start = to_datetime(self.shift.starts_at)
        return _("{title} on {day} at {time}").format(
            title=self.shift.title, day=weekday_day_text(start), time=f"{start:%H:%M}"
        )

    def sign_me_up(self) -> None:

        shift = self.shift
        if shift is None:
            return
        makeup = self.makeup_check.isChecked()

        def do(author: str) -> None:
            sign_up(
                self.store,
                author,
                self.shift_id,
                author,
                makeup=makeup,
                allow_waitlist=shift.status != "open",
            )

        def notice(author: str) -> str:
            if self.shift and any(s.member_id == author for s in self.shift.waiting):
                return _("You are on the waiting list for {title_when}.").format(
                    title_when=self._title_when()
                )
            return _("You are signed up for {title_when}.").format(title_when=self._title_when())

        self._act(
            do,
            lambda author: cancel_signup(self.store, author, self.shift_id, author),
            notice_after=notice,
        )

    def cancel_mine(self) -> None:

        def do(author: str) -> str:
            cancel_signup(self.store, author, self.shift_id, author)
            return _("Cancelled your sign-up for {title_when}.").format(
                title_when=self._title_when()
            )

        self._act(
            do,
            lambda author: sign_up(self.store, author, self.shift_id, author, allow_waitlist=True),
        )

    def ask_for_swap(self) -> None:

        mine = self.my_signup()
        wanted = not (mine is not None and mine.swap_wanted)

        def do(author: str) -> str:
            request_swap(self.store, author, self.shift_id, author, wanted=wanted)
            if not wanted:
                return _("Withdrew your swap request: the place stays yours.")
            return _("Asked for a swap: you stay on the shift until someone takes it over.")

        self._act(
            do,
            lambda author: request_swap(
                self.store, author, self.shift_id, author, wanted=not wanted
            ),
        )

    def take_over_selected(self) -> None:

        swap = self.swap_to_take()
        if swap is None:
            return

        def do(author: str) -> str:
            take_over(self.store, author, self.shift_id, swap.member_id, author)
            return _("You took over {member_name}'s place on {title_when}.").format(
                member_name=swap.member_name, title_when=self._title_when()
            )

        self._act(do)

    def record_attendance(self, status: str) -> None:

        signup = self.selected_signup()
        if signup is None:
            return
        before = signup.attendance

        def do(author: str) -> str:
            record_attendance(self.store, author, self.shift_id, signup.member_id, status)
            return f"{signup.member_name}: {_(ATTENDANCE_LABELS[status])}."

        self._act(
            do,
            lambda author: record_attendance(
                self.store, author, self.shift_id, signup.member_id, before
            ),
        )

    def remove_selected(self) -> None:

        signup = self.selected_signup()
        if signup is None or self.shift is None:
            return
        name = signup.member_name
        question = _(
            "Take {name} off {title_when}?\n\nTheir sign-up is archived, not "
            "deleted: it stays in the history and can be restored with Undo."
        ).format(name=name, title_when=self._title_when())
        if not dialogs.confirm(
            self,
            _("Remove from shift"),
            question,
            _("Remove {name}").format(name=name),
            _("Keep {name} on it").format(name=name),
        ):
            return

        def do(author: str) -> str:
            cancel_signup(self.store, author, self.shift_id, signup.member_id)
            return _("Took {name} off {title_when}.").format(
                name=name, title_when=self._title_when()
            )

        self._act(
            do,
            lambda author: sign_up(
                self.store, author, self.shift_id, signup.member_id, allow_waitlist=True
            ),
        )

    def raise_capacity(self) -> None:

        shift = self.shift
        if shift is None or not shift.waiting:
            return
        places = shift.filled + len(shift.waiting)
        names = ", ".join(s.member_name for s in shift.waiting)
        question = ngettext(
            "Raise the places on {title_when} from {capacity} to {places}?\n\nThen "
            "{names} is confirmed too.",
            "Raise the places on {title_when} from {capacity} to {places}?\n\nThen "
            "{names} are confirmed too.",
            len(shift.waiting),
        ).format(title_when=self._title_when(), capacity=shift.capacity, places=places, names=names)
        if not dialogs.confirm(
            self,
            _("Raise places"),
            question,
            _("Raise to {places} places").format(places=places),
            ngettext("Keep {capacity} place", "Keep {capacity} places", shift.capacity).format(
                capacity=shift.capacity
            ),
        ):
            return
        before = shift.capacity

        def do(author: str) -> str:
            edit_shift(self.store, author, self.shift_id, capacity=places)
            return _("{title} now has {places} places.").format(title=shift.title, places=places)

        self._act(do, lambda author: edit_shift(self.store, author, self.shift_id, capacity=before))

    def edit_shift(self) -> None:
        shift = self.shift
        if shift is None:
            return

        def make() -> ShiftEditDialog:
            dialog = ShiftEditDialog(self.window_, shift, self)
            dialog.saved.connect(lambda _id: self.reload())
            return dialog

        self.window_.dialogs.open("shift form", make, key=shift.id)

    def cancel_shift(self) -> None:

        if self.shift is None:
            return
        people = len(self.shift.confirmed) + len(self.shift.waiting)
        question = _("Cancel {title_when}?").format(title_when=self._title_when())
        if people:
            question += "\n\n" + ngettext(
                "{count} person is signed up; they will see it is cancelled.",
                "{count} people are signed up; they will see it is cancelled.",
                people,
            ).format(count=people)
        question += "\n\n" + _(
            "Nothing is deleted: the shift is archived and stays in the history."
        )
        if not dialogs.confirm(
            self, _("Cancel shift"), question, _("Cancel the shift"), _("Keep the shift")
        ):
            return
        title = self._title_when()

        def do(author: str) -> str:
            cancel_shift(self.store, author, self.shift_id)
            return _("Cancelled {title}.").format(title=title)

        self._act(do)


# -- add or edit a shift ----------------------------------------------------------------------


class ShiftEditDialog(FormDialog):
    """A one-off shift (or changes to an existing one): when, how many people, where."""

    def __init__(
        self,
        window: MainWindow,
        shift: ShiftView | None = None,
        parent: QWidget | None = None,
        *,
        day: dt.date | None = None,
        site_id: str | None = None,
    ) -> None:
        super().__init__(_("Edit shift") if shift else _("Add a shift"), None, parent or window)
        self.window_ = window
        self.store = window.store
        self.shift = shift
        self.types = shift_types(self.store)

        start = to_datetime(shift.starts_at) if shift else None
        end = to_datetime(shift.ends_at) if shift else None
        day = start.date() if start else (day or dt.date.today())
        self.title_edit = QLineEdit(shift.title if shift else "")
        self.title_edit.setPlaceholderText(_("e.g. Opening the shop"))
        self.title_edit.setMaxLength(120)
        self.type_combo = QComboBox()
        fill_type_combo(self.type_combo, self.types, shift.shift_type_id if shift else None)
        self.type_combo.currentIndexChanged.connect(self._type_chosen)
        self.date_edit = date_edit(day)
        self.start_edit = time_edit(start.time() if start else dt.time(18, 0))
        self.end_edit = time_edit(end.time() if end else dt.time(21, 0))
        self.next_day_label = muted(QLabel(_("ends the next day")))
        self.start_edit.timeChanged.connect(lambda _t: self._show_next_day())
        self.end_edit.timeChanged.connect(lambda _t: self._show_next_day())
        times = QHBoxLayout()
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("to"))
        times.addWidget(self.end_edit)
        times.addWidget(self.next_day_label)
        times.addStretch(1)
        self.capacity_spin = QSpinBox()
        self.capacity_spin.setRange(1, 1000)
        self.capacity_spin.setValue(shift.capacity if shift else 2)
        self.site_combo = QComboBox()
        fill_site_combo(
            self.site_combo,
            self.store,
            shift.site_id if shift else (site_id or self.store.site_id),
            _("No particular site"),
        )
        self.description_edit = QPlainTextEdit(shift.description if shift else "")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().height() * 4)

        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("T&ype"), self.type_combo)
        form.addRow(_("&Date"), self.date_edit)
        form.addRow(_("Ti&me"), times)
        form.addRow(_("&People needed"), self.capacity_spin)
        form.addRow(_("&Site"), self.site_combo)
        form.addRow(_("D&escription"), self.description_edit)
        self.save_button = self.ok_button
        self.field_for_error = {"Title": self.title_edit, "People needed": self.capacity_spin}
        self.lay_out(form)
        self._show_next_day()

    def _show_next_day(self) -> None:
        self.next_day_label.setVisible(self.end_edit.time() <= self.start_edit.time())

    def _type_chosen(self) -> None:
        """Choosing a type fills in its title, places, length and site (if still default)."""
        type_id = self.type_combo.currentData()
        chosen = next((t for t in self.types if t["id"] == type_id), None)
        if chosen is None or self.shift is not None:
            return
        if not self.title_edit.text().strip():
            self.title_edit.setText(chosen["title"])
        self.capacity_spin.setValue(chosen["capacity"] or 2)
        start = from_qtime(self.start_edit.time())
        end = dt.datetime.combine(dt.date.today(), start) + dt.timedelta(
            minutes=chosen["duration_minutes"] or 180
        )
        self.end_edit.setTime(QTime(end.hour, end.minute))
        if chosen["site_id"]:
            self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(chosen["site_id"])))

    def values(self) -> dict[str, Any]:
        day = from_qdate(self.date_edit.date())
        starts_at = dt.datetime.combine(day, from_qtime(self.start_edit.time()))
        ends_at = dt.datetime.combine(day, from_qtime(self.end_edit.time()))
        if ends_at <= starts_at:
            ends_at += dt.timedelta(days=1)
        return {
            "title": self.title_edit.text().strip(),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": self.capacity_spin.value(),
            "site_id": self.site_combo.currentData(),
            "shift_type_id": self.type_combo.currentData(),
            "description": self.description_edit.toPlainText().strip(),
        }

    def accept(self) -> None:
        self.save()

    def save(self) -> None:
        values = self.values()
        if not values["title"]:
            self.show_error(_("Give the shift a title, e.g. “Opening the shop”."))
            self.title_edit.setFocus()
            return

        def write(author: str) -> str:
            if self.shift is None:
                return add_shift(self.store, author, **values)
            edit_shift(self.store, author, self.shift.id, **values)
            return self.shift.id

        def run(author: str) -> None:
            ok, shift_id = self.attempt(lambda: write(author))
            if not ok:
                return
            start = values["starts_at"]
            self.window_.show_notice(
                (
                    _("Added {title} on {day} at {time}.")
                    if self.shift is None
                    else _("Saved {title} on {day} at {time}.")
                ).format(title=values["title"], day=weekday_day_text(start), time=f"{start:%H:%M}")
            )
            self.finish(shift_id)

        self.window_.with_author(run, _("Choose who you are to add or change shifts."))


# -- templates --------------------------------------------------------------------------------


class TemplateDialog(FormDialog):
    """A recurring shift: its slot in the week (or N-week cycle) and its standing members."""

    def __init__(
        self, window: MainWindow, template: dict[str, Any] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Edit template") if template else _("Add a template"), None, parent or window
        )
        self.window_ = window
        self.store = window.store
        self.template = template
        self.types = shift_types(self.store)
        get = (template or {}).get

        self.title_edit = QLineEdit(get("title", ""))
        self.title_edit.setPlaceholderText(_("e.g. Tuesday meal"))
        self.title_edit.setMaxLength(120)
        self.type_combo = QComboBox()
        fill_type_combo(self.type_combo, self.types, get("shift_type_id"))
        self.weekday_combo = QComboBox()
        self.weekday_combo.addItems(weekday_names())
        self.weekday_combo.setCurrentIndex(int(get("weekday", dt.date.today().weekday()) or 0))
        start_text = str(get("start_time", "18:00") or "18:00")
        self.start_edit = time_edit(dt.time.fromisoformat(start_text))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(5, 1440)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSuffix(_(" minutes"))
        self.duration_spin.setValue(int(get("duration_minutes", 180) or 180))
        self.capacity_spin = QSpinBox()
        self.capacity_spin.setRange(1, 1000)
        self.capacity_spin.setValue(int(get("capacity", 2) or 2))
        self.cycle_spin = QSpinBox()
        self.cycle_spin.setRange(1, 12)
        self.cycle_spin.setValue(int(get("cycle_weeks", 1) or 1))
        self.cycle_spin.setSuffix(_(" week(s)"))
        self.cycle_spin.setToolTip(_("1: every week. 4: the ABCD cycle (every fourth week)."))
        self.cycle_week_combo = QComboBox()
        self.cycle_spin.valueChanged.connect(lambda _v: self._fill_cycle_weeks())
        self._fill_cycle_weeks(int(get("cycle_week", 0) or 0))
        cycle_start = get("cycle_start")
        self.cycle_start_edit = date_edit(
            dt.date.fromisoformat(str(cycle_start)) if cycle_start else dt.date.today()
        )
        self.cycle_start_edit.setToolTip(_("Week A is the week of this date"))
        until = get("until")
        self.until_check = QCheckBox(_("Runs until"))
        self.until_check.setChecked(bool(until))
        self.until_edit = date_edit(
            dt.date.fromisoformat(str(until)) if until else dt.date.today() + dt.timedelta(days=365)
        )
        self.until_edit.setEnabled(bool(until))
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        until_row = QHBoxLayout()
        until_row.addWidget(self.until_check)
        until_row.addWidget(self.until_edit, 1)
        self.site_combo = QComboBox()
        fill_site_combo(
            self.site_combo,
            self.store,
            get("site_id") if template else self.store.site_id,
            _("No particular site"),
        )
        self.description_edit = QPlainTextEdit(get("description", "") or "")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().height() * 3)

        # Standing members: changed here, written on Save.
        self.standing_list = QListWidget()
        self.standing_list.setAccessibleName(_("Standing members"))
        self.standing_list.setMinimumHeight(80)
        self.standing_before: dict[str, str] = {}
        if template:
            self.standing_before = {
                row["member_id"]: row["name"] for row in template.get("standing_members", [])
            }
        for member_id, name in self.standing_before.items():
            self._add_standing_item(member_id, name)
        self.member_combo = QComboBox()
        self.member_combo.setEditable(True)
        self.member_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.member_combo.lineEdit().setPlaceholderText(_("Type a name…"))
        for member in active_members(self.store):
            self.member_combo.addItem(member["name"], member["id"])
        self.member_combo.setCurrentIndex(-1)
        self.add_member_button = QPushButton(_("Add"))
        self.add_member_button.clicked.connect(self.add_standing)
        self.remove_member_button = QPushButton(_("Remove"))
        self.remove_member_button.clicked.connect(self.remove_standing)
        standing_tools = QHBoxLayout()
        standing_tools.addWidget(self.member_combo, 1)
        standing_tools.addWidget(self.add_member_button)
        standing_tools.addWidget(self.remove_member_button)
        standing_box = QGroupBox(_("Standing members (signed up to every shift of this slot)"))
        standing_layout = QVBoxLayout(standing_box)
        standing_layout.addWidget(self.standing_list)
        standing_layout.addLayout(standing_tools)

        form = QFormLayout()
        form.addRow(_("&Title"), self.title_edit)
        form.addRow(_("T&ype"), self.type_combo)
        form.addRow(_("&Day"), self.weekday_combo)
        form.addRow(_("&Starts at"), self.start_edit)
        form.addRow(_("&Length"), self.duration_spin)
        form.addRow(_("&People needed"), self.capacity_spin)
        form.addRow(_("&Cycle"), self.cycle_spin)
        form.addRow(_("&Week of the cycle"), self.cycle_week_combo)
        form.addRow(_("Cycle &starts"), self.cycle_start_edit)
        form.addRow("", until_row)
        form.addRow(_("S&ite"), self.site_combo)
        form.addRow(_("D&escription"), self.description_edit)
        self.field_for_error = {"Title": self.title_edit}
        self.lay_out(form, standing_box)

    def _fill_cycle_weeks(self, current: int | None = None) -> None:
        keep = self.cycle_week_combo.currentIndex() if current is None else current
        weeks = self.cycle_spin.value()
        self.cycle_week_combo.clear()
        if weeks == 1:
            self.cycle_week_combo.addItem(_("Every week"), 0)
        else:
            for week in range(weeks):
                self.cycle_week_combo.addItem(
                    _("Week {value}").format(value=CYCLE_LETTERS[week]), week
                )
        self.cycle_week_combo.setCurrentIndex(min(max(keep, 0), weeks - 1))
        self.cycle_week_combo.setEnabled(weeks > 1)

    def _add_standing_item(self, member_id: str, name: str) -> None:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, member_id)
        self.standing_list.addItem(item)

    def standing_ids(self) -> list[str]:
        return [
            self.standing_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.standing_list.count())
        ]

    def add_standing(self) -> None:
        position = self.member_combo.findText(
            self.member_combo.currentText().strip(), Qt.MatchFlag.MatchFixedString
        )
        if position < 0:
            self.error_label.show_message(_("Choose a member from the list to add."))
            return
        member_id = self.member_combo.itemData(position)
        if member_id not in self.standing_ids():
            self._add_standing_item(member_id, self.member_combo.itemText(position))
        self.member_combo.setCurrentIndex(-1)
        self.error_label.clear()

    def remove_standing(self) -> None:
        row = self.standing_list.currentRow()
        if row >= 0:
            self.standing_list.takeItem(row)

    def values(self) -> dict[str, Any]:
        """The template's fields (the standing members are written apart, after it)."""
        return {
            "title": self.title_edit.text().strip(),
            "shift_type_id": self.type_combo.currentData(),
            "weekday": self.weekday_combo.currentIndex(),
            "start_time": from_qtime(self.start_edit.time()).strftime("%H:%M"),
            "duration_minutes": self.duration_spin.value(),
            "capacity": self.capacity_spin.value(),
            "cycle_weeks": self.cycle_spin.value(),
            "cycle_week": int(self.cycle_week_combo.currentData() or 0),
            "cycle_start": from_qdate(self.cycle_start_edit.date()),
            "until": from_qdate(self.until_edit.date()) if self.until_check.isChecked() else None,
            "site_id": self.site_combo.currentData(),
            "description": self.description_edit.toPlainText().strip(),
        }

    def is_edited(self) -> bool:
        return super().is_edited() or set(self.standing_ids()) != set(self.standing_before)

    def accept(self) -> None:
        self.save()

    def save(self) -> None:
        values = self.values()
        if not values["title"]:
            self.show_error(_("Give the template a title, e.g. “Tuesday meal”."))
            self.title_edit.setFocus()
            return
        wanted = self.standing_ids()

        def write(author: str) -> str:
            if self.template is None:
                template_id = add_template(self.store, author, **values)
            else:
                template_id = self.template["id"]
                edit_template(self.store, author, template_id, **values)
            for member_id in wanted:
                if member_id not in self.standing_before:
                    add_standing_member(self.store, author, template_id, member_id)
            for member_id in self.standing_before:
                if member_id not in wanted:
                    remove_standing_member(self.store, author, template_id, member_id)
            return template_id

        def run(author: str) -> None:
            ok, template_id = self.attempt(lambda: write(author))
            if ok:
                self.window_.show_notice(
                    (
                        _("Added the template {title}.")
                        if self.template is None
                        else _("Saved the template {title}.")
                    ).format(title=values["title"])
                )
                self.finish(template_id)

        self.window_.with_author(run, _("Choose who you are to change templates."))


class GenerateDialog(QDialog):
    """Ask how far ahead to put the templates' shifts on the calendar."""

    def __init__(self, parent: QWidget | None, default_until: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Generate shifts"))
        text = QLabel(
            _(
                "Put every template's shifts on the calendar up to this date. Shifts already there "
                "are kept as they are; every site that generates the same weeks gets the same "
                "shifts, so nothing is doubled after a sync."
            )
        )
        text.setWordWrap(True)
        self.until_edit = date_edit(default_until)
        self.until_edit.setMinimumDate(to_qdate(dt.date.today()))
        form = QFormLayout()
        form.addRow(_("Generate &until"), self.until_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Generate"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def until(self) -> dt.date:
        return from_qdate(self.until_edit.date())
