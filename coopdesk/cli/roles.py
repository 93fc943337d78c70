"""The ``coopdesk`` commands for roles, chores and tasks: a thin layer over the core."""

from __future__ import annotations

import argparse
from typing import Any


def _ids(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _term_line(term: Any) -> str:
    holders = ", ".join(term.holder_names) or "(nobody)"
    mark = "  (swapped)" if term.overridden else ""
    return f"{term.role_name}  {term.starts_on} – {term.ends_on}  {holders}{mark}"


def _task_line(task: dict[str, Any]) -> str:
    parts = [task["id"], f"[{task['status']}]", task["title"]]
    if task["assignee_name"]:
        parts.append(f"→ {task['assignee_name']}")
    if task["due_on"]:
        parts.append(f"due {task['due_on']}" + (" (overdue)" if task["overdue"] else ""))
    return "  ".join(parts)


# -- roles -----------------------------------------------------------------------------------


def cmd_role_add(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.roles.roles import add_role

    with open_store(args) as store:
        role_id = add_role(
            store,
            author_of(args, store),
            args.name,
            term_days=args.term_days,
            policy=args.policy,
            member_ids=_ids(args.members),
            holders=args.holders,
            skill=args.skill or "",
            starts_on=args.starts,
            description=args.description or "",
            mandates=_ids(args.mandates),
        )
        emit(args, {"id": role_id}, role_id)
    return 0


def cmd_role_list(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import emit, open_store
    from coopdesk.roles.roles import list_roles

    with open_store(args) as store:
        roles = list_roles(store)
        lines = []
        for role in roles:
            term = role["current_term"]
            now = (
                f"now {', '.join(term['holder_names']) or '(nobody)'} until {term['ends_on']}"
                if term
                else f"starts {role['starts_on']}"
            )
            mandates = f"  mandates: {', '.join(role['mandates'])}" if role["mandates"] else ""
            lines.append(
                f"{role['id']}  {role['name']}  every {role['term_days']} days, "
                f"{role['policy']}; {now}{mandates}"
            )
        emit(args, roles, lines or ["No roles yet."])
    return 0


def cmd_role_schedule(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import emit, open_store
    from coopdesk.roles.rotation import schedule

    with open_store(args) as store:
        terms = schedule(store, role_id=args.role, terms=args.terms)
        emit(args, [t.as_json() for t in terms], [_term_line(t) for t in terms] or ["No roles."])
    return 0


def cmd_role_history(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import emit, open_store
    from coopdesk.roles.rotation import history

    with open_store(args) as store:
        terms = history(store, args.role_id)
        emit(args, [t.as_json() for t in terms], [_term_line(t) for t in terms] or ["No history."])
    return 0


def cmd_role_swap(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.roles.rotation import swap, term_on
    from coopdesk.store.schema import parse_date

    with open_store(args) as store:
        swap(
            store, author_of(args, store), args.role_id, args.term, args.out_member, args.in_member
        )
        term = term_on(store, args.role_id, parse_date(args.term, "Term"))
        emit(args, term.as_json(), _term_line(term))
    return 0


def cmd_role_handover(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.roles.rotation import term_on, write_handover
    from coopdesk.store.schema import parse_date

    with open_store(args) as store:
        write_handover(store, author_of(args, store), args.role_id, args.term, args.notes)
        term = term_on(store, args.role_id, parse_date(args.term, "Term"))
        emit(args, term.as_json(), f"Handover notes saved for {_term_line(term)}")
    return 0


def cmd_role_join(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.roles.roles import eligible_members, opt_in, opt_out

    with open_store(args) as store:
        author = author_of(args, store)
        member = args.member or author
        (opt_out if args.leave else opt_in)(store, author, args.role_id, member)
        members = eligible_members(store, args.role_id)
        emit(args, {"member_ids": members}, "Now taking turns: " + ", ".join(members))
    return 0


def cmd_role_archive(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.roles.roles import archive_role

    with open_store(args) as store:
        archive_role(store, author_of(args, store), args.role_id)
        emit(args, {"archived": args.role_id}, f"Archived role {args.role_id}")
    return 0


# -- tasks -----------------------------------------------------------------------------------


def cmd_task_add(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.tasks.tasks import add_task

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
    from coopdesk.cli.main import emit
    from coopdesk.tasks.tasks import get_task

    task = get_task(store, task_id)
    emit(args, task, _task_line(task))


def cmd_task_done(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, open_store
    from coopdesk.tasks.tasks import complete_task

    with open_store(args) as store:
        complete_task(store, author_of(args, store), args.task_id)
        _show_task(args, store, args.task_id)
    return 0


def cmd_task_move(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, open_store
    from coopdesk.tasks.tasks import move_task

    with open_store(args) as store:
        move_task(store, author_of(args, store), args.task_id, args.status)
        _show_task(args, store, args.task_id)
    return 0


def cmd_task_list(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import emit, open_store
    from coopdesk.tasks.tasks import TaskQuery, list_tasks

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
        emit(args, tasks, [_task_line(t) for t in tasks] or ["No tasks match."])
    return 0


def cmd_task_archive(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.tasks.tasks import archive_task

    with open_store(args) as store:
        archive_task(store, author_of(args, store), args.task_id)
        emit(args, {"archived": args.task_id}, f"Archived task {args.task_id}")
    return 0


# -- chores ----------------------------------------------------------------------------------


def cmd_chore_add(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.tasks.chores import add_chore

    with open_store(args) as store:
        chore_id = add_chore(
            store,
            author_of(args, store),
            args.title,
            every_days=args.every_days,
            strategy=args.strategy,
            member_ids=_ids(args.members),
            starts_on=args.starts,
            site_id=args.site,
            notes=args.notes or "",
        )
        emit(args, {"id": chore_id}, chore_id)
    return 0


def cmd_chore_list(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import emit, open_store
    from coopdesk.tasks.chores import list_chores, next_assignee

    with open_store(args) as store:
        chores = list_chores(store)
        for chore in chores:
            chore["next_assignee_id"] = next_assignee(store, chore["id"], args.on)
        emit(
            args,
            chores,
            [
                f"{c['id']}  {c['title']}  every {c['every_days']} days, {c['strategy']}; "
                f"next: {c['next_assignee_id'] or '(nobody)'}"
                for c in chores
            ]
            or ["No chores yet."],
        )
    return 0


def cmd_chore_generate(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store, plural
    from coopdesk.tasks.chores import generate_chore_tasks

    with open_store(args) as store:
        made = generate_chore_tasks(store, author_of(args, store), args.until, since=args.since)
        emit(args, {"tasks": made}, f"Made {plural(made, 'task')}.")
    return 0


def cmd_chore_history(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import emit, open_store
    from coopdesk.tasks.chores import chore_history

    with open_store(args) as store:
        rows = chore_history(store, args.chore_id)
        emit(
            args,
            rows,
            [
                f"{r['due_on']}  {r['status']}  {r['assignee_name'] or '(nobody)'}"
                + (f"  done by {r['done_by_name']}" if r["done_by_name"] else "")
                for r in rows
            ]
            or ["No history yet."],
        )
    return 0


# -- PINs ------------------------------------------------------------------------------------


def cmd_member_pin(args: argparse.Namespace) -> int:
    from coopdesk.cli.main import author_of, emit, open_store
    from coopdesk.coop.pins import clear_pin, set_pin

    with open_store(args) as store:
        author = author_of(args, store)
        if args.clear:
            clear_pin(store, author, args.member_id)
            emit(args, {"pin": False}, "PIN cleared.")
        else:
            set_pin(store, author, args.member_id, args.pin or "")
            emit(args, {"pin": True}, "PIN set.")
    return 0


def _group(commands: Any, name: str, help_text: str) -> Any:
    """A command group (``role``, ``task``, ``chore``) that prints its help when bare."""
    from coopdesk.cli.main import _common

    group = commands.add_parser(name, parents=[_common()], help=help_text)
    group.set_defaults(handler=lambda _args: (group.print_help(), 2)[1])
    return group.add_subparsers(title=f"{name} commands", metavar="COMMAND")


def add_commands(commands: Any, command: Any) -> None:
    """Add this feature's commands to the top-level parser (see ``coopdesk.cli``)."""
    from coopdesk.roles.tables import ROTATION_POLICIES
    from coopdesk.tasks.tables import CHORE_STRATEGIES, TASK_STATUSES

    roles = _group(commands, "role", "rotating roles: add, list, schedule, swap, handover")
    add = command("add", cmd_role_add, "add a role; prints its id", roles)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--term-days", type=int, required=True, metavar="N", help="term length")
    add.add_argument("--policy", choices=ROTATION_POLICIES, default="round-robin")
    add.add_argument("--members", metavar="ID,ID,...", help="who takes turns, in order")
    add.add_argument("--holders", type=int, default=1, metavar="N", help="holders at once")
    add.add_argument("--skill", metavar="SKILL", help="everyone with this skill is eligible")
    add.add_argument("--mandates", metavar="a,b", help="members, roles, conflicts, stock, settings")
    add.add_argument("--starts", metavar="DATE", help="first term starts (default today)")
    add.add_argument("--description", metavar="TEXT")
    command("list", cmd_role_list, "list roles and who holds them now", roles)
    sched = command("schedule", cmd_role_schedule, "the terms ahead: role, dates, holders", roles)
    sched.add_argument("--terms", type=int, metavar="N", help="terms ahead (default: the role's)")
    sched.add_argument("--role", metavar="ROLE_ID", help="only this role")
    hist = command("history", cmd_role_history, "a role's past terms", roles)
    hist.add_argument("role_id", metavar="ROLE_ID")
    swap = command("swap", cmd_role_swap, "give one term to someone else", roles)
    swap.add_argument("role_id", metavar="ROLE_ID")
    swap.add_argument("--term", required=True, metavar="DATE", help="the term's first day")
    swap.add_argument("--out", dest="out_member", required=True, metavar="ID")
    swap.add_argument("--in", dest="in_member", required=True, metavar="ID")
    handover = command("handover", cmd_role_handover, "write a term's handover notes", roles)
    handover.add_argument("role_id", metavar="ROLE_ID")
    handover.add_argument("--term", required=True, metavar="DATE", help="the term's first day")
    handover.add_argument("--notes", required=True, metavar="TEXT")
    join = command("join", cmd_role_join, "take turns in a role (or stop: --leave)", roles)
    join.add_argument("role_id", metavar="ROLE_ID")
    join.add_argument("--member", metavar="ID", help="default: yourself")
    join.add_argument("--leave", action="store_true", help="stop taking turns")
    archive = command("archive", cmd_role_archive, "archive a role", roles)
    archive.add_argument("role_id", metavar="ROLE_ID")

    tasks = _group(commands, "task", "tasks: add, list, move, done")
    add = command("add", cmd_task_add, "add a task; prints its id", tasks)
    add.add_argument("title", metavar="TITLE")
    add.add_argument("--assignee", metavar="MEMBER_ID")
    add.add_argument("--due", metavar="DATE")
    add.add_argument("--priority", type=int, default=1, metavar="N", help="0 low … 3 urgent")
    add.add_argument("--site", metavar="SITE_ID")
    add.add_argument("--role", metavar="ROLE_ID", help="the role responsible")
    add.add_argument("--notes", metavar="TEXT")
    done = command("done", cmd_task_done, "mark a task done", tasks)
    done.add_argument("task_id", metavar="TASK_ID")
    move = command("move", cmd_task_move, "move a task to another status", tasks)
    move.add_argument("task_id", metavar="TASK_ID")
    move.add_argument("--status", required=True, choices=TASK_STATUSES)
    listing = command("list", cmd_task_list, "list tasks", tasks)
    listing.add_argument("--status", choices=TASK_STATUSES)
    listing.add_argument("--assignee", metavar="MEMBER_ID")
    listing.add_argument("--search", metavar="TEXT")
    listing.add_argument("--overdue", action="store_true", help="only overdue tasks")
    archive = command("archive", cmd_task_archive, "archive a task", tasks)
    archive.add_argument("task_id", metavar="TASK_ID")

    chores = _group(commands, "chore", "recurring chores: add, list, generate, history")
    add = command("add", cmd_chore_add, "add a recurring chore; prints its id", chores)
    add.add_argument("title", metavar="TITLE")
    add.add_argument("--every-days", type=int, required=True, metavar="N")
    add.add_argument("--strategy", choices=CHORE_STRATEGIES, default="least-done")
    add.add_argument("--members", required=True, metavar="ID,ID,...", help="who takes turns")
    add.add_argument("--starts", metavar="DATE", help="first due (default today)")
    add.add_argument("--site", metavar="SITE_ID")
    add.add_argument("--notes", metavar="TEXT")
    listing = command("list", cmd_chore_list, "list chores and who is next", chores)
    listing.add_argument("--on", metavar="DATE", help="who is next on or after DATE")
    generate = command("generate", cmd_chore_generate, "make the chores' tasks", chores)
    generate.add_argument("--until", required=True, metavar="DATE")
    generate.add_argument("--since", metavar="DATE", help="default: one period before today")
    hist = command("history", cmd_chore_history, "who had and who did a chore", chores)
    hist.add_argument("chore_id", metavar="CHORE_ID")

    member = commands.choices.get("member")
    if member is not None:
        member_commands = next(
            action for action in member._actions if isinstance(action, argparse._SubParsersAction)
        )
        pin = command("pin", cmd_member_pin, "set (or --clear) a member's PIN", member_commands)
        pin.add_argument("member_id", metavar="MEMBER_ID")
        pin.add_argument("--pin", metavar="DIGITS", help="4 to 12 digits")
        pin.add_argument("--clear", action="store_true", help="remove the PIN")
