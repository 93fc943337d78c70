"""Starting the app: ``run`` (the window) and ``self_test`` (open it offscreen, report, quit).

The command line calls these. Heavy modules (pages, the demo) are imported when needed, so
that the window is up quickly even on a store with a long history.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from coopdesk.base.errors import CoopDeskError, NoStoreError
from coopdesk.base.i18n import _, current_language
from coopdesk.base.paths import resolve_data_dir
from coopdesk.coop import count_members
from coopdesk.gui.kit.background import cancel_and_wait_all
from coopdesk.gui.kit.dialogs import busy_message
from coopdesk.gui.kit.theme import app_icon, apply_theme, follow_system_theme
from coopdesk.gui.shell import garbage
from coopdesk.gui.shell.language import apply_language
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.store.store import Store

if TYPE_CHECKING:
    from tempfile import TemporaryDirectory

SELF_TEST_TIMEOUT_MS = 30_000


def application() -> QApplication:
    """The QApplication, created once with CoopDesk's names, icon and theme."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if app.applicationName() != "CoopDesk":
        app.setApplicationName("CoopDesk")
        app.setOrganizationName("CoopDesk")
        app.setApplicationDisplayName("CoopDesk")
        app.setDesktopFileName("coopdesk")
        app.setWindowIcon(app_icon())
        apply_theme(app)
        follow_system_theme(app)
        garbage.install(app)
        # Before any store is open (the welcome dialog): the language the command line chose
        # (--lang, else the environment's); the window then follows the member and the coop.
        apply_language(current_language())
    return app


def show_startup_error(message: str) -> None:
    """Tell the person why the app cannot open (tests replace this)."""
    QtWidgets.QMessageBox.critical(None, "CoopDesk", message)


def open_main_window(data_dir: Path) -> MainWindow | None:
    """Open the store (or welcome a first-time user) and return the window, not yet shown.

    Returns None when the welcome dialog was closed; raises CoopDeskError when the store
    cannot be opened (newer, damaged, not a store): the store is left untouched.
    """
    member_id: str | None = None
    notice = ""
    try:
        store = Store.open(data_dir)
    except NoStoreError:
        # Only a computer without a store yet needs these: not loaded to open the window.
        from coopdesk.gui.shell.join import join_from_invitation
        from coopdesk.gui.shell.welcome import WelcomeDialog

        welcome = WelcomeDialog(data_dir, join=join_from_invitation)
        if welcome.exec() != WelcomeDialog.DialogCode.Accepted or welcome.store is None:
            return None
        store, member_id, notice = welcome.store, welcome.member_id, welcome.notice
    from coopdesk.sync import open_for_use  # with the site's keys: not for the self-test

    try:
        copied = open_for_use(store)  # before anything writes: is this folder a copy?
    except BaseException:
        store.close()
        raise
    notice = " ".join(text for text in (copied, notice) if text)
    window = MainWindow(store, member_id=member_id)
    if notice:
        window.show_notice(notice)
    return window


def _show_unexpected(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """Last resort for bugs: report instead of crashing; the store is transactional."""
    traceback.print_exception(kind, value, tb, file=sys.stderr)
    if isinstance(value, KeyboardInterrupt):
        QApplication.quit()
        return
    message = (
        str(value)
        if isinstance(value, CoopDeskError)
        else (
            _(
                "Something went wrong inside CoopDesk ({name}: {value}). Nothing "
                "half-done was saved. If it happens again, please tell whoever looks "
                "after CoopDesk."
            ).format(name=kind.__name__, value=value)
        )
    )
    QtWidgets.QMessageBox.warning(QApplication.activeWindow(), "CoopDesk", message)


def run(data_dir: str | os.PathLike[str] | None = None) -> int:
    """Open the app on a data dir (or the default one); returns the exit code."""
    app = application()
    previous_hook, sys.excepthook = sys.excepthook, _show_unexpected
    try:
        try:
            window = open_main_window(resolve_data_dir(data_dir))
        except CoopDeskError as exc:
            print(f"coopdesk: {exc}", file=sys.stderr)
            show_startup_error(str(exc))
            return 1
        except sqlite3.Error as exc:
            message = busy_message(exc)
            print(f"coopdesk: {message}", file=sys.stderr)
            show_startup_error(message)
            return 1
        if window is None:
            return 0
        window.show()
        try:
            return app.exec()
        finally:
            cancel_and_wait_all()
            window.store.close()
    finally:
        sys.excepthook = previous_hook


def self_test(data_dir: str | os.PathLike[str] | None = None) -> int:
    """Open the main window offscreen without any dialog, report how long it took, quit.

    Without a store in the data dir, a demo store is made in a temporary folder (CI runs this
    on a fresh machine). Returns 0 when the window came up, 1 otherwise.
    """
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch: TemporaryDirectory[str] | None = None
    store: Store | None = None
    window: MainWindow | None = None
    try:
        app = application()
        try:
            store = Store.open(resolve_data_dir(data_dir))
        except NoStoreError:
            from tempfile import TemporaryDirectory

            scratch = TemporaryDirectory(prefix="coopdesk-self-test-")
            from coopdesk.demo import create_demo  # only for a self-test without a store

            store = create_demo(Path(scratch.name))
        window = MainWindow(store, ask_for_member=False, remember_layout=False)
        result: dict[str, float] = {}

        def report() -> None:
            result["ms"] = (time.perf_counter() - started) * 1000
            app.exit(0)

        window.shown.connect(lambda: QTimer.singleShot(0, report))
        deadline = QTimer(window, singleShot=True, interval=SELF_TEST_TIMEOUT_MS)
        deadline.timeout.connect(lambda: app.exit(1))
        deadline.start()
        window.show()
        code = app.exec() if "ms" not in result else 0
        deadline.stop()
        if code != 0 or "ms" not in result:
            print(
                f"self-test: the main window did not come up within "
                f"{SELF_TEST_TIMEOUT_MS // 1000} s",
                file=sys.stderr,
            )
            return 1
        members = count_members(store, "active")
        print(
            f"self-test: main window shown in {result['ms']:.0f} ms "
            f"({window.identity.coop_name}, {members} member{'s' if members != 1 else ''})"
        )
        return 0
    except CoopDeskError as exc:
        print(f"self-test: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the self-test reports every failure as a non-zero exit
        traceback.print_exc(file=sys.stderr)
        print(f"self-test: failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        if store is not None:
            store.close()
        if scratch is not None:
            scratch.cleanup()
