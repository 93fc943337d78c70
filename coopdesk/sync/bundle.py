"""The ``.coopsync`` bundle file: its layout, and reading it without trusting it.

Layout (docs/bundle-format.md has the details)::

    magic "COOPSYNC" | u16 format version | u32 header length | header (JSON)
    | payload (frames) | Ed25519 signature (64 bytes)

The signature covers everything before the payload: magic, version, header length and the
header, and the header holds the payload's length and SHA-256. A reader checks, in this
order, before it parses a single change: magic, format version, declared sizes against
hard caps, the real file size, the coop, the sender's certificate, the signature, the
schema version, the payload hash. Only then are frames decrypted and decompressed, each
with its own cap, so a hostile file can neither crash the reader nor exhaust memory: every
frame is at most ``MAX_FRAME_JSON`` bytes once inflated and holds at most
``MAX_FRAME_VALUES`` JSON values, counted before it is parsed; JSON nested deeper than
CoopDesk ever writes is refused before it is parsed (``coopdesk.base.jsontext``).

Nothing from a header is put in a message before the header's signature is checked (the
file's name stands for the bundle until then), and text from a bundle goes into a message
only through ``coopdesk.base.text.shown``.

The payload is a sequence of frames, each ``u32 length | data``; data is one zlib-compressed
JSON array of columns (the change log's columns, ``ENTRY_COLUMNS``) for up to
``FRAME_ENTRIES`` changes and ``MAX_FRAME_JSON`` bytes, encrypted with ChaCha20-Poly1305
when the coop asks for it.
Frames keep memory flat on both sides: nothing ever holds the whole bundle.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import Any, BinaryIO

from coopdesk.base import jsontext
from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import _
from coopdesk.base.text import shown
from coopdesk.store import keys
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.schema import INT64_MAX, TABLES, UUID_RE, stored_value_ok
from coopdesk.sync.trust import Trust, verify_chain

MAGIC = b"COOPSYNC"
# 2: every transaction sealed by its origin; the sender's certificate chain in the header.
FORMAT_VERSION = 2
PRELUDE = struct.Struct(">8sHI")
FRAME_LENGTH = struct.Struct(">I")
SIGNATURE_SIZE = 64
SUFFIX = ".coopsync"

MAX_HEADER_BYTES = 1 << 20
MAX_PAYLOAD_BYTES = 1 << 30
MAX_UNCOMPRESSED_BYTES = 4 << 30
MAX_COMPRESSION_RATIO = 200
# A frame once inflated: its JSON. The writer starts a new frame before reaching either
# limit, so an honest bundle never meets them; the reader refuses a frame over them.
MAX_FRAME_JSON = 8 << 20
# A frame as stored: compressed (incompressible data grows a little) and encrypted.
MAX_FRAME_BYTES = MAX_FRAME_JSON + (64 << 10)
# How many JSON values a frame may hold, counted before parsing it (``frame_values``): it
# bounds the memory a parsed frame takes, whatever its bytes say (2,000 changes of eight
# fields count about 150,000).
MAX_FRAME_VALUES = 600_000
FRAME_ENTRIES = 4000
# More sites than any coop has: a bundle naming more origins than this is refused.
MAX_ORIGINS = 10_000
# zlib level 3: within 10% of level 6's size at half its time (measured on 100,000 changes).
COMPRESSION_LEVEL = 3

ENTRY_COLUMNS = (
    "origin",
    "seq",
    "idx",
    "hlc",
    "author",
    "tbl",
    "row_id",
    "op",
    "cl",
    "fields",
    "versions",
    # The origin's signature over its chain (hex) on each transaction's first change (idx
    # 0), null on the others: see coopdesk.store.keys.
    "seal",
)
LOG_COLUMNS = len(ENTRY_COLUMNS) - 1
OPS = frozenset({"insert", "update", "archive", "restore"})
# Causal lengths grow by one per archive or restore: no row sees a billion of them.
MAX_CL = 1 << 31
# JSON escapes of a NUL or a surrogate, found without parsing (almost never present).
SUSPICIOUS_ESCAPE_RE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
# The same in a header (after an odd number of backslashes: a real escape), where they can
# only be an attack: CoopDesk writes non-ASCII text as it is, and names hold no NUL.
UNSTORABLE_ESCAPE_RE = re.compile(rb"(?<!\\)(?:\\\\)*\\u(?:0000|[dD][89a-fA-F])")
MAX_FIELDS_TEXT = 1 << 20
SEAL_RE = re.compile(r"^[0-9a-f]{128}\Z")
HEX_RE = re.compile(r"^[0-9a-f]*\Z")
# Longer than any name CoopDesk lets a person type: the header's names are only labels.
MAX_HEADER_NAME = 1000

HEADER_TYPES: dict[str, type | tuple[type, ...]] = {
    "format": int,
    "coop_id": str,
    "coop_name": str,
    "site_id": str,
    "site_name": str,
    "bundle_seq": int,
    "created_hlc": int,
    "schema_version": int,
    "min_reader_schema": int,
    "vv": dict,
    "base": dict,
    "for_site": (str, type(None)),
    "entries": int,
    "frames": int,
    "payload_len": int,
    "uncompressed_len": int,
    "payload_sha256": str,
    "encryption": (dict, type(None)),
    "certificates": list,
}


# -- refusals ----------------------------------------------------------------------------------


class BundleError(CoopDeskError):
    """A bundle was refused. The store is unchanged and the file is kept."""

    reason = "refused"


class NotABundleError(BundleError):
    reason = "not-a-bundle"


class BundleDamagedError(BundleError):
    reason = "damaged"


class BundleTruncatedError(BundleDamagedError):
    reason = "truncated"


class BundleSignatureError(BundleError):
    reason = "signature"


class BundleUncertifiedError(BundleError):
    reason = "uncertified"


class BundleOtherCoopError(BundleError):
    reason = "other-coop"


class BundleNewerError(BundleError):
    reason = "newer"


class BundleTooLargeError(BundleError):
    reason = "too-large"


class BundleInvalidContentError(BundleError):
    reason = "invalid-content"


class BundleGapError(BundleError):
    reason = "gap"


class SiteIdentityClashError(BundleError):
    reason = "identity-clash"


# -- the header --------------------------------------------------------------------------------


@dataclass
class Envelope:
    """A bundle whose outside has been checked: header, sizes, signature, payload hash."""

    path: Path
    header: dict[str, Any]
    header_bytes: bytes
    payload_offset: int
    # Public keys of the sites in the sender's certificate chain, checked to the root.
    chain_keys: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file's name, as messages show it."""
        return _name(self.path)

    @property
    def site_id(self) -> str:
        return self.header["site_id"]

    @property
    def site_name(self) -> str:
        """The sender's name for itself (signed by it), made safe to show."""
        return shown(self.header["site_name"])

    @property
    def bundle_seq(self) -> int:
        return self.header["bundle_seq"]

    @property
    def payload_sha256(self) -> str:
        return self.header["payload_sha256"]

    @property
    def vv(self) -> dict[str, int]:
        return self.header["vv"]

    @property
    def base(self) -> dict[str, int]:
        return self.header["base"]


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_part(header_bytes: bytes) -> bytes:
    return PRELUDE.pack(MAGIC, FORMAT_VERSION, len(header_bytes)) + header_bytes


def frame_nonce(prefix_hex: str, index: int) -> bytes:
    return bytes.fromhex(prefix_hex) + index.to_bytes(4, "big")


def frame_associated_data(header: dict[str, Any], index: int) -> bytes:
    return (
        f"coopdesk-frame\x00{header['coop_id']}\x00{header['site_id']}\x00"
        f"{header['bundle_seq']}\x00{index}".encode()
    )


def _name(path: Path) -> str:
    """The file's name as messages show it (a name on a stick can hold anything)."""
    return shown(path.name, limit=120)


def _check_header(path: Path, header: Any) -> dict[str, Any]:
    """The header's keys, types and ranges, before anything in it is believed."""
    damaged = BundleDamagedError(
        _("{name} is damaged: its header is unreadable. Export the bundle again.").format(
            name=_name(path)
        )
    )
    if not isinstance(header, dict):
        raise damaged
    for key, expected in HEADER_TYPES.items():
        value = header.get(key)
        if key not in header or not isinstance(value, expected) or isinstance(value, bool):
            raise damaged
    for vector in (header["vv"], header["base"]):
        if len(vector) > MAX_ORIGINS:
            raise damaged
        for site, seq in vector.items():
            if not UUID_RE.match(site) or not isinstance(seq, int) or isinstance(seq, bool):
                raise damaged
            if not 0 <= seq <= INT64_MAX:
                raise damaged
    numbers = ("bundle_seq", "created_hlc", "entries", "frames", "payload_len", "uncompressed_len")
    if any(not 0 <= header[key] <= INT64_MAX for key in numbers):
        raise damaged
    if header["min_reader_schema"] < 0 or header["schema_version"] < 0:
        raise damaged
    ids = (header["coop_id"], header["site_id"], header["for_site"] or header["site_id"])
    if not all(UUID_RE.match(value) for value in ids):
        raise damaged
    if any(len(header[key]) > MAX_HEADER_NAME for key in ("coop_name", "site_name")):
        raise damaged
    if len(header["payload_sha256"]) != 64 or not HEX_RE.match(header["payload_sha256"]):
        raise damaged
    encryption = header["encryption"]
    if encryption is not None:
        prefix = encryption.get("nonce_prefix")
        if encryption.get("alg") != "chacha20poly1305" or not (
            isinstance(prefix, str) and len(prefix) == 16 and HEX_RE.match(prefix)
        ):
            raise damaged
    return header


def read_envelope(path: Path, trust: Trust) -> Envelope:
    """Check everything about a bundle except the changes inside; raise a BundleError."""
    name = _name(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise BundleError(
            _("Cannot read {name}: {strerror}.").format(name=name, strerror=exc.strerror or exc)
        ) from None
    with handle:
        try:
            size = path.stat().st_size
            prelude = handle.read(PRELUDE.size)
            if len(prelude) < PRELUDE.size or prelude[:8] != MAGIC:
                raise NotABundleError(_("{name} is not a CoopDesk sync bundle.").format(name=name))
            _magic, version, header_len = PRELUDE.unpack(prelude)
            if version > FORMAT_VERSION:
                raise BundleNewerError(
                    _(
                        "{name} was made by a newer CoopDesk (bundle format {version}). Update "
                        "CoopDesk on this computer, then import it again."
                    ).format(name=name, version=version)
                )
            if version < 1 or header_len > MAX_HEADER_BYTES:
                raise BundleDamagedError(
                    _("{name} is damaged: its header is unreadable.").format(name=name)
                )
            header_bytes = handle.read(header_len)
            if len(header_bytes) < header_len:
                raise BundleTruncatedError(
                    _(
                        "{name} is incomplete: the file was cut short (was the USB stick removed "
                        "too early?). Copy or export it again."
                    ).format(name=name)
                )
            try:
                # Refused unparsed if nested deeper than any header CoopDesk writes.
                header = jsontext.loads(header_bytes)
            except (UnicodeDecodeError, ValueError):
                raise BundleDamagedError(
                    _(
                        "{name} is damaged: its header is unreadable. Export the bundle again."
                    ).format(name=name)
                ) from None
            if UNSTORABLE_ESCAPE_RE.search(header_bytes):
                raise BundleDamagedError(
                    _(
                        "{name} is damaged: its header is unreadable. Export the bundle again."
                    ).format(name=name)
                )
            header = _check_header(path, header)
            _check_sizes(name, header)
            expected = PRELUDE.size + header_len + header["payload_len"] + SIGNATURE_SIZE
            if size < expected:
                raise BundleTruncatedError(
                    _(
                        "{name} is incomplete: the file was cut short (was the USB stick removed "
                        "too early?). Copy or export it again."
                    ).format(name=name)
                )
            if size > expected:
                raise BundleDamagedError(
                    _("{name} is damaged: it has {value} unexpected bytes at the end.").format(
                        name=name, value=size - expected
                    )
                )
            chain_keys = _check_origin(name, header, trust)
            handle.seek(expected - SIGNATURE_SIZE)
            signature = handle.read(SIGNATURE_SIZE)
            public_key = chain_keys[header["site_id"]]
            if not keys.verify(public_key, signature, signed_part(header_bytes)):
                raise BundleSignatureError(
                    _(
                        "{name} does not carry a valid signature of the site it names: it was "
                        "altered after it was made, or forged. It was not imported."
                    ).format(name=name)
                )
            _check_schema(name, header)
            handle.seek(PRELUDE.size + header_len)
            digest = hashlib.sha256()
            remaining = header["payload_len"]
            while remaining:
                block = handle.read(min(remaining, 1 << 20))
                if not block:
                    break
                digest.update(block)
                remaining -= len(block)
            if digest.hexdigest() != header["payload_sha256"]:
                raise BundleDamagedError(
                    _(
                        "{name} is damaged: its contents do not match its checksum (a bad USB "
                        "stick or an interrupted copy). Copy or export it again."
                    ).format(name=name)
                )
        except OSError as exc:
            raise BundleError(
                _("Cannot read {name}: {strerror}.").format(name=name, strerror=exc.strerror or exc)
            ) from None
    return Envelope(path, header, header_bytes, PRELUDE.size + header_len, chain_keys)


def _check_sizes(name: str, header: dict[str, Any]) -> None:
    payload, uncompressed = header["payload_len"], header["uncompressed_len"]
    too_large = (
        payload > MAX_PAYLOAD_BYTES
        or uncompressed > MAX_UNCOMPRESSED_BYTES
        or uncompressed > max(payload, 1 << 16) * MAX_COMPRESSION_RATIO
    )
    if too_large:
        raise BundleTooLargeError(
            _(
                "{name} declares more data than CoopDesk accepts ({payload:,} bytes, "
                "{uncompressed:,} unpacked). It was not imported."
            ).format(name=name, payload=payload, uncompressed=uncompressed)
        )


def _check_origin(name: str, header: dict[str, Any], trust: Trust) -> dict[str, str]:
    """The sender's certificate chain leads to the root key: the chain's keys by site."""
    if header["coop_id"] != trust.coop_id:
        raise BundleOtherCoopError(
            _("{name} belongs to another coop, not this one. It was not imported.").format(
                name=name
            )
        )
    chain_keys = verify_chain(
        header["certificates"], trust.coop_id, trust.root_public, trust.revoked, trust.listed_sites
    )
    sender = header["site_id"]
    if not chain_keys or header["certificates"][0].get("site_id") != sender:
        raise BundleUncertifiedError(
            _(
                "{name} comes from a site this coop has not certified. Only sites that "
                "joined with an invitation can send bundles. It was not imported."
            ).format(name=name)
        )
    for site, key in chain_keys.items():
        if trust.site_keys.get(site, key) != key:
            raise BundleUncertifiedError(
                _(
                    "{name} names a key for a site that this coop knows with another key: it "
                    "was forged. It was not imported."
                ).format(name=name)
            )
    if sender in trust.archived_sites:
        raise BundleUncertifiedError(
            _(
                "{name} comes from a site this coop has archived. Restore the site first "
                "if it should take part again."
            ).format(name=name)
        )
    return chain_keys


def _check_schema(name: str, header: dict[str, Any]) -> None:

    if header["min_reader_schema"] > SCHEMA_VERSION:
        raise BundleNewerError(
            _(
                "{name} was made by a newer CoopDesk (schema {schema_version}; this "
                "CoopDesk knows up to {schema_version2}). Update CoopDesk here, then "
                "import it again; the file was kept."
            ).format(
                name=name, schema_version=header["schema_version"], schema_version2=SCHEMA_VERSION
            )
        )


# -- frames ------------------------------------------------------------------------------------


def read_frames(envelope: Envelope, bundle_key: str | None) -> Iterator[list[tuple[Any, ...]]]:
    """Decrypt, decompress and structurally check each frame; yield its changes as rows.

    One frame at a time: what is held at once is one frame's bytes and its changes.
    """
    count = 0
    name = _name(envelope.path)
    origins: set[str] = set()
    for raw in read_frame_bytes(envelope, bundle_key):
        columns = parse_frame(name, raw)
        del raw
        rows = check_frame(name, columns)
        del columns
        origins.update(row[0] for row in rows)
        if len(origins) > MAX_ORIGINS:
            raise _invalid(name, _("more sites than a coop has"))
        count += len(rows)
        yield rows
    if count != envelope.header["entries"]:
        raise _damaged(name)


def frame_values(raw: bytes) -> int:
    """At least the number of JSON values in a frame, counted without parsing it.

    Every string has two quotes and every value after the first of an array follows a
    comma, so this bounds the objects that parsing can make (quotes and commas inside
    strings count too, which only overestimates).
    """
    return raw.count(b'"') // 2 + raw.count(b",")


def parse_frame(name: str, raw: bytes) -> Any:
    """A frame's JSON, parsed only if it holds no more values than a frame may."""
    if len(raw) > MAX_FRAME_JSON or frame_values(raw) > MAX_FRAME_VALUES:
        raise BundleTooLargeError(
            _("{name} holds a part larger than CoopDesk accepts. It was not imported.").format(
                name=name
            )
        )
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested a thousand levels deep
        raise _damaged(name) from None


def read_frame_bytes(envelope: Envelope, bundle_key: str | None) -> Iterator[bytes]:
    """Each frame decrypted and decompressed (within the declared sizes), not yet parsed.

    The payload is hashed again as it is read: the file could have changed since
    ``read_envelope`` checked it (a stick swapped, a file rewritten), and the caller's
    transaction must fail rather than commit what was not checked.
    """
    name = _name(envelope.path)
    try:
        yield from _frames(envelope, bundle_key, name)
    except OSError as exc:
        raise BundleError(
            _(
                "Cannot read {name} any more ({strerror}): was the USB stick removed? "
                "Nothing was changed; try again."
            ).format(name=name, strerror=exc.strerror or exc)
        ) from None


def _frames(envelope: Envelope, bundle_key: str | None, name: str) -> Iterator[bytes]:
    header = envelope.header
    encryption = header["encryption"]
    if encryption is not None and not bundle_key:
        raise BundleDamagedError(
            _("{name} is encrypted, but this site has no coop bundle key.").format(name=name)
        )
    remaining_payload = header["payload_len"]
    budget = header["uncompressed_len"]
    digest = hashlib.sha256()
    with envelope.path.open("rb") as handle:
        handle.seek(envelope.payload_offset)
        for index in range(header["frames"]):
            prefix = handle.read(FRAME_LENGTH.size)
            if len(prefix) < FRAME_LENGTH.size:
                raise _damaged(name)
            (length,) = FRAME_LENGTH.unpack(prefix)
            remaining_payload -= FRAME_LENGTH.size + length
            if remaining_payload < 0:
                raise _damaged(name)
            if length > MAX_FRAME_BYTES:
                raise BundleTooLargeError(
                    _(
                        "{name} holds a part larger than CoopDesk accepts. It was not imported."
                    ).format(name=name)
                )
            data = handle.read(length)
            if len(data) < length:
                raise _damaged(name)
            digest.update(prefix)
            digest.update(data)
            if encryption is not None:
                try:
                    data = keys.decrypt(
                        bundle_key or "",
                        frame_nonce(str(encryption.get("nonce_prefix", "")), index),
                        data,
                        frame_associated_data(header, index),
                    )
                except (keys.DecryptionError, ValueError):
                    raise BundleDamagedError(
                        _(
                            "{name} cannot be decrypted with this coop's key. It was not imported."
                        ).format(name=name)
                    ) from None
            raw = _inflate(name, data, min(budget, MAX_FRAME_JSON))
            del data
            budget -= len(raw)
            yield raw
            del raw
        if remaining_payload != 0 or digest.hexdigest() != header["payload_sha256"]:
            raise _damaged(name)


def _damaged(name: str) -> BundleDamagedError:
    return BundleDamagedError(
        _("{name} is damaged: its contents cannot be read. Export it again.").format(name=name)
    )


def _inflate(name: str, data: bytes, cap: int) -> bytes:
    """One zlib stream, inflated to at most ``cap`` bytes: a bomb stops at the cap."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(data, cap + 1)
    except zlib.error:
        raise _damaged(name) from None
    if len(raw) > cap or inflater.unconsumed_tail:
        raise BundleTooLargeError(
            _(
                "{name} unpacks to more data than it declared or than CoopDesk accepts. "
                "It was not imported."
            ).format(name=name)
        )
    if not inflater.eof or inflater.unused_data:
        raise _damaged(name)
    return raw


def _invalid(name: str, what: str) -> BundleInvalidContentError:
    return BundleInvalidContentError(
        _(
            "{name} holds values of the wrong type or out of range ({what}). It was not imported."
        ).format(name=name, what=what)
    )


def check_frame(name: str, columns: Any) -> list[tuple[Any, ...]]:
    """The frame's columns as rows, after checking each column's type and range.

    Written column by column so that most checks run in C (``set``, ``map``, ``min``): a
    frame holds thousands of changes. The fields inside each change are checked later, in
    SQL, against the table's schema.
    """
    if not isinstance(columns, list) or len(columns) != len(ENTRY_COLUMNS):
        raise _damaged(name)
    length = len(columns[0]) if isinstance(columns[0], list) else -1
    if length <= 0 or any(not isinstance(c, list) or len(c) != length for c in columns):
        raise _damaged(name)
    if length > FRAME_ENTRIES:
        raise _invalid(name, _("more changes in one part than a bundle holds"))
    origins, seqs, idxs, hlcs, authors, tbls, row_ids, ops, cls, fields, versions, seals = columns
    ids = _distinct(name, origins, authors)
    if not all(isinstance(v, str) and UUID_RE.match(v) for v in ids):
        raise _invalid(name, _("a site or member id"))
    if set(map(type, row_ids)) != {str} or not all(map(UUID_RE.match, row_ids)):
        raise _invalid(name, _("a row id"))
    if not _distinct(name, tbls) <= set(TABLES) or not _distinct(name, ops) <= OPS:
        raise _invalid(name, _("an unknown table or kind of change"))
    for column, low, high in (
        (seqs, 1, INT64_MAX),
        (idxs, 0, 1 << 31),
        (hlcs, 0, INT64_MAX),
        (cls, 1, MAX_CL),
    ):
        if set(map(type, column)) != {int} or min(column) < low or max(column) > high:
            raise _invalid(name, _("a sequence number, clock or causal length"))
    if not all(
        seal is None or (not idx and isinstance(seal, str) and SEAL_RE.match(seal))
        for seal, idx in zip(seals, idxs, strict=True)
    ):
        raise _invalid(name, _("the seal of a transaction"))
    for column in (fields, versions):
        texts = [value for value in column if value is not None]
        if not set(map(type, texts)) <= {str} or max(map(len, texts), default=0) > (
            MAX_FIELDS_TEXT
        ):
            raise _invalid(name, _("the fields of a change"))
        if not _shallow(texts):
            raise _invalid(name, _("the fields of a change nested too deeply"))
        joined = "\n".join(texts)
        if "\x00" in joined or not _encodable(joined):
            raise _invalid(name, _("a character that cannot be stored"))
        if column is fields and SUSPICIOUS_ESCAPE_RE.search(joined):
            for table, value in zip(tbls, fields, strict=True):
                if value is not None and SUSPICIOUS_ESCAPE_RE.search(value):
                    _check_escapes(name, table, value)
    return list(zip(*columns, strict=True))


def _shallow(texts: list[str]) -> bool:
    """Whether every ``fields``/``versions`` text nests no deeper than CoopDesk writes them.

    Counted in C for all texts at once; only a text that opens many brackets (almost
    never) is looked at more closely.
    """
    limit = jsontext.MAX_NESTING
    opens = map(
        operator.add, map(str.count, texts, repeat("[")), map(str.count, texts, repeat("{"))
    )
    many = compress(texts, map(limit.__lt__, opens))
    return all(jsontext.nesting_within(text, limit) for text in many)


def _check_escapes(name: str, table: str, fields: str) -> None:
    """Escaped NULs and lone surrogates, which SQLite's JSON functions would mangle.

    Rare enough to check slowly: only changes whose text contains such an escape get here.
    """
    try:
        values = jsontext.loads(fields)
    except ValueError:
        raise _invalid(name, _("the fields of a change")) from None
    if not isinstance(values, dict):
        raise _invalid(name, _("the fields of a change"))
    spec = TABLES[table]
    for key, value in values.items():
        column = spec.column_by_name.get(key) or next(
            (old for old in spec.retired if old.name == key), None
        )
        if column is None or not stored_value_ok(column, value):
            raise _invalid(
                name, _("a {noun}'s {key}").format(noun=_(spec.noun), key=shown(key, limit=40))
            )


def _encodable(text: str) -> bool:
    """False for lone surrogates, which SQLite cannot store (faster than a regex)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _distinct(name: str, *columns: list[Any]) -> set[Any]:
    """The distinct values of some columns; a list or object among them is refused."""
    try:
        return set().union(*columns)
    except TypeError:
        raise _invalid(name, _("a value of the wrong kind")) from None


# -- writing -----------------------------------------------------------------------------------


@dataclass
class FrameWriter:
    """Turns batches of log rows into frames on a binary file, hashing as it goes."""

    out: BinaryIO
    header: dict[str, Any]
    bundle_key: str | None
    frames: int = 0
    entries: int = 0
    payload_len: int = 0
    uncompressed_len: int = 0

    def __post_init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows as one frame, or as several when one would be over a reader's limits."""
        raw = canonical_columns(rows)
        too_large = len(raw) > MAX_FRAME_JSON or frame_values(raw) > MAX_FRAME_VALUES
        if (too_large or len(rows) > FRAME_ENTRIES) and len(rows) > 1:
            del raw
            half = len(rows) // 2
            self.write(rows[:half])
            self.write(rows[half:])
            return
        data = zlib.compress(raw, COMPRESSION_LEVEL)
        encryption = self.header["encryption"]
        if encryption is not None:
            data = keys.encrypt(
                self.bundle_key or "",
                frame_nonce(encryption["nonce_prefix"], self.frames),
                data,
                frame_associated_data(self.header, self.frames),
            )
        framed = FRAME_LENGTH.pack(len(data)) + data
        self.out.write(framed)
        self.digest.update(framed)
        self.frames += 1
        self.entries += len(rows)
        self.payload_len += len(framed)
        self.uncompressed_len += len(raw)


def canonical_columns(rows: list[tuple[Any, ...]]) -> bytes:
    columns = [list(column) for column in zip(*rows, strict=True)]
    return json.dumps(columns, separators=(",", ":"), ensure_ascii=False).encode()
