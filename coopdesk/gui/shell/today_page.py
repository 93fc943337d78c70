"""Today: the coop at a glance — what needs attention, who we are, and what happened lately.

A rotating coordinator opens the app and sees first what needs someone: open sync conflicts
(one click to settle them), sites not heard from for over a week, clocks that look wrong, and
a recent change of this computer's site identity. Later features add unfilled shifts and low
stock to the same list.

The features' panels are built and loaded just after the page is first painted when the
window opens on Today, so the window is on screen before them (start-up reads only the
figures and the recent list); asking for the page (``go_to``) builds them at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.feature import all_features, resolve
from coopdesk.base.i18n import _
from coopdesk.coop import changes_recorded, count_members, identity, recent_changes, sites
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.panels import Attention, AttentionRow, Figure, TodayPanel
from coopdesk.gui.kit.widgets import muted, scaled_font

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

RECENT_COUNT = 8


class TodayPage(Page):
    """A small summary; reloads on any change (the recent list shows every write)."""

    watches_every_table = True

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Today"))
        self.members_figure = Figure(_("active members"))
        self.sites_figure = Figure(_("sites"))
        self.changes_figure = Figure(_("changes recorded"))
        figures = QGridLayout()
        figures.setHorizontalSpacing(12)
        for column, figure in enumerate(
            (self.members_figure, self.sites_figure, self.changes_figure)
        ):
            figures.addWidget(figure, 0, column)
            figures.setColumnStretch(column, 1)

        recent_title = QLabel(_("Recent activity"))
        recent_title.setFont(scaled_font(self, 1.15, bold=True))
        self.recent_label = QLabel()
        self.recent_label.setTextFormat(Qt.TextFormat.PlainText)
        self.recent_label.setWordWrap(True)
        self.recent_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.recent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        attention_title = QLabel(_("Needs attention"))
        attention_title.setFont(scaled_font(self, 1.15, bold=True))
        self.attention_rows: list[AttentionRow] = []
        self.attention_box = QVBoxLayout()
        self.attention_box.setSpacing(6)
        self.all_clear = muted(
            QLabel(
                _(
                    "Nothing needs attention: every site agrees, and every site was heard from "
                    "this week."
                )
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
        self.panels_built = False
        # Opening the window on Today: the panels wait for the first paint (see the module).
        self._panels_wait = False
        self.panels_box = QVBoxLayout()
        self.panels_box.setContentsMargins(0, 0, 0, 0)
        body.addLayout(self.panels_box)
        body.addSpacing(16)
        body.addWidget(recent_title)
        body.addWidget(self.recent_label)
        body.addStretch(1)

    def _build_panels(self) -> None:
        """Every feature's panels, two to a row (their modules are imported here)."""
        self.panels_built = True
        panels = QGridLayout()
        panels.setHorizontalSpacing(24)
        panels.setVerticalSpacing(16)
        shown = 0
        for feature in all_features():
            for panel in resolve(feature.today)(self.window_) if feature.today else ():
                self.panels.append(panel)
                if panel.shows_itself:
                    row, column = divmod(shown, 2)
                    panels.addWidget(panel, row, column, Qt.AlignmentFlag.AlignTop)
                    shown += 1
                else:
                    panel.hide()
        if shown:
            self.panels_box.addSpacing(16)
            self.panels_box.addLayout(panels)

    def load(self) -> None:
        self._load_summary()
        if self.window_.opening:
            self._panels_wait = True  # after the first paint (paintEvent)
            self.all_clear.hide()  # not known yet
            return
        self._load_panels()

    def _load_panels(self) -> None:
        self._panels_wait = False
        if not self.panels_built:
            self._build_panels()
        for panel in self.panels:
            panel.load()
        self._show_attention(self.attention_items())

    def finish_loading(self) -> None:
        """Asked for (``go_to``): the panels too, at once, if they were still waiting."""
        if self._panels_wait:
            self._load_panels()
        super().finish_loading()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._panels_wait:
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        # A window closed in the meantime (the self-test quits at once) loads nothing more:
        # its store may be closed already.
        if self.isVisible():
            self.finish_loading()

    def _load_summary(self) -> None:
        ident = identity(self.store)
        self.title_label.setText(_("Today at {coop_name}").format(coop_name=ident.coop_name))
        self.subtitle_label.setText(_("Site {site_name}").format(site_name=ident.site_name))
        self.subtitle_label.show()
        self.members_figure.set_number(count_members(self.store, "active"))
        self.sites_figure.set_number(sum(1 for s in sites(self.store) if not s["archived"]))
        self.changes_figure.set_number(changes_recorded(self.store))
        items = recent_changes(self.store, RECENT_COUNT)
        self.recent_label.setText(
            "\n".join(f"•  {item.sentence()}" for item in items) or _("Nothing has happened yet.")
        )

    def member_changed(self, member_id: str | None) -> None:
        """Panels speak to the member at the keyboard ("you have not voted yet"): reload."""
        if not self.loaded:
            return
        if self.isVisible():
            self.load()
        else:
            self.stale = True

    def attention_items(self) -> list[Attention]:
        return [item for panel in self.panels for item in panel.attention_items()]

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
