"""Conflicts: fields two sites changed at once, and settling them.

The merge (``coopdesk.merge``) keeps, for each field, every head of its history that no
known change superseded; the winner is shown everywhere and the others wait in ``_rival``
until someone chooses. Choosing is an ordinary change, so it syncs like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coopdesk.base.errors import NotFoundError
from coopdesk.base.i18n import _
from coopdesk.store import hlc
from coopdesk.store.schema import TABLES, TableSpec, spec_for, tags_list
from coopdesk.store.store import Store


@dataclass(frozen=True)
class Conflict:
    """A field two sites changed at once: the value everyone shows, and one that lost."""

    table: str
    row_id: str
    column: str
    row_label: str
    column_label: str
    current_value: Any
    other_value: Any
    other_origin: str
    other_seq: int
    other_site: str
    other_author: str
    other_when: float

    @property
    def key(self) -> str:
        return f"{self.table}:{self.row_id}:{self.column}:{self.other_origin}:{self.other_seq}"

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "table": self.table,
            "row_id": self.row_id,
            "column": self.column,
            "row": self.row_label,
            "field": self.column_label,
            "current_value": self.current_value,
            "other_value": self.other_value,
            "other_site": self.other_site,
            "other_author": self.other_author,
            "other_when": self.other_when,
        }


def display_value(table: str, column: str, value: Any) -> str:
    kind = spec_for(table).column_by_name[column].kind
    if value is None or value == "":
        return _("(empty)")
    if kind == "tags":
        return ", ".join(tags_list(value)) or _("(none)")
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


def list_conflicts(store: Store) -> list[Conflict]:
    names = {row[0]: row[1] for row in store.conn.execute("SELECT id, name FROM member")}
    sites = {row[0]: row[1] for row in store.conn.execute("SELECT id, name FROM site")}
    conflicts = []
    for spec in TABLES.values():
        cases = " ".join(f"WHEN '{c.name}' THEN t.{c.name}" for c in spec.columns)
        rows = store.conn.execute(
            f"SELECT r.row_id, r.col, t.{spec.label_column}, (CASE r.col {cases} END),"
            f" r.value, r.origin, r.seq, r.author, r.hlc FROM _rival r"
            f" JOIN {spec.name} t ON t.id = r.row_id"
            f" WHERE r.tbl = ? AND (CASE r.col {cases} END) IS NOT r.value"
            f" AND {_shown_columns_sql(spec)}"
            " ORDER BY r.hlc DESC",
            (spec.name,),
        )
        for row_id, col, label, current, other, origin, seq, author, stamp in rows:
            conflicts.append(
                Conflict(
                    table=spec.name,
                    row_id=row_id,
                    column=col,
                    row_label=str(label),
                    column_label=_(spec.column_by_name[col].label),
                    current_value=current,
                    other_value=other,
                    other_origin=origin,
                    other_seq=seq,
                    other_site=sites.get(origin, origin[:8]),
                    other_author=names.get(author, "someone"),
                    other_when=hlc.wall_seconds(stamp),
                )
            )
    return conflicts


def resolve_conflict(store: Store, author: str, key: str, keep: str = "other") -> Conflict:
    """Settle a conflict by choosing the other value (or keeping the current one).

    The choice is an ordinary change: it syncs, and every site drops the conflict once it
    has it.
    """
    with store.transaction(author) as tx:
        conflict = next((c for c in list_conflicts(store) if c.key == key), None)
        if conflict is None:
            raise NotFoundError(
                _("There is no open conflict {key}; it may have been settled.").format(key=key)
            )
        value = conflict.other_value if keep == "other" else conflict.current_value

        tx.use_mandate("conflicts", f"settled {conflict.row_label} · {conflict.column_label}")
        tx.resolve(conflict.table, conflict.row_id, conflict.column, value)
    return conflict


def count_conflicts(store: Store) -> int:
    """Open conflicts to show; only the tables that hold rivals at all are looked at."""
    total = 0
    with_rivals = {row[0] for row in store.conn.execute("SELECT DISTINCT tbl FROM _rival")}
    for spec in TABLES.values():
        if spec.name not in with_rivals:
            continue
        total += store.conn.execute(
            f"SELECT count(*) FROM _rival r JOIN {spec.name} t ON t.id = r.row_id"
            f" WHERE r.tbl = ? AND {_current_value_sql(spec)} IS NOT r.value"
            f" AND {_shown_columns_sql(spec)}",
            (spec.name,),
        ).fetchone()[0]
    return total


def _current_value_sql(spec: TableSpec) -> str:
    """The current value of column ``r.col`` of row ``t``, as an SQL expression."""
    cases = " ".join(f"WHEN '{c.name}' THEN t.{c.name}" for c in spec.columns)
    return f"(CASE r.col {cases} END)"


def _shown_columns_sql(spec: TableSpec) -> str:
    """Columns whose rivals are conflicts to show (not those where the winner is the answer)."""
    quiet = [c.name for c in spec.columns if not c.conflicts]
    if not quiet:
        return "1"
    return "r.col NOT IN (" + ", ".join(f"'{name}'" for name in quiet) + ")"
