"""The task and chore commands: a thin layer over the core."""

from __future__ import annotations

import argparse
from typing import Any

from coopdesk.base.i18n import _
from coopdesk.base.text import plural
from coopdesk.cli.framework import CommandLine, author_of, emit, free_text, id_list, open_store
from coopdesk.tasks.chores import (
    add_chore,
    chore_history,
    generate_chore_tasks,
    list_chores,
    next_assignee,
)
from coopdesk.tasks.tables import CHORE_STRATEGIES, TASK_STATUSES
from coopdesk.tasks.tasks import (
    TaskQuery,
    add_task,
    archive_task,
    complete_task,
    get_task,
    list_tasks,
    move_task,
)


def _task_line(task: dict[str, Any]) -> str:
    parts = [task["id"], f"[{task['status']}]", task["title"]]
    if task["assignee_name"]:
        parts.append(f"→ {task['assignee_name']}")
    if task["due_on"]:
        parts.append(
            _("due {due_on}").format(due_on=task["due_on"])
            + (" " + _("(overdue)") if task["overdue"] else "")
        )
    return "  ".join(parts)


def cmd_task_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        task_id = add_task(
            store,
            author_of(args, store),
            args.title,
            assignee_id=args.assignee,
            due_on=args.due,
            priority=args.priority,
            site_id=args.site,
            role_id=args.role,
            notes=args.notes or "",
        )
        emit(args, {"id": task_id}, task_id)
    return 0


def _show_task(args: argparse.Namespace, store: Any, task_id: str) -> None:

    task = get_task(store, task_id)
    emit(args, task, _task_line(task))


def cmd_task_done(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        complete_task(store, author_of(args, store), args.task_id)
        _show_task(args, store, args.task_id)
    return 0


def cmd_task_move(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        move_task(store, author_of(args, store), args.task_id, args.status)
        _show_task(args, store, args.task_id)
    return 0


def cmd_task_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        tasks = list_tasks(
            store,
            TaskQuery(
                status=args.status,
                assignee_id=args.assignee,
                search=args.search or "",
                overdue_only=args.overdue,
            ),
        )
        emit(args, tasks, [_task_line(t) for t in tasks] or [_("No tasks match.")])
    return 0


def cmd_task_archive(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        archive_task(store, author_of(args, store), args.task_id)
        emit(
            args,
            {"archived": args.task_id},
            _("Archived task {task_id}").format(task_id=args.task_id),
        )
    return 0


def cmd_chore_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        chore_id = add_chore(
            store,
            author_of(args, store),
            args.title,
            every_days=args.every_days,
            strategy=args.strategy,
            member_ids=id_list(args.members),
            starts_on=args.starts,
            site_id=args.site,
            notes=args.notes or "",
        )
        emit(args, {"id": chore_id}, chore_id)
    return 0


def cmd_chore_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        chores = list_chores(store)
        for chore in chores:
            chore["next_assignee_id"] = next_assignee(store, chore["id"], args.on)
        emit(
            args,
            chores,
            [
                _(
                    "{id}  {title}  every {every_days} days, {strategy}; next: {next_assignee_id}"
                ).format(
                    id=c["id"],
                    title=c["title"],
                    every_days=c["every_days"],
                    strategy=c["strategy"],
                    next_assignee_id=c["next_assignee_id"] or _("(nobody)"),
                )
                for c in chores
            ]
            or [_("No chores yet.")],
        )
    return 0


def cmd_chore_generate(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        made = generate_chore_tasks(store, author_of(args, store), args.until, since=args.since)
        emit(args, {"tasks": made}, _("Made {tasks}.").format(tasks=plural(made, "task")))
    return 0


def cmd_chore_history(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        rows = chore_history(store, args.chore_id)
        emit(
            args,
            rows,
            [
                f"{r['due_on']}  {r['status']}  {r['assignee_name'] or '(nobody)'}"
                + (
                    _("  done by {done_by_name}").format(done_by_name=r["done_by_name"])
                    if r["done_by_name"]
                    else ""
                )
                for r in rows
            ]
            or [_("No history yet.")],
        )
    return 0


def add_commands(cli: CommandLine) -> None:
    """``task ...`` and ``chore ...``."""
    tasks = cli.group("task", _("tasks: add, list, move, done"))
    add = cli.command("add", cmd_task_add, _("add a task; prints its id"), tasks)
    free_text(add, "title", "TITLE", _("what is to be done"))
    add.add_argument("--assignee", metavar="MEMBER_ID")
    add.add_argument("--due", metavar="DATE")
    add.add_argument("--priority", type=int, default=1, metavar="N", help=_("0 low … 3 urgent"))
    add.add_argument("--site", metavar="SITE_ID")
    add.add_argument("--role", metavar="ROLE_ID", help=_("the role responsible"))
    add.add_argument("--notes", metavar="TEXT")
    done = cli.command("done", cmd_task_done, _("mark a task done"), tasks)
    done.add_argument("task_id", metavar="TASK_ID")
    move = cli.command("move", cmd_task_move, _("move a task to another status"), tasks)
    move.add_argument("task_id", metavar="TASK_ID")
    move.add_argument("--status", required=True, choices=TASK_STATUSES)
    listing = cli.command("list", cmd_task_list, _("list tasks"), tasks)
    listing.add_argument("--status", choices=TASK_STATUSES)
    listing.add_argument("--assignee", metavar="MEMBER_ID")
    listing.add_argument("--search", metavar="TEXT")
    listing.add_argument("--overdue", action="store_true", help=_("only overdue tasks"))
    archive = cli.command("archive", cmd_task_archive, _("archive a task"), tasks)
    archive.add_argument("task_id", metavar="TASK_ID")

    chores = cli.group("chore", _("recurring chores: add, list, generate, history"))
    add = cli.command("add", cmd_chore_add, _("add a recurring chore; prints its id"), chores)
    free_text(add, "title", "TITLE", _("what is to be done"))
    add.add_argument("--every-days", type=int, required=True, metavar="N")
    add.add_argument("--strategy", choices=CHORE_STRATEGIES, default="least-done")
    add.add_argument("--members", required=True, metavar="ID,ID,...", help=_("who takes turns"))
    add.add_argument("--starts", metavar="DATE", help=_("first due (default today)"))
    add.add_argument("--site", metavar="SITE_ID")
    add.add_argument("--notes", metavar="TEXT")
    listing = cli.command("list", cmd_chore_list, _("list chores and who is next"), chores)
    listing.add_argument("--on", metavar="DATE", help=_("who is next on or after DATE"))
    generate = cli.command("generate", cmd_chore_generate, _("make the chores' tasks"), chores)
    generate.add_argument("--until", required=True, metavar="DATE")
    generate.add_argument("--since", metavar="DATE", help=_("default: one period before today"))
    hist = cli.command("history", cmd_chore_history, _("who had and who did a chore"), chores)
    hist.add_argument("chore_id", metavar="CHORE_ID")
