"""The coop settings dialog: name, shift duty rule, idle lock and encryption, gated by mandate."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from coopdesk.coop import coop
from coopdesk.coop.members import add_member
from coopdesk.gui.coop.settings_dialog import SettingsDialog, day_text, duty_sentence
from coopdesk.gui.kit import dialogs
from coopdesk.roles.roles import add_role
from coopdesk.shifts import duty
from tests.gui_helpers import open_window

TODAY = dt.date.today()


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: shown.append(message))
    return shown


def coop_row(store) -> dict:
    return store.get("coop", store.coop_id)


def open_settings(qtbot, store, member_id) -> tuple:
    window = open_window(qtbot, store, member_id)
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    return window, dialog


def test_the_duty_rule_is_said_in_plain_words():
    start = dt.date(TODAY.year, 11, 2)
    assert duty_sentence(180, 28, start).startswith(
        "3 hours every 28 days, counted from 2 November"
    )
    assert duty_sentence(60, 7, start).startswith("1 hour every 7 days")
    assert duty_sentence(90, 1, start).startswith("1.5 hours every day")
    assert duty_sentence(180, 28, None).startswith("No shift duty")
    assert day_text(dt.date(TODAY.year + 1, 1, 5)) == f"5 January {TODAY.year + 1}"


def test_the_dialog_shows_the_coop_row(qtbot, store, ana):
    coop.update_settings(store, ana, duty_from="2026-11-02", idle_minutes=7)
    _window, dialog = open_settings(qtbot, store, ana)
    assert dialog.name_edit.text() == "Test Coop"
    assert dialog.duty_check.isChecked()
    assert dialog.hours_spin.value() == 3
    assert dialog.period_spin.value() == 28
    assert dialog.idle_spin.value() == 7
    assert dialog.encrypt_check.isChecked()
    assert "3 hours every 28 days, counted from 2 November" in dialog.duty_sentence.text()
    assert dialog.changed_fields() == {}
    dialog.reject()


def test_saving_writes_only_the_changed_fields_in_one_change(qtbot, store, ana):
    window, dialog = open_settings(qtbot, store, ana)
    assert not dialog.duty_check.isChecked()  # a new coop has no duty rule
    assert not dialog.hours_spin.isEnabled()
    dialog.duty_check.setChecked(True)
    dialog.hours_spin.setValue(4)
    dialog.period_spin.setValue(14)
    dialog.from_edit.setDate(dialog.from_edit.date().addDays(-3))
    dialog.idle_spin.setValue(5)
    assert "4 hours every 14 days" in dialog.duty_sentence.text()
    changes_before = store.query("SELECT count(*) AS n FROM _change")[0]["n"]

    dialog.ok_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    rule = duty.duty_rule(store)
    assert (rule.minutes, rule.period_days) == (240, 14)
    assert rule.duty_from == (TODAY - dt.timedelta(days=3)).isoformat()
    row = coop_row(store)
    assert row["idle_minutes"] == 5 and row["name"] == "Test Coop"
    assert store.query("SELECT count(*) AS n FROM _change")[0]["n"] == changes_before + 1
    assert "shift duty: 4 hours every 14 days" in window.notice_label.text()
    assert window.session.idle_timeout_ms == 5 * 60_000  # the window follows at once


def test_switching_the_duty_rule_off_and_renaming(qtbot, store, ana):
    coop.update_settings(store, ana, duty_from=TODAY.isoformat())
    window, dialog = open_settings(qtbot, store, ana)
    dialog.duty_check.setChecked(False)
    dialog.name_edit.setText("  Riverside Food Coop ")
    dialog.encrypt_check.setChecked(False)
    assert dialog.changed_fields() == {
        "duty_from": None,
        "name": "Riverside Food Coop",
        "encrypt_bundles": False,
    }
    dialog.ok_button.click()
    assert duty.duty_rule(store).duty_from is None
    assert coop_row(store)["name"] == "Riverside Food Coop"
    assert not coop_row(store)["encrypt_bundles"]
    assert window.windowTitle() == "Riverside Food Coop"


def test_an_empty_name_is_refused_and_nothing_changes(qtbot, store, ana, monkeypatch):
    _window, dialog = open_settings(qtbot, store, ana)
    dialog.name_edit.setText("   ")
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert "needs a name" in dialog.error_label.text()
    assert coop_row(store)["name"] == "Test Coop"
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, title, *_a: asked.append(title) or True)
    dialog.reject()  # the settings were changed: Esc asks before dropping them
    assert asked == ["Discard your changes?"]
    assert not dialog.isVisible()


def test_without_the_settings_mandate_ok_is_disabled_and_the_core_refuses(
    qtbot, store, ana, errors
):
    tomas = add_member(store, ana, "Tomás")
    add_role(
        store,
        ana,
        "Treasurer",
        term_days=28,
        member_ids=[ana, tomas],
        starts_on=TODAY,
        mandates=["settings"],
    )
    _window, dialog = open_settings(qtbot, store, tomas)
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip().startswith("Only this term's Treasurer can do this: Ana")
    assert "Ana" in dialog.error_label.text()

    dialog.idle_spin.setValue(3)
    dialog.save()  # e.g. Enter: the core refuses, and the dialog says who may (no box)
    assert not errors
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith("Only this term's Treasurer can do this: Ana")
    assert coop_row(store)["idle_minutes"] == 15


def test_the_idle_lock_action_opens_the_settings_at_the_idle_minutes(qtbot, store, ana):
    window = open_window(qtbot, store, ana)
    assert window.settings_action in window.menuBar().actions()[0].menu().actions()
    window.idle_action.trigger()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.idle_spin.hasFocus() or dialog.focusWidget() is dialog.idle_spin
    dialog.idle_spin.setValue(9)
    dialog.ok_button.click()
    assert coop_row(store)["idle_minutes"] == 9
    assert "9 idle minutes" in window.notice_label.text()


def test_the_shifts_page_opens_the_duty_rule(qtbot, store, ana):
    window = open_window(qtbot, store, ana)
    page = window.go_to("shifts")
    page.tabs.setCurrentWidget(page.templates_tab)
    page.duty_button.click()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_the_time_zone_is_this_computers_until_the_coop_picks_one(qtbot, store, ana):
    window, dialog = open_settings(qtbot, store, ana)
    assert dialog.zone_combo.currentData() == ""
    assert dialog.zone_combo.currentText().startswith("This computer's zone")
    dialog.zone_combo.setCurrentIndex(dialog.zone_combo.findData("America/Mexico_City"))
    assert dialog.changed_fields() == {"time_zone": "America/Mexico_City"}
    dialog.ok_button.click()
    assert coop_row(store)["time_zone"] == "America/Mexico_City"
    assert "shift times in America/Mexico_City" in window.notice_label.text()
