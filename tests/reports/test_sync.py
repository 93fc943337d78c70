"""Every site computes the same report from the same synced rows, whatever order they came in."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil

import pytest

from coopdesk.coop.members import add_member
from coopdesk.inventory.items import add_item
from coopdesk.inventory.stock import move
from coopdesk.inventory.transfers import receive_transfer, send_transfer
from coopdesk.reports.authority import authority_report
from coopdesk.reports.period import make_period
from coopdesk.reports.supplies import supplies_report
from coopdesk.reports.work import work_report
from coopdesk.roles.roles import add_role
from coopdesk.shifts.duty import set_duty_rule
from coopdesk.tasks.tasks import add_task
from tests.reports.helpers import done_on, worked
from tests.sync_helpers import Federation, fast_tmp_root

SITES = ["Kitchen", "Warehouse", "Market"]
TODAY = dt.date.today()
PERIOD = make_period(TODAY - dt.timedelta(days=60), TODAY)


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", SITES)
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def reports_json(store) -> str:
    reports = {
        "work": work_report(store, PERIOD).as_json(),
        "work_here": work_report(store, PERIOD, store.site_id).as_json(),
        "roles": authority_report(store, PERIOD).as_json(),
        "stock": supplies_report(store, PERIOD).as_json(),
    }
    return json.dumps(reports, sort_keys=True)


def test_the_same_report_at_every_site_after_sync_in_any_order(coop):
    ana = coop.ana
    kitchen, warehouse, market = (coop[name] for name in SITES)
    set_duty_rule(
        kitchen, ana, minutes=180, period_days=28, duty_from=TODAY - dt.timedelta(days=90)
    )
    bea = add_member(kitchen, ana, "Bea")
    cai = add_member(kitchen, ana, "Cai")
    add_role(
        kitchen,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana, bea, cai],
        starts_on=TODAY - dt.timedelta(days=70),
    )
    rice = add_item(kitchen, ana, "Rice", unit="kg", decimals=1, minimum=5)
    coop.sync_all()
    # Each site records its own work and stock, unaware of the others.
    worked(kitchen, ana, [ana, bea], TODAY - dt.timedelta(days=20), 3)
    worked(warehouse, ana, [cai], TODAY - dt.timedelta(days=10), 4)
    task = add_task(market, ana, "Paint the sign", estimate_minutes=50)
    done_on(market, ana, task, bea, dt.datetime.combine(TODAY - dt.timedelta(days=5), dt.time(11)))
    move(kitchen, ana, rice, 300, "received", when=TODAY - dt.timedelta(days=30))
    move(warehouse, ana, rice, 200, "received", when=TODAY - dt.timedelta(days=30))
    move(kitchen, ana, rice, 280, "used", when=TODAY - dt.timedelta(days=3))
    transfer = send_transfer(warehouse, ana, rice, market.site_id, 100)
    bundles = {name: coop.export(name) for name in SITES}
    # Deliver to each site in every order: the reports come out the same everywhere.
    seen = set()
    for order in itertools.permutations(SITES):
        copy = coop.copy_to(coop.root / ("order-" + "-".join(order)))
        for receiver in SITES:
            for sender in order:
                if sender != receiver:
                    copy.deliver(bundles[sender], receiver)
        seen.add(reports_json(copy["Kitchen"]))
        everywhere = {
            json.dumps(
                {k: v for k, v in json.loads(reports_json(copy[name])).items() if k != "work_here"},
                sort_keys=True,
            )
            for name in SITES
        }
        assert len(everywhere) == 1, order
        copy.close()
    assert len(seen) == 1
    # And what they agree on is right.
    coop.sync_all()
    receive_transfer(market, ana, transfer, 90)
    coop.sync_all()
    work = work_report(warehouse, PERIOD)
    assert {m.name: m.total_minutes for m in work.members} == {"Cai": 240, "Bea": 230, "Ana": 180}
    stock = supplies_report(market, PERIOD)
    (flow,) = stock.flows
    assert (flow.sent, flow.received, flow.lost) == (100, 90, 10)
    assert (
        flow.sentence()
        == "Rice: 10 kg from Warehouse to Market in 1 transfer, 1 kg lost on the way."
    )
    by_site = {s.site_name: s for s in stock.items}
    assert by_site["Kitchen"].times_low == 1  # 30 kg in, 28 kg used: under 5 kg
    assert by_site["Warehouse"].amount("lost") == 10
    roles = authority_report(market, PERIOD)
    # Fortnightly terms from 70 days ago: the one from day -70 reaches into the period (its
    # last 4 days), then -56, -42, -28, -14 and today's: 6 terms, 61 days.
    (coordinator,) = roles.roles
    assert sum(h.terms for h in coordinator.holders) == coordinator.terms == 6
    assert coordinator.days == PERIOD.days == 61
