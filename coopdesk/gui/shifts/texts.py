"""A shift's day, time and places in words; no widgets, so the Today page loads it cheaply."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coopdesk.base.i18n import LANGUAGES, SOURCE_LANGUAGE, _, current_language, ngettext
from coopdesk.base.text import left_to_right, short_day_text, weekday_day_text
from coopdesk.gui.kit.dates import to_datetime

if TYPE_CHECKING:
    from coopdesk.shifts.shifts import ShiftView


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _babel_locale() -> str | None:
    """The language for Babel's day and month names; None: English, as written here."""
    language = current_language()
    return language if language in LANGUAGES and language != SOURCE_LANGUAGE else None


def weekday_names() -> list[str]:
    """Monday to Sunday in the window's language."""
    locale = _babel_locale()
    if locale is None:
        return list(WEEKDAYS)
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=locale)
    return [str(names[index]) for index in range(7)]  # Babel counts from Monday, as Python


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def short_date(day: dt.date) -> str:
    """``Tue 2 Dec``, "mar 2 dic", "الثلاثاء 2 ديسمبر" (base.text's, as everywhere else)."""
    return weekday_day_text(day)


def long_date(day: dt.date) -> str:
    locale = _babel_locale()
    if locale is not None:
        from babel.dates import format_date

        return format_date(day, "EEEE d MMMM y", locale=locale)
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day.strftime('%B %Y')}"


def week_title(week_start: dt.date) -> str:
    """``1 – 7 December 2026``, ``29 December 2026 – 4 January 2027``."""
    end = week_start + dt.timedelta(days=6)
    locale = _babel_locale()
    if locale is not None:
        from babel.dates import format_interval

        return format_interval(week_start, end, "yMMMd", locale=locale)
    if week_start.year != end.year:
        return (
            f"{week_start.day} {week_start.strftime('%B %Y')} – {end.day} {end.strftime('%B %Y')}"
        )
    if week_start.month != end.month:
        return f"{week_start.day} {week_start.strftime('%B')} – {end.day} {end.strftime('%B %Y')}"
    return f"{week_start.day} – {end.day} {end.strftime('%B %Y')}"


def time_range(shift: ShiftView) -> str:
    start, end = to_datetime(shift.starts_at), to_datetime(shift.ends_at)
    text = left_to_right(f"{start:%H:%M}–{end:%H:%M}")
    if end.date() > start.date():
        text += " " + (
            _("(+1 day)") if (end.date() - start.date()).days == 1 else f"({short_day_text(end)})"
        )
    return text


def places_text(shift: ShiftView, compact: bool = False) -> str:
    """``2 / 3 · needs 1``, ``3 / 3 · full``, ``3 / 2 · overbooked`` (``overbooked · 3/2``)."""
    signed_up = len(shift.confirmed) + len(shift.waiting)
    if shift.status == "overbooked":
        filled, words = signed_up, _("overbooked")
    elif shift.status == "full":
        filled, words = shift.filled, _("full")
    else:
        missing = shift.capacity - shift.filled
        filled, words = shift.filled, _("needs {count}").format(count=missing)
    if compact:  # the words first: a narrow day (large text) cuts the end, not them
        return f"{words} · {filled}/{shift.capacity}"
    return f"{filled} / {shift.capacity} · {words}"


def overbooked_sentence(shift: ShiftView) -> str:
    """``3 signed up for 2 places: Ravi is waiting.`` (the words every site shows alike)."""
    signed_up = len(shift.confirmed) + len(shift.waiting)
    names = [signup.member_name for signup in shift.waiting]
    who = (
        names[0]
        if len(names) == 1
        else _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])
    )
    places = ngettext(
        "{signed_up} signed up for {capacity} place:",
        "{signed_up} signed up for {capacity} places:",
        shift.capacity,
    ).format(signed_up=signed_up, capacity=shift.capacity)
    waiting = ngettext("{who} is waiting.", "{who} are waiting.", len(names)).format(who=who)
    return f"{places} {waiting}"
