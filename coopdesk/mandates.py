"""Mandates: actions only this term's holder of a role may take, and the record of their use.

A role carries mandates (``role.mandates``: names from ``MANDATE_ACTIONS``). Whoever holds
the role in the current term may take those actions; everyone else is told who may. A coop
where no role carries an action lets everyone take it. Every use of a mandate is written to
the ``mandate_use`` ledger in the same transaction as the change it allowed, so the
Activity view shows it and it syncs.

Checks happen where a person acts (the window and the command line, through the core
functions they call), never in the merge: a change made with a mandate at one site is
accepted everywhere, even if the term has ended by the time the bundle arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from coopdesk.errors import CoopDeskError
from coopdesk.schema import MANDATE_ACTIONS
from coopdesk.store import Transaction

ACTION_LABELS = {
    "members": "manage members",
    "roles": "edit roles and rotations",
    "conflicts": "resolve sync conflicts",
    "stock": "correct stock counts",
    "settings": "change coop settings",
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


def use_mandate(tx: Transaction, action: str, detail: str) -> Mandate:
    """Check that ``tx.author`` may take ``action`` today, and record the use.

    Call it first inside the transaction that makes the change: on refusal it raises
    ``MandateRequiredError`` before anything is written, and the transaction rolls back.

    Placeholder until the roles feature lands: everyone may do everything.
    """
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown mandate action {action!r}")
    return Mandate(action)
