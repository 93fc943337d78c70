"""Today's inventory panels: what is running low at each site, and what is on its way here.

Negative balances (two sites gave out the same stock before they synced) are never fixed
silently: each one is listed under "Needs attention" until someone counts the shelf.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from coopdesk.base.i18n import _, ngettext
from coopdesk.gui.kit.panels import Attention, TodayPanel
from coopdesk.gui.kit.widgets import muted
from coopdesk.inventory.stock import balances
from coopdesk.inventory.transfers import awaiting_here, transfer_problems

if TYPE_CHECKING:
    from coopdesk.gui.inventory.page import InventoryPage
    from coopdesk.gui.shell.main_window import MainWindow

SHOWN_PER_SITE = 3
SHOWN_TRANSFERS = 5
SHOWN_NEGATIVE = 3


def inventory_page(window: MainWindow) -> InventoryPage:

    page = cast("InventoryPage", window.go_to("inventory"))
    return page


def open_low_stock(window: MainWindow) -> None:
    inventory_page(window).show_low_stock()


def open_transfers(window: MainWindow) -> None:
    inventory_page(window).show_transfers("in transit")


def open_item(window: MainWindow, item_id: str) -> None:
    page = inventory_page(window)
    page.tabs.setCurrentIndex(0)
    page.select_item(item_id)


class PanelText(TodayPanel):
    """A panel of a few plain lines and one button."""

    def __init__(
        self,
        window: MainWindow,
        title: str,
        button_label: str,
        action: Callable[[MainWindow], None],
    ) -> None:
        super().__init__(window, title)
        self.title_label.setWordWrap(True)  # a long title must not widen the whole window
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label = muted(QLabel())
        self.empty_label.setWordWrap(True)
        self.button = QPushButton(button_label)
        self.button.clicked.connect(lambda: action(window))
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        self.layout_.addWidget(self.body)
        self.layout_.addWidget(self.empty_label)
        self.layout_.addLayout(row)

    def show_lines(self, lines: list[str], empty: str) -> None:
        self.body.setText("\n".join(lines))
        self.body.setVisible(bool(lines))
        self.empty_label.setText(empty)
        self.empty_label.setVisible(not lines)
        self.button.setVisible(bool(lines))


class LowStockPanel(PanelText):
    """Items under their minimum, per site; negative balances need attention."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Low stock"), _("Open the shopping list"), open_low_stock)
        self.negative: list = []

    def load(self) -> None:
        # One read of every balance for both lists (low_stock and negative_balances would
        # each read them all: Today reloads after every write).
        every = balances(self.store)
        rows = [row for row in every if row.low]
        self.negative = [row for row in every if row.negative]
        by_site: dict[str, list] = defaultdict(list)
        for row in rows:
            by_site[row.site_name].append(row)
        here = self.window_.identity.site_name
        lines = []
        for site in sorted(by_site, key=lambda name: (name != here, name.casefold())):
            site_rows = by_site[site]
            shown = (
                site_rows if len(site_rows) <= SHOWN_PER_SITE else site_rows[: SHOWN_PER_SITE - 1]
            )
            names = ", ".join(f"{row.name} ({row.quantity_text})" for row in shown)
            more = len(site_rows) - len(shown)
            lines.append(
                f"•  {site}: {names}" + (_(" and {more} more").format(more=more) if more else "")
            )
        self.show_lines(lines, _("Nothing is under its minimum at any site."))

    def attention_items(self) -> list[Attention]:
        window = self.window_
        if len(self.negative) > SHOWN_NEGATIVE:
            sites = sorted({row.site_name for row in self.negative})
            return [
                Attention(
                    "stock:negative",
                    _(
                        "{count} balances are below zero (at {join}): more was given out than "
                        "the book holds, perhaps at two sites before they synced. Count those "
                        "shelves."
                    ).format(count=len(self.negative), join=", ".join(sites)),
                    _("Open shopping list"),
                    lambda: open_low_stock(window),
                )
            ]
        return [
            Attention(
                f"stock:negative:{row.item_id}:{row.site_id}",
                _(
                    "{name} at {site_name} is at {quantity_text}: more was given out than "
                    "the book holds (perhaps at two sites before they synced). Count the "
                    "shelf and record a correction."
                ).format(name=row.name, site_name=row.site_name, quantity_text=row.quantity_text),
                _("Show item"),
                lambda item_id=row.item_id: open_item(window, item_id),
            )
            for row in self.negative
        ]


class TransfersPanel(PanelText):
    """Transfers on their way to this site, to confirm when they arrive."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(
            window, _("Transfers awaiting confirmation here"), _("Confirm arrivals"), open_transfers
        )
        self.awaiting: list = []
        self.problems: list = []

    def load(self) -> None:

        self.awaiting = awaiting_here(self.store)
        self.problems = transfer_problems(self.store)
        lines = [
            _("•  {item}: {quantity} from {site}, sent {day}").format(
                item=view.item_name,
                quantity=view.quantity_text,
                site=view.from_site_name,
                day=str(view.sent_at)[:10],
            )
            for view in self.awaiting[:SHOWN_TRANSFERS]
        ]
        more = len(self.awaiting) - SHOWN_TRANSFERS
        if more > 0:
            lines.append(_("…and {more} more").format(more=more))
        self.show_lines(lines, _("Nothing is on its way here."))

    def attention_items(self) -> list[Attention]:
        window = self.window_
        items = []
        if self.awaiting:
            count = len(self.awaiting)
            items.append(
                Attention(
                    "stock:awaiting",
                    ngettext(
                        "{count} transfer is on the way here: confirm what arrived when it comes.",
                        "{count} transfers are on the way here: confirm what arrived when it "
                        "comes.",
                        count,
                    ).format(count=count),
                    _("Open transfers"),
                    lambda: open_transfers(window),
                )
            )
        if self.problems:
            count = len(self.problems)
            items.append(
                Attention(
                    "stock:received-twice",
                    ngettext(
                        "{count} transfer was received twice (confirmed on two computers before "
                        "they synced): count the shelf and correct.",
                        "{count} transfers were received twice (confirmed on two computers "
                        "before they synced): count the shelf and correct.",
                        count,
                    ).format(count=count),
                    _("Open transfers"),
                    lambda: inventory_page(window).show_transfers("problems"),
                )
            )
        return items


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [LowStockPanel(window), TransfersPanel(window)]
