"""Hours balance against the coop's duty rule; status up to date, alert, on leave."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop import leave as leaves
from coopdesk.coop.members import add_member, archive_member
from coopdesk.shifts import duty, shifts
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store

FROM = dt.date(2026, 1, 5)  # a Monday
ON = FROM + dt.timedelta(days=60)  # two periods (28 days each) have ended, a third runs


def _worked(
    store: Store, ana: str, member: str, day: dt.date, hours: int, status: str, *, makeup=False
) -> str:
    start = dt.datetime.combine(day, dt.time(9))
    shift_id = shifts.add_shift(
        store,
        ana,
        title="Shift",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        capacity=3,
    )
    shifts.sign_up(store, ana, shift_id, member, makeup=makeup, now=start - dt.timedelta(days=1))
    shifts.record_attendance(
        store, ana, shift_id, member, status, now=start + dt.timedelta(hours=1)
    )
    return shift_id


@pytest.fixture
def rule(store: Store, ana: str) -> duty.DutyRule:
    duty.set_duty_rule(store, ana, minutes=180, period_days=28, duty_from=FROM)
    return duty.duty_rule(store)


def test_the_rule_is_coop_data(store: Store, ana: str, rule: duty.DutyRule):
    assert rule == duty.DutyRule(180, 28, FROM.isoformat())
    assert rule.periods_ended(FROM - dt.timedelta(days=1)) == 0
    assert rule.periods_ended(FROM) == 0  # the first period is under way: nothing owed yet
    assert rule.periods_ended(FROM + dt.timedelta(days=27)) == 0
    assert rule.periods_ended(FROM + dt.timedelta(days=28)) == 1
    assert rule.periods_ended(ON) == 2
    assert "3 hours every 28 days" in rule.describe()
    assert f"counted from {FROM.day} {FROM.strftime('%B')}" in rule.describe()  # not ISO
    before = dump_json(store)
    with pytest.raises(ValidationError):
        duty.set_duty_rule(store, ana, minutes=180, period_days=0, duty_from=FROM)
    assert dump_json(store) == before


def test_no_rule_owes_nothing(store: Store, ana: str):
    balance = duty.member_balance(store, ana, on=ON)
    assert (balance.owed_minutes, balance.status) == (0, "up to date")


def test_attended_counts_no_show_does_not_and_a_make_up_repays(store: Store, ana: str, rule):
    bo = add_member(store, ana, "Bo")
    _worked(store, ana, bo, FROM + dt.timedelta(days=2), 3, "attended")
    _worked(store, ana, bo, FROM + dt.timedelta(days=30), 3, "no-show")
    balance = duty.member_balance(store, bo, on=ON)
    assert (balance.owed_minutes, balance.done_minutes) == (360, 180)
    assert (balance.balance_minutes, balance.balance_hours, balance.status) == (-180, -3.0, "alert")
    _worked(store, ana, bo, FROM + dt.timedelta(days=35), 3, "attended", makeup=True)
    balance = duty.member_balance(store, bo, on=ON)
    assert (balance.done_minutes, balance.balance_minutes, balance.status) == (360, 0, "up to date")
    # Excused counts nothing either; a shift after the day of reckoning does not count yet.
    _worked(store, ana, bo, FROM + dt.timedelta(days=36), 2, "excused")
    _worked(store, ana, bo, ON + dt.timedelta(days=1), 2, "attended")
    assert duty.member_balance(store, bo, on=ON).done_minutes == 360
    assert duty.member_balance(store, bo, on=ON + dt.timedelta(days=1)).done_minutes == 480
    all_ = duty.member_balances(store, on=ON)
    assert set(all_) == {ana, bo}
    assert all_[bo] == duty.member_balance(store, bo, on=ON)
    assert all_[ana].status == "alert"
    assert all_[bo].as_json()["balance_hours"] == 0


def test_leave_prorates_what_is_owed_and_sets_the_status(store: Store, ana: str, rule):
    bo = add_member(store, ana, "Bo")
    # 14 days of leave in the first period and 7 overlapping days counted once: half a period.
    leaves.add_leave(store, ana, bo, FROM, FROM + dt.timedelta(days=13), "Travel")
    leaves.add_leave(store, ana, bo, FROM + dt.timedelta(days=7), FROM + dt.timedelta(days=10))
    assert duty.member_balance(store, bo, on=ON).owed_minutes == 360 - 90
    long_leave = leaves.add_leave(
        store, ana, bo, ON - dt.timedelta(days=2), ON + dt.timedelta(days=30)
    )
    balance = duty.member_balance(store, bo, on=ON)
    assert balance.status == "on leave"
    assert balance.on_leave_until == (ON + dt.timedelta(days=30)).isoformat()
    leaves.end_leave(store, ana, long_leave, ON - dt.timedelta(days=1))
    assert duty.member_balance(store, bo, on=ON).status == "alert"
    assert [row["reason"] for row in leaves.list_leave(store, bo)] == ["", "", "Travel"]


def test_bad_leave_is_refused(store: Store, ana: str):
    gone = add_member(store, ana, "Gone")
    archive_member(store, ana, gone)
    before = dump_json(store)
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        leaves.add_leave(store, ana, ana, FROM, FROM - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="archived"):
        leaves.add_leave(store, ana, gone, FROM, FROM)
    assert dump_json(store) == before
