"""Worked examples for the reports: shifts worked, tasks done, stock moved, on known days."""

from __future__ import annotations

import datetime as dt

from coopdesk.shifts.shifts import add_shift, record_attendance, sign_up
from coopdesk.store.store import Store

TODAY = dt.date.today()
# A fixed month well in the past, so the examples' days never move with the calendar.
MONTH_START = dt.date(2025, 3, 1)
MONTH_END = dt.date(2025, 3, 31)


def worked(
    store: Store,
    author: str,
    members: list[str],
    day: dt.date,
    hours: float,
    *,
    site_id: str | None = None,
    attendance: str = "attended",
) -> str:
    """A shift of ``hours`` on ``day`` at 10:00 that ``members`` signed up for and attended."""
    start = dt.datetime.combine(day, dt.time(10))
    end = start + dt.timedelta(minutes=round(hours * 60))
    shift = add_shift(
        store,
        author,
        title="Shop opening",
        starts_at=start,
        ends_at=end,
        capacity=max(1, len(members)),
        site_id=site_id or store.site_id,
    )
    for member in members:
        sign_up(store, author, shift, member, now=start - dt.timedelta(days=3))
        record_attendance(store, author, shift, member, attendance, now=end)
    return shift


def done_on(store: Store, author: str, task_id: str, member: str, when: dt.datetime) -> None:
    """Mark a task done by ``member`` at ``when`` (the window and CLI say "now")."""
    with store.transaction(author) as tx:
        tx.update("task", task_id, {"status": "done", "done_at": when, "done_by": member})
