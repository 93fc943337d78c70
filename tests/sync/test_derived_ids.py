"""Rows whose id derives from what they are about: made at two sites, they merge into one.

A shift generated from the same template for the same day at two sites, or the same member
signed up for the same shift at two sites, is one row after sync, and nobody is asked to
settle a "conflict" between two identical things, or over which sign-up time counts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coopdesk.store.dump import dump_json
from coopdesk.store.ids import derived_id
from coopdesk.store.store import Store
from coopdesk.sync.conflicts import list_conflicts
from tests.sync_helpers import Federation, fast_tmp_root

SHIFT = {
    "title": "Tuesday meal",
    "starts_at": "2026-12-01T18:00",
    "ends_at": "2026-12-01T21:00",
    "capacity": 3,
}


@pytest.fixture
def coop() -> Iterator[Federation]:
    federation = Federation.create(fast_tmp_root(), ["Kitchen", "Warehouse"])
    yield federation
    federation.close()


def _insert(store: Store, author: str, table: str, row_id: str, fields: dict) -> None:
    with store.transaction(author) as tx:
        tx.insert(table, fields, row_id=row_id)


def _exchange(coop: Federation) -> None:
    to_warehouse = coop.export("Kitchen", "Warehouse")
    to_kitchen = coop.export("Warehouse", "Kitchen")
    coop.deliver(to_warehouse, "Warehouse")
    coop.deliver(to_kitchen, "Kitchen")


def test_the_same_row_made_at_two_sites_is_one_row_and_no_conflict(coop: Federation):
    shift_id = derived_id("shift", "template", "2026-12-01")
    for name in ("Kitchen", "Warehouse"):
        _insert(coop[name], coop.ana, "shift", shift_id, SHIFT)
    _exchange(coop)
    for name in ("Kitchen", "Warehouse"):
        assert coop[name].query("SELECT count(*) AS n FROM shift")[0]["n"] == 1
        assert list_conflicts(coop[name]) == []
    assert dump_json(coop["Kitchen"]) == dump_json(coop["Warehouse"])


def test_two_sign_ups_of_one_member_merge_without_asking_anyone(coop: Federation):
    shift_id = derived_id("shift", "template", "2026-12-01")
    _insert(coop["Kitchen"], coop.ana, "shift", shift_id, SHIFT)
    _exchange(coop)
    signup_id = derived_id("shift_signup", shift_id, coop.ana)
    for name, when in (("Kitchen", "2026-11-25T09:00"), ("Warehouse", "2026-11-25T09:05")):
        store = coop[name]
        _insert(
            store,
            coop.ana,
            "shift_signup",
            signup_id,
            {
                "shift_id": shift_id,
                "member_id": coop.ana,
                "signed_up_at": when,
                "site_id": store.site_id,
            },
        )
    _exchange(coop)
    kitchen, warehouse = (
        coop["Kitchen"].get("shift_signup", signup_id),
        coop["Warehouse"].get("shift_signup", signup_id),
    )
    assert kitchen == warehouse  # the same winner everywhere
    assert list_conflicts(coop["Kitchen"]) == list_conflicts(coop["Warehouse"]) == []
    assert dump_json(coop["Kitchen"]) == dump_json(coop["Warehouse"])


def test_a_real_disagreement_on_a_derived_row_is_still_a_conflict(coop: Federation):
    shift_id = derived_id("shift", "template", "2026-12-01")
    _insert(coop["Kitchen"], coop.ana, "shift", shift_id, SHIFT)
    _exchange(coop)
    for name, capacity in (("Kitchen", 4), ("Warehouse", 5)):
        with coop[name].transaction(coop.ana) as tx:
            tx.update("shift", shift_id, {"capacity": capacity})
    _exchange(coop)
    conflicts = list_conflicts(coop["Kitchen"])
    assert [c.column for c in conflicts] == ["capacity"]
    assert [c.column for c in list_conflicts(coop["Warehouse"])] == ["capacity"]
