"""What every section of the main window is: a ``Page``.

A page shows one part of the coop. It gets the window (for the store, the hub, who is at the
keyboard, error reporting and notices) and declares ``tables``: when the hub says one of them
changed, the page reloads — at once if it is on screen, otherwise the next time it is shown.
Pages load nothing until first shown, so opening the app costs only the page on screen.

Override ``load()`` (read from the store and fill the widgets), ``reload(changes)`` if the
page can show some changes with less than a whole load, and if the page has them,
``focus_search()`` (Ctrl+F) and ``add_new()`` (Ctrl+N); ``member_changed()`` is called when
someone else comes to the keyboard (enable or disable edit actions there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from coopdesk.gui.kit.accessible import name_controls
from coopdesk.gui.kit.widgets import muted, scale_columns, scaled_font, widen_to_titles
from coopdesk.store.changes import Changes

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow


class AfterFirstPaint(QObject):
    """Calls ``then()`` once, just after ``widget`` is first painted, then goes away."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, watched, self._then)  # not if the widget is gone by then
            self.deleteLater()
        return False


class Page(QWidget):
    """A section of the main window; reloads itself when its tables change."""

    tables: frozenset[str] = frozenset()
    watches_every_table = False  # e.g. Activity: every write adds to the log
    # The keys this page understands beyond the window's: (keys, what they do), both marked
    # with N_ (key names are words too: "Intro", "Entrée"), listed in Help > Keyboard shortcuts.
    keys: tuple[tuple[str, str], ...] = ()

    def __init__(self, window: MainWindow, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.window_ = window
        self.store = window.store
        self.hub = window.hub
        self.session = window.session
        self.loaded = False
        self.stale = False
        # The window opened on this page: its controls are named after its first paint.
        self.names_wait = False
        self.title_label = QLabel(title)
        self.title_label.setFont(scaled_font(self, 1.6, bold=True))
        self.subtitle_label = muted(QLabel(subtitle))
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setVisible(bool(subtitle))
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 12)
        self.layout_.addWidget(self.title_label)
        self.layout_.addWidget(self.subtitle_label)
        self.hub.changed.connect(self.on_store_changed)
        self.session.member_changed.connect(self.member_changed)

    # -- to override ------------------------------------------------------------------------

    def load(self) -> None:
        """Read what the page shows from the store."""

    def focus_search(self) -> bool:
        """Put the cursor in the page's search field; False if it has none."""
        return False

    def add_new(self) -> bool:
        """Start adding a new thing (Ctrl+N); False if the page adds nothing."""
        return False

    def focus_main(self) -> None:
        """Put the keyboard in the page's main list (after Ctrl+1..8), so arrows work at
        once. By default the first widget that takes the keyboard."""
        self.focusNextChild()

    def member_changed(self, member_id: str | None) -> None:
        """Someone else is at the keyboard (or nobody)."""

    # -- loading ----------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self.loaded or self.stale:
            self.loaded, self.stale = True, False
            self.load()
            if self.window_.opening and not self.names_wait:
                # Naming looks at every control (and makes the classes it checks for): the
                # window is on screen first, a screen reader asks once it is.
                self.names_wait = True
                AfterFirstPaint(self, self._name_after_first_paint)
            elif not self.names_wait:
                self.name_controls()

    def _name_after_first_paint(self) -> None:
        # A window closed in the meantime (the self-test quits at once) names nothing.
        if self.names_wait and self.isVisible():
            self.names_wait = False
            self.name_controls()

    def finish_loading(self) -> None:
        """Load at once what the page left for after its first paint, if anything (the
        window calls it when the page is asked for: ``go_to``): its controls' names."""
        if self.names_wait:
            self.names_wait = False
            self.name_controls()

    def on_store_changed(self, changes: Changes) -> None:
        """Reload when one of the page's tables changed, unless the page made the change
        itself (it has shown it already)."""
        if changes.initiator is self:
            return
        if not self.loaded or not (self.watches_every_table or changes.touches(self.tables)):
            return
        if self.isVisible():
            self.stale = False
            self.reload(changes)
            self.name_controls()
        else:
            self.stale = True

    def reload(self, changes: Changes) -> None:
        """Show ``changes`` on a page on screen; a page that can refresh less overrides it."""
        self.load()

    def name_controls(self) -> None:
        """Name what a screen reader cannot name by itself (a search field, the page's
        lists: after the page's title or tab), after each load; and widen columns sized in
        pixels when the text is larger than usual, or their titles longer."""
        name_controls(self, self.title_label.text())
        for view in self.findChildren(QTableView):
            scale_columns(view)  # a doubled font: columns sized in pixels grow with it
            widen_to_titles(view)

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def heightForWidth(self, width: int) -> int:
        """No height (-1) while the page is not shown: the window's stack asks every page it
        holds whenever one changes, and with every page open that laid all of them out on
        each reload (Inventory's reload: 77 ms, 47 without)."""
        return super().heightForWidth(width) if self.isVisible() else -1
