"""Rotation policies: fair over many terms, skip members on leave, honour swaps."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.members import add_member
from coopdesk.roles import rotation
from coopdesk.roles.roles import add_role
from coopdesk.roles.rotation import Leave, RotationInput, plan_terms
from coopdesk.store.dump import dump_json
from coopdesk.store.ids import derived_id

START = dt.date(2026, 1, 5)
POLICIES = ("round-robin", "least-recent", "fewest-terms")


def _members(count: int) -> list[str]:
    return [f"m{index:02d}" for index in range(count)]


def _spread(counts: dict[str, int], members: list[str]) -> int:
    values = [counts.get(m, 0) for m in members]
    return max(values) - min(values)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_policy_is_fair_over_many_terms(policy: str):
    rng = random.Random(policy)
    for _case in range(60):
        members = _members(rng.randint(1, 8))
        holders = rng.randint(1, min(3, len(members)))
        data = RotationInput(policy, START, rng.randint(1, 30), holders, members)
        counts: dict[str, int] = {}
        for _start, term_holders, _overridden in plan_terms(data, rng.randint(1, 80)):
            assert len(term_holders) == holders
            assert len(set(term_holders)) == holders
            for member in term_holders:
                counts[member] = counts.get(member, 0) + 1
            # After every term, not only at the end: nobody is ever two terms ahead.
            assert _spread(counts, members) <= 1


def test_round_robin_follows_the_fixed_order():
    data = RotationInput("round-robin", START, 7, 1, ["c", "a", "b"])
    assert [holders for _s, holders, _o in plan_terms(data, 7)] == [
        ("c",),
        ("a",),
        ("b",),
        ("c",),
        ("a",),
        ("b",),
        ("c",),
    ]


def test_terms_are_consecutive_and_term_days_long():
    data = RotationInput("least-recent", START, 10, 1, ["a", "b"])
    starts = [start for start, _h, _o in plan_terms(data, 4)]
    assert starts == [START + dt.timedelta(days=10 * i) for i in range(4)]


@pytest.mark.parametrize("policy", POLICIES)
def test_members_on_leave_are_skipped_for_any_term_their_leave_touches(policy: str):
    members = _members(4)
    # m01 is away on the last day of the third term and the first of the fourth.
    leave = [Leave("m01", START + dt.timedelta(days=20), START + dt.timedelta(days=21))]
    data = RotationInput(policy, START, 7, 2, members, leave=leave)
    planned = plan_terms(data, 12)
    for index in (2, 3):
        assert "m01" not in planned[index][1]
        assert len(planned[index][1]) == 2
    assert any("m01" in holders for _s, holders, _o in planned[4:])


def test_least_recent_lets_a_returning_member_serve_first():
    leave = [Leave("a", START, START + dt.timedelta(days=13))]
    data = RotationInput("least-recent", START, 7, 1, ["a", "b", "c"], leave=leave)
    assert [h for _s, h, _o in plan_terms(data, 4)] == [("b",), ("c",), ("a",), ("b",)]


@pytest.mark.parametrize("policy", ("least-recent", "fewest-terms"))
def test_an_override_counts_as_served_by_its_holders(policy: str):
    members = ["a", "b", "c"]
    overrides = {START: ("c",)}  # c took the first term instead of a
    data = RotationInput(policy, START, 7, 1, members, overrides=overrides)
    planned = plan_terms(data, 3)
    assert planned[0] == (START, ("c",), True)
    assert [h for _s, h, _o in planned[1:]] == [("a",), ("b",)]


def test_everyone_on_leave_leaves_the_term_empty():
    leave = [Leave(m, START, START + dt.timedelta(days=6)) for m in ("a", "b")]
    for policy in POLICIES:
        data = RotationInput(policy, START, 7, 1, ["a", "b"], leave=leave)
        assert plan_terms(data, 2)[0][1] == ()
        assert plan_terms(data, 2)[1][1] != ()


# -- over the store ---------------------------------------------------------------------------


@pytest.fixture
def crew(store, ana):
    return [ana, *(add_member(store, ana, name) for name in ("Ben", "Cleo", "Dev"))]


def test_schedule_shows_the_current_term_and_the_planned_ones(store, ana, crew):
    role = add_role(store, ana, "Coordinator", term_days=14, member_ids=crew, starts_on=START)
    today = START + dt.timedelta(days=30)  # in the third term
    terms = rotation.schedule(store, terms=4, today=today)
    assert [t.starts_on for t in terms] == [START + dt.timedelta(days=14 * i) for i in range(2, 7)]
    assert terms[0].covers(today)
    assert terms[0].ends_on == START + dt.timedelta(days=41)
    assert [t.holders[0] for t in terms] == [crew[2], crew[3], crew[0], crew[1], crew[2]]
    assert terms[0].holder_names == ("Cleo",)
    assert terms[0].term_id == derived_id("role_term", role, terms[0].starts_on.isoformat())
    past = rotation.history(store, role, until=today)
    assert [t.holders[0] for t in past] == crew[:2]
    assert rotation.term_on(store, role, today) == terms[0]
    assert [t.role_name for t in rotation.current_terms(store, today)] == ["Coordinator"]
    assert rotation.current_terms(store, START - dt.timedelta(days=1)) == []
    with pytest.raises(ValidationError, match="starts on"):
        rotation.term_on(store, role, START - dt.timedelta(days=1))


def test_leave_in_the_shared_table_is_skipped(store, ana, crew):
    role = add_role(
        store,
        ana,
        "Treasurer",
        term_days=7,
        member_ids=crew,
        starts_on=START,
        policy="least-recent",
    )
    with store.transaction(ana) as tx:
        tx.insert("leave", {"member_id": crew[0], "starts_on": START, "ends_on": START})
    terms = rotation.schedule(store, role_id=role, terms=3, today=START)
    assert crew[0] not in terms[0].holders
    # Back from leave, the least recently served (never) goes first.
    assert [t.holders[0] for t in terms[1:4]] == [crew[0], crew[2], crew[3]]


def test_a_swap_is_an_override_and_later_terms_follow(store, ana, crew):
    role = add_role(
        store,
        ana,
        "Facilitator",
        term_days=7,
        member_ids=crew,
        starts_on=START,
        policy="fewest-terms",
    )
    before = rotation.schedule(store, role_id=role, terms=4, today=START)
    assert before[0].holders == (ana,)
    rotation.swap(store, ana, role, START, ana, crew[3])
    after = rotation.schedule(store, role_id=role, terms=4, today=START)
    assert after[0].holders == (crew[3],) and after[0].overridden
    assert [t.holders[0] for t in after[1:4]] == [ana, crew[1], crew[2]]
    row = store.require("role_term", derived_id("role_term", role, START.isoformat()))
    assert row["holders_override"] == f'["{crew[3]}"]'


def test_a_swap_needs_a_holder_out_and_an_eligible_member_in(store, ana, crew):
    role = add_role(store, ana, "Coordinator", term_days=7, member_ids=crew[:3], starts_on=START)
    outsider = crew[3]
    before = dump_json(store)
    with pytest.raises(ValidationError, match="not eligible"):
        rotation.swap(store, ana, role, START, ana, outsider)
    with pytest.raises(ValidationError, match="does not hold"):
        rotation.swap(store, ana, role, START, crew[1], crew[2])
    with pytest.raises(ValidationError, match="No term"):
        rotation.swap(store, ana, role, START + dt.timedelta(days=1), ana, crew[1])
    with pytest.raises(ValidationError, match="not a valid date"):
        rotation.swap(store, ana, role, "soon", ana, crew[1])
    assert dump_json(store) == before


def test_handover_notes_belong_to_a_term(store, ana, crew):
    role = add_role(store, ana, "Coordinator", term_days=7, member_ids=crew, starts_on=START)
    rotation.write_handover(store, ana, role, START, "Keys in the blue box.")
    first = rotation.term_on(store, role, START)
    assert first.handover_notes == "Keys in the blue box."
    assert not first.overridden
    assert rotation.term_on(store, role, START + dt.timedelta(days=7)).handover_notes == ""


def test_round_robin_members_on_leave_lose_their_turn():
    leave = [Leave("a", START + dt.timedelta(days=7), START + dt.timedelta(days=7))]
    data = RotationInput("round-robin", START, 7, 1, ["a", "b", "c"], leave=leave)
    # a is away in the second term, which is b's anyway: nothing changes.
    assert [h[0] for _s, h, _o in plan_terms(data, 6)] == ["a", "b", "c", "a", "b", "c"]
    leave = [Leave("b", START + dt.timedelta(days=7), START + dt.timedelta(days=7))]
    data = RotationInput("round-robin", START, 7, 1, ["a", "b", "c"], leave=leave)
    # b is away for their turn: c goes, then the cycle carries on (b lost that turn).
    assert [h[0] for _s, h, _o in plan_terms(data, 6)] == ["a", "c", "a", "b", "c", "a"]


def test_round_robin_after_a_swap_the_swapped_out_member_serves_next():
    data = RotationInput("round-robin", START, 7, 1, ["a", "b", "c"], overrides={START: ("b",)})
    assert [h[0] for _s, h, _o in plan_terms(data, 6)] == ["b", "a", "c", "b", "a", "c"]
