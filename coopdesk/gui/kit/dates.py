"""Dates in the window: picking one, and saying one (and a list of names) the way people say it.

Stored dates are ``datetime.date``/ISO text in the core; Qt's date widgets speak ``QDate``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateEdit

from coopdesk.base.i18n import _
from coopdesk.base.text import day_text


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """A date field that says when it could not take what was typed.

    Qt's date field quietly makes something else of what it cannot take: "31" typed as the
    day of February gives the 3rd (and the "1" is dropped), a year typed as "20" goes back
    to the old year when the field is left. Here a key that changes nothing, or leaving a
    field that Qt then rewrites, is ``refused``: a sentence saying what the date is now
    ("The date could not take “31” as typed: it is now Tue 3 Feb 2026. ..."), which
    ``FormDialog`` shows; saving waits until the person has seen it.
    """

    refused = Signal(str)

    def __init__(self, day: QDate) -> None:
        super().__init__(day)
        self._typed = ""
        self.problem = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        before = self.lineEdit().text()
        super().keyPressEvent(event)
        after = self.lineEdit().text()
        if event.text().isdigit():
            self._typed += event.text()
            if before == after:
                self._say_refused()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and before != after:
            self._say_refused()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._typed = ""
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        before = self.lineEdit().text()
        super().focusOutEvent(event)
        if before != self.lineEdit().text():  # Qt rewrote what it could not take
            self._say_refused()

    def _say_refused(self) -> None:
        typed = f" “{self._typed}”" if self._typed else _(" what was typed")
        now = self.date().toString(self.displayFormat())
        self.problem = _(
            "The date could not take{typed} as typed: it is now {now}. Check it, or "
            "pick the date from the calendar."
        ).format(typed=typed, now=now)
        self.refused.emit(self.problem)


def date_edit(day: dt.date) -> QDateEdit:
    """A date field with a calendar to pick from, showing the weekday ("Tue 1 Dec 2026").

    It says when it could not take what was typed (see ``DateEdit``)."""
    edit = DateEdit(to_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    return edit


def due_text(task: dict[str, Any], today: dt.date | None = None) -> str:
    """ "due 3 December", "due today", "overdue since 1 December"."""
    if not task.get("due_on"):
        return ""
    due = dt.date.fromisoformat(str(task["due_on"]))
    day = today or dt.date.today()
    if task.get("status") != "done" and due < day:
        return _("overdue since {day}").format(day=day_text(due, day))
    if due == day:
        return _("due today")
    if due == day + dt.timedelta(days=1):
        return _("due tomorrow")
    return _("due {day}").format(day=day_text(due, day))


def to_datetime(value: Any) -> dt.datetime:
    """A shift time, whether the core hands out ``datetime`` or ISO text."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))
