"""The automatic backup after an import: made when due (at most one a day), and the
automatic backups kept take at most twice the store's size."""

from __future__ import annotations

import os
import shutil
import time

from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store
from coopdesk.sync import backups
from coopdesk.sync.backups import backup_if_due, list_backups, make_backup
from coopdesk.sync.importing import import_bundle
from tests.sync_helpers import Federation, fast_tmp_root


def age(backup: backups.Backup, seconds: float) -> None:
    """Make a backup look ``seconds`` older than it is (its time is the file's)."""
    when = backup.path.stat().st_mtime - seconds
    os.utime(backup.path, (when, when))


def test_an_import_backs_up_only_when_the_newest_backup_is_a_day_old(tmp_path):
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]

    def new_member(name: str):
        with warehouse.transaction(coop.ana) as tx:
            tx.insert("member", {"name": name})
        return import_bundle(kitchen, coop.export("Warehouse", "Kitchen"), coop.ana)

    first = new_member("Bea")
    assert first.backup is not None  # none yet: due
    second = new_member("Carl")
    assert second.backup is None and len(list_backups(kitchen)) == 1  # one today already
    assert kitchen.query("SELECT 1 FROM member WHERE name = 'Carl'")

    age(list_backups(kitchen)[0], backups.AUTOMATIC_EVERY + 60)
    third = new_member("Dana")
    after = dump_json(kitchen)
    assert third.backup is not None and len(list_backups(kitchen)) == 2
    copy = tmp_path / "restored"
    copy.mkdir()
    shutil.copy(third.backup.path, copy / "coopdesk.sqlite3")
    with Store.open(copy) as restored:  # the backup is the store just after that import
        assert dump_json(restored) == after
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


def test_a_backup_made_by_hand_today_counts_as_the_days_backup(store):
    make_backup(store, reason="made by hand")
    assert backup_if_due(store, "before import from Warehouse") is None
    later = time.time() + backups.AUTOMATIC_EVERY + 1
    assert backup_if_due(store, "before import from Warehouse", now=later) is not None


def test_automatic_backups_take_at_most_twice_the_stores_size(store, ana):
    with store.transaction(ana) as tx:
        for number in range(300):
            tx.insert("member", {"name": f"Member {number}", "notes": "x" * 200})
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    by_hand = make_backup(store, reason="made by hand")
    made = []
    for _day in range(6):
        for backup in list_backups(store):
            age(backup, backups.AUTOMATIC_EVERY + 1)  # a day later: the next one is due
        made.append(backup_if_due(store, "before import from Warehouse"))
    automatic = [b for b in list_backups(store) if b.reason.startswith("before import")]
    assert all(made)
    assert sum(b.size for b in automatic) <= 2 * backups.store_size(store)
    assert 1 <= len(automatic) < 6
    assert automatic[0].path == made[-1].path  # the newest is always kept
    assert by_hand.path.exists()  # backups made by hand are not the budget's to remove
