"""PDF files from a laid-out document, as bytes, so they are written like every other file.

Qt's printer writes straight to a file name and says nothing when that fails (a full or
read-only stick gives an empty or missing PDF and no error). Rendering into memory and
handing the bytes to ``coopdesk.base.files`` gives PDFs the same rules and messages as every
file CoopDesk writes: the folder must exist, nothing is half written, one clear sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, Qt
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from coopdesk.base.i18n import _, current_language, is_right_to_left
from coopdesk.base.text import day_month_year_text

# The resolution of QPrinter's HighResolution mode for PDFs, so layouts measured in device
# pixels come out as they did when the printer wrote the file itself.
PDF_DPI = 1200


def pdf_bytes(
    layout: QPageLayout, title: str, render: Callable[[QPagedPaintDevice], None]
) -> bytes:
    """A PDF with pages of ``layout``; ``render`` paints onto the writer (a paged device)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("CoopDesk")
    writer.setPageLayout(layout)
    render(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


def a4_portrait(margins_mm: tuple[float, float, float, float] = (18, 16, 18, 16)) -> QPageLayout:
    """An A4 portrait page with margins (left, top, right, bottom) in millimetres: the
    sheets people print (decisions, reports, stock lists)."""
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(*margins_mm),
        QPageLayout.Unit.Millimeter,
    )


def sheet_html(body: list[str], body_pt: int) -> str:
    """The parts of a printed sheet as one HTML page in the body text's size, in the
    language of the window (right to left for Arabic: dir="rtl")."""
    language = current_language()
    direction = "rtl" if is_right_to_left(language) else "ltr"
    return (
        f"<html lang='{language}' dir='{direction}'>"
        f"<body dir='{direction}' style='font-family: sans-serif; font-size: {body_pt}pt;'>"
        + "".join(body)
        + "</body></html>"
    )


def printed_line(small_pt: int, more: str = "") -> str:
    """ "Printed 2 December 2026 14:05 from CoopDesk." at the foot of a sheet, then ``more``."""
    now = dt.datetime.now()
    printed = _("Printed {when} from CoopDesk.").format(
        when=f"{day_month_year_text(now)} {now:%H:%M}"
    )
    return f"<p style='font-size: {small_pt}pt;'>{printed}{' ' + more if more else ''}</p>"


def emphasis(escaped_html: str) -> str:
    """Text set apart on paper: italic, except in a script its fonts have no italic of
    (Arabic printed as empty boxes in italic), where it is a shade lighter instead."""
    if is_right_to_left():
        return f"<span style='color: #555555;'>{escaped_html}</span>"
    return f"<i>{escaped_html}</i>"


def html_direction() -> str:
    """ "rtl" for a language written right to left (Arabic), else "ltr": for dir="…"."""
    return "rtl" if is_right_to_left() else "ltr"


def follow_text_direction(document: QTextDocument) -> QTextDocument:
    """Lay a printed sheet out right to left when the window's language is (Arabic)."""
    if is_right_to_left():
        option = document.defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        document.setDefaultTextOption(option)
    return document
