"""Today: what needs attention at a glance (conflicts, silent sites, clocks, identity)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from coopdesk.coop.members import add_member, update_member
from coopdesk.gui.shell.main_window import MainWindow
from coopdesk.gui.shell.today_page import TodayPage
from coopdesk.gui.sync import drives
from coopdesk.gui.sync.page import SyncPage
from coopdesk.sync import identity as site_identity
from tests.sync_helpers import Federation


@pytest.fixture(autouse=True)
def _no_usb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drives, "scan_drives", list)


@pytest.fixture
def fed(tmp_path: Path):
    federation = Federation.create(tmp_path / "coop", ["Kitchen", "Warehouse", "Market Hall"])
    yield federation
    federation.close()


def today_of(qtbot, store, member_id) -> TodayPage:
    window = MainWindow(store, member_id=member_id, ask_for_member=False, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.go_to("today")
    assert isinstance(page, TodayPage)
    return page


def make_conflicts(fed: Federation, count: int) -> None:
    ids = [add_member(fed["Kitchen"], fed.ana, f"Member {n}") for n in range(count)]
    fed.sync_all()
    for member_id in ids:
        update_member(fed["Kitchen"], fed.ana, member_id, phone="555 0101")
        update_member(fed["Warehouse"], fed.ana, member_id, phone="555 0199")
    fed.deliver(fed.export("Warehouse"), "Kitchen")


def test_a_coop_in_good_order_needs_no_attention(qtbot, fed):
    today = today_of(qtbot, fed["Kitchen"], fed.ana)
    assert today.attention_rows == []
    assert today.all_clear.isVisible()
    assert "every site agrees" in today.all_clear.text()


def test_opening_on_today_paints_first_then_builds_the_panels(qtbot, fed):
    """Start-up: the window is on screen before the features' panels are built and loaded;
    they come just after the first paint, conflicts and all."""
    make_conflicts(fed, 2)
    window = MainWindow(
        fed["Kitchen"], member_id=fed.ana, ask_for_member=False, remember_layout=False
    )
    qtbot.addWidget(window)
    today = window.pages["today"]
    assert isinstance(today, TodayPage)
    assert not today.panels_built and today.panels == []
    assert not today.all_clear.isVisible() and today.attention_rows == []  # not known yet
    assert today.changes_figure.number.text() != "–"  # the figures are there at once
    window.show()
    qtbot.waitUntil(lambda: today.panels_built, timeout=5000)
    assert today.panels
    assert today.attention_text().startswith("2 sync conflicts to settle")


def test_asking_for_today_before_it_was_painted_builds_the_panels_at_once(qtbot, fed):
    window = MainWindow(
        fed["Kitchen"], member_id=fed.ana, ask_for_member=False, remember_layout=False
    )
    qtbot.addWidget(window)
    today = window.go_to("today")  # never shown: no paint to wait for
    assert isinstance(today, TodayPage) and today.panels_built and today.panels
    assert today.all_clear.isVisibleTo(window)


def test_today_shows_the_conflict_count_and_leads_to_them(qtbot, fed):
    make_conflicts(fed, 2)
    today = today_of(qtbot, fed["Kitchen"], fed.ana)
    assert today.attention_text().startswith("2 sync conflicts to settle")
    assert not today.all_clear.isVisible()

    row = today.attention_rows[0]
    assert row.button is not None and row.button.text() == "Settle conflicts"
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    window = today.window_
    sync = window.pages["sync"]
    assert isinstance(sync, SyncPage)
    assert window.current_section() == "sync"
    assert sync.tabs.currentWidget() is sync.conflicts_tab
    assert sync.conflicts_model.rowCount() == 2


def test_conflicts_arriving_while_today_is_shown_appear_at_once(qtbot, fed):
    today = today_of(qtbot, fed["Kitchen"], fed.ana)
    assert today.attention_rows == []
    make_conflicts(fed, 1)  # the import notifies the hub; Today is on screen and reloads
    assert today.attention_text().startswith("1 sync conflict to settle")


def test_silent_sites_and_wrong_clocks_are_listed(qtbot, fed):
    store = fed["Kitchen"]
    store.conn.execute(
        "UPDATE _peer SET heard_at = ? WHERE site_id = ?",
        (time.time() - 10 * 86400, fed["Warehouse"].site_id),
    )
    store.conn.execute(
        "UPDATE _peer SET clock_warning = ? WHERE site_id = ?",
        ("its clock looks wrong (about 3 months ahead)", fed["Market Hall"].site_id),
    )
    today = today_of(qtbot, store, fed.ana)
    said = today.attention_text()
    assert "Warehouse: not heard from for 10 days." in said
    assert "Market Hall: its clock looks wrong (about 3 months ahead)." in said
    qtbot.mouseClick(today.attention_rows[0].button, Qt.MouseButton.LeftButton)
    assert today.window_.current_section() == "sync"


def test_a_recent_new_site_identity_is_explained(qtbot, fed):
    store = fed["Kitchen"]
    text = "This site was restored from a backup. This computer now uses a new site identity."
    store.local_set(site_identity.IDENTITY_NOTICE, json.dumps({"text": text, "at": time.time()}))
    today = today_of(qtbot, store, fed.ana)
    assert text in today.attention_text()

    long_ago = time.time() - 60 * 86400
    store.local_set(site_identity.IDENTITY_NOTICE, json.dumps({"text": text, "at": long_ago}))
    today.load()
    assert text not in today.attention_text()
