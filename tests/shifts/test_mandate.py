"""Managing shifts is a mandate a role can carry: cancelling a shift, putting others on it
or taking them off. A coop where no role carries it keeps today's openness."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.coop.members import add_member
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role
from coopdesk.shifts import shifts
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store

TODAY = dt.date.today()
START = dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(9, 0))


@pytest.fixture
def people(store: Store, ana: str) -> dict[str, str]:
    return {"ana": ana, "bo": add_member(store, ana, "Bo"), "cy": add_member(store, ana, "Cy")}


@pytest.fixture
def opening(store: Store, ana: str) -> str:
    return shifts.add_shift(
        store,
        ana,
        title="Shop opening",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        capacity=3,
    )


def coordinator(store: Store, ana: str) -> str:
    """Ana holds a role carrying the shifts mandate this term."""
    return add_role(
        store,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana],
        starts_on=TODAY,
        mandates=("shifts",),
    )


def test_without_a_role_anyone_manages_shifts(store, people, opening):
    shifts.sign_up(store, people["bo"], opening, people["cy"])  # Bo puts Cy on it
    shifts.cancel_signup(store, people["bo"], opening, people["cy"])
    shifts.cancel_shift(store, people["bo"], opening)
    assert store.require("shift", opening)["archived"]
    assert store.query("SELECT * FROM mandate_use") == []


def test_with_the_mandate_only_its_holder_cancels_or_moves_others(store, people, opening):
    shifts.sign_up(store, people["cy"], opening, people["cy"])
    coordinator(store, people["ana"])
    before = dump_json(store)
    for refused in (
        lambda: shifts.cancel_shift(store, people["bo"], opening),
        lambda: shifts.cancel_signup(store, people["bo"], opening, people["cy"]),
        lambda: shifts.sign_up(store, people["bo"], opening, people["ana"]),
        lambda: shifts.take_over(store, people["bo"], opening, people["cy"], people["ana"]),
    ):
        with pytest.raises(MandateRequiredError, match="Only this term's Coordinator"):
            refused()
    assert dump_json(store) == before

    # One's own place stays one's own business.
    shifts.sign_up(store, people["bo"], opening, people["bo"])
    shifts.cancel_signup(store, people["bo"], opening, people["bo"])
    shifts.take_over(store, people["bo"], opening, people["cy"], people["bo"])

    # The holder may, and the use is recorded in words a person would say.
    shifts.cancel_signup(store, people["ana"], opening, people["bo"])
    shifts.cancel_shift(store, people["ana"], opening)
    details = [row["detail"] for row in store.query("SELECT detail FROM mandate_use")]
    day = f"{START:%a} {START.day} {START:%b}"
    assert details == [
        f"took Bo off Shop opening, {day}",
        f"cancelled the shift Shop opening, {day}",
    ]
