"""The Inventory page: what the coop holds at each site, and every movement that made it so.

Three tabs: **Stock** (one row per item, a column per site, low and negative balances
flagged in words and colour; the selected item's ledger below it), **Low stock** (the
shopping list, to export as CSV or print) and **Transfers** (in transit, received,
problems). Quick Receive / Use buttons record movements at this site; Stocktake opens the
keyboard-first counting form. Every write goes through the core with the member at the
keyboard as author, and the hub reloads the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.csvfile import FORMATS as CSV_FORMATS
from coopdesk.base.csvfile import locale_format
from coopdesk.base.i18n import _, ngettext
from coopdesk.gui.inventory.dialogs import (
    ItemDialog,
    MoveDialog,
    ReceiveTransferDialog,
    SendTransferDialog,
)
from coopdesk.gui.inventory.models import (
    TRANSFER_STATES,
    HistoryModel,
    LowStockModel,
    StockTableModel,
    TransfersModel,
    reason_label,
)
from coopdesk.gui.inventory.printing import print_shopping_list, save_pdf, shopping_rows
from coopdesk.gui.inventory.stocktake import StocktakeDialog
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import (
    EmptyState,
    follow_selection,
    muted,
    scaled_font,
    select_row,
    selected_row,
    table_view,
)
from coopdesk.inventory.items import (
    add_item,
    archive_item,
    categories,
    edit_item,
    format_quantity,
    get_item,
    list_items,
    parse_quantity,
    restore_item,
)
from coopdesk.inventory.stock import active_sites, history, move_text, shopping_list_csv
from coopdesk.inventory.transfers import (
    awaiting_here,
    get_transfer,
    list_transfers,
    receive_transfer,
    send_transfer,
)

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

HISTORY_LIMIT = 500
STOCKTAKE = "stocktake"
ALL = "__all__"


def tool_row(*widgets: QWidget | None, stretch_at: int = -1) -> FlowLayout:
    """Widgets in a row that wraps when the page is too narrow for their words (a longer
    language); ``None`` is a stretch."""
    row = FlowLayout()
    for widget in widgets:
        if widget is None:
            row.addStretch(1)
        else:
            row.addWidget(widget)
    return row


class InventoryPage(Page):
    tables = frozenset({"item", "item_minimum", "stock_move", "transfer", "stocktake", "site"})

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Inventory"))
        self.stock_model = StockTableModel(self.store, self)
        self.history_model = HistoryModel(self)
        self.low_model = LowStockModel(self)
        self.transfers_model = TransfersModel(self)
        self._kept_item: str | None = None

        self.nobody_bar = QFrame(objectName="noticeBar")
        nobody_text = QLabel(_("Nobody is at the keyboard. Choose who you are to record stock."))
        nobody_text.setWordWrap(True)
        choose = QPushButton(_("Choose who I am (Ctrl+K)"))
        choose.clicked.connect(lambda: window.choose_member())
        bar = QHBoxLayout(self.nobody_bar)
        bar.setContentsMargins(10, 6, 6, 6)
        bar.addWidget(nobody_text, 1)
        bar.addWidget(choose)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_stock_tab(), _("Stock"))
        self.tabs.addTab(self._build_low_tab(), _("Low stock"))
        self.tabs.addTab(self._build_transfers_tab(), _("Transfers"))
        self.layout_.addWidget(self.nobody_bar)
        self.layout_.addWidget(self.tabs, 1)
        self.member_changed(self.session.member_id)

    # -- building ---------------------------------------------------------------------------

    def _build_stock_tab(self) -> QWidget:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Search by name, category or barcode  (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.stock_model.set_search)
        self.search_edit.installEventFilter(self)
        self.category_combo = QComboBox()
        self.category_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.category_combo.setToolTip(_("Show one category"))
        self.category_combo.setMinimumContentsLength(14)
        self.category_combo.currentIndexChanged.connect(
            lambda _i: self.stock_model.set_category(self.category_combo.currentData())
        )
        self.site_combo = QComboBox()
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo.setToolTip(_("Show every site, or one"))
        self.site_combo.currentIndexChanged.connect(lambda _i: self._on_site_chosen())

        self.receive_button = QPushButton(_("&Receive…"))
        self.receive_button.setToolTip(_("Record stock that arrived (donation, purchase)"))
        self.receive_button.clicked.connect(lambda: self.record_move("in"))
        self.use_button = QPushButton(_("&Use / give out…"))
        self.use_button.setToolTip(_("Record stock used, given out or spoiled"))
        self.use_button.clicked.connect(lambda: self.record_move("out"))
        self.stocktake_button = QPushButton(_("S&tocktake…"))
        self.stocktake_button.setToolTip(
            _("Count what is on the shelves here and correct the book")
        )
        self.stocktake_button.clicked.connect(self.start_stocktake)
        self.add_button = QPushButton(_("Add item…"))
        self.add_button.setToolTip(_("Add an item (Ctrl+N)"))
        self.add_button.clicked.connect(self.add_new)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Edit the selected item (Enter or double-click)"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button = QPushButton(_("Archive…"))
        self.archive_button.setToolTip(_("Archive the selected item (Delete); its ledger stays"))
        self.archive_button.clicked.connect(self.archive_selected)

        self.stock_table = table_view(self.stock_model, stretch_last=True)
        self.stock_table.setSortingEnabled(True)
        self.stock_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.stock_table.activated.connect(lambda _index: self.edit_selected())
        follow_selection(self.stock_table, self._on_item_selected)
        archive_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.stock_table)
        archive_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        archive_key.activated.connect(self.archive_selected)
        self.stock_model.modelAboutToBeReset.connect(self._remember_item)
        self.stock_model.modelReset.connect(self._after_stock_reset)

        self.stock_empty = EmptyState(on_action=self._empty_action)
        self.stock_results = QStackedWidget()
        self.stock_results.addWidget(self.stock_table)
        self.stock_results.addWidget(self.stock_empty)

        self.history_title = QLabel(_("History"))
        self.history_title.setFont(scaled_font(self, 1.05, bold=True))
        self.history_hint = muted(
            QLabel(_("Select an item to see its ledger: who moved what, when."))
        )
        self.history_table = table_view(self.history_model, stretch_last=False)
        self.history_table.setAccessibleName(_("History"))
        header = self.history_table.horizontalHeader()
        for column, width in enumerate((130, 110, 100, 170, 0, 140)):
            if width:
                header.resizeSection(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 6, 0, 0)
        history_layout.addLayout(tool_row(self.history_title, None, self.history_hint))
        history_layout.addWidget(self.history_table, 1)

        self.stock_splitter = QSplitter(Qt.Orientation.Vertical)
        self.stock_splitter.setChildrenCollapsible(False)
        self.stock_splitter.addWidget(self.stock_results)
        self.stock_splitter.addWidget(history_box)
        self.stock_splitter.setStretchFactor(0, 3)
        self.stock_splitter.setStretchFactor(1, 2)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        for combo in (self.category_combo, self.site_combo):
            # The search field gives up its room first: a choice is never cut.
            combo.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            filters.addWidget(combo)
        layout.addLayout(filters)
        layout.addLayout(
            tool_row(
                self.receive_button,
                self.use_button,
                self.stocktake_button,
                None,
                self.add_button,
                self.edit_button,
                self.archive_button,
            )
        )
        layout.addWidget(self.stock_splitter, 1)
        self.setTabOrder(self.search_edit, self.stock_table)
        return tab

    def _build_low_tab(self) -> QWidget:
        self.low_site_combo = QComboBox()
        self.low_site_combo.setToolTip(_("The shopping list of every site, or of one"))
        self.low_site_combo.currentIndexChanged.connect(lambda _i: self._load_low())
        self.export_button = QPushButton(_("Export shopping list (CSV)…"))
        self.export_button.clicked.connect(self.export_shopping_list)
        self.print_button = QPushButton(_("Print shopping list…"))
        self.print_button.clicked.connect(self.print_shopping_list)
        self.pdf_button = QPushButton(_("Save as PDF…"))
        self.pdf_button.clicked.connect(self.save_shopping_pdf)
        self.low_summary = muted(QLabel())
        self.low_summary.setWordWrap(True)  # a longer language: two lines, not a wider page
        self.low_table = table_view(self.low_model, stretch_last=False)
        header = self.low_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 130), (2, 150), (3, 110), (4, 110)):
            header.resizeSection(column, width)
        self.low_empty = EmptyState(
            _("Nothing is under its minimum"),
            _("Items go on the shopping list when a site holds less than the item's minimum."),
        )
        self.low_results = QStackedWidget()
        self.low_results.addWidget(self.low_table)
        self.low_results.addWidget(self.low_empty)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(
            tool_row(
                QLabel(_("Site:")),
                self.low_site_combo,
                None,
                self.export_button,
                self.print_button,
                self.pdf_button,
            )
        )
        layout.addWidget(self.low_summary)
        layout.addWidget(self.low_results, 1)
        return tab

    def _build_transfers_tab(self) -> QWidget:
        self.state_combo = QComboBox()
        for label, state in TRANSFER_STATES:
            self.state_combo.addItem(_(label), state)
        self.state_combo.currentIndexChanged.connect(lambda _i: self._load_transfers())
        self.send_button = QPushButton(_("Send to another site…"))
        self.send_button.clicked.connect(self.send_transfer)
        self.arrival_button = QPushButton(_("Confirm arrival…"))
        self.arrival_button.setToolTip(_("Confirm what arrived of the selected transfer (Enter)"))
        self.arrival_button.clicked.connect(self.confirm_arrival)
        self.transfers_summary = muted(QLabel())
        self.transfers_summary.setWordWrap(True)
        self.transfers_table = table_view(self.transfers_model, stretch_last=True)
        header = self.transfers_table.horizontalHeader()
        for column, width in enumerate((170, 110, 110, 130, 90, 200)):
            header.resizeSection(column, width)
        self.transfers_table.activated.connect(lambda _index: self.confirm_arrival())
        follow_selection(self.transfers_table, self._update_actions)
        self.transfers_empty = EmptyState(
            _("No transfers"),
            _(
                "Send stock to another site: it shows here as in transit until that site confirms "
                "what arrived."
            ),
            _("Send to another site…"),
            self.send_transfer,
        )
        self.transfers_results = QStackedWidget()
        self.transfers_results.addWidget(self.transfers_table)
        self.transfers_results.addWidget(self.transfers_empty)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(
            tool_row(
                QLabel(_("Show:")), self.state_combo, None, self.send_button, self.arrival_button
            )
        )
        layout.addWidget(self.transfers_summary)
        layout.addWidget(self.transfers_results, 1)
        return tab

    # -- Page -------------------------------------------------------------------------------

    def load(self) -> None:
        self._fill_filters()
        self.stock_model.refresh()
        self._load_low()
        self._load_transfers()
        self._show_summary()

    def focus_search(self) -> bool:
        self.tabs.setCurrentIndex(0)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        return True

    def add_new(self) -> bool:
        self.window_.with_author(lambda _author: self._open_item_dialog(None))
        return True

    def member_changed(self, member_id: str | None) -> None:
        self.nobody_bar.setVisible(member_id is None)
        self._update_actions()

    # -- filters and summary ------------------------------------------------------------------

    def _fill_filters(self) -> None:
        sites = active_sites(self.store)
        for combo, everyone in (
            (self.site_combo, _("All sites")),
            (self.low_site_combo, _("All sites")),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, ALL)
            for site in sites:
                here = _(" (here)") if site["id"] == self.store.site_id else ""
                combo.addItem(site["name"] + here, site["id"])
            position = combo.findData(chosen)
            combo.setCurrentIndex(max(position, 0))
            combo.blockSignals(False)
        self.site_combo.setVisible(len(sites) > 1)
        chosen = self.category_combo.currentData()
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItem(_("All categories"), None)
        for name in categories(self.store):
            self.category_combo.addItem(name, name)
        position = self.category_combo.findData(chosen)
        self.category_combo.setCurrentIndex(max(position, 0))
        self.category_combo.blockSignals(False)
        # The model follows what the combos now say (a category may have gone).
        self.stock_model.category = self.category_combo.currentData()
        site = self.site_combo.currentData()
        self.stock_model.site_id = None if site in (None, ALL) else site

    def _on_site_chosen(self) -> None:
        site = self.site_combo.currentData()
        self.stock_model.set_site(None if site in (None, ALL) else site)

    def _show_summary(self) -> None:
        rows = self.stock_model.rows
        unfiltered = not self.stock_model.search and self.stock_model.category is None
        count = len(rows)
        parts = [
            ngettext("{count} item", "{count} items", count).format(count=count)
            if unfiltered
            else ngettext("{count} item shown", "{count} items shown", count).format(count=count)
        ]
        low = sum(1 for stock in rows if "low" in stock.flags().values())
        negative = sum(1 for stock in rows if "negative" in stock.flags().values())
        if negative:
            parts.append(_("{negative} negative").format(negative=negative))
        if low:
            parts.append(_("{low} low").format(low=low))
        in_transit = self._awaiting
        if in_transit:
            parts.append(_("{in_transit} on the way here").format(in_transit=in_transit))
        hidden = self.stock_model.hidden_sites
        if hidden:
            parts.append(_("nothing in stock at {join}").format(join=", ".join(hidden)))
        self.subtitle_label.setText(" · ".join(parts))
        self.subtitle_label.show()

    # -- stock ------------------------------------------------------------------------------

    def selected_item_id(self) -> str | None:
        row = selected_row(self.stock_table)
        stock = self.stock_model.item_at(row)
        return stock.item_id if stock else None

    def select_item(self, item_id: str) -> bool:
        row = self.stock_model.row_of(item_id)
        if row < 0:
            return False
        select_row(self.stock_table, row)
        return True

    def _remember_item(self) -> None:
        self._kept_item = self.selected_item_id()

    def _after_stock_reset(self) -> None:
        if self._kept_item is None or not self.select_item(self._kept_item):
            self._on_item_selected()
        self._resize_stock_columns()
        self._update_stock_empty_state()
        if self.loaded:
            self._show_summary()
        self._update_actions()

    def _resize_stock_columns(self) -> None:
        header = self.stock_table.horizontalHeader()
        header.resizeSection(0, 220)
        header.resizeSection(1, 120)
        for column in range(2, self.stock_model.columnCount() - 1):
            header.resizeSection(column, 130)

    def _update_stock_empty_state(self) -> None:
        if self.stock_model.rowCount():
            self.stock_results.setCurrentWidget(self.stock_table)
            return
        if self.stock_model.search or self.stock_model.category:
            what = f"“{self.stock_model.search}”" if self.stock_model.search else _("this category")
            self.stock_empty.set_text(
                _("No items match {what}").format(what=what),
                _("Try part of a name, a category or a barcode."),
                _("Clear search"),
            )
        else:
            self.stock_empty.set_text(
                _("No items yet"),
                _(
                    "Add what the coop keeps (rice, oil, nappies…) to record what arrives, "
                    "what goes "
                    "out and what is running low, at every site."
                ),
                _("Add an item"),
            )
        self.stock_results.setCurrentWidget(self.stock_empty)

    def _empty_action(self) -> None:
        if self.stock_model.search or self.stock_model.category:
            self.search_edit.clear()
            self.category_combo.setCurrentIndex(0)
            self.search_edit.setFocus()
        else:
            self.add_new()

    def _on_item_selected(self) -> None:
        item_id = self.selected_item_id()
        self._update_actions()
        if item_id is None:
            self.history_model.show_item(None, [])
            self.history_title.setText(_("History"))
            self.history_hint.setText(_("Select an item to see its ledger: who moved what, when."))
            return
        item = get_item(self.store, item_id)
        site_id = self.stock_model.site_id
        movements = history(self.store, item_id, site_id=site_id, limit=HISTORY_LIMIT)
        self.history_model.show_item(item, movements)
        where = "" if site_id is None else f" at {self.site_combo.currentText()}"
        self.history_title.setText(
            _("History of {name}{where}").format(name=item["name"], where=where)
        )
        shown = len(movements)
        self.history_hint.setText(
            _("No movements yet")
            if not shown
            else _("Newest first · latest {history_limit}").format(history_limit=HISTORY_LIMIT)
            if shown >= HISTORY_LIMIT
            else ngettext(
                "Newest first · {shown} movement", "Newest first · {shown} movements", shown
            ).format(shown=shown)
        )

    def _update_actions(self) -> None:
        someone = self.session.member_id is not None
        has_items = bool(self.stock_model.rows) or bool(self.stock_model.search)
        selected = self.selected_item_id() is not None
        for button in (self.receive_button, self.use_button, self.stocktake_button):
            button.setEnabled(someone and has_items)
        self.add_button.setEnabled(someone)
        self.edit_button.setEnabled(someone and selected)
        self.archive_button.setEnabled(someone and selected)
        self.send_button.setEnabled(someone and has_items)
        transfer = self.selected_transfer()
        self.arrival_button.setEnabled(
            someone
            and transfer is not None
            and transfer.state == "in transit"
            and transfer.to_site_id == self.store.site_id
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow or Enter in the search field moves into the list."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.stock_model.rowCount()
        ):
            if self.selected_item_id() is None:
                select_row(self.stock_table, 0)
            self.stock_table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def _default_site(self) -> str:
        return self.stock_model.site_id or self.store.site_id

    @property
    def open_dialog(self) -> QDialog | None:
        """The page's dialog in front, if one is open."""
        mine = [d for d in self.window_.dialogs.open_dialogs() if d.parentWidget() is self]
        stocktake = self.window_.dialogs.find(STOCKTAKE, self.store.site_id)
        return mine[-1] if mine else stocktake

    def _show_dialog(self, kind: str, make: Callable[[], QDialog], key: Any = None) -> None:
        self.window_.dialogs.open(kind, make, key)

    def record_move(self, direction: str) -> None:
        """Receive (``"in"``) or use / give out (``"out"``) stock: a small dialog."""
        self.window_.with_author(lambda _author: self._open_move_dialog(direction))

    def _open_move_dialog(self, direction: str) -> None:
        items = list_items(self.store)
        if not items:
            self.window_.show_notice(_("Add an item first (Ctrl+N)."))
            return

        def save(
            item_id: str, text: str, reason: str, site_id: str, note: str, allow_negative: bool
        ) -> tuple[dict[str, Any], int, str, str]:
            move_text(
                self.store,
                self.session.member_id,
                item_id,
                text,
                reason,
                site_id=site_id,
                note=note,
                allow_negative=allow_negative,
            )
            item = get_item(self.store, item_id)
            return item, parse_quantity(item, text), reason, site_id

        def make() -> MoveDialog:
            dialog = MoveDialog(
                direction,
                items,
                active_sites(self.store),
                save,
                item_id=self.selected_item_id(),
                site_id=self._default_site(),
                parent=self,
            )
            dialog.saved.connect(self._after_move)
            return dialog

        self._show_dialog("stock move", make, direction)

    def _after_move(self, result: Any) -> None:

        item, amount, reason, site_id = result
        site = next((s["name"] for s in active_sites(self.store) if s["id"] == site_id), "")
        self.window_.show_notice(
            _("{reason_label}: {format_quantity} of {name} at {site}.").format(
                reason_label=reason_label(reason),
                format_quantity=format_quantity(item, abs(amount)),
                name=item["name"],
                site=site,
            )
        )
        self.select_item(item["id"])

    def _open_item_dialog(self, item: dict[str, Any] | None) -> None:
        item_id = item["id"] if item else None

        def save(values: dict[str, Any]) -> str:
            author = self.session.member_id
            if item_id is None:
                name = values.pop("name")
                return add_item(self.store, author, name, **values)
            edit_item(self.store, author, item_id, **values)
            return item_id

        def make() -> ItemDialog:
            dialog = ItemDialog(save, categories(self.store), item, parent=self)
            dialog.saved.connect(lambda saved_id: self._after_item_saved(saved_id, item is None))
            return dialog

        self._show_dialog("item form", make)

    def _after_item_saved(self, item_id: str, added: bool) -> None:
        name = get_item(self.store, item_id)["name"]
        self.window_.show_notice(
            _("Added {name}.").format(name=name) if added else _("Saved {name}.").format(name=name)
        )
        self.tabs.setCurrentIndex(0)
        if not self.select_item(item_id) and (self.stock_model.search or self.stock_model.category):
            self.search_edit.clear()
            self.category_combo.setCurrentIndex(0)
            self.select_item(item_id)
        self.stock_table.setFocus()

    def edit_selected(self) -> None:
        item_id = self.selected_item_id()
        if item_id is None:
            return
        item = get_item(self.store, item_id)
        self.window_.with_author(lambda _author: self._open_item_dialog(item))

    def archive_selected(self) -> None:
        item_id = self.selected_item_id()
        if item_id is None:
            return

        def archive(author: str) -> None:
            name = get_item(self.store, item_id)["name"]
            question = _(
                "Archive {name}?\n\nIt will no longer be listed or offered. Nothing is "
                "deleted: its ledger stays, and you can restore it."
            ).format(name=name)
            if not dialogs.confirm(
                self,
                _("Archive item"),
                question,
                _("Archive {name}").format(name=name),
                _("Keep {name}").format(name=name),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                archive_item(self.store, author, item_id)
            if outcome.ok:
                self.window_.show_notice(
                    _("Archived {name}.").format(name=name),
                    undo=lambda: self._restore(item_id, name),
                )

        self.window_.with_author(archive)

    def _restore(self, item_id: str, name: str) -> None:
        def restore(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                restore_item(self.store, author, item_id)
            if outcome.ok:
                self.window_.show_notice(_("Restored {name}.").format(name=name))
                self.select_item(item_id)

        self.window_.with_author(restore)

    def start_stocktake(self) -> None:
        self.window_.with_author(lambda _author: self._open_stocktake())

    def _open_stocktake(self) -> None:

        site_id = self.store.site_id
        name = self.window_.identity.site_name
        self._show_dialog(STOCKTAKE, lambda: StocktakeDialog(self.window_, site_id, name), site_id)

    # -- low stock --------------------------------------------------------------------------

    def _low_site(self) -> str | None:
        site = self.low_site_combo.currentData()
        return None if site in (None, ALL) else site

    def _load_low(self) -> None:

        rows = shopping_rows(self.store, self._low_site())
        self.low_model.set_rows(rows)
        self.low_results.setCurrentWidget(self.low_table if rows else self.low_empty)
        for button in (self.export_button, self.print_button, self.pdf_button):
            button.setEnabled(bool(rows))
        count = len(rows)
        negative = sum(1 for row in rows if row.negative)
        self.low_summary.setText(
            ngettext(
                "{count} line on the shopping list (an item under its minimum at a site)",
                "{count} lines on the shopping list (an item under its minimum at a site)",
                count,
            ).format(count=count)
            + (
                _(", {negative} of them negative (count those shelves)").format(negative=negative)
                if negative
                else ""
            )
            + "."
            if count
            else ""
        )
        self.tabs.setTabText(
            1, _("Low stock ({count})").format(count=count) if count else _("Low stock")
        )

    def export_shopping_list(self) -> None:
        """Save the list as CSV, in the format the person picks (their locale's first)."""

        default = locale_format()
        formats = [default, *(f for f in CSV_FORMATS if f != default)]
        filters = [
            _("CSV, {format} (*.csv)").format(format=csv_format.label) for csv_format in formats
        ]
        suggested = Path.home() / "shopping-list.csv"
        answer = dialogs.save_file_with_choice(self, _("Export shopping list"), suggested, filters)
        if answer is None:
            return
        path, chosen = answer
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        with dialogs.reported_errors(self) as outcome:
            written = shopping_list_csv(self.store, path, self._low_site(), formats[chosen])
        if outcome.ok:
            count = written.count
            self.window_.show_notice(
                ngettext(
                    "Shopping list saved: {count} line in {name} ({label}).",
                    "Shopping list saved: {count} lines in {name} ({label}).",
                    count,
                ).format(count=count, name=written.path.name, label=formats[chosen].label)
            )

    def print_shopping_list(self) -> None:

        if print_shopping_list(self, self.window_.identity.coop_name, self.low_model.rows):
            self.window_.show_notice(_("Shopping list sent to the printer."))

    def save_shopping_pdf(self) -> None:

        suggested = Path.home() / "shopping-list.pdf"
        path = dialogs.save_file_name(
            self, _("Save shopping list as PDF"), suggested, _("PDF files (*.pdf)")
        )
        if path is None:
            return
        with dialogs.reported_errors(self) as outcome:
            save_pdf(self.window_.identity.coop_name, self.low_model.rows, path)
        if outcome.ok:
            self.window_.show_notice(_("Shopping list saved as {name}.").format(name=path.name))

    # -- transfers --------------------------------------------------------------------------

    _awaiting = 0

    def show_transfers(self, state: str | None = "in transit") -> None:
        """The Transfers tab (Today's "awaiting confirmation" leads here)."""
        self.tabs.setCurrentIndex(2)
        position = self.state_combo.findData(state)
        self.state_combo.setCurrentIndex(max(position, 0))
        self._load_transfers()
        for row, view in enumerate(self.transfers_model.rows):
            if view.state == "in transit" and view.to_site_id == self.store.site_id:
                select_row(self.transfers_table, row)
                self.transfers_table.setFocus()
                break

    def show_low_stock(self) -> None:
        self.tabs.setCurrentIndex(1)

    def selected_transfer(self) -> Any:
        return self.transfers_model.row_at(selected_row(self.transfers_table))

    def _load_transfers(self) -> None:
        kept = self.selected_transfer()
        state = self.state_combo.currentData()
        if state == "problems":
            rows = [v for v in list_transfers(self.store) if v.needs_a_look]
        else:
            rows = list_transfers(self.store, state=state)
        self.transfers_model.set_rows(rows)
        if kept is not None:
            for row, view in enumerate(rows):
                if view.id == kept.id:
                    select_row(self.transfers_table, row)
        self.transfers_results.setCurrentWidget(
            self.transfers_table if rows or state else self.transfers_empty
        )
        waiting = awaiting_here(self.store)
        self._awaiting = len(waiting)
        in_transit = len(list_transfers(self.store, state="in transit"))
        here = self.window_.identity.site_name
        self.transfers_summary.setText(
            (
                _(
                    "{count} on the way to {here}: confirm each when it arrives, with what "
                    "really arrived."
                ).format(count=len(waiting), here=here)
                if waiting
                else _("Nothing on the way to {here}.").format(here=here)
            )
            + (
                _(" {in_transit} in transit in all.").format(in_transit=in_transit)
                if in_transit
                else ""
            )
        )
        self.tabs.setTabText(
            2,
            _("Transfers ({count} to confirm)").format(count=len(waiting))
            if waiting
            else _("Transfers"),
        )
        self._update_actions()

    def send_transfer(self) -> None:
        self.window_.with_author(lambda _author: self._open_send_dialog())

    def _open_send_dialog(self) -> None:
        items = list_items(self.store)
        sites = active_sites(self.store)
        if not items or len(sites) < 2:
            self.window_.show_notice(
                _("Add an item first (Ctrl+N).")
                if not items
                else _("There is no other site to send to.")
            )
            return

        def save(
            item_id: str,
            from_site_id: str,
            to_site_id: str,
            text: str,
            note: str,
            allow_negative: bool,
        ) -> str:
            item = get_item(self.store, item_id)
            amount = parse_quantity(item, text, allow_zero=False, allow_negative=False)
            return send_transfer(
                self.store,
                self.session.member_id,
                item_id,
                to_site_id,
                amount,
                from_site_id=from_site_id,
                note=note,
                allow_negative=allow_negative,
            )

        def make() -> SendTransferDialog:
            dialog = SendTransferDialog(
                items,
                sites,
                save,
                item_id=self.selected_item_id(),
                from_site_id=self.store.site_id,
                parent=self,
            )
            dialog.saved.connect(self._after_send)
            return dialog

        self._show_dialog("send transfer", make)

    def _after_send(self, transfer_id: str) -> None:

        view = get_transfer(self.store, transfer_id)
        self.window_.show_notice(
            _(
                "Sent {quantity_text} of {item_name} to {to_site_name}: in transit until "
                "they confirm it arrived."
            ).format(
                quantity_text=view.quantity_text,
                item_name=view.item_name,
                to_site_name=view.to_site_name,
            )
        )
        self.state_combo.setCurrentIndex(self.state_combo.findData("in transit"))
        self.tabs.setCurrentIndex(2)

    def confirm_arrival(self) -> None:
        transfer = self.selected_transfer()
        if transfer is None:
            return
        if transfer.state != "in transit":
            self.window_.show_notice(
                _("This transfer was already {state}.").format(state=transfer.state)
            )
            return
        if transfer.to_site_id != self.store.site_id:
            self.window_.show_notice(
                _("Only {to_site_name} can confirm what arrived there.").format(
                    to_site_name=transfer.to_site_name
                )
            )
            return
        self.window_.with_author(lambda _author: self._open_arrival_dialog(transfer))

    def _open_arrival_dialog(self, transfer: Any) -> None:
        shape = {"name": transfer.item_name, "unit": transfer.unit, "decimals": transfer.decimals}

        def save(text: str) -> Any:
            amount = parse_quantity(shape, text, allow_negative=False)
            return receive_transfer(self.store, self.session.member_id, transfer.id, amount)

        sent = TransfersModel.quantity(transfer, transfer.quantity)

        def make() -> ReceiveTransferDialog:
            dialog = ReceiveTransferDialog(transfer, sent, transfer.unit, save, self)
            dialog.saved.connect(self._after_arrival)
            return dialog

        self._show_dialog("confirm arrival", make, transfer.id)

    def _after_arrival(self, view: Any) -> None:
        arrived = TransfersModel.quantity(view, view.received_quantity)
        text = _("Arrival confirmed: {arrived} of {item} from {site}.").format(
            arrived=arrived, item=view.item_name, site=view.from_site_name
        )
        if view.loss:
            text += " " + _("{lost} recorded as lost in transit.").format(
                lost=TransfersModel.quantity(view, view.loss)
            )
        self.window_.show_notice(text)
