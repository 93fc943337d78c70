"""The demo coop: believable data, made through the ordinary write path."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopdesk.base.errors import StoreExistsError
from coopdesk.coop import activity, members
from coopdesk.coop.coop import identity, sites
from coopdesk.demo import create_demo


def test_demo_coop_has_a_few_dozen_members_at_several_sites(tmp_path: Path):
    store = create_demo(tmp_path)
    assert identity(store).coop_name == "Riverside Food Coop"
    assert 30 <= members.count_members(store) <= 50
    assert members.count_members(store, "archived") == 1
    assert len(sites(store)) == 3
    authors = {row["author"] for row in store.query("SELECT DISTINCT author FROM _change")}
    assert len(authors) > 3
    items = activity.recent_changes(store, limit=500)
    assert len({round(item.when / 86400) for item in items}) > 5  # spread over weeks
    store.close()


def test_demo_refuses_to_overwrite_a_store(store, data_dir):
    with pytest.raises(StoreExistsError):
        create_demo(data_dir)


def test_demo_coop_has_heard_from_its_other_sites_and_has_a_conflict(tmp_path: Path):
    from coopdesk.sync.conflicts import list_conflicts
    from coopdesk.sync.peers import sites_overview

    store = create_demo(tmp_path)
    others = [s for s in sites_overview(store) if not s.this_site]
    assert {s.name for s in others} == {"Warehouse", "Market Hall"}
    assert all(s.heard_at is not None and not s.clock_warning for s in others)
    conflicts = list_conflicts(store)
    assert len(conflicts) == 1 and conflicts[0].column == "phone"
    sites_in_log = {item.site for item in activity.recent_changes(store, limit=500)}
    assert {"Kitchen", "Warehouse", "Market Hall"} <= sites_in_log
    store.close()
