"""The store: one SQLite file per site, and the one door through which replicated data changes.

Everything else reads through ``Store.query``/``Store.get`` and writes only inside
``Store.transaction(author)`` (local edits) or ``Store.merging()`` (changes from other sites),
which record every change in the change log in the same SQLite transaction.
"""

from coopdesk.store.changes import CONFLICTS, PEERS, ChangeListener
from coopdesk.store.ids import derived_id, fold, new_id
from coopdesk.store.store import Store
from coopdesk.store.transaction import URN, Transaction, field_clock

__all__ = [
    "CONFLICTS",
    "PEERS",
    "URN",
    "ChangeListener",
    "Store",
    "Transaction",
    "derived_id",
    "field_clock",
    "fold",
    "new_id",
]
