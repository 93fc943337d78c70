"""Members as a lazy table: the Members page and the member picker both list them with it."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from coopdesk.gui.hub import StoreHub
from coopdesk.gui.lazy_model import LazyColumn, LazyTableModel
from coopdesk.members import MemberQuery, Status, member_ids, members_by_id
from coopdesk.store import Store

MEMBER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class MemberTableModel(LazyTableModel):
    """Members matching a ``MemberQuery``; search, status and sort all run in SQL."""

    tables = frozenset({"member", "site"})
    columns = (
        LazyColumn("Name", "name"),
        LazyColumn("Email", "email"),
        LazyColumn("Phone", "phone"),
        LazyColumn("Skills", "skills"),
        LazyColumn("Home site", "site"),
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
        return ""

    def cell_data(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == MEMBER_ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.FontRole and row["archived"]:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if row["archived"]:
                return f"{row['name']} (archived)"
            if column == 4 and row["notes"]:
                return row["notes"]
        return None


class MemberPickerModel(MemberTableModel):
    """Active members only, one line each: "Ana García · Kitchen" for telling namesakes apart."""

    def __init__(
        self, store: Store, hub: StoreHub | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(store, hub, MemberQuery(status="active"), parent)

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == 0 and row["site_name"]:
            return f"{row['name']}  ·  {row['site_name']}"
        return super().display(row, column)
