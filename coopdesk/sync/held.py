"""Changes held aside: they arrived signed by their site but broke a rule, so they are kept
in the log (and travel on, whole) without being applied. Shown, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coopdesk.base.i18n import _
from coopdesk.store.store import Store


@dataclass(frozen=True)
class HeldTransaction:
    origin: str
    seq: int
    site_name: str
    author: str
    author_name: str
    reason: str
    held_at: float
    changes: int
    tables: tuple[str, ...]

    @property
    def key(self) -> tuple[str, int]:
        return (self.origin, self.seq)

    def describe(self) -> str:
        """One line: which site, who, what, and why it was not applied."""
        who = self.author_name or _("an unknown author ({author})").format(author=self.author[:8])
        what = ", ".join(table.replace("_", " ") for table in self.tables)
        return _("From {site_name}, by {who} ({what}): not applied because {reason}.").format(
            site_name=self.site_name, who=who, what=what, reason=self.reason
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "seq": self.seq,
            "site_name": self.site_name,
            "author": self.author,
            "author_name": self.author_name,
            "reason": self.reason,
            "held_at": self.held_at,
            "changes": self.changes,
            "tables": list(self.tables),
            "description": self.describe(),
        }


def held_transactions(store: Store, limit: int | None = None) -> list[HeldTransaction]:
    """Every transaction held aside, newest first."""
    rows = store.conn.execute(
        "SELECT h.origin, h.seq, h.reason, h.held_at, coalesce(s.name, ''),"
        " min(c.author), coalesce(m.name, ''), count(c.lsn), group_concat(DISTINCT c.tbl)"
        " FROM _held h"
        " LEFT JOIN _change c ON c.origin = h.origin AND c.seq = h.seq"
        " LEFT JOIN site s ON s.id = h.origin"
        " LEFT JOIN member m ON m.id = c.author"
        " GROUP BY h.origin, h.seq ORDER BY h.held_at DESC, h.origin, h.seq"
        + (" LIMIT ?" if limit is not None else ""),
        (limit,) if limit is not None else (),
    ).fetchall()
    return [
        HeldTransaction(
            origin=origin,
            seq=int(seq),
            site_name=site_name or _("an unknown site ({site})").format(site=origin[:8]),
            author=author or "",
            author_name=author_name,
            reason=reason,
            held_at=float(held_at),
            changes=int(changes),
            tables=tuple(sorted((tables or "").split(","))) if tables else (),
        )
        for origin, seq, reason, held_at, site_name, author, author_name, changes, tables in rows
    ]


def count_held(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM _held").fetchone()[0])
