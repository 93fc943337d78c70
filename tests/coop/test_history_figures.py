"""Figures on screens read one row however long the history, and still tell the truth."""

from __future__ import annotations

import datetime as dt
import shutil

from coopdesk.coop import activity, members
from coopdesk.shifts import duty, shifts
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


def test_duty_balances_read_the_attended_sign_ups_through_their_own_index(store: Store, ana: str):
    start = dt.datetime.combine(dt.date.today() - dt.timedelta(days=3), dt.time(9))
    shift = shifts.add_shift(
        store,
        ana,
        title="Sort",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=2,
    )
    bo = members.add_member(store, ana, "Bo")
    shifts.sign_up(store, ana, shift, bo, now=start - dt.timedelta(days=1))
    shifts.record_attendance(store, ana, shift, bo, "attended")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert duty.member_balances(store)[bo].done_minutes == 120
    finally:
        store.conn.set_trace_callback(None)
    (done,) = [sql for sql in statements if "attendance = 'attended'" in sql]
    plan = " ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {done}"))
    assert "shift_signup_attended" in plan and "COVERING INDEX shift_span" in plan
