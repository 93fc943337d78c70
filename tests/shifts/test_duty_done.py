"""``_duty_done``: every member's attended minutes, kept by triggers, always equal to the sum
over their sign-ups, whatever is written, edited, cancelled or merged; balances read it."""

from __future__ import annotations

import datetime as dt
import shutil

from coopdesk.coop.members import add_member
from coopdesk.shifts import duty, shifts
from coopdesk.store.check import check_store
from coopdesk.store.store import Store
from tests.sync_helpers import Federation, fast_tmp_root

FULL_SUM = """
    SELECT su.member_id, round(sum((julianday(s.ends_at) - julianday(s.starts_at)) * 1440))
    FROM shift_signup su JOIN shift s ON s.id = su.shift_id
    WHERE su.attendance = 'attended' AND su._cl % 2 = 1 AND s._cl % 2 = 1
    GROUP BY su.member_id
"""


def derived(store: Store) -> dict[str, int]:
    rows = store.conn.execute("SELECT member_id, round(minutes) FROM _duty_done")
    return {member: int(minutes) for member, minutes in rows if minutes}


def summed(store: Store) -> dict[str, int]:
    return {member: int(minutes) for member, minutes in store.conn.execute(FULL_SUM)}


def past_shift(store: Store, ana: str, days_ago: int, hours: int = 2) -> str:
    start = dt.datetime.combine(dt.date.today() - dt.timedelta(days=days_ago), dt.time(9))
    return shifts.add_shift(
        store,
        ana,
        title=f"Sort {days_ago}",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        capacity=3,
    )


def attend(store: Store, ana: str, shift: str, member: str, status: str = "attended") -> None:
    starts = dt.datetime.fromisoformat(store.get("shift", shift)["starts_at"])
    if not store.query(
        "SELECT 1 FROM shift_signup WHERE shift_id = ? AND member_id = ?", [shift, member]
    ):
        shifts.sign_up(store, ana, shift, member, now=starts - dt.timedelta(days=1))
    shifts.record_attendance(store, ana, shift, member, status)


def test_the_derived_minutes_follow_every_kind_of_write(store: Store, ana: str):
    bo, cy = add_member(store, ana, "Bo"), add_member(store, ana, "Cy")
    first, second = past_shift(store, ana, 10), past_shift(store, ana, 3, hours=3)
    attend(store, ana, first, bo)
    attend(store, ana, second, bo)
    attend(store, ana, second, cy)
    assert derived(store) == summed(store) == {bo: 300, cy: 180}
    attend(store, ana, second, cy, "no-show")  # attendance corrected
    assert derived(store) == summed(store) == {bo: 300}
    shifts.edit_shift(
        store,
        ana,
        first,
        ends_at=dt.datetime.fromisoformat(store.get("shift", first)["starts_at"])
        + dt.timedelta(hours=4),
    )  # the shift turned out longer
    assert derived(store) == summed(store) == {bo: 420}
    shifts.cancel_shift(store, ana, second)
    assert derived(store) == summed(store) == {bo: 240}
    shifts.restore_shift(store, ana, second)
    assert derived(store) == summed(store) == {bo: 420}
    assert check_store(store) == []
    assert duty.member_balances(store)[bo].done_minutes == 420
    assert duty.member_balance(store, bo).done_minutes == 420


def test_balances_on_a_past_day_leave_out_the_shifts_after_it(store: Store, ana: str):
    bo = add_member(store, ana, "Bo")
    attend(store, ana, past_shift(store, ana, 10), bo)
    attend(store, ana, past_shift(store, ana, 3), bo)
    week_ago = dt.date.today() - dt.timedelta(days=7)
    assert duty.member_balances(store)[bo].done_minutes == 240
    assert duty.member_balances(store, week_ago)[bo].done_minutes == 120
    assert duty.member_balance(store, bo, week_ago).done_minutes == 120


def test_check_finds_derived_minutes_that_drifted(store: Store, ana: str):
    bo = add_member(store, ana, "Bo")
    attend(store, ana, past_shift(store, ana, 2), bo)
    store.conn.execute("UPDATE _duty_done SET minutes = minutes + 30")
    assert any("attended minutes" in problem for problem in check_store(store))


def test_merged_attendance_keeps_every_sites_derived_minutes_right():
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    bo = add_member(kitchen, coop.ana, "Bo")
    shift = past_shift(kitchen, coop.ana, 5)
    coop.sync_all()
    attend(warehouse, coop.ana, shift, bo)  # written at the Warehouse
    attend(kitchen, coop.ana, shift, bo, "excused")  # and, concurrently, at the Kitchen
    coop.sync_all()
    for store in (kitchen, warehouse):
        assert derived(store) == summed(store)
        assert check_store(store) == []
    assert coop.converged()
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


def test_balances_read_the_later_shifts_through_their_start_time_not_every_sign_up(
    store: Store, ana: str
):
    bo = add_member(store, ana, "Bo")
    attend(store, ana, past_shift(store, ana, 2), bo)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        duty.member_balances(store)
    finally:
        store.conn.set_trace_callback(None)
    (later,) = [sql for sql in statements if "shift_signup" in sql]
    plan = " ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {later}"))
    assert "shift_starts_at" in plan
