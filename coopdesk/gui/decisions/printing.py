"""Decisions on paper: an assembly's agenda, paper ballots, a decision's result sheet.

HTML laid out by ``QTextDocument`` on A4 portrait, printed or saved as PDF (like the shifts'
rota). Plain black on white, body text 11 pt and nothing under 10 pt: these go on a notice
board and into the hands of members who read them at arm's length.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QPagedPaintDevice, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from coopdesk.base.files import write_file
from coopdesk.base.i18n import _
from coopdesk.base.text import long_moment_text, names_text, plural
from coopdesk.decisions.ballots import stance_label
from coopdesk.decisions.decisions import KIND_LABELS, DecisionView, when_text
from coopdesk.decisions.meetings import MeetingView
from coopdesk.decisions.results import Result
from coopdesk.decisions.tables import MAX_SCORE, STANCES_BY_KIND
from coopdesk.gui.kit.pdf import (
    a4_portrait,
    emphasis,
    follow_text_direction,
    pdf_bytes,
    printed_line,
    sheet_html,
)

BODY_PT = 11
SMALL_PT = 10  # the smallest text on any sheet
BOX = "☐"
BALLOTS_PER_PAGE = 2


def _e(text: str) -> str:
    return html.escape(text or "")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(line)}</p>" for line in (text or "").splitlines() if line.strip())


# -- the agenda ---------------------------------------------------------------------------------


def agenda_html(meeting: MeetingView, coop_name: str, decisions: dict[str, DecisionView]) -> str:
    """The agenda of an assembly, with each linked decision's text and how it is decided."""
    start = dt.datetime.fromisoformat(meeting.starts_at)
    body = [
        f"<h1>{_e(coop_name)}: {_e(meeting.title)}</h1>",
        f"<p><b>{_e(long_moment_text(start))}</b>"
        + (f" · {_e(meeting.site_name)}" if meeting.site_name else "")
        + (
            " · " + _("facilitated by {name}").format(name=_e(meeting.facilitator_name))
            if meeting.facilitator_name
            else ""
        )
        + "</p>",
        "<h2>Agenda</h2>",
        "<ol>",
    ]
    for item in meeting.agenda:
        body.append(f"<li><p><b>{_e(item.title)}</b></p>")
        decision = decisions.get(item.decision_id or "")
        if decision is not None:
            body.append(
                f"<p>{_e(KIND_LABELS[decision.kind])}"
                + (_(", secret ballot") if decision.secret else "")
                + _("; closes {e}.</p>").format(e=_e(when_text(decision.ends_at)))
            )
            body.append(_paragraphs(decision.details))
            if decision.options:
                body.append(
                    _("<p>Options: ") + _e(", ".join(o.label for o in decision.options)) + "</p>"
                )
        if item.notes:
            body.append(_paragraphs(item.notes))
        body.append("</li>")
    body.append("</ol>")
    if meeting.minutes:
        body += ["<h2>Minutes</h2>", _paragraphs(meeting.minutes)]
    if meeting.attendee_names:
        body.append(
            _("<p>Attended ({count}): {e}</p>").format(
                count=len(meeting.attendee_names), e=_e(names_text(meeting.attendee_names))
            )
        )
    body.append(printed_line(SMALL_PT))
    return sheet_html(body, BODY_PT)


# -- paper ballots ------------------------------------------------------------------------------


def _ballot(decision: DecisionView, coop_name: str) -> str:
    kind = decision.kind
    parts = [
        f"<h2>{_e(coop_name)}: {_e(decision.title)}</h2>",
        _paragraphs(decision.details),
    ]
    rows: list[str] = []
    if kind in STANCES_BY_KIND:
        instruction = _("Tick one box.")
        rows = [
            f"<tr><td width='40'>{BOX}</td><td>{_e(stance_label(w))}</td></tr>"
            for w in STANCES_BY_KIND[kind]
        ]
        if kind != "count":
            instruction += " " + _("To object, disagree or block, write your reason below.")
    elif kind == "single":
        instruction = _("Tick one box.")
        rows = [
            f"<tr><td width='40'>{BOX}</td><td>{_e(o.label)}</td></tr>" for o in decision.options
        ]
    elif kind == "multiple":
        instruction = _("Tick every option you choose.")
        rows = [
            f"<tr><td width='40'>{BOX}</td><td>{_e(o.label)}</td></tr>" for o in decision.options
        ]
    elif kind == "ranked":
        seats = f" ({plural(decision.seats, 'seat')})" if decision.seats > 1 else ""
        instruction = _(
            "Write 1 next to your first choice, 2 next to your second, and so "
            "on{seats}. Rank as few or as many as you like; each number once."
        ).format(seats=seats)
        rows = [
            f"<tr><td width='60'>____</td><td>{_e(o.label)}</td></tr>" for o in decision.options
        ]
    elif kind == "score":
        instruction = _("Circle a score from 0 to {max_score} for each option.").format(
            max_score=MAX_SCORE
        )
        scale = "  ".join(str(n) for n in range(MAX_SCORE + 1))
        rows = [
            f"<tr><td>{_e(o.label)}</td><td>&nbsp;&nbsp;{scale}</td></tr>" for o in decision.options
        ]
    else:
        instruction = _("For each time, circle yes, maybe or no.")
        rows = [
            f"<tr><td>{_e(o.label)}</td><td>&nbsp;&nbsp;{_e(_('yes'))} &nbsp; {_e(_('maybe'))}"
            f" &nbsp; {_e(_('no'))}</td></tr>"
            for o in decision.options
        ]
    parts.append(f"<p>{emphasis(_e(instruction))}</p>")
    parts.append("<table cellpadding='6'>" + "".join(rows) + "</table>")
    if kind in ("consent", "consensus"):
        parts.append(_("<p>Reason: ______________________________________________</p>"))
        parts.append("<p>_______________________________________________________</p>")
    note = (
        _("Secret ballot: do not write your name. Fold it and put it in the box.")
        if decision.secret
        else _("Write your name: ______________________")
    )
    parts.append(f"<p>{_e(note)}</p>")
    return "".join(parts)


def ballots_html(decision: DecisionView, coop_name: str, copies: int = 10) -> str:
    """``copies`` paper ballots, ``BALLOTS_PER_PAGE`` to a page, to cut apart."""
    body = []
    for number in range(max(1, copies)):
        if number and number % BALLOTS_PER_PAGE == 0:
            body.append("<p style='page-break-before: always;'></p>")
        elif number:
            body.append("<hr/>")
        body.append(_ballot(decision, coop_name))
    body.append(
        _(
            "<p style='font-size: {small_pt}pt;'>Counted by hand: the facilitator "
            "enters the counts in CoopDesk (Count hands); the result says so.</p>"
        ).format(small_pt=SMALL_PT)
    )
    return sheet_html(body, BODY_PT)


# -- the result sheet ---------------------------------------------------------------------------


def result_html(result: Result, coop_name: str) -> str:
    decision = result.decision
    body = [
        f"<h1>{_e(coop_name)}: {_e(decision.title)}</h1>",
        "<p>"
        + _e(
            (
                _("{kind}, secret ballot. Opened {opened}, closed {closed}.")
                if decision.secret
                else _("{kind}. Opened {opened}, closed {closed}.")
            ).format(
                kind=KIND_LABELS[decision.kind],
                opened=when_text(decision.opens_at),
                closed=when_text(decision.ends_at),
            )
        )
        + "</p>",
        _paragraphs(decision.details),
        f"<h2>{_e(result.headline())}</h2>",
    ]
    if result.bars:
        body.append(
            "<table cellpadding='5' border='1' cellspacing='0' style='border-collapse: collapse;'>"
        )
        for bar in result.bars:
            weight = "<b>" if bar.marked else ""
            end = "</b>" if bar.marked else ""
            body.append(
                f"<tr><td>{weight}{_e(bar.label)}{end}</td><td>{weight}{_e(bar.text)}{end}</td></tr>"
            )
        body.append("</table>")
    if result.ranked and len(result.ranked.rounds) > 1:
        body.append(_("<h3>Rounds</h3><ol>"))
        for stage in result.ranked.rounds:
            what = []
            if stage.elected:
                what.append(
                    _("elected {names}").format(
                        names=", ".join(decision.option_label(o) for o in stage.elected)
                    )
                )
            if stage.excluded:
                what.append(
                    _("excluded {names}").format(
                        names=", ".join(decision.option_label(o) for o in stage.excluded)
                    )
                )
            if stage.transferred:
                what.append(
                    _("surplus of {option_label} transferred").format(
                        option_label=decision.option_label(stage.transferred)
                    )
                )
            body.append("<li>{e}</li>".format(e=_e("; ".join(what) or "counted")))
        body.append("</ol>")
    for site in result.sites:
        body.append(
            _("<p>{e}: {e2} ({voters} of {electorate} voted)</p>").format(
                e=_e(site.name),
                e2=_e(site.position),
                voters=site.voters,
                electorate=site.electorate,
            )
        )
    for stance, reason, name in result.reasons:
        who = f"{name}: " if name else ""
        body.append(f"<p><b>{_e(stance_label(stance))}</b> — {_e(who + reason)}</p>")
    for note in result.notes:
        body.append(f"<p>{_e(note)}</p>")
    if result.participants:
        body.append(
            _("<p>Took part ({count}): {e}</p>").format(
                count=len(result.participants), e=_e(names_text(result.participants))
            )
        )
    if decision.outcome:
        body += ["<h2>Outcome</h2>", _paragraphs(decision.outcome)]
        if decision.review_on:
            body.append(_("<p>To be reviewed on {e}.</p>").format(e=_e(decision.review_on)))
    body.append(printed_line(SMALL_PT))
    return sheet_html(body, BODY_PT)


# -- paper --------------------------------------------------------------------------------------


def _set_up(printer: QPrinter) -> None:
    printer.setPageLayout(a4_portrait())


def _render(printer: QPagedPaintDevice, html_text: str) -> None:
    """Lay the sheet out on the printer itself: its resolution turns points into dots.

    (Laid out for the screen and then given the printer's page in dots, 11 pt would print
    at under 1 pt: the screen has some 96 dots an inch, a PDF printer 1200.)
    """
    document = follow_text_direction(QTextDocument())
    document.documentLayout().setPaintDevice(printer)
    document.setHtml(html_text)
    page = printer.pageLayout().paintRectPixels(printer.resolution())
    document.setPageSize(QSizeF(page.width(), page.height()))
    document.print_(printer)


def save_pdf(path: Path | str, html_text: str) -> Path:
    """Write a sheet where asked (a file or a folder) as a PDF (A4 portrait).

    Through the one output path (``coopdesk.base.files``): nothing half written, and an
    OutputError with one clear sentence when the drive is missing, full or read-only.
    """
    title = Path(path).stem or "sheet"
    data = pdf_bytes(a4_portrait(), title, lambda device: _render(device, html_text))
    return write_file(path, data, default_name="sheet.pdf")


def print_sheet(parent: QWidget | None, html_text: str, title: str) -> bool:
    """Ask which printer, then print. False when the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _set_up(printer)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    _render(printer, html_text)
    return True
