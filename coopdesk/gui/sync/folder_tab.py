"""The Sync page's "Sync folder" tab: which folder, what came in and went out, what waits.

Setting the folder is a setting of this computer (not synced, no mandate): the core refuses
a folder inside the data folder and a data folder inside a Syncthing folder, with a sentence
shown here. The state is read from the core (``folder_status``) whenever the window's
watcher has looked or the store changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import _
from coopdesk.base.text import shown
from coopdesk.coop import relative_time
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.widgets import human_size, muted, scaled_font
from coopdesk.gui.sync.folder_watch import watch_of

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.sync.folder import FolderStatus


def choose_folder(parent: QWidget, start: Path) -> Path | None:
    """Ask for a folder; None when the person cancelled (tests replace this)."""
    chosen = QFileDialog.getExistingDirectory(parent, _("Choose the sync folder"), str(start))
    return Path(chosen) if chosen else None


def status_lines(status: FolderStatus) -> list[str]:
    """The tab's text, one line each (plain text: file names come from other computers)."""
    if status.folder is None:
        return [
            _(
                "No sync folder. If your sites have a network now and then, share an empty "
                "folder between them with Syncthing and choose it here: bundles then travel by "
                "themselves, with the same checks as a USB stick."
            )
        ]
    lines = []
    if status.problem:
        lines.append(status.problem)
    out = (
        f"{shown(status.last_out, limit=120)}, {relative_time(status.last_out_at)}"
        if status.last_out and status.last_out_at
        else _("none yet")
    )
    lines.append(_("Last bundle from this site: {out}.").format(out=out))
    if not status.sites:
        lines.append(_("No bundle from another site has come through the folder yet."))
    for site in status.sites:
        heard = relative_time(site.last_in_at) if site.last_in_at else "never"
        has = _(" It has everything this site wrote.") if site.acknowledged_through else ""
        lines.append(
            _("From {name}: last bundle {heard}.{has}").format(name=site.name, heard=heard, has=has)
        )
    for name, why in sorted(status.waiting.items()):
        lines.append(
            _("Waiting: {name} ({why})").format(
                name=shown(name, limit=120), why=shown(why, limit=200)
            )
        )
    for name, why in sorted(status.refused.items()):
        # A refusal's sentence usually names the file already.
        said = why if why.startswith(name) else f"{name}: {why}"
        lines.append(_("Refused: {said}").format(said=shown(said, limit=400)))
    lines.append(
        _("The folder holds {human_size}.").format(human_size=human_size(status.bytes_in_folder))
    )
    return lines


class FolderTab(QWidget):
    """See the module docstring."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.store = window.store
        self.folder_label = QLabel()
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_label.setFont(scaled_font(self, 1.05, bold=True))
        self.folder_label.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        explanation = muted(
            QLabel(
                _(
                    "A folder that Syncthing (or another file-sync tool) keeps the same on your "
                    "sites' computers. This site writes its bundles there a few seconds after a "
                    "change and imports the other sites' bundles as they arrive, while you work."
                )
            )
        )
        explanation.setWordWrap(True)
        self.choose_button = QPushButton(_("C&hoose folder…"))
        self.choose_button.clicked.connect(self.choose)
        self.look_button = QPushButton(_("Look &now"))
        self.look_button.setToolTip(_("Import what is new in the folder now"))
        self.look_button.clicked.connect(self.look_now)
        self.off_button = QPushButton(_("T&urn off"))
        self.off_button.setToolTip(_("Stop using the folder here (its files stay)"))
        self.off_button.clicked.connect(self.turn_off)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.look_button)
        buttons.addWidget(self.off_button)
        buttons.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(explanation)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.state_label, 1)
        layout.addLayout(buttons)
        watcher = watch_of(window)
        if watcher is not None:
            watcher.status_changed.connect(self.refresh)

    def refresh(self) -> None:
        from coopdesk.sync.folder import folder_status

        status = folder_status(self.store)
        watcher = watch_of(self.window_)
        lines = status_lines(status)
        if watcher is not None and watcher.problem and status.folder is not None:
            lines.insert(0, watcher.problem)
        self.folder_label.setText(
            _("Sync folder: {folder}").format(folder=status.folder)
            if status.folder
            else _("Sync folder: off")
        )
        self.state_label.setText("\n".join(lines))
        self.off_button.setEnabled(status.folder is not None)
        self.look_button.setEnabled(status.folder is not None)
        self.choose_button.setText(_("C&hange folder…") if status.folder else _("C&hoose folder…"))

    def choose(self) -> None:
        from coopdesk.sync.folder import set_sync_folder, sync_folder

        current = sync_folder(self.store)
        picked = choose_folder(self, current or Path.home())
        if picked is None:
            return
        with dialogs.reported_errors(self) as outcome:
            chosen = set_sync_folder(self.store, picked)
        if outcome.ok:
            self.window_.show_notice(_("The sync folder is now {chosen}.").format(chosen=chosen))
            self._reconfigure()

    def turn_off(self) -> None:
        from coopdesk.sync.folder import sync_folder, turn_off

        current = sync_folder(self.store)
        if current is None:
            return
        if not dialogs.confirm(
            self,
            _("Turn off the sync folder"),
            _(
                "Stop using {current} on this computer? Its files stay where they are; "
                "this site then syncs only by USB stick or file until a folder is chosen "
                "again."
            ).format(current=current),
            _("Turn off"),
            _("Keep syncing"),
        ):
            return
        with dialogs.reported_errors(self) as outcome:
            turn_off(self.store)
        if outcome.ok:
            self.window_.show_notice(_("This site no longer uses the sync folder."))
            self._reconfigure()

    def look_now(self) -> None:
        watcher = watch_of(self.window_)
        if watcher is not None:
            watcher.schedule_look(0)

    def _reconfigure(self) -> None:
        watcher = watch_of(self.window_)
        if watcher is not None:
            watcher.reconfigure()
        self.refresh()
