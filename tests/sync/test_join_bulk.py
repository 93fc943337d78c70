"""A new site's first bundle fills empty tables with their indexes built after the rows
(``coopdesk.store.merging._indexes_built_after``): the store ends the same, indexes and all,
and a bundle refused part-way leaves it as it was, indexes included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coopdesk.coop.coop import start_coop
from coopdesk.store import merging
from coopdesk.store.ids import new_id
from coopdesk.store.store import Store
from coopdesk.sync.bundle import BundleInvalidContentError
from coopdesk.sync.importing import import_bundle
from coopdesk.sync.invite import new_site_secrets
from tests.sync.hostile import HostileSite
from tests.sync_helpers import fast_tmp_root

MEMBERS = 30


@pytest.fixture
def root():
    folder = fast_tmp_root()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def indexes_built_after_every_few_rows(monkeypatch):
    """The threshold is for real coops; the small one here takes the same path."""
    monkeypatch.setattr(merging, "BUILD_INDEXES_AFTER", 5)


def coop_of_members(root: Path) -> tuple[Store, str]:
    founder = start_coop(root / "kitchen", "Test Coop", "Kitchen", "Ana")
    ana = str(founder.local_get("default_member_id"))
    with founder.transaction(ana) as tx:
        for number in range(MEMBERS):
            tx.insert("member", {"name": f"Member {number:02d}", "notes": "joined in 2020"})
    return founder, ana


def empty_site(root: Path, secrets: dict) -> Store:
    """The store of a new computer before its first bundle (as ``join_with_secrets`` makes it)."""
    store = Store.create(root / "warehouse", site_id=secrets["site_id"])
    for key in ("coop_id", "root_public", "bundle_key", "site_private"):
        store.local_set(key, secrets[key])
    store.local_set("site_certificate", json.dumps(secrets["site_certificate"]))
    return store


def indexes(store: Store, table: str) -> list[tuple[str, str]]:
    return store.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()


def members(store: Store) -> list[tuple]:
    """Each member's values and clock (written as JSON text, spaced differently by SQL)."""
    return [
        (*row[:-1], json.loads(row[-1]))
        for row in store.conn.execute("SELECT id, name, notes, _cl, _clock FROM member ORDER BY id")
    ]


def test_a_joining_site_ends_with_the_rows_and_every_index_of_the_founder(root):
    founder, ana = coop_of_members(root)
    secrets = new_site_secrets(founder, ana, "Warehouse", root / "snapshot.coopsync")
    joined = empty_site(root, secrets)
    assert indexes(joined, "member")  # member_name, made by the schema

    import_bundle(joined, root / "snapshot.coopsync", backup=False)

    assert members(joined) == members(founder)
    assert len(members(joined)) == MEMBERS + 1
    assert indexes(joined, "member") == indexes(founder, "member")
    assert joined.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # The rebuilt index answers: a search by name is read through it.
    plan = joined.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM member WHERE name = ? COLLATE NOCASE", ("Member 07",)
    ).fetchall()
    assert any("member_name" in str(step) for step in plan)
    found = joined.conn.execute(
        "SELECT count(*) FROM member WHERE name = ? COLLATE NOCASE", ("member 07",)
    ).fetchone()
    assert found == (1,)


def test_a_bundle_refused_after_its_rows_went_in_leaves_the_indexes_and_the_rows_as_before(root):
    founder, ana = coop_of_members(root)
    # The founder's program is changed: it sends a member without the required name, which
    # only the table's NOT NULL refuses, once the other new rows are already inserted.
    HostileSite(founder).write(
        [("member", new_id(), "insert", 1, {"notes": "no name"}, None)], author=ana
    )
    secrets = new_site_secrets(founder, ana, "Warehouse", root / "snapshot.coopsync")
    joined = empty_site(root, secrets)
    before = (indexes(joined, "member"), members(joined))

    with pytest.raises(BundleInvalidContentError):
        import_bundle(joined, root / "snapshot.coopsync", backup=False)

    assert (indexes(joined, "member"), members(joined)) == before
    assert members(joined) == []
    assert joined.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_rows_created_then_edited_once_join_in_bulk_with_the_founders_values(root, monkeypatch):
    """A sign-up marked attended, a task done: created, then edited once, the edit made after
    seeing the creation. A new site applies both in SQL, none change by change in Python."""
    founder, ana = coop_of_members(root)
    ids = [
        row[0] for row in founder.conn.execute("SELECT id FROM member WHERE name LIKE 'Member%'")
    ]
    with founder.transaction(ana) as tx:
        for row_id in ids[::2]:
            tx.update("member", row_id, {"notes": "moved away"})
    replayed: list[str] = []
    original = merging._apply_change

    def counted(states, row):
        replayed.append(row[7])
        original(states, row)

    monkeypatch.setattr(merging, "_apply_change", counted)
    secrets = new_site_secrets(founder, ana, "Warehouse", root / "snapshot.coopsync")
    joined = empty_site(root, secrets)

    import_bundle(joined, root / "snapshot.coopsync", backup=False)

    assert members(joined) == members(founder)
    assert not set(replayed) & set(ids)
