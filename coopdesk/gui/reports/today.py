"""Today's fair-share panel: each member's own share of this month's work, and for
coordinators the coop's fairness line ("3 members did half the work this month").

The member at the keyboard sees their own hours and share (their page, on a shared
workstation, is Today). Whoever holds a role this term (the coordinators of the moment) also
sees how the work is spread and how many are behind, so imbalance is seen by those who can
help correct it. It reads the work report of this month (no charts: Today stays light).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from coopdesk.base.i18n import _, ngettext
from coopdesk.gui.kit.panels import TodayPanel, panel_label
from coopdesk.reports.period import this_month
from coopdesk.reports.work import member_share_text, work_report
from coopdesk.roles import current_terms

if TYPE_CHECKING:
    from coopdesk.gui.reports.page import ReportsPage
    from coopdesk.gui.shell.main_window import MainWindow


def holds_a_role(store, member_id: str | None, today: dt.date) -> bool:
    if member_id is None:
        return False
    return any(member_id in term.holders for term in current_terms(store, today))


class FairnessPanel(TodayPanel):
    """Your share of this month's work; for role holders, how few did half of it, and who
    is behind."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Fair share"))
        self.text_label = panel_label()
        self.layout_.addWidget(self.text_label)
        self.reports_button = QPushButton(_("Open Reports"))
        self.reports_button.setAccessibleName(_("Open the Reports page"))
        self.reports_button.clicked.connect(self.open_reports)
        self.layout_.addWidget(self.reports_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.text = ""

    def load(self) -> None:
        today = dt.date.today()
        member_id = self.window_.session.member_id
        if member_id is None:
            self.text = ""
            self.setVisible(False)
            return
        report = work_report(self.store, this_month(today))
        lines = ["You: " + member_share_text(report, member_id)]
        coordinator = holds_a_role(self.store, member_id, today)
        self.reports_button.setVisible(coordinator)
        if not coordinator:
            self.text = "\n".join(lines)
            self.text_label.setText(self.text)
            self.setVisible(True)
            return
        lines += [report.headline("this month"), report.spread.fifth_sentence()]
        if report.behind:
            count = len(report.behind)
            lines.append(
                ngettext(
                    "{count} member is behind on shifts: a kind word may help (see Reports).",
                    "{count} members are behind on shifts: a kind word may help (see Reports).",
                    count,
                ).format(count=count)
            )
        self.text = "\n".join(lines)
        self.text_label.setText(self.text)
        self.setVisible(True)

    def open_reports(self) -> None:
        cast("ReportsPage", self.window_.go_to("reports"))


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [FairnessPanel(window)]
