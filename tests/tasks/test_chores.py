"""Chores: occurrences become tasks with derived ids, assigned by each strategy."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.members import add_member
from coopdesk.store.dump import dump_json
from coopdesk.tasks.chores import (
    add_chore,
    chore_history,
    generate_chore_tasks,
    next_assignee,
    occurrence_task_id,
    plan_chore,
)
from coopdesk.tasks.tasks import complete_task, edit_task

START = dt.date(2026, 2, 2)


@pytest.fixture
def crew(store, ana):
    return sorted([ana, *(add_member(store, ana, name) for name in ("Ben", "Cleo"))])


def _chore(store, ana, crew, strategy, every=7):
    return add_chore(
        store,
        ana,
        "Clean the cold room",
        every_days=every,
        strategy=strategy,
        member_ids=crew,
        starts_on=START,
    )


def _assignees(store, chore, weeks):
    return [o.assignee_id for o in plan_chore(store, chore, START + dt.timedelta(weeks=weeks - 1))]


def test_round_robin_takes_turns_in_order(store, ana, crew):
    chore = _chore(store, ana, crew, "round-robin")
    assert _assignees(store, chore, 6) == crew * 2


@pytest.mark.parametrize("strategy", ["round-robin", "least-recent", "fewest-terms", "least-done"])
def test_every_strategy_spreads_the_chore_evenly(store, ana, crew, strategy):
    chore = _chore(store, ana, crew, strategy, every=1)
    planned = [o.assignee_id for o in plan_chore(store, chore, START + dt.timedelta(days=29))]
    assert {m: planned.count(m) for m in crew} == {m: 10 for m in crew}


def test_least_done_gives_the_chore_to_whoever_did_it_least(store, ana, crew):
    chore = _chore(store, ana, crew, "least-done")
    generate_chore_tasks(store, ana, START + dt.timedelta(weeks=2), since=START)
    first, second, third = (
        occurrence_task_id(chore, START + dt.timedelta(weeks=w)) for w in range(3)
    )
    # crew[0] did all three occurrences, whoever they were given to.
    for task in (first, second, third):
        complete_task(store, crew[0], task)
    fourth = START + dt.timedelta(weeks=3)
    assert next_assignee(store, chore, fourth) in crew[1:]
    later = _assignees(store, chore, 9)[3:]
    assert later.count(crew[0]) == 0 or later.index(crew[0]) >= 4


def test_least_recent_and_a_reassigned_occurrence(store, ana, crew):
    chore = _chore(store, ana, crew, "least-recent")
    generate_chore_tasks(store, ana, START, since=START)
    first = occurrence_task_id(chore, START)
    edit_task(store, ana, first, assignee_id=crew[2])  # reassigning is an override
    assert _assignees(store, chore, 3) == [crew[2], crew[0], crew[1]]


def test_leave_on_the_due_day_skips_the_member(store, ana, crew):
    chore = _chore(store, ana, crew, "round-robin")
    with store.transaction(ana) as tx:
        tx.insert("leave", {"member_id": crew[0], "starts_on": START, "ends_on": START})
    assert _assignees(store, chore, 2) == [crew[1], crew[2]]


def test_generating_makes_one_task_per_occurrence_with_a_derived_id(store, ana, crew):
    chore = _chore(store, ana, crew, "fewest-terms")
    until = START + dt.timedelta(weeks=3)
    assert generate_chore_tasks(store, ana, until, since=START) == 4
    assert generate_chore_tasks(store, ana, until, since=START) == 0  # already there
    history = chore_history(store, chore)
    assert [h["due_on"] for h in history] == [
        (START + dt.timedelta(weeks=w)).isoformat() for w in range(4)
    ]
    assert [h["id"] for h in history] == [
        occurrence_task_id(chore, START + dt.timedelta(weeks=w)) for w in range(4)
    ]
    assert [h["assignee_id"] for h in history] == [*crew, crew[0]]


def test_bad_chores_are_refused_and_nothing_changes(store, ana, crew):
    before = dump_json(store)
    for kwargs, message in (
        ({"every_days": 0, "strategy": "least-done", "member_ids": crew}, "at least one day"),
        ({"every_days": 7, "strategy": "random", "member_ids": crew}, "Unknown strategy"),
        ({"every_days": 7, "strategy": "least-done", "member_ids": []}, "Nobody takes turns"),
    ):
        with pytest.raises(ValidationError, match=message):
            add_chore(store, ana, "Compost", **kwargs)
    assert dump_json(store) == before
