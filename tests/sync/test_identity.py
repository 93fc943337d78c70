"""Two computers must never share one site identity (a copied store, a reused invitation)."""

from __future__ import annotations

import shutil

import pytest

from coopdesk.base.paths import store_path
from coopdesk.store.store import Store
from coopdesk.sync.export import export_bundle
from coopdesk.sync.identity import identity_notice
from coopdesk.sync.importing import import_bundle
from tests.sync_helpers import Federation, fast_tmp_root


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def copy_store(store: Store, target) -> Store:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target.mkdir()
    shutil.copy(store.path, store_path(target))
    return Store.open(target)


def test_a_store_that_sees_its_own_identity_ahead_of_itself_takes_a_new_one(coop, tmp_path):
    kitchen = coop["Kitchen"]
    old_copy = copy_store(kitchen, tmp_path / "old-copy")  # e.g. restored by hand from a file
    with kitchen.transaction(coop.ana) as tx:
        late = tx.insert("member", {"name": "Made by the real Kitchen"})
    coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    # The evidence is the real Kitchen's sealed change (a header's word would not do: any
    # site could claim it), relayed by Warehouse in a bundle with everything.
    result = import_bundle(old_copy, coop.export("Warehouse", full=True), coop.ana, backup=False)
    assert old_copy.site_id != kitchen.site_id
    assert result.report.identity_notice and "new site identity" in result.report.identity_notice
    assert identity_notice(old_copy) == result.report.identity_notice
    # Once the others hear from the copy's new identity, what it lacks travels to it.
    copy_bundle = tmp_path / "from-copy.coopsync"
    export_bundle(old_copy, copy_bundle)
    coop.deliver(copy_bundle, "Warehouse")
    import_bundle(old_copy, coop.export("Warehouse"), coop.ana, backup=False)
    assert old_copy.get("member", late)["name"] == "Made by the real Kitchen"
    old_copy.close()


def test_two_computers_with_one_identity_heal_instead_of_being_refused(coop, tmp_path):
    """A store file copied by hand (no registry to notice it): both write as Kitchen. The
    receiver keeps one history of Kitchen and sets the other aside (never a refusal for
    good); once each computer has heard from the other side, every change is everywhere."""
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    twin = copy_store(kitchen, tmp_path / "twin")
    made = {}
    for store, name in ((kitchen, "Real"), (twin, "Twin")):
        with store.transaction(coop.ana) as tx:
            made[name] = tx.insert("member", {"name": name})
    with warehouse.transaction(coop.ana) as tx:
        made["Warehouse"] = tx.insert("member", {"name": "At the warehouse"})
    coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    twin_bundle = tmp_path / "twin.coopsync"
    export_bundle(twin, twin_bundle, full=True)
    result = import_bundle(warehouse, twin_bundle, coop.ana, backup=False)
    assert result.report.set_aside[kitchen.site_id] == 1
    assert any("used on two computers" in line for line in result.not_applied)
    # Both halves hear from the warehouse; whichever lost takes a new identity.
    coop.sites["Twin"] = twin
    for _round in range(3):
        coop.sync_all()
    assert twin.site_id != kitchen.site_id
    assert len(set(coop.dumps().values())) == 1
    for store in coop.sites.values():
        for member in made.values():
            assert store.get("member", member) is not None
