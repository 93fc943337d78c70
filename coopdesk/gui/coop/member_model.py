"""Members as a lazy table: the Members page and the member picker both list them with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import short_day_text
from coopdesk.coop.members import (
    MemberQuery,
    Status,
    matched_elsewhere,
    member_ids,
    members_by_id,
    names_first,
)
from coopdesk.gui.kit.hub import StoreHub
from coopdesk.gui.kit.lazy_model import LazyColumn, LazyTableModel
from coopdesk.shifts import member_balances
from coopdesk.store.changes import Changes
from coopdesk.store.store import Store

MEMBER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Changes to these make the shift balances stale (members and sites do not).
BALANCE_TABLES = frozenset({"shift", "shift_signup", "leave", "coop", "member"})
BALANCE_COLUMN, STATUS_COLUMN = 5, 6


def balance_text(minutes: int) -> str:
    """``−1.5 h``, ``+2 h``, ``0 h``: hours owed (minus) or ahead (plus) of the duty rule."""
    hours = f"{abs(minutes) / 60:.1f}".rstrip("0").rstrip(".")
    sign = "−" if minutes < 0 else "+" if minutes > 0 else ""
    return f"{sign}{hours} h"


# A member's duty state (coopdesk.shifts.duty's words) as the Members list shows it.
STATUS_WORDS = {"up to date": N_("Up to date"), "alert": N_("Alert"), "on leave": N_("On leave")}


class MemberTableModel(LazyTableModel):
    """Members matching a ``MemberQuery``; search, status and sort all run in SQL."""

    tables = frozenset({"member", "site"})
    columns = (
        LazyColumn(N_("Name"), "name"),
        LazyColumn(N_("Email"), "email"),
        LazyColumn(N_("Phone"), "phone"),
        LazyColumn(N_("Skills"), "skills"),
        LazyColumn(N_("Home site"), "site"),
        LazyColumn(N_("Balance")),
        LazyColumn(N_("Shift status")),
    )

    def __init__(
        self,
        store: Store,
        hub: StoreHub | None = None,
        query: MemberQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(store, hub, parent)
        self.query = query or MemberQuery()
        self.sort_key, self.descending = self.query.sort, self.query.descending
        self._balances: dict[str, Any] | None = None

    # -- shift balances: every member's at once, only when a balance cell is first shown ------

    def balances(self) -> dict[str, Any]:
        if self._balances is None:
            self._balances = member_balances(self.store)
        return self._balances

    def invalidate_balances(self) -> None:
        """Recompute balances the next time one is shown (not on every search keystroke)."""
        self._balances = None

    def refresh_balances(self) -> None:
        """Recompute balances and redraw their two columns, without resetting the list."""
        self.invalidate_balances()
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, BALANCE_COLUMN), self.index(self.rowCount() - 1, STATUS_COLUMN)
            )

    def on_store_changed(self, changes: Changes) -> None:
        if changes.touches(BALANCE_TABLES):
            self.invalidate_balances()
        super().on_store_changed(changes)

    # -- filter -----------------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        if text != self.query.search:
            self.query = replace(self.query, search=text)
            self.refresh()

    def set_status(self, status: Status) -> None:
        if status != self.query.status:
            self.query = replace(self.query, status=status)
            self.refresh()

    # -- LazyTableModel ---------------------------------------------------------------------

    def query_ids(self) -> Sequence[Hashable]:
        self.query = replace(self.query, sort=self.sort_key or "name", descending=self.descending)
        return member_ids(self.store, self.query)

    def fetch_rows(self, ids: Sequence[Hashable]) -> Mapping[Hashable, Any]:
        return members_by_id(self.store, [str(i) for i in ids])

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return row["name"]
        if column == 1:
            return row["email"] or ""
        if column == 2:
            return row["phone"] or ""
        if column == 3:
            return ", ".join(row["skills"])
        if column == 4:
            return row["site_name"] or ""
        if column in (BALANCE_COLUMN, STATUS_COLUMN):
            balance = None if row["archived"] else self.balances().get(row["id"])
            if balance is None:
                return ""
            if column == BALANCE_COLUMN:
                return balance_text(balance.balance_minutes)
            if balance.status == "on leave" and balance.on_leave_until:
                until = dt.date.fromisoformat(balance.on_leave_until)
                return _("On leave until {day}").format(day=short_day_text(until))
            return _(STATUS_WORDS.get(balance.status, balance.status))
        return ""

    def cell_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == MEMBER_ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.FontRole and row["archived"]:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.FontRole and column == STATUS_COLUMN:
            balance = self.balances().get(row["id"])
            if balance is not None and balance.status == "alert":
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == BALANCE_COLUMN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and column in (BALANCE_COLUMN, STATUS_COLUMN):
            balance = self.balances().get(row["id"])
            if balance is not None:
                return _(
                    "Shifts done: {lstrip}; owed so far: {lstrip2} (the coop's duty rule)"
                ).format(
                    lstrip=balance_text(balance.done_minutes).lstrip("+"),
                    lstrip2=balance_text(balance.owed_minutes).lstrip("+"),
                )
        if role == Qt.ItemDataRole.ToolTipRole:
            if row["archived"]:
                return f"{row['name']} (archived)"
            if column == 4 and row["notes"]:
                return row["notes"]
        return None


class MemberPickerModel(MemberTableModel):
    """Active members only, one line each: "Ana García · Kitchen" for telling namesakes apart.

    Names first: what is typed is looked for in names, and only when no name has it in
    email, phone and skills; those rows then say where it was found ("skill baking"), so
    nobody picks a stranger thinking it is them.
    """

    def __init__(
        self, store: Store, hub: StoreHub | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(store, hub, MemberQuery(status="active"), parent)
        self.matched_by_name = True

    def query_ids(self) -> Sequence[Hashable]:
        self.query = replace(self.query, sort="name", descending=False)
        ids, self.matched_by_name = names_first(self.store, self.query)
        return ids

    def display(self, row: dict[str, Any], column: int) -> str:
        if column != 0:
            return super().display(row, column)
        text = f"{row['name']}  ·  {row['site_name']}" if row["site_name"] else row["name"]
        if not self.matched_by_name:
            where = matched_elsewhere(row, self.query.search)
            if where:
                text += "  " + _("(not the name: {where})").format(where=where)
        return text
