"""The Activity page says task moves as people do: "Ana finished the task “Compost run”"."""

from __future__ import annotations

from coopdesk.coop import activity
from coopdesk.tasks import tasks


def said(store, count: int) -> list[str]:
    return [item.sentence().split(" · ")[0] for item in activity.recent_changes(store, count)]


def test_task_moves_in_sentences(store, ana):
    task = tasks.add_task(store, ana, "Compost run")
    tasks.move_task(store, ana, task, "doing")
    tasks.complete_task(store, ana, task)
    assert said(store, 3) == [
        "Ana finished the task “Compost run”",
        "Ana moved the task “Compost run” to Doing",
        "Ana added task Compost run",
    ]
