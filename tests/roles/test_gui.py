"""Roles in the window: permissions that follow the holder, the Roles page, PINs, the idle lock."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from coopdesk.base.text import day_text
from coopdesk.coop import coop
from coopdesk.coop.members import add_member
from coopdesk.coop.pins import PinGate, set_pin
from coopdesk.gui.coop.pin_dialog import PinDialog
from coopdesk.gui.kit import dialogs
from coopdesk.gui.roles.dialogs import SwapDialog
from coopdesk.gui.roles.page import RolesPage
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.roles import rotation
from coopdesk.roles.roles import add_role
from tests.gui_helpers import open_window

TODAY = dt.date.today()


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    ids = {"Ana": ana}
    for name in ("Tomás", "Bongani", "Mei"):
        ids[name] = add_member(store, ana, name)
    return ids


@pytest.fixture
def coordinator(store, ana, people) -> str:
    """A Coordinator who manages members; Ana holds the first term, which is now."""
    return add_role(
        store,
        ana,
        "Coordinator",
        term_days=28,
        member_ids=[ana, people["Tomás"]],
        starts_on=TODAY,
        mandates=["members", "roles"],
    )


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: shown.append(message))
    return shown


def holder_text(name: str) -> str:
    return f"Only this term's Coordinator can do this: {name}, until " + day_text(
        TODAY + dt.timedelta(days=27)
    )


# -- permissions follow the holder --------------------------------------------------------------


def test_a_non_holder_cannot_archive_a_member_and_is_told_who_can(
    qtbot, store, people, coordinator, errors
):
    window = open_window(qtbot, store, people["Tomás"])
    page = window.go_to("members")
    assert page.select_member(people["Bongani"])

    assert not page.archive_button.isEnabled()
    assert not page.add_button.isEnabled()
    assert page.archive_button.toolTip().startswith(holder_text("Ana"))

    page.archive_selected()  # e.g. the Delete key: the core refuses, the window says who may
    assert errors and errors[0].startswith(holder_text("Ana"))
    assert store.get("member", people["Bongani"])["archived"] is False


def test_the_holder_can_archive_a_member(qtbot, store, people, coordinator, errors):
    window = open_window(qtbot, store, people["Ana"])
    page = window.go_to("members")
    assert page.select_member(people["Bongani"])
    assert page.archive_button.isEnabled()
    assert page.archive_button.toolTip() == "Archive the selected member (Delete)"

    page.archive_selected()
    assert errors == []
    assert store.get("member", people["Bongani"])["archived"] is True


def test_switching_members_updates_the_gate(qtbot, store, people, coordinator):
    window = open_window(qtbot, store, people["Ana"])
    page = window.go_to("members")
    assert page.select_member(people["Mei"])
    assert page.archive_button.isEnabled()
    window.session.set_member(people["Mei"])
    assert not page.archive_button.isEnabled()


def test_a_coop_without_roles_lets_everyone_do_everything(qtbot, store, people):
    window = open_window(qtbot, store, people["Tomás"])
    page = window.go_to("members")
    assert page.select_member(people["Bongani"])
    assert page.archive_button.isEnabled()
    roles_page = window.go_to("roles")
    assert isinstance(roles_page, RolesPage)
    assert roles_page.stack.currentWidget() is roles_page.empty_state
    assert "everyone can do everything" in roles_page.empty_state.title_label.text()


def test_roles_page_buttons_are_gated_by_the_roles_mandate(qtbot, store, people, coordinator):
    window = open_window(qtbot, store, people["Bongani"])
    page = window.go_to("roles")
    assert not page.add_button.isEnabled()
    assert not page.edit_button.isEnabled()
    assert page.edit_button.toolTip().startswith(holder_text("Ana"))
    window.session.set_member(people["Ana"])
    assert page.edit_button.isEnabled()


# -- the Roles page ----------------------------------------------------------------------------


def test_roles_page_shows_who_holds_each_role_now(qtbot, store, people, coordinator):
    window = open_window(qtbot, store, people["Tomás"])
    page = window.go_to("roles")
    until = day_text(TODAY + dt.timedelta(days=27))
    model = page.roles_model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "Coordinator"
    assert model.index(0, 3).data() == f"Ana, until {until}"

    # The schedule: the current term first (no history yet), then the planned ones, alternating.
    terms = page.terms_model
    assert terms.rowCount() == 13
    assert terms.index(0, 0).data().endswith("· now")
    holders = [terms.index(row, 1).data() for row in range(4)]
    assert holders == ["Ana", "Tomás", "Ana", "Tomás"]
    assert page.selected_term() is not None and page.selected_term().starts_on == TODAY


def test_swap_offers_only_eligible_members_and_is_recorded(qtbot, store, people, coordinator):
    window = open_window(qtbot, store, people["Ana"])
    page = window.go_to("roles")
    page.swap_term()
    dialog = page.dialog
    assert isinstance(dialog, SwapDialog)
    # The current term is Ana's: only Tomás (eligible, not holding it) may take it.
    offered = [dialog.in_combo.itemText(i) for i in range(dialog.in_combo.count())]
    assert offered == ["Tomás"]
    assert dialog.out_combo.currentText() == "Ana"
    dialog.accept()
    term = rotation.term_on(store, coordinator, TODAY)
    assert term.holder_names == ("Tomás",) and term.overridden
    assert "(swapped)" in page.terms_model.index(0, 1).data()


def test_handover_notes_are_written_by_the_holder(qtbot, store, people, coordinator, errors):
    window = open_window(qtbot, store, people["Ana"])
    page = window.go_to("roles")
    page.edit_handover()
    page.dialog.notes_edit.setPlainText("The bank needs the new signatures by Friday.")
    page.dialog.accept()
    assert rotation.term_on(store, coordinator, TODAY).handover_notes.startswith("The bank")

    window.session.set_member(people["Mei"])  # holds neither this term nor the next
    assert not page.handover_button.isEnabled()
    page.edit_handover()  # as after "who are you?": said in the status bar, not in a box
    assert not errors and page.dialog is None
    assert "Only the holders of this term (Ana)" in window.notice_label.text()


# -- PINs at the member picker -----------------------------------------------------------------


def pick(qtbot, window: MainWindow, name: str) -> None:
    window.choose_member()
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    qtbot.keyClicks(window.picker.search, name)
    qtbot.keyClick(window.picker.search, Qt.Key.Key_Return)


def test_a_member_with_a_pin_must_type_it(qtbot, store, people):
    set_pin(store, people["Tomás"], people["Tomás"], "4321")
    window = open_window(qtbot, store, None)
    pick(qtbot, window, "Tom")
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.pin_dialog is not None)
    pin = window.picker.pin_dialog
    assert isinstance(pin, PinDialog)
    assert window.session.member_id is None

    qtbot.keyClicks(pin.pin_edit, "12ab34")  # digits only: the letters are not taken
    assert pin.pin_edit.text() == "1234"
    qtbot.keyClick(pin.pin_edit, Qt.Key.Key_Return)
    assert "Wrong PIN" in pin.error.text()
    assert window.session.member_id is None

    qtbot.keyClicks(pin.pin_edit, "4321")
    qtbot.keyClick(pin.pin_edit, Qt.Key.Key_Return)
    assert window.session.member_id == people["Tomás"]


def test_members_without_a_pin_are_picked_at_once(qtbot, store, people):
    window = open_window(qtbot, store, None)
    pick(qtbot, window, "Bongani")
    assert window.session.member_id == people["Bongani"]


def test_five_wrong_pins_make_the_dialog_wait(qtbot, store, people):
    set_pin(store, people["Mei"], people["Mei"], "2468")
    dialog = PinDialog(store, people["Mei"], "Mei", gate=PinGate())
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(5):
        qtbot.keyClicks(dialog.pin_edit, "1111")
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert "Too many wrong PINs: wait 30 seconds" in dialog.error.text()
    assert dialog.pin_edit.isReadOnly()
    assert not dialog.ok_button.isEnabled()
    dialog.try_pin()  # nothing typed, nothing checked: still waiting
    assert dialog.result() != PinDialog.DialogCode.Accepted


# -- the idle lock -----------------------------------------------------------------------------


def test_idle_time_returns_to_the_member_picker(qtbot, store, people):
    window = MainWindow(store, member_id=people["Ana"], idle_timeout_ms=60, remember_layout=False)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.waitUntil(lambda: window.session.member_id is None, timeout=5_000)
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    window.picker.reject()


def test_the_idle_lock_follows_the_coop_setting(qtbot, store, ana):
    window = MainWindow(store, member_id=ana, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    assert window.session.idle_timeout_ms == 15 * 60_000
    coop.update_settings(store, ana, idle_minutes=3)  # e.g. arriving by sync
    assert window.session.idle_timeout_ms == 3 * 60_000
