"""Managing others' tasks is a mandate a role can carry: moving, finishing, changing or
archiving a task assigned to someone else. One's own and unassigned tasks stay anyone's."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.coop.members import add_member
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role
from coopdesk.store.dump import dump_json
from coopdesk.tasks import tasks


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    return {"ana": ana, "bo": add_member(store, ana, "Bo"), "cy": add_member(store, ana, "Cy")}


def test_without_a_role_anyone_moves_anyones_tasks(store, people):
    task = tasks.add_task(store, people["ana"], "Compost run", assignee_id=people["cy"])
    tasks.complete_task(store, people["bo"], task)
    assert store.require("task", task)["status"] == "done"
    assert store.query("SELECT * FROM mandate_use") == []


def test_with_the_mandate_others_tasks_are_the_holders_to_move(store, people):
    cys = tasks.add_task(store, people["ana"], "Compost run", assignee_id=people["cy"])
    bos = tasks.add_task(store, people["ana"], "Order flour", assignee_id=people["bo"])
    nobodys = tasks.add_task(store, people["ana"], "Sweep the yard")
    add_role(
        store,
        people["ana"],
        "Coordinator",
        term_days=14,
        member_ids=[people["ana"]],
        starts_on=dt.date.today(),
        mandates=("tasks",),
    )
    before = dump_json(store)
    for refused in (
        lambda: tasks.complete_task(store, people["bo"], cys),
        lambda: tasks.move_task(store, people["bo"], cys, "doing"),
        lambda: tasks.edit_task(store, people["bo"], cys, title="Mine now"),
        lambda: tasks.archive_task(store, people["bo"], cys),
    ):
        with pytest.raises(MandateRequiredError, match="Only this term's Coordinator"):
            refused()
    assert dump_json(store) == before

    tasks.complete_task(store, people["bo"], bos)  # one's own
    tasks.move_task(store, people["bo"], nobodys, "doing")  # nobody's
    tasks.complete_task(store, people["ana"], cys)  # the holder
    assert [store.require("task", t)["status"] for t in (cys, bos, nobodys)] == [
        "done",
        "done",
        "doing",
    ]
    details = [row["detail"] for row in store.query("SELECT detail FROM mandate_use")]
    assert details == ["finished Cy's task “Compost run”"]
