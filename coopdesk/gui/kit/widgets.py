"""Small widgets shared by pages and dialogs: empty states, inline errors and message panels.

Colours come from the palette (muted text uses the placeholder-text role), so they follow
light and dark themes without a stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QObject,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QIcon,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCommandLinkButton,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import _, is_right_to_left, ngettext

# The dynamic property of a widget that shortens its text on purpose, with the whole text in
# its tooltip (a long member name in a narrow list): the test that looks for cut-off text
# (tests/gui/fitting.py) skips it instead of guessing.
ELIDES = "elides"


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


# A line of the 9-point font the window's pixel sizes (column widths) were chosen at.
REFERENCE_LINE_HEIGHT = 14


def text_scale(widget: QWidget) -> float:
    """How many times larger than that font ``widget``'s text is: 1.0 at the usual size,
    about 2.0 for someone who doubled it. Pixel widths chosen for the usual size are
    multiplied by this, so a doubled font does not cut every column's words in half."""
    return max(1.0, widget.fontMetrics().height() / REFERENCE_LINE_HEIGHT)


def scale_columns(view: QTableView) -> None:
    """Widen the columns a page sized in pixels (``resizeSection``) in proportion to the
    text, once; ``fit_columns`` tables scale their own widths."""
    scale = text_scale(view)
    if scale <= 1.05 or view.property("coopdeskColumnsScaled"):
        return
    view.setProperty("coopdeskColumnsScaled", True)
    if view.findChild(ColumnFit) is not None:
        return
    header = view.horizontalHeader()
    last = header.count() - 1
    for column in range(header.count()):
        if column == last and header.stretchLastSection():
            continue
        header.resizeSection(column, round(header.sectionSize(column) * scale))


class ElidedLabel(QLabel):
    """One line of plain text that shortens itself with "…" when it is given less room than
    its words (a long notice in the status bar), with the whole text in its tooltip. It asks
    for the width of its words but takes less, so it never pushes its neighbours off.
    ``text()`` is the whole text, and what a screen reader reads."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setProperty(ELIDES, True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._own_tooltip = ""

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def setToolTip(self, tip: str) -> None:
        self._own_tooltip = tip
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        least = self.fontMetrics().horizontalAdvance("…") * 4
        return QSize(min(hint.width(), least), hint.height())

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        QLabel.setToolTip(self, self.text() if self.elided() else self._own_tooltip)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, area.width()
        )
        alignment = QStyle.visualAlignment(self.layoutDirection(), self.alignment())
        self.style().drawItemText(
            painter,
            area,
            int(alignment),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )


def title_width(header: QHeaderView, section: int) -> int:
    """The width ``section``'s title needs: its words, icon and margins, and the sort arrow
    only where the arrow is (Qt's own ``sectionSizeFromContents`` leaves room for an arrow
    in every column)."""
    option = QStyleOptionHeader()
    header.initStyleOption(option)
    option.section = section
    model = header.model()
    if model is None:
        return 0
    text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
    option.text = "" if text is None else str(text)
    font = model.headerData(section, header.orientation(), Qt.ItemDataRole.FontRole)
    if isinstance(font, QFont):
        option.fontMetrics = QFontMetrics(font)
    sorted_here = header.isSortIndicatorShown() and header.sortIndicatorSection() == section
    option.sortIndicator = (
        QStyleOptionHeader.SortIndicator.SortDown
        if sorted_here
        else QStyleOptionHeader.SortIndicator.None_
    )
    size = header.style().sizeFromContents(
        QStyle.ContentsType.CT_HeaderSection, option, QSize(), header
    )
    return size.width()


def title_widths(view: QTableView) -> list[int]:
    """The width each column's title needs (see ``title_width``)."""
    header = view.horizontalHeader()
    return [title_width(header, column) for column in range(header.count())]


def widen_to_titles(view: QTableView) -> None:
    """Keep the titles of a page's columns sized in pixels whole (see ``TitlesWhole``)."""
    if view.findChild(TitlesWhole) is None and view.findChild(ColumnFit) is None:
        TitlesWhole(view)


class TitlesWhole(QObject):
    """Widens a table's columns sized in pixels to their titles (again after each reset of
    its model, which may bring new columns and sizes): a longer language's
    title ("Changes not yet sent there", translated) is not cut; the columns then scroll
    sideways in a narrow window, as any wide table does. The columns that stretch over
    what is left stop stretching while what is left is narrower than their titles."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        header = view.horizontalHeader()
        self.stretch_last = header.stretchLastSection()
        stretch = QHeaderView.ResizeMode.Stretch
        self.stretch_mode = [
            c for c in range(header.count()) if header.sectionResizeMode(c) == stretch
        ]
        view.viewport().installEventFilter(self)
        model = view.model()
        if model is not None:  # a page that sizes its columns again on a reset: after it
            queued = Qt.ConnectionType.QueuedConnection
            model.modelReset.connect(self.widen, queued)
            model.columnsInserted.connect(self.widen, queued)
            model.headerDataChanged.connect(self.widen, queued)
        self.widen()

    def stretching(self) -> list[int]:
        last = self.view.horizontalHeader().count() - 1
        extra = [last] if self.stretch_last and last >= 0 and last not in self.stretch_mode else []
        return [*self.stretch_mode, *extra]

    def widen(self, *_args: object) -> None:
        """Each column sized in pixels at least as wide as its title."""
        header = self.view.horizontalHeader()
        stretching = self.stretching()
        for column, needed in enumerate(title_widths(self.view)):
            if column in stretching:
                continue
            if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
                continue  # sized by Qt to its contents
            if header.sectionSize(column) < needed:
                header.resizeSection(column, needed)
        self.fit_stretching()

    def fit_stretching(self) -> None:
        """Stretch while the room left holds the stretching columns' titles; else give them
        their titles' widths (and let the table scroll)."""
        stretching = self.stretching()
        if not stretching:
            return
        header = self.view.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        needed = sum(title_width(header, c) for c in stretching)
        others = sum(header.sectionSize(c) for c in shown if c not in stretching)
        stretch = self.view.viewport().width() - others >= needed
        if self.stretch_last:
            header.setStretchLastSection(stretch)
        modes = QHeaderView.ResizeMode
        for column in stretching:
            if column in self.stretch_mode:
                header.setSectionResizeMode(column, modes.Stretch if stretch else modes.Interactive)
            if not stretch:
                header.resizeSection(column, title_width(header, column))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit_stretching()
        return False


def muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour, readable on light and dark."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def human_size(size: int) -> str:
    """``812 bytes``, ``14 KB``, ``3.2 MB``: file sizes as people read them."""
    if size < 1000:
        return ngettext("{count} byte", "{count} bytes", size).format(count=size)
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return ngettext("{count} byte", "{count} bytes", size).format(count=size)  # not reached


def standard_icon(widget: QWidget, kind: str) -> QIcon:
    """The style's own icon (``ok``, ``info``, ``warning``, ``error``, ``drive``)."""
    from PySide6.QtWidgets import QStyle  # its enums take a while to load; not at startup

    pixmap = {
        "ok": QStyle.StandardPixmap.SP_DialogApplyButton,
        "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "drive": QStyle.StandardPixmap.SP_DriveHDIcon,
    }[kind]
    return widget.style().standardIcon(pixmap)


class MessagePanel(QFrame):
    """A message that stays on the page until the next one: what just happened, in words.

    ``show_message(kind, title, text, notes, action)``: ``notes`` are extra lines shown in
    bold with a warning icon (clock warnings, a new site identity), ``action`` an optional
    ``(label, callback)`` button such as "Review conflicts".
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="noticeBar")
        self.kind = ""
        self.icon_label = QLabel()
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title_label = QLabel()
        self.title_label.setFont(scaled_font(self, 1.1, bold=True))
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_box = QVBoxLayout()
        self.notes_box.setSpacing(4)
        self.note_labels: list[QLabel] = []
        self.action_button = QPushButton()
        self.action_button.hide()
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], None] | None = None
        self.close_button = QToolButton()
        self.close_button.setText("×")  # in every font, unlike the styles' close icons
        self.close_button.setFont(scaled_font(self, 1.3))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(_("Dismiss this message"))
        self.close_button.clicked.connect(self.dismiss)

        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.title_label)
        texts.addWidget(self.text_label)
        texts.addLayout(self.notes_box)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 6, 8)
        layout.addWidget(self.icon_label)
        layout.addLayout(texts, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(
        self,
        kind: str,
        title: str,
        text: str = "",
        notes: list[str] | None = None,
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        self.kind = kind
        size = self.fontMetrics().height() * 2
        self.icon_label.setPixmap(standard_icon(self, kind).pixmap(size, size))
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.text_label.setVisible(bool(text))
        while self.notes_box.count():
            item = self.notes_box.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.note_labels = []
        small = self.fontMetrics().height()
        for note in notes or []:
            row = QWidget()
            icon = QLabel()
            icon.setPixmap(standard_icon(self, "warning").pixmap(small, small))
            icon.setAlignment(Qt.AlignmentFlag.AlignTop)
            label = QLabel(note)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setFont(scaled_font(self, 1.0, bold=True))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 2, 0, 0)
            row_layout.addWidget(icon)
            row_layout.addWidget(label, 1)
            self.notes_box.addWidget(row)
            self.note_labels.append(label)
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        self.show()

    def full_text(self) -> str:
        """Everything the panel says, for tests and screen readers."""
        parts = [self.title_label.text(), self.text_label.text()]
        parts += [label.text() for label in self.note_labels]
        return "\n".join(part for part in parts if part)

    def dismiss(self) -> None:
        self.kind = ""
        self.hide()

    def _run_action(self) -> None:
        if self._action is not None:
            self._action()


class EmptyState(QWidget):
    """A centred title, explanation and optional action for a list or page with nothing in it."""

    def __init__(
        self,
        title: str = "",
        text: str = "",
        action_label: str = "",
        on_action: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title_label = QLabel(title)
        self.title_label.setFont(scaled_font(self, 1.35, bold=True))
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.text_label = muted(QLabel(text))
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self.action_button = QPushButton(action_label)
        self.action_button.setVisible(bool(action_label))
        if on_action is not None:
            self.action_button.clicked.connect(on_action)

        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.action_button)
        button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title_label)
        layout.addSpacing(6)
        layout.addWidget(self.text_label)
        layout.addSpacing(12)
        layout.addLayout(button_row)
        layout.addStretch(3)

    def set_text(self, title: str, text: str = "", action_label: str | None = None) -> None:
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.text_label.setVisible(bool(text))
        if action_label is not None:
            self.action_button.setText(action_label)
            self.action_button.setVisible(bool(action_label))


class TallEnoughForItsLines(QObject):
    """Keeps a window at least as tall as its wrapped lines need at its width. A layout's
    minimum height is the one at its narrowest; a message shown later (an error under the
    fields) wraps onto more lines at the window's real width, and was cut at the bottom.
    Made through ``tall_enough_for_its_lines``."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_ = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() in (
            QEvent.Type.LayoutRequest,
            QEvent.Type.Resize,
        ):
            QTimer.singleShot(0, self, self.grow)  # after the layout has done its own
        return False

    def grow(self) -> None:
        layout = self.window_.layout()
        if layout is None or not layout.hasHeightForWidth() or not self.window_.isVisible():
            return
        needed = layout.totalHeightForWidth(self.window_.width())
        if self.window_.height() < needed:
            self.window_.resize(self.window_.width(), needed)


def tall_enough_for_its_lines(window: QWidget) -> None:
    """See ``TallEnoughForItsLines``."""
    if window.findChild(TallEnoughForItsLines) is None:
        TallEnoughForItsLines(window)


class ErrorLabel(QWidget):
    """An inline message with the style's warning icon; hidden while there is no error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QStyle  # its enums take a while to load; not at startup

        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.icon_label = QLabel()
        size = self.fontMetrics().height()
        self.icon_label.setPixmap(icon.pixmap(size, size))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        self.hide()

    def show_message(self, message: str) -> None:
        self.text_label.setText(message)
        self.setVisible(bool(message))

    def clear(self) -> None:
        self.text_label.clear()
        self.hide()

    def text(self) -> str:
        return self.text_label.text()


class ChoiceButton(QCommandLinkButton):
    """A big choice ("Start a new coop") that shows when the keyboard is on it.

    Qt's command link draws no focus of its own in most styles, so Tab and the arrows moved
    through the welcome choices unseen: this one draws a frame in the highlight colour."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.hasFocus():
            painter = QPainter(self)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
            painter.setPen(pen)
            painter.drawRoundedRect(self.rect().adjusted(1, 1, -2, -2), 5, 5)
            painter.end()


def enter_presses(button: QPushButton) -> None:
    """Make Enter in ``button``'s dialog press ``button``, and only it.

    A dialog's other buttons are "auto-default": whichever has the focus takes Enter. When a
    field is disabled (a busy join, a paused PIN) the focus falls to Cancel, and the next
    Enter closes the dialog with nothing done. Here no other button takes Enter, ever.
    """
    window = button.window()
    for other in window.findChildren(QPushButton):
        if other is not button and other.window() is window:
            other.setAutoDefault(False)
            other.setDefault(False)
    button.setAutoDefault(True)
    button.setDefault(True)


def follow_selection(view: QAbstractItemView, react: Callable[[], None]) -> None:
    """Call ``react()`` whenever the selected row of ``view`` changes, by keyboard or mouse.

    Reacting to ``currentRowChanged`` alone misses the mouse: a press moves the current
    index first and applies the selection after, so a handler that asks for the selected
    row then finds none (Edit stays disabled, the history stays empty). The selection
    model's ``selectionChanged`` comes once the press has applied it; ``currentRowChanged``
    still covers moves that keep the selection. ``react`` reads ``selected_row(view)``.
    """
    selection = view.selectionModel()
    selection.selectionChanged.connect(lambda _selected, _deselected: react())
    selection.currentRowChanged.connect(lambda _current, _previous: react())


def selected_row(view: QAbstractItemView) -> int:
    """The selected row (the current one if it is selected), or -1 when none is."""
    selection = view.selectionModel()
    if selection is None:
        return -1
    current = view.currentIndex()
    if current.isValid() and selection.isRowSelected(current.row(), current.parent()):
        return current.row()
    rows = selection.selectedRows()
    return rows[0].row() if rows else -1


def select_row(view: QAbstractItemView, row: int) -> None:
    """Make ``row`` the current and only selected row, and scroll to it."""
    index = view.model().index(row, 0)
    view.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    view.scrollTo(index)


class ColumnFit(QObject):
    """Keeps a table's columns inside its width, giving up space where it was chosen to.

    ``columns`` are (wanted, least) widths in pixels. The ``stretch`` column takes what is
    left over; when the table is narrower than the wanted widths (1024x600), every column
    shrinks towards its least width in proportion to what it can spare, so no column (a
    balance, a status) slides off the right edge. Columns whose least equals their wanted
    width never shrink. Used through ``fit_columns``.
    """

    def __init__(
        self, view: QAbstractItemView, columns: Sequence[tuple[int, int]], stretch: int
    ) -> None:
        super().__init__(view)
        self.view = view
        scale = text_scale(view)  # the widths are for the usual text size
        self.columns = [(round(want * scale), round(least * scale)) for want, least in columns]
        self.stretch = stretch
        header = view.horizontalHeader()  # type: ignore[attr-defined]
        header.setStretchLastSection(False)
        for column in range(len(self.columns)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        view.viewport().installEventFilter(self)
        self.fit()

    def widths(self, available: int, titles: Sequence[int] = ()) -> list[int]:
        """The columns' widths for ``available`` pixels; no column narrower than its title
        (``titles``, the widths the titles need: the table scrolls sideways instead)."""
        titles = [*titles, *[0] * (len(self.columns) - len(titles))]
        wanted = [max(w, title) for (w, _least), title in zip(self.columns, titles, strict=False)]
        least = [
            max(min(w, low), title) for (w, low), title in zip(self.columns, titles, strict=False)
        ]
        wanted[self.stretch] = least[self.stretch]
        excess = sum(wanted) - available
        if excess <= 0:
            wanted[self.stretch] += -excess
            return wanted
        spare = [w - low for w, low in zip(wanted, least, strict=True)]
        total = sum(spare) or 1
        cut = min(excess, sum(spare))
        return [w - round(cut * room / total) for w, room in zip(wanted, spare, strict=True)]

    def fit(self) -> None:
        header = self.view.horizontalHeader()  # type: ignore[attr-defined]
        titles = title_widths(self.view)  # type: ignore[arg-type]
        for column, width in enumerate(self.widths(self.view.viewport().width(), titles)):
            header.resizeSection(column, max(width, 20))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def fit_columns(
    view: QAbstractItemView, columns: Sequence[tuple[int, int]], stretch: int
) -> ColumnFit:
    """Fit ``view``'s columns to its width as it is resized (see ``ColumnFit``)."""
    return ColumnFit(view, columns, stretch)


def table_view(model: QAbstractItemModel, stretch_last: bool = True) -> QTableView:
    """A read-only, row-selecting table; every list in the window is one of these.

    Rows have a fixed height, so a view of 100,000 rows never measures them all. React to
    its selection with ``follow_selection`` and read it with ``selected_row``.
    """
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    # Tab leaves the list (arrows move in it): else Tab walks every cell of every row.
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(stretch_last)
    return view


def key_text(sequence: str) -> str:
    """ "Alt+Left" as the platform writes it in the window's language (Qt's own catalogue:
    "Alt+Izquierda")."""
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


def week_step_keys() -> tuple[str, str]:
    """The Alt+arrow keys for the week before and after: each points at its button, so in a
    right-to-left window (Arabic, where the week before is on the right) they swap."""
    if is_right_to_left():
        return "Alt+Right", "Alt+Left"
    return "Alt+Left", "Alt+Right"


def point_outward(back: QPushButton, forward: QPushButton) -> None:
    """Arrows on a Previous/Next pair that point away from each other at the pair's outer
    edges: "‹ Previous  Next ›", mirrored in Arabic. An arrow typed into the words kept its
    English direction inside right-to-left text, so the arrows are Qt's icons."""
    rtl = is_right_to_left()
    style = back.style()
    left, right = QStyle.StandardPixmap.SP_ArrowLeft, QStyle.StandardPixmap.SP_ArrowRight
    back.setIcon(style.standardIcon(right if rtl else left))
    forward.setIcon(style.standardIcon(left if rtl else right))
    # A button draws its icon where its own direction starts reading: the back arrow at the
    # start, the forward one after the words (that button reads the other way).
    ltr, rtl_direction = Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft
    back.setLayoutDirection(rtl_direction if rtl else ltr)
    forward.setLayoutDirection(ltr if rtl else rtl_direction)
