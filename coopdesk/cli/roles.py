"""The ``coopdesk`` commands for roles, chores and tasks: a thin layer over the core."""

from __future__ import annotations

import argparse
from typing import Any

from coopdesk.base.i18n import _
from coopdesk.cli.framework import CommandLine, author_of, emit, free_text, id_list, open_store
from coopdesk.roles.roles import (
    add_role,
    archive_role,
    eligible_members,
    list_roles,
    opt_in,
    opt_out,
)
from coopdesk.roles.rotation import history, schedule, swap, term_on, write_handover
from coopdesk.roles.tables import ROTATION_POLICIES
from coopdesk.store.schema import parse_date


def _term_line(term: Any) -> str:
    holders = ", ".join(term.holder_names) or _("(nobody)")
    mark = "  " + _("(swapped)") if term.overridden else ""
    return f"{term.role_name}  {term.starts_on} – {term.ends_on}  {holders}{mark}"


# -- roles -----------------------------------------------------------------------------------


def cmd_role_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        role_id = add_role(
            store,
            author_of(args, store),
            args.name,
            term_days=args.term_days,
            policy=args.policy,
            member_ids=id_list(args.members),
            holders=args.holders,
            skill=args.skill or "",
            starts_on=args.starts,
            description=args.description or "",
            mandates=id_list(args.mandates),
        )
        emit(args, {"id": role_id}, role_id)
    return 0


def cmd_role_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        roles = list_roles(store)
        lines = []
        for role in roles:
            term = role["current_term"]
            now = (
                _("now {holder_names} until {ends_on}").format(
                    holder_names=", ".join(term["holder_names"]) or _("(nobody)"),
                    ends_on=term["ends_on"],
                )
                if term
                else _("starts {starts_on}").format(starts_on=role["starts_on"])
            )
            mandates = (
                _("  mandates: {mandates}").format(mandates=", ".join(role["mandates"]))
                if role["mandates"]
                else ""
            )
            lines.append(
                _("{id}  {name}  every {term_days} days, {policy}; {now}{mandates}").format(
                    id=role["id"],
                    name=role["name"],
                    term_days=role["term_days"],
                    policy=role["policy"],
                    now=now,
                    mandates=mandates,
                )
            )
        emit(args, roles, lines or [_("No roles yet.")])
    return 0


def cmd_role_schedule(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        terms = schedule(store, role_id=args.role, terms=args.terms)
        emit(args, [t.as_json() for t in terms], [_term_line(t) for t in terms] or [_("No roles.")])
    return 0


def cmd_role_history(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        terms = history(store, args.role_id)
        emit(
            args, [t.as_json() for t in terms], [_term_line(t) for t in terms] or [_("No history.")]
        )
    return 0


def cmd_role_swap(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        swap(
            store, author_of(args, store), args.role_id, args.term, args.out_member, args.in_member
        )
        term = term_on(store, args.role_id, parse_date(args.term, "Term"))
        emit(args, term.as_json(), _term_line(term))
    return 0


def cmd_role_handover(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        write_handover(store, author_of(args, store), args.role_id, args.term, args.notes)
        term = term_on(store, args.role_id, parse_date(args.term, "Term"))
        emit(
            args,
            term.as_json(),
            _("Handover notes saved for {term_line}").format(term_line=_term_line(term)),
        )
    return 0


def cmd_role_join(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        author = author_of(args, store)
        member = args.member or author
        (opt_out if args.leave else opt_in)(store, author, args.role_id, member)
        members = eligible_members(store, args.role_id)
        emit(args, {"member_ids": members}, _("Now taking turns: ") + ", ".join(members))
    return 0


def cmd_role_archive(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        archive_role(store, author_of(args, store), args.role_id)
        emit(
            args,
            {"archived": args.role_id},
            _("Archived role {role_id}").format(role_id=args.role_id),
        )
    return 0


# -- tasks -----------------------------------------------------------------------------------


# -- chores ----------------------------------------------------------------------------------


# -- PINs ------------------------------------------------------------------------------------


def add_commands(cli: CommandLine) -> None:
    """Add this feature's commands to the top-level parser (see ``coopdesk.cli``)."""

    roles = cli.group("role", _("rotating roles: add, list, schedule, swap, handover"))
    add = cli.command("add", cmd_role_add, _("add a role; prints its id"), roles)
    free_text(add, "name", "NAME", _("the role's name"))
    add.add_argument("--term-days", type=int, required=True, metavar="N", help=_("term length"))
    add.add_argument("--policy", choices=ROTATION_POLICIES, default="round-robin")
    add.add_argument("--members", metavar="ID,ID,...", help=_("who takes turns, in order"))
    add.add_argument("--holders", type=int, default=1, metavar="N", help=_("holders at once"))
    add.add_argument("--skill", metavar="SKILL", help=_("everyone with this skill is eligible"))
    add.add_argument(
        "--mandates", metavar="a,b", help=_("members, roles, conflicts, stock, settings, decisions")
    )
    add.add_argument("--starts", metavar="DATE", help=_("first term starts (default today)"))
    add.add_argument("--description", metavar="TEXT")
    cli.command("list", cmd_role_list, _("list roles and who holds them now"), roles)
    sched = cli.command(
        "schedule", cmd_role_schedule, _("the terms ahead: role, dates, holders"), roles
    )
    sched.add_argument(
        "--terms", type=int, metavar="N", help=_("terms ahead (default: the role's)")
    )
    sched.add_argument("--role", metavar="ROLE_ID", help=_("only this role"))
    hist = cli.command("history", cmd_role_history, _("a role's past terms"), roles)
    hist.add_argument("role_id", metavar="ROLE_ID")
    swap = cli.command("swap", cmd_role_swap, _("give one term to someone else"), roles)
    swap.add_argument("role_id", metavar="ROLE_ID")
    swap.add_argument("--term", required=True, metavar="DATE", help=_("the term's first day"))
    swap.add_argument("--out", dest="out_member", required=True, metavar="ID")
    swap.add_argument("--in", dest="in_member", required=True, metavar="ID")
    handover = cli.command("handover", cmd_role_handover, _("write a term's handover notes"), roles)
    handover.add_argument("role_id", metavar="ROLE_ID")
    handover.add_argument("--term", required=True, metavar="DATE", help=_("the term's first day"))
    handover.add_argument("--notes", required=True, metavar="TEXT")
    join = cli.command("join", cmd_role_join, _("take turns in a role (or stop: --leave)"), roles)
    join.add_argument("role_id", metavar="ROLE_ID")
    join.add_argument("--member", metavar="ID", help=_("default: yourself"))
    join.add_argument("--leave", action="store_true", help=_("stop taking turns"))
    archive = cli.command("archive", cmd_role_archive, _("archive a role"), roles)
    archive.add_argument("role_id", metavar="ROLE_ID")
