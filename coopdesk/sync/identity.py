"""This computer's site identity, and taking a new one when it must.

A site identity must never be shared by two computers: two different changes would carry
the same (site, sequence) and sites would silently diverge. Restoring a backup or copying
a store makes exactly that possible, so both mint a fresh identity (``mint_new_identity``):
a new site id, key pair and certificate, while the old identity's changes stay in the log
as another site's history.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopdesk.base.i18n import _
from coopdesk.base.paths import state_dir
from coopdesk.store import keys
from coopdesk.store.connection import make_private_folder
from coopdesk.store.ids import new_id
from coopdesk.store.store import Store
from coopdesk.sync.backup_files import keep_backups_private, remove_stray_partials

IDENTITY_NOTICE = "identity_notice"


def mint_new_identity(
    store: Store,
    author: str,
    reason: str,
    retire_old: bool = False,
    what_became: str | None = None,
) -> str:
    """Give this store a new site identity; call inside an open write transaction.

    Returns the new site id. The old identity stays in the log and the site table as an
    earlier identity of this computer; its changes keep syncing like any other site's.
    ``retire_old`` (after restoring a backup, when no computer uses the old identity any
    more) records that the new identity replaces it, so other sites stop waiting for it.
    ``what_became``: what the notice says of the changes made under the old identity.
    """

    old_site = store.site_id
    old_row = store.get("site", old_site)
    site_id = new_id()
    pair = keys.new_keypair()
    # The old identity vouches for the new one: same computer, same keys until now.
    certificate = keys.certify(
        str(store.local_get("site_private")),
        str(store.coop_id),
        site_id,
        pair.public_hex,
        certified_by=old_site,
        seq=store.last_seq,
        kind="successor",
    )
    previous = json.loads(str(store.local_get("previous_site_ids", "[]")))
    store.local_set("previous_site_ids", json.dumps([*previous, old_site]))
    # The old identity may live on in another computer (the folder this one was copied from):
    # only its bundles up to here were written by this store's history.
    written = _bundles_written_before(store)
    written[old_site] = int(store.local_get("last_bundle_seq", 0))
    store.local_set("previous_bundle_seqs", json.dumps(written, sort_keys=True))
    store.local_set("site_id", site_id)
    store.local_set("last_seq", 0)
    store.local_set("site_private", pair.private_hex)
    store.local_set("site_certificate", keys.certificate_json(certificate))
    store.local_set("last_bundle_seq", 0)
    name = old_row["name"] if old_row else "This site"
    with store.changes_within_open_transaction(author) as tx:
        fields = {"name": name, "public_key": pair.public_hex, "certificate": certificate.to_json()}
        tx.insert("site", fields, row_id=site_id)
        if retire_old and old_row is not None:
            tx.update("site", old_site, {"replaced_by": site_id})
    # Kept on this computer only, in the language of the moment it happened.
    notice = _(
        "{reason} To keep every site's changes apart, this computer now uses a new site "
        "identity ({new}) instead of {old}. {what_became}"
    ).format(
        reason=reason,
        new=site_id[:8],
        old=old_site[:8],
        what_became=_(what_became)
        if what_became
        else _(
            "Nothing was lost: changes made under the old identity keep syncing as that "
            "identity's history."
        ),
    )
    store.local_set(IDENTITY_NOTICE, json.dumps({"text": notice, "at": time.time()}))
    return site_id


@dataclass(frozen=True)
class IdentityNotice:
    """Why and when this computer last took a new site identity."""

    text: str
    at: float


def latest_identity_notice(store: Store) -> IdentityNotice | None:
    value = store.local_get(IDENTITY_NOTICE)
    if not value:
        return None
    data = json.loads(str(value))
    return IdentityNotice(text=str(data["text"]), at=float(data["at"]))


def identity_notice(store: Store) -> str | None:
    notice = latest_identity_notice(store)
    return notice.text if notice else None


def previous_site_ids(store: Store) -> list[str]:
    return json.loads(str(store.local_get("previous_site_ids", "[]")))


def _bundles_written_before(store: Store) -> dict[str, int]:
    return {
        str(site): int(seq)
        for site, seq in json.loads(str(store.local_get("previous_bundle_seqs", "{}"))).items()
    }


def written_here(store: Store, site_id: str, bundle_seq: int, sha256: str | None = None) -> bool:
    """Whether this store's own history wrote bundle ``bundle_seq`` of ``site_id``.

    True for this identity's bundles so far, and for an earlier identity's bundles up to
    the moment this store left it. A later bundle of an earlier identity comes from the
    computer that still uses it (this folder's original, when it was copied) and is imported
    like any other site's; so is a bundle of this identity whose content differs from the
    one this store wrote under that number (another computer using the same identity).
    (Stores that left an identity before this was recorded count none of its bundles as
    theirs: importing one again only finds its changes already here.)
    """
    if site_id == store.site_id:
        if sha256 is not None:
            # Another computer using this identity numbers its bundles like ours.
            row = store.conn.execute(
                "SELECT payload_sha256 FROM _export WHERE bundle_seq = ?", (bundle_seq,)
            ).fetchone()
            if row is not None and row[0] is not None:
                return bool(row[0] == sha256)
        return bundle_seq <= int(store.local_get("last_bundle_seq", 0))
    return bundle_seq <= _bundles_written_before(store).get(site_id, 0)


# -- noticing a copy when a store is opened ----------------------------------------------------
#
# A data folder copied to another laptop or another folder, or a store file put back from a
# file backup, holds this site's identity and its private key: used as it is, two computers
# would write different changes under the same (site, sequence) and the federation would
# split. So every place that opens a store for use asks ``open_for_use`` first, before any
# write. It keeps a random instance id in the store's ``_local`` table and, outside the data
# folder (the user state dir: a copied folder does not carry it), a registry of the instances
# this computer has opened: where each lives, its store file's inode, its site and the last
# sequence number this computer saw it write. A store is a copy, and takes a new identity,
# when its instance was last opened on another computer, or is registered at another path
# that still holds the same instance, or when its own sequence number went backwards (a file
# restored over it). A folder moved on this computer just updates the registry; the first
# open after the upgrade registers silently.

INSTANCE_ID = "instance_id"
INSTANCE_MACHINE = "instance_machine"
REGISTRY_FILE = "instances.json"
MACHINE_FILE = "machine-id"
OS_MACHINE_IDS = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def machine_id(folder: Path) -> str:
    """This computer's id: the OS's where it keeps one, else a random id kept in ``folder``."""
    windows = _windows_machine_guid()
    if windows:
        return windows
    for candidate in OS_MACHINE_IDS:
        with contextlib.suppress(OSError):
            text = Path(candidate).read_text(encoding="ascii").strip()
            if text:
                return text
    kept = folder / MACHINE_FILE
    with contextlib.suppress(OSError):
        text = kept.read_text(encoding="ascii").strip()
        if text:
            return text
    made = new_id()
    make_private_folder(folder)
    kept.write_text(made, encoding="ascii")
    return made


def _windows_machine_guid() -> str | None:
    if os.name != "nt":
        return None
    try:
        import winreg

        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography") as key:
            return str(winreg.QueryValueEx(key, "MachineGuid")[0]) or None
    except OSError:
        return None


class InstanceRegistry:
    """The store instances this user opened on this computer (a small JSON file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / REGISTRY_FILE

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, instance: str) -> dict[str, Any] | None:
        entry = self._read().get(instance)
        return entry if isinstance(entry, dict) else None

    def entries(self) -> dict[str, dict[str, Any]]:
        return {key: entry for key, entry in self._read().items() if isinstance(entry, dict)}

    def at_path(self, path: Path) -> dict[str, Any] | None:
        """The entry last registered at ``path``, if any."""
        found = [entry for entry in self.entries().values() if entry.get("path") == str(path)]
        return max(found, key=lambda entry: float(entry.get("seen_at", 0)), default=None)

    def put(self, instance: str, entry: dict[str, Any]) -> None:
        """Record ``entry``; a state dir that cannot be written is no reason to stop work."""
        with contextlib.suppress(OSError), self._locked():
            data = self._read()
            data[instance] = entry
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
            partial.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(partial, self.path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time (the window and a command line may open stores together)."""
        make_private_folder(self.folder)
        try:
            import fcntl
        except ImportError:  # Windows: a lost race only forgets one registration
            yield
            return
        with (self.folder / f"{REGISTRY_FILE}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _local_at(path: Path, key: str) -> str | None:
    """A ``_local`` value of the store file at ``path``, read without writing; None if none."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM _local WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _instance_at(path: Path) -> str | None:
    return _local_at(path, INSTANCE_ID)


def why_a_twin(store: Store, registry: InstanceRegistry) -> str | None:
    """Why this store, new to the registry, shares its site identity with another store on
    this computer (one invitation joined twice, a folder copied before the upgrade), or None.
    """
    here = store.path.resolve()
    for instance, entry in registry.entries().items():
        there = Path(str(entry.get("path", "")))
        if entry.get("site_id") != store.site_id or there == here or _same_file(there, here):
            continue
        if _local_at(there, "site_id") == store.site_id and _instance_at(there) == instance:
            return _(
                "The store in {folder} on this computer already uses this site's "
                "identity (one invitation joined twice, or a copied data folder)."
            ).format(folder=there.parent)
    return None


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def why_a_copy(store: Store, entry: dict[str, Any] | None, machine: str) -> str | None:
    """Why this store must be a copy of another one (a sentence), or None if it is not."""
    recorded_machine = store.local_get(INSTANCE_MACHINE)
    if recorded_machine is not None and str(recorded_machine) != machine:
        return _("This data folder was copied from another computer.")
    if entry is None:
        return None
    here = store.path.resolve()
    there = Path(str(entry.get("path", "")))
    if there != here and not _same_file(there, here):
        if _instance_at(there) == store.local_get(INSTANCE_ID):
            return _("This data folder is a copy of the one in {folder}.").format(
                folder=there.parent
            )
        return None  # moved: the old place no longer holds it
    if entry.get("site_id") == store.site_id:
        if int(entry.get("last_seq", 0)) > store.last_seq:
            return _(
                "The store file was put back from an older copy (it lacks changes this "
                "computer saw it make)."
            )
    elif str(entry.get("site_id")) not in previous_site_ids(store):
        return _("The store file was put back from a copy older than this site's identity.")
    return None


def _register(store: Store, registry: InstanceRegistry, machine: str) -> None:
    try:
        inode = store.path.stat().st_ino
    except OSError:
        inode = None
    entry = {
        "path": str(store.path.resolve()),
        "inode": inode,
        "machine": machine,
        "site_id": store.site_id,
        "last_seq": store.last_seq,
        "seen_at": time.time(),
    }
    registry.put(str(store.local_get(INSTANCE_ID)), entry)


def open_for_use(
    store: Store, state_folder: Path | None = None, machine: str | None = None
) -> str | None:
    """Make sure this store is not a copy before anything writes to it; call right after
    opening a store for use (the window, the command line, joining).

    A copy takes a new instance id and a new site identity; returns the notice that says
    so, or None. Registers the store and keeps its registry entry up to date until it closes.
    """
    folder = state_folder if state_folder is not None else state_dir()
    registry = InstanceRegistry(folder)
    _tidy_backups(store)
    try:
        machine = machine or machine_id(folder)
    except OSError:
        return None  # no state dir at all: nothing to compare with
    notice = None
    instance = store.local_get(INSTANCE_ID)
    if instance is None:
        # Registered before under this path (a file from before the upgrade put back over
        # a store that has one since)? Then judge it as that instance; else register it.
        earlier = registry.at_path(store.path.resolve())
        reason = why_a_copy(store, earlier, machine) if earlier is not None else None
        reason = reason or why_a_twin(store, registry)
        if reason is not None:
            notice = _become_a_new_instance(store, machine, reason)
        else:
            with store.local_transaction():
                store.local_set(INSTANCE_ID, new_id())
                store.local_set(INSTANCE_MACHINE, machine)
    else:
        entry = registry.get(str(instance))
        reason = why_a_copy(store, entry, machine)
        if reason is None and entry is None:
            reason = why_a_twin(store, registry)
        if reason is not None:
            notice = _become_a_new_instance(store, machine, reason)
    _register(store, registry, machine)
    store.on_close(lambda: _register(store, registry, machine))
    store.subscribe(_RegisterAfterWrites(store, registry, machine))
    return notice


class _RegisterAfterWrites:
    """Keeps the registry's sequence number close behind the store's while it is open, so
    a file put back after a crash (no close to record it) is still found to be older."""

    EVERY_S = 2.0

    def __init__(self, store: Store, registry: InstanceRegistry, machine: str) -> None:
        self.store, self.registry, self.machine = store, registry, machine
        self.recorded = (store.site_id, store.last_seq)
        self.at = float("-inf")  # the first write is recorded at once

    def __call__(self, _changes: object) -> None:
        now = (self.store.site_id, self.store.last_seq)
        if now != self.recorded and time.monotonic() - self.at >= self.EVERY_S:
            _register(self.store, self.registry, self.machine)
            self.recorded, self.at = now, time.monotonic()


def _tidy_backups(store: Store) -> None:
    remove_stray_partials(store)
    keep_backups_private(store)


def _become_a_new_instance(store: Store, machine: str, reason: str) -> str | None:
    with store.local_transaction():
        store.local_set(INSTANCE_ID, new_id())
        store.local_set(INSTANCE_MACHINE, machine)
        author = _an_author(store)
        if store.local_get("site_private") is None or author is None:
            return None  # a store that never syncs has no identity to share
        mint_new_identity(store, author, reason)
        store.local_set("hlc", store.clock.last)
    return identity_notice(store)


def _an_author(store: Store) -> str | None:
    """Who the new site row is written by: this site's last author, else its default member."""
    row = store.conn.execute(
        "SELECT c.author FROM _change c JOIN member m ON m.id = c.author AND m._cl % 2 = 1"
        " WHERE c.origin = ? ORDER BY c.lsn DESC LIMIT 1",
        (store.site_id,),
    ).fetchone()
    if row is not None:
        return str(row[0])
    default = store.local_get("default_member_id")
    if default is not None:
        return str(default)
    row = store.conn.execute("SELECT id FROM member WHERE _cl % 2 = 1 LIMIT 1").fetchone()
    return None if row is None else str(row[0])
