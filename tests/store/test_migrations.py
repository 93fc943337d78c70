"""Schema migrations: applied at open, recorded, and never run against a newer store."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from coopdesk.base.errors import NewerStoreError, NotAStoreError
from coopdesk.store import migrations
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_store_is_at_the_current_version_and_records_its_migrations(store: Store):
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    recorded = [row["version"] for row in store.query("SELECT version FROM _migrations")]
    assert recorded == [version for version, _name, _fn in migrations.MIGRATIONS]


def test_opening_applies_missing_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store = Store.create(tmp_path)
    store.close()
    ran = []

    def _add_column(conn: sqlite3.Connection) -> None:
        ran.append(True)
        conn.execute("ALTER TABLE member ADD COLUMN pronouns TEXT")

    future = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (future, "pronouns", _add_column)]
    )
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", future)
    reopened = Store.open(tmp_path)
    assert ran == [True]
    assert reopened.conn.execute("PRAGMA user_version").fetchone()[0] == future
    assert "pronouns" in reopened.db["member"].columns_dict
    reopened.close()
    Store.open(tmp_path).close()
    assert ran == [True]  # not applied twice


def test_a_store_from_a_newer_coopdesk_is_refused_and_left_untouched(store: Store, data_dir):
    path = store.path
    store.conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 5}")
    store.close()
    files_before = sorted(p.name for p in data_dir.iterdir())
    before = digest(path)
    with pytest.raises(NewerStoreError, match="newer CoopDesk"):
        Store.open(data_dir)
    assert digest(path) == before
    assert sorted(p.name for p in data_dir.iterdir()) == files_before
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == (
        migrations.SCHEMA_VERSION + 5
    )


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path):
    junk = tmp_path / "coopdesk.sqlite3"
    junk.write_bytes(b"this is a shopping list, not a database\n" * 10)
    with pytest.raises(NotAStoreError):
        Store.open(tmp_path)
    assert junk.read_bytes().startswith(b"this is a shopping list")


def test_another_apps_sqlite_file_is_refused(tmp_path: Path):
    other = tmp_path / "coopdesk.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAStoreError, match="not a CoopDesk store"):
        Store.open(tmp_path)


def test_the_migrated_schema_matches_the_schema_description(store: Store):
    for spec in TABLES.values():
        columns = store.db[spec.name].columns_dict
        assert set(columns) == {"id", *spec.column_names, "_cl", "_clock"}, spec.name
        for column in spec.columns:
            sql_type = store.query(
                f"SELECT type FROM pragma_table_info('{spec.name}') WHERE name = ?",
                [column.name],
            )[0]["type"]
            assert sql_type == column.sql_type, (spec.name, column.name)
