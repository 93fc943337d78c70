"""Two real Syncthing instances carry the sync folder: a change made in site A's window shows
in site B's window with nobody doing anything. Skipped, with the reason, without Syncthing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from coopdesk.coop.members import add_member, find_member
from coopdesk.gui.sync import drives
from coopdesk.gui.sync.folder_watch import watch_of
from coopdesk.sync.folder import SyncFolderError, set_sync_folder
from tests.gui_helpers import open_window
from tests.sync_helpers import Federation
from tests.syncthing_helpers import syncthing_pair, syncthing_unavailable

WHY_NOT = syncthing_unavailable()
if WHY_NOT:
    print(f"\n{WHY_NOT}", file=sys.stderr)
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def shows_member(window, name: str) -> bool:
    page = window.page("members")
    model = page.model
    return any(name in str(model.index(row, 0).data()) for row in range(model.rowCount()))


def test_a_change_in_one_window_reaches_the_other_through_syncthing(
    qtbot, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(drives, "scan_drives", list)
    federation = Federation.create(tmp_path / "coop", ["Kitchen", "Warehouse"])
    windows = []
    try:
        with syncthing_pair(tmp_path / "syncthing") as (a, b):
            kitchen, warehouse = federation["Kitchen"], federation["Warehouse"]
            set_sync_folder(kitchen, a.folder)
            set_sync_folder(warehouse, b.folder)
            window_a = open_window(qtbot, kitchen, federation.ana)
            window_b = open_window(qtbot, warehouse, federation.ana)
            windows += [window_a, window_b]
            window_b.go_to("members")
            for window in (window_a, window_b):
                watcher = watch_of(window)
                qtbot.waitUntil(lambda w=watcher: w.task is None, timeout=30_000)

            started = time.monotonic()
            with window_a.hub.initiated_by(window_a):
                add_member(kitchen, federation.ana, "Through Syncthing")
            qtbot.waitUntil(lambda: shows_member(window_b, "Through Syncthing"), timeout=90_000)
            took = time.monotonic() - started
            print(f"\nA's window to B's window through Syncthing: {took:.1f} s", file=sys.stderr)
            assert find_member(warehouse, "Through Syncthing") is not None
            # Syncthing's own temporary files were never read or refused on the way.
            for window in (window_a, window_b):
                last = watch_of(window).last
                assert last is None or not last.refused
    finally:
        # The windows (their watchers and lists) end before the stores they read are closed.
        for window in windows:
            watcher = watch_of(window)
            qtbot.waitUntil(lambda w=watcher: w.task is None, timeout=30_000)
            window.close()
        qtbot.wait(10)
        federation.close()


def test_a_data_folder_inside_the_syncthing_folder_is_refused(tmp_path: Path):
    if WHY_NOT:
        pytest.skip(WHY_NOT)
    with syncthing_pair(tmp_path / "syncthing") as (a, _b):
        federation = Federation.create(a.folder / "inside", ["Kitchen"])
        try:
            other = tmp_path / "bundles"
            other.mkdir()
            with pytest.raises(SyncFolderError, match="inside the Syncthing folder"):
                set_sync_folder(federation["Kitchen"], other)
        finally:
            federation.close()
