"""Tasks: things to do, with a status (to do, doing, done), an assignee and a due date.

The board and the list in the window, ``coopdesk task`` and the Today page all read tasks
through ``TaskQuery``; chores (``coopdesk.chores``) make tasks of their occurrences.
Anyone may add tasks, and move, finish or change their own and unassigned ones: a task
list is shared work. Another member's task is theirs: when a role carries the "tasks"
mandate, only its holders this term may move, finish, change or archive it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.periods import By, bucket_sql
from coopdesk.base.text import Words
from coopdesk.store.ids import fold
from coopdesk.store.store import Store
from coopdesk.tasks.tables import STATUS_WORDS, TASK_STATUSES

STATUS_LABELS = STATUS_WORDS
PRIORITY_LABELS = Words({0: N_("low"), 1: N_("normal"), 2: N_("high"), 3: N_("urgent")})
TASK_FIELDS = (
    "title",
    "notes",
    "assignee_id",
    "due_on",
    "priority",
    "site_id",
    "role_id",
    "estimate_minutes",
)
# What a done task or chore counts for in the fair-share reports when neither it nor its
# chore says how long it takes: half an hour, a typical small job (a round of cleaning, a
# pick-up). Counting nothing would make whoever does unestimated jobs look idle.
DEFAULT_ESTIMATE_MINUTES = 30

SELECT_TASKS = """
    SELECT task.id, task.title, task.notes, task.status, task.assignee_id, task.due_on,
           task.priority, task.site_id, task.role_id, task.chore_id, task.done_at,
           task.done_by, task._cl % 2 = 0 AS archived,
           assignee.name AS assignee_name, role.name AS role_name, site.name AS site_name,
           chore.title AS chore_title, doer.name AS done_by_name
    FROM task
    LEFT JOIN member AS assignee ON assignee.id = task.assignee_id
    LEFT JOIN member AS doer ON doer.id = task.done_by
    LEFT JOIN role ON role.id = task.role_id
    LEFT JOIN site ON site.id = task.site_id
    LEFT JOIN chore ON chore.id = task.chore_id
"""


@dataclass(frozen=True)
class TaskQuery:
    """A filter over active tasks; the board, the list and ``coopdesk task list`` share it."""

    status: str | None = None
    assignee_id: str | None = None
    site_id: str | None = None
    role_id: str | None = None
    search: str = ""
    overdue_only: bool = False
    include_done: bool = True
    today: dt.date | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses = ["task._cl % 2 = 1"]
        params: list[Any] = []
        if self.status:
            clauses.append("task.status = ?")
            params.append(_status(self.status))
        if not self.include_done:
            clauses.append("task.status != 'done'")
        for column in ("assignee_id", "site_id", "role_id"):
            value = getattr(self, column)
            if value:
                clauses.append(f"task.{column} = ?")
                params.append(value)
        if self.overdue_only:
            clauses.append("task.status != 'done' AND task.due_on < ?")
            params.append((self.today or dt.date.today()).isoformat())
        for word in fold(self.search).split():
            clauses.append(
                "(fold(task.title) LIKE ? ESCAPE '\\' OR fold(task.notes) LIKE ? ESCAPE '\\')"
            )
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params.extend([pattern, pattern])
        return " AND ".join(clauses), params


# Open tasks first (doing, then to do), soonest due first, then the most urgent.
ORDER_BY = (
    "CASE task.status WHEN 'doing' THEN 0 WHEN 'todo' THEN 1 ELSE 2 END,"
    " task.due_on IS NULL, task.due_on, task.priority DESC, task.title COLLATE NOCASE, task.id"
)


def _status(value: str) -> str:
    status = str(value).strip().lower().replace(" ", "")
    status = {"to-do": "todo", "todo": "todo"}.get(status, status)
    if status not in TASK_STATUSES:
        raise ValidationError(
            _("Unknown status {value!r}: choose one of {task_statuses}.").format(
                value=value, task_statuses=", ".join(TASK_STATUSES)
            )
        )
    return status


def _decode(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    row["archived"] = bool(row["archived"])
    row["overdue"] = bool(
        row["status"] != "done" and row["due_on"] and row["due_on"] < today.isoformat()
    )
    return row


def _check_fields(store: Store, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError(
            _("A task has no field called {unknown}.").format(unknown=", ".join(sorted(unknown)))
        )
    assignee = fields.get("assignee_id")
    if assignee:
        member = store.get("member", assignee)
        if member is None or member["archived"]:
            raise ValidationError(
                _(
                    "There is no active member with id {assignee}: choose someone from the list."
                ).format(assignee=assignee)
            )
    return fields


def add_task(
    store: Store,
    author: str,
    title: str,
    *,
    assignee_id: str | None = None,
    due_on: dt.date | str | None = None,
    priority: int = 1,
    site_id: str | None = None,
    role_id: str | None = None,
    notes: str = "",
    estimate_minutes: int | None = None,
) -> str:
    with store.transaction(author) as tx:
        fields = _check_fields(
            store,
            {
                "title": title,
                "assignee_id": assignee_id or None,
                "due_on": due_on or None,
                "priority": priority,
                "site_id": site_id or None,
                "role_id": role_id or None,
                "notes": notes,
                "estimate_minutes": estimate_minutes or None,
            },
        )
        return tx.insert("task", {**fields, "status": "todo"})


def _someone_elses(tx: Any, task: dict[str, Any], doing: str) -> None:
    """Acting on a task assigned to another member needs the "tasks" mandate (when a role
    carries it); one's own tasks and unassigned ones are anyone's to move."""
    assignee = task.get("assignee_id")
    if not assignee or assignee == tx.author:
        return
    member = tx.store.get("member", assignee)
    name = member["name"] if member else "someone"
    tx.use_mandate("tasks", doing.format(name=name, title=task["title"]))


def edit_task(store: Store, author: str, task_id: str, **fields: Any) -> set[str]:
    """Change a task's details (not its status: see ``move_task``)."""
    with store.transaction(author) as tx:
        task = store.require("task", task_id)
        _someone_elses(tx, task, "changed {name}'s task “{title}”")
        checked = _check_fields(store, fields)
        return tx.update("task", task_id, checked)


def move_task(store: Store, author: str, task_id: str, status: str) -> None:
    """Move a task to another column. Done records who and when; moving back clears them."""
    with store.transaction(author) as tx:
        wanted = _status(status)
        task = store.require("task", task_id)
        if task["status"] != wanted:
            doing = "finished" if wanted == "done" else f"moved to {STATUS_LABELS.source[wanted]}"
            _someone_elses(tx, task, doing + " {name}'s task “{title}”")
        if task["archived"]:
            raise ValidationError(
                _("The task {title!r} is archived: restore it first.").format(title=task["title"])
            )
        if task["status"] == wanted:
            return
        fields: dict[str, Any] = {"status": wanted}
        if wanted == "done":
            fields |= {"done_at": dt.datetime.now().replace(microsecond=0), "done_by": author}
        else:
            fields |= {"done_at": None, "done_by": None}
        tx.update("task", task_id, fields)


def complete_task(store: Store, author: str, task_id: str) -> None:
    move_task(store, author, task_id, "done")


def archive_task(store: Store, author: str, task_id: str) -> None:
    with store.transaction(author) as tx:
        _someone_elses(tx, store.require("task", task_id), "archived {name}'s task “{title}”")
        tx.archive("task", task_id)


def restore_task(store: Store, author: str, task_id: str) -> None:
    with store.transaction(author) as tx:
        _someone_elses(tx, store.require("task", task_id), "restored {name}'s task “{title}”")
        tx.restore("task", task_id)


def task_ids(store: Store, query: TaskQuery | None = None) -> list[str]:
    """The ids of matching tasks, in order (for lazy models)."""
    query = query or TaskQuery()
    where, params = query.where()
    return [
        row[0]
        for row in store.conn.execute(
            f"SELECT task.id FROM task WHERE {where} ORDER BY {ORDER_BY}", params
        )
    ]


def tasks_by_id(
    store: Store, ids: list[str], today: dt.date | None = None
) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    day = today or dt.date.today()
    marks = ", ".join("?" * len(ids))
    rows = store.query(f"{SELECT_TASKS} WHERE task.id IN ({marks})", list(ids))
    return {row["id"]: _decode(row, day) for row in rows}


def list_tasks(store: Store, query: TaskQuery | None = None) -> list[dict[str, Any]]:
    query = query or TaskQuery()
    where, params = query.where()
    day = query.today or dt.date.today()
    rows = store.query(f"{SELECT_TASKS} WHERE {where} ORDER BY {ORDER_BY}", params)
    return [_decode(row, day) for row in rows]


def latest_done_tasks(
    store: Store, query: TaskQuery | None = None, limit: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """The ``limit`` tasks matching ``query`` done most recently (newest first), and how many
    match in all: a board shows the last few of years of done tasks, not all of them."""
    query = replace(query or TaskQuery(), status="done")
    where, params = query.where()
    day = query.today or dt.date.today()
    newest = "ORDER BY coalesce(task.done_at, '') DESC, task.id DESC"
    # The few newest first, then their names: joining years of done tasks to sort them
    # took most of the board's load.
    rows = store.query(
        f"{SELECT_TASKS} WHERE task.id IN (SELECT task.id FROM task WHERE {where}"
        f" {newest} LIMIT ?) {newest}",
        [*params, limit],
    )
    return [_decode(row, day) for row in rows], count_tasks(store, query)


def get_task(store: Store, task_id: str) -> dict[str, Any]:
    store.require("task", task_id)
    return tasks_by_id(store, [task_id])[task_id]


def my_tasks(store: Store, member_id: str) -> list[dict[str, Any]]:
    """A member's open tasks."""
    return list_tasks(store, TaskQuery(assignee_id=member_id, include_done=False))


def overdue_tasks(store: Store, today: dt.date | None = None) -> list[dict[str, Any]]:
    return list_tasks(store, TaskQuery(overdue_only=True, today=today))


def count_tasks(store: Store, query: TaskQuery | None = None) -> int:
    where, params = (query or TaskQuery()).where()
    return store.conn.execute(f"SELECT count(*) FROM task WHERE {where}", params).fetchone()[0]


def done_minutes(
    store: Store,
    start: dt.date | str,
    end: dt.date | str,
    *,
    site_id: str | None = None,
    by: By = "day",
) -> list[tuple[str, str, str, int, int, int]]:
    """(member id, bucket, "chore" or "task", minutes, done, done without an estimate) of the
    tasks done from ``start`` to ``end`` (days, both included), grouped by ``by``.

    A task counts for whoever marked it done (else its assignee), by its estimate, else its
    chore's, else ``DEFAULT_ESTIMATE_MINUTES``. Archived tasks count nothing.
    """
    first = str(start)[:10]
    after = (dt.date.fromisoformat(str(end)[:10]) + dt.timedelta(days=1)).isoformat()
    bucket = bucket_sql("task.done_at", by)
    sql = (
        "SELECT coalesce(task.done_by, task.assignee_id) AS who,"
        f" {bucket} AS bucket,"
        " CASE WHEN task.chore_id IS NULL THEN 'task' ELSE 'chore' END AS kind,"
        " sum(coalesce(task.estimate_minutes, chore.estimate_minutes, ?)), count(*),"
        " sum(task.estimate_minutes IS NULL AND chore.estimate_minutes IS NULL)"
        " FROM task LEFT JOIN chore ON chore.id = task.chore_id"
        " WHERE task._cl % 2 = 1 AND task.status = 'done' AND task.done_at >= ?"
        " AND task.done_at < ? AND coalesce(task.done_by, task.assignee_id) IS NOT NULL"
    )
    params: list[Any] = [DEFAULT_ESTIMATE_MINUTES, first, after]
    if site_id:
        sql += " AND task.site_id = ?"
        params.append(site_id)
    sql += " GROUP BY who, bucket, kind"
    return [
        (who, bucket_day, kind, int(minutes or 0), int(count), int(unestimated or 0))
        for who, bucket_day, kind, minutes, count, unestimated in store.conn.execute(sql, params)
    ]
