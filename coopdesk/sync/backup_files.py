"""Where backups live, and tidying them when a store is opened (see ``backups``).

Apart from ``backups`` so that opening a store for use (``identity.open_for_use``) can tidy
them without importing what restores them (which itself takes a new identity).
"""

from __future__ import annotations

import time
from pathlib import Path

from coopdesk.store.connection import PRIVATE_FOLDER, keep_private
from coopdesk.store.store import Store

BACKUP_DIR = "backups"
SUFFIX = ".sqlite3"
# A half-written backup untouched for this long is a leftover, not one being written.
PARTIAL_GRACE_S = 60


def backup_dir(store: Store) -> Path:
    return store.path.parent / BACKUP_DIR


def remove_stray_partials(store: Store) -> int:
    """Remove backups left half-written (an import interrupted while backing up); returns
    how many. Run when a store is opened for use, and after every backup.

    One written to within ``PARTIAL_GRACE_S`` may be another program's backup in progress
    (the command line importing while the window starts) and is left alone.
    """
    folder = backup_dir(store)
    if not folder.is_dir():
        return 0
    removed = 0
    for partial in folder.glob("*.partial"):
        try:
            if partial.stat().st_mtime < time.time() - PARTIAL_GRACE_S:
                partial.unlink()
                removed += 1
        except OSError:  # gone already, or not ours to remove
            continue
    return removed


def keep_backups_private(store: Store) -> None:
    """Backups made by an earlier CoopDesk: readable by their owner only, like the store."""
    folder = backup_dir(store)
    if folder.is_dir():
        keep_private(folder, PRIVATE_FOLDER)
        for backup in folder.glob(f"coopdesk-*{SUFFIX}"):
            keep_private(backup)
