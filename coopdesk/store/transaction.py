"""A transaction: changes by one author, written with their bookkeeping and logged at commit."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coopdesk.base.errors import (
    NoAuthorError,
    NotFoundError,
    ValidationError,
)
from coopdesk.base.feature import authority_path, gate_path, resolve
from coopdesk.base.i18n import _
from coopdesk.store.changes import CONFLICTS, Changes
from coopdesk.store.ids import new_id
from coopdesk.store.schema import TableSpec, normalize_fields, spec_for

if TYPE_CHECKING:
    from coopdesk.store.store import Store


# The author of changes no person made: this site's ballot box, releasing secret ballots.
# They are logged with the site's own id as author (author = origin), so a ballot carries no
# member's id; only tables declared ``anonymous`` accept it, and they accept nothing else.
URN = "urn"


def field_clock(clock: dict[str, list[Any]], column: str) -> list[Any]:
    """The ``[version, hlc, origin, seq]`` of one column of a row's ``_clock``."""
    return clock.get(column) or clock[""]


@dataclass
class PendingChange:
    """What one transaction did to one row; written to the log once, at commit."""

    table: str
    row_id: str
    op: str
    cl: int
    fields: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, list[Any]] = field(default_factory=dict)


def _changeable(table: str) -> TableSpec:
    """The spec of a table whose rows may change after insert: not a ledger's."""
    spec = spec_for(table)
    if spec.kind == "ledger":
        raise ValidationError(
            _(
                "A {noun} is never changed or removed once recorded: record a correction instead."
            ).format(noun=_(spec.noun))
        )
    return spec


class Transaction:
    """Changes made by one author in one SQLite transaction; one sequence number for all."""

    def __init__(self, store: Store, author: str) -> None:
        self.store = store
        self.conn = store.conn
        self.author = author
        self.site_id = store.site_id
        self.seq: int | None = None
        self.hlc: int | None = None
        self.pending: dict[tuple[str, str], PendingChange] = {}
        self.changed: set[str] = set()
        # Mandates asked for in this transaction (``use_mandate``), by action.
        self.mandates_used: set[str] = set()
        # The change log entries this transaction wrote, once it has (see ``finish``).
        self.first_lsn: int | None = None
        self.last_lsn: int | None = None

    def _stamp(self) -> tuple[int, int]:
        """Allocate this transaction's sequence number and timestamp on its first change."""
        if self.seq is None or self.hlc is None:
            self.seq = self.store.last_seq + 1
            self.hlc = self.store.clock.tick()
        return self.seq, self.hlc

    def sequence(self) -> int:
        """This transaction's sequence number at its site (allocated now if not yet)."""
        return self._stamp()[0]

    def _clock_entry(self, version: int) -> list[Any]:
        seq, hlc = self._stamp()
        return [version, hlc, self.site_id, seq]

    def _load(self, spec: TableSpec, row_id: str) -> tuple[dict[str, Any], int, dict[str, Any]]:
        columns = ", ".join(spec.column_names)
        row = self.conn.execute(
            f"SELECT {columns}, _cl, _clock FROM {spec.name} WHERE id = ?", (row_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                _("There is no {noun} with id {row_id}.").format(noun=_(spec.noun), row_id=row_id)
            )
        values = dict(zip(spec.column_names, row[:-2], strict=True))
        return values, row[-2], json.loads(row[-1])

    def _check_writer(self, spec: TableSpec) -> None:
        """A secret ballot is written only by the ballot box, and the box writes only ballots."""
        if spec.anonymous != (self.author == URN):
            raise ValidationError(
                _(
                    "A {noun} is written by the site's ballot box, never under a member's name."
                ).format(noun=_(spec.noun))
                if spec.anonymous
                else _("The ballot box writes only secret ballots, not a {noun}.").format(
                    noun=_(spec.noun)
                )
            )

    def insert(self, table: str, fields: dict[str, Any], row_id: str | None = None) -> str:
        """Add a row; returns its id (a random UUID unless one is given)."""
        spec = spec_for(table)
        self._check_writer(spec)
        values = normalize_fields(spec, fields, partial=False)
        self._check_references(spec, values)
        row_id = row_id or new_id()
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone():
            raise ValidationError(
                _("A {noun} with id {row_id} already exists.").format(
                    noun=_(spec.noun), row_id=row_id
                )
            )
        clock = {"": self._clock_entry(1)}
        names = ", ".join(("id", *values, "_cl", "_clock"))
        marks = ", ".join("?" * (len(values) + 3))
        self.conn.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            (row_id, *values.values(), 1, json.dumps(clock)),
        )
        self.pending[(table, row_id)] = PendingChange(table, row_id, "insert", 1, dict(values))
        self.changed.add(table)
        return row_id

    def update(self, table: str, row_id: str, fields: dict[str, Any]) -> set[str]:
        """Change some fields of a row. Returns the names of the fields that really changed."""
        spec = _changeable(table)
        self._check_writer(spec)
        values = normalize_fields(spec, fields, partial=True)
        self._check_references(spec, values)
        current, cl, clock = self._load(spec, row_id)
        changed = {name: value for name, value in values.items() if current[name] != value}
        if not changed:
            return set()
        seq, _hlc = self._stamp()
        pending = self.pending.get((table, row_id))
        if pending is None:
            pending = self.pending[(table, row_id)] = PendingChange(table, row_id, "update", cl)
        for name, value in changed.items():
            old = field_clock(clock, name)
            if pending.op == "insert" or (old[2] == self.site_id and old[3] == seq):
                # Already written by this transaction: same version, just a newer value.
                clock[name] = [old[0], *self._clock_entry(old[0])[1:]]
                if name in pending.versions:
                    pending.versions[name][0] = old[0]
            else:
                rivals = self._rival_heads(table, row_id, name)
                clock[name] = self._clock_entry(old[0] + 1)
                pending.versions[name] = [old[0] + 1, sorted([[old[2], old[3]], *rivals])]
                if rivals:
                    self.conn.execute(
                        "DELETE FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?",
                        (table, row_id, name),
                    )
                    self.changed.add(CONFLICTS)
            pending.fields[name] = value
        assignments = ", ".join(f"{name} = ?" for name in changed)
        self.conn.execute(
            f"UPDATE {table} SET {assignments}, _clock = ? WHERE id = ?",
            (*changed.values(), json.dumps(clock), row_id),
        )
        self.changed.add(table)
        return set(changed)

    def _check_references(self, spec: TableSpec, values: dict[str, Any]) -> None:
        for name, value in values.items():
            column = spec.column_by_name[name]
            if column.kind != "ref" or value is None:
                continue
            target = spec_for(column.ref_table or "")
            if not self.conn.execute(
                f"SELECT 1 FROM {target.name} WHERE id = ?", (value,)
            ).fetchone():
                raise ValidationError(
                    _("{label}: there is no {noun} with id {value}.").format(
                        label=_(column.label), noun=_(target.noun), value=value
                    )
                )

    def _rival_heads(self, table: str, row_id: str, column: str) -> list[list[Any]]:
        return [
            [origin, seq]
            for origin, seq in self.conn.execute(
                "SELECT origin, seq FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?",
                (table, row_id, column),
            )
        ]

    def resolve(self, table: str, row_id: str, column: str, value: Any) -> None:
        """Settle a conflict: write ``value`` as a new version that supersedes every rival.

        Unlike ``update`` it writes even when ``value`` equals the current value ("keep
        this one"), because the point is to record that someone chose.
        """
        spec = spec_for(table)
        self._check_writer(spec)
        values = normalize_fields(spec, {column: value}, partial=True)
        _current, cl, clock = self._load(spec, row_id)
        self._stamp()
        if (table, row_id) in self.pending:
            raise RuntimeError("resolve a conflict in a transaction of its own")
        old = field_clock(clock, column)
        parents = [[old[2], old[3]], *self._rival_heads(table, row_id, column)]
        clock[column] = self._clock_entry(old[0] + 1)
        self.pending[(table, row_id)] = PendingChange(
            table, row_id, "update", cl, dict(values), {column: [old[0] + 1, sorted(parents)]}
        )
        self.conn.execute(
            "DELETE FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?", (table, row_id, column)
        )
        self.conn.execute(
            f"UPDATE {table} SET {column} = ?, _clock = ? WHERE id = ?",
            (values[column], json.dumps(clock), row_id),
        )
        self.changed.update({table, CONFLICTS})

    def _set_archived(self, table: str, row_id: str, archived: bool) -> None:
        spec = _changeable(table)
        self._check_writer(spec)
        row = self.conn.execute(f"SELECT _cl FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                _("There is no {noun} with id {row_id}.").format(noun=_(spec.noun), row_id=row_id)
            )
        cl = row[0]
        if (cl % 2 == 0) == archived:
            state = "archived" if archived else "active"
            raise ValidationError(
                _("This {noun} is already {state}.").format(noun=_(spec.noun), state=state)
            )
        self._stamp()
        self.conn.execute(f"UPDATE {table} SET _cl = ? WHERE id = ?", (cl + 1, row_id))
        pending = self.pending.get((table, row_id))
        if pending is None:
            op = "archive" if archived else "restore"
            self.pending[(table, row_id)] = PendingChange(table, row_id, op, cl + 1)
        else:
            pending.cl = cl + 1
        self.changed.add(table)

    def archive(self, table: str, row_id: str) -> None:
        """Deleting is archiving: the row stays (and syncs) with an even causal length."""
        self._set_archived(table, row_id, True)

    def restore(self, table: str, row_id: str) -> None:
        self._set_archived(table, row_id, False)

    def use_mandate(self, action: str, detail: str) -> Any:
        """Check that the author may take ``action`` now, and record the use; call it first.

        Asked of the feature that decides who may act (the roles feature: this term's holder
        of a role that carries the action). On refusal it raises before anything is written,
        and the transaction rolls back. With no such feature, everyone may.
        """
        path = authority_path()
        return resolve(path)(self, action, detail) if path else None

    def finish(self) -> None:
        """Write the log entries and this site's counters; called just before COMMIT."""
        if self.seq is None or self.hlc is None:
            return
        gate = gate_path()
        if gate:
            resolve(gate)(self)
        if self.author == URN:
            author = self.site_id
            if any(
                not spec_for(change.table).anonymous or change.op != "insert"
                for change in self.pending.values()
            ):
                raise ValidationError(_("The ballot box may only add secret ballots."))
        else:
            author = self.author
            author_row = self.conn.execute(
                "SELECT _cl FROM member WHERE id = ?", (author,)
            ).fetchone()
            if author_row is None:
                raise NoAuthorError(_("The member at the keyboard is not a member of this coop."))
            if author_row[0] % 2 == 0:
                raise NoAuthorError(
                    _("The member at the keyboard is archived and cannot make changes.")
                )
        rows = [
            (
                self.site_id,
                self.seq,
                idx,
                self.hlc,
                author,
                change.table,
                change.row_id,
                change.op,
                change.cl,
                json.dumps(change.fields, ensure_ascii=False) if change.fields else None,
                json.dumps(change.versions) if change.versions else None,
            )
            for idx, change in enumerate(self.pending.values())
        ]
        self.conn.executemany(
            "INSERT INTO _change (origin, seq, idx, hlc, author, tbl, row_id, op, cl,"
            " fields, versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.last_lsn = int(self.conn.execute("SELECT last_insert_rowid()").fetchone()[0])
        self.first_lsn = self.last_lsn - len(rows) + 1
        self.store.seal(self.site_id, self.seq, rows)
        self.store.local_set("last_seq", self.seq)
        self.store.local_set("hlc", self.store.clock.last)
        self.conn.execute(
            "INSERT INTO _vv(site_id, seq) VALUES (?, ?)"
            " ON CONFLICT(site_id) DO UPDATE SET seq = excluded.seq",
            (self.site_id, self.seq),
        )

    def changes(self) -> Changes:
        """What this transaction changed: its tables, the rows of each, and its author."""
        rows: dict[str, set[str]] = {}
        for table, row_id in self.pending:
            rows.setdefault(table, set()).add(row_id)
        return Changes.of(self.changed, rows, author=self.author)
