"""Shifts and sign-ups in the words people use: "Shop opening, Sat 5 Dec", and what the
Activity page says of a sign-up ("Thandiwe asked for a swap: Shop opening, Sat 5 Dec")."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coopdesk.store.store import Store

ATTENDANCE_WORDS = {
    "attended": "as there",
    "no-show": "as not there",
    "excused": "as excused",
    "pending": "as not yet recorded",
}


def shift_words(shift: dict[str, Any]) -> str:
    """ "Shop opening, Sat 5 Dec": a shift as people name it."""
    start = dt.datetime.fromisoformat(str(shift["starts_at"]))
    return f"{shift['title']}, {start:%a} {start.day} {start:%b}"


def signup_phrase(
    store: Store, op: str, row_id: str, fields: dict[str, Any], author_id: str
) -> str | None:
    """What a change to a sign-up did, as a sentence after the author's name; None to
    leave it to the generic words."""
    signup = store.get("shift_signup", row_id)
    if signup is None:
        return None
    shift = store.get("shift", signup["shift_id"])
    member = store.get("member", signup["member_id"])
    what = shift_words(shift) if shift else "a shift"
    own = signup["member_id"] == author_id
    name = member["name"] if member else "someone"
    if op == "insert":
        return f"signed up for {what}" if own else f"put {name} on {what}"
    if op == "archive":
        return f"cancelled their place on {what}" if own else f"took {name} off {what}"
    if op == "restore":
        return f"signed up again for {what}" if own else f"put {name} back on {what}"
    if "swap_wanted" in fields:
        if fields["swap_wanted"]:
            return f"asked for a swap: {what}" if own else f"asked for a swap for {name}: {what}"
        return f"no longer wants a swap: {what}" if own else f"took back {name}'s swap: {what}"
    if "attendance" in fields:
        words = ATTENDANCE_WORDS.get(str(fields["attendance"]), str(fields["attendance"]))
        return f"marked {'themselves' if own else name} {words} on {what}"
    return None
