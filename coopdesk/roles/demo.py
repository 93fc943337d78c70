"""Demo data: roles with a few months of history (see ``coopdesk.demo``).

Four rotating roles that started months ago (so their history shows), the founder holding
Coordinator this term (taken over by a swap if the rotation gave it to someone else, which
also lets the demo's later steps and the window act with the Coordinator's mandates), a
swap between two facilitators, handover notes.
"""

from __future__ import annotations

import datetime as dt

from coopdesk.coop import DemoContext, update_member
from coopdesk.roles.roles import add_role
from coopdesk.roles.rotation import current_terms, schedule, swap, term_on, write_handover

HANDOVERS = (
    "Keys are in the blue box in the office. The bank asked for the new signatory form.",
    "Two members asked about reduced dues: see the notes on their cards.",
    "Agenda template is in the shared folder; the hall is booked until 21:00.",
    "Minutes of the last assembly still need to be printed for the notice board.",
)


def demo_roles(ctx: DemoContext) -> None:
    store, rng, founder = ctx.store, ctx.rng, ctx.founder_id
    today = dt.date.today()
    members = sorted(ctx.member_ids)
    team = rng.sample(members, 14)

    coordinator = add_role(
        store,
        founder,
        "Coordinator",
        term_days=28,
        policy="round-robin",
        member_ids=[team[0], founder, team[1], team[2]],
        starts_on=today - dt.timedelta(days=4 * 28 + 9),
        description="Keeps an eye on the whole: members, settings, sync conflicts.",
        mandates=("members", "roles", "settings", "conflicts"),
    )
    current = term_on(store, coordinator, today)
    if founder not in current.holders:
        swap(store, current.holders[0], coordinator, current.starts_on, current.holders[0], founder)
    treasurer = add_role(
        store,
        founder,
        "Treasurer",
        term_days=56,
        policy="least-recent",
        member_ids=team[3:6],
        starts_on=today - dt.timedelta(days=150),
        description="Cash box, bank, dues; corrects stock counts after a stocktake.",
        mandates=("stock",),
    )
    facilitator = add_role(
        store,
        founder,
        "Facilitator",
        term_days=14,
        policy="fewest-terms",
        member_ids=team[6:11],
        starts_on=today - dt.timedelta(days=90),
        description="Prepares and runs the assemblies.",
    )
    minutes = add_role(
        store,
        founder,
        "Minute-taker",
        term_days=7,
        policy="round-robin",
        member_ids=[team[11], team[12], team[13], team[6]],
        starts_on=today - dt.timedelta(days=70),
        description="Writes the minutes of every meeting and posts them.",
    )
    # Two facilitators trade the next term: the one whose term it was gives it away.
    upcoming = schedule(store, role_id=facilitator, terms=1, today=today)[-1]
    stand_in = next(m for m in team[6:11] if m not in upcoming.holders)
    swap(store, upcoming.holders[0], facilitator, upcoming.starts_on, upcoming.holders[0], stand_in)
    # The outgoing holders leave notes for the incoming ones.
    for role_id, notes in zip(
        (coordinator, treasurer, facilitator, minutes), HANDOVERS, strict=True
    ):
        term = term_on(store, role_id, today)
        if term.starts_on > dt.date.fromisoformat(store.require("role", role_id)["starts_on"]):
            previous = term_on(store, role_id, term.starts_on - dt.timedelta(days=1))
            if previous.holders:
                write_handover(store, previous.holders[0], role_id, previous.starts_on, notes)
    # The Coordinator uses the mandate once: it shows in the activity log.
    update_member(store, founder, rng.choice(members), notes="Moved to the Market Hall team.")
    assert any(founder in t.holders for t in current_terms(store) if t.role_id == coordinator)
