"""Today: the coop at a glance — who we are, how many, and what happened lately.

Later features add what needs attention (unfilled shifts, low stock, sync conflicts) here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from coopdesk import activity, coop
from coopdesk.gui.pages.base import Page
from coopdesk.gui.widgets import muted, scaled_font
from coopdesk.members import count_members

if TYPE_CHECKING:
    from coopdesk.gui.main_window import MainWindow

RECENT_COUNT = 8


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


class TodayPage(Page):
    """A small summary; reloads on any change (the recent list shows every write)."""

    watches_every_table = True

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, "Today")
        self.members_figure = Figure("active members")
        self.sites_figure = Figure("sites")
        self.changes_figure = Figure("changes recorded")
        figures = QGridLayout()
        figures.setHorizontalSpacing(12)
        for column, figure in enumerate(
            (self.members_figure, self.sites_figure, self.changes_figure)
        ):
            figures.addWidget(figure, 0, column)
            figures.setColumnStretch(column, 1)

        recent_title = QLabel("Recent activity")
        recent_title.setFont(scaled_font(self, 1.15, bold=True))
        self.recent_label = QLabel()
        self.recent_label.setTextFormat(Qt.TextFormat.PlainText)
        self.recent_label.setWordWrap(True)
        self.recent_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.recent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        attention_title = QLabel("Needs attention")
        attention_title.setFont(scaled_font(self, 1.15, bold=True))
        attention = muted(
            QLabel(
                "Unfilled shifts, low stock and sync conflicts will be listed here as those "
                "parts of CoopDesk arrive."
            )
        )
        attention.setWordWrap(True)

        self.layout_.addSpacing(6)
        self.layout_.addLayout(figures)
        self.layout_.addSpacing(16)
        self.layout_.addWidget(recent_title)
        self.layout_.addWidget(self.recent_label)
        self.layout_.addSpacing(16)
        self.layout_.addWidget(attention_title)
        self.layout_.addWidget(attention)
        self.layout_.addStretch(1)

    def load(self) -> None:
        ident = coop.identity(self.store)
        self.title_label.setText(f"Today at {ident.coop_name}")
        self.subtitle_label.setText(f"Site {ident.site_name}")
        self.subtitle_label.show()
        self.members_figure.set_number(count_members(self.store, "active"))
        self.sites_figure.set_number(sum(1 for s in coop.sites(self.store) if not s["archived"]))
        self.changes_figure.set_number(activity.count(self.store))
        items = activity.recent(self.store, RECENT_COUNT)
        self.recent_label.setText(
            "\n".join(f"•  {item.sentence()}" for item in items) or "Nothing has happened yet."
        )
