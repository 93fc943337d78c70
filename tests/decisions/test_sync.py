"""Decisions across sites: one result everywhere, whatever order bundles arrive in."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil

import pytest

from coopdesk.coop.members import add_member
from coopdesk.decisions.ballots import vote
from coopdesk.decisions.decisions import add_decision
from coopdesk.decisions.outcomes import close_decision
from coopdesk.decisions.results import tally
from coopdesk.store.check import check_store
from tests.sync_helpers import Federation, fast_tmp_root

SITES = ["Kitchen", "Warehouse", "Market"]
NOW = dt.datetime.now().replace(microsecond=0)
CLOSES = NOW + dt.timedelta(days=10)


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", SITES)
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def members_at_home(coop: Federation, per_site: int = 3) -> dict[str, list[str]]:
    """``per_site`` members whose home is each site (made at Kitchen, then synced)."""
    kitchen = coop["Kitchen"]
    homes = {
        name: [
            add_member(kitchen, coop.ana, f"{name} {n}", home_site_id=coop[name].site_id)
            for n in range(per_site)
        ]
        for name in SITES
    }
    coop.sync_all()
    return homes


def seen(result) -> tuple:
    return (result.status, result.counts, result.winners, result.voters, result.apart)


def test_every_site_counts_the_same_whatever_order_the_bundles_arrive_in(tmp_path, coop):
    homes = members_at_home(coop)
    kitchen = coop["Kitchen"]
    election = add_decision(
        kitchen,
        coop.ana,
        "Coordinator",
        kind="ranked",
        options=["Ana", "Kitchen 0", "Warehouse 0"],
        closes_at=CLOSES,
        secret=True,
    )
    proposal = add_decision(kitchen, coop.ana, "Van", kind="consensus", closes_at=CLOSES)
    coop.sync_all()
    rankings = [["Ana", "Kitchen 0"], ["Warehouse 0"], ["Kitchen 0", "Warehouse 0", "Ana"]]
    stances = ["agree", "agree", "disagree"]
    for site in SITES:
        for member, ranking, stance in zip(homes[site], rankings, stances, strict=True):
            vote(coop[site], member, election, choice=ranking)
            reason = "Too dear." if stance == "disagree" else ""
            vote(coop[site], member, proposal, stance=stance, reason=reason)
    vote(coop["Market"], homes["Market"][0], proposal, stance="block", reason="Market has no lift.")
    close_decision(coop["Warehouse"], coop.ana, election)  # early, at one site
    close_decision(coop["Warehouse"], coop.ana, proposal)
    bundles = {site: coop.export(site) for site in SITES}
    outcomes = set()
    for order in itertools.permutations(SITES):
        copy = coop.copy_to(tmp_path / "-".join(order))
        try:
            for receiver in SITES:
                for sender in order:
                    if sender != receiver:
                        copy.deliver(bundles[sender], receiver)
            views = {
                site: (seen(tally(copy[site], election)), seen(tally(copy[site], proposal)))
                for site in SITES
            }
            assert len(set(map(repr, views.values()))) == 1, views
            assert copy.converged()
            outcomes.add(repr(views["Kitchen"]))
            assert all(check_store(copy[site]) == [] for site in SITES)
            # Every site holds all nine ballots; the block from Market stops the proposal.
            result = tally(copy["Kitchen"], election)
            assert result.status == "closed" and result.ballots == 9 and result.voters == 9
            assert tally(copy["Kitchen"], proposal).status == "blocked"
        finally:
            copy.close()
    assert len(outcomes) == 1


def test_votes_a_site_took_before_it_heard_of_an_early_close_count_everywhere(coop):
    homes = members_at_home(coop, per_site=2)
    kitchen, market = coop["Kitchen"], coop["Market"]
    poll = add_decision(
        kitchen, coop.ana, "Name", kind="single", options=["Roots", "Commons"], closes_at=CLOSES
    )
    coop.sync_all()
    now = dt.datetime.now().replace(microsecond=0)
    vote(kitchen, homes["Kitchen"][0], poll, choice="Roots")
    close_decision(kitchen, coop.ana, poll, now=now + dt.timedelta(hours=1))
    # Market has not heard of the close: it still takes a vote, later by the clock.
    vote(market, homes["Market"][0], poll, choice="Commons", now=now + dt.timedelta(hours=2))
    coop.sync_all()
    for site in SITES:
        result = tally(coop[site], poll)
        assert result.counts == tally(kitchen, poll).counts
        assert sorted(result.counts.values()) == [1, 1]
    with pytest.raises(Exception, match="no longer taken"):
        vote(market, homes["Market"][1], poll, choice="Roots", now=now + dt.timedelta(hours=3))


def test_a_member_who_votes_at_two_sites_while_apart_is_reported(coop):
    homes = members_at_home(coop, per_site=1)
    kitchen, market = coop["Kitchen"], coop["Market"]
    voter = homes["Kitchen"][0]
    open_poll = add_decision(
        kitchen, coop.ana, "Name", kind="single", options=["Roots", "Commons"], closes_at=CLOSES
    )
    secret = add_decision(
        kitchen, coop.ana, "Budget", kind="consent", closes_at=CLOSES, secret=True
    )
    coop.sync_all()
    now = dt.datetime.now().replace(microsecond=0)  # the decisions opened just now
    vote(kitchen, voter, open_poll, choice="Roots", now=now + dt.timedelta(minutes=1))
    vote(market, voter, open_poll, choice="Commons", now=now + dt.timedelta(minutes=2))
    vote(kitchen, voter, secret, stance="consent")
    vote(market, voter, secret, stance="consent")
    close_decision(kitchen, coop.ana, secret, now=now + dt.timedelta(minutes=5))
    close_decision(market, coop.ana, secret, now=now + dt.timedelta(minutes=5))
    coop.sync_all()
    coop.sync_all()
    later = now + dt.timedelta(minutes=10)
    for site in SITES:
        opened = tally(coop[site], open_poll)
        assert opened.apart == ["Kitchen 0 (Kitchen, Market)"]
        assert opened.voters == 1 and opened.winner_labels == ["Commons"]  # cast last counts
        closed = tally(coop[site], secret, now=later)
        assert closed.apart == ["Kitchen 0 (Kitchen, Market)"]
        assert closed.counts == {"consent": 2, "object": 0}  # both ballots, and it says so
        assert any("1 ballot too many" in note for note in closed.notes)
    # Back together, a change of mind replaces both: no longer two stances at once.
    vote(kitchen, voter, open_poll, choice="Roots", now=now + dt.timedelta(minutes=3))
    coop.sync_all()
    assert tally(market, open_poll).winner_labels == ["Roots"]


def test_a_decision_taken_by_sites_shows_each_sites_position_and_who_is_not_heard_from(coop):
    homes = members_at_home(coop, per_site=3)
    kitchen, warehouse, market = coop["Kitchen"], coop["Warehouse"], coop["Market"]
    federated = add_decision(
        kitchen,
        coop.ana,
        "Join the network",
        kind="consent",
        closes_at=CLOSES,
        by_sites="every-site",
    )
    coop.sync_all()
    for member in homes["Kitchen"]:
        vote(kitchen, member, federated, stance="consent")
    for member in homes["Warehouse"][:2]:
        vote(warehouse, member, federated, stance="consent")
    with pytest.raises(Exception, match="votes at their own site"):
        vote(kitchen, homes["Market"][0], federated, stance="consent")
    coop.deliver(coop.export("Warehouse"), "Kitchen")
    result = tally(kitchen, federated)
    positions = {site.name: (site.position, site.voters, site.electorate) for site in result.sites}
    assert positions == {
        "Kitchen": ("passed", 3, 4),  # Ana lives at Kitchen too
        "Warehouse": ("passed", 2, 3),
        "Market": ("not heard from", 0, 3),
    }
    assert result.not_heard == ["Market"]
    close_decision(kitchen, coop.ana, federated)
    assert tally(kitchen, federated).status == "not passed"  # every site must consent
    # Market's members had voted before the close; their bundle arrives late, and counts.
    for member in homes["Market"]:
        vote(market, member, federated, stance="consent")
    coop.sync_all()
    for site in SITES:
        final = tally(coop[site], federated)
        assert final.status == "passed" and final.not_heard == []
        assert [s.position for s in final.sites] == ["passed", "passed", "passed"]
