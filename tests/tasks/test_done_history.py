"""The board shows the last tasks done, read as the newest few, not all of them."""

from __future__ import annotations

from coopdesk.tasks.tasks import TaskQuery, add_task, complete_task, latest_done_tasks


def test_latest_done_tasks_are_the_newest_first_with_the_count_of_all(store, ana):
    made = [add_task(store, ana, f"Task {number}") for number in range(6)]
    for number, task_id in enumerate(made[:5]):
        complete_task(store, ana, task_id)
        store.conn.execute(
            "UPDATE task SET done_at = ? WHERE id = ?", (f"2026-01-0{number + 1}T10:00:00", task_id)
        )
    shown, total = latest_done_tasks(store, TaskQuery(), limit=3)
    assert total == 5
    assert [task["title"] for task in shown] == ["Task 4", "Task 3", "Task 2"]
    assert latest_done_tasks(store, TaskQuery(search="Task 0"), limit=3)[1] == 1
