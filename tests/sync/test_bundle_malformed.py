"""Malformed and hostile bundles: each refused with its own message, the store unchanged.

Truncation at every offset, byte flips, junk appended, forged headers, another coop's
bundle, a newer CoopDesk's, uncertified keys, oversize declarations, a decompression bomb,
values of the wrong type. The file is always kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest

from coopdesk.store import keys
from coopdesk.store.dump import dump_json
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store
from coopdesk.sync import bundle
from coopdesk.sync.bundle import (
    BundleDamagedError,
    BundleError,
    BundleInvalidContentError,
    BundleNewerError,
    BundleOtherCoopError,
    BundleSignatureError,
    BundleTooLargeError,
    BundleTruncatedError,
    BundleUncertifiedError,
    NotABundleError,
)
from coopdesk.sync.importing import import_bundle, preview_bundle
from coopdesk.sync.trust import certificate_chain
from tests.sync_helpers import Federation, fast_tmp_root


@pytest.fixture(scope="module")
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def small_bundle(coop: Federation) -> bytes:
    kitchen = coop["Kitchen"]
    with kitchen.transaction(coop.ana) as tx:
        tx.insert("member", {"name": "Tomás", "phone": "555 0101"})
    path = coop.export("Kitchen", "Warehouse")
    data = path.read_bytes()
    path.unlink()
    return data


def refused(store: Store, path: Path) -> BundleError:
    """Import must raise a BundleError and leave store and file exactly as they were."""
    before = dump_json(store)
    log_before = store.query("SELECT count(*) AS n FROM _change")[0]["n"]
    content = path.read_bytes()
    with pytest.raises(BundleError) as caught:
        import_bundle(store, path, backup=False)
    assert dump_json(store) == before
    assert store.query("SELECT count(*) AS n FROM _change")[0]["n"] == log_before
    assert path.read_bytes() == content
    return caught.value


def write(tmp_path: Path, data: bytes, name: str = "bad.coopsync") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def split(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    _magic, _version, header_len = bundle.PRELUDE.unpack(data[: bundle.PRELUDE.size])
    start = bundle.PRELUDE.size
    header = json.loads(data[start : start + header_len])
    payload = data[start + header_len : -bundle.SIGNATURE_SIZE]
    return header, payload, data[-bundle.SIGNATURE_SIZE :]


def assemble(header: dict[str, Any], payload: bytes, private_hex: str | None) -> bytes:
    header_bytes = bundle.canonical_json(header)
    signed = bundle.signed_part(header_bytes)
    signature = keys.sign(private_hex, signed) if private_hex else b"\x00" * 64
    return signed + payload + signature


def resigned(store: Store, header: dict[str, Any], payload: bytes) -> bytes:
    """A bundle signed with the sender's real key: only the content can be wrong."""
    header = dict(header)
    header["payload_len"] = len(payload)
    header["payload_sha256"] = hashlib.sha256(payload).hexdigest()
    return assemble(header, payload, str(store.local_get("site_private")))


def sealed(store: Store, columns: list[list[Any]]) -> list[list[Any]]:
    """The change-log ``columns`` with the seal column: each transaction of ``store``'s own
    origin sealed with its key after the seal it holds for the transaction before."""
    rows = list(zip(*columns, strict=True))
    signer = keys.Signer(str(store.local_get("site_private")))
    seals: list[Any] = []
    for position, row in enumerate(rows):
        origin, seq, idx = row[0], row[1], row[2]
        if idx != 0 or not isinstance(seq, int) or isinstance(seq, bool):
            seals.append(None)  # a malformed change: refused before any seal is looked at
            continue
        previous = store.conn.execute(
            "SELECT digest FROM _seal WHERE origin = ? AND seq = ?", (origin, seq - 1)
        ).fetchone()
        digest_before = bytes(previous[0]) if previous else keys.GENESIS_DIGEST
        whole = [r for r in rows[position:] if (r[0], r[1]) == (origin, seq)]
        digest = keys.transaction_digest(digest_before, whole)
        seals.append(signer.sign(keys.seal_message(origin, seq, digest)).hex())
    return [*columns, seals]


def crafted(store: Store, columns: list[list[Any]], **header_changes: Any) -> bytes:
    """A properly signed, unencrypted bundle whose single frame holds ``columns`` (sealed by
    ``store``'s key, so that only the content can be wrong)."""
    header = {
        "format": bundle.FORMAT_VERSION,
        "coop_id": store.coop_id,
        "coop_name": "Test Coop",
        "site_id": store.site_id,
        "site_name": "Kitchen",
        "bundle_seq": 999,
        "created_hlc": store.clock.last,
        "schema_version": SCHEMA_VERSION,
        "min_reader_schema": SCHEMA_VERSION,
        "vv": {},
        "base": {},
        "for_site": None,
        "entries": 0,
        "frames": 0,
        "payload_len": 0,
        "uncompressed_len": 0,
        "payload_sha256": "",
        "encryption": None,
        "certificates": certificate_chain(store, store.site_id),
    }
    if len(columns) == bundle.LOG_COLUMNS:
        columns = sealed(store, columns)
    out = io.BytesIO()
    writer = bundle.FrameWriter(out, header, None)
    writer.write(list(zip(*columns, strict=True)))
    header.update(
        entries=writer.entries, frames=writer.frames, uncompressed_len=writer.uncompressed_len
    )
    header.update(header_changes)
    return resigned(store, header, out.getvalue())


def change_columns(coop: Federation, fields: Any, op: str = "insert") -> list[list[Any]]:
    """One change from Kitchen that Warehouse has not seen yet (no gap before it)."""
    kitchen, ana = coop["Kitchen"], coop.ana
    seq = coop["Warehouse"].version_vector().get(kitchen.site_id, 0) + 1
    return [
        [kitchen.site_id],
        [seq],
        [0],
        [kitchen.clock.last + 1],
        [ana],
        ["member"],
        ["aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"],
        [op],
        [1],
        [fields if fields is None or isinstance(fields, str) else json.dumps(fields)],
        [None],
    ]


def test_a_good_bundle_imports(coop: Federation, small_bundle: bytes, tmp_path: Path):
    copy = coop.copy_to(tmp_path / "copy")
    result = import_bundle(copy["Warehouse"], write(tmp_path, small_bundle), backup=False)
    assert result.report.new_entries == 1
    copy.close()


def test_truncation_at_every_offset_is_refused(coop, small_bundle: bytes, tmp_path: Path):
    warehouse = coop["Warehouse"]
    for length in range(len(small_bundle)):
        error = refused(warehouse, write(tmp_path, small_bundle[:length]))
        if length < bundle.PRELUDE.size:
            assert isinstance(error, NotABundleError | BundleDamagedError), length
        else:
            assert isinstance(error, BundleTruncatedError), (length, error)
            assert "incomplete" in str(error)


def test_random_byte_flips_are_refused(coop, small_bundle: bytes, tmp_path: Path):
    warehouse = coop["Warehouse"]
    rng = random.Random(20261125)
    header_end = bundle.PRELUDE.size + split(small_bundle)[0].__len__()
    for _ in range(300):
        data = bytearray(small_bundle)
        for _flip in range(rng.choice([1, 1, 1, 2, 5])):
            position = rng.randrange(len(data))
            data[position] ^= 1 << rng.randrange(8)
        if bytes(data) == small_bundle:
            continue
        error = refused(warehouse, write(tmp_path, bytes(data)))
        assert error.reason in {
            "not-a-bundle",
            "damaged",
            "truncated",
            "signature",
            "uncertified",
            "other-coop",
            "newer",
            "too-large",
        }, error
    assert header_end > 0


def test_a_flip_in_the_payload_is_called_damage(coop, small_bundle: bytes, tmp_path: Path):
    data = bytearray(small_bundle)
    data[-bundle.SIGNATURE_SIZE - 5] ^= 0x10
    error = refused(coop["Warehouse"], write(tmp_path, bytes(data)))
    assert isinstance(error, BundleDamagedError)
    assert "checksum" in str(error)


def test_a_flip_in_the_signature_is_called_a_bad_signature(coop, small_bundle, tmp_path):
    data = bytearray(small_bundle)
    data[-3] ^= 0x01
    error = refused(coop["Warehouse"], write(tmp_path, bytes(data)))
    assert isinstance(error, BundleSignatureError)
    assert "altered" in str(error)


def test_junk_appended_is_refused(coop, small_bundle: bytes, tmp_path: Path):
    error = refused(coop["Warehouse"], write(tmp_path, small_bundle + b"\x00junk"))
    assert isinstance(error, BundleDamagedError) and "unexpected bytes" in str(error)


def test_not_a_bundle(coop, tmp_path: Path):
    error = refused(coop["Warehouse"], write(tmp_path, b"Shopping list: rice, beans, oil\n"))
    assert isinstance(error, NotABundleError)
    assert "not a CoopDesk sync bundle" in str(error)
    assert isinstance(refused(coop["Warehouse"], write(tmp_path, b"")), NotABundleError)


def test_a_forged_header_fails_the_signature(coop, small_bundle: bytes, tmp_path: Path):
    header, payload, signature = split(small_bundle)
    header["site_name"] = "Totally the Kitchen"
    header_bytes = bundle.canonical_json(header)
    forged = bundle.signed_part(header_bytes) + payload + signature
    assert isinstance(refused(coop["Warehouse"], write(tmp_path, forged)), BundleSignatureError)


def test_a_key_the_coop_never_certified_is_refused(coop, small_bundle: bytes, tmp_path: Path):
    header, payload, _signature = split(small_bundle)
    stranger = keys.new_keypair()
    fake_root = keys.new_keypair()
    header["certificates"] = [
        keys.certify(
            fake_root.private_hex,
            header["coop_id"],
            header["site_id"],
            stranger.public_hex,
            certified_by=keys.CERTIFIED_BY_ROOT,
            seq=0,
            kind="founding",
        ).as_dict()
    ]
    data = assemble(header, payload, stranger.private_hex)
    error = refused(coop["Warehouse"], write(tmp_path, data))
    assert isinstance(error, BundleUncertifiedError)
    assert "not certified" in str(error)


def test_another_coops_bundle_is_refused(small_bundle: bytes, tmp_path: Path):
    other = Federation.create(tmp_path / "other", ["Elsewhere"])
    error = refused(other["Elsewhere"], write(tmp_path, small_bundle))
    assert isinstance(error, BundleOtherCoopError)
    assert "another coop" in str(error)
    other.close()


def test_a_bundle_from_a_newer_coopdesk_is_refused(coop, small_bundle: bytes, tmp_path: Path):
    header, payload, _signature = split(small_bundle)
    header["schema_version"] = header["min_reader_schema"] = 99
    data = resigned(coop["Kitchen"], header, payload)
    error = refused(coop["Warehouse"], write(tmp_path, data))
    assert isinstance(error, BundleNewerError) and "newer CoopDesk" in str(error)
    newer_format = bytearray(small_bundle)
    newer_format[9] = 9  # format version, low byte
    error = refused(coop["Warehouse"], write(tmp_path, bytes(newer_format)))
    assert isinstance(error, BundleNewerError)


def test_oversize_declarations_are_refused_before_reading(coop, small_bundle, tmp_path):
    header, payload, _signature = split(small_bundle)
    for field, size in (("uncompressed_len", 10 << 30), ("payload_len", 5 << 30)):
        changed = dict(header, **{field: size})
        data = bundle.signed_part(bundle.canonical_json(changed)) + payload + b"\x00" * 64
        error = refused(coop["Warehouse"], write(tmp_path, data))
        assert isinstance(error, BundleTooLargeError), field
        assert "more data than CoopDesk accepts" in str(error)


def test_a_decompression_bomb_is_stopped_at_the_declared_size(coop, tmp_path: Path):
    kitchen = coop["Kitchen"]
    bomb = zlib.compress(b"[" + b" " * (50 << 20) + b"]", 9)
    payload = bundle.FRAME_LENGTH.pack(len(bomb)) + bomb
    header, _payload, _signature = split(crafted(kitchen, change_columns(coop, {"name": "x"})))
    header.update(entries=1, frames=1, uncompressed_len=1000)
    error = refused(coop["Warehouse"], write(tmp_path, resigned(kitchen, header, payload)))
    assert isinstance(error, BundleTooLargeError)


@pytest.mark.parametrize(
    "fields",
    [
        {"name": 42},
        {"name": ""},
        {"name": "x" * 500},
        {"name": "Nul\x00l"},
        {"name": "Bea", "shoe_size": 43},
        {"name": "Bea", "skills": "cooking"},
        {"name": "Bea", "skills": "[1, 2]"},
        {"name": "Bea", "home_site_id": "../../etc/passwd"},
        {"name": "Bea", "phone": ["555"]},
        "not json",
        '["a", "list"]',
        None,
    ],
)
def test_values_of_the_wrong_type_or_out_of_range_are_refused(coop, tmp_path, fields):
    kitchen = coop["Kitchen"]
    data = crafted(kitchen, change_columns(coop, fields))
    error = refused(coop["Warehouse"], write(tmp_path, data))
    assert isinstance(error, BundleInvalidContentError), error
    assert "wrong type or out of range" in str(error)


@pytest.mark.parametrize(
    "column, bad",
    [
        (0, "not-a-site-id"),
        (1, 0),
        (1, "1"),
        (3, -5),
        (5, "sqlite_master"),
        (7, "drop"),
        (8, 0),
        (6, "../x"),
        (4, None),
        (2, 2**40),
    ],
)
def test_bad_change_metadata_is_refused(coop, tmp_path, column, bad):
    kitchen = coop["Kitchen"]
    columns = change_columns(coop, {"name": "Bea"})
    columns[column] = [bad]
    error = refused(coop["Warehouse"], write(tmp_path, crafted(kitchen, columns)))
    assert isinstance(error, BundleInvalidContentError), error


def test_preview_refuses_what_import_refuses(coop, small_bundle: bytes, tmp_path: Path):
    with pytest.raises(BundleTruncatedError):
        preview_bundle(coop["Warehouse"], write(tmp_path, small_bundle[:-10]))


def test_an_unreadable_file_is_a_clear_error(coop, tmp_path: Path):
    with pytest.raises(BundleError, match="Cannot read"):
        import_bundle(coop["Warehouse"], tmp_path / "missing.coopsync", backup=False)


def test_a_file_changed_after_it_was_checked_is_still_refused(
    coop, small_bundle: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import coopdesk.sync.importing

    path = write(tmp_path, small_bundle)
    real_read_envelope = coopdesk.sync.importing.read_envelope

    def check_then_swap(file: Path, trust):
        envelope = real_read_envelope(file, trust)
        data = bytearray(file.read_bytes())
        data[-bundle.SIGNATURE_SIZE - 3] ^= 0x04  # the stick now holds other bytes
        file.write_bytes(bytes(data))
        return envelope

    monkeypatch.setattr(coopdesk.sync.importing, "read_envelope", check_then_swap)
    warehouse = coop["Warehouse"]
    before = dump_json(warehouse)
    with pytest.raises(BundleDamagedError):
        import_bundle(warehouse, path, backup=False)
    assert dump_json(warehouse) == before


def test_a_change_to_a_ledger_row_is_refused(coop, tmp_path):
    """Stock movements are only ever inserted: a bundle that edits or archives one is bad."""
    kitchen = coop["Kitchen"]
    for op, fields, versions in (
        ("update", {"delta": 100}, json.dumps({"delta": [2, [[kitchen.site_id, 1]]]})),
        ("archive", None, None),
    ):
        columns = change_columns(coop, fields, op=op)
        columns[5] = ["stock_move"]
        columns[8] = [2 if op == "archive" else 1]
        columns[10] = [versions]
        error = refused(coop["Warehouse"], write(tmp_path, crafted(kitchen, columns)))
        assert isinstance(error, BundleInvalidContentError), (op, error)
        assert "stock movement" in str(error)  # refused by the ledger rule, not later
