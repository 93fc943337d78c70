"""Sync between sites by bundle files: export, preview and import.

The window's Sync page and ``coopdesk export/preview/import`` call these. The file format is
in ``coopdesk.bundle``, the merge rules in ``coopdesk.merge``, what each peer has in
``coopdesk.peers``, conflicts in ``coopdesk.conflicts``.

What goes into a bundle: every change the recipient may lack, wherever it was made (so a
change made at A reaches C through B). What a peer has is learned only from bundles that
peer sent; a bundle lost on the way is therefore never counted as delivered, and its
changes simply travel again in the next one.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from coopdesk.base.errors import CoopDeskError, NotFoundError
from coopdesk.store import hlc, migrations
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store
from coopdesk.sync import bundle, keys
from coopdesk.sync.backups import Backup, make_backup
from coopdesk.sync.bundle import Envelope, FrameWriter, read_envelope, read_frames
from coopdesk.sync.identity import previous_site_ids
from coopdesk.sync.merge import MergeReport, apply_bundle
from coopdesk.sync.peers import base_for
from coopdesk.sync.trust import require_keys, site_certificate, trust_of

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
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


@dataclass(frozen=True)
class Preview:
    path: Path
    site_id: str
    site_name: str
    bundle_seq: int
    made_at: float
    entries: int
    new_entries: int
    counts: dict[tuple[str, str], int]
    already_imported: bool
    for_site: str | None
    for_this_site: bool
    encrypted: bool

    def summary(self) -> str:
        return describe_counts(self.counts) or "nothing new"

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "site_id": self.site_id,
            "site_name": self.site_name,
            "bundle_seq": self.bundle_seq,
            "made_at": self.made_at,
            "entries": self.entries,
            "new_entries": self.new_entries,
            "counts": [[t, o, n] for (t, o), n in sorted(self.counts.items())],
            "summary": self.summary(),
            "already_imported": self.already_imported,
            "for_site": self.for_site,
            "encrypted": self.encrypted,
        }


@dataclass
class ImportResult:
    path: Path
    site_id: str
    site_name: str
    already_imported: bool
    report: MergeReport = field(default_factory=MergeReport)
    backup: Backup | None = None

    @property
    def changed_tables(self) -> frozenset[str]:
        return frozenset(self.report.changed_tables)

    def summary(self) -> str:
        if self.already_imported:
            return f"This bundle from {self.site_name} was already imported; nothing changed."
        if not self.report.new_entries:
            return f"Nothing new from {self.site_name}: every change was already here."
        text = f"Imported from {self.site_name}: {describe_counts(self.report.counts)}."
        new_conflicts = self.report.conflicts_after - self.report.conflicts_before
        if new_conflicts > 0:
            text += f" {new_conflicts} new conflict{'s' if new_conflicts != 1 else ''} to review."
        return text

    def as_json(self) -> dict[str, Any]:
        report = self.report
        return {
            "path": str(self.path),
            "site_id": self.site_id,
            "site_name": self.site_name,
            "already_imported": self.already_imported,
            "new_changes": report.new_entries,
            "already_here": report.duplicate_entries,
            "counts": [[t, o, n] for (t, o), n in sorted(report.counts.items())],
            "conflicts": report.conflicts_after,
            "clock_warnings": report.clock_warnings,
            "identity_notice": report.identity_notice,
            "backup": str(self.backup.path) if self.backup else None,
            "summary": self.summary(),
        }


# -- words -------------------------------------------------------------------------------------

OP_WORDS = {"insert": "new", "update": "changed", "archive": "archived", "restore": "restored"}


def describe_counts(counts: dict[tuple[str, str], int] | Counter[tuple[str, str]]) -> str:
    """``3 new members, 12 members changed, 1 member archived``."""
    parts = []
    for table in TABLES:
        for op in ("insert", "update", "archive", "restore"):
            number = counts.get((table, op), 0)
            if not number:
                continue
            noun = TABLES[table].noun + ("s" if number != 1 else "")
            if op == "insert":
                parts.append(f"{number} new {noun}")
            else:
                parts.append(f"{number} {noun} {OP_WORDS[op]}")
    return ", ".join(parts)


def default_bundle_name(store: Store, for_site: str | None = None) -> str:
    def slug(text: str) -> str:
        return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-") or "site"

    here = store.get("site", store.site_id)
    name = slug(here["name"] if here else "site")
    if for_site:
        there = store.get("site", for_site)
        name += "-to-" + slug(there["name"] if there else for_site[:8])
    return f"{name}-{datetime.now():%Y-%m-%d-%H%M}{bundle.SUFFIX}"


# -- export ------------------------------------------------------------------------------------


def export_bundle(
    store: Store,
    path: Path,
    for_site: str | None = None,
    full: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Write a bundle safely: temporary name, flush to disk, rename, read back and verify."""
    require_keys(store)
    path = Path(path)
    if for_site and store.get("site", for_site) is None:
        raise NotFoundError(f"There is no site with id {for_site}.")
    if path.is_dir():
        path = path / default_bundle_name(store, for_site)
    partial = path.with_name(f".{path.name}.partial")
    coop = store.require("coop", str(store.coop_id))
    bundle_key = str(store.local_get("bundle_key"))
    encrypted = bool(coop["encrypt_bundles"])
    conn = store.conn
    try:
        with tempfile.SpooledTemporaryFile(max_size=16 << 20, dir=path.parent) as payload:
            store.begin()
            try:
                base = {} if full else base_for(store, for_site)
                bundle_seq = int(store.local_get("last_bundle_seq", 0)) + 1
                store.local_set("last_bundle_seq", bundle_seq)
                created = store.clock.tick()
                store.local_set("hlc", created)
                header = _header(store, coop, bundle_seq, created, base, for_site, encrypted)
                writer = FrameWriter(payload, header, bundle_key)
                _write_changes(store, base, writer, progress, cancelled)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
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
            with partial.open("wb") as out:
                out.write(signed)
                while block := payload.read(1 << 20):
                    out.write(block)
                out.write(signature)
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, path)
        _fsync_directory(path.parent)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CoopDeskError(f"Could not write {path.name}: {exc.strerror or exc}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    verified = verify_bundle_file(store, path)
    size = path.stat().st_size
    store.conn.execute(
        "INSERT OR REPLACE INTO _export VALUES (?, ?, ?, ?, ?, ?)",
        (bundle_seq, for_site, str(path), writer.entries, size, time.time()),
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
        "certificate": site_certificate(store).as_dict(),
    }


# The oldest schema that can import what this version writes: schema 3 added the site
# column replaced_by, which a schema 2 store could not hold.
MIN_READER_SCHEMA = 3


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
        "SELECT lsn, origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields, versions"
        " FROM _change WHERE origin = ? AND seq > ?"
    )
    sql = " UNION ALL ".join([select] * len(origins)) + " ORDER BY lsn"
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
            raise ExportCancelled("Export cancelled; no bundle was written.")


def _fsync_directory(folder: Path) -> None:
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


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
            f"{path.name} did not read back correctly ({exc}). Do not use it; export again, "
            "to another USB stick if this happens twice."
        ) from None
    return True


# -- preview and import ------------------------------------------------------------------------


def _already_imported(store: Store, envelope: Envelope) -> bool:
    row = store.conn.execute(
        "SELECT sha256 FROM _bundle_seen WHERE site_id = ? AND bundle_seq = ?",
        (envelope.site_id, envelope.bundle_seq),
    ).fetchone()
    if row and row[0] == envelope.payload_sha256:
        return True
    own = envelope.site_id == store.site_id or envelope.site_id in previous_site_ids(store)
    return own and envelope.bundle_seq <= int(store.local_get("last_bundle_seq", 0))


def preview_bundle(store: Store, path: Path) -> Preview:
    """What importing would bring, read from the verified file; nothing is written."""
    trust = trust_of(store)
    envelope = read_envelope(Path(path), trust)
    vv = store.version_vector()
    counts: Counter[tuple[str, str]] = Counter()
    total = new = 0
    for rows in read_frames(envelope, trust.bundle_key):
        for row in rows:
            total += 1
            if row[1] > vv.get(row[0], 0):
                new += 1
                counts[(row[5], row[7])] += 1
    header = envelope.header
    return Preview(
        path=Path(path),
        site_id=envelope.site_id,
        site_name=envelope.site_name,
        bundle_seq=envelope.bundle_seq,
        made_at=hlc.wall_seconds(header["created_hlc"]),
        entries=total,
        new_entries=new,
        counts=dict(counts),
        already_imported=_already_imported(store, envelope),
        for_site=header["for_site"],
        for_this_site=header["for_site"] in (None, store.site_id),
        encrypted=header["encryption"] is not None,
    )


def import_bundle(
    store: Store,
    path: Path,
    author: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    backup: bool = True,
) -> ImportResult:
    """Check, back up, then merge a bundle in one transaction. Refusals raise BundleError."""
    path = Path(path)
    trust = trust_of(store)
    envelope = read_envelope(path, trust)
    result = ImportResult(path, envelope.site_id, envelope.site_name, False)
    if _already_imported(store, envelope):
        result.already_imported = True
        return result
    if backup:
        result.backup = make_backup(store, reason=f"before import from {envelope.site_name}")
    frames = read_frames(envelope, trust.bundle_key)
    result.report = apply_bundle(store, envelope, frames, author, progress, cancelled)
    store.notify(result.changed_tables)
    return result


__all__ = [
    "ExportResult",
    "ImportResult",
    "Preview",
    "export_bundle",
    "import_bundle",
    "preview_bundle",
]
