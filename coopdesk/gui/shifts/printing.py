"""The week's rota on paper: print it, or save it as a PDF to pin on the wall.

The rota is an HTML table that a ``QTextDocument`` lays out on an A4 or US Letter page in
landscape: one column per day, and one row per "n-th shift of the day", so a busy day
flows onto further pages between shifts, with the day headers repeated on each page. Each
shift shows its time, title, who is on it, and a blank line per open place to write a name
in by hand. Plain black on white, body text 10 pt: it must photocopy well and be read from
a step away.

The document is laid out on the printer itself (``setPaintDevice``), so a point is a point
on paper: laid out for the screen and scaled onto a 1200 dpi page, 10 pt came out at
under 1 pt.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QLocale, QMarginsF, QSizeF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from coopdesk.base.files import write_file
from coopdesk.base.i18n import _
from coopdesk.base.text import day_month_year_text
from coopdesk.gui.kit.dates import to_datetime
from coopdesk.gui.kit.pdf import emphasis, follow_text_direction, html_direction, pdf_bytes
from coopdesk.gui.shifts.texts import short_date, time_range, week_title

if TYPE_CHECKING:
    from coopdesk.shifts.shifts import ShiftView

BLANK_LINE = "_______________"
# Where the table starts, each row starts, and the table ends, for ``paginate``; and where a
# continued table says "begin a new page".
TABLE, ROW, END, BREAK = "<!--rota table-->", "<!--rota row-->", "<!--rota end-->", "/*break*/"
BODY_PT = 10
Paper = Literal["a4", "letter"]
PAPER_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


def local_paper() -> Paper:
    """US Letter where the locale measures in inches, A4 everywhere else."""
    imperial = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
    return "letter" if imperial else "a4"


def rota_html(
    shifts: Sequence[ShiftView], week_start: dt.date, coop_name: str, subtitle: str = ""
) -> str:
    """The week as an HTML table that ``QTextDocument`` lays out (its subset of HTML)."""
    days: list[list[ShiftView]] = [[] for _index in range(7)]
    for shift in shifts:
        offset = (to_datetime(shift.starts_at).date() - week_start).days
        if 0 <= offset < 7:
            days[offset].append(shift)
    heading = _("{coop_name}: shifts {week_title}").format(
        coop_name=html.escape(coop_name), week_title=html.escape(week_title(week_start))
    )
    way = html_direction()  # Arabic: the week runs right to left on paper too
    parts = [
        f"<html dir='{way}'><body dir='{way}' style='font-family: sans-serif; "
        f"font-size: {BODY_PT}pt;'>",
        f"<h2 style='font-size: 14pt;'>{heading}</h2>",
    ]
    if subtitle:
        parts.append(f"<p>{html.escape(subtitle)}</p>")
    parts.append(TABLE)
    parts.append(
        f"<table dir='{way}' width='100%' border='1' cellspacing='0' cellpadding='4' "
        f"style='{BREAK}border-collapse: collapse; border-color: "
        "#000;'><thead><tr>"
    )
    # QTextDocument does not mirror a table's columns: right to left, Monday goes last.
    offsets = range(6, -1, -1) if way == "rtl" else range(7)
    for offset in offsets:
        day = week_start + dt.timedelta(days=offset)
        parts.append(f"<th width='14%' bgcolor='#e8e8e8'>{html.escape(short_date(day))}</th>")
    parts.append("</tr></thead>")
    # Row n holds each day's n-th shift; ``paginate`` breaks pages between rows.
    for row in range(max(1, *(len(day) for day in days))):
        parts.append(ROW + "<tr>")
        for day_shifts in (days[offset] for offset in offsets):
            cell = shift_html(day_shifts[row]) if row < len(day_shifts) else "&nbsp;"
            parts.append(f"<td valign='top'>{cell}</td>")
        parts.append("</tr>")
    parts.append(END + "</table>")
    printed = dt.datetime.now()
    parts.append(
        _(
            "<p style='font-size: 9pt;'>Printed {when} from "
            "CoopDesk. Write your name on an open line, and sign up in CoopDesk "
            "too.</p>"
        ).format(when=f"{day_month_year_text(printed)} {printed:%H:%M}")
    )
    parts.append("</body></html>")
    return "".join(parts)


def shift_html(shift: ShiftView) -> str:
    lines = [
        f"<b>{html.escape(time_range(shift))}</b><br/>",
        f"<b>{html.escape(shift.title)}</b>",
    ]
    if shift.site_name:
        lines.append(f"<br/>{emphasis(html.escape(shift.site_name))}")
    lines.append(f"<br/>{shift.filled} / {shift.capacity}")
    if shift.status == "overbooked":
        lines.append(_(" (overbooked)"))
    for signup in shift.confirmed:
        lines.append(f"<br/>• {html.escape(signup.member_name)}")
    for signup in shift.waiting:
        lines.append(
            "<br/>• "
            + emphasis(
                _("{member_name} (waiting)").format(member_name=html.escape(signup.member_name))
            )
        )
    for _index in range(max(0, shift.capacity - shift.filled)):
        lines.append(f"<br/>• {BLANK_LINE}")
    return f"<p>{''.join(lines)}</p>"


def _page_layout(paper: Paper) -> QPageLayout:
    return QPageLayout(
        QPageSize(PAPER_SIZES[paper]),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def _set_up(printer: QPrinter, paper: Paper) -> None:
    printer.setPageLayout(_page_layout(paper))


def _laid_out(device: QPagedPaintDevice, html_text: str) -> QTextDocument:
    """The rota laid out on the device's own page (its dots): a point is a point."""
    document = follow_text_direction(QTextDocument())
    document.documentLayout().setPaintDevice(device)
    document.setHtml(html_text)
    page = device.pageLayout().paintRectPixels(device.logicalDpiX())
    document.setPageSize(QSizeF(page.width(), page.height()))
    return document


def paginate(device: QPagedPaintDevice, html_text: str) -> str:
    """The rota with a page break before each row that would not fit on its page, and the
    day headers repeated there: Qt would cut a shift in two across pages."""
    if TABLE not in html_text or END not in html_text:
        return html_text.replace(BREAK, "")
    before, rest = html_text.split(TABLE, 1)
    table_and_rows, after = rest.split(END, 1)
    table_open, *rows = table_and_rows.split(ROW)
    body_open = before[: before.index(">", before.index("<body")) + 1]
    pages: list[list[str]] = [[]]
    for row in rows:
        trial = pages[-1] + [row]
        start = before if len(pages) == 1 else body_open
        text = start + table_open.replace(BREAK, "") + "".join(trial) + "</table></body></html>"
        if pages[-1] and _laid_out(device, text).pageCount() > 1:
            pages.append([row])
        else:
            pages[-1] = trial
    tables = [
        table_open.replace(BREAK, "" if number == 0 else "page-break-before: always; ")
        + "".join(page_rows)
        + ("" if number == len(pages) - 1 else "</table>")
        for number, page_rows in enumerate(pages)
    ]
    return before + "".join(tables) + after


def _render(device: QPagedPaintDevice, html_text: str) -> None:
    """Lay the rota out on the device's page, a page break between rows, and print it."""
    _laid_out(device, paginate(device, html_text)).print_(device)


def rota_pdf(html_text: str, title: str | None = None, paper: Paper | None = None) -> bytes:
    """The rota as a PDF (landscape; A4 or US Letter, by default as the locale measures),
    to be written by ``coopdesk.base.files``."""
    layout = _page_layout(paper or local_paper())
    return pdf_bytes(layout, title or _("Rota"), lambda device: _render(device, html_text))


def save_rota_pdf(
    path: Path | str,
    html_text: str,
    paper: Paper | None = None,
    *,
    default_name: str = "rota.pdf",
) -> Path:
    """Write the rota as a PDF where asked (a file, or a folder: ``default_name`` in it).

    Through the one output path: a missing folder, a full or read-only drive give one clear
    sentence (an OutputError) and leave nothing; the file follows the user's umask.
    """
    pdf = rota_pdf(html_text, Path(default_name).stem, paper)
    return write_file(path, pdf, default_name=default_name)


def print_rota(parent: QWidget | None, html_text: str) -> bool:
    """Ask which printer (the system dialog), then print. False when the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _set_up(printer, local_paper())
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the week's rota"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    _render(printer, html_text)
    return True
