"""PDF files from a laid-out document, as bytes, so they are written like every other file.

Qt's printer writes straight to a file name and says nothing when that fails (a full or
read-only stick gives an empty or missing PDF and no error). Rendering into memory and
handing the bytes to ``coopdesk.base.files`` gives PDFs the same rules and messages as every
file CoopDesk writes: the folder must exist, nothing is half written, one clear sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPdfWriter

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
