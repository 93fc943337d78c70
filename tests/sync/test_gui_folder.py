"""The window and the sync folder: it imports by itself, exports after a quiet moment, and
the Sync page shows the folder's state and lets a person choose it or turn it off."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from coopdesk.coop.members import add_member, find_member
from coopdesk.gui.kit import dialogs
from coopdesk.gui.sync import drives, folder_tab
from coopdesk.gui.sync.folder_watch import FolderWatch, watch_of
from coopdesk.gui.sync.today import sync_attention
from coopdesk.sync.folder import (
    SUFFIX,
    export_to_folder,
    import_new,
    load_state,
    parse_bundle_name,
    save_state,
    set_sync_folder,
    sync_folder,
)
from tests.gui_helpers import open_window
from tests.sync_helpers import Federation

TIMEOUT_MS = 30_000


@pytest.fixture
def fed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(drives, "scan_drives", list)
    federation = Federation.create(tmp_path / "coop", ["Kitchen", "Warehouse"])
    shared = tmp_path / "Shared"
    shared.mkdir()
    for name in ("Kitchen", "Warehouse"):
        set_sync_folder(federation[name], shared)
    yield federation, shared
    federation.close()


def age(folder: Path) -> None:
    """As if the file-sync tool had finished writing a minute ago."""
    for path in folder.iterdir():
        stat = path.stat()
        os.utime(path, (stat.st_atime - 60, stat.st_mtime - 60))


def idle(watcher: FolderWatch) -> bool:
    timers = (watcher.look_timer, watcher.quiet_timer)
    return watcher.task is None and not any(timer.isActive() for timer in timers)


def test_suffix_is_the_bundles():
    from coopdesk.sync.bundle import SUFFIX as BUNDLE_SUFFIX

    assert SUFFIX == BUNDLE_SUFFIX


def test_a_change_at_one_site_appears_in_the_other_sites_window_by_itself(qtbot, fed):
    federation, shared = fed
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    window = open_window(qtbot, warehouse, federation.ana)
    watcher = watch_of(window)
    assert isinstance(watcher, FolderWatch) and watcher.active
    members = window.go_to("members")
    qtbot.waitUntil(lambda: watcher.task is None, timeout=TIMEOUT_MS)

    add_member(kitchen, federation.ana, "Rosa Lima")  # at the other site, in its own window
    export_to_folder(kitchen)
    age(shared)
    # Nobody clicks anything: the watcher sees the file, imports it, the page refreshes.
    qtbot.waitUntil(lambda: find_member(warehouse, "Rosa Lima") is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: any(
            "Rosa Lima" in str(members.model.index(row, 0).data())
            for row in range(members.model.rowCount())
        ),
        timeout=TIMEOUT_MS,
    )
    assert "From the sync folder" in window.notice_label.text()


def test_local_edits_make_one_bundle_after_a_quiet_moment(qtbot, fed):
    federation, shared = fed
    warehouse = federation["Warehouse"]
    window = open_window(qtbot, warehouse, federation.ana)
    watcher = watch_of(window)
    watcher.quiet_timer.setInterval(300)
    qtbot.waitUntil(lambda: idle(watcher), timeout=TIMEOUT_MS)
    before = set(os.listdir(shared))
    for number in range(5):
        add_member(warehouse, federation.ana, f"Quick {number}")
    qtbot.waitUntil(lambda: bool(set(os.listdir(shared)) - before), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: idle(watcher), timeout=TIMEOUT_MS)
    new = set(os.listdir(shared)) - before
    assert len(new) == 1  # the burst made one bundle
    (name,) = new
    assert parse_bundle_name(name) == (warehouse.site_id, parse_bundle_name(name)[1])
    age(shared)
    result = import_new(federation["Kitchen"])
    assert any(r.report.new_entries for r in result.imported)
    assert find_member(federation["Kitchen"], "Quick 4") is not None


def test_the_sync_page_shows_the_folder_and_sets_and_turns_it_off(
    qtbot, fed, tmp_path, monkeypatch
):
    federation, shared = fed
    warehouse = federation["Warehouse"]
    window = open_window(qtbot, warehouse, federation.ana)
    page = window.go_to("sync")
    page.tabs.setCurrentWidget(page.folder_tab)
    tab = page.folder_tab
    assert str(shared.resolve()) in tab.folder_label.text()

    # A refusal is said in a sentence, and nothing changes.
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, message, *a: errors.append(message))
    monkeypatch.setattr(folder_tab, "choose_folder", lambda *_a: warehouse.path.parent)
    tab.choose()
    assert errors and "inside this site's data folder" in errors[0]
    assert sync_folder(warehouse) == shared.resolve()

    monkeypatch.setattr(dialogs, "confirm", lambda *_a: True)
    tab.turn_off()
    assert sync_folder(warehouse) is None
    assert tab.folder_label.text() == "Sync folder: off"
    assert not watch_of(window).active

    other = tmp_path / "Other"
    other.mkdir()
    monkeypatch.setattr(folder_tab, "choose_folder", lambda *_a: other)
    tab.choose()
    assert sync_folder(warehouse) == other.resolve()
    assert watch_of(window).active
    qtbot.waitUntil(lambda: any(other.glob(f"*{SUFFIX}")), timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: "Last bundle from this site: Warehouse_" in tab.state_label.text(),
        timeout=TIMEOUT_MS,
    )


def test_today_names_a_site_silent_on_the_folder(fed):
    federation, shared = fed
    kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
    add_member(kitchen, federation.ana, "Someone")
    export_to_folder(kitchen)
    age(shared)
    import_new(warehouse)
    assert not [key for key, _text in sync_attention(warehouse) if key.startswith("folder")]
    state = load_state(warehouse)
    state["last_in"][kitchen.site_id]["at"] = time.time() - 3 * 86400
    save_state(warehouse, state)
    said = dict(sync_attention(warehouse))
    assert "no bundle in the sync folder for 3 days" in said[f"folder-site:{kitchen.site_id}"]


def test_background_work_nobody_asked_for_shows_no_progress_dialog(qtbot, fed):
    from coopdesk.gui.kit.background import run_store_task

    federation, _shared = fed
    window = open_window(qtbot, federation["Warehouse"], federation.ana)
    seen: list[bool] = []
    results: list[str] = []

    def slow(_worker, _progress, _cancelled) -> str:
        time.sleep(0.8)  # longer than the delay after which a dialog would show
        return "done"

    handle = run_store_task(
        window, window.store, "Quietly…", slow, on_done=results.append, show_progress=False
    )

    def finished() -> bool:
        if handle.done:  # its dialog is gone by then
            return True
        seen.append(handle.dialog.isVisible())
        return False

    qtbot.waitUntil(finished, timeout=10_000)
    assert results == ["done"] and len(seen) > 3 and not any(seen)
