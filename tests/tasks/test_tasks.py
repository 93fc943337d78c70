"""Tasks: add, move between to do / doing / done, filter, overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.members import add_member, archive_member
from coopdesk.roles.roles import add_role
from coopdesk.store.dump import dump_json
from coopdesk.tasks.tasks import (
    TaskQuery,
    add_task,
    archive_task,
    complete_task,
    edit_task,
    get_task,
    list_tasks,
    move_task,
    my_tasks,
    overdue_tasks,
    task_ids,
    tasks_by_id,
)

TODAY = dt.date(2026, 3, 10)


def test_a_task_moves_through_the_board_and_done_records_who_and_when(store, ana):
    ben = add_member(store, ana, "Ben")
    task = add_task(store, ana, "Fix the door", assignee_id=ben, due_on="2026-03-12", priority=3)
    row = get_task(store, task)
    assert row["status"] == "todo" and row["assignee_name"] == "Ben" and row["priority"] == 3
    move_task(store, ben, task, "doing")
    assert get_task(store, task)["status"] == "doing"
    complete_task(store, ben, task)
    done = get_task(store, task)
    assert done["status"] == "done" and done["done_by"] == ben and done["done_by_name"] == "Ben"
    assert done["done_at"]
    move_task(store, ana, task, "todo")
    back = get_task(store, task)
    assert back["status"] == "todo" and back["done_by"] is None and back["done_at"] is None


def test_bad_tasks_are_refused_and_nothing_changes(store, ana):
    ben = add_member(store, ana, "Ben")
    archive_member(store, ana, ben)
    task = add_task(store, ana, "Sweep")
    before = dump_json(store)
    for call, message in (
        (lambda: add_task(store, ana, "  "), "Title is required"),
        (lambda: add_task(store, ana, "X", due_on="tomorrow"), "not a valid date"),
        (lambda: add_task(store, ana, "X", priority=9), "Priority must be between"),
        (lambda: add_task(store, ana, "X", assignee_id=ben), "no active member"),
        (lambda: move_task(store, ana, task, "finished"), "Unknown status"),
        (lambda: edit_task(store, ana, task, status="done"), "no field called status"),
    ):
        with pytest.raises(ValidationError, match=message):
            call()
    assert dump_json(store) == before


def test_queries_filter_and_flag_overdue_tasks(store, ana):
    ben = add_member(store, ana, "Ben")
    role = add_role(store, ana, "Treasurer", term_days=7, member_ids=[ana])
    late = add_task(store, ana, "Pay the rent", due_on=TODAY - dt.timedelta(days=1), role_id=role)
    soon = add_task(store, ana, "Buy jars", assignee_id=ben, due_on=TODAY + dt.timedelta(days=2))
    done = add_task(store, ana, "Old thing", due_on=TODAY - dt.timedelta(days=5))
    complete_task(store, ana, done)
    gone = add_task(store, ana, "Cancelled")
    archive_task(store, ana, gone)

    everything = list_tasks(store, TaskQuery(today=TODAY))
    assert [t["id"] for t in everything] == [late, soon, done]
    assert [t["overdue"] for t in everything] == [True, False, False]
    assert everything[0]["role_name"] == "Treasurer"
    assert [t["id"] for t in overdue_tasks(store, TODAY)] == [late]
    assert task_ids(store, TaskQuery(assignee_id=ben)) == [soon]
    assert task_ids(store, TaskQuery(include_done=False)) == [late, soon]
    assert task_ids(store, TaskQuery(status="done")) == [done]
    assert task_ids(store, TaskQuery(search="RENT")) == [late]
    assert task_ids(store, TaskQuery(role_id=role)) == [late]
    assert [t["id"] for t in my_tasks(store, ben)] == [soon]
    assert set(tasks_by_id(store, [late, soon])) == {late, soon}
