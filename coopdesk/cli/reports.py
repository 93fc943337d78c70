"""The ``coopdesk report`` commands: who carries the work, who has held authority, where
supplies go. ``work``, ``roles`` (also ``authority``) and ``stock`` (also ``supplies``), each
with ``--from``, ``--to``, ``--by``, ``--json``, ``--csv FILE`` and ``--pdf FILE``.

A PDF is laid out by Qt (as the window prints it), so ``--pdf`` starts Qt without a window
(the offscreen platform, unless QT_QPA_PLATFORM says otherwise).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from coopdesk.base.csvfile import chosen_format, write_csv
from coopdesk.base.i18n import _
from coopdesk.base.text import plural
from coopdesk.cli.framework import CommandLine, emit, open_store
from coopdesk.coop import identity
from coopdesk.reports.authority import authority_report, authority_rows
from coopdesk.reports.period import Period, make_period
from coopdesk.reports.supplies import supplies_report, supplies_rows
from coopdesk.reports.words import hours_text
from coopdesk.reports.work import work_report, work_rows


def _period(args: argparse.Namespace) -> Period:
    return make_period(args.from_day, args.to_day, args.by)


def _files(
    args: argparse.Namespace, store: Any, kind: str, report: Any, rows: Any
) -> tuple[list[str], dict]:
    """Write the CSV and PDF asked for; the lines to print and what --json adds."""
    lines: list[str] = []
    data: dict[str, Any] = {}
    stem = f"{kind}-report-{report.period.start.isoformat()}-{report.period.end.isoformat()}"
    if args.csv:
        csv_format = chosen_format(args.separator, args.decimal)
        header, body = rows(report)
        path = write_csv(args.csv, header, body, csv_format, default_name=f"{stem}.csv")
        lines.append(
            _("Wrote {rows} ({label}) to {path}").format(
                rows=plural(len(body), "row"), label=csv_format.label, path=path
            )
        )
        data["csv"] = str(path)
    if args.pdf:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from coopdesk.gui.reports.printing import save_report_pdf

        coop_name = identity(store).coop_name
        path = save_report_pdf(
            args.pdf, kind, report, coop_name=coop_name, default_name=f"{stem}.pdf"
        )
        lines.append(_("Wrote the report as a PDF to {path}").format(path=path))
        data["pdf"] = str(path)
    return lines, data


def cmd_report_work(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = work_report(store, _period(args), args.site)
        where = _(" at {site_name}").format(site_name=report.site_name) if report.site_name else ""
        lines = [
            _("Work{where}, {label}").format(where=where, label=report.period.label()),
            *report.summary_lines(),
            "",
        ]
        for member in report.members:
            asked = (
                ""
                if member.asked_minutes is None
                else _(", asked {hours}").format(hours=hours_text(member.asked_minutes))
            )
            lines.append(
                _(
                    "{name}: {hours} (shifts {hours2}, chores {hours3}, tasks {hours4}{asked})"
                ).format(
                    name=member.name,
                    hours=hours_text(member.total_minutes),
                    hours2=hours_text(member.shift_minutes),
                    hours3=hours_text(member.chore_minutes),
                    hours4=hours_text(member.task_minutes),
                    asked=asked,
                )
            )
        if report.behind:
            lines += ["", _("Drifting behind (worth a friendly word):")]
            lines += [f"  {behind.sentence()}" for behind in report.behind]
        files, extra = _files(args, store, "work", report, work_rows)
        emit(args, {**report.as_json(), **extra}, [*lines, *files])
    return 0


def cmd_report_roles(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = authority_report(store, _period(args))
        lines = [
            _("Roles and authority, {label}").format(label=report.period.label()),
            *report.summary_lines(),
            "",
        ]
        for member in report.members:
            lines.append(
                _("{name}: {terms}, {days}, {uses} of a mandate").format(
                    name=member.name,
                    terms=plural(member.terms, "term"),
                    days=plural(member.days, "day"),
                    uses=plural(member.mandate_uses, "use"),
                )
                + (f" ({', '.join(member.roles)})" if member.roles else "")
            )
        files, extra = _files(args, store, "roles", report, authority_rows)
        emit(args, {**report.as_json(), **extra}, [*lines, *files])
    return 0


def cmd_report_stock(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = supplies_report(store, _period(args), args.site)
        where = _(" at {site_name}").format(site_name=report.site_name) if report.site_name else ""
        lines = [
            _("Supplies{where}, {label}").format(where=where, label=report.period.label()),
            *report.summary_lines(),
            "",
        ]
        for item in report.items:
            parts = [
                f"{label.lower()} {item.text(key)}"
                for key, label in (
                    ("received", _("Received")),
                    ("used", _("Used")),
                    ("given", _("Given out")),
                    ("spoiled", _("Spoiled")),
                    ("lost", _("Lost in transit")),
                )
                if item.amount(key)
            ]
            low = (
                _("; ran low {times}").format(times=plural(item.times_low, "time"))
                if item.times_low
                else ""
            )
            lines.append(
                _("{name} at {site_name}: {parts}{low}").format(
                    name=item.name,
                    site_name=item.site_name,
                    parts=", ".join(parts) or _("no use"),
                    low=low,
                )
            )
        if report.flows:
            lines += ["", _("Between sites:")]
            lines += [f"  {flow.sentence()}" for flow in report.flows]
        files, extra = _files(args, store, "stock", report, supplies_rows)
        emit(args, {**report.as_json(), **extra}, [*lines, *files])
    return 0


def _options(sub: argparse.ArgumentParser, *, site: bool = True) -> None:
    sub.add_argument(
        "--from", dest="from_day", metavar="DATE", help=_("first day (default: twelve months back)")
    )
    sub.add_argument("--to", dest="to_day", metavar="DATE", help=_("last day (default: today)"))
    sub.add_argument(
        "--by",
        choices=("week", "month"),
        help=_("count the trend by week or month (default: weeks up to three months)"),
    )
    if site:
        sub.add_argument("--site", metavar="SITE_ID", help=_("only this site (default: all)"))
    sub.add_argument(
        "--csv", metavar="FILE", help=_("also write it as CSV (a folder: a name is chosen)")
    )
    sub.add_argument(
        "--separator",
        choices=(",", ";"),
        help=_(
            "with --csv: cells separated by commas or semicolons (default: as this "
            "computer's locale expects)"
        ),
    )
    sub.add_argument(
        "--decimal",
        choices=(".", ","),
        help=_("with --csv: decimal point or comma (default: this computer's locale)"),
    )
    sub.add_argument(
        "--pdf",
        metavar="FILE",
        help=_("also write it as a PDF to print (a folder: a name is chosen)"),
    )


def add_commands(cli: CommandLine) -> None:
    report = cli.group("report", _("fair share, visible: work, roles and supplies over a period"))
    for name, help_text in (
        ("work", _("who did how many hours of shifts, chores and tasks, and the spread")),
    ):
        _options(cli.command(name, cmd_report_work, help_text, report))
    for name in ("roles", "authority"):
        _options(
            cli.command(
                name,
                cmd_report_roles,
                _("who held which role, for how long, mandates used"),
                report,
            ),
            site=False,
        )
    for name in ("stock", "supplies"):
        _options(
            cli.command(
                name,
                cmd_report_stock,
                _("received, used, given, spoiled, lost; runs low; flows"),
                report,
            )
        )
