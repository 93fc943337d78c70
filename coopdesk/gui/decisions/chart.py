"""The tally as a chart: one horizontal bar per stance or option, drawn with QPainter.

Kept in this one small widget on purpose: the fair-share reports will choose a charting
library for the whole window, and this class is the one place to swap for it. It draws
from the palette (highlight for a winner, an objection that stands or a block), so it
follows light and dark themes, and it says in words what it draws (tooltip and accessible
description) for anyone who cannot see the bars.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from coopdesk.base.i18n import _
from coopdesk.decisions.results import Bar

LABEL_SHARE = 0.32  # at most this share of the width for the labels
GAP = 8
MIN_BAR = 40


class TallyChart(QWidget):
    """Bars for a decision's tally; ``set_bars([])`` with a message shows just the message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.message = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Tally"))

    def set_bars(self, bars: Sequence[Bar], message: str = "") -> None:
        self.bars = list(bars)
        self.message = message
        words = [f"{bar.label}: {bar.text}" for bar in self.bars] or [message]
        self.setToolTip("\n".join(words))
        self.setAccessibleDescription("; ".join(words))
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        """What the chart says, in words (tests and screen readers)."""
        return "\n".join(f"{bar.label}: {bar.text}" for bar in self.bars) or self.message

    def _row_height(self) -> int:
        return self.fontMetrics().height() + GAP

    def sizeHint(self) -> QSize:
        rows = max(1, len(self.bars))
        return QSize(360, rows * self._row_height() + GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        metrics = self.fontMetrics()
        if not self.bars:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.message,
            )
            return
        width = self.width()
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)  # room for the widest, bold, words
        label_width = min(
            int(width * LABEL_SHARE),
            max(metrics.horizontalAdvance(bar.label) for bar in self.bars) + 2 * GAP,
        )
        # The words beside the bars are never cut: the bars make room for them.
        text_width = min(
            width - label_width - MIN_BAR,
            max(metrics.horizontalAdvance(bar.text) for bar in self.bars) + GAP,
        )
        bar_space = max(MIN_BAR, width - label_width - text_width - GAP)
        top_value = max((bar.value for bar in self.bars), default=0) or 1
        row = self._row_height()
        for number, bar in enumerate(self.bars):
            y = GAP // 2 + number * row
            # A winner, an objection that stands, a block: in bold too, not only in colour.
            painter.setFont(bold if bar.marked else self.font())
            metrics = QFontMetrics(painter.font())
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - GAP)
            painter.drawText(
                QRectF(0, y, label_width - GAP, row - GAP), Qt.AlignmentFlag.AlignVCenter, label
            )
            length = bar_space * bar.value / top_value
            colour = palette.color(
                QPalette.ColorRole.Highlight if bar.marked else QPalette.ColorRole.Mid
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            if length > 0:
                painter.drawRoundedRect(
                    QRectF(label_width, y + 2, max(2.0, length), row - GAP - 4), 3, 3
                )
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(
                QRectF(label_width + length + GAP // 2, y, width - label_width - length, row - GAP),
                Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
        painter.end()
