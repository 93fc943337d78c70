"""Today's tasks panel: the member's own tasks, and what is overdue."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from coopdesk.base.i18n import _, ngettext
from coopdesk.gui.kit.dates import due_text
from coopdesk.gui.kit.panels import Attention, TodayPanel, panel_label
from coopdesk.tasks import tasks as tasklist

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow
    from coopdesk.gui.tasks.page import TasksPage


class MyTasksPanel(TodayPanel):
    """The open tasks of the member at the keyboard; overdue tasks go to "Needs attention"."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("My tasks"))
        self.text_label = panel_label()
        self.layout_.addWidget(self.text_label)
        self.overdue: list[dict] = []
        window.session.member_changed.connect(self._member_changed)

    def load(self) -> None:
        today = dt.date.today()
        self.overdue = tasklist.overdue_tasks(self.store, today)
        me = self.window_.session.member_id
        if me is None:
            self.text_label.setText(_("Choose who you are (Ctrl+K) to see your tasks."))
            return
        mine = tasklist.my_tasks(self.store, me)
        if not mine:
            self.text_label.setText(_("Nothing assigned to you. Well done, or look at the board."))
            return
        lines = [
            "•  " + task["title"] + (f" · {due_text(task, today)}" if task["due_on"] else "")
            for task in mine[:MY_TASKS_SHOWN]
        ]
        if len(mine) > MY_TASKS_SHOWN:
            lines.append(
                _("…and {value} more on the Tasks page.").format(value=len(mine) - MY_TASKS_SHOWN)
            )
        self.text_label.setText("\n".join(lines))

    def _member_changed(self, _member_id: object) -> None:
        self.load()

    def attention_items(self) -> list[Attention]:
        if not self.overdue:
            return []
        named = ", ".join(
            f"{task['title']} ({task['assignee_name'] or 'nobody'})"
            for task in self.overdue[:OVERDUE_NAMED]
        )
        more = len(self.overdue) - OVERDUE_NAMED
        count = len(self.overdue)
        return [
            Attention(
                "tasks:overdue",
                ngettext(
                    "{count} overdue task: {named}", "{count} overdue tasks: {named}", count
                ).format(count=count, named=named)
                + (_(" and {more} more.").format(more=more) if more > 0 else "."),
                _("Show overdue"),
                self._show_overdue,
            )
        ]

    def _show_overdue(self) -> None:

        page = cast("TasksPage", self.window_.go_to("tasks"))
        page.show_overdue()


MY_TASKS_SHOWN = 6


OVERDUE_NAMED = 3


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [MyTasksPanel(window)]
