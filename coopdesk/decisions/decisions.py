"""Decisions: making one, amending a proposal, closing it, writing its outcome.

A decision says who may take part (every active member, a site's members, a role's eligible
members) and how many that is, fixed when it is made; the quorum is a share of that number.
It opens and closes at set times, or closes early by the "decisions" mandate (the coop's
facilitator, if a role carries it). Closing early is a synced change like any other; see
``coopdesk.decisions.ballots`` and docs/decisions.md for which votes count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from coopdesk.base import jsontext
from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import Words, day_text
from coopdesk.coop import find_member
from coopdesk.decisions.tables import (
    BY_SITES_RULES,
    ELECTORATES,
    KINDS,
    PROPOSAL_KINDS,
)
from coopdesk.roles import eligible_members, get_role
from coopdesk.store.schema import DateTimeLike, datetime_text
from coopdesk.store.store import Store

KIND_LABELS = Words(
    {
        "consent": N_("Consent proposal"),
        "consensus": N_("Consensus proposal"),
        "single": N_("Poll: one choice"),
        "multiple": N_("Poll: several choices"),
        "score": N_("Poll: score each option (0-5)"),
        "ranked": N_("Ranked choice (election)"),
        "count": N_("Count: who is in?"),
        "meeting": N_("Meeting time"),
    }
)
BY_SITES_LABELS = Words(
    {
        "none": N_("No: one count for the whole coop"),
        "every-site": N_("By sites: every site must consent"),
        "site-majority": N_("By sites: a majority of sites, no site blocking"),
        "member-majority": N_("By sites: a majority of all members"),
    }
)
POLL_KINDS = ("single", "multiple", "score", "ranked", "meeting")
DEFAULT_DAYS_OPEN = 7


@dataclass(frozen=True)
class OptionView:
    id: str
    label: str
    position: int
    starts_at: str | None = None
    minutes: int = 60
    member_id: str | None = None


@dataclass(frozen=True)
class DecisionView:
    """A decision as every site shows it (its tally is in ``coopdesk.decisions.results``)."""

    id: str
    title: str
    details: str
    kind: str
    seats: int
    opens_at: str
    closes_at: str
    closed_at: str | None
    quorum_pct: int
    secret: bool
    show_results: bool
    electorate: str
    site_id: str | None
    role_id: str | None
    by_sites: str
    electorate_size: int
    site_electorates: dict[str, int]
    round: int
    proposed_by: str | None
    proposer_name: str
    outcome: str
    review_on: str | None
    fills_role_id: str | None
    withdrawn: bool
    options: list[OptionView] = field(default_factory=list)

    @property
    def is_proposal(self) -> bool:
        return self.kind in PROPOSAL_KINDS

    @property
    def ends_at(self) -> str:
        """When voting ends: the closing time, or the early close if that came first."""
        if self.closed_at and self.closed_at < self.closes_at:
            return self.closed_at
        return self.closes_at

    def phase(self, now: dt.datetime | None = None) -> str:
        """ "upcoming", "open" or "closed" (a withdrawn decision is closed)."""
        moment = datetime_text(local_now(now))
        if self.withdrawn or moment >= self.ends_at:
            return "closed"
        return "upcoming" if moment < self.opens_at else "open"

    def option(self, option_id: str) -> OptionView | None:
        return next((option for option in self.options if option.id == option_id), None)

    def option_label(self, option_id: str) -> str:
        option = self.option(option_id)
        return option.label if option else _("(an option that is gone)")

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ends_at"] = self.ends_at
        return data


def local_now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


def when_text(when: str, now: dt.datetime | None = None) -> str:
    """ "3 December, 18:00" (with the year when it is not this year's)."""
    moment = dt.datetime.fromisoformat(when)
    return f"{day_text(moment.date(), local_now(now).date())}, {moment:%H:%M}"


# -- reading ----------------------------------------------------------------------------------

_COLUMNS = """d.id, d.title, d.details, d.kind, d.seats, d.opens_at, d.closes_at, d.closed_at,
    d.quorum_pct, d.secret, d.show_results, d.electorate, d.site_id, d.role_id, d.by_sites,
    d.electorate_size, d.site_electorates, d.round, d.proposed_by, d.outcome, d.review_on,
    d.fills_role_id, d._cl, m.name AS proposer_name"""


def _views(store: Store, where: str, params: Sequence[Any]) -> list[DecisionView]:
    rows = store.query(
        f"SELECT {_COLUMNS} FROM decision d LEFT JOIN member m ON m.id = d.proposed_by"
        f" WHERE {where}",
        params,
    )
    if not rows:
        return []
    options: dict[str, list[OptionView]] = {row["id"]: [] for row in rows}
    for option in store.query(
        "SELECT id, decision_id, label, position, starts_at, minutes, member_id"
        " FROM decision_option WHERE _cl % 2 = 1"
        " AND decision_id IN (SELECT value FROM json_each(?)) ORDER BY position, id",
        (json.dumps(list(options)),),
    ):
        options[option.pop("decision_id")].append(OptionView(**option))
    return [_view(row, options[row["id"]]) for row in rows]


def _view(row: dict[str, Any], options: list[OptionView]) -> DecisionView:
    try:
        electorates = jsontext.loads(row["site_electorates"] or "{}")
    except ValueError:
        electorates = {}
    if not isinstance(electorates, dict):
        electorates = {}
    return DecisionView(
        id=row["id"],
        title=row["title"],
        details=row["details"] or "",
        kind=row["kind"],
        seats=int(row["seats"]),
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        closed_at=row["closed_at"],
        quorum_pct=int(row["quorum_pct"]),
        secret=bool(row["secret"]),
        show_results=bool(row["show_results"]) and not row["secret"],
        electorate=row["electorate"],
        site_id=row["site_id"],
        role_id=row["role_id"],
        by_sites=row["by_sites"],
        electorate_size=int(row["electorate_size"]),
        site_electorates={
            str(site): int(count)
            for site, count in electorates.items()
            if isinstance(count, int) and not isinstance(count, bool)
        },
        round=int(row["round"]),
        proposed_by=row["proposed_by"],
        proposer_name=row["proposer_name"] or "",
        outcome=row["outcome"] or "",
        review_on=row["review_on"],
        fills_role_id=row["fills_role_id"],
        withdrawn=row["_cl"] % 2 == 0,
        options=options,
    )


def get_decision(store: Store, decision_id: str) -> DecisionView:
    views = _views(store, "d.id = ?", (decision_id,))
    if not views:
        raise NotFoundError(
            _("There is no decision with id {decision_id} (see 'coopdesk decision list').").format(
                decision_id=decision_id
            )
        )
    return views[0]


def decision_ids(store: Store, which: str = "all", now: dt.datetime | None = None) -> list[str]:
    """Ids in the order the Decisions page lists them: open ones closing soonest first, then
    upcoming ones, then closed ones, latest first. ``which``: all, open, closed."""
    moment = datetime_text(local_now(now))
    ends = "CASE WHEN closed_at < closes_at THEN closed_at ELSE closes_at END"
    closed = f"(_cl % 2 = 0 OR {ends} <= :now)"
    where = {"all": "1", "open": f"NOT {closed}", "closed": closed}[which]
    rows = store.conn.execute(
        f"SELECT id FROM decision WHERE {where} ORDER BY {closed},"
        f" CASE WHEN {closed} THEN 0 ELSE opens_at > :now END,"
        f" CASE WHEN {closed} THEN '' ELSE {ends} END, {ends} DESC, id",
        {"now": moment},
    )
    return [row[0] for row in rows]


def decisions_by_id(store: Store, ids: Sequence[str]) -> dict[str, DecisionView]:
    views = _views(store, "d.id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
    return {view.id: view for view in views}


def list_decisions(
    store: Store, which: str = "all", now: dt.datetime | None = None
) -> list[DecisionView]:
    if which not in ("all", "open", "closed"):
        raise ValidationError(_("List all, open or closed decisions."))
    ids = decision_ids(store, which, now)
    found = decisions_by_id(store, ids)
    return [found[i] for i in ids if i in found]


def find_decision(store: Store, id_or_title: str) -> DecisionView:
    """A decision by id, or by its exact title (case does not matter) when that is unique."""
    text = id_or_title.strip()
    if store.get("decision", text) is not None:
        return get_decision(store, text)
    rows = store.query(
        "SELECT id FROM decision WHERE title = ? COLLATE NOCASE AND _cl % 2 = 1", (text,)
    )
    if len(rows) == 1:
        return get_decision(store, rows[0]["id"])
    if rows:
        raise ValidationError(
            _("Several decisions are called {text!r}: give its id.").format(text=text)
        )
    raise NotFoundError(
        _("There is no decision {text!r} (see 'coopdesk decision list').").format(text=text)
    )


# -- who may take part ----------------------------------------------------------------------


def electorate_members(
    store: Store, electorate: str, site_id: str | None = None, role_id: str | None = None
) -> list[str]:
    """The active members who may take part, by the decision's rule."""
    if electorate == "site":
        rows = store.query(
            "SELECT id FROM member WHERE _cl % 2 = 1 AND home_site_id = ? ORDER BY id", (site_id,)
        )
        return [row["id"] for row in rows]
    if electorate == "role":
        return sorted(eligible_members(store, str(role_id)))
    return [row["id"] for row in store.query("SELECT id FROM member WHERE _cl % 2 = 1 ORDER BY id")]


def refusal_to_take_part(
    store: Store, decision: DecisionView, member_id: str, here: str | None = None
) -> str:
    """Why ``member_id`` may not vote on ``decision`` at this site; "" when they may."""
    member = store.get("member", member_id)
    if member is None:
        return _("There is no such member in this coop.")
    if member["archived"]:
        return _("{name} is archived and cannot take part in decisions.").format(
            name=member["name"]
        )
    if decision.electorate == "site" and member["home_site_id"] != decision.site_id:
        site = store.get("site", decision.site_id or "")
        return _("Only the members of {name} take part in “{title}”.").format(
            name=site["name"] if site else _("one site"), title=decision.title
        )
    if decision.electorate == "role" and member_id not in eligible_members(
        store, str(decision.role_id)
    ):
        role = store.get("role", decision.role_id or "")
        return _("Only the members eligible for {name} take part in “{title}”.").format(
            name=role["name"] if role else _("a role"), title=decision.title
        )
    if decision.by_sites != "none":
        home = member["home_site_id"]
        if not home:
            return _(
                "“{title}” is decided by sites: {name} has no home site. Set one on the "
                "Members page first."
            ).format(title=decision.title, name=member["name"])
        if here is not None and home != here:
            site = store.get("site", home)
            return _(
                "“{title}” is decided by sites: {name} votes at their own site, {name2}."
            ).format(
                title=decision.title,
                name=member["name"],
                name2=site["name"] if site else _("their home site"),
            )
    return ""


# -- making a decision -----------------------------------------------------------------------


def _option_rows(
    store: Store, kind: str, options: Sequence[str], fills_role_id: str | None
) -> list[dict[str, Any]]:
    """The options as rows: labels trimmed and unique; meeting slots and candidates resolved."""
    labels = [" ".join(str(option).split()) for option in options]
    labels = [label for label in labels if label]
    if kind in PROPOSAL_KINDS or kind == "count":
        if labels:
            raise ValidationError(
                _("A {kind_labels} has no options: members take a stance.").format(
                    kind_labels=KIND_LABELS[kind].lower()
                )
            )
        return []
    minimum = 1 if kind == "meeting" else 2
    if len(labels) < minimum:
        raise ValidationError(
            _("A meeting-time poll needs at least one time slot (--option 2026-12-01T18:00).")
            if kind == "meeting"
            else _("A {kind_labels} needs at least two options.").format(
                kind_labels=KIND_LABELS[kind].lower()
            )
        )
    seen: set[str] = set()
    rows = []
    for position, label in enumerate(labels):
        row: dict[str, Any] = {"label": label, "position": position}
        if kind == "meeting":
            start = dt.datetime.fromisoformat(datetime_text(label, N_("Time slot")))
            row["starts_at"] = start
            row["label"] = stored_slot_label(start)
        if fills_role_id:
            member = find_member(store, label)
            if member is None or member["archived"]:
                raise ValidationError(
                    _(
                        "Candidate {label!r}: no such active member (an election that fills a "
                        "role has members as its options)."
                    ).format(label=label)
                )
            row["member_id"], row["label"] = member["id"], member["name"]
        key = row["label"].casefold()
        if key in seen:
            raise ValidationError(
                _("Option {label!r} is listed twice.").format(label=row["label"]), field="Option"
            )
        seen.add(key)
        rows.append(row)
    return rows


def add_decision(
    store: Store,
    author: str,
    title: str,
    *,
    kind: str,
    closes_at: DateTimeLike,
    options: Sequence[str] = (),
    details: str = "",
    seats: int = 1,
    opens_at: DateTimeLike | None = None,
    secret: bool = False,
    quorum_pct: int = 0,
    show_results: bool = True,
    electorate: str = "members",
    site_id: str | None = None,
    role_id: str | None = None,
    by_sites: str = "none",
    fills_role_id: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Put a decision to the coop; returns its id. Anyone may; nothing is written on refusal."""
    moment = local_now(now)
    kind = str(kind).strip().lower()
    if kind not in KINDS:
        raise ValidationError(_("Kind must be one of: {kinds}.").format(kinds=", ".join(KINDS)))
    opens = datetime_text(opens_at or moment, N_("Opening time"))
    closes = datetime_text(closes_at, N_("Closing time"))
    if closes <= datetime_text(moment):
        raise ValidationError(
            _("Closing time {closes} has passed already: give a later one.").format(closes=closes),
            field="Closing time",
        )
    if closes <= opens:
        raise ValidationError(
            _(
                "Closing time {closes} is not after the opening time {opens}: give a "
                "later closing time."
            ).format(closes=closes, opens=opens),
            field="Closing time",
        )
    try:
        quorum = int(quorum_pct or 0)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Quorum must be a whole number of percent (0 to 100)."), field="Quorum"
        ) from None
    if not 0 <= quorum <= 100:
        raise ValidationError(
            _("Quorum {percent} is not a share of the members: give 0 to 100.").format(
                percent=f"{quorum}%"
            ),
            field="Quorum",
        )
    try:
        seats = int(seats or 1)
    except (TypeError, ValueError):
        raise ValidationError(_("Seats must be a whole number.")) from None
    electorate = str(electorate or "members").strip().lower()
    if electorate not in ELECTORATES:
        raise ValidationError(
            _("Who may take part must be one of: {electorates}.").format(
                electorates=", ".join(ELECTORATES)
            )
        )
    if electorate == "site" and (not site_id or store.get("site", site_id) is None):
        raise ValidationError(_("Say which site's members take part (a site id)."))
    if electorate == "role" and (not role_id or store.get("role", role_id) is None):
        raise ValidationError(_("Say which role's eligible members take part (a role id)."))
    by_sites = str(by_sites or "none").strip().lower()
    if by_sites not in BY_SITES_RULES:
        raise ValidationError(
            _("Deciding by sites takes one of the rules: {by_sites_rules}.").format(
                by_sites_rules=", ".join(BY_SITES_RULES[1:])
            )
        )
    if by_sites != "none" and kind not in PROPOSAL_KINDS:
        raise ValidationError(
            _(
                "Deciding by sites works for proposals (consent or consensus): each "
                "site's result becomes its position."
            )
        )
    if fills_role_id:
        if kind != "ranked":
            raise ValidationError(_("Only a ranked-choice election can fill a role."))
        role = get_role(store, fills_role_id)
        if seats != int(role["holders"]):
            raise ValidationError(
                _(
                    "{name} has {holders} holder(s) at a time: elect that many (--seats {holders})."
                ).format(name=role["name"], holders=role["holders"])
            )
    rows = _option_rows(store, kind, options, fills_role_id)
    if kind == "ranked" and not 1 <= seats < len(rows):
        raise ValidationError(
            _(
                "{seats} seats need more than {seats} candidates: add options or elect fewer."
            ).format(seats=seats)
        )
    if kind == "count" and seats < 1:
        raise ValidationError(_("Say how many people are needed (at least 1)."))
    if kind not in ("ranked", "count"):
        seats = 1
    if fills_role_id:
        eligible = set(eligible_members(store, fills_role_id))
        role = get_role(store, fills_role_id)
        for row in rows:
            if row["member_id"] not in eligible:
                raise ValidationError(
                    _(
                        "{label} is not eligible for {name}: they must opt in to the role before "
                        "they can be elected to it."
                    ).format(label=row["label"], name=role["name"])
                )
    members = electorate_members(store, electorate, site_id, role_id)
    homes = {
        row["id"]: row["home_site_id"]
        for row in store.query(
            "SELECT id, home_site_id FROM member WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(members),),
        )
    }
    by_site = Counter(homes[m] for m in members if homes.get(m))
    with store.transaction(author) as tx:
        decision_id = tx.insert(
            "decision",
            {
                "title": title,
                "details": details,
                "kind": kind,
                "seats": seats,
                "opens_at": opens,
                "closes_at": closes,
                "quorum_pct": quorum,
                "secret": bool(secret),
                "show_results": bool(show_results) and not secret,
                "electorate": electorate,
                "site_id": site_id if electorate == "site" else None,
                "role_id": role_id if electorate == "role" else None,
                "by_sites": by_sites,
                "electorate_size": len(members),
                "site_electorates": json.dumps(dict(sorted(by_site.items()))),
                "proposed_by": author,
                "fills_role_id": fills_role_id,
            },
        )
        for row in rows:
            tx.insert("decision_option", {"decision_id": decision_id, **row})
    return decision_id


def _may_facilitate(store: Store, author: str, decision: DecisionView) -> bool:
    return author == decision.proposed_by


def amend_decision(
    store: Store,
    author: str,
    decision_id: str,
    *,
    details: str | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Amend an open proposal: a new round starts, stances on the old text lapse.

    The proposer may; anyone else needs the "decisions" mandate. Returns the new round.
    """
    decision = get_decision(store, decision_id)
    if not decision.is_proposal:
        raise ValidationError(_("Only a proposal is amended; a poll keeps its options."))
    if decision.phase(now) == "closed":
        raise ValidationError(
            _("“{title}” has closed: propose it again instead.").format(title=decision.title)
        )
    fields: dict[str, Any] = {"round": decision.round + 1}
    if details is not None:
        fields["details"] = details
    if title is not None:
        fields["title"] = title
    if len(fields) == 1:
        raise ValidationError(_("Say what the amendment changes (the details or the title)."))
    with store.transaction(author) as tx:
        if not _may_facilitate(store, author, decision):
            tx.use_mandate("decisions", f"amended “{decision.title}”")
        tx.update("decision", decision_id, fields)
    return decision.round + 1


def withdraw_decision(store: Store, author: str, decision_id: str) -> None:
    """The proposer withdraws a decision (archived: it stays in the record, closed)."""
    decision = get_decision(store, decision_id)
    with store.transaction(author) as tx:
        if not _may_facilitate(store, author, decision):
            tx.use_mandate("decisions", f"withdrew “{decision.title}”")
        tx.archive("decision", decision_id)


def due_for_review(store: Store, today: dt.date | None = None) -> list[DecisionView]:
    """Closed decisions whose review date has come."""
    day = (today or dt.date.today()).isoformat()
    return _views(
        store,
        "d._cl % 2 = 1 AND d.review_on IS NOT NULL AND d.review_on <= ? ORDER BY d.review_on",
        (day,),
    )


def option_by_text(decision: DecisionView, text: str) -> OptionView:
    """An option named by id, exact label (any case), or number (1 is the first)."""
    wanted = " ".join(str(text).split())
    for option in decision.options:
        if wanted in (option.id, option.label) or wanted.casefold() == option.label.casefold():
            return option
        if option.starts_at and wanted and datetime_text_or_none(wanted) == option.starts_at:
            return option
    if wanted.isdigit() and 1 <= int(wanted) <= len(decision.options):
        return decision.options[int(wanted) - 1]
    labels = ", ".join(option.label for option in decision.options)
    raise ValidationError(
        _("“{title}” has no option {wanted!r}: choose one of {labels}.").format(
            title=decision.title, wanted=wanted, labels=labels
        )
    )


def datetime_text_or_none(text: str) -> str | None:
    try:
        return datetime_text(text)
    except ValidationError:
        return None


def site_names(store: Store) -> Mapping[str, str]:
    return {row["id"]: row["name"] for row in store.query("SELECT id, name FROM site")}


def stored_slot_label(start: dt.datetime) -> str:
    """ "Tue 3 December, 18:00": a time slot's label as the store keeps and syncs it, in
    English whoever typed it (its moment is kept beside it, in starts_at)."""
    year = "" if start.year == dt.date.today().year else f" {start.year}"
    return f"{start:%a} {start.day} {start:%B}{year}, {start:%H:%M}"  # stored in English
