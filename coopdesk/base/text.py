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
