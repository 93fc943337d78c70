"""On a shared computer the store, its keys and its backups are the user's alone, and backups
left half-written by an interrupted import do not pile up."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopdesk.base.paths import store_path
from coopdesk.cli.main import main
from coopdesk.coop.coop import start_coop
from coopdesk.store.store import Store
from coopdesk.sync.backups import backup_dir, list_backups, make_backup

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common umask that makes new files readable by everyone (0644, folders 0755)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_its_folder_and_its_backups_are_the_owners_only(open_umask, tmp_path):
    data_dir = tmp_path / "site"
    store = start_coop(data_dir, "Test Coop", "Kitchen", "Ana")
    try:
        assert mode(data_dir) == 0o700
        assert mode(store_path(data_dir)) == 0o600
        for journal in ("-wal", "-shm"):
            assert mode(Path(f"{store_path(data_dir)}{journal}")) == 0o600
        backup = make_backup(store, reason="test")
        assert mode(backup_dir(store)) == 0o700
        assert mode(backup.path) == 0o600
    finally:
        store.close()


def test_a_store_made_readable_by_others_is_made_private_when_opened(open_umask, tmp_path):
    data_dir = tmp_path / "site"
    store = start_coop(data_dir, "Test Coop", "Kitchen", "Ana")
    backup = make_backup(store, reason="test")
    store.close()
    # As an earlier CoopDesk left them: 0755 folders, 0644 files.
    for folder in (data_dir, backup_dir(store)):
        folder.chmod(0o755)
    for path in (store_path(data_dir), backup.path):
        path.chmod(0o644)
    assert main(["--data-dir", str(data_dir), "member", "list"]) == 0
    assert mode(data_dir) == 0o700
    assert mode(store_path(data_dir)) == 0o600
    assert mode(backup_dir(store)) == 0o700
    assert mode(backup.path) == 0o600


def test_half_written_backups_are_removed_when_the_store_is_opened(store, data_dir):
    make_backup(store, reason="a good one")
    folder = backup_dir(store)
    stray = [
        folder / f"coopdesk-2026010{n}-000000-000000-before-import.sqlite3.partial"
        for n in range(3)
    ]
    an_hour_ago = time.time() - 3600
    for path in stray:
        path.write_bytes(b"half a backup")
        os.utime(path, (an_hour_ago, an_hour_ago))
    being_written = folder / "coopdesk-20260109-000000-000000-now.sqlite3.partial"
    being_written.write_bytes(b"another program is writing this one now")
    store.close()
    assert main(["--data-dir", str(data_dir), "member", "list"]) == 0
    assert not any(path.exists() for path in stray)
    assert being_written.exists()  # too fresh to be a leftover
    with Store.open(data_dir) as reopened:
        assert [backup.reason for backup in list_backups(reopened)] == ["a good one"]
