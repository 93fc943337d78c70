"""Stores made by round one (schema 7, bundle format 1) open, upgrade and sync on.

The fixtures are two synced sites of a round-one coop (made by that version's own code):
Kitchen founded it, Warehouse joined; Bea's phone was changed at Warehouse, Cal added there
and archived at Kitchen. After the upgrade each site has sealed its own history and holds
the others' as an unsigned chain, so the first sealed bundle of each chains onto it.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from coopdesk.base.paths import store_path
from coopdesk.coop.members import add_member
from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import import_bundle

FIXTURES = Path(__file__).parent / "fixtures"


def round_one_store(name: str, folder: Path) -> Store:
    folder.mkdir(parents=True)
    data = gzip.decompress((FIXTURES / f"round-one-{name}.sqlite3.gz").read_bytes())
    store_path(folder).write_bytes(data)
    return Store.open(folder)


def test_round_one_sites_upgrade_and_keep_syncing(tmp_path):
    kitchen = round_one_store("kitchen", tmp_path / "kitchen")
    warehouse = round_one_store("warehouse", tmp_path / "warehouse")
    assert kitchen.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert kitchen.local_get("root_private") is None
    assert dump_json(kitchen) == dump_json(warehouse)
    ana = str(kitchen.local_get("default_member_id"))
    dot = add_member(kitchen, ana, "Dot")
    eve = add_member(warehouse, ana, "Eve")
    for sender, receiver in ((kitchen, warehouse), (warehouse, kitchen)):
        bundle = tmp_path / f"from-{sender.site_id}.coopsync"
        export_bundle(sender, bundle)
        result = import_bundle(receiver, bundle, ana, backup=False)
        assert not result.report.refused_origins and not result.report.held
    assert warehouse.get("member", dot)["name"] == "Dot"
    assert kitchen.get("member", eve)["name"] == "Eve"
    assert dump_json(kitchen) == dump_json(warehouse)
    assert check_store(kitchen) == [] and check_store(warehouse) == []
    kitchen.close()
    warehouse.close()
