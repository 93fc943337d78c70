"""Who carries the work: each member's hours of shifts, chores and tasks, beside what the duty
rule asked, the spread of the work, its trend, and who is drifting behind.

Everything is read through the features' public queries (``shifts.attended_minutes``,
``shifts.duty_asked``, ``tasks.done_minutes``), which count synced rows only: every site with
the same rows computes the same report.

- **Shifts** count their length, attended only (as the duty balance counts them).
- **Chores and tasks** count their estimate when done; a chore's task without one takes its
  chore's; without any, ``tasks.DEFAULT_ESTIMATE_MINUTES`` (half an hour). They count for
  whoever marked them done (else the assignee), on the day they were done.
- **Asked**: the duty rule's minutes, pro rata for the period's days from ``duty_from`` on,
  less days on leave (``shifts.duty_asked``). The rule asks shifts only, so "behind" compares
  shift hours with it.
- **Counted** in the spread: every active member not on leave for the whole period, and
  anyone (an archived member too) who did work in it. Nobody is left out for doing nothing:
  that is what the spread is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import Words, names_text
from coopdesk.coop import active_members, leave_periods, member_names
from coopdesk.reports.period import Period, site_name
from coopdesk.reports.spread import Spread, top_fifth
from coopdesk.reports.words import hours_text, hours_value, percent_text
from coopdesk.shifts import attended_minutes, duty_asked, duty_rule
from coopdesk.store.store import Store
from coopdesk.tasks import DEFAULT_ESTIMATE_MINUTES, done_minutes

KINDS = ("shift", "chore", "task")
KIND_LABELS = Words({"shift": N_("Shifts"), "chore": N_("Chores"), "task": N_("Tasks")})
# Listed as behind when their shift hours are under this share of what the rule asked, once
# the period asks at least half a duty period's minutes (two days into a month, nobody is).
BEHIND_SHARE = 0.75


@dataclass
class MemberWork:
    """One member's work in the period."""

    member_id: str
    name: str
    archived: bool = False
    shift_minutes: int = 0
    chore_minutes: int = 0
    task_minutes: int = 0
    shifts: int = 0
    chores: int = 0
    tasks: int = 0
    unestimated: int = 0  # chores and tasks done that counted the default estimate
    asked_minutes: int | None = None  # None: the coop has no duty rule
    counted: bool = True  # in the spread
    share: float = 0.0  # of the coop's hours

    @property
    def total_minutes(self) -> int:
        return self.shift_minutes + self.chore_minutes + self.task_minutes

    def minutes_of(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_minutes"))

    def as_json(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "name": self.name,
            "archived": self.archived,
            "shift_minutes": self.shift_minutes,
            "chore_minutes": self.chore_minutes,
            "task_minutes": self.task_minutes,
            "total_minutes": self.total_minutes,
            "shifts": self.shifts,
            "chores": self.chores,
            "tasks": self.tasks,
            "unestimated": self.unestimated,
            "asked_minutes": self.asked_minutes,
            "share": self.share,
            "counted": self.counted,
        }


@dataclass(frozen=True)
class TrendPoint:
    """One week or month: minutes of each kind, how many worked, the busiest fifth's share."""

    starts_on: dt.date
    shift_minutes: int
    chore_minutes: int
    task_minutes: int
    working: int
    top_fifth_share: float

    @property
    def total_minutes(self) -> int:
        return self.shift_minutes + self.chore_minutes + self.task_minutes

    def as_json(self) -> dict[str, Any]:
        return {
            "starts_on": self.starts_on.isoformat(),
            "shift_minutes": self.shift_minutes,
            "chore_minutes": self.chore_minutes,
            "task_minutes": self.task_minutes,
            "total_minutes": self.total_minutes,
            "working": self.working,
            "top_fifth_share": self.top_fifth_share,
        }


@dataclass(frozen=True)
class Behind:
    """A member whose shift hours are under what the duty rule asked, in kind words."""

    member_id: str
    name: str
    done_minutes: int
    asked_minutes: int

    def sentence(self) -> str:
        if self.done_minutes == 0:
            return _(
                "{name} has no shifts yet in this period (the duty asks {hours}). Maybe "
                "ask if a shift soon would suit?"
            ).format(name=self.name, hours=hours_text(self.asked_minutes))
        return _(
            "{name} has done {hours} of the {hours2} of shifts the duty asks. A "
            "shift soon would even it out."
        ).format(
            name=self.name,
            hours=hours_text(self.done_minutes),
            hours2=hours_text(self.asked_minutes),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "name": self.name,
            "done_minutes": self.done_minutes,
            "asked_minutes": self.asked_minutes,
            "sentence": self.sentence(),
        }


@dataclass
class WorkReport:
    period: Period
    site_id: str | None
    site_name: str
    members: list[MemberWork]
    spread: Spread
    trend: list[TrendPoint]
    behind: list[Behind]
    rule_text: str
    default_estimate_minutes: int = DEFAULT_ESTIMATE_MINUTES
    totals: dict[str, int] = field(default_factory=dict)

    def member(self, member_id: str) -> MemberWork | None:
        return next((m for m in self.members if m.member_id == member_id), None)

    def headline(self, when: str = "") -> str:
        """The fairness line: "3 members did half the work this month (of 24 counted)."""
        return self.spread.half_sentence(when)

    def summary_lines(self) -> list[str]:
        lines = [self.spread.half_sentence(), self.spread.fifth_sentence()]
        if self.spread.total_minutes:
            lines.append(self.spread.gini_sentence())
            parts = [
                f"{KIND_LABELS[kind].lower()} {hours_text(self.totals.get(kind, 0))}"
                for kind in KINDS
            ]
            lines.append(
                _("In all {hours}: ").format(hours=hours_text(self.spread.total_minutes))
                + ", ".join(parts)
                + "."
            )
        lines.append(
            _(
                "Chores and tasks without an estimate count as {default_estimate_minutes} minutes."
            ).format(default_estimate_minutes=self.default_estimate_minutes)
        )
        lines.append(_("Shift duty: {rule_text}").format(rule_text=self.rule_text))
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period.as_json(),
            "site_id": self.site_id,
            "site_name": self.site_name,
            "duty_rule": self.rule_text,
            "default_estimate_minutes": self.default_estimate_minutes,
            "totals": {f"{kind}_minutes": self.totals.get(kind, 0) for kind in KINDS},
            "spread": {
                **self.spread.as_json(),
                "sentences": [self.spread.half_sentence(), self.spread.fifth_sentence()],
            },
            "members": [m.as_json() for m in self.members],
            "trend": [point.as_json() for point in self.trend],
            "behind": [b.as_json() for b in self.behind],
        }


def _away_all_period(
    leave: dict[str, list[tuple[dt.date, dt.date]]], member_id: str, period: Period
) -> bool:
    """Whether leaves (overlapping or not) cover every day of the period."""
    day = period.start
    for start, end in sorted(leave.get(member_id, [])):
        if start > day:
            return False
        day = max(day, end + dt.timedelta(days=1))
        if day > period.end:
            return True
    return False


def work_report(store: Store, period: Period, site_id: str | None = None) -> WorkReport:
    """Each member's work from ``period.start`` to ``period.end`` (at ``site_id`` if given)."""
    site_name(store, site_id)  # an unknown site is refused before anything is counted
    rule = duty_rule(store)
    asked = duty_asked(store, period.start, period.end) if rule.active else {}
    people: dict[str, MemberWork] = {
        row["id"]: MemberWork(row["id"], row["name"]) for row in active_members(store)
    }
    per_bucket: dict[tuple[str, str], dict[str, int]] = {}

    def person(member_id: str) -> MemberWork:
        if member_id not in people:
            people[member_id] = MemberWork(member_id, "", archived=True)
        return people[member_id]

    for member_id, bucket, minutes, count in attended_minutes(
        store, period.start, period.end, site_id=site_id, by=period.by
    ):
        work = person(member_id)
        work.shift_minutes += minutes
        work.shifts += count
        per_bucket.setdefault((bucket, member_id), {}).setdefault("shift", 0)
        per_bucket[(bucket, member_id)]["shift"] += minutes
    for member_id, bucket, kind, minutes, count, unestimated in done_minutes(
        store, period.start, period.end, site_id=site_id, by=period.by
    ):
        work = person(member_id)
        if kind == "chore":
            work.chore_minutes += minutes
            work.chores += count
        else:
            work.task_minutes += minutes
            work.tasks += count
        work.unestimated += unestimated
        cell = per_bucket.setdefault((bucket, member_id), {})
        cell[kind] = cell.get(kind, 0) + minutes
    archived = [m for m in people.values() if m.archived]
    if archived:
        names = member_names(store, [m.member_id for m in archived])
        for work in archived:
            work.name = names.get(work.member_id, _("(unknown member)"))
    leave = leave_periods(store, None)
    for work in people.values():
        if rule.active:
            work.asked_minutes = asked.get(work.member_id, 0)
        if not work.total_minutes and (
            work.archived or _away_all_period(leave, work.member_id, period)
        ):
            work.counted = False
    counted = [m for m in people.values() if m.counted]
    spread = Spread.of([m.total_minutes for m in counted])
    total = spread.total_minutes
    for work in people.values():
        work.share = round(work.total_minutes / total, 4) if total else 0.0
    members = sorted(
        (m for m in people.values() if m.counted or m.total_minutes),
        key=lambda m: (-m.total_minutes, m.name.casefold(), m.member_id),
    )
    totals = {kind: sum(m.minutes_of(kind) for m in members) for kind in KINDS}
    trend = _trend(period, per_bucket, len(counted))
    behind = sorted(
        (
            Behind(m.member_id, m.name, m.shift_minutes, m.asked_minutes)
            for m in members
            if m.asked_minutes
            and m.asked_minutes * 2 >= rule.minutes
            and not m.archived
            and m.shift_minutes < m.asked_minutes * BEHIND_SHARE
        ),
        key=lambda b: (b.done_minutes - b.asked_minutes, b.name.casefold(), b.member_id),
    )
    return WorkReport(
        period=period,
        site_id=site_id,
        site_name=site_name(store, site_id),
        members=members,
        spread=spread,
        trend=trend,
        behind=behind,
        rule_text=rule.describe(),
        totals=totals,
    )


def _trend(
    period: Period, per_bucket: dict[tuple[str, str], dict[str, int]], counted: int
) -> list[TrendPoint]:
    by_bucket: dict[str, dict[str, dict[str, int]]] = {}
    for (bucket, member_id), kinds in per_bucket.items():
        by_bucket.setdefault(bucket, {})[member_id] = kinds
    points = []
    for start in period.buckets():
        cells = by_bucket.get(start.isoformat(), {})
        totals = [sum(kinds.values()) for kinds in cells.values()]
        # The members who did nothing that week still count in its spread.
        padded = totals + [0] * max(0, counted - len(totals))
        points.append(
            TrendPoint(
                starts_on=start,
                shift_minutes=sum(k.get("shift", 0) for k in cells.values()),
                chore_minutes=sum(k.get("chore", 0) for k in cells.values()),
                task_minutes=sum(k.get("task", 0) for k in cells.values()),
                working=sum(1 for t in totals if t > 0),
                top_fifth_share=top_fifth(padded)[1],
            )
        )
    return points


def member_share_text(report: WorkReport, member_id: str) -> str:
    """One member's share, in words, for their own page."""
    work = report.member(member_id)
    if work is None or not work.total_minutes:
        text = _("No work recorded for {label}.").format(label=report.period.label())
    else:
        parts = [
            f"{KIND_LABELS[kind].lower()} {hours_text(work.minutes_of(kind))}"
            for kind in KINDS
            if work.minutes_of(kind)
        ]
        text = _("{label}: {hours} of work ({parts}), {percent} of the coop's {hours2}.").format(
            label=report.period.label(),
            hours=hours_text(work.total_minutes),
            parts=", ".join(parts),
            percent=percent_text(work.share),
            hours2=hours_text(report.spread.total_minutes),
        )
    if work is not None and work.asked_minutes:
        text += _(" The shift duty asked {hours}.").format(hours=hours_text(work.asked_minutes))
    return text


def work_rows(report: WorkReport) -> tuple[list[str], list[list[Any]]]:
    """The report as a table (for CSV): one row per member."""
    header = [
        _("Member"),
        _("Member id"),
        _("Shift hours"),
        _("Chore hours"),
        _("Task hours"),
        _("Total hours"),
        _("Share"),
        _("Asked (shift hours)"),
        _("Shifts"),
        _("Chores"),
        _("Tasks"),
        _("Without an estimate"),
    ]
    rows = [
        [
            _("{name} (archived)").format(name=m.name) if m.archived else m.name,
            m.member_id,
            hours_value(m.shift_minutes),
            hours_value(m.chore_minutes),
            hours_value(m.task_minutes),
            hours_value(m.total_minutes),
            m.share,
            None if m.asked_minutes is None else hours_value(m.asked_minutes),
            m.shifts,
            m.chores,
            m.tasks,
            m.unestimated,
        ]
        for m in report.members
    ]
    return header, rows


def behind_names(report: WorkReport) -> str:
    return names_text([b.name for b in report.behind])
