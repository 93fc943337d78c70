"""Tasks (to do, doing, done) and the recurring chores that make them."""

from coopdesk.base.feature import Feature, Section
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
