"""Small forms of the Inventory page: receive or use stock, an item, sending and receiving.

Like the member dialog, these judge nothing themselves: they hand what was typed to a save
function that calls the core, and show its error inline, staying open with the text intact.
Enter confirms. Taking out more than a site holds is allowed after a question ("reality wins
over the book"): the core raises ``WouldGoNegative`` and the dialog asks, then saves again
with ``allow_negative=True``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import N_, _
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dialogs import busy_message
from coopdesk.gui.kit.form_dialog import FormDialog
from coopdesk.gui.kit.widgets import muted
from coopdesk.inventory.items import MINUS, format_amount
from coopdesk.inventory.stock import WouldGoNegative

IN_REASONS = ((N_("Received (donation, purchase)"), "received"),)
OUT_REASONS = ((N_("Used"), "used"), (N_("Given out"), "given"), (N_("Spoiled"), "spoiled"))

SaveFunction = Callable[..., Any]


class StockFormDialog(FormDialog):
    """The inventory's forms: their fields in one form layout."""

    def __init__(self, title: str, ok_label: str, parent: QWidget | None = None) -> None:
        super().__init__(title, None, parent, ok_label)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.layout_ = self.lay_out(self.form)

    def attempt_allowing_negative(self, save: Callable[[bool], Any]) -> tuple[bool, Any]:
        """``save(False)``; if that would take out more than the book holds, ask, then
        ``save(True)``: reality wins over the book, but only when someone says so."""

        try:
            return True, save(False)
        except WouldGoNegative as exc:
            question = _(
                "{exc}\n\nThe balance will show as negative until someone counts the "
                "shelf or records what arrived."
            ).format(exc=exc)
            if not dialogs.confirm(
                self,
                _("More than the book holds"),
                question,
                _("Record anyway"),
                _("Change the quantity"),
            ):
                return False, None
        except CoopDeskError as exc:
            self.show_error(str(exc))
            return False, None
        except sqlite3.Error as exc:
            self.show_error(busy_message(exc))
            return False, None
        return self.attempt(lambda: save(True))


def item_combo(items: list[dict[str, Any]], current_id: str | None) -> QComboBox:
    """Active items by name; typing a few letters jumps to one (no 1,000-entry scrolling)."""
    combo = QComboBox()
    for item in items:
        combo.addItem(item["name"], item["id"])
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    position = combo.findData(current_id) if current_id else -1
    combo.setCurrentIndex(max(position, 0))
    return combo


def site_combo(
    sites: list[dict[str, Any]], current_id: str | None, exclude: str | None = None
) -> QComboBox:
    combo = QComboBox()
    for site in sites:
        if site.get("archived") or site["id"] == exclude:
            continue
        combo.addItem(site["name"], site["id"])
    position = combo.findData(current_id)
    combo.setCurrentIndex(max(position, 0))
    return combo


def quantity_row(unit_label: QLabel) -> tuple[QWidget, QLineEdit]:
    """A quantity field with the unit written after it ("[ 2.5 ] kg")."""
    edit = QLineEdit()
    edit.setPlaceholderText(_("e.g. 2 or 2.5"))
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(unit_label)
    return row, edit


class MoveDialog(StockFormDialog):
    """Receive stock, or use / give out / spoil it: item, quantity (unit shown), reason, note.

    ``save(item_id, text, reason, site_id, note, allow_negative)`` records the movement.
    """

    def __init__(
        self,
        direction: str,
        items: list[dict[str, Any]],
        sites: list[dict[str, Any]],
        save: SaveFunction,
        *,
        item_id: str | None = None,
        site_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        incoming = direction == "in"
        super().__init__(
            _("Receive stock") if incoming else _("Use or give out stock"),
            _("Receive") if incoming else _("Take out"),
            parent,
        )
        self.direction = direction
        self.items = {item["id"]: item for item in items}
        self.save_function = save
        self.item_combo = item_combo(items, item_id)
        self.unit_label = QLabel()
        quantity_widget, self.quantity_edit = quantity_row(self.unit_label)
        self.reason_combo = QComboBox()
        for label, reason in IN_REASONS if incoming else OUT_REASONS:
            self.reason_combo.addItem(_(label), reason)
        self.site_combo = site_combo(sites, site_id)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(
            _("optional: from whom, for what") if incoming else _("optional: for whom, why")
        )
        self.form.addRow(_("&Item"), self.item_combo)
        self.form.addRow(_("&Quantity"), quantity_widget)
        self.form.addRow(_("&Reason"), self.reason_combo)
        self.form.addRow(_("&At"), self.site_combo)
        self.form.addRow(_("&Note"), self.note_edit)
        self.item_combo.currentIndexChanged.connect(lambda _i: self._show_unit())
        self._show_unit()
        self.quantity_edit.setFocus()

    def item_id(self) -> str | None:
        return self.item_combo.currentData()

    def _show_unit(self) -> None:
        item = self.items.get(self.item_id() or "")
        self.unit_label.setText(item["unit"] if item else "")

    def accept(self) -> None:
        item_id = self.item_id()
        if item_id is None:
            self.error_label.show_message(_("Choose an item first (type part of its name)."))
            return
        values = {
            "item_id": item_id,
            "text": self.quantity_edit.text(),
            "reason": self.reason_combo.currentData(),
            "site_id": self.site_combo.currentData(),
            "note": self.note_edit.text().strip(),
        }
        ok, result = self.attempt_allowing_negative(
            lambda allow: self.save_function(**values, allow_negative=allow)
        )
        if ok:
            self.finish(result)
        else:
            self.quantity_edit.setFocus()


class ItemDialog(StockFormDialog):
    """An item's name, category, unit, decimals, minimum, barcode and notes.

    ``save(values) -> item_id``; the minimum is typed in display units ("2.5").
    """

    def __init__(
        self,
        save: Callable[[dict[str, Any]], str],
        categories: list[str],
        item: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Edit {name}").format(name=item["name"]) if item else _("Add item"), _("Save"), parent
        )
        self.save_function = save
        self.item = item
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("Rice, sunflower oil, nappies size 4…"))
        self.category_combo = QComboBox()
        self.category_combo.setEditable(True)
        self.category_combo.addItem("")
        self.category_combo.addItems(categories)
        self.category_combo.lineEdit().setPlaceholderText(_("optional: grains, tins, hygiene…"))
        self.unit_edit = QLineEdit()
        self.unit_edit.setPlaceholderText(_("kg, l, piece, tin…"))
        self.decimals_spin = QSpinBox()
        self.decimals_spin.setRange(0, 3)
        self.decimals_spin.setToolTip(
            _("How finely it is counted: 0 for whole pieces, 3 for kg to the gram")
        )
        self.minimum_edit = QLineEdit()
        self.minimum_edit.setPlaceholderText(_("0: never on the shopping list"))
        self.barcode_edit = QLineEdit()
        self.barcode_edit.setPlaceholderText(_("optional: scan it here"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        if item:
            self.name_edit.setText(item["name"])
            self.category_combo.setCurrentText(item.get("category") or "")
            self.unit_edit.setText(item["unit"])
            self.decimals_spin.setValue(int(item.get("decimals") or 0))
            self.minimum_edit.setText(
                format_amount(int(item.get("decimals") or 0), int(item.get("minimum") or 0))
            )
            self.barcode_edit.setText(item.get("barcode") or "")
            self.notes_edit.setPlainText(item.get("notes") or "")
        self.form.addRow(_("&Name"), self.name_edit)
        self.form.addRow(_("&Category"), self.category_combo)
        self.form.addRow(_("&Unit"), self.unit_edit)
        self.form.addRow(_("&Decimals"), self.decimals_spin)
        self.form.addRow(_("&Minimum"), self.minimum_edit)
        self.form.addRow(
            "", muted(QLabel(_("The level under which it goes on the shopping list.")))
        )
        self.form.addRow(_("&Barcode"), self.barcode_edit)
        self.form.addRow(_("N&otes"), self.notes_edit)
        self.name_edit.setFocus()

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text().strip(),
            "category": self.category_combo.currentText().strip(),
            "unit": self.unit_edit.text().strip(),
            "decimals": self.decimals_spin.value(),
            "minimum": self.minimum_edit.text().strip() or "0",
            "barcode": self.barcode_edit.text().strip(),
            "notes": self.notes_edit.toPlainText().strip(),
        }

    def accept(self) -> None:
        values = self.values()
        ok, item_id = self.attempt(lambda: self.save_function(values))
        if ok:
            self.finish(item_id)


class SendTransferDialog(StockFormDialog):
    """Send stock to another site: it leaves here now and is "in transit" until confirmed.

    ``save(item_id, from_site_id, to_site_id, text, note, allow_negative) -> transfer_id``.
    """

    def __init__(
        self,
        items: list[dict[str, Any]],
        sites: list[dict[str, Any]],
        save: SaveFunction,
        *,
        item_id: str | None = None,
        from_site_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Send to another site"), _("Send"), parent)
        self.items = {item["id"]: item for item in items}
        self.sites = sites
        self.save_function = save
        self.item_combo = item_combo(items, item_id)
        self.unit_label = QLabel()
        quantity_widget, self.quantity_edit = quantity_row(self.unit_label)
        self.from_combo = site_combo(sites, from_site_id)
        self.to_combo = QComboBox()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(_("optional: who carries it, in which crate"))
        self.form.addRow(_("&Item"), self.item_combo)
        self.form.addRow(_("&Quantity"), quantity_widget)
        self.form.addRow(_("&From"), self.from_combo)
        self.form.addRow(_("&To"), self.to_combo)
        self.form.addRow(_("&Note"), self.note_edit)
        self.item_combo.currentIndexChanged.connect(lambda _i: self._show_unit())
        self.from_combo.currentIndexChanged.connect(lambda _i: self._fill_destinations())
        self._show_unit()
        self._fill_destinations()
        self.quantity_edit.setFocus()

    def _show_unit(self) -> None:
        item = self.items.get(self.item_combo.currentData() or "")
        self.unit_label.setText(item["unit"] if item else "")

    def _fill_destinations(self) -> None:
        chosen = self.to_combo.currentData()
        self.to_combo.clear()
        for site in self.sites:
            if not site.get("archived") and site["id"] != self.from_combo.currentData():
                self.to_combo.addItem(site["name"], site["id"])
        position = self.to_combo.findData(chosen)
        self.to_combo.setCurrentIndex(max(position, 0))

    def accept(self) -> None:
        item_id = self.item_combo.currentData()
        to_site = self.to_combo.currentData()
        if item_id is None or to_site is None:
            self.error_label.show_message(
                _("Choose an item and a site to send it to (add sites on the Sync page).")
            )
            return
        ok, transfer_id = self.attempt_allowing_negative(
            lambda allow: self.save_function(
                item_id=item_id,
                from_site_id=self.from_combo.currentData(),
                to_site_id=to_site,
                text=self.quantity_edit.text(),
                note=self.note_edit.text().strip(),
                allow_negative=allow,
            )
        )
        if ok:
            self.finish(transfer_id)


class ReceiveTransferDialog(StockFormDialog):
    """Confirm that a transfer arrived, with the quantity that really did.

    A smaller quantity is recorded as a loss in transit; ``save(text) -> TransferView``.
    """

    def __init__(
        self,
        transfer: Any,
        sent_text: str,
        unit: str,
        save: Callable[[str], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Confirm arrival"), _("Confirm arrival"), parent)
        self.transfer = transfer
        self.save_function = save
        summary = QLabel(
            _(
                "{item_name}: {sent_text} sent from {from_site_name} to {to_site_name} "
                "on {replace}."
            ).format(
                item_name=transfer.item_name,
                sent_text=sent_text,
                from_site_name=transfer.from_site_name,
                to_site_name=transfer.to_site_name,
                replace=str(transfer.sent_at)[:16].replace("T", " "),
            )
        )
        summary.setWordWrap(True)
        self.unit_label = QLabel(unit)
        quantity_widget, self.quantity_edit = quantity_row(self.unit_label)

        self.quantity_edit.setText(sent_text.removesuffix(unit).strip().replace(MINUS, "-"))
        self.quantity_edit.selectAll()
        self.form.addRow(summary)
        self.form.addRow(_("&Arrived"), quantity_widget)
        self.form.addRow(
            "",
            muted(QLabel(_("If less arrived than was sent, the difference is recorded as lost."))),
        )
        self.quantity_edit.setFocus()

    def accept(self) -> None:
        ok, view = self.attempt(lambda: self.save_function(self.quantity_edit.text()))
        if ok:
            self.finish(view)
