"""Light and dark: follow the system's colour scheme with a matching palette.

Qt 6.5+ tells the system scheme through ``QStyleHints.colorScheme()``. Styles that draw dark
mode themselves (macOS, Windows 11) are left alone; elsewhere a dark scheme gets the Fusion
style with a dark palette. The stylesheet in resources/styles/coopdesk.qss uses only
``palette(...)`` colours, so it follows whichever palette is active. ``COOPDESK_THEME=dark`` or
``light`` overrides the system (for screenshots and for people who prefer the other one).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from coopdesk.base.paths import resources_dir
from coopdesk.gui.kit.accessible import show_focus

THEME_ENV = "COOPDESK_THEME"
_STYLES_DRAWING_DARK_MODE = {"macos", "windows11"}
_applied_dark: bool | None = None


def wants_dark(app: QApplication) -> bool:
    forced = os.environ.get(THEME_ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A calm dark palette for Fusion, with enough contrast for text and selections."""
    palette = QPalette()
    window = QColor(0x2B, 0x2D, 0x30)
    base = QColor(0x1F, 0x21, 0x24)
    text = QColor(0xE6, 0xE6, 0xE6)
    disabled_text = QColor(0x80, 0x80, 0x80)
    highlight = QColor(0x3D, 0x7E, 0xC7)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(0x26, 0x28, 0x2B),
        QPalette.ColorRole.ToolTipBase: QColor(0x3A, 0x3C, 0x40),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(0x9A, 0x9D, 0xA2),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(0x35, 0x37, 0x3B),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(0xFF, 0x6B, 0x6B),
        QPalette.ColorRole.Light: QColor(0x4A, 0x4D, 0x52),
        QPalette.ColorRole.Midlight: QColor(0x3A, 0x3C, 0x40),
        QPalette.ColorRole.Mid: QColor(0x45, 0x48, 0x4D),
        QPalette.ColorRole.Dark: QColor(0x18, 0x19, 0x1B),
        QPalette.ColorRole.Shadow: QColor(0x0E, 0x0E, 0x0F),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor(0xFF, 0xFF, 0xFF),
        QPalette.ColorRole.Link: QColor(0x7A, 0xB4, 0xF5),
        QPalette.ColorRole.LinkVisited: QColor(0xB3, 0x9D, 0xF0),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled_text)
    palette.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(0x50, 0x50, 0x50)
    )
    return palette


def load_stylesheet() -> str:
    path = resources_dir() / "styles" / "coopdesk.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def apply_theme(app: QApplication, dark: bool | None = None) -> bool:
    """Set the palette (and Fusion if needed) for a dark or light scheme. Returns ``dark``."""
    global _applied_dark
    if dark is None:
        dark = wants_dark(app)
    style_name = app.style().name().lower()
    if dark and style_name not in _STYLES_DRAWING_DARK_MODE:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    elif not dark and _applied_dark:
        app.setPalette(app.style().standardPalette())
    _applied_dark = dark
    app.setStyleSheet(load_stylesheet())
    show_focus(app)
    return dark


def follow_system_theme(app: QApplication) -> None:
    """Re-apply the theme when the system switches between light and dark."""
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))


def app_icon() -> QIcon:
    """The CoopDesk icon from resources/icons, or an empty icon if it is missing."""
    icons = resources_dir() / "icons"
    icon = QIcon()
    svg = icons / "coopdesk.svg"
    if svg.exists():
        icon.addFile(str(svg))
    for size in (16, 32, 48, 64, 128, 256):
        png = icons / f"coopdesk-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    return icon
