"""What a write changed: the tables and rows it touched, who made it, and where it came from.

Like Anki's ``OpChanges``: every committed transaction (a local edit) and every merge (an
import) hands its listeners one ``Changes``, so a view refreshes only when a table it shows
is named, and can skip the edit it made itself (``initiator``, set by the window).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

# Reported among the changed "tables" when the set of unresolved conflicts may have changed,
# and when what this site knows of its peers changed (an import, even of nothing new).
CONFLICTS = "conflicts"
PEERS = "peers"
# ...and when transactions from other sites were held aside (kept, not applied).
HELD = "held"
# More changed rows of one table than this, and the rows are not listed: "any row".
MAX_LISTED_ROWS = 500

Source = Literal["local", "import", "outside"]


@dataclass(frozen=True)
class Changes:
    """Tables (and, where known, rows) that one operation changed.

    ``rows`` lists the changed rows of a table; a table in ``tables`` but not in ``rows``
    may have changed in any row. ``source`` says where the change came from: a transaction
    of this store ("local"), a merged bundle ("import"), or another program writing to the
    same file ("outside", noticed by the window's poll).
    """

    tables: frozenset[str] = frozenset()
    rows: Mapping[str, frozenset[str]] = field(default_factory=dict)
    author: str | None = None
    source: Source = "local"
    # What started it in the window (a page, a dialog): it has already shown the result.
    initiator: object | None = None

    def __bool__(self) -> bool:
        return bool(self.tables)

    def touches(self, tables: Iterable[str]) -> bool:
        return not self.tables.isdisjoint(tables)

    def rows_of(self, table: str) -> frozenset[str] | None:
        """The changed rows of ``table``; None when any row may have changed."""
        return self.rows.get(table)

    def with_initiator(self, initiator: object | None) -> Changes:
        return replace(self, initiator=initiator)

    @classmethod
    def combined(cls, changes: Iterable[Changes], source: Source = "local") -> Changes:
        """Several operations' changes as one (a worker's transactions, announced together)."""
        tables: set[str] = set()
        rows: dict[str, set[str]] = {}
        unlisted: set[str] = set()
        for change in changes:
            tables |= change.tables
            for table in change.tables:
                listed = change.rows.get(table)
                if listed is None:
                    unlisted.add(table)
                else:
                    rows.setdefault(table, set()).update(listed)
        for table in unlisted:
            rows.pop(table, None)
        return cls.of(tables, rows, source=source)

    @classmethod
    def of(
        cls,
        tables: Iterable[str],
        rows: Mapping[str, Iterable[str]] | None = None,
        *,
        author: str | None = None,
        source: Source = "local",
    ) -> Changes:
        """Changes naming ``tables``; ``rows`` per table when few enough to be worth listing."""
        listed = {
            table: frozenset(ids)
            for table, ids in (rows or {}).items()
            if len(set(ids)) <= MAX_LISTED_ROWS
        }
        return cls(frozenset(tables), listed, author, source)


ChangeListener = Callable[[Changes], None]
