"""Merge algebra: order does not matter, repeating does not matter, ties break the same way."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from coopdesk.store.dump import dump_json
from coopdesk.store.hlc import MAX_DRIFT_MS, system_ms, unpack
from coopdesk.sync.conflicts import list_conflicts, resolve_conflict
from coopdesk.sync.peers import sites_overview
from tests.sync_helpers import Federation, fast_tmp_root

DAY_MS = 86_400_000


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse", "Market", "Clinic"])
    with federation["Kitchen"].transaction(federation.ana) as tx:
        federation.bea = tx.insert("member", {"name": "Bea", "phone": "0"})
    federation.sync_all()
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def edit(federation: Federation, site: str, member: str, **fields) -> None:
    with federation[site].transaction(federation.ana) as tx:
        tx.update("member", member, fields)


def value(federation: Federation, site: str, member: str, field: str):
    return federation[site].get("member", member)[field]


def test_bundles_imported_in_any_order_give_the_same_store(coop: Federation, tmp_path: Path):
    edit(coop, "Kitchen", coop.bea, phone="K", notes="from kitchen")
    edit(coop, "Warehouse", coop.bea, phone="W")
    with coop["Market"].transaction(coop.ana) as tx:
        tx.archive("member", coop.bea)
    bundles = [coop.export(name) for name in ("Kitchen", "Warehouse", "Market")]
    dumps = set()
    for number, order in enumerate(itertools.permutations(bundles)):
        copy = coop.copy_to(tmp_path / f"order-{number}")
        for path in order:
            copy.deliver(path, "Clinic")
        dumps.add(dump_json(copy["Clinic"]))
        copy.close()
    assert len(dumps) == 1


def test_importing_twice_changes_nothing(coop: Federation):
    edit(coop, "Kitchen", coop.bea, phone="K")
    path = coop.export("Kitchen")
    first = coop.deliver(path, "Warehouse")
    after_first = dump_json(coop["Warehouse"])
    again = coop.deliver(path, "Warehouse")
    assert first.report.new_entries == 1 and not first.already_imported
    assert again.already_imported
    assert dump_json(coop["Warehouse"]) == after_first
    # A different bundle holding the same changes is "nothing new", not a second change.
    other = coop.deliver(coop.export("Kitchen", full=True), "Warehouse")
    assert other.report.new_entries == 0
    assert dump_json(coop["Warehouse"]) == after_first


def test_per_field_merge_keeps_both_sites_edits_to_different_fields(coop: Federation):
    edit(coop, "Kitchen", coop.bea, phone="K")
    edit(coop, "Warehouse", coop.bea, notes="W notes")
    coop.sync_all()
    for site in ("Kitchen", "Warehouse", "Market"):
        assert value(coop, site, coop.bea, "phone") == "K"
        assert value(coop, site, coop.bea, "notes") == "W notes"
    assert list_conflicts(coop["Kitchen"]) == []


def test_the_more_edited_value_wins_and_the_other_is_kept_as_a_conflict(coop: Federation):
    edit(coop, "Kitchen", coop.bea, phone="K1")
    edit(coop, "Kitchen", coop.bea, phone="K2")
    edit(coop, "Warehouse", coop.bea, phone="W")
    coop.sync_all()
    assert {value(coop, site, coop.bea, "phone") for site in coop.sites} == {"K2"}
    conflicts = list_conflicts(coop["Market"])
    assert [(c.current_value, c.other_value, c.other_site) for c in conflicts] == [
        ("K2", "W", "Warehouse")
    ]


def test_an_edit_made_after_seeing_a_value_is_not_a_conflict(coop: Federation):
    edit(coop, "Kitchen", coop.bea, phone="K")
    coop.sync_all()
    edit(coop, "Warehouse", coop.bea, phone="W")
    coop.sync_all()
    assert value(coop, "Kitchen", coop.bea, "phone") == "W"
    assert list_conflicts(coop["Kitchen"]) == []


def test_choosing_the_other_value_settles_the_conflict_everywhere(coop: Federation):
    edit(coop, "Kitchen", coop.bea, phone="K")
    edit(coop, "Warehouse", coop.bea, phone="W")
    coop.sync_all()
    conflict = list_conflicts(coop["Market"])[0]
    loser = conflict.other_value
    resolve_conflict(coop["Market"], coop.ana, conflict.key, keep="other")
    coop.sync_all()
    for site in coop.sites:
        assert value(coop, site, coop.bea, "phone") == loser
        assert list_conflicts(coop[site]) == []


def test_keeping_the_current_value_also_settles_it(coop: Federation):
    edit(coop, "Kitchen", coop.bea, phone="K")
    edit(coop, "Warehouse", coop.bea, phone="W")
    coop.sync_all()
    conflict = list_conflicts(coop["Clinic"])[0]
    resolve_conflict(coop["Clinic"], coop.ana, conflict.key, keep="current")
    coop.sync_all()
    assert {value(coop, site, coop.bea, "phone") for site in coop.sites} == {conflict.current_value}
    assert all(list_conflicts(coop[site]) == [] for site in coop.sites)


def test_concurrent_archive_and_edit_both_survive(coop: Federation):
    with coop["Kitchen"].transaction(coop.ana) as tx:
        tx.archive("member", coop.bea)
    edit(coop, "Warehouse", coop.bea, phone="W")
    coop.sync_all()
    for site in coop.sites:
        row = coop[site].get("member", coop.bea)
        assert row["archived"] is True and row["phone"] == "W"


def test_two_sites_archiving_the_same_row_converge(coop: Federation):
    for site in ("Kitchen", "Warehouse"):
        with coop[site].transaction(coop.ana) as tx:
            tx.archive("member", coop.bea)
    coop.sync_all()
    assert coop.converged()
    assert coop["Market"].get("member", coop.bea)["archived"] is True


def test_a_restore_after_seeing_an_archive_beats_a_concurrent_archive(coop: Federation):
    with coop["Kitchen"].transaction(coop.ana) as tx:
        tx.archive("member", coop.bea)
    coop.deliver(coop.export("Kitchen"), "Warehouse")
    with coop["Warehouse"].transaction(coop.ana) as tx:
        tx.restore("member", coop.bea)  # causal length 3
    with coop["Market"].transaction(coop.ana) as tx:
        tx.archive("member", coop.bea)  # causal length 2, concurrent
    coop.sync_all()
    assert coop.converged()
    assert coop["Clinic"].get("member", coop.bea)["archived"] is False


def test_equal_clocks_with_different_values_break_the_tie_by_site_id(coop: Federation):
    frozen = system_ms()
    for site, phone in (("Kitchen", "K"), ("Warehouse", "W")):
        coop[site].clock.now_ms = lambda: frozen
        coop[site].clock.last = frozen << 16
        edit(coop, site, coop.bea, phone=phone)
    kitchen_id, warehouse_id = coop["Kitchen"].site_id, coop["Warehouse"].site_id
    stamps = [
        coop[s].query("SELECT hlc FROM _change ORDER BY lsn DESC LIMIT 1")[0]["hlc"]
        for s in ("Kitchen", "Warehouse")
    ]
    assert stamps[0] == stamps[1]
    coop.sync_all()
    expected = "K" if kitchen_id > warehouse_id else "W"
    assert {value(coop, site, coop.bea, "phone") for site in coop.sites} == {expected}
    assert len(list_conflicts(coop["Market"])) == 1


HOUR_MS = 3_600_000


@pytest.mark.parametrize(
    "skew_ms", [HOUR_MS - 600_000, HOUR_MS + 600_000, DAY_MS - HOUR_MS, 365 * DAY_MS]
)
def test_a_fast_clock_neither_wins_every_edit_nor_drags_others_along(coop: Federation, skew_ms):
    fast = coop["Warehouse"]
    fast.clock.now_ms = lambda: system_ms() + skew_ms
    edit(coop, "Warehouse", coop.bea, phone="from the future")
    result = coop.deliver(coop.export("Warehouse"), "Kitchen")
    kitchen = coop["Kitchen"]
    wall_now = system_ms()
    implausible = skew_ms > MAX_DRIFT_MS
    assert MAX_DRIFT_MS == HOUR_MS  # a warning from an hour ahead
    assert bool(result.report.clock_warnings) == implausible
    # Never dragged further ahead than the warning threshold (23 hours was followed before).
    assert unpack(kitchen.clock.last)[0] <= wall_now + HOUR_MS
    if implausible:
        assert "clock looks wrong" in result.report.clock_warnings[fast.site_id]
        assert unpack(kitchen.clock.last)[0] <= wall_now  # not dragged ahead at all
        warehouse = next(s for s in sites_overview(kitchen) if s.site_id == fast.site_id)
        assert warehouse.clock_warning == result.report.clock_warnings[fast.site_id]
        assert warehouse.clock_ahead_s is not None
        assert warehouse.clock_ahead_s >= skew_ms / 1000 - 60
        assert warehouse.clock_text.endswith("ahead") and warehouse.clock_text != "looks right"
    # Kitchen saw the value, so its next edit supersedes it, whatever the clocks say.
    edit(coop, "Kitchen", coop.bea, phone="fixed")
    coop.sync_all()
    assert {value(coop, site, coop.bea, "phone") for site in coop.sites} == {"fixed"}
    assert coop.converged()


def test_changes_travel_through_a_site_in_between(coop: Federation):
    edit(coop, "Kitchen", coop.bea, notes="made at the kitchen")
    coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    coop.deliver(coop.export("Warehouse", "Clinic"), "Clinic")
    assert value(coop, "Clinic", coop.bea, "notes") == "made at the kitchen"
    entry = coop["Clinic"].query("SELECT origin, author FROM _change ORDER BY lsn DESC LIMIT 1")[0]
    assert entry["origin"] == coop["Kitchen"].site_id and entry["author"] == coop.ana


def test_a_lost_bundle_is_simply_sent_again(coop: Federation):
    edit(coop, "Kitchen", coop.bea, notes="first")
    coop.export("Kitchen", "Warehouse")  # this stick is lost
    edit(coop, "Kitchen", coop.bea, phone="second")
    result = coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    assert result.report.new_entries == 2
    assert value(coop, "Warehouse", coop.bea, "notes") == "first"
