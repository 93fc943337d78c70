"""A site speaks only for itself: each attack of issue 12 by a malicious site, and who wins.

Three sites: Kitchen (where Ana founded the coop and holds the Coordinator role, which
carries every mandate), Warehouse (its program modified: ``HostileSite``, with Bea at its
keyboard) and Pantry (honest, with Cal). Every attack here succeeded before per-origin
seals and the merge's own rules; each test says what the honest sites end up with.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from coopdesk.coop.activity import recent_changes
from coopdesk.coop.coop import update_settings
from coopdesk.coop.members import add_member, archive_member, restore_member, update_member
from coopdesk.decisions import add_decision
from coopdesk.roles.roles import add_role
from coopdesk.roles.rotation import current_term, swap, term_on
from coopdesk.store import keys
from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.store.ids import new_id
from coopdesk.sync.export import export_bundle
from coopdesk.sync.held import held_transactions
from coopdesk.sync.invite import join_with_secrets, new_site_secrets
from coopdesk.sync.trust import archive_site, restore_site
from tests.sync.hostile import HostileSite, coop_with_a_coordinator
from tests.sync_helpers import Federation, fast_tmp_root


@pytest.fixture(scope="module")
def template():
    root = fast_tmp_root()
    coop, ids = coop_with_a_coordinator(root)
    kitchen, ana = coop["Kitchen"], coop.ana
    # A use of the mandate, for the ledger attack on mandate_use.
    dan = add_member(kitchen, ana, "Dan")
    archive_member(kitchen, ana, dan)
    coop.sync_all()
    coop.ids = {**ids, "dan": dan}
    yield coop
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def coop(template: Federation, tmp_path: Path):
    copy = template.copy_to(tmp_path / "coop")
    copy.ids = template.ids
    yield copy
    copy.close()


def hostile(coop: Federation) -> HostileSite:
    return HostileSite(coop["Warehouse"])


def from_warehouse(coop: Federation, to: str = "Kitchen"):
    return coop.deliver(coop.export("Warehouse", full=True), to)


# -- forging other sites' changes while relaying ---------------------------------------------


def test_a_relay_cannot_forge_another_sites_changes(coop):
    kitchen, pantry, ids = coop["Kitchen"], coop["Pantry"], coop.ids
    warehouse = hostile(coop)
    # Warehouse's own honest change travels in the same bundle.
    update_member(coop["Warehouse"], ids["bea"], ids["bea"], phone="555 9999")
    warehouse.write(
        [warehouse.update_of("member", coop.ana, {"phone": "666 6666"})],
        origin=pantry.site_id,
        author=ids["cal"],
    )
    result = from_warehouse(coop)
    assert pantry.site_id in result.report.refused_origins
    assert kitchen.get("member", coop.ana)["phone"] != "666 6666"
    assert kitchen.get("member", ids["bea"])["phone"] == "555 9999"  # the good origin
    assert not kitchen.query(
        "SELECT 1 FROM _change WHERE origin = ? AND author = ?", (pantry.site_id, ids["cal"])
    )
    # The real Pantry's changes under those numbers arrive later, and are not blamed.
    update_member(pantry, ids["cal"], ids["cal"], phone="555 1234")
    result = coop.deliver(coop.export("Pantry", "Kitchen"), "Kitchen")
    assert not result.report.refused_origins
    assert kitchen.get("member", ids["cal"])["phone"] == "555 1234"
    assert kitchen.get("member", coop.ana)["phone"] != "666 6666"


def test_a_forgery_under_a_sites_own_numbers_is_refused_there_without_blame(coop):
    """Warehouse forges Pantry's next change; the real Pantry makes its own under the same
    number. Sent the forgery, Pantry neither takes a new identity nor calls itself a twin,
    and Kitchen, which has the real one, refuses the forgery the same way."""
    pantry, ids = coop["Pantry"], coop.ids
    warehouse = hostile(coop)
    warehouse.write(
        [warehouse.update_of("member", ids["cal"], {"phone": "666 6666"})],
        origin=pantry.site_id,
        author=ids["cal"],
    )
    update_member(pantry, ids["cal"], ids["cal"], phone="555 4444")
    coop.deliver(coop.export("Pantry", "Kitchen"), "Kitchen")
    for name in ("Pantry", "Kitchen"):
        before = coop[name].site_id
        result = from_warehouse(coop, name)
        assert pantry.site_id in result.report.refused_origins
        assert coop[name].site_id == before and not result.report.identity_notice
        assert coop[name].get("member", ids["cal"])["phone"] == "555 4444"


def test_a_relayed_change_altered_on_the_way_is_refused_and_the_rest_arrives(coop):
    kitchen, pantry, ids = coop["Kitchen"], coop["Pantry"], coop.ids
    update_member(pantry, ids["cal"], ids["cal"], phone="555 4321")
    coop.deliver(coop.export("Pantry", "Warehouse"), "Warehouse")
    # Warehouse rewrites Pantry's change in its log (keeping Pantry's seal) and relays it.
    conn = coop["Warehouse"].conn
    conn.execute(
        "UPDATE _change SET fields = json_set(fields, '$.phone', '666 0000')"
        " WHERE origin = ? AND tbl = 'member' AND row_id = ?",
        (pantry.site_id, ids["cal"]),
    )
    result = from_warehouse(coop)
    assert pantry.site_id in result.report.refused_origins
    assert kitchen.get("member", ids["cal"])["phone"] == "555 0103"
    coop.deliver(coop.export("Pantry", "Kitchen"), "Kitchen")
    assert kitchen.get("member", ids["cal"])["phone"] == "555 4321"


# -- ledgers are written once ------------------------------------------------------------------


def test_a_ledger_row_inserted_again_with_other_values_is_held(coop):
    kitchen, ids = coop["Kitchen"], coop.ids
    warehouse = hostile(coop)
    row = kitchen.get("stock_move", ids["received"])
    fields = {k: row[k] for k in ("item_id", "site_id", "reason", "note", "moved_at")}
    key = warehouse.write(
        [("stock_move", ids["received"], "insert", 1, {**fields, "delta": 10_000}, None)],
        author=ids["bea"],
    )
    result = from_warehouse(coop)
    assert key in result.report.held
    assert kitchen.get("stock_move", ids["received"])["delta"] == 10
    assert check_store(kitchen) == []
    assert [h.key for h in held_transactions(kitchen)] == [key]


def test_a_mandate_use_rewritten_is_held(coop):
    kitchen, ids = coop["Kitchen"], coop.ids
    warehouse = hostile(coop)
    use = kitchen.query("SELECT * FROM mandate_use ORDER BY used_at DESC LIMIT 1")[0]
    fields = {k: use[k] for k in ("role_id", "action", "detail", "used_at")}
    key = warehouse.write(
        [("mandate_use", use["id"], "insert", 1, {**fields, "member_id": ids["bea"]}, None)],
        author=ids["bea"],
    )
    result = from_warehouse(coop)
    assert key in result.report.held
    assert kitchen.get("mandate_use", use["id"])["member_id"] == coop.ana
    assert check_store(kitchen) == []


# -- the mandates --------------------------------------------------------------------------------


def test_skipping_the_mandates_changes_nothing_at_the_honest_sites(coop):
    kitchen, pantry, ids = coop["Kitchen"], coop["Pantry"], coop.ids
    warehouse, w = hostile(coop), coop["Warehouse"]
    start = current_term(w, w.require("role", ids["coordinator"]), dt.date.today()).starts_on
    with warehouse.unchecked():
        archive_member(w, ids["bea"], ids["cal"])
        update_settings(w, ids["bea"], encrypt_bundles=False)
        swap(w, ids["bea"], ids["coordinator"], start, coop.ana, ids["bea"])
    assert w.get("member", ids["cal"])["archived"]  # it did it, at home
    for name in ("Kitchen", "Pantry"):
        result = from_warehouse(coop, name)
        assert len(result.report.held) == 3
    for store in (kitchen, pantry):
        assert not store.get("member", ids["cal"])["archived"]
        assert store.require("coop", str(store.coop_id))["encrypt_bundles"]
        assert list(term_on(store, ids["coordinator"], start).holders) == [coop.ana]
        assert check_store(store) == []
    reasons = {h.reason for h in held_transactions(kitchen)}
    assert any("mandate" in reason for reason in reasons)
    # The activity view tells it as it is: made there, kept, not applied.
    told = [item.sentence() for item in recent_changes(kitchen, limit=20) if item.held]
    assert told and all(s.endswith("held aside, not applied") for s in told)
    assert any(s.startswith("Bea archived member Cal") for s in told)
    assert dump_json(kitchen) == dump_json(pantry)


def test_closing_a_decision_early_without_the_mandate_is_held(coop):
    kitchen, ids = coop["Kitchen"], coop.ids
    decision = add_decision(
        kitchen,
        coop.ana,
        "Open on Sundays?",
        kind="consent",
        closes_at=dt.datetime.now() + dt.timedelta(days=7),
    )
    coop.sync_all()
    warehouse = hostile(coop)
    now = dt.datetime.now().replace(microsecond=0).isoformat()
    key = warehouse.write(
        [warehouse.update_of("decision", decision, {"closed_at": now, "outcome": "No."})],
        author=ids["bea"],
    )
    result = from_warehouse(coop)
    assert key in result.report.held
    assert kitchen.get("decision", decision)["closed_at"] is None


def test_a_holder_of_the_mandate_may_act_from_any_site(coop):
    """The rule is who holds the role, not where: Ana's mandate travels with her."""
    kitchen, ids = coop["Kitchen"], coop.ids
    archive_member(coop["Warehouse"], coop.ana, ids["cal"])
    result = from_warehouse(coop)
    assert not result.report.held
    assert kitchen.get("member", ids["cal"])["archived"]


def test_authors_must_be_members(coop):
    kitchen, ids = coop["Kitchen"], coop.ids
    warehouse = hostile(coop)
    stranger = new_id()
    key = warehouse.write(
        [warehouse.update_of("member", ids["bea"], {"phone": "000"})], author=stranger
    )
    result = from_warehouse(coop)
    assert key in result.report.held
    assert kitchen.get("member", ids["bea"])["phone"] == "555 0102"


# -- revocation --------------------------------------------------------------------------------


def test_an_archived_sites_later_changes_are_refused_from_every_route(coop):
    kitchen, pantry, ids = coop["Kitchen"], coop["Pantry"], coop.ids
    archive_site(kitchen, coop.ana, pantry.site_id)
    # Pantry has not heard yet, and carries on; Warehouse takes its bundle before the news.
    update_member(pantry, ids["cal"], ids["cal"], phone="555 7777")
    coop.deliver(coop.export("Pantry", "Warehouse"), "Warehouse")
    result = from_warehouse(coop)
    assert result.report.revoked[pantry.site_id] == 1
    assert kitchen.get("member", ids["cal"])["phone"] == "555 0103"
    # Once Warehouse hears of the archive, it refuses them too, and stops relaying them.
    coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    assert coop["Warehouse"].get("member", ids["cal"])["phone"] == "555 0103"


def test_restoring_an_archived_site_needs_the_mandate(coop):
    kitchen, pantry, ids = coop["Kitchen"], coop["Pantry"], coop.ids
    archive_site(kitchen, coop.ana, pantry.site_id)
    coop.deliver(coop.export("Kitchen", "Warehouse"), "Warehouse")
    warehouse, w = hostile(coop), coop["Warehouse"]
    with warehouse.unchecked():
        restore_site(w, ids["bea"], pantry.site_id)
    result = from_warehouse(coop)
    assert len(result.report.held) == 1
    assert kitchen.get("site", pantry.site_id)["archived"]
    # The holder of the mandate may.
    restore_site(kitchen, coop.ana, pantry.site_id)
    assert not kitchen.get("site", pantry.site_id)["archived"]


def test_no_site_holds_a_key_that_could_certify_sites_for_others(coop, tmp_path):
    for store in coop.sites.values():
        assert store.local_get("root_private") is None
    secrets = new_site_secrets(coop["Kitchen"], coop.ana, "Shed", tmp_path / "snap.coopsync")
    assert "root_private" not in json.dumps(secrets)


def test_a_site_cannot_forge_a_founding_certificate_or_invite_without_the_mandate(coop):
    kitchen, ids = coop["Kitchen"], coop.ids
    warehouse = hostile(coop)
    w = coop["Warehouse"]
    for kind, certified_by in (("founding", keys.CERTIFIED_BY_ROOT), ("invited", w.site_id)):
        pair = keys.new_keypair()
        site_id = new_id()
        seq = int(w.local_get("last_seq")) + 1
        certificate = keys.certify(
            str(w.local_get("site_private")),
            str(w.coop_id),
            site_id,
            pair.public_hex,
            certified_by=certified_by,
            seq=seq,
            kind=kind,
        )
        fields = {"name": f"Mint {kind}", "public_key": pair.public_hex}
        fields["certificate"] = certificate.to_json()
        key = warehouse.write([("site", site_id, "insert", 1, fields, None)], author=ids["bea"])
        result = from_warehouse(coop)
        assert key in result.report.held
        assert kitchen.get("site", site_id) is None


# -- lies in the header -------------------------------------------------------------------------


def test_a_header_claiming_this_sites_own_changes_does_not_change_its_identity(coop, tmp_path):
    kitchen, w = coop["Kitchen"], coop["Warehouse"]
    # The modified Warehouse claims, in its signed header, far more of Kitchen's changes
    # than Kitchen ever made, and a bundle number no honest site reaches.
    w.conn.execute("UPDATE _vv SET seq = ? WHERE site_id = ?", (10**9, kitchen.site_id))
    w.local_set("last_bundle_seq", 10**12)
    before = kitchen.site_id
    result = from_warehouse(coop)
    assert kitchen.site_id == before and not result.report.identity_notice
    # What Pantry told Kitchen of itself still decides what Kitchen sends it.
    update_member(kitchen, coop.ana, coop.ana, phone="555 0000")
    pantry_bundle = tmp_path / "for-pantry.coopsync"
    export_bundle(kitchen, pantry_bundle, for_site=coop["Pantry"].site_id)
    coop.deliver(pantry_bundle, "Pantry")
    assert coop["Pantry"].get("member", coop.ana)["phone"] == "555 0000"


# -- poisoning later sync ----------------------------------------------------------------------


def test_a_blown_up_causal_length_is_held_and_later_bundles_still_arrive(coop):
    kitchen, pantry, ids = coop["Kitchen"], coop["Pantry"], coop.ids
    warehouse = hostile(coop)
    cl = int(
        coop["Warehouse"]
        .conn.execute("SELECT _cl FROM member WHERE id = ?", (ids["cal"],))
        .fetchone()[0]
    )
    key = warehouse.write([("member", ids["cal"], "archive", cl + 99, None, None)], author=coop.ana)
    for name in ("Kitchen", "Pantry"):
        assert key in from_warehouse(coop, name).report.held
    archive_member(pantry, coop.ana, ids["cal"])
    restore_member(pantry, coop.ana, ids["cal"])
    coop.deliver(coop.export("Pantry", "Kitchen"), "Kitchen")
    assert not kitchen.get("member", ids["cal"])["archived"]
    assert dump_json(kitchen) == dump_json(pantry)


# -- one invitation, two computers -------------------------------------------------------------


def test_a_second_computer_joining_with_the_same_invitation_heals_at_first_contact(coop, tmp_path):
    """Both computers change Ana's phone as the Shed. Kitchen keeps one history of the Shed
    (the same one every site keeps) and sets the other aside; the computer whose history
    lost makes its change again under a new identity, and every site ends alike."""
    kitchen = coop["Kitchen"]
    snapshot = tmp_path / "snapshot.coopsync"
    secrets = new_site_secrets(kitchen, coop.ana, "Shed", snapshot)
    first, _ = join_with_secrets(tmp_path / "first", secrets, snapshot)
    second, _ = join_with_secrets(tmp_path / "second", secrets, snapshot)
    phones = {"first": "555 1111", "second": "555 2222"}
    for store, phone in ((first, phones["first"]), (second, phones["second"])):
        update_member(store, coop.ana, coop.ana, phone=phone)
    export_bundle(first, tmp_path / "first.coopsync")
    coop.deliver(tmp_path / "first.coopsync", "Kitchen")
    export_bundle(second, tmp_path / "second.coopsync")
    result = coop.deliver(tmp_path / "second.coopsync", "Kitchen")
    assert sum(result.report.set_aside.values()) == 1
    coop.sites["first"], coop.sites["second"] = first, second
    for _round in range(3):
        coop.sync_all()
    assert first.site_id != second.site_id
    assert len(set(coop.dumps().values())) == 1
    # The computer that left the shared identity made its edit again, after the other's:
    # it is the one everyone shows (the other stays in the log).
    (repaired,) = [name for name in ("first", "second") if coop[name].site_id != secrets["site_id"]]
    assert kitchen.get("member", coop.ana)["phone"] == phones[repaired]


# -- who wins when a mandate and a change cross ------------------------------------------------


def test_a_role_that_arrives_after_a_change_it_restricts_is_judged_the_same_everywhere(
    tmp_path,
):
    """Kitchen gives the members mandate to a new role; Warehouse, not knowing yet,
    archives Cal a moment later. Pantry hears from Warehouse first and Kitchen second,
    Kitchen the other way round, Warehouse last of all: every site ends up holding the
    archive (by the synced schedule Bea needed the mandate), and Cal is a member everywhere.
    """
    coop = Federation.create(tmp_path / "crossing", ["Kitchen", "Warehouse", "Pantry"])
    kitchen, warehouse, pantry = coop["Kitchen"], coop["Warehouse"], coop["Pantry"]
    bea = add_member(kitchen, coop.ana, "Bea")
    cal = add_member(kitchen, coop.ana, "Cal")
    coop.sync_all()
    add_role(
        kitchen,
        coop.ana,
        "Secretary",
        term_days=365,
        member_ids=[coop.ana],
        starts_on=dt.date.today() - dt.timedelta(days=1),
        mandates=["members"],
    )
    archive_member(warehouse, bea, cal)  # no role restricts it, as far as Warehouse knows
    from_kitchen = coop.export("Kitchen", full=True)
    from_warehouse_ = coop.export("Warehouse", full=True)
    coop.deliver(from_warehouse_, "Pantry")
    assert pantry.get("member", cal)["archived"]  # what Pantry knew allowed it
    coop.deliver(from_kitchen, "Pantry")
    coop.deliver(from_warehouse_, "Kitchen")
    coop.deliver(from_kitchen, "Warehouse")
    for store in (kitchen, warehouse, pantry):
        assert not store.get("member", cal)["archived"]
        assert [h.author_name for h in held_transactions(store)] == ["Bea"]
        assert check_store(store) == []
    assert dump_json(kitchen) == dump_json(pantry) == dump_json(warehouse)
    coop.close()
