"""A whole day at the shared workstation, as a stateful test over the real main window.

Each test case opens the demo coop (built once per session, its store file copied per
case) in the real ``MainWindow`` and lets hypothesis walk through it the way people do:
open and close every dialog with Esc, Cancel and Save, type into forms, click rows with
the mouse, switch member, lock and unlock, import a bundle while dialogs are open, resize
down to 1024x600. Qt's events are processed between steps, so deferred deletes really
happen. Any unexpected exception, any error box and any Qt warning fails the walk, and so
does a dialog that leaves a connection behind on the window's long-lived objects, or a
button that still says what the previous member at the keyboard could do.

``make test`` walks a few hundred steps; ``COOPDESK_LONG_GUI=1`` walks thousands
(see README, "Tests").
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtCore import (
    SIGNAL,
    QCoreApplication,
    QEvent,
    QModelIndex,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QListView,
    QPushButton,
    QTabWidget,
)

from coopdesk.base import i18n
from coopdesk.base.paths import store_path
from coopdesk.coop import active_members, add_member, add_site, set_pin, update_member
from coopdesk.demo import create_demo
from coopdesk.gui.kit import dialogs
from coopdesk.gui.shell.main_window import SECTION_KEYS, MainWindow
from coopdesk.roles import may
from coopdesk.store.store import Store
from coopdesk.sync import export_bundle, import_bundle, join_with_secrets, site_secrets
from tests.gui.fitting import cut_off_texts

LONG = os.environ.get("COOPDESK_LONG_GUI", "") not in ("", "0")
EXAMPLES = 40 if LONG else 6
STEPS = 150 if LONG else 80
# The same walk in the pseudo-language, checking that every text fits after each step: a
# shorter walk in `make test` (it looks at every widget after every step).
PSEUDO_EXAMPLES = 10 if LONG else 3
PSEUDO_STEPS = 150 if LONG else 60
SIZES = ((1024, 600), (1100, 700), (1366, 768), (1280, 1024))
WORDS = ("Rosa", "ng", "Compost run", "12", "2.5", "abc", "Amara", "", "x" * 40, "31/02")
# The offscreen platform says these about itself; they are not CoopDesk's doing.
PLATFORM_NOISE = ("propagateSizeHints", "This plugin does not support")

SEEN: dict[str, int] = {}  # which dialogs the walks met, for the summary line

# What people do, and how often (an action listed twice is twice as likely).
AT_THE_WINDOW = (
    *("section",) * 3,
    *("add",) * 3,
    *("open",) * 6,
    *("again",) * 5,
    *("tab",) * 2,
    "click",
    *("double_click",) * 4,
    "settings",
    *("switch",) * 2,
    "leave",
    "idle",
    "bundle",
    "undo",
    "resize",
    "language",
)
# What a member picks in their own form: the window follows them (and "": the coop's).
LANGUAGES = ("", "es", "fr", "ar")
IN_A_DIALOG = (
    *("escape",) * 3,
    *("cancel",) * 2,
    *("save",) * 2,
    "enter",
    *("type",) * 3,
    *("inside",) * 2,
    "idle",
    "bundle",
    "resize",
)

# Buttons that open a dialog (or ask something), page by page: (section, attribute path).
OPENERS: tuple[tuple[str, str], ...] = (
    ("shifts", "add_button"),
    ("shifts", "add_template_button"),
    ("shifts", "edit_template_button"),
    ("shifts", "types_tab.add_button"),
    ("shifts", "types_tab.edit_button"),
    ("shifts", "types_tab.archive_button"),
    ("shifts", "archive_template_button"),
    ("shifts", "generate_button"),
    ("shifts", "duty_button"),
    ("shifts", "pdf_button"),
    ("shifts", "export_all_button"),
    ("tasks", "add_button"),
    ("tasks", "edit_button"),
    ("tasks", "archive_button"),
    ("tasks", "add_chore_button"),
    ("tasks", "make_tasks_button"),
    ("tasks", "archive_chore_button"),
    ("tasks", "move_button"),
    ("roles", "add_button"),
    ("roles", "edit_button"),
    ("roles", "swap_button"),
    ("roles", "handover_button"),
    ("inventory", "receive_button"),
    ("inventory", "use_button"),
    ("inventory", "stocktake_button"),
    ("inventory", "add_button"),
    ("inventory", "edit_button"),
    ("inventory", "send_button"),
    ("inventory", "arrival_button"),
    ("inventory", "archive_button"),
    ("inventory", "export_button"),
    ("inventory", "pdf_button"),
    ("sync", "import_file_button"),
    ("sync", "export_file_button"),
    ("sync", "invite_button"),
    ("sync", "backup_now_button"),
    ("sync", "restore_button"),
    ("members", "add_button"),
    ("members", "edit_button"),
    ("members", "leave_button"),
    ("members", "pin_button"),
    ("decisions", "new_button"),
    ("decisions", "vote_button"),
    ("decisions", "close_button"),
    ("decisions", "outcome_button"),
    ("decisions", "amend_button"),
    ("decisions", "hands_button"),
    ("decisions", "ics_button"),
    ("decisions", "new_meeting_button"),
    ("decisions", "minutes_button"),
    ("reports", "pdf_button"),
    ("reports", "csv_button"),
    ("sync", "folder_tab.look_button"),
    ("sync", "folder_tab.off_button"),
)


@dataclass(frozen=True)
class DemoFiles:
    store_file: Path
    bundles: tuple[Path, ...]
    founder: str
    pins: dict[str, str]


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The demo coop, and three bundles from a fourth site that keeps working meanwhile."""
    root = tmp_path_factory.mktemp("day-at-the-coop")
    store = create_demo(root / "kitchen")
    founder = str(store.local_get("default_member_id"))
    garden_id = add_site(store, founder, "Garden")
    snapshot = root / "garden-snapshot.coopsync"
    garden, _result = join_with_secrets(
        root / "garden", site_secrets(store, founder, garden_id, snapshot), snapshot
    )
    bundles = []
    members = [row["id"] for row in active_members(garden)]
    for round_number in range(3):
        add_member(garden, founder, f"Garden helper {round_number + 1}")
        update_member(garden, founder, members[round_number], notes=f"Garden round {round_number}")
        bundle = root / f"garden-{round_number + 1}.coopsync"
        export_bundle(garden, bundle, for_site=store.site_id)
        bundles.append(bundle)
    garden.close()
    # One member signs in with a PIN: the walk types it, right or wrong.
    with_pin = next(row["id"] for row in active_members(store) if row["id"] != founder)
    set_pin(store, founder, with_pin, "2468")
    path = store.path
    store.close()
    return DemoFiles(Path(path), tuple(bundles), founder, {with_pin: "2468"})


def ascii_text(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _resolve(obj: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _usable(widget: Any) -> bool:
    return widget is not None and widget.isVisible() and widget.isEnabled()


def _pick(items: list[Any], choice: int) -> Any:
    return items[choice % len(items)]


class DayAtTheCoop(RuleBasedStateMachine):
    """People at one computer: every rule is something a person does with keys or mouse."""

    def __init__(
        self, qtbot: Any, files: DemoFiles, scratch: Path, check_fit: bool = False
    ) -> None:
        super().__init__()
        self.check_fit = check_fit  # after each step, every text on screen must fit
        self.qtbot = qtbot
        self.files = files
        self.scratch = scratch
        self.window: MainWindow | None = None
        self.store: Store | None = None
        self.problems: list[str] = []
        self.next_bundle = 0
        self.pins: dict[str, str] = dict(files.pins)
        self.rng = random.Random(0)
        self.steps = 0
        self.trail: list[str] = []
        self.last_opening: tuple[str, object] = ("add", 0)

    # -- set up and tear down ---------------------------------------------------------------

    @initialize(seed=st.integers(0, 2**32 - 1))
    def open_the_coop(self, seed: int) -> None:
        self.rng = random.Random(seed)
        data_dir = self.scratch / f"case-{seed}-{id(self)}"
        data_dir.mkdir(parents=True)
        shutil.copyfile(self.files.store_file, store_path(data_dir))
        self.store = Store.open(data_dir)
        window = MainWindow(self.store, idle_timeout_ms=10**9, remember_layout=False)
        self.window = window
        with self.qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        # Every page is built once up front, so the connections measured now are the
        # window's own: anything more, with no dialog open, was left behind by a dialog.
        for key in SECTION_KEYS:
            window.go_to(key)
        window.go_to("today")
        self.settle()
        self.baseline = self.connection_counts()

    def teardown(self) -> None:
        window = self.window
        if window is not None:
            for _ in range(20):
                top = QApplication.activeModalWidget()
                if top is None or top is window:
                    break
                top.close()
                self.settle()
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.close()
            window.close()
            window.deleteLater()
            self.settle()
        if self.store is not None:
            self.store.close()
        self.window = None

    # -- the harness ------------------------------------------------------------------------

    def settle(self) -> None:
        """Let Qt deliver what is pending, deferred deletes included."""
        self.qtbot.wait(1)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()

    def after(self) -> None:
        self.steps += 1
        self.settle()
        top = self.top()
        if top is not None:
            SEEN[type(top).__name__] = SEEN.get(type(top).__name__, 0) + 1
        assert not self.problems, "\n".join(self.problems)
        self.nothing_left_behind_by_closed_dialogs()
        self.the_members_buttons_follow_who_is_at_the_keyboard()
        if self.check_fit:
            self.every_text_fits()

    def top(self) -> Any:
        """The dialog in front (a modal one), or None when the window itself has the keys."""
        widget = QApplication.activeModalWidget()
        return None if widget is None or widget is self.window else widget

    def connection_counts(self) -> tuple[int, int, int]:
        assert self.window is not None
        hub, session = self.window.hub, self.window.session
        return (
            hub.receivers(SIGNAL("changed(PyObject)")),
            session.receivers(SIGNAL("member_changed(PyObject)")),
            session.receivers(SIGNAL("timed_out()")),
        )

    def open_dialogs(self) -> list[QDialog]:
        return [
            w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
        ]

    def key(self, widget: Any, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(widget, key, modifier)

    def window_key(self, key: Qt.Key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
        """A shortcut typed into the window. A window manager gives the window the keyboard
        back when a dialog closes; the offscreen platform does not, so it is done here."""
        window = self.window
        assert window is not None
        self.settle()
        popup = QApplication.activePopupWidget()
        if popup is not None:  # a menu is open ("Move to"): Esc closes it, as people do
            self.key(popup, Qt.Key.Key_Escape)
            self.settle()
        if self.top() is not None:
            return  # a dialog came up meanwhile (an import's preview): it has the keys now
        if QApplication.activeWindow() is not window:
            window.activateWindow()
            try:
                self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=1000)
            except Exception:  # say what holds the keyboard instead of a bare timeout
                shown = [
                    f"{type(w).__name__}({w.windowTitle()!r}, modal={w.isModal()})"
                    for w in QApplication.topLevelWidgets()
                    if w.isVisible() and w is not window
                ]
                raise AssertionError(
                    f"the window cannot have the keyboard back: active is "
                    f"{type(QApplication.activeWindow()).__name__}; also shown: {shown}"
                ) from None
        self.key(window, key, modifier)

    def click(self, widget: QAbstractButton) -> None:
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    # -- what people do: at the window, and in the dialog in front ---------------------------

    # One rule, whatever is in front: a rule per state, chosen by precondition, made
    # hypothesis draw differently when a replayed step met another state (a timer, a
    # deferred delete), which it refuses as flaky data generation.
    @rule(
        at_window=st.sampled_from(AT_THE_WINDOW),
        in_dialog=st.sampled_from(IN_A_DIALOG),
        choice=st.integers(0, 10**6),
        word=st.sampled_from(WORDS),
    )
    def a_moment(self, at_window: str, in_dialog: str, choice: int, word: str) -> None:
        top = self.top()
        if top is None:
            self.trail.append(f"at the window: {at_window} {choice}")
            getattr(self, f"window_{at_window}")(choice)
        else:
            action = in_dialog
            if self.is_picker(top) and action in ("type", "enter", "save", "inside"):
                action = "choose_member"  # at the picker, people mostly choose themselves
            self.trail.append(f"in {type(top).__name__}: {action} {choice} {word!r}")
            getattr(self, f"dialog_{action}")(top, choice, word)
        self.after()

    # -- at the window ------------------------------------------------------------------------

    def window_section(self, choice: int) -> None:
        number = choice % len(SECTION_KEYS) + 1  # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth
        self.window_key(Qt.Key(Qt.Key.Key_0 + number % 10))

    def window_add(self, _choice: int) -> None:
        self.last_opening = ("add", 0)
        self.window_key(Qt.Key.Key_N)

    def window_open(self, choice: int) -> None:
        assert self.window is not None
        section = self.window.current_section()
        page = self.window.pages.get(section)
        buttons = [
            (path, button)
            for key, path in OPENERS
            if key == section and (button := _resolve(page, path)) is not None
        ]
        if buttons:
            path, button = _pick(buttons, choice)
            self.bring_to_front(button)
            if _usable(button):
                self.last_opening = ("button", path)
                self.click(button)

    def bring_to_front(self, widget: Any) -> None:
        """Click the tabs that hide ``widget``, outermost first, as a person would."""
        tabs = []
        child, parent = widget, widget.parentWidget()
        while parent is not None and parent is not self.window:
            if isinstance(parent, QTabWidget):
                for index in range(parent.count()):
                    if parent.widget(index).isAncestorOf(child) or parent.widget(index) is child:
                        tabs.append((parent, index))
            child, parent = parent, parent.parentWidget()
        for widget_, index in reversed(tabs):
            if widget_.currentIndex() != index:
                bar = widget_.tabBar()
                self.qtbot.mouseClick(
                    bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center()
                )

    def window_again(self, choice: int) -> None:
        """Do the last thing that opened a dialog once more: people do."""
        kind, what = self.last_opening
        if kind == "add":
            self.window_key(Qt.Key.Key_N)
        elif kind == "button":
            assert self.window is not None
            button = _resolve(self.window.current_page(), str(what))
            if _usable(button):
                self.click(button)
        elif kind == "row":
            self.window_row(int(what), twice=True)

    def window_tab(self, choice: int) -> None:
        assert self.window is not None
        page = self.window.current_page()
        tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()] if page else []
        if tabs:
            widget = _pick(tabs, choice)
            bar = widget.tabBar()
            index = choice % widget.count()
            self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())

    def window_click(self, choice: int) -> None:
        self.window_row(choice, twice=False)

    def window_double_click(self, choice: int) -> None:
        self.last_opening = ("row", choice)
        self.window_row(choice, twice=True)

    def window_row(self, choice: int, twice: bool) -> None:
        """Click a row (or a week's block) with the mouse; a double click opens it."""
        assert self.window is not None
        page = self.window.current_page()
        views = [
            view
            for view in (page.findChildren(QAbstractItemView) if page else [])
            if view.isVisible()
            and not isinstance(view, QHeaderView)
            and view.model() is not None
            and view.model().rowCount() > 0
        ]
        if not views:
            return
        view = _pick(views, choice)
        model = view.model()
        columns = 1 if isinstance(view, QListView) else model.columnCount(QModelIndex())
        cells = [
            model.index(row, column)
            for row in range(min(model.rowCount(), 40))
            for column in range(columns)
        ]
        cells = [cell for cell in cells if model.flags(cell) & Qt.ItemFlag.ItemIsEnabled]
        if not cells:
            return
        view.scrollTo(_pick(cells, choice))
        rect = view.visualRect(_pick(cells, choice))
        if rect.isValid() and view.viewport().rect().contains(rect.center()):
            click = self.qtbot.mouseDClick if twice else self.qtbot.mouseClick
            click(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def window_settings(self, _choice: int) -> None:
        assert self.window is not None
        self.last_opening = ("settings", 0)
        self.window.settings_action.trigger()

    def window_switch(self, _choice: int) -> None:
        self.window_key(Qt.Key.Key_K)

    def window_leave(self, _choice: int) -> None:
        self.window_key(Qt.Key.Key_L)

    def window_idle(self, _choice: int) -> None:
        self.nobody_touches_it_for_a_while()

    def window_bundle(self, _choice: int) -> None:
        self.a_bundle_arrives()

    def window_undo(self, _choice: int) -> None:
        """Ctrl+Z: whatever the notice offers to undo (an import, a sign-up, an archive)."""
        self.window_key(Qt.Key.Key_Z)

    def window_resize(self, choice: int) -> None:
        assert self.window is not None
        self.window.resize(*_pick(list(SIZES), choice))

    def window_language(self, choice: int) -> None:
        """The member at the keyboard chooses a language: the whole window relabels."""
        assert self.window is not None and self.store is not None
        member = self.window.session.member_id
        if member is not None:
            language = _pick(list(LANGUAGES), choice)
            update_member(self.store, member, member, language=language)
            self.settle()
            wanted = i18n.pinned_language() or language or "en"  # `--lang xx` wins
            assert i18n.current_language() == wanted, (i18n.current_language(), wanted)

    def nobody_touches_it_for_a_while(self) -> None:
        """The idle lock, through its real timer, whatever is open."""
        assert self.window is not None
        session = self.window.session
        if session.member_id is not None:
            session.set_idle_timeout(1)
            self.qtbot.waitUntil(lambda: session.member_id is None, timeout=2000)
            session.set_idle_timeout(10**9)

    def a_bundle_arrives(self) -> None:
        """Someone imports the next bundle from the stick, whatever is open."""
        assert self.store is not None
        if self.next_bundle < len(self.files.bundles):
            result = import_bundle(
                self.store, self.files.bundles[self.next_bundle], author=self.files.founder
            )
            if not result.already_imported and self.rng.random() < 0.3:
                # Taken back at once, whatever is open: it can come in again later.
                assert self.store.take_back_last_import() is not None
            else:
                self.next_bundle += 1

    # -- in the dialog in front ---------------------------------------------------------------

    @staticmethod
    def is_picker(top: Any) -> bool:
        return isinstance(getattr(top, "search", None), QLineEdit) and (
            top.windowTitle() == i18n._("Who is at the keyboard?")
        )

    def dialog_escape(self, top: Any, _choice: int, _word: str) -> None:
        self.key(top, Qt.Key.Key_Escape)

    def dialog_cancel(self, top: Any, _choice: int, _word: str) -> None:
        button = self.box_button(top, QDialogButtonBox.ButtonRole.RejectRole)
        if button is not None:
            self.click(button)
        else:
            self.key(top, Qt.Key.Key_Escape)

    def dialog_save(self, top: Any, _choice: int, _word: str) -> None:
        button = self.box_button(top, QDialogButtonBox.ButtonRole.AcceptRole)
        if button is not None:
            self.click(button)

    def box_button(self, top: Any, role: QDialogButtonBox.ButtonRole) -> QAbstractButton | None:
        for box in top.findChildren(QDialogButtonBox):
            for button in box.buttons():
                if box.buttonRole(button) == role and _usable(button):
                    return button
        return None

    def dialog_enter(self, top: Any, _choice: int, _word: str) -> None:
        focused = QApplication.focusWidget()
        self.key(
            focused if focused is not None and focused.window() is top else top, Qt.Key.Key_Return
        )

    def dialog_type(self, top: Any, choice: int, word: str) -> None:
        fields = [f for f in top.findChildren(QLineEdit) if _usable(f) and not f.isReadOnly()]
        if fields:
            field = _pick(fields, choice)
            field.setFocus()
            field.selectAll()
            self.qtbot.keyClicks(field, word)

    def dialog_inside(self, top: Any, choice: int, _word: str) -> None:
        """The dialog's own buttons (sign up, ask for a swap, edit the shift, …)."""
        boxed = {b for box in top.findChildren(QDialogButtonBox) for b in box.buttons()}
        buttons = [
            b
            for b in top.findChildren(QPushButton)
            if _usable(b) and b not in boxed and b.window() is top
        ]
        if buttons:
            self.click(_pick(buttons, choice))

    def dialog_choose_member(self, top: Any, choice: int, _word: str) -> None:
        """Type a whole name in the picker and press Enter (then the PIN, if one is known)."""
        assert self.store is not None
        members = active_members(self.store)
        founder = [m for m in members if m["id"] == self.files.founder]
        member = founder[0] if choice % 3 == 0 and founder else _pick(members, choice)
        top.search.clear()
        # As people type it at a keyboard without accents (QTest types ASCII only).
        self.qtbot.keyClicks(top.search, ascii_text(member["name"]))
        self.key(top.search, Qt.Key.Key_Return)
        self.settle()
        pin_dialog = self.top()
        if pin_dialog is not None and pin_dialog is not top and member["id"] in self.pins:
            edit = getattr(pin_dialog, "pin_edit", None)
            if isinstance(edit, QLineEdit):
                right = self.rng.random() < 0.7
                self.qtbot.keyClicks(edit, self.pins[member["id"]] if right else "1357")
                self.key(edit, Qt.Key.Key_Return)

    def dialog_idle(self, _top: Any, _choice: int, _word: str) -> None:
        self.nobody_touches_it_for_a_while()

    def dialog_bundle(self, _top: Any, _choice: int, _word: str) -> None:
        self.a_bundle_arrives()

    def dialog_resize(self, _top: Any, choice: int, _word: str) -> None:
        self.window_resize(choice)

    # -- what must always hold --------------------------------------------------------------

    def nothing_left_behind_by_closed_dialogs(self) -> None:
        if self.window is None or self.open_dialogs():
            return
        counts = self.connection_counts()
        assert all(now <= before for now, before in zip(counts, self.baseline, strict=True)), (
            f"closed dialogs left connections behind on the hub and session: {counts} "
            f"now, {self.baseline} with no dialog ever opened"
        )

    def every_text_fits(self) -> None:
        """The window's page and every open dialog show each text whole."""
        assert self.window is not None
        for _round in range(2):  # a new text lays its panel out again, a round later
            self.settle()
        cut = {"the window": cut_off_texts(self.window)}
        for dialog in self.open_dialogs():
            cut[f"{type(dialog).__name__} {dialog.windowTitle()!r}"] = cut_off_texts(dialog)
        found = [f"{place}:\n  " + "\n  ".join(texts) for place, texts in cut.items() if texts]
        assert not found, (
            "texts cut off in "
            + i18n.current_language()
            + f" at {self.window.width()}x{self.window.height()}:\n"
            + "\n".join(found)
            + "\nlast steps:\n  "
            + "\n  ".join(self.trail[-8:])
        )

    def the_members_buttons_follow_who_is_at_the_keyboard(self) -> None:
        if self.window is None or self.store is None:
            return
        page = self.window.pages.get("members")
        if page is None:
            return
        member = self.window.session.member_id
        allowed = member is not None and may(self.store, member, "members")
        assert page.add_button.isEnabled() == allowed, (
            f"“Add member” is {'enabled' if page.add_button.isEnabled() else 'disabled'} for "
            f"{self.window.session.member_name or 'nobody'}, who "
            f"{'may' if allowed else 'may not'} manage members"
        )


def _record_problems(machine_holder: list[DayAtTheCoop], monkeypatch: pytest.MonkeyPatch):
    """Error boxes, unexpected exceptions and Qt warnings become the walk's problems."""

    ignored = [text for text in os.environ.get("COOPDESK_GUI_IGNORE", "").split("|") if text]

    class Problems(list):
        """The walk's problems, minus those COOPDESK_GUI_IGNORE names (to look past one)."""

        def append(self, problem: str) -> None:
            if not any(text in problem for text in ignored):
                super().append(problem)

    def problems() -> list[str]:
        if not machine_holder:
            return []
        machine = machine_holder[-1]
        if not isinstance(machine.problems, Problems):
            machine.problems = Problems(machine.problems)
        return machine.problems

    def error_box(_parent: Any, message: str, title: str = "") -> None:
        import traceback

        where = "".join(traceback.format_stack(limit=8)[:-1])
        problems().append(f"error box: {message}\n{where}")

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        import traceback

        text = "".join(traceback.format_exception(kind, value, tb))
        problems().append(f"unexpected {kind.__name__}: {value}\n{text}")

    def qt_message(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:  # Qt aborts next: say what and where, at least
            trail = machine_holder[-1].trail[-30:] if machine_holder else []
            sys.stderr.write(f"Qt fatal: {message}\nlast steps:\n" + "\n".join(trail) + "\n")
            sys.stderr.flush()
        if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
            return
        if any(noise in message for noise in PLATFORM_NOISE):
            return
        problems().append(f"Qt warning: {message}")

    def confirm(*_args: Any, **_kwargs: Any) -> bool:
        holder = machine_holder[-1] if machine_holder else None
        return bool(holder and holder.rng.random() < 0.5)

    monkeypatch.setattr(dialogs, "show_error", error_box)
    monkeypatch.setattr(dialogs, "confirm", confirm)

    def save_file_name(_parent: Any, _title: str, suggested: Path, *_a: Any) -> Path | None:
        """Half the time the person saves (into the walk's folder), else cancels."""
        holder = machine_holder[-1] if machine_holder else None
        if holder is None or holder.rng.random() < 0.5:
            return None
        return holder.scratch / f"saved-{holder.steps}-{Path(suggested).name}"

    def open_file_name(*_a: Any, **_k: Any) -> Path | None:
        """A bundle from the stick (maybe one imported already), or a cancel."""
        holder = machine_holder[-1] if machine_holder else None
        if holder is None or holder.rng.random() < 0.3:
            return None
        return holder.rng.choice(holder.files.bundles)

    def save_file_with_choice(
        parent: Any, title: str, suggested: Path, filters: list[str], selected: int = 0
    ) -> tuple[Path, int] | None:
        chosen = save_file_name(parent, title, suggested)
        return (chosen, selected) if chosen is not None else None

    monkeypatch.setattr(dialogs, "save_file_name", save_file_name)
    monkeypatch.setattr(dialogs, "save_file_with_choice", save_file_with_choice)
    monkeypatch.setattr(dialogs, "open_file_name", open_file_name)
    monkeypatch.setattr(dialogs, "choose_item", lambda *_a, **_k: None)
    monkeypatch.setattr(sys, "excepthook", hook)
    return qInstallMessageHandler(qt_message)


def _walk(
    qtbot: Any,
    demo_files: DemoFiles,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    examples: int,
    steps: int,
    check_fit: bool = False,
) -> list[DayAtTheCoop]:
    """Run the day ``examples`` times, ``steps`` moments each; the machines that ran."""
    machines: list[DayAtTheCoop] = []
    # A path typed into a form ("abc" as an invitation's file) is relative to the folder
    # the tests run in: the walk's files stay in its own.
    monkeypatch.chdir(tmp_path)
    previous_handler = _record_problems(machines, monkeypatch)

    def new_machine() -> DayAtTheCoop:
        machine = DayAtTheCoop(qtbot, demo_files, tmp_path, check_fit=check_fit)
        machines.append(machine)
        return machine

    try:
        run_state_machine_as_test(
            new_machine,
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                deadline=None,
                derandomize=not LONG and not os.environ.get("COOPDESK_GUI_RANDOM"),
                database=None,
                suppress_health_check=list(HealthCheck),
                # Shrinking replays the walk hundreds of times (minutes, in a GUI): the
                # failing walk is printed step by step as it ran instead.
                phases=(Phase.explicit, Phase.reuse, Phase.generate),
                report_multiple_bugs=False,
            ),
        )
    finally:
        qInstallMessageHandler(previous_handler)
    return machines


def test_a_day_at_the_coop(qtbot, demo_files, tmp_path, monkeypatch):
    machines = _walk(qtbot, demo_files, tmp_path, monkeypatch, EXAMPLES, STEPS)
    steps = sum(machine.steps for machine in machines)
    print(f"a day at the coop: {len(machines)} walks, {steps} steps; dialogs met: {SEEN}")
    assert steps >= (EXAMPLES * STEPS) // 3


def test_a_day_at_the_coop_in_the_pseudo_language_cuts_no_text(
    qtbot, demo_files, tmp_path, monkeypatch
):
    """The same day in ``xx`` (``coopdesk --lang xx``: accented, 40% longer): after every
    step, the page and each open dialog show every text whole (tests/gui/fitting.py)."""
    i18n.pin_language(i18n.PSEUDO_LANGUAGE)
    machines = _walk(
        qtbot, demo_files, tmp_path, monkeypatch, PSEUDO_EXAMPLES, PSEUDO_STEPS, check_fit=True
    )
    assert i18n.current_language() == i18n.PSEUDO_LANGUAGE
    steps = sum(machine.steps for machine in machines)
    assert steps >= (PSEUDO_EXAMPLES * PSEUDO_STEPS) // 3
