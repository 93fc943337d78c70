"""Dates in the window: picking one, and saying one (and a list of names) the way people say it.

Stored dates are ``datetime.date``/ISO text in the core; Qt's date widgets speak ``QDate``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

from coopdesk.base.text import day_text


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(day: dt.date) -> QDateEdit:
    """A date field with a calendar to pick from, showing the weekday ("Tue 1 Dec 2026")."""
    edit = QDateEdit(to_qdate(day))
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
        return f"overdue since {day_text(due, day)}"
    if due == day:
        return "due today"
    if due == day + dt.timedelta(days=1):
        return "due tomorrow"
    return f"due {day_text(due, day)}"


def to_datetime(value: Any) -> dt.datetime:
    """A shift time, whether the core hands out ``datetime`` or ISO text."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))
