"""Joining an existing coop from an invitation file (the welcome dialog's third way in).

The person picks the invitation file another site made and types the passphrase shown there.
Opening the invitation is slow on purpose (scrypt), so it runs on a worker thread; the store
it creates there is closed and opened again on the GUI thread (SQLite connections belong to
one thread). A wrong passphrase is said in the dialog, which stays open for another try.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _
from coopdesk.base.text import shown
from coopdesk.coop import identity
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.background import (
    CancelCheck,
    ProgressReporter,
    TaskCancelled,
    TaskHandle,
    run_task,
)
from coopdesk.gui.kit.widgets import ErrorLabel, enter_presses, muted, scaled_font
from coopdesk.gui.shell.welcome import WelcomeDialog
from coopdesk.gui.sync import drives
from coopdesk.gui.sync.dialogs import invitation_filter
from coopdesk.store.store import Store
from coopdesk.sync import join_coop


@dataclass(frozen=True)
class Joined:
    """What the worker tells the GUI after joining (the store itself stays on its thread)."""

    coop_name: str
    site_name: str
    summary: str


def _remove_store(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def join_in_worker(
    data_dir: Path,
    invitation: Path,
    passphrase: str,
    report_progress: ProgressReporter,
    is_cancelled: CancelCheck,
) -> Joined:
    """Join on a worker thread; a Cancel that comes in time leaves no store behind."""

    report_progress(0, 0, _("Opening the invitation and copying the coop's data…"))
    store, result = join_coop(data_dir, invitation, passphrase)
    path = store.path
    try:
        ident = identity(store)
        joined = Joined(shown(ident.coop_name), shown(ident.site_name), result.summary())
    finally:
        store.close()
    if is_cancelled():
        _remove_store(path)
        raise TaskCancelled(_("Joining was cancelled."))
    return joined


class JoinDialog(QDialog):
    """Invitation file and passphrase; accepted with ``store`` open on the joined coop."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.store: Store | None = None
        self.joined: Joined | None = None
        self.task: TaskHandle | None = None
        self._close_when_done = False
        self.setWindowTitle(_("Join an existing coop"))
        self.setMinimumWidth(540)
        heading = QLabel(_("Join an existing coop"))
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = QLabel(
            _(
                "Another site of your coop made an invitation file for this computer and was shown "
                "a passphrase. Open the file and type the passphrase."
            )
        )
        intro.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(_("The .coopinvite file, e.g. on the USB stick"))
        self.choose_button = QPushButton(_("C&hoose…"))
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        self.passphrase_edit = QLineEdit()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if mono.pointSizeF() > 0:
            mono.setPointSizeF(mono.pointSizeF() * 1.3)
        self.passphrase_edit.setFont(mono)
        self.passphrase_edit.setPlaceholderText(_("e.g. K7PD-M3QX-9WTR-HF4C"))
        form = QFormLayout()
        file_label = QLabel(_("&Invitation file"))
        file_label.setBuddy(self.file_edit)
        form.addRow(file_label, file_row)
        form.addRow(_("&Passphrase"), self.passphrase_edit)
        hint = muted(
            QLabel(_("Capital or small letters and the dashes do not matter. This takes a moment."))
        )
        hint.setWordWrap(True)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.join_button = self.buttons.addButton(
            _("&Join"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.join_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.join)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        enter_presses(self.join_button)  # not Cancel, which takes the focus while busy
        self.file_edit.setFocus()

    def choose_file(self) -> None:
        found = drives.scan_drives()
        folder = found[0].root if found else Path.home()
        chosen = dialogs.open_file_name(self, _("Open the invitation"), folder, invitation_filter())
        if chosen is not None:
            self.file_edit.setText(str(chosen))
            self.passphrase_edit.setFocus()

    def join(self) -> None:
        if self.task is not None:
            return
        text = self.file_edit.text().strip()
        if not text:
            self.error.show_message(_("Choose the invitation file first."))
            self.file_edit.setFocus()
            return
        invitation = Path(text).expanduser()
        if not invitation.is_file():
            self.error.show_message(
                _("There is no file {invitation}. Check where it was saved.").format(
                    invitation=invitation
                )
            )
            self.file_edit.setFocus()
            return
        passphrase = self.passphrase_edit.text().strip()
        if not passphrase:
            self.error.show_message(_("Type the passphrase that was shown with the invitation."))
            self.passphrase_edit.setFocus()
            return
        self.error.clear()
        self._set_busy(True)
        data_dir = self.data_dir
        self.task = run_task(
            self,
            _("Joining the coop…"),
            lambda progress, cancelled: join_in_worker(
                data_dir, invitation, passphrase, progress, cancelled
            ),
            on_done=self._joined,
            on_error=self._failed,
            on_cancelled=self._cancelled,
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.file_edit, self.choose_button, self.passphrase_edit, self.join_button):
            widget.setEnabled(not busy)

    def _joined(self, joined: Joined) -> None:
        self.task = None
        try:
            self.store = Store.open(self.data_dir)
        except CoopDeskError as exc:
            self._failed(str(exc))
            return
        self.joined = joined
        self.accept()

    def _failed(self, message: str) -> None:
        self.task = None
        self._set_busy(False)
        if self._close_when_done:
            super().reject()
            return
        self.error.show_message(message)
        self.passphrase_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.passphrase_edit.selectAll()

    def _cancelled(self) -> None:
        self.task = None
        self._set_busy(False)
        if self._close_when_done:
            super().reject()

    def reject(self) -> None:
        if self.task is not None:
            self._close_when_done = True  # closes once the worker has stopped
            self.task.cancel()
            return
        super().reject()


def join_from_invitation(welcome: WelcomeDialog) -> None:
    """The welcome dialog's join handler: on success it hands over the store and closes."""
    dialog = JoinDialog(welcome.data_dir, welcome)
    welcome.join_dialog = dialog

    def joined() -> None:
        welcome.store = dialog.store
        welcome.member_id = None  # nobody is at the keyboard yet on a new site: the window asks
        if dialog.joined is not None:
            welcome.notice = _("Joined {coop_name} as site {site_name}. {summary}").format(
                coop_name=dialog.joined.coop_name,
                site_name=dialog.joined.site_name,
                summary=dialog.joined.summary,
            )
        welcome.accept()

    dialog.accepted.connect(joined)
    # Not deleteLater() on finish: the dialog goes with the welcome dialog, its parent.
    # Deleting it from the slot chain of its finished task (whose progress dialog, its child,
    # is being deleted too) crashed Qt about once in 25 joins; without it, 0 in 90.
    dialog.open()
