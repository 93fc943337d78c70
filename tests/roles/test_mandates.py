"""Permissions follow the holder: gated actions, the refusal message, the ledger of uses."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.coop import activity
from coopdesk.coop.coop import update_settings
from coopdesk.coop.members import add_member, archive_member, restore_member, update_member
from coopdesk.roles import mandates
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role, edit_role
from coopdesk.roles.rotation import term_on
from coopdesk.store.dump import dump_json

TODAY = dt.date.today()


@pytest.fixture
def coop(store, ana):
    """Ana holds the Coordinator role this term (of two weeks, started today); Ben does not."""
    ben = add_member(store, ana, "Ben Ortiz")
    tomas = add_member(store, ana, "Tomás")
    role = add_role(
        store,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana, ben],
        starts_on=TODAY,
        mandates=("members", "roles", "settings", "conflicts"),
    )
    return {"ben": ben, "tomas": tomas, "role": role}


def test_a_coop_without_roles_lets_everyone_do_everything_and_records_nothing(store, ana):
    ben = add_member(store, ana, "Ben")
    tomas = add_member(store, ben, "Tomás")
    archive_member(store, ben, tomas)
    assert mandates.may(store, ben, "members")
    assert mandates.holders_of(store, "members") == []
    assert mandates.refusal_message(store, "members") == ""
    assert store.query("SELECT * FROM mandate_use") == []


def test_a_non_holder_is_refused_with_who_holds_it_and_until_when(store, ana, coop):
    before = dump_json(store)
    with pytest.raises(MandateRequiredError) as refused:
        archive_member(store, coop["ben"], coop["tomas"])
    end = TODAY + dt.timedelta(days=13)
    day = f"{end.day} {end.strftime('%B')}" + ("" if end.year == TODAY.year else f" {end.year}")
    assert str(refused.value) == f"Only this term's Coordinator can do this: Ana, until {day}."
    assert dump_json(store) == before
    for action in (
        lambda: add_member(store, coop["ben"], "Zoe"),
        lambda: update_member(store, coop["ben"], coop["tomas"], phone="1"),
        lambda: update_settings(store, coop["ben"], encrypt_bundles=False),
        lambda: edit_role(store, coop["ben"], coop["role"], description="mine now"),
    ):
        with pytest.raises(MandateRequiredError):
            action()
    assert dump_json(store) == before


def test_the_holder_may_and_the_use_is_recorded_and_shown_in_the_activity(store, ana, coop):
    archive_member(store, ana, coop["tomas"])
    assert store.require("member", coop["tomas"])["archived"]
    uses = store.query("SELECT member_id, role_id, action, detail, used_at FROM mandate_use")
    assert len(uses) == 1
    assert uses[0]["member_id"] == ana and uses[0]["role_id"] == coop["role"]
    assert uses[0]["action"] == "members" and uses[0]["detail"] == "archived member Tomás"
    sentences = [item.sentence() for item in activity.recent_changes(store, limit=5)]
    assert any(
        s.startswith("Ana used the Coordinator's mandate: archived member Tomás") for s in sentences
    )
    restore_member(store, ana, coop["tomas"])
    assert len(store.query("SELECT * FROM mandate_use")) == 2


def test_members_edit_their_own_details_without_a_mandate(store, ana, coop):
    update_member(store, coop["ben"], coop["ben"], phone="555 0101")
    assert store.require("member", coop["ben"])["phone"] == "555 0101"


def test_the_mandate_passes_on_with_the_term(store, ana, coop):
    next_term = TODAY + dt.timedelta(days=14)
    assert term_on(store, coop["role"], next_term).holders == (coop["ben"],)
    assert mandates.may(store, coop["ben"], "members", next_term)
    assert not mandates.may(store, ana, "members", next_term)
    assert "Ben Ortiz" in mandates.refusal_message(store, "members", next_term)


def test_actions_no_role_carries_stay_open_to_everyone(store, ana, coop):
    assert mandates.may(store, coop["ben"], "stock")
    assert not mandates.may(store, coop["ben"], "members")


def test_a_mandate_nobody_can_hold_restricts_nobody(store, ana, coop):
    """If every holder is archived the coop must not lock itself out."""
    later = add_role(
        store,
        ana,
        "Keeper",
        term_days=7,
        member_ids=[coop["ben"]],
        starts_on=TODAY,
        mandates=("stock",),
    )
    assert not mandates.may(store, ana, "stock")
    archive_member(store, ana, coop["ben"])
    assert mandates.may(store, ana, "stock")
    assert later


def test_a_role_that_has_not_started_restricts_nobody_yet(store, ana):
    ben = add_member(store, ana, "Ben")
    add_role(
        store,
        ana,
        "Coordinator",
        term_days=7,
        member_ids=[ana],
        starts_on=TODAY + dt.timedelta(days=3),
        mandates=("members",),
    )
    assert mandates.may(store, ben, "members")
    assert not mandates.may(store, ben, "members", TODAY + dt.timedelta(days=3))


def test_unknown_actions_are_a_programming_error(store, ana):
    with pytest.raises(ValueError):
        mandates.may(store, ana, "launch")
