"""Demo data: a month of shifts with realistic sign-ups (see ``coopdesk.demo``).

Shift types, ten templates (one of them a four-week ABCD cycle of community meals) with
standing members, two weeks back and two weeks ahead generated, extra sign-ups so that some
shifts are full and some still need people, one shift overbooked by a sign-up made at
another site, attendance on the past shifts (a no-show repaid by a make-up shift), a member
on leave and the coop's duty rule.
"""

from __future__ import annotations

import datetime as dt

from coopdesk.coop import DemoContext, add_leave
from coopdesk.shifts.duty import set_duty_rule
from coopdesk.shifts.shifts import (
    list_shifts,
    record_attendance,
    request_swap,
    sign_up,
    signup_id_for,
)
from coopdesk.shifts.templates import (
    add_shift_type,
    add_standing_member,
    add_template,
    generate_shifts,
)

# (type, weekday, start, cycle_weeks, cycle_week, site, standing members)
TEMPLATES = (
    ("Shop opening", 0, "08:00", 1, 0, "Market Hall", 1),
    ("Shop opening", 2, "08:00", 1, 0, "Market Hall", 1),
    ("Shop opening", 5, "09:00", 1, 0, "Market Hall", 2),
    ("Community meal", 1, "18:00", 4, 0, "Kitchen", 2),
    ("Community meal", 1, "18:00", 4, 1, "Kitchen", 2),
    ("Community meal", 1, "18:00", 4, 2, "Kitchen", 2),
    ("Community meal", 1, "18:00", 4, 3, "Kitchen", 1),
    ("Warehouse sort", 3, "14:00", 1, 0, "Warehouse", 1),
    ("Delivery run", 4, "10:00", 1, 0, "Warehouse", 1),
    ("Deep clean", 6, "16:00", 2, 0, "Kitchen", 0),
)
# title: (capacity, minutes, skills)
TYPES = {
    "Shop opening": (3, 180, ["food safety"]),
    "Community meal": (4, 180, ["cooking"]),
    "Warehouse sort": (2, 120, []),
    "Delivery run": (2, 150, ["driving"]),
    "Deep clean": (3, 120, ["cleaning"]),
}


# Shifts from five weeks back: the duty period that ended since then shows who kept up.
PAST_DAYS = 35


def demo_shifts(ctx: DemoContext) -> None:
    store, rng = ctx.store, ctx.rng
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    cycle_start = monday - dt.timedelta(weeks=8)
    founder = ctx.founder_id
    set_duty_rule(
        store, founder, minutes=180, period_days=28, duty_from=monday - dt.timedelta(weeks=5)
    )
    type_ids = {
        title: add_shift_type(
            store,
            founder,
            title=title,
            capacity=capacity,
            duration_minutes=minutes,
            skills=skills,
            site_id=ctx.site_ids[site],
        )
        for (title, (capacity, minutes, skills)), site in zip(
            TYPES.items(),
            ("Market Hall", "Kitchen", "Warehouse", "Warehouse", "Kitchen"),
            strict=True,
        )
    }
    crew = list(ctx.member_ids)
    rng.shuffle(crew)
    for title, weekday, start, weeks, week, site, standing in TEMPLATES:
        capacity, minutes, skills = TYPES[title]
        template_id = add_template(
            store,
            founder,
            title=title,
            weekday=weekday,
            start_time=start,
            duration_minutes=minutes,
            capacity=capacity,
            cycle_start=cycle_start,
            cycle_weeks=weeks,
            cycle_week=week,
            site_id=ctx.site_ids[site],
            shift_type_id=type_ids[title],
            skills=skills,
        )
        for _ in range(standing):
            add_standing_member(store, founder, template_id, crew.pop(), since=cycle_start)

    on_leave = crew.pop()
    add_leave(
        store,
        founder,
        on_leave,
        today - dt.timedelta(days=5),
        today + dt.timedelta(days=20),
        "Visiting family",
    )
    generate_shifts(
        store, founder, today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=14)
    )
    _sign_ups(ctx, today, on_leave)


def _sign_ups(ctx: DemoContext, today: dt.date, on_leave: str) -> None:
    """Extra sign-ups made a few days before each shift, attendance after the past ones."""
    store, rng = ctx.store, ctx.rng
    now = dt.datetime.now().replace(microsecond=0)
    people = [m for m in ctx.member_ids if m != on_leave]
    shifts = list_shifts(store, today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=14))
    future = [s for s in shifts if s.starts_at > now.isoformat()]
    overbooked = rng.choice(future[: max(1, len(future) // 2)]) if future else None
    for shift in shifts:
        starts = dt.datetime.fromisoformat(shift.starts_at)
        when = min(now, starts - dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 9)))
        open_places = shift.capacity - shift.filled
        wanted = open_places if rng.random() < 0.45 else rng.randint(0, max(0, open_places - 1))
        candidates = [p for p in people if not shift.has_member(p)]
        for member in rng.sample(candidates, min(wanted, len(candidates))):
            sign_up(store, ctx.author(), shift.id, member, now=when)
            when += dt.timedelta(minutes=rng.randint(5, 600))
        if shift is overbooked:
            _sign_up_elsewhere(ctx, shift.id, candidates, when)
    no_shows: list[tuple[str, str]] = []
    for shift in list_shifts(store, today - dt.timedelta(days=PAST_DAYS), now):
        for signup in shift.confirmed:
            roll = rng.random()
            status = "no-show" if roll < 0.08 else "excused" if roll < 0.12 else "attended"
            record_attendance(store, ctx.author(), shift.id, signup.member_id, status)
            if status == "no-show":
                no_shows.append((signup.member_id, shift.ends_at))
    upcoming = [s for s in list_shifts(store, now, today + dt.timedelta(days=14)) if s.confirmed]
    if upcoming:
        shift = rng.choice(upcoming)
        request_swap(store, ctx.author(), shift.id, shift.confirmed[-1].member_id)
    _make_up(ctx, no_shows, today, now)


def _sign_up_elsewhere(
    ctx: DemoContext, shift_id: str, candidates: list[str], when: dt.datetime
) -> None:
    """Fill the shift, then add a sign-up as the Warehouse made it while offline.

    It is the row that site's bundle would have brought: the shift ends up overbooked, as
    after a real sync, and waits for a coordinator.
    """
    store, rng = ctx.store, ctx.rng
    for member in candidates:
        shift = store.get("shift", shift_id) or {}
        taken = store.conn.execute(
            "SELECT count(*) FROM shift_signup WHERE shift_id = ? AND _cl % 2 = 1", (shift_id,)
        ).fetchone()[0]
        if taken >= shift["capacity"]:
            break
        if store.get("shift_signup", signup_id_for(shift_id, member)) is None:
            sign_up(store, ctx.author(), shift_id, member, now=when)
            when += dt.timedelta(minutes=rng.randint(5, 90))
    others = [
        m for m in candidates if store.get("shift_signup", signup_id_for(shift_id, m)) is None
    ]
    member = rng.choice(others)
    with store.transaction(ctx.author()) as tx:
        tx.insert(
            "shift_signup",
            {
                "shift_id": shift_id,
                "member_id": member,
                "signed_up_at": (when - dt.timedelta(hours=2)).isoformat(timespec="seconds"),
                "site_id": ctx.site_ids["Warehouse"],
            },
            row_id=signup_id_for(shift_id, member),
        )


def _make_up(
    ctx: DemoContext, no_shows: list[tuple[str, str]], today: dt.date, now: dt.datetime
) -> None:
    """Whoever missed a shift signs up for a make-up shift with room after it (and works it,
    if that shift is past already)."""
    store = ctx.store
    for member, missed_until in no_shows[:3]:
        for shift in list_shifts(store, missed_until, today + dt.timedelta(days=14)):
            if shift.status != "open" or shift.has_member(member):
                continue
            starts = dt.datetime.fromisoformat(shift.starts_at)
            when = min(now, starts - dt.timedelta(hours=20))
            sign_up(store, ctx.author(), shift.id, member, makeup=True, now=when)
            if starts <= now:
                record_attendance(store, ctx.author(), shift.id, member, "attended")
            break
