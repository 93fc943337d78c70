"""Switching the window's language: the catalogues, Qt's own words, the layout direction.

The language is process-wide (one member at one keyboard): ``apply_language`` sets the one
``_`` (coopdesk.base.i18n), loads Qt's ``qtbase_<lang>.qm`` for its standard dialogs and
buttons, and lays the application out right to left for Arabic. The main window calls it
when a member takes the keyboard and at the idle lock, then rebuilds what it shows
(``MainWindow.retranslate``).
"""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from coopdesk.base import i18n

_qt_translator: QTranslator | None = None


def window_language(wanted: str | None) -> str:
    """The language the window shows for a member's (or the coop's) setting: an explicit
    ``--lang`` wins, then ``wanted``, then English."""
    pinned = i18n.pinned_language()
    if pinned:
        return pinned
    return i18n.known_language(wanted) or i18n.SOURCE_LANGUAGE


def apply_language(language: str) -> bool:
    """Speak ``language`` from now on; True when that changed the language."""
    changed = language != i18n.current_language()
    i18n.set_language(language)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        _install_qt_translation(app, language)
        direction = (
            Qt.LayoutDirection.RightToLeft
            if i18n.is_right_to_left(language)
            else Qt.LayoutDirection.LeftToRight
        )
        if app.layoutDirection() != direction:
            app.setLayoutDirection(direction)
    if language in i18n.LANGUAGES:
        locale = QLocale(language)
        QLocale.setDefault(locale)
        # A widget takes the default locale when it is made, and its children take its own:
        # windows made before this (the main window, at start-up) would show English dates.
        if isinstance(app, QApplication):
            for widget in app.topLevelWidgets():
                if widget.locale() != locale:
                    widget.setLocale(locale)
    return changed


def _install_qt_translation(app: QApplication, language: str) -> None:
    """Qt's own words (Cancel, Yes, the file dialog) from PySide6's qtbase_<lang>.qm."""
    global _qt_translator
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if language == i18n.SOURCE_LANGUAGE or language not in i18n.LANGUAGES:
        return
    translator = QTranslator(app)
    # Where Qt says its translations are; the packaged app keeps them beside PySide6.
    folders = (
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(Path(PySide6.__file__).resolve().parent / "Qt" / "translations"),
    )
    for folder in folders:
        if translator.load(f"qtbase_{language}", folder):
            app.installTranslator(translator)
            _qt_translator = translator
            return
