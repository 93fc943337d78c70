"""Demo data: roles with a few months of history, chores and tasks (see ``coopdesk.demo``).

Four rotating roles that started months ago (so their history shows), the founder holding
Coordinator this term (taken over by a swap if the rotation gave it to someone else, which
also lets the demo's later steps and the window act with the Coordinator's mandates), a
swap between two facilitators, handover notes, two chores with weeks of completions, and a
dozen tasks in every state, some overdue.
"""

from __future__ import annotations

import datetime as dt

from coopdesk.coop.members import update_member
from coopdesk.demo import DemoContext, demo_step
from coopdesk.roles.roles import add_role
from coopdesk.roles.rotation import current_terms, schedule, swap, term_on, write_handover
from coopdesk.tasks.chores import add_chore, generate_chore_tasks
from coopdesk.tasks.tasks import add_task, move_task

HANDOVERS = (
    "Keys are in the blue box in the office. The bank asked for the new signatory form.",
    "Two members asked about reduced dues: see the notes on their cards.",
    "Agenda template is in the shared folder; the hall is booked until 21:00.",
    "Minutes of the last assembly still need to be printed for the notice board.",
)

TASKS = (
    # (title, status, days from today to due (None: no date), priority, role, notes)
    ("Order new shelf labels", "todo", 5, 1, None, ""),
    ("Fix the cold room door seal", "doing", -3, 3, None, "The seal is torn at the bottom."),
    ("Call the bakery about Saturday pickups", "todo", -6, 2, None, ""),
    ("Prepare the general assembly agenda", "doing", 4, 2, "Facilitator", ""),
    ("Print the minutes for the notice board", "todo", -2, 1, "Minute-taker", ""),
    ("Renew the market stall permit", "todo", 12, 2, "Coordinator", "Form at city hall."),
    ("Reconcile the October cash box", "done", -10, 2, "Treasurer", ""),
    ("Sort the donated jars", "done", -4, 0, None, ""),
    ("Update the volunteer phone tree", "todo", None, 1, None, ""),
    ("Buy cleaning supplies", "done", -1, 1, None, "Vinegar, sponges, bin bags."),
    ("Welcome pack for new members", "doing", 9, 1, None, ""),
    ("Check fire extinguisher dates", "todo", -12, 3, None, "Kitchen and warehouse."),
)


@demo_step(70, "roles, chores and tasks")
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
        swap(store, founder, coordinator, current.starts_on, current.holders[0], founder)
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
    # Two facilitators trade the next term; the incoming holder arranges it.
    upcoming = schedule(store, role_id=facilitator, terms=1, today=today)[-1]
    stand_in = next(m for m in team[6:11] if m not in upcoming.holders)
    swap(store, stand_in, facilitator, upcoming.starts_on, upcoming.holders[0], stand_in)
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
    role_ids = {
        "Coordinator": coordinator,
        "Treasurer": treasurer,
        "Facilitator": facilitator,
        "Minute-taker": minutes,
    }
    _chores(ctx, today, rng.sample(members, 6))
    _tasks(ctx, today, role_ids)
    assert any(founder in t.holders for t in current_terms(store) if t.role_id == coordinator)


def _chores(ctx: DemoContext, today: dt.date, people: list[str]) -> None:
    store, rng, founder = ctx.store, ctx.rng, ctx.founder_id
    kitchen = ctx.site_ids.get("Kitchen")
    add_chore(
        store,
        founder,
        "Clean the cold room",
        every_days=7,
        strategy="least-done",
        member_ids=people[:5],
        starts_on=today - dt.timedelta(days=70),
        site_id=kitchen,
        notes="Empty, wipe the shelves, check the thermometer log.",
    )
    add_chore(
        store,
        founder,
        "Take out the compost",
        every_days=3,
        strategy="round-robin",
        member_ids=people[2:6],
        starts_on=today - dt.timedelta(days=40),
        site_id=kitchen,
    )
    first = today - dt.timedelta(days=70)
    generate_chore_tasks(store, founder, today - dt.timedelta(days=1), since=first)
    past = store.query(
        "SELECT id, due_on, assignee_id FROM task WHERE chore_id IS NOT NULL ORDER BY due_on, id"
    )
    with store.transaction(founder) as tx:
        for task in past[:-2]:  # the last two are still open: overdue
            doer = task["assignee_id"] if rng.random() < 0.85 else rng.choice(people)
            if rng.random() < 0.1:
                continue  # forgotten: stays overdue
            tx.update(
                "task",
                task["id"],
                {"status": "done", "done_by": doer, "done_at": f"{task['due_on']}T18:30:00"},
            )
    generate_chore_tasks(store, founder, today + dt.timedelta(days=21), since=today)


def _tasks(ctx: DemoContext, today: dt.date, role_ids: dict[str, str]) -> None:
    store, rng = ctx.store, ctx.rng
    sites = list(ctx.site_ids.values())
    for title, status, due_in, priority, role, notes in TASKS:
        author = ctx.author()
        assignee = rng.choice([ctx.founder_id, *ctx.member_ids]) if rng.random() < 0.85 else None
        task_id = add_task(
            store,
            author,
            title,
            assignee_id=assignee,
            due_on=None if due_in is None else today + dt.timedelta(days=due_in),
            priority=priority,
            site_id=rng.choice(sites),
            role_id=role_ids.get(role or ""),
            notes=notes,
        )
        if status != "todo":
            move_task(store, assignee or author, task_id, status)
