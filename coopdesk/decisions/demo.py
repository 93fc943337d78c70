"""Demo data: the coop's assembly (see ``coopdesk.demo``).

- the Facilitator role carries the "decisions" mandate, so closing early and writing
  outcomes are its holder's;
- a consent proposal that passed once its one objection was withdrawn, with an outcome, a
  review date and a task;
- a consensus proposal stopped by a block;
- a secret election of the next treasurer by ranked choice, which fills the role's next term;
- a decision taken by sites: the Kitchen and the Warehouse have voted, the Market Hall has
  not been heard from since it opened (made while the demo plays the other sites);
- two assemblies with agendas, attendance and minutes; an open meeting-time poll and count.

Votes are cast in the past (``now=``) while each decision was open, through the ordinary
write path and the ordinary ballot box.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from coopdesk.coop import DemoContext
from coopdesk.decisions.ballots import release_ballots, vote
from coopdesk.decisions.decisions import add_decision
from coopdesk.decisions.meetings import add_meeting, write_minutes
from coopdesk.decisions.outcomes import fill_role, write_outcome
from coopdesk.roles import edit_role, list_roles, term_on
from coopdesk.store.store import Store
from coopdesk.sync import export_bundle, import_bundle


def _active(store: Store, ids: list[str]) -> list[str]:
    alive = {row[0] for row in store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1")}
    return [member for member in ids if member in alive]


def _names(store: Store, ids: list[str]) -> list[str]:
    found = {row[0]: row[1] for row in store.conn.execute("SELECT id, name FROM member")}
    return [found[member] for member in ids]


def demo_decisions(ctx: DemoContext) -> None:
    store, rng, founder = ctx.store, ctx.rng, ctx.founder_id
    now = dt.datetime.now().replace(second=0, microsecond=0)
    today = now.date()
    members = _active(store, sorted([founder, *ctx.member_ids]))
    roles = {role["name"]: role for role in list_roles(store)}
    facilitation = roles["Facilitator"]
    edit_role(store, founder, facilitation["id"], mandates=["decisions"])
    facilitator = term_on(store, facilitation["id"], today).holders[0]

    # A consent proposal: one objection, withdrawn once the bakery moved its deliveries.
    opened = now - dt.timedelta(days=13)
    bread = add_decision(
        store,
        founder,
        "Stock bread from the Eastside bakery",
        kind="consent",
        details="Eastside bakes with our flour and offers us day-old loaves at cost. We would"
        " stock 30 loaves a week and sell them at the shop.",
        closes_at=opened + dt.timedelta(days=7),
        now=opened,
    )
    objector, *consenting = rng.sample([m for m in members if m != founder], 15)
    for hour, member in enumerate(consenting, start=2):
        vote(store, member, bread, stance="consent", now=opened + dt.timedelta(hours=hour * 5))
    vote(
        store,
        objector,
        bread,
        stance="object",
        reason="Their van comes on Friday mornings, when nobody is at the Kitchen to take it.",
        now=opened + dt.timedelta(days=1),
    )
    vote(store, objector, bread, stance="consent", now=opened + dt.timedelta(days=5))
    write_outcome(
        store,
        facilitator,
        bread,
        "We stock Eastside bread from next month. The bakery delivers on Thursdays, when the"
        " Kitchen is staffed; we look again after two months of sales.",
        review_on=today + dt.timedelta(days=60),
        tasks=["Clear a shelf for the bread", "Tell Eastside: Thursdays from next month"],
        now=now,
    )

    # A consensus proposal stopped by a block.
    opened = now - dt.timedelta(days=10)
    duty = add_decision(
        store,
        founder,
        "Raise the duty to four hours a month",
        kind="consensus",
        details="Every member would work four hours a month instead of three, so that the shop"
        " can open on Sundays.",
        closes_at=opened + dt.timedelta(days=7),
        now=opened,
    )
    stances = ["agree"] * 9 + ["abstain"] * 2 + ["disagree", "block"]
    reasons = {
        "disagree": "Sundays are the one day many of us have with our families.",
        "block": "Parents of small children cannot do four hours; this would push them out.",
    }
    for hour, (member, stance) in enumerate(
        zip(rng.sample(members, len(stances)), stances, strict=True)
    ):
        vote(
            store,
            member,
            duty,
            stance=stance,
            reason=reasons.get(stance, ""),
            now=opened + dt.timedelta(hours=3 + hour * 7),
        )
    write_outcome(
        store,
        facilitator,
        duty,
        "Not adopted: blocked. A working group of three brings a lighter rule for parents to the"
        " next assembly.",
        tasks=["Working group: a duty rule that works for parents"],
        now=now,
    )

    # A secret election of the next treasurer, by ranked choice, that fills the role.
    treasurer = roles["Treasurer"]
    start = term_on(store, treasurer["id"], today).ends_on + dt.timedelta(days=1)
    due = term_on(store, treasurer["id"], start).holders  # who the rotation would give it to
    candidates = sorted(treasurer["member_ids"], key=lambda member: member in due)
    names = _names(store, candidates)  # the favourite first: not the rotation's choice
    opened = now - dt.timedelta(days=9)
    election = add_decision(
        store,
        founder,
        "Elect the next treasurer",
        kind="ranked",
        details="Rank the candidates who opted in to the Treasurer role; the winner holds it"
        " from its next term.",
        options=names,
        secret=True,
        quorum_pct=30,
        fills_role_id=treasurer["id"],
        closes_at=opened + dt.timedelta(days=7),
        now=opened,
    )
    weights = [4, 3, 3][: len(candidates)]
    for hour, member in enumerate(rng.sample(members, 21)):
        first = rng.choices(names, weights=weights)[0]
        rest = [name for name in names if name != first]
        rng.shuffle(rest)
        ranking = [first, *rest[: rng.randint(0, len(rest))]]
        vote(store, member, election, choice=ranking, now=opened + dt.timedelta(hours=2 + hour * 6))
    release_ballots(store, now=now)
    holders = fill_role(store, founder, election, now=now)
    write_outcome(
        store,
        facilitator,
        election,
        f"{_names(store, holders)[0]} is elected treasurer from {start.day} {start:%B}.",
        now=now,
    )

    # Two assemblies, with their agendas, who came and the minutes.
    autumn = add_meeting(
        store,
        founder,
        "Autumn general assembly",
        starts_at=(now - dt.timedelta(days=12)).replace(hour=19, minute=0),
        facilitator_id=facilitator,
        agenda=["Welcome and rounds", ("", bread), ("", duty), "Any other business"],
    )
    write_minutes(
        store,
        facilitator,
        autumn,
        "Welcome and rounds: 19 members, two new faces from the Warehouse.\n"
        "Eastside bread: the bakery came to answer questions. One objection about Friday"
        " deliveries; the bakery will ask about Thursdays. Vote stays open.\n"
        "Duty of four hours: long discussion. Parents raised that they could not do it; the"
        " vote stays open until next week.\n"
        "Any other business: the cold room door needs a new seal.",
        attendees=rng.sample(members, 19),
    )
    election_night = add_meeting(
        store,
        founder,
        "Treasurer election evening",
        starts_at=(now - dt.timedelta(days=8)).replace(hour=18, minute=30),
        facilitator_id=facilitator,
        agenda=["The candidates introduce themselves", ("", election), "Handover plans"],
    )
    write_minutes(
        store,
        facilitator,
        election_night,
        f"The candidates ({', '.join(names)}) spoke about the cash box, the bank and dues.\n"
        "Voting is by secret ballot in CoopDesk at any site until the end of the week.\n"
        "Handover: the outgoing treasurer will prepare a checklist.",
        attendees=rng.sample(members, 14),
    )

    # Still open: when to meet next, and who covers Saturday's market stall.
    slots = [
        (now + dt.timedelta(days=days)).replace(hour=hour, minute=0)
        for days, hour in ((9, 19), (10, 18), (12, 11))
    ]
    when = add_decision(
        store,
        founder,
        "When is the winter assembly?",
        kind="meeting",
        options=[slot.isoformat() for slot in slots],
        closes_at=now + dt.timedelta(days=5),
        now=now - dt.timedelta(days=2),
    )
    for hour, member in enumerate(rng.sample([m for m in members if m != founder], 9)):
        answers = {str(n + 1): rng.choice(["yes", "yes", "maybe", "no"]) for n in range(len(slots))}
        vote(store, member, when, choice=answers, now=now - dt.timedelta(hours=40 - hour * 4))
    stall = add_decision(
        store,
        founder,
        "Who covers the market stall on Saturday?",
        kind="count",
        seats=3,
        closes_at=now + dt.timedelta(days=2),
        now=now - dt.timedelta(days=1),
    )
    for member in rng.sample([m for m in members if m != founder], 2):
        vote(store, member, stall, stance="yes", now=now - dt.timedelta(hours=5))


def demo_at_other_sites(ctx: DemoContext, others: dict[str, Store]) -> None:
    """A decision taken by sites, made after the other sites' last bundles: the Warehouse
    hears of it (a bundle for it) and votes; the Market Hall has not been heard from."""
    store = ctx.store
    now = dt.datetime.now().replace(microsecond=0)
    network = add_decision(
        store,
        ctx.founder_id,
        "Join the regional food network",
        kind="consent",
        details="The network buys flour, oil and rice together for twelve coops. Each site"
        " decides for itself; we join if most sites consent.",
        by_sites="site-majority",
        closes_at=now + dt.timedelta(days=6),
        now=now,
    )
    here = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM member WHERE _cl % 2 = 1 AND home_site_id = ? AND id != ? ORDER BY id",
            (store.site_id, ctx.founder_id),
        )
    ]
    for member in here[: max(1, len(here) * 2 // 3)]:
        vote(store, member, network, stance="consent")
    warehouse = others.get("Warehouse")
    if warehouse is None:
        return
    with tempfile.TemporaryDirectory(prefix="coopdesk-demo-") as scratch:
        bundle = Path(scratch) / "to-warehouse.coopsync"
        export_bundle(store, bundle, for_site=warehouse.site_id)
        import_bundle(warehouse, bundle, author=ctx.founder_id, backup=False)
    there = [
        row[0]
        for row in warehouse.conn.execute(
            "SELECT id FROM member WHERE _cl % 2 = 1 AND home_site_id = ? ORDER BY id",
            (warehouse.site_id,),
        )
    ]
    for number, member in enumerate(there):
        if number == 1:
            vote(
                warehouse,
                member,
                network,
                stance="object",
                reason="The network's depot is two hours away: who drives?",
            )
        elif number % 3 != 2:
            vote(warehouse, member, network, stance="consent")
