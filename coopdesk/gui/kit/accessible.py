"""Names a screen reader can say, and a Tab order that reads like the page.

Qt names most controls by itself: a button by its text (without the "&"), a field by the
label whose buddy it is, a box by its title. What it cannot name is read as "edit" or
"button" and nothing more: a field in a form row that holds a layout (a time "from … to …",
a quantity with its unit), a search field with only a placeholder, a table, an icon-only
button with only a tooltip. ``name_controls(root)`` gives those a name from what a sighted
person sees next to them, and is run by the kit itself (each dialog the window opens, each
page when shown), so a page or dialog names by hand only what nothing around it says.

``show_focus(app)`` rings the control that has the keyboard, in the highlight colour.

``tab_order_from_layout(root)`` makes Tab visit a form's fields in the order they are laid
out (top to bottom, each row left to right), not the order the code happened to create
them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

import shiboken6
from PySide6 import QtGui, QtWidgets
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLayout,
    QScrollArea,
    QWidget,
)

# The classes only naming needs are looked up as ``QtWidgets.X`` when it runs: PySide makes
# a class (with its enums) the first time it is imported, and the window opening on a page
# names its controls only after its first paint (``Page``), so they cost nothing until then.

# Set on a widget whose name this module derived (not one a page chose): derived names are
# derived again each time, so they follow a changed tooltip or tab title.
_DERIVED = "coopdeskDerivedName"
_SHORTCUT_NOTE = re.compile(r"\s*\((Ctrl|Alt|Shift|Meta)\+[^)]*\)\s*$")


def strip_mnemonic(text: str) -> str:
    """``"Ti&me"`` → ``"Time"``, ``"Fish && chips"`` → ``"Fish & chips"``; no end colon."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.strip().rstrip(":").strip()


def spoken_name(widget: QWidget) -> str:
    """What a screen reader says for ``widget``: Qt's accessible name for it (its own
    accessibleName, else what Qt derives: a button's text, its buddy label, a box's title)."""
    interface = QtGui.QAccessible.queryAccessibleInterface(widget)
    if interface is None or not interface.isValid():
        return ""
    return interface.text(QtGui.QAccessible.Text.Name).strip()


def has_words(name: str) -> bool:
    """Whether ``name`` says something: a letter or a digit, not only "×" or "+"."""
    return any(character.isalnum() for character in name)


def takes_keyboard(widget: QWidget) -> bool:
    return (
        widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.focusProxy() is None
        and not widget.isWindow()
    )


def layout_widgets(layout: QLayout) -> Iterator[QWidget]:
    """The widgets of ``layout`` and its nested layouts, in the order they are laid out."""
    if isinstance(layout, QtWidgets.QFormLayout):
        for row in range(layout.rowCount()):
            for role in (
                QtWidgets.QFormLayout.ItemRole.LabelRole,
                QtWidgets.QFormLayout.ItemRole.FieldRole,
            ):
                item = layout.itemAt(row, role)
                if item is None:
                    continue
                if item.widget() is not None:
                    yield item.widget()
                elif item.layout() is not None:
                    yield from layout_widgets(item.layout())
            span = layout.itemAt(row, QtWidgets.QFormLayout.ItemRole.SpanningRole)
            if span is not None:
                if span.widget() is not None:
                    yield span.widget()
                elif span.layout() is not None:
                    yield from layout_widgets(span.layout())
        return
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        if item.widget() is not None:
            yield item.widget()
        elif item.layout() is not None:
            yield from layout_widgets(item.layout())


def keyboard_widgets_in(layout: QLayout) -> list[QWidget]:
    """The widgets that take the keyboard in ``layout``, in layout order, looking inside
    plain containers (a row widget holding a field and its unit)."""
    found: list[QWidget] = []
    for widget in layout_widgets(layout):
        inner = widget.widget() if isinstance(widget, QScrollArea) else None
        if takes_keyboard(widget):
            found.append(widget)
        elif inner is not None and inner.layout() is not None:  # a form that may scroll
            found.extend(keyboard_widgets_in(inner.layout()))
        elif widget.layout() is not None and not isinstance(widget, QtWidgets.QTabWidget):
            found.extend(keyboard_widgets_in(widget.layout()))
    return found


def _name_form_rows(form: QtWidgets.QFormLayout) -> None:
    """A row's label names the fields of its row, also when the field is a layout or a
    container (which Qt cannot make a label's buddy): the first field becomes the label's
    buddy (so its Alt+letter works), and each other field is named after the label plus
    the words just before it ("Time to")."""
    for row in range(form.rowCount()):
        label_item = form.itemAt(row, QtWidgets.QFormLayout.ItemRole.LabelRole)
        field_item = form.itemAt(row, QtWidgets.QFormLayout.ItemRole.FieldRole)
        if field_item is None:
            continue
        label = label_item.widget() if label_item is not None else None
        row_name = strip_mnemonic(label.text()) if isinstance(label, QLabel) else ""
        field = field_item.widget()
        if field is not None and takes_keyboard(field):
            continue  # a plain row: Qt's own buddy does it
        if field is not None and field.layout() is not None:
            parts = list(layout_widgets(field.layout()))
        elif field_item.layout() is not None:
            parts = list(layout_widgets(field_item.layout()))
        else:
            continue
        first = True
        words_before, said_by_button = "", False
        for part in parts:
            if isinstance(part, QLabel):
                words_before, said_by_button = strip_mnemonic(part.text()), False
                continue
            if isinstance(part, QAbstractButton) and part.text():
                # A check box or radio ("Until", "Everyone with the skill:") names the
                # field after it, which it switches on.
                words_before, said_by_button = strip_mnemonic(part.text()), True
                first = False
                continue
            if not takes_keyboard(part):
                continue
            if first and isinstance(label, QLabel) and row_name and label.buddy() is None:
                label.setBuddy(part)
            if said_by_button:
                name = words_before
            elif words_before and not first:
                name = f"{row_name} {words_before}".strip()
            else:
                name = row_name or words_before
            first = False
            words_before, said_by_button = "", False
            _give_name(part, name)


def _give_name(widget: QWidget, name: str) -> None:
    if name and not spoken_name(widget):
        widget.setAccessibleName(name)
        widget.setProperty(_DERIVED, True)


def _enclosing_tab(widget: QWidget) -> str:
    """The title of the tab ``widget`` is on, without its count ("Low stock (11)" → "Low
    stock"), or ""."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QtWidgets.QTabWidget):
            for index in range(parent.count()):
                page = parent.widget(index)
                if page is child or page.isAncestorOf(widget):
                    title = strip_mnemonic(parent.tabText(index))
                    return title.split(" (")[0].strip()
        child, parent = parent, parent.parentWidget()
    return ""


def _derived_name(widget: QWidget, context: str) -> str:
    """A name from what is seen with ``widget``: a placeholder, a tooltip, the tab or the
    page (``context``) a list is on."""
    if (
        isinstance(widget, (QtWidgets.QLineEdit, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit))
        and widget.placeholderText()
    ):
        # "Search by name or skill  (Ctrl+F)": the words, not the key (said by Qt apart)
        words = _SHORTCUT_NOTE.sub("", widget.placeholderText())
        return strip_mnemonic(words).rstrip("…. ")
    if widget.toolTip():
        return widget.toolTip().split("\n")[0].strip()
    if isinstance(
        widget,
        (
            QAbstractScrollArea,
            QtWidgets.QAbstractSpinBox,
            QtWidgets.QComboBox,
            QtWidgets.QTabWidget,
        ),
    ):
        return _enclosing_tab(widget) or context
    return ""


def name_controls(root: QWidget, context: str = "") -> None:
    """Name each control under ``root`` that a screen reader could not name (see the module
    note). ``context`` names what is only known as "the list on this page": the page's or
    the dialog's title."""
    if not context and isinstance(root, QtWidgets.QDialog):
        context = root.windowTitle()
    controls = [
        widget
        for widget in root.findChildren(QWidget)
        if takes_keyboard(widget) and widget.window() is root.window()  # not a popup's list
    ]
    for widget in controls:
        if widget.property(_DERIVED):  # derived again: its row, tooltip or tab may differ
            widget.setAccessibleName("")
            widget.setProperty(_DERIVED, False)
    for form in root.findChildren(QtWidgets.QFormLayout):
        _name_form_rows(form)
    for widget in controls:
        if has_words(spoken_name(widget)):
            continue  # a "×" or "…" button is read "times", "ellipsis": named below
        name = _derived_name(widget, context)
        if name:
            widget.setAccessibleName(name)
            widget.setProperty(_DERIVED, True)


def tab_order_from_layout(root: QWidget) -> None:
    """Tab visits ``root``'s controls in layout order: the rows top to bottom, each row's
    fields left to right (mirrored with the layout in right-to-left languages), then the
    buttons. Qt's own order is the order the widgets were created in."""
    layout = root.layout()
    if layout is None:
        return
    ordered = [
        widget
        for widget in keyboard_widgets_in(layout)
        if not isinstance(widget, QtWidgets.QDialogButtonBox)
    ]
    for first, second in pairwise(ordered):
        QWidget.setTabOrder(first, second)


class FocusRing(QWidget):
    """A 2-pixel ring in the highlight colour around the control that has the keyboard.

    The platform styles mark focus faintly or not at all (Fusion: a 1-pixel line on a
    field, a pale cell in a table), so someone moving with Tab loses where they are. The
    ring is a see-through widget over its control's edges: just outside it where there is
    room, else (a list filling its page) just inside. No control's own look changes."""

    def __init__(self, target: QWidget) -> None:
        self.target = target
        self.inside = not self._room_outside(target)
        super().__init__(target if self.inside else target.parentWidget())
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        target.installEventFilter(self)
        self.follow()
        self.show()
        self.raise_()

    @staticmethod
    def _room_outside(target: QWidget) -> bool:
        parent = target.parentWidget()
        if parent is None or isinstance(target, QAbstractScrollArea):
            return False
        margin = RING_WIDTH + 1
        return parent.rect().contains(target.geometry().adjusted(-margin, -margin, margin, margin))

    def follow(self) -> None:
        margin = RING_WIDTH + 1
        if self.inside:
            self.setGeometry(self.target.rect())
        else:
            self.setGeometry(self.target.geometry().adjusted(-margin, -margin, margin, margin))
        self.setVisible(self.target.isVisible())
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self.follow()
        return False

    def remove(self) -> None:
        if shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        self.hide()
        self.deleteLater()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), RING_WIDTH))
        half = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 3, 3)
        painter.end()


RING_WIDTH = 2
_ring: FocusRing | None = None


def focus_ring() -> FocusRing | None:
    """The ring on screen now, if any (for tests)."""
    return _ring if _ring is not None and shiboken6.isValid(_ring) else None


def _ring_around(_old: QWidget | None, new: QWidget | None) -> None:
    """Move the ring to ``new``, the widget that just took the keyboard (by Tab, a
    shortcut or a click: wherever the keys go next is ringed)."""
    global _ring
    ring = focus_ring()
    if ring is not None:
        ring.remove()
        _ring = None
    if new is None or new.isWindow() or new.focusPolicy() == Qt.FocusPolicy.NoFocus:
        return
    _ring = FocusRing(new)


def show_focus(app: QApplication) -> None:
    """Ring the control with the keyboard, in every window of ``app`` (once per app)."""
    if not app.property("coopdeskFocusRing"):
        app.setProperty("coopdeskFocusRing", True)
        app.focusChanged.connect(_ring_around)


def stop_showing_focus(app: QApplication) -> None:
    """No more ring (tests that turned it on turn it off again)."""
    global _ring
    if app.property("coopdeskFocusRing"):
        app.setProperty("coopdeskFocusRing", False)
        app.focusChanged.disconnect(_ring_around)
    ring = focus_ring()
    if ring is not None:
        ring.remove()
    _ring = None
