"""The ``coopdesk decision`` and ``coopdesk meeting`` commands: a thin layer over the core.

Decisions and meetings may be named by id or by exact title; members by id or exact name.
Votes are cast as the ``--as`` member. Results of a secret decision (or one made with
``--results-after-close``) stay hidden until it closes, here as in the window.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.base.text import moment_text, names_text, plural
from coopdesk.cli.framework import CommandLine, author_of, emit, open_store
from coopdesk.coop import find_member
from coopdesk.decisions.ballots import release_closed, stance_label, vote
from coopdesk.decisions.decisions import (
    KIND_LABELS,
    DecisionView,
    add_decision,
    amend_decision,
    find_decision,
    list_decisions,
    when_text,
)
from coopdesk.decisions.ics import export_meeting_ics
from coopdesk.decisions.meetings import (
    add_meeting,
    find_meeting,
    get_meeting,
    list_meetings,
    record_hands,
    write_minutes,
)
from coopdesk.decisions.outcomes import close_decision, fill_role
from coopdesk.decisions.results import Result, tally
from coopdesk.decisions.tables import BY_SITES_RULES, KINDS


def _member_id(store: Any, id_or_name: str | None) -> str | None:
    if not id_or_name:
        return None
    member = find_member(store, id_or_name)
    if member is None:
        raise NotFoundError(
            _("No member {id_or_name!r} (give a member id from 'member list').").format(
                id_or_name=id_or_name
            )
        )
    return str(member["id"])


def _row_id(store: Any, table: str, id_or_name: str | None, what: str) -> str | None:
    """A site or role by id or exact name."""
    if not id_or_name:
        return None
    if store.get(table, id_or_name) is not None:
        return id_or_name
    label = "name"
    rows = store.query(
        f"SELECT id FROM {table} WHERE {label} = ? COLLATE NOCASE AND _cl % 2 = 1", (id_or_name,)
    )
    if len(rows) != 1:
        raise NotFoundError(
            _("No {what} {id_or_name!r} (give its id or exact name).").format(
                what=what, id_or_name=id_or_name
            )
        )
    return str(rows[0]["id"])


# -- words ------------------------------------------------------------------------------------


def _times(decision: DecisionView) -> str:
    phase = decision.phase()
    opens = when_text(decision.opens_at)
    opened = (_("opens {when}") if phase == "upcoming" else _("opened {when}")).format(when=opens)
    if decision.closed_at and decision.closed_at < decision.closes_at:
        closes = _("closed early {when}").format(when=when_text(decision.closed_at))
    else:
        closes = (_("closed {when}") if phase == "closed" else _("closes {when}")).format(
            when=when_text(decision.closes_at)
        )
    return f"{opened}, {closes}"


def _facts(decision: DecisionView) -> str:
    facts = [KIND_LABELS[decision.kind]]
    if decision.kind == "ranked":
        facts.append(plural(decision.seats, "seat"))
    if decision.kind == "count":
        facts.append(_("{seats} needed").format(seats=decision.seats))
    if decision.secret:
        facts.append(_("secret ballot"))
    if decision.quorum_pct:
        facts.append(_("quorum {quorum_pct}%").format(quorum_pct=decision.quorum_pct))
    if decision.by_sites != "none":
        facts.append(_("decided by sites ({by_sites})").format(by_sites=decision.by_sites))
    if decision.round:
        facts.append(_("amended {times}").format(times=plural(decision.round, "time")))
    return ", ".join(facts)


def result_lines(result: Result) -> list[str]:
    decision = result.decision
    lines = [
        f"{decision.title}  ({_facts(decision)})  {decision.id}",
        f"  {result.headline()}",
        f"  {_times(decision)}",
    ]
    if decision.details:
        lines.append(f"  {decision.details}")
    if result.bars:
        width = max(len(bar.label) for bar in result.bars)
        lines.append(_("  Tally:"))
        lines += [f"    {bar.label.ljust(width)}  {bar.text}" for bar in result.bars]
    for stance, reason, name in result.reasons:
        who = f"{name}: " if name else ""
        lines.append(f"  {stance_label(stance)} — {who}{reason}")
    for site in result.sites:
        counts = ", ".join(f"{stance_label(w).lower()} {n}" for w, n in site.counts.items())
        counted = _("{voters} of {electorate} voted").format(
            voters=site.voters, electorate=site.electorate
        ) + (f"; {counts}" if counts else "")
        lines.append(
            _("  Site {name}: {position} ({counted})").format(
                name=site.name, position=site.position, counted=counted
            )
        )
    if result.participants:
        lines.append(_("  Took part: {names}").format(names=names_text(result.participants)))
    lines += [_("  Note: {note}").format(note=note) for note in result.notes]
    if decision.outcome:
        lines.append(_("  Outcome: {outcome}").format(outcome=decision.outcome))
    if decision.review_on:
        lines.append(_("  Review on {review_on}").format(review_on=decision.review_on))
    return lines


def _emit_result(args: argparse.Namespace, result: Result, message: str = "") -> None:
    data = {"decision": result.decision.as_json(), "result": result.as_json()}
    emit(args, data, ([message] if message else []) + result_lines(result))


# -- decisions --------------------------------------------------------------------------------


def cmd_decision_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        electorate = "site" if args.site else "role" if args.role else "members"
        decision_id = add_decision(
            store,
            author_of(args, store),
            args.title,
            kind=args.kind,
            options=args.option or [],
            seats=args.seats,
            opens_at=args.opens,
            closes_at=args.closes,
            secret=args.secret,
            quorum_pct=args.quorum,
            show_results=not args.results_after_close,
            details=args.details or "",
            electorate=electorate,
            site_id=_row_id(store, "site", args.site, "site"),
            role_id=_row_id(store, "role", args.role, "role"),
            by_sites=args.by_sites or "none",
            fills_role_id=_row_id(store, "role", args.fills_role, "role"),
        )
        emit(args, {"id": decision_id}, decision_id)
    return 0


def cmd_decision_vote(args: argparse.Namespace) -> int:
    if bool(args.stance) == bool(args.choice):
        raise ValidationError(_("Give either --stance (proposals, counts) or --choice (polls)."))
    with open_store(args) as store:
        decision = find_decision(store, args.decision)
        author = author_of(args, store)
        voted = vote(
            store,
            author,
            decision.id,
            stance=args.stance,
            choice=args.choice,
            reason=args.reason or "",
        )
        result = tally(store, decision.id)
        secret = _(" (secret: your ballot is in this site's ballot box)") if decision.secret else ""
        emit(
            args,
            {"id": voted, "decision_id": decision.id, "secret": decision.secret},
            _("Voted on “{title}”{secret}. {headline}").format(
                title=decision.title, secret=secret, headline=result.headline()
            ),
        )
    return 0


def cmd_decision_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        release_closed(store)
        decision = find_decision(store, args.decision)
        _emit_result(args, tally(store, decision.id))
    return 0


def cmd_decision_list(args: argparse.Namespace) -> int:
    which = "open" if args.open else "closed" if args.closed else "all"
    with open_store(args) as store:
        release_closed(store)
        results = [tally(store, d.id) for d in list_decisions(store, which)]
        lines = [
            _(
                "{status:<10} {title}  ({kind_labels})  ends {when}  {voters} took part  {id}"
            ).format(
                status=_(r.status),
                title=r.decision.title,
                kind_labels=KIND_LABELS[r.decision.kind],
                when=when_text(r.decision.ends_at),
                voters=r.voters,
                id=r.decision.id,
            )
            for r in results
        ] or [_("No {value}decisions.").format(value=which + " " if which != "all" else "")]
        emit(
            args,
            [
                {
                    "id": r.decision.id,
                    "title": r.decision.title,
                    "kind": r.decision.kind,
                    "status": r.status,
                    "ends_at": r.decision.ends_at,
                    "voters": r.voters,
                    "secret": r.decision.secret,
                }
                for r in results
            ],
            lines,
        )
    return 0


def cmd_decision_close(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        decision = find_decision(store, args.decision)
        was_open = decision.phase() != "closed"
        if args.task and args.outcome is None:
            raise ValidationError(_("Tasks follow from an outcome: give --outcome too."))
        close_decision(
            store,
            author_of(args, store),
            decision.id,
            outcome=args.outcome,
            review_on=args.review,
            tasks=args.task or [],
        )
        message = (
            _("Closed “{title}”.").format(title=decision.title)
            if was_open
            else _("Outcome written.")
        )
        if args.task:
            message += _(" Made {tasks}.").format(tasks=plural(len(args.task), "task"))
        _emit_result(args, tally(store, decision.id), message)
    return 0


def cmd_decision_amend(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        decision = find_decision(store, args.decision)
        round_ = amend_decision(
            store, author_of(args, store), decision.id, details=args.details, title=args.title
        )
        _emit_result(
            args,
            tally(store, decision.id),
            _("Amended: round {value} starts; stances on the earlier text no longer count.").format(
                value=round_ + 1
            ),
        )
    return 0


def cmd_decision_fill_role(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        decision = find_decision(store, args.decision)
        holders = fill_role(store, author_of(args, store), decision.id)
        names = [find_member(store, member)["name"] for member in holders]
        emit(
            args,
            {"decision_id": decision.id, "holders": holders},
            _("The next term's holders: {names}.").format(names=names_text(names)),
        )
    return 0


def _counts(pairs: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pair in pairs:
        key, sep, number = pair.rpartition("=")
        if not sep or not key.strip():
            raise ValidationError(
                _("Give each count as ANSWER=N (for example consent=12), not {pair!r}.").format(
                    pair=pair
                )
            )
        try:
            counts[key.strip()] = int(number)
        except ValueError:
            raise ValidationError(
                _("Hands for {key}: {number!r} is not a whole number.").format(
                    key=key.strip(), number=number
                )
            ) from None
    return counts


def cmd_decision_hands(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        decision = find_decision(store, args.decision)
        meeting = find_meeting(store, args.meeting).id if args.meeting else None
        record_hands(
            store, author_of(args, store), decision.id, _counts(args.counts), meeting_id=meeting
        )
        _emit_result(args, tally(store, decision.id), _("Counts recorded."))
    return 0


def cmd_decision_ics(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        decision = find_decision(store, args.decision)
        path = export_meeting_ics(store, decision.id, Path(args.to))
        emit(args, {"path": str(path)}, _("Wrote {path}").format(path=path))
    return 0


# -- meetings ---------------------------------------------------------------------------------


def _meeting_lines(meeting: Any) -> list[str]:
    start = dt.datetime.fromisoformat(meeting.starts_at)
    where = _(" at {site_name}").format(site_name=meeting.site_name) if meeting.site_name else ""
    lines = [f"{meeting.title}  {moment_text(start)}{where}  {meeting.id}"]
    if meeting.facilitator_name:
        lines.append(
            _("  Facilitator: {facilitator_name}").format(facilitator_name=meeting.facilitator_name)
        )
    for number, item in enumerate(meeting.agenda, start=1):
        linked = (
            _("  [decision {decision_id}]").format(decision_id=item.decision_id)
            if item.decision_id
            else ""
        )
        lines.append(f"  {number}. {item.title}{linked}")
    if meeting.attendee_names:
        lines.append(
            _("  Attended ({count}): {names}").format(
                count=len(meeting.attendee_names), names=names_text(meeting.attendee_names)
            )
        )
    if meeting.minutes:
        lines.append(_("  Minutes:"))
        lines += [f"    {line}" for line in meeting.minutes.splitlines()]
    return lines


def cmd_meeting_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        agenda: list[str | tuple[str, str | None]] = list(args.item or [])
        for text in args.decision or []:
            decision = find_decision(store, text)
            agenda.append((decision.title, decision.id))
        meeting_id = add_meeting(
            store,
            author_of(args, store),
            args.title,
            starts_at=args.date,
            site_id=_row_id(store, "site", args.site, "site"),
            facilitator_id=_member_id(store, args.facilitator),
            agenda=agenda,
        )
        emit(args, {"id": meeting_id}, meeting_id)
    return 0


def cmd_meeting_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        if args.meeting:
            meeting = find_meeting(store, args.meeting)
            emit(args, meeting.as_json(), _meeting_lines(meeting))
            return 0
        meetings = list_meetings(store)
        emit(
            args,
            [meeting.as_json() for meeting in meetings],
            [line for meeting in meetings for line in _meeting_lines(meeting)[:1]]
            or [_("No meetings yet.")],
        )
    return 0


def cmd_meeting_minutes(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        meeting = find_meeting(store, args.meeting)
        minutes = args.text
        if args.file:
            minutes = Path(args.file).read_text(encoding="utf-8")
        attendees = None
        if args.attended is not None:
            attendees = [part.strip() for part in args.attended.split(",") if part.strip()]
        write_minutes(
            store,
            author_of(args, store),
            meeting.id,
            minutes,
            attendees=attendees,
            facilitator_id=_member_id(store, args.facilitator),
        )
        updated = get_meeting(store, meeting.id)
        emit(args, updated.as_json(), _meeting_lines(updated))
    return 0


def add_commands(cli: CommandLine) -> None:
    """``decision ...`` and ``meeting ...``."""
    decision = cli.group("decision", _("proposals, polls and elections; votes, results, outcomes"))

    add = cli.command(
        "add", cmd_decision_add, _("put a decision to the coop; prints its id"), decision
    )
    add.add_argument("title", metavar="TITLE")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument(
        "--option",
        action="append",
        metavar="TEXT",
        help=_("an option (repeat; a time slot for meeting)"),
    )
    add.add_argument(
        "--seats", type=int, default=1, metavar="N", help=_("ranked: seats; count: needed")
    )
    add.add_argument("--closes", required=True, metavar="ISO", help=_("e.g. 2026-12-01T18:00"))
    add.add_argument("--opens", metavar="ISO", help=_("default now"))
    add.add_argument("--details", metavar="TEXT")
    add.add_argument("--secret", action="store_true", help=_("a secret ballot"))
    add.add_argument(
        "--quorum", type=int, default=0, metavar="PCT", help=_("percent who must take part")
    )
    add.add_argument(
        "--results-after-close", action="store_true", help=_("hide the tally until it closes")
    )
    add.add_argument(
        "--by-sites", choices=BY_SITES_RULES[1:], metavar="RULE", help=", ".join(BY_SITES_RULES[1:])
    )
    add.add_argument("--site", metavar="SITE", help=_("only this site's members take part"))
    add.add_argument(
        "--role", metavar="ROLE", help=_("only this role's eligible members take part")
    )
    add.add_argument(
        "--fills-role", metavar="ROLE", help=_("an election that fills this role's next term")
    )

    cast = cli.command("vote", cmd_decision_vote, _("vote as the --as member"), decision)
    cast.add_argument("decision", metavar="ID")
    cast.add_argument(
        "--stance", metavar="S", help=_("consent, object; agree, abstain, disagree, block; yes, no")
    )
    cast.add_argument("--reason", metavar="TEXT", help=_("required to object, disagree or block"))
    cast.add_argument(
        "--choice",
        action="extend",
        nargs="+",
        metavar="OPTION",
        help=_(
            "option(s); ranked: in order of preference; score: OPTION=0-5; meeting: "
            "SLOT=yes|maybe|no"
        ),
    )

    show = cli.command(
        "show", cmd_decision_show, _("status, tally, per-site positions, outcome"), decision
    )
    show.add_argument("decision", metavar="ID")

    listing = cli.command("list", cmd_decision_list, _("decisions, open ones first"), decision)
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--open", action="store_true", help=_("only open (and upcoming) decisions"))
    which.add_argument("--closed", action="store_true", help=_("only closed decisions"))

    close = cli.command(
        "close", cmd_decision_close, _("close early, or write the outcome once closed"), decision
    )
    close.add_argument("decision", metavar="ID")
    close.add_argument("--outcome", metavar="TEXT", help=_("what was decided"))
    close.add_argument("--review", metavar="DATE", help=_("when to look at it again"))
    close.add_argument(
        "--task", action="append", metavar="TEXT", help=_("a task that follows (repeat)")
    )

    amend = cli.command(
        "amend", cmd_decision_amend, _("amend an open proposal (a new round)"), decision
    )
    amend.add_argument("decision", metavar="ID")
    amend.add_argument("--details", metavar="TEXT")
    amend.add_argument("--title", metavar="TEXT")

    fill = cli.command(
        "fill-role", cmd_decision_fill_role, _("the winners take the role's next term"), decision
    )
    fill.add_argument("decision", metavar="ID")

    hands = cli.command(
        "hands", cmd_decision_hands, _("counts from a show of hands at an assembly"), decision
    )
    hands.add_argument("decision", metavar="ID")
    hands.add_argument("counts", nargs="+", metavar="ANSWER=N", help=_("e.g. consent=12 object=1"))
    hands.add_argument("--meeting", metavar="MEETING")

    ics = cli.command(
        "ics", cmd_decision_ics, _("a meeting-time poll's winning slot as .ics"), decision
    )
    ics.add_argument("decision", metavar="ID")
    ics.add_argument("--to", required=True, metavar="FILE")

    meeting = cli.group("meeting", _("assemblies: agenda, attendance, minutes"))
    madd = cli.command("add", cmd_meeting_add, _("record an assembly; prints its id"), meeting)
    madd.add_argument("title", metavar="TITLE")
    madd.add_argument("--date", required=True, metavar="ISO", help=_("e.g. 2026-12-01T19:00"))
    madd.add_argument("--site", metavar="SITE")
    madd.add_argument("--facilitator", metavar="MEMBER")
    madd.add_argument("--item", action="append", metavar="TEXT", help=_("an agenda item (repeat)"))
    madd.add_argument(
        "--decision", action="append", metavar="ID", help=_("a decision on the agenda (repeat)")
    )

    mshow = cli.command(
        "show", cmd_meeting_show, _("one assembly (or, without an id, all)"), meeting
    )
    mshow.add_argument("meeting", nargs="?", metavar="ID")

    minutes = cli.command(
        "minutes", cmd_meeting_minutes, _("write the minutes and who attended"), meeting
    )
    minutes.add_argument("meeting", metavar="ID")
    minutes.add_argument("text", nargs="?", metavar="TEXT")
    minutes.add_argument("--file", metavar="FILE", help=_("read the minutes from a text file"))
    minutes.add_argument("--attended", metavar="A,B", help=_("members who attended (ids or names)"))
    minutes.add_argument("--facilitator", metavar="MEMBER")
