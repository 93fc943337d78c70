"""Shifts and sign-ups: sign up, cancel, swap, take over, attendance, and refusals that
change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.coop.members import add_member, archive_member
from coopdesk.shifts import shifts
from coopdesk.store.dump import dump_json
from coopdesk.store.ids import derived_id
from coopdesk.store.store import Store

DAY = dt.date.today() + dt.timedelta(days=30)
START = dt.datetime.combine(DAY, dt.time(18, 0))
END = START + dt.timedelta(hours=3)
AFTER = END + dt.timedelta(hours=1)


@pytest.fixture
def people(store: Store, ana: str) -> dict[str, str]:
    return {
        "ana": ana,
        "bo": add_member(store, ana, "Bo"),
        "cy": add_member(store, ana, "Cy"),
        "di": add_member(store, ana, "Di"),
    }


@pytest.fixture
def meal(store: Store, ana: str) -> str:
    return shifts.add_shift(
        store, ana, title="Tuesday meal", starts_at=START, ends_at=END, capacity=2
    )


def names(signups: list[shifts.SignupView]) -> list[str]:
    return [s.member_name for s in signups]


def test_add_shift_stores_times_in_one_form_and_lists_it(store: Store, ana: str):
    shift_id = shifts.add_shift(
        store,
        ana,
        title="Front desk",
        starts_at=START.isoformat(timespec="minutes"),
        ends_at=END,
        capacity=1,
        site_id=store.site_id,
        skills=["first aid"],
    )
    view = shifts.get_shift(store, shift_id)
    assert view.starts_at == START.isoformat(timespec="seconds")
    assert view.site_name == "Kitchen"
    assert view.hours == 3.0
    assert view.skills == ["first aid"]
    assert (view.status, view.filled) == ("open", 0)
    assert [v.id for v in shifts.list_shifts(store, DAY, DAY + dt.timedelta(days=1))] == [shift_id]
    assert shifts.list_shifts(store, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)) == []
    assert view.as_json()["filled"] == 0


def test_sign_up_confirms_until_full_then_refuses_or_waitlists(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    first = shifts.sign_up(store, ana, meal, people["bo"])
    assert first == derived_id("shift_signup", meal, people["bo"])
    shifts.sign_up(store, ana, meal, people["cy"])
    view = shifts.get_shift(store, meal)
    assert (view.status, names(view.confirmed)) == ("full", ["Bo", "Cy"])
    with pytest.raises(ValidationError, match=r"full .*2 of 2.*waiting list"):
        shifts.sign_up(store, ana, meal, people["di"])
    shifts.sign_up(store, ana, meal, people["di"], allow_waitlist=True)
    view = shifts.get_shift(store, meal)
    assert view.status == "overbooked"
    assert names(view.confirmed) == ["Bo", "Cy"]
    assert names(view.waiting) == ["Di"]
    assert [s.confirmed for s in view.signups] == [True, True, False]


def test_cancel_moves_the_waiting_list_up_and_signing_up_again_restores(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    for who in ("bo", "cy"):
        shifts.sign_up(store, ana, meal, people[who])
    shifts.sign_up(store, ana, meal, people["di"], allow_waitlist=True)
    shifts.cancel_signup(store, ana, meal, people["bo"])
    view = shifts.get_shift(store, meal)
    assert (view.status, names(view.confirmed), view.waiting) == ("full", ["Cy", "Di"], [])
    row = store.get("shift_signup", derived_id("shift_signup", meal, people["bo"]))
    assert row is not None and row["archived"]  # kept, not deleted
    with pytest.raises(ValidationError, match="full"):
        shifts.sign_up(store, ana, meal, people["bo"])
    shifts.edit_shift(store, ana, meal, capacity=3)
    shifts.sign_up(store, ana, meal, people["bo"])
    view = shifts.get_shift(store, meal)
    assert names(view.confirmed) == ["Cy", "Di", "Bo"]  # back of the line
    with pytest.raises(ValidationError, match="not signed up"):
        shifts.cancel_signup(store, ana, meal, people["ana"])


def test_swap_and_take_over_keep_the_place_in_line(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    shifts.sign_up(store, ana, meal, people["bo"])
    shifts.sign_up(store, ana, meal, people["cy"])
    shifts.request_swap(store, ana, meal, people["bo"])
    assert shifts.get_shift(store, meal).confirmed[0].swap_wanted
    new_id = shifts.take_over(store, ana, meal, people["bo"], people["di"])
    view = shifts.get_shift(store, meal)
    assert names(view.confirmed) == ["Di", "Cy"]
    taken = view.confirmed[0]
    assert taken.signup_id == new_id
    assert taken.taken_over_from == people["bo"]
    assert not taken.swap_wanted
    old = store.require("shift_signup", derived_id("shift_signup", meal, people["bo"]))
    assert old["archived"] and taken.signed_up_at == old["signed_up_at"]
    with pytest.raises(ValidationError, match="already on this shift"):
        shifts.take_over(store, ana, meal, people["cy"], people["di"])
    # Bo can come back: his archived sign-up is restored.
    shifts.take_over(store, ana, meal, people["di"], people["bo"])
    assert names(shifts.get_shift(store, meal).confirmed) == ["Bo", "Cy"]


def test_attendance_only_once_the_shift_has_started(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    shifts.sign_up(store, ana, meal, people["bo"], makeup=True)
    with pytest.raises(ValidationError, match="has not started yet"):
        shifts.record_attendance(store, ana, meal, people["bo"], "attended")
    shifts.record_attendance(store, ana, meal, people["bo"], "no-show", now=AFTER)
    shifts.record_attendance(store, ana, meal, people["bo"], "Attended", now=AFTER)
    signup = shifts.get_shift(store, meal).confirmed[0]
    assert (signup.attendance, signup.makeup) == ("attended", True)
    with pytest.raises(ValidationError, match="one of"):
        shifts.record_attendance(store, ana, meal, people["bo"], "late", now=AFTER)


def test_filters_my_shifts_and_shifts_needing_people(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    desk = shifts.add_shift(
        store,
        ana,
        title="Front desk",
        starts_at=START - dt.timedelta(hours=8),
        ends_at=START - dt.timedelta(hours=5),
        capacity=1,
        site_id=store.site_id,
    )
    shifts.sign_up(store, ana, desk, people["bo"])
    shifts.sign_up(store, ana, meal, people["cy"])
    week = (DAY, DAY + dt.timedelta(days=7))
    assert [v.id for v in shifts.list_shifts(store, *week)] == [desk, meal]
    assert [v.id for v in shifts.list_shifts(store, *week, site_id=store.site_id)] == [desk]
    assert [v.id for v in shifts.list_shifts(store, *week, member_id=people["cy"])] == [meal]
    assert [v.id for v in shifts.my_shifts(store, people["bo"], dt.date.today())] == [desk]
    assert [v.id for v in shifts.shifts_needing_people(store, *week)] == [meal]
    shifts.cancel_shift(store, ana, meal)
    assert [v.id for v in shifts.list_shifts(store, *week)] == [desk]
    assert shifts.get_shift(store, meal).cancelled
    assert len(shifts.get_shift(store, meal).confirmed) == 1  # sign-ups kept
    shifts.restore_shift(store, ana, meal)
    assert [v.id for v in shifts.list_shifts(store, *week)] == [desk, meal]


def test_overbooked_shifts_lists_past_and_future_until_resolved(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    shifts.edit_shift(store, ana, meal, capacity=1)
    shifts.sign_up(store, ana, meal, people["bo"])
    shifts.sign_up(store, ana, meal, people["cy"], allow_waitlist=True)
    assert [v.id for v in shifts.overbooked_shifts(store)] == [meal]
    shifts.cancel_signup(store, ana, meal, people["cy"])
    assert shifts.overbooked_shifts(store) == []


def test_confirmation_rule_orders_by_time_then_site_then_member(store: Store, ana: str):
    """The rule is a function of the rows: applied to given sign-ups, it always agrees."""
    rows = [
        {"signed_up_at": "2026-12-01T10:00:00", "site_id": "b", "member_id": "1"},
        {"signed_up_at": "2026-12-01T10:00:00", "site_id": "a", "member_id": "9"},
        {"signed_up_at": "2026-11-30T10:00:00", "site_id": None, "member_id": "5"},
        {"signed_up_at": "2026-12-01T10:00:00", "site_id": "a", "member_id": "3"},
    ]
    assert [r["member_id"] for r in sorted(rows, key=shifts.line_order)] == ["5", "3", "9", "1"]
    assert shifts.shift_status(3, 2) == "overbooked"
    assert shifts.shift_status(2, 2) == "full"
    assert shifts.shift_status(1, 2) == "open"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            lambda s, a, p, m: shifts.add_shift(
                s, a, title="x", starts_at=END, ends_at=START, capacity=1
            ),
            "ends .* before it starts",
        ),
        (
            lambda s, a, p, m: shifts.add_shift(
                s, a, title="x", starts_at=START, ends_at=END, capacity=0
            ),
            "at least one person",
        ),
        (
            lambda s, a, p, m: shifts.add_shift(
                s, a, title="x", starts_at="tomorrow", ends_at=END, capacity=1
            ),
            "not a valid date",
        ),
        (lambda s, a, p, m: shifts.edit_shift(s, a, m, ends_at=START), "before it starts"),
        (lambda s, a, p, m: shifts.edit_shift(s, a, m, capacity=-1), "at least one person"),
        (lambda s, a, p, m: shifts.sign_up(s, a, m, p["gone"]), "archived"),
        (lambda s, a, p, m: shifts.sign_up(s, a, m, p["bo"]), "already signed up"),
        (
            lambda s, a, p, m: shifts.sign_up(s, a, m, p["cy"], now=AFTER),
            "a shift in the past",
        ),
        (lambda s, a, p, m: shifts.take_over(s, a, m, p["bo"], p["gone"]), "archived"),
        (lambda s, a, p, m: shifts.request_swap(s, a, m, p["cy"]), "not signed up"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    store: Store, ana: str, people: dict[str, str], meal: str, action, message: str
):
    people["gone"] = add_member(store, ana, "Gone")
    archive_member(store, ana, people["gone"])
    shifts.sign_up(store, ana, meal, people["bo"])
    before = dump_json(store)
    with pytest.raises(ValidationError, match=message):
        action(store, ana, people, meal)
    assert dump_json(store) == before


def test_a_cancelled_shift_refuses_sign_ups_and_unknown_ids_are_named(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    shifts.cancel_shift(store, ana, meal)
    before = dump_json(store)
    with pytest.raises(ValidationError, match="cancelled"):
        shifts.sign_up(store, ana, meal, people["bo"])
    with pytest.raises(NotFoundError):
        shifts.get_shift(store, derived_id("shift", "nothing", "here"))
    with pytest.raises(ValidationError, match="already cancelled"):
        shifts.cancel_shift(store, ana, meal)
    assert dump_json(store) == before


def test_two_sign_ups_in_the_same_second_keep_their_local_order(
    store: Store, ana: str, people: dict[str, str], meal: str
):
    now = dt.datetime.now().replace(microsecond=0)
    shifts.edit_shift(store, ana, meal, capacity=1)
    for who in ("di", "cy", "bo"):  # ids in any order: the one who came first stays first
        shifts.sign_up(store, ana, meal, people[who], now=now, allow_waitlist=True)
    view = shifts.get_shift(store, meal)
    assert names(view.signups) == ["Di", "Cy", "Bo"]


def test_the_capacity_check_runs_inside_the_write_so_a_second_writer_cannot_overfill(
    store: Store, ana: str, people: dict[str, str]
):
    """Another program holds the write lock while it fills the last place. Our sign-up must
    wait for the lock and then find the shift full, not check first and write after."""
    import threading
    import time

    one_place = shifts.add_shift(
        store, ana, title="Delivery", starts_at=START, ends_at=END, capacity=1
    )
    waiting = threading.Event()
    outcome: list[object] = []

    def ours() -> None:  # the window, signing Bo up, on a connection of its own
        mine = Store.open_file(store.path)
        waiting.set()
        try:
            outcome.append(shifts.sign_up(mine, ana, one_place, people["bo"]))
        except ValidationError as exc:
            outcome.append(exc)
        finally:
            mine.close()

    other = Store.open_file(store.path)  # e.g. the command line, at the same moment
    with other.transaction(ana) as tx:  # it holds the write lock from here
        worker = threading.Thread(target=ours)
        worker.start()
        waiting.wait()
        time.sleep(0.3)  # our sign-up reaches the lock meanwhile (no assertion on time)
        tx.insert(
            "shift_signup",
            {
                "shift_id": one_place,
                "member_id": people["cy"],
                "signed_up_at": dt.datetime.now().replace(microsecond=0),
                "site_id": other.site_id,
            },
            row_id=shifts.signup_id_for(one_place, people["cy"]),
        )
    worker.join()
    other.close()
    assert len(outcome) == 1 and isinstance(outcome[0], ValidationError), outcome
    assert "is full" in str(outcome[0])
    assert names(shifts.get_shift(store, one_place).confirmed) == ["Cy"]
    assert not shifts.get_shift(store, one_place).waiting
