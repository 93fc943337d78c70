"""Who wins a merge, not only that sites agree: the rules of docs/ARCHITECTURE.md, tested.

- Fields: the higher version wins (an edit made after seeing another supersedes it),
  whatever the clocks say; only equal versions fall to the clock, then to the site id.
- Archive and restore: the larger causal length wins (a restore made after seeing an
  archive beats a concurrent archive); two sites archiving the same row agree.

Convergence tests alone would pass with a wrong rule applied alike everywhere (say, the
newest clock first): these name the winner.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coopdesk.coop import add_member
from coopdesk.store import hlc
from tests.sync_helpers import Federation

YEAR_MS = 365 * 24 * 60 * 60 * 1000


@pytest.fixture
def fed(tmp_path: Path):
    federation = Federation.create(tmp_path / "coop", ["Kitchen", "Warehouse", "Market"])
    yield federation
    federation.close()


def phone(fed: Federation, site: str, member_id: str) -> str:
    return fed[site].require("member", member_id)["phone"]


def edit_phone(fed: Federation, site: str, member_id: str, value: str) -> None:
    with fed[site].transaction(fed.ana) as tx:
        tx.update("member", member_id, {"phone": value})


def test_a_later_version_beats_a_concurrent_edit_from_a_site_whose_clock_is_a_year_fast(
    fed: Federation,
):
    tomas = add_member(fed["Kitchen"], fed.ana, "Tomás")
    fed.sync_all()
    fed["Warehouse"].clock.now_ms = lambda: hlc.system_ms() + YEAR_MS  # a year fast
    edit_phone(fed, "Warehouse", tomas, "555 0101")  # version 2, stamped a year ahead
    # Meanwhile, never having seen it, Kitchen changes the phone twice: version 3.
    edit_phone(fed, "Kitchen", tomas, "555 0150")
    edit_phone(fed, "Kitchen", tomas, "555 0199")
    fed.sync_all()
    fed.sync_all()
    assert {site: phone(fed, site, tomas) for site in fed.sites} == dict.fromkeys(
        fed.sites, "555 0199"
    )
    from coopdesk.sync import list_conflicts

    for site in fed.sites:  # the fast site's value is not lost: it is a conflict to settle
        assert [c.other_value for c in list_conflicts(fed[site])] == ["555 0101"]
    assert fed.converged()


def test_an_edit_made_after_seeing_a_fast_clocked_one_supersedes_it(fed: Federation):
    tomas = add_member(fed["Kitchen"], fed.ana, "Tomás")
    fed.sync_all()
    fast = fed["Warehouse"].clock
    fast.now_ms = lambda: hlc.system_ms() + YEAR_MS  # Warehouse's clock is a year fast
    edit_phone(fed, "Warehouse", tomas, "555 0101")  # version 2, stamped a year ahead
    fed.deliver(fed.export("Warehouse", "Kitchen"), "Kitchen")
    assert phone(fed, "Kitchen", tomas) == "555 0101"
    # Kitchen saw it, and corrects it: version 3, with an honest (much earlier) clock.
    edit_phone(fed, "Kitchen", tomas, "555 0199")
    written = fed["Kitchen"].require("member", tomas)
    fed.sync_all()
    fed.sync_all()
    assert {site: phone(fed, site, tomas) for site in fed.sites} == dict.fromkeys(
        fed.sites, "555 0199"
    )
    assert fed.converged()
    assert written["phone"] == "555 0199"


def test_equal_versions_fall_to_the_clock_then_to_the_site_id(fed: Federation):
    tomas = add_member(fed["Kitchen"], fed.ana, "Tomás")
    fed.sync_all()
    # Two sites change the same field without seeing each other's change: both version 2.
    edit_phone(fed, "Warehouse", tomas, "555 0001")
    later = fed["Market"].clock
    later.now_ms = lambda: hlc.system_ms() + 60_000  # a minute later, by Market's clock
    edit_phone(fed, "Market", tomas, "555 0002")
    fed.sync_all()
    fed.sync_all()
    assert {phone(fed, site, tomas) for site in fed.sites} == {"555 0002"}  # the later clock
    # ...and the other value is kept as a conflict everywhere, not lost.
    from coopdesk.sync import list_conflicts

    for site in fed.sites:
        (conflict,) = list_conflicts(fed[site])
        assert conflict.other_value == "555 0001"

    # Same clock reading at both sites: the higher site id wins.
    bea = add_member(fed["Kitchen"], fed.ana, "Bea")
    fed.sync_all()
    frozen = hlc.system_ms() + 120_000
    for site in ("Warehouse", "Market"):
        fed[site].clock.now_ms = lambda: frozen
    edit_phone(fed, "Warehouse", bea, "W")
    edit_phone(fed, "Market", bea, "M")
    stamps = {
        site: fed[site]
        .conn.execute(
            "SELECT hlc FROM _change WHERE origin = ? ORDER BY lsn DESC LIMIT 1",
            (fed[site].site_id,),
        )
        .fetchone()[0]
        for site in ("Warehouse", "Market")
    }
    fed.sync_all()
    fed.sync_all()
    if stamps["Warehouse"] == stamps["Market"]:
        higher = max(("Warehouse", "Market"), key=lambda site: fed[site].site_id)
        assert {phone(fed, site, bea) for site in fed.sites} == {higher[0]}
    else:  # the counters differ: the higher stamp wins
        newer = max(stamps, key=stamps.__getitem__)
        assert {phone(fed, site, bea) for site in fed.sites} == {newer[0]}


def test_a_restore_made_after_seeing_an_archive_beats_a_concurrent_archive(fed: Federation):
    tomas = add_member(fed["Kitchen"], fed.ana, "Tomás")
    fed.sync_all()
    with fed["Warehouse"].transaction(fed.ana) as tx:  # length 2
        tx.archive("member", tomas)
    fed.deliver(fed.export("Warehouse", "Kitchen"), "Kitchen")
    with fed["Kitchen"].transaction(fed.ana) as tx:  # saw the archive: restores, length 3
        tx.restore("member", tomas)
    with fed["Market"].transaction(fed.ana) as tx:  # never saw either: archives, length 2
        tx.archive("member", tomas)
    fed.sync_all()
    fed.sync_all()
    assert {site: fed[site].require("member", tomas)["archived"] for site in fed.sites} == (
        dict.fromkeys(fed.sites, False)
    )


def test_two_sites_archiving_the_same_row_agree_and_one_restore_brings_it_back(
    fed: Federation,
):
    tomas = add_member(fed["Kitchen"], fed.ana, "Tomás")
    fed.sync_all()
    for site in ("Warehouse", "Market"):
        with fed[site].transaction(fed.ana) as tx:
            tx.archive("member", tomas)
    fed.sync_all()
    assert {fed[site].require("member", tomas)["archived"] for site in fed.sites} == {True}
    with fed["Kitchen"].transaction(fed.ana) as tx:
        tx.restore("member", tomas)
    fed.sync_all()
    assert {fed[site].require("member", tomas)["archived"] for site in fed.sites} == {False}
    assert fed.converged()
