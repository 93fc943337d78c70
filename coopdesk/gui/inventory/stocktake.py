"""Stocktake mode: count what is on the shelves at this site, keyboard first, then save.

A barcode scanner is a keyboard that types digits and Enter, so the form needs no special
support for one: type or scan a barcode or a name and press Enter to jump to the item, type
the counted quantity and press Enter to go on to the next item in the list. A scan typed into
the quantity field also jumps (a count never equals a barcode or an item's exact name).
Nothing is written while counting: the stocktake row is opened with the first count, and
Save shows the differences (book vs counted) before recording them as corrections, which
needs the "stock" mandate.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.gui.inventory.models import flag_colour
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dialogs import busy_message
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.gui.kit.widgets import (
    ErrorLabel,
    follow_selection,
    muted,
    scaled_font,
    select_row,
    table_view,
)
from coopdesk.inventory.items import find_item, format_quantity, parse_quantity
from coopdesk.inventory.stock import balances
from coopdesk.inventory.stocktake import (
    differences,
    finish_stocktake,
    open_stocktake,
    start_stocktake,
)
from coopdesk.store.ids import fold

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow


@dataclass
class CountLine:
    """An item at the site with its book balance (smallest units)."""

    item_id: str
    name: str
    unit: str
    decimals: int
    book: int

    @property
    def shape(self) -> dict[str, Any]:
        return {"id": self.item_id, "name": self.name, "unit": self.unit, "decimals": self.decimals}


def quantity(line: Any, amount: int) -> str:

    return format_quantity({"unit": line.unit, "decimals": line.decimals}, amount)


def signed(line: Any, amount: int) -> str:
    text = quantity(line, abs(amount))
    return f"+{text}" if amount > 0 else f"−{text}" if amount < 0 else "±0"


class CountModel(ListModel):
    """Every item at the site: book balance, what was counted, and the difference."""

    columns = (N_("Item"), N_("Book"), N_("Counted"), N_("Difference"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}

    def set_count(self, row: int, amount: int) -> None:
        self.counts[self.rows[row].item_id] = amount
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def display(self, row: CountLine, column: int) -> str:
        counted = self.counts.get(row.item_id)
        if column == 0:
            return row.name
        if column == 1:
            return quantity(row, row.book)
        if column == 2:
            return quantity(row, counted) if counted is not None else ""
        return signed(row, counted - row.book) if counted is not None else ""

    def cell_data(self, row: CountLine, column: int, role: int) -> Any:
        counted = self.counts.get(row.item_id)
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 3
            and counted is not None
            and counted != row.book
        ):
            return QBrush(flag_colour("negative" if counted < row.book else "low"))
        return None


class DifferenceModel(ListModel):
    """The corrections Save will record: book, counted, difference."""

    columns = (N_("Item"), N_("Book"), N_("Counted"), N_("Difference"))

    def display(self, row: Any, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return quantity(row, row.book)
        if column == 2:
            return quantity(row, row.counted)
        return signed(row, row.delta)

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and row.delta:
            return QBrush(flag_colour("negative" if row.delta < 0 else "low"))
        return None


class StocktakeDialog(QDialog):
    """Count the stock at one site and record the differences as corrections."""

    def __init__(self, window: MainWindow, site_id: str, site_name: str) -> None:
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.site_id = site_id
        self.site_name = site_name
        self.stocktake_id: str | None = self._already_open()
        self.saved_differences: list[Any] | None = None
        self.setWindowTitle(_("Stocktake at {site_name}").format(site_name=site_name))
        self.setModal(True)
        self.resize(760, 560)

        self.model = CountModel(self)
        self.model.set_rows(self._lines())
        self.diff_model = DifferenceModel(self)

        # -- counting -----------------------------------------------------------------------
        title = QLabel(_("Stocktake at {site_name}").format(site_name=site_name))
        title.setFont(scaled_font(self, 1.4, bold=True))
        help_text = muted(
            QLabel(
                _(
                    "Scan or type a barcode or name and press Enter, then type what you counted "
                    "and press Enter for the next item. Items you do not count keep their book "
                    "balance. Nothing is saved until you review the differences."
                )
            )
        )
        help_text.setWordWrap(True)
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(_("Scan a barcode or type a name, then Enter  (Ctrl+F)"))
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_edit.returnPressed.connect(self._on_scan)
        self.scan_edit.textEdited.connect(self._on_typing)
        self.item_label = QLabel()
        self.item_label.setFont(scaled_font(self, 1.1, bold=True))
        self.book_label = muted(QLabel())
        self.count_edit = QLineEdit()
        self.count_edit.setPlaceholderText(_("counted quantity, Enter"))
        self.count_edit.returnPressed.connect(self._on_count)
        self.count_edit.installEventFilter(self)
        self.unit_label = QLabel()
        self.count_error = ErrorLabel()
        scan_row = QHBoxLayout()
        scan_row.addWidget(QLabel(_("&Find:")))
        scan_row.addWidget(self.scan_edit, 1)
        scan_row.itemAt(0).widget().setBuddy(self.scan_edit)  # type: ignore[union-attr]
        item_row = QHBoxLayout()
        item_box = QVBoxLayout()
        item_box.setSpacing(0)
        item_box.addWidget(self.item_label)
        item_box.addWidget(self.book_label)
        counted_label = QLabel(_("&Counted:"))
        counted_label.setBuddy(self.count_edit)
        item_row.addLayout(item_box, 1)
        item_row.addWidget(counted_label)
        item_row.addWidget(self.count_edit)
        item_row.addWidget(self.unit_label)
        self.table = table_view(self.model, stretch_last=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.resizeSection(column, 120)
        follow_selection(self.table, self._show_current)
        self.progress_label = muted(QLabel())
        self.review_button = QPushButton(_("Review differences… (Ctrl+Enter)"))
        self.review_button.clicked.connect(self.review)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        self.close_button.setAutoDefault(False)
        self.review_button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress_label, 1)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.review_button)
        counting = QWidget()
        count_layout = QVBoxLayout(counting)
        count_layout.setContentsMargins(0, 0, 0, 0)
        count_layout.addWidget(title)
        count_layout.addWidget(help_text)
        count_layout.addSpacing(6)
        count_layout.addLayout(scan_row)
        count_layout.addLayout(item_row)
        count_layout.addWidget(self.count_error)
        count_layout.addWidget(self.table, 1)
        count_layout.addLayout(bottom)

        # -- reviewing ----------------------------------------------------------------------
        review_title = QLabel(_("Differences to record"))
        review_title.setFont(scaled_font(self, 1.4, bold=True))
        self.review_text = QLabel()
        self.review_text.setWordWrap(True)
        self.diff_table = table_view(self.diff_model, stretch_last=False)
        diff_header = self.diff_table.horizontalHeader()
        diff_header.setSectionResizeMode(0, diff_header.ResizeMode.Stretch)
        for column in (1, 2, 3):
            diff_header.resizeSection(column, 120)
        self.save_error = ErrorLabel()
        self.back_button = QPushButton(_("Back to counting"))
        self.back_button.clicked.connect(self.back_to_counting)
        self.back_button.setAutoDefault(False)
        self.save_button = QPushButton(_("Save corrections"))
        self.save_button.clicked.connect(self.save)
        review_buttons = QHBoxLayout()
        review_buttons.addStretch(1)
        review_buttons.addWidget(self.back_button)
        review_buttons.addWidget(self.save_button)
        reviewing = QWidget()
        review_layout = QVBoxLayout(reviewing)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(review_title)
        review_layout.addWidget(self.review_text)
        review_layout.addWidget(self.diff_table, 1)
        review_layout.addWidget(self.save_error)
        review_layout.addLayout(review_buttons)

        self.pages = QStackedWidget()
        self.pages.addWidget(counting)
        self.pages.addWidget(reviewing)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.activated.connect(self.focus_scan)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._review_or_save)
        if self.model.rowCount():
            self.select_row(0)
        self._show_progress()
        self.scan_edit.setFocus()

    # -- reading ----------------------------------------------------------------------------

    def _lines(self) -> list[CountLine]:

        return [
            CountLine(row.item_id, row.name, row.unit, int(row.decimals or 0), int(row.balance))
            for row in balances(self.store, site_id=self.site_id, include_zero=True)
        ]

    def _already_open(self) -> str | None:
        """The open stocktake at this site (someone started counting and did not finish)."""

        found = open_stocktake(self.store, self.site_id)
        if isinstance(found, dict):
            return str(found["id"])
        return str(found) if found else None

    # -- counting ---------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def current_line(self) -> CountLine | None:
        return self.model.row_at(self.current_row())

    def select_row(self, row: int) -> None:
        select_row(self.table, row)

    def focus_scan(self) -> None:
        self.scan_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.scan_edit.selectAll()

    def _show_current(self) -> None:
        line = self.current_line()
        if line is None:
            self.item_label.setText(_("No item chosen"))
            self.book_label.setText("")
            self.unit_label.setText("")
            return
        self.item_label.setText(line.name)
        self.book_label.setText(_("Book: {quantity}").format(quantity=quantity(line, line.book)))
        self.unit_label.setText(line.unit)
        counted = self.model.counts.get(line.item_id)
        self.count_edit.setText("" if counted is None else quantity(line, counted).split(" ")[0])
        self.count_edit.selectAll()

    def jump_to(self, text: str) -> bool:
        """Select the item a barcode, id or exact name names; False if none at this site."""

        item = find_item(self.store, text)
        if item is None:
            return False
        for row, line in enumerate(self.model.rows):
            if line.item_id == item["id"]:
                self.select_row(row)
                return True
        return False

    def matching_rows(self, text: str) -> list[int]:
        """The lines whose name holds every word typed, accents and case ignored."""
        words = fold(text).split()
        if not words:
            return []
        return [
            row
            for row, line in enumerate(self.model.rows)
            if all(word in fold(line.name) for word in words)
        ]

    def _on_typing(self, text: str) -> None:
        """Match as you type: "cafe" finds Café moulu (a barcode is matched on Enter)."""
        matches = self.matching_rows(text)
        if matches:
            self.select_row(matches[0])
            self.count_error.clear()

    def _on_scan(self) -> None:
        text = self.scan_edit.text().strip()
        if text and not self.jump_to(text) and not self._first_match(text):
            self.count_error.show_message(
                _(
                    "No item here is called or has the barcode “{text}”. Check the spelling, "
                    "or add the item on the Inventory page first."
                ).format(text=text)
            )
            self.scan_edit.selectAll()
            return
        self.count_error.clear()
        self.scan_edit.clear()
        self.count_edit.setFocus()
        self.count_edit.selectAll()

    def _first_match(self, text: str) -> bool:
        matches = self.matching_rows(text)
        if matches:
            self.select_row(matches[0])
        return bool(matches)

    def _on_count(self) -> None:
        text = self.count_edit.text().strip()
        line = self.current_line()
        if text and self.jump_to(text):  # a scan landed in the quantity field
            self.count_error.clear()
            self.count_edit.setFocus()
            return
        if line is None:
            return
        if text:
            try:
                amount = parse_quantity(line.shape, text, allow_negative=False)
            except CoopDeskError as exc:
                self.count_error.show_message(str(exc))
                self.count_edit.selectAll()
                return
            self.model.set_count(self.current_row(), amount)
            self._show_progress()
        self.count_error.clear()
        self._next()

    def record_count(self, text: str) -> None:
        """Type ``text`` as the count of the current item and press Enter (tests, scripts)."""
        self.count_edit.setText(text)
        self._on_count()

    def _next(self) -> None:
        row = self.current_row()
        if row + 1 < self.model.rowCount():
            self.select_row(row + 1)
        self.count_edit.setFocus()
        self.count_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the quantity field move through the list."""
        if (
            watched is self.count_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            and self.model.rowCount()
        ):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = min(max(self.current_row() + step, 0), self.model.rowCount() - 1)
            self.select_row(row)
            return True
        return super().eventFilter(watched, event)

    def _show_progress(self) -> None:
        counted = len(self.model.counts)
        total = self.model.rowCount()
        self.progress_label.setText(
            ngettext(
                "{counted} of {total} item counted", "{counted} of {total} items counted", total
            ).format(counted=counted, total=total)
        )
        self.review_button.setEnabled(counted > 0)

    # -- reviewing and saving ---------------------------------------------------------------

    def _review_or_save(self) -> None:
        if self.pages.currentIndex() == 0:
            self.review()
        else:
            self.save()

    def review(self) -> None:
        """Show book vs counted for what differs, before anything is written."""
        if not self.model.counts:
            self.count_error.show_message(_("Count at least one item first."))
            return

        try:
            found = differences(self.store, self.site_id, dict(self.model.counts))
        except CoopDeskError as exc:
            self.count_error.show_message(str(exc))
            return
        changed = [d for d in found if d.delta]
        self.diff_model.set_rows(changed)
        counted = len(self.model.counts)
        same = counted - len(changed)
        if changed:
            self.review_text.setText(
                ngettext(
                    "You counted {counted} item; {count} differ{value} from the book",
                    "You counted {counted} items; {count} differ{value} from the book",
                    counted,
                ).format(
                    counted=counted, count=len(changed), value="s" if len(changed) == 1 else ""
                )
                + (
                    ngettext(" and {same} matches it", " and {same} match it", same).format(
                        same=same
                    )
                    if same
                    else ""
                )
                + _(
                    ". Saving records each difference as a count correction "
                    "(the book is never overwritten)."
                )
            )
        else:
            self.review_text.setText(
                ngettext(
                    "All {counted} counted item match the book. Saving closes the stocktake "
                    "without corrections.",
                    "All {counted} counted items match the book. Saving closes the stocktake "
                    "without corrections.",
                    counted,
                ).format(counted=counted)
            )
        self.save_error.clear()
        self.save_button.setText(_("Save corrections") if changed else _("Close the stocktake"))
        self.pages.setCurrentIndex(1)
        self.save_button.setFocus()

    def back_to_counting(self) -> None:
        self.pages.setCurrentIndex(0)
        self.count_edit.setFocus()

    def save(self) -> None:
        self.window_.with_author(self._save_as, _("Choose who you are to save the stocktake."))

    def _save_as(self, author: str) -> None:

        try:
            if self.stocktake_id is None:
                self.stocktake_id = start_stocktake(self.store, author, self.site_id)
            self.saved_differences = finish_stocktake(
                self.store, author, self.stocktake_id, dict(self.model.counts)
            )
        except CoopDeskError as exc:
            self.save_error.show_message(str(exc))
            return
        except sqlite3.Error as exc:
            self.save_error.show_message(busy_message(exc))
            return
        corrections = sum(1 for d in self.saved_differences if d.delta)
        self.window_.show_notice(
            _("Stocktake at {site_name} saved: ").format(site_name=self.site_name)
            + (
                ngettext(
                    "{corrections} correction recorded.",
                    "{corrections} corrections recorded.",
                    corrections,
                ).format(corrections=corrections)
                if corrections
                else _("everything matched the book.")
            )
        )
        self.accept()

    def reject(self) -> None:
        """Closing with counts asks first: the counts are not saved anywhere yet."""
        if self.model.counts and self.saved_differences is None:
            counted = len(self.model.counts)
            if not dialogs.confirm(
                self,
                _("Leave the stocktake"),
                ngettext(
                    "You counted {counted} item. Leave without saving? The counts will be lost.",
                    "You counted {counted} items. Leave without saving? The counts will be lost.",
                    counted,
                ).format(counted=counted),
                _("Leave without saving"),
                _("Keep counting"),
            ):
                return
        super().reject()
