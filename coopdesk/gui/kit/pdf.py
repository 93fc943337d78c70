"""PDF files from a laid-out document, as bytes, so they are written like every other file.

Qt's printer writes straight to a file name and says nothing when that fails (a full or
read-only stick gives an empty or missing PDF and no error). Rendering into memory and
handing the bytes to ``coopdesk.base.files`` gives PDFs the same rules and messages as every
file CoopDesk writes: the folder must exist, nothing is half written, one clear sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter

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
    """The parts of a printed sheet as one HTML page in the body text's size."""
    return (
        f"<html><body style='font-family: sans-serif; font-size: {body_pt}pt;'>"
        + "".join(body)
        + "</body></html>"
    )


def printed_line(small_pt: int, more: str = "") -> str:
    """ "Printed 2 December 2026 14:05 from CoopDesk." at the foot of a sheet, then ``more``."""
    now = dt.datetime.now()
    return (
        f"<p style='font-size: {small_pt}pt;'>Printed {now.day} {now:%B %Y %H:%M} from"
        f" CoopDesk.{' ' + more if more else ''}</p>"
    )
