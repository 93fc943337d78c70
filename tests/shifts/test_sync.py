"""Shifts across sites: overbooking after sync is settled the same everywhere, whatever
order the bundles arrive in; generating the same weeks at two sites makes one calendar."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest

from coopdesk.coop.members import add_member
from coopdesk.shifts import shifts
from coopdesk.shifts import templates as st
from coopdesk.sync.conflicts import list_conflicts
from tests.sync_helpers import Federation, fast_tmp_root

SITES = ["Kitchen", "Warehouse", "Market"]
START = dt.datetime.combine(dt.date.today() + dt.timedelta(days=20), dt.time(18))


@pytest.fixture(scope="module")
def base() -> Iterator[Federation]:
    """Three sites that share a shift with one place left and four members."""
    federation = Federation.create(fast_tmp_root(), SITES)
    kitchen, ana = federation["Kitchen"], federation.ana
    for name in ("Bo", "Cy", "Di"):
        add_member(kitchen, ana, name)
    shift_id = shifts.add_shift(
        kitchen,
        ana,
        title="Meal",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        capacity=2,
    )
    shifts.sign_up(kitchen, ana, shift_id, ana)
    federation.sync_all()
    federation.shift_id = shift_id  # type: ignore[attr-defined]
    yield federation
    federation.close()


def _member(store, name: str) -> str:
    return store.query("SELECT id FROM member WHERE name = ?", (name,))[0]["id"]


@pytest.mark.parametrize("order", list(itertools.permutations(SITES))[:4])
def test_overbooking_is_resolved_identically_whatever_the_order_of_import(base, order, tmp_path):
    coop = base.copy_to(fast_tmp_root())
    try:
        shift_id = base.shift_id
        # Each site gives the last place away while offline, at the same second at two of
        # them: the tie is broken by site, then member.
        now = dt.datetime.now().replace(microsecond=0)
        for site, name, offset in (
            ("Kitchen", "Bo", 5),
            ("Warehouse", "Cy", 5),
            ("Market", "Di", 2),
        ):
            store = coop[site]
            shifts.sign_up(
                store,
                coop.ana,
                shift_id,
                _member(store, name),
                now=now + dt.timedelta(seconds=offset),
            )
            assert shifts.get_shift(store, shift_id).status == "full"
        bundles = {site: coop.export(site) for site in SITES}
        for receiver in SITES:
            for sender in order:
                if sender != receiver:
                    coop.deliver(bundles[sender], receiver)
        assert coop.converged()
        views = [shifts.get_shift(coop[site], shift_id) for site in SITES]
        confirmed = {tuple(s.member_name for s in v.confirmed) for v in views}
        waiting = {tuple(s.member_name for s in v.waiting) for v in views}
        assert len(confirmed) == len(waiting) == 1
        assert {v.status for v in views} == {"overbooked"}
        # Ana first (signed up before), then Di (the earliest of the three offline sign-ups).
        assert confirmed.pop() == ("Ana", "Di")
        kitchen_site, warehouse_site = coop["Kitchen"].site_id, coop["Warehouse"].site_id
        first_of_tie = "Bo" if kitchen_site < warehouse_site else "Cy"
        assert waiting.pop() == (first_of_tie, {"Bo": "Cy", "Cy": "Bo"}[first_of_tie])
        for site in SITES:
            assert [v.id for v in shifts.overbooked_shifts(coop[site])] == [shift_id]
            assert list_conflicts(coop[site]) == []
        # A coordinator at the Market raises the capacity: settled everywhere after sync.
        shifts.edit_shift(coop["Market"], coop.ana, shift_id, capacity=4)
        coop.sync_all()
        for site in SITES:
            assert shifts.get_shift(coop[site], shift_id).status == "full"
            assert shifts.overbooked_shifts(coop[site]) == []
    finally:
        coop.close()


def test_the_same_weeks_generated_at_two_sites_make_one_calendar(base):
    coop = base.copy_to(fast_tmp_root())
    try:
        kitchen = coop["Kitchen"]
        monday = START.date() - dt.timedelta(days=START.weekday())
        template_id = st.add_template(
            kitchen,
            coop.ana,
            title="Open",
            weekday=2,
            start_time="09:00",
            duration_minutes=180,
            capacity=2,
            cycle_start=monday,
            cycle_weeks=4,
            cycle_week=1,
        )
        st.add_standing_member(kitchen, coop.ana, template_id, _member(kitchen, "Bo"), since=monday)
        coop.sync_all()
        for site in ("Kitchen", "Warehouse"):
            made = st.generate_shifts(coop[site], coop.ana, monday, monday + dt.timedelta(weeks=12))
            assert made == 3
        coop.sync_all()
        assert coop.converged()
        for site in SITES:
            store = coop[site]
            assert (
                store.query(
                    "SELECT count(*) AS n FROM shift WHERE template_id = ?", (template_id,)
                )[0]["n"]
                == 3
            )
            assert (
                store.query(
                    "SELECT count(*) AS n FROM shift_signup su"
                    " JOIN shift s ON s.id = su.shift_id WHERE s.template_id = ?",
                    (template_id,),
                )[0]["n"]
                == 3
            )
            assert list_conflicts(store) == []
            assert st.generate_shifts(store, coop.ana, monday, monday + dt.timedelta(weeks=12)) == 0
    finally:
        coop.close()


def test_a_take_over_at_one_site_is_seen_at_the_others(base):
    coop = base.copy_to(fast_tmp_root())
    try:
        shift_id, kitchen = base.shift_id, coop["Kitchen"]
        shifts.request_swap(kitchen, coop.ana, shift_id, coop.ana)
        coop.sync_all()
        warehouse = coop["Warehouse"]
        assert shifts.get_shift(warehouse, shift_id).confirmed[0].swap_wanted
        shifts.take_over(warehouse, coop.ana, shift_id, coop.ana, _member(warehouse, "Cy"))
        coop.sync_all()
        assert coop.converged()
        view = shifts.get_shift(kitchen, shift_id)
        assert [(s.member_name, s.taken_over_from) for s in view.confirmed] == [("Cy", coop.ana)]
    finally:
        coop.close()
