"""Small widgets shared by pages and dialogs: empty states and inline error messages.

Colours come from the palette (muted text uses the placeholder-text role), so they follow
light and dark themes without a stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour, readable on light and dark."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class EmptyState(QWidget):
    """A centred title, explanation and optional action for a list or page with nothing in it."""

    def __init__(
        self,
        title: str = "",
        text: str = "",
        action_label: str = "",
        on_action: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title_label = QLabel(title)
        self.title_label.setFont(scaled_font(self, 1.35, bold=True))
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.text_label = muted(QLabel(text))
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self.action_button = QPushButton(action_label)
        self.action_button.setVisible(bool(action_label))
        if on_action is not None:
            self.action_button.clicked.connect(on_action)

        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.action_button)
        button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title_label)
        layout.addSpacing(6)
        layout.addWidget(self.text_label)
        layout.addSpacing(12)
        layout.addLayout(button_row)
        layout.addStretch(3)

    def set_text(self, title: str, text: str = "", action_label: str | None = None) -> None:
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.text_label.setVisible(bool(text))
        if action_label is not None:
            self.action_button.setText(action_label)
            self.action_button.setVisible(bool(action_label))


class ErrorLabel(QWidget):
    """An inline message with the style's warning icon; hidden while there is no error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QStyle  # its enums take a while to load; not at startup

        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.icon_label = QLabel()
        size = self.fontMetrics().height()
        self.icon_label.setPixmap(icon.pixmap(size, size))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        self.hide()

    def show_message(self, message: str) -> None:
        self.text_label.setText(message)
        self.setVisible(bool(message))

    def clear(self) -> None:
        self.text_label.clear()
        self.hide()

    def text(self) -> str:
        return self.text_label.text()
