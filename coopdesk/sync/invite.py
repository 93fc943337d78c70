"""Inviting a new site, and joining a coop from an invitation file.

An invitation is made at an existing site, by a member who may invite sites (the "sites"
mandate, where a role carries it). It carries the coop's identity, its root public key and
bundle key, a new site id with a key pair that the inviting site certifies (in a sealed
change every site checks), and a full snapshot of the store (an ordinary bundle for the new
site). It never carries a key that could certify other sites. It is valid for
``INVITATION_DAYS`` days. The whole file is encrypted with a key derived from
a one-time passphrase that is shown on screen and never stored: whoever carries the file
without the passphrase learns nothing.

Layout: ``COOPINVT`` | u16 format | salt (16) | nonce (12) | ChaCha20-Poly1305 ciphertext of
(u32 length | JSON | snapshot bundle bytes).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopdesk.base import jsontext
from coopdesk.base.errors import CoopDeskError, ValidationError
from coopdesk.base.files import output_path, shorten_name, write_to
from coopdesk.base.i18n import _
from coopdesk.base.text import shown
from coopdesk.store import keys
from coopdesk.store.ids import new_id
from coopdesk.store.schema import UUID_RE
from coopdesk.store.store import Store
from coopdesk.store.transaction import Transaction
from coopdesk.sync.export import export_bundle
from coopdesk.sync.importing import ImportResult, import_bundle
from coopdesk.sync.trust import require_keys

MAGIC = b"COOPINVT"
FORMAT_VERSION = 1
PRELUDE = struct.Struct(">8sH")
LENGTH = struct.Struct(">I")
SUFFIX = ".coopinvite"
MAX_INVITATION_BYTES = 1 << 30
# An invitation not used within this many days is refused when someone tries to join.
INVITATION_DAYS = 14
HEX_RE = re.compile(r"^[0-9a-f]*\Z")


class InvitationError(CoopDeskError):
    """The invitation file cannot be used (wrong passphrase, damaged, not an invitation)."""


@dataclass(frozen=True)
class Invitation:
    site_id: str
    site_name: str
    passphrase: str
    path: Path


def new_site_secrets(store: Store, author: str, site_name: str, snapshot: Path) -> dict[str, Any]:
    """Add a site to the coop, give it its key, and write a snapshot for it.

    Returns what the new site needs to know (secret: its private key) and writes the
    snapshot bundle to ``snapshot``.
    """
    _check_site_name(site_name)
    require_keys(store)
    with store.transaction(author) as tx:
        site_id, pair, certificate = _certify_site(tx, name=site_name.strip())
    return _secrets(store, site_id, pair, certificate, snapshot)


def _check_site_name(site_name: str) -> None:
    if not site_name or not site_name.strip():
        raise ValidationError(_("Give the new site a name."))


def site_secrets(store: Store, author: str, site_id: str, snapshot: Path) -> dict[str, Any]:
    """What a computer needs to act as site ``site_id`` (a row of the site table that has no
    key yet): the site gets its key and certificate, and a snapshot is written for it."""
    require_keys(store)
    with store.transaction(author) as tx:
        site_id, pair, certificate = _certify_site(tx, site_id=site_id)
    return _secrets(store, site_id, pair, certificate, snapshot)


def _certify_site(
    tx: Transaction, *, name: str | None = None, site_id: str | None = None
) -> tuple[str, keys.KeyPair, keys.Certificate]:
    """In ``tx``: a new site (or an existing row without a key) gets a key pair, certified by
    this site in this very transaction, which every site checks (the "sites" mandate)."""
    store = tx.store
    pair = keys.new_keypair()
    if site_id is None:
        tx.use_mandate("sites", f"invited the site {name}")
        site_id = new_id()
    else:
        existing = store.require("site", site_id)
        if existing["archived"] or existing["public_key"]:
            raise ValidationError(
                _(
                    "The site {name} already has a computer (or is archived): invite a new "
                    "site instead."
                ).format(name=existing["name"])
            )
        name = existing["name"]
        tx.use_mandate("sites", f"invited a computer for the site {name}")
    certificate = keys.certify(
        str(store.local_get("site_private")),
        str(store.coop_id),
        site_id,
        pair.public_hex,
        certified_by=store.site_id,
        seq=tx.sequence(),
        kind="invited",
    )
    fields = {"public_key": pair.public_hex, "certificate": certificate.to_json()}
    if store.get("site", site_id) is None:
        tx.insert("site", {"name": name, **fields}, row_id=site_id)
    else:
        tx.update("site", site_id, fields)
    return site_id, pair, certificate


def _secrets(
    store: Store,
    site_id: str,
    pair: keys.KeyPair,
    certificate: keys.Certificate,
    snapshot: Path,
) -> dict[str, Any]:
    coop = store.require("coop", str(store.coop_id))
    here = store.require("site", store.site_id)
    site = store.require("site", site_id)
    export_bundle(store, snapshot, for_site=site_id, full=True)
    now = time.time()
    return {
        "format": FORMAT_VERSION,
        "coop_id": coop["id"],
        "coop_name": coop["name"],
        "root_public": store.local_get("root_public"),
        "bundle_key": store.local_get("bundle_key"),
        "site_id": site_id,
        "site_name": site["name"],
        "site_private": pair.private_hex,
        "site_certificate": certificate.as_dict(),
        "invited_by_site": here["name"],
        "made_at": now,
        "expires_at": now + INVITATION_DAYS * 86_400,
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
            # Logged (and sealed) at once, so the snapshot carries the new site's row;
            # committed, or rolled back, with the outer transaction, after the file is written.
            with store.changes_within_open_transaction(author) as adding:
                site_id, pair, certificate = _certify_site(adding, name=site_name.strip())
            tx.changed.update(adding.changed)
            # The snapshot is scratch work: in the data folder (on the store's drive), not
            # on the stick, where the invitation is the only file written.
            with tempfile.TemporaryDirectory(prefix=".invite-", dir=store.path.parent) as work:
                snapshot = Path(work) / "snapshot.coopsync"
                secrets = _secrets(store, site_id, pair, certificate, snapshot)
                body = json.dumps(secrets).encode()
                plaintext = LENGTH.pack(len(body)) + body + snapshot.read_bytes()
            sealed = keys.seal_with_passphrase(passphrase, plaintext, MAGIC)
            # Readable by its owner only: it holds the new site's key and the coop's data.
            write_to(target, PRELUDE.pack(MAGIC, FORMAT_VERSION) + sealed, private=True)
            written = target
    except BaseException:
        if written is not None:  # the commit failed: the file names a site that is not there
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    return Invitation(secrets["site_id"], secrets["site_name"], passphrase, target)


def read_invitation(path: Path, passphrase: str) -> tuple[dict[str, Any], bytes]:
    """The invitation's secrets and snapshot; an ``InvitationError`` for anything wrong.

    The file is opened with the passphrase first: nothing in it is read, or shown, before
    it is known to be the invitation the inviting site sealed.
    """
    path = Path(path)
    name = shown(path.name, limit=120)
    try:
        size = path.stat().st_size
        if size > MAX_INVITATION_BYTES:
            raise InvitationError(_("{name} is too large to be an invitation.").format(name=name))
        data = path.read_bytes()
    except OSError as exc:
        raise InvitationError(
            _("Cannot read {name}: {strerror}.").format(name=name, strerror=exc.strerror or exc)
        ) from None
    if len(data) < PRELUDE.size or data[:8] != MAGIC:
        raise InvitationError(_("{name} is not a CoopDesk invitation.").format(name=name))
    _magic, version = PRELUDE.unpack(data[: PRELUDE.size])
    if version > FORMAT_VERSION:
        raise InvitationError(
            _("{name} was made by a newer CoopDesk; update CoopDesk here.").format(name=name)
        )
    if len(data) > MAX_INVITATION_BYTES:
        raise InvitationError(_("{name} is too large to be an invitation.").format(name=name))
    try:
        plaintext = keys.open_with_passphrase(passphrase, data[PRELUDE.size :], MAGIC)
    except keys.DecryptionError:
        raise InvitationError(
            _(
                "The passphrase does not match this invitation (or the file is damaged). "
                "Check the passphrase shown when the invitation was made."
            )
        ) from None
    damaged = InvitationError(
        _("{name} is damaged. Ask the site that invited you for a new one.").format(name=name)
    )
    if len(plaintext) < LENGTH.size:
        raise damaged
    (length,) = LENGTH.unpack(plaintext[: LENGTH.size])
    if length > len(plaintext) - LENGTH.size:
        raise damaged
    try:
        secrets = _checked_secrets(jsontext.loads(plaintext[LENGTH.size : LENGTH.size + length]))
    except (ValueError, KeyError, TypeError):
        raise damaged from None
    if time.time() > secrets["expires_at"]:
        raise InvitationError(
            _(
                "{name} has expired: invitations are valid for {invitation_days} days. "
                "Ask the site that invited you for a new one."
            ).format(name=name, invitation_days=INVITATION_DAYS)
        )
    return secrets, plaintext[LENGTH.size + length :]


SECRET_TEXTS = ("coop_id", "coop_name", "site_id", "site_name", "invited_by_site")
SECRET_KEYS = ("root_public", "bundle_key", "site_private")


def _checked_secrets(secrets: Any) -> dict[str, Any]:
    """The invitation's JSON, every value of the type and form a join needs (else an error:
    a value of another kind must end in a clear refusal, not in a crash half-way)."""
    if not isinstance(secrets, dict):
        raise ValueError("not an object")
    if not all(isinstance(secrets.get(key), str) for key in SECRET_TEXTS):
        raise ValueError("a name or id is missing")
    if not (UUID_RE.match(secrets["coop_id"]) and UUID_RE.match(secrets["site_id"])):
        raise ValueError("a bad id")
    for key in SECRET_KEYS:
        value = secrets.get(key)
        if not (isinstance(value, str) and len(value) == 64 and HEX_RE.match(value)):
            raise ValueError(f"a bad {key}")
    certificate = keys.Certificate.from_dict(secrets.get("site_certificate"))
    if (certificate.site_id, certificate.coop_id) != (secrets["site_id"], secrets["coop_id"]):
        raise ValueError("a certificate for another site")
    expires_at = secrets.get("expires_at")
    if type(expires_at) not in (int, float) or not math.isfinite(expires_at):
        raise ValueError("no expiry")
    return secrets


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
