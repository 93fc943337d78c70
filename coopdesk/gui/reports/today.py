"""Today's fairness line, for coordinators: "3 members did half the work this month".

Shown to whoever at the keyboard holds a role this term (the coordinators of the moment),
so imbalance is seen by those who can help correct it; hidden from everyone else. It reads
the work report of this month (no charts: Today stays light).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from coopdesk.gui.kit.panels import TodayPanel, panel_label
from coopdesk.reports.period import this_month
from coopdesk.reports.work import work_report
from coopdesk.roles import current_terms

if TYPE_CHECKING:
    from coopdesk.gui.reports.page import ReportsPage
    from coopdesk.gui.shell.main_window import MainWindow


def holds_a_role(store, member_id: str | None, today: dt.date) -> bool:
    if member_id is None:
        return False
    return any(member_id in term.holders for term in current_terms(store, today))


class FairnessPanel(TodayPanel):
    """One or two lines: how few did half of this month's work, and who is behind."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, "Fair share")
        self.text_label = panel_label()
        self.layout_.addWidget(self.text_label)
        self.text = ""

    def load(self) -> None:
        today = dt.date.today()
        if not holds_a_role(self.store, self.window_.session.member_id, today):
            self.text = ""
            self.setVisible(False)
            return
        report = work_report(self.store, this_month(today))
        lines = [report.headline("this month"), report.spread.fifth_sentence()]
        if report.behind:
            count = len(report.behind)
            lines.append(
                f"{count} member{'s are' if count != 1 else ' is'} behind on shifts: a kind"
                " word may help (see Reports)."
            )
        self.text = "\n".join(lines)
        self.text_label.setText(self.text)
        self.setVisible(True)

    def open_reports(self) -> None:
        cast("ReportsPage", self.window_.go_to("reports"))


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [FairnessPanel(window)]
