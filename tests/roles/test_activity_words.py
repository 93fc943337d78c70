"""The Activity page says rotation changes as people do, never "added role member <id>"."""

from __future__ import annotations

import datetime as dt

from coopdesk.coop import activity
from coopdesk.coop.members import add_member
from coopdesk.roles.roles import add_role, opt_in, opt_out


def said(store, count: int) -> list[str]:
    return [item.sentence().split(" · ")[0] for item in activity.recent_changes(store, count)]


def test_rotation_changes_in_sentences(store, ana):
    bea = add_member(store, ana, "Bea")
    role = add_role(
        store, ana, "Treasurer", term_days=30, member_ids=[ana], starts_on=dt.date.today()
    )
    opt_in(store, ana, role, bea)
    opt_out(store, ana, role, ana)
    opt_in(store, ana, role, ana)
    opt_out(store, ana, role, bea)
    assert said(store, 4) == [
        "Ana took Bea out of the Treasurer rotation",
        "Ana joined the Treasurer rotation",
        "Ana left the Treasurer rotation",
        "Ana put Bea in the Treasurer rotation",
    ]
    assert not any("role member" in line for line in said(store, 12))
