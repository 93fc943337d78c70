"""The sync folder: names, temp and conflict files, refusals, tidying, mixed coops; the loop."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from coopdesk.coop import add_member
from coopdesk.sync import folder as sync_folder
from coopdesk.sync.folder import (
    FolderLoop,
    QuietPeriod,
    SyncFolderError,
    bundle_file_name,
    conflict_original,
    export_to_folder,
    folder_status,
    import_new,
    is_never_read,
    parse_bundle_name,
    set_sync_folder,
    tidy,
    turn_off,
)
from tests.sync_helpers import Federation, fast_tmp_root

LATER = 10.0  # seconds after a file was written: it has settled


def member_names(store) -> set[str]:
    return {row["name"] for row in store.query("SELECT name FROM member")}


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root, ["Kitchen", "Warehouse", "Pantry"])
    shared = root / "Shared"
    shared.mkdir()
    for name in ("Kitchen", "Warehouse"):
        set_sync_folder(federation[name], shared)
    yield federation, shared
    federation.close()


def later() -> float:
    return time.time() + LATER


# -- names -------------------------------------------------------------------------------------


def test_bundle_names_carry_the_site_and_its_number_and_parse_back(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    name = bundle_file_name(kitchen, 12)
    assert name.startswith("Kitchen_") and name.endswith("_000012.coopsync")
    assert parse_bundle_name(name) == (kitchen.site_id, 12)
    assert parse_bundle_name("Kitchen-2026-11-25-1432.coopsync") is None
    assert bundle_file_name(federation["Warehouse"], 12) != name


def test_temporary_hidden_and_partial_files_are_never_read():
    for name in (
        ".syncthing.Kitchen_x_000001.coopsync.tmp",
        "~syncthing~Kitchen_x_000001.coopsync.tmp",
        ".coopdesk-abc.partial",
        "Kitchen.coopsync.partial",
        ".stfolder",
        "notes.txt",
    ):
        assert is_never_read(name), name
    assert not is_never_read("Kitchen_0c8d0a4e-0d9a-4a3b-9d55-3f0e8f0b1c2d_000001.coopsync")


def test_conflict_copies_name_their_original():
    copy = "Kitchen_id_000003.sync-conflict-20261202-010203-ABCDEF7.coopsync"
    assert conflict_original(copy) == "Kitchen_id_000003.coopsync"
    assert conflict_original("Kitchen_id_000003.coopsync") is None


# -- refusals ----------------------------------------------------------------------------------


def test_a_folder_inside_the_data_folder_is_refused(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    inside = kitchen.path.parent / "bundles"
    inside.mkdir()
    with pytest.raises(SyncFolderError, match="inside this site's data folder"):
        set_sync_folder(kitchen, inside)
    with pytest.raises(SyncFolderError, match="inside this site's data folder"):
        set_sync_folder(kitchen, kitchen.path.parent)


def test_a_folder_holding_the_data_folder_is_refused(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    with pytest.raises(SyncFolderError, match="would copy the live store"):
        set_sync_folder(kitchen, kitchen.path.parent.parent)


def test_a_data_folder_inside_a_syncthing_folder_is_refused(coop):
    federation, shared = coop
    kitchen = federation["Kitchen"]
    marker = kitchen.path.parent.parent / ".stfolder"
    marker.mkdir()
    try:
        with pytest.raises(SyncFolderError, match="inside the Syncthing folder"):
            set_sync_folder(kitchen, shared)
        with pytest.raises(SyncFolderError, match="inside the Syncthing folder"):
            import_new(kitchen)
    finally:
        marker.rmdir()


def test_a_missing_folder_is_refused_and_off_forgets_it(coop, tmp_path):
    federation, shared = coop
    kitchen = federation["Kitchen"]
    with pytest.raises(SyncFolderError, match="does not exist"):
        set_sync_folder(kitchen, tmp_path / "nowhere")
    assert sync_folder.sync_folder(kitchen) == shared.resolve()
    assert turn_off(kitchen) == shared.resolve()
    assert sync_folder.sync_folder(kitchen) is None
    with pytest.raises(SyncFolderError, match="no sync folder"):
        export_to_folder(kitchen)


# -- through the folder ------------------------------------------------------------------------


def test_a_change_travels_through_the_folder_and_is_acknowledged_and_tidied(coop):
    federation, shared = coop
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    add_member(kitchen, federation.ana, name="Tomás Ruiz")
    first = export_to_folder(kitchen)
    assert first is not None and first.path.parent == shared.resolve()
    assert parse_bundle_name(first.path.name) == (kitchen.site_id, first.bundle_seq)
    assert [p.name for p in shared.iterdir()] == [first.path.name]  # no temporary left
    assert export_to_folder(kitchen) is None  # nothing new to say: no second bundle

    got = import_new(warehouse, now=later())
    assert [r.site_id for r in got.imported] == [kitchen.site_id]
    assert got.imported[0].backup is not None  # the stick's rule: the day's backup
    assert "Tomás Ruiz" in member_names(warehouse)
    assert not import_new(warehouse, now=later()).imported  # remembered: not again

    # Warehouse's vector moved: it tells the folder, and Kitchen learns it has everything.
    answer = export_to_folder(warehouse)
    assert answer is not None
    import_new(kitchen, now=later())
    add_member(kitchen, federation.ana, name="Second")
    second = export_to_folder(kitchen)
    assert second is not None
    assert tidy(kitchen, now=time.time() + 10) == []  # within the grace period
    removed = tidy(kitchen, now=time.time() + sync_folder.GRACE_SECONDS + 10)
    assert removed == [first.path.name]  # the newest stays, and Warehouse's file too
    assert sorted(p.name for p in shared.iterdir()) == sorted([second.path.name, answer.path.name])


def test_a_bundle_not_yet_acknowledged_is_kept(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    add_member(kitchen, federation.ana, name="One")
    first = export_to_folder(kitchen)
    add_member(kitchen, federation.ana, name="Two")
    export_to_folder(kitchen)
    assert tidy(kitchen, now=time.time() + 10 * sync_folder.GRACE_SECONDS) == []
    assert first.path.exists()


def test_temporary_files_in_the_folder_are_left_alone(coop):
    federation, shared = coop
    warehouse = federation["Warehouse"]
    kitchen_id = federation["Kitchen"].site_id
    for name in (
        f".syncthing.Kitchen_{kitchen_id}_000009.coopsync.tmp",
        f"~syncthing~Kitchen_{kitchen_id}_000009.coopsync.tmp",
        f"Kitchen_{kitchen_id}_000009.coopsync.partial",
    ):
        (shared / name).write_bytes(b"COOPSYNC half a bundle")
    result = import_new(warehouse, now=later())
    assert not result.imported and not result.refused and not result.waiting
    assert len(list(shared.iterdir())) == 3


def test_a_file_still_changing_waits(coop):
    federation, _shared = coop
    add_member(federation["Kitchen"], federation.ana, name="Fresh")
    export_to_folder(federation["Kitchen"])
    result = import_new(federation["Warehouse"], now=time.time())
    assert list(result.waiting.values()) == ["still arriving"]
    assert import_new(federation["Warehouse"], now=later()).imported


def conflict_copy_of(path):
    return path.with_name(
        path.name.replace(".coopsync", ".sync-conflict-20261202-010203-ABCDEF7.coopsync")
    )


def test_an_identical_conflict_copy_is_a_duplicate_and_removed(coop):
    federation, _shared = coop
    add_member(federation["Kitchen"], federation.ana, name="Copied")
    made = export_to_folder(federation["Kitchen"])
    copy = conflict_copy_of(made.path)
    copy.write_bytes(made.path.read_bytes())
    result = import_new(federation["Warehouse"], now=later())
    assert result.duplicates_removed == [copy.name]
    assert not copy.exists()
    assert len(result.imported) == 1
    assert any("duplicate" in line for line in result.lines())


def test_a_different_conflict_copy_is_a_fault_and_not_imported(coop):
    federation, _shared = coop
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    add_member(kitchen, federation.ana, name="Original")
    made = export_to_folder(kitchen)
    add_member(kitchen, federation.ana, name="Only in the copy")
    other = export_to_folder(kitchen)
    copy = conflict_copy_of(made.path)
    os.replace(other.path, copy)
    result = import_new(warehouse, now=later())
    assert list(result.refused) == [copy.name]
    assert "different contents" in result.refused[copy.name]
    assert copy.exists()
    assert "Original" in member_names(warehouse)
    assert "Only in the copy" not in member_names(warehouse)
    assert copy.name in folder_status(warehouse).refused
    again = import_new(warehouse, now=later())
    assert not again.refused  # said once, not at every look


def test_a_renamed_bundle_is_refused(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    add_member(kitchen, federation.ana, name="Renamed")
    made = export_to_folder(kitchen)
    wrong = made.path.with_name(bundle_file_name(kitchen, made.bundle_seq + 5))
    os.replace(made.path, wrong)
    result = import_new(federation["Warehouse"], now=later())
    assert "renamed" in result.refused[wrong.name]
    assert "Renamed" not in member_names(federation["Warehouse"])


def test_a_damaged_bundle_is_refused_with_the_reason(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    add_member(kitchen, federation.ana, name="Damaged")
    made = export_to_folder(kitchen)
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    made.path.write_bytes(bytes(data))
    result = import_new(federation["Warehouse"], now=later())
    assert made.path.name in result.refused
    assert "Damaged" not in member_names(federation["Warehouse"])
    assert made.path.name in folder_status(federation["Warehouse"]).refused


def test_a_bundle_that_continues_from_missing_changes_waits_then_imports(coop):
    federation, _shared = coop
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    add_member(kitchen, federation.ana, name="First")
    first = export_to_folder(kitchen)
    held_back = first.path.with_name(".later-" + first.path.name)
    os.replace(first.path, held_back)  # not arrived yet
    # As if Warehouse had said it has "First" (a restored backup says so, then lacks it).
    state = sync_folder.load_state(kitchen)
    state["folder_sites"] = [warehouse.site_id]
    sync_folder.save_state(kitchen, state)
    kitchen.conn.execute(
        "UPDATE _peer SET vv = ? WHERE site_id = ?",
        (json.dumps(kitchen.version_vector()), warehouse.site_id),
    )
    add_member(kitchen, federation.ana, name="Second")
    second = export_to_folder(kitchen)
    result = import_new(warehouse, now=later())
    assert second.path.name in result.waiting
    assert "Second" not in member_names(warehouse)
    again = import_new(warehouse, now=later())
    assert not again.imported and second.path.name in again.waiting
    os.replace(held_back, first.path)
    result = import_new(warehouse, now=later())
    assert {r.path.name for r in result.imported} == {first.path.name, second.path.name}
    assert {"First", "Second"} <= member_names(warehouse)
    assert not folder_status(warehouse).waiting


def test_mixed_coop_a_stick_site_reaches_the_folder_through_a_relay(coop):
    federation, _shared = coop
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    pantry = federation["Pantry"]
    add_member(pantry, federation.ana, name="From the pantry")
    federation.deliver(federation.export("Pantry", "Warehouse"), "Warehouse")  # by stick
    assert export_to_folder(warehouse) is not None
    import_new(kitchen, now=later())
    assert "From the pantry" in member_names(kitchen)
    # ...and back: Kitchen's change reaches Pantry on Warehouse's stick.
    add_member(kitchen, federation.ana, name="From the kitchen")
    export_to_folder(kitchen)
    import_new(warehouse, now=later())
    federation.deliver(federation.export("Warehouse", "Pantry"), "Pantry")
    assert "From the kitchen" in member_names(pantry)


def test_status_says_what_came_in_and_went_out(coop):
    federation, shared = coop
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    add_member(kitchen, federation.ana, name="Seen")
    made = export_to_folder(kitchen)
    assert made.path.name in folder_status(warehouse).waiting
    import_new(warehouse, now=later())
    answer = export_to_folder(warehouse)
    status = folder_status(warehouse)
    assert status.folder == shared.resolve() and status.problem is None
    assert [(s.name, s.last_in) for s in status.sites] == [("Kitchen", made.path.name)]
    assert status.last_out == answer.path.name
    assert not status.waiting and not status.refused
    assert status.bytes_in_folder == made.size + answer.size
    assert status.as_json()["sites"][0]["last_bundle_in"] == made.path.name


# -- the loop ----------------------------------------------------------------------------------


def test_quiet_period_fires_once_after_a_burst():
    quiet = QuietPeriod(3)
    assert not quiet.due(0)
    quiet.poke(0)
    quiet.poke(2)
    assert not quiet.due(4)
    assert quiet.due(5)
    assert not quiet.due(9)


def test_two_loops_carry_a_burst_of_changes_as_one_bundle_with_nobody_doing_anything(coop):
    """Nobody imports or exports: two loops over a plain shared folder do it all."""
    federation, shared = coop
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    loops = {"Kitchen": FolderLoop(kitchen), "Warehouse": FolderLoop(warehouse)}
    clock = time.time() + LATER
    for _ in range(4):  # settle what the setup left unsaid
        for loop in loops.values():
            loop.step(clock)
        clock += 5
    before = set(os.listdir(shared))
    for number in range(20):  # a burst of edits
        add_member(kitchen, federation.ana, name=f"Burst {number}")
    made = []
    for _ in range(4):
        for name, loop in loops.items():
            result = loop.step(clock)
            if result.exported and name == "Kitchen":
                made.append(result.exported)
        clock += 2
    assert len(made) == 1  # one bundle for the whole burst
    assert made[0].path.name not in before
    assert {f"Burst {n}" for n in range(20)} <= member_names(warehouse)


def test_watch_runs_until_stopped(coop):
    federation, _shared = coop
    kitchen = federation["Kitchen"]
    add_member(kitchen, federation.ana, name="Watched")
    ticks = iter(range(100))
    now = [time.time()]
    reports = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    sync_folder.watch(
        kitchen,
        stop=lambda: next(ticks) >= 5,
        report=reports.append,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert any(result.exported for result in reports)


def test_a_site_without_a_folder_has_none(coop):
    federation, shared = coop
    assert sync_folder.sync_folder(federation["Kitchen"]) == shared.resolve()
    assert sync_folder.sync_folder(federation["Pantry"]) is None
    assert folder_status(federation["Pantry"]).folder is None


def test_watch_carries_on_when_the_folder_goes_away_and_comes_back(coop):
    federation, shared = coop
    kitchen = federation["Kitchen"]
    away = shared.with_name("Shared-away")
    steps = iter(range(100))
    problems: list[str] = []
    reports = []
    now = [time.time()]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        step = len(reports) + len(problems)
        if step == 1 and shared.exists():
            shared.rename(away)  # unmounted
        elif len(problems) == 1 and away.exists():
            away.rename(shared)  # back
            add_member(kitchen, federation.ana, name="After the gap")

    sync_folder.watch(
        kitchen,
        stop=lambda: next(steps) >= 12,
        report=reports.append,
        problem=problems.append,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert len(problems) == 1 and "is not there" in problems[0]
    assert sum(1 for result in reports if result.exported) >= 2  # before and after the gap


def test_on_another_drive_a_bundle_is_copied_under_a_name_syncthing_never_syncs(coop, monkeypatch):
    federation, shared = coop
    kitchen = federation["Kitchen"]
    add_member(kitchen, federation.ana, name="Across drives")
    real_replace = os.replace
    seen: list[str] = []

    def replace(source, target):
        source, target = Path(source), Path(target)
        if target.parent == shared.resolve() and source.parent != shared.resolve():
            raise OSError(18, "Invalid cross-device link")  # EXDEV: another drive
        if target.parent == shared.resolve():
            seen.append(source.name)
        return real_replace(source, target)

    monkeypatch.setattr(sync_folder.os, "replace", replace)
    made = export_to_folder(kitchen)
    assert seen == [f".syncthing.{made.path.name}.tmp"]
    assert [p.name for p in shared.iterdir()] == [made.path.name]
    monkeypatch.setattr(sync_folder.os, "replace", real_replace)
    assert import_new(federation["Warehouse"], now=later()).imported
