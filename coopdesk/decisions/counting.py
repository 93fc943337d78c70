"""Counting, over plain data: proposals, polls, scores, instant-runoff and STV.

Nothing here reads the store, so every site that has the same ballots counts the same
result, and the rules are easy to test against published example elections.

Ranked choice (docs/decisions.md has the rules in words):

- one seat: instant-runoff. Each round every ballot counts for its highest-ranked option
  still in the count; an option with more than half of those votes wins; otherwise the
  option with the fewest is excluded and its ballots move on.
- several seats: single transferable vote with the Droop quota (``droop_quota``), in the
  manner of the Scottish STV rules (weighted inclusive Gregory method): an option reaching
  the quota is elected; its surplus moves on with all its ballots at a reduced value
  (surplus x ballot value / its votes, cut to five decimals); surpluses are transferred
  largest first and before any exclusion; with no surplus left the option with the fewest
  votes is excluded; when as many options remain as seats, they are all elected.
- ties (who is excluded, whose surplus goes first, who is elected first when several reach
  the quota together) are broken by the earlier rounds, most recent first: the option that
  had fewer votes there loses. Options tied in every round are separated by lot, a lot every
  site draws alike (``lot_order``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Votes = Fraction | int
# The decimals a transfer value keeps (the Scottish rules: five, cut, never rounded up).
TRANSFER_DECIMALS = 5
_SCALE = 10**TRANSFER_DECIMALS


def lot_order(salt: str, options: Iterable[str]) -> dict[str, int]:
    """A lot every site draws alike: options ranked by SHA-256 of ``salt`` and their id.

    The decision's id is the salt: random, and fixed before anyone votes. Rank 0 loses the
    lot first (is excluded first, transferred last).
    """
    ordered = sorted(
        options, key=lambda option: hashlib.sha256(f"{salt}:{option}".encode()).hexdigest()
    )
    return {option: rank for rank, option in enumerate(ordered)}


def droop_quota(valid: int, seats: int) -> int:
    """The fewest votes that only ``seats`` options can reach: floor(valid / (seats+1)) + 1."""
    return valid // (seats + 1) + 1


def break_tie(
    tied: Sequence[str],
    history: Sequence[Mapping[str, Votes]],
    lot: Mapping[str, int],
    *,
    lowest: bool,
) -> str:
    """Which of ``tied`` loses (``lowest``) or wins a tie: earlier rounds first, then the lot.

    Goes back from the most recent earlier round to the first; at the first round where the
    tied options had different votes, the one with fewer (``lowest``) or more is chosen.
    """
    candidates = list(tied)
    for totals in reversed(history):
        values = {option: totals.get(option, 0) for option in candidates}
        target = min(values.values()) if lowest else max(values.values())
        narrowed = [option for option in candidates if values[option] == target]
        if len(narrowed) == 1:
            return narrowed[0]
        candidates = narrowed
    pick = min if lowest else max
    return pick(candidates, key=lambda option: lot[option])


# -- ranked choice --------------------------------------------------------------------------


@dataclass
class Round:
    """One round (stage) of a ranked count: votes per option, and what happened."""

    votes: dict[str, Votes]
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    # The option whose surplus was transferred after this round.
    transferred: str | None = None
    exhausted: Votes = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "votes": {option: _number(value) for option, value in self.votes.items()},
            "elected": self.elected,
            "excluded": self.excluded,
            "transferred": self.transferred,
            "exhausted": _number(self.exhausted),
        }


def _number(value: Votes) -> float | int:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else round(float(value), 5)
    return value


@dataclass
class RankedResult:
    """The outcome of a ranked count: who was elected, in order, and every round."""

    elected: list[str]
    rounds: list[Round]
    quota: int | None = None
    valid: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "elected": self.elected,
            "quota": self.quota,
            "valid": self.valid,
            "rounds": [stage.as_json() for stage in self.rounds],
        }


def _grouped(ballots: Iterable[Sequence[str]], candidates: set[str]) -> Counter[tuple[str, ...]]:
    """Identical ballots counted once each (a count of thousands has few distinct ballots).

    Options that are not candidates and repeated options are dropped (a ranking keeps the
    first place an option appears in); a ballot that cannot be read counts for nobody.
    """
    raw: Counter[tuple[str, ...]] = Counter()
    for ballot in ballots:
        if isinstance(ballot, str | bytes):  # a name is not a ranking
            continue
        try:
            raw[tuple(ballot)] += 1
        except TypeError:  # not a list of options
            continue
    groups: Counter[tuple[str, ...]] = Counter()
    for ranking, count in raw.items():
        try:
            clean = len(set(ranking)) == len(ranking) and candidates.issuperset(ranking)
        except TypeError:  # an option that is not text
            continue
        if not clean:
            ranking = tuple(
                dict.fromkeys(o for o in ranking if isinstance(o, str) and o in candidates)
            )
        if ranking:
            groups[ranking] += count
    return groups


def instant_runoff(
    ballots: Iterable[Sequence[str]], candidates: Sequence[str], lot: Mapping[str, int]
) -> RankedResult:
    """One seat: exclude the weakest until an option has more than half of the live votes."""
    continuing = list(candidates)
    groups = _grouped(ballots, set(continuing))
    valid = sum(groups.values())
    rounds: list[Round] = []
    history: list[dict[str, Votes]] = []
    while continuing:
        live = set(continuing)
        votes: dict[str, Votes] = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ranking, count in groups.items():
            top = next((option for option in ranking if option in live), None)
            if top is None:
                exhausted += count
            else:
                votes[top] += count
        stage = Round(votes=votes, exhausted=exhausted)
        rounds.append(stage)
        total = sum(votes.values())
        best = max(votes.values())
        leaders = [option for option in continuing if votes[option] == best]
        if total and (best * 2 > total or len(continuing) == 1):
            winner = (
                leaders[0] if len(leaders) == 1 else break_tie(leaders, history, lot, lowest=False)
            )
            stage.elected.append(winner)
            return RankedResult([winner], rounds, valid=valid)
        if not total:
            return RankedResult([], rounds, valid=valid)
        worst = min(votes.values())
        weakest = [option for option in continuing if votes[option] == worst]
        loser = weakest[0] if len(weakest) == 1 else break_tie(weakest, history, lot, lowest=True)
        stage.excluded.append(loser)
        continuing.remove(loser)
        history.append(votes)
    return RankedResult([], rounds, valid=valid)


@dataclass
class _Parcel:
    """Identical ballots at one value (in 1/100,000ths of a vote), sitting with one option."""

    ranking: tuple[str, ...]
    count: int
    value: int

    @property
    def votes(self) -> int:
        return self.value * self.count


def single_transferable_vote(
    ballots: Iterable[Sequence[str]],
    candidates: Sequence[str],
    seats: int,
    lot: Mapping[str, int],
) -> RankedResult:
    """Several seats: STV with the Droop quota and weighted inclusive Gregory transfers.

    Counted in whole 1/100,000ths of a vote: a transfer value cut to five decimals is a whole
    number of them, so the count is exact and quick (rounds report votes as fractions).
    """
    order = list(candidates)
    groups = _grouped(ballots, set(order))
    valid = sum(groups.values())
    quota = droop_quota(valid, seats)
    if not valid:
        return RankedResult([], [Round(votes=dict.fromkeys(order, 0))], quota=quota, valid=0)
    target = quota * _SCALE
    piles: dict[str, list[_Parcel]] = {option: [] for option in order}
    totals: dict[str, int] = dict.fromkeys(order, 0)  # an elected option keeps the quota
    continuing = list(order)
    elected: list[str] = []
    unsettled: list[str] = []  # elected, surplus not yet transferred
    rounds: list[Round] = []
    history: list[dict[str, Votes]] = []

    live = set(continuing)

    def give(parcel: _Parcel) -> None:
        top = next((option for option in parcel.ranking if option in live), None)
        if top is not None:  # otherwise it is exhausted: nobody left to count it for
            piles[top].append(parcel)
            totals[top] += parcel.votes

    for ranking, count in groups.items():  # every candidate is still in: the first choice
        parcel = _Parcel(ranking, count, _SCALE)
        piles[ranking[0]].append(parcel)
        totals[ranking[0]] += parcel.votes

    while True:
        votes: dict[str, Votes] = {option: Fraction(totals[option], _SCALE) for option in order}
        exhausted = Fraction(valid * _SCALE - sum(totals.values()), _SCALE)
        stage = Round(votes=votes, exhausted=exhausted)
        rounds.append(stage)
        reached = [option for option in continuing if totals[option] >= target]
        while reached:  # the most votes first; ties by earlier rounds, then lot
            best = max(totals[option] for option in reached)
            tied = [option for option in reached if totals[option] == best]
            first = tied[0] if len(tied) == 1 else break_tie(tied, history, lot, lowest=False)
            reached.remove(first)
            continuing.remove(first)
            live.discard(first)
            elected.append(first)
            unsettled.append(first)
            stage.elected.append(first)
        if len(elected) >= seats:
            break
        if len(continuing) <= seats - len(elected):
            rest = sorted(continuing, key=lambda option: (-totals[option], -lot[option]))
            stage.elected.extend(rest)
            elected.extend(rest)
            break
        with_surplus = [option for option in unsettled if totals[option] > target]
        if with_surplus:
            largest = max(totals[option] - target for option in with_surplus)
            tied = [option for option in with_surplus if totals[option] - target == largest]
            donor = tied[0] if len(tied) == 1 else break_tie(tied, history, lot, lowest=False)
            unsettled.remove(donor)
            surplus, total = totals[donor] - target, totals[donor]
            parcels, piles[donor] = piles[donor], []
            totals[donor] = target
            for parcel in parcels:
                # surplus x value / votes, cut (never rounded up) to five decimals. What the
                # cut loses is counted for nobody, like an exhausted ballot.
                give(_Parcel(parcel.ranking, parcel.count, parcel.value * surplus // total))
            stage.transferred = donor
        else:
            unsettled.clear()
            worst = min(totals[option] for option in continuing)
            weakest = [option for option in continuing if totals[option] == worst]
            loser = (
                weakest[0] if len(weakest) == 1 else break_tie(weakest, history, lot, lowest=True)
            )
            continuing.remove(loser)
            live.discard(loser)
            stage.excluded.append(loser)
            parcels, piles[loser] = piles[loser], []
            totals[loser] = 0
            for parcel in parcels:
                give(parcel)
        history.append(votes)
    return RankedResult(elected[:seats], rounds, quota=quota, valid=valid)


def ranked_count(
    ballots: Iterable[Sequence[str]],
    candidates: Sequence[str],
    seats: int,
    lot: Mapping[str, int],
) -> RankedResult:
    """Instant-runoff for one seat, STV for more."""
    if seats <= 1:
        return instant_runoff(ballots, candidates, lot)
    return single_transferable_vote(ballots, candidates, seats, lot)


# -- proposals ------------------------------------------------------------------------------


def proposal_status(kind: str, counts: Mapping[str, int]) -> str:
    """passed / not passed / blocked, from the stances counted (quorum is checked apart).

    - consent: passes when at least one member consents and no objection stands;
    - consensus: a block stops it; otherwise it passes with more agree than disagree.
    """
    if kind == "consent":
        if counts.get("object", 0):
            return "not passed"
        return "passed" if counts.get("consent", 0) else "not passed"
    if counts.get("block", 0):
        return "blocked"
    return "passed" if counts.get("agree", 0) > counts.get("disagree", 0) else "not passed"


FAVOURABLE = ("consent", "agree")


def combine_sites(rule: str, positions: Sequence[str], favourable: int, electorate: int) -> str:
    """The coop-wide result of a decision taken by sites, from each site's position.

    - every-site: every site passed it (a site that blocked blocks it);
    - site-majority: more than half of the sites passed it, and no site blocked it;
    - member-majority: more than half of everyone who may take part (all sites) was in favour.
    """
    if rule == "member-majority":
        return "passed" if favourable * 2 > electorate else "not passed"
    if "blocked" in positions:
        return "blocked"
    passed = sum(1 for position in positions if position == "passed")
    if rule == "every-site":
        return "passed" if positions and passed == len(positions) else "not passed"
    return "passed" if passed * 2 > len(positions) else "not passed"


# -- polls ----------------------------------------------------------------------------------


def leaders(totals: Mapping[str, Votes]) -> list[str]:
    """The options with the highest total (several when tied; none when nobody voted)."""
    if not totals:
        return []
    best = max(totals.values())
    if not best:
        return []
    return [option for option, value in totals.items() if value == best]


def slot_ranking(
    answers: Iterable[Mapping[str, str]], slots: Sequence[tuple[str, str]]
) -> list[tuple[str, int, int, int]]:
    """Meeting-time slots as (slot, yes, maybe, no), best first: most yes, most maybe, earliest.

    ``slots`` are (option id, start time) in any order.
    """
    tally: dict[str, list[int]] = {slot: [0, 0, 0] for slot, _start in slots}
    for answer in answers:
        for slot, reply in answer.items():
            if slot in tally and reply in ("yes", "maybe", "no"):
                tally[slot][("yes", "maybe", "no").index(reply)] += 1
    starts = dict(slots)
    ranked = sorted(tally, key=lambda slot: (-tally[slot][0], -tally[slot][1], starts[slot], slot))
    return [(slot, *tally[slot]) for slot in ranked]  # type: ignore[misc]


def sum_scores(scores: Iterable[Mapping[str, int]], options: Sequence[str]) -> dict[str, int]:
    """Total score per option (0-5 each; a ballot that leaves an option out gives it 0)."""
    totals = dict.fromkeys(options, 0)
    for ballot in scores:
        for option, value in ballot.items():
            if option in totals:
                totals[option] += value
    return totals


def count_choices(choices: Iterable[Sequence[str]], options: Sequence[str]) -> dict[str, int]:
    """How many ballots chose each option (single and several choices)."""
    totals = dict.fromkeys(options, 0)
    for choice in choices:
        for option in set(choice):
            if option in totals:
                totals[option] += 1
    return totals
