"""Bundles and invitations on sticks that are missing, locked or full: one clear line, no
traceback, nothing half written, and a failed invitation adds no site."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from coopdesk.base.files import MAX_NAME_BYTES, OutputError
from coopdesk.coop.coop import sites
from coopdesk.store.store import Store
from coopdesk.sync.export import default_bundle_name, export_bundle
from coopdesk.sync.importing import preview_bundle
from coopdesk.sync.invite import join_coop, make_invitation
from tests.cli_helpers import coopdesk
from tests.fs_helpers import full_drive, leftovers, read_only_drive


def site_names(store: Store) -> list[str]:
    return sorted(site["name"] for site in sites(store))


def rename_site(store: Store, ana: str, name: str) -> None:
    with store.transaction(ana) as tx:
        tx.update("site", store.site_id, {"name": name})


def test_a_120_character_accented_site_name_still_makes_a_bundle(
    store: Store, ana: str, tmp_path: Path
):
    rename_site(store, ana, "Épicerie coopérative du quartier Saint-Étienne " * 2 + "é" * 26)
    assert len(store.get("site", store.site_id)["name"]) == 120
    stick = tmp_path / "stick"
    stick.mkdir()
    result = export_bundle(store, stick)
    assert result.verified
    assert len(result.path.name.encode()) <= MAX_NAME_BYTES
    assert result.path.name.startswith("Épicerie-coopérative")
    assert result.path.name.endswith(".coopsync")
    other = make_invitation(store, ana, "Ã" * 120, stick)  # 240 bytes of site name
    assert len(other.path.name.encode()) <= MAX_NAME_BYTES
    assert len(default_bundle_name(store, other.site_id).encode()) <= MAX_NAME_BYTES
    assert preview_bundle(store, result.path).entries == result.entries


def test_a_folder_that_is_not_there_gets_no_file_and_no_safe_to_remove(
    store: Store, data_dir: Path, tmp_path: Path
):
    (tmp_path / "nope").mkdir()
    done = coopdesk(data_dir, "export", "--to", f"{tmp_path}/nope/newdir/", check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("coopdesk: There is no folder")
    assert "Traceback" not in done.stderr and "safe to remove" not in done.stdout
    assert leftovers(tmp_path / "nope") == []  # no FILE called newdir


def test_exporting_to_a_read_only_drive_is_one_line(store: Store, data_dir: Path, tmp_path):
    with read_only_drive(tmp_path) as (drive, code):
        done = coopdesk(data_dir, "export", "--to", str(drive), check=False)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        failed = coopdesk(data_dir, "--json", "export", "--to", str(drive), check=False)
        assert json.loads(failed.stderr)["code"] == code
        assert leftovers(drive) == []


def test_exporting_to_a_full_drive_leaves_nothing(store: Store, tmp_path: Path, monkeypatch):
    with store.transaction(store.local_get("default_member_id")) as tx:
        for number in range(200):
            tx.insert("member", {"name": f"Member {number}", "notes": os.urandom(400).hex()})
    with full_drive(tmp_path, monkeypatch) as drive:
        with pytest.raises(OutputError, match="is full") as refused:
            export_bundle(store, drive)
        assert refused.value.code == "disk_full"
        assert leftovers(drive) == []


@pytest.mark.parametrize("trouble", ["missing folder", "read-only", "full", "a folder's name"])
def test_a_failed_invitation_adds_no_site(
    store: Store, ana: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trouble: str
):
    before = site_names(store)
    changes = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
    if trouble == "missing folder":
        with pytest.raises(OutputError, match="does not exist"):
            make_invitation(store, ana, "Bakery", tmp_path / "unplugged" / "b.coopinvite")
    elif trouble == "read-only":
        with read_only_drive(tmp_path) as (drive, _code), pytest.raises(OutputError):
            make_invitation(store, ana, "Bakery", drive)
    elif trouble == "full":
        with store.transaction(ana) as tx:  # a snapshot bigger than the drive
            for number in range(200):
                tx.insert("member", {"name": f"M{number}", "notes": os.urandom(400).hex()})
        changes = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
        with full_drive(tmp_path, monkeypatch) as drive, pytest.raises(OutputError, match="full"):
            make_invitation(store, ana, "Bakery", drive / "b.coopinvite")
        assert leftovers(drive) == []
    else:  # a folder called like the file: the invitation goes inside, named for the site
        (tmp_path / "b.coopinvite").mkdir()
        invitation = make_invitation(store, ana, "Bakery", tmp_path / "b.coopinvite")
        assert invitation.path == tmp_path / "b.coopinvite" / "Bakery.coopinvite"
        assert site_names(store) == sorted([*before, "Bakery"])
        return
    assert site_names(store) == before
    assert store.conn.execute("SELECT count(*) FROM _change").fetchone()[0] == changes
    assert not [p for p in store.path.parent.iterdir() if p.name.startswith(".invite-")]


def test_a_failed_invitation_on_the_command_line_is_one_line(
    store: Store, data_dir: Path, tmp_path: Path
):
    done = coopdesk(
        data_dir, "invite", "--site", "Bakery", "--to", str(tmp_path / "no" / "x"), check=False
    )
    assert done.returncode == 1
    assert done.stderr.startswith("coopdesk: The folder") and "Traceback" not in done.stderr
    assert "Bakery" not in coopdesk(data_dir, "sites").stdout


def test_an_invitation_still_joins_after_the_change(store: Store, ana: str, tmp_path: Path):
    invitation = make_invitation(store, ana, "Bakery", tmp_path)
    assert invitation.path == tmp_path / "Bakery.coopinvite"
    joined, _result = join_coop(tmp_path / "bakery", invitation.path, invitation.passphrase)
    assert joined.get("site", invitation.site_id)["name"] == "Bakery"
    joined.close()


def test_bundles_and_invitations_are_the_owners_only(store: Store, ana: str, tmp_path: Path):
    old = os.umask(0)
    try:
        bundle = export_bundle(store, tmp_path).path
        invitation = make_invitation(store, ana, "Bakery", tmp_path).path
    finally:
        os.umask(old)
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    assert stat.S_IMODE(invitation.stat().st_mode) == 0o600
