"""The sync commands: invitations, export and import of bundles, sites, conflicts, backups."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from coopdesk.base.i18n import _
from coopdesk.base.text import plural, shown, terminal_text
from coopdesk.cli.framework import CommandLine, author_of, data_dir, emit, open_store
from coopdesk.coop import identity, relative_time
from coopdesk.store.store import Store
from coopdesk.sync import folder as sync_folder
from coopdesk.sync.backups import list_backups, restore_backup
from coopdesk.sync.conflicts import display_value, list_conflicts, resolve_conflict
from coopdesk.sync.export import export_bundle
from coopdesk.sync.forks import pending_reissue, repair
from coopdesk.sync.held import held_transactions
from coopdesk.sync.importing import import_bundle, preview_bundle
from coopdesk.sync.invite import join_coop, make_invitation
from coopdesk.sync.peers import sites_overview
from coopdesk.sync.trust import archive_site, restore_site


def cmd_invite(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        invitation = make_invitation(store, author_of(args, store), args.site, args.to)
        emit(
            args,
            {
                "site_id": invitation.site_id,
                "site_name": invitation.site_name,
                "path": str(invitation.path),
                "passphrase": invitation.passphrase,
            },
            [
                _("Invitation for site {site_name} written to {path}").format(
                    site_name=invitation.site_name, path=invitation.path
                ),
                _("Passphrase: {passphrase}").format(passphrase=invitation.passphrase),
                _(
                    "Give the passphrase to the new site separately from the file; it is "
                    "shown only now."
                ),
            ],
        )
    return 0


def cmd_join(args: argparse.Namespace) -> int:

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
            _("Joined {coop_name} as site {site_name}. {summary}").format(
                coop_name=shown(ident.coop_name),
                site_name=shown(ident.site_name),
                summary=result.summary(),
            ),
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        result = export_bundle(store, args.to, for_site=args.for_site, full=args.full)
        emit(
            args,
            result.as_json(),
            _(
                "Wrote {path} ({changes}, {size:,} bytes); read back and verified: safe "
                "to remove the drive."
            ).format(path=result.path, changes=plural(result.entries, "change"), size=result.size),
        )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        preview = preview_bundle(store, Path(args.file))
        note = _(" (already imported)") if preview.already_imported else ""
        emit(
            args,
            preview.as_json(),
            _(
                "From site {site_name}, bundle {bundle_seq}: {changes}, {new_entries} "
                "new: {summary}{note}"
            ).format(
                site_name=preview.site_name,
                bundle_seq=preview.bundle_seq,
                changes=plural(preview.entries, "change"),
                new_entries=preview.new_entries,
                summary=preview.summary(),
                note=note,
            ),
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        chosen = getattr(args, "as_member", None)
        author = author_of(args, store) if chosen or store.local_get("default_member_id") else None
        result = import_bundle(store, Path(args.file), author=author)
        lines = [result.summary()]
        lines += [
            _("Warning: site {site}: {text}").format(site=site[:8], text=text)
            for site, text in result.report.clock_warnings.items()
        ]
        if result.report.identity_notice:
            lines.append(result.report.identity_notice)
        lines += result.not_applied
        emit(args, result.as_json(), lines)
    return 0


def cmd_undo_import(args: argparse.Namespace) -> int:
    """Take back the last import while nothing was written here since (its undo record)."""
    with open_store(args) as store:
        record = store.last_import_undo() if args.dry_run else store.take_back_last_import()
        if record is None:
            emit(
                args,
                {"undone": False, "import": None},
                _(
                    "There is no import to take back: none was made, it was taken back already,"
                    " or this site has changed or exported since."
                ),
            )
            return 1
        about = record.about
        site_name = shown(str(about.get("site_name", "")))
        emit(
            args,
            {"undone": not args.dry_run, "import": about, "rows": record.rows},
            (
                _("The import from {site_name} ({bundle}) can be taken back.")
                if args.dry_run
                else _(
                    "The import from {site_name} ({bundle}) was taken back: this site is as it"
                    " was before it. The bundle can be imported again."
                )
            ).format(site_name=site_name, bundle=shown(str(about.get("bundle", "")))),
        )
    return 0


def cmd_held(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        held = held_transactions(store)
        lines = [item.describe() for item in held] or [
            _("Nothing held aside: every change from the other sites followed the coop's rules.")
        ]
        emit(args, {"held": [item.as_json() for item in held]}, lines)
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    """A site written by two computers: what was set aside, and what was made again."""
    with open_store(args) as store:
        author = author_of(args, store) if pending_reissue(store) and not args.dry_run else ""
        result = repair(store, author, dry_run=args.dry_run)
        emit(args, result.as_json(), result.summary().splitlines())
    return 0


def cmd_sites(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        if args.archive or args.restore:
            return _archive_or_restore_site(args, store)
        statuses = sites_overview(store)
        lines = []
        for status in statuses:
            if status.this_site:
                state = _("this site")
            elif status.earlier_identity:
                state = _("an earlier identity of this computer")
            else:
                heard = relative_time(status.heard_at) if status.heard_at else "never"
                pending = plural(status.not_yet_received or 0, "change")
                state = _("last heard {heard}; {pending} not yet sent there").format(
                    heard=heard, pending=pending
                )
            if status.archived:
                state += _("; archived")
            if status.clock_warning:
                state += f"; {status.clock_warning}"
            elif status.clock_ahead_s is not None:
                state += _("; clock {clock_text}").format(clock_text=status.clock_text)
            lines.append(f"{status.site_id}  {status.name}  ({state})")
        emit(args, [s.as_json() for s in statuses], lines)
    return 0


def _archive_or_restore_site(args: argparse.Namespace, store: Store) -> int:
    author = author_of(args, store)
    if args.archive:
        site = store.get("site", args.archive)
        after = archive_site(store, author, args.archive)
        name = site["name"] if site else args.archive
        emit(
            args,
            {"archived": args.archive, "accepted_up_to": after},
            _(
                "Archived the site {name}: every site now refuses its changes after its "
                "change {after} (the last one this site has), however they arrive."
            ).format(name=name, after=after),
        )
    else:
        restore_site(store, author, args.restore)
        emit(args, {"restored": args.restore}, _("Restored the site: it can take part again."))
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        if args.resolve:
            conflict = resolve_conflict(store, author_of(args, store), args.resolve, args.keep)
            kept = conflict.other_value if args.keep == "other" else conflict.current_value
            emit(
                args,
                {"resolved": conflict.key, "value": kept},
                _("{row_label}: {column_label} is now {display_value}").format(
                    row_label=conflict.row_label,
                    column_label=conflict.column_label,
                    display_value=display_value(conflict.table, conflict.column, kept),
                ),
            )
            return 0
        conflicts = list_conflicts(store)
        lines = [
            _(
                "{key}\n  {row_label} · {column_label}: now {display_value!s}; "
                "{other_site} ({other_author}) said {display_value2}"
            ).format(
                key=c.key,
                row_label=c.row_label,
                column_label=c.column_label,
                display_value=display_value(c.table, c.column, c.current_value),
                other_site=c.other_site,
                other_author=c.other_author,
                display_value2=display_value(c.table, c.column, c.other_value),
            )
            for c in conflicts
        ]
        emit(args, [c.as_json() for c in conflicts], lines or [_("No conflicts.")])
    return 0


def cmd_backups(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        if args.restore:
            site_id = restore_backup(store, args.restore, author_of(args, store))
            emit(
                args,
                {"restored": args.restore, "site_id": site_id},
                _("Restored {restore}. This computer is now site identity {site_id}.").format(
                    restore=args.restore, site_id=site_id
                ),
            )
            return 0
        found = list_backups(store)
        emit(
            args,
            [
                {"name": b.name, "made_at": b.made_at, "reason": b.reason, "bytes": b.size}
                for b in found
            ],
            [_("{name}  ({size:,} bytes)").format(name=b.name, size=b.size) for b in found]
            or [_("No backups yet.")],
        )
    return 0


def cmd_folder_set(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        chosen = sync_folder.set_sync_folder(store, args.path)
        emit(
            args,
            {"folder": str(chosen)},
            _(
                "The sync folder is now {chosen}. Share it with your other sites' "
                "computers with Syncthing (or another file-sync tool); the window, or "
                "coopdesk sync-folder watch, then imports and exports by itself."
            ).format(chosen=chosen),
        )
    return 0


def cmd_folder_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        status = sync_folder.folder_status(store)
        emit(args, status.as_json(), _folder_lines(status))
    return 0


def _folder_lines(status: sync_folder.FolderStatus) -> list[str]:
    if status.folder is None:
        return [
            _("No sync folder: this site syncs by USB stick or file (coopdesk sync-folder set).")
        ]
    lines = [_("Sync folder: {folder}").format(folder=status.folder)]
    if status.problem:
        lines.append(status.problem)
    out = (
        f"{status.last_out}, {relative_time(status.last_out_at)}"
        if status.last_out and status.last_out_at
        else _("none yet")
    )
    lines.append(_("Last bundle from this site: {out}").format(out=out))
    for site in status.sites:
        heard = relative_time(site.last_in_at) if site.last_in_at else "never"
        has = _("; has everything this site wrote") if site.acknowledged_through else ""
        lines.append(
            _("  {name}: last bundle {last_in} ({heard}){has}").format(
                name=site.name, last_in=site.last_in or "—", heard=heard, has=has
            )
        )
    lines += [
        _("Waiting: {name}: {why}").format(name=shown(name), why=why)
        for name, why in sorted(status.waiting.items())
    ]
    lines += [  # a refusal's sentence usually names the file already
        _("Refused: {why}").format(why=why)
        if why.startswith(name)
        else _("Refused: {name}: {why}").format(name=shown(name), why=why)
        for name, why in sorted(status.refused.items())
    ]
    lines.append(
        _("{bytes_in_folder:,} bytes in the folder.").format(bytes_in_folder=status.bytes_in_folder)
    )
    return lines


def cmd_folder_off(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        was = sync_folder.turn_off(store)
        emit(
            args,
            {"folder": None, "was": str(was) if was else None},
            _(
                "This site no longer uses the sync folder {was} (its files are left as they are)."
            ).format(was=was)
            if was
            else _("This site had no sync folder."),
        )
    return 0


def cmd_folder_watch(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    with open_store(args) as store:
        default = store.local_get("default_member_id")
        author = author_of(args, store) if getattr(args, "as_member", None) or default else None

        def report(result: sync_folder.PassResult) -> None:
            if as_json:  # one line per pass that did something (JSON lines)
                print(json.dumps(result.as_json(), ensure_ascii=False, sort_keys=True), flush=True)
            else:
                emit(args, None, result.lines())
                sys.stdout.flush()  # a log read as it is written (systemd, a pipe)

        if not as_json:
            print(
                terminal_text(
                    _("Watching {require_folder}; Ctrl+C stops.").format(
                        require_folder=sync_folder.require_folder(store)
                    )
                )
            )
        passes = iter(range(args.passes)) if args.passes else None
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C ends it between two steps
            sync_folder.watch(
                store,
                author,
                stop=(lambda: next(passes, None) is None) if passes else (lambda: False),
                report=report,
                poll=args.poll,
                quiet=args.quiet,
                problem=lambda text: print(terminal_text(text), file=sys.stderr, flush=True),
            )
        if not as_json:
            print(_("Stopped watching the sync folder."))
    return 0


def add_commands(cli: CommandLine) -> None:
    """Invitations, export and import of bundles, sites, conflicts and backups."""
    invite = cli.command("invite", cmd_invite, _("invite a new site: writes an invitation file"))
    invite.add_argument("--site", required=True, metavar="NAME", help=_("the new site's name"))
    invite.add_argument(
        "--to",
        required=True,
        metavar="FILE",
        help=_("where to write it (a folder: a name is chosen)"),
    )
    join = cli.command(
        "join", cmd_join, _("join a coop from an invitation, into an empty data dir")
    )
    join.add_argument("file", metavar="FILE")
    join.add_argument("--passphrase", required=True, metavar="P")
    export = cli.command("export", cmd_export, _("write a sync bundle for other sites"))
    export.add_argument(
        "--to",
        required=True,
        metavar="FILE",
        help=_("the bundle file (or a folder: a name is chosen)"),
    )
    export.add_argument(
        "--for",
        dest="for_site",
        metavar="SITE_ID",
        help=_("only what that site lacks (default: what any site may lack)"),
    )
    export.add_argument("--full", action="store_true", help=_("every change this site has"))
    preview = cli.command(
        "preview", cmd_preview, _("show what a bundle would bring, change nothing")
    )
    preview.add_argument("file", metavar="FILE")
    import_ = cli.command(
        "import",
        cmd_import,
        _("import a sync bundle (it can be taken back; a backup is made at most once a day)"),
    )
    import_.add_argument("file", metavar="FILE")
    undo_import = cli.command(
        "undo-import",
        cmd_undo_import,
        _("take back the last import, while nothing was changed or exported here since"),
    )
    undo_import.add_argument(
        "--dry-run", action="store_true", help=_("only say whether it can be taken back")
    )
    sites = cli.command(
        "sites", cmd_sites, _("the coop's sites and what each still lacks from here")
    )
    sites.add_argument(
        "--archive",
        metavar="SITE_ID",
        help=_("archive a site (a lost or stolen computer): its later changes are refused"),
    )
    sites.add_argument(
        "--restore", metavar="SITE_ID", help=_("let an archived site take part again")
    )
    cli.command("held", cmd_held, _("changes from other sites held aside (they broke a rule)"))
    repair_ = cli.command(
        "repair",
        cmd_repair,
        _(
            "a site used on two computers: what was set aside here, and make this computer's "
            "set-aside changes again under its own identity"
        ),
    )
    repair_.add_argument(
        "--dry-run", action="store_true", help=_("only say what would be done; change nothing")
    )
    conflicts = cli.command("conflicts", cmd_conflicts, _("fields two sites changed at once"))
    conflicts.add_argument("--resolve", metavar="KEY", help=_("settle the conflict KEY"))
    conflicts.add_argument(
        "--keep",
        choices=("other", "current"),
        default="other",
        help=_("with --resolve: take the other value (default) or keep the current one"),
    )
    backups = cli.command("backups", cmd_backups, _("list the automatic backups, or restore one"))
    backups.add_argument("--restore", metavar="NAME", help=_("restore this backup"))
    _add_folder_commands(cli)


def _add_folder_commands(cli: CommandLine) -> None:
    group = cli.group("sync-folder", _("a folder Syncthing shares between sites: sync by itself"))
    chosen = cli.command("set", cmd_folder_set, _("use this folder as the sync folder"), group)
    chosen.add_argument(
        "path", metavar="PATH", help=_("an existing folder, outside the data folder")
    )
    cli.command("show", cmd_folder_show, _("the sync folder's state: in, out, waiting"), group)
    cli.command("off", cmd_folder_off, _("stop using the sync folder (its files stay)"), group)
    watch = cli.command("watch", cmd_folder_watch, _("import and export by itself (Ctrl+C)"), group)
    watch.add_argument("--poll", type=float, default=sync_folder.POLL_SECONDS, metavar="S")
    watch.add_argument(
        "--quiet",
        type=float,
        default=sync_folder.QUIET_SECONDS,
        metavar="S",
        help=_("export once nothing has changed for S seconds"),
    )
    watch.add_argument("--passes", type=int, default=0, help=argparse.SUPPRESS)
