"""Which changes to shifts need the "shifts" mandate, for the roles feature's gate.

The same rule judges a local transaction and one that arrives from another site, so a
site that skips the checks in ``coopdesk.shifts.shifts`` (a hostile or broken copy) cannot
cancel shifts or put other members on them where a role carries the mandate: the merge
holds such changes (``coopdesk.roles.mandates.merge_rules``).

Only what a change says by itself is judged, so every site judges it alike whatever it has
received: a cancelled or restored shift, and a sign-up written for another member. Taking
someone else off a shift is checked where it is made, not on arrival: that change alone
looks like a take-over, which archives the other member's place too.
"""

from __future__ import annotations

from typing import Any

from coopdesk.store.store import Store


def mandates_needed(
    store: Store, table: str, op: str, fields: dict[str, Any], row_id: str, author: str
) -> str | None:
    """The mandate a change to a shifts table needs, or None."""
    if table == "shift" and op in ("archive", "restore"):
        return "shifts"
    if table == "shift_signup" and op in ("insert", "update"):
        member = fields.get("member_id")
        if member is not None and member != author:
            return "shifts"
    return None
