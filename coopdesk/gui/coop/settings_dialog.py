"""The coop's settings: its name, language, shift duty rule, idle lock, encrypted bundles.

All of them live on the coop row, so they sync and every site follows them. Changing them
needs the "settings" mandate: OK is disabled up front (saying who may) for a member at the
keyboard who does not hold it, and the core refuses anyway. Only the fields that changed are
written, in one ``coop.update_settings`` call, so an unchanged setting never wins a merge
against a newer change made at another site.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from coopdesk.base.i18n import LANGUAGES, _, ngettext
from coopdesk.base.text import day_text
from coopdesk.coop import coop
from coopdesk.coop.coop import DEFAULT_IDLE_MINUTES
from coopdesk.gui.kit.dates import date_edit, from_qdate
from coopdesk.gui.kit.dialog_manager import listen
from coopdesk.gui.kit.form_dialog import FormDialog
from coopdesk.gui.kit.language_combo import language_combo
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.widgets import muted
from coopdesk.shifts import duty_rule

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow


def hours_text(minutes: int) -> str:
    hours = minutes / 60
    count = 1 if hours == 1 else 2 if hours < 2 else int(hours)
    return ngettext("{hours} hour", "{hours} hours", count).format(hours=f"{hours:g}")


def duty_rule_text(minutes: int, period_days: int, duty_from: dt.date | None) -> str:
    """ "3 hours every 28 days, counted from 2 November", or "no shift duty"."""
    if duty_from is None or minutes <= 0:
        return _("no shift duty")
    period = ngettext("every day", "every {count} days", period_days).format(count=period_days)
    return _("{hours} {period}, counted from {day}").format(
        hours=hours_text(minutes), period=period, day=day_text(duty_from)
    )


def duty_sentence(minutes: int, period_days: int, duty_from: dt.date | None) -> str:
    """The duty rule in plain words, with what it means for members."""
    if duty_from is None or minutes <= 0:
        return _("No shift duty: nobody owes hours, and nobody is shown as behind.")
    return _(
        "{rule}. Each member owes this for every period that has ended, less their days on leave."
    ).format(rule=duty_rule_text(minutes, period_days, duty_from))


def time_zone_combo(current: str) -> QComboBox:
    """The coop's time zone: this computer's (the default), or any zone the computer knows."""
    from zoneinfo import available_timezones

    combo = QComboBox()
    local = coop.local_time_zone()
    combo.addItem(_("This computer's zone ({zone})").format(zone=local or _("unknown")), "")
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            combo.addItem(name.replace("_", " "), name)
    if current and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.setToolTip(
        _(
            "Where the coop's shifts happen: calendar files give their times in this zone, so a "
            "phone set to another zone shows the right hour"
        )
    )
    return combo


class SettingsDialog(FormDialog):
    """Edit the coop's settings; ``saved`` fields are written as the member at the keyboard.

    A ``FormDialog``: a refusal shows inline, and Esc on changed settings asks first."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(_("Coop settings"), None, parent or window, _("Save"))
        self.window_ = window
        self.store = window.store
        self.setMinimumWidth(480)
        self.original = self.current_values()
        rule = duty_rule(self.store)
        has_rule = rule.duty_from is not None

        self.name_edit = QLineEdit(self.original["name"])
        self.name_edit.setMaxLength(120)

        self.duty_check = QCheckBox(_("Members owe &shift duty"))
        self.duty_check.setChecked(has_rule)
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setRange(0.25, 1000)
        self.hours_spin.setSingleStep(0.5)
        self.hours_spin.setDecimals(2)
        self.hours_spin.setSuffix(" " + _("hours"))
        self.hours_spin.setValue(max(rule.minutes, 15) / 60)
        self.period_spin = QSpinBox()
        self.period_spin.setRange(1, 366)
        self.period_spin.setSuffix(" " + _("days"))
        self.period_spin.setValue(rule.period_days)
        self.from_edit: QDateEdit = date_edit(
            dt.date.fromisoformat(rule.duty_from) if rule.duty_from else dt.date.today()
        )
        self.duty_sentence = muted(QLabel())
        self.duty_sentence.setWordWrap(True)
        duty_form = QFormLayout()
        duty_form.addRow(self.duty_check)
        duty_form.addRow(_("&Hours owed"), self.hours_spin)
        duty_form.addRow(_("&Every"), self.period_spin)
        duty_form.addRow(_("&Counted from"), self.from_edit)
        duty_form.addRow(self.duty_sentence)
        duty_box = QGroupBox(_("Shift duty"))
        duty_box.setLayout(duty_form)

        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(1, 480)
        self.idle_spin.setSuffix(" " + _("minutes"))
        self.idle_spin.setValue(self.original["idle_minutes"])
        self.idle_spin.setToolTip(
            _("A shared computer returns to the member picker after this long without input")
        )
        self.encrypt_check = QCheckBox(_("&Encrypt sync bundles"))
        self.encrypt_check.setChecked(self.original["encrypt_bundles"])
        self.encrypt_check.setToolTip(
            _("Bundles on USB sticks can only be read by the coop's sites (recommended)")
        )
        self.zone_combo = time_zone_combo(self.original["time_zone"])
        self.language_combo = language_combo(self.original["language"])
        self.language_combo.setToolTip(
            _(
                "The window's language when nobody is at the keyboard, and for members who "
                "have not chosen their own"
            )
        )
        form = QFormLayout()
        form.addRow(_("Coop &name"), self.name_edit)
        form.addRow(_("&Language"), self.language_combo)
        form.addRow(_("&Time zone"), self.zone_combo)
        form.addRow(_("&Idle lock after"), self.idle_spin)
        form.addRow("", self.encrypt_check)
        note = muted(QLabel(_("These settings sync: every site follows them after the next sync.")))
        note.setWordWrap(True)

        self.ok_button.setToolTip(_("Save the changed settings"))
        # By the field a refusal names (its English label), else the start of the message.
        self.field_for_error = {
            "Coop name": self.name_edit,
            "Idle minutes before locking": self.idle_spin,
            "The coop": self.name_edit,
            "Idle": self.idle_spin,
        }
        self.lay_out(form, duty_box, note)

        self.duty_check.toggled.connect(lambda _on: self._show_duty())
        self.hours_spin.valueChanged.connect(lambda _v: self._show_duty())
        self.period_spin.valueChanged.connect(lambda _v: self._show_duty())
        self.from_edit.dateChanged.connect(lambda _d: self._show_duty())
        listen(self, self.window_.session.member_changed, self._gate)
        self._show_duty()
        self._gate()

    # -- reading ----------------------------------------------------------------------------

    def current_values(self) -> dict[str, Any]:
        """The coop row's settings as this dialog edits them."""
        row = self.store.get("coop", str(self.store.coop_id)) or {}
        rule = duty_rule(self.store)
        return {
            "name": row.get("name") or "",
            "duty_minutes": rule.minutes,
            "duty_period_days": rule.period_days,
            "duty_from": rule.duty_from,
            "idle_minutes": int(row.get("idle_minutes") or DEFAULT_IDLE_MINUTES),
            "encrypt_bundles": bool(row.get("encrypt_bundles")),
            "time_zone": str(row.get("time_zone") or ""),
            "language": str(row.get("language") or ""),
        }

    def values(self) -> dict[str, Any]:
        """What the form says. Without a duty rule, the hours and period are kept as they were."""
        on = self.duty_check.isChecked()
        return {
            "name": self.name_edit.text().strip(),
            "duty_minutes": round(self.hours_spin.value() * 60)
            if on
            else self.original["duty_minutes"],
            "duty_period_days": self.period_spin.value()
            if on
            else self.original["duty_period_days"],
            "duty_from": from_qdate(self.from_edit.date()).isoformat() if on else None,
            "idle_minutes": self.idle_spin.value(),
            "encrypt_bundles": self.encrypt_check.isChecked(),
            "time_zone": str(self.zone_combo.currentData() or ""),
            "language": str(self.language_combo.currentData() or ""),
        }

    def changed_fields(self) -> dict[str, Any]:
        values = self.values()
        return {key: value for key, value in values.items() if value != self.original[key]}

    # -- showing ----------------------------------------------------------------------------

    def _show_duty(self) -> None:
        on = self.duty_check.isChecked()
        for widget in (self.hours_spin, self.period_spin, self.from_edit):
            widget.setEnabled(on)
        values = self.values()
        duty_from = dt.date.fromisoformat(values["duty_from"]) if values["duty_from"] else None
        self.duty_sentence.setText(
            duty_sentence(values["duty_minutes"], values["duty_period_days"], duty_from)
        )

    def _gate(self, *_args: object) -> None:
        refused = refusal(self.store, self.window_.session.member_id, "settings")
        gate(self.ok_button, True, refused)
        self.error_label.show_message(refused)

    # -- saving -----------------------------------------------------------------------------

    def accept(self) -> None:
        self.save()

    def save(self) -> None:
        changed = self.changed_fields()
        if "name" in changed and not changed["name"]:
            self.show_error(_("The coop needs a name."))
            self.name_edit.setFocus()
            return
        if not changed:
            self.finish({})
            return

        def run(author: str) -> None:
            ok, _result = self.attempt(lambda: coop.update_settings(self.store, author, **changed))
            if ok:
                self.window_.show_notice(self.saved_text(changed))
                self.finish(changed)

        self.window_.with_author(run, _("Choose who you are before changing the coop's settings."))

    def saved_text(self, changed: dict[str, Any]) -> str:
        parts = []
        if "name" in changed:
            parts.append(_("the coop is now called {name}").format(name=changed["name"]))
        if {"duty_minutes", "duty_period_days", "duty_from"} & set(changed):
            rule = duty_rule(self.store)
            duty_from = dt.date.fromisoformat(rule.duty_from) if rule.duty_from else None
            parts.append(
                _("shift duty: {rule}").format(
                    rule=duty_rule_text(rule.minutes, rule.period_days, duty_from)
                )
            )
        if "idle_minutes" in changed:
            minutes = changed["idle_minutes"]
            parts.append(
                ngettext(
                    "the member picker comes back after {count} idle minute",
                    "the member picker comes back after {count} idle minutes",
                    minutes,
                ).format(count=minutes)
            )
        if "encrypt_bundles" in changed:
            parts.append(
                _("sync bundles are encrypted")
                if changed["encrypt_bundles"]
                else _("sync bundles are no longer encrypted")
            )
        if "time_zone" in changed:
            zone = changed["time_zone"] or _("this computer's zone")
            parts.append(_("calendar files give shift times in {zone}").format(zone=zone))
        if "language" in changed:
            name = LANGUAGES.get(changed["language"] or "en", changed["language"])
            parts.append(_("the coop's language is {language}").format(language=name))
        text = "; ".join(parts)
        return _("Saved the coop settings: {changes}.").format(changes=text)


def open_settings(window: MainWindow, focus: str = "") -> SettingsDialog:
    """Open the settings (non-blocking); ``focus`` "idle" or "duty" puts the cursor there."""
    dialog = cast(
        SettingsDialog, window.dialogs.open("coop settings", lambda: SettingsDialog(window))
    )
    target = {"idle": dialog.idle_spin, "duty": dialog.duty_check}.get(focus, dialog.name_edit)
    target.setFocus()
    return dialog
