"""A remembered rotation plan is always the plan its input gives now (never a stale one)."""

from __future__ import annotations

import datetime as dt
import random

from coopdesk.roles.rotation import Leave, RotationInput, plan_terms, remembered_plan

START = dt.date(2020, 1, 6)


def test_remembered_plans_equal_fresh_ones_whatever_changes_between_calls():
    rng = random.Random(14)
    data = RotationInput("round-robin", START, 14, 2, ["a", "b", "c", "d"])
    for step in range(40):
        change = rng.choice(("leave", "override", "policy", "order", "none"))
        if change == "leave":
            member = rng.choice([*data.order, "someone else"])
            first = START + dt.timedelta(days=rng.randrange(400))
            data.leave.append(Leave(member, first, first + dt.timedelta(days=rng.randrange(30))))
        elif change == "override":
            term = START + dt.timedelta(days=14 * rng.randrange(30))
            data.overrides[term] = (rng.choice(data.order),)
        elif change == "policy":
            data.policy = rng.choice(("round-robin", "least-recent", "fewest-terms"))
        elif change == "order":
            rng.shuffle(data.order)
        count = rng.randint(1, 40)
        assert remembered_plan(data, count) == plan_terms(data, count), (step, change)
        shorter = rng.randint(1, count)
        assert remembered_plan(data, shorter) == plan_terms(data, shorter)
