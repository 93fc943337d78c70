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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.text import day_text, names_text
from coopdesk.roles.rotation import active_roles, current_term
from coopdesk.roles.tables import MANDATE_ACTIONS
from coopdesk.store.store import Store
from coopdesk.store.transaction import Transaction

if TYPE_CHECKING:
    from coopdesk.roles.rotation import Term

ACTION_LABELS = {
    "members": "manage members",
    "roles": "edit roles and rotations",
    "conflicts": "resolve sync conflicts",
    "stock": "correct stock counts",
    "settings": "change coop settings",
    "shifts": "manage shifts (cancel them, take others off)",
    "tasks": "manage others' tasks (finish or move them)",
}
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
    roles = " or ".join(dict.fromkeys(term.role_name for term in terms))
    who = "; ".join(
        f"{names_text(_active_names(store, term), nobody='')}, until {day_text(term.ends_on, day)}"
        + (f" ({term.role_name})" if len(terms) > 1 else "")
        for term in terms
    )
    return f"Only this term's {roles} can do this: {who}."


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
