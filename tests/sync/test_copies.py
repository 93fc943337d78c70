"""A copied data folder or a store file put back by hand notices it is a copy when it opens,
before it writes, and takes a new site identity: the federation never splits."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from coopdesk.base.paths import store_path
from coopdesk.cli.main import main
from coopdesk.store.store import Store
from coopdesk.sync.identity import INSTANCE_ID, REGISTRY_FILE, open_for_use
from coopdesk.sync.invite import join_with_secrets, new_site_secrets
from tests.sync_helpers import Federation, fast_tmp_root


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse", "Shed"])
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def reopen(coop: Federation, name: str, state: Path, machine: str = "this-computer") -> str | None:
    """Close a site's store and open it again for use, as the window or a command does."""
    coop.sites[name].close()
    coop.sites[name] = Store.open(coop.root / name)
    return open_for_use(coop.sites[name], state, machine)


def copy_folder(coop: Federation, name: str, copy_name: str) -> None:
    coop.sites[name].conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(coop.root / name, coop.root / copy_name)


def add_member(coop: Federation, name: str, member_name: str) -> str:
    with coop[name].transaction(coop.ana) as tx:
        return tx.insert("member", {"name": member_name})


def sync_everyone(coop: Federation, rounds: int = 2) -> None:
    for _ in range(rounds):
        coop.sync_all()


def assert_converged_with(coop: Federation, member_ids: list[str]) -> None:
    dumps = coop.dumps()
    assert len(set(dumps.values())) == 1, "sites differ"
    for store in coop.sites.values():
        for member_id in member_ids:
            assert store.get("member", member_id) is not None


def test_a_copied_folder_takes_a_new_identity_and_everyone_converges(coop, state):
    assert reopen(coop, "Kitchen", state) is None  # first open after the upgrade: silent
    kitchen_id = coop["Kitchen"].site_id
    before_copy = add_member(coop, "Kitchen", "Before the copy")
    copy_folder(coop, "Kitchen", "Kitchen copy")
    coop.sites["Kitchen copy"] = Store.open(coop.root / "Kitchen copy")
    notice = open_for_use(coop.sites["Kitchen copy"], state, "this-computer")
    assert notice and "copy of the one in" in notice and "new site identity" in notice
    assert coop["Kitchen copy"].site_id != kitchen_id
    # The original, opened again, is still itself.
    assert reopen(coop, "Kitchen", state) is None
    assert coop["Kitchen"].site_id == kitchen_id
    made = [
        before_copy,
        add_member(coop, "Kitchen", "On the original"),
        add_member(coop, "Kitchen copy", "On the copy"),
        add_member(coop, "Warehouse", "At the warehouse"),
    ]
    # Both ways between the halves, then with the third site (no SiteIdentityClashError).
    coop.deliver(coop.export("Kitchen copy"), "Kitchen")
    coop.deliver(coop.export("Kitchen"), "Kitchen copy")
    coop.deliver(coop.export("Kitchen copy"), "Shed")
    coop.deliver(coop.export("Kitchen"), "Shed")
    sync_everyone(coop)
    assert_converged_with(coop, made)


def test_the_copy_keeps_taking_in_what_the_original_writes_later(coop, state):
    """The original goes on under the identity the copy left: its later bundles are news to
    the copy, even numbered like bundles the copy itself has written since (a hypothesis
    run found the copy calling them "already imported" and missing a ballot for good)."""
    assert reopen(coop, "Kitchen", state) is None
    copy_folder(coop, "Kitchen", "Kitchen copy")
    coop.sites["Kitchen copy"] = Store.open(coop.root / "Kitchen copy")
    assert open_for_use(coop.sites["Kitchen copy"], state, "this-computer")
    written_before = int(coop["Kitchen"].local_get("last_bundle_seq", 0))
    for n in range(written_before + 2):  # the copy's own bundles, numbered from 1 again
        add_member(coop, "Kitchen copy", f"Copy {n}")
        coop.deliver(coop.export("Kitchen copy"), "Kitchen")
    later = add_member(coop, "Kitchen", "On the original, later")
    result = coop.deliver(coop.export("Kitchen"), "Kitchen copy")  # numbered below the copy's
    assert not result.already_imported
    assert coop["Kitchen copy"].get("member", later) is not None


def test_a_copy_and_its_original_alone_on_a_sync_folder_converge(coop, state):
    """Two computers, one copied from the other, sharing nothing but a sync folder."""
    from coopdesk.sync.folder import export_to_folder, import_new, set_sync_folder

    assert reopen(coop, "Kitchen", state) is None
    copy_folder(coop, "Kitchen", "Kitchen copy")
    coop.sites["Kitchen copy"] = Store.open(coop.root / "Kitchen copy")
    assert open_for_use(coop.sites["Kitchen copy"], state, "this-computer")
    shared = coop.root / "Shared"
    shared.mkdir()
    original, copy = coop["Kitchen"], coop["Kitchen copy"]
    for store in (original, copy):
        set_sync_folder(store, shared)
    made = []
    for n in range(3):
        made += [
            add_member(coop, "Kitchen", f"Here {n}"),
            add_member(coop, "Kitchen copy", f"There {n}"),
        ]
        for store in (original, copy):
            export_to_folder(store)
        for store in (original, copy):
            import_new(store, now=time.time() + 10)
    for member in made:
        assert original.get("member", member) is not None
        assert copy.get("member", member) is not None, "the copy never read the original"


def test_a_copy_on_another_computer_takes_a_new_identity(coop, state, tmp_path):
    assert reopen(coop, "Kitchen", state) is None
    copy_folder(coop, "Kitchen", "On the new laptop")
    laptop = Store.open(coop.root / "On the new laptop")
    coop.sites["On the new laptop"] = laptop
    notice = open_for_use(laptop, tmp_path / "laptop-state", "another-computer")
    assert notice and "another computer" in notice
    assert laptop.site_id != coop["Kitchen"].site_id
    made = [add_member(coop, "Kitchen", "Here"), add_member(coop, "On the new laptop", "There")]
    sync_everyone(coop)
    assert_converged_with(coop, made)


def test_a_store_file_put_back_from_an_old_copy_takes_a_new_identity(coop, state, tmp_path):
    assert reopen(coop, "Kitchen", state) is None
    kitchen_id = coop["Kitchen"].site_id
    coop["Kitchen"].conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    saved = tmp_path / "saved.sqlite3"
    shutil.copy(coop["Kitchen"].path, saved)  # someone's own file backup
    lost = add_member(coop, "Kitchen", "Made after the file backup")
    coop.deliver(coop.export("Kitchen"), "Warehouse")  # already travelled
    coop["Kitchen"].close()
    shutil.copy(saved, store_path(coop.root / "Kitchen"))  # the file put back by hand
    coop.sites["Kitchen"] = Store.open(coop.root / "Kitchen")
    notice = open_for_use(coop["Kitchen"], state, "this-computer")
    assert notice and "put back from an older copy" in notice
    assert coop["Kitchen"].site_id != kitchen_id
    made = [lost, add_member(coop, "Kitchen", "After the restore")]
    sync_everyone(coop)
    assert_converged_with(coop, made)


def test_a_folder_moved_on_the_same_computer_keeps_its_identity(coop, state):
    assert reopen(coop, "Kitchen", state) is None
    kitchen_id = coop["Kitchen"].site_id
    coop["Kitchen"].close()
    (coop.root / "Kitchen").rename(coop.root / "Kitchen moved")
    coop.sites["Kitchen"] = Store.open(coop.root / "Kitchen moved")
    assert open_for_use(coop["Kitchen"], state, "this-computer") is None
    assert coop["Kitchen"].site_id == kitchen_id
    registry = json.loads((state / REGISTRY_FILE).read_text())
    entry = registry[coop["Kitchen"].local_get(INSTANCE_ID)]
    assert entry["path"] == str(store_path(coop.root / "Kitchen moved").resolve())


def test_the_command_line_notices_a_copied_folder(store, data_dir, tmp_path, capsys):
    assert main(["--data-dir", str(data_dir), "member", "list"]) == 0
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy)
    capsys.readouterr()
    assert main(["--data-dir", str(copy), "member", "list"]) == 0
    assert "new site identity" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "member", "list"]) == 0
    assert "new site identity" not in capsys.readouterr().err
    with Store.open(copy) as copied:
        assert copied.site_id != store.site_id


def test_the_window_notices_a_copied_folder_and_says_so(qtbot, store, data_dir, tmp_path):
    from coopdesk.gui.shell import app as gui_app

    site_id = store.site_id
    store.close()
    original = gui_app.open_main_window(data_dir)
    assert original is not None
    qtbot.addWidget(original)
    original.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(data_dir, tmp_path / "copy")
    copy = gui_app.open_main_window(tmp_path / "copy")
    assert copy is not None
    qtbot.addWidget(copy)
    try:
        assert original.store.site_id == site_id
        assert copy.store.site_id != site_id
        assert "This data folder is a copy of the one in" in copy.notice_label.text()
        assert "new site identity" in copy.notice_label.text()
    finally:
        for window in (original, copy):
            window.close()
            window.store.close()


def test_one_invitation_joined_three_times_on_this_computer_gives_three_sites(coop, state):
    snapshot = coop.root / "snapshot.coopsync"
    secrets = new_site_secrets(coop["Kitchen"], coop.ana, "Bakery", snapshot)
    notices = []
    for name in ("Bakery", "Bakery again", "Bakery once more"):
        coop.sites[name], _result = join_with_secrets(coop.root / name, secrets, snapshot)
        notices.append(open_for_use(coop.sites[name], state, "this-computer"))
    assert notices[0] is None
    assert all(notice and "already uses this site's identity" in notice for notice in notices[1:])
    site_ids = {coop[name].site_id for name in ("Bakery", "Bakery again", "Bakery once more")}
    assert len(site_ids) == 3 and secrets["site_id"] in site_ids
    made = [
        add_member(coop, name, f"Joined as {name}")
        for name in ("Bakery", "Bakery again", "Bakery once more", "Kitchen")
    ]
    sync_everyone(coop)
    assert_converged_with(coop, made)


def test_a_folder_copied_before_the_upgrade_is_told_apart_when_both_are_opened(coop, state):
    copy_folder(coop, "Kitchen", "Kitchen copy")  # neither has an instance id yet
    coop.sites["Kitchen copy"] = Store.open(coop.root / "Kitchen copy")
    assert reopen(coop, "Kitchen", state) is None
    notice = open_for_use(coop["Kitchen copy"], state, "this-computer")
    assert notice and "already uses this site's identity" in notice
    made = [add_member(coop, "Kitchen", "Here"), add_member(coop, "Kitchen copy", "There")]
    sync_everyone(coop)
    assert_converged_with(coop, made)


def test_the_registry_follows_local_writes_while_the_store_is_open(coop, state, monkeypatch):
    from coopdesk.sync import identity

    monkeypatch.setattr(identity._RegisterAfterWrites, "EVERY_S", 0.0)
    assert reopen(coop, "Kitchen", state) is None
    add_member(coop, "Kitchen", "Written, then the computer crashed")
    registry = json.loads((state / REGISTRY_FILE).read_text())
    entry = registry[coop["Kitchen"].local_get(INSTANCE_ID)]
    assert entry["last_seq"] == coop["Kitchen"].last_seq > 0
