"""The Sync page: export to a USB stick, import from one, and look after the federation.

The top is for the person carrying the stick: the drives plugged in (found by themselves,
re-scanned every few seconds), one button to export, one to import, and a message that says
plainly what happened ("Safe to remove the USB stick…", or why a bundle was refused). Below,
in tabs: the sites and what each still lacks, open conflicts to settle, and backups.

Everything that reads or writes a bundle runs on a worker thread with its own store
(``run_store_task``) behind a progress dialog with Cancel; the hub then tells every page what
changed. An import first shows a preview (read in a worker too: it checks the whole file).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import names_text, plural, shown
from coopdesk.coop import relative_time, update_settings
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.background import TaskCancelled, TaskHandle, run_store_task
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import (
    EmptyState,
    MessagePanel,
    follow_selection,
    human_size,
    muted,
    scaled_font,
    selected_row,
    standard_icon,
    table_view,
)
from coopdesk.gui.sync import drives
from coopdesk.gui.sync.dialogs import ImportPreviewDialog, InviteDialog, PassphraseDialog
from coopdesk.gui.sync.drives import BundleFile, Drive
from coopdesk.gui.sync.folder_tab import FolderTab
from coopdesk.gui.sync.models import (
    BackupsModel,
    ConflictsModel,
    HeldModel,
    SitesModel,
    backup_when,
    conflict_source,
    conflict_values,
    is_peer,
)
from coopdesk.store.changes import CONFLICTS, HELD, PEERS
from coopdesk.store.store import Store
from coopdesk.sync import backups, conflicts, forks, importing
from coopdesk.sync import export as exporting
from coopdesk.sync import identity as site_identity
from coopdesk.sync.bundle import SUFFIX as BUNDLE_SUFFIX
from coopdesk.sync.invite import make_invitation
from coopdesk.sync.merge import ImportCancelled
from coopdesk.sync.peers import SiteStatus, sites_overview
from coopdesk.sync.trust import archive_site, restore_site

# Said only of what this site has received: other sites may not have synced yet.
NO_CONFLICTS = N_("No conflicts in what this site has received.")

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.sync.backups import Backup
    from coopdesk.sync.export import ExportResult
    from coopdesk.sync.importing import ImportResult, Preview
    from coopdesk.sync.invite import Invitation

BUNDLE_FILTER = N_("CoopDesk bundles (*{suffix})")
DRIVE_SCAN_MS = 3000
CLOCK_MS = 60_000
LAST_FOLDER_KEY = "gui.sync_folder"
IMPORT_PREVIEW, INVITE, PASSPHRASE = "import preview", "invite a site", "invitation passphrase"


def bundle_choice_label(item: BundleFile, this_site: set[str], site_names: dict[str, str]) -> str:
    """``Warehouse-2026-11-25-1432.coopsync — from Warehouse, 2 h ago, 14 KB``.

    The sender is named by the name this store knows for the site the file claims: nothing
    from a header that has not been checked is shown (importing checks it).
    """
    if item.site_id in this_site:
        source = _("made here")
    elif item.site_id in site_names:
        source = _("from {site}").format(site=shown(site_names[item.site_id]))
    else:
        source = _("sender unknown")
    name = shown(item.path.name, limit=120)
    return f"{name} — {source}, {relative_time(item.modified)}, {human_size(item.size)}"


class DriveRow(QFrame):
    """One plugged-in drive with its two buttons."""

    def __init__(self, drive: Drive, first: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="noticeBar")
        self.drive = drive
        icon = QLabel()
        size = self.fontMetrics().height() * 2
        icon.setPixmap(standard_icon(self, "drive").pixmap(size, size))
        self.name_label = QLabel(_("USB stick {label}").format(label=drive.label))
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setFont(scaled_font(self, 1.0, bold=True))
        where = muted(
            QLabel(_("{human_size} free").format(human_size=human_size(drive.bytes_free)))
        )
        self.setToolTip(str(drive.root))
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.name_label)
        texts.addWidget(where)
        # Mnemonics only on the first drive: two buttons with one Alt key would fight.
        self.export_button = QPushButton(_("E&xport to USB") if first else _("Export to USB"))
        self.export_button.setToolTip(
            _("Write a sync bundle onto {label}").format(label=drive.label)
            + (_(" (Ctrl+E)") if first else "")
        )
        self.import_button = QPushButton(_("&Import from USB") if first else _("Import from USB"))
        self.import_button.setToolTip(
            _("Import a sync bundle from {label}").format(label=drive.label)
            + (_(" (Ctrl+I)") if first else "")
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.addWidget(icon)
        layout.addLayout(texts, 1)
        layout.addWidget(self.export_button)
        layout.addWidget(self.import_button)


class SyncPage(Page):
    """Export, import, sites, conflicts and backups; see the module docstring."""

    tables = frozenset({"site", "coop", "member", CONFLICTS, HELD, PEERS})

    def __init__(self, window: MainWindow) -> None:
        super().__init__(
            window,
            _("Sync"),
            _(
                "Carry changes between your sites on a USB stick: export here, walk over, import "
                "there. Every site ends up with the same data."
            ),
        )
        self.task: TaskHandle | None = None
        self.drives: list[Drive] = []
        self.drive_rows: list[DriveRow] = []
        self._loading = False

        self.layout_.addSpacing(4)
        self.layout_.addWidget(self._build_drives())
        self.layout_.addLayout(self._build_file_row())
        self.message = MessagePanel()
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self._build_split_bar())

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_sites_tab(), _("&Sites"))
        self.conflicts_tab = self._build_conflicts_tab()
        self.tabs.addTab(self.conflicts_tab, _("&Conflicts"))
        self.held_tab = self._build_held_tab()
        self.tabs.addTab(self.held_tab, _("Hel&d aside"))
        self.backups_tab = self._build_backups_tab()
        self.tabs.addTab(self.backups_tab, _("&Backups"))
        self.folder_tab = FolderTab(window)  # the sync folder (coopdesk/gui/sync/folder_tab.py)
        self.tabs.addTab(self.folder_tab, _("Sync &folder"))
        self.tabs.currentChanged.connect(self._on_tab)
        self.layout_.addWidget(self.tabs, 1)

        # Window-wide while this page is on screen (Qt ignores shortcuts of hidden widgets).
        self.export_shortcut = QShortcut(QKeySequence("Ctrl+E"), self)
        self.export_shortcut.activated.connect(self.export_to_first_drive)
        self.import_shortcut = QShortcut(QKeySequence("Ctrl+I"), self)
        self.import_shortcut.activated.connect(self.import_from_first_drive)

        self.drive_timer = QTimer(self, interval=DRIVE_SCAN_MS)
        self.drive_timer.timeout.connect(self.rescan_drives)
        self.clock = QTimer(self, interval=CLOCK_MS)
        self.clock.timeout.connect(self._tick)

    # -- building ---------------------------------------------------------------------------

    def _build_split_bar(self) -> QWidget:
        """A site used on two computers: what happened and what to do, in plain words."""
        self.split_bar = QFrame(objectName="noticeBar")
        self.split_label = QLabel()
        self.split_label.setTextFormat(Qt.TextFormat.PlainText)
        self.split_label.setWordWrap(True)
        layout = QHBoxLayout(self.split_bar)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.addWidget(self.split_label, 1)
        self.split_bar.hide()
        return self.split_bar

    def _load_splits(self) -> None:
        sentences = [site.sentence() for site in forks.split_overview(self.store)]
        self.split_label.setText("\n\n".join(sentences))
        self.split_bar.setVisible(bool(sentences))

    def _build_drives(self) -> QWidget:
        box = QWidget()
        self.drives_layout = QVBoxLayout(box)
        self.drives_layout.setContentsMargins(0, 0, 0, 0)
        self.drives_layout.setSpacing(6)
        self.empty_state = EmptyState(
            _("No USB stick found"),
            _("Plug a USB stick in (it shows up here by itself), or use a file below."),
        )
        for label in (self.empty_state.title_label, self.empty_state.text_label):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.empty_state.layout().setContentsMargins(10, 6, 10, 6)
        self.no_drive_frame = QFrame(objectName="noticeBar")
        frame_layout = QHBoxLayout(self.no_drive_frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.addWidget(self.empty_state)
        self.drives_layout.addWidget(self.no_drive_frame)
        return box

    def _build_file_row(self) -> QHBoxLayout:
        self.for_combo = QComboBox()
        self.for_combo.setToolTip(
            _(
                "A bundle for any site carries what any other site may lack. One for a named site "
                "carries only what that site lacks, so it is smaller."
            )
        )
        for_label = QLabel(_("Export f&or"))
        for_label.setBuddy(self.for_combo)
        self.export_file_button = QPushButton(_("Expor&t to file…"))
        self.export_file_button.setToolTip(_("Save a sync bundle anywhere, e.g. a shared folder"))
        self.export_file_button.clicked.connect(self.export_to_file)
        self.import_file_button = QPushButton(_("Import fi&le…"))
        self.import_file_button.setToolTip(_("Import a sync bundle from any folder"))
        self.import_file_button.clicked.connect(self.import_file)
        row = QHBoxLayout()
        row.addWidget(for_label)
        row.addWidget(self.for_combo)
        row.addStretch(1)
        row.addWidget(muted(QLabel(_("Or use a file:"))))
        row.addWidget(self.export_file_button)
        row.addWidget(self.import_file_button)
        return row

    def _build_sites_tab(self) -> QWidget:
        tab = QWidget()
        self.sites_model = SitesModel(self.store, standard_icon(self, "warning"), self)
        self.sites_table = table_view(self.sites_model)
        header = self.sites_table.horizontalHeader()
        for column, width in enumerate((170, 150, 200, 170)):
            header.resizeSection(column, width)
        self.invite_button = QPushButton(_("In&vite a new site…"))
        self.invite_button.setToolTip(
            _("Make an invitation file so another computer can join this coop as a new site")
        )
        self.invite_button.clicked.connect(self.invite_site)
        self.archive_site_button = QPushButton(_("&Archive site…"))
        self.archive_site_button.clicked.connect(self.archive_or_restore_selected_site)
        self.sites_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_site_actions()
        )
        self.encrypt_check = QCheckBox(
            _("Encrypt bundles (recommended: a lost USB stick reveals nothing)")
        )
        self.encrypt_check.clicked.connect(self._on_encrypt_clicked)
        tools = FlowLayout()  # a longer language's check box: the buttons go below it
        tools.addWidget(self.encrypt_check)
        tools.addStretch(1)
        tools.addWidget(self.archive_site_button)
        tools.addWidget(self.invite_button)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.sites_table, 1)
        layout.addLayout(tools)
        return tab

    def _build_conflicts_tab(self) -> QWidget:
        tab = QWidget()
        self.conflicts_model = ConflictsModel(self.store, self)
        self.conflicts_list = table_view(self.conflicts_model)
        self.conflicts_list.horizontalHeader().hide()
        follow_selection(self.conflicts_list, self._show_conflict)
        explanation = muted(
            QLabel(
                _(
                    "Two sites changed the same thing before they synced. Everyone sees the "
                    "current "
                    "value until someone chooses; the choice syncs to every site."
                )
            )
        )
        explanation.setWordWrap(True)
        self.conflict_title = QLabel()
        self.conflict_title.setTextFormat(Qt.TextFormat.PlainText)
        self.conflict_title.setFont(scaled_font(self, 1.05, bold=True))
        self.conflict_detail = QLabel()
        self.conflict_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.conflict_detail.setWordWrap(True)
        self.conflict_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_other_button = QPushButton(_("&Use the other value"))
        self.use_other_button.clicked.connect(lambda: self.resolve_selected("other"))
        self.keep_button = QPushButton(_("&Keep current"))
        self.keep_button.clicked.connect(lambda: self.resolve_selected("current"))
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.conflict_title)
        texts.addWidget(self.conflict_detail)
        chooser = QFrame(objectName="noticeBar")
        chooser_layout = QHBoxLayout(chooser)
        chooser_layout.setContentsMargins(10, 8, 8, 8)
        chooser_layout.addLayout(texts, 1)
        chooser_layout.addWidget(self.use_other_button)
        chooser_layout.addWidget(self.keep_button)
        listing = QWidget()
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addWidget(self.conflicts_list, 1)
        listing_layout.addWidget(chooser)
        self.conflicts_empty = EmptyState(_(NO_CONFLICTS))
        self.conflicts_stack = QStackedWidget()
        self.conflicts_stack.addWidget(listing)
        self.conflicts_stack.addWidget(self.conflicts_empty)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(explanation)
        layout.addWidget(self.conflicts_stack, 1)
        return tab

    def _build_held_tab(self) -> QWidget:
        tab = QWidget()
        self.held_model = HeldModel(self.store, parent=self)
        self.held_table = table_view(self.held_model)
        for column, width in ((0, 120), (1, 120), (2, 260), (3, 300)):
            self.held_table.horizontalHeader().resizeSection(column, width)
        explanation = muted(
            QLabel(
                _(
                    "Changes that arrived signed by their site but broke one of the coop's rules "
                    "(a change that needs a mandate its author did not hold, a rewritten record). "
                    "They are kept and passed on, but not applied anywhere."
                )
            )
        )
        explanation.setWordWrap(True)
        self.held_empty = EmptyState(
            _("Nothing held aside"),
            _("Every change from the other sites followed the coop's rules."),
        )
        self.held_stack = QStackedWidget()
        self.held_stack.addWidget(self.held_table)
        self.held_stack.addWidget(self.held_empty)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(explanation)
        layout.addWidget(self.held_stack, 1)
        return tab

    def _load_held(self) -> None:
        self.held_model.refresh()
        count = len(self.held_model.rows)
        self.held_stack.setCurrentWidget(self.held_table if count else self.held_empty)
        self.tabs.setTabText(
            self.tabs.indexOf(self.held_tab),
            _("Hel&d aside ({count})").format(count=count) if count else _("Hel&d aside"),
        )

    def _build_backups_tab(self) -> QWidget:
        tab = QWidget()
        self.backups_model = BackupsModel(self.store, parent=self)
        self.backups_table = table_view(self.backups_model)
        self.backups_table.horizontalHeader().resizeSection(0, 300)
        self.backups_table.horizontalHeader().resizeSection(1, 300)
        follow_selection(self.backups_table, self._update_backup_actions)
        self.backups_table.activated.connect(lambda _index: self.restore_selected())
        explanation = muted(
            QLabel(
                _(
                    "This site is backed up before an import, at most once a day. Restoring brings "
                    "this site's data back to how it was then; what other sites have comes back "
                    "at the next sync."
                )
            )
        )
        explanation.setWordWrap(True)
        self.restore_button = QPushButton(_("&Restore…"))
        self.restore_button.setToolTip(_("Bring back the selected backup (asks first)"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.backup_now_button = QPushButton(_("&Make a backup now"))
        self.backup_now_button.clicked.connect(self.backup_now)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.backup_now_button)
        buttons.addWidget(self.restore_button)
        self.backups_empty = EmptyState(
            _("No backups yet"),
            _("A backup of this site is made after an import, at most once a day."),
        )
        self.backups_stack = QStackedWidget()
        self.backups_stack.addWidget(self.backups_table)
        self.backups_stack.addWidget(self.backups_empty)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(explanation)
        layout.addWidget(self.backups_stack, 1)
        layout.addLayout(buttons)
        return tab

    # -- Page -------------------------------------------------------------------------------

    def load(self) -> None:
        self._loading = True
        try:
            chosen = self.selected_site()
            self.sites_model.refresh()
            if chosen is not None:
                row = self.sites_model.row_where(lambda s: s.site_id == chosen.site_id)
                self.sites_table.setCurrentIndex(self.sites_model.index(row, 0))
            self._fill_for_combo()
            self._load_conflicts()
            self._load_held()
            self._load_splits()
            self._update_site_actions()
            self._load_backups()
            self.folder_tab.refresh()
            coop = self.store.get("coop", str(self.store.coop_id))
            self.encrypt_check.setChecked(bool(coop and coop["encrypt_bundles"]))
        finally:
            self._loading = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.rescan_drives()
        self.drive_timer.start()
        self.clock.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.drive_timer.stop()
        self.clock.stop()
        super().hideEvent(event)

    def _tick(self) -> None:
        if self.isVisible():
            self.sites_model.refresh_times()
            self.conflicts_model.refresh_times()

    def _on_tab(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.backups_tab:
            self._load_backups()  # files, not tables: the hub does not tell about them

    def show_conflicts(self) -> None:
        """Open the Conflicts tab (from Today, or after an import brought some)."""
        self.ensure_loaded()
        self.tabs.setCurrentWidget(self.conflicts_tab)
        if self.conflicts_model.rowCount():
            self.conflicts_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_for_combo(self) -> None:
        chosen = self.for_combo.currentData()
        self.for_combo.clear()
        self.for_combo.addItem(_("Any site"), None)
        for status in self.sites_model.rows:
            if is_peer(status):
                self.for_combo.addItem(status.name, status.site_id)
        position = self.for_combo.findData(chosen)
        self.for_combo.setCurrentIndex(max(0, position))

    # -- drives -----------------------------------------------------------------------------

    def rescan_drives(self) -> None:
        """Show the drives plugged in now; rebuild the rows only when that changed."""
        found = drives.scan_drives()
        if [(d.root, d.label) for d in found] == [(d.root, d.label) for d in self.drives]:
            return
        self.drives = found
        for row in self.drive_rows:
            self.drives_layout.removeWidget(row)
            row.deleteLater()
        self.drive_rows = []
        for position, drive in enumerate(found):
            row = DriveRow(drive, first=position == 0)
            row.export_button.clicked.connect(lambda _c=False, d=drive: self.export_to_drive(d))
            row.import_button.clicked.connect(lambda _c=False, d=drive: self.import_from_drive(d))
            self.drives_layout.addWidget(row)
            self.drive_rows.append(row)
        self.no_drive_frame.setVisible(not found)

    def export_to_first_drive(self) -> None:
        if self.drives:
            self.export_to_drive(self.drives[0])
        else:
            self.export_to_file()

    def import_from_first_drive(self) -> None:
        if self.drives:
            self.import_from_drive(self.drives[0])
        else:
            self.import_file()

    def _default_folder(self) -> Path:
        remembered = self.store.local_get(LAST_FOLDER_KEY)
        if isinstance(remembered, str) and Path(remembered).is_dir():
            return Path(remembered)
        if self.drives:
            return self.drives[0].root
        return Path.home()

    def _remember_folder(self, folder: Path) -> None:
        # A busy store must not stop an export: the folder is only a convenience.
        with contextlib.suppress(sqlite3.Error):
            self.store.local_set(LAST_FOLDER_KEY, str(folder))

    # -- export -----------------------------------------------------------------------------

    def _busy(self) -> bool:
        if self.task is not None:
            self.window_.show_notice(_("Please wait: CoopDesk is still busy with the last step."))
            return True
        return False

    def export_to_drive(self, drive: Drive) -> None:
        self.export_to(
            drive.root, _("Exporting to {label}…").format(label=drive.label), drive.label
        )

    def export_to_file(self) -> None:
        for_site = self.for_combo.currentData()
        suggested = self._default_folder() / exporting.default_bundle_name(self.store, for_site)
        path = dialogs.save_file_name(
            self,
            _("Export a sync bundle"),
            suggested,
            _(BUNDLE_FILTER).format(suffix=BUNDLE_SUFFIX),
        )
        if path is None:
            return
        if path.suffix != BUNDLE_SUFFIX:
            path = path.with_name(path.name + BUNDLE_SUFFIX)
        self._remember_folder(path.parent)
        self.export_to(path, _("Exporting to {name}…").format(name=path.name))

    def export_to(self, target: Path, title: str, drive_label: str = "") -> None:
        """Write a bundle to a folder (a name is chosen) or a file, off the GUI thread."""
        if self._busy():
            return
        for_site = self.for_combo.currentData()
        self.message.dismiss()

        def work(
            worker: Store, progress: Callable[..., None], cancelled: Callable[[], bool]
        ) -> ExportResult:
            try:
                return exporting.export_bundle(
                    worker, target, for_site=for_site, progress=progress, cancelled=cancelled
                )
            except exporting.ExportCancelled:
                raise TaskCancelled() from None

        self.task = run_store_task(
            self.window_,
            self.store,
            title,
            work,
            on_done=lambda result: self._exported(result, drive_label),
            on_error=self._export_failed,
            on_cancelled=self._export_cancelled,
        )

    def _exported(self, result: ExportResult, drive_label: str = "") -> None:
        self.task = None
        if not result.verified:  # export_bundle raises instead; never say "safe" unchecked
            self._export_failed(
                _("{name} could not be checked after writing.").format(name=result.path.name)
            )
            return
        to = (
            _(" for {site}").format(site=self._site_name(result.for_site))
            if result.for_site
            else ""
        )
        secrecy = (
            _("It is encrypted: only your coop's sites can read it.")
            if result.encrypted
            else _("It is not encrypted.")
        )
        self.message.show_message(
            "ok",
            _("Safe to remove the USB stick"),
            _(
                "{name} ({plural}, {human_size}) was written and checked{to} at "
                "{now:%H:%M}. {secrecy} Carry it to the other site and import it there.\n"
            ).format(
                name=result.path.name,
                plural=plural(result.entries, "change"),
                human_size=human_size(result.size),
                to=to,
                now=datetime.now(),
                secrecy=secrecy,
            )
            + (
                _("It is on {drive_label}.").format(drive_label=drive_label)
                if drive_label
                else _("Saved in {parent}").format(parent=result.path.parent)
            ),
        )
        self.window_.show_notice(
            _("Exported {name}. Safe to remove the USB stick.").format(name=result.path.name)
        )
        self.sites_model.refresh()

    def _export_failed(self, message: str) -> None:
        self.task = None
        self.message.show_message(
            "error",
            _("The bundle was not exported"),
            _(
                "{message}\nNothing was written under the bundle's name; try again, "
                "perhaps on another USB stick."
            ).format(message=message),
        )

    def _export_cancelled(self) -> None:
        self.task = None
        self.message.show_message("info", _("Export cancelled"), _("No bundle was written."))

    # -- import -----------------------------------------------------------------------------

    def import_from_drive(self, drive: Drive) -> None:
        found = drives.bundles_on(drive.root)
        if not found:
            self.message.show_message(
                "info",
                _("No sync bundles on {label}").format(label=drive.label),
                _("Export one at the other site first, or use Import file… to look elsewhere."),
            )
            return
        chosen = found[0]
        if len(found) > 1:
            own = {self.store.site_id, *site_identity.previous_site_ids(self.store)}
            names = {
                row["id"]: row["name"] for row in self.store.query("SELECT id, name FROM site")
            }
            labels = [bundle_choice_label(item, own, names) for item in found]
            suggested = next((n for n, item in enumerate(found) if item.site_id not in own), 0)
            picked = dialogs.choose_item(
                self,
                _("Import from USB"),
                _("There are {count} bundles on {label}, newest first. Which one?").format(
                    count=len(found), label=drive.label
                ),
                labels,
                suggested,
            )
            if picked is None:
                return
            chosen = found[picked]
        self.start_import(chosen.path)

    def import_file(self) -> None:
        path = dialogs.open_file_name(
            self,
            _("Import a sync bundle"),
            self._default_folder(),
            _(BUNDLE_FILTER).format(suffix=BUNDLE_SUFFIX),
        )
        if path is not None:
            self._remember_folder(path.parent)
            self.start_import(path)

    def start_import(self, path: Path) -> None:
        """Preview, then (if the person agrees) import, as the member at the keyboard."""
        if self.task is not None:
            self._busy()
            return
        self.window_.with_author(
            lambda author: self._preview(path, author),
            _("Choose who you are before importing: the import is recorded under your name."),
        )

    def _preview(self, path: Path, author: str) -> None:
        if self._busy():
            return
        self.message.dismiss()
        self.task = run_store_task(
            self.window_,
            self.store,
            _("Checking {name}…").format(name=path.name),
            lambda worker, _progress, _cancelled: importing.preview_bundle(worker, path),
            on_done=lambda preview: self._show_preview(preview, author),
            on_error=lambda message: self._refused(path, message),
            on_cancelled=self._task_over,
        )

    @property
    def preview_dialog(self) -> ImportPreviewDialog | None:
        return cast("ImportPreviewDialog | None", self.window_.dialogs.find(IMPORT_PREVIEW))

    @property
    def invite_dialog(self) -> InviteDialog | None:
        return cast("InviteDialog | None", self.window_.dialogs.find(INVITE))

    @property
    def passphrase_dialog(self) -> PassphraseDialog | None:
        return cast("PassphraseDialog | None", self.window_.dialogs.newest(PASSPHRASE))

    def _show_preview(self, preview: Preview, author: str) -> None:
        self.task = None

        def make() -> ImportPreviewDialog:
            dialog = ImportPreviewDialog(preview, self._site_name(preview.for_site), self.window_)
            dialog.accepted.connect(lambda: self._import(preview.path, author))
            return dialog

        self.window_.dialogs.open(IMPORT_PREVIEW, make)

    def _import(self, path: Path, author: str) -> None:
        if self._busy():
            return
        author = self.session.member_id or author

        def work(
            worker: Store, progress: Callable[..., None], cancelled: Callable[[], bool]
        ) -> ImportResult:
            try:
                return importing.import_bundle(
                    worker,
                    path,
                    author=author,
                    progress=progress,
                    cancelled=cancelled,
                    backup=False,  # the day's backup follows once the result is shown
                )
            except ImportCancelled:
                raise TaskCancelled() from None

        self.task = run_store_task(
            self.window_,
            self.store,
            _("Importing {name}…").format(name=path.name),
            work,
            on_done=self._imported,
            on_error=lambda message: self._refused(path, message),
            on_cancelled=self._import_cancelled,
        )

    def _imported(self, result: ImportResult) -> None:
        self.task = None
        notes = []
        if result.report.identity_notice:
            notes.append(result.report.identity_notice)
        notes.extend(result.not_applied)
        for site_id, warning in result.report.clock_warnings.items():
            notes.append(
                _(
                    "{site}: {warning}. Its changes were imported all the same; ask someone "
                    "there to check the computer's date and time."
                ).format(site=self._site_name(site_id), warning=warning)
            )
        if result.already_imported:
            title = _("Already imported")
        elif not result.report.new_entries:
            title = _("Nothing new from {site_name}").format(site_name=result.site_name)
        else:
            title = _("Imported from {site_name}").format(site_name=result.site_name)
        action = None
        if result.report.conflicts_after > result.report.conflicts_before:
            action = (_("Review conflicts"), self.show_conflicts)
        summary = result.summary()
        prefix = _("Imported from {site_name}: ").format(site_name=result.site_name)
        text = summary.removeprefix(prefix)
        text = text[:1].upper() + text[1:]
        self.message.show_message("warning" if notes else "ok", title, text, notes, action)
        taken_back = (
            self._take_back_import
            if result.report.new_entries and self.store.last_import_undo() is not None
            else None
        )
        self.window_.show_notice(result.summary(), undo=taken_back)
        self.load()
        if result.report.new_entries:
            self._daily_backup(result.site_name)

    def _daily_backup(self, site_name: str) -> None:
        """The day's backup, when due, after the import's result is shown: a whole copy of
        a store with years of history takes longer than the import itself."""
        self.task = run_store_task(
            self.window_,
            self.store,
            _("Making the day's backup…"),
            lambda worker, _p, _c: importing.daily_backup(worker, site_name),
            on_done=self._daily_backup_made,
            on_error=self._daily_backup_failed,
            on_cancelled=self._task_over,
            show_progress=False,
        )

    def _daily_backup_failed(self, message: str) -> None:
        """Said on the notice line: the import's own result stays in view."""
        self.task = None
        self.window_.show_notice(
            _("The day's backup was not made: {message}").format(message=message)
        )

    def _daily_backup_made(self, made: Backup | None) -> None:
        self.task = None
        if made is not None:
            self._load_backups()

    def _take_back_import(self) -> None:
        """Undo on the notice after an import: the store as it was before it (its undo
        record), while nothing was changed or exported here since."""
        taken = self.store.take_back_last_import()
        if taken is None:
            self.window_.show_notice(
                _("The import can no longer be taken back: this site changed or exported since.")
            )
            return
        site_name = str(taken.about.get("site_name", ""))
        self.message.show_message(
            "ok",
            _("Import from {site_name} taken back").format(site_name=site_name),
            _("This site is as it was before it. The bundle can be imported again."),
        )
        self.window_.show_notice(
            _("The import from {site_name} was taken back.").format(site_name=site_name)
        )
        self.load()

    def _refused(self, path: Path, message: str) -> None:
        self.task = None
        self.message.show_message(
            "error",
            _("{name} was not imported").format(name=path.name),
            _("{message}\nThe file was kept, and nothing was changed here.").format(
                message=message
            ),
        )

    def _import_cancelled(self) -> None:
        self.task = None
        self.message.show_message(
            "info", _("Import cancelled"), _("Nothing was changed here; the file was kept.")
        )

    def _task_over(self) -> None:
        self.task = None

    def _site_name(self, site_id: str | None) -> str:
        if not site_id:
            return _("any site")
        row = self.store.get("site", site_id)
        return shown(row["name"]) if row else _("site {site}").format(site=site_id[:8])

    # -- conflicts --------------------------------------------------------------------------

    def _load_conflicts(self) -> None:
        current = self.selected_conflict()
        key = current.key if current else None
        row = self.conflicts_list.currentIndex().row()
        self.conflicts_model.refresh()
        count = self.conflicts_model.rowCount()
        self.tabs.setTabText(
            self.tabs.indexOf(self.conflicts_tab),
            _("&Conflicts ({count})").format(count=count) if count else _("&Conflicts"),
        )
        self.conflicts_stack.setCurrentIndex(0 if count else 1)
        if not count:
            self.conflicts_empty.set_text(_(NO_CONFLICTS), self._what_is_known())
        if count:
            kept = self.conflicts_model.row_of_key(key) if key else -1
            target = kept if kept >= 0 else min(max(row, 0), count - 1)
            self.conflicts_list.selectionModel().setCurrentIndex(
                self.conflicts_model.index(target, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
        self._show_conflict()

    def _what_is_known(self) -> str:
        """What "no conflicts" rests on: only what this site has received so far."""
        others = [
            site
            for site in sites_overview(self.store, with_pending=False)
            if not (site.this_site or site.archived or site.replaced_by or site.earlier_identity)
        ]
        if not others:
            return _("This is the coop's only site, so there is nobody to disagree with.")
        unheard = [site.name for site in others if site.heard_at is None]
        if unheard:
            return _(
                "Not heard from yet: {names}. A conflict with their changes shows here "
                "once their bundles are imported."
            ).format(names=names_text(unheard))
        return _(
            "Every other site has sent a bundle. What they changed since their last one is "
            "not known here yet; when two sites change the same thing, it is listed here."
        )

    def selected_conflict(self) -> conflicts.Conflict | None:
        return self.conflicts_model.row_at(selected_row(self.conflicts_list))

    def member_changed(self, member_id: str | None) -> None:
        if self.loaded:
            self._show_conflict()
            self._update_site_actions()

    # -- archiving a site ---------------------------------------------------------------------

    def selected_site(self) -> SiteStatus | None:
        return self.sites_model.row_at(self.sites_table.currentIndex().row())

    def _update_site_actions(self) -> None:
        site = self.selected_site()
        archived = bool(site and site.archived)
        self.archive_site_button.setText(_("&Restore site…") if archived else _("&Archive site…"))
        other = site is not None and not site.this_site and not site.earlier_identity
        refused = refusal(self.store, self.session.member_id, "sites")
        gate(self.archive_site_button, other, refused)
        if not refused:
            self.archive_site_button.setToolTip(
                _("Let this site take part again")
                if archived
                else _("A lost or stolen computer: every site refuses its changes from now on")
            )

    def archive_or_restore_selected_site(self) -> None:
        site = self.selected_site()
        if site is None or site.this_site:
            return
        if site.archived:
            text = _(
                "Let {name} take part again? Its changes made while it was archived stay"
                " refused; what it does from now on is accepted."
            ).format(name=site.name)
            if not dialogs.confirm(
                self,
                _("Restore site"),
                text,
                _("Restore {name}").format(name=site.name),
                _("Keep it archived"),
            ):
                return
        else:
            text = _(
                "Archive {name}? Use this when its computer is lost or stolen, or the site"
                " has closed. Every site will refuse its changes after the last one this"
                " computer has, however they arrive; its members stay members."
            ).format(name=site.name)
            if not dialogs.confirm(
                self,
                _("Archive site"),
                text,
                _("Archive {name}").format(name=site.name),
                _("Keep the site"),
            ):
                return

        def act(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                if site.archived:
                    restore_site(self.store, author, site.site_id)
                else:
                    archive_site(self.store, author, site.site_id)
            if outcome.ok:
                verb = _("Restored") if site.archived else _("Archived")
                self.window_.show_notice(
                    _("{verb} the site {name}.").format(verb=verb, name=site.name)
                )

        self.window_.with_author(
            act, _("Choose who you are before archiving a site."), mandate="sites"
        )

    def _show_conflict(self) -> None:
        conflict = self.selected_conflict()
        # Settling conflicts may belong to a role's holders this term: say who, up front.
        refused = refusal(self.store, self.session.member_id, "conflicts")
        self.use_other_button.setEnabled(conflict is not None and not refused)
        self.keep_button.setEnabled(conflict is not None and not refused)
        if conflict is None:
            self.conflict_title.clear()
            self.conflict_detail.clear()
            return
        current, other = conflict_values(conflict)
        self.conflict_title.setText(f"{conflict.row_label} · {conflict.column_label}")
        source = conflict_source(conflict, self.conflicts_model.here)
        self.conflict_detail.setText(
            _("Now: {current}\n{source} said: {other}").format(
                current=current, source=source, other=other
            )
        )
        self.use_other_button.setToolTip(
            refused or _("Make it {other}, everywhere").format(other=other)
        )
        self.keep_button.setToolTip(
            refused or _("Keep {current}, everywhere").format(current=current)
        )

    def resolve_selected(self, keep: str) -> None:
        conflict = self.selected_conflict()
        if conflict is None:
            return

        def resolve(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                conflicts.resolve_conflict(self.store, author, conflict.key, keep)
            if outcome.ok:
                current, other = conflict_values(conflict)
                value = other if keep == "other" else current
                self.window_.show_notice(
                    _(
                        "{row_label}: {column_label} is now {value}. Every site will see this "
                        "after the next sync."
                    ).format(
                        row_label=conflict.row_label,
                        column_label=conflict.column_label,
                        value=value,
                    )
                )

        self.window_.with_author(resolve, _("Choose who you are before settling a conflict."))

    # -- backups ----------------------------------------------------------------------------

    def _load_backups(self) -> None:
        current = self.selected_backup()
        self.backups_model.refresh()
        has_rows = self.backups_model.rowCount() > 0
        self.backups_stack.setCurrentIndex(0 if has_rows else 1)
        if has_rows:
            names = [backup.name for backup in self.backups_model.rows]
            row = names.index(current.name) if current and current.name in names else 0
            self.backups_table.selectionModel().setCurrentIndex(
                self.backups_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_backup_actions()

    def selected_backup(self) -> Backup | None:
        return self.backups_model.row_at(selected_row(self.backups_table))

    def _update_backup_actions(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def restore_selected(self) -> None:
        chosen = self.selected_backup()
        if chosen is None or self._busy():
            return

        def restore(author: str) -> None:
            question = _(
                "Restore the backup made {backup_when} ({value})?\n\n• The current state "
                "is backed up first, so this can be undone.\n• This site's data goes "
                "back to how it was when the backup was made.\n• This computer then "
                "takes a new site identity, so old and new changes stay apart.\n• "
                "Changes made since the backup that already reached other sites come "
                "back at the next sync. Changes that never left this computer are only "
                "in the backup made now."
            ).format(backup_when=backup_when(chosen), value=chosen.reason or _("backup"))
            if not dialogs.confirm(
                self,
                _("Restore a backup"),
                question,
                _("Restore backup"),
                _("Keep the data as it is"),
            ):
                return
            self.task = run_store_task(
                self.window_,
                self.store,
                _("Restoring the backup…"),
                lambda worker, _p, _c: backups.restore_backup(worker, chosen.name, author),
                on_done=lambda _site_id: self._restored(chosen),
                on_error=self._restore_failed,
                on_cancelled=self._task_over,
            )

        self.window_.with_author(restore, _("Choose who you are before restoring a backup."))

    def _restored(self, chosen: Backup) -> None:
        self.task = None
        notice = site_identity.identity_notice(self.store)
        self.message.show_message(
            "warning",
            _("Backup restored"),
            _(
                "This site's data is back to how it was {backup_when}. Import the latest "
                "bundles from your other sites to bring back what they have."
            ).format(backup_when=backup_when(chosen)),
            [notice] if notice else [],
        )
        self.window_.show_notice(_("Backup restored. This computer now has a new site identity."))
        self.load()

    def _restore_failed(self, message: str) -> None:
        self.task = None
        self.message.show_message(
            "error",
            _("The backup was not restored"),
            _("{message}\nNothing was changed.").format(message=message),
        )

    def backup_now(self) -> None:
        if self._busy():
            return
        self.task = run_store_task(
            self.window_,
            self.store,
            _("Making a backup…"),
            lambda worker, _p, _c: backups.make_backup(worker, reason=_("made by hand")),
            on_done=self._backed_up,
            on_error=lambda message: self._task_failed(_("The backup was not made"), message),
            on_cancelled=self._task_over,
        )

    def _backed_up(self, made: Backup) -> None:
        self.task = None
        self.window_.show_notice(
            _("Backup made ({human_size}).").format(human_size=human_size(made.size))
        )
        self._load_backups()

    def _task_failed(self, title: str, message: str) -> None:
        self.task = None
        self.message.show_message("error", title, message)

    # -- inviting a site and the coop's setting -----------------------------------------------

    def invite_site(self) -> None:
        if self._busy():
            return

        def ask(author: str) -> None:
            def make() -> InviteDialog:
                coop_name = self.window_.identity.coop_name
                folder = self.drives[0].root if self.drives else self._default_folder()
                dialog = InviteDialog(coop_name, folder, self.window_)
                dialog.accepted.connect(
                    lambda: self._make_invitation(author, dialog.site_name, dialog.path)
                )
                return dialog

            self.window_.dialogs.open(INVITE, make)

        self.window_.with_author(ask, _("Choose who you are before inviting a site."))

    def _make_invitation(self, author: str, site_name: str, path: Path | None) -> None:
        if path is None or self._busy():
            return

        author = self.session.member_id or author
        self.task = run_store_task(
            self.window_,
            self.store,
            _("Making the invitation for {site_name}…").format(site_name=site_name),
            lambda worker, _p, _c: make_invitation(worker, author, site_name, path),
            on_done=self._invited,
            on_error=lambda message: self._task_failed(_("The invitation was not made"), message),
            on_cancelled=self._task_over,
        )

    def _invited(self, invitation: Invitation) -> None:
        self.task = None
        self.message.show_message(
            "ok",
            _("Invitation for {site_name} saved").format(site_name=invitation.site_name),
            _("{path}\nGive the passphrase to the new site separately from the file.").format(
                path=invitation.path
            ),
        )
        self.window_.dialogs.open(
            PASSPHRASE, lambda: PassphraseDialog(invitation, self.window_), key=invitation.path
        )

    def _on_encrypt_clicked(self, wanted: bool) -> None:
        if self._loading:
            return
        # Show the stored setting until it is really changed (nobody may come to the keyboard).
        self.encrypt_check.setChecked(not wanted)

        def apply(author: str) -> None:
            if not wanted and not dialogs.confirm(
                self,
                _("Stop encrypting bundles"),
                _(
                    "Bundles will no longer be encrypted: whoever finds a lost USB stick can read "
                    "members' names, phone numbers and everything else in them.\n\nThey stay "
                    "signed, so nobody can slip in false changes."
                ),
                _("Stop encrypting"),
                _("Keep encrypting"),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                update_settings(self.store, author, encrypt_bundles=wanted)
            if outcome.ok:
                self.window_.show_notice(
                    _("Bundles will be encrypted from the next export.")
                    if wanted
                    else _("Bundles will not be encrypted from the next export.")
                )

        self.window_.with_author(
            apply, _("Choose who you are before changing how bundles are made.")
        )
