"""Table models for the Inventory page: stock per site, an item's ledger, transfers, low stock.

Stock reads best for a coordinator as one row per item with a column per site ("Rice: Kitchen
3 kg, Warehouse 40 kg"), so ``StockTableModel`` pivots the core's ``balances()`` rows (one per
item and site). Balances come from the derived per-site summary, so even a thousand items at
several sites are read in one query; the lists here are small enough to hold in memory.

A balance under the item's minimum says "low" and one under zero says "negative", in words
*and* in colour, so neither depends on seeing red.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from coopdesk.base.i18n import N_, _
from coopdesk.coop import sites
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.inventory.items import format_quantity
from coopdesk.inventory.stock import REASON_LABELS, balances
from coopdesk.store.store import Store

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SITE_ID_ROLE = Qt.ItemDataRole.UserRole + 2


TRANSFER_STATES = (
    (N_("All transfers"), None),
    (N_("In transit"), "in transit"),
    (N_("Received"), "received"),
    (N_("Problems"), "problems"),
)


def reason_label(reason: str) -> str:
    """ "Sent to another site": the core's words, starting a cell."""
    text = REASON_LABELS.get(reason, reason.replace("-", " "))
    return text[:1].upper() + text[1:]


def _dark() -> bool:
    palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def flag_colour(kind: str) -> QColor:
    """Text colour for a flagged quantity ("negative", "low"), readable on light and dark."""
    dark = _dark()
    if kind == "negative":
        return QColor("#ff8a80" if dark else "#b3261e")
    if kind == "low":
        return QColor("#ffcc80" if dark else "#8a4b00")
    return QApplication.palette().color(QPalette.ColorRole.Text)


def flag_background(kind: str) -> QColor | None:
    """A faint tint behind flagged cells; None for ordinary ones."""
    dark = _dark()
    if kind == "negative":
        return QColor(0x5C, 0x1F, 0x1B) if dark else QColor(0xFD, 0xE7, 0xE6)
    if kind == "low":
        return QColor(0x4D, 0x3A, 0x12) if dark else QColor(0xFF, 0xF2, 0xD9)
    return None


def row_flag(row: Any) -> str:
    """``"negative"``, ``"low"`` or ``""`` for a balance row."""
    if getattr(row, "negative", False):
        return "negative"
    if getattr(row, "low", False):
        return "low"
    return ""


def flagged_text(row: Any) -> str:
    """A balance as people read it, with its flag in words: ``"2 kg · low"``."""
    flag = row_flag(row)
    text = row.quantity_text
    if flag == "negative":
        return _("{text} · negative").format(text=text)
    if flag == "low":
        return _("{text} · low").format(text=text)
    return text


def signed_quantity(item: dict[str, Any], delta: int) -> str:
    """``+5 kg`` / ``−2.5 kg``: a movement's change with its direction."""

    text = format_quantity(item, abs(delta))
    return f"+{text}" if delta > 0 else f"−{text}" if delta < 0 else text


def when_text(moment: Any) -> str:
    """``2026-12-01 18:05`` from a stored datetime (local wall time)."""
    text = str(moment or "")
    return text[:16].replace("T", " ")


# -- stock: one row per item, one column per site ---------------------------------------------


def stocking_sites(store: Store) -> set[str]:
    """Sites that ever kept something, or have a minimum of something (derived table read).

    A site that keeps no stock at all (a meeting hall) would be a column of zeros.
    """
    rows = store.conn.execute(
        "SELECT site_id FROM _stock_balance WHERE moves > 0"
        " UNION SELECT site_id FROM item_minimum WHERE _cl % 2 = 1"
    )
    return {row[0] for row in rows}


@dataclass
class ItemStock:
    """An item and its balance rows, by site id."""

    item_id: str
    name: str
    category: str
    unit: str
    by_site: dict[str, Any] = field(default_factory=dict)

    def flags(self) -> dict[str, str]:
        return {site: row_flag(row) for site, row in self.by_site.items() if row_flag(row)}

    def worst_flag(self) -> str:
        flags = set(self.flags().values())
        return "negative" if "negative" in flags else "low" if "low" in flags else ""


class StockTableModel(ListModel):
    """Items with their balance at each site; filters (search, category, site) run in the core."""

    fixed_columns = (N_("Item"), N_("Category"))

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.search = ""
        self.category: str | None = None
        self.site_id: str | None = None
        self.only_flagged = False
        self.site_columns: list[tuple[str, str]] = []  # (site id, name)
        self.hidden_sites: list[str] = []  # sites holding nothing at all (no column)
        self.columns = (*self.fixed_columns, N_("Status"))
        self._sort = (0, False)
        self.loaded = False

    # -- filters ----------------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        if text.strip() != self.search:
            self.search = text.strip()
            self.refresh()

    def set_category(self, category: str | None) -> None:
        if category != self.category:
            self.category = category or None
            self.refresh()

    def set_site(self, site_id: str | None) -> None:
        if site_id != self.site_id:
            self.site_id = site_id
            self.refresh()

    # -- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:

        rows = balances(
            self.store,
            search=self.search,
            category=self.category,
            site_id=self.site_id,
            include_zero=True,
        )
        items: dict[str, ItemStock] = {}
        seen_sites: dict[str, str] = {}
        for row in rows:
            stock = items.get(row.item_id)
            if stock is None:
                stock = items[row.item_id] = ItemStock(
                    row.item_id, row.name, row.category or "", row.unit
                )
            stock.by_site[row.site_id] = row
            seen_sites[row.site_id] = row.site_name
        self.beginResetModel()
        self.hidden_sites = []
        if self.site_id is None:
            keeping = stocking_sites(self.store) | {self.store.site_id}
            self.hidden_sites = sorted(
                (name for site, name in seen_sites.items() if site not in keeping),
                key=str.casefold,
            )
            seen_sites = {site: name for site, name in seen_sites.items() if site in keeping}
        self.site_columns = self._site_columns(seen_sites)
        here = self.store.site_id
        self.columns = (
            *self.fixed_columns,
            *(
                _("{name} (here)").format(name=name) if site == here else name
                for site, name in self.site_columns
            ),
            N_("Status"),
        )
        self.rows = list(items.values())
        self._apply_sort()
        self.loaded = True
        self.endResetModel()

    def _site_columns(self, seen: dict[str, str]) -> list[tuple[str, str]]:
        """This site first, then the others that hold (or lack) something, by name; only the
        chosen one when filtered. A site with nothing of anything shown would be a column
        of zeros: ``hidden_sites`` names them instead."""
        if self.site_id is not None:
            name = seen.get(self.site_id) or next(
                (s["name"] for s in sites(self.store) if s["id"] == self.site_id), "Site"
            )
            return [(self.site_id, name)]
        here = self.store.site_id
        return sorted(seen.items(), key=lambda pair: (pair[0] != here, pair[1].casefold()))

    # -- cells ------------------------------------------------------------------------------

    def site_of_column(self, column: int) -> str | None:
        position = column - len(self.fixed_columns)
        return self.site_columns[position][0] if 0 <= position < len(self.site_columns) else None

    def status_text(self, stock: ItemStock) -> str:
        names = dict(self.site_columns)
        negative = [names.get(s, "?") for s, f in stock.flags().items() if f == "negative"]
        low = [names.get(s, "?") for s, f in stock.flags().items() if f == "low"]
        parts = []
        if negative:
            parts.append(_("Negative at {sites}").format(sites=", ".join(sorted(negative))))
        if low:
            parts.append(_("Low at {sites}").format(sites=", ".join(sorted(low))))
        return "; ".join(parts)

    def display(self, row: ItemStock, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return row.category
        if column == len(self.columns) - 1:
            return self.status_text(row)
        balance = row.by_site.get(self.site_of_column(column) or "")
        return flagged_text(balance) if balance is not None else "–"

    def cell_data(self, row: ItemStock, column: int, role: int) -> Any:
        site_id = self.site_of_column(column)
        balance = row.by_site.get(site_id) if site_id else None
        flag = (
            row_flag(balance)
            if balance is not None
            else (row.worst_flag() if column == len(self.columns) - 1 else "")
        )
        if role == ITEM_ID_ROLE:
            return row.item_id
        if role == SITE_ID_ROLE:
            return site_id
        if role == Qt.ItemDataRole.ForegroundRole and flag:
            return QBrush(flag_colour(flag))
        if role == Qt.ItemDataRole.ForegroundRole and balance is not None and not balance.balance:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.BackgroundRole and flag:
            colour = flag_background(flag)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.FontRole and flag == "negative":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and site_id:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and balance is not None:
            return self._tooltip(row, balance)
        return None

    def _tooltip(self, row: ItemStock, balance: Any) -> str:
        lines = [f"{row.name} at {balance.site_name}: {balance.quantity_text}"]
        if balance.minimum:
            item = {"unit": balance.unit, "decimals": balance.decimals}
            lines.append(
                _("Minimum here: {format_quantity}").format(
                    format_quantity=format_quantity(item, balance.minimum)
                )
            )
        if balance.negative:
            lines.append(
                _(
                    "Negative: more went out than the book holds (two sites may have given out "
                    "the same stock). Count it, or record what arrived."
                )
            )
        elif balance.low:
            lines.append(_("Under the minimum: on the shopping list."))
        return "\n".join(lines)

    # -- rows -------------------------------------------------------------------------------

    def item_at(self, row: int) -> ItemStock | None:
        return self.row_at(row)

    def row_of(self, item_id: str) -> int:
        for position, stock in enumerate(self.rows):
            if stock.item_id == item_id:
                return position
        return -1

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._apply_sort()
        self.endResetModel()

    def _apply_sort(self) -> None:
        column, descending = self._sort
        if column >= len(self.columns):
            column = 0

        def key(stock: ItemStock) -> Any:
            if column == 0:
                return (stock.name.casefold(),)
            if column == 1:
                return (stock.category.casefold(), stock.name.casefold())
            if column == len(self.columns) - 1:
                rank = {"negative": 0, "low": 1, "": 2}[stock.worst_flag()]
                return (rank, stock.name.casefold())
            balance = stock.by_site.get(self.site_of_column(column) or "")
            return (balance.balance if balance is not None else 0, stock.name.casefold())

        self.rows.sort(key=key, reverse=descending)


# -- an item's ledger ------------------------------------------------------------------------


class HistoryModel(ListModel):
    """An item's movements, newest first: when, where, how much, why, who."""

    columns = (N_("When"), N_("Site"), N_("Change"), N_("Reason"), N_("Note"), N_("By"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.item: dict[str, Any] | None = None

    def show_item(self, item: dict[str, Any] | None, movements: Sequence[Any]) -> None:
        self.item = item
        self.set_rows(movements if item is not None else [])

    def display(self, row: Any, column: int) -> str:
        if column == 0:
            return when_text(row.moved_at)
        if column == 1:
            return row.site_name
        if column == 2:
            return signed_quantity(self.item or {}, row.delta)
        if column == 3:
            return reason_label(row.reason)
        if column == 4:
            return row.note or ""
        return row.author_name or ""

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and row.reason == "transit-loss":
            return QBrush(flag_colour("low"))
        return None


# -- transfers -------------------------------------------------------------------------------


class TransfersModel(ListModel):
    """Transfers between sites with their state; problems in words and colour."""

    columns = (
        N_("Item"),
        N_("From"),
        N_("To"),
        N_("Sent"),
        N_("Quantity"),
        N_("Arrived"),
        N_("State"),
    )

    @staticmethod
    def quantity(view: Any, amount: int | None) -> str:

        if amount is None:
            return ""
        return format_quantity({"unit": view.unit, "decimals": view.decimals}, amount)

    def state_text(self, view: Any) -> str:
        if view.state == "received twice":
            return _("Received twice: count the shelf and correct")
        if view.state == "received" and view.loss:
            return _("Received, {quantity} lost in transit").format(
                quantity=self.quantity(view, view.loss)
            )
        if view.state == "received":
            by = f" by {view.received_by_name}" if view.received_by_name else ""
            return _("Received{by}").format(by=by)
        return _("In transit")

    def display(self, row: Any, column: int) -> str:
        if column == 0:
            return row.item_name
        if column == 1:
            return row.from_site_name
        if column == 2:
            return row.to_site_name
        if column == 3:
            return when_text(row.sent_at)
        if column == 4:
            return self.quantity(row, row.quantity)
        if column == 5:
            if row.received_quantity is None:
                return ""
            return f"{self.quantity(row, row.received_quantity)}, {when_text(row.received_at)}"
        return self.state_text(row)

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 6 and row.needs_a_look:
            return QBrush(flag_colour("negative" if row.state == "received twice" else "low"))
        if role == Qt.ItemDataRole.FontRole and column == 6 and row.state == "in transit":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.note:
            return _("Note: {note}").format(note=row.note)
        if role == ITEM_ID_ROLE:
            return row.item_id
        return None


# -- low stock -------------------------------------------------------------------------------


class LowStockModel(ListModel):
    """Item × site rows under their minimum (negative ones first): the shopping list."""

    columns = (N_("Item"), N_("Site"), N_("On hand"), N_("Minimum"), N_("To buy"))

    def display(self, row: Any, column: int) -> str:

        item = {"unit": row.unit, "decimals": row.decimals}
        if column == 0:
            return row.name
        if column == 1:
            return row.site_name
        if column == 2:
            return flagged_text(row)
        if column == 3:
            return format_quantity(item, row.minimum)
        return format_quantity(item, row.to_buy) if row.to_buy > 0 else ""

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        flag = row_flag(row)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and flag:
            return QBrush(flag_colour(flag))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ITEM_ID_ROLE:
            return row.item_id
        return None
