"""The Roles page: who holds each rotating role now, the schedule ahead, swaps and handovers.

Everything shown is computed by ``coopdesk.rotation`` from synced data, so every site shows
the same holders. The page only writes through the core (``roles``, ``rotation``), as the
member at the keyboard; buttons of gated actions say up front who may use them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import span_text, term_length_text
from coopdesk.coop import active_members
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import (
    EmptyState,
    follow_selection,
    muted,
    scaled_font,
    selected_row,
    table_view,
)
from coopdesk.gui.roles.dialogs import (
    POLICY_LABELS,
    HandoverDialog,
    RoleDialog,
    SwapDialog,
    day_text,
    names_text,
)
from coopdesk.roles import roles, rotation
from coopdesk.roles.mandates import ACTION_LABELS
from coopdesk.roles.rotation import Term
from coopdesk.store.schema import tags_list

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

HISTORY_SHOWN = 6  # past terms shown above the current one
ROLE_FORM, SWAP_FORM, HANDOVER_FORM = "role form", "swap form", "handover notes"
POLICY_SHORT = {
    "round-robin": N_("Round-robin"),
    "least-recent": N_("Least recent first"),
    "fewest-terms": N_("Fewest terms first"),
}


def holders_until(term: dict[str, Any] | None, role: dict[str, Any]) -> str:
    """ "Ana, until 3 December"; "starts 1 January" for a role that has not started."""
    if term is None:
        return _("starts {day}").format(day=day_text(dt.date.fromisoformat(str(role["starts_on"]))))
    ends = dt.date.fromisoformat(term["ends_on"])
    return _("{names}, until {day}").format(
        names=names_text(term["holder_names"]), day=day_text(ends)
    )


class RolesModel(ListModel[dict[str, Any]]):
    """The active roles (a coop has a handful: a plain list, not a lazy model)."""

    columns = (N_("Role"), N_("Term"), N_("Rotation"), N_("Now held by"))

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return row["name"]
        if column == 1:
            holders = int(row["holders"])
            extra = _(", {holders} at a time").format(holders=holders) if holders > 1 else ""
            return term_length_text(int(row["term_days"])) + extra
        if column == 2:
            return _(POLICY_SHORT.get(row["policy"], row["policy"]))
        return holders_until(row["current_term"], row)

    def cell_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and row["mandates"]:
            return _("Its holders may {actions}").format(
                actions=", ".join(ACTION_LABELS[m] for m in row["mandates"])
            )
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def row_of(self, role_id: str) -> int:
        return self.row_where(lambda row: row["id"] == role_id)


class TermsModel(ListModel[Term]):
    """A role's recent past terms, the current one (bold) and the planned ones."""

    columns = (N_("Term"), N_("Holders"), N_("Handover notes"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today()

    def set_terms(self, terms: list[Term], today: dt.date) -> None:
        self.today = today
        self.set_rows(terms)

    def display(self, term: Term, column: int) -> str:
        if column == 0:
            now = _("  · now") if term.covers(self.today) else ""
            return span_text(term.starts_on, term.ends_on, self.today) + now
        if column == 1:
            names = names_text(term.holder_names)
            return _("{names}  (swapped)").format(names=names) if term.overridden else names
        return " ".join(term.handover_notes.split())

    def cell_data(self, term: Term, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1 and term.overridden:
                return _("A swap: these holders replace the rotation's for this term only.")
            if column == 2 and term.handover_notes:
                return term.handover_notes
        if role == Qt.ItemDataRole.FontRole and term.covers(self.today):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and term.ends_on < self.today:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    def row_of_start(self, day: dt.date) -> int:
        return self.row_where(lambda term: term.starts_on == day)


class RolesPage(Page):
    tables = frozenset({"role", "role_member", "role_term", "member", "leave"})

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Roles"))
        self.roles_model = RolesModel(self)
        self.terms_model = TermsModel(self)
        self.role_rows: dict[str, dict[str, Any]] = {}
        self.today = dt.date.today()

        # -- actions ----------------------------------------------------------------------
        self.add_button = QPushButton(_("Add a role…"))
        self.add_button.setToolTip(_("A role that rotates, e.g. coordinator or treasurer (Ctrl+N)"))
        self.add_button.clicked.connect(self.add_new)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setToolTip(_("Change the selected role (Enter)"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button = QPushButton(_("Archive…"))
        self.archive_button.setToolTip(_("Stop rotating the selected role (it can be restored)"))
        self.archive_button.clicked.connect(self.archive_selected)
        self.opt_in_button = QPushButton(_("I'll take turns"))
        self.opt_in_button.setToolTip(_("Join this role's rotation (the member at the keyboard)"))
        self.opt_in_button.clicked.connect(lambda: self.set_taking_turns(True))
        self.opt_out_button = QPushButton(_("Stop taking turns"))
        self.opt_out_button.setToolTip(_("Leave this role's rotation (the member at the keyboard)"))
        self.opt_out_button.clicked.connect(lambda: self.set_taking_turns(False))
        tools = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.archive_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.opt_in_button)
        tools.addWidget(self.opt_out_button)

        # -- the roles -------------------------------------------------------------------
        self.roles_table = table_view(self.roles_model)
        header = self.roles_table.horizontalHeader()
        for column, width in enumerate((180, 150, 170)):
            header.resizeSection(column, width)
        follow_selection(self.roles_table, self._show_selected_role)
        self.roles_table.activated.connect(lambda _index: self.edit_selected())

        # -- the selected role: what it is, and its terms ---------------------------------
        self.role_title = QLabel()
        self.role_title.setFont(scaled_font(self, 1.2, bold=True))
        self.role_title.setTextFormat(Qt.TextFormat.PlainText)
        self.role_description = QLabel()
        self.role_description.setWordWrap(True)
        self.role_description.setTextFormat(Qt.TextFormat.PlainText)
        self.role_facts = muted(QLabel())
        self.role_facts.setWordWrap(True)
        self.role_facts.setTextFormat(Qt.TextFormat.PlainText)
        self.role_facts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        about = QWidget()
        about_layout = QVBoxLayout(about)
        about_layout.setContentsMargins(0, 0, 12, 0)
        about_layout.addWidget(self.role_title)
        about_layout.addWidget(self.role_description)
        about_layout.addSpacing(6)
        about_layout.addWidget(self.role_facts)
        about_layout.addStretch(1)
        about.setMinimumWidth(220)

        schedule_title = QLabel(_("Schedule"))
        schedule_title.setFont(scaled_font(self, 1.05, bold=True))
        self.terms_table = table_view(self.terms_model)
        self.terms_table.setAccessibleName(_("Schedule"))
        terms_header = self.terms_table.horizontalHeader()
        terms_header.resizeSection(0, 290)
        terms_header.resizeSection(1, 190)
        terms_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        follow_selection(self.terms_table, self._update_actions)
        self.terms_table.activated.connect(lambda _index: self.edit_handover())
        self.swap_button = QPushButton(_("Swap a term…"))
        self.swap_button.setToolTip(_("Give one term to someone else eligible"))
        self.swap_button.clicked.connect(self.swap_term)
        self.handover_button = QPushButton(_("Handover notes…"))
        self.handover_button.setToolTip(
            _("Notes the holders of the selected term leave for the next ones (Enter)")
        )
        self.handover_button.clicked.connect(self.edit_handover)
        term_tools = QHBoxLayout()
        term_tools.addWidget(schedule_title)
        term_tools.addStretch(1)
        term_tools.addWidget(self.swap_button)
        term_tools.addWidget(self.handover_button)
        schedule = QWidget()
        schedule_layout = QVBoxLayout(schedule)
        schedule_layout.setContentsMargins(0, 0, 0, 0)
        schedule_layout.addLayout(term_tools)
        schedule_layout.addWidget(self.terms_table, 1)

        details = QSplitter(Qt.Orientation.Horizontal)
        details.setChildrenCollapsible(False)
        details.addWidget(about)
        details.addWidget(schedule)
        details.setStretchFactor(1, 1)
        details.setSizes([260, 600])

        listing = QSplitter(Qt.Orientation.Vertical)
        listing.setChildrenCollapsible(False)
        listing.addWidget(self.roles_table)
        listing.addWidget(details)
        listing.setStretchFactor(1, 1)
        listing.setSizes([150, 420])

        self.empty_state = EmptyState(
            _("No roles yet: everyone can do everything"),
            _(
                "Add a role to rotate a job such as coordinator, treasurer or minute-taker, see "
                "who holds it each term, and give its holders the powers it needs (such as "
                "managing members)."
            ),
            _("Add a role"),
            on_action=self.add_new,
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(listing)
        self.stack.addWidget(self.empty_state)

        self.tools_frame = QFrame()
        self.tools_frame.setLayout(tools)
        tools.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.tools_frame)
        self.layout_.addWidget(self.stack, 1)

    # -- Page -------------------------------------------------------------------------------

    def load(self) -> None:
        self.today = dt.date.today()
        kept = self.selected_role()
        rows = roles.list_roles(self.store)
        for row in rows:
            if isinstance(row["mandates"], str):
                row["mandates"] = tags_list(row["mandates"])
        self.role_rows = {row["id"]: row for row in rows}
        self.roles_model.set_rows(rows)
        has_roles = bool(rows)
        self.stack.setCurrentIndex(0 if has_roles else 1)
        self.tools_frame.setVisible(has_roles)
        self._show_subtitle(rows)
        if has_roles:
            row = self.roles_model.row_of(kept["id"]) if kept else -1
            self.roles_table.selectRow(max(row, 0))
        self._show_selected_role()

    def _show_subtitle(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            self.subtitle_label.hide()
            return
        text = ngettext("{count} role", "{count} roles", len(rows)).format(count=len(rows))
        me = self.session.member_id
        mine = [
            _("{role} until {day}").format(
                role=row["name"],
                day=day_text(dt.date.fromisoformat(row["current_term"]["ends_on"])),
            )
            for row in rows
            if me and row["current_term"] and me in row["current_term"]["holders"]
        ]
        if mine:
            text = _("{roles} · {name} holds {held}").format(
                roles=text, name=self.session.member_name, held=_("; ").join(mine)
            )
        self.subtitle_label.setText(text)
        self.subtitle_label.show()

    def add_new(self) -> bool:
        self.window_.with_author(lambda _author: self._open_role_dialog(None))
        return True

    def member_changed(self, member_id: str | None) -> None:
        if self.loaded:
            self._show_subtitle(self.roles_model.rows)
        self._update_actions()

    # -- selection --------------------------------------------------------------------------

    def selected_role(self) -> dict[str, Any] | None:
        return self.roles_model.row_at(selected_row(self.roles_table))

    def select_role(self, role_id: str) -> bool:
        row = self.roles_model.row_of(role_id)
        if row >= 0:
            self.roles_table.selectRow(row)
        return row >= 0

    def selected_term(self) -> Term | None:
        return self.terms_model.row_at(selected_row(self.terms_table))

    def select_term(self, starts_on: dt.date) -> bool:
        row = self.terms_model.row_of_start(starts_on)
        if row >= 0:
            self.terms_table.selectRow(row)
        return row >= 0

    def _show_selected_role(self) -> None:
        role = self.selected_role()
        kept = self.selected_term()
        if role is None:
            self.terms_model.set_terms([], self.today)
            self.role_title.clear()
            self.role_description.clear()
            self.role_facts.clear()
            self._update_actions()
            return
        past = rotation.history(self.store, role["id"], until=self.today)[-HISTORY_SHOWN:]
        ahead = rotation.schedule(self.store, role_id=role["id"], today=self.today)
        self.terms_model.set_terms(past + ahead, self.today)
        self.role_title.setText(role["name"])
        self.role_description.setText(role.get("description") or "")
        self.role_description.setVisible(bool(role.get("description")))
        self.role_facts.setText(self._facts(role))
        wanted = kept.starts_on if kept else None
        if wanted is None or not self.select_term(wanted):
            current = next((t for t in ahead if t.covers(self.today)), ahead[0] if ahead else None)
            if current is not None:
                self.select_term(current.starts_on)
        self._update_actions()

    def _facts(self, role: dict[str, Any]) -> str:
        lines = [
            ngettext(
                "Terms of {length}, {holders} holder at a time.",
                "Terms of {length}, {holders} holders at a time.",
                int(role["holders"]),
            ).format(length=term_length_text(int(role["term_days"])), holders=int(role["holders"])),
            _(POLICY_LABELS.get(role["policy"], role["policy"])) + ".",
        ]
        names = [name for name in role["member_names"] if name]
        if role.get("skill"):
            lines.append(
                _("Everyone with the skill “{skill}” takes turns: ").format(skill=role["skill"])
            )
            lines[-1] += names_text(names) + "." if names else "nobody has it yet."
        else:
            lines.append(
                _("Taking turns ({count}): {names}.").format(
                    count=len(names), names=names_text(names)
                )
                if names
                else _("Nobody takes turns yet.")
            )
        if role["mandates"]:
            lines.append(
                _("Its holders may {actions}.").format(
                    actions=", ".join(ACTION_LABELS[m] for m in role["mandates"])
                )
            )
        else:
            lines.append(_("Carries no mandates."))
        return "\n\n".join(lines)

    def _update_actions(self) -> None:
        me = self.session.member_id
        role = self.selected_role()
        refused = refusal(self.store, me, "roles")
        gate(self.add_button, True, refused)
        gate(self.edit_button, role is not None, refused)
        gate(self.archive_button, role is not None, refused)
        taking_turns = bool(role and me in role["member_ids"])
        skill_role = bool(role and role.get("skill"))
        self.opt_in_button.setVisible(not taking_turns)
        self.opt_out_button.setVisible(taking_turns)
        skill_note = (
            _(
                "Everyone with the skill “{skill}” takes turns: add or remove the skill "
                "on the Members page."
            ).format(skill=role["skill"])
            if role and skill_role
            else ""
        )
        gate(self.opt_in_button, role is not None and me is not None, skill_note)
        gate(self.opt_out_button, role is not None and me is not None, skill_note)
        term = self.selected_term()
        self.swap_button.setEnabled(role is not None)
        gate(self.handover_button, term is not None, self._handover_refusal(term))

    def _handover_refusal(self, term: Term | None) -> str:
        """The holders of a term (or of the next one) write its notes; others need "roles"."""
        me = self.session.member_id
        if term is None or me is None or me in term.holders:
            return ""
        following = self._next_term(term)
        if following is not None and me in following.holders:
            return ""
        refused = refusal(self.store, me, "roles")
        if not refused:
            return ""
        return _(
            "Only the holders of this term ({names}) or of the next one write its "
            "handover notes. {refused}"
        ).format(names=names_text(term.holder_names), refused=refused)

    def _next_term(self, term: Term) -> Term | None:
        try:
            return rotation.term_on(self.store, term.role_id, term.ends_on + dt.timedelta(days=1))
        except CoopDeskError:
            return None

    # -- changes ----------------------------------------------------------------------------

    def _members_and_skills(self) -> tuple[list[dict[str, Any]], list[str]]:
        members = active_members(self.store)
        skills = sorted({skill for m in members for skill in m["skills"]}, key=str.casefold)
        return members, skills

    @property
    def dialog(self) -> QDialog | None:
        """The page's open form (a role, a swap or handover notes), if any."""
        found = [self.window_.dialogs.find(kind) for kind in (ROLE_FORM, SWAP_FORM, HANDOVER_FORM)]
        return next((dialog for dialog in found if dialog is not None), None)

    def _open_role_dialog(self, role: dict[str, Any] | None) -> None:
        role_id = role["id"] if role else None

        def save(values: dict[str, Any]) -> str:
            author = self.session.member_id
            if author is None:
                raise CoopDeskError(_("Nobody is at the keyboard: choose who you are (Ctrl+K)."))
            if role_id is None:
                name = values.pop("name")
                return roles.add_role(self.store, author, name, **values)
            roles.edit_role(self.store, author, role_id, **values)
            return role_id

        def make() -> RoleDialog:
            members, skills = self._members_and_skills()
            dialog = RoleDialog(members, skills, save, role, parent=self)
            dialog.saved.connect(lambda saved_id: self._after_role_saved(saved_id, role is None))
            return dialog

        self.window_.dialogs.open(ROLE_FORM, make)

    def _after_role_saved(self, role_id: str, added: bool) -> None:
        self.load()
        self.select_role(role_id)
        name = self.role_rows.get(role_id, {}).get("name", "the role")
        self.window_.show_notice(
            _("Added {name}.").format(name=name) if added else _("Saved {name}.").format(name=name)
        )

    def edit_selected(self) -> None:
        role = self.selected_role()
        if role is None:
            return

        def edit(author: str) -> None:
            refused = refusal(self.store, author, "roles")
            if refused:  # asked who was here first: the button now says so too
                self.window_.show_notice(refused)
                return
            self._open_role_dialog(roles.get_role(self.store, role["id"]))

        self.window_.with_author(edit, _("Choose who you are before changing a role."))

    def archive_selected(self) -> None:
        role = self.selected_role()
        if role is None:
            return

        def archive(author: str) -> None:
            name = role["name"]
            question = _(
                "Archive the role {name}?\n\nIt stops rotating and its holders lose its "
                "mandates. Its history is kept, and it can be restored."
            ).format(name=name)
            if not dialogs.confirm(
                self,
                _("Archive role"),
                question,
                _("Archive {name}").format(name=name),
                _("Keep {name}").format(name=name),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                roles.archive_role(self.store, author, role["id"])
            if outcome.ok:
                self.window_.show_notice(
                    _("Archived the role {name}.").format(name=name),
                    undo=lambda: self._restore(role["id"], name),
                )

        self.window_.with_author(archive, _("Choose who you are before archiving a role."))

    def _restore(self, role_id: str, name: str) -> None:
        def restore(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                roles.restore_role(self.store, author, role_id)
            if outcome.ok:
                self.window_.show_notice(_("Restored the role {name}.").format(name=name))
                self.load()
                self.select_role(role_id)

        self.window_.with_author(restore)

    def set_taking_turns(self, taking: bool) -> None:
        """Opt the member at the keyboard in or out of the selected role's rotation."""
        role = self.selected_role()
        if role is None:
            return

        def change(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                if taking:
                    roles.opt_in(self.store, author, role["id"], author)
                else:
                    roles.opt_out(self.store, author, role["id"], author)
            if outcome.ok:
                who = self.session.member_name
                self.window_.show_notice(
                    _("{who} takes turns as {name} from now on.").format(who=who, name=role["name"])
                    if taking
                    else _("{who} no longer takes turns as {name}.").format(
                        who=who, name=role["name"]
                    )
                )

        self.window_.with_author(change)

    def swap_term(self) -> None:
        role = self.selected_role()
        if role is None:
            return
        term = self.selected_term()

        def open_swap(author: str) -> None:
            terms = [
                t
                for t in rotation.schedule(self.store, role_id=role["id"], today=self.today)
                if t.ends_on >= self.today
            ]
            names = dict(zip(role["member_ids"], role["member_names"], strict=True))
            eligible = [
                (m, names.get(m, "")) for m in roles.eligible_members(self.store, role["id"])
            ]

            def save(values: dict[str, Any]) -> dt.date:
                rotation.swap(
                    self.store,
                    self.session.member_id or author,
                    role["id"],
                    values["term_start"],
                    values["out_member_id"],
                    values["in_member_id"],
                )
                return values["term_start"]

            def make() -> SwapDialog:
                dialog = SwapDialog(
                    role["name"],
                    terms,
                    eligible,
                    save,
                    me=author,
                    term_start=term.starts_on if term else None,
                    parent=self,
                )
                dialog.saved.connect(lambda starts_on: self._after_swap(starts_on, role["name"]))
                return dialog

            self.window_.dialogs.open(SWAP_FORM, make)

        self.window_.with_author(open_swap, _("Choose who you are before swapping a term."))

    def _after_swap(self, starts_on: dt.date, role_name: str) -> None:
        self._show_selected_role()
        self.select_term(starts_on)
        term = self.selected_term()
        if term is not None:
            self.window_.show_notice(
                ngettext(
                    "{names} now holds {role_name} from {day} to {day2}.",
                    "{names} now hold {role_name} from {day} to {day2}.",
                    len(term.holders),
                ).format(
                    names=names_text(term.holder_names),
                    role_name=role_name,
                    day=day_text(term.starts_on),
                    day2=day_text(term.ends_on),
                )
            )

    def edit_handover(self) -> None:
        term = self.selected_term()
        if term is None:
            return

        def open_notes(author: str) -> None:
            refused = self._handover_refusal(term)
            if refused:  # asked who was here first: the button now says so too
                self.window_.show_notice(refused)
                return

            def save(values: dict[str, Any]) -> None:
                rotation.write_handover(
                    self.store,
                    self.session.member_id or author,
                    term.role_id,
                    term.starts_on,
                    values["notes"],
                )

            def make() -> HandoverDialog:
                dialog = HandoverDialog(term, self._next_term(term), save, parent=self)
                dialog.saved.connect(
                    lambda _result: self.window_.show_notice(
                        _("Saved the handover notes of {role_name} ({span}).").format(
                            role_name=term.role_name, span=span_text(term.starts_on, term.ends_on)
                        )
                    )
                )
                return dialog

            self.window_.dialogs.open(HANDOVER_FORM, make)

        self.window_.with_author(open_notes, _("Choose who you are before writing handover notes."))
