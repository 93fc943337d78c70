"""Inviting a new site, and joining a coop from an invitation file.

An invitation is made at an existing site. It carries the coop's identity and keys, a new
site id with a key pair certified by the coop's root key, and a full snapshot of the store
(an ordinary bundle for the new site). The whole file is encrypted with a key derived from
a one-time passphrase that is shown on screen and never stored: whoever carries the file
without the passphrase learns nothing.

Layout: ``COOPINVT`` | u16 format | salt (16) | nonce (12) | ChaCha20-Poly1305 ciphertext of
(u32 length | JSON | snapshot bundle bytes).
"""

from __future__ import annotations

import contextlib
import json
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.base.files import output_path, shorten_name, write_to
from coopdesk.store.store import Store
from coopdesk.sync import keys
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import ImportResult, import_bundle
from coopdesk.sync.trust import require_keys

MAGIC = b"COOPINVT"
FORMAT_VERSION = 1
PRELUDE = struct.Struct(">8sH")
LENGTH = struct.Struct(">I")
SUFFIX = ".coopinvite"
MAX_INVITATION_BYTES = 1 << 30


class InvitationError(CoopDeskError):
    """The invitation file cannot be used (wrong passphrase, damaged, not an invitation)."""


@dataclass(frozen=True)
class Invitation:
    site_id: str
    site_name: str
    passphrase: str
    path: Path


def new_site_secrets(store: Store, author: str, site_name: str, snapshot: Path) -> dict[str, Any]:
    """Add a site to the coop: its row, its certified key pair, and a snapshot for it.

    Returns what the new site needs to know (secret: it holds the coop's keys) and writes
    the snapshot bundle to ``snapshot``.
    """
    _check_site_name(site_name)
    require_keys(store)
    with store.transaction(author) as tx:
        site_id = tx.insert("site", {"name": site_name})
    return site_secrets(store, site_id, snapshot)


def _check_site_name(site_name: str) -> None:
    if not site_name or not site_name.strip():
        raise ValidationError("Give the new site a name.")


def site_secrets(store: Store, site_id: str, snapshot: Path) -> dict[str, Any]:
    """What a computer needs to act as site ``site_id`` (already a row of the site table)."""
    require_keys(store)
    site = store.require("site", site_id)
    pair = keys.new_keypair()
    certificate = keys.certify(
        str(store.local_get("root_private")), str(store.coop_id), site_id, pair.public_hex
    )
    coop = store.require("coop", str(store.coop_id))
    here = store.require("site", store.site_id)
    export_bundle(store, snapshot, for_site=site_id, full=True)
    return {
        "format": FORMAT_VERSION,
        "coop_id": coop["id"],
        "coop_name": coop["name"],
        "root_public": store.local_get("root_public"),
        "root_private": store.local_get("root_private"),
        "bundle_key": store.local_get("bundle_key"),
        "site_id": site_id,
        "site_name": site["name"],
        "site_private": pair.private_hex,
        "site_certificate": certificate.as_dict(),
        "invited_by_site": here["name"],
        "made_at": time.time(),
    }


def invitation_file_name(site_name: str) -> str:
    """ "Warehouse.coopinvite": the name an invitation gets in a folder."""
    word = "".join(ch if ch.isalnum() else "-" for ch in site_name).strip("-") or "site"
    return shorten_name(word + SUFFIX)


def make_invitation(store: Store, author: str, site_name: str, path: Path | str) -> Invitation:
    """Add the new site to the coop and write its invitation, sealed with a passphrase.

    ``path`` is a file or a folder (a name is chosen), by the rules of ``coopdesk.base.files``.
    The new site's row is committed only once the file is on the drive: an invitation that
    could not be written (a missing folder, a full or read-only stick) adds no site.
    """
    _check_site_name(site_name)
    require_keys(store)
    target = output_path(path, invitation_file_name(site_name))
    passphrase = keys.new_passphrase()
    written: Path | None = None
    try:
        with store.transaction(author) as tx:
            # Logged at once, so the snapshot carries the new site's row; committed (or
            # rolled back) with the outer transaction, after the file was written.
            with store.changes_within_open_transaction(author) as adding:
                site_id = adding.insert("site", {"name": site_name})
            tx.changed.update(adding.changed)
            # The snapshot is scratch work: in the data folder (on the store's drive), not
            # on the stick, where the invitation is the only file written.
            with tempfile.TemporaryDirectory(prefix=".invite-", dir=store.path.parent) as work:
                snapshot = Path(work) / "snapshot.coopsync"
                secrets = site_secrets(store, site_id, snapshot)
                body = json.dumps(secrets).encode()
                plaintext = LENGTH.pack(len(body)) + body + snapshot.read_bytes()
            sealed = keys.seal_with_passphrase(passphrase, plaintext, MAGIC)
            # Readable by its owner only: it holds the coop's keys and data.
            write_to(target, PRELUDE.pack(MAGIC, FORMAT_VERSION) + sealed, private=True)
            written = target
    except BaseException:
        if written is not None:  # the commit failed: the file names a site that is not there
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    return Invitation(secrets["site_id"], secrets["site_name"], passphrase, target)


def read_invitation(path: Path, passphrase: str) -> tuple[dict[str, Any], bytes]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvitationError(f"Cannot read {path.name}: {exc.strerror or exc}.") from None
    if len(data) < PRELUDE.size or data[:8] != MAGIC:
        raise InvitationError(f"{path.name} is not a CoopDesk invitation.")
    _magic, version = PRELUDE.unpack(data[: PRELUDE.size])
    if version > FORMAT_VERSION:
        raise InvitationError(f"{path.name} was made by a newer CoopDesk; update CoopDesk here.")
    if len(data) > MAX_INVITATION_BYTES:
        raise InvitationError(f"{path.name} is too large to be an invitation.")
    try:
        plaintext = keys.open_with_passphrase(passphrase, data[PRELUDE.size :], MAGIC)
    except keys.DecryptionError:
        raise InvitationError(
            "The passphrase does not match this invitation (or the file is damaged). "
            "Check the passphrase shown when the invitation was made."
        ) from None
    (length,) = LENGTH.unpack(plaintext[: LENGTH.size])
    try:
        secrets = json.loads(plaintext[LENGTH.size : LENGTH.size + length])
        keys.Certificate.from_dict(secrets["site_certificate"])
    except (ValueError, KeyError, TypeError):
        raise InvitationError(f"{path.name} is damaged.") from None
    return secrets, plaintext[LENGTH.size + length :]


def join_coop(data_dir: Path, path: Path, passphrase: str) -> tuple[Store, ImportResult]:
    """Make this computer the invited site: a new store holding the coop's snapshot."""
    secrets, snapshot = read_invitation(path, passphrase)
    with tempfile.TemporaryDirectory() as scratch:
        snapshot_path = Path(scratch) / "snapshot.coopsync"
        snapshot_path.write_bytes(snapshot)
        return join_with_secrets(Path(data_dir), secrets, snapshot_path)


def join_with_secrets(
    data_dir: Path, secrets: dict[str, Any], snapshot: Path
) -> tuple[Store, ImportResult]:
    store = Store.create(data_dir, site_id=secrets["site_id"])
    try:
        store.local_set("coop_id", secrets["coop_id"])
        store.local_set("root_public", secrets["root_public"])
        store.local_set("root_private", secrets["root_private"])
        store.local_set("bundle_key", secrets["bundle_key"])
        store.local_set("site_private", secrets["site_private"])
        store.local_set("site_certificate", json.dumps(secrets["site_certificate"]))
        result = import_bundle(store, snapshot, backup=False)
    except BaseException:
        path_to_remove = store.path
        store.close()
        for leftover in (
            path_to_remove,
            Path(f"{path_to_remove}-wal"),
            Path(f"{path_to_remove}-shm"),
        ):
            leftover.unlink(missing_ok=True)
        raise
    return store, result
