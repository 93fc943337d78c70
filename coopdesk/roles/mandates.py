"""Mandates: actions only this term's holder of a role may take, and the record of their use.

A role carries mandates (``role.mandates``: names from ``MANDATE_ACTIONS``). Whoever holds
the role in the current term may take those actions; everyone else is told who may. A coop
where no role carries an action lets everyone take it. Every use of a mandate is written to
the ``mandate_use`` ledger in the same transaction as the change it allowed, so the
Activity view shows it and it syncs.

A mandate that nobody holds this term (its roles have not started yet, nobody was eligible,
or every holder has been archived) restricts nobody: otherwise a coop could lock itself out
of managing its members for good.

Checks happen where a person acts (the window and the command line, through the core
functions they call), never in the merge: a change made with a mandate at one site is
accepted everywhere, even if the term has ended by the time the bundle arrives.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any

from coopdesk.base import jsontext
from coopdesk.base.errors import CoopDeskError
from coopdesk.base.feature import all_features, resolve
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import Words, day_text, names_text
from coopdesk.roles.rotation import (
    Term,
    active_roles,
    current_term,
    holders_without_override,
    term_on,
)
from coopdesk.roles.tables import MANDATE_ACTIONS
from coopdesk.store.store import Store
from coopdesk.store.transaction import Transaction

ACTION_LABELS = Words(
    {
        "members": N_("manage members"),
        "roles": N_("edit roles and rotations"),
        "conflicts": N_("resolve sync conflicts"),
        "stock": N_("correct stock counts"),
        "settings": N_("change coop settings"),
        "sites": N_("invite and archive sites"),
        "decisions": N_("close decisions early and write outcomes"),
        "shifts": N_("manage shifts (cancel them, take others off)"),
        "tasks": N_("manage others' tasks (finish or move them)"),
    }
)
assert set(ACTION_LABELS) == set(MANDATE_ACTIONS)


class MandateRequiredError(CoopDeskError):
    """The member at the keyboard does not hold the role this action needs this term.

    The message names the role, who holds it and until when: "Only this term's
    Coordinator can do this: Ana García, until 3 December."
    """


@dataclass(frozen=True)
class Mandate:
    """The role that allowed an action, or none (no role carries the action)."""

    action: str
    role_id: str | None = None
    role_name: str = ""


def _check_action(action: str) -> None:
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown mandate action {action!r}")


def holders_of(store: Store, action: str, on: dt.date | None = None) -> list[Term]:
    """The current terms of the active roles that carry ``action``, with active holders only.

    Terms nobody (active) holds are left out: see the module's note on locking out.
    """

    _check_action(action)
    day = on or dt.date.today()
    result = []
    for role in active_roles(store):
        if action not in role["mandates"]:
            continue
        term = current_term(store, role, day)
        if term is not None and _active(store, term.holders):
            result.append(term)
    return result


def mandate_uses(
    store: Store, start: dt.date, end: dt.date
) -> list[tuple[str, str | None, str, int]]:
    """(member id, role id, action, uses) from the ``mandate_use`` ledger, from ``start`` to
    ``end`` (days, both included): who acted on which role's mandate how often."""
    after = (end + dt.timedelta(days=1)).isoformat()
    return [
        (member, role, action, count)
        for member, role, action, count in store.conn.execute(
            "SELECT member_id, role_id, action, count(*) FROM mandate_use"
            " WHERE _cl % 2 = 1 AND used_at >= ? AND used_at < ?"
            " GROUP BY member_id, role_id, action ORDER BY member_id, role_id, action",
            (start.isoformat(), after),
        )
    ]


def _active(store: Store, member_ids: tuple[str, ...]) -> list[str]:
    if not member_ids:
        return []
    marks = ", ".join("?" * len(member_ids))
    alive = {
        row[0]
        for row in store.conn.execute(
            f"SELECT id FROM member WHERE id IN ({marks}) AND _cl % 2 = 1", list(member_ids)
        )
    }
    return [m for m in member_ids if m in alive]


def _allowing_term(store: Store, member_id: str, action: str, on: dt.date | None):
    """(restricted, term): whether the action is restricted, and the member's term if any."""
    terms = holders_of(store, action, on)
    for term in terms:
        if member_id in term.holders:
            return True, term
    return bool(terms), None


def may(store: Store, member_id: str, action: str, on: dt.date | None = None) -> bool:
    """Whether ``member_id`` may take ``action`` on ``on`` (default today)."""
    restricted, term = _allowing_term(store, member_id, action, on)
    return term is not None or not restricted


def refusal_message(store: Store, action: str, on: dt.date | None = None) -> str:
    """Who may take ``action`` instead: "Only this term's Coordinator can do this: Ana, until
    3 December." Empty when everyone may."""
    terms = holders_of(store, action, on)
    if not terms:
        return ""
    day = on or dt.date.today()
    roles = _(" or ").join(dict.fromkeys(term.role_name for term in terms))
    who = "; ".join(
        _("{names}, until {day}").format(
            names=names_text(_active_names(store, term), nobody=""),
            day=day_text(term.ends_on, day),
        )
        + (f" ({term.role_name})" if len(terms) > 1 else "")
        for term in terms
    )
    return _("Only this term's {roles} can do this: {who}.").format(roles=roles, who=who)


def _active_names(store: Store, term: Term) -> list[str]:
    active = set(_active(store, term.holders))
    return [name for m, name in zip(term.holders, term.holder_names, strict=True) if m in active]


def use_mandate(tx: Transaction, action: str, detail: str) -> Mandate:
    """Check that ``tx.author`` may take ``action`` today, and record the use.

    Call it first inside the transaction that makes the change: on refusal it raises
    ``MandateRequiredError`` before anything is written, and the transaction rolls back.
    When no role restricts the action, nothing is recorded.
    """
    _check_action(action)
    store = tx.store
    tx.mandates_used.add(action)
    restricted, term = _allowing_term(store, tx.author, action, None)
    if term is None:
        if restricted:
            raise MandateRequiredError(refusal_message(store, action))
        return Mandate(action)
    tx.insert(
        "mandate_use",
        {
            "member_id": tx.author,
            "role_id": term.role_id,
            "action": action,
            "detail": detail[:500],
            "used_at": dt.datetime.now().replace(microsecond=0),
        },
    )
    return Mandate(action, term.role_id, term.role_name)


# -- the same rule for what arrives from other sites -------------------------------------------

# Changes that always need a mandate (where a role carries it), by table and kind of change.
# The exceptions the core makes are mirrored in ``_needs``: a member's own PIN, opting
# oneself in or out, a swap by one of the two members, handover notes by a holder.
GATED: dict[str, str] = {
    "member": "members",
    "coop": "settings",
    "site": "sites",
    "role": "roles",
    "role_member": "roles",
    "role_term": "roles",
}


def _day(moment: str | None, stamp: int) -> dt.date:
    if moment:
        try:
            return dt.datetime.fromisoformat(moment).date()
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(stamp / 65536 / 1000).date()


def merge_rules(merge: Any) -> dict[tuple[str, int], str]:
    """Hold changes from other sites that needed a mandate their author did not hold.

    Judged with the members this merge archives still active: archiving the only holder
    of a mandate must not be what frees the change from needing it (the schedule leaves
    archived members out). A savepoint undoes that once the judgement is made.
    """
    with merge.archives_undone("member"):
        return _judge_mandates(merge)


def _judge_mandates(merge: Any) -> dict[tuple[str, int], str]:
    """Hold changes from other sites that needed a mandate their author did not hold.

    A change needs a mandate if a role carrying it existed before the change was made (its
    row was created earlier by the hybrid clock, which a site cannot run backwards over its
    own changes or over what it saw) and that role's term, on the day of the change, had
    holders; the author must then be one of them and have recorded the use. Judged by the
    schedule as this site knows it when the change arrives (bundles carry the whole history
    the change's site knew). A recorded use is checked the same way: the member who used it
    must be the author and must have held the role that day.
    """
    store = merge.store
    roles = [role for role in active_roles(store) if role["mandates"]]
    if not roles:
        return {}
    created = {
        row_id: stamp
        for row_id, stamp in store.conn.execute(
            "SELECT row_id, min(hlc) FROM _change WHERE tbl = 'role' AND op = 'insert'"
            " GROUP BY row_id"
        )
    }
    transactions: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    for change in merge.new_changes([*GATED, "stock_move", "mandate_use", *_feature_rules()]):
        transactions.setdefault((change[1], change[2]), []).append(change)
    cache: dict[tuple[str, dt.date, int], Term | None] = {}

    def term(role: dict[str, Any], day: dt.date, stamp: int) -> Term | None:
        """The term covering ``day`` as the schedule stood when the change was made."""
        key = (role["id"], day, stamp)
        if key not in cache:
            found = current_term(store, role, day, as_of=stamp)
            cache[key] = found if found is not None and _active(store, found.holders) else None
        return cache[key]

    def restricting(action: str, day: dt.date, stamp: int) -> list[Term]:
        return [
            found
            for role in roles
            if action in role["mandates"] and created.get(role["id"], stamp) < stamp
            if (found := term(role, day, stamp)) is not None
        ]

    def started(action: str, day: dt.date, stamp: int) -> bool:
        return any(
            action in role["mandates"]
            and created.get(role["id"], stamp) < stamp
            and dt.date.fromisoformat(str(role["starts_on"])) <= day
            for role in roles
        )

    held: dict[tuple[str, int], str] = {}
    for key, changes in transactions.items():
        author, stamp = changes[0][5], changes[0][4]
        uses: dict[str, dict[str, Any]] = {}
        for change in changes:
            if change[6] == "mandate_use" and change[10]:
                fields = json.loads(change[10])
                uses[str(fields.get("action"))] = fields
        for action, fields in uses.items():
            day = _day(fields.get("used_at"), stamp)
            if fields.get("member_id") != author or not any(
                author in found.holders and found.role_id == fields.get("role_id")
                for found in restricting(action, day, stamp)
            ):
                label = ACTION_LABELS.source.get(action, action)
                held[key] = f"its author did not hold the mandate to {label}"
        if key in held:
            continue
        for action in {a for change in changes if (a := _needs(store, change, author))}:
            if action in uses:
                continue
            day = _day(None, stamp)
            # Restricted on the day and on the days either side (time zones): only then is
            # the recorded use missing rather than a matter of where midnight fell. A day
            # before every such role started does not count (a role that starts today).
            days = [
                moment
                for d in (-1, 0, 1)
                if started(action, moment := day + dt.timedelta(days=d), stamp)
            ]
            if days and all(restricting(action, moment, stamp) for moment in days):
                held[key] = f"it needed the mandate to {ACTION_LABELS.source[action]}"
    return held


def gate_transaction(tx: Transaction) -> None:
    """Before a local transaction commits: every change that needs a mandate has asked for
    it. The core's functions ask first, with words for the activity log; a change written
    any other way asks here, so what this site sends is what other sites will accept."""
    for change in list(tx.pending.values()):
        action = needed_mandate(
            tx.store, change.table, change.op, change.fields, change.row_id, tx.author
        )
        if action and action not in tx.mandates_used:
            noun = change.table.replace("_", " ")
            use_mandate(tx, action, f"changed a {noun}")


def _needs(store: Store, change: tuple[Any, ...], author: str) -> str | None:
    _lsn, _origin, _seq, _idx, _stamp, _author, table, row_id, op, _cl, fields_text, _v = change
    fields = json.loads(fields_text) if fields_text else {}
    return needed_mandate(store, table, op, fields, row_id, author)


def needed_mandate(
    store: Store, table: str, op: str, fields: dict[str, Any], row_id: str, author: str
) -> str | None:
    """The mandate a change needs, mirroring the core's own checks; None when it needs none.

    The same rule for a local transaction (``gate_transaction``) and for one that arrives
    from another site (``merge_rules``)."""
    if table == "stock_move":
        return "stock" if op == "insert" and fields.get("reason") == "correction" else None
    action = GATED.get(table)
    if action is None:
        return _feature_mandate(store, table, op, fields, row_id, author)
    if table == "coop" and op == "insert":
        return None  # the coop being founded
    if table == "site" and fields.get("certificate"):
        try:
            certificate = jsontext.loads(str(fields["certificate"]))
        except ValueError:  # not a certificate at all: the site rules hold it
            certificate = None
        if isinstance(certificate, dict) and certificate.get("kind") in ("founding", "successor"):
            return None
    if table == "site" and op == "update" and set(fields) <= {"replaced_by"}:
        return None  # a computer that took a new identity retires its old one
    if table == "member" and op == "update" and row_id == author:
        return None  # your own details are yours
    if table == "member" and op == "insert" and row_id == author:
        return None  # the founding member
    if table == "role_member":
        member = fields.get("member_id") or _column(store, "role_member", row_id, "member_id")
        return None if member == author else action
    if table == "role_term":
        if set(fields) <= {"handover_notes", "role_id", "starts_on"}:
            return None if _holds_around(store, row_id, fields, author) else action
        override = fields.get("holders_override")
        holders = json.loads(override) if override else []
        gave_away = author in _holders_before(store, row_id, fields) and author not in holders
        return None if gave_away else action  # a holder gives their own term away
    return action


def _feature_mandate(
    store: Store, table: str, op: str, fields: dict[str, Any], row_id: str, author: str
) -> str | None:
    """What the feature owning ``table`` says a change to it needs (its ``mandates_needed``)."""
    rule = _feature_rules().get(table)
    return rule(store, table, op, fields, row_id, author) if rule else None


@functools.cache
def _feature_rules() -> dict[str, Any]:
    """Each table whose feature declares ``mandates_needed``, with that function."""
    return {
        spec.name: resolve(feature.mandates_needed)
        for feature in all_features()
        if feature.mandates_needed
        for spec in feature.tables
    }


def _column(store: Store, table: str, row_id: str, column: str) -> Any:
    row = store.conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return row[0] if row else None


def _term_of(store: Store, row_id: str, fields: dict[str, Any]) -> tuple[str | None, str | None]:
    role_id = fields.get("role_id") or _column(store, "role_term", row_id, "role_id")
    starts_on = fields.get("starts_on") or _column(store, "role_term", row_id, "starts_on")
    return role_id, starts_on


def _holders_before(store: Store, row_id: str, fields: dict[str, Any]) -> tuple[str, ...]:
    """Who the schedule gives the term to without its override (a swap by one of them
    needs no mandate)."""
    role_id, starts_on = _term_of(store, row_id, fields)
    if not role_id or not starts_on:
        return ()
    try:
        return holders_without_override(store, role_id, dt.date.fromisoformat(starts_on))
    except (CoopDeskError, ValueError):
        return ()


def _holds_around(store: Store, row_id: str, fields: dict[str, Any], author: str) -> bool:
    """Handover notes: by a holder of the term, or of the one after it."""
    role_id, starts_on = _term_of(store, row_id, fields)
    if not role_id or not starts_on:
        return False
    try:
        term = term_on(store, role_id, dt.date.fromisoformat(starts_on))
        following = term_on(store, role_id, term.ends_on + dt.timedelta(days=1))
    except (CoopDeskError, ValueError):
        return False
    return author in term.holders or author in following.holders
