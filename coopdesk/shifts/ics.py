"""Shifts as an iCalendar (.ics) file that phones and calendar apps import, and that keeps
following the shifts when it is imported again.

- **Changes.** A shift that was cancelled, or a sign-up the member cancelled, stays in the
  next export as ``STATUS:CANCELLED`` (a member's calendar lists every shift they were ever
  signed up for in the window), so calendar apps remove it instead of keeping it forever.
  Every event has ``SEQUENCE`` (how many changes the shift and its sign-ups have had) and
  ``LAST-MODIFIED`` (when the last of them was made), both read from the change log, which
  every site holds whole: every site and every re-export write the same values, and they
  only grow. ``DTSTAMP`` is ``LAST-MODIFIED`` too (RFC 5545 3.8.7.2: without a METHOD it is
  when the event was last revised), so an unchanged calendar exports to the same bytes.
- **Time zone.** The store keeps local times; the file writes them in the coop's time zone
  (a coop setting, default this computer's zone) with its VTIMEZONE, so a phone in another
  zone shows the right hour. Only when no zone is known at all do times stay floating.
- **Never empty.** RFC 5545 wants at least one component in a calendar: the coop's
  VTIMEZONE is always there, so a member with no shifts still gets a valid calendar.
- **The same UID everywhere.** The UID is the shift's id, the same at every site.

Calendars: all shifts, a member's, a site's or a shift type's (or a mix of these).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from coopdesk.base.files import Written, write_file
from coopdesk.base.i18n import _
from coopdesk.coop import coop_time_zone, identity
from coopdesk.shifts.shifts import ShiftView, list_shifts
from coopdesk.store.hlc import wall_seconds
from coopdesk.store.schema import DateTimeLike, datetime_text
from coopdesk.store.store import Store

PRODID = "-//CoopDesk//Shifts//EN"
# A zone without any event still needs a range for its VTIMEZONE (RFC 5545 3.6.5).
ZONE_MARGIN = dt.timedelta(days=1)


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a calendar: the shift, and what the file says about it."""

    shift: ShiftView
    status: str  # CONFIRMED, TENTATIVE (on the waiting list) or CANCELLED
    sequence: int
    modified: dt.datetime  # UTC, whole seconds


def _description(shift: ShiftView) -> str:
    lines = []
    if shift.cancelled:
        lines.append(_("This shift was cancelled."))
    if shift.description:
        lines.append(shift.description)
    names = ", ".join(s.member_name for s in shift.confirmed) or _("nobody yet")
    lines.append(
        _("On this shift ({filled} of {capacity}): {names}").format(
            filled=shift.filled, capacity=shift.capacity, names=names
        )
    )
    if shift.waiting:
        waiting = ", ".join(s.member_name for s in shift.waiting)
        lines.append(_("Waiting: {names}").format(names=waiting))
    if shift.skills:
        lines.append(_("Skills needed: {skills}").format(skills=", ".join(shift.skills)))
    if shift.notes:
        lines.append(shift.notes)
    return "\n".join(lines)


# -- what changed, from the change log ----------------------------------------------------------


def _history(store: Store, shift_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per shift: (changes to it and to its sign-ups, the latest of their timestamps).

    Both are functions of the change log, which is the same at every site once bundles
    went round, and they only ever grow.
    """
    ids = json.dumps(shift_ids)
    found: dict[str, tuple[int, int]] = {}
    queries = (
        "SELECT row_id, count(*), max(hlc) FROM _change WHERE tbl = 'shift'"
        " AND row_id IN (SELECT value FROM json_each(?)) GROUP BY row_id",
        "SELECT su.shift_id, count(*), max(c.hlc) FROM _change c"
        " JOIN shift_signup su ON su.id = c.row_id WHERE c.tbl = 'shift_signup'"
        " AND su.shift_id IN (SELECT value FROM json_each(?)) GROUP BY su.shift_id",
    )
    for sql in queries:
        for shift_id, count, latest in store.conn.execute(sql, (ids,)):
            before_count, before_latest = found.get(shift_id, (0, 0))
            found[shift_id] = (before_count + int(count), max(before_latest, int(latest)))
    return found


def _signup_states(store: Store, member_id: str, shift_ids: list[str]) -> dict[str, bool]:
    """Whether ``member_id``'s sign-up for each shift is active (False: they cancelled it)."""
    rows = store.conn.execute(
        "SELECT shift_id, _cl % 2 = 1 FROM shift_signup"
        " WHERE member_id = ? AND shift_id IN (SELECT value FROM json_each(?))",
        (member_id, json.dumps(shift_ids)),
    )
    return {shift_id: bool(active) for shift_id, active in rows}


def _utc(stamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(wall_seconds(stamp)), dt.UTC)


def calendar_entries(
    store: Store,
    start: DateTimeLike,
    end: DateTimeLike,
    *,
    member_id: str | None = None,
    site_id: str | None = None,
    shift_type_id: str | None = None,
) -> list[CalendarEntry]:
    """The events of a calendar of the shifts starting in [start, end), cancelled ones too."""
    shifts = list_shifts(
        store,
        start,
        end,
        site_id=site_id,
        shift_type_id=shift_type_id,
        member_id=member_id,
        include_cancelled=True,
    )
    ids = [shift.id for shift in shifts]
    history = _history(store, ids) if ids else {}
    mine = _signup_states(store, member_id, ids) if member_id and ids else {}
    entries = []
    for shift in shifts:
        count, latest = history.get(shift.id, (1, 0))
        if shift.cancelled or (member_id and not mine.get(shift.id, False)):
            status = "CANCELLED"
        elif member_id and any(s.member_id == member_id for s in shift.waiting):
            status = "TENTATIVE"
        else:
            status = "CONFIRMED"
        entries.append(CalendarEntry(shift, status, max(count - 1, 0), _utc(latest)))
    return entries


# -- the file -----------------------------------------------------------------------------------


def _local(text: str, zone: dt.tzinfo | None) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if zone is None else moment.replace(tzinfo=zone)


def entries_to_ics(
    entries: list[CalendarEntry],
    calendar_name: str,
    zone_name: str | None,
    start: DateTimeLike,
    end: DateTimeLike,
) -> bytes:
    """The calendar as bytes: the zone's VTIMEZONE (always), then one VEVENT per entry."""
    from icalendar import Calendar, Event, Timezone

    zone = None
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    first = dt.datetime.fromisoformat(datetime_text(start)).date() - ZONE_MARGIN
    last = dt.datetime.fromisoformat(datetime_text(end)).date() + ZONE_MARGIN
    for entry in entries:  # a shift moved outside the window still needs its zone's rules
        first = min(first, dt.date.fromisoformat(entry.shift.starts_at[:10]) - ZONE_MARGIN)
        last = max(last, dt.date.fromisoformat(entry.shift.ends_at[:10]) + ZONE_MARGIN)
    if zone_name:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(zone_name)
        calendar.add("x-wr-timezone", zone_name)
        calendar.add_component(Timezone.from_tzid(zone_name, first_date=first, last_date=last))
    else:  # no zone known: floating times, and UTC's VTIMEZONE keeps the calendar valid
        calendar.add_component(Timezone.from_tzid("Etc/UTC", first_date=first, last_date=last))
    for entry in entries:
        shift = entry.shift
        event = Event()
        event.add("uid", f"{shift.id}@coopdesk")
        event.add("dtstamp", entry.modified)
        event.add("last-modified", entry.modified)
        event.add("sequence", entry.sequence)
        event.add("dtstart", _local(shift.starts_at, zone))
        event.add("dtend", _local(shift.ends_at, zone))
        event.add("summary", shift.title)
        if shift.site_name:
            event.add("location", shift.site_name)
        event.add("description", _description(shift))
        event.add("status", entry.status)
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_name(
    store: Store,
    *,
    member_id: str | None = None,
    site_id: str | None = None,
    shift_type_id: str | None = None,
) -> str:
    """ "Riverside: Ana's shifts", "Riverside: shifts at Kitchen", "Riverside: Front desk"."""
    parts = []
    if shift_type_id:
        parts.append(str(store.require("shift_type", shift_type_id)["title"]))
    if member_id:
        parts.append(_("{name}'s shifts").format(name=store.require("member", member_id)["name"]))
    elif not shift_type_id:
        parts.append(_("shifts"))
    what = " ".join(parts)
    if site_id:
        what = _("{what} at {site}").format(what=what, site=store.require("site", site_id)["name"])
    return f"{identity(store).coop_name}: {what}"


def calendar_file_name(name: str) -> str:
    """A file name from a calendar's name ("Riverside-Ana-s-shifts.ics")."""
    word = "".join(ch if ch.isalnum() else "-" for ch in name)
    return "-".join(part for part in word.split("-") if part)[:120] + ".ics"


def export_ics(
    store: Store,
    path: Path | str,
    *,
    member_id: str | None = None,
    site_id: str | None = None,
    shift_type_id: str | None = None,
    start: DateTimeLike,
    end: DateTimeLike,
) -> Written:
    """Write the calendar of the shifts in [start, end) to ``path`` (a file or a folder).

    By the rules of ``coopdesk.base.files``: never half a file, the folder must exist, and
    the file gets the permissions of any file the user makes (it is for sharing). Returns
    where it went and how many events it holds (cancelled ones included).
    """
    options = {"member_id": member_id, "site_id": site_id, "shift_type_id": shift_type_id}
    name = calendar_name(store, **options)
    entries = calendar_entries(store, start, end, **options)
    data = entries_to_ics(entries, name, coop_time_zone(store), start, end)
    written = write_file(path, data, default_name=calendar_file_name(name))
    return Written(written, len(entries))
