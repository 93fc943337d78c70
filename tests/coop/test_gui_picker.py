"""Who is at the keyboard: the picker, refusing changes without a member, the idle timeout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coopdesk.coop import activity
from coopdesk.coop.members import add_member, archive_member, count_members
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.gui.shell.picker import MemberPickerDialog


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    ids = {"Ana": ana}
    for name in ("Tomás García", "Bongani Dube", "Anouk Visser"):
        ids[name] = add_member(store, ana, name)
    return ids


def shown_window(qtbot, store, **options) -> MainWindow:
    options.setdefault("remember_layout", False)
    window = MainWindow(store, **options)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # shortcuts go to the active window
        window.show()
        window.activateWindow()
    return window


def test_picker_opens_on_start_and_enter_picks_the_typed_member(qtbot, store, people):
    window = shown_window(qtbot, store)
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    picker = window.picker
    assert window.session.member_id is None

    qtbot.keyClicks(picker.search, "tom")  # accents are ignored: finds Tomás
    assert picker.model.rowCount() == 1
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)

    assert window.session.member_id == people["Tomás García"]
    assert window.member_label.text() == "At the keyboard: Tomás García"
    assert window.picker is None or not window.picker.isVisible()


def test_arrow_keys_move_through_the_matches(qtbot, store, people):
    picker = MemberPickerDialog(store)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.search, "an")  # Ana, Anouk Visser (and Bongani: "an" in Bongani)
    names = [picker.model.row_data(row)["name"] for row in range(picker.model.rowCount())]
    assert names == ["Ana", "Anouk Visser", "Bongani Dube"]
    assert picker.chosen_member_id() is None  # nobody is chosen for them
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)  # the first: Ana
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    with qtbot.waitSignal(picker.member_picked) as picked:
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picked.args == [people["Anouk Visser"]]


def test_escape_cancels_and_nobody_is_at_the_keyboard(qtbot, store, people):
    window = shown_window(qtbot, store)
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    qtbot.keyClicks(window.picker.search, "Ana")
    qtbot.keyClick(window.picker.search, Qt.Key.Key_Escape)
    assert window.session.member_id is None
    assert window.member_label.text() == "Nobody at the keyboard"


def test_archived_members_are_not_offered(qtbot, store, ana, people):
    archive_member(store, ana, people["Bongani Dube"])
    picker = MemberPickerDialog(store)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.search, "bongani")
    assert picker.model.rowCount() == 0
    assert not picker.pick_button.isEnabled()
    assert picker.results.currentWidget() is picker.empty
    assert picker.empty.title_label.text() == "No active member matches “bongani”"


def test_without_a_member_adding_is_refused_and_nothing_is_written(qtbot, store, people):
    window = shown_window(qtbot, store, ask_for_member=False)
    page = window.go_to("members")
    before = (count_members(store), activity.count_changes(store))
    assert not page.add_button.isEnabled()
    assert page.nobody_bar.isVisible()

    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    assert window.picker is not None and window.picker.isVisible()  # asked who is here
    assert page.member_dialog is None  # and no form opened
    window.picker.reject()
    assert page.member_dialog is None
    assert (count_members(store), activity.count_changes(store)) == before


def test_choosing_yourself_after_ctrl_n_continues_to_the_form(qtbot, store, people):
    window = shown_window(qtbot, store, ask_for_member=False)
    page = window.go_to("members")
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.picker.search, "bongani")
    qtbot.keyClick(window.picker.search, Qt.Key.Key_Return)
    assert window.session.member_id == people["Bongani Dube"]
    assert page.member_dialog is not None and page.member_dialog.isVisible()
    assert page.add_button.isEnabled()
    assert not page.nobody_bar.isVisible()


def test_idle_timeout_clears_the_member_at_the_keyboard(qtbot, store, ana):
    window = shown_window(qtbot, store, member_id=ana, idle_timeout_ms=600_000)
    assert window.session.member_id == ana
    page = window.go_to("members")
    assert page.add_button.isEnabled()

    window.session.set_idle_timeout(50)  # short only now: showing the window takes a while
    qtbot.waitUntil(lambda: window.session.member_id is None, timeout=5_000)

    assert window.member_label.text() == "Nobody at the keyboard"
    assert "no input for" in window.notice_label.text()
    assert not page.add_button.isEnabled()


def test_leaving_the_keyboard_clears_the_member(qtbot, store, ana):
    window = shown_window(qtbot, store, member_id=ana, ask_for_member=False)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.session.member_id is None
    assert "Ana left the keyboard" in window.notice_label.text()


def test_archiving_the_member_at_the_keyboard_is_refused(qtbot, store, ana, people, monkeypatch):
    from coopdesk.gui.kit import dialogs

    errors: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: errors.append(message))
    window = shown_window(qtbot, store, member_id=ana, ask_for_member=False)
    page = window.go_to("members")
    assert page.select_member(ana)
    page.archive_selected()
    assert errors and "archived and cannot make changes" in errors[0]
    assert store.get("member", ana)["archived"] is False
    assert window.session.member_id == ana


def test_on_the_fifth_wrong_pin_enter_does_not_close_the_pause_message(qtbot, store, ana):
    """The fifth wrong PIN moved the focus to Cancel: the next Enter closed the dialog
    before the pause message was read."""
    from coopdesk.coop import set_pin
    from coopdesk.coop.pins import PinGate
    from coopdesk.gui.coop.pin_dialog import PinDialog

    set_pin(store, ana, ana, "2468")
    dialog = PinDialog(store, ana, "Ana", gate=PinGate())
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    for _ in range(5):
        qtbot.keyClicks(dialog.pin_edit, "1111")
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert "Too many wrong PINs" in dialog.error.text()
    assert dialog.pin_edit.hasFocus()  # not Cancel
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter waits with the message; it does not close it
    assert "Too many wrong PINs" in dialog.error.text()


def test_one_enter_after_the_lock_signs_in_nobody(qtbot, store, people):
    """The first row was preselected: one Enter signed in as whoever came first."""
    window = shown_window(qtbot, store)
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    picker = window.picker
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert window.session.member_id is None and picker.isVisible()
    assert not picker.pick_button.isEnabled()
    qtbot.keyClicks(picker.search, "an")  # Ana, Anouk Visser, Bongani: ambiguous
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert window.session.member_id is None and picker.isVisible()
    assert "3 members match" in picker.hint.text()


def test_names_come_first_and_skills_only_when_no_name_matches(qtbot, store, ana):
    """ "rosa ng" picked Rosa Haddad, whose skill "baking" holds "ng", over Rosa Ng."""
    haddad = add_member(store, ana, "Rosa Haddad", skills=["baking"])
    ng = add_member(store, ana, "Rosa Ng")
    window = shown_window(qtbot, store)
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    picker = window.picker
    qtbot.keyClicks(picker.search, "rosa ng")
    assert [picker.model.id_at(row) for row in range(picker.model.rowCount())] == [ng]
    picker.search.clear()
    qtbot.keyClicks(picker.search, "baking")  # no name has it: skills, and said so
    assert [picker.model.id_at(row) for row in range(picker.model.rowCount())] == [haddad]
    shown = picker.model.data(picker.model.index(0, 0))
    assert "not the name: skill baking" in shown


def test_setting_a_pin_says_it_is_for_this_computer_only(qtbot, store, ana):
    from coopdesk.coop.pins import has_pin, verify_pin
    from coopdesk.gui.coop.pin_dialog import SetPinDialog

    logged = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
    dialog = SetPinDialog(store, ana, "Ana")
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    assert dialog.only_here.isVisible()
    assert "This PIN is for this computer only" in dialog.only_here.text()
    assert not dialog.travelled.isVisible()
    qtbot.keyClicks(dialog.pin_edit, "2468")
    qtbot.keyClicks(dialog.again_edit, "2468")
    qtbot.keyClick(dialog.again_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert "on this computer" in dialog.result_text
    assert has_pin(store, ana) and verify_pin(store, ana, "2468")
    assert store.conn.execute("SELECT count(*) FROM _change").fetchone()[0] == logged


def test_a_pin_that_travelled_before_is_worth_changing(qtbot, store, ana):
    """A PIN moved here by the migration to schema 14 was in bundles: the dialog says so."""
    from coopdesk.coop.pins import hash_pin
    from coopdesk.gui.coop.pin_dialog import SetPinDialog

    store.conn.execute(
        "INSERT INTO _pin (member_id, verifier, travelled) VALUES (?, ?, 1)",
        (ana, hash_pin("2468")),
    )
    dialog = SetPinDialog(store, ana, "Ana")
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    assert dialog.travelled.isVisible() and "choose a new one" in dialog.travelled.text()
    assert dialog.remove_button.isVisible()


def test_signing_in_with_a_pin_that_travelled_says_to_choose_a_new_one(qtbot, store, ana):
    from coopdesk.coop.pins import hash_pin

    store.conn.execute(
        "INSERT INTO _pin (member_id, verifier, travelled) VALUES (?, ?, 1)",
        (ana, hash_pin("2468")),
    )
    window = shown_window(qtbot, store)
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
    window.picker.search.setText("Ana")
    window.picker.accept()
    qtbot.waitUntil(lambda: window.picker is not None and window.picker.pin_dialog is not None)
    pin = window.picker.pin_dialog
    qtbot.keyClicks(pin.pin_edit, "2468")
    qtbot.keyClick(pin.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.member_id == ana)
    assert "choose a new one" in window.notice_label.text()
