"""Merging another site's changes into this store.

The rules (docs/ARCHITECTURE.md explains why):

- Changes arrive in causal order (each bundle lists them in the order its sender received
  them) and are identified by (origin site, sequence, index). A change whose sequence is at
  or below what this store has from that origin is already here and is skipped: importing
  the same bundle twice changes nothing.
- Plain fields merge per field. Each field's history is a small graph: every change names
  the heads it superseded (its parents). The heads still standing are the field's current
  candidates; the one with the highest (version, hlc, origin) is the value everyone shows,
  the others are conflicts kept in ``_rival`` until someone settles them. Both the winner
  and the set of rivals are functions of the set of changes alone, so every site ends with
  the same value and the same conflicts whatever order bundles arrive in.
- Archive and restore are a causal length per row; merging takes the larger.
- The clock decides nothing but ties; a remote clock far ahead is not followed.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.progress import Cancelled, Progress
from coopdesk.store import hlc as hlc_module
from coopdesk.store.changes import CONFLICTS, PEERS
from coopdesk.store.schema import TABLES, Column, TableSpec
from coopdesk.store.store import Store
from coopdesk.store.transaction import field_clock
from coopdesk.sync.bundle import (
    BundleGapError,
    BundleInvalidContentError,
    Envelope,
    SiteIdentityClashError,
)
from coopdesk.sync.conflicts import count_conflicts
from coopdesk.sync.identity import identity_notice, mint_new_identity

INSERT_COLUMNS = "origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields, versions"
SLOW_BATCH = 2000


class ImportCancelled(CoopDeskError):
    """The person cancelled the import; the transaction is rolled back."""

    def __init__(self) -> None:
        super().__init__("Import cancelled; nothing was changed.")


@dataclass
class MergeReport:
    new_entries: int = 0
    duplicate_entries: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    changed_tables: set[str] = field(default_factory=set)
    conflicts_before: int = 0
    conflicts_after: int = 0
    clock_warnings: dict[str, str] = field(default_factory=dict)
    identity_notice: str | None = None


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


# -- the merge itself --------------------------------------------------------------------------


def apply_bundle(
    store: Store,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    author: str | None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> MergeReport:
    """Merge a checked bundle's changes in one transaction; all or nothing."""
    conn = store.conn
    report = MergeReport()
    clock_before = store.clock.last
    store.begin()
    try:
        report.conflicts_before = count_conflicts(store)
        _check_own_identity(store, envelope, author, report)
        start_lsn = conn.execute("SELECT coalesce(max(lsn), 0) FROM _change").fetchone()[0]
        accepted = _load_changes(store, envelope, frames, author, report, progress, cancelled)
        if accepted:
            tables = _tables_touched(store, start_lsn)
            validate_fields(store, start_lsn, tables)
            _insert_new_rows(store, start_lsn, report, tables)
            _apply_plain_overwrites(store, start_lsn, report, tables)
            _merge_remaining(store, start_lsn, report, cancelled)
            _advance_version_vector(store, accepted)
            _observe_clocks(store, start_lsn, report)
        _remember_peer(store, envelope)
        report.changed_tables.add(PEERS)
        report.conflicts_after = count_conflicts(store)
        if report.conflicts_after != report.conflicts_before:
            report.changed_tables.add(CONFLICTS)
        store.local_set("hlc", store.clock.last)
        conn.execute("COMMIT")
    except BaseException as exc:
        conn.execute("ROLLBACK")
        store.clock.last = clock_before
        if isinstance(exc, sqlite3.IntegrityError):
            raise BundleInvalidContentError(
                f"{envelope.path.name} holds changes that do not fit together (a missing "
                "required field, or a reference to a row that does not exist). It was not "
                "imported."
            ) from None
        raise
    return report


def _check_own_identity(
    store: Store, envelope: Envelope, author: str | None, report: MergeReport
) -> None:
    """A bundle that knows more of this site's changes than this site made means a copy."""
    own = store.site_id
    if max(envelope.vv.get(own, 0), envelope.base.get(own, 0)) > store.last_seq:
        _mint(store, author, report)


def _mint(store: Store, author: str | None, report: MergeReport) -> None:
    reason = (
        "This store was restored from a backup or copied from another computer: another "
        "site holds changes made under this site's identity that this store never made."
    )
    mint_new_identity(store, author or _last_local_author(store), reason)
    report.identity_notice = identity_notice(store)
    report.changed_tables.add("site")


def _last_local_author(store: Store) -> str:
    row = store.conn.execute(
        # A member's change, not the ballot box's (whose author is the site itself).
        "SELECT author FROM _change WHERE origin = ?1 AND author != ?1 ORDER BY lsn DESC LIMIT 1",
        (store.site_id,),
    ).fetchone()
    if row is None:
        row = store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1 LIMIT 1").fetchone()
    return str(row[0])


def _load_changes(
    store: Store,
    envelope: Envelope,
    frames: Iterable[list[tuple[Any, ...]]],
    author: str | None,
    report: MergeReport,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> dict[str, int]:
    """Append the bundle's new changes to the log; returns the highest new seq per origin."""
    conn = store.conn
    vv = store.version_vector()
    accepted: dict[str, int] = {}
    last_seen: dict[str, int] = {}
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS seen_again ({INSERT_COLUMNS})")
    conn.execute("DELETE FROM temp.seen_again")
    total = envelope.header["entries"]
    done = 0
    name = envelope.path.name
    own_site, own_top = store.site_id, store.last_seq
    for rows in frames:
        keep, again = _whole_frame(rows, accepted, last_seen, vv, own_site)
        if keep is None:
            keep, again = [], []
            for row in rows:
                origin, seq = row[0], row[1]
                if seq < last_seen.get(origin, 0):
                    raise BundleInvalidContentError(
                        f"{name} lists changes out of order. It was not imported."
                    )
                last_seen[origin] = seq
                if origin == own_site and seq > own_top:
                    _mint(store, author, report)
                    vv = store.version_vector()
                    own_site, own_top = store.site_id, store.last_seq
                top = accepted.get(origin, vv.get(origin, 0))
                if origin not in accepted and seq <= top:
                    again.append(row)
                    continue
                if seq > top + 1:
                    raise BundleGapError(
                        f"{name} continues from changes this site does not have yet (from "
                        f"site {origin[:8]}, changes {top + 1} to {seq - 1}). Nothing was "
                        "changed. Import the bundles that came before it, or ask the other "
                        "site for a bundle made for this site; if this site was restored from "
                        "a backup, first send the other site a bundle from here, or ask it for "
                        "one with everything."
                    )
                accepted[origin] = seq
                keep.append(row)
        if keep:
            conn.executemany(
                f"INSERT INTO _change ({INSERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", keep
            )
            report.counts.update((row[5], row[7]) for row in keep)
        if again:
            conn.executemany(
                f"INSERT INTO temp.seen_again ({INSERT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                again,
            )
        report.new_entries += len(keep)
        report.duplicate_entries += len(again)
        done += len(rows)
        if progress:
            progress(done, total)
        if cancelled and cancelled():
            raise ImportCancelled()
    _check_duplicates_match(store, name)
    return accepted


def _whole_frame(
    rows: list[tuple[Any, ...]],
    accepted: dict[str, int],
    last_seen: dict[str, int],
    vv: dict[str, int],
    own_site: str,
) -> tuple[list[tuple[Any, ...]] | None, list[tuple[Any, ...]]]:
    """The common case, checked for the frame at once: all new changes of one other site.

    Returns (rows to keep, no duplicates) if the whole frame is in order, new and without
    gaps; (None, []) when the rows must be looked at one by one.
    """
    origin = rows[0][0]
    if origin == own_site or any(row[0] != origin for row in rows):
        return None, []
    seqs = [row[1] for row in rows]
    top = accepted.get(origin, vv.get(origin, 0))
    fresh = origin in accepted or seqs[0] > top
    in_order = seqs[0] >= last_seen.get(origin, 0) and all(
        0 <= later - earlier <= 1 for earlier, later in itertools.pairwise(seqs)
    )
    if not (fresh and in_order and seqs[0] <= top + 1):
        return None, []
    accepted[origin] = last_seen[origin] = seqs[-1]
    return rows, []


def _check_duplicates_match(store: Store, name: str) -> None:
    """Changes we already have must be the very same changes, or two computers share an id."""
    conn = store.conn
    clash = conn.execute(
        "SELECT s.origin FROM temp.seen_again s LEFT JOIN _change c"
        " ON c.origin = s.origin AND c.seq = s.seq AND c.idx = s.idx"
        " WHERE c.hlc IS NOT s.hlc OR c.author IS NOT s.author OR c.tbl IS NOT s.tbl"
        " OR c.row_id IS NOT s.row_id OR c.op IS NOT s.op OR c.cl IS NOT s.cl"
        " OR c.fields IS NOT s.fields OR c.versions IS NOT s.versions LIMIT 1"
    ).fetchone()
    conn.execute("DELETE FROM temp.seen_again")
    if clash:
        site = store.get("site", clash[0])
        label = site["name"] if site else clash[0][:8]
        raise SiteIdentityClashError(
            f"{name} holds changes from site {label} that differ from the ones this site "
            f"already has under the same numbers: two computers are using the identity of "
            f"site {label} (a copied store, a restored backup, or one invitation joined twice). "
            "Nothing was imported. Keep using only one of those computers as that site and "
            "ask the other to join with a new invitation."
        )


# -- validation in SQL -------------------------------------------------------------------------


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


def invalid_changes_sql(spec: TableSpec) -> str:
    """A query for the first new change of ``spec`` that breaks the schema (?1 start, ?2 table).

    Written to parse each change's JSON as few times as possible: field values are checked
    in one pass of ``json_each`` (a bundle may hold hundreds of thousands of changes).
    """
    names = ", ".join(f"'{c.name}'" for c in spec.columns)
    per_field = " ".join(
        f"WHEN '{c.name}' THEN ({_bad_value_sql('f.type', 'f.value', c)})" for c in spec.columns
    )
    per_change = [
        "op IN ('insert', 'update') AND fields IS NULL",
        "fields IS NOT NULL AND substr(fields, 1, 1) != '{'",
        "op = 'archive' AND cl % 2 != 0",
        "op = 'restore' AND cl % 2 != 1",
        "op = 'update' AND (versions IS NULL OR json_type(versions) != 'object')",
        "op = 'update' AND EXISTS (SELECT 1 FROM json_each(_change.fields) f"
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
    return (
        f"SELECT lsn, row_id FROM _change WHERE lsn > ?1 AND tbl = ?2 AND ({conditions})"
        " UNION ALL"
        f" SELECT c.lsn, c.row_id FROM _change c, json_each(c.fields) f"
        f" WHERE c.lsn > ?1 AND c.tbl = ?2 AND c.fields IS NOT NULL"
        f" AND (CASE f.key {per_field} ELSE 1 END)"
        " LIMIT 1"
    )


def _tables_touched(store: Store, start_lsn: int) -> list[TableSpec]:
    """The tables the new changes touch, in dependency order.

    The bulk steps below run a few statements per table; a bundle usually touches a handful
    of the twenty tables, so the others are not even visited.
    """
    names = {
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT tbl FROM _change WHERE lsn > ?", (start_lsn,)
        )
    }
    return [spec for name, spec in TABLES.items() if name in names]


def validate_fields(store: Store, start_lsn: int, tables: Iterable[TableSpec]) -> None:
    """Refuse the whole bundle if any new change holds a value the schema would not accept."""
    for spec in tables:
        try:
            bad = store.conn.execute(invalid_changes_sql(spec), (start_lsn, spec.name)).fetchone()
        except sqlite3.OperationalError:  # malformed JSON
            bad = ("", "unreadable")
        if bad:
            raise BundleInvalidContentError(
                f"The bundle holds values of the wrong type or out of range (a {spec.noun}, "
                f"row {bad[1][:8]}). It was not imported."
            )


# -- applying ----------------------------------------------------------------------------------


def _insert_new_rows(
    store: Store, start_lsn: int, report: MergeReport, tables: Iterable[TableSpec]
) -> None:
    """Rows this store has never seen are inserted in bulk, in SQL: the common case by far.

    The changes applied here are listed in ``temp.fast_lsn`` for ``_merge_remaining`` to
    skip. A required field missing from such an insert trips the table's NOT NULL.
    """
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fast_lsn (lsn INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.fast_lsn")
    for spec in tables:
        conn.execute(
            f"INSERT INTO temp.fast_lsn SELECT min(lsn) FROM _change"
            f" WHERE lsn > ? AND tbl = ? AND op = 'insert' GROUP BY row_id"
            f" HAVING row_id NOT IN (SELECT id FROM {spec.name})",
            (start_lsn, spec.name),
        )
        values = ", ".join(
            f"coalesce(json_extract(fields, '$.\"{c.name}\"'), {_sql_literal(c.default)})"
            if c.default is not None
            else f"json_extract(fields, '$.\"{c.name}\"')"
            for c in spec.columns
        )
        cursor = conn.execute(
            f"INSERT INTO {spec.name} (id, {', '.join(spec.column_names)}, _cl, _clock)"
            f" SELECT row_id, {values}, cl, json_object('', json_array(1, hlc, origin, seq))"
            f" FROM _change WHERE lsn IN (SELECT lsn FROM temp.fast_lsn) AND tbl = ?",
            (spec.name,),
        )
        if cursor.rowcount:
            report.changed_tables.add(spec.name)


def _current_dot_sql(field_key: str) -> str:
    """SQL for ``[version, hlc, origin, seq]`` of the value a row ``t`` now shows in a field."""
    return (
        f"coalesce(json_extract(t._clock, '$.\"' || {field_key} || '\"'),"
        " json_extract(t._clock, '$.\"\"'))"
    )


def _apply_plain_overwrites(
    store: Store, start_lsn: int, report: MergeReport, tables: Iterable[TableSpec]
) -> None:
    """Changes that simply overwrite what this site shows are applied in bulk, in SQL.

    That is a change to a row no other change in this bundle touches, with no open conflict
    on the row, whose every field names the value this site shows among the heads it
    supersedes (it was made by someone who had seen it). The field merge would make it the
    only head and the winner; doing that here, row by row in SQL, gives the same result as
    ``_merge_field`` and leaves it only the changes that meet something concurrent. The
    changes applied here are listed in ``temp.plain_lsn`` for ``_merge_remaining`` to skip.
    """
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS plain_lsn (lsn INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.plain_lsn")
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS touched_once (tbl TEXT, row_id TEXT,"
        " PRIMARY KEY (tbl, row_id))"
    )
    conn.execute("DELETE FROM temp.touched_once")
    conn.execute(
        "INSERT INTO temp.touched_once SELECT tbl, row_id FROM _change WHERE lsn > ?"
        " GROUP BY tbl, row_id HAVING count(*) = 1",
        (start_lsn,),
    )
    current = _current_dot_sql("f.key")
    for spec in tables:
        conn.execute(
            # CROSS JOIN keeps this order: the new changes first, then a lookup for each.
            f"INSERT INTO temp.plain_lsn SELECT c.lsn FROM _change c"
            f" CROSS JOIN temp.touched_once o ON o.tbl = c.tbl AND o.row_id = c.row_id"
            f" CROSS JOIN {spec.name} t ON t.id = c.row_id"
            " WHERE c.lsn > ?1 AND c.tbl = ?2 AND c.op IN ('update', 'archive', 'restore')"
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
            report.changed_tables.add(spec.name)


def _sql_literal(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _merge_remaining(
    store: Store,
    start_lsn: int,
    report: MergeReport,
    cancelled: Cancelled | None,
) -> None:
    """Every other change, in order, field by field, in batches that are written back whole."""
    conn = store.conn
    with_rivals = {
        (tbl, row_id) for tbl, row_id in conn.execute("SELECT DISTINCT tbl, row_id FROM _rival")
    }
    cursor = conn.execute(
        f"SELECT lsn, {INSERT_COLUMNS} FROM _change WHERE lsn > ?"
        " AND lsn NOT IN (SELECT lsn FROM temp.fast_lsn)"
        " AND lsn NOT IN (SELECT lsn FROM temp.plain_lsn) ORDER BY lsn",
        (start_lsn,),
    )
    while batch := cursor.fetchmany(SLOW_BATCH):
        states = _load_rows(store, batch, with_rivals)
        for row in batch:
            _apply_change(states, row)
        _write_rows(store, states.values(), report)
        if cancelled and cancelled():
            raise ImportCancelled()


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
        raise BundleInvalidContentError("The bundle holds a change it cannot read.")
    if not state.exists:
        if op != "insert":
            raise BundleInvalidContentError(
                f"The bundle changes a {state.spec.noun} that was never created here "
                f"(row {row_id[:8]}). It was not imported."
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


def _write_rows(store: Store, states: Iterable[RowState], report: MergeReport) -> None:
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
            report.changed_tables.add(spec.name)
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
        report.changed_tables.add(CONFLICTS)


def _author_of(store: Store, table: str, row_id: str, head: Head) -> str:
    row = store.conn.execute(
        "SELECT author FROM _change WHERE origin = ? AND seq = ? AND tbl = ? AND row_id = ?",
        (head.origin, head.seq, table, row_id),
    ).fetchone()
    return str(row[0]) if row else ""


# -- bookkeeping -------------------------------------------------------------------------------


def _advance_version_vector(store: Store, accepted: dict[str, int]) -> None:
    store.conn.executemany(
        "INSERT INTO _vv (site_id, seq) VALUES (?, ?)"
        " ON CONFLICT(site_id) DO UPDATE SET seq = max(seq, excluded.seq)",
        list(accepted.items()),
    )


def _observe_clocks(store: Store, start_lsn: int, report: MergeReport) -> None:
    """Follow other sites' clocks, except one implausibly far ahead: warn about that one."""
    for origin, newest in store.conn.execute(
        "SELECT origin, max(hlc) FROM _change WHERE lsn > ? GROUP BY origin", (start_lsn,)
    ):
        if store.clock.observe(newest):
            store.conn.execute("UPDATE _peer SET clock_warning = NULL WHERE site_id = ?", (origin,))
        else:
            ahead = hlc_module.wall_seconds(newest) - time.time()
            report.clock_warnings[origin] = clock_warning_text(ahead)
            store.conn.execute(
                "INSERT INTO _peer (site_id, clock_warning) VALUES (?, ?)"
                " ON CONFLICT(site_id) DO UPDATE SET clock_warning = excluded.clock_warning",
                (origin, report.clock_warnings[origin]),
            )


def clock_warning_text(ahead_seconds: float) -> str:
    days = ahead_seconds / 86400
    amount = (
        f"{days / 365:.0f} years"
        if days > 700
        else (f"{days / 30:.0f} months" if days > 60 else f"{days:.0f} days")
    )
    return f"its clock looks wrong (about {amount} ahead)"


def _remember_peer(store: Store, envelope: Envelope) -> None:
    """What a peer has is learned only from bundles that peer sent: they carry its vector."""
    header = envelope.header
    store.conn.execute(
        "INSERT INTO _peer (site_id, vv, bundle_seq, last_hlc, heard_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(site_id) DO UPDATE SET vv = excluded.vv, bundle_seq = excluded.bundle_seq,"
        " last_hlc = excluded.last_hlc, heard_at = excluded.heard_at"
        " WHERE excluded.bundle_seq > _peer.bundle_seq",
        (
            envelope.site_id,
            json.dumps(envelope.vv, sort_keys=True),
            envelope.bundle_seq,
            header["created_hlc"],
            time.time(),
        ),
    )
    store.conn.execute(
        "INSERT OR REPLACE INTO _bundle_seen (site_id, bundle_seq, sha256, imported_at)"
        " VALUES (?, ?, ?, ?)",
        (envelope.site_id, envelope.bundle_seq, envelope.payload_sha256, time.time()),
    )
