"""Every control a screen reader lands on says what it is.

The walk opens the demo coop in the real main window, visits every page, and opens every
dialog the window can open (each page's buttons, Ctrl+N, the settings, the member picker,
a double-click on a row, and the buttons inside each dialog), and asks Qt's own
accessibility layer (what Orca, NVDA and VoiceOver read) for the name of every widget that
takes the keyboard. A control whose name is empty is read as "button" or "edit" and nothing
more: the walk fails on each one, saying where it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAccessible, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.paths import store_path
from coopdesk.coop import active_members, add_member, add_site, set_pin
from coopdesk.demo import create_demo
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.accessible import (
    FocusRing,
    focus_ring,
    name_controls,
    show_focus,
    stop_showing_focus,
)
from coopdesk.gui.kit.dialog_manager import DialogManager
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.form_dialog import FormDialog
from coopdesk.gui.kit.widgets import MessagePanel, select_row
from coopdesk.gui.shell.main_window import SECTION_KEYS
from coopdesk.roles import may
from coopdesk.store.store import Store
from coopdesk.sync import export_bundle, join_with_secrets, site_secrets
from tests.gui.fitting import parent_chain
from tests.gui.test_day_at_the_coop import OPENERS
from tests.gui_helpers import open_window


def accessible_name(widget: QWidget) -> str:
    """What a screen reader says for ``widget``: its accessible name, else what Qt derives
    (a button's text without "&", the label whose buddy it is, a group box's title)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None or not interface.isValid():
        return ""
    return interface.text(QAccessible.Text.Name).strip()


def where(widget: QWidget) -> str:
    """``QToolButton 'add_button' in ShiftsPage > QTabWidget``: enough to find it."""
    chain = parent_chain(widget)
    tip = widget.toolTip()
    text = widget.text() if isinstance(widget, (QAbstractButton, QLineEdit)) else ""
    return (
        f"{type(widget).__name__} {widget.objectName()!r} text={text!r} tooltip={tip!r} "
        f"in {' < '.join(chain)}"
    )


def unnamed_controls(root: QWidget) -> list[str]:
    """The widgets under ``root`` (itself included) that take the keyboard, are on screen,
    and have no name a screen reader could say."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is not root.window():
            continue  # another window (a dialog parented to a page) is checked on its own
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisible():
            continue
        if widget.focusProxy() is not None:
            continue  # the keyboard goes to the proxy, which is checked itself
        if isinstance(widget, QDialog) or widget.isWindow():
            continue  # a window is named by its title
        name = accessible_name(widget)
        if not any(character.isalnum() for character in name):  # "×" is read "times"
            found.append(where(widget) + (f" named {name!r}" if name else ""))
    return found


def settle() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


@dataclass(frozen=True)
class DemoFiles:
    store_file: Path
    bundle: Path  # from another site, for the import preview
    with_pin: str  # a member who signs in with a PIN, for the PIN entry


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    root = tmp_path_factory.mktemp("a11y-demo")
    store = create_demo(root / "coop")
    founder = str(store.local_get("default_member_id"))
    garden_id = add_site(store, founder, "Garden")
    snapshot = root / "garden-snapshot.coopsync"
    garden, _result = join_with_secrets(
        root / "garden", site_secrets(store, founder, garden_id, snapshot), snapshot
    )
    add_member(garden, founder, "Garden helper")
    bundle = root / "garden.coopsync"
    export_bundle(garden, bundle, for_site=store.site_id)
    garden.close()
    with_pin = next(row["id"] for row in active_members(store) if row["id"] != founder)
    set_pin(store, founder, with_pin, "2468")
    path = Path(store.path)
    store.close()
    return DemoFiles(path, bundle, with_pin)


@pytest.fixture
def demo_store(demo_files: DemoFiles, tmp_path: Path) -> Iterator[Store]:
    data_dir = tmp_path / "coop"
    data_dir.mkdir()
    store_path(data_dir).write_bytes(demo_files.store_file.read_bytes())
    store = Store.open(data_dir)
    yield store
    store.close()


class DialogWatch:
    """Every dialog the window opens (through its ``DialogManager``), checked once shown."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}  # kind -> the dialog's class
        self.problems: dict[str, list[str]] = {}

    def check(self, kind: str, dialog: QDialog) -> None:
        settle()
        self.kinds.setdefault(kind, type(dialog).__name__)
        missing = unnamed_controls(dialog)
        if missing:
            self.problems.setdefault(f"dialog {kind!r} ({type(dialog).__name__})", missing)


def open_forms(window, openers: list[tuple[str, str]]) -> Iterator[FormDialog]:
    """Each form the window opens from ``openers`` (page, button path; "" for the page's
    Add), yielded while open; closed again before the next."""
    for key, path in openers:
        page = window.go_to(key)
        if path:
            button = _resolve(page, path)
            _bring_to_front(window, button)
            settle()
            button.click()
        else:
            window.add_new()
        settle()
        for dialog in window.dialogs.open_dialogs():
            if isinstance(dialog, FormDialog):
                yield dialog
        _close_dialogs(window)


def _close_dialogs(window: Any) -> None:
    for _ in range(10):
        top = QApplication.activeModalWidget()
        shown = [d for d in window.dialogs.open_dialogs() if d.isVisible()]
        if not shown and (top is None or top is window):
            return
        for dialog in reversed(shown):
            dialog.done(QDialog.DialogCode.Rejected)
        settle()


def _inner_buttons(dialog: QDialog) -> list[QPushButton]:
    boxed = {b for box in dialog.findChildren(QDialogButtonBox) for b in box.buttons()}
    return [
        b
        for b in dialog.findChildren(QPushButton)
        if b.isVisible() and b.isEnabled() and b not in boxed and b.window() is dialog
    ]


def _resolve(obj: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _bring_to_front(window: Any, widget: QWidget) -> None:
    """Bring the tabs that hide ``widget`` to the front."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QTabWidget):
            for index in range(parent.count()):
                if parent.widget(index) is widget or parent.widget(index).isAncestorOf(widget):
                    parent.setCurrentIndex(index)
        parent = parent.parentWidget()


def _views(page: QWidget) -> list[QAbstractItemView]:
    return [
        view
        for view in page.findChildren(QAbstractItemView)
        if not isinstance(view, QHeaderView) and view.isVisible() and view.model() is not None
    ]


def _first_filled(view: QAbstractItemView) -> QModelIndex | None:
    """The first cell that shows something (a week's first shift, a list's first row)."""
    model = view.model()
    columns = 1 if isinstance(view, QListView) else model.columnCount(QModelIndex())
    for row in range(min(model.rowCount(QModelIndex()), 30)):
        for column in range(columns):
            index = model.index(row, column)
            if model.data(index) and model.flags(index) & Qt.ItemFlag.ItemIsEnabled:
                return index
    return None


# Every kind of dialog the window can open: the walk below must meet each one.
EVERY_DIALOG_KIND = frozenset(
    {
        *("member picker", "PIN entry", "coop settings", "shift details", "import preview"),
        *("shift form", "template form", "shift type form", "generate shifts"),
        *("task form", "chore form", "chore tasks"),
        *("role form", "swap form", "handover notes"),
        *("decisions.decision", "decisions.vote", "decisions.meeting", "decisions.minutes"),
        *("decisions.outcome", "decisions.amend", "decisions.hands"),
        *("stock move", "item form", "stocktake", "send transfer", "confirm arrival"),
        *("member form", "set PIN", "leave", "invite a site"),
    }
)


def watch_dialogs(
    monkeypatch: pytest.MonkeyPatch, check: Callable[[str, QDialog], None], bundle: Path
) -> None:
    """``check(kind, dialog)`` for each dialog the window opens, once it is shown; the
    questions and file choosers answer at once (the file to import is ``bundle``)."""
    real_open = DialogManager.open

    def watched_open(self: DialogManager, kind: str, make: Any, key: Any = None, **kw: Any):
        dialog = real_open(self, kind, make, key, **kw)
        check(kind, dialog)
        return dialog

    monkeypatch.setattr(DialogManager, "open", watched_open)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    monkeypatch.setattr(dialogs, "show_error", lambda *_a, **_k: None)
    monkeypatch.setattr(dialogs, "save_file_name", lambda *_a, **_k: None)
    monkeypatch.setattr(dialogs, "save_file_with_choice", lambda *_a, **_k: None)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *_a, **_k: bundle)
    monkeypatch.setattr(dialogs, "choose_item", lambda *_a, **_k: None)


def visit_every_page_and_dialog(
    qtbot: Any,
    window: Any,
    demo_store: Store,
    with_pin: str,
    look_at_page: Callable[[str, str], None],
) -> None:
    """Every page and each of its tabs (``look_at_page(key, what)`` on each), and every
    dialog the window opens: each page's Ctrl+N and buttons, the buttons inside each dialog,
    a double-click on a row, the settings, the member picker and a PIN entry. The dialogs
    are seen through ``watch_dialogs``."""
    founder = str(window.session.member_id)

    def then_inside(dialog: QDialog | None, depth: int = 0) -> None:
        """Press each of the dialog's own buttons once; check the dialogs they open."""
        if dialog is None or depth > 1:
            return
        for index in range(len(_inner_buttons(dialog))):
            buttons = _inner_buttons(dialog)
            if index >= len(buttons) or not dialog.isVisible():
                break
            before = set(window.dialogs.open_dialogs())
            buttons[index].click()
            settle()
            for new in set(window.dialogs.open_dialogs()) - before:
                then_inside(new, depth + 1)
                new.done(QDialog.DialogCode.Rejected)
                settle()

    def press_openers(key: str, select: bool = True) -> None:
        for section, path in OPENERS:
            if section != key:
                continue
            page = window.go_to(key)
            button = _resolve(page, path)
            if button is None:
                continue
            _bring_to_front(window, button)
            settle()
            for view in _views(page) if select else ():  # Edit, Archive… want a row
                index = _first_filled(view)
                if index is not None and not view.selectionModel().hasSelection():
                    view.setCurrentIndex(index)
            settle()
            if button.isVisible() and button.isEnabled():
                button.click()
                # Work off the GUI thread (an import's preview) ends before the next step.
                qtbot.waitUntil(lambda page=page: getattr(page, "task", None) is None)
                settle()
                for dialog in window.dialogs.open_dialogs():
                    then_inside(dialog)
                _close_dialogs(window)

    for key in SECTION_KEYS:
        page = window.go_to(key)
        settle()
        look_at_page(key, "as it opens")
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                settle()
                look_at_page(key, f"tab {tabs.tabText(index)!r}")
            tabs.setCurrentIndex(0)
        # Ctrl+N, then each button that opens something, then a double-click on a row.
        window.go_to(key)
        window.add_new()
        settle()
        for dialog in window.dialogs.open_dialogs():
            then_inside(dialog)
        _close_dialogs(window)
        press_openers(key)
        if key == "decisions":  # Outcome, Amend, Hands… are each for some decisions only,
            # and for whoever holds the decisions mandate
            holder = next(
                row["id"]
                for row in active_members(demo_store)
                if may(demo_store, row["id"], "decisions")
            )
            window.session.set_member(holder)
            page.filter_combo.setCurrentIndex(page.filter_combo.count() - 1)  # all of them
            settle()
            for row in range(min(page.table.model().rowCount(), 20)):
                select_row(page.table, row)
                press_openers(key, select=False)
            window.session.set_member(founder)
        if key == "shifts":  # a shift's details: Enter on the week's first shift
            page.week_view.select_first()
            qtbot.keyClick(page.week_view, Qt.Key.Key_Return)
            settle()
            for dialog in window.dialogs.open_dialogs():
                then_inside(dialog)
            _close_dialogs(window)
        for view in _views(page):
            index = _first_filled(view)
            rect = view.visualRect(index) if index is not None else None
            if rect is not None and rect.isValid():
                qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                settle()
                for dialog in window.dialogs.open_dialogs():
                    then_inside(dialog)
                _close_dialogs(window)

    window.settings_action.trigger()
    settle()
    _close_dialogs(window)
    window.choose_member()  # the picker, and the PIN entry of a member who has a PIN
    settle()
    picker = window.picker
    assert picker is not None
    picker.search.setText(str(demo_store.get("member", with_pin)["name"]))
    picker.accept()
    settle()
    _close_dialogs(window)


def test_every_control_of_every_page_and_dialog_has_a_name(
    qtbot: Any, demo_store: Store, demo_files: DemoFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = DialogWatch()
    watch_dialogs(monkeypatch, watch.check, demo_files.bundle)
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    window.resize(1280, 800)
    page_problems: dict[str, list[str]] = {}

    def look_at_page(key: str, what: str) -> None:
        missing = unnamed_controls(window)
        if missing:
            page_problems.setdefault(f"page {key} ({what})", missing)

    visit_every_page_and_dialog(qtbot, window, demo_store, demo_files.with_pin, look_at_page)
    assert set(watch.kinds) >= EVERY_DIALOG_KIND, (
        f"the walk never opened {EVERY_DIALOG_KIND - set(watch.kinds)}"
    )

    problems = {**page_problems, **watch.problems}
    report = "\n".join(
        f"{place}:\n  " + "\n  ".join(sorted(set(missing))) for place, missing in problems.items()
    )
    print("dialogs checked:", sorted(watch.kinds))
    assert not problems, f"controls a screen reader cannot name:\n{report}"


def tab_through(dialog: QDialog, qtbot: Any) -> list[QWidget]:
    """The widgets Tab visits in ``dialog``, from the one with the keyboard, once round."""
    start = dialog.focusWidget()
    assert start is not None, f"{type(dialog).__name__} opens with nothing having the keyboard"
    visited = [start]
    stayed = 0  # a date's Tab goes day, month, year before it leaves the field
    for _ in range(120):
        qtbot.keyClick(visited[-1], Qt.Key.Key_Tab)
        now = dialog.focusWidget()
        if now is visited[-1]:
            stayed += 1
            assert stayed < 6, (
                f"Tab does not leave {where(now)} in {type(dialog).__name__}: the keyboard "
                "is caught there"
            )
            continue
        stayed = 0
        if now in visited:
            break
        visited.append(now)
    return visited


def out_of_order(dialog: QDialog, visited: list[QWidget]) -> list[str]:
    """Steps of Tab that go up a form, or leftwards within one of its rows (in a
    left-to-right layout), besides the one step from its end back to its start: a person
    reading the form would not go there next."""
    found = []
    for form in dialog.findChildren(QFormLayout):
        area = form.geometry()
        owner = form.parentWidget()
        if owner is None or not area.isValid():
            continue
        inside = []
        for widget in visited:
            if not owner.isAncestorOf(widget) or not widget.isVisible():
                continue
            rect = widget.rect().translated(widget.mapTo(owner, widget.rect().topLeft()))
            if area.contains(rect.center()):
                inside.append((widget, rect))
        # Tab goes round: once round the form, it goes up exactly once (from the last
        # field back to the first); any other step up, or leftwards in a row, is wrong.
        backwards = []
        for (before, a), (after, b) in itertools.pairwise([*inside, inside[0]] if inside else []):
            same_row = abs(a.center().y() - b.center().y()) < min(a.height(), b.height()) / 2
            if (same_row and b.center().x() < a.center().x()) or (
                not same_row and b.center().y() < a.center().y()
            ):
                backwards.append(f"{where(before)}\n    then {where(after)}")
        if len(backwards) > 1:
            found.extend(backwards)
    return found


def test_tab_goes_down_every_form_in_the_order_it_is_laid_out(
    qtbot: Any, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)  # discard on Esc
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    window.resize(1280, 800)
    openers = [(key, "") for key in SECTION_KEYS] + [
        ("shifts", "add_template_button"),
        ("shifts", "types_tab.add_button"),
        ("tasks", "add_chore_button"),
        ("inventory", "receive_button"),
        ("inventory", "send_button"),
    ]
    problems: dict[str, list[str]] = {}
    checked = []
    for dialog in open_forms(window, openers):
        checked.append(type(dialog).__name__)
        wrong = out_of_order(dialog, tab_through(dialog, qtbot))
        if wrong:
            problems[type(dialog).__name__] = wrong
    assert len(checked) >= 8, f"only {checked} were opened"
    report = "\n".join(f"{name}:\n  " + "\n  ".join(steps) for name, steps in problems.items())
    assert not problems, f"Tab goes against the layout:\n{report}"


class BuiltBottomUp(FormDialog):
    """A form whose fields are made, inside it, in the opposite order to how they are laid
    out (Qt's own Tab order is the order widgets joined the dialog in)."""

    def __init__(self) -> None:
        super().__init__("Bottom up")
        self.note_edit = QLineEdit(self)
        self.until_edit = QLineEdit(self)
        self.from_edit = QLineEdit(self)
        self.name_edit = QLineEdit(self)
        times = QHBoxLayout()
        times.addWidget(self.from_edit)
        times.addWidget(QLabel("to"))
        times.addWidget(self.until_edit)
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Time", times)
        form.addRow("N&ote", self.note_edit)
        self.lay_out(form)


def test_a_form_made_bottom_up_still_tabs_top_down_and_names_its_row_fields(qtbot: Any) -> None:
    dialog = BuiltBottomUp()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setFocus()
    visited = tab_through(dialog, qtbot)
    fields = [w for w in visited if isinstance(w, QLineEdit)]
    assert fields == [dialog.name_edit, dialog.from_edit, dialog.until_edit, dialog.note_edit]
    assert out_of_order(dialog, visited) == []
    # The row that holds a layout names both its fields: Qt alone names neither.
    assert accessible_name(dialog.from_edit) == "Time"
    assert accessible_name(dialog.until_edit) == "Time to"
    assert unnamed_controls(dialog) == []


@pytest.fixture
def focus_shown() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    show_focus(app)
    yield
    stop_showing_focus(app)


def ring_colour_beside(widget: QWidget) -> QColor:
    """The colour drawn just left of ``widget``'s middle, on its window."""
    window = widget.window()
    image = window.grab().toImage()
    point = widget.mapTo(window, QPoint(0, widget.height() // 2)) - QPoint(2, 0)
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def test_the_control_with_the_keyboard_is_ringed_in_the_highlight_colour(
    qtbot: Any, demo_store: Store, focus_shown: None
) -> None:
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    page = window.go_to("members")
    highlight = window.palette().color(QPalette.ColorRole.Highlight)
    window.focus_search()  # Ctrl+F
    settle()
    ring = focus_ring()
    assert ring is not None and ring.isVisible() and ring.target is page.search_edit
    assert ring_colour_beside(page.search_edit) == highlight
    # Tab on: the ring goes with the keyboard, and a list filling its page is ringed inside.
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Tab)
    settle()
    focused = QApplication.focusWidget()
    ring = focus_ring()
    assert ring is not None and ring.target is focused is not page.search_edit
    qtbot.keyClick(focused, Qt.Key.Key_Tab)
    settle()
    ring = focus_ring()
    assert ring is not None and ring.target is QApplication.focusWidget()
    assert ring.geometry().contains(ring.target.geometry()) or ring.inside
    # A click takes the ring along with the keyboard; none is left behind.
    qtbot.mouseClick(page.search_edit, Qt.MouseButton.LeftButton)
    settle()
    ring = focus_ring()
    assert ring is not None and ring.target is page.search_edit
    assert len([w for w in window.findChildren(FocusRing) if w.isVisible()]) == 1


def cut_words(dialog: QDialog) -> list[str]:
    """Labels, check boxes and radio buttons in ``dialog`` given less room than their
    words need: a line narrower than its text, or a wrapped label shorter than its lines."""
    found = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not dialog:
            continue
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if widget.height() + 1 < needed:
                    found.append(f"{widget.text()[:50]!r}: {widget.height()} px of {needed}")
            elif widget.width() + 1 < widget.sizeHint().width():
                found.append(
                    f"{widget.text()!r}: {widget.width()} px of {widget.sizeHint().width()}"
                )
        elif (
            isinstance(widget, (QCheckBox, QRadioButton))
            and widget.text()
            and widget.width() + 1 < widget.sizeHint().width()
        ):
            found.append(f"{widget.text()!r}: {widget.width()} px of {widget.sizeHint().width()}")
    return found


@pytest.fixture
def doubled_font() -> Iterator[float]:
    """The whole application's text at twice its size, as someone who needs 200% sets it."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    usual = app.font()
    doubled = QFont(usual)
    doubled.setPointSizeF(usual.pointSizeF() * 2)
    app.setFont(doubled)
    yield doubled.pointSizeF()
    app.setFont(usual)


def test_at_200_percent_text_no_form_cuts_its_words(
    qtbot: Any, demo_store: Store, monkeypatch: pytest.MonkeyPatch, doubled_font: float
) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    founder = str(demo_store.local_get("default_member_id"))
    window = open_window(qtbot, demo_store, founder)
    assert window.font().pointSizeF() == doubled_font
    openers = [(key, "") for key in SECTION_KEYS] + [
        ("shifts", "add_template_button"),
        ("shifts", "types_tab.add_button"),
        ("shifts", "generate_button"),
        ("tasks", "add_chore_button"),
        ("roles", "swap_button"),
        ("inventory", "receive_button"),
        ("inventory", "send_button"),
        ("members", "pin_button"),
        ("decisions", "new_meeting_button"),
    ]
    problems: dict[str, list[str]] = {}
    checked = []
    for dialog in open_forms(window, openers):
        checked.append(type(dialog).__name__)
        assert dialog.font().pointSizeF() == doubled_font
        cut = cut_words(dialog)
        if cut:
            problems[type(dialog).__name__] = cut
    window.open_settings()
    settle()
    for dialog in window.dialogs.open_dialogs():
        checked.append(type(dialog).__name__)
        if cut_words(dialog):
            problems[type(dialog).__name__] = cut_words(dialog)
    _close_dialogs(window)
    assert len(checked) >= 12, f"only {checked} were opened"
    report = "\n".join(f"{name}:\n  " + "\n  ".join(cut) for name, cut in problems.items())
    assert not problems, f"words cut at 200% text:\n{report}"


def test_a_button_that_shows_only_a_symbol_is_named_by_its_tooltip(qtbot: Any) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    panel = MessagePanel(holder)
    panel.show_message("info", "Imported")
    assert accessible_name(panel.close_button) == "×"  # read as "times", or nothing
    name_controls(holder)
    assert accessible_name(panel.close_button) == "Dismiss this message"


def test_a_flowing_toolbar_wraps_instead_of_squeezing_its_controls(qtbot: Any) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    row = FlowLayout()
    combo = QComboBox()
    combo.addItem("The last twelve months")
    buttons = [QPushButton(text) for text in ("Print…", "Save PDF…", "Save CSV…")]
    row.addWidget(combo)
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    outer = QVBoxLayout(holder)
    outer.addLayout(row)
    outer.addStretch(1)
    holder.resize(row.sizeHint().width() + 200, 300)
    holder.show()
    settle()
    # Wide: one line, the buttons at its far end, as a box layout with a stretch.
    assert len({w.y() for w in [combo, *buttons]}) == 1
    assert buttons[-1].geometry().right() >= holder.width() - outer.contentsMargins().right() - 2
    # Narrow: more lines, and every control keeps the width its words need.
    holder.resize(combo.sizeHint().width() + buttons[0].sizeHint().width() // 2, 300)
    settle()
    assert len({w.y() for w in [combo, *buttons]}) > 1
    for widget in [combo, *buttons]:
        assert widget.width() >= widget.sizeHint().width()
    rects = [w.geometry() for w in [combo, *buttons]]
    assert not any(a.intersects(b) for a, b in itertools.combinations(rects, 2))
