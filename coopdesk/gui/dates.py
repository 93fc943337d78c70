"""Dates in the window: picking one, and saying one the way people say it.

Stored dates are ``datetime.date``/ISO text in the core; Qt's date widgets speak ``QDate``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit


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


def day_text(day: dt.date, today: dt.date | None = None) -> str:
    """ "3 December" (with the year when it is not this year's)."""
    text = f"{day.day} {day.strftime('%B')}"
    return text if day.year == (today or dt.date.today()).year else f"{text} {day.year}"
