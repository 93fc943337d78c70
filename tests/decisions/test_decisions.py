"""Decisions at one site: kinds, votes, changes of mind, closing, outcomes, bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.coop.members import add_member, archive_member, update_member
from coopdesk.decisions.ballots import has_voted, vote
from coopdesk.decisions.decisions import (
    add_decision,
    amend_decision,
    due_for_review,
    get_decision,
    list_decisions,
    withdraw_decision,
)
from coopdesk.decisions.ics import meeting_ics
from coopdesk.decisions.meetings import (
    add_meeting,
    get_meeting,
    record_hands,
    write_minutes,
)
from coopdesk.decisions.outcomes import close_decision, fill_role, write_outcome
from coopdesk.decisions.results import tally
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role
from coopdesk.roles.rotation import term_on
from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.tasks.tasks import get_task

NOW = dt.datetime.now().replace(microsecond=0)
WEEK = NOW + dt.timedelta(days=7)


@pytest.fixture
def people(store, ana) -> dict[str, str]:
    ids = {"Ana": ana}
    for name in ("Bea", "Cai", "Dee", "Eve"):
        ids[name] = add_member(store, ana, name)
    return ids


def proposal(store, author, kind="consent", **extra) -> str:
    return add_decision(store, author, "Take on the bakery", kind=kind, closes_at=WEEK, **extra)


def close(store, author, decision_id, **extra):
    return close_decision(store, author, decision_id, **extra)


# -- consent and consensus ------------------------------------------------------------------


def test_an_objection_stops_a_consent_proposal_until_it_is_withdrawn(store, people):
    bakery = proposal(store, people["Ana"])
    for name in ("Ana", "Bea", "Cai"):
        vote(store, people[name], bakery, stance="consent")
    vote(store, people["Dee"], bakery, stance="object", reason="We have no van on Fridays.")
    standing = tally(store, bakery)
    assert standing.status == "open"
    assert standing.counts == {"consent": 3, "object": 1}
    assert standing.reasons == [("object", "We have no van on Fridays.", "Dee")]

    vote(store, people["Dee"], bakery, stance="consent")  # withdrawn: the latest counts
    close(store, people["Ana"], bakery)
    result = tally(store, bakery)
    assert result.status == "passed"
    assert result.counts == {"consent": 4, "object": 0}
    assert result.voters == 4


def test_an_objection_that_stands_at_the_close_means_not_passed(store, people):
    bakery = proposal(store, people["Ana"])
    vote(store, people["Bea"], bakery, stance="consent")
    vote(store, people["Dee"], bakery, stance="object", reason="No van.")
    close(store, people["Ana"], bakery)
    assert tally(store, bakery).status == "not passed"


def test_amending_a_proposal_starts_a_new_round(store, people):
    bakery = proposal(store, people["Ana"])
    vote(store, people["Dee"], bakery, stance="object", reason="No van on Fridays.")
    vote(store, people["Bea"], bakery, stance="consent")
    assert amend_decision(store, people["Ana"], bakery, details="Deliveries on Thursdays.") == 1
    result = tally(store, bakery)
    assert result.counts == {"consent": 0, "object": 0}  # both lapsed with the old text
    assert not has_voted(store, get_decision(store, bakery), people["Dee"])
    vote(store, people["Dee"], bakery, stance="consent")
    close(store, people["Ana"], bakery)
    assert tally(store, bakery).status == "passed"
    assert get_decision(store, bakery).details == "Deliveries on Thursdays."


def test_a_block_stops_a_consensus_proposal(store, people):
    duty = proposal(store, people["Ana"], kind="consensus")
    vote(store, people["Ana"], duty, stance="agree")
    vote(store, people["Bea"], duty, stance="agree")
    vote(store, people["Cai"], duty, stance="abstain")
    vote(store, people["Eve"], duty, stance="disagree", reason="Too many hours.")
    vote(store, people["Dee"], duty, stance="block", reason="Parents cannot do evenings.")
    close(store, people["Ana"], duty)
    result = tally(store, duty)
    assert result.status == "blocked"
    assert result.counts == {"agree": 2, "abstain": 1, "disagree": 1, "block": 1}
    assert [stance for stance, _reason, _name in result.reasons] == ["disagree", "block"]


def test_too_few_taking_part_is_no_quorum(store, people):
    bakery = proposal(store, people["Ana"], quorum_pct=60)  # 5 members: 3 needed
    vote(store, people["Bea"], bakery, stance="consent")
    vote(store, people["Cai"], bakery, stance="consent")
    close(store, people["Ana"], bakery)
    result = tally(store, bakery)
    assert result.quorum_needed == 3
    assert result.status == "no quorum"


# -- polls ------------------------------------------------------------------------------------


def test_single_and_several_choice_polls(store, people):
    single = add_decision(
        store, people["Ana"], "Name", kind="single", options=["Roots", "Commons"], closes_at=WEEK
    )
    vote(store, people["Ana"], single, choice="Roots")
    vote(store, people["Bea"], single, choice="2")  # by number
    vote(store, people["Cai"], single, choice="roots")  # any case
    several = add_decision(
        store,
        people["Ana"],
        "Stock",
        kind="multiple",
        options=["Oats", "Rice", "Beans"],
        closes_at=WEEK,
    )
    vote(store, people["Ana"], several, choice=["Oats", "Beans"])
    vote(store, people["Bea"], several, choice=["Beans"])
    first, second = tally(store, single), tally(store, several)
    assert first.winner_labels == ["Roots"] and [b.value for b in first.bars] == [2, 1]
    assert second.winner_labels == ["Beans"] and [b.value for b in second.bars] == [1, 0, 2]


def test_score_poll_totals_and_averages(store, people):
    poll = add_decision(
        store, people["Ana"], "Suppliers", kind="score", options=["Farm", "Mill"], closes_at=WEEK
    )
    vote(store, people["Ana"], poll, choice={"Farm": 5, "Mill": 1})
    vote(store, people["Bea"], poll, choice=["Farm=2", "Mill=4"])
    result = tally(store, poll)
    assert result.counts == {
        o.id: v for o, v in zip(get_decision(store, poll).options, [7, 5], strict=True)
    }
    assert result.winner_labels == ["Farm"]
    assert "average 3.5" in result.bars[0].text


def test_count_poll_says_whether_enough_are_in(store, people):
    saturday = add_decision(
        store, people["Ana"], "Who covers Saturday?", kind="count", seats=2, closes_at=WEEK
    )
    vote(store, people["Bea"], saturday, stance="yes")
    vote(store, people["Cai"], saturday, stance="no")
    assert "1 more needed" in tally(store, saturday).bars[0].text
    vote(store, people["Dee"], saturday, stance="yes")
    assert "enough" in tally(store, saturday).bars[0].text


def test_meeting_time_poll_winner_exports_as_ics(store, people):
    slots = ["2031-03-04T18:00", "2031-03-05T19:30"]
    poll = add_decision(
        store, people["Ana"], "Spring assembly", kind="meeting", options=slots, closes_at=WEEK
    )
    vote(store, people["Ana"], poll, choice=["2031-03-04T18:00=maybe", "2031-03-05T19:30=yes"])
    vote(store, people["Bea"], poll, choice={"1": "yes", "2": "yes"})
    result = tally(store, poll)
    assert result.winners == [get_decision(store, poll).options[1].id]
    calendar = meeting_ics(store, poll).decode()
    assert "DTSTART:20310305T193000" in calendar and "SUMMARY:Spring assembly" in calendar


def test_results_shown_only_after_closing_are_hidden_until_then(store, people):
    poll = add_decision(
        store,
        people["Ana"],
        "Name",
        kind="single",
        options=["Roots", "Commons"],
        closes_at=WEEK,
        show_results=False,
    )
    vote(store, people["Bea"], poll, choice="Roots")
    hidden = tally(store, poll)
    assert hidden.hidden and hidden.bars == [] and hidden.winners == [] and hidden.voters == 1
    assert hidden.participants == ["Bea"]  # who took part is never hidden
    close(store, people["Ana"], poll)
    assert tally(store, poll).winner_labels == ["Roots"]


def test_a_member_changes_their_stance_until_the_close(store, people):
    poll = add_decision(
        store, people["Ana"], "Name", kind="single", options=["Roots", "Commons"], closes_at=WEEK
    )
    vote(store, people["Bea"], poll, choice="Roots")
    vote(store, people["Bea"], poll, choice="Commons")
    result = tally(store, poll)
    assert [bar.value for bar in result.bars] == [0, 1] and result.voters == 1
    first, second = store.query("SELECT id, replaces FROM stance ORDER BY length(replaces)")
    assert json.loads(first["replaces"]) == [] and json.loads(second["replaces"]) == [first["id"]]


# -- bad input: one clear message each, nothing changed ---------------------------------------


@pytest.fixture
def election(store, people) -> str:
    return add_decision(
        store,
        people["Ana"],
        "Treasurer",
        kind="ranked",
        options=["Bea", "Cai", "Dee"],
        closes_at=WEEK,
    )


def refused(store, action, message: str) -> None:
    before = dump_json(store)
    with pytest.raises(CoopDeskError, match=message):
        action()
    assert dump_json(store) == before


def test_bad_votes_are_refused_with_one_message_each_and_change_nothing(store, people, election):
    bakery = proposal(store, people["Ana"])
    refused(
        store, lambda: vote(store, people["Bea"], election, choice=["Fay"]), "has no option 'Fay'"
    )
    refused(
        store,
        lambda: vote(store, people["Bea"], election, choice=["Cai", "Dee", "Cai"]),
        "You ranked Cai twice",
    )
    refused(
        store, lambda: vote(store, people["Bea"], bakery, stance="object"), "Reason is required"
    )
    refused(store, lambda: vote(store, people["Bea"], bakery, stance="maybe"), "does not fit")
    archive_member(store, people["Ana"], people["Eve"])
    refused(store, lambda: vote(store, people["Eve"], bakery, stance="consent"), "Eve is archived")
    close(store, people["Ana"], bakery)
    refused(
        store,
        lambda: vote(store, people["Bea"], bakery, stance="consent"),
        "votes are no longer taken",
    )


def test_only_those_who_may_take_part_vote(store, people):
    kitchen = store.site_id
    for name in ("Ana", "Bea"):
        update_member(store, people["Ana"], people[name], home_site_id=kitchen)
    local = proposal(store, people["Ana"], electorate="site", site_id=kitchen)
    assert get_decision(store, local).electorate_size == 2
    refused(
        store,
        lambda: vote(store, people["Cai"], local, stance="consent"),
        "Only the members of Kitchen",
    )
    vote(store, people["Bea"], local, stance="consent")


def test_bad_decisions_are_refused_with_one_message_each(store, people):
    ana = people["Ana"]
    refused(
        store,
        lambda: add_decision(
            store, ana, "X", kind="consent", opens_at=WEEK, closes_at=NOW + dt.timedelta(days=1)
        ),
        "is not after the opening time",
    )
    refused(
        store,
        lambda: add_decision(store, ana, "X", kind="consent", closes_at=WEEK, quorum_pct=120),
        "Quorum 120% is not a share",
    )
    refused(
        store,
        lambda: add_decision(
            store, ana, "X", kind="consent", closes_at=NOW - dt.timedelta(hours=1)
        ),
        "has passed already",
    )
    refused(
        store,
        lambda: add_decision(store, ana, "X", kind="single", options=["A"], closes_at=WEEK),
        "at least two options",
    )
    refused(
        store,
        lambda: add_decision(store, ana, "X", kind="single", options=["A", "a"], closes_at=WEEK),
        "listed twice",
    )
    refused(
        store,
        lambda: add_decision(
            store, ana, "X", kind="ranked", options=["A", "B"], seats=2, closes_at=WEEK
        ),
        "2 seats need more than 2 candidates",
    )
    refused(
        store,
        lambda: add_decision(
            store,
            ana,
            "X",
            kind="single",
            options=["A", "B"],
            by_sites="every-site",
            closes_at=WEEK,
        ),
        "works for proposals",
    )
    refused(
        store,
        lambda: add_decision(store, ana, "X", kind="vote", closes_at=WEEK),
        "Kind must be one of",
    )


def test_a_secret_ballot_cannot_be_cast_twice(store, people):
    secret = proposal(store, people["Ana"], secret=True)
    vote(store, people["Bea"], secret, stance="consent")
    refused(
        store,
        lambda: vote(store, people["Bea"], secret, stance="consent"),
        "voted in “Take on the bakery” already",
    )


def test_voting_before_the_decision_opens_is_refused(store, people):
    later = add_decision(
        store,
        people["Ana"],
        "Later",
        kind="consent",
        opens_at=NOW + dt.timedelta(days=1),
        closes_at=WEEK,
    )
    refused(store, lambda: vote(store, people["Bea"], later, stance="consent"), "opens on")
    assert tally(store, later).status == "upcoming"


# -- facilitation: closing early, outcomes, review, tasks, elections ---------------------------


@pytest.fixture
def facilitator(store, people) -> str:
    """A Facilitator role that carries the "decisions" mandate; Cai holds it this term."""
    return add_role(
        store,
        people["Ana"],
        "Facilitator",
        term_days=14,
        member_ids=[people["Cai"], people["Dee"]],
        starts_on=NOW.date(),
        mandates=["decisions"],
    )


def test_only_the_facilitator_closes_early_when_a_role_carries_the_mandate(
    store, people, facilitator
):
    bakery = proposal(store, people["Ana"])
    refused(
        store,
        lambda: close(store, people["Bea"], bakery),
        "Only this term's Facilitator can do this: Cai",
    )
    with pytest.raises(MandateRequiredError):
        close(store, people["Ana"], bakery)
    close(store, people["Cai"], bakery)
    decision = get_decision(store, bakery)
    assert decision.closed_at is not None and decision.phase() == "closed"
    uses = store.query(
        "SELECT member_id, action, detail FROM mandate_use WHERE action = 'decisions'"
    )
    assert uses == [
        {"member_id": people["Cai"], "action": "decisions", "detail": "closed “Take on the bakery”"}
    ]


def test_an_outcome_with_a_review_date_and_tasks(store, people):
    bakery = proposal(store, people["Ana"])
    vote(store, people["Bea"], bakery, stance="consent")
    with pytest.raises(ValidationError, match="close it first"):
        write_outcome(store, people["Ana"], bakery, "We start in March.")
    close(store, people["Ana"], bakery)
    tasks = write_outcome(
        store,
        people["Ana"],
        bakery,
        "We take on the bakery from March.",
        review_on=NOW.date() - dt.timedelta(days=1),
        tasks=["Call the baker", "Clear a shelf"],
    )
    assert [get_task(store, task)["title"] for task in tasks] == ["Call the baker", "Clear a shelf"]
    assert "Take on the bakery" in get_task(store, tasks[0])["notes"]
    assert [d.id for d in due_for_review(store)] == [bakery]
    assert get_decision(store, bakery).outcome == "We take on the bakery from March."


def test_an_election_fills_the_roles_next_term_through_a_swap(store, people):
    treasurer = add_role(
        store,
        people["Ana"],
        "Treasurer",
        term_days=28,
        member_ids=[people["Bea"], people["Cai"], people["Dee"]],
        starts_on=NOW.date() - dt.timedelta(days=3),
        mandates=["stock"],
    )
    election = add_decision(
        store,
        people["Ana"],
        "Next treasurer",
        kind="ranked",
        options=["Bea", "Cai", "Dee"],
        closes_at=WEEK,
        secret=True,
        fills_role_id=treasurer,
    )
    for name, ranking in (
        ("Ana", ["Dee", "Bea"]),
        ("Bea", ["Dee"]),
        ("Cai", ["Cai", "Dee"]),
        ("Eve", ["Bea", "Dee"]),
    ):
        vote(store, people[name], election, choice=ranking)
    with pytest.raises(ValidationError, match="the role is filled once it has closed"):
        fill_role(store, people["Ana"], election)
    close(store, people["Ana"], election)
    assert tally(store, election).winner_labels == ["Dee"]
    next_start = term_on(store, treasurer, NOW.date()).ends_on + dt.timedelta(days=1)
    before = term_on(store, treasurer, next_start)
    holders = fill_role(store, people["Ana"], election)
    assert holders == [people["Dee"]]
    after = term_on(store, treasurer, next_start)
    assert after.overridden and after.holders == (people["Dee"],)
    assert before.holders != after.holders or before.overridden is False
    with pytest.raises(ValidationError, match="already hold"):
        fill_role(store, people["Ana"], election)


def test_an_election_that_fills_a_role_has_eligible_members_as_candidates(store, people):
    treasurer = add_role(
        store,
        people["Ana"],
        "Treasurer",
        term_days=28,
        member_ids=[people["Bea"], people["Cai"]],
        starts_on=NOW.date(),
    )
    refused(
        store,
        lambda: add_decision(
            store,
            people["Ana"],
            "T",
            kind="ranked",
            options=["Bea", "Eve"],
            closes_at=WEEK,
            fills_role_id=treasurer,
        ),
        "Eve is not eligible for Treasurer",
    )


def test_withdrawing_and_listing(store, people):
    bakery = proposal(store, people["Ana"])
    other = add_decision(
        store, people["Bea"], "Later", kind="consent", closes_at=WEEK + dt.timedelta(days=1)
    )
    assert [d.id for d in list_decisions(store, "open")] == [bakery, other]  # closing soonest first
    withdraw_decision(store, people["Ana"], bakery)
    assert [d.id for d in list_decisions(store, "open")] == [other]
    assert [d.id for d in list_decisions(store, "closed")] == [bakery]
    assert tally(store, bakery).status == "closed"
    with pytest.raises(CoopDeskError, match="withdrawn"):
        vote(store, people["Cai"], bakery, stance="consent")


# -- assemblies -------------------------------------------------------------------------------


def test_an_assembly_with_agenda_minutes_and_a_show_of_hands(store, people):
    bakery = proposal(store, people["Ana"])
    meeting = add_meeting(
        store,
        people["Ana"],
        "March assembly",
        starts_at=NOW,
        facilitator_id=people["Cai"],
        agenda=["Welcome", ("", bakery)],
    )
    vote(store, people["Bea"], bakery, stance="consent")
    record_hands(store, people["Cai"], bakery, {"consent": 9, "object": 0}, meeting_id=meeting)
    record_hands(store, people["Cai"], bakery, {"consent": 11}, meeting_id=meeting)  # recounted
    write_minutes(
        store, people["Ana"], meeting, "We agreed.", attendees=["Bea", "Cai", people["Dee"]]
    )
    view = get_meeting(store, meeting)
    assert [item.title for item in view.agenda] == ["Welcome", "Take on the bakery"]
    assert view.agenda[1].decision_id == bakery
    assert view.attendee_names == ["Bea", "Cai", "Dee"] and view.facilitator_name == "Cai"
    result = tally(store, bakery)
    assert result.counts["consent"] == 12 and result.hands == 11
    assert any("counted by hand" in note for note in result.notes)
    with pytest.raises(ValidationError, match="cannot rank"):
        ranked = add_decision(
            store, people["Ana"], "R", kind="ranked", options=["A", "B"], closes_at=WEEK
        )
        record_hands(store, people["Ana"], ranked, {"A": 3})


def test_decisions_and_stances_are_in_the_dump_and_the_store_checks_clean(store, people):
    bakery = proposal(store, people["Ana"])
    vote(store, people["Bea"], bakery, stance="consent")
    tables = json.loads(dump_json(store))["tables"]
    assert [row["title"] for row in tables["decision"]] == ["Take on the bakery"]
    assert [row["member_id"] for row in tables["stance"]] == [people["Bea"]]
    assert check_store(store) == []


def test_a_damaged_secret_ballot_counts_for_nobody_and_the_others_still_count(store, people):
    from coopdesk.store.transaction import URN

    poll = add_decision(
        store,
        people["Ana"],
        "Name",
        kind="single",
        options=["Roots", "Commons"],
        secret=True,
        closes_at=WEEK,
    )
    for name in ("Ana", "Bea", "Cai"):
        vote(store, people[name], poll, choice="Roots")
    close(store, people["Ana"], poll)
    with store.transaction(URN) as tx:  # as a site with a bug might have sent them
        for text in ("[1],[2", "not json", "[]"):
            tx.insert("ballot", {"decision_id": poll, "site_id": store.site_id, "choice": text})
    result = tally(store, poll)
    assert result.ballots == 6 and result.winner_labels == ["Roots"]
    assert [bar.value for bar in result.bars] == [3, 0]
