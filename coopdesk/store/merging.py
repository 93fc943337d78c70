"""Changes from other sites entering this store: the store's door for merged data.

``Store.merging()`` opens one transaction and hands out a ``Merge``; sync appends the
bundle's new changes to the change log (``append``) and asks the merge to ``apply`` them.
Only this module and ``coopdesk.store.transaction`` write replicated tables, the log, the
version vector and the conflict table (``tests/store/test_one_door.py`` checks it).

The rules (docs/ARCHITECTURE.md explains why):

- Plain fields merge per field. Each field's history is a small graph: every change names
  the heads it superseded (its parents). The heads still standing are the field's current
  candidates; the one with the highest (version, hlc, origin) is the value everyone shows,
  the others are conflicts kept in ``_rival`` until someone settles them. Both the winner
  and the set of rivals are functions of the set of changes alone, so every site ends with
  the same value and the same conflicts whatever order bundles arrive in.
- Archive and restore are a causal length per row; merging takes the larger.
- Every incoming value is checked against the schema in SQL, the same rule as typing it in
  (``coopdesk.store.schema.stored_value_ok``).
- The common cases run in bulk, set-based SQL: rows never seen before are inserted in one
  statement per table; changes that simply overwrite what this site shows are applied in
  one statement per column; only changes that meet something concurrent go through the
  per-field merge in Python, in batches.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.feature import all_features, resolve
from coopdesk.base.i18n import _
from coopdesk.store.changes import CONFLICTS, HELD, MAX_LISTED_ROWS, Changes
from coopdesk.store.schema import TABLES, Column, TableSpec
from coopdesk.store.transaction import field_clock

if TYPE_CHECKING:
    from coopdesk.store.store import Store


class InvalidChangesError(CoopDeskError):
    """Changes that break the schema or do not fit the store; nothing of them is applied."""


def _never_cancelled() -> None:
    """The default ``check_cancelled``: nobody is waiting to cancel."""


class Merge:
    """One merge in progress (see ``Store.merging``): the log grows, then the tables follow."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self.start_lsn = self._last_lsn()
        self.end_lsn = self.start_lsn
        self.changed: set[str] = set()
        # What the undo record says this merge was (coopdesk.store.undo); the import fills it.
        self.undo_about: dict[str, Any] = {}
        # Where ``new_changes`` starts: this merge's first change, or the whole log when a
        # feature's rules judge everything again (``check_applied``).
        self.judging_from = self.start_lsn
        # Bumped by every append and discard: ``note_new_changes`` is then out of date.
        self._log_edits = 0
        self._new_noted: tuple[int, int, int] | None = None
        conn = self.conn
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS seen_again ({INSERT_COLUMNS})")
        conn.execute("DELETE FROM temp.seen_again")
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS seen_again_seal"
            " (origin TEXT, seq INTEGER, seal TEXT, PRIMARY KEY (origin, seq))"
        )
        conn.execute("DELETE FROM temp.seen_again_seal")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS held_lsn (lsn INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.held_lsn")

    def _last_lsn(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(lsn), 0) FROM _change").fetchone()[0])

    def append(self, rows: list[tuple[Any, ...]]) -> None:
        """Add changes new to this store to the log (columns as ``INSERT_COLUMNS``)."""
        if rows:
            self._log_edits += 1
            self.conn.executemany(
                f"INSERT INTO _change ({INSERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows
            )

    def hold_for_comparison(
        self, rows: list[tuple[Any, ...]], seals: Iterable[tuple[str, int, str | None]] = ()
    ) -> None:
        """Changes this store says it has already: kept aside to check they are the same
        (with the seals the bundle gives their transactions, to tell a twin from a forgery)."""
        if rows:
            self.conn.executemany(
                f"INSERT INTO temp.seen_again ({INSERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        self.conn.executemany(
            "INSERT OR REPLACE INTO temp.seen_again_seal (origin, seq, seal) VALUES (?, ?, ?)",
            list(seals),
        )

    def other_history(self) -> tuple[str, int] | None:
        """(origin, seq) of the first transaction held for comparison that differs from the
        one in the log under the same numbers."""
        clash = self.conn.execute(
            "SELECT s.origin, min(s.seq) FROM temp.seen_again s LEFT JOIN _change c"
            " ON c.origin = s.origin AND c.seq = s.seq AND c.idx = s.idx"
            " WHERE c.hlc IS NOT s.hlc OR c.author IS NOT s.author OR c.tbl IS NOT s.tbl"
            " OR c.row_id IS NOT s.row_id OR c.op IS NOT s.op OR c.cl IS NOT s.cl"
            " OR c.fields IS NOT s.fields OR c.versions IS NOT s.versions"
            " GROUP BY s.origin ORDER BY s.origin LIMIT 1"
        ).fetchone()
        return None if clash is None else (str(clash[0]), int(clash[1]))

    def compared_transaction(self, origin: str, seq: int) -> tuple[list[tuple[Any, ...]], Any]:
        """The bundle's version of a transaction held for comparison, and its seal."""
        rows = self.conn.execute(
            f"SELECT {INSERT_COLUMNS} FROM temp.seen_again WHERE origin = ? AND seq = ?"
            " ORDER BY idx",
            (origin, seq),
        ).fetchall()
        seal = self.conn.execute(
            "SELECT seal FROM temp.seen_again_seal WHERE origin = ? AND seq = ?", (origin, seq)
        ).fetchone()
        return rows, (seal[0] if seal else None)

    def forget_compared(self, origin: str | None = None) -> None:
        """Done comparing (one origin's changes, or all)."""
        for table in ("seen_again", "seen_again_seal"):
            if origin is None:
                self.conn.execute(f"DELETE FROM temp.{table}")
            else:
                self.conn.execute(f"DELETE FROM temp.{table} WHERE origin = ?", (origin,))

    def apply(self, check_cancelled: Callable[[], None] = _never_cancelled) -> None:
        """Check every appended change against the schema, then apply all but the held."""
        self._note_held_lsns()
        self.note_new_changes()
        # Held changes too: they stay in the log and travel on, so they must be readable.
        validate_fields(
            self.store, self.start_lsn, _tables_touched(self.store, self.start_lsn), NEW_OF_TABLE
        )
        tables = _tables_touched(self.store, self.start_lsn, skip_held=True)
        if not tables:
            return
        _insert_new_rows(self.store, self.start_lsn, self.changed, tables)
        _apply_plain_overwrites(self.store, self.start_lsn, self.changed, tables)
        _merge_remaining(self.store, self.start_lsn, self.changed, check_cancelled)

    # -- what arrived, and what may not be applied -------------------------------------------

    def discard(self, origin: str) -> None:
        """Take an origin's changes of this merge out of the log again (they did not verify)."""
        self._log_edits += 1
        self.conn.execute(
            "DELETE FROM _change WHERE lsn > ? AND origin = ?", (self.start_lsn, origin)
        )

    def add_seals(self, seals: list[tuple[str, int, bytes, bytes | None]]) -> None:
        """(origin, seq, digest, signature) of the transactions merged, for relaying them."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO _seal (origin, seq, digest, signature) VALUES (?, ?, ?, ?)",
            seals,
        )

    def new_changes(self, tables: Iterable[str]) -> list[tuple[Any, ...]]:
        """This merge's changes of some tables: (lsn, origin, seq, idx, hlc, author, tbl,
        row_id, op, cl, fields, versions), in order."""
        wanted = list(tables)
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        return self.conn.execute(
            f"SELECT lsn, {INSERT_COLUMNS} FROM _change WHERE lsn > ? AND tbl IN ({marks})"
            " ORDER BY lsn",
            (self.judging_from, *wanted),
        ).fetchall()

    def new_site_rows(self) -> list[tuple[str, int, str, str]]:
        """(origin, seq, site id, fields) of this merge's changes that write a site's key."""
        return [
            (str(origin), int(seq), str(row_id), str(fields))
            for origin, seq, row_id, fields in self.conn.execute(
                "SELECT origin, seq, row_id, fields FROM _change WHERE lsn > ? AND tbl = 'site'"
                " AND fields IS NOT NULL"
                " AND (coalesce(json_type(fields, '$.public_key'), 'null') != 'null'"
                " OR coalesce(json_type(fields, '$.certificate'), 'null') != 'null')",
                (self.start_lsn,),
            )
        ]

    @contextlib.contextmanager
    def archives_undone(self, table: str) -> Iterator[None]:
        """For a judgement only: rows of ``table`` this merge archived, active again inside
        the block (a savepoint puts everything back after it)."""
        archived = {
            str(row[0])
            for row in self.conn.execute(
                "SELECT row_id FROM _change WHERE lsn > ? AND tbl = ? AND op = 'archive'",
                (self.start_lsn, table),
            )
        }
        if not archived:
            yield
            return
        self.conn.execute("SAVEPOINT archives_undone")
        try:
            self.conn.executemany(
                f"UPDATE {table} SET _cl = _cl - 1 WHERE id = ? AND _cl % 2 = 0",
                [(row_id,) for row_id in sorted(archived)],
            )
            yield
        finally:
            self.conn.execute("ROLLBACK TO archives_undone")
            self.conn.execute("RELEASE archives_undone")

    def hold(self, held: dict[tuple[str, int], str], rule: str = "") -> None:
        """Keep these transactions in the log (they travel on, whole) but do not apply them.

        ``rule``: the feature whose rules held them (judged again later), or "" (for good).
        """
        now = time.time()
        self.conn.executemany(
            "INSERT OR IGNORE INTO _held (origin, seq, reason, held_at, rule)"
            " VALUES (?, ?, ?, ?, ?)",
            [(origin, seq, reason, now, rule) for (origin, seq), reason in held.items()],
        )
        if held:
            self.changed.add(HELD)

    def check_rules(self) -> dict[tuple[str, int], str]:
        """Hold the transactions that break a rule local edits cannot break either.

        The store's own rules (ledger rows are written once; authors are members; causal
        lengths grow by one per archive or restore; a site's key is set once), then each
        feature's (``Feature.merge_rules``: the roles feature checks mandates).
        """
        held: dict[tuple[str, int], str] = {}
        for rule in (_ledger_rewrites, _unknown_authors, _causal_jumps, _site_key_rewrites):
            for key, reason in rule(self).items():
                held.setdefault(key, reason)
        for feature in all_features():
            if feature.arrival_checks:
                for key, reason in resolve(feature.arrival_checks)(self).items():
                    held.setdefault(key, reason)
        self.hold(held)
        missing = {
            key: reason for key, reason in _changes_of_missing_rows(self).items() if key not in held
        }
        self.hold(missing, MISSING_ROW)
        held.update(missing)
        return held

    def release_found_rows(self) -> None:
        """Transactions held because they change a row this store did not have (set aside
        with another computer's history of a site), or refer to one: let in once the row is
        here (made again under the other computer's new identity), held again if not."""
        held = self._held_by(MISSING_ROW)
        dependent = self._held_by("dependent")
        if not held and not dependent:
            return
        waiting = _changes_of_missing_rows(self, among=held)
        released = [key for key in held if key not in waiting] + dependent
        if not released:
            return
        self.conn.executemany("DELETE FROM _held WHERE origin = ? AND seq = ?", released)
        self.changed.add(HELD)
        self.rebuild_rows_of(released)
        self._hold_dependents()

    def check_applied(self) -> dict[tuple[str, int], str]:
        """The features' rules that judge changes against the coop as it now is (mandates):
        what breaks them is held, and the rows it touched are worked out again.

        When this merge changed a table a feature's rules depend on (``rejudge_on``), they
        judge the whole log again: what they held before and now allow is let in, and what
        they now refuse is held, so the outcome does not depend on the order bundles came.
        """
        touched = {spec.name for spec in _tables_touched(self.store, self.start_lsn)}
        held: dict[tuple[str, int], tuple[str, str]] = {}
        released: list[tuple[str, int]] = []
        for feature in all_features():
            if not feature.merge_rules:
                continue
            whole = bool(touched & set(feature.rejudge_on))
            self.judging_from = 0 if whole else self.start_lsn
            try:
                found = resolve(feature.merge_rules)(self)
            finally:
                self.judging_from = self.start_lsn
            if whole:
                released += [key for key in self._held_by(feature.name) if key not in found]
            for key, reason in found.items():
                held.setdefault(key, (reason, feature.name))
        new = {key: value for key, value in held.items() if not self._is_held(key)}
        if released:
            released += self._held_by("dependent")
            self.conn.executemany(
                "DELETE FROM _held WHERE origin = ? AND seq = ?", sorted(set(released))
            )
            self.changed.add(HELD)
        for rule in {rule for _reason, rule in new.values()}:
            self.hold({key: r for key, (r, by) in new.items() if by == rule}, rule)
        if released or new:
            self.rebuild_rows_of(sorted({*released, *new}))
        result = {key: reason for key, (reason, _rule) in new.items()}
        if released or new:
            result.update(self._hold_dependents())
        return result

    def _held_by(self, rule: str) -> list[tuple[str, int]]:
        return [
            (str(origin), int(seq))
            for origin, seq in self.conn.execute(
                "SELECT origin, seq FROM _held WHERE rule = ?", (rule,)
            )
        ]

    def _is_held(self, key: tuple[str, int]) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM _held WHERE origin = ? AND seq = ?", key).fetchone()
            is not None
        )

    def _hold_dependents(self) -> dict[tuple[str, int], str]:
        """Changes that refer to a row no longer there (its creation is held) are held too,
        until nothing refers to a missing row."""
        held: dict[tuple[str, int], str] = {}
        for _round in range(100):
            missing = self.conn.execute("PRAGMA foreign_key_check").fetchall()
            found: dict[tuple[str, int], str] = {}
            for table, rowid, parent, _fk in missing:
                row = self.conn.execute(f"SELECT id FROM {table} WHERE rowid = ?", (rowid,))
                row_id = row.fetchone()
                if row_id is None:
                    continue
                for origin, seq in self.conn.execute(
                    "SELECT DISTINCT origin, seq FROM _change c WHERE tbl = ? AND row_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM _held h"
                    " WHERE h.origin = c.origin AND h.seq = c.seq)",
                    (table, row_id[0]),
                ):
                    found[(origin, seq)] = f"it depends on a {parent} that was held"
            if not found:
                break
            self.hold(found, "dependent")
            self.rebuild_rows_of(list(found))
            held.update(found)
        return held

    def note_new_changes(self) -> None:
        """``temp.new_change``: this merge's changes by table (``NEW_OF_TABLE``).

        The log has no index by table: without this, each step that goes table by table
        reads every new change once per table (twenty times for a new site's first bundle).
        Made again whenever the log changed since (appended, discarded, or written to by
        anything else: its last lsn moved).
        """
        noted = (self.start_lsn, self._last_lsn(), self._log_edits)
        if noted == self._new_noted:
            return
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS new_change (tbl TEXT, lsn INTEGER,"
            " PRIMARY KEY (tbl, lsn)) WITHOUT ROWID"
        )
        self.conn.execute("DELETE FROM temp.new_change")
        self.conn.execute(
            "INSERT INTO temp.new_change SELECT tbl, lsn FROM _change WHERE lsn > ?",
            (self.start_lsn,),
        )
        self._new_noted = noted

    def _note_held_lsns(self) -> None:
        self.conn.execute("DELETE FROM temp.held_lsn")
        self.conn.execute(
            "INSERT INTO temp.held_lsn SELECT c.lsn FROM _change c JOIN _held h"
            " ON h.origin = c.origin AND h.seq = c.seq WHERE c.lsn > ?",
            (self.start_lsn,),
        )

    def set_aside_revoked(self) -> dict[tuple[str, int], str]:
        """Changes of a site archived in this merge, made after its last accepted one, that
        arrived before the archive did: held, and the rows they touched worked out again."""
        held: dict[tuple[str, int], str] = {}
        for site, after in self.conn.execute(
            "SELECT id, revoked_after FROM site WHERE _cl % 2 = 0 AND revoked_after IS NOT NULL"
        ).fetchall():
            for (seq,) in self.conn.execute(
                "SELECT DISTINCT seq FROM _change WHERE origin = ? AND seq > ?"
                " AND NOT EXISTS (SELECT 1 FROM _held h WHERE h.origin = _change.origin"
                " AND h.seq = _change.seq)",
                (site, after),
            ).fetchall():
                held[(site, seq)] = "made after its site was archived"
        if held:
            self.hold(held)
            self.rebuild_rows_of(list(held))
            held.update(self._hold_dependents())
        return held

    def rebuild_rows_of(self, transactions: list[tuple[str, int]]) -> None:
        """Work out again, from the log without the held transactions, every row that these
        transactions touched (they were applied before being held)."""
        rows: set[tuple[str, str]] = set()
        for origin, seq in transactions:
            rows.update(
                self.conn.execute(
                    "SELECT tbl, row_id FROM _change WHERE origin = ? AND seq = ?", (origin, seq)
                ).fetchall()
            )
        if rows:
            _rebuild_rows(self.store, sorted(rows), self.changed)

    # -- one site, two histories (see coopdesk.sync.forks) -----------------------------------

    def after_local_writes(self) -> None:
        """Local changes just written inside this merge (a new identity's site row) are
        already applied: the changes that arrive count from here."""
        self.start_lsn = self.judging_from = self._last_lsn()

    def set_aside_incoming(self, rows: list[tuple[Any, ...]], now: float) -> None:
        """Keep another history's transactions aside (never applied, never deleted).

        ``rows``: (origin, seq, idx, digest, hlc, author, tbl, row_id, op, cl, fields,
        versions, signature) per change.
        """
        self.conn.executemany(
            "INSERT OR IGNORE INTO _set_aside (origin, seq, idx, digest, hlc, author, tbl,"
            " row_id, op, cl, fields, versions, signature, set_aside_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, now) for row in rows],
        )

    def take_aside(self, origin: str, from_seq: int, now: float) -> int:
        """Move this store's history of ``origin`` from ``from_seq`` on out of the log, into
        ``_set_aside``: the other history wins. The rows it touched are worked out again
        without it; the version vector goes back to ``from_seq - 1``. Returns how many
        transactions were taken aside."""
        conn = self.conn
        self._log_edits += 1
        conn.execute(
            "INSERT OR IGNORE INTO _set_aside (origin, seq, idx, digest, hlc, author, tbl,"
            " row_id, op, cl, fields, versions, signature, set_aside_at, made_here)"
            " SELECT c.origin, c.seq, c.idx, coalesce(s.digest, x''), c.hlc, c.author, c.tbl,"
            " c.row_id, c.op, c.cl, c.fields, c.versions, s.signature, ?, c.origin = ?"
            " FROM _change c LEFT JOIN _seal s ON s.origin = c.origin AND s.seq = c.seq"
            " WHERE c.origin = ? AND c.seq >= ?",
            (now, self.store.site_id, origin, from_seq),
        )
        rows = sorted(
            set(
                conn.execute(
                    "SELECT tbl, row_id FROM _change WHERE origin = ? AND seq >= ?",
                    (origin, from_seq),
                ).fetchall()
            )
        )
        taken = int(
            conn.execute(
                "SELECT count(DISTINCT seq) FROM _change WHERE origin = ? AND seq >= ?",
                (origin, from_seq),
            ).fetchone()[0]
        )
        conn.execute("DELETE FROM _change WHERE origin = ? AND seq >= ?", (origin, from_seq))
        conn.execute("DELETE FROM _seal WHERE origin = ? AND seq >= ?", (origin, from_seq))
        conn.execute("DELETE FROM _held WHERE origin = ? AND seq >= ?", (origin, from_seq))
        conn.execute(
            "UPDATE _vv SET seq = ? WHERE site_id = ? AND seq >= ?",
            (from_seq - 1, origin, from_seq),
        )
        conn.execute("DELETE FROM _vv WHERE seq <= 0")
        self.start_lsn = self.judging_from = min(self.start_lsn, self._last_lsn())
        if rows:
            _rebuild_rows(self.store, rows, self.changed)
            gone = [
                (table, row_id)
                for table, row_id in rows
                if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None
            ]
            orphans: dict[tuple[str, int], str] = {}
            for table, row_id in gone:
                for change_origin, seq in conn.execute(
                    "SELECT DISTINCT origin, seq FROM _change c WHERE tbl = ? AND row_id = ?"
                    f" AND {_NOT_HELD}",
                    (table, row_id),
                ):
                    orphans[(str(change_origin), int(seq))] = _missing_reason(table)
            if orphans:
                self.hold(orphans, MISSING_ROW)
                self.rebuild_rows_of(list(orphans))
            self._hold_dependents()
            self.changed.add(HELD)
        return taken

    def advance_version_vector(self, accepted: dict[str, int]) -> None:
        """Record the highest sequence now held from each origin."""
        _advance_version_vector(self.store, accepted)

    def newest_clocks(self) -> list[tuple[str, int]]:
        """(origin, newest hlc) of the changes appended, for following other sites' clocks."""
        # NOT INDEXED (here and in ``_unknown_authors``): for a GROUP BY or DISTINCT on
        # origin, SQLite otherwise walks the whole log in its (origin, seq, idx) index
        # instead of reading the few new changes by lsn: 100 ms at ten years, not 0.1.
        return [
            (str(origin), int(newest))
            for origin, newest in self.conn.execute(
                "SELECT origin, max(hlc) FROM _change NOT INDEXED WHERE lsn > ? GROUP BY origin",
                (self.start_lsn,),
            )
        ]

    def finish(self) -> None:
        """Called just before COMMIT: the store's clock is kept with the data."""
        self.end_lsn = self._last_lsn()
        self.store.local_set("hlc", self.store.clock.last)

    def changes(self) -> Changes:
        """What the merge changed, with the rows of each table when there are few."""
        rows: dict[str, set[str]] = {}
        if self.end_lsn > self.start_lsn:
            span = (self.start_lsn, self.end_lsn)
            # Counted in SQL first: a table with more rows than are listed is named only
            # (a new site's first bundle changes every row of every table).
            few = [
                str(table)
                for table, count in self.conn.execute(
                    "SELECT tbl, count(DISTINCT row_id) FROM _change WHERE lsn > ? AND lsn <= ?"
                    " GROUP BY tbl",
                    span,
                )
                if table in self.changed and count <= MAX_LISTED_ROWS
            ]
            if few:
                marks = ", ".join("?" * len(few))
                for table, row_id in self.conn.execute(
                    "SELECT tbl, row_id FROM _change WHERE lsn > ? AND lsn <= ?"
                    f" AND tbl IN ({marks})",
                    (*span, *few),
                ):
                    rows.setdefault(table, set()).add(row_id)
        return Changes.of(self.changed, rows, source="import")


INSERT_COLUMNS = "origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields, versions"
# SQL: the change ``lsn`` is one of this merge's of the table ``?2`` (``Merge.note_new_changes``).
NEW_OF_TABLE = "lsn IN (SELECT lsn FROM temp.new_change WHERE tbl = ?2)"


SLOW_BATCH = 2000


@dataclass
class Head:
    """One candidate value of a field: a change that no other known change superseded."""

    version: int
    hlc: int
    origin: str
    seq: int
    author: str
    value: Any

    def key(self) -> tuple[int, int, str]:
        return (self.version, self.hlc, self.origin)


@dataclass
class RowState:
    """A row being merged, loaded once per batch and written back once."""

    spec: TableSpec
    row_id: str
    values: dict[str, Any]
    cl: int
    clock: dict[str, list[Any]]
    exists: bool
    rivals: dict[str, list[Head]] = field(default_factory=dict)
    inserted: bool = False
    dirty: bool = False
    changed_columns: set[str] = field(default_factory=set)
    rivals_dirty: set[str] = field(default_factory=set)


def _bad_value_sql(kind: str, value: str, column: Column) -> str:
    """SQL true when a field's JSON type ``kind`` and SQL ``value`` break ``column``'s rule.

    Mirrors ``coopdesk.store.schema.stored_value_ok`` (NULs and lone surrogates are refused before
    this, in ``coopdesk.sync.bundle.check_frame``); tests/store/test_schema.py checks they agree.
    """
    if column.kind in ("text", "email"):
        bad = f"{kind} NOT IN ('text', 'null') OR length({value}) > {column.max_len}"
        if not column.nullable:
            bad += f" OR {kind} = 'null'"
        if column.required:
            bad += f" OR trim({value}) = ''"
        return bad
    if column.kind == "int":
        allowed = "'integer', 'null'" if column.nullable else "'integer'"
        return (
            f"{kind} NOT IN ({allowed}) OR {value} < {column.minimum} OR {value} > {column.maximum}"
        )
    if column.kind == "bool":
        return f"{kind} != 'integer' OR {value} NOT IN (0, 1)"
    if column.kind == "tags":
        return (
            f"{kind} != 'text' OR length({value}) > {column.max_len}"
            f" OR json_valid({value}) = 0 OR json_type({value}) != 'array'"
            f" OR EXISTS (SELECT 1 FROM json_each({value}) WHERE type != 'text')"
        )
    if column.kind == "choice":
        allowed = ", ".join(f"'{choice}'" for choice in column.choices)
        return f"{kind} != 'text' OR {value} NOT IN ({allowed})"
    if column.kind in ("date", "time", "datetime"):
        # With a modifier, SQLite's date functions roll 31 November over to 1 December: so
        # ask for the value back in its own form, and refuse what does not come back the same.
        digit = "[0-9]"
        glob, again = {
            "date": (f"{digit * 4}-{digit * 2}-{digit * 2}", f"date({value}, '+0 days')"),
            "time": (f"{digit * 2}:{digit * 2}", f"strftime('%H:%M', '2000-01-01 ' || {value})"),
            "datetime": (
                f"{digit * 4}-{digit * 2}-{digit * 2}T{digit * 2}:{digit * 2}:{digit * 2}",
                f"strftime('%Y-%m-%dT%H:%M:%S', {value}, '+0 days')",
            ),
        }[column.kind]
        allowed = "'text', 'null'" if column.nullable else "'text'"
        year_zero = f" OR {value} < '0001'" if column.kind != "time" else ""  # Python has none
        return (
            f"{kind} NOT IN ({allowed}) OR ({kind} = 'text' AND ({value} NOT GLOB '{glob}'"
            f" OR {again} IS NOT {value}{year_zero}))"
        )
    hex_digit = "[0-9a-f]"
    uuid_glob = "-".join(hex_digit * n for n in (8, 4, 4, 4, 12))
    allowed = "'text', 'null'" if column.nullable else "'text'"
    return (  # ref: a UUID, or null where that is allowed
        f"{kind} NOT IN ({allowed}) OR ({kind} = 'text' AND {value} NOT GLOB '{uuid_glob}')"
    )


def invalid_changes_sql(spec: TableSpec, among: str = "") -> str:
    """A query for the first new change of ``spec`` that breaks the schema (?1 start, ?2 table).

    ``among``: SQL naming the changes to read (``NEW_OF_TABLE``) instead of every change
    after ?1.

    Written to parse each change's JSON as few times as possible: field values are checked
    in one pass of ``json_each`` (a bundle may hold hundreds of thousands of changes).
    """
    # A retired column is checked by its old rule too: accepted, then never applied.
    accepted = (*spec.columns, *spec.retired)
    names = ", ".join(f"'{c.name}'" for c in accepted)
    per_field = " ".join(
        f"WHEN '{c.name}' THEN ({_bad_value_sql('f.type', 'f.value', c)})" for c in accepted
    )
    per_change = [
        "op IN ('insert', 'update') AND fields IS NULL",
        "fields IS NOT NULL AND substr(fields, 1, 1) != '{'",
        "op = 'archive' AND cl % 2 != 0",
        "op = 'restore' AND cl % 2 != 1",
        "op = 'update' AND (versions IS NULL OR json_type(versions) != 'object')",
        # An archive or restore may carry fields (a restore and an edit in one transaction),
        # each with its version, like an update.
        "op IN ('archive', 'restore') AND fields IS NOT NULL"
        " AND (versions IS NULL OR json_type(versions) != 'object')",
        "op != 'insert' AND fields IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM json_each(_change.fields) f"
        " WHERE json_type(_change.versions, '$.\"' || f.key || '\"') IS NOT 'array')",
        f"versions IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(_change.versions) v"
        f" WHERE v.key NOT IN ({names}) OR json_type(v.value) != 'array'"
        " OR json_array_length(v.value) != 2"
        " OR json_type(v.value, '$[0]') != 'integer' OR json_extract(v.value, '$[0]') < 2"
        " OR json_type(v.value, '$[1]') != 'array')",
        "versions IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(_change.versions) v,"
        " json_each(v.value, '$[1]') p WHERE json_type(p.value) != 'array'"
        " OR json_array_length(p.value) != 2 OR json_type(p.value, '$[0]') != 'text'"
        " OR length(json_extract(p.value, '$[0]')) != 36"
        " OR json_type(p.value, '$[1]') != 'integer' OR json_extract(p.value, '$[1]') < 1)",
    ]
    if spec.kind == "ledger":
        per_change.append("op != 'insert'")
    conditions = " OR ".join(f"({check})" for check in per_change)
    only = f" AND {among}" if among else ""
    return (
        f"SELECT lsn, row_id FROM _change WHERE lsn > ?1 AND tbl = ?2{only} AND ({conditions})"
        " UNION ALL"
        f" SELECT c.lsn, c.row_id FROM _change c, json_each(c.fields) f"
        f" WHERE c.lsn > ?1 AND c.tbl = ?2{only.replace('lsn IN', 'c.lsn IN')}"
        " AND c.fields IS NOT NULL"
        f" AND (CASE f.key {per_field} ELSE 1 END)"
        " LIMIT 1"
    )


def _tables_touched(store: Store, start_lsn: int, skip_held: bool = False) -> list[TableSpec]:
    """The tables the new changes (but the held ones, with ``skip_held``) touch, in
    dependency order.

    The bulk steps below run a few statements per table; a bundle usually touches a handful
    of the twenty tables, so the others are not even visited.
    """
    held = " AND lsn NOT IN (SELECT lsn FROM temp.held_lsn)" if skip_held else ""
    names = {
        row[0]
        for row in store.conn.execute(
            f"SELECT DISTINCT tbl FROM _change WHERE lsn > ?{held}", (start_lsn,)
        )
    }
    return [spec for name, spec in TABLES.items() if name in names]


def validate_fields(
    store: Store, start_lsn: int, tables: Iterable[TableSpec], among: str = ""
) -> None:
    """Refuse the whole bundle if any new change holds a value the schema would not accept."""
    for spec in tables:
        try:
            bad = store.conn.execute(
                invalid_changes_sql(spec, among), (start_lsn, spec.name)
            ).fetchone()
        except sqlite3.OperationalError:  # malformed JSON
            bad = ("", "unreadable")
        if bad:
            raise InvalidChangesError(
                _("values of the wrong type or out of range (a {noun}, row {bad})").format(
                    noun=_(spec.noun), bad=bad[1][:8]
                )
            )


def _insert_new_rows(
    store: Store, start_lsn: int, changed: set[str], tables: Iterable[TableSpec]
) -> None:
    """Rows this store has never seen are inserted in bulk, in SQL: the common case by far.

    The changes applied here are listed in ``temp.fast_lsn`` for ``_merge_remaining`` to
    skip. A required field missing from such an insert trips the table's NOT NULL.
    """
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fast_lsn (lsn INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.fast_lsn")
    # This table's, so that each insert reads only its own changes.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fast_lsn_table (lsn INTEGER PRIMARY KEY)")
    for spec in tables:
        conn.execute("DELETE FROM temp.fast_lsn_table")
        new_rows = conn.execute(
            f"INSERT INTO temp.fast_lsn_table SELECT min(lsn) FROM _change"
            f" WHERE lsn > ?1 AND tbl = ?2 AND {NEW_OF_TABLE} AND op = 'insert'"
            " AND lsn NOT IN (SELECT lsn FROM temp.held_lsn) GROUP BY row_id"
            f" HAVING row_id NOT IN (SELECT id FROM {spec.name})",
            (start_lsn, spec.name),
        ).rowcount
        if not new_rows:
            continue
        conn.execute("INSERT INTO temp.fast_lsn SELECT lsn FROM temp.fast_lsn_table")
        values = ", ".join(
            f"coalesce(json_extract(fields, '$.\"{c.name}\"'), {_sql_literal(c.default)})"
            if c.default is not None
            else f"json_extract(fields, '$.\"{c.name}\"')"
            for c in spec.columns
        )
        with _indexes_built_after(conn, spec.name, new_rows):
            conn.execute(
                f"INSERT INTO {spec.name} (id, {', '.join(spec.column_names)}, _cl, _clock)"
                f" SELECT row_id, {values}, cl, json_object('', json_array(1, hlc, origin, seq))"
                " FROM _change WHERE lsn IN (SELECT lsn FROM temp.fast_lsn_table)",
            )
        changed.add(spec.name)
    conn.execute("DELETE FROM temp.fast_lsn_table")


# From how many rows into an empty table its indexes are built after the rows, not kept up
# row by row (a new site's first bundle: 146,000 stock movements at ten years, 3x faster).
BUILD_INDEXES_AFTER = 2000


@contextlib.contextmanager
def _indexes_built_after(conn: sqlite3.Connection, table: str, new_rows: int) -> Iterator[None]:
    """Inside: ``table``'s own indexes dropped, when it is empty and many rows are coming;
    made again after, from their own SQL, in the same transaction (all or nothing still)."""
    empty = conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
    indexes = (
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL ORDER BY name",
            (table,),
        ).fetchall()
        if empty and new_rows >= BUILD_INDEXES_AFTER
        else []
    )
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.execute(sql)


def _current_dot_sql(field_key: str) -> str:
    """SQL for ``[version, hlc, origin, seq]`` of the value a row ``t`` now shows in a field."""
    return (
        f"coalesce(json_extract(t._clock, '$.\"' || {field_key} || '\"'),"
        " json_extract(t._clock, '$.\"\"'))"
    )


def _apply_plain_overwrites(
    store: Store, start_lsn: int, changed: set[str], tables: Iterable[TableSpec]
) -> None:
    """Changes that simply overwrite what this site shows are applied in bulk, in SQL.

    That is a change to a row no other change in this bundle touches (but the creation
    ``_insert_new_rows`` has just inserted it from), with no open conflict on the row, whose
    every field names the value this site shows among the heads it supersedes (it was made
    by someone who had seen it). The field merge would make it the only head and the winner;
    doing that here, row by row in SQL, gives the same result as ``_merge_field`` and leaves
    it only the changes that meet something concurrent. The changes applied here are listed
    in ``temp.plain_lsn`` for ``_merge_remaining`` to skip.
    """
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS plain_lsn (lsn INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.plain_lsn")
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS touched_once (tbl TEXT, row_id TEXT, lsn INTEGER,"
        " PRIMARY KEY (tbl, row_id))"
    )
    conn.execute("DELETE FROM temp.touched_once")
    # Rows whose one edit here is (with its creation, if any) their only change: grouped
    # from the edits alone (a new site's first bundle is mostly creations, which need not be
    # grouped at all).
    conn.execute(
        "INSERT INTO temp.touched_once SELECT tbl, row_id, max(lsn) FROM _change WHERE lsn > ?"
        " AND op != 'insert' AND lsn NOT IN (SELECT lsn FROM temp.held_lsn)"
        " GROUP BY tbl, row_id HAVING count(*) = 1",
        (start_lsn,),
    )
    if conn.execute("SELECT 1 FROM temp.touched_once LIMIT 1").fetchone():
        # A row also created here stays only when ``_insert_new_rows`` has just inserted it
        # from its one creation, made before the edit: the edit then meets that creation as
        # the row's present state, as it would in ``_merge_remaining``. (At ten years a new
        # site's first bundle holds 32,600 such edits: a sign-up marked attended, a task
        # done.) Any other creation of the row here leaves it to ``_merge_remaining``.
        conn.execute(
            # CROSS JOIN: the new creations first (the log has no index by row), then a
            # lookup for each.
            "DELETE FROM temp.touched_once WHERE rowid IN (SELECT o.rowid FROM _change c"
            " CROSS JOIN temp.touched_once o ON o.tbl = c.tbl AND o.row_id = c.row_id"
            " WHERE c.lsn > ? AND c.op = 'insert' AND c.lsn NOT IN (SELECT lsn FROM temp.held_lsn)"
            " AND (c.lsn > o.lsn OR c.lsn NOT IN (SELECT lsn FROM temp.fast_lsn)))",
            (start_lsn,),
        )
    current = _current_dot_sql("f.key")
    for spec in tables:
        conn.execute(
            # CROSS JOIN keeps this order: the new changes first, then a lookup for each.
            f"INSERT INTO temp.plain_lsn SELECT c.lsn FROM _change c"
            f" CROSS JOIN temp.touched_once o ON o.tbl = c.tbl AND o.row_id = c.row_id"
            f" CROSS JOIN {spec.name} t ON t.id = c.row_id"
            f" WHERE c.lsn > ?1 AND c.tbl = ?2 AND c.{NEW_OF_TABLE}"
            " AND c.op IN ('update', 'archive', 'restore')"
            " AND c.lsn NOT IN (SELECT lsn FROM temp.held_lsn)"
            " AND NOT EXISTS (SELECT 1 FROM _rival r WHERE r.tbl = ?2 AND r.row_id = c.row_id)"
            " AND NOT EXISTS (SELECT 1 FROM json_each(c.fields) f WHERE NOT EXISTS ("
            "   SELECT 1 FROM json_each(c.versions, '$.\"' || f.key || '\"[1]') p"
            f"  WHERE json_extract(p.value, '$[0]') = json_extract({current}, '$[2]')"
            f"  AND json_extract(p.value, '$[1]') = json_extract({current}, '$[3]')))",
            (start_lsn, spec.name),
        )
        written = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT f.key FROM _change c, json_each(c.fields) f"
                " WHERE c.lsn IN (SELECT lsn FROM temp.plain_lsn) AND c.tbl = ?",
                (spec.name,),
            )
        }
        touched = 0
        for column in (name for name in spec.column_names if name in written):
            path = f"'$.\"{column}\"'"
            cursor = conn.execute(
                f"UPDATE {spec.name} AS t SET {column} = json_extract(c.fields, {path}),"
                f" _clock = json_set(t._clock, {path}, json_array("
                f"json_extract(c.versions, '$.\"{column}\"[0]'), c.hlc, c.origin, c.seq))"
                " FROM _change c WHERE c.lsn IN (SELECT lsn FROM temp.plain_lsn)"
                f" AND c.tbl = ? AND t.id = c.row_id AND json_type(c.fields, {path}) IS NOT NULL",
                (spec.name,),
            )
            touched += cursor.rowcount
        cursor = conn.execute(
            f"UPDATE {spec.name} AS t SET _cl = c.cl FROM _change c"
            " WHERE c.lsn IN (SELECT lsn FROM temp.plain_lsn) AND c.tbl = ?"
            " AND t.id = c.row_id AND c.cl > t._cl",
            (spec.name,),
        )
        if touched or cursor.rowcount:
            changed.add(spec.name)


def _sql_literal(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _merge_remaining(
    store: Store,
    start_lsn: int,
    changed: set[str],
    check_cancelled: Callable[[], None],
) -> None:
    """Every other change, in order, field by field, in batches that are written back whole."""
    conn = store.conn
    with_rivals = {
        (tbl, row_id) for tbl, row_id in conn.execute("SELECT DISTINCT tbl, row_id FROM _rival")
    }
    cursor = conn.execute(
        f"SELECT lsn, {INSERT_COLUMNS} FROM _change WHERE lsn > ?"
        " AND lsn NOT IN (SELECT lsn FROM temp.fast_lsn)"
        " AND lsn NOT IN (SELECT lsn FROM temp.held_lsn)"
        " AND lsn NOT IN (SELECT lsn FROM temp.plain_lsn) ORDER BY lsn",
        (start_lsn,),
    )
    while batch := cursor.fetchmany(SLOW_BATCH):
        states = _load_rows(store, batch, with_rivals)
        for row in batch:
            _apply_change(states, row)
        _write_rows(store, states.values(), changed)
        check_cancelled()


def _load_rows(
    store: Store, batch: list[tuple[Any, ...]], with_rivals: set[tuple[str, str]]
) -> dict[tuple[str, str], RowState]:
    wanted: dict[str, set[str]] = {}
    for row in batch:
        wanted.setdefault(row[6], set()).add(row[7])
    states: dict[tuple[str, str], RowState] = {}
    for table, ids in wanted.items():
        spec = TABLES[table]
        columns = ", ".join(spec.column_names)
        id_list = list(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for found in store.conn.execute(
                f"SELECT id, {columns}, _cl, _clock FROM {table} WHERE id IN ({marks})", chunk
            ):
                values = dict(zip(spec.column_names, found[1:-2], strict=True))
                states[(table, found[0])] = RowState(
                    spec, found[0], values, found[-2], json.loads(found[-1]), exists=True
                )
        for row_id in ids:
            key = (table, row_id)
            if key not in states:
                states[key] = RowState(spec, row_id, {}, 0, {}, exists=False)
            elif key in with_rivals:
                states[key].rivals = _load_rivals(store, table, row_id)
    return states


def _load_rivals(store: Store, table: str, row_id: str) -> dict[str, list[Head]]:
    rivals: dict[str, list[Head]] = {}
    for col, origin, seq, version, stamp, author, value in store.conn.execute(
        "SELECT col, origin, seq, version, hlc, author, value FROM _rival"
        " WHERE tbl = ? AND row_id = ?",
        (table, row_id),
    ):
        rivals.setdefault(col, []).append(Head(version, stamp, origin, seq, author, value))
    return rivals


def _apply_change(states: dict[tuple[str, str], RowState], row: tuple[Any, ...]) -> None:
    _lsn, origin, seq, _idx, stamp, author, table, row_id, op, cl, fields_text, versions_text = row
    state = states[(table, row_id)]
    fields = json.loads(fields_text) if fields_text else {}
    versions = json.loads(versions_text) if versions_text else {}
    if not isinstance(fields, dict) or not isinstance(versions, dict):
        raise InvalidChangesError(_("a change it cannot read"))
    if not state.exists:
        if op != "insert":
            raise InvalidChangesError(
                _("a change of a {noun} that was never created here (row {row_id})").format(
                    noun=_(state.spec.noun), row_id=row_id[:8]
                )
            )
        for column in state.spec.columns:
            state.values[column.name] = fields.get(column.name, column.default)
        state.clock = {"": [1, stamp, origin, seq]}
        state.cl = cl
        state.exists = state.inserted = state.dirty = True
        return
    if cl > state.cl:
        state.cl = cl
        state.dirty = True
    for name, value in fields.items():
        if name in state.spec.retired_names:  # an old or hostile site's: stored without it
            continue
        if op == "insert":
            version, parents = 1, set()
        else:
            version, parent_list = versions[name]
            parents = {(p[0], p[1]) for p in parent_list}
        _merge_field(state, name, Head(version, stamp, origin, seq, author, value), parents)


def _merge_field(state: RowState, name: str, incoming: Head, parents: set[tuple[str, int]]) -> None:
    version, stamp, origin, seq = field_clock(state.clock, name)
    current = Head(version, stamp, origin, seq, "", state.values.get(name))
    rivals = state.rivals.get(name, [])
    heads = [h for h in (current, *rivals) if (h.origin, h.seq) not in parents]
    heads.append(incoming)
    winner = max(heads, key=Head.key)
    losers = [h for h in heads if h is not winner]
    if winner is not current:
        state.values[name] = winner.value
        state.clock[name] = [winner.version, winner.hlc, winner.origin, winner.seq]
        state.dirty = True
        state.changed_columns.add(name)
    if [(h.origin, h.seq) for h in losers] != [(h.origin, h.seq) for h in rivals]:
        state.rivals[name] = losers
        state.rivals_dirty.add(name)


def _write_rows(store: Store, states: Iterable[RowState], changed: set[str]) -> None:
    """Write a batch back: one ``executemany`` per table and kind of statement."""
    conn = store.conn
    inserts: dict[str, list[tuple[Any, ...]]] = {}
    # Grouped by the columns that changed: SET only those, so untouched indexes stay put.
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    settled: list[tuple[str, str, str]] = []
    rivals: list[tuple[Any, ...]] = []
    for state in states:
        spec = state.spec
        if state.dirty:
            changed.add(spec.name)
            clock = json.dumps(state.clock)
            if state.inserted:
                values = [state.values.get(n) for n in spec.column_names]
                inserts.setdefault(spec.name, []).append((state.row_id, *values, state.cl, clock))
            else:
                columns = tuple(sorted(state.changed_columns))
                values = [state.values[n] for n in columns]
                updates.setdefault((spec.name, columns), []).append(
                    (*values, state.cl, clock, state.row_id)
                )
        for name in state.rivals_dirty:
            settled.append((spec.name, state.row_id, name))
            for head in state.rivals.get(name, []):
                author = head.author or _author_of(store, spec.name, state.row_id, head)
                rivals.append(
                    (
                        spec.name,
                        state.row_id,
                        name,
                        head.origin,
                        head.seq,
                        head.version,
                        head.hlc,
                        author,
                        head.value,
                    )
                )
    for table, rows in inserts.items():
        names = TABLES[table].column_names
        conn.executemany(
            f"INSERT INTO {table} (id, {', '.join(names)}, _cl, _clock)"
            f" VALUES ({', '.join('?' * (len(names) + 3))})",
            rows,
        )
    for (table, columns), rows in updates.items():
        assignments = "".join(f"{n} = ?, " for n in columns)
        conn.executemany(f"UPDATE {table} SET {assignments}_cl = ?, _clock = ? WHERE id = ?", rows)
    if settled:
        conn.executemany("DELETE FROM _rival WHERE tbl = ? AND row_id = ? AND col = ?", settled)
        conn.executemany(
            "INSERT INTO _rival (tbl, row_id, col, origin, seq, version, hlc, author, value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rivals,
        )
        changed.add(CONFLICTS)


def _author_of(store: Store, table: str, row_id: str, head: Head) -> str:
    row = store.conn.execute(
        "SELECT author FROM _change WHERE origin = ? AND seq = ? AND tbl = ? AND row_id = ?",
        (head.origin, head.seq, table, row_id),
    ).fetchone()
    return str(row[0]) if row else ""


def _advance_version_vector(store: Store, accepted: dict[str, int]) -> None:
    store.conn.executemany(
        "INSERT INTO _vv (site_id, seq) VALUES (?, ?)"
        " ON CONFLICT(site_id) DO UPDATE SET seq = max(seq, excluded.seq)",
        list(accepted.items()),
    )


# -- the store's own rules for what arrives ----------------------------------------------------


# Changes of transactions held aside already (see ``Merge.hold``).
_NOT_HELD = "(origin, seq) NOT IN (SELECT origin, seq FROM _held)"


def rules_broken(store: Store) -> dict[tuple[str, int], str]:
    """Every transaction in the log that breaks a rule the merge enforces and is not held.

    The same rules as ``Merge.check_rules`` and ``Merge.check_applied``, over the whole log
    (for ``coopdesk check``): a store that merged only through the door has none.
    """
    judge = Merge(store)
    judge.start_lsn = 0
    found: dict[tuple[str, int], str] = {}
    for rule in (_ledger_rewrites, _unknown_authors, _site_key_rewrites):
        for key, reason in rule(judge).items():
            found.setdefault(key, reason)
    for feature in all_features():
        for path in (feature.arrival_checks, feature.merge_rules):
            if path:
                for key, reason in resolve(path)(judge).items():
                    found.setdefault(key, reason)
    held = {(str(o), int(s)) for o, s in store.conn.execute("SELECT origin, seq FROM _held")}
    return {key: reason for key, reason in found.items() if key not in held}


def _ledger_rewrites(merge: Merge) -> dict[tuple[str, int], str]:
    """A second insert of a ledger row (a stock movement, a use of a mandate) with other
    values: ledgers are written once, so it can only be an attempt to rewrite history."""
    held: dict[tuple[str, int], str] = {}
    merge.note_new_changes()
    for spec in TABLES.values():
        if spec.kind != "ledger":
            continue
        differs = " OR ".join(
            f"json_extract(c.fields, '$.\"{column}\"') IS NOT t.{column}"
            for column in spec.column_names
        )
        reason = f"it rewrites a {spec.noun} already recorded"
        for origin, seq in merge.conn.execute(
            f"SELECT c.origin, c.seq FROM _change c JOIN {spec.name} t ON t.id = c.row_id"
            f" WHERE c.lsn > ?1 AND c.tbl = ?2 AND c.{NEW_OF_TABLE} AND c.op = 'insert'"
            f" AND ({differs})",
            (merge.start_lsn, spec.name),
        ):
            held[(origin, seq)] = reason
        for origin, seq in merge.conn.execute(
            "SELECT c.origin, c.seq FROM _change c JOIN (SELECT row_id FROM _change"
            f" WHERE lsn > ?1 AND tbl = ?2 AND {NEW_OF_TABLE} AND op = 'insert' AND {_NOT_HELD}"
            " GROUP BY row_id HAVING count(DISTINCT fields) > 1) twice ON twice.row_id = c.row_id"
            f" WHERE c.lsn > ?1 AND c.tbl = ?2 AND c.{NEW_OF_TABLE} AND c.op = 'insert'"
            f" AND {_NOT_HELD}",
            (merge.start_lsn, spec.name),
        ):
            held[(origin, seq)] = reason
    return held


def _unknown_authors(merge: Merge) -> dict[tuple[str, int], str]:
    """Every change is made by a member of the coop (one that exists, or is made with it)."""
    conn = merge.conn
    held: dict[tuple[str, int], str] = {}
    # A site's ballot box writes as the site itself (author = origin), and only adds to the
    # anonymous tables; a member never writes there (see coopdesk.store.transaction.URN).
    anonymous = [spec.name for spec in TABLES.values() if spec.anonymous]
    marks = ", ".join("?" * len(anonymous)) or "NULL"
    for origin, seq in conn.execute(
        "SELECT DISTINCT origin, seq FROM _change NOT INDEXED WHERE lsn > ? AND ((author = origin)"
        f" != (tbl IN ({marks})) OR (author = origin AND op != 'insert'))",
        (merge.start_lsn, *anonymous),
    ):
        held[(origin, seq)] = (
            "a secret ballot with a member's name, or a site's ballot box writing"
            " something other than a secret ballot"
        )
    authors = {
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT author FROM _change WHERE lsn > ? AND author != origin",
            (merge.start_lsn,),
        )
    }
    created = {
        row[0]
        for row in conn.execute(
            "SELECT row_id FROM _change WHERE lsn > ? AND tbl = 'member' AND op = 'insert'",
            (merge.start_lsn,),
        )
    }
    strangers = [
        author
        for author in authors - created
        if conn.execute("SELECT 1 FROM member WHERE id = ?", (author,)).fetchone() is None
    ]
    for author in strangers:
        for origin, seq in conn.execute(
            "SELECT DISTINCT origin, seq FROM _change NOT INDEXED WHERE lsn > ? AND author = ?",
            (merge.start_lsn, author),
        ):
            held[(origin, seq)] = f"its author ({author[:8]}) is not a member of this coop"
    return held


MISSING_ROW = "missing row"


def _missing_reason(table: str) -> str:
    return (
        f"it changes a {TABLES[table].noun} this site does not have (made under another "
        "computer's history of a site, set aside): it applies once that computer makes it again"
    )


def _changes_of_missing_rows(
    merge: Merge, among: list[tuple[str, int]] | None = None
) -> dict[tuple[str, int], str]:
    """Transactions changing a row that neither exists here nor is created by any change in
    the log that is not held (this merge's, or, with ``among``, those transactions')."""
    found: dict[tuple[str, int], str] = {}
    if among is None:
        # Set-based, table by table: only a change whose row is neither there nor created in
        # this merge is looked at again (before the merge is applied, as when a new site
        # joins, no row is there yet: looking each up in the whole log is quadratic).
        conn = merge.conn
        edits = conn.execute(
            "SELECT 1 FROM _change WHERE lsn > ? AND op != 'insert' LIMIT 1", (merge.start_lsn,)
        ).fetchone()
        if edits is None:  # only creations: no change of a missing row
            return found
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS created_here (tbl TEXT, row_id TEXT,"
            " PRIMARY KEY (tbl, row_id)) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.created_here")
        conn.execute(
            "INSERT OR IGNORE INTO temp.created_here SELECT tbl, row_id FROM _change"
            f" WHERE lsn > ? AND op = 'insert' AND {_NOT_HELD}",
            (merge.start_lsn,),
        )
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS not_created_here (origin TEXT, seq INTEGER,"
            " tbl TEXT, row_id TEXT, PRIMARY KEY (tbl, row_id, origin, seq)) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.not_created_here")
        conn.execute(
            "INSERT OR IGNORE INTO temp.not_created_here SELECT origin, seq, tbl, row_id"
            f" FROM _change c WHERE lsn > ? AND op != 'insert' AND {_NOT_HELD}"
            " AND NOT EXISTS (SELECT 1 FROM temp.created_here n"
            " WHERE n.tbl = c.tbl AND n.row_id = c.row_id)",
            (merge.start_lsn,),
        )
        tables = {row[0] for row in conn.execute("SELECT DISTINCT tbl FROM temp.not_created_here")}
        candidates = []
        for name in (name for name in TABLES if name in tables):
            candidates += conn.execute(
                "SELECT c.origin, c.seq, c.tbl, c.row_id FROM temp.not_created_here c"
                f" LEFT JOIN {name} t ON t.id = c.row_id WHERE c.tbl = ? AND t.id IS NULL",
                (name,),
            ).fetchall()
        conn.execute("DELETE FROM temp.created_here")
        conn.execute("DELETE FROM temp.not_created_here")
    else:
        candidates = []
        for origin, seq in among:
            candidates += merge.conn.execute(
                "SELECT DISTINCT origin, seq, tbl, row_id FROM _change"
                " WHERE origin = ? AND seq = ? AND op != 'insert'",
                (origin, seq),
            ).fetchall()
    for origin, seq, table, row_id in candidates:
        if table not in TABLES or (str(origin), int(seq)) in found:
            continue
        if merge.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone():
            continue
        created = merge.conn.execute(
            "SELECT 1 FROM _change c WHERE tbl = ? AND row_id = ? AND op = 'insert'"
            f" AND {_NOT_HELD} LIMIT 1",
            (table, row_id),
        ).fetchone()
        if created is None:
            found[(str(origin), int(seq))] = _missing_reason(table)
    return found


def _causal_jumps(merge: Merge) -> dict[tuple[str, int], str]:
    """An archive or a restore adds one to the row's causal length: never more than the
    number of archives and restores the row has seen, so no length can be blown up."""
    held: dict[tuple[str, int], str] = {}
    # Only the tables with an archive or a restore among the new changes: one pass finds them.
    stepped = {
        row[0]
        for row in merge.conn.execute(
            "SELECT DISTINCT tbl FROM _change WHERE lsn > ? AND op IN ('archive', 'restore')",
            (merge.start_lsn,),
        )
    }
    for spec in (spec for name, spec in TABLES.items() if name in stepped):
        for origin, seq in merge.conn.execute(
            f"SELECT c.origin, c.seq FROM (SELECT origin, seq, row_id, cl, count(*) OVER"
            " (PARTITION BY row_id ORDER BY lsn) AS steps FROM _change"
            " WHERE lsn > ?1 AND tbl = ?2 AND op IN ('archive', 'restore')) c"
            f" LEFT JOIN {spec.name} t ON t.id = c.row_id"
            " WHERE c.cl > coalesce(t._cl, 2) + c.steps",
            (merge.start_lsn, spec.name),
        ):
            held[(origin, seq)] = "it changes a causal length by more than one step"
    return held


def _site_key_rewrites(merge: Merge) -> dict[tuple[str, int], str]:
    """A site's key is written once, when it is certified; a later key is a takeover."""
    held: dict[tuple[str, int], str] = {}
    for origin, seq in merge.conn.execute(
        "SELECT c.origin, c.seq FROM _change c JOIN site t ON t.id = c.row_id"
        " WHERE c.lsn > ? AND c.tbl = 'site' AND c.fields IS NOT NULL"
        " AND t.public_key IS NOT NULL"
        " AND json_extract(c.fields, '$.public_key') IS NOT t.public_key"
        " AND coalesce(json_type(c.fields, '$.public_key'), 'null') != 'null'",
        (merge.start_lsn,),
    ):
        held[(origin, seq)] = "it gives a site another key"
    return held


def _rebuild_rows(store: Store, rows: list[tuple[str, str]], changed: set[str]) -> None:
    """Rows worked out from scratch: every logged change of them that is not held, in order.

    Used when changes already applied are held afterwards. A change that no longer fits (it
    edits a row whose creation is now held) is skipped: it depends on what was set aside.
    """
    conn = store.conn
    for table, row_id in rows:
        spec = TABLES[table]
        if table == "stock_move":
            old = conn.execute(
                "SELECT item_id, site_id, delta FROM stock_move WHERE id = ?", (row_id,)
            ).fetchone()
            if old is not None:
                conn.execute(
                    "UPDATE _stock_balance SET balance = balance - ?, moves = moves - 1"
                    " WHERE item_id = ? AND site_id = ?",
                    (old[2], old[0], old[1]),
                )
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        conn.execute("DELETE FROM _rival WHERE tbl = ? AND row_id = ?", (table, row_id))
        state = RowState(spec, row_id, {}, 0, {}, exists=False)
        for change in conn.execute(
            f"SELECT lsn, {INSERT_COLUMNS} FROM _change c WHERE tbl = ? AND row_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM _held h WHERE h.origin = c.origin AND h.seq = c.seq)"
            # The row's creation first: a creation made again under a new identity (a split
            # site's, see coopdesk.sync.forks) comes after edits made from the first one.
            " ORDER BY op != 'insert', lsn",
            (table, row_id),
        ).fetchall():
            try:
                _apply_change({(table, row_id): state}, change)
            except InvalidChangesError:
                continue
        if state.exists:
            state.inserted = True
            _write_rows(store, [state], changed)
        changed.update({table, CONFLICTS})
