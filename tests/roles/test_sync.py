"""Every site computes the same schedule from the same data, whatever order bundles came in."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Iterator

import pytest

from coopdesk.coop.members import add_member
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role, opt_in
from coopdesk.roles.rotation import schedule, swap
from coopdesk.store.dump import dump_json
from coopdesk.sync.conflicts import list_conflicts, resolve_conflict
from coopdesk.tasks.chores import add_chore, generate_chore_tasks
from tests.sync_helpers import Federation, fast_tmp_root

START = dt.date(2026, 1, 5)
TODAY = START + dt.timedelta(days=40)


@pytest.fixture
def coop() -> Iterator[Federation]:
    federation = Federation.create(fast_tmp_root(), ["Kitchen", "Warehouse", "Market"])
    yield federation
    federation.close()
    shutil.rmtree(federation.root, ignore_errors=True)


def _plan(store) -> list[dict]:
    return [term.as_json() for term in schedule(store, terms=12, today=TODAY)]


def test_the_same_schedule_at_every_site_after_any_order_of_sync(coop: Federation, tmp_path):
    kitchen, warehouse, market = coop["Kitchen"], coop["Warehouse"], coop["Market"]
    ana = coop.ana
    crew = [ana, *(add_member(kitchen, ana, name) for name in ("Ben", "Cleo", "Dev"))]
    role = add_role(
        kitchen,
        ana,
        "Facilitator",
        term_days=7,
        member_ids=crew,
        starts_on=START,
        policy="fewest-terms",
    )
    add_role(
        kitchen,
        ana,
        "Treasurer",
        term_days=14,
        member_ids=crew[1:],
        starts_on=START,
        policy="least-recent",
        holders=2,
    )
    coop.sync_all()
    # Concurrently: a swap of the same term at two sites, a leave, a new member opting in.
    swap(kitchen, crew[1], role, START + dt.timedelta(days=49), crew[3], crew[1])
    swap(warehouse, crew[2], role, START + dt.timedelta(days=49), crew[3], crew[2])
    with warehouse.transaction(ana) as tx:
        tx.insert("leave", {"member_id": crew[0], "starts_on": TODAY, "ends_on": TODAY})
    eve = add_member(market, ana, "Eve")
    opt_in(market, eve, role, eve)
    bundles = {name: coop.export(name) for name in coop.sites}
    seen_plans = set()
    for order in itertools.permutations(bundles):
        copy = coop.copy_to(tmp_path / "-".join(order))
        for receiver in copy.sites:
            for sender in order:
                if sender != receiver:
                    copy.deliver(bundles[sender], receiver)
        plans = {json.dumps(_plan(store)) for store in copy.sites.values()}
        assert len(plans) == 1
        seen_plans |= plans
        assert copy.converged()
        copy.close()
    assert len(seen_plans) == 1  # the same future whichever order the bundles came in
    plan = json.loads(seen_plans.pop())
    facilitator = [t for t in plan if t["role_name"] == "Facilitator"]
    swapped = next(t for t in facilitator if t["starts_on"] == "2026-02-23")
    assert swapped["overridden"] and swapped["holders"][0] in (crew[1], crew[2])
    assert all(
        ana not in t["holders"]
        for t in facilitator
        if t["starts_on"] <= "2026-02-14" and t["ends_on"] >= "2026-02-14"
    )
    assert any(eve in t["holders"] for t in facilitator)


def test_chore_tasks_made_at_two_sites_are_the_same_rows(coop: Federation):
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    ben = add_member(kitchen, coop.ana, "Ben")
    add_chore(
        kitchen,
        coop.ana,
        "Compost",
        every_days=3,
        strategy="least-done",
        member_ids=[coop.ana, ben],
        starts_on=START,
    )
    coop.sync_all()
    until = START + dt.timedelta(days=30)
    assert generate_chore_tasks(kitchen, coop.ana, until, since=START) == 11
    assert generate_chore_tasks(warehouse, coop.ana, until, since=START) == 11
    coop.sync_all()
    assert coop.converged()
    assert list_conflicts(kitchen) == []
    assert kitchen.query("SELECT count(*) AS n FROM task")[0]["n"] == 11


def test_resolving_a_sync_conflict_follows_the_conflicts_mandate(coop: Federation):
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    ana = coop.ana
    ben = add_member(kitchen, ana, "Ben")
    add_role(kitchen, ana, "Coordinator", term_days=28, member_ids=[ana], mandates=["conflicts"])
    coop.sync_all()
    with kitchen.transaction(ana) as tx:
        tx.update("member", ben, {"phone": "555 0101"})
    with warehouse.transaction(ana) as tx:
        tx.update("member", ben, {"phone": "555 0199"})
    coop.sync_all()
    [conflict] = list_conflicts(kitchen)
    before = dump_json(kitchen)
    with pytest.raises(MandateRequiredError, match="Only this term's Coordinator"):
        resolve_conflict(kitchen, ben, conflict.key)
    assert dump_json(kitchen) == before
    resolve_conflict(kitchen, ana, conflict.key)
    assert list_conflicts(kitchen) == []
    assert kitchen.query("SELECT action FROM mandate_use") == [{"action": "conflicts"}]
