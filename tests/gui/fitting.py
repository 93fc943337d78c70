"""Text that does not fit: the widgets on screen that show less than their whole text.

``cut_off_texts(root)`` walks the visible widgets of ``root``'s window and names each label,
button, check box, group title, tab, combo box and header section whose text is cut off
(clipped at an edge, or elided by Qt). Run over a window in the pseudo-language ``xx``
(accented, about 40% longer than English), it finds what the next, longer translation will
cut. A widget that elides on purpose, with its whole text in a tooltip, says so with the
dynamic property ``elides`` (``coopdesk.gui.kit.widgets.ELIDES``): it is skipped, not guessed.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QCommandLinkButton,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionGroupBox,
    QTabBar,
    QToolButton,
    QWidget,
)

from coopdesk.gui.kit.widgets import ELIDES, title_width

SLACK = 1  # pixels: rounding in Qt's own sums


def _attribute_name(widget: QWidget) -> str:
    """``ShiftsPage.site_combo``: the attribute of the nearest enclosing widget that keeps
    ``widget``, if one does."""
    parent = widget.parentWidget()
    while parent is not None:
        for name, value in vars(parent).items():
            if value is widget:
                return f"{type(parent).__name__}.{name}"
        parent = parent.parentWidget()
    return ""


def where(widget: QWidget) -> str:
    """``QLabel 'title_label' in MembersPage < QStackedWidget``: enough to find it."""
    view = widget.parentWidget()
    if isinstance(widget, QHeaderView) and isinstance(view, QAbstractItemView):
        return f"the header of {where(view)}"
    attribute = _attribute_name(widget)
    if attribute:
        return f"{type(widget).__name__} {attribute}"
    name = widget.objectName()
    chain = " < ".join(parent_chain(widget))
    return f"{type(widget).__name__}{f' {name!r}' if name else ''} in {chain}"


def parent_chain(widget: QWidget, most: int = 4) -> list[str]:
    """The classes (and object names) of up to ``most`` parents, nearest first."""
    chain = []
    parent = widget.parentWidget()
    while parent is not None and len(chain) < most:
        name = parent.objectName()
        chain.append(type(parent).__name__ + (f"({name})" if name else ""))
        parent = parent.parentWidget()
    return chain


def _plain(text: str) -> str:
    """A button's text as shown: "&&" is "&", a lone "&" marks the shortcut."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label(label: QLabel) -> str | None:
    if not label.text() or not label.pixmap().isNull() or label.movie() is not None:
        return None
    width, height = label.width(), label.height()
    if label.wordWrap():
        narrowest = label.minimumSizeHint().width()  # its longest word
        if width + SLACK < narrowest:
            return f"a word needs {narrowest} px, it has {width}"
        needed = label.heightForWidth(width)
        if height + SLACK < needed:
            return f"its lines need {needed} px of height at {width} px wide, it has {height}"
        return None
    hint = label.sizeHint()
    if width + SLACK < hint.width():
        return f"needs {hint.width()} px, it has {width}"
    if height + SLACK < hint.height():
        return f"needs {hint.height()} px of height, it has {height}"
    return None


def _push_button(button: QPushButton) -> str | None:
    """The text and icon against the room inside the bevel (Fusion's 80-px minimum width
    for a button with words is not text that is cut)."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    metrics = button.fontMetrics()
    text_width = metrics.horizontalAdvance(_plain(button.text()))
    icon = button.icon()
    icon_width = button.iconSize().width() + 4 if not icon.isNull() else 0
    if button.menu() is not None:
        icon_width += button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator)
    option.text = ""
    option.icon = type(option.icon)()
    chrome = (
        button.style()
        .sizeFromContents(
            QStyle.ContentsType.CT_PushButton, option, QSize(0, metrics.height()), button
        )
        .width()
    )
    needed = chrome + text_width + icon_width
    if button.width() + SLACK < needed:
        return f"needs {needed} px, it has {button.width()}"
    return None


def _button(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    if isinstance(button, QCommandLinkButton):
        if button.width() + SLACK < button.minimumSizeHint().width():
            return f"needs {button.minimumSizeHint().width()} px, it has {button.width()}"
        needed = button.heightForWidth(button.width())
        if needed > 0 and button.height() + SLACK < needed:
            return f"its lines need {needed} px of height, it has {button.height()}"
        return None
    if isinstance(button, QPushButton):
        return _push_button(button)
    if isinstance(button, (QCheckBox, QRadioButton, QToolButton)):
        if isinstance(button, QToolButton) and (
            button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        ):
            return None
        hint = button.sizeHint()
        if button.width() + SLACK < hint.width():
            return f"needs {hint.width()} px, it has {button.width()}"
    return None


def _group_box(box: QGroupBox) -> str | None:
    if not box.title():
        return None
    option = QStyleOptionGroupBox()
    box.initStyleOption(option)
    style = box.style()
    control = QStyle.ComplexControl.CC_GroupBox
    title = style.subControlRect(control, option, QStyle.SubControl.SC_GroupBoxLabel, box)
    if box.isCheckable():
        title = title.united(
            style.subControlRect(control, option, QStyle.SubControl.SC_GroupBoxCheckBox, box)
        )
    if title.left() < 0 or title.right() > box.width() - 1 + SLACK:
        return f"its title needs {title.width()} px from {title.left()}, it has {box.width()}"
    return None


def _tab_bar(bar: QTabBar) -> list[str]:
    found = []
    shown = bar.rect()
    for index in range(bar.count()):
        if not bar.isTabVisible(index) or not bar.tabText(index):
            continue
        rect = bar.tabRect(index)
        wanted = bar.tabSizeHint(index)
        horizontal = bar.shape() in (
            QTabBar.Shape.RoundedNorth,
            QTabBar.Shape.RoundedSouth,
            QTabBar.Shape.TriangularNorth,
            QTabBar.Shape.TriangularSouth,
        )
        short = rect.width() < wanted.width() if horizontal else rect.height() < wanted.height()
        if short or not shown.contains(rect):
            found.append(
                f"tab {bar.tabText(index)!r}: "
                + ("squeezed (elided)" if short else "beyond the bar's end (scrolled away)")
            )
    return found


def _combo_box(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text or combo.isEditable():
        return None  # an editable one scrolls what is typed, as a line edit does
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    needed = combo.fontMetrics().horizontalAdvance(text)
    icon = combo.itemIcon(combo.currentIndex())
    if not icon.isNull():
        needed += combo.iconSize().width() + 4
    if field.width() + SLACK < needed:
        return f"its choice {text!r} needs {needed} px, it shows {field.width()}"
    return None


def _header(header: QHeaderView) -> list[str]:
    """Sections shown in full width (not scrolled out) that are narrower than their title."""
    found = []
    model = header.model()
    if model is None:
        return found
    visible = header.viewport().rect()
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        size = header.sectionSize(logical)
        position = header.sectionViewportPosition(logical)
        if size <= 0 or position < 0 or position + size > visible.width():
            continue  # scrolled out of sight: the view scrolls to it
        text = model.headerData(logical, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        if header.orientation() != Qt.Orientation.Horizontal:
            continue
        wanted = title_width(header, logical)
        if size + SLACK < wanted:
            found.append(f"column {text!r}: needs {wanted} px, it has {size}")
    return found


def _scroll_area(area: QScrollArea) -> str | None:
    """A page or form that scrolls sideways hides the ends of its lines (a table does
    that by design: it is not a ``QScrollArea``)."""
    bar = area.horizontalScrollBar()
    if bar.isVisible() and bar.maximum() > 0:
        inside = area.widget()
        needed = inside.width() if inside is not None else bar.maximum() + area.width()
        shown = area.viewport().width()
        return f"it scrolls sideways: its contents need {needed} px, it shows {shown}"
    return None


def _inside_scrolled_view(widget: QWidget, root: QWidget) -> bool:
    """Whether ``widget`` is inside a scroll area's viewport under ``root``: there it may
    lie out of sight, and the area scrolls to it."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def _clipped(widget: QWidget, root: QWidget) -> bool:
    """Whether part of ``widget`` lies outside its window (a layout squeezed below its
    minimum, at the window's edge)."""
    window = widget.window()
    if _inside_scrolled_view(widget, window):
        return False
    top_left = widget.mapTo(window, widget.rect().topLeft())
    area = widget.rect().translated(top_left)
    return not window.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(area)


def cut_off_texts(root: QWidget) -> list[str]:
    """Each visible widget in ``root``'s window (``root`` itself and what it holds) whose
    text is cut off, as "where: the text: why". Other windows (a dialog parented to a page)
    are checked on their own. Widgets with the ``elides`` property are skipped."""
    found = []
    window = root.window()
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is not window or not widget.isVisible():
            continue
        if widget.property(ELIDES):
            continue
        problems: list[str] = []
        text = ""
        if isinstance(widget, QLabel):
            text = widget.text()
            problems.append(_label(widget) or "")
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
            problems.append(_button(widget) or "")
        elif isinstance(widget, QGroupBox):
            text = widget.title()
            problems.append(_group_box(widget) or "")
        elif isinstance(widget, QTabBar):
            problems.extend(_tab_bar(widget))
        elif isinstance(widget, QComboBox):
            text = widget.currentText()
            problems.append(_combo_box(widget) or "")
        elif isinstance(widget, QHeaderView):
            problems.extend(_header(widget))
        elif isinstance(widget, QScrollArea):
            problems.append(_scroll_area(widget) or "")
        else:
            continue
        if text and not problems[0] and _clipped(widget, root):
            problems = ["it reaches past the edge of its window"]
        for problem in filter(None, problems):
            shown = f" {text[:60]!r}" if text else ""
            found.append(f"{where(widget)}{shown}: {problem}")
    return found
