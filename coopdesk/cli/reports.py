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
        lines.append(f"Wrote {plural(len(body), 'row')} ({csv_format.label}) to {path}")
        data["csv"] = str(path)
    if args.pdf:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from coopdesk.gui.reports.printing import save_report_pdf

        coop_name = identity(store).coop_name
        path = save_report_pdf(
            args.pdf, kind, report, coop_name=coop_name, default_name=f"{stem}.pdf"
        )
        lines.append(f"Wrote the report as a PDF to {path}")
        data["pdf"] = str(path)
    return lines, data


def cmd_report_work(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = work_report(store, _period(args), args.site)
        where = f" at {report.site_name}" if report.site_name else ""
        lines = [f"Work{where}, {report.period.label()}", *report.summary_lines(), ""]
        for member in report.members:
            asked = (
                ""
                if member.asked_minutes is None
                else f", asked {hours_text(member.asked_minutes)}"
            )
            lines.append(
                f"{member.name}: {hours_text(member.total_minutes)} (shifts"
                f" {hours_text(member.shift_minutes)}, chores {hours_text(member.chore_minutes)},"
                f" tasks {hours_text(member.task_minutes)}{asked})"
            )
        if report.behind:
            lines += ["", "Drifting behind (worth a friendly word):"]
            lines += [f"  {behind.sentence()}" for behind in report.behind]
        files, extra = _files(args, store, "work", report, work_rows)
        emit(args, {**report.as_json(), **extra}, [*lines, *files])
    return 0


def cmd_report_roles(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = authority_report(store, _period(args))
        lines = [f"Roles and authority, {report.period.label()}", *report.summary_lines(), ""]
        for member in report.members:
            lines.append(
                f"{member.name}: {plural(member.terms, 'term')}, {plural(member.days, 'day')},"
                f" {plural(member.mandate_uses, 'use')} of a mandate"
                + (f" ({', '.join(member.roles)})" if member.roles else "")
            )
        files, extra = _files(args, store, "roles", report, authority_rows)
        emit(args, {**report.as_json(), **extra}, [*lines, *files])
    return 0


def cmd_report_stock(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = supplies_report(store, _period(args), args.site)
        where = f" at {report.site_name}" if report.site_name else ""
        lines = [f"Supplies{where}, {report.period.label()}", *report.summary_lines(), ""]
        for item in report.items:
            parts = [
                f"{label.lower()} {item.text(key)}"
                for key, label in (
                    ("received", "Received"),
                    ("used", "Used"),
                    ("given", "Given out"),
                    ("spoiled", "Spoiled"),
                    ("lost", "Lost in transit"),
                )
                if item.amount(key)
            ]
            low = f"; ran low {plural(item.times_low, 'time')}" if item.times_low else ""
            lines.append(f"{item.name} at {item.site_name}: {', '.join(parts) or 'no use'}{low}")
        if report.flows:
            lines += ["", "Between sites:"]
            lines += [f"  {flow.sentence()}" for flow in report.flows]
        files, extra = _files(args, store, "stock", report, supplies_rows)
        emit(args, {**report.as_json(), **extra}, [*lines, *files])
    return 0


def _options(sub: argparse.ArgumentParser, *, site: bool = True) -> None:
    sub.add_argument(
        "--from", dest="from_day", metavar="DATE", help="first day (default: twelve months back)"
    )
    sub.add_argument("--to", dest="to_day", metavar="DATE", help="last day (default: today)")
    sub.add_argument(
        "--by",
        choices=("week", "month"),
        help="count the trend by week or month (default: weeks up to three months)",
    )
    if site:
        sub.add_argument("--site", metavar="SITE_ID", help="only this site (default: all)")
    sub.add_argument(
        "--csv", metavar="FILE", help="also write it as CSV (a folder: a name is chosen)"
    )
    sub.add_argument(
        "--separator",
        choices=(",", ";"),
        help="with --csv: cells separated by commas or semicolons (default: as this "
        "computer's locale expects)",
    )
    sub.add_argument(
        "--decimal",
        choices=(".", ","),
        help="with --csv: decimal point or comma (default: this computer's locale)",
    )
    sub.add_argument(
        "--pdf", metavar="FILE", help="also write it as a PDF to print (a folder: a name is chosen)"
    )


def add_commands(cli: CommandLine) -> None:
    report = cli.group("report", "fair share, visible: work, roles and supplies over a period")
    for name, help_text in (
        ("work", "who did how many hours of shifts, chores and tasks, and the spread"),
    ):
        _options(cli.command(name, cmd_report_work, help_text, report))
    for name in ("roles", "authority"):
        _options(
            cli.command(
                name, cmd_report_roles, "who held which role, for how long, mandates used", report
            ),
            site=False,
        )
    for name in ("stock", "supplies"):
        _options(
            cli.command(
                name,
                cmd_report_stock,
                "received, used, given, spoiled, lost; runs low; flows",
                report,
            )
        )
