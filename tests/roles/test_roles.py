"""Roles: who is eligible, bad input refused with clear words and nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.members import add_member, archive_member, update_member
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import (
    add_role,
    archive_role,
    edit_role,
    eligible_members,
    list_roles,
    opt_in,
    opt_out,
    role_member_id,
)
from coopdesk.store.dump import dump_json

START = dt.date(2026, 1, 5)


@pytest.fixture
def ben(store, ana):
    return add_member(store, ana, "Ben")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"term_days": 14, "member_ids": []}, "Nobody could hold Coordinator"),
        ({"term_days": 0}, "at least one day"),
        ({"term_days": 14, "policy": "lottery"}, "Unknown rotation 'lottery'"),
        ({"term_days": 14, "mandates": ["members", "bank"]}, "Unknown mandate bank"),
        ({"term_days": 14, "skill": "juggling", "member_ids": []}, "skill 'juggling'"),
        ({"term_days": 14, "starts_on": "next week"}, "not a valid date"),
        ({"term_days": 14, "holders": 0}, "at least one holder"),
    ],
)
def test_bad_roles_are_refused_and_nothing_changes(store, ana, ben, kwargs, message):
    kwargs.setdefault("member_ids", [ana, ben])
    before = dump_json(store)
    with pytest.raises(ValidationError, match=message):
        add_role(store, ana, "Coordinator", **kwargs)
    assert dump_json(store) == before


def test_a_role_with_an_archived_member_is_refused(store, ana, ben):
    archive_member(store, ana, ben)
    with pytest.raises(ValidationError, match="no active member"):
        add_role(store, ana, "Coordinator", term_days=7, member_ids=[ana, ben])


def test_members_opt_in_and_out_in_order(store, ana, ben):
    cleo = add_member(store, ana, "Cleo")
    role = add_role(store, ana, "Minute-taker", term_days=7, member_ids=[ben, ana], starts_on=START)
    assert eligible_members(store, role) == [ben, ana]
    opt_in(store, cleo, role, cleo)
    assert eligible_members(store, role) == [ben, ana, cleo]
    opt_out(store, ben, role, ben)
    assert eligible_members(store, role) == [ana, cleo]
    assert store.require("role_member", role_member_id(role, ben))["archived"]
    opt_in(store, ben, role, ben)  # restores the same row, at the end
    assert eligible_members(store, role) == [ana, cleo, ben]
    with pytest.raises(ValidationError, match="already takes turns"):
        opt_in(store, ben, role, ben)


def test_the_last_member_cannot_opt_out(store, ana):
    role = add_role(store, ana, "Treasurer", term_days=7, member_ids=[ana])
    before = dump_json(store)
    with pytest.raises(ValidationError, match="last member"):
        opt_out(store, ana, role, ana)
    assert dump_json(store) == before


def test_archived_members_are_not_eligible(store, ana, ben):
    role = add_role(store, ana, "Treasurer", term_days=7, member_ids=[ana, ben])
    archive_member(store, ana, ben)
    assert eligible_members(store, role) == [ana]


def test_a_skill_makes_everyone_with_it_eligible(store, ana, ben):
    update_member(store, ana, ben, skills=["Facilitation"])
    cleo = add_member(store, ana, "Cleo", skills=["facilitation", "cooking"])
    role = add_role(store, ana, "Facilitator", term_days=14, skill="facilitation")
    assert sorted(eligible_members(store, role)) == sorted([ben, cleo])


def test_edit_role_checks_its_fields_and_the_mandate(store, ana, ben):
    role = add_role(
        store, ana, "Coordinator", term_days=7, member_ids=[ana, ben], mandates=["roles"]
    )
    assert edit_role(store, ana, role, term_days=14, description="All of it") == {
        "term_days",
        "description",
    }
    cleo = add_member(store, ana, "Cleo")
    assert edit_role(store, ana, role, member_ids=[ana, cleo, ben]) == {"members"}
    assert eligible_members(store, role) == [ana, cleo, ben]
    before = dump_json(store)
    with pytest.raises(ValidationError, match="at least one day"):
        edit_role(store, ana, role, term_days=0)
    with pytest.raises(ValidationError, match="Nobody could hold"):
        edit_role(store, ana, role, member_ids=[])
    with pytest.raises(MandateRequiredError, match="Coordinator"):
        edit_role(store, ben, role, name="Boss")
    assert dump_json(store) == before


def test_list_roles_says_who_holds_each_role_now(store, ana, ben):
    add_role(store, ana, "Treasurer", term_days=7, member_ids=[ben, ana], mandates=["stock"])
    role = add_role(store, ana, "Archivist", term_days=7, member_ids=[ana])
    archive_role(store, ana, role)
    [treasurer] = list_roles(store)
    assert treasurer["name"] == "Treasurer" and treasurer["mandates"] == ["stock"]
    assert treasurer["member_ids"] == [ben, ana]
    assert treasurer["current_term"]["holder_names"] == ["Ben"]
