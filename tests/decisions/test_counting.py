"""Counting against worked examples: instant-runoff and STV from published elections."""

from __future__ import annotations

from fractions import Fraction

import pytest

from coopdesk.decisions import counting
from coopdesk.decisions.counting import (
    break_tie,
    combine_sites,
    droop_quota,
    instant_runoff,
    lot_order,
    proposal_status,
    ranked_count,
    single_transferable_vote,
    slot_ranking,
    sum_scores,
)


def ballots(*groups: tuple[int, str]) -> list[list[str]]:
    """``(42, "M N C K")`` -> 42 ballots ranking M, N, C, K."""
    return [text.split() for count, text in groups for _ in range(count)]


def no_lot(options) -> dict[str, int]:
    return {option: rank for rank, option in enumerate(sorted(options))}


# -- instant-runoff -----------------------------------------------------------------------------


def test_instant_runoff_elects_knoxville_in_the_tennessee_capital_example():
    """Wikipedia, "Instant-runoff voting": Memphis leads the first round but Knoxville wins.

    42% Memphis > Nashville > Chattanooga > Knoxville; 26% Nashville > Chattanooga >
    Knoxville > Memphis; 15% Chattanooga > Knoxville > Nashville > Memphis; 17% Knoxville >
    Chattanooga > Nashville > Memphis.
    """
    cast = ballots((42, "M N C K"), (26, "N C K M"), (15, "C K N M"), (17, "K C N M"))
    result = instant_runoff(cast, ["M", "N", "C", "K"], no_lot("MNCK"))
    assert [dict(r.votes) for r in result.rounds] == [
        {"M": 42, "N": 26, "C": 15, "K": 17},
        {"M": 42, "N": 26, "K": 32},
        {"M": 42, "K": 58},
    ]
    assert [r.excluded for r in result.rounds] == [["C"], ["N"], []]
    assert result.elected == ["K"]


def test_a_first_round_majority_wins_at_once_and_exhausted_ballots_drop_out():
    cast = ballots((4, "A"), (2, "B"), (1, "C"))
    first = instant_runoff(cast, ["A", "B", "C"], no_lot("ABC"))
    assert first.elected == ["A"] and len(first.rounds) == 1
    # B's and C's voters ranked nobody else: after C goes, 3 of the 5 live votes are A's.
    split = instant_runoff(ballots((3, "A"), (3, "B"), (1, "C")), ["A", "B", "C"], no_lot("ABC"))
    assert split.rounds[1].exhausted == 1
    assert len(split.elected) == 1


def test_options_not_on_the_ballot_and_repeats_are_ignored():
    cast = [["X", "A", "A", "B"], ["B", "A"], ["A"]]
    result = instant_runoff(cast, ["A", "B"], no_lot("AB"))
    assert result.rounds[0].votes == {"A": 2, "B": 1}
    assert result.elected == ["A"]


def test_nobody_is_elected_without_valid_ballots():
    assert instant_runoff([], ["A", "B"], no_lot("AB")).elected == []
    assert single_transferable_vote([], ["A", "B", "C"], 2, no_lot("ABC")).elected == []


# -- single transferable vote -------------------------------------------------------------------


def test_stv_elects_chocolate_oranges_and_strawberries_in_the_food_election():
    """Wikipedia, "Single transferable vote": 20 voters, 3 seats, Droop quota 6.

    Chocolate's surplus of 6 is transferred at 0.5 (4 to Strawberries, 2 to Hamburgers);
    Pears is excluded and elects Oranges; Hamburgers is excluded; Strawberries is elected.
    """
    cast = ballots(
        (4, "Oranges"),
        (2, "Pears Oranges"),
        (8, "Chocolate Strawberries"),
        (4, "Chocolate Hamburgers"),
        (1, "Strawberries"),
        (1, "Hamburgers"),
    )
    options = ["Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers"]
    result = single_transferable_vote(cast, options, 3, no_lot(options))
    assert result.quota == 6
    assert result.rounds[0].votes["Chocolate"] == 12
    assert result.rounds[0].elected == ["Chocolate"]
    assert result.rounds[0].transferred == "Chocolate"
    after_surplus = result.rounds[1].votes
    assert after_surplus["Strawberries"] == 5 and after_surplus["Hamburgers"] == 3
    assert result.rounds[1].excluded == ["Pears"]
    assert result.rounds[2].elected == ["Oranges"]
    assert sorted(result.elected) == ["Chocolate", "Oranges", "Strawberries"]


def test_stv_elects_andrea_and_carter_in_the_counting_example():
    """Wikipedia, "Counting single transferable votes": 57 voters, 2 seats, quota 20.

    Andrea's 40 votes leave a surplus of 20 (12 to Carter, 8 to Brad); Brad is excluded and
    his votes all go to Carter, who reaches 20, though Delilah had more first preferences.
    """
    cast = ballots(
        (16, "Andrea Brad Carter Delilah"),
        (24, "Andrea Carter Brad Delilah"),
        (17, "Delilah Andrea Brad Carter"),
    )
    options = ["Andrea", "Brad", "Carter", "Delilah"]
    result = single_transferable_vote(cast, options, 2, no_lot(options))
    assert result.quota == 20 == droop_quota(57, 2)
    assert result.rounds[1].votes == {"Andrea": 20, "Brad": 8, "Carter": 12, "Delilah": 17}
    assert result.rounds[1].excluded == ["Brad"]
    assert result.rounds[2].votes["Carter"] == 20
    assert result.elected == ["Andrea", "Carter"]


def test_transfer_values_are_cut_to_five_decimals_as_in_the_scottish_rules():
    # 9 valid, 2 seats: quota 4. A has 7: surplus 3/7 = 0.428571..., cut to 0.42857.
    cast = ballots((7, "A B"), (1, "C"), (1, "D"))
    result = single_transferable_vote(cast, ["A", "B", "C", "D"], 2, no_lot("ABCD"))
    assert result.rounds[1].votes["B"] == Fraction(7 * 42857, 100000)
    assert result.rounds[1].votes["A"] == 4


def test_when_as_many_remain_as_seats_they_are_all_elected():
    cast = ballots((5, "A"), (3, "B"), (2, "C"))
    result = single_transferable_vote(cast, ["A", "B", "C"], 3, no_lot("ABC"))
    assert sorted(result.elected) == ["A", "B", "C"]


def test_ranked_count_is_instant_runoff_for_one_seat_and_stv_for_more():
    cast = ballots((42, "M N C K"), (26, "N C K M"), (15, "C K N M"), (17, "K C N M"))
    assert ranked_count(cast, list("MNCK"), 1, no_lot("MNCK")).quota is None
    two = ranked_count(cast, list("MNCK"), 2, no_lot("MNCK"))
    assert two.quota == 34 and "M" in two.elected and len(two.elected) == 2


# -- ties -------------------------------------------------------------------------------------


def test_a_tie_for_last_is_broken_by_the_earlier_round():
    # Round 1: A 4, B 3, C 2, D 2: C and D tie for last; no earlier round: the lot decides.
    # Round 2 (after D goes to B): B and C can tie; C had fewer in round 1, so C goes.
    history = [{"A": 4, "B": 3, "C": 2}, {"A": 4, "B": 3, "C": 3}]
    assert break_tie(["B", "C"], history, no_lot("ABC"), lowest=True) == "C"
    assert break_tie(["B", "C"], history, no_lot("ABC"), lowest=False) == "B"


def test_a_tie_in_every_round_is_broken_by_a_lot_every_site_draws_alike():
    lot = lot_order("decision-1", ["A", "B", "C"])
    assert lot == lot_order("decision-1", ["C", "B", "A"])  # not the order they are listed in
    assert sorted(lot.values()) == [0, 1, 2]
    loser = break_tie(["A", "B"], [{"A": 1, "B": 1}], lot, lowest=True)
    assert loser == min(("A", "B"), key=lot.get)
    salts = {
        tuple(sorted(lot_order(f"decision-{n}", "ABC"), key=lot_order(f"decision-{n}", "ABC").get))
        for n in range(20)
    }
    assert len(salts) > 1  # the lot depends on the decision, not on the names


def test_instant_runoff_with_a_perfect_tie_has_one_winner_whatever_the_order():
    cast = ballots((2, "A"), (2, "B"))
    lot = lot_order("some decision", ["A", "B"])
    first = instant_runoff(cast, ["A", "B"], lot)
    second = instant_runoff(list(reversed(cast)), ["B", "A"], lot)
    assert first.elected == second.elected and len(first.elected) == 1


# -- proposals, sites, polls --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "counts", "status"),
    [
        ("consent", {"consent": 5, "object": 0}, "passed"),
        ("consent", {"consent": 5, "object": 1}, "not passed"),
        ("consent", {"consent": 0, "object": 0}, "not passed"),
        ("consensus", {"agree": 5, "abstain": 2, "disagree": 1, "block": 0}, "passed"),
        ("consensus", {"agree": 5, "block": 1}, "blocked"),
        ("consensus", {"agree": 2, "disagree": 2}, "not passed"),
        ("consensus", {"abstain": 3}, "not passed"),
    ],
)
def test_proposal_status(kind, counts, status):
    assert proposal_status(kind, counts) == status


def test_combining_the_sites_positions_by_each_rule():
    assert combine_sites("every-site", ["passed", "passed"], 0, 0) == "passed"
    assert combine_sites("every-site", ["passed", "no votes"], 0, 0) == "not passed"
    assert combine_sites("every-site", ["passed", "blocked"], 0, 0) == "blocked"
    assert combine_sites("site-majority", ["passed", "passed", "not passed"], 0, 0) == "passed"
    assert combine_sites("site-majority", ["passed", "passed", "blocked"], 0, 0) == "blocked"
    assert combine_sites("site-majority", ["passed", "not passed"], 0, 0) == "not passed"
    assert combine_sites("member-majority", ["blocked", "passed"], 11, 20) == "passed"
    assert combine_sites("member-majority", ["passed", "passed"], 10, 20) == "not passed"


def test_meeting_slots_rank_by_yes_then_maybe_then_earliest():
    slots = [
        ("late", "2030-01-02T18:00:00"),
        ("early", "2030-01-01T18:00:00"),
        ("x", "2030-01-03T18:00:00"),
    ]
    answers = [
        {"late": "yes", "early": "yes", "x": "maybe"},
        {"late": "maybe", "early": "no", "x": "yes"},
        {"late": "no", "early": "maybe", "x": "no"},
    ]
    ranking = slot_ranking(answers, slots)
    assert ranking[0] == ("early", 1, 1, 1)  # ties with "late" on yes and maybe: earlier
    assert [slot for slot, *_ in ranking] == ["early", "late", "x"]


def test_scores_add_up_and_leave_out_means_zero():
    totals = sum_scores([{"a": 5, "b": 2}, {"a": 1}, {"b": 5, "zz": 5}], ["a", "b"])
    assert totals == {"a": 6, "b": 7}
    assert counting.leaders(totals) == ["b"]
    assert counting.leaders({"a": 0, "b": 0}) == []
    assert counting.leaders({"a": 3, "b": 3}) == ["a", "b"]


def test_ballots_that_cannot_be_read_count_for_nobody():
    cast = [["A"], "B", None, 7, [["A"]], [1, "B"], ["B", {"x": 1}], ["B", "B", "A"], ["C", "A"]]
    result = instant_runoff(cast, ["A", "B"], no_lot("AB"))
    # ["A"], [1, "B"] -> B, ["B", "B", "A"] -> B, ["C", "A"] -> A; the rest are unreadable.
    assert result.valid == 4
    assert result.rounds[0].votes == {"A": 2, "B": 2}
