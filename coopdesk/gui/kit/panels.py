"""What a feature's part of the Today page is made of: panels, figures, matters needing someone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from coopdesk.gui.kit.widgets import muted, scaled_font, standard_icon

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow


class Figure(QFrame):
    """A number with a caption ("35 / active members")."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel("–")
        self.number.setFont(scaled_font(self, 2.0, bold=True))
        self.caption = muted(QLabel(caption))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_number(self, value: int) -> None:
        self.number.setText(f"{value:,}")


@dataclass(frozen=True)
class Attention:
    """One thing that needs someone, and where to deal with it."""

    key: str
    text: str
    action_label: str = ""
    action: Callable[[], None] | None = None


class AttentionRow(QFrame):
    """A warning icon, what is wrong in words, and a button to go and deal with it."""

    def __init__(self, item: Attention, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="noticeBar")
        self.item = item
        icon = QLabel()
        size = self.fontMetrics().height()
        icon.setPixmap(standard_icon(self, "warning").pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text_label = QLabel(item.text)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(icon)
        layout.addWidget(self.text_label, 1)
        self.button: QPushButton | None = None
        if item.action is not None:
            self.button = QPushButton(item.action_label)
            self.button.clicked.connect(item.action)
            layout.addWidget(self.button)


class TodayPanel(QWidget):
    """A feature's part of Today (today's shifts, who holds which role, low stock).

    A feature names its panels in its ``Feature.today``: a ``build_panels(window) ->
    list[TodayPanel]`` function. The page calls ``load()`` whenever the
    store changes, and adds each panel's ``attention_items()`` to "Needs attention".
    """

    def __init__(self, window: MainWindow, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.store = window.store
        self.title_label = QLabel(title)
        self.title_label.setFont(scaled_font(self, 1.15, bold=True))
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.title_label)

    # False for a panel that only adds to "Needs attention" and shows nothing of its own.
    shows_itself = True

    def load(self) -> None:
        """Read what the panel shows from the store."""

    def attention_items(self) -> list[Attention]:
        return []


def panel_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    # Never squeezed below its text: a crowded Today page must not cut a line in half.
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label
