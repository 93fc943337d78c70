"""Dialogs of the Sync page: what an import would bring, inviting a site, the passphrase.

They are opened with ``open()`` (window-modal, not blocking), so the window keeps painting
and tests can drive them like a person would.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
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

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import long_moment_text, number_text, plural
from coopdesk.coop import relative_time
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.widgets import ErrorLabel, muted, scaled_font
from coopdesk.sync.importing import Preview
from coopdesk.sync.invite import SUFFIX as INVITATION_SUFFIX
from coopdesk.sync.invite import Invitation

INVITATION_FILTER = N_("CoopDesk invitations (*{suffix})")


def invitation_filter() -> str:
    """The file dialog's filter for invitations, in the current language."""
    return _(INVITATION_FILTER).format(suffix=INVITATION_SUFFIX)


def preview_sentences(preview: Preview, for_site_name: str | None = None) -> list[str]:
    """What the preview dialog says, one paragraph each (also used by tests and the log)."""
    made = relative_time(preview.made_at)
    origin = _("From site {site_name}, made {made} (bundle {bundle_seq})").format(
        site_name=preview.site_name, made=made, bundle_seq=preview.bundle_seq
    )
    if preview.already_imported:
        return [
            f"{origin}.",
            _("This bundle was already imported here; there is nothing to apply."),
        ]
    already_here = preview.entries - preview.new_entries
    if preview.new_entries:
        lines = [
            f"{origin}: {preview.summary()}.",
            _("{changes}; {count} already here.").format(
                changes=plural(preview.entries, "change"), count=number_text(already_here)
            ),
        ]
    else:
        lines = [
            _("{origin}: nothing new.").format(origin=origin),
            _(
                "All {changes} in it are already here. Importing it still tells this site what "
                "{site} has, so the next bundle for it is smaller."
            ).format(changes=plural(preview.entries, "change"), site=preview.site_name),
        ]
    if not preview.for_this_site:
        lines.append(
            _("It was made for site {value}; importing it here is safe too.").format(
                value=for_site_name or _("another site")
            )
        )
    return lines


class ImportPreviewDialog(QDialog):
    """Shows what a bundle brings before anything is written; Import or Cancel."""

    def __init__(
        self, preview: Preview, for_site_name: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(_("Import a sync bundle"))
        self.setMinimumWidth(460)
        heading = QLabel(
            _("Already imported")
            if preview.already_imported
            else _("Import changes from {site_name}?").format(site_name=preview.site_name)
        )
        heading.setFont(scaled_font(self, 1.3, bold=True))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.lines = preview_sentences(preview, for_site_name)
        self.text_label = QLabel("\n\n".join(self.lines))
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        made = datetime.fromtimestamp(preview.made_at)
        self.text_label.setToolTip(_("Made {made}").format(made=long_moment_text(made)))
        detail = muted(
            QLabel(
                f"{preview.path.name}"
                + (_(" · encrypted") if preview.encrypted else _(" · not encrypted"))
                + _("\nAn import is all or nothing; Undo takes it back until this site changes.")
            )
        )
        detail.setTextFormat(Qt.TextFormat.PlainText)
        detail.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.import_button: QPushButton | None = None
        if preview.already_imported:
            close = self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
            close.setDefault(True)
        else:
            self.import_button = self.buttons.addButton(
                _("&Import"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.import_button.setDefault(True)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addSpacing(4)
        layout.addWidget(self.text_label)
        layout.addWidget(detail)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.text_label.text()


def invitation_file_name(coop_name: str, site_name: str) -> str:
    """``Test-Coop-invitation-Bakery.coopinvite``: safe on every file system."""

    def slug(text: str) -> str:
        return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split()) or "site"

    return f"{slug(coop_name)}-invitation-{slug(site_name)}{INVITATION_SUFFIX}"


class InviteDialog(QDialog):
    """Asks the new site's name and where to save its invitation. Accepted: ``site_name``,
    ``path``."""

    def __init__(self, coop_name: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coop_name = coop_name
        self.folder = folder
        self.site_name = ""
        self.path: Path | None = None
        self._path_edited = False
        self.setWindowTitle(_("Invite a new site"))
        self.setMinimumWidth(520)
        heading = QLabel(_("Invite a new site"))
        heading.setFont(scaled_font(self, 1.3, bold=True))
        intro = QLabel(
            _(
                "An invitation lets another computer join this coop as a new site. It holds the "
                "coop's data and keys, sealed with a passphrase shown once you make it."
            )
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("e.g. Bakery, Market Hall"))
        self.name_edit.textChanged.connect(self._suggest_path)
        self.path_edit = QLineEdit()
        self.path_edit.textEdited.connect(self._on_path_edited)
        self.choose_button = QPushButton(_("C&hoose…"))
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(_("New site's &name"), self.name_edit)
        path_label = QLabel(_("&Save invitation as"))
        path_label.setBuddy(self.path_edit)
        form.addRow(path_label, path_row)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.make_button = self.buttons.addButton(
            _("&Make invitation"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.make_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._suggest_path("")
        self.name_edit.setFocus()

    def _on_path_edited(self, _text: str) -> None:
        self._path_edited = True

    def _suggest_path(self, name: str) -> None:
        """Follow the site's name in the file name until the person picks a path themselves."""
        if not self._path_edited:
            self.path_edit.setText(
                str(
                    self.folder
                    / invitation_file_name(self.coop_name, name.strip() or _("New site"))
                )
            )

    def choose_path(self) -> None:
        chosen = dialogs.save_file_name(
            self, _("Save the invitation"), Path(self.path_edit.text()), invitation_filter()
        )
        if chosen is not None:
            if chosen.suffix != INVITATION_SUFFIX:
                chosen = chosen.with_name(chosen.name + INVITATION_SUFFIX)
            self._path_edited = True
            self.path_edit.setText(str(chosen))

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.error.show_message(_("Give the new site a name."))
            self.name_edit.setFocus()
            return
        text = self.path_edit.text().strip()
        path = Path(text).expanduser() if text else None
        if path is None or not path.parent.is_dir():
            self.error.show_message(_("Choose a folder that exists to save the invitation in."))
            self.path_edit.setFocus()
            return
        if path.exists() and not dialogs.confirm(
            self,
            _("Replace invitation"),
            _("{name} already exists in {parent}. Replace it with the new invitation?").format(
                name=path.name, parent=path.parent
            ),
            _("Replace"),
            _("Keep the old file"),
        ):
            return
        self.site_name, self.path = name, path
        super().accept()


class PassphraseDialog(QDialog):
    """The invitation's passphrase, large and once: it is not stored anywhere."""

    def __init__(self, invitation: Invitation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.invitation = invitation
        self.setWindowTitle(_("Invitation ready"))
        self.setMinimumWidth(520)
        heading = QLabel(
            _("Invitation for {site_name} is ready").format(site_name=invitation.site_name)
        )
        heading.setFont(scaled_font(self, 1.3, bold=True))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        saved = QLabel(_("Saved as {path}").format(path=invitation.path))
        saved.setWordWrap(True)
        saved.setTextFormat(Qt.TextFormat.PlainText)
        saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase_label = QLabel(invitation.passphrase)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if mono.pointSizeF() > 0:
            mono.setPointSizeF(mono.pointSizeF() * 2.2)
        mono.setBold(True)
        self.passphrase_label.setFont(mono)
        self.passphrase_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase_label.setAccessibleName(_("Passphrase"))
        self.copy_button = QPushButton(_("&Copy passphrase"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        self.instruction = QLabel(
            _(
                "Give this passphrase to the new site separately from the file. It is "
                "shown only now."
            )
        )
        self.instruction.setFont(scaled_font(self, 1.0, bold=True))
        self.instruction.setWordWrap(True)
        steps = muted(
            QLabel(
                _(
                    "At the new site: install CoopDesk, choose “Join an existing coop”, open the "
                    "invitation file and type the passphrase."
                )
            )
        )
        steps.setWordWrap(True)
        buttons = QDialogButtonBox()
        done = buttons.addButton(
            _("I have noted it, &done"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        done.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(saved)
        layout.addSpacing(10)
        layout.addWidget(self.passphrase_label)
        layout.addLayout(copy_row)
        layout.addSpacing(10)
        layout.addWidget(self.instruction)
        layout.addWidget(steps)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.invitation.passphrase)
        self.copy_button.setText(_("Copied"))
