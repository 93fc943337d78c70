"""Voting: stances on open decisions, and secret ballots through this site's ballot box.

**Open decisions.** Every vote is a ``stance`` row under the voter's name. A change of mind
is a new row that names the member's stances it replaces (every one this site knew of), so
"their latest counts" is a function of the rows: the stance no other replaces, and when a
member voted at two sites that had not heard of each other (two stances that replace
nothing of each other), the one cast last by its site's clock, ties by id. Such members are
reported.

**Secret decisions.** A vote writes two things that nothing links:

- under the voter's name, a ``participation`` row: that they took part, where, in which
  round; and nothing else;
- into this site's ballot box (``_urn``, local, never synced), the ballot itself: one
  shuffled list per decision. Nothing in it names the voter.

The box releases its ballots into the synced ``ballot`` table in shuffled batches, in a
transaction of their own written by the box (``URN``: logged with the site as author, at the
time of the release): at export when it holds at least ``MIN_BATCH`` ballots of a decision,
and everything once the decision has closed. So a ballot shares no author, transaction,
sequence number or time with its voter's participation, and its place in the log, the table
and the bundle says nothing about when it was cast. A secret ballot cannot be changed:
nothing may say which one is yours.

Which votes count (docs/decisions.md): everything a site accepted while the decision was
open there. A site refuses votes once it knows the decision has closed (by its closing time
or an early close it has received); votes it accepted before count at every site, whatever
order bundles arrive in.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coopdesk.base import jsontext
from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.decisions.decisions import (
    DecisionView,
    get_decision,
    option_by_text,
    refusal_to_take_part,
    when_text,
)
from coopdesk.decisions.tables import (
    MAX_SCORE,
    REASON_REQUIRED,
    SLOT_ANSWERS,
    STANCE_WORDS,
    STANCES_BY_KIND,
)
from coopdesk.store.ids import new_id
from coopdesk.store.schema import datetime_text
from coopdesk.store.store import Store
from coopdesk.store.transaction import URN

# A secret ballot leaves the box with at least this many others of its decision, unless the
# decision has closed (then every ballot goes, however few).
MIN_BATCH = 3
_shuffle = random.SystemRandom().shuffle

StanceLabels = STANCE_WORDS  # translated when read


@dataclass(frozen=True, slots=True)
class Ballot:
    """What one vote says, as counted: a stance, or a choice (option ids; scores; answers)."""

    stance: str
    choice: Any
    reason: str
    site_id: str | None
    member_id: str | None = None  # open decisions only
    cast_at: str | None = None  # open decisions only
    member_name: str = ""  # open decisions only


# -- what a ballot may say --------------------------------------------------------------------


def normalize_ballot(
    decision: DecisionView,
    stance: str | None = None,
    choice: Any = None,
    reason: str = "",
) -> tuple[str, str, str]:
    """(stance, choice JSON, reason) for a vote, or a ``ValidationError`` saying what is wrong.

    ``choice`` names options by id, label or number: one for a single choice, any for several,
    in order for ranked; ``{option: 0-5}`` for scores, ``{slot: yes/maybe/no}`` for times.
    """
    reason = (reason or "").strip()
    kind = decision.kind
    if kind in STANCES_BY_KIND:
        allowed = STANCES_BY_KIND[kind]
        word = (stance or "").strip().lower()
        if word not in allowed:
            raise ValidationError(
                _("Stance {stance!r} does not fit “{title}”: choose {allowed}.").format(
                    stance=stance, title=decision.title, allowed=", ".join(allowed)
                )
            )
        if word in REASON_REQUIRED and not reason:
            raise ValidationError(
                _("Reason is required to {word}: say what would have to change (--reason).").format(
                    word=word
                )
            )
        return word, "", reason
    if stance:
        raise ValidationError(
            _("“{title}” is a poll: choose options, not a stance.").format(title=decision.title)
        )
    if kind == "score":
        return "none", _scores(decision, choice), reason
    if kind == "meeting":
        return "none", _slot_answers(decision, choice), reason
    picks = [choice] if isinstance(choice, str) else list(choice or [])
    options = [option_by_text(decision, str(pick)).id for pick in picks]
    if not options:
        raise ValidationError(_("Choose an option of “{title}”.").format(title=decision.title))
    if kind == "single" and len(options) != 1:
        raise ValidationError(
            _("“{title}” takes one choice: choose one option.").format(title=decision.title)
        )
    if len(set(options)) != len(options):
        twice = next(o for o in options if options.count(o) > 1)
        what = "ranked" if kind == "ranked" else "chose"
        raise ValidationError(
            _("You {what} {option_label} twice: each option once.").format(
                what=what, option_label=decision.option_label(twice)
            )
        )
    if kind == "multiple":
        options = sorted(options)
    return "none", json.dumps(options), reason


def _pairs(decision: DecisionView, choice: Any) -> list[tuple[str, str]]:
    """(option text, value) pairs from a mapping or from "option=value" texts."""
    if isinstance(choice, Mapping):
        return [(str(key), str(value)) for key, value in choice.items()]
    pairs = []
    for item in [choice] if isinstance(choice, str) else list(choice or []):
        text = str(item)
        if "=" not in text:
            raise ValidationError(
                _(
                    "Give each option of “{title}” as OPTION=VALUE (for example {label!r}=4)."
                ).format(title=decision.title, label=decision.options[0].label)
            )
        key, _sep, value = text.rpartition("=")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _scores(decision: DecisionView, choice: Any) -> str:
    scores: dict[str, int] = {}
    for key, value in _pairs(decision, choice):
        option = option_by_text(decision, key)
        if option.id in scores:
            raise ValidationError(
                _("You scored {label} twice: score each option once.").format(label=option.label)
            )
        try:
            score = int(value)
        except ValueError:
            score = -1
        if not 0 <= score <= MAX_SCORE:
            raise ValidationError(
                _("Score for {label} must be a whole number from 0 to {max_score}.").format(
                    label=option.label, max_score=MAX_SCORE
                )
            )
        scores[option.id] = score
    if not scores:
        raise ValidationError(
            _("Score at least one option of “{title}”.").format(title=decision.title)
        )
    for option in decision.options:
        scores.setdefault(option.id, 0)
    return json.dumps(dict(sorted(scores.items())))


def _slot_answers(decision: DecisionView, choice: Any) -> str:
    answers: dict[str, str] = {}
    for key, value in _pairs(decision, choice):
        option = option_by_text(decision, key)
        reply = value.lower()
        if reply not in SLOT_ANSWERS:
            raise ValidationError(
                _("Answer for {label} must be yes, maybe or no.").format(label=option.label)
            )
        if option.id in answers:
            raise ValidationError(
                _("You answered {label} twice: once per time slot.").format(label=option.label)
            )
        answers[option.id] = reply
    if not answers:
        raise ValidationError(
            _("Say which times suit you for “{title}”.").format(title=decision.title)
        )
    for option in decision.options:
        answers.setdefault(option.id, "no")
    return json.dumps(dict(sorted(answers.items())))


def parse_choice(text: str) -> Any:
    """A stored choice as data (None when it cannot be read: such a ballot is not counted)."""
    if not text:
        return None
    try:
        return jsontext.loads(text)  # nested a thousand levels deep is unreadable too
    except ValueError:
        return None


# -- voting -----------------------------------------------------------------------------------


def refusal_to_vote(
    store: Store, decision: DecisionView, member_id: str, now: dt.datetime | None = None
) -> str:
    """Why ``member_id`` cannot vote on ``decision`` here and now; "" when they can."""
    phase = decision.phase(now)
    if decision.withdrawn:
        return _("“{title}” was withdrawn.").format(title=decision.title)
    if phase == "upcoming":
        return _("Voting on “{title}” opens on {when}.").format(
            title=decision.title, when=when_text(decision.opens_at, now)
        )
    if phase == "closed":
        return _("“{title}” closed on {when}: votes are no longer taken.").format(
            title=decision.title, when=when_text(decision.ends_at, now)
        )
    refused = refusal_to_take_part(store, decision, member_id, store.site_id)
    if refused:
        return refused
    if decision.secret and has_voted(store, decision, member_id):
        return _(
            "You have voted in “{title}” already. A secret ballot cannot be changed: "
            "nothing in the store may say which ballot is yours."
        ).format(title=decision.title)
    return ""


def vote(
    store: Store,
    author: str,
    decision_id: str,
    *,
    stance: str | None = None,
    choice: Any = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> str:
    """``author`` votes on a decision; returns the id of their stance (or participation).

    Refused, with nothing written: before it opens or after it closes, for an option it does
    not have, an option twice, a member archived or not among those who take part.
    """
    decision = get_decision(store, decision_id)
    refused = refusal_to_vote(store, decision, author, now)
    if refused:
        raise ValidationError(refused)
    word, choice_json, reason = normalize_ballot(decision, stance, choice, reason)
    moment = datetime_text((now or dt.datetime.now()).replace(microsecond=0))
    if not decision.secret:
        replaces = [row["id"] for row in _heads(store, decision_id, author)]
        with store.transaction(author) as tx:
            return tx.insert(
                "stance",
                {
                    "decision_id": decision_id,
                    "member_id": author,
                    "site_id": store.site_id,
                    "round": decision.round,
                    "stance": word,
                    "choice": choice_json,
                    "reason": reason,
                    "cast_at": moment,
                    "replaces": replaces,
                },
            )
    ballot = {
        "id": new_id(),
        "site_id": store.site_id,
        "round": decision.round,
        "stance": word,
        "choice": choice_json,
        "reason": reason,
    }
    _erase_freed_pages(store)
    with store.transaction(author) as tx:
        participation = tx.insert(
            "participation",
            {
                "decision_id": decision_id,
                "member_id": author,
                "site_id": store.site_id,
                "round": decision.round,
                "voted_at": moment,
            },
        )
        _drop_in_box(store, decision_id, ballot)
    _checkpoint(store)
    return participation


def _heads(store: Store, decision_id: str, member_id: str) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT id, replaces FROM stance WHERE decision_id = ? AND member_id = ?",
        (decision_id, member_id),
    )
    replaced = {old for row in rows for old in json.loads(row["replaces"] or "[]")}
    return [row for row in rows if row["id"] not in replaced]


def has_voted(store: Store, decision: DecisionView, member_id: str) -> bool:
    """Whether the member has a vote in the decision's current round (known at this site)."""
    table = "participation" if decision.secret else "stance"
    return bool(
        store.conn.execute(
            f"SELECT 1 FROM {table} WHERE decision_id = ? AND member_id = ? AND round = ?",
            (decision.id, member_id, decision.round),
        ).fetchone()
    )


def my_stance(store: Store, decision: DecisionView, member_id: str) -> dict[str, Any] | None:
    """The member's counted stance in an open decision (None for a secret one)."""
    if decision.secret:
        return None
    counted, _apart = counted_stances(store, decision)
    return counted.get(member_id)


# -- counting the stances of an open decision --------------------------------------------------


_STANCE_COLUMNS = (
    "id",
    "member_id",
    "site_id",
    "round",
    "stance",
    "choice",
    "reason",
    "cast_at",
    "member_name",
)


def counted_stances(
    store: Store, decision: DecisionView
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Each member's counted stance in the current round, and the members who voted at two
    sites while apart (with the sites of their rival stances)."""
    by_member: dict[str, list[tuple[Any, ...]]] = {}
    for row in store.conn.execute(
        "SELECT s.id, s.member_id, s.site_id, s.round, s.stance, s.choice, s.reason,"
        " s.cast_at, m.name, s.replaces FROM stance s LEFT JOIN member m ON m.id = s.member_id"
        " WHERE s.decision_id = ?",
        (decision.id,),
    ):
        by_member.setdefault(row[1], []).append(row)
    counted: dict[str, dict[str, Any]] = {}
    apart: dict[str, list[str]] = {}
    for member, stances in by_member.items():
        if len(stances) == 1:  # nearly everyone: one stance, replacing nothing
            latest = stances[0]
        else:
            replaces = [json.loads(row[9] or "[]") for row in stances]
            replaced = [old for olds in replaces for old in olds]
            heads = [row for row in stances if row[0] not in set(replaced)]
            roots = sum(1 for olds in replaces if not olds)
            if (
                len(heads) > 1
                or roots > 1
                or len(replaced) != len(set(replaced))
                or any(len(olds) > 1 for olds in replaces)
            ):
                apart[member] = sorted({row[2] or "" for row in stances})
            latest = max(heads, key=lambda row: (row[7], row[0]))
        if latest[3] == decision.round:
            counted[member] = dict(zip(_STANCE_COLUMNS, latest[:9], strict=True))
    return counted, apart


def open_ballots(store: Store, decision: DecisionView) -> tuple[list[Ballot], dict[str, list[str]]]:
    counted, apart = counted_stances(store, decision)
    ballots = [
        Ballot(
            stance=row["stance"],
            choice=parse_choice(row["choice"]),
            reason=row["reason"] or "",
            site_id=row["site_id"],
            member_id=row["member_id"],
            cast_at=row["cast_at"],
            member_name=row["member_name"] or _("(unknown member)"),
        )
        for row in counted.values()
    ]
    return ballots, apart


def secret_ballots(store: Store, decision: DecisionView) -> list[Ballot]:
    """The released secret ballots of the current round (in no meaningful order)."""
    rows = store.conn.execute(
        "SELECT stance, choice, reason, site_id FROM ballot WHERE decision_id = ? AND round = ?",
        (decision.id, decision.round),
    ).fetchall()
    choices = parse_choices([row[1] for row in rows])
    return [
        Ballot(stance, choice, reason or "", site_id)
        for (stance, _text, reason, site_id), choice in zip(rows, choices, strict=True)
    ]


def parse_choices(texts: list[str]) -> list[Any]:
    """Many stored choices at once (one JSON parse for all; one by one if one is damaged).

    Each choice is a JSON array or object, so the joined parse yields exactly one value per
    choice or fails; anything else is parsed one by one, as ``parse_choice`` would.
    """
    if all(text and text[0] in "[{" and text[-1] in "]}" for text in texts):
        try:
            parsed = jsontext.loads("[" + ",".join(texts) + "]")
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and len(parsed) == len(texts):
            return parsed
    return [parse_choice(text) for text in texts]


def participations(store: Store, decision: DecisionView) -> list[tuple[str, str | None, str]]:
    """(member, site, name) of who took part in a secret decision's current round (a member
    who voted at two sites while they were apart has two)."""
    return store.conn.execute(
        "SELECT p.member_id, p.site_id, m.name FROM participation p"
        " LEFT JOIN member m ON m.id = p.member_id WHERE p.decision_id = ? AND p.round = ?",
        (decision.id, decision.round),
    ).fetchall()


# -- the ballot box -------------------------------------------------------------------------


def _drop_in_box(store: Store, decision_id: str, ballot: dict[str, Any]) -> None:
    """Add a ballot to this site's box for the decision, reshuffling everything in it.

    Written in the voter's transaction (so a vote is never half-cast), but to a local table:
    nothing of it is logged or synced until the box releases it.
    """
    row = store.conn.execute(
        "SELECT ballots FROM _urn WHERE decision_id = ?", (decision_id,)
    ).fetchone()
    ballots = [*json.loads(row[0]), ballot] if row else [ballot]
    _shuffle(ballots)
    store.conn.execute(
        "INSERT INTO _urn (decision_id, ballots) VALUES (?, ?)"
        " ON CONFLICT (decision_id) DO UPDATE SET ballots = excluded.ballots",
        (decision_id, json.dumps(ballots)),
    )


def ballots_in_box(store: Store, decision_id: str | None = None) -> int:
    """How many secret ballots wait in this site's box (for one decision, or all)."""
    rows = store.conn.execute(
        "SELECT ballots FROM _urn" + (" WHERE decision_id = ?" if decision_id else ""),
        (decision_id,) if decision_id else (),
    ).fetchall()
    return sum(len(json.loads(row[0])) for row in rows)


def _due(store: Store, now: dt.datetime | None, closed_only: bool) -> dict[str, list[dict]]:
    due: dict[str, list[dict]] = {}
    for decision_id, text in store.conn.execute("SELECT decision_id, ballots FROM _urn"):
        ballots = json.loads(text)
        try:
            closed = get_decision(store, decision_id).phase(now) == "closed"
        except NotFoundError:  # never: a ballot is cast on a decision this store has
            continue
        if closed or (not closed_only and len(ballots) >= MIN_BATCH):
            due[decision_id] = ballots
    return due


def release_ballots(
    store: Store, *, now: dt.datetime | None = None, closed_only: bool = False
) -> int:
    """Release the box's ballots that may go: every ballot of a closed decision, and (unless
    ``closed_only``) those of an open decision with at least ``MIN_BATCH`` waiting.

    One transaction by the box, ballots in shuffled order. A ballot already released (this
    site restored a backup older than the release) is not written again: its id is its own.
    Returns how many were released.
    """
    due = _due(store, now, closed_only)
    if not due:
        return 0
    batch = [
        {**ballot, "decision_id": decision_id}
        for decision_id, ballots in due.items()
        for ballot in ballots
    ]
    _shuffle(batch)
    released = 0
    _erase_freed_pages(store)
    with store.transaction(URN) as tx:
        for ballot in batch:
            if store.conn.execute("SELECT 1 FROM ballot WHERE id = ?", (ballot["id"],)).fetchone():
                continue
            tx.insert(
                "ballot",
                {key: ballot[key] for key in ("decision_id", "site_id", "round", "stance")}
                | {"choice": ballot["choice"], "reason": ballot["reason"]},
                row_id=ballot["id"],
            )
            released += 1
        store.conn.executemany(
            "DELETE FROM _urn WHERE decision_id = ?", [(decision_id,) for decision_id in due]
        )
    _checkpoint(store)
    return released


def closed_in_box(store: Store, now: dt.datetime | None = None) -> bool:
    """Whether this site's box holds ballots of a decision that has closed."""
    if not store.conn.execute("SELECT 1 FROM _urn LIMIT 1").fetchone():
        return False
    return bool(_due(store, now, closed_only=True))


def release_closed(store: Store, now: dt.datetime | None = None) -> int:
    """Release the ballots of decisions that have closed (by time, or early elsewhere)."""
    if not store.conn.execute("SELECT 1 FROM _urn LIMIT 1").fetchone():
        return 0
    return release_ballots(store, now=now, closed_only=True)


def _erase_freed_pages(store: Store) -> None:
    """Space SQLite frees (an older copy of the box) is overwritten with zeros, not left."""
    store.conn.execute("PRAGMA secure_delete = ON")


def _checkpoint(store: Store) -> None:
    """Fold the write-ahead log back into the file and empty it, so the log does not keep
    earlier states of the box. Skipped, not waited for, while another connection reads."""
    conn = store.conn
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def stance_label(word: str) -> str:
    return StanceLabels.get(word, word)


def choice_labels(decision: DecisionView, choice: Any) -> list[str]:
    """A stored choice in words (for the member's own open ballot)."""
    if isinstance(choice, list):
        return [decision.option_label(option) for option in choice]
    if isinstance(choice, dict):
        return [f"{decision.option_label(option)}: {value}" for option, value in choice.items()]
    return []
