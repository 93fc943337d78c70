"""Automatic backups on a schedule (after an import, at most one a day), and restoring one.

Backups are made with SQLite's online backup API, never by copying the file (a copy taken
while a transaction is open can be corrupt). They go to ``backups/`` beside the store, under
a temporary name first, and only the newest ``KEEP`` are kept.

An import runs in one transaction, so an interrupted one leaves the store as it was; an
import that completed and should not have is taken back with its undo record
(``coopdesk.store.undo``), which holds exactly what it changed. A whole copy of the store
before every import cost four times the weekly sync by ten years of history, so the
automatic backup is a schedule's: ``backup_if_due`` makes one after an import only when the
newest backup is older than ``AUTOMATIC_EVERY`` (at most one a day), and the automatic
backups kept take at most ``AUTOMATIC_BUDGET`` times the store's size on disk. Restoring an
older backup loses nothing another site has: the changes made since come back at the next
sync (see ``restore_backup``).

Restoring a backup brings back an older state of this site, so the restored store takes a
new site identity at once: the changes it made after the backup may already be at other
sites under the old identity, and two different changes must never share one number.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coopdesk.base.errors import CoopDeskError, NotFoundError
from coopdesk.base.i18n import _
from coopdesk.store import migrations
from coopdesk.store.changes import CONFLICTS, Changes
from coopdesk.store.connection import create_private_file, make_private_folder
from coopdesk.store.schema import TABLES
from coopdesk.store.store import APPLICATION_ID, Store, read_schema_version
from coopdesk.sync.backup_files import (
    BACKUP_DIR,
    PARTIAL_GRACE_S,
    SUFFIX,
    backup_dir,
    keep_backups_private,
    remove_stray_partials,
)
from coopdesk.sync.identity import mint_new_identity

__all__ = [
    "BACKUP_DIR",
    "KEEP",
    "PARTIAL_GRACE_S",
    "SUFFIX",
    "Backup",
    "backup_dir",
    "backup_if_due",
    "keep_backups_private",
    "list_backups",
    "make_backup",
    "prune",
    "prune_automatic",
    "remove_stray_partials",
    "restore_backup",
]

KEEP = 10
AUTOMATIC_EVERY = 24 * 3600  # seconds between automatic backups
AUTOMATIC_BUDGET = 2  # automatic backups kept take at most this times the store's size
AUTOMATIC_PREFIX = "daily"
# Automatic backups of earlier versions, made before an import, are counted in the budget too.
AUTOMATIC_PREFIXES = (AUTOMATIC_PREFIX, "before import")


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: float
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def make_backup(store: Store, reason: str = "manual", keep: int = KEEP) -> Backup:
    """A consistent copy of the store, taken while others may be reading or writing it."""
    folder = backup_dir(store)
    make_private_folder(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    slug = "".join(ch if ch.isalnum() else "-" for ch in reason).strip("-")[:40]
    final = folder / f"coopdesk-{stamp}-{slug or 'backup'}{SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    create_private_file(partial)  # a backup holds the site's keys: its owner's only
    target = sqlite3.connect(partial)
    try:
        store.conn.backup(target)
    finally:
        target.close()
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, final)
    prune(store, keep)
    return Backup(final, time.time(), reason, final.stat().st_size)


def backup_if_due(
    store: Store, reason: str, now: float | None = None, every: float = AUTOMATIC_EVERY
) -> Backup | None:
    """The automatic backup before an import, if the newest backup is older than ``every``
    seconds (or there is none); then the automatic ones beyond the size budget go."""
    now = time.time() if now is None else now
    found = list_backups(store)
    if found and now - found[0].made_at < every:
        return None
    made = make_backup(store, reason=reason)
    prune_automatic(store, AUTOMATIC_BUDGET * store_size(store))
    return made


def store_size(store: Store) -> int:
    """The store's size on disk (its file and write-ahead log)."""
    return sum(
        path.stat().st_size
        for path in (store.path, store.path.with_name(store.path.name + "-wal"))
        if path.exists()
    )


def prune_automatic(store: Store, budget: int) -> None:
    """Drop the oldest automatic backups until the automatic ones take at most ``budget``
    bytes; the newest is always kept. Backups made by hand are never counted or removed."""
    automatic = [b for b in list_backups(store) if b.reason.startswith(AUTOMATIC_PREFIXES)]
    total = sum(b.size for b in automatic)
    for old in reversed(automatic[1:]):
        if total <= budget:
            break
        old.path.unlink(missing_ok=True)
        total -= old.size


def list_backups(store: Store) -> list[Backup]:
    folder = backup_dir(store)
    if not folder.exists():
        return []
    found = []
    for path in folder.glob(f"coopdesk-*{SUFFIX}"):
        parts = path.stem.split("-", 4)
        reason = parts[4].replace("-", " ") if len(parts) == 5 else ""
        stat = path.stat()
        found.append(Backup(path, stat.st_mtime, reason, stat.st_size))
    return sorted(found, key=lambda backup: backup.path.name, reverse=True)


def prune(store: Store, keep: int = KEEP) -> None:
    """Keep the newest ``keep`` backups; drop older ones and any left half-written."""
    for old in list_backups(store)[keep:]:
        old.path.unlink(missing_ok=True)
    remove_stray_partials(store)


def restore_backup(store: Store, backup_name: str, author: str) -> str:
    """Replace the store's contents with a backup's, then take a new site identity.

    Returns the new site id. A backup of the current state is made first, so a restore can
    itself be undone.
    """
    chosen = next((b for b in list_backups(store) if b.name == backup_name), None)
    if chosen is None:
        raise NotFoundError(
            _("There is no backup called {backup_name}.").format(backup_name=backup_name)
        )
    app_id, version = read_schema_version(chosen.path)
    if app_id != APPLICATION_ID:
        raise CoopDeskError(
            _("{backup_name} is not a CoopDesk backup.").format(backup_name=backup_name)
        )
    if version > migrations.SCHEMA_VERSION:
        raise CoopDeskError(
            _("{backup_name} was made by a newer CoopDesk; it cannot be restored.").format(
                backup_name=backup_name
            )
        )
    make_backup(store, reason="before restoring a backup")
    store.replace_with(chosen.path)
    with store.local_transaction():
        site_id = mint_new_identity(
            store,
            _author_in_restored_store(store, author),
            _("This site was restored from a backup made on {moment}.").format(
                moment=f"{datetime.fromtimestamp(chosen.made_at):%Y-%m-%d %H:%M}"
            ),
            retire_old=True,
        )
        store.local_set("hlc", store.clock.last)
    store.notify(Changes.of(_all_tables()))
    return site_id


def _author_in_restored_store(store: Store, author: str) -> str:
    """The member at the keyboard, unless the restored store predates them."""
    row = store.conn.execute("SELECT _cl FROM member WHERE id = ?", (author,)).fetchone()
    if row is not None and row[0] % 2 == 1:
        return author
    row = store.conn.execute(
        "SELECT author FROM _change WHERE origin = ? ORDER BY lsn DESC LIMIT 1", (store.site_id,)
    ).fetchone()
    return str(row[0]) if row else author


def _all_tables() -> set[str]:

    return {*TABLES, CONFLICTS}
