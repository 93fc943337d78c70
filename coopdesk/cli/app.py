"""Commands of the app as a whole: start a coop, the demo coop, dump and check the store."""

from __future__ import annotations

import argparse
import sys

from coopdesk.base.i18n import _
from coopdesk.cli.framework import (
    CommandLine,
    data_dir,
    emit,
    open_store,
)
from coopdesk.coop import count_members, identity, start_coop
from coopdesk.demo import create_demo
from coopdesk.store.check import check_store
from coopdesk.store.dump import write_dump


def cmd_init(args: argparse.Namespace) -> int:

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
            _("Started {coop_name} at site {site_name} in {path}").format(
                coop_name=ident.coop_name, site_name=ident.site_name, path=store.path
            ),
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:

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
            _("Made the demo coop {coop_name} ({members} members) in {path}").format(
                coop_name=ident.coop_name, members=members, path=store.path
            ),
        )
    return 0


def cmd_dump(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        write_dump(store, sys.stdout)
    return 0


def cmd_check(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        problems = check_store(store)
    emit(
        args,
        {"ok": not problems, "problems": problems},
        [_("ok")] if not problems else [_("problem: {p}").format(p=p) for p in problems],
    )
    return 0 if not problems else 1


def add_commands(cli: CommandLine) -> None:
    """``init``, ``demo``, ``dump`` and ``check``."""
    init = cli.command("init", cmd_init, _("start a new coop in an empty data dir"))
    init.add_argument("--coop", required=True, metavar="NAME", help=_("the coop's name"))
    init.add_argument("--site", required=True, metavar="NAME", help=_("this site's name"))
    init.add_argument("--member", required=True, metavar="NAME", help=_("your name"))
    cli.command("demo", cmd_demo, _("fill a new store with the demo coop"))
    cli.command("dump", cmd_dump, _("canonical JSON of all replicated data"))
    cli.command("check", cmd_check, _("check the store's integrity"))
