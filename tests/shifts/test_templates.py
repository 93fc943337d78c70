"""Templates: weekly and N-week cycles, generation with derived ids, standing members."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.coop import start_coop
from coopdesk.coop.leave import add_leave
from coopdesk.coop.members import add_member
from coopdesk.shifts import templates as st
from coopdesk.shifts.shifts import get_shift, list_shifts
from coopdesk.store.dump import dump_data, dump_json
from coopdesk.store.ids import derived_id
from coopdesk.store.store import Store

# A Monday well ahead, so every generated shift is still to come.
MONDAY = dt.date.today() - dt.timedelta(days=dt.date.today().weekday()) + dt.timedelta(weeks=5)


def template(**fields) -> dict:
    return {"weekday": 1, "cycle_start": MONDAY, "cycle_weeks": 1, "cycle_week": 0, **fields}


def test_weekly_occurrences_run_from_cycle_start_until_the_end_day():
    days = st.occurrences(
        template(until=MONDAY + dt.timedelta(weeks=3, days=1)),
        MONDAY,
        MONDAY + dt.timedelta(weeks=10),
    )
    assert days == [MONDAY + dt.timedelta(weeks=w, days=1) for w in range(4)]
    assert all(day.weekday() == 1 for day in days)
    # [start, end): the end day is excluded; days before cycle_start never run.
    assert (
        st.occurrences(template(), MONDAY - dt.timedelta(weeks=4), MONDAY + dt.timedelta(days=1))
        == []
    )
    assert st.occurrences(template(), MONDAY, MONDAY + dt.timedelta(days=2)) == [
        MONDAY + dt.timedelta(days=1)
    ]


def test_four_week_cycle_counts_weeks_from_the_monday_of_cycle_start():
    # Cycle starts on a Thursday: that week (from its Monday) is week A.
    start = MONDAY + dt.timedelta(days=3)
    week_b = template(cycle_start=start, cycle_weeks=4, cycle_week=1)
    days = st.occurrences(week_b, MONDAY, MONDAY + dt.timedelta(weeks=12))
    assert days == [MONDAY + dt.timedelta(weeks=w, days=1) for w in (1, 5, 9)]
    # Any window gives the same days: the cycle does not depend on where we start looking.
    later = st.occurrences(week_b, MONDAY + dt.timedelta(weeks=6), MONDAY + dt.timedelta(weeks=12))
    assert later == [MONDAY + dt.timedelta(weeks=9, days=1)]
    week_a = template(cycle_start=start, cycle_weeks=4, cycle_week=0)
    # Week A's Tuesday is before the cycle starts (Thursday): first run four weeks later.
    assert st.occurrences(week_a, MONDAY, MONDAY + dt.timedelta(weeks=8))[
        0
    ] == MONDAY + dt.timedelta(weeks=4, days=1)
    assert st.slot_label({**week_b, "start_time": "18:00"}) == "Week B, Tuesday 18:00"
    assert st.slot_label({**template(), "start_time": "09:30"}) == "Every Tuesday 09:30"


def _coop(root: Path, name: str) -> tuple[Store, str, dict[str, str]]:
    store = start_coop(root / name, "Coop", name, "Ana")
    ana = str(store.local_get("default_member_id"))
    return store, ana, {}


def _templates(store: Store, ana: str, member: str, template_id: str | None = None) -> list[str]:
    """The same templates written with the same ids (as if synced before generating)."""
    ids = []
    for weekday, weeks, week in ((1, 1, 0), (3, 4, 2)):
        with store.transaction(ana) as tx:
            row_id = derived_id("test-template", str(weekday))
            if member and not store.get("member", member):
                tx.insert("member", {"name": "Bo"}, row_id=member)
            tx.insert(
                "shift_template",
                {
                    "title": f"Shift {weekday}",
                    "weekday": weekday,
                    "start_time": "18:00",
                    "duration_minutes": 180,
                    "capacity": 2,
                    "cycle_start": MONDAY,
                    "cycle_weeks": weeks,
                    "cycle_week": week,
                },
                row_id=row_id,
            )
        ids.append(row_id)
    return ids


def test_two_stores_generate_the_same_shifts_and_sign_ups(tmp_path: Path):
    member = derived_id("test-member", "bo")
    dumps = []
    for name in ("Kitchen", "Warehouse"):
        store, ana, _ = _coop(tmp_path, name)
        weekly, _cycle = _templates(store, ana, member)
        st.add_standing_member(store, ana, weekly, member, since=MONDAY)
        made = st.generate_shifts(store, ana, MONDAY, MONDAY + dt.timedelta(weeks=8))
        assert made == 8 + 2
        assert st.generate_shifts(store, ana, MONDAY, MONDAY + dt.timedelta(weeks=8)) == 0
        data = dump_data(store)
        rows = {t: data["tables"][t] for t in ("shift", "shift_signup")}
        dumps.append(rows)
        store.close()
    assert dumps[0] == dumps[1]
    shift_ids = {row["id"] for row in dumps[0]["shift"]}
    first = MONDAY + dt.timedelta(days=1)
    assert st.shift_id_for(derived_id("test-template", "1"), first) in shift_ids
    assert len(dumps[0]["shift_signup"]) == 8  # Bo on every weekly shift
    assert {row["signed_up_at"] for row in dumps[0]["shift_signup"]} == {f"{MONDAY}T00:00:00"}
    assert {row["site_id"] for row in dumps[0]["shift_signup"]} == {None}


def test_generation_skips_existing_even_cancelled_and_stays_in_one_transaction(
    store: Store, ana: str
):
    template_id = st.add_template(
        store,
        ana,
        title="Meal",
        weekday=1,
        start_time="18:00",
        duration_minutes=120,
        capacity=3,
        cycle_start=MONDAY,
        site_id=store.site_id,
        skills=["cooking"],
    )
    assert st.generate_shifts(store, ana, MONDAY, MONDAY + dt.timedelta(weeks=2)) == 2
    first = st.shift_id_for(template_id, MONDAY + dt.timedelta(days=1))
    view = get_shift(store, first)
    assert (view.title, view.capacity, view.skills, view.template_id) == (
        "Meal",
        3,
        ["cooking"],
        template_id,
    )
    assert (view.starts_at[11:], view.ends_at[11:]) == ("18:00:00", "20:00:00")
    with store.transaction(ana) as tx:
        tx.archive("shift", first)
    seq = store.last_seq
    assert st.generate_shifts(store, ana, MONDAY, MONDAY + dt.timedelta(weeks=4)) == 2
    assert store.last_seq == seq + 1  # one transaction for everything made
    assert store.get("shift", first)["archived"]  # a cancelled shift is not brought back
    st.archive_template(store, ana, template_id)
    assert st.generate_shifts(store, ana, MONDAY, MONDAY + dt.timedelta(weeks=8)) == 0


def test_standing_members_leave_and_late_additions(store: Store, ana: str):
    bo = add_member(store, ana, "Bo")
    cy = add_member(store, ana, "Cy")
    template_id = st.add_template(
        store,
        ana,
        title="Meal",
        weekday=1,
        start_time="18:00",
        duration_minutes=120,
        capacity=2,
        cycle_start=MONDAY,
        cycle_weeks=2,
        cycle_week=1,
    )
    st.add_standing_member(store, ana, template_id, bo, since=MONDAY)
    add_leave(
        store, ana, bo, MONDAY + dt.timedelta(weeks=3), MONDAY + dt.timedelta(weeks=3, days=6)
    )
    assert st.generate_shifts(store, ana, MONDAY, MONDAY + dt.timedelta(weeks=6)) == 3
    views = list_shifts(store, MONDAY, MONDAY + dt.timedelta(weeks=6))
    assert [len(v.confirmed) for v in views] == [1, 0, 1]  # Bo on leave in week 3
    # A member given a standing slot later joins the shifts already generated.
    st.add_standing_member(store, ana, template_id, cy, since=MONDAY)
    views = list_shifts(store, MONDAY, MONDAY + dt.timedelta(weeks=6))
    # Same standing date: the two are in line by member id, as at every site.
    assert [sorted(s.member_name for s in v.confirmed) for v in views] == [
        ["Bo", "Cy"],
        ["Cy"],
        ["Bo", "Cy"],
    ]
    listed = st.list_templates(store)[0]
    assert listed["label"] == "Week B, Tuesday 18:00"
    assert [m["name"] for m in listed["standing_members"]] == ["Bo", "Cy"]
    with pytest.raises(ValidationError, match="already has a standing slot"):
        st.add_standing_member(store, ana, template_id, cy)
    st.remove_standing_member(store, ana, template_id, cy)
    views = list_shifts(store, MONDAY, MONDAY + dt.timedelta(weeks=6))
    assert [[s.member_name for s in v.confirmed] for v in views] == [["Bo"], [], ["Bo"]]
    assert [m["name"] for m in st.list_templates(store)[0]["standing_members"]] == ["Bo"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cycle_weeks": 4, "cycle_week": 4}, "not in a 4-week cycle"),
        ({"capacity": 0}, "at least one person"),
        ({"until": MONDAY - dt.timedelta(days=1)}, "ends before it starts"),
        ({"start_time": "25:00"}, "not a valid time"),
        ({"weekday": 7}, "Monday"),
    ],
)
def test_bad_templates_are_refused_and_nothing_changes(store: Store, ana: str, fields, message):
    before = dump_json(store)
    base = dict(
        title="Meal",
        weekday=1,
        start_time="18:00",
        duration_minutes=120,
        capacity=2,
        cycle_start=MONDAY,
    )
    with pytest.raises(ValidationError, match=message):
        st.add_template(store, ana, **{**base, **fields})
    assert dump_json(store) == before


def test_shift_types(store: Store, ana: str):
    type_id = st.add_shift_type(
        store, ana, title="Shop opening", capacity=3, duration_minutes=180, skills=["food safety"]
    )
    assert [(t["id"], t["capacity"], t["skills"]) for t in st.list_shift_types(store)] == [
        (type_id, 3, ["food safety"])
    ]
    with pytest.raises(ValidationError):
        st.add_shift_type(store, ana, title="x", capacity=0)


def test_edit_and_archive_a_shift_type(store: Store, ana: str):
    type_id = st.add_shift_type(store, ana, title="Shop opening", capacity=3)
    template_id = st.add_template(
        store,
        ana,
        title="Tuesday shop",
        weekday=1,
        start_time="18:00",
        duration_minutes=180,
        capacity=3,
        cycle_start=MONDAY,
        shift_type_id=type_id,
    )
    st.edit_shift_type(
        store, ana, type_id, title="Opening", capacity=4, skills=["till"], site_id=""
    )
    (edited,) = st.list_shift_types(store)
    assert (edited["title"], edited["capacity"], edited["skills"]) == ("Opening", 4, ["till"])
    # Bad input: nothing changed.
    before = dump_json(store)
    for fields, message in (({"capacity": 0}, "at least one person"), ({"colour": 1}, "no field")):
        with pytest.raises(ValidationError, match=message):
            st.edit_shift_type(store, ana, type_id, **fields)
    assert dump_json(store) == before

    st.archive_shift_type(store, ana, type_id)
    assert st.list_shift_types(store) == []
    # The template keeps its type; archiving twice or editing an archived type is refused.
    assert store.get("shift_template", template_id)["shift_type_id"] == type_id
    with pytest.raises(ValidationError, match="already archived"):
        st.archive_shift_type(store, ana, type_id)
    with pytest.raises(ValidationError, match="archived"):
        st.edit_shift_type(store, ana, type_id, title="Again")
