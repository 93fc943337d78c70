"""The Activity view's words for the change log."""

from __future__ import annotations

from coopdesk.coop import activity, members
from coopdesk.store.store import Store


def test_changes_read_as_sentences_naming_who_what_where(store: Store, ana: str):
    tomas = members.add_member(store, ana, "Tomás")
    members.update_member(store, ana, tomas, phone="555", email="t@example.org")
    members.archive_member(store, ana, tomas)
    newest = activity.recent_changes(store, limit=3)
    now = newest[0].when + 120
    assert [item.sentence(now) for item in newest] == [
        "Ana archived member Tomás · site Kitchen · 2 min ago",
        "Ana changed member Tomás (email, phone) · site Kitchen · 2 min ago",
        "Ana added member Tomás · site Kitchen · 2 min ago",
    ]


def test_pages_continue_where_the_last_one_ended(store: Store, ana: str):
    for number in range(25):
        members.add_member(store, ana, f"Member {number}")
    first = activity.recent_changes(store, limit=10)
    second = activity.recent_changes(store, limit=10, before_lsn=first[-1].lsn)
    assert first[-1].lsn > second[0].lsn
    assert len({item.lsn for item in first + second}) == 20
    assert activity.count_changes(store) == 28


def test_relative_times():
    assert activity.relative_time(1000, 1010) == "just now"
    assert activity.relative_time(0, 3 * 3600) == "3 h ago"
    assert activity.relative_time(0, 86400 * 2) == "2 days ago"
