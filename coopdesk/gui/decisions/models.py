"""The Decisions page's lists: decisions (lazy, over SQL), sites' positions, assemblies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import moment_text, short_day_text, weekday_day_text
from coopdesk.decisions.ballots import stance_label
from coopdesk.decisions.decisions import KIND_LABELS, DecisionView, decision_ids, decisions_by_id
from coopdesk.decisions.meetings import MeetingView
from coopdesk.decisions.results import Result, SitePosition, count_voters, tally
from coopdesk.gui.kit.lazy_model import LazyColumn, LazyTableModel
from coopdesk.gui.kit.list_model import ListModel
from coopdesk.store.store import Store

DECISION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SHORT_KINDS = {
    "consent": N_("Consent"),
    "consensus": N_("Consensus"),
    "single": N_("Poll"),
    "multiple": N_("Poll (several)"),
    "score": N_("Scores"),
    "ranked": N_("Election"),
    "count": N_("Count"),
    "meeting": N_("Meeting time"),
}


def ends_text(decision: DecisionView, now: dt.datetime) -> str:
    """ "closes in 3 days", "closes today 18:00", "closed 2 Dec", "opens 5 Dec"."""
    phase = decision.phase(now)
    if phase == "upcoming":
        start = dt.datetime.fromisoformat(decision.opens_at)
        return _("opens {day}").format(day=weekday_day_text(start))
    end = dt.datetime.fromisoformat(decision.ends_at)
    if phase == "closed":
        return _("closed {day}").format(day=short_day_text(end) + f" {end.year}")
    days = (end.date() - now.date()).days
    if days == 0:
        return _("closes today {end:%H:%M}").format(end=end)
    if days == 1:
        return _("closes tomorrow {end:%H:%M}").format(end=end)
    return _("closes in {days} days").format(days=days)


class DecisionsModel(LazyTableModel):
    """Decisions, open ones closing soonest first; each row's result is counted when shown."""

    page_size = 60  # a screenful or two: each row is counted when it is shown
    columns = (
        LazyColumn(N_("Decision")),
        LazyColumn(N_("Kind")),
        LazyColumn(N_("Status")),
        LazyColumn(N_("When")),
        LazyColumn(N_("Took part")),
    )

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(store, None, parent)
        self.which = "open"
        self.now = dt.datetime.now()
        self._results: dict[str, Result] = {}
        self._voters: dict[str, int] = {}

    def set_which(self, which: str) -> None:
        self.which = which
        self.refresh()

    def refresh(self) -> None:
        self.now = dt.datetime.now()
        self._results = {}
        self._voters = {}
        super().refresh()

    def query_ids(self) -> Sequence[Hashable]:
        return decision_ids(self.store, self.which, self.now)

    def fetch_rows(self, ids: Sequence[Hashable]) -> Mapping[Hashable, Any]:
        return decisions_by_id(self.store, [str(i) for i in ids])

    def result(self, decision: DecisionView) -> Result:
        """The decision's result, counted once per refresh, only for rows on screen."""
        found = self._results.get(decision.id)
        if found is None:
            found = self._results[decision.id] = tally(self.store, decision.id, self.now)
        return found

    def display(self, row: DecisionView, column: int) -> str:
        if column == 0:
            return row.title
        if column == 1:
            return _(SHORT_KINDS[row.kind]) + (_(" · secret") if row.secret else "")
        if column == 3:
            return ends_text(row, self.now)
        if column == 2:
            # Only a closed decision needs counting to say how it ended.
            phase = row.phase(self.now)
            return _(self.result(row).status if phase == "closed" else phase)
        return str(self.voters(row))

    def voters(self, decision: DecisionView) -> int:
        found = self._results.get(decision.id)
        if found is not None:
            return found.voters
        counted = self._voters.get(decision.id)
        if counted is None:
            counted = self._voters[decision.id] = count_voters(self.store, decision)
        return counted

    def cell_data(self, row: DecisionView, column: int, role: int) -> Any:
        if role == DECISION_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and column in (0, 1):
            return KIND_LABELS[row.kind]
        if role == Qt.ItemDataRole.FontRole and column == 0 and row.phase(self.now) == "open":
            font = QFont()
            font.setBold(True)
            return font
        return None


def site_tally_text(site: SitePosition) -> str:
    """ "consent 8 · object 1" (empty while the results are hidden)."""
    return " · ".join(
        f"{stance_label(word).lower()} {count}" for word, count in site.counts.items()
    )


class SitesModel(ListModel[SitePosition]):
    """Each site's position in a decision taken by sites."""

    columns = (N_("Site"), N_("Position"), N_("Tally"), N_("Voted"), N_("Heard"))

    def display(self, row: SitePosition, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return row.position
        if column == 2:
            return site_tally_text(row)
        if column == 3:
            return f"{row.voters} of {row.electorate}"
        return "yes" if row.heard else "no"


class MeetingsModel(ListModel[MeetingView]):
    columns = (N_("Assembly"), N_("Date"), N_("Site"), N_("Attended"))

    def display(self, row: MeetingView, column: int) -> str:
        if column == 0:
            return row.title
        if column == 1:
            return moment_text(dt.datetime.fromisoformat(row.starts_at))
        if column == 2:
            return row.site_name
        return str(len(row.attendees))
