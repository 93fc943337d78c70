"""The idle lock: after the coop's ``idle_minutes`` without input, back to the member picker.

It is a coop setting (synced, so every site locks alike); it is changed in the coop settings
dialog (coopdesk/gui/settings_dialog.py, File › Coop settings… or File › Idle lock…), which
needs the "settings" mandate. The window follows it (``MainWindow._follow_idle_setting``).
"""

from __future__ import annotations

from coopdesk.store.store import Store

DEFAULT_IDLE_MINUTES = 15


def idle_minutes(store: Store) -> int:
    """The coop's idle lock in minutes (15 when the coop row is not there yet)."""
    coop_id = store.coop_id
    row = store.get("coop", coop_id) if coop_id else None
    value = row.get("idle_minutes") if row else None
    return int(value) if value else DEFAULT_IDLE_MINUTES
