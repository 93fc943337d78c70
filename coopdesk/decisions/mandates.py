"""Which changes to decisions need the "decisions" mandate, for the roles feature's gate.

The same rule judges a local transaction and one that arrives from another site, so a site
that skips the checks in ``coopdesk.decisions`` (a hostile or broken copy) cannot close a
decision early, write its outcome, count hands or rewrite someone else's proposal: the
merge holds such changes (``coopdesk.roles.mandates.merge_rules``).
"""

from __future__ import annotations

from typing import Any

from coopdesk.store.store import Store

# What only a mandate changes: an early close and the outcome statement.
MANDATED_FIELDS = frozenset({"closed_at", "outcome", "review_on"})


def mandates_needed(
    store: Store, table: str, op: str, fields: dict[str, Any], row_id: str, author: str
) -> str | None:
    """The mandate a change to a decisions table needs, or None."""
    if table == "hand_count":
        return "decisions"
    if table != "decision" or op == "insert":
        return None
    if MANDATED_FIELDS & set(fields):
        return "decisions"
    # Amending or withdrawing: the proposer's own, anyone else's by mandate.
    row = store.conn.execute("SELECT proposed_by FROM decision WHERE id = ?", (row_id,)).fetchone()
    return None if row is not None and row[0] == author else "decisions"
