"""The work report: hours by kind, what the duty asked, the spread, the trend, who is behind."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.coop.coop import add_site
from coopdesk.coop.leave import add_leave
from coopdesk.coop.members import add_member, archive_member
from coopdesk.reports.period import make_period
from coopdesk.reports.spread import Spread, gini, half_count, top_fifth
from coopdesk.reports.work import member_share_text, work_report, work_rows
from coopdesk.shifts.duty import duty_asked, set_duty_rule
from coopdesk.tasks.chores import add_chore
from coopdesk.tasks.tasks import DEFAULT_ESTIMATE_MINUTES, add_task
from tests.reports.helpers import MONTH_END, MONTH_START, done_on, worked

MARCH = make_period(MONTH_START, MONTH_END)


@pytest.fixture
def people(store, ana):
    names = {"Ana": ana}
    for name in ("Bea", "Cai", "Dov", "Eli"):
        names[name] = add_member(store, ana, name)
    return names


def test_gini_top_fifth_and_half_on_known_numbers():
    assert gini([5, 5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 10]) == 0.75  # (n-1)/n when one carries everything
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0
    assert gini([1, 2, 3, 4, 5]) == pytest.approx(0.2667, abs=1e-4)
    # Ten members: the busiest fifth is two of them.
    hours = [30, 20, 10, 10, 10, 5, 5, 5, 5, 0]
    assert top_fifth(hours) == (2, 0.5)
    assert half_count(hours) == 2  # 30 + 20 = 50 of 100
    assert top_fifth([1, 1, 1]) == (1, pytest.approx(0.3333, abs=1e-4))
    spread = Spread.of(hours)
    assert spread.fifth_sentence() == "The busiest fifth of members (2 of 10) did 50% of the hours."
    assert (
        spread.half_sentence("this month")
        == "2 members did half the work this month (of 10 counted)."
    )
    assert spread.working == 9


def test_each_kind_of_work_counts_and_the_spread_reads(store, ana, people):
    day = MONTH_START + dt.timedelta(days=3)
    worked(store, ana, [people["Ana"], people["Bea"]], day, 3)
    worked(store, ana, [people["Ana"]], day + dt.timedelta(days=7), 2.5)
    worked(store, ana, [people["Cai"]], day, 4, attendance="no-show")  # counts nothing
    chore = add_chore(
        store,
        ana,
        "Clean the fridge",
        every_days=7,
        strategy="round-robin",
        member_ids=[people["Cai"]],
        starts_on=MONTH_START,
        estimate_minutes=45,
    )
    with store.transaction(ana) as tx:
        chore_task = tx.insert(
            "task", {"title": "Clean the fridge", "chore_id": chore, "assignee_id": people["Cai"]}
        )
    done_on(store, ana, chore_task, people["Cai"], dt.datetime.combine(day, dt.time(9)))
    plain = add_task(store, ana, "Fix the door", assignee_id=people["Dov"])
    done_on(store, ana, plain, people["Dov"], dt.datetime.combine(day, dt.time(12)))
    timed = add_task(store, ana, "Sort the donations", estimate_minutes=90)
    done_on(store, ana, timed, people["Bea"], dt.datetime.combine(day, dt.time(15)))
    outside = add_task(store, ana, "Next month", estimate_minutes=600)
    done_on(store, ana, outside, people["Eli"], dt.datetime(2025, 4, 1, 8))

    report = work_report(store, MARCH)
    by_name = {m.name: m for m in report.members}
    assert (by_name["Ana"].shift_minutes, by_name["Ana"].shifts) == (330, 2)
    assert (by_name["Bea"].shift_minutes, by_name["Bea"].task_minutes) == (180, 90)
    assert (by_name["Cai"].shift_minutes, by_name["Cai"].chore_minutes) == (0, 45)
    # No estimate on the task or a chore: the default, and it is said so.
    assert by_name["Dov"].task_minutes == DEFAULT_ESTIMATE_MINUTES == 30
    assert by_name["Dov"].unestimated == 1 and by_name["Bea"].unestimated == 0
    assert by_name["Eli"].total_minutes == 0  # done in April
    assert [m.name for m in report.members] == ["Ana", "Bea", "Cai", "Dov", "Eli"]
    total = 330 + 270 + 45 + 30
    assert report.spread.total_minutes == total
    assert report.totals == {"shift": 510, "chore": 45, "task": 120}
    assert report.spread.members == 5 and report.spread.half_count == 2
    assert report.spread.top_fifth_count == 1
    assert report.spread.top_fifth_share == round(330 / total, 4)
    assert by_name["Ana"].share == round(330 / total, 4)
    assert "30 minutes" in " ".join(report.summary_lines())
    # The trend: by week for a month; the hours fall in the weeks they were worked.
    assert report.period.by == "week"
    assert sum(p.total_minutes for p in report.trend) == total
    assert report.trend[0].starts_on == dt.date(2025, 2, 24)  # the Monday before 1 March
    header, rows = work_rows(report)
    assert header[:6] == [
        "Member",
        "Member id",
        "Shift hours",
        "Chore hours",
        "Task hours",
        "Total hours",
    ]
    assert rows[0][:6] == ["Ana", people["Ana"], 5.5, 0.0, 0.0, 5.5]
    assert "5.5 h of work" in member_share_text(report, people["Ana"])


def test_a_site_counts_only_its_own_work(store, ana, people):
    market = add_site(store, ana, "Market")
    day = MONTH_START + dt.timedelta(days=1)
    worked(store, ana, [people["Ana"]], day, 3)
    worked(store, ana, [people["Bea"]], day, 2, site_id=market)
    task = add_task(store, ana, "Count the till", site_id=market, estimate_minutes=20)
    done_on(store, ana, task, people["Ana"], dt.datetime.combine(day, dt.time(18)))
    at_market = work_report(store, MARCH, market)
    assert at_market.site_name == "Market"
    assert {m.name: m.total_minutes for m in at_market.members if m.total_minutes} == {
        "Bea": 120,
        "Ana": 20,
    }
    assert work_report(store, MARCH).spread.total_minutes == 320
    with pytest.raises(NotFoundError):
        work_report(store, MARCH, "no-such-site")


def test_the_duty_asks_pro_rata_less_leave_and_kind_words_for_who_is_behind(store, ana, people):
    set_duty_rule(store, ana, minutes=240, period_days=28, duty_from=dt.date(2025, 1, 6))
    add_leave(
        store, ana, people["Cai"], starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 3, 14)
    )
    add_leave(
        store, ana, people["Eli"], starts_on=dt.date(2025, 2, 1), ends_on=dt.date(2025, 4, 30)
    )
    worked(store, ana, [people["Ana"]], dt.date(2025, 3, 10), 5)
    worked(store, ana, [people["Bea"]], dt.date(2025, 3, 10), 1)
    asked = duty_asked(store, MONTH_START, MONTH_END)
    assert asked[people["Ana"]] == round(240 * 31 / 28)  # 266
    assert asked[people["Cai"]] == round(240 * 17 / 28)  # 14 days on leave
    assert asked[people["Eli"]] == 0
    # Before duty_from nothing is asked.
    assert duty_asked(store, dt.date(2024, 12, 1), dt.date(2025, 1, 5)) == {}
    report = work_report(store, MARCH)
    by_name = {m.name: m for m in report.members}
    assert by_name["Ana"].asked_minutes == 266
    # On leave all month and no work: not counted in the spread, not shown as idle.
    assert "Eli" not in by_name
    assert report.spread.members == 4
    behind = {b.name: b for b in report.behind}
    assert set(behind) == {"Bea", "Cai", "Dov"}  # Ana did more than asked
    assert behind["Bea"].sentence() == (
        "Bea has done 1 h of the 4.4 h of shifts the duty asks. A shift soon would even it out."
    )
    assert "no shifts yet" in behind["Dov"].sentence()
    # The first two days of a month ask too little to call anyone behind.
    early = work_report(store, make_period(MONTH_START, MONTH_START + dt.timedelta(days=1)))
    assert early.behind == []


def test_an_archived_member_keeps_their_work_in_the_report(store, ana, people):
    worked(store, ana, [people["Dov"]], MONTH_START + dt.timedelta(days=2), 2)
    archive_member(store, ana, people["Dov"])
    archive_member(store, ana, people["Eli"])
    report = work_report(store, MARCH)
    names = {m.name: m for m in report.members}
    assert names["Dov"].archived and names["Dov"].shift_minutes == 120
    assert "Eli" not in names  # archived, no work: not counted
    assert report.spread.members == 4


def test_periods_that_cannot_be_are_refused_in_words():
    with pytest.raises(ValidationError, match=r"starts .* after it ends"):
        make_period("2025-03-10", "2025-03-01")
    with pytest.raises(ValidationError, match="not a valid date"):
        make_period("2025-02-30", "2025-03-01")
    with pytest.raises(ValidationError, match="week, month"):
        make_period("2025-03-01", "2025-03-10", "fortnight")
    year = make_period("2024-01-01", "2024-12-31")
    assert year.by == "month" and len(year.buckets()) == 12
    assert make_period(None, "2025-03-31").start == dt.date(2024, 4, 1)


def test_behind_means_under_three_quarters_of_the_asked_once_half_a_duty_period_is_asked(
    store, ana, people
):
    set_duty_rule(store, ana, minutes=240, period_days=28, duty_from=dt.date(2025, 1, 6))
    four_weeks = make_period(dt.date(2025, 3, 3), dt.date(2025, 3, 30))  # asks 240 minutes
    worked(store, ana, [people["Ana"]], dt.date(2025, 3, 4), 3)  # 180 = 75%: not behind
    worked(store, ana, [people["Bea"]], dt.date(2025, 3, 4), 2.9)  # 174 < 180: behind
    archive_member(store, ana, people["Cai"])  # archived: never called behind
    report = work_report(store, four_weeks)
    assert {m.name: m.asked_minutes for m in report.members}["Ana"] == 240
    assert [b.name for b in report.behind] == ["Dov", "Eli", "Bea"]  # furthest behind first
    # Thirteen days ask 111 minutes, under half a duty period (120): nobody is called behind.
    assert work_report(store, make_period(dt.date(2025, 3, 3), dt.date(2025, 3, 15))).behind == []
    fourteen = work_report(store, make_period(dt.date(2025, 3, 3), dt.date(2025, 3, 16)))
    assert [b.name for b in fourteen.behind] == ["Dov", "Eli"]  # 120 asked: Bea's 174 is done
    # No duty rule: nothing is asked and nobody is behind.
    set_duty_rule(store, ana, minutes=0, period_days=28, duty_from=None)
    relaxed = work_report(store, four_weeks)
    assert relaxed.behind == [] and {m.asked_minutes for m in relaxed.members} == {None}


def test_trends_count_by_week_up_to_three_months_then_by_month():
    assert make_period("2025-01-01", "2025-04-02").by == "week"  # 92 days
    assert make_period("2025-01-01", "2025-04-03").by == "month"  # 93 days
    assert make_period("2025-01-01", "2025-12-31", "week").by == "week"
    weeks = make_period("2025-03-01", "2025-03-31").buckets()
    assert weeks[0] == dt.date(2025, 2, 24) and weeks[-1] == dt.date(2025, 3, 31)
    assert all(day.weekday() == 0 for day in weeks)
