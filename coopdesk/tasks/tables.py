"""The task tables: tasks, and the recurring chores that make them."""

from __future__ import annotations

from typing import Any

from coopdesk.base.i18n import N_, _, npgettext
from coopdesk.base.text import Words
from coopdesk.roles import ROTATION_POLICIES
from coopdesk.store.schema import Column, TableSpec

CHORE_STRATEGIES = (*ROTATION_POLICIES, "least-done")


TASK_STATUSES = ("todo", "doing", "done")
STATUS_WORDS = Words({"todo": N_("To do"), "doing": N_("Doing"), "done": N_("Done")})


def task_phrase(
    store: Any, op: str, row_id: str, fields: dict[str, Any], _author_id: str
) -> str | None:
    """ "finished the task “Compost run”", "moved the task “Compost run” to Doing": what
    the Activity page says of a move, instead of "changed task … (status, done on)"."""
    if op != "update" or "status" not in fields:
        return None
    task = store.get("task", row_id)
    status = str(fields["status"])
    if status == "done":
        if task is None:
            return _("finished a task")
        return _("finished the task “{title}”").format(title=task["title"])
    word = STATUS_WORDS.get(status, status)
    if task is None:
        return _("moved a task to {status}").format(status=word)
    return _("moved the task “{title}” to {status}").format(title=task["title"], status=word)


CHORE = TableSpec(
    name="chore",
    noun=N_("chore"),
    counted=lambda n: npgettext("table rows", "chore", "chores", n),
    label_column="title",
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=120),
        Column("notes", "text", N_("Notes"), max_len=2000, default=""),
        Column("every_days", "int", N_("Every (days)"), minimum=1, maximum=366, default=7),
        Column(
            "strategy", "choice", N_("Assigned by"), choices=CHORE_STRATEGIES, default="least-done"
        ),
        Column("member_ids", "tags", N_("Who takes turns"), max_len=5000, default="[]"),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("role_id", "ref", N_("Role responsible"), ref_table="role"),
        Column("starts_on", "date", N_("First due"), required=True),
        # How long one occurrence takes, for the fair-share reports (none: see
        # tasks.DEFAULT_ESTIMATE_MINUTES). Migration 11.
        Column("estimate_minutes", "int", N_("Takes about (minutes)"), minimum=1, maximum=1440),
    ),
)


TASK = TableSpec(
    name="task",
    noun=N_("task"),
    counted=lambda n: npgettext("table rows", "task", "tasks", n),
    label_column="title",
    phrase=task_phrase,
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=200),
        Column("notes", "text", N_("Notes"), max_len=5000, default=""),
        Column("status", "choice", N_("Status"), choices=TASK_STATUSES, default="todo"),
        Column("assignee_id", "ref", N_("Assignee"), ref_table="member"),
        Column("due_on", "date", N_("Due")),
        # 0 low, 1 normal, 2 high, 3 urgent.
        Column("priority", "int", N_("Priority"), minimum=0, maximum=3, default=1),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("role_id", "ref", N_("Role responsible"), ref_table="role"),
        # A chore's occurrence: its id derives from chore and due date.
        Column("chore_id", "ref", N_("Chore"), ref_table="chore"),
        Column("done_at", "datetime", N_("Done")),
        Column("done_by", "ref", N_("Done by"), ref_table="member"),
        # How long the task takes, for the fair-share reports; none: its chore's estimate,
        # else tasks.DEFAULT_ESTIMATE_MINUTES. Migration 11.
        Column("estimate_minutes", "int", N_("Takes about (minutes)"), minimum=1, maximum=1440),
    ),
)

TABLES = (CHORE, TASK)
