"""Words for people, the same everywhere: counts, lists of names, days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def day_text(day: dt.date, today: dt.date | None = None) -> str:
    """ "3 December" (with the year when it is not this year's)."""
    text = f"{day.day} {day.strftime('%B')}"
    return text if day.year == (today or dt.date.today()).year else f"{text} {day.year}"


def names_text(names: Sequence[str], nobody: str = "nobody") -> str:
    """ "Ana", "Ana and Tomás", "Ana, Bongani and Tomás"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names) or nobody
    return ", ".join(names[:-1]) + " and " + names[-1]


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def span_text(start: dt.date, end: dt.date, today: dt.date | None = None) -> str:
    """ "3 – 30 November", "28 November – 25 December" (years only when not this year)."""
    end_text = day_text(end, today)
    if start.year == end.year and start.month == end.month:
        return f"{start.day} – {end_text}"
    if start.year == end.year:
        return f"{start.day} {start.strftime('%B')} – {end_text}"
    return f"{start.day} {start.strftime('%B')} {start.year} – {end_text}"


def term_length_text(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
