"""iCalendar export: what a phone's calendar reads back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar

from coopdesk.coop.members import add_member
from coopdesk.shifts import shifts
from coopdesk.shifts.ics import export_ics, shifts_to_ics
from coopdesk.store.store import Store

DAY = dt.date.today() + dt.timedelta(days=10)


def test_ics_events_carry_uid_floating_times_location_and_who_is_on_it(
    store: Store, ana: str, tmp_path: Path
):
    bo = add_member(store, ana, "Bo")
    start = dt.datetime.combine(DAY, dt.time(18))
    meal = shifts.add_shift(
        store,
        ana,
        title="Tuesday meal",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=1,
        site_id=store.site_id,
        description="Soup for 40",
    )
    desk = shifts.add_shift(
        store,
        ana,
        title="Front desk",
        starts_at=start + dt.timedelta(days=1),
        ends_at=start + dt.timedelta(days=1, hours=2),
        capacity=2,
    )
    shifts.sign_up(store, ana, meal, bo)
    shifts.sign_up(store, ana, meal, ana, allow_waitlist=True)
    shifts.sign_up(store, ana, desk, ana)

    calendar = Calendar.from_ical(
        shifts_to_ics(shifts.list_shifts(store, DAY, DAY + dt.timedelta(days=7)), "Coop shifts")
    )
    assert str(calendar["X-WR-CALNAME"]) == "Coop shifts"
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Tuesday meal", "Front desk"]
    first = events[0]
    assert str(first["UID"]) == f"{meal}@coopdesk"
    assert first.decoded("DTSTART") == start  # floating: no time zone
    assert first.decoded("DTSTART").tzinfo is None
    assert first.decoded("DTEND") == start + dt.timedelta(hours=3)
    assert str(first["LOCATION"]) == "Kitchen"
    description = str(first["DESCRIPTION"])
    assert "Soup for 40" in description
    assert "On this shift (1 of 1): Bo" in description
    assert "Waiting: Ana" in description

    path = tmp_path / "out" / "mine.ics"
    assert export_ics(store, path, member_id=bo, start=DAY, end=DAY + dt.timedelta(days=7)) == 1
    mine = Calendar.from_ical(path.read_bytes())
    assert [str(e["UID"]) for e in mine.walk("VEVENT")] == [f"{meal}@coopdesk"]
    assert "Bo" in str(mine["X-WR-CALNAME"])
    assert export_ics(store, path, start=DAY, end=DAY + dt.timedelta(days=7)) == 2
    assert [p.name for p in path.parent.iterdir()] == ["mine.ics"]  # no temporary left
