"""Shifts as an iCalendar (.ics) file that phones and calendar apps import.

Times are floating local times (no time zone), as the store keeps them: a shift at 18:00
is at 18:00 on the phone of whoever imports it. The UID is the shift's id, so importing a
newer export updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coopdesk.base.files import write_atomically
from coopdesk.coop import identity
from coopdesk.shifts.shifts import ShiftView, list_shifts, my_shifts
from coopdesk.store.store import Store

PRODID = "-//CoopDesk//Shifts//EN"


def _description(shift: ShiftView) -> str:
    lines = []
    if shift.description:
        lines.append(shift.description)
    names = ", ".join(s.member_name for s in shift.confirmed) or "nobody yet"
    lines.append(f"On this shift ({shift.filled} of {shift.capacity}): {names}")
    if shift.waiting:
        lines.append("Waiting: " + ", ".join(s.member_name for s in shift.waiting))
    if shift.skills:
        lines.append("Skills needed: " + ", ".join(shift.skills))
    if shift.notes:
        lines.append(shift.notes)
    return "\n".join(lines)


def shifts_to_ics(shifts: list[ShiftView], calendar_name: str) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for shift in shifts:
        event = Event()
        event.add("uid", f"{shift.id}@coopdesk")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.fromisoformat(shift.starts_at))
        event.add("dtend", dt.datetime.fromisoformat(shift.ends_at))
        event.add("summary", shift.title)
        if shift.site_name:
            event.add("location", shift.site_name)
        event.add("description", _description(shift))
        event.add("status", "CANCELLED" if shift.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def export_ics(
    store: Store,
    path: Path | str,
    *,
    member_id: str | None = None,
    start: dt.date | str,
    end: dt.date | str,
) -> int:
    """Write the shifts in [start, end) (a member's, or all) to ``path``; returns how many.

    Written to a temporary name in the same folder and renamed, so a half-written file never
    stands under the chosen name.
    """

    target = Path(path)
    coop_name = identity(store).coop_name
    if member_id:
        member = store.require("member", member_id)
        shifts = my_shifts(store, member_id, start, end)
        name = f"{coop_name}: {member['name']}'s shifts"
    else:
        shifts = list_shifts(store, start, end)
        name = f"{coop_name}: shifts"
    data = shifts_to_ics(shifts, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data)
    return len(shifts)
