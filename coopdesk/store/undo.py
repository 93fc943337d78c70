"""The undo record of the last import: exactly what it changed, so it can be taken back.

A whole copy of the store before every import protected against an import that completed
and should not have, but by ten years of history it cost four times the weekly sync itself.
An import instead keeps, in the same transaction, the state before it of every row it
touched (temporary SQLite triggers on this connection alone, inert between imports):

- a table that was empty is emptied again;
- rows added above a table's highest rowid before the import are deleted again;
- a row that existed and was changed or deleted gets its first state back;
- a row added where none was (a table without rowid, or a rowid reused) is deleted.

Writes inside a merge use upserts, never ``INSERT OR REPLACE``: SQLite deletes the row a
REPLACE replaces without firing its DELETE trigger (``tests/sync/test_undo_import.py``
checks the merge's modules).

Only the last import can be taken back, and only while nothing else was written since: no
local edit (the change log would have grown) and no export (another site may have the
state that would be undone). Taking it back restores every table as it was, the change log,
the version vector and the remembered bundles included, so the same bundle can be imported
again later. A full backup is still made on a schedule (``coopdesk.sync.backups``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

__all__ = [
    "UndoRecord",
    "forget",
    "start_recording",
    "stop_recording",
    "take_back",
    "undo_record",
]

HEADER_KEY = "undo_import"
UNDO_TABLE = "_undo"
TRIGGER_PREFIX = "_undo_"


@dataclass(frozen=True)
class UndoRecord:
    """What the last import's undo record says about it."""

    about: dict[str, Any]  # what the caller said the import was (bundle, site, time)
    rows: int  # rows whose earlier state is kept


@dataclass(frozen=True)
class _Table:
    name: str
    columns: list[str]  # every column; for rowid tables "rowid" first, its alias left out
    key: list[str]  # the declared primary key ([] or the rowid's alias for some rowid tables)
    has_rowid: bool
    exact: frozenset[str] = frozenset()  # columns JSON gives back as they were (see _image)
    # A new row may take a key below the table's highest: an INTEGER PRIMARY KEY given by
    # the writer, or any key of a table without rowid. Other rowids only grow.
    reuses_rowids: bool = True


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(conn: sqlite3.Connection) -> list[_Table]:
    """Every table of the store the import could write (SQLite's own and the record's not)."""
    found = []
    for name, sql in conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite%' AND name != ? ORDER BY name",
        (UNDO_TABLE,),
    ).fetchall():
        info = conn.execute(f"PRAGMA main.table_info({_quoted(name)})").fetchall()
        columns = [row[1] for row in info]
        key = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        strict = "STRICT" in (sql or "").upper()
        # In a STRICT table an INTEGER or TEXT column holds only integers, text or NULL.
        exact = frozenset(
            row[1] for row in info if strict and row[2].upper() in ("INTEGER", "TEXT")
        )
        try:
            conn.execute(f"SELECT rowid FROM main.{_quoted(name)} LIMIT 0")
            has_rowid = True
        except sqlite3.OperationalError:  # a WITHOUT ROWID table
            has_rowid = False
        if has_rowid:
            alias = [
                row[1] for row in info if row[5] and len(key) == 1 and row[2].upper() == "INTEGER"
            ]
            columns = ["rowid", *(c for c in columns if c not in alias)]
            found.append(_Table(name, columns, key, True, exact | {"rowid"}, bool(alias)))
        else:
            found.append(_Table(name, columns, key, False, exact))
    return found


def _image(table: _Table, row: str) -> str:
    """SQL for a JSON array of a row's values that comes back exactly: a REAL stays a REAL
    (JSON would write 1.0 as 1) and a BLOB travels as hex (JSON holds no bytes)."""
    parts = []
    for column in table.columns:
        value = f"{row}.{_quoted(column)}" if column != "rowid" else f"{row}.rowid"
        if column in table.exact:  # kept short: the triggers' SQL is compiled per import
            parts.append(value)
            continue
        parts.append(
            f"CASE typeof({value}) WHEN 'blob' THEN json_array('b', hex({value}))"
            f" WHEN 'real' THEN json_array('r', printf('%!.17g', {value})) ELSE {value} END"
        )
    return "json_array(" + ", ".join(parts) + ")"


def _key(table: _Table, row: str) -> str:
    if table.has_rowid:
        return f"{row}.rowid"
    return "json_array(" + ", ".join(f"{row}.{_quoted(c)}" for c in table.key) + ")"


_TABLES: dict[int, list[_Table]] = {}  # by connection, while its triggers are installed


def _install(conn: sqlite3.Connection) -> list[_Table]:
    """The record's triggers on this connection (temporary: no other connection has them,
    and the file's schema does not change). Made once per connection and schema, as DDL costs
    about 20 ms; between imports they do nothing, as ``temp.undo_tops`` is then empty."""
    version = conn.execute("PRAGMA main.schema_version").fetchone()[0]
    installed = conn.execute(
        "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'undo_installed'"
    ).fetchone()
    if (
        installed
        and id(conn) in _TABLES
        and conn.execute("SELECT version FROM temp.undo_installed").fetchone()[0] == version
    ):
        return _TABLES[id(conn)]
    for (name,) in conn.execute(
        "SELECT name FROM temp.sqlite_master WHERE type = 'trigger'"
    ).fetchall():
        if name.startswith(TRIGGER_PREFIX):
            conn.execute(f"DROP TRIGGER temp.{_quoted(name)}")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS undo_tops (tbl TEXT PRIMARY KEY, top INTEGER)")
    tables = _tables(conn)
    into = f"INSERT INTO {UNDO_TABLE} (tbl, key, image) VALUES"
    # Only a row's first state: later ones meet its key and are dropped. (A NOT EXISTS
    # look-up in the trigger's body scanned the whole record for every row: an import
    # changing 10,000 rows took 10 s instead of 2.)
    first = "ON CONFLICT DO NOTHING"
    for table in tables:
        name = _quoted(table.name)
        literal = "'" + table.name.replace("'", "''") + "'"
        # The highest rowid before the import (0: the table was empty, nothing to keep); for
        # tables without rowid, 1 while they are recorded. No row: not recording.
        top = f"(SELECT top FROM temp.undo_tops WHERE tbl = {literal})"
        trigger = TRIGGER_PREFIX + table.name

        if table.reuses_rowids:
            # A row added where none was: deleted again. Elsewhere a new row's rowid is
            # above the table's highest, and the rows above it go in one DELETE.
            when = f"NEW.rowid <= {top}" if table.has_rowid else f"{top} > 0"
            key = _key(table, "NEW")
            conn.execute(
                f"CREATE TEMP TRIGGER {_quoted(trigger + '_ai')} AFTER INSERT ON main.{name}"
                f" WHEN {when} BEGIN {into} ({literal}, {key}, NULL) {first}; END"
            )
        when = f"OLD.rowid <= {top}" if table.has_rowid else f"{top} > 0"
        key = _key(table, "OLD")
        for event, suffix in (("UPDATE", "_bu"), ("DELETE", "_bd")):
            conn.execute(
                f"CREATE TEMP TRIGGER {_quoted(trigger + suffix)} BEFORE {event} ON main.{name}"
                f" WHEN {when} BEGIN {into} ({literal}, {key}, {_image(table, 'OLD')})"
                f" {first}; END"
            )
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS undo_installed (version INTEGER)")
    conn.execute("DELETE FROM temp.undo_installed")
    conn.execute("INSERT INTO temp.undo_installed VALUES (?)", (version,))
    _TABLES[id(conn)] = tables
    return tables


def start_recording(conn: sqlite3.Connection) -> None:
    """Inside the import's open transaction, before it writes: forget the previous record
    and keep the earlier state of whatever this transaction changes from now on."""
    tables = _install(conn)
    forget(conn)
    tops = []
    for table in tables:
        name = _quoted(table.name)
        if table.has_rowid:
            top = conn.execute(f"SELECT max(rowid) FROM main.{name}").fetchone()[0] or 0
        else:
            top = conn.execute(f"SELECT EXISTS (SELECT 1 FROM main.{name})").fetchone()[0]
        tops.append((table.name, int(top)))
    conn.execute("DELETE FROM temp.undo_tops")
    conn.executemany("INSERT INTO temp.undo_tops VALUES (?, ?)", tops)


def stop_recording(conn: sqlite3.Connection, about: dict[str, Any] | None) -> None:
    """Before COMMIT: stop recording and write what the record is of. ``about`` None keeps
    no record (an import that changed this site's identity cannot be taken back)."""
    found = conn.execute("SELECT tbl, top FROM temp.undo_tops").fetchall()
    conn.execute("DELETE FROM temp.undo_tops")
    if about is None:
        conn.execute(f"DELETE FROM {UNDO_TABLE}")
        return
    # None: the table was empty, and is emptied again; a number: a rowid table's rows above
    # it go (for tables without rowid it is 1, and their new rows are in the record).
    tops = {name: top or None for name, top in found}
    header = {"about": {**about, "at": time.time()}, "tops": tops, "after": _fingerprint(conn)}
    conn.execute(
        "INSERT INTO _local (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HEADER_KEY, json.dumps(header, sort_keys=True)),
    )


def _fingerprint(conn: sqlite3.Connection) -> list[Any]:
    """What changes with any later write that would make the undo wrong: a local edit or a
    merge grows the change log, an export is listed, a migration changes the schema."""
    return [
        conn.execute("SELECT max(lsn) FROM _change").fetchone()[0],
        conn.execute("SELECT max(bundle_seq) FROM _export").fetchone()[0],
        conn.execute("PRAGMA user_version").fetchone()[0],
    ]


def _header(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM _local WHERE key = ?", (HEADER_KEY,)).fetchone()
    if row is None:
        return None
    try:
        header = json.loads(row[0])
    except (TypeError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("after") != _fingerprint(conn):
        return None
    return header


def undo_record(conn: sqlite3.Connection) -> UndoRecord | None:
    """The last import's record, if it can still be taken back (nothing written since)."""
    header = _header(conn)
    if header is None:
        return None
    rows = conn.execute(f"SELECT count(*) FROM {UNDO_TABLE}").fetchone()[0]
    return UndoRecord(dict(header.get("about") or {}), int(rows))


def forget(conn: sqlite3.Connection) -> None:
    """Drop the record (inside an open transaction)."""
    conn.execute(f"DELETE FROM {UNDO_TABLE}")
    conn.execute("DELETE FROM _local WHERE key = ?", (HEADER_KEY,))


def _value(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2 and value[0] == "b":
        return bytes.fromhex(value[1])
    if isinstance(value, list) and len(value) == 2 and value[0] == "r":
        return float(value[1])
    return value


def take_back(conn: sqlite3.Connection) -> UndoRecord | None:
    """Inside an open transaction: put every table back as it was before the last import.
    Returns the record taken back, or None when there is none to take back."""
    header = _header(conn)
    if header is None:
        return None
    tables = {table.name: table for table in _tables(conn)}
    tops: dict[str, int | None] = header["tops"]
    # The store's own triggers keep summaries (stock balances, duty done) that are put back
    # from the record too: they must not fire while it is replayed.
    own_triggers = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'"
    ).fetchall()
    for name, _sql in own_triggers:
        conn.execute(f"DROP TRIGGER main.{_quoted(name)}")
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for name, top in tops.items():
        if name not in tables:
            continue
        if top is None:
            conn.execute(f"DELETE FROM main.{_quoted(name)}")
        elif tables[name].has_rowid:
            conn.execute(f"DELETE FROM main.{_quoted(name)} WHERE rowid > ?", (top,))
    kept = conn.execute(f"SELECT tbl, key, image FROM {UNDO_TABLE}").fetchall()
    for name, key, _image_text in kept:
        table = tables[name]
        if table.has_rowid:
            conn.execute(f"DELETE FROM main.{_quoted(name)} WHERE rowid = ?", (key,))
        else:
            values = json.loads(key)
            same = " AND ".join(f"{_quoted(c)} IS ?" for c in table.key)
            conn.execute(f"DELETE FROM main.{_quoted(name)} WHERE {same}", values)
    for name, _key_value, image_text in kept:
        if image_text is None:
            continue
        table = tables[name]
        values = [_value(v) for v in json.loads(image_text)]
        columns = ", ".join(c if c == "rowid" else _quoted(c) for c in table.columns)
        marks = ", ".join("?" * len(values))
        conn.execute(f"INSERT INTO main.{_quoted(name)} ({columns}) VALUES ({marks})", values)
    for _name, sql in own_triggers:
        conn.execute(sql)
    forget(conn)
    return UndoRecord(dict(header.get("about") or {}), len(kept))
