"""What a write changed: the tables and rows it touched, and who made it."""

from __future__ import annotations

from collections.abc import Callable

ChangeListener = Callable[[frozenset[str]], None]


# Reported among the changed "tables" when the set of unresolved conflicts may have changed,
# and when what this site knows of its peers changed (an import, even of nothing new).
CONFLICTS = "conflicts"


PEERS = "peers"
