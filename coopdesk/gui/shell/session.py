"""Who is at the keyboard: the member every change in the window is attributed to.

A shared workstation has many users, so the current member is cleared after a stretch without
keyboard or mouse input; nobody then acts under the previous person's name by accident.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from coopdesk.coop import members_by_id
from coopdesk.store.store import Store

DEFAULT_IDLE_TIMEOUT_MS = 15 * 60 * 1000

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class KeyboardSession(QObject):
    """The current member, and the idle timer that forgets them.

    ``member_changed(member_id_or_None)`` fires on every change; ``timed_out`` fires when the
    idle timer cleared the member (the status bar says so).
    """

    member_changed = Signal(object)
    timed_out = Signal()

    def __init__(
        self,
        store: Store,
        idle_timeout_ms: int = DEFAULT_IDLE_TIMEOUT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.idle_timeout_ms = idle_timeout_ms
        self.member_id: str | None = None
        self.member_name = ""
        self._idle_timer = QTimer(self, singleShot=True, interval=max(1, idle_timeout_ms))
        self._idle_timer.timeout.connect(self._on_idle)
        self._watching = False

    def set_member(self, member_id: str | None) -> None:
        """Make this member the author of changes from now on (None: nobody)."""
        name = ""
        if member_id is not None:
            found = members_by_id(self.store, [member_id]).get(member_id)
            if found is None or found["archived"]:
                member_id = None
            else:
                name = found["name"]
        self.member_id, self.member_name = member_id, name
        self._watch_input(member_id is not None)
        self.member_changed.emit(member_id)

    def clear(self) -> None:
        self.set_member(None)

    def set_idle_timeout(self, idle_timeout_ms: int) -> None:
        """Change how long the keyboard may stay idle (the coop's ``idle_minutes`` setting)."""
        self.idle_timeout_ms = max(1, idle_timeout_ms)
        self._idle_timer.setInterval(self.idle_timeout_ms)
        if self._idle_timer.isActive():
            self._idle_timer.start()  # restart with the new interval

    def refresh_name(self) -> None:
        """Re-read the member's name (after an edit); forget them if they were archived."""
        if self.member_id is not None:
            found = members_by_id(self.store, [self.member_id]).get(self.member_id)
            if found is None or found["archived"]:
                self.clear()
            elif found["name"] != self.member_name:
                self.member_name = found["name"]
                self.member_changed.emit(self.member_id)

    def _watch_input(self, on: bool) -> None:
        # The app-wide event filter runs for every event, so it is installed only while
        # someone is at the keyboard.
        app = QApplication.instance()
        if on:
            self._idle_timer.start()
            if not self._watching and app is not None:
                app.installEventFilter(self)
                self._watching = True
        else:
            self._idle_timer.stop()
            if self._watching and app is not None:
                app.removeEventFilter(self)
            self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._idle_timer.start()
        return False

    def _on_idle(self) -> None:
        if self.member_id is not None:
            self.clear()
            self.timed_out.emit()

    def stop(self) -> None:
        """Stop watching input (the window is closing)."""
        self._watch_input(False)
