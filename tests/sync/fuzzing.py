"""Mutating real bundles: their bytes, their headers and their frames, re-signed.

Used by ``tests/sync/test_fuzz.py`` (a few hundred cases on every test run) and by
``tests/bench/fuzz_bundles.py`` (9,000 cases, counted by outcome). The bundles are real
ones: a demo coop's Kitchen sends a bundle to a site that joined it, relaying the changes of
a third site. The mutations:

- bytes: bit flips, truncation, bytes inserted;
- the header, unsigned (the signature no longer matches) and re-signed with the sender's
  own key (so the checks after the signature are reached);
- the frames' content, re-encoded, re-encrypted, re-sealed and re-signed with the sender's
  own keys: values of the wrong type, huge numbers, JSON nested thousands of levels deep,
  an archive that carries fields, control characters in names, changes reordered, dropped
  or repeated, and whole frames replaced (compression bombs, frames far larger than any
  CoopDesk writes, more values than a frame may hold).

``run_case`` imports (and sometimes previews) one mutated bundle and says what happened:
accepted, refused (by error class), or a traceback; and whether any message it produced
holds control characters, and whether a refusal left the store exactly as it was.

It is written against the modules ``Code`` finds, so that the script can also run it on an
older CoopDesk (``/work/wt/old``: bundle format 1, the flat package layout).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import random
import re
import shutil
import traceback
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

# Control characters, ANSI escapes, bidirectional overrides: none may reach a message.
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVIL_NAMES = (
    "Kitchen\nImported 10,000 changes from Treasury",
    "\x1b[2J\x1b[31mALL DATA LOST\x1b[0m",
    "Garden\u202eexe.txt",
    "Bell\x07\x08\x08\x08\x08Tab\tEnd",
    "\x9b31mC1 escape",
    "Line\u2028Separator\u2066iso\u2069",
)


# -- the code under test ----------------------------------------------------------------------


@dataclass
class Code:
    """The modules and functions of the CoopDesk being fuzzed (this one, or an older one)."""

    bundle: ModuleType
    keys: ModuleType
    CoopDeskError: type[Exception]
    Store: Any
    import_bundle: Callable[..., Any]
    preview_bundle: Callable[..., Any]
    export_bundle: Callable[..., Any]
    create_demo: Callable[..., Any]
    start_coop: Callable[..., Any]
    new_site_secrets: Callable[..., Any]
    join_with_secrets: Callable[..., Any]
    dump_json: Callable[[Any], str]
    recent_changes: Callable[..., Any] | None
    invite: ModuleType

    @classmethod
    def load(cls) -> Code:
        import coopdesk

        # The package layout decides, not what happens to import: an editable install of
        # another checkout could otherwise lend its modules to the old one's package.
        package = Path(coopdesk.__file__).parent
        layered = (package / "sync" / "bundle.py").exists()

        def get(*names: str) -> ModuleType:
            name = names[0] if layered or len(names) == 1 else names[1]
            return importlib.import_module(name)

        bundle = get("coopdesk.sync.bundle", "coopdesk.bundle")
        importing = get("coopdesk.sync.importing", "coopdesk.sync")
        export = get("coopdesk.sync.export", "coopdesk.sync")
        invite = get("coopdesk.sync.invite", "coopdesk.invite")
        activity = None
        with contextlib.suppress(ImportError):
            activity = get("coopdesk.coop.activity", "coopdesk.activity")
        return cls(
            bundle=bundle,
            keys=get("coopdesk.store.keys", "coopdesk.keys"),
            CoopDeskError=get("coopdesk.base.errors", "coopdesk.errors").CoopDeskError,
            Store=get("coopdesk.store.store", "coopdesk.store").Store,
            import_bundle=importing.import_bundle,
            preview_bundle=importing.preview_bundle,
            export_bundle=export.export_bundle,
            create_demo=get("coopdesk.demo").create_demo,
            start_coop=get("coopdesk.coop.coop", "coopdesk.coop").start_coop,
            new_site_secrets=invite.new_site_secrets,
            join_with_secrets=invite.join_with_secrets,
            dump_json=get("coopdesk.store.dump", "coopdesk.dump").dump_json,
            recent_changes=getattr(activity, "recent_changes", None),
            invite=invite,
        )

    @property
    def sealed(self) -> bool:
        """Format 2 and later: each change row ends with its transaction's seal."""
        return len(self.bundle.ENTRY_COLUMNS) == 12


# -- the scene: a real coop and a real bundle -------------------------------------------------


class Scene:
    """Kitchen (a demo coop) and Receiver, which joined it; Garden joined too, and Kitchen
    relays Garden's changes with its own in ``bundle`` (made for Receiver)."""

    def __init__(self, code: Code, root: Path) -> None:
        self.code = code
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        kitchen = code.create_demo(root / "kitchen")
        founder = str(kitchen.local_get("default_member_id"))
        self.founder = founder
        stores = {}
        for name in ("Receiver", "Garden"):
            snapshot = root / f"snapshot-{name}.coopsync"
            secrets = code.new_site_secrets(kitchen, founder, name, snapshot)
            stores[name], _ = code.join_with_secrets(root / name.lower(), secrets, snapshot)
            snapshot.unlink()
        receiver, garden = stores["Receiver"], stores["Garden"]
        # Receiver tells Kitchen what it has, so Kitchen's next bundle for it is a delta.
        hello = root / "hello.coopsync"
        code.export_bundle(receiver, hello, for_site=kitchen.site_id)
        code.import_bundle(kitchen, hello, author=founder, backup=False)
        hello.unlink()
        _garden_works(garden, founder)
        relay = root / "garden.coopsync"
        code.export_bundle(garden, relay, for_site=kitchen.site_id)
        code.import_bundle(kitchen, relay, author=founder, backup=False)
        relay.unlink()
        _kitchen_works(kitchen, founder)
        self.bundle_path = root / "kitchen-for-receiver.coopsync"
        code.export_bundle(kitchen, self.bundle_path, for_site=receiver.site_id)
        self.bundle = self.bundle_path.read_bytes()
        self.sender = kitchen
        self.sender_private = str(kitchen.local_get("site_private"))
        self.bundle_key = str(receiver.local_get("bundle_key"))
        self.garden = garden
        self.receiver = receiver
        receiver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.receiver_dir = root / "receiver"
        self.pristine = root / "receiver-pristine"
        shutil.copytree(self.receiver_dir, self.pristine)
        self.parsed = parse(code, self.bundle)
        self.columns = decode_frames(code, self.parsed, self.bundle_key)
        self.dirty = False

    # -- the receiver, put back after anything changed it

    def restore_receiver(self) -> None:
        self.receiver.close()
        shutil.rmtree(self.receiver_dir)
        shutil.copytree(self.pristine, self.receiver_dir)
        self.receiver = self.code.Store.open(self.receiver_dir)
        self.dirty = False

    def close(self) -> None:
        for store in (self.sender, self.garden, self.receiver):
            with contextlib.suppress(Exception):
                store.close()

    # -- digests for re-sealing the sender's own transactions

    def previous_digest(self, origin: str, seq: int) -> bytes | None:
        if seq == 1:
            return self.code.keys.GENESIS_DIGEST
        row = self.sender.conn.execute(
            "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq - 1)
        ).fetchone()
        return bytes(row[0]) if row else None


def _garden_works(garden: Any, author: str) -> None:
    with garden.transaction(author) as tx:
        tx.insert("member", {"name": "Gardener One", "phone": "555 0001"})
        tx.insert("member", {"name": "Gardener Two", "notes": "weekends"})


def _kitchen_works(kitchen: Any, author: str) -> None:
    members = [
        row[0]
        for row in kitchen.conn.execute(
            "SELECT id FROM member WHERE _cl % 2 = 1 AND id != ? ORDER BY id LIMIT 4", (author,)
        )
    ]
    items = [row[0] for row in kitchen.conn.execute("SELECT id FROM item ORDER BY id LIMIT 2")]
    with kitchen.transaction(author) as tx:
        tx.insert("member", {"name": "Tomás Ruiz", "phone": "555 0101", "skills": ["cooking"]})
        tx.update("member", members[0], {"phone": "555 0199", "notes": "moved"})
    with kitchen.transaction(author) as tx:
        tx.archive("member", members[1])
    with kitchen.transaction(author) as tx:
        tx.archive("member", members[2])
    with kitchen.transaction(author) as tx:
        tx.restore("member", members[2])
        tx.update("member", members[3], {"notes": "Has the keys"})
    if items:
        with kitchen.transaction(author) as tx:
            tx.insert(
                "stock_move",
                {
                    "item_id": items[0],
                    "site_id": kitchen.site_id,
                    "delta": 10,
                    "reason": "received",
                    "moved_at": "2026-01-05T10:00:00",
                },
            )
            tx.update("item", items[-1], {"unit": "kg"})


# -- taking a bundle apart and putting it together again --------------------------------------


@dataclass
class Parsed:
    version: int
    header: dict[str, Any]
    frames: list[bytes]  # each frame's data as stored (compressed, maybe encrypted)
    signature: bytes


def parse(code: Code, data: bytes) -> Parsed:
    bundle = code.bundle
    _magic, version, header_len = bundle.PRELUDE.unpack(data[: bundle.PRELUDE.size])
    start = bundle.PRELUDE.size
    header = json.loads(data[start : start + header_len])
    payload = data[start + header_len : -bundle.SIGNATURE_SIZE]
    frames, position = [], 0
    while position < len(payload):
        (length,) = bundle.FRAME_LENGTH.unpack(payload[position : position + 4])
        frames.append(payload[position + 4 : position + 4 + length])
        position += 4 + length
    return Parsed(version, header, frames, data[-bundle.SIGNATURE_SIZE :])


def decode_frames(code: Code, parsed: Parsed, bundle_key: str) -> list[list[list[Any]]]:
    """Each frame's columns."""
    out = []
    for index, data in enumerate(parsed.frames):
        out.append(json.loads(frame_plaintext(code, parsed.header, index, data, bundle_key)))
    return out


def frame_plaintext(
    code: Code, header: dict[str, Any], index: int, data: bytes, bundle_key: str
) -> bytes:
    if header.get("encryption"):
        data = code.keys.decrypt(
            bundle_key,
            code.bundle.frame_nonce(header["encryption"]["nonce_prefix"], index),
            data,
            code.bundle.frame_associated_data(header, index),
        )
    return zlib.decompress(data)


def frame_data(
    code: Code,
    header: dict[str, Any],
    index: int,
    raw: bytes,
    bundle_key: str,
    compressed: bytes | None = None,
) -> bytes:
    """A frame's JSON, compressed and (if the header says so) encrypted, as stored."""
    data = zlib.compress(raw, 3) if compressed is None else compressed
    if header.get("encryption"):
        data = code.keys.encrypt(
            bundle_key,
            code.bundle.frame_nonce(header["encryption"]["nonce_prefix"], index),
            data,
            code.bundle.frame_associated_data(header, index),
        )
    return data


def assemble(
    code: Code,
    header: dict[str, Any],
    frames: list[bytes],
    private_hex: str | None,
    *,
    fix_sizes: bool = True,
    uncompressed: int | None = None,
    header_bytes: bytes | None = None,
    version: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> bytes:
    """A bundle file from a header and stored frames, signed with ``private_hex`` (or with
    the original signature bytes kept when it is None: the signature then fails)."""
    bundle = code.bundle
    payload = b"".join(bundle.FRAME_LENGTH.pack(len(data)) + data for data in frames)
    if fix_sizes:
        header = dict(header)
        header["payload_len"] = len(payload)
        header["payload_sha256"] = hashlib.sha256(payload).hexdigest()
        header["frames"] = len(frames)
        if uncompressed is not None:
            header["uncompressed_len"] = uncompressed
    if overrides:  # claims the sizes above would have corrected
        header = {**header, **overrides}
    if header_bytes is None:
        header_bytes = bundle.canonical_json(header)
    prelude = bundle.PRELUDE.pack(
        bundle.MAGIC, bundle.FORMAT_VERSION if version is None else version, len(header_bytes)
    )
    signed = prelude + header_bytes
    signature = code.keys.sign(private_hex, signed) if private_hex else b"\x00" * 64
    return signed + payload + signature


def reseal(scene: Scene, columns: list[list[Any]]) -> list[list[Any]]:
    """The sender's own transactions sealed again after a change to their rows (format 2).

    Each run of rows of one (origin, seq) is a transaction; the sender's are chained from
    the digest before the first of them, as its store would have sealed them.
    """
    code = scene.code
    if not code.sealed or len(columns) != 12:
        return columns
    try:
        rows = [list(row) for row in zip(*columns, strict=True)]
    except (TypeError, ValueError):
        return columns
    own = scene.sender.site_id
    digests: dict[str, bytes | None] = {}
    position = 0
    while position < len(rows):
        key = (rows[position][0], rows[position][1])
        end = position
        while end < len(rows) and (rows[end][0], rows[end][1]) == key:
            end += 1
        origin, seq = key
        if origin == own and type(seq) is int and seq >= 1:
            previous = digests[own] if own in digests else scene.previous_digest(origin, seq)
            if previous is not None:
                try:
                    digest = code.keys.transaction_digest(
                        previous, [row[:11] for row in rows[position:end]]
                    )
                except (TypeError, ValueError, RecursionError):
                    digest = None
                digests[own] = digest
                if digest is not None and rows[position][2] == 0:
                    message = code.keys.seal_message(origin, seq, digest)
                    rows[position][11] = code.keys.sign(scene.sender_private, message).hex()
        position = end
    return [list(column) for column in zip(*rows, strict=True)] if rows else columns


def rebuild(
    scene: Scene,
    columns_by_frame: list[list[list[Any]]] | None = None,
    header_changes: dict[str, Any] | None = None,
    raw_frames: dict[int, tuple[bytes, int]] | None = None,
    count_entries: bool = True,
) -> bytes:
    """A bundle re-encoded from (mutated) columns, sealed and signed with the sender's keys."""
    code = scene.code
    header = dict(scene.parsed.header)
    header.update(header_changes or {})
    columns_by_frame = scene.columns if columns_by_frame is None else columns_by_frame
    frames: list[bytes] = []
    uncompressed = 0
    entries = 0
    for index, columns in enumerate(columns_by_frame):
        if raw_frames and index in raw_frames:  # (compressed, length inflated)
            compressed, length = raw_frames[index]
            uncompressed += length
            frames.append(frame_data(code, header, index, b"", scene.bundle_key, compressed))
            continue
        columns = reseal(scene, columns)
        raw = json.dumps(columns, separators=(",", ":"), ensure_ascii=False).encode()
        with contextlib.suppress(TypeError, IndexError):
            entries += len(columns[0])
        uncompressed += len(raw)
        frames.append(frame_data(code, header, index, raw, scene.bundle_key))
    if count_entries:
        header["entries"] = entries
    return assemble(
        code,
        header,
        frames,
        scene.sender_private,
        uncompressed=uncompressed,
        overrides=header_changes,
    )


# -- hostile values ---------------------------------------------------------------------------


def deep(depth: int, kind: str = "[") -> str:
    close = "]" if kind == "[" else "}"
    if kind == "{":
        return '{"a":' * depth + "1" + close * depth
    return kind * depth + close * depth


HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**31,
    2**62,
    2**63,
    2**64,
    10**30,
    -(2**70),
    1.5,
    1e308,
    "",
    "x",
    "not-a-uuid",
    "../../etc/passwd",
    [],
    {},
    [[[1]]],
    {"a": {"b": []}},
    *EVIL_NAMES,
]

# Raw JSON fragments (text, not values): what json.dumps would never write.
HOSTILE_FRAGMENTS = [
    deep(50),
    deep(999),
    deep(1000),
    deep(5000),
    deep(100_000),
    deep(3000, "{"),
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "1" * 5000,
    '"\\ud800"',
    '"\\u0000"',
    '"' + "\\u001b[31m" * 50 + '"',
]


def hostile_fields_texts(rng: random.Random, table: str) -> list[str]:
    """``fields`` texts a honest site never writes (as the JSON text inside the column)."""
    name = rng.choice(EVIL_NAMES)
    return [
        '{"name":' + deep(rng.choice([20, 500, 998, 999, 1000, 5000])) + "}",
        deep(rng.choice([17, 999, 1000, 20_000])),
        deep(rng.choice([999, 1200]), "{"),
        '{"name":"' + "x" * 5000 + '"}',
        '{"name":1e999}',
        '{"name":NaN}',
        '{"name":' + "9" * 400 + "}",
        '{"delta":' + "9" * 30 + "}",
        '{"name":"A\\u0000B"}',
        '{"name":"\\ud800"}',
        '{"na\\"me":"x"}',
        '{"name\\u001b[31m":"x"}',
        json.dumps({"name": name}),
        json.dumps({"name": name, "notes": name}),
        '{"name":"a","name":"b"}',
        '{"name":{"nested":[1,2]}}',
        '{"name":["list"]}',
        "not json",
        "{",
        "[]",
        "{}",
        "null",
        '"just a string"',
        json.dumps({"shoe_size": 43}),
        json.dumps({"skills": deep(600)}),
        json.dumps({"skills": "[" + ",".join(['"a"'] * 10) + "]"}),
        json.dumps({"certificate": deep(999), "public_key": "00" * 32}),
        json.dumps({"certificate": "not json", "public_key": "00" * 32}),
        json.dumps({"certificate": json.dumps([1, 2]), "public_key": "00" * 32}),
        json.dumps({"choice": deep(3900), "site_electorates": deep(9000)}),
        json.dumps({"site_electorates": "not json", "name": "x"}),
        json.dumps({"detail": name, "action": "members"}),
        json.dumps({"name": "Ok", "notes": "a" * (1 << 20)}),
    ]


def hostile_versions_texts(rng: random.Random) -> list[str]:
    origin = str(uuid.uuid4())
    return [
        deep(rng.choice([999, 1000, 10_000])),
        '{"name":' + deep(998) + "}",
        '{"name":[2,' + deep(998) + "]}",
        '{"name":[2,[]]}',
        '{"name":[1e999,[["' + origin + '",1]]]}',
        '{"name":[2,[["' + origin + '",' + "9" * 40 + "]]]}",
        '{"name":"x"}',
        '{"name":[2,[["' + origin + '",1]]],"phone":[3]}',
        '{"zzz":[2,[]]}',
        "not json",
        "[]",
    ]


# -- mutations --------------------------------------------------------------------------------

Mutation = Callable[[Scene, random.Random], bytes]


def flip_bits(scene: Scene, rng: random.Random) -> bytes:
    data = bytearray(scene.bundle)
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(scene: Scene, rng: random.Random) -> bytes:
    return scene.bundle[: rng.randrange(len(scene.bundle))]


def insert_bytes(scene: Scene, rng: random.Random) -> bytes:
    position = rng.randrange(len(scene.bundle) + 1)
    junk = rng.choice([b"\x00", b"{", b"[" * 64, rng.randbytes(rng.randint(1, 64))])
    return scene.bundle[:position] + junk + scene.bundle[position:]


def _mutated_header_text(scene: Scene, rng: random.Random) -> bytes:
    """The header's JSON with one value replaced by a hostile value or raw fragment."""
    header = json.loads(json.dumps(scene.parsed.header))
    targets: list[tuple[Any, Any]] = [(header, key) for key in header]
    for key in ("vv", "base", "encryption"):
        if isinstance(header.get(key), dict) and header[key]:
            targets += [(header[key], inner) for inner in header[key]]
    for certificate in header.get("certificates") or [header.get("certificate") or {}]:
        if isinstance(certificate, dict):
            targets += [(certificate, inner) for inner in certificate]
    container, key = rng.choice(targets)
    roll = rng.random()
    if roll < 0.1:
        del container[key]
        return scene.code.bundle.canonical_json(header)
    if roll < 0.5:
        container[key] = "\x00FUZZ\x00"
        text = scene.code.bundle.canonical_json(header).decode()
        return text.replace('"\\u0000FUZZ\\u0000"', rng.choice(HOSTILE_FRAGMENTS)).encode()
    container[key] = rng.choice(HOSTILE_VALUES)
    return scene.code.bundle.canonical_json(header)


def header_unsigned(scene: Scene, rng: random.Random) -> bytes:
    """The header changed without the sender's key: the signature no longer matches."""
    parsed = scene.parsed
    if rng.random() < 0.2:
        header_bytes = rng.choice(
            [deep(100_000).encode(), deep(5000, "{").encode(), b"[]", b"null", b"\xff\xfe"]
        )
    else:
        header_bytes = _mutated_header_text(scene, rng)
    unsigned = assemble(
        scene.code,
        parsed.header,
        parsed.frames,
        None,
        fix_sizes=False,
        header_bytes=header_bytes,
        version=parsed.version,
    )
    return unsigned[: -len(parsed.signature)] + parsed.signature


def header_resigned(scene: Scene, rng: random.Random) -> bytes:
    """A header change the sender signs itself: only what comes after the signature is left
    to refuse it. The frames are re-encrypted for the new header where they can be."""
    code = scene.code
    special = rng.random()
    header = dict(scene.parsed.header)
    receiver = scene.receiver.site_id
    if special < 0.35:
        key, value = rng.choice(
            [
                ("site_name", rng.choice(EVIL_NAMES)),
                ("coop_name", rng.choice(EVIL_NAMES)),
                ("bundle_seq", 10**12),
                ("bundle_seq", 0),
                ("vv", {**header["vv"], receiver: 10**6}),
                ("vv", {**header["vv"], str(uuid.uuid4()): 2**62}),
                ("base", {receiver: 2**62}),
                ("for_site", str(uuid.uuid4())),
                ("entries", header["entries"] + 1),
                ("entries", 2**62),
                ("frames", header["frames"] + 5),
                ("uncompressed_len", 4 << 30),
                ("uncompressed_len", 1),
                ("created_hlc", 2**63 - 1),
                ("min_reader_schema", 10**6),
                ("schema_version", -5),
                ("format", 99),
            ]
        )
        header[key] = value
        header_bytes = code.bundle.canonical_json(header)
    else:
        header_bytes = _mutated_header_text(scene, rng)
        try:
            header = json.loads(header_bytes)
        except (ValueError, RecursionError):
            header = scene.parsed.header
    frames = scene.parsed.frames
    if isinstance(header, dict) and header is not scene.parsed.header:
        with contextlib.suppress(Exception):
            frames = [
                frame_data(
                    code,
                    header,
                    index,
                    frame_plaintext(code, scene.parsed.header, index, data, scene.bundle_key),
                    scene.bundle_key,
                )
                for index, data in enumerate(scene.parsed.frames)
            ]
    return assemble(
        code, {}, frames, scene.sender_private, fix_sizes=False, header_bytes=header_bytes
    )


def _pick_row(scene: Scene, columns: list[list[Any]], rng: random.Random) -> int:
    """A row, the sender's own (which re-sealing covers) three times in four."""
    own = [i for i, origin in enumerate(columns[0]) if origin == scene.sender.site_id]
    if own and rng.random() < 0.75:
        return rng.choice(own)
    return rng.randrange(len(columns[0]))


def frame_content(scene: Scene, rng: random.Random) -> bytes:
    """One or a few changes edited inside a frame, everything re-sealed and re-signed."""
    frames = json.loads(json.dumps(scene.columns))
    index = rng.randrange(len(frames))
    columns = frames[index]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        _edit_columns(scene, columns, rng)
    return rebuild(scene, frames)


def _edit_columns(scene: Scene, columns: list[list[Any]], rng: random.Random) -> None:
    row = _pick_row(scene, columns, rng)
    kind = rng.random()
    table = columns[5][row]
    if kind < 0.25:
        columns[9][row] = rng.choice(hostile_fields_texts(rng, table))
    elif kind < 0.35:
        columns[10][row] = rng.choice(hostile_versions_texts(rng))
    elif kind < 0.45:  # an archive (or restore) that carries fields
        op = rng.choice(["archive", "restore"])
        cl = columns[8][row] if type(columns[8][row]) is int else 1
        columns[7][row] = op
        columns[8][row] = cl + 1 if (cl + 1) % 2 == (op == "restore") else cl + 2
        if columns[9][row] is None:
            columns[9][row] = json.dumps({"name": "Carried along", "phone": "1"})
        if rng.random() < 0.5:
            columns[10][row] = None
    elif kind < 0.55:  # a real name made hostile, in a valid change
        fields = _fields_of(columns[9][row])
        if fields is not None and "name" in fields:
            fields["name"] = rng.choice(EVIL_NAMES)
            columns[9][row] = json.dumps(fields, ensure_ascii=rng.random() < 0.5)
        else:
            columns[9][row] = json.dumps({"name": rng.choice(EVIL_NAMES)})
    elif kind < 0.75:  # any cell, any hostile value
        column = rng.randrange(len(columns))
        columns[column][row] = rng.choice(HOSTILE_VALUES)
    elif kind < 0.82:  # order: a change repeated, dropped or moved
        action = rng.choice(["repeat", "drop", "swap"])
        other = rng.randrange(len(columns[0]))
        for column in columns:
            if action == "repeat":
                column.insert(other, column[row])
            elif action == "drop" and len(column) > 1:
                del column[row]
            elif action == "swap":
                column[row], column[other] = column[other], column[row]
    elif kind < 0.9:  # who and where
        origin = rng.choice(
            [scene.garden.site_id, scene.receiver.site_id, str(uuid.uuid4()), scene.founder]
        )
        column = rng.choice([0, 4, 6])
        columns[column][row] = origin
    else:  # numbers that blow up
        column = rng.choice([1, 2, 3, 8])
        columns[column][row] = rng.choice([0, -1, 2**31, 2**62, 2**63 - 1, 2**63, 10**20])


def _fields_of(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def hostile_frame(width: int, choice: int, size: int) -> bytes:
    """The JSON of a frame no CoopDesk writes (``choice`` picks the kind, ``size`` its size)."""
    if choice == 0:
        return deep(size).encode()
    if choice == 1:  # a compression bomb: tiny on disk, huge once inflated
        return b"[" + b" " * size + b"]"
    if choice == 2:  # more values than a frame may hold, each a fresh object
        return b"[" + b",".join([b"[]"] * size) + b"]"
    if choice == 3:
        return b"[[" + b",".join([b'"ab"'] * size) + b"]]"
    if choice == 4:  # the right shape, flooded
        return json.dumps([[1.5] * size] * width).encode()
    # a string longer than a frame may be
    return json.dumps([["x" * size]] + [[0]] * (width - 1)).encode()


HOSTILE_FRAME_SIZES = {
    0: [999, 1000, 50_000, 2_000_000],
    1: [9 << 20, 64 << 20],
    2: [100_000, 1_000_000],
    3: [700_000, 1_500_000],
    4: [4000, 60_000],
    5: [9 << 20],
}
_compressed_frames: dict[tuple[int, int, int], tuple[bytes, int]] = {}


def _compressed_hostile_frame(width: int, choice: int, size: int) -> tuple[bytes, int]:
    key = (width, choice, size)
    if key not in _compressed_frames:  # compressing 64 MiB takes a while: once per run
        raw = hostile_frame(width, choice, size)
        _compressed_frames[key] = (zlib.compress(raw, 6), len(raw))
    return _compressed_frames[key]


def frame_replaced(scene: Scene, rng: random.Random) -> bytes:
    """A whole frame replaced by JSON no CoopDesk writes: bombs, claims, nesting, floods."""
    index = rng.randrange(len(scene.columns))
    width = len(scene.columns[0])
    choice = rng.randrange(9)
    if choice in HOSTILE_FRAME_SIZES:
        frame = _compressed_hostile_frame(width, choice, rng.choice(HOSTILE_FRAME_SIZES[choice]))
    else:
        if choice == 6:
            raw = json.dumps([[] for _ in range(width)]).encode()
        elif choice == 7:
            raw = rng.choice([b"{}", b"null", b"[1,2,3]", b"\xff\xfe\xfd", b"", b"[" * 10])
        else:  # columns of different lengths
            columns = json.loads(json.dumps(scene.columns[index]))
            columns[rng.randrange(width)].append(None)
            raw = json.dumps(columns).encode()
        frame = (zlib.compress(raw), len(raw))
    claim = {}
    if rng.random() < 0.3:
        claim["uncompressed_len"] = rng.choice([1, 4 << 30])
    data = rebuild(scene, raw_frames={index: frame}, count_entries=False)
    if claim:  # the claim, made after the sizes were filled in
        parsed = parse(scene.code, data)
        header = dict(parsed.header, **claim)
        data = assemble(scene.code, header, parsed.frames, scene.sender_private)
    return data


MUTATIONS: dict[str, tuple[Mutation, float]] = {
    "flip": (flip_bits, 0.14),
    "truncate": (truncate, 0.06),
    "insert": (insert_bytes, 0.06),
    "header-unsigned": (header_unsigned, 0.14),
    "header-resigned": (header_resigned, 0.16),
    "frame-content": (frame_content, 0.38),
    "frame-replaced": (frame_replaced, 0.06),
}


def pick_mutation(rng: random.Random) -> str:
    names = list(MUTATIONS)
    return rng.choices(names, weights=[MUTATIONS[n][1] for n in names])[0]


# -- running one case -------------------------------------------------------------------------


@dataclass
class Outcome:
    mutation: str
    kind: str  # "accepted", "refused", "traceback"
    detail: str  # the error class, or the traceback's type and place
    dirty_messages: list[str] = field(default_factory=list)
    store_changed: bool = False
    text: str = ""


def fingerprint(store: Any) -> tuple[Any, ...]:
    """What a refused import must leave as it was: the log, the vector, what was seen."""
    parts: list[Any] = []
    for sql in (
        "SELECT count(*), coalesce(max(lsn), 0) FROM _change",
        "SELECT site_id, seq FROM _vv ORDER BY site_id",
        "SELECT count(*) FROM _bundle_seen",
        "SELECT site_id, bundle_seq, vv FROM _peer ORDER BY site_id",
        "SELECT count(*) FROM _rival",
        "SELECT count(*), coalesce(sum(_cl), 0) FROM member",
        "SELECT count(*), coalesce(sum(_cl), 0) FROM site",
        "SELECT key, value FROM _local WHERE key != 'hlc' ORDER BY key",
    ):
        try:
            parts.append(store.conn.execute(sql).fetchall())
        except Exception as exc:  # an older store without that table
            parts.append(type(exc).__name__)
    return tuple(parts)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if "/coopdesk/" in f.filename] or frames
    last = inside[-1] if inside else None
    place = f"{Path(last.filename).name}:{last.lineno}" if last else "?"
    return f"{type(exc).__name__} at {place}"


def run_case(
    scene: Scene,
    mutation: str,
    data: bytes,
    *,
    preview: bool = False,
    full_dump: bool = False,
    views: bool = True,
) -> Outcome:
    """Import (and optionally first preview) one mutated bundle into the receiver."""
    code = scene.code
    store = scene.receiver
    path = scene.root / "case.coopsync"
    path.write_bytes(data)
    before = fingerprint(store)
    dump_before = code.dump_json(store) if full_dump else None
    messages: list[str] = []
    outcome: Outcome
    try:
        if preview:
            shown = code.preview_bundle(store, path)
            messages += [str(shown.site_name), shown.summary()]
        result = code.import_bundle(store, path, author=scene.founder, backup=False)
        scene.dirty = True
        messages.append(result.summary())
        report = getattr(result, "report", None)
        for attribute in ("refused_origins", "held", "clock_warnings"):
            messages += [str(text) for text in getattr(report, attribute, {}).values()]
        if getattr(report, "identity_notice", None):
            messages.append(report.identity_notice)
        if views and code.recent_changes is not None:
            for item in code.recent_changes(store, limit=200):
                messages.append(item.sentence())
        outcome = Outcome(mutation, "accepted", "")
    except code.CoopDeskError as exc:
        messages.append(str(exc))
        outcome = Outcome(mutation, "refused", type(exc).__name__, text=str(exc))
        changed = fingerprint(store) != before
        if full_dump and not changed:
            changed = code.dump_json(store) != dump_before
        outcome.store_changed = changed
        if changed:
            scene.dirty = True
    except Exception as exc:
        outcome = Outcome(mutation, "traceback", _where(exc), text="".join(traceback.format_exc()))
        scene.dirty = True
    outcome.dirty_messages = [text for text in messages if CONTROL_RE.search(text)]
    if scene.dirty:
        scene.restore_receiver()
    return outcome


# -- invitations ------------------------------------------------------------------------------


@contextlib.contextmanager
def fast_passphrases(code: Code):
    """scrypt is slow on purpose; the fuzz tests the reading, not the key derivation."""
    keys = code.keys
    real = keys.passphrase_key
    keys.passphrase_key = lambda passphrase, salt: hashlib.sha256(
        salt + keys.normalize_passphrase(passphrase).encode()
    ).digest()
    try:
        yield
    finally:
        keys.passphrase_key = real


class InvitationScene:
    """One real invitation made at the scene's Kitchen, and its plaintext, for re-sealing."""

    def __init__(self, scene: Scene) -> None:
        code = scene.code
        self.scene = scene
        self.code = code
        path = scene.root / "Fuzzed.coopinvite"
        invitation = code.invite.make_invitation(scene.sender, scene.founder, "Fuzzed", path)
        self.passphrase = invitation.passphrase
        self.data = path.read_bytes()
        invite = code.invite
        sealed = self.data[invite.PRELUDE.size :]
        plaintext = code.keys.open_with_passphrase(self.passphrase, sealed, invite.MAGIC)
        (length,) = invite.LENGTH.unpack(plaintext[: invite.LENGTH.size])
        self.secrets = json.loads(plaintext[invite.LENGTH.size : invite.LENGTH.size + length])
        self.snapshot = plaintext[invite.LENGTH.size + length :]

    def sealed(self, plaintext: bytes) -> bytes:
        invite = self.code.invite
        sealed = self.code.keys.seal_with_passphrase(self.passphrase, plaintext, invite.MAGIC)
        return invite.PRELUDE.pack(invite.MAGIC, invite.FORMAT_VERSION) + sealed

    def plaintext(self, secrets_bytes: bytes, snapshot: bytes, length: int | None = None) -> bytes:
        size = len(secrets_bytes) if length is None else length
        return self.code.invite.LENGTH.pack(size) + secrets_bytes + snapshot

    def mutate(self, rng: random.Random) -> bytes:
        roll = rng.random()
        if roll < 0.15:  # bytes changed without the passphrase
            data = bytearray(self.data)
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            return bytes(data)
        if roll < 0.25:
            return self.data[: rng.randrange(len(self.data))]
        if roll < 0.35:  # whatever the passphrase seals: too short, a wrong length prefix
            return self.sealed(
                rng.choice([b"", b"\x00", b"\x00\x00\x00\xff{}", b"\xff\xff\xff\xff{}"])
            )
        snapshot = self.snapshot
        if roll < 0.5:  # the snapshot inside, damaged
            data = bytearray(snapshot)
            for _ in range(rng.choice([1, 3])):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            snapshot = bytes(data[: rng.choice([len(data), len(data) // 2])])
        secrets = json.loads(json.dumps(self.secrets))
        if roll >= 0.5:
            key = rng.choice([*secrets, "site_certificate.kind", "site_certificate.seq"])
            if rng.random() < 0.3:
                text = json.dumps(secrets).replace(
                    json.dumps(key) + ": " + json.dumps(secrets.get(key)),
                    json.dumps(key) + ": " + rng.choice(HOSTILE_FRAGMENTS),
                )
                return self.sealed(self.plaintext(text.encode(), snapshot))
            value = rng.choice([*HOSTILE_VALUES, float("nan"), "2000-01-01"])
            if "." in key:
                outer, inner = key.split(".")
                secrets[outer][inner] = value
            elif rng.random() < 0.15:
                del secrets[key]
            else:
                secrets[key] = value
        body = json.dumps(secrets).encode()
        return self.sealed(self.plaintext(body, snapshot))

    def run(self, data: bytes, number: int) -> Outcome:
        """Join with one mutated invitation, as a new computer would."""
        path = self.scene.root / "case.coopinvite"
        path.write_bytes(data)
        target = self.scene.root / f"joined-{number}"
        try:
            store, result = self.code.invite.join_coop(target, path, self.passphrase)
            messages = [result.summary()]
            store.close()
            outcome = Outcome("invitation", "accepted", "")
        except self.code.CoopDeskError as exc:
            messages = [str(exc)]
            outcome = Outcome("invitation", "refused", type(exc).__name__, text=str(exc))
            left = [p for p in target.glob("*") if p.is_file()] if target.exists() else []
            outcome.store_changed = bool(left)
        except Exception as exc:
            messages = []
            outcome = Outcome(
                "invitation", "traceback", _where(exc), text="".join(traceback.format_exc())
            )
        shutil.rmtree(target, ignore_errors=True)
        outcome.dirty_messages = [text for text in messages if CONTROL_RE.search(text)]
        return outcome
