"""The Members page: find, add, edit, archive and restore the people of the coop.

The list is a lazy model over ``members.member_ids``: search, status filter and sorting run
in SQL, and only the rows on screen are read. Every change goes through the core with the
member at the keyboard as its author; the hub then tells the page to reload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
)

from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.coop import coop
from coopdesk.coop.members import (
    add_member,
    archive_member,
    count_members,
    members_by_id,
    restore_member,
    update_member,
)
from coopdesk.gui.coop.leave_dialog import LeaveDialog
from coopdesk.gui.coop.member_dialog import MemberDialog
from coopdesk.gui.coop.member_model import BALANCE_TABLES, MemberTableModel
from coopdesk.gui.coop.pin_dialog import SetPinDialog
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.flow import FlowLayout
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import (
    EmptyState,
    fit_columns,
    follow_selection,
    select_row,
    selected_row,
    table_view,
)
from coopdesk.store.changes import Changes

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

STATUS_CHOICES = ((N_("Active"), "active"), (N_("Archived"), "archived"), (N_("All"), "all"))
# (wanted, least) widths of Name, Email, Phone, Skills (takes the spare width), Home site,
# shift balance and status. On a small screen email, skills and site give up space first;
# the name, balance and status stay whole.
COLUMN_WIDTHS = ((190, 150), (220, 80), (135, 128), (200, 70), (120, 70), (80, 80), (150, 130))
STRETCH_COLUMN = 3


# Who holds which role (and so who may manage members) follows these tables.
MANDATE_TABLES = frozenset({"role", "role_member", "role_term", "leave"})
MEMBER_FORM = "member form"


class MembersPage(Page):
    tables = frozenset({"member", "site"})
    keys = (
        (N_("Enter"), N_("Edit the selected member")),
        (N_("Delete"), N_("Archive the selected member")),
    )

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Members"))
        self.model = MemberTableModel(self.store, parent=self)
        self._kept_id: str | None = None
        self._kept_row = -1

        # -- who is at the keyboard ------------------------------------------------------
        self.nobody_bar = QFrame(objectName="noticeBar")
        nobody_text = QLabel(
            _("Nobody is at the keyboard. Choose who you are to add or change members.")
        )
        nobody_text.setWordWrap(True)
        self.choose_button = QPushButton(_("Choose who I am (Ctrl+K)"))
        self.choose_button.clicked.connect(lambda: window.choose_member())
        bar_layout = QHBoxLayout(self.nobody_bar)
        bar_layout.setContentsMargins(10, 6, 6, 6)
        bar_layout.addWidget(nobody_text, 1)
        bar_layout.addWidget(self.choose_button)

        # -- search, filter and actions -----------------------------------------------------
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Search by name, email, phone or skill  (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.model.set_search)
        self.search_edit.installEventFilter(self)
        self.status_combo = QComboBox()
        for label, status in STATUS_CHOICES:
            self.status_combo.addItem(_(label), status)
        self.status_combo.setToolTip(_("Which members to list"))
        self.status_combo.currentIndexChanged.connect(
            lambda _i: self.model.set_status(self.status_combo.currentData())
        )
        self.add_button = QPushButton(_("Add member…"))
        self.add_button.setToolTip(_("Add a member (Ctrl+N)"))
        self.add_button.clicked.connect(self.add_new)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Edit the selected member (Enter or double-click)"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button = QPushButton(_("Archive…"))
        self.archive_button.setToolTip(_("Archive the selected member (Delete)"))
        self.archive_button.clicked.connect(self.archive_selected)
        self.restore_button = QPushButton(_("Restore"))
        self.restore_button.setToolTip(_("Make the selected archived member active again"))
        self.restore_button.clicked.connect(self.restore_selected)
        tools = FlowLayout()  # at large text it wraps instead of squeezing the search
        tools.addWidget(self.search_edit)
        tools.addWidget(self.status_combo)
        tools.addSpacing(12)
        for button in (self.add_button, self.edit_button, self.archive_button, self.restore_button):
            tools.addWidget(button)
        self.pin_button = QPushButton(_("My PIN…"))
        self.pin_button.setToolTip(_("Set or change the PIN of the member at the keyboard"))
        self.pin_button.clicked.connect(self.set_my_pin)
        tools.addWidget(self.pin_button)
        self.leave_button = QPushButton(_("Lea&ve…"))
        self.leave_button.setToolTip(
            _("Time away for the selected member: no shift duty, and rotations skip them")
        )
        self.leave_button.clicked.connect(self.open_leave)
        tools.addWidget(self.leave_button)

        # -- the list and its empty state ---------------------------------------------------
        self.table = table_view(self.model, stretch_last=False)
        header = self.table.horizontalHeader()
        self.column_fit = fit_columns(self.table, COLUMN_WIDTHS, STRETCH_COLUMN)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(lambda _index: self.edit_selected())
        follow_selection(self.table, self._update_actions)
        self.archive_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        self.archive_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.archive_shortcut.activated.connect(self.archive_selected)

        self.empty_state = EmptyState(on_action=self._empty_state_action)
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.empty_state)

        self.layout_.addWidget(self.nobody_bar)
        self.layout_.addLayout(tools)
        self.layout_.addWidget(self.results, 1)
        self.setTabOrder(self.search_edit, self.table)
        self.setTabOrder(self.table, self.status_combo)

        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._after_reset)
        self.member_changed(self.session.member_id)

    # -- Page -------------------------------------------------------------------------------

    def on_store_changed(self, changes: Changes) -> None:
        """Shifts, leave or the duty rule changed: only the balance columns are redrawn.

        Roles changed (a new term, a swap, a bundle): who may manage members may have
        changed, so the buttons are checked again.
        """
        if self.loaded and changes.touches(BALANCE_TABLES) and not changes.touches(self.tables):
            self.model.refresh_balances()
        if changes.touches(MANDATE_TABLES):
            self._update_actions()
        super().on_store_changed(changes)

    def load(self) -> None:
        self.model.invalidate_balances()
        self.model.refresh()
        active = count_members(self.store, "active")
        archived = count_members(self.store, "archived")
        self.subtitle_label.setText(
            ngettext("{active} active member", "{active} active members", active).format(
                active=active
            )
            + (_(" · {archived} archived").format(archived=archived) if archived else "")
        )
        self.subtitle_label.show()

    def focus_search(self) -> bool:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        return True

    def add_new(self) -> bool:
        self.window_.with_author(lambda _author: self._open_dialog(None))
        return True

    def member_changed(self, member_id: str | None) -> None:
        self.nobody_bar.setVisible(member_id is None)
        self._update_actions()

    # -- selection --------------------------------------------------------------------------

    def selected_member(self) -> dict[str, Any] | None:
        row = selected_row(self.table)
        return self.model.row_data(row) if row >= 0 else None

    def select_member(self, member_id: str) -> bool:
        row = self.model.row_of(member_id)
        if row < 0:
            return False
        self._select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        select_row(self.table, row)

    def _remember_selection(self) -> None:
        member = self.selected_member()
        self._kept_id = member["id"] if member else None
        self._kept_row = selected_row(self.table) if member else -1

    def _after_reset(self) -> None:
        """Keep the selected member selected; if they left the list, select their neighbour."""
        rows = self.model.rowCount()
        if self._kept_id is not None and not self.select_member(self._kept_id) and rows:
            self._select_row(min(self._kept_row, rows - 1))
        self._update_empty_state()
        self._update_actions()

    def _update_actions(self) -> None:
        someone = self.session.member_id is not None
        member = self.selected_member()
        # Managing members may belong to a role's holders this term: say who, up front.
        refused = refusal(self.store, self.session.member_id, "members")
        chosen = someone and member is not None
        gate(self.add_button, someone, refused)
        gate(self.edit_button, chosen, refused)
        gate(self.archive_button, chosen and not member["archived"], refused)
        gate(self.restore_button, chosen and member["archived"], refused)
        self.pin_button.setEnabled(someone)
        self.leave_button.setEnabled(chosen and not member["archived"])
        self.restore_button.setVisible(self.model.query.status != "active")

    def _update_empty_state(self) -> None:
        if self.model.rowCount():
            self.results.setCurrentWidget(self.table)
            return
        search = self.search_edit.text().strip()
        status = self.model.query.status
        if search:
            noun = {"active": "members", "archived": "archived members", "all": "members"}[status]
            self.empty_state.set_text(
                _("No {noun} match “{search}”").format(noun=noun, search=search),
                _("Try part of a name, an email address, a phone number or a skill."),
                _("Clear search"),
            )
        elif status == "archived":
            self.empty_state.set_text(
                _("No archived members"),
                _("Members you archive are kept here, and can be restored at any time."),
                "",
            )
        else:
            self.empty_state.set_text(
                _("No members yet"),
                _("Add the people of your coop to share out shifts, tasks and roles."),
                _("Add member (Ctrl+N)"),
            )
        self.results.setCurrentWidget(self.empty_state)

    def _empty_state_action(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
            self.search_edit.setFocus()
        else:
            self.add_new()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow or Enter in the search field moves into the list."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.model.rowCount()
        ):
            if self.selected_member() is None:
                self._select_row(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    # -- changes ----------------------------------------------------------------------------

    @property
    def member_dialog(self) -> MemberDialog | None:
        """The member form, while it is open."""
        return cast("MemberDialog | None", self.window_.dialogs.find(MEMBER_FORM))

    def _open_dialog(self, member: dict[str, Any] | None) -> None:
        member_id = member["id"] if member else None

        def save(values: dict[str, Any]) -> str:
            # The author is whoever is at the keyboard when Save is pressed.
            author = self.session.member_id
            if member_id is None:
                return add_member(self.store, author, **values)
            update_member(self.store, author, member_id, **values)
            return member_id

        def make() -> MemberDialog:
            dialog = MemberDialog(
                coop.sites(self.store),
                save,
                member,
                default_site_id=self.store.site_id,
                parent=self,
            )
            dialog.saved.connect(lambda saved_id: self._after_save(saved_id, member is None))
            return dialog

        self.window_.dialogs.open(MEMBER_FORM, make)

    def _after_save(self, member_id: str, added: bool) -> None:
        name = members_by_id(self.store, [member_id]).get(member_id, {}).get("name", "")
        self.window_.show_notice(
            _("Added {name}.").format(name=name) if added else _("Saved {name}.").format(name=name)
        )
        self.select_member(member_id)
        self.table.setFocus()

    def edit_selected(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        self.window_.with_author(lambda _author: self._open_dialog(member))

    def archive_selected(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        if member["archived"]:
            self.window_.show_notice(_("{name} is already archived.").format(name=member["name"]))
            return

        def archive(author: str) -> None:
            name = member["name"]
            question = _(
                "Archive {name}?\n\nThey will no longer be listed or offered at the "
                "keyboard. Nothing is deleted: you can restore them from Archived."
            ).format(name=name)
            if not dialogs.confirm(
                self,
                _("Archive member"),
                question,
                _("Archive {name}").format(name=name),
                _("Keep {name}").format(name=name),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                archive_member(self.store, author, member["id"])
            if outcome.ok:
                self.window_.show_notice(
                    _("Archived {name}.").format(name=name),
                    undo=lambda: self._restore(member["id"], name),
                )

        self.window_.with_author(archive)

    def set_my_pin(self) -> None:
        """The member at the keyboard sets, changes or removes their own PIN."""

        def open_dialog(author: str) -> None:
            def make() -> SetPinDialog:
                dialog = SetPinDialog(self.store, author, self.session.member_name, parent=self)
                dialog.accepted.connect(lambda: self.window_.show_notice(dialog.result_text))
                return dialog

            self.window_.dialogs.open("set PIN", make, key=author)

        self.window_.with_author(open_dialog, _("Choose who you are before setting your PIN."))

    def open_leave(self) -> None:
        """The selected member's leave periods (their own, or someone's: the core decides)."""

        member = self.selected_member()
        if member is None or member["archived"]:
            return

        def open_dialog(_author: str) -> None:
            self.window_.dialogs.open(
                "leave",
                lambda: LeaveDialog(self.window_, member["id"], member["name"], parent=self),
                key=member["id"],
            )

        self.window_.with_author(open_dialog, _("Choose who you are to record a leave."))

    def restore_selected(self) -> None:
        member = self.selected_member()
        if member is None or not member["archived"]:
            return
        self._restore(member["id"], member["name"])

    def _restore(self, member_id: str, name: str) -> None:
        def restore(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                restore_member(self.store, author, member_id)
            if outcome.ok:
                self.window_.show_notice(_("Restored {name}.").format(name=name))
                self.select_member(member_id)

        self.window_.with_author(restore)
