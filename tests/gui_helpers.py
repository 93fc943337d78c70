"""Helpers shared by the GUI tests."""

from __future__ import annotations

from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.store.store import Store


def open_window(qtbot, store: Store, member_id: str | None) -> MainWindow:
    """The main window on ``store`` with ``member_id`` at the keyboard, shown and active."""
    window = MainWindow(store, member_id=member_id, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window
