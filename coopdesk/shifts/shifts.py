"""Shifts and sign-ups: who works when, and who is confirmed when a shift is overbooked.

Capacity cannot be guaranteed offline: two sites may each give away the last place, and after
a sync the shift holds more sign-ups than places. Nothing is deleted then. Every site orders
the active sign-ups the same way, by ``(signed_up_at, site_id, member_id)`` (all synced
data), confirms the first ``capacity`` and shows the rest as waiting, until a coordinator
cancels a sign-up or raises the capacity. Locally a full shift refuses new sign-ups unless
the member is knowingly put on the waiting list.

A sign-up's id derives from shift and member, so signing the same member up at two sites
makes one row; cancelling archives it and signing up again restores it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import moment_text
from coopdesk.shifts.tables import ATTENDANCE
from coopdesk.shifts.words import shift_words
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import DateTimeLike, datetime_text
from coopdesk.store.store import Store

SHIFT_STATUSES = ("open", "full", "overbooked")
# Fields of a shift that edit_shift may change.
EDITABLE = (
    "title",
    "description",
    "site_id",
    "shift_type_id",
    "starts_at",
    "ends_at",
    "capacity",
    "skills",
    "notes",
)


@dataclass(frozen=True)
class SignupView:
    """One active sign-up as every site shows it."""

    signup_id: str
    member_id: str
    member_name: str
    signed_up_at: str
    site_id: str | None
    attendance: str
    makeup: bool
    swap_wanted: bool
    taken_over_from: str | None
    confirmed: bool


@dataclass(frozen=True)
class ShiftView:
    """A shift with its confirmed and waiting members, computed by the confirmation rule."""

    id: str
    title: str
    description: str
    site_id: str | None
    site_name: str
    shift_type_id: str | None
    template_id: str | None
    starts_at: str
    ends_at: str
    capacity: int
    skills: list[str] = field(default_factory=list)
    notes: str = ""
    confirmed: list[SignupView] = field(default_factory=list)
    waiting: list[SignupView] = field(default_factory=list)
    status: str = "open"  # "open" | "full" | "overbooked"
    cancelled: bool = False

    @property
    def filled(self) -> int:
        return len(self.confirmed)

    @property
    def hours(self) -> float:
        return minutes_between(self.starts_at, self.ends_at) / 60

    @property
    def signups(self) -> list[SignupView]:
        """Everyone on the shift: confirmed first, then waiting, in line order."""
        return [*self.confirmed, *self.waiting]

    def has_member(self, member_id: str) -> bool:
        return any(signup.member_id == member_id for signup in self.signups)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["filled"] = self.filled
        data["hours"] = self.hours
        return data


# -- dates and times -----------------------------------------------------------------------


def minutes_between(starts_at: str, ends_at: str) -> int:
    delta = dt.datetime.fromisoformat(ends_at) - dt.datetime.fromisoformat(starts_at)
    return int(delta.total_seconds() // 60)


def _now(now: dt.datetime | None) -> str:
    return datetime_text(now or dt.datetime.now())


def _pretty(when: str) -> str:
    return moment_text(dt.datetime.fromisoformat(when))


def signup_id_for(shift_id: str, member_id: str) -> str:
    return derived_id("shift_signup", shift_id, member_id)


# -- the confirmation rule ------------------------------------------------------------------


def line_order(signup: dict[str, Any]) -> tuple[str, str, str]:
    """Who comes first on a shift: a function of synced data only, the same at every site."""
    return (signup["signed_up_at"], signup["site_id"] or "", signup["member_id"])


def shift_status(active: int, capacity: int) -> str:
    if active > capacity:
        return "overbooked"
    return "full" if active == capacity else "open"


def _build_view(row: dict[str, Any], signups: list[dict[str, Any]]) -> ShiftView:
    ordered = sorted(signups, key=line_order)
    capacity = int(row["capacity"])
    views = [
        SignupView(
            signup_id=s["id"],
            member_id=s["member_id"],
            member_name=s["member_name"] or _("(unknown member)"),
            signed_up_at=s["signed_up_at"],
            site_id=s["site_id"],
            attendance=s["attendance"],
            makeup=bool(s["makeup"]),
            swap_wanted=bool(s["swap_wanted"]),
            taken_over_from=s["taken_over_from"],
            confirmed=index < capacity,
        )
        for index, s in enumerate(ordered)
    ]
    return ShiftView(
        id=row["id"],
        title=row["title"],
        description=row["description"] or "",
        site_id=row["site_id"],
        site_name=row["site_name"] or "",
        shift_type_id=row["shift_type_id"],
        template_id=row["template_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        capacity=capacity,
        skills=json.loads(row["skills"] or "[]"),
        notes=row["notes"] or "",
        confirmed=views[:capacity],
        waiting=views[capacity:],
        status=shift_status(len(views), capacity),
        cancelled=row["_cl"] % 2 == 0,
    )


_SHIFT_COLUMNS = """s.id, s.title, s.description, s.site_id, s.shift_type_id, s.template_id,
    s.starts_at, s.ends_at, s.capacity, s.skills, s.notes, s._cl, site.name AS site_name"""
_SIGNUP_COLUMNS = """su.id, su.shift_id, su.member_id, su.signed_up_at, su.site_id,
    su.attendance, su.makeup, su.swap_wanted, su.taken_over_from, m.name AS member_name"""


def _views(store: Store, where: str, params: list[Any]) -> list[ShiftView]:
    """Shifts matching ``where`` (over ``shift s``) with their sign-ups: two queries in all."""
    shifts = store.query(
        f"SELECT {_SHIFT_COLUMNS} FROM shift s LEFT JOIN site ON site.id = s.site_id"
        f" WHERE {where} ORDER BY s.starts_at, s.title, s.id",
        params,
    )
    if not shifts:
        return []
    by_shift: dict[str, list[dict[str, Any]]] = {row["id"]: [] for row in shifts}
    signups = store.query(
        f"SELECT {_SIGNUP_COLUMNS} FROM shift_signup su"
        " LEFT JOIN member m ON m.id = su.member_id"
        " WHERE su._cl % 2 = 1 AND su.shift_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(by_shift)),),
    )
    for signup in signups:
        by_shift[signup["shift_id"]].append(signup)
    return [_build_view(row, by_shift[row["id"]]) for row in shifts]


# -- reading --------------------------------------------------------------------------------


def _range(start: DateTimeLike, end: DateTimeLike) -> tuple[str, str]:
    lower = datetime_text(start, N_("From"))
    upper = datetime_text(end, N_("To"))
    return lower, upper


def list_shifts(
    store: Store,
    start: DateTimeLike,
    end: DateTimeLike,
    *,
    site_id: str | None = None,
    shift_type_id: str | None = None,
    member_id: str | None = None,
    include_cancelled: bool = False,
) -> list[ShiftView]:
    """Active shifts starting in [start, end), ordered by start, title and id.

    A date means that day at 00:00, so ``list_shifts(store, monday, next_monday)`` is a week.
    ``include_cancelled`` adds cancelled shifts (marked ``cancelled``) and, with
    ``member_id``, the shifts whose sign-up the member cancelled: what a calendar that
    follows changes must still list, to mark them cancelled.
    """
    lower, upper = _range(start, end)
    alive = "" if include_cancelled else " AND s._cl % 2 = 1"
    where = f"s.starts_at >= ? AND s.starts_at < ?{alive}"
    params: list[Any] = [lower, upper]
    if site_id:
        where += " AND s.site_id = ?"
        params.append(site_id)
    if shift_type_id:
        where += " AND s.shift_type_id = ?"
        params.append(shift_type_id)
    if member_id:
        where += (
            " AND EXISTS (SELECT 1 FROM shift_signup x WHERE x.shift_id = s.id"
            f" AND x.member_id = ?{'' if include_cancelled else ' AND x._cl % 2 = 1'})"
        )
        params.append(member_id)
    return _views(store, where, params)


def get_shift(store: Store, shift_id: str) -> ShiftView:
    """One shift (also a cancelled one, marked ``cancelled``)."""
    views = _views(store, "s.id = ?", [shift_id])
    if not views:
        store.require("shift", shift_id)  # raises NotFoundError with the usual message
    return views[0]


def my_shifts(
    store: Store, member_id: str, start: DateTimeLike, end: DateTimeLike | None = None
) -> list[ShiftView]:
    """The shifts a member is on (confirmed or waiting) from ``start``; a year if no end."""
    if end is None:
        end = dt.datetime.fromisoformat(datetime_text(start)) + dt.timedelta(days=366)
    return list_shifts(store, start, end, member_id=member_id)


def shifts_needing_people(store: Store, start: DateTimeLike, end: DateTimeLike) -> list[ShiftView]:
    """Shifts in [start, end) with places left."""
    return [view for view in list_shifts(store, start, end) if view.status == "open"]


def overbooked_shifts(store: Store, ends_after: DateTimeLike | None = None) -> list[ShiftView]:
    """Every active shift holding more sign-ups than places; with ``ends_after``, only those
    ending then or later (through the start-time index: a shift lasts at most 24 hours), so
    a screen about what is coming does not read every shift the coop ever had."""
    where = (
        "s._cl % 2 = 1 AND s.capacity < (SELECT count(*) FROM shift_signup x"
        " WHERE x.shift_id = s.id AND x._cl % 2 = 1)"
    )
    params: list[Any] = []
    if ends_after is not None:
        after = datetime_text(ends_after, N_("Ends after"))
        earliest = dt.datetime.fromisoformat(after) - dt.timedelta(days=1)
        where += " AND s.starts_at >= ? AND s.ends_at >= ?"
        params += [datetime_text(earliest), after]
    return _views(store, where, params)


# -- writing: shifts ------------------------------------------------------------------------


def check_times(starts_at: str, ends_at: str) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            _(
                "The shift ends ({pretty}) before it starts ({pretty2}): give an end "
                "after the start."
            ).format(pretty=_pretty(ends_at), pretty2=_pretty(starts_at))
        )
    if minutes_between(starts_at, ends_at) > 24 * 60:
        raise ValidationError(_("A shift lasts at most 24 hours: split longer work into shifts."))


def check_capacity(capacity: Any) -> int:
    try:
        number = int(capacity)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Capacity {capacity!r} must be a whole number of people.").format(capacity=capacity)
        ) from None
    if number < 1:
        raise ValidationError(
            _(
                "A shift needs at least one person (capacity {number}): give a capacity "
                "of 1 or more."
            ).format(number=number)
        )
    return number


def add_shift(
    store: Store,
    author: str,
    *,
    title: str,
    starts_at: DateTimeLike,
    ends_at: DateTimeLike,
    capacity: int,
    site_id: str | None = None,
    description: str = "",
    shift_type_id: str | None = None,
    skills: Any = (),
    notes: str = "",
) -> str:
    """A one-off shift. Returns its id."""
    start = datetime_text(starts_at, N_("Starts"))
    end = datetime_text(ends_at, N_("Ends"))
    check_times(start, end)
    fields = {
        "title": title,
        "description": description,
        "site_id": site_id or None,
        "shift_type_id": shift_type_id or None,
        "starts_at": start,
        "ends_at": end,
        "capacity": check_capacity(capacity),
        "skills": list(skills) if not isinstance(skills, str) else skills,
        "notes": notes,
    }
    with store.transaction(author) as tx:
        return tx.insert("shift", fields)


def edit_shift(store: Store, author: str, shift_id: str, **fields: Any) -> None:
    """Change a shift's details. Raising the capacity is one way to resolve overbooking."""
    with store.transaction(author) as tx:
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValidationError(
                _("A shift has no editable field called {unknown}.").format(
                    unknown=", ".join(sorted(unknown))
                )
            )
        current = store.require("shift", shift_id)
        if "starts_at" in fields:
            fields["starts_at"] = datetime_text(fields["starts_at"], N_("Starts"))
        if "ends_at" in fields:
            fields["ends_at"] = datetime_text(fields["ends_at"], N_("Ends"))
        if "capacity" in fields:
            fields["capacity"] = check_capacity(fields["capacity"])
        if "starts_at" in fields or "ends_at" in fields:
            check_times(
                fields.get("starts_at", current["starts_at"]),
                fields.get("ends_at", current["ends_at"]),
            )
        for ref in ("site_id", "shift_type_id"):
            if ref in fields:
                fields[ref] = fields[ref] or None
        tx.update("shift", shift_id, fields)


def cancel_shift(store: Store, author: str, shift_id: str) -> None:
    """Cancel (archive) a shift. Its sign-ups are kept, so restoring it brings them back.

    Managing shifts: when a role carries the "shifts" mandate, only its holders may."""
    with store.transaction(author) as tx:
        shift = store.require("shift", shift_id)
        tx.use_mandate("shifts", f"cancelled the shift {shift_words(shift, stored=True)}")
        if shift["archived"]:
            raise ValidationError(
                _("The shift {title!r} is already cancelled.").format(title=shift["title"])
            )
        tx.archive("shift", shift_id)


def restore_shift(store: Store, author: str, shift_id: str) -> None:
    with store.transaction(author) as tx:
        shift = store.require("shift", shift_id)
        tx.use_mandate("shifts", f"restored the shift {shift_words(shift, stored=True)}")
        if not shift["archived"]:
            raise ValidationError(
                _("The shift {title!r} is not cancelled.").format(title=shift["title"])
            )
        tx.restore("shift", shift_id)


def _for_someone_else(tx: Any, author: str, member_id: str, doing: str, shift_id: str) -> None:
    """Putting another member on a shift or taking them off is managing shifts: with the
    "shifts" mandate when a role carries it. For oneself, anyone may."""
    if member_id == author:
        return
    store = tx.store
    member = store.get("member", member_id)
    shift = store.require("shift", shift_id)
    name = member["name"] if member else "someone"
    tx.use_mandate("shifts", doing.format(name=name, shift=shift_words(shift, stored=True)))


# -- writing: sign-ups ----------------------------------------------------------------------


def _open_shift(store: Store, shift_id: str, now: str, doing: str) -> dict[str, Any]:
    """The shift, if it is still ahead and not cancelled; else say why ``doing`` cannot be."""
    shift = store.require("shift", shift_id)
    if shift["archived"]:
        raise ValidationError(
            _("The shift {title!r} was cancelled: {doing} is not possible.").format(
                title=shift["title"], doing=doing
            )
        )
    if shift["starts_at"] <= now:
        raise ValidationError(
            _(
                "{title!r} is a shift in the past (it started {pretty}): {doing} is only "
                "possible for shifts still ahead."
            ).format(title=shift["title"], pretty=_pretty(shift["starts_at"]), doing=doing)
        )
    return shift


def _active_member(store: Store, member_id: str) -> dict[str, Any]:
    member = store.require("member", member_id)
    if member["archived"]:
        raise ValidationError(
            _("{name} is archived: restore the member before signing them up.").format(
                name=member["name"]
            )
        )
    return member


def _active_signup(store: Store, shift_id: str, member_id: str) -> dict[str, Any]:
    signup = store.get("shift_signup", signup_id_for(shift_id, member_id))
    if signup is None or signup["archived"]:
        member = store.get("member", member_id)
        name = member["name"] if member else member_id
        raise ValidationError(_("{name} is not signed up for this shift.").format(name=name))
    return signup


def _put_on(
    tx: Any, signup_id: str, existing: dict[str, Any] | None, fields: dict[str, Any]
) -> str:
    """Insert a sign-up, or restore and refresh the archived one with the same derived id."""
    if existing is None:
        return tx.insert("shift_signup", fields, row_id=signup_id)
    tx.restore("shift_signup", signup_id)
    tx.update("shift_signup", signup_id, fields)
    return signup_id


def sign_up(
    store: Store,
    author: str,
    shift_id: str,
    member_id: str,
    *,
    makeup: bool = False,
    now: dt.datetime | None = None,
    allow_waitlist: bool = False,
) -> str:
    """Put a member on a shift; returns the sign-up id (derived from shift and member).

    A full shift refuses, unless ``allow_waitlist``: then the member joins the waiting list
    and moves up when someone cancels or the capacity is raised.
    """
    with store.transaction(author) as tx:
        _for_someone_else(tx, author, member_id, "put {name} on {shift}", shift_id)
        moment = _now(now)
        shift = _open_shift(store, shift_id, moment, _("signing up"))
        member = _active_member(store, member_id)
        signup_id = signup_id_for(shift_id, member_id)
        existing = store.get("shift_signup", signup_id)
        if existing is not None and not existing["archived"]:
            raise ValidationError(
                _("{name} is already signed up for {title!r}.").format(
                    name=member["name"], title=shift["title"]
                )
            )
        taken, latest = store.conn.execute(
            "SELECT count(*), max(signed_up_at) FROM shift_signup"
            " WHERE shift_id = ? AND _cl % 2 = 1",
            (shift_id,),
        ).fetchone()
        if taken >= shift["capacity"] and not allow_waitlist:
            raise ValidationError(
                _(
                    "{title!r} is full ({taken} of {capacity} places taken): choose another "
                    "shift, or put {name} on the waiting list."
                ).format(
                    title=shift["title"],
                    taken=taken,
                    capacity=shift["capacity"],
                    name=member["name"],
                )
            )
        if latest and latest >= moment:
            # Times are kept to the second: whoever signs up later here must never come first.
            moment = datetime_text(dt.datetime.fromisoformat(latest) + dt.timedelta(seconds=1))
        fields = {
            "shift_id": shift_id,
            "member_id": member_id,
            "signed_up_at": moment,
            "site_id": store.site_id,
            "attendance": "pending",
            "makeup": bool(makeup),
            "swap_wanted": False,
            "taken_over_from": None,
        }
        return _put_on(tx, signup_id, existing, fields)


def cancel_signup(store: Store, author: str, shift_id: str, member_id: str) -> None:
    """Take a member off a shift (archive the sign-up; signing up again restores it).

    Allowed for past shifts too, so a coordinator can settle an overbooked one afterwards.
    Taking someone else off needs the "shifts" mandate when a role carries it.
    """
    with store.transaction(author) as tx:
        store.require("shift", shift_id)
        _for_someone_else(tx, author, member_id, "took {name} off {shift}", shift_id)
        signup = _active_signup(store, shift_id, member_id)
        tx.archive("shift_signup", signup["id"])


def request_swap(
    store: Store,
    author: str,
    shift_id: str,
    member_id: str,
    *,
    wanted: bool = True,
    now: dt.datetime | None = None,
) -> None:
    """Mark a sign-up as "looking for someone to take over" (``wanted=False`` clears it)."""
    with store.transaction(author) as tx:
        _open_shift(store, shift_id, _now(now), _("asking for a swap"))
        signup = _active_signup(store, shift_id, member_id)
        tx.update("shift_signup", signup["id"], {"swap_wanted": wanted})


def take_over(
    store: Store,
    author: str,
    shift_id: str,
    from_member_id: str,
    to_member_id: str,
    *,
    now: dt.datetime | None = None,
) -> str:
    """``to`` takes ``from``'s place: same place in line (sign-up time and site kept).

    Returns the new sign-up's id; the old sign-up is archived, so both members see it.
    Giving the place to someone other than oneself needs the "shifts" mandate (when a role
    carries it).
    """
    with store.transaction(author) as tx:
        _for_someone_else(
            tx, author, to_member_id, "gave {name} a place on {shift} (a swap)", shift_id
        )
        _open_shift(store, shift_id, _now(now), _("taking over"))
        old = _active_signup(store, shift_id, from_member_id)
        member = _active_member(store, to_member_id)
        if from_member_id == to_member_id:
            raise ValidationError(
                _("{name} cannot take over their own place.").format(name=member["name"])
            )
        new_id = signup_id_for(shift_id, to_member_id)
        existing = store.get("shift_signup", new_id)
        if existing is not None and not existing["archived"]:
            raise ValidationError(_("{name} is already on this shift.").format(name=member["name"]))
        fields = {
            "shift_id": shift_id,
            "member_id": to_member_id,
            "signed_up_at": old["signed_up_at"],
            "site_id": old["site_id"],
            "attendance": "pending",
            "makeup": False,
            "swap_wanted": False,
            "taken_over_from": from_member_id,
        }
        tx.archive("shift_signup", old["id"])
        return _put_on(tx, new_id, existing, fields)


def record_attendance(
    store: Store,
    author: str,
    shift_id: str,
    member_id: str,
    status: str,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Attended, no-show, excused (or back to pending), once the shift has started."""
    with store.transaction(author) as tx:
        status = str(status).strip().lower()
        if status not in ATTENDANCE:
            raise ValidationError(
                _("Attendance must be one of: {attendance}.").format(
                    attendance=", ".join(ATTENDANCE)
                )
            )
        shift = store.require("shift", shift_id)
        if shift["starts_at"] > _now(now):
            raise ValidationError(
                _(
                    "{title!r} has not started yet ({pretty}): record attendance once it has."
                ).format(title=shift["title"], pretty=_pretty(shift["starts_at"]))
            )
        signup = _active_signup(store, shift_id, member_id)
        tx.update("shift_signup", signup["id"], {"attendance": status})
