"""A row of controls that wraps onto a second line when the window is too narrow for it.

A toolbar laid out with ``QHBoxLayout`` squeezes its controls below their size when the
window is narrow (1024 pixels at 200% text, ``QT_SCALE_FACTOR=2`` on a small screen): a
period reads "The la", a date "Thu 1". ``FlowLayout`` keeps every control at its size and
moves what does not fit to the next line. A stretch (``addStretch``) works as in a box
layout on each line: what comes after it goes to the line's far end. Right-to-left
languages mirror it with the rest of the window.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QStyle, QWidget


class FlowLayout(QLayout):
    """Items left to right, wrapping; see the module's note."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._heights: dict[int, int] = {}  # heightForWidth, until the layout changes
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout ----------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self.invalidate()

    def addStretch(self, stretch: int = 1) -> None:
        """What follows goes to the far end of its line (as ``QBoxLayout.addStretch``)."""
        self.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum))

    def addSpacing(self, size: int) -> None:
        """A gap of ``size`` pixels (as ``QBoxLayout.addSpacing``)."""
        self.addItem(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        item = self._items.pop(index) if 0 <= index < len(self._items) else None
        self.invalidate()
        return item

    def invalidate(self) -> None:
        """Qt calls this when an item, or the size or visibility of a control, changes."""
        self._heights.clear()
        super().invalidate()

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        # Qt asks again and again, and a stacked widget asks every page it holds whenever
        # one changes: with every page open, reloading one laid out the others' toolbars
        # hundreds of times (half of the Sync page's reload). Once per width, as QBoxLayout.
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._lay_out(QRect(0, 0, width, 0), place=False)
        return height

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._lay_out(rect, place=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self._gap * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """As narrow as the widest control (each on its own line)."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize()).expandedTo(QSize(item.sizeHint().width(), 0))
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- laying out -------------------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [
            item
            for item in self._items
            if not (item.widget() is not None and item.widget().isHidden())
        ]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            wanted = item.sizeHint().width()
            if lines[-1] and used + self._gap + wanted > width:
                lines.append([])
                used = 0
            used += (self._gap if lines[-1] else 0) + wanted
            lines[-1].append(item)
        # A stretch that begins or ends a line does nothing there.
        return [line for line in lines if any(item.widget() is not None for item in line)]

    def _lay_out(self, rect: QRect, place: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y = area.y()
        direction = self.parentWidget().layoutDirection() if self.parentWidget() else None
        for line in self._lines(area.width()):
            height = max(item.sizeHint().height() for item in line)
            widths = [item.sizeHint().width() for item in line]
            spare = area.width() - sum(widths) - self._gap * (len(line) - 1)
            growing = [
                index
                for index, item in enumerate(line)
                if item.expandingDirections() & Qt.Orientation.Horizontal
            ]
            if spare > 0 and growing:
                for index in growing:
                    widths[index] += spare // len(growing)
            if place:
                x = area.x()
                for item, width in zip(line, widths, strict=True):
                    item_height = min(height, max(item.sizeHint().height(), 0))
                    box = QRect(
                        QPoint(x, y + (height - item_height) // 2), QSize(width, item_height)
                    )
                    if direction is not None:
                        box = QStyle.visualRect(direction, area, box)
                    item.setGeometry(box)
                    x += width + self._gap
            y += height + self._gap
        return y - self._gap - area.y() + margins.top() + margins.bottom() if y > area.y() else 0
