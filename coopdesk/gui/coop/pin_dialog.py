"""The shared workstation: PIN entry at the picker, setting one's PIN, and the idle lock.

A member with a PIN must type it before becoming the member at the keyboard. Wrong tries are
counted per member by one ``PinGate`` per store (kept here, for as long as the app runs, so
closing and reopening the picker does not reset the count); after five the gate pauses and
the dialog says how long to wait.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _, ngettext
from coopdesk.coop import pins
from coopdesk.gui.kit.widgets import (
    ErrorLabel,
    enter_presses,
    muted,
    scaled_font,
    tall_enough_for_its_lines,
)
from coopdesk.store.store import Store

PIN_MAX_DIGITS = 12
WRAP_WIDTH = 360
_gates: dict[str, pins.PinGate] = {}


def gate_for(store: Store) -> pins.PinGate:
    """The one PIN gate of this store in this app (counts wrong tries per member)."""
    key = str(store.path)
    if key not in _gates:
        _gates[key] = pins.PinGate()
    return _gates[key]


def _pin_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,12}"), edit))
    edit.setMaxLength(PIN_MAX_DIGITS)
    edit.setPlaceholderText(placeholder)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
    return edit


def _never_cut(layout: QVBoxLayout, *wrapped: QWidget) -> None:
    """Wrapped text is never cut: the dialog grows with it (e.g. a longer message)."""
    for widget in wrapped:
        widget.setMinimumWidth(WRAP_WIDTH)
    layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
    window = layout.parentWidget()
    if window is not None:
        tall_enough_for_its_lines(window)  # and taller when a message wraps at its width


class PinDialog(QDialog):
    """Type the PIN of ``member_name``; accepted only when it is right. Enter confirms."""

    def __init__(
        self,
        store: Store,
        member_id: str,
        member_name: str,
        gate: pins.PinGate | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.member_id = member_id
        self.gate = gate or gate_for(store)
        self.setWindowTitle(_("Enter your PIN"))
        self.setModal(True)
        heading = QLabel(_("PIN for {member_name}").format(member_name=member_name))
        heading.setFont(scaled_font(self, 1.2, bold=True))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        explanation = muted(QLabel(_("Type the PIN to take the keyboard under this name.")))
        explanation.setWordWrap(True)
        self.pin_edit = _pin_edit(_("Digits only"))
        self.pin_edit.returnPressed.connect(self.try_pin)
        self.pin_edit.textChanged.connect(lambda _text: self._update_ok())
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            _("Confirm"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.try_pin)
        self.buttons.rejected.connect(self.reject)
        self._unlock_timer = QTimer(self, singleShot=True)
        self._unlock_timer.timeout.connect(self._unlocked)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addSpacing(6)
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        _never_cut(layout, explanation, self.error)
        enter_presses(self.ok_button)
        self._update_ok()
        self.pin_edit.setFocus()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.pin_edit.text()) and not self._unlock_timer.isActive())

    def try_pin(self) -> None:
        """Check the typed PIN: accept when right; otherwise say why and let them retry."""
        pin = self.pin_edit.text()
        if not pin or self._unlock_timer.isActive():
            return
        try:
            right = self.gate.check(self.store, self.member_id, pin)
        except pins.PinLockedError as exc:
            self._locked(exc)
            return
        if right:
            self.error.clear()
            self.accept()
            return
        self.pin_edit.clear()
        attempts = self.gate.attempts.get(self.member_id)
        left = pins.MAX_WRONG - (attempts.wrong if attempts else 0)
        self.error.show_message(
            ngettext(
                "Wrong PIN. {left} more try before a pause.",
                "Wrong PIN. {left} more tries before a pause.",
                left,
            ).format(left=left)
            if left > 0
            else _("Wrong PIN. Try again.")
        )
        self.pin_edit.setFocus()

    def _locked(self, exc: pins.PinLockedError) -> None:
        """Too many wrong tries: say to wait, and refuse input until the pause is over.

        The PIN field keeps the focus (read-only, not disabled): a disabled field would hand
        the focus to Cancel, and the Enter typed next would close the dialog before the
        message was read. Enter does nothing during the pause.
        """
        self.pin_edit.clear()
        seconds = exc.seconds or self.gate.seconds_left(self.member_id) or 1
        self.error.show_message(
            ngettext(
                "Too many wrong PINs: wait {seconds} second, then try again.",
                "Too many wrong PINs: wait {seconds} seconds, then try again.",
                seconds,
            ).format(seconds=seconds)
        )
        self.pin_edit.setReadOnly(True)
        self.pin_edit.setPlaceholderText(_("Paused after too many wrong PINs"))
        self._unlock_timer.start(seconds * 1000)
        self._update_ok()
        self.pin_edit.setFocus()

    def _unlocked(self) -> None:
        self.pin_edit.setReadOnly(False)
        self.pin_edit.setPlaceholderText(_("Digits only"))
        self.error.show_message(_("You can try again now."))
        self.pin_edit.setFocus()
        self._update_ok()


class SetPinDialog(QDialog):
    """Set, change or remove the PIN of the member at the keyboard (typed twice), on this
    computer only: the verifier never leaves it (coopdesk/coop/pins.py says why)."""

    def __init__(
        self, store: Store, member_id: str, member_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.member_id = member_id
        self.had_pin = pins.has_pin(store, member_id)
        self.setWindowTitle(_("Your PIN"))
        self.setModal(True)
        heading = QLabel(
            (
                _("Change the PIN of {member_name}")
                if self.had_pin
                else _("Set the PIN of {member_name}")
            ).format(member_name=member_name)
        )
        heading.setFont(scaled_font(self, 1.2, bold=True))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.only_here = QLabel(
            _(
                "This PIN is for this computer only. It never travels to other sites: "
                "set one at each computer you use."
            )
        )
        self.only_here.setWordWrap(True)
        self.only_here.setTextFormat(Qt.TextFormat.PlainText)
        explanation = muted(
            QLabel(
                _(
                    "With a PIN, choosing you at the member picker asks for it, so nobody else "
                    "acts under your name on this shared computer. Digits only."
                )
            )
        )
        explanation.setWordWrap(True)
        self.travelled = muted(
            QLabel(
                _(
                    "Your PIN was set with an older CoopDesk, which copied it to the other "
                    "sites: choose a new one."
                )
            )
        )
        self.travelled.setWordWrap(True)
        self.travelled.setVisible(self.had_pin and pins.pin_travelled(store, member_id))
        self.pin_edit = _pin_edit(_("New PIN"))
        self.again_edit = _pin_edit(_("The same again"))
        self.again_edit.returnPressed.connect(self.save)
        form = QFormLayout()
        form.addRow(_("New PIN"), self.pin_edit)
        form.addRow(_("Again"), self.again_edit)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            _("Save PIN"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.remove_button = self.buttons.addButton(
            _("Remove PIN"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.remove_button.setVisible(self.had_pin)
        self.remove_button.clicked.connect(self.remove)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.only_here)
        layout.addWidget(explanation)
        layout.addWidget(self.travelled)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        _never_cut(layout, self.only_here, explanation, self.travelled, self.error)
        enter_presses(self.save_button)
        self.result_text = ""

    def save(self) -> None:
        pin, again = self.pin_edit.text(), self.again_edit.text()
        if pin != again:
            self.error.show_message(_("The two PINs differ. Type the same PIN twice."))
            self.again_edit.clear()
            self.again_edit.setFocus()
            return
        try:
            pins.set_pin(self.store, self.member_id, self.member_id, pin)
        except CoopDeskError as exc:
            self.error.show_message(str(exc))
            return
        self.result_text = _(
            "Your PIN is saved on this computer. The member picker will ask for it."
        )
        self.accept()

    def remove(self) -> None:
        try:
            pins.clear_pin(self.store, self.member_id, self.member_id)
        except CoopDeskError as exc:
            self.error.show_message(str(exc))
            return
        self.result_text = _("Your PIN is removed from this computer.")
        self.accept()
