"""Figures on screens read one row however long the history, and still tell the truth."""

from __future__ import annotations

import shutil

from coopdesk.coop import activity, members
from coopdesk.store.store import Store
from tests.sync_helpers import Federation, fast_tmp_root


def test_changes_recorded_is_the_number_of_changes_in_the_log(store: Store, ana: str):
    assert activity.changes_recorded(store) == activity.count_changes(store)
    for number in range(5):
        members.add_member(store, ana, f"Member {number}")
    assert activity.changes_recorded(store) == activity.count_changes(store)


def test_changes_recorded_counts_what_arrives_from_other_sites_too():
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    with coop["Warehouse"].transaction(coop.ana) as tx:
        tx.insert("member", {"name": "Bea"})
    coop.sync_all()
    for site in ("Kitchen", "Warehouse"):
        store = coop[site]
        assert activity.changes_recorded(store) == activity.count_changes(store)
    coop.close()
    shutil.rmtree(root, ignore_errors=True)
