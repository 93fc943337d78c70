"""Shifts and sign-ups in the words people use: "Shop opening, Sat 5 Dec", and what the
Activity page says of a sign-up ("Thandiwe asked for a swap: Shop opening, Sat 5 Dec")."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import Words, formatting_locale, weekday_day_text

if TYPE_CHECKING:
    from coopdesk.store.store import Store

ATTENDANCE_WORDS = Words(
    {
        "attended": N_("as there"),
        "no-show": N_("as not there"),
        "excused": N_("as excused"),
        "pending": N_("as not yet recorded"),
    }
)


def shift_words(shift: dict[str, Any], stored: bool = False) -> str:
    """ "Shop opening, Sat 5 Dec": a shift as people name it (``stored``: in English, for
    text the store keeps, such as a mandate's use)."""
    start = dt.datetime.fromisoformat(str(shift["starts_at"]))
    if not stored and formatting_locale() is not None:
        return _("{title}, {day}").format(title=shift["title"], day=weekday_day_text(start))
    # What the store keeps stays English whatever the language (strftime's C locale).
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
    what = shift_words(shift) if shift else _("a shift")
    own = signup["member_id"] == author_id
    name = member["name"] if member else _("someone")
    if op == "insert":
        said = _("signed up for {what}") if own else _("put {name} on {what}")
    elif op == "archive":
        said = _("cancelled their place on {what}") if own else _("took {name} off {what}")
    elif op == "restore":
        said = _("signed up again for {what}") if own else _("put {name} back on {what}")
    elif "swap_wanted" in fields:
        if fields["swap_wanted"]:
            said = (
                _("asked for a swap: {what}") if own else _("asked for a swap for {name}: {what}")
            )
        else:
            said = (
                _("no longer wants a swap: {what}") if own else _("took back {name}'s swap: {what}")
            )
    elif "attendance" in fields:
        attendance = str(fields["attendance"])
        words = ATTENDANCE_WORDS.get(attendance, attendance)
        said = (
            _("marked themselves {words} on {what}")
            if own
            else _("marked {name} {words} on {what}")
        )
        return said.format(name=name, words=words, what=what)
    else:
        return None
    return said.format(name=name, what=what)
