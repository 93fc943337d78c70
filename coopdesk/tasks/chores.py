"""Recurring chores: "clean the cold room every week", assigned by a fair strategy.

Each occurrence of a chore becomes a task whose id derives from chore and due date, so two
sites generating the same weeks make the same tasks. Who gets an occurrence is computed
by walking the occurrences from the first one (like ``coopdesk.rotation``): the rotation
policies, plus least-done (whoever has done it least, counting completions and open
assignments, first). An occurrence that already has a task counts as done by whoever did
it, or as assigned to its assignee if it is still open: reassigning a task is an override.
Members on leave on the due day are skipped. Completions are kept as history: they are the
done tasks.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import Words
from coopdesk.roles import Leave, on_leave
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import parse_date, tags_list
from coopdesk.store.store import Store
from coopdesk.tasks.tables import CHORE_STRATEGIES

STRATEGY_LABELS = Words(
    {
        "round-robin": N_("take turns in order"),
        "least-recent": N_("whoever did it longest ago"),
        "fewest-terms": N_("whoever was given it least"),
        "least-done": N_("whoever did it least"),
    }
)


@functools.lru_cache(maxsize=1 << 16)
def occurrence_task_id(chore_id: str, due_on: dt.date) -> str:
    """The task id of a chore's occurrence (remembered: a plan walks every occurrence since
    the chore began, and hashing each again on every page load adds up over the years)."""
    return derived_id("task", chore_id, due_on.isoformat())


@dataclass(frozen=True)
class Occurrence:
    due_on: dt.date
    assignee_id: str | None
    task_id: str
    exists: bool


def _date(value: dt.date | str | None, label: str) -> dt.date | None:
    return None if value is None or value == "" else parse_date(value, label)


def add_chore(
    store: Store,
    author: str,
    title: str,
    *,
    every_days: int,
    strategy: str,
    member_ids: Iterable[str],
    starts_on: dt.date | str | None = None,
    site_id: str | None = None,
    role_id: str | None = None,
    notes: str = "",
    estimate_minutes: int | None = None,
) -> str:
    with store.transaction(author) as tx:
        strategy = str(strategy).strip().lower()
        if strategy not in CHORE_STRATEGIES:
            raise ValidationError(
                _("Unknown strategy {strategy!r}: choose one of {chore_strategies}.").format(
                    strategy=strategy, chore_strategies=", ".join(CHORE_STRATEGIES)
                )
            )
        try:
            days = int(every_days)
        except (TypeError, ValueError):
            raise ValidationError(_("Every (days) must be a whole number of days.")) from None
        if days < 1:
            raise ValidationError(_("A chore must come back after at least one day."))
        members = list(dict.fromkeys(member_ids))
        if not members:
            raise ValidationError(
                _("Nobody takes turns at {title}: choose at least one member.").format(
                    title=title.strip() or _("this chore")
                )
            )
        for member_id in members:
            row = store.get("member", member_id)
            if row is None or row["archived"]:
                raise ValidationError(
                    _(
                        "There is no active member with id {member_id}: choose members from the "
                        "list."
                    ).format(member_id=member_id)
                )
        return tx.insert(
            "chore",
            {
                "title": title,
                "notes": notes,
                "every_days": days,
                "strategy": strategy,
                "member_ids": members,
                "starts_on": _date(starts_on, N_("First due")) or dt.date.today(),
                "site_id": site_id or None,
                "role_id": role_id or None,
                "estimate_minutes": estimate_minutes or None,
            },
        )


def archive_chore(store: Store, author: str, chore_id: str) -> None:
    with store.transaction(author) as tx:
        tx.archive("chore", chore_id)


def list_chores(store: Store) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT id, title, notes, every_days, strategy, member_ids, site_id, role_id, starts_on"
        " FROM chore WHERE _cl % 2 = 1 ORDER BY title COLLATE NOCASE, id"
    )
    for row in rows:
        row["member_ids"] = tags_list(row["member_ids"])
    return rows


def plan_chore(store: Store, chore_id: str, until: dt.date) -> list[Occurrence]:
    """Every occurrence from the chore's first up to ``until``, with its assignee."""
    chore = store.require("chore", chore_id)
    strategy = chore["strategy"]
    every = dt.timedelta(days=int(chore["every_days"]))
    start = dt.date.fromisoformat(chore["starts_on"])
    alive = {row[0] for row in store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1")}
    order = [m for m in tags_list(chore["member_ids"]) if m in alive]
    rank = {m: i for i, m in enumerate(order)}
    tasks = {
        row["id"]: row
        for row in store.query(
            "SELECT id, status, assignee_id, done_by, _cl % 2 = 1 AS alive FROM task"
            " WHERE chore_id = ?",
            [chore_id],
        )
    }
    leave = [
        Leave(
            row["member_id"],
            dt.date.fromisoformat(row["starts_on"]),
            dt.date.fromisoformat(row["ends_on"]),
        )
        for row in store.query("SELECT member_id, starts_on, ends_on FROM leave WHERE _cl % 2 = 1")
        if row["member_id"] in rank  # the leave of others never changes who takes a turn
    ]
    last: dict[str, int] = {}
    given: dict[str, int] = {}
    load: dict[str, int] = {}  # completions plus open assignments
    pointer = 0
    result = []
    index = 0
    due = start
    keys = {
        "least-recent": lambda m: (last.get(m, -1), rank[m]),
        "fewest-terms": lambda m: (given.get(m, 0), last.get(m, -1), rank[m]),
        "least-done": lambda m: (load.get(m, 0), last.get(m, -1), rank[m]),
    }
    while due <= until:
        away = on_leave(leave, due, due) if leave else set()
        computed: str | None = None
        if strategy == "round-robin":
            for step in range(len(order)):
                member = order[(pointer + step) % len(order)]
                if member not in away:
                    computed = member
                    pointer = (pointer + step + 1) % len(order)
                    break
        elif candidates := [m for m in order if m not in away]:
            computed = min(candidates, key=keys[strategy])
        task_id = occurrence_task_id(chore_id, due)
        task = tasks.get(task_id)
        if task is None:
            who = computed
            assignee = computed
        elif not task["alive"]:
            who = None  # cancelled: nobody did it
            assignee = task["assignee_id"]
        else:
            done = task["status"] == "done"
            who = task["done_by"] if done and task["done_by"] else task["assignee_id"]
            assignee = task["assignee_id"]
        if who:
            last[who] = index
            given[who] = given.get(who, 0) + 1
            load[who] = load.get(who, 0) + 1
        result.append(Occurrence(due, assignee, task_id, task is not None))
        index += 1
        due = start + index * every
    return result


def next_assignee(store: Store, chore_id: str, due_on: dt.date | str) -> str | None:
    """Who gets the chore's occurrence on ``due_on`` (or the first one after it)."""
    day = _date(due_on, N_("Due")) or dt.date.today()
    chore = store.require("chore", chore_id)
    every = int(chore["every_days"])
    start = dt.date.fromisoformat(chore["starts_on"])
    ahead = max(0, -(-(day - start).days // every))
    target = start + dt.timedelta(days=ahead * every)
    plan = plan_chore(store, chore_id, target)
    return plan[-1].assignee_id if plan else None


def generate_chore_tasks(
    store: Store, author: str, until: dt.date | str, *, since: dt.date | str | None = None
) -> int:
    """Make the tasks of every chore's occurrences up to ``until``; returns how many.

    Occurrences due before ``since`` (default: one period before today, so the last missed
    one still shows as overdue) are not made. An occurrence whose task exists, even
    archived (someone cancelled it), is left alone.
    """
    with store.transaction(author) as tx:
        last_day = _date(until, N_("Until"))
        assert last_day is not None
        since_day = _date(since, N_("Since"))
        made = 0
        chores = list_chores(store)
        for chore in chores:
            first = since_day or dt.date.today() - dt.timedelta(days=int(chore["every_days"]))
            for occurrence in plan_chore(store, chore["id"], last_day):
                if occurrence.exists or occurrence.due_on < first:
                    continue
                tx.insert(
                    "task",
                    {
                        "title": chore["title"],
                        "notes": chore["notes"],
                        "status": "todo",
                        "assignee_id": occurrence.assignee_id,
                        "due_on": occurrence.due_on,
                        "priority": 1,
                        "site_id": chore["site_id"],
                        "role_id": chore["role_id"],
                        "chore_id": chore["id"],
                    },
                    row_id=occurrence.task_id,
                )
                made += 1
    return made


def chore_history(store: Store, chore_id: str) -> list[dict[str, Any]]:
    """The chore's occurrences that have a task, oldest first: who had it, who did it."""
    store.require("chore", chore_id)
    return store.query(
        "SELECT task.id, task.due_on, task.status, task.assignee_id, assignee.name AS"
        " assignee_name, task.done_at, task.done_by, doer.name AS done_by_name,"
        " task._cl % 2 = 0 AS archived"
        " FROM task LEFT JOIN member AS assignee ON assignee.id = task.assignee_id"
        " LEFT JOIN member AS doer ON doer.id = task.done_by"
        " WHERE task.chore_id = ? ORDER BY task.due_on, task.id",
        [chore_id],
    )


def done_counts(store: Store, chore_id: str) -> dict[str, int]:
    """How many times each member has done the chore."""
    return {
        row[0]: row[1]
        for row in store.conn.execute(
            "SELECT done_by, count(*) FROM task WHERE chore_id = ? AND status = 'done'"
            " AND done_by IS NOT NULL AND _cl % 2 = 1 GROUP BY done_by",
            (chore_id,),
        )
    }
