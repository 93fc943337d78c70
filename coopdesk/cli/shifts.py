"""The ``coopdesk shift`` commands and ``coopdesk member balance``: a thin layer over the core.

Members may be named by id or by exact name (as in ``--as``). Dates are ISO
("2026-12-01"); ``shift list`` shows today and the next 7 days unless told otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import Words, plural, weekday_day_text
from coopdesk.cli.framework import CommandLine, author_of, emit, open_store
from coopdesk.coop import add_leave, end_leave, find_member, list_leave
from coopdesk.shifts import shifts
from coopdesk.shifts.duty import duty_rule, member_balance, member_balances, set_duty_rule
from coopdesk.shifts.ics import export_ics
from coopdesk.shifts.shifts import (
    add_shift,
    cancel_shift,
    cancel_signup,
    edit_shift,
    get_shift,
    record_attendance,
    request_swap,
    sign_up,
    take_over,
)
from coopdesk.shifts.templates import (
    add_shift_type,
    add_standing_member,
    add_template,
    archive_template,
    generate_shifts,
    list_shift_types,
    list_templates,
    remove_standing_member,
)
from coopdesk.store.schema import parse_date

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A shift's and a member's state in the words of the lines below.
SHIFT_STATES = Words({"open": N_("open"), "full": N_("full"), "overbooked": N_("overbooked")})
BALANCE_STATES = Words(
    {"up to date": N_("up to date"), "alert": N_("alert"), "on leave": N_("on leave")}
)


# -- helpers --------------------------------------------------------------------------------


def _member_id(store: Any, id_or_name: str) -> str:

    member = find_member(store, id_or_name)
    if member is None:
        raise NotFoundError(
            _("No member {id_or_name!r} (give a member id from 'member list').").format(
                id_or_name=id_or_name
            )
        )
    return str(member["id"])


def _day(text: str | None, default: dt.date) -> dt.date:

    return parse_date(text) if text else default


def _span(args: argparse.Namespace, days: int = 7) -> tuple[dt.date, dt.date]:
    start = _day(getattr(args, "from_date", None), dt.date.today())
    end = _day(getattr(args, "to_date", None), start + dt.timedelta(days=days))
    if end <= start:
        raise ValidationError(_("--to must be after --from."))
    return start, end


def _names(signups: list[Any]) -> str:
    return ", ".join(
        s.member_name
        + (_(" (swap wanted)") if s.swap_wanted else "")
        + ("" if s.attendance == "pending" else f" [{s.attendance}]")
        for s in signups
    )


def _shift_lines(view: Any) -> list[str]:
    start = dt.datetime.fromisoformat(view.starts_at)
    end = dt.datetime.fromisoformat(view.ends_at)
    where = f" @ {view.site_name}" if view.site_name else ""
    cancelled = _(" (cancelled)") if view.cancelled else ""
    status = SHIFT_STATES.get(view.status, view.status)
    day = weekday_day_text(start)
    lines = [
        f"{day} {start:%H:%M}-{end:%H:%M}  {view.title}{where}  "
        f"{view.filled}/{view.capacity} {status}{cancelled}"
        f"  {view.id}"
    ]
    if view.confirmed:
        lines.append(_("    confirmed: {names}").format(names=_names(view.confirmed)))
    if view.waiting:
        lines.append(_("    waiting:   {names}").format(names=_names(view.waiting)))
    return lines


def _show(args: argparse.Namespace, view: Any, message: str = "") -> None:
    emit(args, view.as_json(), [line for line in (message,) if line] + _shift_lines(view))


# -- shifts ---------------------------------------------------------------------------------


def cmd_shift_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        shift_id = add_shift(
            store,
            author_of(args, store),
            title=args.title,
            starts_at=args.start,
            ends_at=args.end,
            capacity=args.capacity,
            site_id=args.site,
            description=args.description or "",
            shift_type_id=args.type,
            skills=[s for s in (args.skills or "").split(",") if s.strip()],
            notes=args.notes or "",
        )
        emit(args, {"id": shift_id}, shift_id)
    return 0


def cmd_shift_edit(args: argparse.Namespace) -> int:

    fields = {
        name: value
        for name, value in (
            ("title", args.title),
            ("starts_at", args.start),
            ("ends_at", args.end),
            ("capacity", args.capacity),
            ("site_id", args.site),
            ("notes", args.notes),
        )
        if value is not None
    }
    with open_store(args) as store:
        edit_shift(store, author_of(args, store), args.shift_id, **fields)
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_show(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_remove(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        cancel_shift(store, author_of(args, store), args.shift_id)
        _show(args, get_shift(store, args.shift_id), _("Cancelled the shift; sign-ups are kept."))
    return 0


def cmd_shift_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        if args.overbooked:
            views = shifts.overbooked_shifts(store)
        else:
            start, end = _span(args)
            member = _member_id(store, args.member) if args.member else None
            views = shifts.list_shifts(
                store, start, end, site_id=args.site, shift_type_id=args.type, member_id=member
            )
            if args.needing:
                views = [v for v in views if v.status == "open"]
        lines = [line for view in views for line in _shift_lines(view)]
        emit(args, [view.as_json() for view in views], lines or [_("No shifts.")])
    return 0


def cmd_shift_signup(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = _member_id(store, args.member_id)
        sign_up(
            store,
            author_of(args, store),
            args.shift_id,
            member,
            makeup=args.makeup,
            allow_waitlist=args.waitlist,
        )
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_cancel(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        cancel_signup(
            store, author_of(args, store), args.shift_id, _member_id(store, args.member_id)
        )
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_swap(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = _member_id(store, args.member_id)
        request_swap(store, author_of(args, store), args.shift_id, member, wanted=not args.off)
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_take_over(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        take_over(
            store,
            author_of(args, store),
            args.shift_id,
            _member_id(store, args.from_member),
            _member_id(store, args.to_member),
        )
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_attend(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = _member_id(store, args.member_id)
        record_attendance(store, author_of(args, store), args.shift_id, member, args.status)
        _show(args, get_shift(store, args.shift_id))
    return 0


def cmd_shift_generate(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        start, end = _span(args, days=28)
        made = generate_shifts(store, author_of(args, store), start, end)
        emit(
            args,
            {"created": made, "from": start.isoformat(), "to": end.isoformat()},
            _("Made {shifts} from {start} to {end}.").format(
                shifts=plural(made, "shift"), start=start, end=end
            ),
        )
    return 0


def cmd_shift_ics(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        start, end = _span(args, days=90)
        member = _member_id(store, args.member) if args.member else None
        path, count = export_ics(
            store,
            args.to,
            member_id=member,
            site_id=args.site,
            shift_type_id=args.shift_type,
            start=start,
            end=end,
        )
        emit(
            args,
            {"events": count, "path": str(path)},
            _("Wrote {shifts} to {path}.").format(shifts=plural(count, "shift"), path=path),
        )
    return 0


def cmd_shift_rota(args: argparse.Namespace) -> int:
    """The week's rota as a PDF to pin on the wall, as Save as PDF on the week page."""

    import os

    # Laying out a page needs Qt's fonts, not a screen: a script may run without one.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from coopdesk.coop import identity
    from coopdesk.gui.shifts.printing import local_paper, rota_html, save_rota_pdf
    from coopdesk.gui.shifts.texts import monday_of, week_title

    with open_store(args) as store:
        week_start = monday_of(_day(args.week, dt.date.today()))
        views = shifts.list_shifts(
            store, week_start, week_start + dt.timedelta(days=7), site_id=args.site
        )
        _app = QGuiApplication.instance() or QGuiApplication(["coopdesk"])
        path = Path(args.pdf).expanduser()
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        paper = args.paper or local_paper()
        html_text = rota_html(views, week_start, identity(store).coop_name)
        saved = save_rota_pdf(path.resolve(), html_text, paper)
        emit(
            args,
            {
                "path": str(saved),
                "week": week_start.isoformat(),
                "shifts": len(views),
                "paper": paper,
            },
            _("Saved the rota of {week_title} ({shifts}, {paper}) as {saved}.").format(
                week_title=week_title(week_start),
                shifts=plural(len(views), "shift"),
                paper=paper.upper() if paper == "a4" else _("US Letter"),
                saved=saved,
            ),
        )
    return 0


# -- shift types and templates ------------------------------------------------------------


def cmd_type_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        type_id = add_shift_type(
            store,
            author_of(args, store),
            title=args.title,
            capacity=args.capacity,
            duration_minutes=args.duration,
            site_id=args.site,
            description=args.description or "",
            skills=[s for s in (args.skills or "").split(",") if s.strip()],
        )
        emit(args, {"id": type_id}, type_id)
    return 0


def cmd_type_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        types = list_shift_types(store)
        lines = [
            _("{id}  {title}  {capacity} people, {duration_minutes} min").format(
                id=t["id"],
                title=t["title"],
                capacity=t["capacity"],
                duration_minutes=t["duration_minutes"],
            )
            + (f" @ {t['site_name']}" if t["site_name"] else "")
            for t in types
        ]
        emit(args, types, lines or [_("No shift types.")])
    return 0


def _weekday(text: str) -> int:
    value = text.strip().lower()
    if value.isdigit():
        return int(value)
    for number, name in enumerate(DAY_NAMES):
        if value.startswith(name):
            return number
    raise ValidationError(
        _("--weekday {text!r}: give a day name (Tuesday) or 0 (Monday) to 6.").format(text=text)
    )


def _cycle_week(text: str) -> int:
    value = text.strip().upper()
    if value.isdigit():
        return int(value)
    if len(value) == 1 and "A" <= value <= "L":
        return ord(value) - ord("A")
    raise ValidationError(
        _("--week {text!r}: give a letter (A, B, ...) or a number from 0.").format(text=text)
    )


def cmd_template_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        template_id = add_template(
            store,
            author_of(args, store),
            title=args.title,
            weekday=_weekday(args.weekday),
            start_time=args.start_time,
            duration_minutes=args.duration,
            capacity=args.capacity,
            cycle_start=args.cycle_start or dt.date.today(),
            cycle_weeks=args.cycle_weeks,
            cycle_week=_cycle_week(args.week),
            site_id=args.site,
            shift_type_id=args.type,
            until=args.until,
            description=args.description or "",
        )
        emit(args, {"id": template_id}, template_id)
    return 0


def cmd_template_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        templates = list_templates(store)
        lines = []
        for t in templates:
            where = f" @ {t['site_name']}" if t["site_name"] else ""
            lines.append(
                _(
                    "{id}  {label}  {title}{where}  {capacity} people, {duration_minutes} min"
                ).format(
                    id=t["id"],
                    label=t["label"],
                    title=t["title"],
                    where=where,
                    capacity=t["capacity"],
                    duration_minutes=t["duration_minutes"],
                )
            )
            if t["standing_members"]:
                names = ", ".join(m["name"] for m in t["standing_members"])
                lines.append(_("    standing: {names}").format(names=names))
        emit(args, templates, lines or [_("No templates.")])
    return 0


def cmd_template_archive(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        archive_template(store, author_of(args, store), args.template_id)
        emit(args, {"id": args.template_id, "archived": True}, _("Archived the template."))
    return 0


def cmd_template_standing(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = _member_id(store, args.member_id)
        author = author_of(args, store)
        if args.remove:
            remove_standing_member(store, author, args.template_id, member)
            emit(args, {"member_id": member, "removed": True}, _("Removed the standing slot."))
        else:
            slot = add_standing_member(
                store, author, args.template_id, member, since=args.since, until=args.until
            )
            emit(args, {"id": slot, "member_id": member}, slot)
    return 0


# -- leave, duty and balances --------------------------------------------------------------


def cmd_leave_add(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = _member_id(store, args.member_id)
        leave_id = add_leave(
            store, author_of(args, store), member, args.from_date, args.to_date, args.reason or ""
        )
        emit(args, {"id": leave_id}, leave_id)
    return 0


def cmd_leave_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        member = _member_id(store, args.member) if args.member else None
        rows = list_leave(store, member)
        lines = [
            _("{id}  {member_name}  {starts_on} to {ends_on}").format(
                id=r["id"],
                member_name=r["member_name"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
            )
            + (f"  ({r['reason']})" if r["reason"] else "")
            for r in rows
        ]
        emit(args, rows, lines or [_("Nobody is on leave.")])
    return 0


def cmd_leave_end(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        end_leave(store, author_of(args, store), args.leave_id, args.on)
        emit(args, {"id": args.leave_id}, _("Ended the leave."))
    return 0


def cmd_duty(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        if args.minutes is not None or args.period_days is not None or args.from_date:
            rule = duty_rule(store)
            set_duty_rule(
                store,
                author_of(args, store),
                minutes=rule.minutes if args.minutes is None else args.minutes,
                period_days=rule.period_days if args.period_days is None else args.period_days,
                duty_from=None if args.from_date == "none" else (args.from_date or rule.duty_from),
            )
        rule = duty_rule(store)
        emit(
            args,
            {"minutes": rule.minutes, "period_days": rule.period_days, "duty_from": rule.duty_from},
            rule.describe(),
        )
    return 0


def cmd_member_balance(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        if args.member:
            balances = [member_balance(store, _member_id(store, args.member), args.on)]
        else:
            balances = list(member_balances(store, args.on).values())
        lines = [_("Duty: {describe}").format(describe=duty_rule(store).describe())]
        for b in balances:
            leave = (
                _(" until {on_leave_until}").format(on_leave_until=b.on_leave_until)
                if b.on_leave_until
                else ""
            )
            lines.append(
                _(
                    "{name}: {balance_hours:+.1f} h (done {value:.1f} of {value2:.1f} h)  "
                    "{status}{leave}"
                ).format(
                    name=b.name,
                    balance_hours=b.balance_hours,
                    value=b.done_minutes / 60,
                    value2=b.owed_minutes / 60,
                    status=BALANCE_STATES.get(b.status, b.status),
                    leave=leave,
                )
            )
        emit(args, [b.as_json() for b in balances], lines)
    return 0


# -- the parser ----------------------------------------------------------------------------


def _span_options(sub: argparse.ArgumentParser, default: str) -> None:
    sub.add_argument(
        "--from", dest="from_date", metavar="DATE", help=_("first day (default today)")
    )
    sub.add_argument(
        "--to",
        dest="to_date",
        metavar="DATE",
        help=_("day after the last ({default})").format(default=default),
    )


def add_commands(cli: CommandLine) -> None:
    """``shift ...`` and ``member balance``."""
    member = cli.group("member", _("add, list, edit, archive members"))
    balance = cli.command(
        "balance", cmd_member_balance, _("shift hours balance and status"), member
    )
    balance.add_argument("--member", metavar="MEMBER_ID", help=_("only this member"))
    balance.add_argument("--on", metavar="DATE", help=_("as on this day (default today)"))

    shift = cli.group("shift", _("shifts, sign-ups, templates, leave"))

    add = cli.command("add", cmd_shift_add, _("add a one-off shift; prints its id"), shift)
    add.add_argument("--title", required=True)
    add.add_argument("--start", required=True, metavar="ISO", help=_("e.g. 2026-12-01T18:00"))
    add.add_argument("--end", required=True, metavar="ISO")
    add.add_argument("--capacity", required=True, type=int, metavar="N", help=_("people needed"))
    add.add_argument("--site", metavar="SITE_ID")
    add.add_argument("--type", metavar="TYPE_ID", help=_("shift type"))
    add.add_argument("--description")
    add.add_argument("--skills", metavar="a,b")
    add.add_argument("--notes")

    edit = cli.command("edit", cmd_shift_edit, _("change a shift (raise capacity, move it)"), shift)
    edit.add_argument("shift_id", metavar="SHIFT_ID")
    edit.add_argument("--title")
    edit.add_argument("--start", metavar="ISO")
    edit.add_argument("--end", metavar="ISO")
    edit.add_argument("--capacity", type=int, metavar="N")
    edit.add_argument("--site", metavar="SITE_ID")
    edit.add_argument("--notes")

    show = cli.command("show", cmd_shift_show, _("one shift with who is on it"), shift)
    show.add_argument("shift_id", metavar="SHIFT_ID")
    remove = cli.command("remove", cmd_shift_remove, _("cancel a shift (sign-ups are kept)"), shift)
    remove.add_argument("shift_id", metavar="SHIFT_ID")

    listing = cli.command(
        "list", cmd_shift_list, _("shifts with confirmed and waiting members"), shift
    )
    _span_options(listing, _("default 7 days after --from"))
    listing.add_argument("--site", metavar="SITE_ID")
    listing.add_argument("--type", metavar="TYPE_ID")
    listing.add_argument("--member", metavar="MEMBER_ID", help=_("only shifts this member is on"))
    listing.add_argument("--needing", action="store_true", help=_("only shifts with places left"))
    listing.add_argument(
        "--overbooked", action="store_true", help=_("every overbooked shift, past or future")
    )

    for name, handler, help_text in (
        ("signup", cmd_shift_signup, "sign a member up for a shift"),
        ("cancel", cmd_shift_cancel, "take a member off a shift"),
        ("swap", cmd_shift_swap, "mark a member's place as looking for someone to take over"),
        ("attend", cmd_shift_attend, "record attendance after the shift has started"),
    ):
        sub = cli.command(name, handler, help_text, shift)
        sub.add_argument("shift_id", metavar="SHIFT_ID")
        sub.add_argument("member_id", metavar="MEMBER_ID")
        if name == "signup":
            sub.add_argument("--makeup", action="store_true", help=_("a make-up shift"))
            sub.add_argument(
                "--waitlist", action="store_true", help=_("if full, put on the waiting list")
            )
        if name == "swap":
            sub.add_argument("--off", action="store_true", help=_("no longer looking for a swap"))
        if name == "attend":
            sub.add_argument(
                "--status",
                required=True,
                choices=("attended", "no-show", "excused", "pending"),
            )

    take = cli.command(
        "take-over", cmd_shift_take_over, _("another member takes a place over"), shift
    )
    take.add_argument("shift_id", metavar="SHIFT_ID")
    take.add_argument("from_member", metavar="FROM_MEMBER_ID")
    take.add_argument("to_member", metavar="TO_MEMBER_ID")

    rota = cli.command("rota", cmd_shift_rota, _("save a week's rota as a PDF to print"), shift)
    rota.add_argument("--week", metavar="DATE", help=_("any day of the week (default this week)"))
    rota.add_argument("--pdf", required=True, metavar="FILE", help=_("the PDF file to write"))
    rota.add_argument(
        "--paper", choices=("a4", "letter"), help=_("default: as the locale measures")
    )
    rota.add_argument("--site", metavar="SITE_ID", help=_("only this site's shifts"))

    generate = cli.command("generate", cmd_shift_generate, _("make the templates' shifts"), shift)
    _span_options(generate, _("default 28 days after --from"))

    ics = cli.command("ics", cmd_shift_ics, _("export shifts as an iCalendar (.ics) file"), shift)
    ics.add_argument(
        "--to",
        required=True,
        dest="to",
        metavar="FILE",
        help=_("the file (a folder: a name is chosen)"),
    )
    ics.add_argument(
        "--member",
        metavar="MEMBER_ID",
        help=_("this member's calendar: every shift they signed up for (cancelled ones marked)"),
    )
    ics.add_argument("--site", metavar="SITE_ID", help=_("only the shifts at this site"))
    ics.add_argument(
        "--type", dest="shift_type", metavar="TYPE_ID", help=_("only shifts of this shift type")
    )
    ics.add_argument(
        "--from", dest="from_date", metavar="DATE", help=_("first day (default today)")
    )
    ics.add_argument(
        "--until", dest="to_date", metavar="DATE", help=_("day after the last (90 days)")
    )

    types = cli.group("type", _("shift types"), shift)
    type_add = cli.command("add", cmd_type_add, _("add a shift type; prints its id"), types)
    type_add.add_argument("--title", required=True)
    type_add.add_argument("--capacity", type=int, default=2, metavar="N")
    type_add.add_argument("--duration", type=int, default=180, metavar="MINUTES")
    type_add.add_argument("--site", metavar="SITE_ID")
    type_add.add_argument("--description")
    type_add.add_argument("--skills", metavar="a,b")
    cli.command("list", cmd_type_list, _("list shift types"), types)

    templates = cli.group("template", _("recurring shifts and standing members"), shift)
    t_add = cli.command(
        "add", cmd_template_add, _("add a recurring shift; prints its id"), templates
    )
    t_add.add_argument("--title", required=True)
    t_add.add_argument("--weekday", required=True, help=_("Tuesday, tue, or 1 (Monday is 0)"))
    t_add.add_argument("--start-time", required=True, metavar="HH:MM")
    t_add.add_argument("--duration", type=int, default=180, metavar="MINUTES")
    t_add.add_argument("--capacity", type=int, default=2, metavar="N")
    t_add.add_argument("--cycle-start", metavar="DATE", help=_("first day (default today)"))
    t_add.add_argument("--cycle-weeks", type=int, default=1, metavar="N", help=_("4 for ABCD"))
    t_add.add_argument("--week", default="A", help=_("week of the cycle: A, B, ... (default A)"))
    t_add.add_argument("--site", metavar="SITE_ID")
    t_add.add_argument("--type", metavar="TYPE_ID")
    t_add.add_argument("--until", metavar="DATE")
    t_add.add_argument("--description")
    cli.command(
        "list", cmd_template_list, _("list templates with their standing members"), templates
    )
    t_archive = cli.command("archive", cmd_template_archive, _("stop a template"), templates)
    t_archive.add_argument("template_id", metavar="TEMPLATE_ID")
    standing = cli.command(
        "standing", cmd_template_standing, _("give (or --remove) a standing slot"), templates
    )
    standing.add_argument("template_id", metavar="TEMPLATE_ID")
    standing.add_argument("member_id", metavar="MEMBER_ID")
    standing.add_argument("--since", metavar="DATE", help=_("default today"))
    standing.add_argument("--until", metavar="DATE")
    standing.add_argument("--remove", action="store_true")

    leave = cli.group("leave", _("periods with no shift duty"), shift)
    leave_add = cli.command("add", cmd_leave_add, _("put a member on leave; prints its id"), leave)
    leave_add.add_argument("member_id", metavar="MEMBER_ID")
    leave_add.add_argument("--from", dest="from_date", required=True, metavar="DATE")
    leave_add.add_argument(
        "--to", dest="to_date", required=True, metavar="DATE", help=_("last day (inclusive)")
    )
    leave_add.add_argument("--reason")
    leave_list = cli.command("list", cmd_leave_list, _("list leave"), leave)
    leave_list.add_argument("--member", metavar="MEMBER_ID")
    leave_end = cli.command("end", cmd_leave_end, _("end a leave (today, or --on)"), leave)
    leave_end.add_argument("leave_id", metavar="LEAVE_ID")
    leave_end.add_argument("--on", metavar="DATE", help=_("last day of leave"))

    duty = cli.command("duty", cmd_duty, _("show or set the coop's shift duty rule"), shift)
    duty.add_argument("--minutes", type=int, metavar="N", help=_("minutes owed per period"))
    duty.add_argument("--period-days", type=int, metavar="N")
    duty.add_argument(
        "--from", dest="from_date", metavar="DATE", help=_("counted from ('none': off)")
    )
