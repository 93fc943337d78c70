"""Tasks (to do, doing, done) and the recurring chores that make them."""

from coopdesk.base.feature import Feature, Section, public_api
from coopdesk.tasks.tables import TABLES

FEATURE = Feature(
    name="tasks",
    tables=TABLES,
    commands="coopdesk.cli.tasks",
    command_words=("task", "chore"),
    demo_steps=((75, "coopdesk.tasks.demo:demo_tasks"),),
    sections=(Section("tasks", "Tasks", "coopdesk.gui.tasks.page:TasksPage", order=20),),
    today="coopdesk.gui.tasks.today:build_panels",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "chores": (
            "Occurrence",
            "add_chore",
            "archive_chore",
            "chore_history",
            "done_counts",
            "generate_chore_tasks",
            "list_chores",
            "next_assignee",
            "occurrence_task_id",
            "plan_chore",
        ),
        "tables": ("CHORE_STRATEGIES", "TASK_STATUSES"),
        "tasks": (
            "DEFAULT_ESTIMATE_MINUTES",
            "TaskQuery",
            "add_task",
            "archive_task",
            "complete_task",
            "count_tasks",
            "done_minutes",
            "edit_task",
            "get_task",
            "latest_done_tasks",
            "list_tasks",
            "move_task",
            "my_tasks",
            "overdue_tasks",
            "restore_task",
            "task_ids",
            "tasks_by_id",
        ),
    },
)
