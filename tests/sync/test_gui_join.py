"""Joining an existing coop from an invitation, on the welcome dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coopdesk.base.paths import store_path
from coopdesk.coop.members import count_members
from coopdesk.gui.kit import dialogs
from coopdesk.gui.shell import app as gui_app
from coopdesk.gui.shell.join import JoinDialog, join_from_invitation
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.gui.shell.welcome import WelcomeDialog
from coopdesk.gui.sync import drives
from coopdesk.sync.invite import Invitation, make_invitation
from tests.gui.test_welcome import drive_modal_welcome

TASK_TIMEOUT_MS = 30_000


@pytest.fixture
def invitation(store, ana, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invitation:
    """An invitation for site Bakery of Test Coop; the file picker will choose it."""
    path = tmp_path / "Test-Coop-invitation-Bakery.coopinvite"
    made = make_invitation(store, ana, "Bakery", path)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *args: made.path)
    monkeypatch.setattr(drives, "scan_drives", list)
    return made


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    return tmp_path / "bakery-computer"


def open_join_dialog(qtbot, welcome: WelcomeDialog) -> JoinDialog:
    assert welcome.join_button.isEnabled()
    qtbot.mouseClick(welcome.join_button, Qt.MouseButton.LeftButton)
    dialog = welcome.join_dialog
    assert isinstance(dialog, JoinDialog) and dialog.isVisible()
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    return dialog


def test_joining_opens_the_window_on_the_joined_coop_and_asks_who_is_here(
    qtbot, invitation, new_site
):
    def join(welcome: WelcomeDialog) -> None:
        dialog = open_join_dialog(qtbot, welcome)
        assert dialog.file_edit.text() == str(invitation.path)
        # Small letters and no dashes are fine: people type what they were told.
        qtbot.keyClicks(dialog.passphrase_edit, invitation.passphrase.lower().replace("-", ""))
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: welcome.result() == WelcomeDialog.DialogCode.Accepted, timeout=TASK_TIMEOUT_MS
        )

    errors = drive_modal_welcome(join)
    window = gui_app.open_main_window(new_site)
    if errors:
        raise errors[0]
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    try:
        assert window.windowTitle() == "Test Coop"
        assert window.identity.site_name == "Bakery"
        assert window.store.site_id == invitation.site_id
        assert count_members(window.store) == 1  # Ana came along in the snapshot
        assert window.notice_label.text().startswith("Joined Test Coop as site Bakery.")
        window.show()
        # Nobody is at the keyboard on a new site: the member picker comes up.
        qtbot.waitUntil(lambda: window.picker is not None and window.picker.isVisible())
        window.picker.reject()
    finally:
        window.close()
        window.store.close()


def test_a_wrong_passphrase_keeps_the_dialog_open_to_try_again(qtbot, invitation, new_site):
    welcome = WelcomeDialog(new_site, join=join_from_invitation)
    qtbot.addWidget(welcome)
    welcome.show()
    dialog = open_join_dialog(qtbot, welcome)

    qtbot.keyClicks(dialog.passphrase_edit, "AAAA-BBBB-CCCC-DDDD")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=TASK_TIMEOUT_MS)

    assert dialog.isVisible() and welcome.isVisible()
    assert "The passphrase does not match this invitation" in dialog.error.text()
    assert dialog.passphrase_edit.isEnabled() and dialog.join_button.isEnabled()
    assert not store_path(new_site).exists()

    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, invitation.passphrase)
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: welcome.result() == WelcomeDialog.DialogCode.Accepted, timeout=TASK_TIMEOUT_MS
    )
    assert welcome.store is not None
    try:
        assert welcome.store.site_id == invitation.site_id
        assert welcome.member_id is None
    finally:
        welcome.store.close()


def test_joining_needs_a_file_and_a_passphrase(qtbot, invitation, new_site):
    welcome = WelcomeDialog(new_site, join=join_from_invitation)
    qtbot.addWidget(welcome)
    welcome.show()
    qtbot.mouseClick(welcome.join_button, Qt.MouseButton.LeftButton)
    dialog = welcome.join_dialog
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Choose the invitation file first."
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Type the passphrase that was shown with the invitation."
    assert dialog.task is None and dialog.isVisible()


def test_a_file_that_is_not_an_invitation_is_explained(qtbot, new_site, tmp_path, monkeypatch):
    letter = tmp_path / "letter.coopinvite"
    letter.write_text("Dear coop, ...")
    monkeypatch.setattr(dialogs, "open_file_name", lambda *args: letter)
    monkeypatch.setattr(drives, "scan_drives", list)
    welcome = WelcomeDialog(new_site, join=join_from_invitation)
    qtbot.addWidget(welcome)
    welcome.show()
    dialog = open_join_dialog(qtbot, welcome)
    qtbot.keyClicks(dialog.passphrase_edit, "AAAA-BBBB-CCCC-DDDD")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=TASK_TIMEOUT_MS)
    assert dialog.error.text() == "letter.coopinvite is not a CoopDesk invitation."
    assert not store_path(new_site).exists()


def test_after_a_typo_enter_joins_with_the_right_passphrase(qtbot, invitation, new_site):
    """Wrong passphrase and Enter, then the right one and Enter closed the dialog with
    nothing joined: the busy field had handed the focus, and Enter, to Cancel."""
    welcome = WelcomeDialog(new_site, join=join_from_invitation)
    qtbot.addWidget(welcome)
    with qtbot.waitActive(welcome):
        welcome.show()
    dialog = open_join_dialog(qtbot, welcome)
    dialog.passphrase_edit.setFocus()
    qtbot.keyClicks(dialog.passphrase_edit, "AAAA-BBBB-CCCC-DDDD")
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=TASK_TIMEOUT_MS)
    assert "The passphrase does not match this invitation" in dialog.error.text()
    assert dialog.isVisible()

    focused = QApplication.focusWidget() or dialog
    if focused is not dialog.passphrase_edit:  # wherever the keyboard is now, Enter joins
        qtbot.keyClick(focused, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.task is None, timeout=TASK_TIMEOUT_MS)
        assert dialog.isVisible(), "Enter closed the dialog with nothing joined"
    dialog.passphrase_edit.setFocus()
    dialog.passphrase_edit.selectAll()
    qtbot.keyClicks(dialog.passphrase_edit, invitation.passphrase)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: welcome.result() == WelcomeDialog.DialogCode.Accepted, timeout=TASK_TIMEOUT_MS
    )
    assert welcome.store is not None
    try:
        assert welcome.store.site_id == invitation.site_id
    finally:
        welcome.store.close()
