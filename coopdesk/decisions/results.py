"""The result of a decision: status, tally, each site's position, who took part.

A pure function of synced rows (and the clock, for whether it has closed): every site that
has the same rows shows the same result. Rules in words are in docs/decisions.md; the
counting itself is in ``coopdesk.decisions.counting``.

Results are hidden while a decision is open when it is secret, or when it was made with
results shown only after closing: then only who took part, and how many, is shown.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import Words, names_text, plural
from coopdesk.decisions import counting
from coopdesk.decisions.ballots import (
    Ballot,
    open_ballots,
    participations,
    secret_ballots,
    stance_label,
)
from coopdesk.decisions.decisions import DecisionView, get_decision, site_names
from coopdesk.decisions.tables import MAX_SCORE, STANCES_BY_KIND
from coopdesk.store.store import Store

STATUSES = (
    N_("upcoming"),
    N_("open"),
    N_("passed"),
    N_("not passed"),
    N_("blocked"),
    N_("no quorum"),
    N_("closed"),
)
# Each status as a headline starts with it.
STATUS_LABELS = Words(
    {
        "upcoming": N_("Upcoming"),
        "open": N_("Open"),
        "passed": N_("Passed"),
        "not passed": N_("Not passed"),
        "blocked": N_("Blocked"),
        "no quorum": N_("No quorum"),
        "closed": N_("Closed"),
    }
)


@dataclass(frozen=True)
class Bar:
    """One bar of the tally chart: what, how much, and the words beside it."""

    key: str
    label: str
    value: float
    text: str
    marked: bool = False  # a winner, an objection that stands, a block


@dataclass
class SitePosition:
    """One site's part in a decision taken by sites."""

    site_id: str
    name: str
    electorate: int
    voters: int
    counts: dict[str, int]
    position: str
    heard: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "name": self.name,
            "electorate": self.electorate,
            "voters": self.voters,
            "counts": self.counts,
            "position": self.position,
            "heard": self.heard,
        }


@dataclass
class Result:
    decision: DecisionView
    phase: str
    status: str
    hidden: bool
    voters: int
    ballots: int
    hands: int
    quorum_needed: int
    counts: dict[str, float] = field(default_factory=dict)
    bars: list[Bar] = field(default_factory=list)
    winners: list[str] = field(default_factory=list)
    ranked: counting.RankedResult | None = None
    reasons: list[tuple[str, str, str]] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    sites: list[SitePosition] = field(default_factory=list)
    not_heard: list[str] = field(default_factory=list)
    apart: list[str] = field(default_factory=list)
    waiting: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def quorum_met(self) -> bool:
        return self.voters >= self.quorum_needed

    @property
    def winner_labels(self) -> list[str]:
        return [self.decision.option_label(option) for option in self.winners]

    def headline(self) -> str:
        """One line: "Passed · 12 took part", "Open · results when it closes"."""
        status = STATUS_LABELS.get(self.status) or self.status[0].upper() + self.status[1:]
        took_part = _("{members} took part").format(members=plural(self.voters, "member"))
        if self.hidden:
            return _("{status} · {took_part} · results when it closes").format(
                status=status, took_part=took_part
            )
        if self.winners and self.phase == "closed":
            said = (
                _("{status} · {names} elected · {took_part}")
                if self.decision.kind == "ranked"
                else _("{status} · {names} chosen · {took_part}")
            )
            return said.format(
                status=status, names=names_text(self.winner_labels), took_part=took_part
            )
        return _("{status} · {took_part}").format(status=status, took_part=took_part)

    def as_json(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision.id,
            "title": self.decision.title,
            "kind": self.decision.kind,
            "phase": self.phase,
            "status": self.status,
            "hidden": self.hidden,
            "voters": self.voters,
            "ballots": self.ballots,
            "hands": self.hands,
            "quorum_needed": self.quorum_needed,
            "quorum_met": self.quorum_met,
            "counts": {key: _plain(value) for key, value in self.counts.items()},
            "tally": [
                {"key": bar.key, "label": bar.label, "value": _plain(bar.value), "text": bar.text}
                for bar in self.bars
            ],
            "winners": self.winners,
            "winner_labels": self.winner_labels,
            "ranked": self.ranked.as_json() if self.ranked else None,
            "reasons": [
                {"stance": stance, "reason": reason, "member": name}
                for stance, reason, name in self.reasons
            ],
            "participants": self.participants,
            "sites": [site.as_json() for site in self.sites],
            "not_heard_from": self.not_heard,
            "voted_at_two_sites": self.apart,
            "waiting_in_ballot_boxes": self.waiting,
            "notes": self.notes,
            "outcome": self.decision.outcome,
            "review_on": self.decision.review_on,
        }


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 5)


def _needed(pct: int, electorate: int) -> int:
    return math.ceil(pct * electorate / 100) if pct else 0


def _member_names(store: Store, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {
        row["id"]: row["name"]
        for row in store.query(f"SELECT id, name FROM member WHERE id IN ({marks})", list(ids))
    }


def _made_by(store: Store, decision_id: str) -> tuple[str, int]:
    """(origin site, sequence number) of the change that made a decision."""
    row = store.conn.execute(
        "SELECT json_extract(_clock, '$.\"\"[2]'), json_extract(_clock, '$.\"\"[3]')"
        " FROM decision WHERE id = ?",
        (decision_id,),
    ).fetchone()
    return (str(row[0]), int(row[1])) if row and row[0] else ("", 0)


def _heard_from(store: Store, site_id: str, made_by: tuple[str, int]) -> bool:
    """Whether a bundle ``site_id`` made after it had the decision has reached this site.

    Learnt from the version vector in the last bundle that site sent here (a vote cast
    there, arriving through other sites, counts too: the caller checks that).
    """
    if site_id == store.site_id:
        return True
    row = store.conn.execute("SELECT vv FROM _peer WHERE site_id = ?", (site_id,)).fetchone()
    try:
        vv = json.loads(row[0]) if row else {}
    except ValueError:
        vv = {}
    origin, seq = made_by
    return isinstance(vv, dict) and int(vv.get(origin, 0) or 0) >= seq > 0


def _hands(store: Store, decision: DecisionView) -> list[dict[str, Any]]:
    return store.query(
        "SELECT site_id, key, count FROM hand_count WHERE decision_id = ? AND round = ?"
        " AND _cl % 2 = 1",
        (decision.id, decision.round),
    )


def _hand_voters(decision: DecisionView, hands: list[dict[str, Any]]) -> int:
    """People counted by hand: each raises a hand once, except for several choices."""
    if decision.kind == "multiple":
        return max((row["count"] for row in hands), default=0)
    return sum(row["count"] for row in hands)


def count_voters(store: Store, decision: DecisionView) -> int:
    """How many took part in the current round, as ``tally`` counts them, in one query (for
    lists that show many decisions)."""
    table = "participation" if decision.secret else "stance"
    members = store.conn.execute(
        f"SELECT count(DISTINCT member_id) FROM {table} WHERE decision_id = ? AND round = ?",
        (decision.id, decision.round),
    ).fetchone()[0]
    return int(members) + _hand_voters(decision, _hands(store, decision))


def tally(store: Store, decision_id: str, now: dt.datetime | None = None) -> Result:
    """The decision's result as this site computes it from the rows it has."""
    decision = get_decision(store, decision_id)
    phase = decision.phase(now)
    apart_sites: dict[str, list[str]] = {}
    waiting = 0
    names: dict[str, str] = {}
    if decision.secret:
        ballots = secret_ballots(store, decision)
        taken = participations(store, decision)
        per_member = Counter(member for member, _site, _name in taken)
        for member, site, name in taken:
            names[member] = name or _("(unknown member)")
            if per_member[member] > 1:
                apart_sites.setdefault(member, []).append(site or "")
        voter_ids = set(per_member)
        waiting = max(0, len(taken) - len(ballots))
        voters_by_site = Counter(site for _member, site, _name in taken)
    else:
        ballots, apart_sites = open_ballots(store, decision)
        voter_ids = {ballot.member_id for ballot in ballots if ballot.member_id}
        voters_by_site = Counter(ballot.site_id for ballot in ballots)
        names = {b.member_id: b.member_name for b in ballots if b.member_id}
        missing = set(apart_sites) - set(names)
        if missing:
            names.update(_member_names(store, missing))
    hands = _hands(store, decision)
    hand_voters = _hand_voters(decision, hands)
    sites = site_names(store)
    result = Result(
        decision=decision,
        phase=phase,
        status=phase if phase != "closed" else "closed",
        hidden=phase != "closed" and not decision.show_results,
        voters=len(voter_ids) + hand_voters,
        ballots=len(ballots),
        hands=sum(row["count"] for row in hands),
        quorum_needed=_needed(decision.quorum_pct, decision.electorate_size),
        participants=sorted(
            (names.get(m, _("(unknown member)")) for m in voter_ids), key=str.casefold
        ),
        waiting=waiting,
    )
    result.apart = sorted(
        f"{names.get(member, '(unknown member)')}"
        f" ({', '.join(sorted(sites.get(site, site[:8]) for site in set(where)))})"
        for member, where in apart_sites.items()
    )
    if decision.is_proposal:
        _count_proposal(store, result, ballots, hands, names, voters_by_site, sites)
    else:
        _count_poll(result, ballots, hands)
    if decision.withdrawn:
        result.status = "closed"
        result.notes.insert(0, _("Withdrawn by whoever proposed it."))
    elif phase == "closed" and decision.by_sites == "none" and not result.quorum_met:
        result.status = "no quorum"
    _add_notes(result)
    if result.hidden:
        _hide(result)
    return result


def _count_proposal(
    store: Store,
    result: Result,
    ballots: list[Ballot],
    hands: list[dict[str, Any]],
    names: dict[str, str],
    voters_by_site: Counter,
    sites: dict[str, str],
) -> None:
    decision = result.decision
    words = STANCES_BY_KIND[decision.kind]
    made_by = _made_by(store, decision.id) if decision.by_sites != "none" else ("", 0)
    counts: Counter[str] = Counter({word: 0 for word in words})
    per_site: dict[str, Counter[str]] = {}
    for ballot in ballots:
        if ballot.stance in words:
            counts[ballot.stance] += 1
            per_site.setdefault(ballot.site_id or "", Counter())[ballot.stance] += 1
            if ballot.reason:
                name = names.get(ballot.member_id or "", "") if not decision.secret else ""
                result.reasons.append((ballot.stance, ballot.reason, name))
    for row in hands:
        if row["key"] in words:
            counts[row["key"]] += row["count"]
            per_site.setdefault(row["site_id"] or "", Counter())[row["key"]] += row["count"]
            voters_by_site[row["site_id"]] += row["count"]
    result.reasons.sort(key=lambda item: (words.index(item[0]) if item[0] in words else 9, item))
    result.counts = {word: counts[word] for word in words}
    stops = {"object", "block"}
    result.bars = [
        Bar(
            word,
            stance_label(word),
            counts[word],
            str(counts[word]),
            word in stops and counts[word] > 0,
        )
        for word in words
    ]
    standing = counting.proposal_status(decision.kind, counts)
    if decision.by_sites != "none":
        positions = []
        for site_id, electorate in sorted(
            decision.site_electorates.items(), key=lambda item: sites.get(item[0], item[0])
        ):
            site_counts = per_site.get(site_id, Counter())
            voters = voters_by_site.get(site_id, 0)
            heard = voters > 0 or _heard_from(store, site_id, made_by)
            if not voters:
                position = "not heard from" if not heard else "no votes"
            elif voters < _needed(decision.quorum_pct, electorate):
                position = "no quorum"
            else:
                position = counting.proposal_status(decision.kind, site_counts)
            positions.append(position)
            result.sites.append(
                SitePosition(
                    site_id,
                    sites.get(site_id, site_id[:8]),
                    electorate,
                    voters,
                    {word: site_counts[word] for word in words},
                    position,
                    heard,
                )
            )
            if not heard:
                result.not_heard.append(sites.get(site_id, site_id[:8]))
        favourable = sum(counts[word] for word in counting.FAVOURABLE)
        standing = counting.combine_sites(
            decision.by_sites, positions, favourable, decision.electorate_size
        )
    if result.phase == "closed":
        result.status = standing


def _count_poll(result: Result, ballots: list[Ballot], hands: list[dict[str, Any]]) -> None:
    decision = result.decision
    kind = decision.kind
    options = [option.id for option in decision.options]
    labels = {option.id: option.label for option in decision.options}
    if kind == "count":
        yes = sum(1 for ballot in ballots if ballot.stance == "yes")
        no = sum(1 for ballot in ballots if ballot.stance == "no")
        yes += sum(row["count"] for row in hands if row["key"] == "yes")
        no += sum(row["count"] for row in hands if row["key"] == "no")
        result.counts = {"yes": yes, "no": no}
        if yes >= decision.seats:
            yes_text = _("{yes} of {needed} needed: enough").format(yes=yes, needed=decision.seats)
        else:
            yes_text = ngettext(
                "{yes} of {needed} needed: {more} more needed",
                "{yes} of {needed} needed: {more} more needed",
                decision.seats - yes,
            ).format(yes=yes, needed=decision.seats, more=decision.seats - yes)
        result.bars = [
            Bar(
                "yes",
                stance_label("yes"),
                yes,
                yes_text,
                yes >= decision.seats,
            ),
            Bar("no", stance_label("no"), no, str(no)),
        ]
        return
    choices = [ballot.choice for ballot in ballots]
    if kind in ("single", "multiple"):
        picks = [c for c in choices if isinstance(c, list) and all(isinstance(o, str) for o in c)]
        if kind == "single":
            picks = [c for c in picks if len(c) == 1]
        totals = counting.count_choices(picks, options)
        for row in hands:
            if row["key"] in totals:
                totals[row["key"]] += row["count"]
        result.winners = counting.leaders(totals)
        result.counts = dict(totals)
        result.bars = [
            Bar(o, labels[o], totals[o], str(totals[o]), o in result.winners) for o in options
        ]
    elif kind == "score":
        scores = [
            {o: v for o, v in c.items() if isinstance(v, int) and 0 <= v <= MAX_SCORE}
            for c in choices
            if isinstance(c, dict)
        ]
        totals = counting.sum_scores(scores, options)
        result.winners = counting.leaders(totals)
        result.counts = dict(totals)
        count = max(1, len(scores))
        result.bars = [
            Bar(
                o,
                labels[o],
                totals[o],
                _("{total} (average {average:.1f})").format(
                    total=totals[o], average=totals[o] / count
                ),
                o in result.winners,
            )
            for o in options
        ]
    elif kind == "meeting":
        answers = [c for c in choices if isinstance(c, dict)]
        slots = [(option.id, option.starts_at or "") for option in decision.options]
        ranking = counting.slot_ranking(answers, slots)
        best = ranking[0] if ranking and (ranking[0][1] or ranking[0][2]) else None
        result.winners = [best[0]] if best else []
        result.counts = {slot: yes for slot, yes, _maybe, _no in ranking}
        by_slot = {slot: (yes, maybe, no) for slot, yes, maybe, no in ranking}
        result.bars = [
            Bar(
                o,
                labels[o],
                by_slot[o][0] + by_slot[o][1] / 2,
                _("{yes} yes, {maybe} maybe, {no} no").format(
                    yes=by_slot[o][0], maybe=by_slot[o][1], no=by_slot[o][2]
                ),
                o in result.winners,
            )
            for o in options
        ]
    elif kind == "ranked":
        rankings = [c for c in choices if isinstance(c, list)]  # the count drops the rest
        lot = counting.lot_order(decision.id, options)
        ranked = counting.ranked_count(rankings, options, decision.seats, lot)
        result.ranked = ranked
        result.winners = list(ranked.elected)
        first = ranked.rounds[0].votes if ranked.rounds else {}
        result.counts = {o: float(first.get(o, 0)) for o in options}
        result.bars = _ranked_bars(decision, ranked, labels)


def _ranked_bars(
    decision: DecisionView, ranked: counting.RankedResult, labels: dict[str, str]
) -> list[Bar]:
    """Each candidate's votes in the last round they were in, and what became of them."""
    fates: dict[str, tuple[float, str]] = {}
    latest: dict[str, float] = {}
    for number, stage in enumerate(ranked.rounds, start=1):
        for option, votes in stage.votes.items():
            if option not in fates:
                latest[option] = float(votes)
        for option in stage.excluded:
            fates[option] = (
                float(stage.votes.get(option, 0)),
                _("excluded in round {number}").format(number=number),
            )
        for option in stage.elected:
            fates[option] = (
                float(stage.votes.get(option, 0)),
                _("elected in round {number}").format(number=number),
            )
    bars = []
    for option in (o.id for o in decision.options):
        votes, fate = fates.get(option, (latest.get(option, 0.0), ""))
        text = (
            _("{votes} · {fate}").format(votes=votes_text(votes), fate=fate)
            if fate
            else votes_text(votes)
        )
        bars.append(Bar(option, labels[option], votes, text, option in ranked.elected))
    return bars


def votes_text(value: float) -> str:
    """ "26", or "4.5" for a count with transferred fractions of votes."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _add_notes(result: Result) -> None:
    decision = result.decision
    if result.quorum_needed:
        result.notes.append(
            _(
                "Quorum: {quorum_needed} of {electorate_size} ({quorum_pct}%); {voters} took part."
            ).format(
                quorum_needed=result.quorum_needed,
                electorate_size=decision.electorate_size,
                quorum_pct=decision.quorum_pct,
                voters=result.voters,
            )
        )
    if result.hands:
        result.notes.append(
            _(
                "Includes {votes} counted by hand at an assembly (a show of hands or "
                "paper ballots), not cast in CoopDesk."
            ).format(votes=plural(result.hands, "vote"))
        )
    if result.apart:
        if decision.secret:
            result.notes.append(
                _(
                    "Voted at two sites while they were apart: {apart}. Every ballot is "
                    "counted (a secret ballot cannot be told from the others), so the tally "
                    "holds {ballots} too many: if that could change the result, say so in "
                    "the outcome."
                ).format(apart="; ".join(result.apart), ballots=plural(len(result.apart), "ballot"))
            )
        else:
            result.notes.append(
                _(
                    "Voted at two sites while they were apart: {apart}. The stance cast last "
                    "counts."
                ).format(apart="; ".join(result.apart))
            )
    if result.waiting:
        result.notes.append(
            _(
                "{ballots} of members who took part have not reached this site yet (they "
                "wait in another site's ballot box, or on the way)."
            ).format(ballots=plural(result.waiting, "ballot"))
        )
    if result.not_heard:
        result.notes.append(
            _("Not heard from since the decision opened: {names}.").format(
                names=names_text(result.not_heard)
            )
        )
    if decision.kind == "ranked" and result.ranked and result.ranked.quota:
        result.notes.append(
            _(
                "Single transferable vote for {seats} seats; Droop quota {quota} of "
                "{valid} valid ballots."
            ).format(seats=decision.seats, quota=result.ranked.quota, valid=result.ranked.valid)
        )


def _hide(result: Result) -> None:
    """While a secret (or results-after-closing) decision is open: who took part, no more."""
    result.counts = {}
    result.bars = []
    result.winners = []
    result.ranked = None
    result.reasons = []
    for site in result.sites:
        site.counts = {}
        site.position = "open"
    keep = ("Quorum", "Not heard", "Voted at two")
    result.notes = [note for note in result.notes if note.startswith(keep)]


def statuses(
    store: Store, decision_ids: list[str], now: dt.datetime | None = None
) -> dict[str, Result]:
    return {decision_id: tally(store, decision_id, now) for decision_id in decision_ids}
