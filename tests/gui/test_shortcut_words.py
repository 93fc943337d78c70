"""Help > Keyboard shortcuts names the keys in the window's language: Qt's own catalogue
(qtbase) names the modifier keys, ours the pages' keys ("Intro", "RePág / AvPág")."""

from __future__ import annotations

from coopdesk.base.i18n import pin_language
from coopdesk.gui.shell.language import apply_language
from tests.gui_helpers import open_window


def test_the_keyboard_shortcuts_name_their_keys_in_spanish(qtbot, store, ana):
    pin_language("es")
    try:
        apply_language("es")
        window = open_window(qtbot, store, ana)
        text = window.shortcuts_text()
    finally:
        pin_language(None)
        apply_language("en")
    assert "Control+K\t" in text  # qtbase_es: "Ctrl" is "Control"
    assert "Control+2\tTurnos" in text
    assert "\nRePág / AvPág\t" in text
    assert "\nIntro\t" in text and "\nEnter\t" not in text
    assert "PageUp" not in text and "Arrow keys" not in text
