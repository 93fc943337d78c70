"""The day's backup after an import, and restoring one (which takes a new site identity)."""

from __future__ import annotations

import shutil

from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.sync.backups import KEEP, list_backups, make_backup, restore_backup
from coopdesk.sync.identity import identity_notice, previous_site_ids
from coopdesk.sync.importing import import_bundle
from tests.sync_helpers import Federation, fast_tmp_root


def test_the_days_first_import_is_followed_by_a_backup_and_can_be_taken_back(tmp_path):
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    kitchen = coop["Kitchen"]
    before = dump_json(kitchen)
    with coop["Warehouse"].transaction(coop.ana) as tx:
        tx.insert("member", {"name": "Bea"})
    result = import_bundle(kitchen, coop.export("Warehouse"), coop.ana)
    after = dump_json(kitchen)
    assert result.backup is not None and result.backup.path.exists()
    assert "daily-after-import-from-Warehouse" in result.backup.name
    assert list_backups(kitchen)[0].reason == "daily after import from Warehouse"
    copy = tmp_path / "restored"
    copy.mkdir()
    shutil.copy(result.backup.path, copy / "coopdesk.sqlite3")
    from coopdesk.store.store import Store

    with Store.open(copy) as backup_store:
        assert dump_json(backup_store) == after
    assert kitchen.take_back_last_import() is not None  # the store before: its undo record
    assert dump_json(kitchen) == before
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


def test_only_the_newest_backups_are_kept(store):
    for number in range(KEEP + 3):
        make_backup(store, reason=f"test {number}")
    kept = list_backups(store)
    assert len(kept) == KEEP
    assert kept[0].reason == f"test {KEEP + 2}"


def test_restoring_a_backup_brings_back_the_data_and_mints_a_new_site_id(store, ana):
    old_site = store.site_id
    backup = make_backup(store, reason="before the party")
    with store.transaction(ana) as tx:
        tx.insert("member", {"name": "Added after the backup"})
    new_site = restore_backup(store, backup.name, ana)
    assert new_site != old_site and store.site_id == new_site
    assert old_site in previous_site_ids(store)
    assert not store.query("SELECT 1 FROM member WHERE name = 'Added after the backup'")
    assert "restored from a backup" in identity_notice(store)
    assert check_store(store) == []
    with store.transaction(ana) as tx:
        tx.insert("member", {"name": "After the restore"})
    entry = store.query("SELECT origin, seq FROM _change ORDER BY lsn DESC LIMIT 1")[0]
    assert entry == {"origin": new_site, "seq": 2}  # 1 was this site's own row
    assert any("before restoring" in b.reason for b in list_backups(store))


def test_changes_lost_by_a_restore_come_back_from_the_other_sites():
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    kitchen = coop["Kitchen"]
    backup = make_backup(kitchen, reason="monday")
    with kitchen.transaction(coop.ana) as tx:
        late = tx.insert("member", {"name": "Made after Monday"})
    coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    old_site = kitchen.site_id
    restore_backup(kitchen, backup.name, coop.ana)
    assert kitchen.get("member", late) is None
    coop.deliver(coop.export("Kitchen"), "Warehouse")  # Warehouse learns of the new identity
    assert coop["Warehouse"].get("site", old_site)["replaced_by"] == kitchen.site_id
    coop.deliver(coop.export("Warehouse"), "Kitchen")
    assert kitchen.get("member", late)["name"] == "Made after Monday"
    coop.sync_all()
    assert coop.converged()
    coop.close()
    shutil.rmtree(root, ignore_errors=True)
