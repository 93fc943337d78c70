"""Exporting a bundle: every change another site may lack, written, read back and verified.

The window's Sync page and ``coopdesk export`` call this; importing is in
``coopdesk.sync.importing``. The file format is in ``coopdesk.sync.bundle``, the merge rules
in ``coopdesk.store.merging`` and ``coopdesk.sync.merge``, what each peer has in
``coopdesk.sync.peers``.

What goes into a bundle: every change the recipient may lack, wherever it was made (so a
change made at A reaches C through B). What a peer has is learned only from bundles that
peer sent; a bundle lost on the way is therefore never counted as delivered, and its
changes simply travel again in the next one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from coopdesk.base.errors import CoopDeskError, NotFoundError
from coopdesk.base.feature import all_features, resolve
from coopdesk.base.files import explain, output_path, shorten_name, write_to
from coopdesk.base.i18n import _
from coopdesk.base.progress import Cancelled, Progress
from coopdesk.store import keys, migrations
from coopdesk.store.store import Store
from coopdesk.sync import bundle
from coopdesk.sync.bundle import FrameWriter, read_envelope
from coopdesk.sync.forks import widen_base
from coopdesk.sync.peers import base_for
from coopdesk.sync.trust import announce_own_key, certificate_chain, require_keys, trust_of

READ_BATCH = bundle.FRAME_ENTRIES


class ExportCancelled(CoopDeskError):
    """The person cancelled an export; no file was left under the bundle's name."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_seq: int
    entries: int
    size: int
    for_site: str | None
    encrypted: bool
    verified: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "bundle_seq": self.bundle_seq,
            "entries": self.entries,
            "bytes": self.size,
            "for_site": self.for_site,
            "encrypted": self.encrypted,
            "verified": self.verified,
        }


# -- words -------------------------------------------------------------------------------------


def default_bundle_name(store: Store, for_site: str | None = None) -> str:
    """ "Kitchen-to-Warehouse-2024-05-06-1830.coopsync": short enough for any drive.

    Site names may be 120 accented characters (240 bytes): each is cut to 80 bytes, so
    the name with the date stays within the 255 bytes a drive allows.
    """

    def slug(text: str) -> str:
        word = "".join(ch if ch.isalnum() else "-" for ch in text).strip("-") or "site"
        return shorten_name(word, SITE_NAME_BYTES)

    here = store.get("site", store.site_id)
    name = slug(here["name"] if here else "site")
    if for_site:
        there = store.get("site", for_site)
        name += "-to-" + slug(there["name"] if there else for_site[:8])
    return shorten_name(f"{name}-{datetime.now():%Y-%m-%d-%H%M}{bundle.SUFFIX}")


SITE_NAME_BYTES = 80


# -- export ------------------------------------------------------------------------------------


def export_bundle(
    store: Store,
    path: Path | str,
    for_site: str | None = None,
    full: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    base: dict[str, int] | None = None,
) -> ExportResult:
    """Write a bundle safely: temporary name, flush to disk, rename, read back and verify.

    ``path`` is a file or a folder (a name is chosen), by the rules of ``coopdesk.base.files``;
    the file is readable by its owner only (it holds the coop's data). ``base`` overrides
    what the recipients are assumed to have (the sync folder: what every site on it has).
    """
    require_keys(store)
    announce_own_key(store)
    for feature in all_features():
        if feature.before_export:
            resolve(feature.before_export)(store)
    if for_site and store.get("site", for_site) is None:
        raise NotFoundError(_("There is no site with id {for_site}.").format(for_site=for_site))
    # The one set of rules and messages for every file CoopDesk writes (coopdesk.base.files).
    path = output_path(path, default_bundle_name(store, for_site))
    coop = store.require("coop", str(store.coop_id))
    bundle_key = str(store.local_get("bundle_key"))
    encrypted = bool(coop["encrypt_bundles"])
    # An invitation writes its snapshot inside its own transaction (the new site's row and
    # the file stand or fall together); then this joins it instead of committing.
    joined = store.conn.in_transaction
    try:
        with tempfile.SpooledTemporaryFile(max_size=16 << 20, dir=path.parent) as payload:
            with contextlib.nullcontext() if joined else store.local_transaction():
                if full:
                    base = {}
                elif base is None:
                    base = base_for(store, for_site)
                if not full:
                    base = widen_base(store, base)
                bundle_seq = int(store.local_get("last_bundle_seq", 0)) + 1
                store.local_set("last_bundle_seq", bundle_seq)
                created = store.clock.tick()
                store.local_set("hlc", created)
                header = _header(store, coop, bundle_seq, created, base, for_site, encrypted)
                writer = FrameWriter(payload, header, bundle_key)
                _write_changes(store, base, writer, progress, cancelled)
            header.update(
                entries=writer.entries,
                frames=writer.frames,
                payload_len=writer.payload_len,
                uncompressed_len=writer.uncompressed_len,
                payload_sha256=writer.digest.hexdigest(),
            )
            header_bytes = bundle.canonical_json(header)
            signed = bundle.signed_part(header_bytes)
            signature = keys.sign(str(store.local_get("site_private")), signed)
            payload.seek(0)

            def write(out: BinaryIO) -> None:
                out.write(signed)
                while block := payload.read(1 << 20):
                    out.write(block)
                out.write(signature)

            write_to(path, write, private=True)
    except OSError as exc:  # the payload's spill file, in the same folder
        raise explain(exc, path) from None
    verified = verify_bundle_file(store, path)
    size = path.stat().st_size
    with contextlib.nullcontext() if joined else store.local_transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO _export VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                bundle_seq,
                for_site,
                str(path),
                writer.entries,
                size,
                time.time(),
                header["payload_sha256"],
            ),
        )
    return ExportResult(path, bundle_seq, writer.entries, size, for_site, encrypted, verified)


def _header(
    store: Store,
    coop: dict[str, Any],
    bundle_seq: int,
    created: int,
    base: dict[str, int],
    for_site: str | None,
    encrypted: bool,
) -> dict[str, Any]:
    here = store.get("site", store.site_id)
    return {
        "format": bundle.FORMAT_VERSION,
        "coop_id": coop["id"],
        "coop_name": coop["name"],
        "site_id": store.site_id,
        "site_name": here["name"] if here else store.site_id[:8],
        "bundle_seq": bundle_seq,
        "created_hlc": created,
        "schema_version": migrations.SCHEMA_VERSION,
        "min_reader_schema": MIN_READER_SCHEMA,
        "vv": store.version_vector(),
        "base": base,
        "for_site": for_site,
        "entries": 0,
        "frames": 0,
        "payload_len": 0,
        "uncompressed_len": 0,
        "payload_sha256": "",
        "encryption": {"alg": "chacha20poly1305", "nonce_prefix": os.urandom(8).hex()}
        if encrypted
        else None,
        "certificates": certificate_chain(store, store.site_id),
    }


# The oldest schema that can import what this version writes: schema 8 added the seals,
# the sites' keys and certificates, and the "sites" mandate.
MIN_READER_SCHEMA = 8


def _write_changes(
    store: Store,
    base: dict[str, int],
    writer: FrameWriter,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    """Every change above ``base``, whole transactions only, in the order they arrived here."""
    vv = store.version_vector()
    origins = sorted(origin for origin, top in vv.items() if top > base.get(origin, 0))
    if not origins:
        return
    select = (
        "SELECT c.lsn, c.origin, c.seq, c.idx, c.hlc, c.author, c.tbl, c.row_id, c.op, c.cl,"
        " c.fields, c.versions, CASE WHEN c.idx = 0 THEN lower(hex(s.signature)) END"
        " FROM _change c LEFT JOIN _seal s ON s.origin = c.origin AND s.seq = c.seq"
        " WHERE c.origin = ? AND c.seq > ?"
    )
    sql = " UNION ALL ".join([select] * len(origins)) + " ORDER BY 1"
    params: list[Any] = []
    for origin in origins:
        params.extend([origin, base.get(origin, 0)])
    total = sum(
        store.conn.execute(
            "SELECT count(*) FROM _change WHERE origin = ? AND seq > ?", (o, base.get(o, 0))
        ).fetchone()[0]
        for o in origins
    )
    cursor = store.conn.execute(sql, params)
    done = 0
    while rows := cursor.fetchmany(READ_BATCH):
        writer.write([row[1:] for row in rows])
        done += len(rows)
        if progress:
            progress(done, total)
        if cancelled and cancelled():
            raise ExportCancelled(_("Export cancelled; no bundle was written."))


def verify_bundle_file(store: Store, path: Path) -> bool:
    """Read a bundle back from the drive as an importing site would, before "safe to remove".

    The signature and the payload's SHA-256 prove every byte is the one written; each frame
    is decrypted and unpacked too. (The changes themselves are not parsed again: they are
    exactly the ones this site just wrote.)
    """
    trust = trust_of(store)
    try:
        envelope = read_envelope(path, trust)
        for _raw in bundle.read_frame_bytes(envelope, trust.bundle_key):
            pass
    except bundle.BundleError as exc:
        raise CoopDeskError(
            _(
                "{name} did not read back correctly ({exc}). Do not use it; export "
                "again, to another USB stick if this happens twice."
            ).format(name=path.name, exc=exc)
        ) from None
    return True


# -- preview and import ------------------------------------------------------------------------


__all__ = [
    "ExportResult",
    "export_bundle",
]
