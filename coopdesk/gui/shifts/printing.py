"""The week's rota on paper: print it, or save it as a PDF to pin on the wall.

The rota is an HTML table (one column per day, each shift with its time, title, the names
of who is on it and a blank line per open place to write a name in by hand), laid out by a
``QTextDocument`` on an A4 landscape page. Plain black on white: it must photocopy well.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import (
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from coopdesk.base.files import write_file
from coopdesk.gui.kit.dates import to_datetime
from coopdesk.gui.kit.pdf import pdf_bytes
from coopdesk.gui.shifts.texts import short_date, time_range, week_title

if TYPE_CHECKING:
    from coopdesk.shifts.shifts import ShiftView

BLANK_LINE = "_______________"


def rota_html(
    shifts: Sequence[ShiftView], week_start: dt.date, coop_name: str, subtitle: str = ""
) -> str:
    """The week as an HTML table that ``QTextDocument`` lays out (its subset of HTML)."""
    days: list[list[ShiftView]] = [[] for _ in range(7)]
    for shift in shifts:
        offset = (to_datetime(shift.starts_at).date() - week_start).days
        if 0 <= offset < 7:
            days[offset].append(shift)
    heading = f"{html.escape(coop_name)}: shifts {html.escape(week_title(week_start))}"
    parts = [
        "<html><body style='font-family: sans-serif; font-size: 9pt;'>",
        f"<h2>{heading}</h2>",
    ]
    if subtitle:
        parts.append(f"<p>{html.escape(subtitle)}</p>")
    parts.append(
        "<table width='100%' border='1' cellspacing='0' cellpadding='4' "
        "style='border-collapse: collapse; border-color: #000;'><tr>"
    )
    for offset in range(7):
        day = week_start + dt.timedelta(days=offset)
        parts.append(f"<th width='14%' bgcolor='#e8e8e8'>{html.escape(short_date(day))}</th>")
    parts.append("</tr><tr>")
    for day_shifts in days:
        cell = [shift_html(shift) for shift in day_shifts] or ["<p>&nbsp;</p>"]
        parts.append(f"<td valign='top'>{''.join(cell)}</td>")
    parts.append("</tr></table>")
    printed = dt.datetime.now()
    parts.append(
        f"<p style='font-size: 7pt;'>Printed {printed.day} {printed:%B %Y %H:%M} from CoopDesk. "
        "Write your name on an open line, and sign up in CoopDesk too.</p>"
    )
    parts.append("</body></html>")
    return "".join(parts)


def shift_html(shift: ShiftView) -> str:
    lines = [
        f"<b>{html.escape(time_range(shift))}</b><br/>",
        f"<b>{html.escape(shift.title)}</b>",
    ]
    if shift.site_name:
        lines.append(f"<br/><i>{html.escape(shift.site_name)}</i>")
    lines.append(f"<br/>{shift.filled} / {shift.capacity}")
    if shift.status == "overbooked":
        lines.append(" (overbooked)")
    for signup in shift.confirmed:
        lines.append(f"<br/>• {html.escape(signup.member_name)}")
    for signup in shift.waiting:
        lines.append(f"<br/>• <i>{html.escape(signup.member_name)} (waiting)</i>")
    for _ in range(max(0, shift.capacity - shift.filled)):
        lines.append(f"<br/>• {BLANK_LINE}")
    return f"<p style='margin-bottom: 8px;'>{''.join(lines)}</p>"


def rota_document(html_text: str) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(html_text)
    return document


def _page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def _set_up(printer: QPrinter) -> None:
    printer.setPageLayout(_page_layout())


def _render(device: QPagedPaintDevice, html_text: str) -> None:
    """One page: the document laid out on the page's size in its own units (screen pixels).

    Qt maps the document's page onto the device's page; giving it the page in device pixels
    (1200 per inch) shrank the 9 pt text to under 1 pt.
    """
    document = rota_document(html_text)
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInchX() if screen is not None else 96.0
    page = device.pageLayout().paintRect(QPageLayout.Unit.Point)
    document.setPageSize(QSizeF(page.width() * dpi / 72, page.height() * dpi / 72))
    document.print_(device)


def rota_pdf(html_text: str, title: str = "Rota") -> bytes:
    """The rota as a PDF (A4 landscape), to be written by ``coopdesk.base.files``."""
    return pdf_bytes(_page_layout(), title, lambda device: _render(device, html_text))


def save_rota_pdf(path: Path | str, html_text: str, default_name: str = "rota.pdf") -> Path:
    """Write the rota as a PDF where asked (a file, or a folder: ``default_name`` in it).

    Through the one output path: a missing folder, a full or read-only drive give one clear
    sentence (an OutputError) and leave nothing; the file follows the user's umask.
    """
    return write_file(path, rota_pdf(html_text, Path(default_name).stem), default_name=default_name)


def print_rota(parent: QWidget | None, html_text: str) -> bool:
    """Ask which printer (the system dialog), then print. False when the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _set_up(printer)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the week's rota")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    _render(printer, html_text)
    return True
