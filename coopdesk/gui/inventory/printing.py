"""The printable shopping list: what is under its minimum at each site, to print or keep as PDF.

The list is laid out as a small HTML table in a ``QTextDocument`` (no web engine needed) and
printed with QtPrintSupport: to a printer through the system's print dialog, or to a PDF file
for a coop without a printer at the shared computer.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtWidgets import QWidget

from coopdesk.base.files import write_file
from coopdesk.base.i18n import _
from coopdesk.gui.kit.pdf import a4_portrait, follow_text_direction, html_direction, pdf_bytes
from coopdesk.inventory.items import format_quantity
from coopdesk.inventory.stock import low_stock
from coopdesk.store.store import Store


def shopping_rows(store: Store, site_id: str | None = None) -> list[Any]:
    """Low (and negative) balances, by site then item: the lines of the shopping list."""

    rows = list(low_stock(store, site_id))
    return sorted(rows, key=lambda row: (row.site_name.casefold(), row.name.casefold()))


def shopping_list_html(coop_name: str, rows: Sequence[Any], when: datetime | None = None) -> str:
    """The list as HTML: a heading per site, then item, on hand, minimum, to buy, and a box."""

    moment = (when or datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        f"<html dir='{html_direction()}'><body dir='{html_direction()}' "
        "style='font-family: sans-serif; font-size: 10pt'>",
        "<h2>" + _("Shopping list — {coop}").format(coop=html.escape(coop_name)) + "</h2>",
        "<p style='color:#555'>"
        + _("Items under their minimum, {moment}.").format(moment=moment)
        + "</p>",
    ]
    if not rows:
        parts.append(_("<p>Nothing is under its minimum: there is nothing to buy.</p>"))
    site = None
    for row in rows:
        if row.site_name != site:
            if site is not None:
                parts.append("</table>")
            site = row.site_name
            parts.append(f"<h3>{html.escape(site)}</h3>")
            parts.append(
                _(
                    "<table width='100%' cellspacing='0' cellpadding='4' border='1' "
                    "style='border-collapse: collapse; border-color:#999'>"
                    "<tr><th align='left'>Item</th><th align='left'>Category</th>"
                    "<th align='right'>On hand</th><th align='right'>Minimum</th>"
                    "<th align='right'>To buy</th><th>Got it</th></tr>"
                )
            )
        item = {"unit": row.unit, "decimals": row.decimals}
        shortfall = row.to_buy
        on_hand = format_quantity(item, row.balance)
        if row.negative:
            on_hand += " (negative: count it)"
        parts.append(
            "<tr><td>{name}</td><td>{value}</td><td align='right'>{on_hand}</td><td "
            "align='right'>{format_quantity}</td><td "
            "align='right'><b>{format_quantity2}</b></td><td "
            "align='center'>&#9744;</td></tr>".format(
                name=html.escape(row.name),
                value=html.escape(row.category or ""),
                on_hand=html.escape(on_hand),
                format_quantity=html.escape(format_quantity(item, row.minimum)),
                format_quantity2=html.escape(format_quantity(item, shortfall)),
            )
        )
    if site is not None:
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def shopping_document(coop_name: str, rows: Sequence[Any]) -> QTextDocument:
    document = follow_text_direction(QTextDocument())
    document.setHtml(shopping_list_html(coop_name, rows))
    return document


def _printer() -> Any:
    from PySide6.QtPrintSupport import QPrinter  # loaded only when someone prints

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer


def shopping_list_pdf(coop_name: str, rows: Sequence[Any]) -> bytes:
    """The shopping list as a PDF (A4), to be written by ``coopdesk.base.files``."""
    document = shopping_document(coop_name, rows)
    return pdf_bytes(a4_portrait((10, 10, 10, 10)), _("Shopping list"), document.print_)


def save_pdf(coop_name: str, rows: Sequence[Any], path: Path | str) -> Path:
    """Write the shopping list as a PDF where asked (a file, or a folder).

    Through the one output path: one clear sentence (an OutputError) and nothing left when
    it cannot be written; the file follows the user's umask.
    """
    data = shopping_list_pdf(coop_name, rows)
    return write_file(path, data, default_name="shopping-list.pdf")


def print_shopping_list(parent: QWidget, coop_name: str, rows: Sequence[Any]) -> bool:
    """The system print dialog (which also offers "Print to file"), then print. False: cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog

    printer = _printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print shopping list"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    shopping_document(coop_name, rows).print_(printer)
    return True
