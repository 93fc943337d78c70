"""Leave in the window: the Members page's Leave… dialog lists, adds, ends and withdraws leave."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from coopdesk.coop import leave as leaves
from coopdesk.coop.members import add_member, archive_member
from coopdesk.gui.coop.leave_dialog import LeaveDialog, leave_state
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dates import to_qdate
from coopdesk.shifts import duty
from tests.gui_helpers import open_window

TODAY = dt.date.today()


@pytest.fixture
def tomas(store, ana) -> str:
    return add_member(store, ana, "Tomás")


@pytest.fixture
def confirmations(monkeypatch) -> list[str]:
    asked: list[str] = []

    def confirm(parent, title, text, action_label, cancel_label) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return asked


def open_leave(qtbot, store, at_keyboard: str, member_id: str) -> tuple:
    window = open_window(qtbot, store, at_keyboard)
    page = window.go_to("members")
    assert page.select_member(member_id)
    assert page.leave_button.isEnabled()
    page.leave_button.click()
    dialog = window.findChild(LeaveDialog)
    assert dialog is not None and dialog.isVisible()
    return window, page, dialog


def test_the_state_of_a_leave():
    day = dt.date(2026, 5, 10)
    assert leave_state(day, day, day) == "away now"
    assert leave_state(day, day, day - dt.timedelta(days=1)) == "planned"
    assert leave_state(day, day, day + dt.timedelta(days=1)) == "past"


def test_a_member_marks_themselves_away(qtbot, store, ana):
    window, _page, dialog = open_leave(qtbot, store, ana, ana)
    assert dialog.empty_label.isVisible() and not dialog.table.isVisible()
    dialog.from_edit.setDate(to_qdate(TODAY))
    dialog.until_edit.setDate(to_qdate(TODAY + dt.timedelta(days=20)))
    dialog.reason_edit.setText("Travelling")
    dialog.add_button.click()

    (leave,) = leaves.list_leave(store, ana)
    assert (leave["starts_on"], leave["ends_on"], leave["reason"]) == (
        TODAY.isoformat(),
        (TODAY + dt.timedelta(days=20)).isoformat(),
        "Travelling",
    )
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "Travelling"
    assert dialog.table.item(0, 3).text() == "away now"
    assert dialog.selected_leave()["id"] == leave["id"]
    assert "Ana is on leave" in window.notice_label.text()
    assert duty.member_balance(store, ana).status == "on leave"


def test_leave_for_someone_else_and_bad_dates_change_nothing(qtbot, store, ana, tomas):
    _window, _page, dialog = open_leave(qtbot, store, ana, tomas)
    assert dialog.windowTitle() == "Leave of Tomás"
    dialog.from_edit.setDate(to_qdate(TODAY + dt.timedelta(days=5)))
    dialog.until_edit.setDate(to_qdate(TODAY))
    dialog.add_button.click()
    assert "before it starts" in dialog.error_label.text()
    assert leaves.list_leave(store, tomas) == []

    dialog.until_edit.setDate(to_qdate(TODAY + dt.timedelta(days=9)))
    dialog.add_button.click()
    assert not dialog.error_label.isVisible()
    assert len(leaves.list_leave(store, tomas)) == 1
    assert dialog.table.item(0, 3).text() == "planned"


def test_end_now_and_withdraw(qtbot, store, ana, tomas, confirmations):
    running = leaves.add_leave(
        store, ana, tomas, TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=30), "Exams"
    )
    planned = leaves.add_leave(
        store, ana, tomas, TODAY + dt.timedelta(days=60), TODAY + dt.timedelta(days=70)
    )
    _window, _page, dialog = open_leave(qtbot, store, ana, tomas)
    assert dialog.table.rowCount() == 2
    assert not dialog.end_button.isEnabled() and not dialog.withdraw_button.isEnabled()

    assert dialog.select_leave(running)
    dialog.end_button.click()
    assert store.get("leave", running)["ends_on"] == TODAY.isoformat()

    assert dialog.select_leave(planned)
    dialog.withdraw_button.click()
    assert confirmations and "Withdraw Tomás's leave" in confirmations[0]
    assert store.get("leave", planned)["archived"]
    assert [row["id"] for row in leaves.list_leave(store, tomas)] == [running]
    assert dialog.table.rowCount() == 1


def test_withdraw_asks_first(qtbot, store, ana, monkeypatch):
    leave_id = leaves.add_leave(store, ana, ana, TODAY, TODAY + dt.timedelta(days=2))
    monkeypatch.setattr(dialogs, "confirm", lambda *args: False)
    _window, _page, dialog = open_leave(qtbot, store, ana, ana)
    dialog.select_leave(leave_id)
    dialog.withdraw_selected()
    assert not store.get("leave", leave_id)["archived"]
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_list_follows_leave_arriving_from_elsewhere(qtbot, store, ana):
    _window, _page, dialog = open_leave(qtbot, store, ana, ana)
    leaves.add_leave(store, ana, ana, TODAY, TODAY + dt.timedelta(days=1), "from a sync")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)


def test_no_leave_button_for_an_archived_member(qtbot, store, ana, tomas):
    archive_member(store, ana, tomas)
    window = open_window(qtbot, store, ana)
    page = window.go_to("members")
    page.status_combo.setCurrentIndex(page.status_combo.findData("archived"))
    assert page.select_member(tomas)
    assert not page.leave_button.isEnabled()
