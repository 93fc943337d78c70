"""The store and its one write path: every change is logged, attributed and sequenced."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from coopdesk.base.errors import NoAuthorError, NoStoreError, StoreExistsError, ValidationError
from coopdesk.base.paths import store_path
from coopdesk.store.changes import Changes
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import UUID_RE
from coopdesk.store.store import Store
from coopdesk.store.transaction import field_clock


def log(store: Store) -> list[dict]:
    return store.query("SELECT * FROM _change ORDER BY lsn")


def test_store_file_lives_in_the_data_dir_with_wal_fk_and_full_sync(store: Store, data_dir: Path):
    assert store.path == store_path(data_dir)
    assert store.path.exists()
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_open_without_a_store_says_how_to_start(tmp_path: Path):
    with pytest.raises(NoStoreError, match="coopdesk init"):
        Store.open(tmp_path / "empty")


def test_create_refuses_when_a_store_exists(store: Store, data_dir: Path):
    with pytest.raises(StoreExistsError):
        Store.create(data_dir)


def test_every_write_is_logged_with_origin_seq_clock_and_author(store: Store, ana: str):
    before = store.last_seq
    with store.transaction(ana) as tx:
        tomas = tx.insert("member", {"name": "Tomás", "email": "t@example.org"})
        tx.insert("member", {"name": "Li Wei"})
    entries = log(store)[-2:]
    assert {e["seq"] for e in entries} == {before + 1}
    assert [e["idx"] for e in entries] == [0, 1]
    assert all(e["origin"] == store.site_id for e in entries)
    assert all(e["author"] == ana for e in entries)
    assert entries[0]["row_id"] == tomas and entries[0]["op"] == "insert"
    assert json.loads(entries[0]["fields"])["email"] == "t@example.org"
    assert store.last_seq == before + 1
    assert store.version_vector()[store.site_id] == before + 1

    with store.transaction(ana) as tx:
        tx.update("member", tomas, {"phone": "555"})
    update = log(store)[-1]
    assert update["seq"] == before + 2
    assert update["hlc"] > entries[0]["hlc"]
    assert json.loads(update["fields"]) == {"phone": "555"}


def test_sequence_numbers_only_go_up_and_survive_reopening(store: Store, ana: str, data_dir):
    seqs = []
    for name in ("A", "B", "C"):
        with store.transaction(ana) as tx:
            tx.insert("member", {"name": name})
        seqs.append(store.last_seq)
    store.close()
    reopened = Store.open(data_dir)
    with reopened.transaction(ana) as tx:
        tx.insert("member", {"name": "D"})
    seqs.append(reopened.last_seq)
    assert seqs == sorted(set(seqs))
    hlcs = [e["hlc"] for e in log(reopened)]
    assert hlcs == sorted(hlcs)
    reopened.close()


def test_a_failed_transaction_leaves_no_trace(store: Store, ana: str):
    before_log = log(store)
    before_seq = store.last_seq
    with pytest.raises(ValidationError), store.transaction(ana) as tx:
        tx.insert("member", {"name": "Fine"})
        tx.insert("member", {"name": ""})
    assert log(store) == before_log
    assert store.last_seq == before_seq
    assert store.query("SELECT count(*) AS n FROM member WHERE name = 'Fine'")[0]["n"] == 0


def test_nobody_at_the_keyboard_cannot_change_anything(store: Store):
    with pytest.raises(NoAuthorError), store.transaction(None) as tx:
        tx.insert("member", {"name": "Ghost"})
    assert not store.query("SELECT 1 FROM member WHERE name = 'Ghost'")


def test_unknown_or_archived_authors_are_refused(store: Store, ana: str):
    with pytest.raises(NoAuthorError), store.transaction("not-a-member") as tx:
        tx.insert("member", {"name": "Ghost"})
    with store.transaction(ana) as tx:
        bea = tx.insert("member", {"name": "Bea"})
    with store.transaction(ana) as tx:
        tx.archive("member", bea)
    with pytest.raises(NoAuthorError, match="archived"), store.transaction(bea) as tx:
        tx.insert("member", {"name": "Ghost"})
    assert not store.query("SELECT 1 FROM member WHERE name = 'Ghost'")


def test_rows_have_random_uuid_ids(store: Store, ana: str):
    with store.transaction(ana) as tx:
        first = tx.insert("member", {"name": "One"})
        second = tx.insert("member", {"name": "Two"})
    assert first != second
    assert len(first) == 36 and first.count("-") == 4


def test_update_logs_only_changed_fields_with_versions_and_parents(store: Store, ana: str):
    with store.transaction(ana) as tx:
        row = tx.insert("member", {"name": "Bea", "email": "bea@example.org"})
    inserted = log(store)[-1]
    with store.transaction(ana) as tx:
        changed = tx.update("member", row, {"name": "Bea", "email": "b@example.org"})
    assert changed == {"email"}
    entry = log(store)[-1]
    assert json.loads(entry["fields"]) == {"email": "b@example.org"}
    version, parents = json.loads(entry["versions"])["email"]
    assert version == 2
    assert parents == [[store.site_id, inserted["seq"]]]
    clock = json.loads(store.query("SELECT _clock FROM member WHERE id = ?", [row])[0]["_clock"])
    assert field_clock(clock, "email")[0] == 2 and field_clock(clock, "name")[0] == 1


def test_an_update_that_changes_nothing_writes_nothing(store: Store, ana: str):
    before = log(store)
    with store.transaction(ana) as tx:
        assert tx.update("member", ana, {"name": "Ana"}) == set()
    assert log(store) == before


def test_insert_then_update_in_one_transaction_is_one_log_entry(store: Store, ana: str):
    with store.transaction(ana) as tx:
        row = tx.insert("member", {"name": "Draft"})
        tx.update("member", row, {"name": "Final"})
    entries = [e for e in log(store) if e["row_id"] == row]
    assert len(entries) == 1
    assert json.loads(entries[0]["fields"])["name"] == "Final"
    assert entries[0]["versions"] is None  # every field at version 1


def test_archive_and_restore_are_causal_lengths(store: Store, ana: str):
    with store.transaction(ana) as tx:
        row = tx.insert("member", {"name": "Bea"})
    with store.transaction(ana) as tx:
        tx.archive("member", row)
    assert store.get("member", row)["archived"] is True
    with pytest.raises(ValidationError, match="already archived"), store.transaction(ana) as tx:
        tx.archive("member", row)
    with store.transaction(ana) as tx:
        tx.restore("member", row)
    assert store.get("member", row)["archived"] is False
    ops = [(e["op"], e["cl"]) for e in log(store) if e["row_id"] == row]
    assert ops == [("insert", 1), ("archive", 2), ("restore", 3)]


def test_references_must_point_at_existing_rows(store: Store, ana: str):
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(ValidationError, match="no site"), store.transaction(ana) as tx:
        tx.insert("member", {"name": "Bea", "home_site_id": missing})


def test_local_settings_are_not_logged(store: Store):
    before = log(store)
    store.local_set("gui.section", "members")
    assert store.local_get("gui.section") == "members"
    assert log(store) == before


def test_listeners_hear_which_tables_and_rows_changed_and_who_changed_them(store: Store, ana: str):
    heard: list[Changes] = []
    store.subscribe(heard.append)
    with store.transaction(ana) as tx:
        bea = tx.insert("member", {"name": "Bea"})
    with store.transaction(ana) as tx:
        tx.update("site", store.site_id, {"name": "Big Kitchen"})
    with store.transaction(ana) as tx:
        tx.update("site", store.site_id, {"name": "Big Kitchen"})  # changes nothing
    assert [c.tables for c in heard] == [frozenset({"member"}), frozenset({"site"})]
    assert [c.rows for c in heard] == [{"member": {bea}}, {"site": {store.site_id}}]
    assert {c.author for c in heard} == {ana}
    assert {c.source for c in heard} == {"local"}


def test_a_second_connection_sees_committed_changes(store: Store, ana: str):
    other = Store.open_file(store.path)
    with store.transaction(ana) as tx:
        row = tx.insert("member", {"name": "Bea"})
    assert other.get("member", row)["name"] == "Bea"
    other.close()


def test_nul_characters_are_refused(store: Store, ana: str):
    with pytest.raises(ValidationError), store.transaction(ana) as tx:
        tx.insert("member", {"name": "Be\x00a"})


def test_the_database_rejects_writes_of_the_wrong_type(store: Store):
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE member SET _cl = 'x'")


def test_a_change_is_stamped_after_what_another_connection_stamped(store: Store, ana: str):
    other = Store.open_file(store.path)
    other.clock.now_ms = lambda: 4_000_000_000_000  # a later time, as after an import
    with other.transaction(ana) as tx:
        tx.insert("member", {"name": "From the other connection"})
    with store.transaction(ana) as tx:
        tx.insert("member", {"name": "Made here next"})
    stamps = [e["hlc"] for e in log(store)[-2:]]
    assert stamps[1] > stamps[0]
    other.close()


def test_a_ledger_row_cannot_be_changed_or_archived(store: Store, ana: str):
    with store.transaction(ana) as tx:
        item = tx.insert("item", {"name": "Oil", "unit": "l"})
        move = tx.insert(
            "stock_move",
            {"item_id": item, "site_id": store.site_id, "delta": 3, "moved_at": "2026-11-25"},
        )
    for change in (
        lambda tx: tx.update("stock_move", move, {"delta": 4}),
        lambda tx: tx.archive("stock_move", move),
    ):
        with (
            pytest.raises(ValidationError, match="record a correction"),
            store.transaction(ana) as tx,
        ):
            change(tx)
    assert store.get("stock_move", move)["delta"] == 3


def test_derived_ids_are_the_same_everywhere_and_differ_by_their_parts():
    first = derived_id("shift", "template-1", "2026-12-01")
    assert first == derived_id("shift", "template-1", "2026-12-01")
    assert first != derived_id("shift", "template-1", "2026-12-08")
    assert first != derived_id("shift_signup", "template-1", "2026-12-01")
    assert UUID_RE.match(first)


@pytest.mark.parametrize(
    ("column", "given", "stored"),
    [
        ("starts_at", "2026-12-01T18:00", "2026-12-01T18:00:00"),
        ("starts_at", "2026-12-01 18:00:30.5", "2026-12-01T18:00:30"),
        ("starts_at", "2026-12-01", "2026-12-01T00:00:00"),
    ],
)
def test_dates_and_times_are_stored_in_one_form(store: Store, ana: str, column, given, stored):
    with store.transaction(ana) as tx:
        shift = tx.insert(
            "shift",
            {"title": "Open", "starts_at": given, "ends_at": "2026-12-02T00:00:00"},
        )
    assert store.get("shift", shift)[column] == stored


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": "2026-11-31T18:00"}, "not a valid date and time"),
        ({"starts_at": "tomorrow"}, "write it like 2026-12-01T18:00"),
        ({"capacity": 0}, "People needed must be between 1"),
    ],
)
def test_bad_dates_and_ranges_are_refused_with_a_clear_message(
    store: Store, ana: str, fields, message
):
    values = {"title": "Open", "starts_at": "2026-12-01T18:00", "ends_at": "2026-12-01T21:00"}
    with pytest.raises(ValidationError, match=message), store.transaction(ana) as tx:
        tx.insert("shift", {**values, **fields})
    assert store.query("SELECT count(*) AS n FROM shift")[0]["n"] == 0


def test_a_choice_takes_only_its_values(store: Store, ana: str):
    with store.transaction(ana) as tx:
        task = tx.insert("task", {"title": "Sweep", "status": "Doing"})
    assert store.get("task", task)["status"] == "doing"
    refused = pytest.raises(ValidationError, match="must be one of: todo, doing, done")
    with refused, store.transaction(ana) as tx:
        tx.update("task", task, {"status": "finished"})
