"""The week view: seven day columns, each day's shifts stacked as coloured blocks.

A table model over one ``list_shifts`` call: column = day (Monday first), row = the n-th
shift of that day. Each cell is one shift: four lines (time, title, site, "filled / needed"
with the status in words, so colour is never the only signal), a status tint and a status
stripe. Cells below a day's last shift are disabled, so the arrow keys skip them. Being an
item view, the blocks are focusable and readable by screen readers for free.

Qt's own delegate paints the blocks from the model's roles; nothing is painted in Python.
That is faster, and it avoids PySide6 6.12 on Python 3.11 dropping a reference to ``None``
on each call of many void methods (``QPainter.setPen`` …): a Python ``paint()`` calls
dozens per block and would bring the process down after a few hundred repaints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from coopdesk.base.i18n import _, ngettext
from coopdesk.gui.kit.dates import to_datetime
from coopdesk.gui.shifts.texts import (
    long_date,
    monday_of,
    overbooked_sentence,
    places_text,
    short_date,
    time_range,
)

if TYPE_CHECKING:
    from coopdesk.shifts.shifts import ShiftView

AnyIndex = QModelIndex | QPersistentModelIndex
SHIFT_ROLE = Qt.ItemDataRole.UserRole + 1
SHIFT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
# Status hues; blended into the palette's base colour so they read on light and dark alike.
STATUS_HUES = {
    "open": QColor(0xE0, 0x9A, 0x1B),
    "full": QColor(0x2E, 0x9E, 0x5B),
    "overbooked": QColor(0xD6, 0x45, 0x45),
}
BLOCK_LINES = 4
STRIPE_WIDTH = 5


# -- dates and words --------------------------------------------------------------------------


def mix(base: QColor, hue: QColor, amount: float) -> QColor:
    """``base`` moved ``amount`` (0..1) of the way towards ``hue``."""
    return QColor(
        round(base.red() + (hue.red() - base.red()) * amount),
        round(base.green() + (hue.green() - base.green()) * amount),
        round(base.blue() + (hue.blue() - base.blue()) * amount),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def status_colours(palette: QPalette, status: str) -> tuple[QColor, QColor]:
    """``(fill, accent)`` for a block: a tint of the status hue, and the hue itself."""
    hue = STATUS_HUES.get(status, STATUS_HUES["open"])
    base = palette.color(QPalette.ColorRole.Base)
    return mix(base, hue, 0.30 if is_dark(palette) else 0.16), hue


# -- the model --------------------------------------------------------------------------------


class WeekModel(QAbstractTableModel):
    """One week of shifts: column = weekday, row = the n-th shift of that day."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.week_start = monday_of(dt.date.today())
        self.days: list[list[ShiftView]] = [[] for _index in range(7)]
        self.member_id: str | None = None
        self.show_sites = True
        self.now = dt.datetime.now()
        self.block_height = 60
        self._looks_cache: dict[tuple[str, bool], tuple[QBrush, QPixmap]] = {}

    def set_week(
        self,
        week_start: dt.date,
        shifts: Sequence[ShiftView],
        member_id: str | None = None,
        show_sites: bool = True,
    ) -> None:
        """Show ``shifts`` (already in the week, in start order) under their weekdays."""
        self.beginResetModel()
        self.week_start = week_start
        self.member_id = member_id
        self.show_sites = show_sites
        self.now = dt.datetime.now()
        self._looks_cache.clear()  # the theme may have changed since
        self.days = [[] for _index in range(7)]
        for shift in shifts:
            offset = (to_datetime(shift.starts_at).date() - week_start).days
            if 0 <= offset < 7:
                self.days[offset].append(shift)
        self.endResetModel()

    def shift_count(self) -> int:
        return sum(len(day) for day in self.days)

    def shift_at(self, row: int, column: int) -> ShiftView | None:
        if 0 <= column < 7 and 0 <= row < len(self.days[column]):
            return self.days[column][row]
        return None

    def index_of(self, shift_id: str) -> QModelIndex:
        for column, day in enumerate(self.days):
            for row, shift in enumerate(day):
                if shift.id == shift_id:
                    return self.index(row, column)
        return QModelIndex()

    def day(self, column: int) -> dt.date:
        return self.week_start + dt.timedelta(days=column)

    def my_part(self, shift: ShiftView) -> str:
        """``you``, ``you (waiting)`` or ``""`` for the member at the keyboard."""
        if self.member_id is None:
            return ""
        if any(s.member_id == self.member_id for s in shift.confirmed):
            return _("you")
        if any(s.member_id == self.member_id for s in shift.waiting):
            return _("you (waiting)")
        return ""

    def is_past(self, shift: ShiftView) -> bool:
        return to_datetime(shift.ends_at) < self.now

    def describe(self, shift: ShiftView) -> str:
        """Everything a block says, in one line (display text and screen readers)."""
        parts = [time_range(shift), shift.title]
        if self.show_sites and shift.site_name:
            parts.append(shift.site_name)
        parts.append(places_text(shift))
        mine = self.my_part(shift)
        if mine:
            parts.append(f"✓ {mine}")
        return ", ".join(parts)

    def block_text(self, shift: ShiftView) -> str:
        """The block's four lines: time (and ✓ you), title, site, places and status."""
        mine = self.my_part(shift)
        site = shift.site_name if self.show_sites and shift.site_name else ""
        return "\n".join(
            (
                time_range(shift) + (f"  ✓ {mine}" if mine else ""),
                shift.title,
                site or ("done" if self.is_past(shift) else " "),
                places_text(shift, compact=True),
            )
        )

    def _looks(self, shift: ShiftView) -> tuple[QBrush, QPixmap]:
        """Fill and stripe for a block; made once per status and palette, then reused."""
        key = (shift.status, self.is_past(shift))
        looks = self._looks_cache.get(key)
        if looks is None:
            palette = QApplication.palette()
            fill, accent = status_colours(palette, shift.status)
            if key[1]:
                fill = mix(fill, palette.color(QPalette.ColorRole.Base), 0.5)
            looks = self._looks_cache[key] = (QBrush(fill), stripe(accent, self.block_height))
        return looks

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(len(day) for day in self.days)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if self.shift_at(index.row(), index.column()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shift = self.shift_at(index.row(), index.column())
        if shift is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.block_text(shift)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.describe(shift)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._looks(shift)[0]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._looks(shift)[1]
        if role == Qt.ItemDataRole.ForegroundRole and self.is_past(shift):
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if role == SHIFT_ROLE:
            return shift
        if role == SHIFT_ID_ROLE:
            return shift.id
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{shift.title}, {long_date(to_datetime(shift.starts_at).date())}"]
            lines.append(
                time_range(shift)
                + (
                    _(" at {site_name}").format(site_name=shift.site_name)
                    if shift.site_name
                    else ""
                )
            )
            confirmed = ", ".join(s.member_name for s in shift.confirmed) or _("nobody yet")
            lines.append(_("On it: {confirmed}").format(confirmed=confirmed))
            if shift.waiting:
                lines.append(overbooked_sentence(shift))
            lines.append(_("Click or press Enter for details and to sign up."))
            return "\n".join(lines)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 7:
            return None
        day = self.day(section)
        if role == Qt.ItemDataRole.DisplayRole:
            # "today" on a line of its own (every day has two lines, so the grid does not
            # move between weeks): a narrow day at large text cut "Wed 2 Dec · today".
            today = _("today") if day == dt.date.today() else ""
            return short_date(day) + "\n" + today
        if role == Qt.ItemDataRole.FontRole and day == dt.date.today():
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            count = len(self.days[section])
            return ngettext(
                "{long_date}: {count} shift", "{long_date}: {count} shifts", count
            ).format(long_date=long_date(day), count=count)
        return None


# -- looks -----------------------------------------------------------------------------------


def stripe(colour: QColor, height: int) -> QPixmap:
    """The status stripe at a block's left edge, drawn by the view as the cell's decoration."""
    pixmap = QPixmap(STRIPE_WIDTH, max(1, height))
    pixmap.fill(colour)
    return pixmap


class FocusOutline(QStyledItemDelegate):
    """Draws a thick outline round the block that has the keyboard: the style's dotted
    focus rectangle was lost on the coloured blocks, so nobody saw where the arrows were."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.save()
            pen = QPen(option.palette.color(QPalette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
            painter.restore()


class WeekView(QTableView):
    """The grid of blocks. Enter or a click opens a shift; PageUp/PageDown change the week."""

    shift_activated = Signal(str)
    week_step = Signal(int)

    def __init__(self, model: WeekModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.week_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setItemDelegate(FocusOutline(self))
        self.setShowGrid(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        model.block_height = self.fontMetrics().lineSpacing() * BLOCK_LINES + 12
        rows.setDefaultSectionSize(model.block_height)
        self.setIconSize(QSize(STRIPE_WIDTH, model.block_height - 6))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(90)
        self.clicked.connect(self._open_index)

    def current_shift(self) -> ShiftView | None:
        index = self.currentIndex()
        return self.week_model.shift_at(index.row(), index.column()) if index.isValid() else None

    def select_shift(self, shift_id: str) -> bool:
        index = self.week_model.index_of(shift_id)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def select_first(self) -> None:
        """Put the cursor on the first shift (today's, if the week is this one)."""
        today = (dt.date.today() - self.week_model.week_start).days
        columns = [today, *range(7)] if 0 <= today < 7 else list(range(7))
        for column in columns:
            if self.week_model.shift_at(0, column) is not None:
                self.setCurrentIndex(self.week_model.index(0, column))
                return

    def _open_index(self, index: QModelIndex) -> None:
        shift = self.week_model.shift_at(index.row(), index.column())
        if shift is not None:
            self.shift_activated.emit(shift.id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._open_index(self.currentIndex())
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.week_step.emit(-1 if key == Qt.Key.Key_PageUp else 1)
            return
        super().keyPressEvent(event)
