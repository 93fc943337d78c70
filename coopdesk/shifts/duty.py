"""The coop's duty rule and each member's hours balance against it.

The rule is plain data on the coop row (``duty_minutes`` per ``duty_period_days``, counted
from ``duty_from``), set in the coop's settings, so every site computes the same balances
from the same synced rows:

- **Owed**: ``duty_minutes`` for every period that has *ended* since ``duty_from`` (the
  current period is the time to do its share: work done in it counts at once, the debt
  only when it ends), less the share of those periods a member spent on leave: each leave
  day within the counted periods takes ``1 / duty_period_days`` of a period off
  (overlapping leaves count once). No duty rule (no ``duty_from``): nothing is owed.
- **Done**: the length of every shift the member attended (``ends_at - starts_at``), up to
  the day of reckoning. A no-show or an excused absence counts nothing. A make-up shift
  (``makeup``) is an ordinary attended shift: it repays a missed one by adding its minutes.
- **Status**: "on leave" when a leave covers the day, else "alert" when done < owed, else
  "up to date".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from coopdesk.base.errors import NotFoundError
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.periods import By, bucket_sql
from coopdesk.base.text import day_text
from coopdesk.coop import leave_periods
from coopdesk.store.schema import DateLike, parse_date
from coopdesk.store.store import Store

STATUSES = ("up to date", "alert", "on leave")


@dataclass(frozen=True)
class DutyRule:
    minutes: int
    period_days: int
    duty_from: str | None

    @property
    def active(self) -> bool:
        return bool(self.duty_from) and self.minutes > 0

    def describe(self) -> str:
        if not self.active:
            return _("No shift duty is set.")
        count = self.minutes / 60
        # A whole number picks its own form; a fraction ("1.5 hours") the general one.
        form = int(count) if count.is_integer() else 100
        hours = ngettext("{hours:g} hour", "{hours:g} hours", form).format(hours=count)
        since = day_text(dt.date.fromisoformat(str(self.duty_from)[:10]))
        return _("{hours} every {period_days} days, counted from {since}").format(
            hours=hours, period_days=self.period_days, since=since
        )

    def periods_ended(self, on: dt.date) -> int:
        """Whole periods from ``duty_from`` that ended before the day ``on``."""
        if not self.duty_from:
            return 0
        start = dt.date.fromisoformat(self.duty_from)
        if on < start:
            return 0
        return (on - start).days // self.period_days


@dataclass(frozen=True)
class Balance:
    member_id: str
    name: str
    owed_minutes: int
    done_minutes: int
    balance_minutes: int
    status: str  # "up to date" | "alert" | "on leave"
    on_leave_until: str | None

    @property
    def balance_hours(self) -> float:
        return self.balance_minutes / 60

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["balance_hours"] = self.balance_hours
        return data


def _coop_row(store: Store) -> dict[str, Any]:
    coop_id = store.coop_id
    row = store.get("coop", coop_id) if coop_id else None
    if row is None:
        raise NotFoundError(_("This store holds no coop yet."))
    return row


def duty_rule(store: Store) -> DutyRule:
    row = _coop_row(store)
    return DutyRule(
        minutes=int(row["duty_minutes"] if row["duty_minutes"] is not None else 180),
        period_days=int(row["duty_period_days"] or 28),
        duty_from=row["duty_from"],
    )


def set_duty_rule(
    store: Store, author: str, *, minutes: int, period_days: int, duty_from: DateLike | None
) -> None:
    """A coop setting: needs the "settings" mandate. ``duty_from=None`` switches duty off."""
    with store.transaction(author) as tx:
        row = _coop_row(store)
        fields = {
            "duty_minutes": minutes,
            "duty_period_days": period_days,
            "duty_from": parse_date(duty_from, N_("Duty counted from")) if duty_from else None,
        }
        detail = f"Shift duty: {minutes} minutes every {period_days} days from {duty_from or '-'}"
        tx.use_mandate("settings", detail)
        tx.update("coop", row["id"], fields)


# -- balances -------------------------------------------------------------------------------


def _merged(periods: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Inclusive date ranges with overlaps joined, so a day on two leaves counts once."""
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _owed(rule: DutyRule, on: dt.date, leave: list[tuple[dt.date, dt.date]]) -> int:
    periods = rule.periods_ended(on)
    if not periods or not rule.active:
        return 0
    first = dt.date.fromisoformat(rule.duty_from or "")
    last = first + dt.timedelta(days=periods * rule.period_days - 1)
    leave_days = 0
    for start, end in _merged(leave):
        overlap = (min(end, last) - max(start, first)).days + 1
        leave_days += max(0, overlap)
    return round(rule.minutes * (periods - leave_days / rule.period_days))


def _leave_covering(leave: list[tuple[dt.date, dt.date]], on: dt.date) -> str | None:
    """The last day of the (joined) leave covering ``on``, if any."""
    for start, end in _merged(leave):
        if start <= on <= end:
            return end.isoformat()
    return None


def _balance(
    rule: DutyRule,
    on: dt.date,
    member_id: str,
    name: str,
    done: int,
    leave: list[tuple[dt.date, dt.date]],
) -> Balance:
    owed = _owed(rule, on, leave)
    on_leave_until = _leave_covering(leave, on)
    balance = done - owed
    if on_leave_until:
        status = "on leave"
    elif balance < 0:
        status = "alert"
    else:
        status = "up to date"
    return Balance(member_id, name, owed, done, balance, status, on_leave_until)


def _done_minutes(store: Store, on: dt.date, member_id: str | None) -> dict[str, int]:
    """Minutes of attended shifts that started by the end of ``on``, by member: all of them
    (kept in ``_duty_done`` by triggers, see migration 12) less those starting later, which
    are few when ``on`` is today, so this does not grow with the years of history."""
    after = (on + dt.timedelta(days=1)).isoformat()
    total_sql = "SELECT member_id, minutes FROM _duty_done"
    later_sql = (
        "SELECT su.member_id,"
        " sum((julianday(s.ends_at) - julianday(s.starts_at)) * 1440) AS minutes"
        # CROSS JOIN keeps shifts outside, read through their start-time index: else the
        # planner may walk every sign-up in member order for the GROUP BY.
        " FROM shift s CROSS JOIN shift_signup su ON su.shift_id = s.id"
        " WHERE s.starts_at >= ? AND s._cl % 2 = 1 AND su._cl % 2 = 1"
        " AND su.attendance = 'attended'"
    )
    params: list[Any] = [after]
    if member_id:
        total_sql += " WHERE member_id = ?"
        later_sql += " AND su.member_id = ?"
        params.append(member_id)
    later_sql += " GROUP BY su.member_id"
    later = dict(store.conn.execute(later_sql, params).fetchall())
    return {
        member: round(minutes - (later.get(member) or 0))
        for member, minutes in store.conn.execute(total_sql, [member_id] if member_id else [])
    }


def member_balances(store: Store, on: DateLike | None = None) -> dict[str, Balance]:
    """Every active member's balance on a day (today if none), in three queries."""
    day = parse_date(on or dt.date.today())
    rule = duty_rule(store)
    done = _done_minutes(store, day, None)
    leave = leave_periods(store, None)
    members = store.query(
        "SELECT id, name FROM member WHERE _cl % 2 = 1 ORDER BY name COLLATE NOCASE, id"
    )
    return {
        m["id"]: _balance(
            rule, day, m["id"], m["name"], done.get(m["id"], 0), leave.get(m["id"], [])
        )
        for m in members
    }


def member_balance(store: Store, member_id: str, on: DateLike | None = None) -> Balance:
    day = parse_date(on or dt.date.today())
    member = store.require("member", member_id)
    done = _done_minutes(store, day, member_id).get(member_id, 0)
    leave = leave_periods(store, member_id).get(member_id, [])
    return _balance(duty_rule(store), day, member_id, member["name"], done, leave)


# -- for reports ----------------------------------------------------------------------------


def attended_minutes(
    store: Store,
    start: DateLike,
    end: DateLike,
    *,
    site_id: str | None = None,
    by: By = "day",
) -> list[tuple[str, str, int, int]]:
    """(member id, bucket, minutes, shifts) of the attended shifts that start from ``start``
    to ``end`` (days, both included), at ``site_id`` if given, grouped by ``by``.

    The same count as the balance's "done": the shift's length, attended only.
    """
    first = parse_date(start).isoformat()
    after = (parse_date(end) + dt.timedelta(days=1)).isoformat()
    bucket = bucket_sql("s.starts_at", by)
    sql = (
        f"SELECT su.member_id, {bucket} AS bucket,"
        " sum((julianday(s.ends_at) - julianday(s.starts_at)) * 1440), count(*)"
        " FROM shift s JOIN shift_signup su ON su.shift_id = s.id"
        " WHERE s._cl % 2 = 1 AND su._cl % 2 = 1 AND su.attendance = 'attended'"
        " AND s.starts_at >= ? AND s.starts_at < ?"
    )
    params: list[Any] = [first, after]
    if site_id:
        sql += " AND s.site_id = ?"
        params.append(site_id)
    sql += " GROUP BY su.member_id, bucket"
    return [
        (member, bucket_day, round(minutes or 0), count)
        for member, bucket_day, minutes, count in store.conn.execute(sql, params)
    ]


def duty_asked(store: Store, start: DateLike, end: DateLike) -> dict[str, int]:
    """What the duty rule asked of each active member from ``start`` to ``end`` (days, both
    included), in minutes: its minutes per period, pro rata for the days counted (from
    ``duty_from`` on), less the days on leave. No duty rule: an empty dict.

    Pro rata, not by whole periods (as the balance counts its debt), so a month's report asks
    a month's share and two halves of a period ask what the whole does.
    """
    rule = duty_rule(store)
    first, last = parse_date(start), parse_date(end)
    if not rule.active or not rule.duty_from:
        return {}
    first = max(first, dt.date.fromisoformat(rule.duty_from))
    if last < first:
        return {}
    days = (last - first).days + 1
    leave = leave_periods(store, None)
    asked: dict[str, int] = {}
    for (member_id,) in store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1"):
        away = 0
        for leave_start, leave_end in _merged(leave.get(member_id, [])):
            away += max(0, (min(leave_end, last) - max(leave_start, first)).days + 1)
        asked[member_id] = round(rule.minutes * (days - away) / rule.period_days)
    return asked
