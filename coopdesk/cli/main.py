"""The ``coopdesk`` command line: a thin layer over the core, like calibre's ``calibredb``.

Every command calls the same core functions as the window. ``--json`` prints
machine-readable output. Errors a person can act on print one line to stderr and exit 1;
there are no tracebacks for them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coopdesk import __version__
from coopdesk.base.errors import CoopDeskError, NotFoundError
from coopdesk.base.paths import resolve_data_dir

Handler = Callable[[argparse.Namespace], int]
# Each feature keeps its commands in a module of its own with ``add_commands(commands,
# command)``: ``commands`` is the top-level subparsers, ``command(name, handler, help,
# parent=commands)`` adds a subcommand that accepts --json, --data-dir and --as.
# Keyed by module, with the top-level commands each adds to (so opening the app, which is
# `coopdesk` with no command, does not build the ~80 parsers of commands it will not run).
FEATURE_COMMANDS = {
    "coopdesk.cli.shifts": ("shift", "member"),
    "coopdesk.cli.roles": ("role", "task", "chore", "member"),
    "coopdesk.cli.inventory": ("item", "stock"),
}
# The commands cli.py itself defines (any other word: build everything, so argparse can say
# what is wrong, or show help).
CORE_COMMANDS = (
    "init",
    "demo",
    "member",
    "activity",
    "dump",
    "check",
    "self-test",
    "invite",
    "join",
    "export",
    "preview",
    "import",
    "sites",
    "conflicts",
    "backups",
    "coop",
)
# Options of the top-level parser that take a value (skipped when looking for the command).
OPTIONS_WITH_VALUES = ("--data-dir", "--as")


# -- output -------------------------------------------------------------------------------


def emit(args: argparse.Namespace, data: Any, text: str | Sequence[str]) -> None:
    """Print ``data`` as JSON with --json, else the human-readable ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
    elif isinstance(text, str):
        if text:
            print(text)
    else:
        for line in text:
            print(line)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data_dir", None))


def open_store(args: argparse.Namespace):
    from coopdesk.store.store import Store

    return Store.open(data_dir(args))


def author_of(args: argparse.Namespace, store) -> str:
    """The member a change is attributed to: --as, else the member given at init."""
    from coopdesk.coop.members import find_member

    chosen = getattr(args, "as_member", None)
    if chosen:
        member = find_member(store, chosen)
        if member is None:
            raise NotFoundError(
                f"--as {chosen}: no such member (give a member id from 'member list')."
            )
        return member["id"]
    default = store.local_get("default_member_id")
    if not default:
        raise CoopDeskError("Say who is making this change with --as MEMBER_ID.")
    return str(default)


# -- commands -----------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from coopdesk.coop.coop import identity, start_coop

    with start_coop(data_dir(args), args.coop, args.site, args.member) as store:
        ident = identity(store)
        member_id = str(store.local_get("default_member_id"))
        emit(
            args,
            {
                "coop_id": ident.coop_id,
                "site_id": ident.site_id,
                "member_id": member_id,
                "path": str(store.path),
            },
            f"Started {ident.coop_name} at site {ident.site_name} in {store.path}",
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from coopdesk.coop.coop import identity
    from coopdesk.coop.members import count_members
    from coopdesk.demo import create_demo

    with create_demo(data_dir(args)) as store:
        ident = identity(store)
        members = count_members(store)
        emit(
            args,
            {
                "coop_id": ident.coop_id,
                "site_id": ident.site_id,
                "members": members,
                "path": str(store.path),
            },
            f"Made the demo coop {ident.coop_name} ({members} members) in {store.path}",
        )
    return 0


def _skills(text: str | None) -> list[str] | None:
    return None if text is None else [part for part in text.split(",")]


def _member_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("email", "phone", "notes"):
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = value
    if getattr(args, "skills", None) is not None:
        fields["skills"] = _skills(args.skills)
    if getattr(args, "home_site", None) is not None:
        fields["home_site_id"] = args.home_site or None
    return fields


def _member_line(member: dict[str, Any]) -> str:
    parts = [member["id"], member["name"]]
    for key in ("email", "phone"):
        if member.get(key):
            parts.append(member[key])
    if member["skills"]:
        parts.append("skills: " + ", ".join(member["skills"]))
    if member["archived"]:
        parts.append("(archived)")
    return "  ".join(parts)


def cmd_member_add(args: argparse.Namespace) -> int:
    from coopdesk.coop.members import add_member

    with open_store(args) as store:
        fields = _member_fields(args)
        fields.setdefault("home_site_id", store.site_id)
        member_id = add_member(store, author_of(args, store), args.name, **fields)
        emit(args, {"id": member_id}, member_id)
    return 0


def cmd_member_edit(args: argparse.Namespace) -> int:
    from coopdesk.coop.members import get_member, update_member

    with open_store(args) as store:
        fields = _member_fields(args)
        if args.name is not None:
            fields["name"] = args.name
        changed = update_member(store, author_of(args, store), args.id, **fields)
        member = get_member(store, args.id)
        emit(
            args,
            {"changed": sorted(changed), "member": member},
            f"Changed {', '.join(sorted(changed))}" if changed else "Nothing to change.",
        )
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:
    from coopdesk.coop.members import MemberQuery, list_members

    status = "all" if args.all else ("archived" if args.archived else "active")
    with open_store(args) as store:
        members = list_members(store, MemberQuery(search=args.search or "", status=status))
        emit(args, members, [_member_line(m) for m in members] or ["No members match."])
    return 0


def cmd_member_show(args: argparse.Namespace) -> int:
    from coopdesk.coop.members import get_member

    with open_store(args) as store:
        member = get_member(store, args.id)
        emit(args, member, _member_line(member))
    return 0


def cmd_member_archive(args: argparse.Namespace) -> int:
    from coopdesk.coop.members import archive_member, get_member

    with open_store(args) as store:
        archive_member(store, author_of(args, store), args.id)
        member = get_member(store, args.id)
        emit(args, member, f"Archived {member['name']}")
    return 0


def cmd_member_restore(args: argparse.Namespace) -> int:
    from coopdesk.coop.members import get_member, restore_member

    with open_store(args) as store:
        restore_member(store, author_of(args, store), args.id)
        member = get_member(store, args.id)
        emit(args, member, f"Restored {member['name']}")
    return 0


def cmd_activity(args: argparse.Namespace) -> int:
    from coopdesk.coop.activity import recent

    with open_store(args) as store:
        items = recent(store, limit=args.limit)
        emit(args, [item.as_json() for item in items], [item.sentence() for item in items])
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from coopdesk.store.dump import dump_json

    with open_store(args) as store:
        sys.stdout.write(dump_json(store))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from coopdesk.store.check import check_store

    with open_store(args) as store:
        problems = check_store(store)
    emit(
        args,
        {"ok": not problems, "problems": problems},
        ["ok"] if not problems else [f"problem: {p}" for p in problems],
    )
    return 0 if not problems else 1


def cmd_invite(args: argparse.Namespace) -> int:
    from coopdesk.sync.invite import make_invitation

    with open_store(args) as store:
        invitation = make_invitation(store, author_of(args, store), args.site, Path(args.to))
        emit(
            args,
            {
                "site_id": invitation.site_id,
                "site_name": invitation.site_name,
                "path": str(invitation.path),
                "passphrase": invitation.passphrase,
            },
            [
                f"Invitation for site {invitation.site_name} written to {invitation.path}",
                f"Passphrase: {invitation.passphrase}",
                "Give the passphrase to the new site separately from the file; it is shown "
                "only now.",
            ],
        )
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    from coopdesk.coop.coop import identity
    from coopdesk.sync.invite import join_coop

    store, result = join_coop(data_dir(args), Path(args.file), args.passphrase)
    with store:
        ident = identity(store)
        emit(
            args,
            {
                "coop_id": ident.coop_id,
                "site_id": ident.site_id,
                "site_name": ident.site_name,
                "path": str(store.path),
                "import": result.as_json(),
            },
            f"Joined {ident.coop_name} as site {ident.site_name}. {result.summary()}",
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coopdesk.sync.exchange import export_bundle

    with open_store(args) as store:
        result = export_bundle(store, Path(args.to), for_site=args.for_site, full=args.full)
        emit(
            args,
            result.as_json(),
            f"Wrote {result.path} ({plural(result.entries, 'change')}, {result.size:,} bytes); "
            "read back and verified: safe to remove the drive.",
        )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from coopdesk.sync.exchange import preview_bundle

    with open_store(args) as store:
        preview = preview_bundle(store, Path(args.file))
        note = " (already imported)" if preview.already_imported else ""
        emit(
            args,
            preview.as_json(),
            f"From site {preview.site_name}, bundle {preview.bundle_seq}: "
            f"{plural(preview.entries, 'change')}, {preview.new_entries} new: "
            f"{preview.summary()}{note}",
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from coopdesk.sync.exchange import import_bundle

    with open_store(args) as store:
        chosen = getattr(args, "as_member", None)
        author = author_of(args, store) if chosen or store.local_get("default_member_id") else None
        result = import_bundle(store, Path(args.file), author=author)
        lines = [result.summary()]
        lines += [
            f"Warning: site {site[:8]}: {text}"
            for site, text in result.report.clock_warnings.items()
        ]
        if result.report.identity_notice:
            lines.append(result.report.identity_notice)
        emit(args, result.as_json(), lines)
    return 0


def cmd_sites(args: argparse.Namespace) -> int:
    from coopdesk.coop.activity import relative_time
    from coopdesk.sync.peers import sites_overview

    with open_store(args) as store:
        statuses = sites_overview(store)
        lines = []
        for status in statuses:
            if status.this_site:
                state = "this site"
            elif status.earlier_identity:
                state = "an earlier identity of this computer"
            else:
                heard = relative_time(status.heard_at) if status.heard_at else "never"
                pending = plural(status.not_yet_received or 0, "change")
                state = f"last heard {heard}; {pending} not yet sent there"
            if status.archived:
                state += "; archived"
            if status.clock_warning:
                state += f"; {status.clock_warning}"
            lines.append(f"{status.site_id}  {status.name}  ({state})")
        emit(args, [s.as_json() for s in statuses], lines)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from coopdesk.sync.conflicts import display_value, list_conflicts, resolve_conflict

    with open_store(args) as store:
        if args.resolve:
            conflict = resolve_conflict(store, author_of(args, store), args.resolve, args.keep)
            kept = conflict.other_value if args.keep == "other" else conflict.current_value
            emit(
                args,
                {"resolved": conflict.key, "value": kept},
                f"{conflict.row_label}: {conflict.column_label} is now "
                f"{display_value(conflict.table, conflict.column, kept)}",
            )
            return 0
        conflicts = list_conflicts(store)
        lines = [
            f"{c.key}\n  {c.row_label} · {c.column_label}: now "
            f"{display_value(c.table, c.column, c.current_value)!s}; {c.other_site} "
            f"({c.other_author}) said {display_value(c.table, c.column, c.other_value)}"
            for c in conflicts
        ]
        emit(args, [c.as_json() for c in conflicts], lines or ["No conflicts."])
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from coopdesk.sync.backups import list_backups, restore_backup

    with open_store(args) as store:
        if args.restore:
            site_id = restore_backup(store, args.restore, author_of(args, store))
            emit(
                args,
                {"restored": args.restore, "site_id": site_id},
                f"Restored {args.restore}. This computer is now site identity {site_id}.",
            )
            return 0
        found = list_backups(store)
        emit(
            args,
            [
                {"name": b.name, "made_at": b.made_at, "reason": b.reason, "bytes": b.size}
                for b in found
            ],
            [f"{b.name}  ({b.size:,} bytes)" for b in found] or ["No backups yet."],
        )
    return 0


def cmd_coop(args: argparse.Namespace) -> int:
    from coopdesk.coop.coop import identity, update_settings

    with open_store(args) as store:
        if args.encrypt_bundles is not None:
            update_settings(
                store, author_of(args, store), encrypt_bundles=args.encrypt_bundles == "on"
            )
        ident = identity(store)
        coop = store.require("coop", ident.coop_id)
        emit(
            args,
            {
                "coop_id": ident.coop_id,
                "name": ident.coop_name,
                "site_id": ident.site_id,
                "site_name": ident.site_name,
                "encrypt_bundles": bool(coop["encrypt_bundles"]),
            },
            [
                f"{ident.coop_name} ({ident.coop_id})",
                f"This site: {ident.site_name} ({ident.site_id})",
                "Bundles are " + ("encrypted" if coop["encrypt_bundles"] else "not encrypted"),
            ],
        )
    return 0


def cmd_self_test(args: argparse.Namespace) -> int:
    from coopdesk.gui.shell.app import self_test

    return self_test(getattr(args, "data_dir", None))


def cmd_gui(args: argparse.Namespace) -> int:
    from coopdesk.gui.shell.app import run

    return run(getattr(args, "data_dir", None))


# -- parser -------------------------------------------------------------------------------


def _common() -> argparse.ArgumentParser:
    """Options accepted both before and after the command (``--json``, ``--data-dir``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where the store lives (default: the user data dir, or $COOPDESK_DATA_DIR)",
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print machine-readable JSON"
    )
    common.add_argument(
        "--as",
        dest="as_member",
        metavar="MEMBER_ID",
        default=argparse.SUPPRESS,
        help="the member making the change (default: the member given at init)",
    )
    return common


def command_named(argv: Sequence[str]) -> str | None:
    """The command word in ``argv`` ("shift" in ``--json shift list``); None: open the app."""
    tokens = iter(argv)
    for token in tokens:
        if token in OPTIONS_WITH_VALUES:
            next(tokens, None)
        elif not token.startswith("-"):
            return token
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given ``argv``, only the parts that command needs.

    Help (``-h``, or a command no part claims) always gets everything.
    """
    name = None if argv is None else command_named(argv)
    everything = argv is None or "-h" in argv or "--help" in argv
    if name is not None and all(name not in names for names in FEATURE_COMMANDS.values()):
        everything = everything or name not in CORE_COMMANDS

    def wanted(feature: tuple[str, tuple[str, ...]]) -> bool:
        return everything or (name is not None and name in feature[1])

    common = _common()
    parser = argparse.ArgumentParser(
        prog="coopdesk",
        parents=[common],
        description="CoopDesk: members, shifts, rotating roles and shared supplies for a "
        "cooperative. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"CoopDesk {__version__}")
    parser.set_defaults(handler=cmd_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str, parent=commands):
        sub = parent.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "start a new coop in an empty data dir")
    init.add_argument("--coop", required=True, metavar="NAME", help="the coop's name")
    init.add_argument("--site", required=True, metavar="NAME", help="this site's name")
    init.add_argument("--member", required=True, metavar="NAME", help="your name")

    command("demo", cmd_demo, "fill a new store with the demo coop")

    member = commands.add_parser(
        "member", parents=[common], help="add, list, edit, archive members"
    )
    member.set_defaults(handler=lambda _args: (member.print_help(), 2)[1])
    member_commands = member.add_subparsers(title="member commands", metavar="COMMAND")

    def member_fields(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--email", metavar="E")
        sub.add_argument("--phone", metavar="P")
        sub.add_argument("--skills", metavar="a,b", help="comma-separated skills")
        sub.add_argument("--home-site", metavar="SITE_ID", help="home site (default: this site)")
        sub.add_argument("--notes", metavar="TEXT")

    add = command("add", cmd_member_add, "add a member; prints the new id", member_commands)
    add.add_argument("name", metavar="NAME")
    member_fields(add)
    edit = command("edit", cmd_member_edit, "change a member's details", member_commands)
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--name", metavar="NAME")
    member_fields(edit)
    listing = command("list", cmd_member_list, "list members", member_commands)
    listing.add_argument("--search", metavar="TEXT", help="only members matching TEXT")
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--archived", action="store_true", help="archived members only")
    which.add_argument("--all", action="store_true", help="active and archived members")
    show = command("show", cmd_member_show, "show one member", member_commands)
    show.add_argument("id", metavar="ID")
    archive = command("archive", cmd_member_archive, "archive a member", member_commands)
    archive.add_argument("id", metavar="ID")
    restore = command("restore", cmd_member_restore, "restore an archived member", member_commands)
    restore.add_argument("id", metavar="ID")
    # Shift hours balance (issue 4): the handler lives with the other shift commands.
    if wanted(("coopdesk.cli.shifts", ("shift", "member"))):
        importlib.import_module("coopdesk.cli.shifts").add_member_commands(member_commands, command)

    activity = command("activity", cmd_activity, "recent changes, newest first")
    activity.add_argument("--limit", type=int, default=50, metavar="N")
    command("dump", cmd_dump, "canonical JSON of all replicated data")
    command("check", cmd_check, "check the store's integrity")
    command("self-test", cmd_self_test, "open the main window offscreen and quit (for CI)")

    invite = command("invite", cmd_invite, "invite a new site: writes an invitation file")
    invite.add_argument("--site", required=True, metavar="NAME", help="the new site's name")
    invite.add_argument("--to", required=True, metavar="FILE", help="where to write it")
    join = command("join", cmd_join, "join a coop from an invitation, into an empty data dir")
    join.add_argument("file", metavar="FILE")
    join.add_argument("--passphrase", required=True, metavar="P")
    export = command("export", cmd_export, "write a sync bundle for other sites")
    export.add_argument(
        "--to",
        required=True,
        metavar="FILE",
        help="the bundle file (or a folder: a name is chosen)",
    )
    export.add_argument(
        "--for",
        dest="for_site",
        metavar="SITE_ID",
        help="only what that site lacks (default: what any site may lack)",
    )
    export.add_argument("--full", action="store_true", help="every change this site has")
    preview = command("preview", cmd_preview, "show what a bundle would bring, change nothing")
    preview.add_argument("file", metavar="FILE")
    import_ = command("import", cmd_import, "import a sync bundle (a backup is made first)")
    import_.add_argument("file", metavar="FILE")
    command("sites", cmd_sites, "the coop's sites and what each still lacks from here")
    conflicts = command("conflicts", cmd_conflicts, "fields two sites changed at once")
    conflicts.add_argument("--resolve", metavar="KEY", help="settle the conflict KEY")
    conflicts.add_argument(
        "--keep",
        choices=("other", "current"),
        default="other",
        help="with --resolve: take the other value (default) or keep the current one",
    )
    backups = command("backups", cmd_backups, "list the automatic backups, or restore one")
    backups.add_argument("--restore", metavar="NAME", help="restore this backup")
    coop = command("coop", cmd_coop, "show the coop, or change its settings")
    coop.add_argument(
        "--encrypt-bundles",
        choices=("on", "off"),
        help="encrypt the changes inside sync bundles (default on)",
    )
    for feature in FEATURE_COMMANDS.items():
        if wanted(feature):
            importlib.import_module(feature[0]).add_commands(commands, command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CoopDeskError as exc:
        print(f"coopdesk: {exc}", file=sys.stderr)
        return 1
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            print(
                "coopdesk: the store is busy (another CoopDesk is writing); try again.",
                file=sys.stderr,
            )
        else:
            print(f"coopdesk: the store could not be used: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
