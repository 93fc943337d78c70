"""The Sync page's lists: sites, open conflicts, changes held aside and backups.

Each is short (a coop has a handful of sites; conflicts and backups are few), so the models
hold their rows and are refilled whole from the core on ``refresh()``. The page decides when
(on the hub's changed tables, and after export, import and restore).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QIcon

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import long_moment_text, moment_text, plural
from coopdesk.coop import describe, relative_time
from coopdesk.gui.kit.list_model import ListModel, Row
from coopdesk.gui.kit.widgets import human_size
from coopdesk.store.store import Store
from coopdesk.sync import backups, conflicts, peers
from coopdesk.sync import identity as site_identity
from coopdesk.sync.backups import Backup
from coopdesk.sync.conflicts import Conflict
from coopdesk.sync.held import HeldTransaction, held_transactions
from coopdesk.sync.peers import SiteStatus

STALE_AFTER_DAYS = 7


class RowsModel(ListModel[Row]):
    """A small table of whole rows read from the store; subclasses give ``read()``."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store

    def read(self) -> Sequence[Row]:
        raise NotImplementedError

    def refresh(self) -> None:
        self.set_rows(self.read())


# -- sites -------------------------------------------------------------------------------------


def is_peer(status: SiteStatus) -> bool:
    """Another site we sync with (not this computer, now or earlier, and not archived)."""
    return not (status.this_site or status.earlier_identity or status.archived)


def days_silent(status: SiteStatus, now: float | None = None) -> int | None:
    """Whole days since the last bundle from a peer; None if never heard from."""
    if status.heard_at is None:
        return None
    return int(((time.time() if now is None else now) - status.heard_at) // 86400)


def is_stale(status: SiteStatus, now: float | None = None) -> bool:
    """A peer not heard from for more than a week (or never)."""
    if not is_peer(status):
        return False
    days = days_silent(status, now)
    return days is None or days > STALE_AFTER_DAYS


def site_notes(status: SiteStatus) -> str:
    notes = []
    if status.this_site:
        notes.append(_("this site"))
    if status.earlier_identity:
        notes.append(_("earlier identity of this computer"))
    if status.archived:
        notes.append("archived")
    if is_peer(status):
        days = days_silent(status)
        if days is None:
            notes.append(_("no bundle received from it yet"))
        elif days > STALE_AFTER_DAYS:
            notes.append(_("not heard from for {days} days").format(days=days))
    if status.clock_warning:
        notes.append(status.clock_warning)
    return "; ".join(notes)


class SitesModel(RowsModel[SiteStatus]):
    """Every site of the coop: when we last heard from it, what it still lacks from us."""

    columns = (
        N_("Site"),
        N_("Last heard from"),
        N_("Changes not yet sent there"),
        N_("Clock"),
        N_("Notes"),
    )

    def __init__(self, store: Store, warning_icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(store, parent)
        self.warning_icon = warning_icon

    def read(self) -> Sequence[SiteStatus]:
        statuses = peers.sites_overview(self.store)
        # This computer first, then the peers by name, earlier identities and archived last.
        return sorted(
            statuses,
            key=lambda s: (not s.this_site, s.earlier_identity or s.archived, s.name.casefold()),
        )

    def display(self, row: SiteStatus, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            if not is_peer(row) and not row.heard_at:
                return "—"
            return relative_time(row.heard_at) if row.heard_at else "never"
        if column == 2:
            if row.not_yet_received is None:
                return "—"
            if row.not_yet_received == 0:
                return _("none: up to date")
            count = row.not_yet_received
            return plural(count, "change")
        if column == 3:
            return row.clock_text
        if column == 4:
            return site_notes(row)
        return ""

    def needs_attention(self, row: SiteStatus) -> bool:
        return bool(row.clock_warning) or is_stale(row)

    def cell_data(self, row: SiteStatus, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and self.needs_attention(row):
            return self.warning_icon
        if role == Qt.ItemDataRole.FontRole and (
            row.this_site
            or (column == 3 and bool(row.clock_warning))
            or (column == 4 and self.needs_attention(row))
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1 and row.heard_at:
                when = datetime.fromtimestamp(row.heard_at)
                return _("Last bundle received {when}").format(when=long_moment_text(when))
            if column == 2 and row.not_yet_received:
                return _(
                    "Changes this site has that the last bundle from there did not show yet. "
                    "Export a bundle and carry it there; the count drops once a bundle from "
                    "there comes back."
                )
            if column == 3 and row.clock_ahead_s is not None:
                return _(
                    "How far this site's clock was ahead of this computer's when its last "
                    "bundle came. CoopDesk warns from an hour ahead and never lets a clock that "
                    "is wrong move this computer's."
                )
            if row.clock_warning:
                return _(
                    "{name}: {clock_warning}. Its changes still sync; ask someone there to "
                    "check the computer's date and time."
                ).format(name=row.name, clock_warning=row.clock_warning)
        return None


# -- conflicts ---------------------------------------------------------------------------------


def conflict_values(conflict: Conflict) -> tuple[str, str]:
    """The current and the other value, as they should read on screen."""
    return (
        conflicts.display_value(conflict.table, conflict.column, conflict.current_value),
        conflicts.display_value(conflict.table, conflict.column, conflict.other_value),
    )


def conflict_source(conflict: Conflict, here: str, now: float | None = None) -> str:
    """``Warehouse (Ana, 2 days ago)``; the value set aside may also have been made here."""
    this = _("this site; ") if conflict.other_origin == here else ""
    when = relative_time(conflict.other_when, now)
    return f"{conflict.other_site} ({this}{conflict.other_author}, {when})"


def conflict_sentence(conflict: Conflict, here: str = "", now: float | None = None) -> str:
    """``Tomás Ruiz · Phone: now 555 0101; Warehouse (Ana, 2 days ago) said 555 0199``."""
    current, other = conflict_values(conflict)
    return _("{row_label} · {column_label}: now {current}; {conflict_source} said {other}").format(
        row_label=conflict.row_label,
        column_label=conflict.column_label,
        current=current,
        conflict_source=conflict_source(conflict, here, now),
        other=other,
    )


class ConflictsModel(RowsModel[Conflict]):
    """Open conflicts, newest first, one sentence each."""

    columns = (N_("Conflict"),)
    here = ""

    def read(self) -> Sequence[Conflict]:
        self.here = self.store.site_id
        return conflicts.list_conflicts(self.store)

    def display(self, row: Conflict, column: int) -> str:
        return conflict_sentence(row, self.here)

    def cell_data(self, row: Conflict, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(
                "{other_site} changed {column_label} of {row_label} at the same time as "
                "another site. Everyone sees the current value until someone chooses."
            ).format(
                other_site=row.other_site, column_label=row.column_label, row_label=row.row_label
            )
        return None

    def row_of_key(self, key: str) -> int:
        return next((n for n, conflict in enumerate(self.rows) if conflict.key == key), -1)


# -- backups -----------------------------------------------------------------------------------


class HeldModel(RowsModel[HeldTransaction]):
    """Changes from other sites kept in the log but not applied, newest first."""

    columns = (N_("From"), N_("By"), N_("What"), N_("Why it was not applied"), N_("Arrived"))

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(store, parent)
        self.what: dict[tuple[str, int], str] = {}

    def read(self) -> Sequence[HeldTransaction]:
        held = held_transactions(self.store)
        self.what = {item.key: self._what(item) for item in held}
        return held

    def _what(self, item: HeldTransaction) -> str:
        """What the transaction would have done, as the activity view tells it."""
        rows = self.store.conn.execute(
            "SELECT lsn, hlc, author, op, tbl, row_id, origin, fields, versions FROM _change"
            " WHERE origin = ? AND seq = ? ORDER BY idx LIMIT 4",
            item.key,
        ).fetchall()
        parts = []
        for told in describe(self.store, rows)[:3]:
            parts.append(told.what())
        more = item.changes - len(parts)
        return "; ".join(parts) + (_("; and {more} more").format(more=more) if more > 0 else "")

    def display(self, row: HeldTransaction, column: int) -> str:
        if column == 0:
            return row.site_name
        if column == 1:
            return row.author_name or _("an unknown author")
        if column == 2:
            return self.what.get(row.key, "")
        if column == 3:
            return row.reason[:1].upper() + row.reason[1:]
        if column == 4:
            return relative_time(row.held_at)
        return ""

    def cell_data(self, row: HeldTransaction, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.describe()
        return None


def backup_when(backup: Backup) -> str:
    return moment_text(datetime.fromtimestamp(backup.made_at))


class BackupsModel(RowsModel[Backup]):
    """This site's backups, newest first."""

    columns = (N_("Made"), N_("Why"), N_("Size"))

    def __init__(
        self,
        store: Store,
        reader: Callable[[Store], list[Backup]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(store, parent)
        self.reader = reader or backups.list_backups

    def read(self) -> Sequence[Backup]:
        return self.reader(self.store)

    def display(self, row: Backup, column: int) -> str:
        if column == 0:
            return f"{backup_when(row)}  ({relative_time(row.made_at)})"
        if column == 1:
            return (row.reason or "backup").capitalize()
        if column == 2:
            return human_size(row.size)
        return ""

    def cell_data(self, row: Backup, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(row.path)
        return None


def recent_identity_notice(store: Store, within_days: float = 14) -> str | None:
    """The "this computer took a new site identity" explanation, if it is recent."""
    notice = site_identity.latest_identity_notice(store)
    if notice is None or time.time() - notice.at > within_days * 86400:
        return None
    return notice.text
