"""Today: the coop at a glance — what needs attention, who we are, and what happened lately.

A rotating coordinator opens the app and sees first what needs someone: open sync conflicts
(one click to settle them), sites not heard from for over a week, clocks that look wrong, and
a recent change of this computer's site identity. Later features add unfilled shifts and low
stock to the same list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coopdesk.coop import activity, coop
from coopdesk.coop.members import count_members
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import muted, scaled_font, standard_icon
from coopdesk.gui.sync.models import days_silent, is_peer, is_stale, recent_identity_notice
from coopdesk.store.store import Store
from coopdesk.sync.conflicts import count_conflicts
from coopdesk.sync.peers import sites_overview

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

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


@dataclass(frozen=True)
class Attention:
    """One thing that needs someone, and where to deal with it."""

    key: str
    text: str
    action_label: str = ""
    action: Callable[[], None] | None = None


def sync_attention(store: Store) -> list[tuple[str, str]]:
    """``(key, text)`` for each sync matter: conflicts, silent sites, wrong clocks, identity."""
    found = []
    conflicts = count_conflicts(store)
    if conflicts:
        found.append(
            (
                "conflicts",
                f"{conflicts} sync conflict{'s' if conflicts != 1 else ''} to settle: two sites "
                "changed the same thing before they synced.",
            )
        )
    for status in sites_overview(store, with_pending=False):
        if not is_peer(status):
            continue
        problems = []
        if is_stale(status):
            days = days_silent(status)
            problems.append(
                "no bundle received from it yet"
                if days is None
                else f"not heard from for {days} days"
            )
        if status.clock_warning:
            problems.append(status.clock_warning)
        if problems:
            found.append((f"site:{status.site_id}", f"{status.name}: {'; '.join(problems)}."))
    notice = recent_identity_notice(store)
    if notice:
        found.append(("identity", notice))
    return found


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

    Features provide panels from modules listed in ``TODAY_PANEL_MODULES``; each module has
    ``build_panels(window) -> list[TodayPanel]``. The page calls ``load()`` whenever the
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

    def load(self) -> None:
        """Read what the panel shows from the store."""

    def attention_items(self) -> list[Attention]:
        return []


TODAY_PANEL_MODULES = (
    "coopdesk.gui.shifts.today",
    "coopdesk.gui.roles.today",
    "coopdesk.gui.inventory.today",
)


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
        self.attention_rows: list[AttentionRow] = []
        self.attention_box = QVBoxLayout()
        self.attention_box.setSpacing(6)
        self.all_clear = muted(
            QLabel(
                "Nothing needs attention: every site agrees, and every site was heard from "
                "this week."
            )
        )
        self.all_clear.setWordWrap(True)

        # Everything below the title scrolls: with every feature's panels the page is taller
        # than a small screen, and the window must still fit on one.
        content = QWidget(objectName="todayContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        scroll = QScrollArea(objectName="todayScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.layout_.addWidget(scroll, 1)
        body.addSpacing(6)
        body.addLayout(figures)
        body.addSpacing(16)
        body.addWidget(attention_title)
        body.addLayout(self.attention_box)
        body.addWidget(self.all_clear)
        self.panels: list[TodayPanel] = []
        panels = QGridLayout()
        panels.setHorizontalSpacing(24)
        panels.setVerticalSpacing(16)
        for module_name in TODAY_PANEL_MODULES:
            for panel in importlib.import_module(module_name).build_panels(window):
                row, column = divmod(len(self.panels), 2)
                panels.addWidget(panel, row, column, Qt.AlignmentFlag.AlignTop)
                self.panels.append(panel)
        if self.panels:
            body.addSpacing(16)
            body.addLayout(panels)
        body.addSpacing(16)
        body.addWidget(recent_title)
        body.addWidget(self.recent_label)
        body.addStretch(1)

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
        for panel in self.panels:
            panel.load()
        self._show_attention(self.attention_items())

    def attention_items(self) -> list[Attention]:
        items = []
        for panel in self.panels:
            items.extend(panel.attention_items())
        for key, text in sync_attention(self.store):
            if key == "conflicts":
                items.append(Attention(key, text, "Settle conflicts", self.window_.show_conflicts))
            else:
                items.append(Attention(key, text, "Open Sync", lambda: self.window_.go_to("sync")))
        return items

    def _show_attention(self, items: list[Attention]) -> None:
        for row in self.attention_rows:
            self.attention_box.removeWidget(row)
            row.deleteLater()
        self.attention_rows = [AttentionRow(item) for item in items]
        for row in self.attention_rows:
            self.attention_box.addWidget(row)
        self.all_clear.setVisible(not items)

    def attention_text(self) -> str:
        """Everything the attention list says (for tests and screen readers)."""
        return "\n".join(row.item.text for row in self.attention_rows)
