"""A meeting-time poll's winning slot as an iCalendar (.ics) event.

Floating local time, like the shifts' calendar; the UID is the decision's id, so exporting
again (after a late vote moved the winner) updates the event instead of adding one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coopdesk.base.errors import ValidationError
from coopdesk.base.files import write_file
from coopdesk.base.i18n import _
from coopdesk.decisions.results import tally
from coopdesk.store.store import Store

PRODID = "-//CoopDesk//Decisions//EN"


def meeting_ics(store: Store, decision_id: str, now: dt.datetime | None = None) -> bytes:
    """The winning slot of a meeting-time poll as a calendar file's bytes."""
    from icalendar import Calendar, Event

    result = tally(store, decision_id, now)
    decision = result.decision
    if decision.kind != "meeting":
        raise ValidationError(
            _("“{title}” is not a meeting-time poll.").format(title=decision.title)
        )
    if result.hidden or not result.winners:
        raise ValidationError(
            _("“{title}” has no winning time yet").format(title=decision.title)
            + (_(" (its results show when it closes).") if result.hidden else ".")
        )
    slot = decision.option(result.winners[0])
    if slot is None or not slot.starts_at:
        raise ValidationError(
            _("“{title}”'s winning option has no time.").format(title=decision.title)
        )
    start = dt.datetime.fromisoformat(slot.starts_at)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{decision.id}@coopdesk")
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=slot.minutes))
    event.add("summary", decision.title)
    bar = next(bar for bar in result.bars if bar.key == slot.id)
    event.add(
        "description",
        "\n".join(
            filter(None, (decision.details, _("Chosen by poll: {text}.").format(text=bar.text)))
        ),
    )
    calendar.add_component(event)
    return calendar.to_ical()


def export_meeting_ics(
    store: Store, decision_id: str, path: Path | str, now: dt.datetime | None = None
) -> Path:
    """Write the winning slot to ``path`` (a file or a folder), by the rules of
    ``coopdesk.base.files``: temporary name first, then renamed; a clear error if it cannot."""
    data = meeting_ics(store, decision_id, now)
    title = str(store.require("decision", decision_id)["title"])
    word = "".join(ch if ch.isalnum() else "-" for ch in title)
    name = "-".join(part for part in word.split("-") if part)[:120] or "meeting"
    return write_file(path, data, default_name=f"{name}.ics")
