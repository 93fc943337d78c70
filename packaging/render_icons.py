"""Render resources/icons/coopdesk.svg to the PNG sizes desktops ask for, and a Windows .ico.

The SVG is the source; the PNGs are committed so neither the app nor the package build needs
to render anything. Rerun this (``make icons``) after changing the SVG. It uses Qt's own SVG
renderer offscreen, so it needs nothing beyond the app's dependencies and no display.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "coopdesk.svg"
SIZES = (256, 128, 64, 48, 32, 16)
ICO_SIZES = (256, 64, 48, 32, 16)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """One square, antialiased render on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A multi-size .ico with PNG payloads (read by Windows Vista and later, and PyInstaller).

    Qt's ICO writer stores a single image, so the container is written by hand.
    """
    sizes = sorted(pngs, reverse=True)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payloads = b"", b""
    for size in sizes:
        payload = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(payload), offset)
        payloads += payload
        offset += len(payload)
    return header + entries + payloads


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"render_icons: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        pngs[size] = png_bytes(render(renderer, size))
        target = ICONS / f"coopdesk-{size}.png"
        target.write_bytes(pngs[size])
        print(f"wrote {target.relative_to(ICONS.parent.parent)}")
    ico = ICONS / "coopdesk.ico"
    ico.write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    print(f"wrote {ico.relative_to(ICONS.parent.parent)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
