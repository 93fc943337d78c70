"""Today's panels for this feature (placeholder until the feature lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopdesk.gui.main_window import MainWindow
    from coopdesk.gui.pages.today import TodayPanel


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return []
