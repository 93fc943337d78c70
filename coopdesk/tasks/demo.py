"""Demo data: two chores with weeks of completions, a dozen tasks in every state (coopdesk.demo)."""

from __future__ import annotations

import datetime as dt

from coopdesk.coop import DemoContext
from coopdesk.tasks.chores import add_chore, generate_chore_tasks
from coopdesk.tasks.tasks import add_task, move_task

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


def demo_tasks(ctx: DemoContext) -> None:
    """Runs after the roles' demo: chores and tasks for its roles."""
    today = dt.date.today()
    role_ids = {
        row["name"]: row["id"]
        for row in ctx.store.query("SELECT id, name FROM role WHERE _cl % 2 = 1")
    }
    _chores(ctx, today, ctx.rng.sample(sorted(ctx.member_ids), 6))
    _tasks(ctx, today, role_ids)
