"""Today's panel for decisions: your votes still to cast, what closes soon, what is due for review.

"Needs attention" gets, for the member at the keyboard, each open decision they may take part
in and have not voted on yet, with a button that opens the vote.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from coopdesk.base.i18n import _
from coopdesk.base.text import day_text, names_text
from coopdesk.decisions.ballots import has_voted, refusal_to_vote
from coopdesk.decisions.decisions import DecisionView, due_for_review, list_decisions, when_text
from coopdesk.gui.kit.panels import Attention, TodayPanel, panel_label

if TYPE_CHECKING:
    from coopdesk.gui.decisions.page import DecisionsPage
    from coopdesk.gui.shell.main_window import MainWindow

SOON_HOURS = 48


def open_to_vote(store, member_id: str | None, now: dt.datetime) -> list[DecisionView]:
    """Open decisions the member may vote on here and has not voted on (this round)."""
    if member_id is None:
        return []
    return [
        decision
        for decision in list_decisions(store, "open", now)
        if decision.phase(now) == "open"
        and not has_voted(store, decision, member_id)
        and not refusal_to_vote(store, decision, member_id, now)
    ]


class DecisionsPanel(TodayPanel):
    """Your votes still to cast, what closes within two days, outcomes due for review."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Decisions"))
        self.text_label = panel_label()
        self.layout_.addWidget(self.text_label)
        self.waiting: list[DecisionView] = []

    def load(self) -> None:
        now = dt.datetime.now()
        self.waiting = open_to_vote(self.store, self.window_.session.member_id, now)
        lines = []
        if self.window_.session.member_id is not None:
            if self.waiting:
                lines.append(_("You have not voted yet on:"))
                lines += [
                    _("  {title} (closes {when})").format(
                        title=d.title, when=when_text(d.ends_at, now)
                    )
                    for d in self.waiting
                ]
            else:
                lines.append(_("You have voted on everything open to you."))
        horizon = now + dt.timedelta(hours=SOON_HOURS)
        soon = [
            d
            for d in list_decisions(self.store, "open", now)
            if d.phase(now) == "open" and dt.datetime.fromisoformat(d.ends_at) <= horizon
        ]
        if soon:
            lines.append(_("Closing soon:"))
            lines += [f"  {d.title}: {when_text(d.ends_at, now)}" for d in soon]
        today = now.date()
        due = due_for_review(self.store, today)
        if due:
            lines.append(_("Due for review:"))
            lines += [
                _("  {title} (since {day})").format(
                    title=d.title, day=day_text(dt.date.fromisoformat(str(d.review_on)), today)
                )
                for d in due
            ]
        if not lines:
            lines.append(_("Nothing is being decided just now."))
        self.text_label.setText("\n".join(lines))

    def attention_items(self) -> list[Attention]:
        """One line: the decision closing first is named first, and its vote opens."""
        if not self.waiting:
            return []
        name = self.window_.session.member_name
        first = min(self.waiting, key=lambda decision: decision.ends_at)
        if len(self.waiting) == 1:
            text = _("{name}, you have not voted yet on “{title}” (closes {when}).").format(
                name=name, title=first.title, when=when_text(first.ends_at)
            )
        else:
            others = [f"“{d.title}”" for d in self.waiting if d is not first]
            text = _(
                "{name}, you have not voted yet on {count} decisions: “{title}” (closes {when}),"
                " {others}."
            ).format(
                name=name,
                count=len(self.waiting),
                title=first.title,
                when=when_text(first.ends_at),
                others=names_text(others),
            )
        return [Attention(f"vote:{first.id}", text, _("Vote"), lambda: self._vote(first.id))]

    def _vote(self, decision_id: str) -> None:
        page = cast("DecisionsPage", self.window_.go_to("decisions"))
        if page.select_decision(decision_id):
            page.vote()


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [DecisionsPanel(window)]
