"""The one form dialog: Save hands the form's values to the core; its refusal shows inline.

Dialogs do not judge values themselves. ``FormDialog`` passes ``values()`` to a ``save``
function that calls the core; a ``CoopDeskError`` (or a busy store) is shown in the dialog,
which stays open with everything typed, so nothing is written unless the save succeeded.
When the message starts with a field's label ("Email ... does not look like an email
address"), that field gets the focus. Cancel or Esc on a form someone has edited asks first,
and the safe answer (keep editing) is the default.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLayout,
    QLineEdit,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.accessible import name_controls, tab_order_from_layout
from coopdesk.gui.kit.dates import DateEdit
from coopdesk.gui.kit.widgets import ErrorLabel, enter_presses

SaveFunction = Callable[[dict[str, Any]], Any]


class FormArea(QScrollArea):
    """A form's fields: as large as they want, up to what the screen has room for, and
    scrolled beyond that (a long form at 200% text on a 768-pixel screen), so the Save
    button is never off the screen. At the usual text size it never scrolls."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not here
        self.setWidget(content)
        content.installEventFilter(self)

    def _room(self) -> QSize:
        """What the screen leaves for the fields beside the title bar and the buttons."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return QSize(10**5, 10**5)
        available = screen.availableGeometry()
        return QSize(int(available.width() * 0.9), int(available.height() * 0.8))

    def _wanted(self, size: QSize) -> QSize:
        room = self._room()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        # Room for the vertical scroll bar beside the fields, always: it shows when a
        # message below takes height (or the text is large), and took its width from
        # the fields, which then scrolled sideways.
        width, height = size.width() + bar, size.height()
        return QSize(min(width, room.width()), min(height, room.height()))

    def sizeHint(self) -> QSize:
        content = self.widget()
        return self._wanted(content.sizeHint()) if content is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().minimumSizeHint()
        return self._wanted(content.minimumSizeHint())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a row shown or hidden: the dialog grows or shrinks
        return False


class FormDialog(QDialog):
    """A modal form with an inline error line and Save / Cancel.

    Subclasses build their fields, call ``lay_out(...)`` with what goes above the error line,
    and return the fields from ``values()``. ``save(values)`` (or an ``accept`` of their own
    that calls ``attempt``) does the work; ``saved_result`` keeps what it returned, and
    ``saved`` carries it once the dialog has closed.
    """

    saved = Signal(object)

    def __init__(
        self,
        title: str,
        save: SaveFunction | None = None,
        parent: QWidget | None = None,
        ok_label: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.save_function = save
        self.saved_result: Any = None
        self.setWindowTitle(title)
        self.setModal(True)
        self.error_label = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.ok_button.setText(ok_label or _("Save"))
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # The field a refusal is about, by the label the core's message starts with.
        self.field_for_error: dict[str, QWidget] = {}
        self._values_when_shown: dict[str, Any] | None = None

    def lay_out(self, *parts: QWidget | QLayout | tuple[QWidget, int]) -> QVBoxLayout:
        """The dialog's layout: ``parts`` from the top (a widget with its stretch as a pair),
        then the error line and the buttons. The parts scroll when they are taller than
        the screen (large text on a small screen); the error line and the buttons stay."""
        layout = QVBoxLayout(self)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        for part in parts:
            if isinstance(part, QLayout):
                inner.addLayout(part)
            elif isinstance(part, tuple):
                inner.addWidget(*part)
            else:
                inner.addWidget(part)
        self.form_area = FormArea(content)
        layout.addWidget(self.form_area, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        enter_presses(self.ok_button)
        return layout

    def values(self) -> dict[str, Any]:
        """What the person entered, as the core takes it."""
        return {}

    def attempt(self, save: Callable[[], Any]) -> tuple[bool, Any]:
        """Run ``save``; a person's error is shown in the dialog instead of closing it.

        A date field that could not take what was typed (``DateEdit``) stops this one save,
        with its sentence: the date it shows is not the one the person typed."""
        for field in self.findChildren(DateEdit):
            if field.problem:
                self.show_error(field.problem)
                field.problem = ""
                field.setFocus(Qt.FocusReason.OtherFocusReason)
                return False, None
        try:
            result = save()
        except CoopDeskError as exc:
            self.show_error(str(exc), getattr(exc, "field", None))
            return False, None
        except sqlite3.Error as exc:
            self.show_error(dialogs.busy_message(exc))
            return False, None
        self.error_label.clear()
        return True, result

    def accept(self) -> None:
        if self.save_function is None:
            self.finish(None)
            return
        save = self.save_function
        ok, result = self.attempt(lambda: save(self.values()))
        if ok:
            self.finish(result)

    def finish(self, result: Any) -> None:
        """Close as saved: ``saved_result`` and the ``saved`` signal carry ``result``."""
        self.saved_result = result
        self._values_when_shown = None
        QDialog.accept(self)
        self.saved.emit(result)

    def show_error(self, message: str, field: str | None = None) -> None:
        """Say ``message``; focus the field it is about: the error's own ``field`` (its
        English label, so in any language), else the label the message starts with."""
        self.error_label.show_message(message)
        # The error line took its height from the fields' area: the dialog grows to hold
        # both, up to the screen (again once the line has its height at the dialog's width).
        self.fit_to_screen()
        QTimer.singleShot(0, self, self._fit_again)
        widget = self.field_for_error.get(field) if field else None
        if widget is None:
            widget = next(
                (
                    candidate
                    for label, candidate in self.field_for_error.items()
                    if message.startswith(label) or message.startswith(_(label))
                ),
                None,
            )
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def _fit_again(self) -> None:
        if self.isVisible():  # not once it has closed
            self.fit_to_screen()

    # -- not losing what was typed ----------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._values_when_shown is None:
            self.fit_to_screen()
            tab_order_from_layout(self)  # Tab goes down the form, not in creation order
            name_controls(self)
            self._values_when_shown = self.values()
            for field in self.findChildren(DateEdit):  # said at once, not only on Save
                field.refused.connect(self.error_label.show_message)

    def fit_to_screen(self) -> None:
        """As large as the form wants, up to the screen (Qt opens a window at two thirds of
        the screen at most, which cut check boxes' words at 200% text), and on it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = getattr(self, "form_area", None)
        if area is not None:
            # Rows added after ``lay_out`` have not told the layout yet (that is a posted
            # event): its hint for the fields is the empty form's, and a form of long words
            # opened at its minimum width, scrolling sideways.
            area.updateGeometry()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        available = screen.availableGeometry()
        wanted = self.sizeHint().boundedTo(available.size() * 0.95)
        size = self.size().expandedTo(wanted)
        if size == self.size():
            return
        self.resize(size)
        frame = self.frameGeometry()
        x = min(max(frame.x(), available.left()), available.right() - frame.width())
        y = min(max(frame.y(), available.top()), available.bottom() - frame.height())
        self.move(max(x, available.left()), max(y, available.top()))

    def is_edited(self) -> bool:
        """Whether the form holds something else than when it opened."""
        return self._values_when_shown is not None and self.values() != self._values_when_shown

    def reject(self) -> None:
        """Cancel or Esc: on an edited form, ask first (the default keeps editing)."""
        if self.is_edited() and not dialogs.confirm(
            self,
            _("Discard your changes?"),
            _("You changed this form. Close it without saving?"),
            _("Discard changes"),
            _("Keep editing"),
        ):
            return
        self._values_when_shown = None
        super().reject()
