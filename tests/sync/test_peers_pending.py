"""What each site still lacks from us: the Sites list's figure, counted from remembered points,
stays the figure a plain count of the log gives, as sites hear from each other, as this site
writes, and when a site's history is cut back and written again differently."""

from __future__ import annotations

import shutil

import pytest

from coopdesk.store.store import Store
from coopdesk.sync.peers import peer_vector, sites_overview
from tests.sync_helpers import Federation, fast_tmp_root


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse", "Market", "Clinic"])
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def counted_plainly(store: Store) -> dict[str, int]:
    """The figure as the Sites list first counted it: every origin's log above what the
    site told us, with ``count(*)``."""
    ours = store.version_vector()
    figures = {}
    for site in sites_overview(store):
        if site.not_yet_received is None:
            continue
        theirs = peer_vector(store, site.site_id)
        figures[site.site_id] = sum(
            store.conn.execute(
                "SELECT count(*) FROM _change WHERE origin = ? AND seq > ?",
                (origin, theirs.get(origin, 0)),
            ).fetchone()[0]
            for origin, top in ours.items()
            if top > theirs.get(origin, 0)
        )
    return figures


def shown(store: Store) -> dict[str, int]:
    return {
        site.site_id: site.not_yet_received
        for site in sites_overview(store)
        if site.not_yet_received is not None
    }


def write(coop: Federation, site: str, members: int) -> None:
    """One transaction of several changes (a member and their phone, each)."""
    with coop[site].transaction(coop.ana) as tx:
        for number in range(members):
            member = tx.insert("member", {"name": f"{site} {number}", "phone": "0"})
            tx.update("member", member, {"phone": str(number)})


def test_what_each_site_lacks_is_the_plain_count_as_the_log_grows(coop: Federation):
    kitchen = coop["Kitchen"]
    for round_ in range(4):
        write(coop, "Kitchen", members=round_ + 1)
        write(coop, "Warehouse", members=2)
        # The Warehouse hears everything, the Market once, the Clinic never.
        coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
        coop.deliver(coop.export("Warehouse", "Kitchen"), "Kitchen")
        if round_ == 1:
            coop.deliver(coop.export("Kitchen", "Market"), "Market")
            coop.deliver(coop.export("Market", "Kitchen"), "Kitchen")
        write(coop, "Kitchen", members=1)
        expected = counted_plainly(kitchen)
        assert shown(kitchen) == expected
        assert shown(kitchen) == expected  # asked again, from what was remembered
    assert len(set(expected.values())) == 3  # three sites, three different figures
    assert all(figure > 0 for figure in expected.values())


def test_a_history_cut_back_and_written_again_is_counted_anew(coop: Federation):
    """The same sequence numbers, written again with other changes (a set-aside history):
    what was remembered about the old ones must not be used."""
    kitchen = coop["Kitchen"]
    for _ in range(3):
        write(coop, "Kitchen", members=3)
    before = kitchen.version_vector()[kitchen.site_id]
    assert shown(kitchen) == counted_plainly(kitchen)
    cut_from = before - 1  # the last two transactions go
    with kitchen.conn:
        for table in ("_change", "_seal"):
            kitchen.conn.execute(
                f"DELETE FROM {table} WHERE origin = ? AND seq >= ?", (kitchen.site_id, cut_from)
            )
        kitchen.conn.execute(
            "UPDATE _vv SET seq = ? WHERE site_id = ?", (cut_from - 1, kitchen.site_id)
        )
        kitchen.conn.execute("UPDATE _local SET value = ? WHERE key = 'last_seq'", (cut_from - 1,))
    assert shown(kitchen) == counted_plainly(kitchen)
    for members in (1, 2):  # the same two numbers, with fewer changes
        write(coop, "Kitchen", members=members)
    assert kitchen.version_vector()[kitchen.site_id] == before
    assert shown(kitchen) == counted_plainly(kitchen)
