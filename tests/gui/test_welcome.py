"""First run: the welcome dialog, and refusing stores this CoopDesk must not open."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from coopdesk.base.paths import store_path
from coopdesk.coop.coop import start_coop
from coopdesk.coop.members import count_members
from coopdesk.gui.kit.background import TaskCancelled
from coopdesk.gui.shell import app as gui_app
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.gui.shell.welcome import WelcomeDialog, build_demo_store


def drive_modal_welcome(action: Callable[[WelcomeDialog], None]) -> list[BaseException]:
    """Run ``action`` on the welcome dialog once its modal loop is running.

    If the action fails, the dialog is closed so the test does not hang; the error is
    returned for the test to raise.
    """
    errors: list[BaseException] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, WelcomeDialog), dialog
            action(dialog)
        except BaseException as exc:
            errors.append(exc)
            if isinstance(dialog, WelcomeDialog) and dialog.isVisible():
                dialog.done(WelcomeDialog.DialogCode.Rejected)

    QTimer.singleShot(0, drive)
    return errors


def test_start_a_new_coop_opens_the_window_with_the_founder_at_the_keyboard(qtbot, data_dir):
    def start(dialog: WelcomeDialog) -> None:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.pages.currentIndex() == 1
        qtbot.keyClicks(dialog.coop_name_edit, "Hillside Kitchen Collective")
        qtbot.keyClicks(dialog.site_name_edit, "Church Hall")
        qtbot.keyClicks(dialog.member_name_edit, "Joana Reis")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    errors = drive_modal_welcome(start)
    window = gui_app.open_main_window(data_dir)
    if errors:
        raise errors[0]
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.windowTitle() == "Hillside Kitchen Collective"
        assert "Hillside Kitchen Collective · site Church Hall" in window.identity_label.text()
        assert window.member_label.text() == "At the keyboard: Joana Reis"
        assert window.session.member_name == "Joana Reis"
        assert window.picker is None  # the founder is not asked who they are
        assert store_path(data_dir).exists()
    finally:
        window.close()
        window.store.close()


def test_enter_in_the_form_starts_the_coop(qtbot, data_dir):
    dialog = WelcomeDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_new_coop_form()
    qtbot.keyClicks(dialog.coop_name_edit, "Oak Street Pantry")
    qtbot.keyClicks(dialog.site_name_edit, "Basement")
    qtbot.keyClicks(dialog.member_name_edit, "Sam")
    qtbot.keyClick(dialog.member_name_edit, Qt.Key.Key_Return)
    assert dialog.result() == WelcomeDialog.DialogCode.Accepted
    assert dialog.store is not None
    try:
        assert count_members(dialog.store) == 1
    finally:
        dialog.store.close()


def test_missing_coop_name_is_explained_and_nothing_is_created(qtbot, data_dir):
    dialog = WelcomeDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.site_name_edit, "Kitchen")
    qtbot.keyClicks(dialog.member_name_edit, "Ana")
    dialog.member_name_edit.setFocus()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.form_error.text() == "Coop name is required."
    assert dialog.focusWidget() is dialog.coop_name_edit
    assert not store_path(data_dir).exists()


def test_escape_on_the_form_goes_back_and_escape_again_closes(qtbot, data_dir):
    dialog = WelcomeDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_new_coop_form()
    qtbot.keyClick(dialog.coop_name_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.pages.currentIndex() == 0
    qtbot.keyClick(dialog.start_button, Qt.Key.Key_Escape)
    assert dialog.result() == WelcomeDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_join_is_shown_but_waits_for_sync(qtbot, data_dir):
    dialog = WelcomeDialog(data_dir)
    qtbot.addWidget(dialog)
    assert dialog.join_button.text() == "Join an existing coop"
    assert not dialog.join_button.isEnabled()
    assert "sync" in dialog.join_button.description().lower()


def test_demo_is_created_off_the_gui_thread_and_opened(qtbot, data_dir):
    dialog = WelcomeDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.task is not None  # running in the background, the dialog stays responsive
    assert not dialog.demo_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.result() == WelcomeDialog.DialogCode.Accepted, timeout=30_000)
    assert dialog.store is not None
    try:
        assert dialog.member_id is None  # the window will ask who is at the keyboard
        assert count_members(dialog.store) > 30
        leftovers = [p.name for p in data_dir.iterdir() if p.name.startswith(".demo-")]
        assert leftovers == []
    finally:
        dialog.store.close()


def test_cancelled_demo_leaves_the_data_dir_without_a_store(data_dir):
    with pytest.raises(TaskCancelled):
        build_demo_store(data_dir, lambda *_: None, lambda: True)
    assert not store_path(data_dir).exists()
    assert list(data_dir.iterdir()) == []


def test_closing_the_welcome_dialog_quits_without_a_store(qtbot, data_dir):
    errors = drive_modal_welcome(lambda dialog: dialog.reject())
    assert gui_app.run(data_dir) == 0
    if errors:
        raise errors[0]
    assert not store_path(data_dir).exists()


@pytest.fixture
def startup_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(gui_app, "show_startup_error", shown.append)
    return shown


def test_a_store_from_a_newer_coopdesk_is_refused_untouched(qtbot, data_dir, startup_errors):
    start_coop(data_dir, "Test Coop", "Kitchen", "Ana").close()
    path = store_path(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = path.read_bytes()

    assert gui_app.run(data_dir) == 1
    assert len(startup_errors) == 1 and "newer CoopDesk" in startup_errors[0]
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_store_is_refused_untouched(qtbot, data_dir, startup_errors):
    data_dir.mkdir(parents=True)
    path: Path = store_path(data_dir)
    path.write_text("shopping list: oats, lentils\n")
    assert gui_app.run(data_dir) == 1
    assert "not a CoopDesk store" in startup_errors[0]
    assert path.read_text() == "shopping list: oats, lentils\n"


def test_join_can_be_enabled_by_passing_a_handler(qtbot, data_dir):
    joined: list[WelcomeDialog] = []
    dialog = WelcomeDialog(data_dir, join=joined.append)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.join_button.isEnabled()
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert joined == [dialog]


def test_the_choice_the_keyboard_is_on_can_be_seen(qtbot, data_dir):
    """Tab moved through the welcome choices with nothing to show where it was."""
    dialog = WelcomeDialog(data_dir)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    dialog.start_button.setFocus()
    qtbot.waitUntil(dialog.start_button.hasFocus)
    focused = dialog.start_button.grab().toImage()
    qtbot.keyClick(dialog.start_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not dialog.start_button.hasFocus())
    assert dialog.start_button.grab().toImage() != focused
