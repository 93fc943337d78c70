"""A split that already happened heals: one invitation used on two computers (or a folder
copied before the upgrade) wrote two histories under one site id. Every site keeps the same
one, sets the other aside (kept, listed), keeps syncing everything else, and the computer
whose own history lost makes its changes again under a new identity: nobody's work is lost
and every site ends with the same data."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import pytest

from coopdesk.cli.main import main
from coopdesk.coop.members import update_member
from coopdesk.store.store import Store
from coopdesk.sync.forks import digest_at, repair, split_overview
from coopdesk.sync.identity import open_for_use, previous_site_ids
from coopdesk.sync.invite import join_with_secrets, new_site_secrets
from tests.sync_helpers import Federation, fast_tmp_root

HALVES = ("Shed here", "Shed there")


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def join_twice(coop: Federation, tmp_path: Path) -> str:
    """One invitation joined on two computers (two state dirs, two machine ids): neither
    can see the other at open, so both write as the same site."""
    snapshot = coop.root / "snapshot-shed.coopsync"
    secrets = new_site_secrets(coop["Kitchen"], coop.ana, "Shed", snapshot)
    for number, name in enumerate(HALVES):
        coop.sites[name], _result = join_with_secrets(coop.root / name, secrets, snapshot)
        notice = open_for_use(coop[name], tmp_path / f"state-{number}", f"computer-{number}")
        assert notice is None  # nothing to see from here
    assert coop[HALVES[0]].site_id == coop[HALVES[1]].site_id == secrets["site_id"]
    return str(secrets["site_id"])


def add_member(coop: Federation, name: str, member_name: str) -> str:
    with coop[name].transaction(coop.ana) as tx:
        return tx.insert("member", {"name": member_name})


def work_everywhere(coop: Federation, rounds: int = 2) -> list[str]:
    made = []
    for n in range(rounds):
        for name in (*HALVES, "Kitchen", "Warehouse"):
            made.append(add_member(coop, name, f"{name} {n}"))
    return made


def assert_healed(coop: Federation, made: list[str]) -> None:
    dumps = coop.dumps()
    assert len(set(dumps.values())) == 1, "sites differ"
    for name, store in coop.sites.items():
        missing = [m for m in made if store.get("member", m) is None]
        assert not missing, f"{name} lacks {len(missing)} of the changes"
    assert coop[HALVES[0]].site_id != coop[HALVES[1]].site_id


def test_one_invitation_on_two_computers_heals_at_first_contact(coop, tmp_path):
    shed = join_twice(coop, tmp_path)
    made = work_everywhere(coop)
    # Today's refusal, for good: now the first bundle that meets both histories heals.
    for _round in range(3):
        coop.sync_all()
    assert_healed(coop, made)
    # Exactly one of the two computers left the shared identity, and says why.
    left = [name for name in HALVES if coop[name].site_id != shed]
    assert len(left) == 1
    assert shed in previous_site_ids(coop[left[0]])
    # Everyone lists the split; the set-aside changes are kept, made again under the new id.
    for name in coop.sites:
        (split,) = split_overview(coop[name])
        assert split.site_id == shed and split.set_aside >= 1
    (own,) = split_overview(coop[left[0]])
    assert own.made_here == own.reissued == 2 and own.reissued_as == [coop[left[0]].site_id]
    # Nothing is left to repair anywhere.
    for name in coop.sites:
        assert repair(coop[name], coop.ana, dry_run=True).made_again == 0


def test_a_third_site_that_took_in_the_losing_history_first_swaps(coop, tmp_path):
    """Warehouse hears only from one computer, Kitchen only from the other, then they meet;
    whichever history loses is taken out of the log where it was applied."""
    shed = join_twice(coop, tmp_path)
    here, there = HALVES
    made = work_everywhere(coop, rounds=1)
    update_member(coop["Warehouse"], coop.ana, coop.ana, phone="555 0101")
    coop.deliver(coop.export(here), "Warehouse")
    coop.deliver(coop.export(there), "Kitchen")
    # The two third sites meet: whichever holds the losing history swaps (or sets the
    # other aside), and from then on both hold the same history of the Shed.
    result = coop.deliver(coop.export("Warehouse"), "Kitchen")
    assert result.report.set_aside[shed] == 1
    assert any("used on two computers" in line for line in result.not_applied)
    coop.deliver(coop.export("Kitchen"), "Warehouse")
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    assert digest_at(kitchen, shed, 1) == digest_at(warehouse, shed, 1)
    assert kitchen.get("member", made[2]) and kitchen.get("member", made[3])
    for _round in range(3):
        coop.sync_all()
    assert_healed(coop, made)
    assert coop["Kitchen"].get("member", coop.ana)["phone"] == "555 0101"


@pytest.mark.parametrize("seed", range(6))
def test_sync_in_random_orders_heals(coop, tmp_path, seed):
    """Bundles carried between random pairs, some lost, some twice: every site converges."""
    rng = random.Random(seed)
    join_twice(coop, tmp_path)
    names = list(coop.sites)
    made = []
    for step in range(24):
        name = rng.choice(names)
        if rng.random() < 0.4:
            made.append(add_member(coop, name, f"{name} {step}"))
            continue
        receiver = rng.choice([other for other in names if other != name])
        bundle = coop.export(name)
        if rng.random() < 0.15:
            continue  # the stick was lost
        coop.deliver(bundle, receiver)
        if rng.random() < 0.2:
            coop.deliver(bundle, receiver)
    for _round in range(4):
        coop.sync_all()
    assert_healed(coop, made)


def test_a_forged_second_history_cannot_win(coop, tmp_path):
    """A hostile site rewrites the Shed's first change and seals it with its own key (the
    only key it has): it is refused as a forgery, never compared as a second history, and
    nothing is set aside or swapped, whatever its digest."""
    from coopdesk.store.dump import dump_json
    from tests.sync.hostile import HostileSite

    snapshot = coop.root / "snapshot-shed.coopsync"
    secrets = new_site_secrets(coop["Kitchen"], coop.ana, "Shed", snapshot)
    coop.sites["Shed"], _result = join_with_secrets(coop.root / "Shed", secrets, snapshot)
    shed = coop["Shed"].site_id
    real = add_member(coop, "Shed", "Really made at the Shed")
    for name in ("Kitchen", "Warehouse"):
        coop.deliver(coop.export("Shed"), name)
    warehouse = coop["Warehouse"]
    with warehouse.conn:
        warehouse.conn.execute("DELETE FROM _change WHERE origin = ?", (shed,))
        warehouse.conn.execute("DELETE FROM _seal WHERE origin = ?", (shed,))
    HostileSite(warehouse).write(
        [("member", real, "insert", 1, {"name": "Forged"}, None)], origin=shed, author=coop.ana
    )
    before = dump_json(coop["Kitchen"])
    result = coop.deliver(coop.export("Warehouse", full=True), "Kitchen")
    assert shed in result.report.refused_origins
    assert not result.report.set_aside
    assert coop["Kitchen"].conn.execute("SELECT count(*) FROM _set_aside").fetchone()[0] == 0
    assert coop["Kitchen"].get("member", real)["name"] == "Really made at the Shed"
    assert dump_json(coop["Kitchen"]) == before


def test_repair_on_the_command_line_says_what_was_done(coop, tmp_path, capsys):
    import json

    join_twice(coop, tmp_path)
    made = work_everywhere(coop, rounds=1)
    for _round in range(3):
        coop.sync_all()
    assert_healed(coop, made)
    for name in itertools.chain(HALVES, ["Kitchen"]):
        path = coop[name].path.parent
        coop[name].close()
        capsys.readouterr()
        assert main(["--data-dir", str(path), "repair", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        coop.sites[name] = Store.open(path)
        assert report["made_again"] == 0
        (site,) = report["sites"]
        assert site["name"] == "Shed" and site["set_aside"] >= 1
        # Kept and listed, one by one: who made each change, and what it changed.
        assert site["transactions"] and all(
            item["author"] == coop.ana and item["changes"] for item in site["transactions"]
        )


def test_edits_of_what_the_losing_computer_made_are_kept_and_apply_again(coop, tmp_path):
    """Warehouse edits a member made on one computer, Kitchen one made on the other, before
    the two histories meet. The member of the losing history disappears where it was set
    aside, the edit waits (held, listed), and both come back once that computer makes its
    changes again: no bundle is refused on the way."""
    shed = join_twice(coop, tmp_path)
    here, there = HALVES
    made_here = add_member(coop, here, "Made here")
    made_there = add_member(coop, there, "Made there")
    coop.deliver(coop.export(here), "Warehouse")
    coop.deliver(coop.export(there), "Kitchen")
    update_member(coop["Warehouse"], coop.ana, made_here, phone="555 0001")
    update_member(coop["Kitchen"], coop.ana, made_there, phone="555 0002")
    coop.deliver(coop.export("Warehouse"), "Kitchen")
    coop.deliver(coop.export("Kitchen"), "Warehouse")
    for _round in range(3):
        coop.sync_all()
    assert_healed(coop, [made_here, made_there])
    for store in coop.sites.values():
        assert store.get("member", made_here)["phone"] == "555 0001"
        assert store.get("member", made_there)["phone"] == "555 0002"
        assert store.conn.execute("SELECT count(*) FROM _held").fetchone()[0] == 0
    assert shed in {coop[name].site_id for name in HALVES}
