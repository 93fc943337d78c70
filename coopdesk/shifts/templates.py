"""Shift types, recurring templates (weekly or N-week cycles) and standing members.

A template says "every Tuesday at 18:00" or, in the supermarket coops' four-week ABCD cycle,
"week B, Tuesday 18:00". Generating the calendar for some weeks turns templates into shift
rows whose ids derive from template and day, and signs up the template's standing members
with ids derived from shift and member and a sign-up time derived from the standing slot.
Two sites that generate the same weeks therefore write the very same rows, and sync merges
them into one: nothing is duplicated and nobody is asked to settle a "conflict".
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import weekday_name
from coopdesk.shifts.shifts import check_capacity, signup_id_for
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import Column, DateLike, normalize_when, parse_date
from coopdesk.store.store import Store

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEK_LETTERS = "ABCDEFGHIJKL"
TEMPLATE_FIELDS = (
    "title",
    "shift_type_id",
    "site_id",
    "description",
    "skills",
    "capacity",
    "weekday",
    "start_time",
    "duration_minutes",
    "cycle_weeks",
    "cycle_week",
    "cycle_start",
    "until",
)


# -- shift types ----------------------------------------------------------------------------


def add_shift_type(
    store: Store,
    author: str,
    *,
    title: str,
    capacity: int = 2,
    duration_minutes: int = 180,
    site_id: str | None = None,
    description: str = "",
    skills: Any = (),
) -> str:
    fields = {
        "title": title,
        "capacity": check_capacity(capacity),
        "duration_minutes": duration_minutes,
        "site_id": site_id or None,
        "description": description,
        "skills": _tags(skills),
    }
    with store.transaction(author) as tx:
        return tx.insert("shift_type", fields)


SHIFT_TYPE_FIELDS = ("title", "description", "site_id", "skills", "capacity", "duration_minutes")


def edit_shift_type(store: Store, author: str, type_id: str, **fields: Any) -> None:
    """Change a shift type. Shifts and templates made from it keep their own details."""
    with store.transaction(author) as tx:
        unknown = set(fields) - set(SHIFT_TYPE_FIELDS)
        if unknown:
            raise ValidationError(
                _("A shift type has no field called {unknown}.").format(
                    unknown=", ".join(sorted(unknown))
                )
            )
        current = store.require("shift_type", type_id)
        if current["archived"]:
            raise ValidationError(
                _("The shift type {title!r} is archived.").format(title=current["title"])
            )
        if "site_id" in fields:
            fields["site_id"] = fields["site_id"] or None
        if "skills" in fields:
            fields["skills"] = _tags(fields["skills"])
        if "capacity" in fields:
            fields["capacity"] = check_capacity(fields["capacity"])
        if not fields:
            return
        tx.update("shift_type", type_id, fields)


def archive_shift_type(store: Store, author: str, type_id: str) -> None:
    """Stop offering a shift type. Its shifts and templates stay, and keep their type."""
    with store.transaction(author) as tx:
        shift_type = store.require("shift_type", type_id)
        if shift_type["archived"]:
            raise ValidationError(
                _("The shift type {title!r} is already archived.").format(title=shift_type["title"])
            )
        tx.archive("shift_type", type_id)


def list_shift_types(store: Store) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT t.id, t.title, t.description, t.site_id, t.skills, t.capacity,"
        " t.duration_minutes, site.name AS site_name FROM shift_type t"
        " LEFT JOIN site ON site.id = t.site_id WHERE t._cl % 2 = 1"
        " ORDER BY t.title COLLATE NOCASE, t.id"
    )
    for row in rows:
        row["skills"] = json.loads(row["skills"] or "[]")
    return rows


# -- templates ------------------------------------------------------------------------------


def _tags(skills: Any) -> Any:
    return skills if isinstance(skills, str) else list(skills or ())


def _check_template(fields: dict[str, Any]) -> None:
    """Rules across fields that the schema's per-column limits cannot say."""
    weeks, week = int(fields["cycle_weeks"]), int(fields["cycle_week"])
    if not 1 <= weeks <= len(WEEK_LETTERS):
        raise ValidationError(
            _("A cycle lasts 1 to {count} weeks (not {weeks}).").format(
                count=len(WEEK_LETTERS), weeks=weeks
            )
        )
    if not 0 <= week < weeks:
        raise ValidationError(
            _(
                "Week {week} is not in a {weeks}-week cycle: give a week from 0 (A) to "
                "{value} ({week_letters})."
            ).format(week=week, weeks=weeks, value=weeks - 1, week_letters=WEEK_LETTERS[weeks - 1])
        )
    weekday = int(fields["weekday"])
    if not 0 <= weekday <= 6:
        raise ValidationError(_("The day of the week is 0 (Monday) to 6 (Sunday)."))
    until = fields.get("until")
    if until and parse_date(until) < parse_date(fields["cycle_start"]):
        raise ValidationError(_("The template ends before it starts: give a later 'until' date."))
    check_capacity(fields["capacity"])


def add_template(
    store: Store,
    author: str,
    *,
    title: str,
    weekday: int,
    start_time: Any,
    duration_minutes: int,
    capacity: int,
    cycle_start: DateLike,
    cycle_weeks: int = 1,
    cycle_week: int = 0,
    site_id: str | None = None,
    shift_type_id: str | None = None,
    until: DateLike | None = None,
    description: str = "",
    skills: Any = (),
) -> str:
    """A recurring shift: weekly, or in week ``cycle_week`` of every ``cycle_weeks`` weeks."""
    fields = {
        "title": title,
        "weekday": weekday,
        "start_time": start_time,
        "duration_minutes": duration_minutes,
        "capacity": capacity,
        "cycle_start": cycle_start,
        "cycle_weeks": cycle_weeks,
        "cycle_week": cycle_week,
        "site_id": site_id or None,
        "shift_type_id": shift_type_id or None,
        "until": until or None,
        "description": description,
        "skills": _tags(skills),
    }
    _check_template(fields)
    with store.transaction(author) as tx:
        return tx.insert("shift_template", fields)


def edit_template(store: Store, author: str, template_id: str, **fields: Any) -> None:
    """Change a template. Shifts already generated keep their details; new ones follow it."""
    with store.transaction(author) as tx:
        unknown = set(fields) - set(TEMPLATE_FIELDS)
        if unknown:
            raise ValidationError(
                _("A template has no field called {unknown}.").format(
                    unknown=", ".join(sorted(unknown))
                )
            )
        current = store.require("shift_template", template_id)
        for ref in ("site_id", "shift_type_id", "until"):
            if ref in fields:
                fields[ref] = fields[ref] or None
        if "skills" in fields:
            fields["skills"] = _tags(fields["skills"])
        _check_template({**current, **fields})
        tx.update("shift_template", template_id, fields)


def archive_template(store: Store, author: str, template_id: str) -> None:
    """Stop a template generating shifts. Shifts already generated stay."""
    with store.transaction(author) as tx:
        template = store.require("shift_template", template_id)
        if template["archived"]:
            raise ValidationError(
                _("The template {title!r} is already archived.").format(title=template["title"])
            )
        tx.archive("shift_template", template_id)


def occurrences(template: dict[str, Any], start: DateLike, end: DateLike) -> list[dt.date]:
    """The days in [start, end) on which ``template`` runs.

    Weeks are counted from the Monday of ``cycle_start``: that week is week 0 (A). The
    template runs on its weekday of every week whose number modulo ``cycle_weeks`` is
    ``cycle_week``, from ``cycle_start`` up to ``until`` (inclusive).
    """
    first, stop = parse_date(start, N_("From")), parse_date(end, N_("To"))
    cycle_start = parse_date(template["cycle_start"], N_("Cycle starts"))
    weeks = int(template.get("cycle_weeks") or 1)
    week = int(template.get("cycle_week") or 0)
    weekday = int(template["weekday"])
    if template.get("until"):
        stop = min(stop, parse_date(template["until"]) + dt.timedelta(days=1))
    first = max(first, cycle_start)
    if first >= stop:
        return []
    week_zero = cycle_start - dt.timedelta(days=cycle_start.weekday())
    # The first run on or after week_zero + week weeks, then every `weeks` weeks.
    anchor = week_zero + dt.timedelta(weeks=week, days=weekday)
    step = dt.timedelta(weeks=weeks)
    if anchor < first:
        behind = (first - anchor).days
        periods = -(-behind // step.days)  # ceiling
        anchor += step * periods
    days = []
    while anchor < stop:
        days.append(anchor)
        anchor += step
    return days


def shift_id_for(template_id: str, day: dt.date) -> str:
    return derived_id("shift", template_id, day.isoformat())


def standing_slot_id_for(template_id: str, member_id: str) -> str:
    return derived_id("standing_slot", template_id, member_id)


def _start_of(template: dict[str, Any], day: dt.date) -> tuple[str, str]:
    start_time = dt.time.fromisoformat(template["start_time"])
    starts = dt.datetime.combine(day, start_time)
    ends = starts + dt.timedelta(minutes=int(template["duration_minutes"]))
    return starts.isoformat(timespec="seconds"), ends.isoformat(timespec="seconds")


def _shift_fields(template: dict[str, Any], day: dt.date) -> dict[str, Any]:
    starts_at, ends_at = _start_of(template, day)
    return {
        "title": template["title"],
        "description": template["description"] or "",
        "site_id": template["site_id"],
        "shift_type_id": template["shift_type_id"],
        "template_id": template["id"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": template["capacity"],
        "skills": template["skills"] or "[]",
        "notes": "",
    }


def standing_signed_up_at(since: str) -> str:
    """A standing member's sign-up time: the slot's start at 00:00, the same at every site."""
    return f"{since}T00:00:00"


def _leave_by_member(store: Store) -> dict[str, list[tuple[str, str]]]:
    periods: dict[str, list[tuple[str, str]]] = {}
    for row in store.query("SELECT member_id, starts_on, ends_on FROM leave WHERE _cl % 2 = 1"):
        periods.setdefault(row["member_id"], []).append((row["starts_on"], row["ends_on"]))
    return periods


def _standing_by_template(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Active standing slots of active members, per template."""
    slots: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(
        "SELECT ss.template_id, ss.member_id, ss.since, ss.until FROM standing_slot ss"
        " JOIN member m ON m.id = ss.member_id AND m._cl % 2 = 1"
        " WHERE ss._cl % 2 = 1 ORDER BY ss.member_id"
    ):
        slots.setdefault(row["template_id"], []).append(row)
    return slots


def _on_leave(leave: list[tuple[str, str]], day: str) -> bool:
    return any(start <= day <= end for start, end in leave)


def generate_shifts(store: Store, author: str, start: DateLike, end: DateLike) -> int:
    """Create the missing shifts of every active template in [start, end); one transaction.

    Ids derive from template and day, so a shift that exists (even cancelled) is skipped and
    two sites generating the same weeks make the same rows. Standing members are signed up
    on the new shifts, except on days they are on leave. Returns how many shifts were made.
    """
    with store.transaction(author) as tx:
        first, stop = parse_date(start, N_("From")), parse_date(end, N_("To"))
        if stop <= first:
            raise ValidationError(_("Generate up to a date after the first day."))
        if (stop - first).days > 3 * 366:
            raise ValidationError(_("Generate at most three years at a time."))
        templates = store.query(
            "SELECT id, title, description, site_id, shift_type_id, capacity, skills, weekday,"
            " start_time, duration_minutes, cycle_weeks, cycle_week, cycle_start, until"
            " FROM shift_template WHERE _cl % 2 = 1 ORDER BY id"
        )
        planned = [
            (template, day, shift_id_for(template["id"], day))
            for template in templates
            for day in occurrences(template, first, stop)
        ]
        if not planned:
            return 0
        existing = {
            row[0]
            for row in store.conn.execute(
                "SELECT id FROM shift WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([shift_id for _t, _d, shift_id in planned]),),
            )
        }
        missing = [item for item in planned if item[2] not in existing]
        if not missing:
            return 0
        standing = _standing_by_template(store)
        leave = _leave_by_member(store)
        for template, day, shift_id in missing:
            tx.insert("shift", _shift_fields(template, day), row_id=shift_id)
            today = day.isoformat()
            for slot in standing.get(template["id"], ()):
                if slot["since"] > today or (slot["until"] and slot["until"] < today):
                    continue
                if _on_leave(leave.get(slot["member_id"], []), today):
                    continue
                signup_id = signup_id_for(shift_id, slot["member_id"])
                if store.conn.execute(
                    "SELECT 1 FROM shift_signup WHERE id = ?", (signup_id,)
                ).fetchone():
                    continue  # made at another site before this one had the shift
                tx.insert(
                    "shift_signup",
                    {
                        "shift_id": shift_id,
                        "member_id": slot["member_id"],
                        "signed_up_at": standing_signed_up_at(slot["since"]),
                        "site_id": None,
                    },
                    row_id=signup_id,
                )
    return len(missing)


# -- standing members -----------------------------------------------------------------------


def add_standing_member(
    store: Store,
    author: str,
    template_id: str,
    member_id: str,
    since: DateLike | None = None,
    until: DateLike | None = None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Give a member a standing slot in a template (the id derives from the pair).

    They are also signed up on the template's shifts already generated from ``since`` on
    that have not started and still have room, as generation would have done.
    """
    with store.transaction(author) as tx:
        template = store.require("shift_template", template_id)
        if template["archived"]:
            raise ValidationError(
                _("The template {title!r} is archived.").format(title=template["title"])
            )
        member = store.require("member", member_id)
        if member["archived"]:
            raise ValidationError(
                _("{name} is archived: restore the member first.").format(name=member["name"])
            )
        since_day = parse_date(since or dt.date.today(), "Since")
        until_day = parse_date(until, N_("Until")) if until else None
        if until_day and until_day < since_day:
            raise ValidationError(
                _("The standing slot ends before it starts: give a later end date.")
            )
        slot_id = standing_slot_id_for(template_id, member_id)
        existing = store.get("standing_slot", slot_id)
        if existing is not None and not existing["archived"]:
            raise ValidationError(
                _("{name} already has a standing slot here.").format(name=member["name"])
            )
        fields = {
            "template_id": template_id,
            "member_id": member_id,
            "since": since_day,
            "until": until_day,
        }
        moment = normalize_when(Column("now", "datetime", N_("Now")), now or dt.datetime.now())
        upcoming = store.query(
            "SELECT s.id, s.capacity, s.starts_at,"
            " (SELECT count(*) FROM shift_signup x WHERE x.shift_id = s.id AND x._cl % 2 = 1)"
            " AS taken FROM shift s WHERE s.template_id = ? AND s._cl % 2 = 1"
            " AND s.starts_at > ? AND s.starts_at >= ? AND (? IS NULL OR s.starts_at < ?)",
            (
                template_id,
                moment,
                standing_signed_up_at(since_day.isoformat()),
                until_day and until_day.isoformat(),
                until_day and (until_day + dt.timedelta(days=1)).isoformat(),
            ),
        )
        leave = _leave_by_member(store).get(member_id, [])
        if existing is None:
            tx.insert("standing_slot", fields, row_id=slot_id)
        else:
            tx.restore("standing_slot", slot_id)
            tx.update("standing_slot", slot_id, fields)
        for shift in upcoming:
            if shift["taken"] >= shift["capacity"] or _on_leave(leave, shift["starts_at"][:10]):
                continue
            signup_id = signup_id_for(shift["id"], member_id)
            signup = store.get("shift_signup", signup_id)
            signup_fields = {
                "shift_id": shift["id"],
                "member_id": member_id,
                "signed_up_at": standing_signed_up_at(since_day.isoformat()),
                "site_id": None,
                "attendance": "pending",
                "swap_wanted": False,
                "taken_over_from": None,
            }
            if signup is None:
                tx.insert("shift_signup", signup_fields, row_id=signup_id)
            elif signup["archived"]:
                tx.restore("shift_signup", signup_id)
                tx.update("shift_signup", signup_id, signup_fields)
    return slot_id


def remove_standing_member(
    store: Store,
    author: str,
    template_id: str,
    member_id: str,
    *,
    now: dt.datetime | None = None,
) -> None:
    """End a standing slot, and take the member off the template's shifts still ahead."""
    with store.transaction(author) as tx:
        slot_id = standing_slot_id_for(template_id, member_id)
        slot = store.get("standing_slot", slot_id)
        if slot is None or slot["archived"]:
            raise ValidationError(_("This member has no standing slot in this template."))
        moment = normalize_when(Column("now", "datetime", N_("Now")), now or dt.datetime.now())
        ahead = store.query(
            "SELECT su.id FROM shift_signup su JOIN shift s ON s.id = su.shift_id"
            " WHERE s.template_id = ? AND su.member_id = ? AND su._cl % 2 = 1 AND s.starts_at > ?",
            (template_id, member_id, moment),
        )
        tx.archive("standing_slot", slot_id)
        for row in ahead:
            tx.archive("shift_signup", row["id"])


def slot_label(template: dict[str, Any]) -> str:
    """How people say it: "Week B, Tuesday 18:00", or "Every Tuesday 18:00"."""
    day = weekday_name(int(template["weekday"]))
    weeks = int(template.get("cycle_weeks") or 1)
    if weeks == 1:
        return _("Every {day} {time}").format(day=day, time=template["start_time"])
    letter = WEEK_LETTERS[int(template.get("cycle_week") or 0)]
    return _("Week {letter}, {day} {time}").format(
        letter=letter, day=day, time=template["start_time"]
    )


def list_templates(store: Store) -> list[dict[str, Any]]:
    """Active templates with their standing members and a human label, by day and time."""
    templates = store.query(
        "SELECT t.*, site.name AS site_name, st.title AS shift_type_title"
        " FROM shift_template t LEFT JOIN site ON site.id = t.site_id"
        " LEFT JOIN shift_type st ON st.id = t.shift_type_id WHERE t._cl % 2 = 1"
        " ORDER BY t.cycle_week, t.weekday, t.start_time, t.title, t.id"
    )
    members: dict[str, list[dict[str, Any]]] = {}
    for row in store.query(
        "SELECT ss.template_id, ss.member_id, ss.since, ss.until, m.name FROM standing_slot ss"
        " JOIN member m ON m.id = ss.member_id WHERE ss._cl % 2 = 1 AND m._cl % 2 = 1"
        " ORDER BY m.name COLLATE NOCASE, m.id"
    ):
        members.setdefault(row.pop("template_id"), []).append(row)
    result = []
    for row in templates:
        item = {key: value for key, value in row.items() if not key.startswith("_")}
        item["skills"] = json.loads(item["skills"] or "[]")
        item["label"] = slot_label(item)
        item["standing_members"] = members.get(item["id"], [])
        result.append(item)
    return result
