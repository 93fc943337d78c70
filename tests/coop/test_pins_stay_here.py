"""PIN verifiers stay on the computer where they were set (issue 13, "PINs that mean something").

No hash of a 4-digit PIN survives offline guessing (10,000 tries; one fell in 203 s on two
cores), so no verifier may leave the computer: not in a bundle, an invitation or a dump, and
a bundle that carries one (an old or a hostile site) sets none. The migration to schema 14
moves the hashes that used to travel into the local table, so nobody is locked out.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.base.paths import store_path
from coopdesk.coop.members import add_member
from coopdesk.coop.pins import (
    PinGate,
    clear_pin,
    has_pin,
    hash_pin,
    pin_travelled,
    set_pin,
    verify_pin,
)
from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.store.ids import new_id
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store
from coopdesk.sync.bundle import BundleInvalidContentError, read_envelope, read_frames
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import import_bundle
from coopdesk.sync.invite import join_with_secrets, new_site_secrets
from coopdesk.sync.trust import trust_of
from tests.cli_helpers import coopdesk
from tests.sync.hostile import HostileSite
from tests.sync_helpers import Federation, fast_tmp_root

FIXTURES = Path(__file__).parent.parent / "store" / "fixtures"


@pytest.fixture(scope="module")
def template():
    root = fast_tmp_root()
    coop = Federation.create(root / "template", ["Kitchen", "Warehouse"])
    coop.bea = add_member(coop["Kitchen"], coop.ana, "Bea")
    coop.sync_all()
    yield coop
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def coop(template: Federation, tmp_path: Path):
    copy = template.copy_to(tmp_path / "coop")
    copy.bea = template.bea
    yield copy
    copy.close()


def bundle_rows(store: Store, path: Path) -> list[tuple]:
    """Every change a bundle carries, decrypted and decoded, as the receiver reads them."""
    trust = trust_of(store)
    envelope = read_envelope(path, trust)
    return [row for frame in read_frames(envelope, trust.bundle_key) for row in frame]


def verifiers(store: Store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT verifier FROM _pin")]


def test_no_bundle_and_no_dump_carries_pin_data(coop):
    kitchen, ana, bea = coop["Kitchen"], coop.ana, coop.bea
    set_pin(kitchen, ana, ana, "2468")
    set_pin(kitchen, ana, bea, "1357")  # someone else's (no roles yet: anyone may)
    clear_pin(kitchen, bea, bea)
    set_pin(kitchen, bea, bea, "9753")
    stored = verifiers(kitchen)
    assert len(stored) == 2
    bundle = coop.export("Kitchen", full=True)  # the whole history, as an invitation's
    rows = bundle_rows(kitchen, bundle)
    assert rows  # the bundle is not empty: its changes were read
    text = json.dumps(rows)
    assert "pin_hash" not in text and "scrypt" not in text
    assert not any(verifier in text for verifier in stored)
    dump = dump_json(kitchen)
    assert "pin" not in dump.lower() and "scrypt" not in dump
    result = coop.deliver(bundle, "Warehouse")
    assert not result.report.refused_origins and not result.report.held
    assert coop.converged()


def test_an_invitation_carries_no_pin(coop, tmp_path):
    kitchen, ana = coop["Kitchen"], coop.ana
    set_pin(kitchen, ana, ana, "2468")
    snapshot = tmp_path / "snapshot.coopsync"
    secrets = new_site_secrets(kitchen, ana, "Pantry", snapshot)
    text = json.dumps(bundle_rows(kitchen, snapshot))
    assert "pin_hash" not in text and verifiers(kitchen)[0] not in text
    assert "pin" not in json.dumps(secrets).lower()
    pantry, _result = join_with_secrets(tmp_path / "pantry", secrets, snapshot)
    with pantry:
        assert not has_pin(pantry, ana) and verifiers(pantry) == []
        assert dump_json(pantry) == dump_json(kitchen)


def test_a_pin_set_at_one_site_is_not_known_at_another(coop):
    kitchen, warehouse, ana = coop["Kitchen"], coop["Warehouse"], coop.ana
    set_pin(kitchen, ana, ana, "2468")
    coop.sync_all()
    assert has_pin(kitchen, ana) and not has_pin(warehouse, ana)
    assert PinGate().check(warehouse, ana, "") is True  # as a member who never set one
    set_pin(warehouse, ana, ana, "1111")  # her PIN for the Warehouse computer
    coop.sync_all()
    assert verify_pin(kitchen, ana, "2468") and not verify_pin(kitchen, ana, "1111")
    assert verify_pin(warehouse, ana, "1111") and not verify_pin(warehouse, ana, "2468")
    clear_pin(warehouse, ana, ana)
    coop.sync_all()
    assert has_pin(kitchen, ana) and not has_pin(warehouse, ana)
    assert coop.converged()


def test_a_bundle_carrying_a_pin_hash_sets_none(coop):
    """A hostile (or old) site's changes with ``pin_hash`` are taken in without it."""
    kitchen, ana, bea = coop["Kitchen"], coop.ana, coop.bea
    set_pin(kitchen, ana, ana, "2468")
    warehouse = HostileSite(coop["Warehouse"])
    dee = new_id()
    planted = hash_pin("0000")
    insert = ("member", dee, "insert", 1, {"name": "Dee", "pin_hash": planted}, None)
    warehouse.write(
        [
            warehouse.update_of("member", ana, {"pin_hash": planted}),
            warehouse.update_of("member", bea, {"pin_hash": planted, "phone": "555 0102"}),
            insert,
        ],
        author=ana,
    )
    # Bea's row touched twice in one bundle: merged field by field (not in bulk) too.
    warehouse.write([warehouse.update_of("member", bea, {"pin_hash": planted})], author=ana)
    result = coop.deliver(coop.export("Warehouse", full=True), "Kitchen")
    assert not result.report.refused_origins and not result.report.held
    assert kitchen.require("member", bea)["phone"] == "555 0102"  # the rest is applied
    assert kitchen.require("member", dee)["name"] == "Dee"
    assert verify_pin(kitchen, ana, "2468") and not verify_pin(kitchen, ana, "0000")
    assert not has_pin(kitchen, bea) and not has_pin(kitchen, dee)
    assert "pin_hash" not in kitchen.db["member"].columns_dict
    assert "scrypt" not in dump_json(kitchen) and not kitchen.query("SELECT * FROM _rival")
    assert check_store(kitchen) == []
    # What arrives is held to the rule for what is typed: nobody types a PIN hash.
    with (
        pytest.raises(ValidationError, match="no field called pin_hash"),
        kitchen.transaction(ana) as tx,
    ):
        tx.update("member", bea, {"pin_hash": planted})


def test_a_pin_hash_of_the_wrong_kind_is_refused_like_any_bad_value(coop):
    warehouse = HostileSite(coop["Warehouse"])
    warehouse.write([warehouse.update_of("member", coop.bea, {"pin_hash": 7})], author=coop.ana)
    kitchen = coop["Kitchen"]
    before = dump_json(kitchen)
    with pytest.raises(BundleInvalidContentError):
        coop.deliver(coop.export("Warehouse", full=True), "Kitchen")
    assert dump_json(kitchen) == before


# -- the migration: the hashes that travelled move into this computer's table ----------------

# Made by the code of schema 12 (commit 52128cb, tests/store/fixtures): with that tree first on
# sys.path, ``Federation.create(root, ["Kitchen", "Warehouse"])``, Bea added at Kitchen, Ana
# set PIN 2468 at Kitchen, sync; Bea set 1357 at Kitchen and 9753 at Warehouse at once (a
# conflict), sync; both stores checkpointed and gzipped.
ANA = "23362e84-94c2-4e95-9d38-8ac9d972cba8"
BEA = "7e0a6be1-90a0-43af-857f-44d0d42cb867"


def schema_12_store(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    data = gzip.decompress((FIXTURES / f"schema-12-pins-{name}.sqlite3.gz").read_bytes())
    store_path(folder).write_bytes(data)
    return folder


def test_the_migration_moves_each_hash_here_and_the_old_pin_still_works(tmp_path):
    folder = schema_12_store("kitchen", tmp_path / "kitchen")
    with Store.open(folder) as kitchen:
        assert kitchen.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "pin_hash" not in kitchen.db["member"].columns_dict
        assert "scrypt" not in dump_json(kitchen)
        assert not kitchen.query("SELECT * FROM _rival WHERE col = 'pin_hash'")
        assert PinGate().check(kitchen, ANA, "2468") is True
        assert verify_pin(kitchen, BEA, "1357") or verify_pin(kitchen, BEA, "9753")
        assert pin_travelled(kitchen, ANA)  # its hash went out in bundles: worth changing
        assert check_store(kitchen) == []
    # And on the command line, the old PIN is still asked for and still accepted.
    refused = coopdesk(folder, "member", "add", "Cai", "--as", ANA, check=False)
    assert refused.returncode == 1 and "Ana has a PIN" in refused.stderr
    coopdesk(folder, "member", "add", "Cai", "--as", ANA, "--pin", "2468")
    with Store.open(folder) as kitchen:
        set_pin(kitchen, ANA, ANA, "8642")
        assert not pin_travelled(kitchen, ANA) and verify_pin(kitchen, ANA, "8642")


def test_migrated_sites_stay_alike_and_keep_syncing_without_pins(tmp_path):
    kitchen = Store.open(schema_12_store("kitchen", tmp_path / "kitchen"))
    warehouse = Store.open(schema_12_store("warehouse", tmp_path / "warehouse"))
    try:
        assert dump_json(kitchen) == dump_json(warehouse)  # the migration logged nothing
        before = kitchen.last_seq
        set_pin(kitchen, ANA, ANA, "8642")
        cai = add_member(kitchen, ANA, "Cai")
        bundle = tmp_path / "kitchen.coopsync"
        export_bundle(kitchen, bundle)
        # What was made since carries none. (The hashes set before schema 14 stay in the
        # sealed history: a seal covers every byte, so they cannot be cut out; hence
        # ``pin_travelled``, and the advice to choose a new PIN.)
        new = [r for r in bundle_rows(kitchen, bundle) if r[0] == kitchen.site_id and r[1] > before]
        assert new and "pin" not in json.dumps(new).lower()
        result = import_bundle(warehouse, bundle, ANA, backup=False)
        assert not result.report.refused_origins and not result.report.held
        assert warehouse.require("member", cai)["name"] == "Cai"
        assert verify_pin(warehouse, ANA, "2468") and not verify_pin(warehouse, ANA, "8642")
        assert dump_json(kitchen) == dump_json(warehouse)
    finally:
        kitchen.close()
        warehouse.close()
