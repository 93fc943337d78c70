"""Queries for screens about what is coming read only what they need, with the same answers."""

from __future__ import annotations

import datetime as dt

from coopdesk.coop.members import add_member
from coopdesk.shifts import shifts
from coopdesk.store.store import Store

DAY = dt.date.today() + dt.timedelta(days=30)


def overbooked(store: Store, ana: str, starts_at: dt.datetime, hours: int = 3) -> str:
    shift = shifts.add_shift(
        store,
        ana,
        title=f"Shift at {starts_at:%H:%M}",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        capacity=1,
    )
    for name in ("Bo", "Cy"):
        member = add_member(store, ana, f"{name} {starts_at:%d%H}")
        shifts.sign_up(store, ana, shift, member, allow_waitlist=True)
    shifts.edit_shift(store, ana, shift, capacity=1)
    return shift


def test_overbooked_shifts_ending_after_a_moment_are_those_of_all_that_end_then_or_later(
    store: Store, ana: str
):
    noon = dt.datetime.combine(DAY, dt.time(12))
    past = overbooked(store, ana, noon - dt.timedelta(days=3))
    long_night = overbooked(store, ana, noon - dt.timedelta(hours=20), hours=22)  # ends 14:00
    ended = overbooked(store, ana, noon - dt.timedelta(hours=4))  # ended at 11:00
    later = overbooked(store, ana, noon + dt.timedelta(days=2))
    every = [v.id for v in shifts.overbooked_shifts(store)]
    assert set(every) == {past, long_night, ended, later}
    assert [v.id for v in shifts.overbooked_shifts(store, noon)] == [long_night, later]
    assert [v.id for v in shifts.overbooked_shifts(store, noon - dt.timedelta(days=30))] == every
