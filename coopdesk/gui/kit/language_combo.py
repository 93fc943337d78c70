"""A list of the languages CoopDesk speaks, each in its own name, for settings forms."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from coopdesk.base.i18n import LANGUAGES


def language_combo(current: str, default_label: str = "") -> QComboBox:
    """The languages; with ``default_label`` ("The coop's language") first, for "", else
    English stands for "" (the source language)."""
    combo = QComboBox()
    if default_label:
        combo.addItem(default_label, "")
    for code, name in LANGUAGES.items():
        combo.addItem(name, "" if code == "en" and not default_label else code)
    combo.setCurrentIndex(max(0, combo.findData(current or "")))
    return combo
