"""The window's sync-folder watcher: imports what other sites put there, exports after edits.

Owned by the main window (the sync feature's ``window_service``). It looks at the folder
when ``QFileSystemWatcher`` says it changed, and every few seconds anyway (a watcher can
miss events: network drives, too many files, a folder that came back). Each look runs off
the GUI thread (``run_store_task``, no dialog), and the hub then announces exactly the tables
the imports changed, so pages refresh only what changed. After a change here (or an import
that moved the version vector) it waits for a quiet moment, then writes one bundle.

Nothing here decides anything: ``coopdesk.sync.folder`` does (the same as
``coopdesk sync-folder watch``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from coopdesk.base.i18n import _
from coopdesk.gui.kit.background import TaskHandle, run_store_task
from coopdesk.store.changes import Changes
from coopdesk.store.store import Store

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.sync.folder import PassResult

PATH_KEY = "sync_folder.path"  # coopdesk.sync.folder.PATH_KEY (loaded only when set)
POLL_MS = 5000
LOOK_DELAY_MS = 700  # events come in bursts while a file arrives
SETTLE_MS = 2500  # a file too fresh to read is looked at again after this
QUIET_MS = 3000  # after the last local change, then one export


class FolderWatch(QObject):
    """See the module docstring. ``status_changed`` fires after every look or export."""

    status_changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.store: Store = window.store
        self.task: TaskHandle | None = None
        self.look_again = False
        self.export_wanted = False
        self.last: PassResult | None = None
        self.problem: str | None = None
        self.fs_watcher = QFileSystemWatcher(self)
        self.fs_watcher.directoryChanged.connect(lambda _path: self.schedule_look())
        self.look_timer = QTimer(self, singleShot=True, interval=LOOK_DELAY_MS)
        self.look_timer.timeout.connect(self.look)
        self.poll_timer = QTimer(self, interval=POLL_MS)
        self.poll_timer.timeout.connect(self.look)
        self.quiet_timer = QTimer(self, singleShot=True, interval=QUIET_MS)
        self.quiet_timer.timeout.connect(self.export)
        window.hub.changed.connect(self._on_changed)
        self.reconfigure()

    # -- the setting ------------------------------------------------------------------------

    def folder(self) -> str | None:
        try:
            value = self.store.local_get(PATH_KEY)
        except Exception:  # a closed or busy store: nothing to watch now
            return None
        return value if isinstance(value, str) and value else None

    @property
    def active(self) -> bool:
        return self.folder() is not None

    def reconfigure(self) -> None:
        """Follow the setting: watch the folder it names, or nothing."""
        watched = self.fs_watcher.directories()
        if watched:
            self.fs_watcher.removePaths(watched)
        folder = self.folder()
        if folder is None:
            self.poll_timer.stop()
            self.quiet_timer.stop()
            self.problem = None
            self.status_changed.emit()
            return
        self.fs_watcher.addPath(folder)  # False if missing: the poll notices it coming back
        self.poll_timer.start()
        self.export_wanted = True  # say what this site has, once, as the folder is taken up
        self.schedule_look()

    # -- looking ----------------------------------------------------------------------------

    def schedule_look(self, delay_ms: int = LOOK_DELAY_MS) -> None:
        if self.active:
            self.look_timer.start(delay_ms)

    def _on_changed(self, changes: Changes) -> None:
        # Whatever moved this site's data (an edit, an import, another program) may be worth
        # a bundle: wait for the burst to end. ``export_needed`` decides if there is one.
        data_changed = bool(changes.tables - {"peers", "conflicts", "held"})
        if data_changed and self.active:
            self.export_wanted = True
            self.quiet_timer.start()

    def look(self) -> None:
        """Import what is new (off the GUI thread); then export if a quiet period ended."""
        if not self.active:
            return
        if self.task is not None:
            self.look_again = True
            return
        author = self.window_.session.member_id or self._default_member()

        def work(worker: Store, _progress: Any, cancelled: Any) -> PassResult:
            from coopdesk.sync.folder import run_pass

            return run_pass(worker, author, cancelled=cancelled)

        self.task = self._run(_("Looking at the sync folder…"), work, self._looked)

    def export(self) -> None:
        if not self.active:
            return
        if self.task is not None:
            self.quiet_timer.start()  # after the running look
            return
        self.export_wanted = False

        def work(worker: Store, _progress: Any, _cancelled: Any) -> PassResult:
            from coopdesk.sync.folder import PassResult, export_to_folder

            return PassResult(exported=export_to_folder(worker))

        self.task = self._run(_("Writing a bundle to the sync folder…"), work, self._looked)

    def _run(self, title: str, work: Any, on_done: Any) -> TaskHandle:
        return run_store_task(
            self.window_,
            self.store,
            title,
            work,
            on_done=on_done,
            on_error=self._failed,
            on_cancelled=self._over,
            initiator=self,
            show_progress=False,
        )

    def _default_member(self) -> str | None:
        try:
            value = self.store.local_get("default_member_id")
        except Exception:
            return None
        return value if isinstance(value, str) else None

    def _looked(self, result: PassResult) -> None:
        self.task = None
        self.problem = None
        self.last = result
        if result.imported and any(r.report.new_entries for r in result.imported):
            self.window_.show_notice(
                _("From the sync folder: ")
                + "; ".join(r.summary() for r in result.imported if r.report.new_entries)
            )
        if result.exported is not None:
            self.window_.show_notice(
                _("Wrote {name} to the sync folder.").format(name=result.exported.path.name)
            )
        if "still arriving" in result.waiting.values():
            self.schedule_look(SETTLE_MS)
        self._next()

    def _failed(self, message: str) -> None:
        self.task = None
        self.problem = message
        self._next()

    def _over(self) -> None:
        self.task = None
        self._next()

    def _next(self) -> None:
        self.status_changed.emit()
        if self.look_again:
            self.look_again = False
            self.schedule_look(0)
        elif self.export_wanted and not self.quiet_timer.isActive():
            self.quiet_timer.start()

    def stop(self) -> None:
        for timer in (self.look_timer, self.poll_timer, self.quiet_timer):
            timer.stop()


def build_watch(window: MainWindow) -> FolderWatch:
    """The sync feature's ``window_service``."""
    return FolderWatch(window)


def watch_of(window: MainWindow) -> FolderWatch | None:
    """The window's folder watcher (None in a window built without it)."""
    services = getattr(window, "services", [])
    return next((s for s in services if isinstance(s, FolderWatch)), None)
