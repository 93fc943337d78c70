"""First run: there is no store yet. Start a new coop, try the demo, or (with sync) join one.

Starting a coop makes its first member the one at the keyboard. The demo is built on a worker
thread in a scratch folder inside the data dir and moved into place only when complete, so
Cancel (or a failure) leaves the data dir as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError, StoreExistsError
from coopdesk.base.i18n import _
from coopdesk.base.paths import store_path
from coopdesk.coop import start_coop
from coopdesk.demo import COOP_NAME, create_demo
from coopdesk.gui.kit.background import (
    CancelCheck,
    ProgressReporter,
    TaskCancelled,
    TaskHandle,
    run_task,
)
from coopdesk.gui.kit.theme import app_icon
from coopdesk.gui.kit.widgets import ChoiceButton, ErrorLabel, muted, scaled_font
from coopdesk.store.store import Store

JoinHandler = Callable[["WelcomeDialog"], None]


def build_demo_store(
    data_dir: Path, report_progress: ProgressReporter, is_cancelled: CancelCheck
) -> Path:
    """Create the demo coop in ``data_dir`` (worker thread). Returns the data dir."""

    target = store_path(data_dir)
    if target.exists():
        raise StoreExistsError(
            _("There is already a CoopDesk store in {data_dir}.").format(data_dir=data_dir)
        )
    report_progress(0, 0, _("Creating the demo coop “{coop_name}”…").format(coop_name=COOP_NAME))
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".demo-", dir=data_dir))
    try:
        create_demo(scratch).close()
        if is_cancelled():
            raise TaskCancelled(_("The demo was not created."))
        if target.exists():
            raise StoreExistsError(
                _("There is already a CoopDesk store in {data_dir}.").format(data_dir=data_dir)
            )
        built = store_path(scratch)
        wal = Path(f"{built}-wal")
        if wal.exists():  # normally checkpointed away on close; if not, it travels along
            os.replace(wal, Path(f"{target}-wal"))
        os.replace(built, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return data_dir


class WelcomeDialog(QDialog):
    """Accepted with ``store`` open (and ``member_id`` at the keyboard, or None to ask)."""

    def __init__(
        self, data_dir: Path, parent: QWidget | None = None, join: JoinHandler | None = None
    ) -> None:
        """``join`` enables "Join an existing coop" (it comes with sync): ``join(dialog)``
        should, when it worked, set ``dialog.store`` (and ``member_id``) and call ``accept()``.
        """
        super().__init__(parent)
        self.join_handler = join
        self.data_dir = data_dir
        self.store: Store | None = None
        self.member_id: str | None = None
        self.notice = ""  # said in the window once it opens (e.g. what joining brought)
        self.join_dialog: QDialog | None = None
        self.task: TaskHandle | None = None
        self._close_when_done = False
        self.setWindowTitle(_("Welcome to CoopDesk"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(520)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_choices())
        self.pages.addWidget(self._build_new_coop_form())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.show_choices()

    # -- the two pages ----------------------------------------------------------------------

    def _build_choices(self) -> QWidget:
        page = QWidget()
        heading = QLabel(_("Welcome to CoopDesk"))
        heading.setFont(scaled_font(self, 1.6, bold=True))
        intro = QLabel(
            _(
                "CoopDesk keeps your coop's members, shifts, roles and shared supplies on this "
                "computer, and shares them with your other sites by USB stick. No internet and no "
                "accounts needed."
            )
        )
        intro.setWordWrap(True)
        self.start_button = ChoiceButton(
            _("Start a new coop"), _("Name your coop and this site. You become its first member.")
        )
        self.start_button.clicked.connect(self.show_new_coop_form)
        self.demo_button = ChoiceButton(
            _("Try a demo coop"),
            _("Look around Riverside Food Coop, a made-up coop with members and a history."),
        )
        self.demo_button.clicked.connect(self.create_demo)
        joinable = self.join_handler is not None
        self.join_button = ChoiceButton(
            _("Join an existing coop"),
            _(
                "Open the invitation file another site of your coop made for this computer, "
                "and type its passphrase."
            )
            if joinable
            else _(
                "Comes with sync: soon you will join from an invitation file made at another "
                "site of your coop."
            ),
        )
        self.join_button.setEnabled(joinable)
        self.join_button.clicked.connect(self._join)
        self.choices_error = ErrorLabel()
        where = muted(
            QLabel(_("Your coop's data will be kept in {data_dir}").format(data_dir=self.data_dir))
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        quit_buttons = QDialogButtonBox()
        quit_button = quit_buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setAutoDefault(False)
        quit_buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(8)
        for button in (self.start_button, self.demo_button, self.join_button):
            layout.addWidget(button)
        layout.addWidget(self.choices_error)
        layout.addStretch(1)
        layout.addWidget(where)
        layout.addWidget(quit_buttons)
        return page

    def _build_new_coop_form(self) -> QWidget:
        page = QWidget()
        heading = QLabel(_("Start a new coop"))
        heading.setFont(scaled_font(self, 1.4, bold=True))
        self.coop_name_edit = QLineEdit()
        self.coop_name_edit.setPlaceholderText(_("e.g. Riverside Food Coop"))
        self.site_name_edit = QLineEdit()
        self.site_name_edit.setPlaceholderText(_("e.g. Kitchen, Warehouse, Main hall"))
        self.member_name_edit = QLineEdit()
        self.member_name_edit.setPlaceholderText(_("You will be the coop's first member"))
        form = QFormLayout()
        form.addRow(_("&Coop name"), self.coop_name_edit)
        form.addRow(_("&This site's name"), self.site_name_edit)
        form.addRow(_("&Your name"), self.member_name_edit)
        hint = muted(
            QLabel(
                _(
                    "A site is one place where the coop keeps a CoopDesk computer. Everyone "
                    "can add "
                    "more members and sites later."
                )
            )
        )
        hint.setWordWrap(True)
        self.form_error = ErrorLabel()
        buttons = QDialogButtonBox()
        self.back_button: QPushButton = buttons.addButton(
            _("Back"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.show_choices)
        self.create_button: QPushButton = buttons.addButton(
            _("Start coop"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.start_coop)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        return page

    def show_choices(self) -> None:
        self.pages.setCurrentIndex(0)
        self.start_button.setFocus()

    def show_new_coop_form(self) -> None:
        self.form_error.clear()
        self.pages.setCurrentIndex(1)
        self.create_button.setDefault(True)
        self.coop_name_edit.setFocus()

    # -- the three ways in ------------------------------------------------------------------

    def start_coop(self) -> None:

        try:
            store = start_coop(
                self.data_dir,
                self.coop_name_edit.text(),
                self.site_name_edit.text(),
                self.member_name_edit.text(),
            )
        except CoopDeskError as exc:
            self.form_error.show_message(str(exc))
            for label, edit in (
                ("Coop name", self.coop_name_edit),
                ("Site name", self.site_name_edit),
                ("Your name", self.member_name_edit),
            ):
                if getattr(exc, "field", None) == label:  # in every language
                    edit.setFocus()
            return
        except OSError as exc:
            self.form_error.show_message(
                _("The store could not be created: {exc}.").format(exc=exc)
            )
            return
        self.store = store
        self.member_id = str(store.local_get("default_member_id"))
        self.accept()

    def create_demo(self) -> None:
        if self.task is not None:
            return
        self.choices_error.clear()
        self._set_busy(True)
        data_dir = self.data_dir
        self.task = run_task(
            self,
            _("Creating the demo coop…"),
            lambda progress, cancelled: build_demo_store(data_dir, progress, cancelled),
            on_done=self._demo_ready,
            on_error=self._demo_failed,
            on_cancelled=self._demo_cancelled,
        )

    def _demo_ready(self, data_dir: Path) -> None:
        self.task = None
        try:
            self.store = Store.open(data_dir)
        except CoopDeskError as exc:
            self._demo_failed(str(exc))
            return
        self.member_id = None  # the window asks who is at the keyboard
        self.accept()

    def _demo_failed(self, message: str) -> None:
        self.task = None
        self._set_busy(False)
        self.choices_error.show_message(message)
        if self._close_when_done:
            super().reject()

    def _demo_cancelled(self) -> None:
        self.task = None
        self._set_busy(False)
        if self._close_when_done:
            super().reject()

    def _join(self) -> None:
        if self.join_handler is not None:
            self.join_handler(self)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.start_button, self.demo_button):
            button.setEnabled(not busy)
        self.join_button.setEnabled(not busy and self.join_handler is not None)

    # -- keys -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape on the form goes back to the choices; on the choices it quits."""
        if event.key() == Qt.Key.Key_Escape and self.pages.currentIndex() == 1:
            self.show_choices()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.task is not None:
            self._close_when_done = True  # closes once the worker has stopped
            self.task.cancel()
            return
        super().reject()
