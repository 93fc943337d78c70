"""The reports' tables in the window: one row per member, per role holder, per item and site."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from coopdesk.base.i18n import N_, _
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.reports.authority import Holding
from coopdesk.reports.supplies import FLOWS, ItemSupply
from coopdesk.reports.words import hours_text, percent_text
from coopdesk.reports.work import MemberWork

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _hours(minutes: int) -> str:
    return hours_text(minutes) if minutes else "–"


class WorkModel(ListModel[MemberWork]):
    columns = (
        N_("Member"),
        N_("Shifts"),
        N_("Chores"),
        N_("Tasks"),
        N_("Total"),
        N_("Share"),
        N_("Asked"),
    )

    def display(self, row: MemberWork, column: int) -> str:
        if column == 0:
            return _("{name} (archived)").format(name=row.name) if row.archived else row.name
        if column == 1:
            return _hours(row.shift_minutes)
        if column == 2:
            return _hours(row.chore_minutes)
        if column == 3:
            return _hours(row.task_minutes)
        if column == 4:
            return _hours(row.total_minutes)
        if column == 5:
            return percent_text(row.share)
        return "" if row.asked_minutes is None else _hours(row.asked_minutes)

    def cell_data(self, row: MemberWork, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3) and row.unestimated:
            return _("{unestimated} without an estimate, counted at the default").format(
                unestimated=row.unestimated
            )
        return None


class HoldingModel(ListModel[Holding]):
    columns = (N_("Member"), N_("Terms"), N_("Days"), N_("Mandates used"), N_("Roles"))

    def display(self, row: Holding, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return str(row.terms)
        if column == 2:
            return str(row.days)
        if column == 3:
            return str(row.mandate_uses)
        return ", ".join(row.roles)

    def cell_data(self, row: Holding, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2, 3):
            return RIGHT
        return None


SUPPLY_COLUMNS = [(key, label) for key, label in FLOWS if key != "correction"]


class SupplyModel(ListModel[ItemSupply]):
    columns = (N_("Item"), N_("Site"), *(label for _key, label in SUPPLY_COLUMNS), N_("Ran low"))

    def display(self, row: ItemSupply, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return row.site_name
        if column - 2 < len(SUPPLY_COLUMNS):
            return row.text(SUPPLY_COLUMNS[column - 2][0]) or "–"
        return str(row.times_low) if row.times_low else "–"

    def cell_data(self, row: ItemSupply, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return RIGHT
        return None
