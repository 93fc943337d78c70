"""The change log, told in words: "Ana added member Tomás · site Kitchen · 2 min ago".

The log is append-only and grows with every change, so the window pages through it by
``lsn`` (the order changes reached this store) instead of loading it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from coopdesk.store.hlc import wall_seconds
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store

VERBS = {"insert": "added", "update": "changed", "archive": "archived", "restore": "restored"}


@dataclass(frozen=True)
class ActivityItem:
    lsn: int
    when: float
    author_id: str
    author: str
    verb: str
    noun: str
    label: str
    fields: tuple[str, ...]
    site: str
    table: str
    row_id: str

    def sentence(self, now: float | None = None) -> str:
        what = f"{self.verb} {self.noun} {self.label}".rstrip()
        if self.verb == "changed" and self.fields:
            what += f" ({', '.join(self.fields)})"
        return f"{self.author} {what} · site {self.site} · {relative_time(self.when, now)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "lsn": self.lsn,
            "when": self.when,
            "author_id": self.author_id,
            "author": self.author,
            "action": self.verb,
            "table": self.table,
            "row_id": self.row_id,
            "label": self.label,
            "fields": list(self.fields),
            "site": self.site,
        }


def relative_time(when: float, now: float | None = None) -> str:
    seconds = max(0, int((time.time() if now is None else now) - when))
    if seconds < 45:
        return "just now"
    for size, unit in ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "h")):
        if seconds >= size:
            count = seconds // size
            if unit == "h":
                return f"{count} h ago"
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return f"{max(1, round(seconds / 60))} min ago"


def count_changes(store: Store) -> int:
    """The exact number of changes in the log (reads all of it: for tests and checks)."""
    return store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]


def changes_recorded(store: Store) -> int:
    """How many changes the log holds, for screens: its newest number, one lookup however
    long the history. The log only grows, so this is the count, except when an import took
    out again the changes of a site it refused (then a few more than the count)."""
    return store.conn.execute("SELECT coalesce(max(lsn), 0) FROM _change").fetchone()[0]


def recent_changes(
    store: Store, limit: int = 100, before_lsn: int | None = None
) -> list[ActivityItem]:
    """The newest changes first; pass the last ``lsn`` seen to get the page after it."""
    where = "WHERE lsn < ?" if before_lsn is not None else ""
    params: list[Any] = [before_lsn] if before_lsn is not None else []
    rows = store.conn.execute(
        "SELECT lsn, hlc, author, op, tbl, row_id, origin, fields, versions FROM _change"
        f" {where} ORDER BY lsn DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return describe(store, rows)


def describe(store: Store, rows: list[tuple]) -> list[ActivityItem]:
    names = _names(store, rows)
    items = []
    for lsn, hlc, author, op, table, row_id, origin, fields, _versions in rows:
        spec = TABLES.get(table)
        changed = tuple(json.loads(fields)) if fields and op == "update" else ()
        labels = {c.name: c.label.lower() for c in spec.columns} if spec else {}
        verb, noun, label = VERBS.get(op, op), spec.noun if spec else table, ""
        if table == "mandate_use" and op == "insert" and fields:
            # "Ana used the Coordinator's mandate: archived member Tomás"
            use = json.loads(fields)
            role = names.get(("role", use.get("role_id") or ""), "a role")
            verb, noun, label = "used", f"the {role}'s mandate:", use.get("detail", "")
        items.append(
            ActivityItem(
                lsn=lsn,
                when=wall_seconds(hlc),
                author_id=author,
                # A secret ballot's author is its site's ballot box (author = origin).
                author=names.get(("member", author))
                or ("the ballot box" if author == origin else "someone"),
                verb=verb,
                noun=noun,
                label=label or ("" if spec and spec.anonymous else names.get((table, row_id), "")),
                fields=tuple(labels.get(name, name) for name in changed),
                site=names.get(("site", origin), "unknown"),
                table=table,
                row_id=row_id,
            )
        )
    return items


def _names(store: Store, rows: list[tuple]) -> dict[tuple[str, str], str]:
    """Current labels of the authors, sites and rows a page of the log mentions."""
    wanted: dict[str, set[str]] = {"member": set(), "site": set()}
    for _lsn, _hlc, author, _op, table, row_id, origin, _fields, _versions in rows:
        wanted["member"].add(author)
        wanted["site"].add(origin)
        if table in TABLES:
            wanted.setdefault(table, set()).add(row_id)
        if table == "mandate_use" and _fields:
            wanted.setdefault("role", set()).add(json.loads(_fields).get("role_id") or "")
    names: dict[tuple[str, str], str] = {}
    for table, ids in wanted.items():
        if not ids:
            continue
        label = TABLES[table].label_column
        marks = ", ".join("?" * len(ids))
        for row_id, value in store.conn.execute(
            f"SELECT id, {label} FROM {table} WHERE id IN ({marks})", list(ids)
        ):
            names[(table, row_id)] = str(value)
    return names
