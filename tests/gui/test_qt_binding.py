"""The Qt binding itself must not corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 dropped a reference to ``None`` on every call of a method that
returns nothing (``QLabel.setText``, ``QPainter.setPen`` ...). ``None`` starts with a few
thousand references, so a window that updates a label a few thousand times killed the
process ("deallocating None"). pyproject.toml keeps that release out; this test fails if an
installed binding brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QLabel


def test_methods_returning_nothing_do_not_leak_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    pixmap = QPixmap(8, 8)
    before = sys.getrefcount(None)
    for number in range(500):
        label.setText(str(number))
        label.setVisible(False)
        pixmap.fill(QColor("white"))
        painter = QPainter(pixmap)
        painter.setPen(QColor("black"))
        painter.end()
    # A few references may come and go with caches; the bug loses thousands here.
    assert sys.getrefcount(None) > before - 100
