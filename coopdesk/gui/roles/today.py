"""Today's panels for roles and tasks: who holds which role, handovers, my tasks, overdue.

"Needs attention" gets the overdue tasks (one line, with a button to the list of them) and,
for the member at the keyboard, a handover whose notes they have not written yet.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy

from coopdesk.base.text import day_text, names_text
from coopdesk.gui.kit.dates import due_text
from coopdesk.gui.kit.widgets import muted
from coopdesk.gui.today.page import Attention, TodayPanel
from coopdesk.roles import rotation
from coopdesk.tasks import tasks as tasklist

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

HANDOVER_DAYS = 7
MY_TASKS_SHOWN = 6
OVERDUE_NAMED = 3


def _text_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    # Never squeezed below its text: a crowded Today page must not cut a line in half.
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class RolesNowPanel(TodayPanel):
    """Who holds each role this term, and until when."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, "Roles now")
        self.text_label = _text_label()
        self.layout_.addWidget(self.text_label)

    def load(self) -> None:
        today = dt.date.today()
        terms = rotation.current_terms(self.store, today)
        if not terms:
            muted(self.text_label)
            self.text_label.setText("No roles yet: everyone can do everything.")
            return
        self.text_label.setForegroundRole(QPalette.ColorRole.WindowText)
        self.text_label.setText(
            "\n".join(
                f"{term.role_name}: {names_text(term.holder_names)}, until "
                f"{day_text(term.ends_on, today)}"
                for term in terms
            )
        )


class HandoversPanel(TodayPanel):
    """Terms that end within a week: from whom to whom, and whether the notes are written."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, "Handovers in the next week")
        self.text_label = _text_label()
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
            notes = "notes written" if term.handover_notes else "no handover notes yet"
            lines.append(
                f"{term.role_name}: from {names_text(term.holder_names)} to "
                f"{names_text(following.holder_names)} on {day_text(following.starts_on, today)}"
                f" ({notes})"
            )
            if not term.handover_notes:
                self.unwritten.append(term)
        self.text_label.setText("\n".join(lines) or "No role changes hands this week.")

    def attention_items(self) -> list[Attention]:
        me = self.window_.session.member_id
        return [
            Attention(
                f"handover:{term.term_id}",
                f"{self.window_.session.member_name}, your term as {term.role_name} ends on "
                f"{day_text(term.ends_on)}: write the handover notes for whoever comes next.",
                "Write notes",
                lambda term=term: self._open(term),
            )
            for term in self.unwritten
            if me in term.holders
        ]

    def _open(self, term: rotation.Term) -> None:
        from coopdesk.gui.roles.page import RolesPage

        page = self.window_.go_to("roles")
        if isinstance(page, RolesPage) and page.select_role(term.role_id):
            page.select_term(term.starts_on)
            page.edit_handover()


class MyTasksPanel(TodayPanel):
    """The open tasks of the member at the keyboard; overdue tasks go to "Needs attention"."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, "My tasks")
        self.text_label = _text_label()
        self.layout_.addWidget(self.text_label)
        self.overdue: list[dict] = []
        window.session.member_changed.connect(self._member_changed)

    def load(self) -> None:
        today = dt.date.today()
        self.overdue = tasklist.overdue_tasks(self.store, today)
        me = self.window_.session.member_id
        if me is None:
            self.text_label.setText("Choose who you are (Ctrl+K) to see your tasks.")
            return
        mine = tasklist.my_tasks(self.store, me)
        if not mine:
            self.text_label.setText("Nothing assigned to you. Well done, or look at the board.")
            return
        lines = [
            "•  " + task["title"] + (f" · {due_text(task, today)}" if task["due_on"] else "")
            for task in mine[:MY_TASKS_SHOWN]
        ]
        if len(mine) > MY_TASKS_SHOWN:
            lines.append(f"…and {len(mine) - MY_TASKS_SHOWN} more on the Tasks page.")
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
                f"{count} overdue task{'s' if count != 1 else ''}: {named}"
                + (f" and {more} more." if more > 0 else "."),
                "Show overdue",
                self._show_overdue,
            )
        ]

    def _show_overdue(self) -> None:
        from coopdesk.gui.tasks.page import TasksPage

        page = self.window_.go_to("tasks")
        if isinstance(page, TasksPage):
            page.show_overdue()


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [RolesNowPanel(window), HandoversPanel(window), MyTasksPanel(window)]
