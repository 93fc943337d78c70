"""The authority and supplies reports on worked examples: terms, days, mandates; movements."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.coop.coop import add_site
from coopdesk.coop.members import add_member
from coopdesk.inventory.items import add_item, set_minimum
from coopdesk.inventory.stock import move
from coopdesk.inventory.transfers import send_transfer
from coopdesk.reports.authority import authority_report, authority_rows
from coopdesk.reports.period import make_period
from coopdesk.reports.supplies import (
    add_trend,
    busiest_item,
    supplies_report,
    supplies_rows,
    trend_of,
)
from coopdesk.roles.roles import add_role
from coopdesk.shifts.duty import set_duty_rule
from tests.reports.helpers import MONTH_END, MONTH_START

MARCH = make_period(MONTH_START, MONTH_END)


@pytest.fixture
def bea(store, ana):
    return add_member(store, ana, "Bea")


def test_terms_and_days_held_and_how_concentrated_a_role_is(store, ana, bea):
    cai = add_member(store, ana, "Cai")
    add_role(store, ana, "Coordinator", term_days=7, member_ids=[ana, bea], starts_on=MONTH_START)
    add_role(store, ana, "Treasurer", term_days=28, member_ids=[cai], starts_on=MONTH_START)
    report = authority_report(store, MARCH)
    coordinator, treasurer = report.roles
    assert coordinator.name == "Coordinator"
    # Terms from 1, 8, 15, 22 and 29 March; the last has 3 days in March.
    assert coordinator.terms == 5 and coordinator.days == 31
    holders = {h.name: (h.terms, h.days) for h in coordinator.holders}
    assert holders == {"Ana": (3, 17), "Bea": (2, 14)}
    assert coordinator.eligible == 2 and coordinator.most_terms == 3
    assert coordinator.sentence("in 31 days") == (
        "Coordinator: 2 members held it in 31 days; nobody more than 3 terms."
    )
    assert treasurer.sentence("in 31 days") == "Treasurer: only Cai held it in 31 days (2 terms)."
    assert treasurer.gini == 0.0 and treasurer.top_share == 1.0
    assert [(m.name, m.terms, m.days) for m in report.members] == [
        ("Ana", 3, 17),
        ("Cai", 2, 31),  # as many terms as Bea, more days
        ("Bea", 2, 14),
    ]
    header, rows = authority_rows(report)
    assert header[0] == "Role" and rows[0][:5] == ["Coordinator", "Ana", ana, 3, 17]
    # Over two years of weekly terms the span reads in years.
    two_years = authority_report(store, make_period(MONTH_START, dt.date(2027, 2, 28)))
    assert two_years.span_text() == "over 2 years"


def test_mandates_used_come_from_the_ledger(store, ana, bea):
    today = dt.date.today()
    add_role(
        store,
        ana,
        "Coordinator",
        term_days=28,
        member_ids=[ana],
        starts_on=today,
        mandates=["settings"],
    )
    set_duty_rule(store, ana, minutes=180, period_days=28, duty_from=today)
    set_duty_rule(store, ana, minutes=120, period_days=28, duty_from=today)
    report = authority_report(store, make_period(today, today))
    (coordinator,) = report.roles
    assert coordinator.mandate_uses == 2
    assert {h.name: h.mandate_uses for h in coordinator.holders} == {"Ana": 2}
    assert "Mandates were used 2 times; Ana used 100% of them." in report.summary_lines()
    earlier = authority_report(
        store, make_period(today - dt.timedelta(days=9), today - dt.timedelta(days=1))
    )
    assert earlier.roles[0].mandate_uses == 0


def test_supplies_received_used_given_spoiled_lost_and_runs_low(store, ana):
    market = add_site(store, ana, "Market")
    rice = add_item(store, ana, "Rice", unit="kg", decimals=1, minimum=5)  # 5 kg
    set_minimum(store, ana, rice, market, 0)
    day = dt.datetime(2025, 3, 3, 9)

    def at(days: int) -> dt.datetime:
        return day + dt.timedelta(days=days)

    move(store, ana, rice, 100, "received", when=dt.datetime(2025, 2, 20))  # before: 10 kg
    move(store, ana, rice, 60, "used", when=at(0))  # 4 kg: under 5 kg, low once
    move(store, ana, rice, 200, "received", when=at(1))  # 24 kg
    move(store, ana, rice, 30, "given", when=at(2))  # 21 kg
    move(store, ana, rice, 180, "spoiled", when=at(3))  # 3 kg: low twice
    move(store, ana, rice, 5, "used", when=at(4))  # still low: no new spell
    transfer = send_transfer(store, ana, rice, market, 20)  # today: outside March
    move(store, ana, rice, 500, "received", when=dt.datetime(2025, 4, 2))  # April
    report = supplies_report(store, MARCH)
    (kitchen,) = [s for s in report.items if s.site_name == "Kitchen"]
    assert kitchen.amounts == {"used": 65, "received": 200, "given": 30, "spoiled": 180}
    assert kitchen.text("spoiled") == "18 kg" and kitchen.text("used") == "6.5 kg"
    assert kitchen.times_low == 2
    assert [i.name for i in report.most_often_low()] == ["Rice"]
    assert "Ran low most often: Rice at Kitchen (2 times)." in report.summary_lines()
    header, rows = supplies_rows(report)
    assert header[:5] == ["Item", "Item id", "Unit", "Site", "Received"]
    assert [str(v) for v in rows[0][4:8]] == ["20", "6.5", "3", "18"]
    # Already under the minimum when a period starts (2.5 kg on 1 April, before the 50 kg of
    # 2 April and today's transfer): it counts once.
    first_of_april = supplies_report(store, make_period("2025-04-01", "2025-04-01"))
    assert {s.site_name: s.times_low for s in first_of_april.items} == {"Kitchen": 1}
    # The window asks for the one item it draws: the same trend, the same totals.
    lean = supplies_report(store, MARCH, trends=False)
    assert [s.amounts for s in lean.items] == [s.amounts for s in report.items]
    assert busiest_item(lean) == rice and trend_of(lean, rice)[1][1] == {}
    add_trend(store, lean, rice)
    assert trend_of(lean, rice) == trend_of(report, rice)
    weeks = trend_of(report, rice)
    assert weeks[1][0] == dt.date(2025, 3, 3) and weeks[1][1]["spoiled"] == 180
    # Sent today (received at the other site: see test_sync): in transit, nothing lost yet.
    today = dt.date.today()
    now = supplies_report(store, make_period(today, today))
    (flow,) = now.flows
    assert (flow.from_site_name, flow.to_site_name, flow.sent, flow.received) == (
        "Kitchen",
        "Market",
        20,
        0,
    )
    assert {s.site_name: s.amounts for s in now.items} == {"Kitchen": {"transfer-out": 20}}
    assert transfer


def test_supplies_at_one_site_count_only_that_site(store, ana):
    market = add_site(store, ana, "Market")
    oil = add_item(store, ana, "Oil", unit="l", minimum=2)
    move(store, ana, oil, 10, "received", when=dt.datetime(2025, 3, 3, 9))
    move(store, ana, oil, 6, "received", when=dt.datetime(2025, 3, 3, 9), site_id=market)
    move(store, ana, oil, 5, "used", when=dt.datetime(2025, 3, 9, 9), site_id=market)
    at_market = supplies_report(store, MARCH, market)
    assert at_market.site_name == "Market"
    assert [(s.site_name, s.amounts, s.times_low) for s in at_market.items] == [
        ("Market", {"received": 6, "used": 5}, 1)
    ]
    everywhere = supplies_report(store, MARCH)
    assert {s.site_name: s.amount("received") for s in everywhere.items} == {
        "Kitchen": 10,
        "Market": 6,
    }
