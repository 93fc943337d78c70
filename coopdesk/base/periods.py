"""Days grouped into weeks or months, the same in SQL and in Python.

Reports count work and stock by day, week (Monday to Sunday) or month. The features' report
queries group rows in SQL with ``bucket_sql``; the reports fill the buckets nothing happened
in with ``buckets``. Both name a bucket by its first day (``2026-03-02``), so they agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

By = Literal["day", "week", "month"]
BY_CHOICES: tuple[By, ...] = ("day", "week", "month")


def bucket_sql(column: str, by: By) -> str:
    """An SQL expression naming the bucket (its first day) of a date or date-time column."""
    day = f"substr({column}, 1, 10)"
    if by == "day":
        return day
    if by == "week":
        # strftime('%w') is 0 for Sunday; the Monday before (or on) the day.
        return f"date({day}, printf('-%d days', (CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7))"
    if by == "month":
        return f"substr({column}, 1, 7) || '-01'"
    raise ValueError(f"unknown bucket {by!r}")


def bucket_of(day: dt.date, by: By) -> dt.date:
    """The first day of the bucket holding ``day``."""
    if by == "day":
        return day
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown bucket {by!r}")


def next_bucket(start: dt.date, by: By) -> dt.date:
    if by == "day":
        return start + dt.timedelta(days=1)
    if by == "week":
        return start + dt.timedelta(days=7)
    if by == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    raise ValueError(f"unknown bucket {by!r}")


def buckets(start: dt.date, end: dt.date, by: By) -> list[dt.date]:
    """The first day of every bucket from the one holding ``start`` to the one holding ``end``."""
    found: list[dt.date] = []
    current = bucket_of(start, by)
    while current <= end:
        found.append(current)
        current = next_bucket(current, by)
    return found
