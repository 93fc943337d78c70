"""Today's panels for roles and tasks: who holds which role, handovers, my tasks, overdue.

"Needs attention" gets the overdue tasks (one line, with a button to the list of them) and,
for the member at the keyboard, a handover whose notes they have not written yet.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QPalette

from coopdesk.base.i18n import _
from coopdesk.base.text import day_text, names_text
from coopdesk.gui.kit.panels import Attention, TodayPanel, panel_label
from coopdesk.gui.kit.widgets import muted
from coopdesk.roles import rotation

if TYPE_CHECKING:
    from coopdesk.gui.roles.page import RolesPage
    from coopdesk.gui.shell.main_window import MainWindow

HANDOVER_DAYS = 7


class RolesNowPanel(TodayPanel):
    """Who holds each role this term, and until when."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Roles now"))
        self.text_label = panel_label()
        self.layout_.addWidget(self.text_label)

    def load(self) -> None:
        today = dt.date.today()
        terms = rotation.current_terms(self.store, today)
        if not terms:
            muted(self.text_label)
            self.text_label.setText(_("No roles yet: everyone can do everything."))
            return
        self.text_label.setForegroundRole(QPalette.ColorRole.WindowText)
        self.text_label.setText(
            "\n".join(
                _("{role}: {names}, until {day}").format(
                    role=term.role_name,
                    names=names_text(term.holder_names),
                    day=day_text(term.ends_on, today),
                )
                for term in terms
            )
        )


class HandoversPanel(TodayPanel):
    """Terms that end within a week: from whom to whom, and whether the notes are written."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Handovers in the next week"))
        self.text_label = panel_label()
        self.layout_.addWidget(self.text_label)
        self.unwritten: list[rotation.Term] = []

    def load(self) -> None:
        today = dt.date.today()
        horizon = today + dt.timedelta(days=HANDOVER_DAYS)
        lines = []
        self.unwritten = []
        for term in rotation.current_terms(self.store, today):
            if term.ends_on >= horizon:
                continue
            following = rotation.term_on(
                self.store, term.role_id, term.ends_on + dt.timedelta(days=1)
            )
            notes = _("notes written") if term.handover_notes else _("no handover notes yet")
            lines.append(
                _("{role_name}: from {names} to {names2} on {day} ({notes})").format(
                    role_name=term.role_name,
                    names=names_text(term.holder_names),
                    names2=names_text(following.holder_names),
                    day=day_text(following.starts_on, today),
                    notes=notes,
                )
            )
            if not term.handover_notes:
                self.unwritten.append(term)
        self.text_label.setText("\n".join(lines) or _("No role changes hands this week."))

    def attention_items(self) -> list[Attention]:
        me = self.window_.session.member_id
        return [
            Attention(
                f"handover:{term.term_id}",
                _(
                    "{member_name}, your term as {role_name} ends on {day}: write the "
                    "handover notes for whoever comes next."
                ).format(
                    member_name=self.window_.session.member_name,
                    role_name=term.role_name,
                    day=day_text(term.ends_on),
                ),
                _("Write notes"),
                lambda term=term: self._open(term),
            )
            for term in self.unwritten
            if me in term.holders
        ]

    def _open(self, term: rotation.Term) -> None:

        page = cast("RolesPage", self.window_.go_to("roles"))
        if page.select_role(term.role_id):
            page.select_term(term.starts_on)
            page.edit_handover()


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [RolesNowPanel(window), HandoversPanel(window)]
