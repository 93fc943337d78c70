"""Inviting a site and joining from the invitation file with its one-time passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopdesk.base.errors import StoreExistsError
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import import_bundle
from coopdesk.sync.invite import InvitationError, join_coop, make_invitation


def test_a_joined_site_holds_the_coop_and_syncs_both_ways(store: Store, ana: str, tmp_path):
    invitation = make_invitation(store, ana, "Warehouse", tmp_path / "w.coopinvite")
    assert store.get("site", invitation.site_id)["name"] == "Warehouse"
    joined, result = join_coop(tmp_path / "warehouse", invitation.path, invitation.passphrase)
    assert joined.site_id == invitation.site_id
    assert joined.coop_id == store.coop_id
    assert "2 new sites" in result.summary()
    assert dump_json(joined) == dump_json(store)
    with joined.transaction(ana) as tx:
        bea = tx.insert("member", {"name": "Bea"})
    import_bundle(store, export_bundle(joined, tmp_path / "back.coopsync").path, ana)
    assert store.get("member", bea)["name"] == "Bea"
    joined.close()


def test_the_passphrase_is_forgiving_about_case_and_dashes(store: Store, ana: str, tmp_path):
    invitation = make_invitation(store, ana, "Warehouse", tmp_path / "w.coopinvite")
    sloppy = invitation.passphrase.lower().replace("-", " ")
    joined, _result = join_coop(tmp_path / "warehouse", invitation.path, sloppy)
    joined.close()


def test_a_wrong_passphrase_is_refused_and_leaves_no_store(store: Store, ana: str, tmp_path):
    invitation = make_invitation(store, ana, "Warehouse", tmp_path / "w.coopinvite")
    with pytest.raises(InvitationError, match="passphrase does not match"):
        join_coop(tmp_path / "warehouse", invitation.path, "AAAA-BBBB-CCCC-DDDD")
    assert not (tmp_path / "warehouse" / "coopdesk.sqlite3").exists()


def test_the_invitation_hides_the_coops_data(store: Store, ana: str, tmp_path):
    with store.transaction(ana) as tx:
        tx.insert("member", {"name": "Secret Person", "phone": "555 123 4567"})
    invitation = make_invitation(store, ana, "Warehouse", tmp_path / "w.coopinvite")
    data = invitation.path.read_bytes()
    assert b"Secret" not in data and b"555 123" not in data and b"Test Coop" not in data


def test_joining_needs_an_empty_data_dir(store: Store, ana: str, tmp_path: Path, data_dir):
    invitation = make_invitation(store, ana, "Warehouse", tmp_path / "w.coopinvite")
    with pytest.raises(StoreExistsError):
        join_coop(data_dir, invitation.path, invitation.passphrase)


def test_a_file_that_is_not_an_invitation(tmp_path: Path):
    junk = tmp_path / "junk.coopinvite"
    junk.write_bytes(b"hello")
    with pytest.raises(InvitationError, match="not a CoopDesk invitation"):
        join_coop(tmp_path / "site", junk, "x")
