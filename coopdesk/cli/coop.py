"""The commands for the coop itself: members, the activity log, the coop's settings."""

from __future__ import annotations

import argparse
from typing import Any

from coopdesk.base.i18n import LANGUAGES, _
from coopdesk.cli.framework import CommandLine, author_of, emit, free_text, open_store
from coopdesk.coop.activity import recent_changes
from coopdesk.coop.coop import coop_time_zone, identity, update_settings
from coopdesk.coop.members import (
    MemberQuery,
    add_member,
    archive_member,
    get_member,
    list_members,
    restore_member,
    update_member,
)
from coopdesk.coop.pins import clear_pin, set_pin


def _skills(text: str | None) -> list[str] | None:
    return None if text is None else [part for part in text.split(",")]


def _member_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("email", "phone", "notes", "language"):
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
        parts.append(_("skills: {skills}").format(skills=", ".join(member["skills"])))
    if member["archived"]:
        parts.append(_("(archived)"))
    return "  ".join(parts)


def cmd_member_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        fields = _member_fields(args)
        fields.setdefault("home_site_id", store.site_id)
        member_id = add_member(store, author_of(args, store), args.name, **fields)
        emit(args, {"id": member_id}, member_id)
    return 0


def cmd_member_edit(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        fields = _member_fields(args)
        if args.name is not None:
            fields["name"] = args.name
        changed = update_member(store, author_of(args, store), args.id, **fields)
        member = get_member(store, args.id)
        emit(
            args,
            {"changed": sorted(changed), "member": member},
            _("Changed {fields}").format(fields=", ".join(sorted(changed)))
            if changed
            else _("Nothing to change."),
        )
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:

    status = "all" if args.all else ("archived" if args.archived else "active")
    with open_store(args) as store:
        members = list_members(store, MemberQuery(search=args.search or "", status=status))
        emit(args, members, [_member_line(m) for m in members] or [_("No members match.")])
    return 0


def cmd_member_show(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = get_member(store, args.id)
        emit(args, member, _member_line(member))
    return 0


def cmd_member_archive(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        archive_member(store, author_of(args, store), args.id)
        member = get_member(store, args.id)
        emit(args, member, _("Archived {name}").format(name=member["name"]))
    return 0


def cmd_member_restore(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        restore_member(store, author_of(args, store), args.id)
        member = get_member(store, args.id)
        emit(args, member, _("Restored {name}").format(name=member["name"]))
    return 0


def cmd_activity(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        items = recent_changes(store, limit=args.limit)
        emit(args, [item.as_json() for item in items], [item.sentence() for item in items])
    return 0


def cmd_coop(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        changes: dict[str, object] = {}
        if args.encrypt_bundles is not None:
            changes["encrypt_bundles"] = args.encrypt_bundles == "on"
        if args.time_zone is not None:
            changes["time_zone"] = args.time_zone
        if args.language is not None:
            changes["language"] = args.language
        if changes:
            update_settings(store, author_of(args, store), **changes)
        ident = identity(store)
        coop = store.require("coop", ident.coop_id)
        zone_setting = coop.get("time_zone") or ""
        zone = coop_time_zone(store)
        zone_text = zone_setting or _("this computer's ({zone})").format(
            zone=zone or _("unknown: local times")
        )
        emit(
            args,
            {
                "coop_id": ident.coop_id,
                "name": ident.coop_name,
                "site_id": ident.site_id,
                "site_name": ident.site_name,
                "encrypt_bundles": bool(coop["encrypt_bundles"]),
                "time_zone": zone_setting,
                "time_zone_used": zone,
                "language": coop.get("language") or "",
            },
            [
                f"{ident.coop_name} ({ident.coop_id})",
                _("This site: {site_name} ({site_id})").format(
                    site_name=ident.site_name, site_id=ident.site_id
                ),
                _("Bundles are encrypted")
                if coop["encrypt_bundles"]
                else _("Bundles are not encrypted"),
                _("Time zone of shifts (for calendars): {zone}").format(zone=zone_text),
                _("Language: {language}").format(
                    language=LANGUAGES.get(coop.get("language") or "en", "English")
                ),
            ],
        )
    return 0


def cmd_member_pin(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        author = author_of(args, store)
        if args.clear:
            clear_pin(store, author, args.member_id)
            emit(args, {"pin": False}, _("PIN cleared on this computer."))
        else:
            set_pin(store, author, args.member_id, args.new_pin or "")
            emit(
                args,
                {"pin": True, "this_computer_only": True},
                _("PIN set. This PIN is for this computer only: set one at each computer you use."),
            )
    return 0


def _member_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--email", metavar="E")
    sub.add_argument("--phone", metavar="P")
    sub.add_argument("--skills", metavar="a,b", help=_("comma-separated skills"))
    sub.add_argument("--home-site", metavar="SITE_ID", help=_("home site (default: this site)"))
    sub.add_argument("--notes", metavar="TEXT")
    sub.add_argument(
        "--language",
        metavar="CODE",
        help=_("the member's own language in the window: {codes} ('' : the coop's default)").format(
            codes=", ".join(LANGUAGES)
        ),
    )


def add_commands(cli: CommandLine) -> None:
    """``member ...``, ``activity`` and ``coop``."""
    member = cli.group("member", _("add, list, edit, archive members"))
    add = cli.command("add", cmd_member_add, _("add a member; prints the new id"), member)
    free_text(add, "name", "NAME", _("the member's name"))
    _member_options(add)
    edit = cli.command("edit", cmd_member_edit, _("change a member's details"), member)
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--name", metavar="NAME")
    _member_options(edit)
    listing = cli.command("list", cmd_member_list, _("list members"), member)
    listing.add_argument("--search", metavar="TEXT", help=_("only members matching TEXT"))
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--archived", action="store_true", help=_("archived members only"))
    which.add_argument("--all", action="store_true", help=_("active and archived members"))
    show = cli.command("show", cmd_member_show, _("show one member"), member)
    show.add_argument("id", metavar="ID")
    archive = cli.command("archive", cmd_member_archive, _("archive a member"), member)
    archive.add_argument("id", metavar="ID")
    restore = cli.command("restore", cmd_member_restore, _("restore an archived member"), member)
    restore.add_argument("id", metavar="ID")
    pin = cli.command(
        "pin", cmd_member_pin, _("set (or --clear) a member's PIN on this computer"), member
    )
    pin.add_argument("member_id", metavar="MEMBER_ID")
    pin.add_argument("--new-pin", metavar="DIGITS", help=_("the new PIN: 4 to 12 digits"))
    pin.add_argument("--clear", action="store_true", help=_("remove the PIN"))

    activity = cli.command("activity", cmd_activity, _("recent changes, newest first"))
    activity.add_argument("--limit", type=int, default=50, metavar="N")
    coop = cli.command("coop", cmd_coop, _("show the coop, or change its settings"))
    coop.add_argument(
        "--encrypt-bundles",
        choices=("on", "off"),
        help=_("encrypt the changes inside sync bundles (default on)"),
    )
    coop.add_argument(
        "--time-zone",
        metavar="ZONE",
        help=_(
            "the zone the coop's shifts are in, for calendar files (Europe/Berlin; "
            "'local': this computer's zone, the default)"
        ),
    )
    coop.add_argument(
        "--language",
        metavar="CODE",
        help=_(
            "the window's language when no member with their own is at the keyboard: {codes}"
        ).format(codes=", ".join(LANGUAGES)),
    )
