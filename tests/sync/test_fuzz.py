"""No bundle and no invitation file can make reading it crash, lie, or swamp memory.

Real bundles of a demo coop are mutated (tests/sync/fuzzing.py): bytes flipped, cut and
inserted; headers changed, unsigned and re-signed with the sender's own key; frame contents
changed and re-sealed and re-signed (wrong types, huge numbers, JSON nested thousands of
levels deep, an archive carrying fields, control characters in names); whole frames
replaced by bombs and floods. Whatever comes in, reading it ends in success or in a
CoopDesk error with a clean message, and a refusal leaves the store exactly as it was.
``tests/bench/fuzz_bundles.py`` runs 9,000 of the same cases and counts them.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import tracemalloc
import zlib
from pathlib import Path

import pytest

from coopdesk.base.text import showable
from coopdesk.store.dump import dump_json
from coopdesk.sync import bundle
from coopdesk.sync.bundle import BundleDamagedError, BundleError, BundleTooLargeError
from coopdesk.sync.importing import import_bundle, preview_bundle
from tests.sync import fuzzing
from tests.sync_helpers import fast_tmp_root

CASES = 300
INVITATIONS = 40
# What one import may allocate in Python while refusing a hostile bundle: a frame of at most
# 8 MiB, inflated once and parsed once, is the most it ever holds.
TRACED_LIMIT_MB = 60


@pytest.fixture(scope="module")
def scene():
    root = fast_tmp_root()
    made = fuzzing.Scene(fuzzing.Code.load(), root / "scene")
    yield made
    made.close()
    shutil.rmtree(root, ignore_errors=True)


def test_the_honest_bundle_imports(scene: fuzzing.Scene):
    outcome = fuzzing.run_case(scene, "none", scene.bundle, preview=True, full_dump=True)
    assert outcome.kind == "accepted", outcome.text
    assert outcome.dirty_messages == []


def test_resealing_reaches_the_content_checks(scene: fuzzing.Scene):
    """The fuzz's re-signed bundles are real: unchanged, they import; a bad value in the
    sender's own change is refused for its content, not for a broken seal or signature."""
    assert fuzzing.run_case(scene, "none", fuzzing.rebuild(scene)).kind == "accepted"
    frames = json.loads(json.dumps(scene.columns))
    own = frames[0][0].index(scene.sender.site_id)
    frames[0][9][own] = json.dumps({"name": 42})
    outcome = fuzzing.run_case(scene, "content", fuzzing.rebuild(scene, frames))
    assert (outcome.kind, outcome.detail) == ("refused", "BundleInvalidContentError"), outcome


def test_mutated_bundles_end_in_success_or_a_clean_refusal(scene: fuzzing.Scene):
    failures = []
    kinds: set[str] = set()
    for number in range(CASES):
        rng = random.Random(20_261_125 + number)
        mutation = fuzzing.pick_mutation(rng)
        data = fuzzing.MUTATIONS[mutation][0](scene, rng)
        outcome = fuzzing.run_case(
            scene, mutation, data, preview=number % 7 == 0, full_dump=number % 5 == 0
        )
        kinds.add(outcome.kind)
        if outcome.kind == "traceback":
            failures.append(f"case {number} ({mutation}): {outcome.detail}\n{outcome.text}")
        if outcome.dirty_messages:
            failures.append(f"case {number} ({mutation}): {outcome.dirty_messages[0]!r}")
        if outcome.store_changed:
            failures.append(f"case {number} ({mutation}): refused but changed the store")
    assert not failures, "\n\n".join(failures[:5])
    assert kinds == {"accepted", "refused"}  # the mutations reach both ends


def test_mutated_invitations_end_in_a_join_or_a_clean_refusal(scene: fuzzing.Scene):
    failures = []
    with fuzzing.fast_passphrases(scene.code):
        invitations = fuzzing.InvitationScene(scene)
        assert invitations.run(invitations.data, -1).kind == "accepted"
        for number in range(INVITATIONS):
            rng = random.Random(7_000_003 + number)
            outcome = invitations.run(invitations.mutate(rng), number)
            if outcome.kind == "traceback" or outcome.dirty_messages or outcome.store_changed:
                failures.append(f"case {number}: {outcome.detail} {outcome.dirty_messages}")
                failures.append(outcome.text)
    assert not failures, "\n".join(failures[:4])


# -- memory: bombs and floods are stopped before they are built -------------------------------


def refused_within_memory(scene: fuzzing.Scene, data: bytes) -> tuple[BundleError, float]:
    """Import ``data``: the refusal, and the most Python allocated on the way (MiB)."""
    path = scene.root / "hostile.coopsync"
    path.write_bytes(data)
    before = dump_json(scene.receiver)
    tracemalloc.start()
    try:
        with pytest.raises(BundleError) as caught:
            import_bundle(scene.receiver, path, author=scene.founder, backup=False)
        peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
    finally:
        tracemalloc.stop()
    assert dump_json(scene.receiver) == before
    assert showable(str(caught.value))
    return caught.value, peak


def test_a_compression_bomb_is_stopped_at_the_frame_limit(scene: fuzzing.Scene):
    packer = zlib.compressobj(9)
    bomb = packer.compress(b"[") + packer.compress(b" " * (256 << 20)) + packer.flush()
    data = fuzzing.rebuild(scene, raw_frames={0: (bomb, 256 << 20)}, count_entries=False)
    error, peak = refused_within_memory(scene, data)
    assert isinstance(error, BundleTooLargeError)
    assert peak < TRACED_LIMIT_MB


def test_a_flood_of_values_is_refused_before_it_is_parsed(scene: fuzzing.Scene):
    """12 MiB of ``[],`` inflate within the size rules but would be 4 million objects."""
    flood = b"[" + b"[]," * (4 << 20) + b"[]]"
    data = fuzzing.rebuild(
        scene, raw_frames={0: (zlib.compress(flood, 9), len(flood))}, count_entries=False
    )
    error, peak = refused_within_memory(scene, data)
    assert isinstance(error, BundleTooLargeError)
    assert peak < TRACED_LIMIT_MB


def test_a_frame_just_within_the_value_limit_is_parsed_and_refused(scene: fuzzing.Scene):
    strings = b"[[" + b",".join([b'"ab"'] * (bundle.MAX_FRAME_VALUES // 2 - 10)) + b"]]"
    data = fuzzing.rebuild(
        scene, raw_frames={0: (zlib.compress(strings), len(strings))}, count_entries=False
    )
    error, peak = refused_within_memory(scene, data)
    assert isinstance(error, BundleDamagedError)  # parsed: it is not twelve columns
    assert peak < TRACED_LIMIT_MB


def test_huge_claims_and_deep_nesting_are_refused(scene: fuzzing.Scene):
    code = scene.code
    claims = fuzzing.rebuild(scene, header_changes={"entries": 1 << 62, "frames": 1 << 40})
    error, _peak = refused_within_memory(scene, claims)
    assert isinstance(error, BundleDamagedError)
    nested = b"[" * ((1 << 20) - 16)
    header = code.bundle.PRELUDE.pack(bundle.MAGIC, bundle.FORMAT_VERSION, len(nested))
    error, peak = refused_within_memory(scene, header + nested + bytes(64))
    assert isinstance(error, BundleDamagedError) and "header is unreadable" in str(error)
    assert peak < TRACED_LIMIT_MB
    deep_frame = fuzzing.deep(200_000).encode()
    data = fuzzing.rebuild(
        scene, raw_frames={0: (zlib.compress(deep_frame), len(deep_frame))}, count_entries=False
    )
    error, peak = refused_within_memory(scene, data)
    assert isinstance(error, BundleDamagedError)
    assert peak < TRACED_LIMIT_MB


@pytest.mark.parametrize(
    "fields",
    [
        '{"name":' + fuzzing.deep(5000) + "}",
        '{"name":' + fuzzing.deep(999) + "}",  # SQLite would still read this one
        '{"name":"x","notes":' + fuzzing.deep(20, "{") + "}",
    ],
)
def test_fields_nested_deeper_than_coopdesk_writes_are_refused(scene, fields):
    frames = json.loads(json.dumps(scene.columns))
    own = frames[0][0].index(scene.sender.site_id)
    frames[0][9][own] = fields
    outcome = fuzzing.run_case(scene, "deep", fuzzing.rebuild(scene, frames))
    assert (outcome.kind, outcome.detail) == ("refused", "BundleInvalidContentError"), outcome
    assert "nested too deeply" in outcome.text


def test_an_archive_carrying_fields_without_versions_is_refused(scene: fuzzing.Scene):
    frames = json.loads(json.dumps(scene.columns))
    columns = frames[0]
    row = next(
        i
        for i, (origin, op) in enumerate(zip(columns[0], columns[7], strict=True))
        if origin == scene.sender.site_id and op == "archive"
    )
    columns[9][row] = json.dumps({"name": "Carried along"})
    columns[10][row] = None
    outcome = fuzzing.run_case(scene, "archive", fuzzing.rebuild(scene, frames))
    assert (outcome.kind, outcome.detail) == ("refused", "BundleInvalidContentError"), outcome


# -- text from a bundle -----------------------------------------------------------------------


def test_an_unverified_header_says_nothing_in_the_refusal(scene: fuzzing.Scene):
    """Before the signature is checked, the file's name stands for the bundle."""
    header = dict(scene.parsed.header, site_name="Treasury", coop_name="Treasury Coop")
    forged = fuzzing.assemble(scene.code, header, scene.parsed.frames, None)
    outcome = fuzzing.run_case(scene, "unsigned", forged)
    assert outcome.detail == "BundleSignatureError"
    assert "Treasury" not in outcome.text and "case.coopsync" in outcome.text


def test_a_hostile_site_name_is_shown_cleaned_once_verified(scene: fuzzing.Scene):
    evil = "Kitchen\n\x1b[31mImported 10,000 changes\x1b[0m\u202e"
    data = fuzzing.rebuild(scene, header_changes={"site_name": evil})
    path = scene.root / "named.coopsync"
    path.write_bytes(data)
    preview = preview_bundle(scene.receiver, path)
    assert preview.site_name == "Kitchen Imported 10,000 changes"
    result = import_bundle(scene.receiver, path, author=scene.founder, backup=False)
    assert showable(result.summary()) and "Kitchen Imported" in result.summary()
    scene.restore_receiver()


def test_hostile_names_in_changes_are_shown_cleaned_in_the_activity(scene: fuzzing.Scene):
    from coopdesk.coop.activity import recent_changes

    frames = json.loads(json.dumps(scene.columns))
    columns = frames[0]
    row = next(
        i
        for i, (origin, table, op) in enumerate(
            zip(columns[0], columns[5], columns[7], strict=True)
        )
        if origin == scene.sender.site_id and table == "member" and op == "insert"
    )
    fields = json.loads(columns[9][row])
    fields["name"] = "Tomás\n\x1b[2Jsite Treasury · just now"
    columns[9][row] = json.dumps(fields)
    path = scene.root / "names.coopsync"
    path.write_bytes(fuzzing.rebuild(scene, frames))
    import_bundle(scene.receiver, path, author=scene.founder, backup=False)
    sentences = [item.sentence() for item in recent_changes(scene.receiver, 50)]
    assert any("Tomás site Treasury · just now" in sentence for sentence in sentences)
    assert all(showable(sentence) for sentence in sentences)
    scene.restore_receiver()


# -- the writer keeps honest bundles within the reader's limits -------------------------------


def test_the_writer_splits_frames_by_size_as_well_as_by_count():
    row = (
        "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
        1,
        0,
        1,
        "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
        "member",
        "cccccccc-cccc-4ccc-8ccc-cccccccccccc",
        "insert",
        1,
        json.dumps({"notes": "x" * 1900, "name": '"quoted", and, commas,' * 60}),
        None,
        None,
    )
    rows = [row] * bundle.FRAME_ENTRIES  # 4,000 changes of about 3 kB each: 12 MB of JSON
    out = io.BytesIO()
    writer = bundle.FrameWriter(out, {"encryption": None}, None)
    writer.write(rows)
    assert writer.frames > 1 and writer.entries == len(rows)
    data, position, seen = out.getvalue(), 0, 0
    while position < len(data):
        (length,) = bundle.FRAME_LENGTH.unpack(data[position : position + 4])
        raw = zlib.decompress(data[position + 4 : position + 4 + length])
        assert len(raw) <= bundle.MAX_FRAME_JSON
        assert bundle.frame_values(raw) <= bundle.MAX_FRAME_VALUES
        seen += len(json.loads(raw)[0])
        position += 4 + length
    assert seen == len(rows)


def test_every_cap_is_documented(tmp_path: Path):
    text = (Path(__file__).parents[2] / "docs" / "bundle-format.md").read_text()
    for figure in ("8 MiB", "600,000", "4,000", "10,000", "16 levels"):
        assert figure in text, figure
