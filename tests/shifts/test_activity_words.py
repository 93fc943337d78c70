"""The Activity page says what happened to a sign-up as a person would, not
"changed sign-up 2026-10-05T00:00:00 (looking for a swap)"."""

from __future__ import annotations

import datetime as dt

from coopdesk.coop import activity
from coopdesk.coop.members import add_member
from coopdesk.shifts import shifts
from coopdesk.store.schema import TABLES
from coopdesk.sync.importing import describe_counts

TODAY = dt.date.today()
DAY = TODAY + dt.timedelta(days=(5 - TODAY.weekday()) % 7 + 7)  # a Saturday to come
START = dt.datetime.combine(DAY, dt.time(9, 0))
WHEN = f"Sat {DAY.day} {DAY:%b}"


def said(store, count: int) -> list[str]:
    return [item.sentence().split(" · ")[0] for item in activity.recent_changes(store, count)]


def test_sign_ups_and_swaps_in_sentences(store, ana):
    thandiwe = add_member(store, ana, "Thandiwe")
    bo = add_member(store, ana, "Bo")
    shift = shifts.add_shift(
        store, ana, title="Shop opening", starts_at=START,
        ends_at=START + dt.timedelta(hours=3), capacity=3,
    )  # fmt: skip
    shifts.sign_up(store, thandiwe, shift, thandiwe)
    shifts.sign_up(store, ana, shift, bo)
    shifts.request_swap(store, thandiwe, shift, thandiwe)
    shifts.cancel_signup(store, ana, shift, bo)
    assert said(store, 4) == [
        f"Ana took Bo off Shop opening, {WHEN}",
        f"Thandiwe asked for a swap: Shop opening, {WHEN}",
        f"Ana put Bo on Shop opening, {WHEN}",
        f"Thandiwe signed up for Shop opening, {WHEN}",
    ]
    assert not any(f"{DAY.isoformat()}T" in sentence for sentence in said(store, 10))


def test_counts_of_irregular_nouns_read_right():
    assert describe_counts({("mandate_use", "insert"): 3}) == "3 new uses of a mandate"
    assert describe_counts({("member", "insert"): 2, ("member", "update"): 1}) == (
        "2 new members, 1 member changed"
    )
    assert TABLES["leave"].nouns(2) == "periods of leave"
