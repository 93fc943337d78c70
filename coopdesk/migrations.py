"""Versioned schema migrations, applied when a store is opened.

Each migration is a function that runs inside the same transaction as the bump of
``PRAGMA user_version``, so a store is always at exactly one version. A store whose version
is higher than ``SCHEMA_VERSION`` was made by a newer CoopDesk: it is refused before
anything is written, never "upgraded" down.

Migrations are additive (new tables, new columns with defaults) so that a newer CoopDesk can
still merge bundles from sites that have not upgraded yet. They spell out their DDL instead
of deriving it from ``coopdesk.schema`` because a migration must keep meaning what it meant
when it shipped; ``tests/test_migrations.py`` checks that the result matches the schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from coopdesk import __version__

Migration = Callable[[sqlite3.Connection], None]


def replicated_table_sql(name: str, columns: str) -> str:
    """DDL of a record table: the id, its columns, and the merge bookkeeping columns."""
    return f"""
        CREATE TABLE {name} (
            id TEXT PRIMARY KEY NOT NULL,
            {columns},
            _cl INTEGER NOT NULL DEFAULT 1,
            _clock TEXT NOT NULL
        ) STRICT
    """


def _001_foundation(conn: sqlite3.Connection) -> None:
    """Local identity, the change log, and the coop, its sites and members."""
    conn.execute(
        """
        CREATE TABLE _local (
            key TEXT PRIMARY KEY NOT NULL,
            value ANY
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _change (
            lsn INTEGER PRIMARY KEY,
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            author TEXT NOT NULL,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            op TEXT NOT NULL,
            cl INTEGER NOT NULL,
            fields TEXT,
            versions TEXT,
            UNIQUE (origin, seq, idx)
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _vv (
            site_id TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _rival (
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            col TEXT NOT NULL,
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            version INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            author TEXT NOT NULL,
            value ANY,
            PRIMARY KEY (tbl, row_id, col, origin, seq)
        ) STRICT
        """
    )
    conn.execute(replicated_table_sql("coop", "name TEXT NOT NULL"))
    conn.execute(replicated_table_sql("site", "name TEXT NOT NULL"))
    conn.execute(
        replicated_table_sql(
            "member",
            """name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            skills TEXT NOT NULL DEFAULT '[]',
            home_site_id TEXT REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED,
            notes TEXT""",
        )
    )
    conn.execute("CREATE INDEX member_name ON member(name COLLATE NOCASE)")


def _002_sync(conn: sqlite3.Connection) -> None:
    """What sync needs: what each peer has, which bundles came in, the encryption setting."""
    conn.execute("ALTER TABLE coop ADD COLUMN encrypt_bundles INTEGER NOT NULL DEFAULT 1")
    conn.execute(
        """
        CREATE TABLE _peer (
            site_id TEXT PRIMARY KEY NOT NULL,
            vv TEXT NOT NULL DEFAULT '{}',
            bundle_seq INTEGER NOT NULL DEFAULT 0,
            last_hlc INTEGER,
            heard_at REAL,
            clock_warning TEXT
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _bundle_seen (
            site_id TEXT NOT NULL,
            bundle_seq INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            imported_at REAL NOT NULL,
            PRIMARY KEY (site_id, bundle_seq)
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _export (
            bundle_seq INTEGER PRIMARY KEY,
            for_site TEXT,
            path TEXT NOT NULL,
            entries INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            made_at REAL NOT NULL
        ) STRICT
        """
    )


def _003_site_replaced_by(conn: sqlite3.Connection) -> None:
    """A site identity retired by a restore names the identity that replaced it."""
    conn.execute(
        "ALTER TABLE site ADD COLUMN replaced_by TEXT"
        " REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED"
    )


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "foundation", _001_foundation),
    (2, "sync", _002_sync),
    (3, "site replaced by", _003_site_replaced_by),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


def record(conn: sqlite3.Connection, version: int, name: str) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL, app_version TEXT NOT NULL) STRICT"
    )
    conn.execute(
        "INSERT INTO _migrations VALUES (?, ?, ?, ?)",
        (version, name, datetime.now(UTC).isoformat(timespec="seconds"), __version__),
    )


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration the store lacks, each in its own transaction. Returns them."""
    applied = []
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for version, name, migration in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration(conn)
            record(conn, version, name)
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
