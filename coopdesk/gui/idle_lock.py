"""The idle lock: after the coop's ``idle_minutes`` without input, back to the member picker.

It is a coop setting (synced, so every site locks alike); changing it needs the "settings"
mandate. The window follows it (``MainWindow._follow_idle_setting``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from coopdesk import coop
from coopdesk.gui import dialogs
from coopdesk.store import Store

if TYPE_CHECKING:
    from coopdesk.gui.main_window import MainWindow

DEFAULT_IDLE_MINUTES = 15


def idle_minutes(store: Store) -> int:
    """The coop's idle lock in minutes (15 when the coop row is not there yet)."""
    coop_id = store.coop_id
    row = store.get("coop", coop_id) if coop_id else None
    value = row.get("idle_minutes") if row else None
    return int(value) if value else DEFAULT_IDLE_MINUTES


def ask_idle_minutes(window: MainWindow) -> None:
    """Ask for the idle minutes and save them as the member at the keyboard."""
    from coopdesk.gui.mandate_gate import refusal

    def change(author: str) -> None:
        refused = refusal(window.store, author, "settings")
        if refused:
            dialogs.show_error(window, refused)
            return
        minutes, ok = QInputDialog.getInt(
            window,
            "Idle lock",
            "Return to the member picker after this many minutes without input\n"
            "(a coop setting: every site follows it after the next sync):",
            idle_minutes(window.store),
            1,
            480,
        )
        if not ok:
            return
        with dialogs.reported_errors(window) as outcome:
            coop.update_settings(window.store, author, idle_minutes=minutes)
        if outcome.ok:
            window.show_notice(
                f"The member picker now comes back after {minutes} idle "
                f"minute{'s' if minutes != 1 else ''}."
            )

    window.with_author(change, "Choose who you are before changing the coop's settings.")
