"""Long work off the GUI thread, with a progress dialog and a Cancel button.

``run_task(parent, title, fn, on_done)`` runs ``fn(report_progress, is_cancelled)`` on a
worker thread and calls ``on_done(result)`` back on the GUI thread, or ``on_error(message)``
with the message of a ``CoopDeskError`` (written for people). ``report_progress(done, total,
text="")`` may be called from the worker as often as it likes; ``is_cancelled()`` turns True
after Cancel, and the work should then stop (raising ``TaskCancelled`` is the tidy way).

Work that uses the store goes through ``run_store_task``: SQLite connections belong to one
thread, so the worker opens its own ``Store`` on the same file, and when it is done the hub
announces the tables the worker changed, so every page refreshes just as after a local edit.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.dialogs import busy_message
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.store.changes import Changes
from coopdesk.store.store import Store

ProgressReporter = Callable[..., None]  # report_progress(done, total, text="")
CancelCheck = Callable[[], bool]
TaskFunction = Callable[[ProgressReporter, CancelCheck], Any]
StoreTaskFunction = Callable[[Store, ProgressReporter, CancelCheck], Any]

# A short task should not flash a dialog; a longer one shows it after this delay.
PROGRESS_DELAY_MS = 300

_RUNNING: set[TaskHandle] = set()  # keeps handles (and their threads) alive until done


class TaskCancelled(CoopDeskError):
    """Raised inside a task that noticed ``is_cancelled()``; nothing is reported as an error."""


def describe_failure(exc: BaseException) -> str:
    """A message a person can act on, for any exception a task raised."""
    if isinstance(exc, CoopDeskError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return busy_message(exc)
    if isinstance(exc, OSError):
        return _("A file could not be used: {exc}.").format(exc=exc)
    return _("Something went wrong: {exc!r}. Nothing was changed by the step that failed.").format(
        exc=exc
    )


class _TaskThread(QThread):
    """Runs the function; its signals are delivered to the handle on the GUI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: TaskFunction, cancel_event: threading.Event) -> None:
        super().__init__()
        self.fn = fn
        self.cancel_event = cancel_event

    def run(self) -> None:
        def report_progress(done: int, total: int, text: str = "") -> None:
            self.progressed.emit(int(done), int(total), text)

        try:
            result = self.fn(report_progress, self.cancel_event.is_set)
        except TaskCancelled:
            self.failed.emit("")
        except BaseException as exc:  # a worker must never take the app down
            if not isinstance(exc, CoopDeskError):
                traceback.print_exc(file=sys.stderr)
            self.failed.emit(describe_failure(exc))
        else:
            self.succeeded.emit(result)


class TaskHandle(QObject):
    """One running task. ``finished`` fires on the GUI thread once it has ended in any way."""

    finished = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: TaskFunction,
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None] | None,
        on_cancelled: Callable[[], None] | None,
        after_success: Callable[[], None] | None = None,
        show_progress: bool = True,
    ) -> None:
        super().__init__()
        self.show_progress = show_progress
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancelled = on_cancelled
        self.after_success = after_success
        self.cancel_event = threading.Event()
        self.done = False
        self.outcome: str | None = None  # "done", "error" or "cancelled"
        self.error_message = ""

        self.dialog = QProgressDialog(title, _("Cancel"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)

        self.worker = _TaskThread(fn, self.cancel_event)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_success)
        self.worker.failed.connect(self._on_failure)
        self._show_timer = QTimer(self, singleShot=True, interval=PROGRESS_DELAY_MS)
        self._show_timer.timeout.connect(self._show_dialog)

    def start(self) -> None:
        _RUNNING.add(self)
        if self.show_progress:  # work the person did not ask for runs without a dialog
            self._show_timer.start()
        self.worker.start()

    def cancel(self) -> None:
        """Ask the work to stop; it ends at its next ``is_cancelled()`` check."""
        if not self.done:
            self.cancel_event.set()
            self.dialog.setLabelText(_("Cancelling…"))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker thread ends (used when the app quits)."""
        return self.worker.wait(timeout_ms)

    def _show_dialog(self) -> None:
        if not self.done:
            self.dialog.show()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.done:
            return
        if text and not self.cancel_event.is_set():
            self.dialog.setLabelText(text)
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _end(self, outcome: str) -> None:
        self.done = True
        self.outcome = outcome
        self._show_timer.stop()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.hide()
        self.dialog.deleteLater()
        self.worker.wait()
        self.worker.deleteLater()
        # Let go of the handle only after Qt has finished delivering the signal we are in:
        # freeing it now would delete a QObject inside its own slot (a rare crash).
        QTimer.singleShot(0, lambda: _RUNNING.discard(self))

    def _on_success(self, result: Any) -> None:
        # Cancel came too late if the work finished anyway: its result stands and is shown.
        self._end("done")
        if self.after_success is not None:
            self.after_success()
        self.on_done(result)
        self.finished.emit()

    def _on_failure(self, message: str) -> None:
        if not message:
            self._end("cancelled")
            if self.on_cancelled is not None:
                self.on_cancelled()
        else:
            self._end("error")
            self.error_message = message
            if self.on_error is not None:
                self.on_error(message)
            else:
                dialogs.show_error(self.dialog.parentWidget(), message)
        self.finished.emit()


def run_task(
    parent: QWidget | None,
    title: str,
    fn: TaskFunction,
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
) -> TaskHandle:
    """Run ``fn(report_progress, is_cancelled)`` on a worker thread; see the module docstring.

    Without ``on_error`` the message is shown in a message box over ``parent``.
    """
    handle = TaskHandle(parent, title, fn, on_done, on_error, on_cancelled)
    handle.start()
    return handle


def run_store_task(
    parent: QWidget | None,
    store: Store,
    title: str,
    fn: StoreTaskFunction,
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    initiator: object | None = None,
    show_progress: bool = True,
) -> TaskHandle:
    """Run ``fn(worker_store, report_progress, is_cancelled)`` with the worker's own store.

    What the worker's transactions changed is announced through the hub of ``store`` on the
    GUI thread, once, with ``initiator`` (also when the work failed or was cancelled after
    committing some). ``show_progress=False`` never shows the progress dialog (background
    work nobody asked for, like the sync folder's imports).
    """
    path: Path = store.path
    changed: list[Changes] = []
    lock = threading.Lock()

    def work(report_progress: ProgressReporter, is_cancelled: CancelCheck) -> Any:
        worker_store = Store.open_file(path)
        try:

            def collect(changes: Changes) -> None:
                with lock:
                    changed.append(changes)

            worker_store.subscribe(collect)
            return fn(worker_store, report_progress, is_cancelled)
        finally:
            worker_store.close()

    def announce() -> None:
        with lock:
            done = list(changed)
            changed.clear()
        if done:
            source = "import" if any(c.source == "import" for c in done) else "local"
            combined = Changes.combined(done, source=source).with_initiator(initiator)
            StoreHub.for_store(store).announce(combined)

    def done(result: Any) -> None:
        on_done(result)

    def failed(message: str) -> None:
        announce()
        if on_error is not None:
            on_error(message)
        else:
            dialogs.show_error(parent, message)

    def cancelled() -> None:
        announce()
        if on_cancelled is not None:
            on_cancelled()

    handle = TaskHandle(
        parent,
        title,
        work,
        done,
        failed,
        cancelled,
        after_success=announce,
        show_progress=show_progress,
    )
    handle.start()
    return handle


def running_tasks() -> list[TaskHandle]:
    return [handle for handle in _RUNNING if not handle.done]


def cancel_and_wait_all(timeout_ms: int = 30_000) -> None:
    """Cancel every running task and wait for its thread (before the app quits)."""
    for handle in running_tasks():
        handle.cancel()
        handle.wait(timeout_ms)
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
