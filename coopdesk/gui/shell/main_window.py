"""The main window: a sidebar of sections, the page on screen, and who is at the keyboard.

Pages are built the first time they are shown, so opening the window reads only what the
first page needs. Every change made in the window is attributed to the member at the keyboard
(``session.member_id``); ``with_author`` asks who that is first when nobody is.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6 import QtWidgets
from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk import __version__
from coopdesk.base.feature import Section, all_features, resolve
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.coop import identity, idle_minutes, member_language, pin_travelled
from coopdesk.gui.kit.dialog_manager import DialogManager
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.gui.kit.mandate_gate import refusal
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.theme import app_icon
from coopdesk.gui.kit.widgets import ElidedLabel, scaled_font
from coopdesk.gui.shell.language import apply_language, window_language
from coopdesk.gui.shell.session import DEFAULT_IDLE_TIMEOUT_MS, KeyboardSession
from coopdesk.store.changes import Changes
from coopdesk.store.checkpoints import BackgroundCheckpoints
from coopdesk.store.store import Store

if TYPE_CHECKING:
    from coopdesk.gui.shell.picker import MemberPickerDialog
    from coopdesk.gui.sync.page import SyncPage

PICKER = "member picker"  # the picker's kind in the window's dialogs

GEOMETRY_KEY = "gui.geometry"
SECTION_KEY = "gui.section"
NOTICE_MS = 20_000
OUTSIDE_CHANGES_MS = 2_000
# The write-ahead log is copied back into the store this long after the first write of a
# burst, on a thread of its own (coopdesk.store.checkpoints): no commit waits for it.
CHECKPOINT_AFTER_MS = 2_000
AuthorAction = Callable[[str], None]


# Today is the window's own page; every other section comes from a feature (its
# ``Feature.sections``), in the order they give.
TODAY = Section("today", N_("Today"), "coopdesk.gui.shell.today_page:TodayPage", order=0)
SECTIONS: tuple[Section, ...] = tuple(
    sorted(
        (TODAY, *(section for feature in all_features() for section in feature.sections)),
        key=lambda section: section.order,
    )
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)
# The features declare their sections' titles in English; the window shows them through _().
SECTION_TITLES = (
    N_("Members"),
    N_("Activity"),
    N_("Tasks"),
    N_("Shifts"),
    N_("Inventory"),
    N_("Sync"),
    N_("Roles"),
    N_("Decisions"),
    N_("Reports"),
)


def section_shortcut(number: int) -> str:
    """Ctrl+1 to Ctrl+9 for the first nine sections, Ctrl+0 for the tenth."""
    return f"Ctrl+{number % 10}" if number <= 10 else ""


def key_names(keys: str) -> str:
    """ "Ctrl+K" as the platform writes it, in Qt's words for the language (qtbase's
    catalogue names the keys: "Ctrl", "Intro", "Entrée"); "" stays ""."""
    if not keys:
        return ""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


class MainWindow(QMainWindow):
    """The window over one open store. ``shown`` fires once, when it is first on screen."""

    shown = Signal()

    def __init__(
        self,
        store: Store,
        *,
        member_id: str | None = None,
        idle_timeout_ms: int | None = None,
        ask_for_member: bool = True,
        remember_layout: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # True while the window is being built: the first page may leave what it can until
        # after its first paint (Today's panels).
        self.opening = True
        self.store = store
        self.hub = StoreHub.for_store(store)
        # None: follow the coop's idle_minutes setting (and its changes); tests pass a number.
        self.follows_idle_setting = idle_timeout_ms is None
        self.session = KeyboardSession(
            store, DEFAULT_IDLE_TIMEOUT_MS if idle_timeout_ms is None else idle_timeout_ms, self
        )
        self._follow_idle_setting()
        self.ask_for_member = ask_for_member
        self.remember_layout = remember_layout
        self.pages: dict[str, Page] = {}
        # Every dialog of the window opens through here (gui/kit/dialog_manager.py).
        self.dialogs = DialogManager(self)
        self._after_pick: AuthorAction | None = None
        self._undo: Callable[[], None] | None = None
        self._shown_once = False
        self.identity = identity(store)
        self.setWindowIcon(app_icon())

        self._build_sidebar()
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.sidebar_panel)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 900])
        self.setCentralWidget(splitter)
        self._build_status_bar()
        self._build_actions()
        self._show_identity()

        self.hub.changed.connect(self._on_store_changed)
        self.checkpoints = BackgroundCheckpoints(store.path, store.conn)
        self.checkpoint_timer = QTimer(self, singleShot=True, interval=CHECKPOINT_AFTER_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoints.request)
        # Another program (a `coopdesk` script) may change the store: look every 2 s.
        self._outside_watch = QTimer(self, interval=OUTSIDE_CHANGES_MS)
        self._outside_watch.timeout.connect(self.hub.check_outside_changes)
        self._outside_watch.start()
        # What features run beside the window (the sync folder's watcher), kept while it lives.
        self.services = [
            resolve(feature.window_service)(self)
            for feature in all_features()
            if feature.window_service
        ]
        # The language first, so what _show_member and the pages say is in the new one.
        self.session.member_changed.connect(self._follow_member_language)
        self.session.member_changed.connect(self._show_member)
        self.session.timed_out.connect(self._on_timed_out)
        self._follow_member_language(member_id)
        self.session.set_member(member_id)

        self._restore_layout()
        self.opening = False

    # -- building ---------------------------------------------------------------------------

    def _build_sidebar(self) -> None:
        self.sidebar_panel = QFrame(objectName="sidebarPanel")
        self.coop_label = QLabel(objectName="sidebarTitle")
        self.coop_label.setFont(scaled_font(self, 1.1, bold=True))
        self.coop_label.setWordWrap(True)
        self.sidebar = QListWidget(objectName="sidebar")
        self.sidebar.setAccessibleName(_("Sections"))
        self.sidebar.setFrameShape(QFrame.Shape.NoFrame)
        self.sidebar.setFont(scaled_font(self, 1.05))
        for section in SECTIONS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            self.sidebar.addItem(item)
        self._label_sidebar()
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        layout = QVBoxLayout(self.sidebar_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.coop_label)
        layout.addWidget(self.sidebar, 1)
        self.sidebar_panel.setMinimumWidth(170)
        self.sidebar_panel.setMaximumWidth(260)

    def _label_sidebar(self) -> None:
        for number, section in enumerate(SECTIONS, start=1):
            item = self.sidebar.item(number - 1)
            title = _(section.title)
            shortcut = section_shortcut(number)
            item.setText(title)
            item.setToolTip(f"{title} ({shortcut})" if shortcut else title)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.notice_label = ElidedLabel()  # a long notice: "…", the whole of it as its tooltip
        self.undo_button = QPushButton(_("Undo (Ctrl+Z)"))
        self.undo_button.setFlat(False)
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo)
        bar.addWidget(self.notice_label, 1)
        bar.addWidget(self.undo_button)
        self.identity_label = QLabel()
        self.member_label = QLabel()
        self.switch_button = QPushButton(_("Switch (Ctrl+K)"))
        self.switch_button.setToolTip(_("Choose who is at the keyboard"))
        self.switch_button.clicked.connect(lambda: self.choose_member())
        bar.addPermanentWidget(self.identity_label)
        bar.addPermanentWidget(self.member_label)
        bar.addPermanentWidget(self.switch_button)
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.clear_notice)

    def _action(
        self, text: str, shortcut: QKeySequence | str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.switch_action = self._action(_("&Switch member…"), "Ctrl+K", self.choose_member)
        self.leave_action = self._action(_("&Leave the keyboard"), "Ctrl+L", self.leave_keyboard)
        self.leave_action.setEnabled(self.session.member_id is not None)
        self.settings_action = self._action(_("&Coop settings…"), "", self.open_settings)
        self.settings_action.setToolTip(
            _("The coop's name, language, shift duty rule, idle lock and bundle encryption")
        )
        self.idle_action = self._action(_("&Idle lock…"), "", self.change_idle_minutes)
        self.idle_action.setToolTip(_("After how many idle minutes the member picker comes back"))
        self.quit_action = self._action(_("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.new_action = self._action(_("&Add…"), "Ctrl+N", self.add_new)
        self.find_action = self._action(_("&Find"), "Ctrl+F", self.focus_search)
        self.undo_action = self._action(_("&Undo"), "Ctrl+Z", self.undo)
        self.undo_action.setEnabled(self._undo is not None)
        self.section_actions = [
            self._action(
                _(section.title),
                section_shortcut(number),
                lambda key=section.key: self.open_section(key),
            )
            for number, section in enumerate(SECTIONS, start=1)
        ]

        menus = self.menuBar()
        file_menu = menus.addMenu(_("&File"))
        file_menu.addActions([self.switch_action, self.leave_action])
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, self.idle_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu(_("&Edit"))
        edit_menu.addActions([self.undo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.new_action, self.find_action])
        go_menu = menus.addMenu(_("&Go"))
        go_menu.addActions(self.section_actions)
        help_menu = menus.addMenu(_("&Help"))
        help_menu.addAction(_("&Keyboard shortcuts"), self.show_shortcuts)
        help_menu.addAction(_("&About CoopDesk"), self.show_about)

    # -- sections ---------------------------------------------------------------------------

    def page(self, key: str) -> Page:
        """The page of a section, built on first use."""
        page = self.pages.get(key)
        if page is None:
            section = SECTIONS[SECTION_KEYS.index(key)]
            page = self.pages[key] = resolve(section.page)(self)
            self.stack.addWidget(page)
        return page

    def go_to(self, key: str) -> Page:
        """Show a section (Ctrl+1..9 and the sidebar)."""
        row = SECTION_KEYS.index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)  # -> _on_sidebar_row
        else:
            self._show_page(key)
        return self.pages[key]

    def open_section(self, key: str) -> Page:
        """Ctrl+1..8: show the section with the keyboard in its main list."""
        page = self.go_to(key)
        page.focus_main()
        return page

    def _on_sidebar_row(self, row: int) -> None:
        if 0 <= row < len(SECTIONS):
            self._show_page(SECTION_KEYS[row])

    def _show_page(self, key: str) -> None:
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        page.ensure_loaded()
        if not self.opening:
            page.finish_loading()
        self.new_action.setText(_("&Add member…") if key == "members" else _("&Add…"))

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def current_section(self) -> str:
        row = self.sidebar.currentRow()
        return SECTION_KEYS[row] if 0 <= row < len(SECTIONS) else SECTION_KEYS[0]

    def show_conflicts(self) -> None:
        """The open sync conflicts, on the Sync page (Today links here)."""

        page = cast("SyncPage", self.go_to("sync"))
        page.show_conflicts()

    def add_new(self) -> None:
        page = self.current_page()
        if page is None or not page.add_new():
            number = 1 + [section.key for section in SECTIONS].index("members")
            self.show_notice(
                _("Nothing to add here. Members are added on the Members page ({key}).").format(
                    key=section_shortcut(number)
                )
            )

    def focus_search(self) -> None:
        page = self.current_page()
        if page is None or not page.focus_search():
            self.show_notice(_("There is nothing to search on this page."))

    # -- who is at the keyboard -------------------------------------------------------------

    def with_author(
        self, action: AuthorAction, reason: str = "", mandate: str | None = None
    ) -> None:
        """Run ``action(member_id)`` as the member at the keyboard; ask who that is if nobody.

        ``mandate``: the action always needs it. Someone who says who they are only now
        cannot have met a disabled button, so a member without it is told on the notice line
        who may (the core would refuse too, but as an error after a dialog)."""
        if mandate is not None:
            action = self._needing(mandate, action)
        if self.session.member_id is not None:
            action(self.session.member_id)
            return
        self.choose_member(
            then=action, reason=reason or _("Choose who you are before making changes.")
        )

    def _needing(self, mandate: str, action: AuthorAction) -> AuthorAction:
        def checked(member_id: str) -> None:
            refused = refusal(self.store, member_id, mandate)
            if refused:
                self.show_notice(refused)
                return
            action(member_id)

        return checked

    @property
    def picker(self) -> MemberPickerDialog | None:
        """The member picker, while it is open."""
        return cast("MemberPickerDialog | None", self.dialogs.find(PICKER))

    def choose_member(self, then: AuthorAction | None = None, reason: str = "") -> None:
        """Open the member picker (non-blocking); ``then(member_id)`` runs after a pick."""
        self._after_pick = then
        self.dialogs.open(PICKER, lambda: self._make_picker(reason))

    def _make_picker(self, reason: str) -> MemberPickerDialog:
        from coopdesk.gui.shell.picker import MemberPickerDialog  # not needed to open the window

        picker = MemberPickerDialog(self.store, self, reason, dialogs=self.dialogs)
        picker.member_picked.connect(self._on_member_picked)
        picker.finished.connect(self._on_picker_closed)
        return picker

    def _on_member_picked(self, member_id: str) -> None:
        self.session.set_member(member_id)
        then, self._after_pick = self._after_pick, None
        if self.session.member_id is None:
            return
        notice = _("{name} is at the keyboard.").format(name=self.session.member_name)
        # A PIN set before PINs stayed on their computer went out in bundles: say so until
        # they choose a new one (the notice stays: it is worth reading).
        travelled = pin_travelled(self.store, self.session.member_id)
        if travelled:
            notice += " " + _(
                "Your PIN was copied to the other sites by an older CoopDesk: choose a new one"
                " (Members, My PIN…)."
            )
        self.show_notice(notice, timeout_ms=0 if travelled else NOTICE_MS)
        if then is not None:
            then(self.session.member_id)

    def _on_picker_closed(self, result: int) -> None:
        # On accept, member_picked follows and runs the pending action; otherwise drop it.
        if result != QtWidgets.QDialog.DialogCode.Accepted:
            self._after_pick = None

    def leave_keyboard(self) -> None:
        """Step away: nobody is at the keyboard until someone chooses themselves again."""
        name = self.session.member_name
        self.session.clear()
        if name:
            self.show_notice(
                _("{name} left the keyboard. Choose who you are (Ctrl+K) to make changes.").format(
                    name=name
                )
            )

    def _show_member(self, member_id: str | None) -> None:
        if member_id is None:
            self.member_label.setText(_("Nobody at the keyboard"))
            self.switch_button.setText(_("Choose (Ctrl+K)"))
        else:
            self.member_label.setText(
                _("At the keyboard: {name}").format(name=self.session.member_name)
            )
            self.switch_button.setText(_("Switch (Ctrl+K)"))
        self.leave_action.setEnabled(member_id is not None)

    # -- the language of whoever is at the keyboard ------------------------------------------

    def _follow_member_language(self, member_id: str | None) -> None:
        """Speak the member's own language (else the coop's) when they take the keyboard;
        the coop's again when nobody is at it (the idle lock, leaving the keyboard)."""
        language = window_language(member_language(self.store, member_id))
        if apply_language(language) and hasattr(self, "stack"):
            self.retranslate()

    def retranslate(self) -> None:
        """Show every word in the current language: menus, sidebar, status bar, and the pages
        (rebuilt: each page says its words when built and in ``load()``)."""
        self._label_sidebar()
        for action in self.actions():
            self.removeAction(action)
        self.menuBar().clear()
        self._build_actions()
        self.undo_button.setText(_("Undo (Ctrl+Z)"))
        self.switch_button.setToolTip(_("Choose who is at the keyboard"))
        self._show_identity()
        self._show_member(self.session.member_id)
        self.clear_notice()
        current = self.current_section() if self.pages else None
        for page in self.pages.values():
            self.hub.changed.disconnect(page.on_store_changed)
            self.session.member_changed.disconnect(page.member_changed)
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        if current is not None:
            self._show_page(current)

    def _on_timed_out(self) -> None:
        minutes = self.session.idle_timeout_ms / 60_000
        if minutes >= 1:
            span = ngettext("{count} minute", "{count} minutes", round(minutes)).format(
                count=f"{minutes:g}"
            )
        else:
            seconds = self.session.idle_timeout_ms / 1000
            span = ngettext("{count} second", "{count} seconds", round(seconds)).format(
                count=f"{seconds:g}"
            )
        self.show_notice(
            _(
                "Nobody is at the keyboard: no input for {span}. Choose who you are (Ctrl+K)."
            ).format(span=span),
            timeout_ms=0,
        )
        if self.ask_for_member and self.isVisible():
            self.choose_member()  # a shared computer goes back to "who is at the keyboard?"

    # -- notices and undo -------------------------------------------------------------------

    def show_notice(
        self, text: str, undo: Callable[[], None] | None = None, timeout_ms: int = NOTICE_MS
    ) -> None:
        """A message in the status bar, with an Undo button when ``undo`` is given."""
        self.notice_label.setText(text)
        self._undo = undo
        self.undo_button.setVisible(undo is not None)
        self.undo_action.setEnabled(undo is not None)
        if timeout_ms:
            self._notice_timer.start(timeout_ms)
        else:
            self._notice_timer.stop()

    def clear_notice(self) -> None:
        self.show_notice("", timeout_ms=0)

    def undo(self) -> None:
        undo, self._undo = self._undo, None
        self.clear_notice()
        if undo is not None:
            undo()

    # -- store changes ----------------------------------------------------------------------

    def _on_store_changed(self, changes: Changes) -> None:
        if not self.checkpoint_timer.isActive():  # a burst of writes: one checkpoint after
            self.checkpoint_timer.start()
        if changes.touches({"coop", "site"}):
            self.identity = identity(self.store)
            self._show_identity()
            self._follow_idle_setting()
        if "member" in changes.tables:
            self.session.refresh_name()
        if changes.touches({"coop", "member"}):
            self._follow_member_language(self.session.member_id)

    def _follow_idle_setting(self) -> None:
        """Lock after the coop's ``idle_minutes`` (a synced setting) unless told otherwise."""
        if self.follows_idle_setting:
            self.session.set_idle_timeout(idle_minutes(self.store) * 60_000)

    def open_settings(self, focus: str = "") -> QtWidgets.QDialog:
        """File › Coop settings…: name, duty rule, idle lock, encryption ("settings" mandate)."""

        from coopdesk.gui.coop.settings_dialog import open_settings  # loaded on first use

        return open_settings(self, focus)

    def change_idle_minutes(self) -> QtWidgets.QDialog:
        """File › Idle lock…: the coop settings, with the cursor on the idle minutes."""
        return self.open_settings("idle")

    def _show_identity(self) -> None:
        # Qt adds " — CoopDesk" (the application's display name) where the platform shows it,
        # so the title is the coop's name alone: "CoopDesk — X — CoopDesk" said it twice.
        self.setWindowTitle(self.identity.coop_name)
        self.coop_label.setText(self.identity.coop_name)
        self.identity_label.setText(
            _("{coop} · site {site}").format(
                coop=self.identity.coop_name, site=self.identity.site_name
            )
        )

    # -- layout memory ----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.store.local_get(GEOMETRY_KEY)
        restored = False
        if isinstance(geometry, str) and geometry:
            try:
                restored = self.restoreGeometry(QByteArray(base64.b64decode(geometry)))
            except ValueError:
                restored = False
        if not restored:
            self.resize(self.first_size())
        section = self.store.local_get(SECTION_KEY)
        self.go_to(section if section in SECTION_KEYS else "today")

    def first_size(self) -> QSize:
        """1100x700, or the screen's room when it has less (a 1024x600 netbook): a window
        wider than its screen hid the right-hand buttons and columns."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        wanted = QSize(1100, 700)
        if room is None or room.isEmpty():
            return wanted
        frame = self.frameGeometry().size() - self.geometry().size()
        if frame.width() <= 0 and frame.height() <= 0:  # not shown yet: allow a title bar
            frame = QSize(8, 48)
        return wanted.boundedTo(room.size() - frame)

    def save_layout(self) -> None:
        """Remember size, position and section on this computer (not replicated)."""
        geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        try:
            self.store.local_set(GEOMETRY_KEY, geometry)
            self.store.local_set(SECTION_KEY, self.current_section())
        except sqlite3.Error:
            pass  # a busy store must not stop the window from closing; layout is not data

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.shown.emit()
            if self.ask_for_member and self.session.member_id is None:
                QTimer.singleShot(0, self._ask_who_is_here)

    def _ask_who_is_here(self) -> None:
        if self.session.member_id is None and self.isVisible():
            self.choose_member()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember_layout:
            self.save_layout()
        self.dialogs.close_all()
        self.session.stop()
        # Nothing keeps reading the store once its window is closed.
        self._outside_watch.stop()
        self.checkpoint_timer.stop()
        self.checkpoints.close()
        for service in self.services:
            stop = getattr(service, "stop", None)
            if callable(stop):
                stop()
        super().closeEvent(event)

    # -- help -------------------------------------------------------------------------------

    def shortcuts_text(self) -> str:
        """The window's keys, then each page's own (``Page.keys``), for Help."""
        lines = [
            f"{key_names('Ctrl+K')}\t" + _("Choose who is at the keyboard"),
            f"{key_names('Ctrl+L')}\t" + _("Leave the keyboard"),
            f"{key_names('Ctrl+F')}\t" + _("Search this page"),
            f"{key_names('Ctrl+N')}\t" + _("Add (a member, a shift, a task, an item: on its page)"),
            f"{key_names('Ctrl+Z')}\t" + _("Undo the last archive"),
            f"{key_names('Ctrl+E')}\t" + _("Export to the USB stick (on Sync)"),
            f"{key_names('Ctrl+I')}\t" + _("Import from the USB stick (on Sync)"),
        ]
        lines += [
            f"{key_names(section_shortcut(number))}\t{_(section.title)}"
            for number, section in enumerate(SECTIONS, start=1)
        ]
        for section in SECTIONS:
            keys = getattr(resolve(section.page), "keys", ())
            if keys:
                lines.append("")
                lines.append(_("On {page}:").format(page=_(section.title)))
                lines += [f"{_(key)}\t{_(what)}" for key, what in keys]
        return "\n".join(lines)

    def show_shortcuts(self) -> None:
        QtWidgets.QMessageBox.information(self, _("Keyboard shortcuts"), self.shortcuts_text())

    def show_about(self) -> None:
        QtWidgets.QMessageBox.about(
            self,
            _("About CoopDesk"),
            _("CoopDesk {version}\n\n").format(version=__version__)
            + _(
                "Offline-first coordination for cooperatives: members, shifts, rotating roles "
                "and shared supplies, synced between sites by USB stick."
            ),
        )
